#ifndef CERTDESK_MODEL_FORM_H
#define CERTDESK_MODEL_FORM_H

#include <stdbool.h>

#include "util/status.h"

/*
 * Forms as data (the files in forms/): each field's id, label, width, type,
 * whether it is required and which check applies. The screen builds its
 * widgets from them, the use cases and importers validate with them, and
 * printing takes the labels from them, so a label is written once.
 */
enum field_type {
	FT_TEXT,       /* any text, Chinese included */
	FT_PASSWORD,   /* masked */
	FT_DIGITS,     /* 0-9 only (phones, postal codes) */
	FT_CODE,       /* identifiers: ASCII letters and digits, upper-cased */
	FT_LOWER,      /* identifiers: ASCII, lower-cased (user names) */
	FT_CHOICE,     /* one of `choices`, cycled with left/right/space */
	FT_DATE,       /* YYYY-MM-DD */
	FT_MONEY,      /* yuan, two decimals */
};

struct form_field {
	const char *id;        /* "username": the key in payloads and CSV */
	const char *label;     /* "用户名" */
	int width;             /* columns on screen */
	int max_chars;         /* most code points accepted */
	enum field_type type;
	bool required;
	const char *check;     /* a check_by_name() name, or NULL */
	const char *choices;   /* FT_CHOICE: "clerk=受理员|supervisor=审核员" */
	const char *hint;      /* one line of help shown while the field has focus */
};

struct form_def {
	const char *name;      /* "staff_new" */
	const char *title;     /* "新建员工账户" */
	const struct form_field *fields;
	int nfields;
};

/* The form with this name, or NULL. */
const struct form_def *form_find(const char *name);
/* The field with this id, or NULL. */
const struct form_field *form_field(const struct form_def *f, const char *id);
/* Index of field `id`, -1 when absent. */
int form_index(const struct form_def *f, const char *id);

/* Check one value (trimmed) against its field: required, length, type and
 * the named check. The message names the field ("手机号：…"). */
bool form_check(const struct form_field *f, const char *value, struct err *e);

/* FT_CHOICE helpers over a choices string "code=label|code=label": the
 * number of choices, choice i's code and label (copied, 64 bytes each), the
 * index of `code` (-1 if none). */
int choices_count(const char *choices);
bool choices_get(const char *choices, int i, char code[64], char label[64]);
int choices_find(const char *choices, const char *code);

#endif
