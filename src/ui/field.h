#ifndef CERTDESK_UI_FIELD_H
#define CERTDESK_UI_FIELD_H

/*
 * A one-line text field of our own (DESIGN.md: formw mishandles double-width
 * characters). The text is a wchar_t buffer; the cursor moves by character;
 * widths are measured in columns with wcwidth, so Chinese text scrolls and
 * ends exactly at the field's edge. Pre-filled text is kept as it is.
 */
#include <stdbool.h>
#include <wchar.h>

#include "model/form.h"
#include "ui/ui.h"

struct field {
	wchar_t *text;      /* owned, NUL-terminated */
	int len;            /* characters */
	int max;            /* most characters accepted */
	int cur;            /* cursor, 0..len */
	int scroll;         /* first visible character */
	int width;          /* columns on screen */
	enum field_type type;
	int choice;         /* FT_CHOICE: the selected choice */
	char *choices;      /* FT_CHOICE: owned override of def->choices, or NULL */
	const struct form_field *def; /* borrowed, may be NULL */
};

/* Embedded init/done. `def` gives width, limit and type; it must outlive f. */
void field_init(struct field *f, const struct form_field *def);
void field_done(struct field *f);
/* FT_CHOICE: offer these choices ("code=label|...") instead of the
 * declared ones, keeping the current code selected when still offered. */
void field_set_choices(struct field *f, const char *choices);
/* Replace the text (UTF-8; FT_CHOICE: the choice code). Invalid UTF-8 is
 * dropped. The cursor goes to the end. */
void field_set(struct field *f, const char *utf8);
/* The text as UTF-8, trimmed (FT_CHOICE: the choice code); caller frees. */
char *field_get(const struct field *f);
/* True when the field holds no text. */
bool field_empty(const struct field *f);
/* Handle an editing key; R_HANDLED when the key was the field's. */
int field_key(struct field *f, const struct key *k);
/* Draw at (y, x); when focused, places the terminal cursor. */
void field_draw(struct field *f, int y, int x, bool focused);

#endif
