#ifndef CERTDESK_UI_LISTW_H
#define CERTDESK_UI_LISTW_H

/*
 * A list that scrolls a query result of any size without loading it: it
 * holds one screenful of rows and asks its source for the rows after the
 * last one or before the first one (keyset paging), so moving through a
 * million rows costs the same as moving through ten.
 */
#include <stdbool.h>

#include "ui/ui.h"

#define LISTW_MAX_COLS 8
#define LISTW_MAX_ROWS 128
#define LISTW_KEY_MAX 96
#define LISTW_CELL_MAX 160

struct listw_row {
	char key[LISTW_KEY_MAX];                       /* the source's position */
	char id[UUID_LEN + 1];                          /* the record, for actions */
	char cell[LISTW_MAX_COLS][LISTW_CELL_MAX];
	enum ui_style style;                            /* S_NORMAL, S_DIM, S_WARN... */
};

struct listw_source {
	/* Fill up to n rows; return how many, or -1 with e set. */
	int (*fetch)(void *ctx, enum page_dir dir, const char *key, int n,
		     struct listw_row *rows, struct err *e);
	/* Total rows, or -1 when unknown or too costly. May be NULL. */
	long (*count)(void *ctx);
	void *ctx;
};

struct listw_col {
	const char *title;
	int width;        /* columns; the last column takes what is left when 0 */
	bool right;       /* right-aligned (numbers, money) */
};

struct listw {
	struct listw_source src;
	const struct listw_col *cols;
	int ncols;
	struct listw_row rows[LISTW_MAX_ROWS];
	int nrows;        /* rows held (one screenful) */
	int sel;          /* selected row in rows[] */
	int height;       /* rows visible, set at draw time */
	long total;       /* from count(), -1 unknown */
	char empty[128];  /* what to say when there is nothing */
	char error[256];
};

void listw_init(struct listw *l, const struct listw_source *src, const struct listw_col *cols,
		int ncols, const char *empty_text);
/* Reload from the top (or, when keep is set, from the selected row). */
void listw_reload(struct listw *l, bool keep);
/* Arrows, PgUp/PgDn, Home/End. */
int listw_key(struct listw *l, const struct key *k);
/* Draw in rows y..y+h-1 (header included). */
void listw_draw(struct listw *l, int y, int x, int w, int h);
/* The selected row, or NULL when the list is empty. */
const struct listw_row *listw_selected(const struct listw *l);

#endif
