#ifndef CERTDESK_MODEL_LAYOUT_H
#define CERTDESK_MODEL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

/*
 * Layouts of printed documents (print/NAME.layout), parsed into data that
 * one renderer (adapt/pdf.h) interprets: a new document is a new layout
 * file, not new code. Pure: no I/O; file= references are looked up among
 * the embedded files (util/embedded.h).
 *
 * The format, one statement a line, '#' starts a comment outside quotes:
 *
 *   paper A4|A5 [landscape]     document settings, before the first page
 *   title "..."                 PDF title
 *   size 10.5                   default font size (pt)
 *   leading 1.3                 default line height, times the font size
 *   stroke 0.3                  default line width (mm)
 *   default KIND attr=v ...     default attributes for later KIND elements
 *
 *   page [flow_top=MM] [flow_bottom=MM]
 *       starts a page. Flowing content (tables, flow blocks, elements
 *       placed at Y "+N") that does not fit continues on a new sheet of
 *       the same page, between flow_top and flow_bottom; elements marked
 *       `repeat` are drawn on every sheet of the page.
 *
 *   text  X Y [w=] [h=] [size=] [bold] [align=] [valign=] "template"
 *   block X Y W H [size=] [leading=] [indent=EM] [align=] [flow] [border]
 *                 [min=PT] [pad=MM] ("template" | file=print/x.txt)
 *   field X Y W H label="..." [lw=MM] [shade=GRAY] [size=] [min=] [align=] "template"
 *   box   X Y W H [width=MM] [dash=MM] [fill=GRAY]
 *   line  X1 Y1 X2 Y2 [width=MM] [dash=MM]
 *   qr    X Y SIZE [quiet=MODULES] "template"
 *   check X Y key=KEY is=VALUE [size=] "label"
 *   table X Y W group=NAME [bottom=MM] [head=MM] [row=MM] [size=] [shade=]
 *                 [min_rows=N] [empty="..."] [cont="..."]
 *       col W [align=] "heading" "cell template"    (one line per column)
 *   end
 *   group X Y W H               children use the group's coordinates;
 *       ...                     a group placed at "+N" moves to the next
 *   end                         sheet as a whole when it does not fit
 *
 * Positions are millimetres from the top-left corner of the paper; a Y of
 * "+N" means N mm below the end of the previous flowing element. Sizes are
 * points. Any element takes `repeat` (every sheet of its page) or
 * `continued` (only the continuation sheets: a running header).
 *
 * Templates: "{key}" is replaced by the data value; "{a|b|=text}" takes the
 * first non-empty of the keys a, b, else the literal "text"; "{key:filter}"
 * formats (filters: fen, fen_upper, date; see layout_expand); "{{" and "}}"
 * are literal braces. In a table, "[]" in a key stands for the current row
 * ("{attachments[].name}") and "{#}" is the row number from 1. The renderer
 * also knows {today} and, in repeat/continued elements, {page} and {pages}
 * (sheets of this document).
 */

enum layout_kind {
	LAYOUT_TEXT,
	LAYOUT_BLOCK,
	LAYOUT_FIELD,
	LAYOUT_BOX,
	LAYOUT_LINE,
	LAYOUT_QR,
	LAYOUT_CHECK,
	LAYOUT_TABLE,
	LAYOUT_GROUP,
};

enum layout_align { LAYOUT_LEFT, LAYOUT_CENTER, LAYOUT_RIGHT };
enum layout_valign { LAYOUT_TOP, LAYOUT_MIDDLE, LAYOUT_BOTTOM };

#define LAYOUT_MAX_COLS 32

struct layout_col {
	double w;                  /* mm */
	enum layout_align align;
	char *head;                /* template, owned */
	char *cell;                /* template, owned */
};

struct layout_elem {
	enum layout_kind kind;
	int line;                  /* line in the layout file, for messages */
	double x, y, w, h;         /* mm; line: x,y to x2,y2; qr: w = h = size */
	double x2, y2;
	bool rel;                  /* y counts from the flow cursor ("+N") */
	bool repeat;               /* drawn on every sheet of its page */
	bool continued;            /* drawn on the continuation sheets only */
	bool flow;                 /* block: continues on the next sheet */
	bool border;               /* block: draw its frame */
	bool bold;
	double size;               /* pt */
	double min_size;           /* pt: shrink down to this before clipping */
	double leading;            /* line height / size */
	double stroke;             /* mm */
	double dash;               /* mm, 0 = solid */
	double fill;               /* gray 0..1 for box/label/heading, < 0 = none */
	double pad;                /* mm inside boxes */
	double indent;             /* em, first line of each paragraph */
	enum layout_align align;
	enum layout_valign valign;
	char *text;                /* template, owned (block file: the file's text) */
	char *label;               /* field, check: owned */
	double label_w;            /* field: mm */
	char *key;                 /* check: the data key; owned */
	char *is;                  /* check: the value that ticks it; owned */
	int quiet;                 /* qr: quiet zone, modules */
	/* table */
	char *group;               /* row group name ("attachments"); owned */
	double head_h, row_h;      /* mm; rows grow to fit wrapped cells */
	double bottom;             /* mm: lowest edge on the first sheet, 0 = flow_bottom */
	int min_rows;
	char *empty;               /* text of the row shown when there are none; owned */
	char *cont;                /* caption above the table on continuation sheets; owned */
	struct layout_col *cols;
	size_t n_cols;
	/* group */
	struct layout_elem *kids;
	size_t n_kids;
};

struct layout_page {
	int line;
	double flow_top, flow_bottom;   /* mm */
	struct layout_elem *elems;
	size_t n_elems;
};

struct layout {
	char name[64];
	char title[256];
	double paper_w, paper_h;        /* mm */
	double size, leading, stroke;   /* defaults */
	struct layout_page *pages;
	size_t n_pages;
};

/*
 * Parse layout text. `name` is used in messages ("receipt"). On success
 * *out is a new layout, caller frees with layout_free(). On a bad layout:
 * ST_INVALID and e names the line: "版式 receipt 第 12 行：未知的元素 txet".
 */
enum status layout_parse(const char *name, const char *text, struct layout **out, struct err *e);
/* Parse the embedded print/NAME.layout. ST_NOT_FOUND when there is none. */
enum status layout_load(const char *name, struct layout **out, struct err *e);
void layout_free(struct layout *l);

/*
 * Call fn once for every distinct data key the layout reads, in the form
 * written ("applicant.name", "attachments[].name"), built-ins excluded.
 */
void layout_keys(const struct layout *l, void (*fn)(void *ctx, const char *key), void *ctx);

/*
 * Template expansion. lookup returns the value of a key (NULL or "" when
 * absent); the returned text is borrowed until the next call. `row` >= 0
 * replaces "[]" in keys by "[row]" and makes {#} row + 1. `on_value`, when
 * not NULL, is called with each non-empty value taken from a key (so a
 * caller can check its characters and know the key). Appends to out;
 * false only when out failed (cap or memory).
 *
 * Filters: fen: "128050" -> "1,280.50"; fen_upper: "128050" ->
 * "壹仟贰佰捌拾元伍角整"; date: "2026-11-25..." -> "2026年11月25日". A value a
 * filter cannot read is printed as it is.
 */
typedef const char *(*layout_lookup_fn)(void *ctx, const char *key);
typedef void (*layout_value_fn)(void *ctx, const char *key, const char *value);
bool layout_expand(const char *tmpl, int row, layout_lookup_fn lookup, layout_value_fn on_value,
		   void *ctx, struct buf *out);

/* Money helpers behind the filters; out needs 64 bytes. False when fen < 0
 * or larger than 10^15. */
bool layout_fen_text(long long fen, char *out, size_t outsz);
bool layout_fen_upper(long long fen, char *out, size_t outsz);

/*
 * Line breaking for Chinese and mixed text. Breaks between any two CJK
 * characters, at spaces, and inside a Latin word only when the word is
 * wider than the line; keeps closing punctuation (，。、）》” ...) off the
 * start of a line and opening punctuation off the end. '\n' is a hard
 * break; each paragraph's first line is indented by `indent` points.
 * width_fn gives the advance of one code point in points.
 * On success *out holds *n spans (caller frees *out), each a byte range
 * of text without the break characters; empty text gives 0 spans.
 */
struct layout_span {
	size_t off, len;
	double indent;             /* points before the first character */
	double width;              /* points, indent included */
};
typedef double (*layout_width_fn)(void *ctx, uint32_t cp);
bool layout_wrap(const char *text, double width, double indent, layout_width_fn width_fn, void *ctx,
		 struct layout_span **out, size_t *n);

#endif
