#ifndef CERTDESK_MODEL_LAYOUT_PARSE_H
#define CERTDESK_MODEL_LAYOUT_PARSE_H

#include <stdbool.h>

#include "model/layout.h"

/*
 * Internal to the layout parser, shared by layout.c (lines, tokens and
 * the statements that are not elements) and layout_elem.c (the element
 * statements: which attributes each kind takes, and their checks).
 */

/* One token of a line, pointing into the parser's scratch. */
struct layout_tok {
	const char *key;   /* NULL for a bare word or string */
	const char *val;
	bool quoted;
};

#define LAYOUT_MAX_DEFAULTS 24

/* An attribute given by "default KIND ...", applied to each later KIND. */
struct layout_default {
	char key[16];
	char *val;         /* owned */
	bool flag;         /* a bare word: a switch such as bold */
};

struct layout_parser {
	const char *name;
	int line;
	struct err *e;
	struct layout *l;
	struct layout_page *page;           /* current page, NULL before the first */
	struct layout_elem *table;          /* open table, or NULL */
	struct layout_elem *group;          /* open group, or NULL */
	struct layout_default defaults[LAYOUT_GROUP + 1][LAYOUT_MAX_DEFAULTS];
	size_t n_defaults[LAYOUT_GROUP + 1];
	char scratch[8192];
};

/* ---- layout.c ---- */

/* Fail with ST_INVALID and a message naming the layout and line:
 * "版式 receipt 第 12 行：...". Returns ST_INVALID. */
enum status layout_perr(struct layout_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A finite number, the whole of s. */
bool layout_parse_num(const char *s, double *out);
/* A bare token that starts like a number ("12", "+5", ".5"). */
bool layout_is_number_tok(const struct layout_tok *t);
/* Replace *dst by a copy of v; false (ST_NOMEM set) when out of memory. */
bool layout_set_str(struct layout_parser *p, char **dst, const char *v);
/* layout_template_check() with the message put on the current line. */
bool layout_check_template(struct layout_parser *p, const char *t, const char *group);

/* ---- layout_elem.c ---- */

/* The element kind named `name` ("text", "table"); false when none is. */
bool layout_elem_kind(const char *name, enum layout_kind *out);
/* Parse the tokens after the element keyword into el (zeroed), with the
 * defaults given so far; in_group: el is a child of p->group. */
bool layout_elem_parse(struct layout_parser *p, enum layout_kind kind, struct layout_elem *el,
		       const struct layout_tok *t, int nt, bool in_group);
/* "default KIND attr=v ...": t holds the tokens after "default". */
bool layout_elem_default(struct layout_parser *p, const struct layout_tok *t, int nt);
/* Free what el owns, its children included (not el itself). */
void layout_elem_done(struct layout_elem *el);

#endif
