#ifndef CERTDESK_UI_REPORTW_H
#define CERTDESK_UI_REPORTW_H

/*
 * A report under a form (日结, 月度统计): the form on top, then a title
 * bar with the report's name and the position of the rows shown, an error
 * line when the last count failed, and the report's lines, scrolled by
 * PgUp/PgDn and by the arrows past the form's first and last field. The
 * views keep their own rows and draw them; this keeps the scrolling and
 * the cells the reports share.
 */
#include <stdbool.h>

#include "ui/formw.h"
#include "ui/ui.h"

#define REPORTW_X0 2

struct reportw {
	int top;          /* first row shown */
	int nrows;        /* rows the view has */
};

/* Draw the title bar at y (with "a-b/n 行" when the rows do not fit) and
 * the error line when error is not empty; clamp the scroll position to the
 * window. Returns the y of the first row; *shown is how many rows fit. */
int reportw_draw_head(struct reportw *r, int y, const char *title, const char *error, int *shown);
/* PgUp/PgDn, and Up/Down past the form's ends. True when the key scrolled;
 * `page` is the rows a page moves. */
bool reportw_key(struct reportw *r, const struct formw *w, const struct key *k, int page);
/* Rows between y and the status line. */
int reportw_body_rows(int y);

/* Cells: text left or right aligned in w columns; a count; money in yuan. */
void reportw_cell(int y, int x, int w, bool right, const char *s);
void reportw_count_cell(int y, int x, int w, long n);
void reportw_money_cell(int y, int x, int w, long long fen);
/* A bar of at most `cols` columns for |v| against max, in eighths of a
 * column (U+2588 and the seven partial blocks before it). Integers only. */
void reportw_bar(int y, int x, int cols, long long v, long long max);

#endif
