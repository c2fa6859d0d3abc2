#include "ui/listw.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

void listw_init(struct listw *l, const struct listw_source *src, const struct listw_col *cols,
		int ncols, const char *empty_text)
{
	memset(l, 0, sizeof *l);
	l->src = *src;
	l->cols = cols;
	l->ncols = ncols < LISTW_MAX_COLS ? ncols : LISTW_MAX_COLS;
	l->height = 10;
	l->total = -1;
	snprintf(l->empty, sizeof l->empty, "%s", empty_text ? empty_text : "（没有记录）");
}

static int page(const struct listw *l)
{
	int h = l->height > 0 ? l->height : 1;
	return h < LISTW_MAX_ROWS ? h : LISTW_MAX_ROWS;
}

/* Fetch into a scratch array; returns count or -1 (error kept). */
static int fetch(struct listw *l, enum page_dir dir, const char *key, int n,
		 struct listw_row *out)
{
	struct err e;
	err_clear(&e);
	int got = l->src.fetch(l->src.ctx, dir, key, n, out, &e);
	if (got < 0)
		snprintf(l->error, sizeof l->error, "%s", err_text(&e));
	else
		l->error[0] = '\0';
	return got;
}

void listw_reload(struct listw *l, bool keep)
{
	static struct listw_row tmp[LISTW_MAX_ROWS];
	char key[LISTW_KEY_MAX] = "", first[LISTW_KEY_MAX] = "";
	int sel_off = 0;
	if (keep && l->nrows > 0) {
		snprintf(first, sizeof first, "%s", l->rows[0].key);
		snprintf(key, sizeof key, "%s", l->rows[l->sel].key);
		sel_off = l->sel;
	}
	int n = keep && first[0] ? fetch(l, PAGE_AT, first, page(l), tmp)
				 : fetch(l, PAGE_FIRST, "", page(l), tmp);
	if (n < 0)
		return;
	memcpy(l->rows, tmp, sizeof tmp[0] * (size_t)n);
	l->nrows = n;
	l->sel = 0;
	for (int i = 0; i < n; i++)
		if (strcmp(l->rows[i].key, key) == 0) {
			l->sel = i;
			break;
		}
	if (keep && l->sel == 0 && sel_off < n && key[0] && strcmp(l->rows[0].key, key) != 0)
		l->sel = sel_off; /* the selected row went away: stay where we were */
	l->total = l->src.count ? l->src.count(l->src.ctx) : -1;
}

/* Scroll by one row forward or back; false at the end. */
static bool step(struct listw *l, bool forward)
{
	struct listw_row one;
	if (l->nrows == 0)
		return false;
	if (forward) {
		if (fetch(l, PAGE_AFTER, l->rows[l->nrows - 1].key, 1, &one) != 1)
			return false;
		if (l->nrows < page(l)) {
			l->rows[l->nrows++] = one;
		} else {
			memmove(l->rows, l->rows + 1, sizeof l->rows[0] * (size_t)(l->nrows - 1));
			l->rows[l->nrows - 1] = one;
		}
	} else {
		if (fetch(l, PAGE_BEFORE, l->rows[0].key, 1, &one) != 1)
			return false;
		int keep = l->nrows < page(l) ? l->nrows : l->nrows - 1;
		memmove(l->rows + 1, l->rows, sizeof l->rows[0] * (size_t)keep);
		l->rows[0] = one;
		l->nrows = keep + 1;
	}
	return true;
}

static void page_move(struct listw *l, bool forward)
{
	static struct listw_row tmp[LISTW_MAX_ROWS];
	if (l->nrows == 0)
		return;
	int n = forward ? fetch(l, PAGE_AFTER, l->rows[l->nrows - 1].key, page(l), tmp)
			: fetch(l, PAGE_BEFORE, l->rows[0].key, page(l), tmp);
	if (n <= 0) {
		l->sel = forward ? l->nrows - 1 : 0;
		return;
	}
	if (n < page(l)) {
		/* Near an end: show a full page that ends (or starts) there. */
		n = forward ? fetch(l, PAGE_LAST, "", page(l), tmp)
			    : fetch(l, PAGE_FIRST, "", page(l), tmp);
		if (n <= 0)
			return;
		memcpy(l->rows, tmp, sizeof tmp[0] * (size_t)n);
		l->nrows = n;
		l->sel = forward ? n - 1 : 0;
		return;
	}
	memcpy(l->rows, tmp, sizeof tmp[0] * (size_t)n);
	l->nrows = n;
}

int listw_key(struct listw *l, const struct key *k)
{
	if (!k->fn)
		return R_NONE;
	switch (k->code) {
	case KEY_DOWN:
		if (l->sel < l->nrows - 1)
			l->sel++;
		else
			step(l, true);
		return R_HANDLED;
	case KEY_UP:
		if (l->sel > 0)
			l->sel--;
		else
			step(l, false);
		return R_HANDLED;
	case KEY_NPAGE:
		page_move(l, true);
		return R_HANDLED;
	case KEY_PPAGE:
		page_move(l, false);
		return R_HANDLED;
	case KEY_HOME:
		listw_reload(l, false);
		return R_HANDLED;
	case KEY_END: {
		static struct listw_row tmp[LISTW_MAX_ROWS];
		int n = fetch(l, PAGE_LAST, "", page(l), tmp);
		if (n > 0) {
			memcpy(l->rows, tmp, sizeof tmp[0] * (size_t)n);
			l->nrows = n;
			l->sel = n - 1;
		}
		return R_HANDLED;
	}
	default:
		return R_NONE;
	}
}

static void draw_cells(const struct listw *l, const struct listw_row *r, int y, int x, int w,
		       bool header)
{
	int cx = x;
	for (int c = 0; c < l->ncols && cx < x + w; c++) {
		int cw = l->cols[c].width;
		if (cw <= 0 || c == l->ncols - 1)
			cw = cw > 0 && cw < x + w - cx ? cw : x + w - cx;
		if (cx + cw > x + w)
			cw = x + w - cx;
		const char *text = header ? l->cols[c].title : r->cell[c];
		if (l->cols[c].right) {
			int tw = utf8_width(text);
			ui_text(y, cx + (tw < cw - 1 ? cw - 1 - tw : 0), cw - 1, true, text);
		} else {
			ui_text(y, cx, cw - 1, true, text);
		}
		cx += cw;
	}
}

void listw_draw(struct listw *l, int y, int x, int w, int h)
{
	int want = h - 2; /* header and footer */
	if (want < 1)
		want = 1;
	if (want > LISTW_MAX_ROWS)
		want = LISTW_MAX_ROWS;
	if (want != l->height) {
		l->height = want;
		if (l->nrows > want) {
			/* Shrink around the selection. */
			int start = l->sel >= want ? l->sel - want + 1 : 0;
			memmove(l->rows, l->rows + start, sizeof l->rows[0] * (size_t)want);
			l->nrows = want;
			l->sel -= start;
		} else if (l->nrows < want && l->nrows > 0) {
			listw_reload(l, true);
		}
	}
	attrset(ui_style(S_HEADER));
	mvhline(y, x, ' ', w);
	draw_cells(l, NULL, y, x, w, true);
	attrset(A_NORMAL);
	if (l->nrows == 0) {
		attrset(ui_style(S_DIM));
		ui_text(y + 2, x + 2, w - 2, true, l->error[0] ? l->error : l->empty);
		attrset(A_NORMAL);
	}
	for (int i = 0; i < l->nrows && i < want; i++) {
		attr_t a = i == l->sel ? ui_style(S_SELECT) : ui_style(l->rows[i].style);
		attrset(a);
		mvhline(y + 1 + i, x, ' ', w);
		draw_cells(l, &l->rows[i], y + 1 + i, x, w, false);
		attrset(A_NORMAL);
	}
	char foot[128];
	if (l->error[0] && l->nrows)
		snprintf(foot, sizeof foot, "%s", l->error);
	else if (l->total >= 0)
		snprintf(foot, sizeof foot, "共 %ld 条  ↑↓ 选择  PgUp/PgDn 翻页  Home/End 首尾", l->total);
	else
		snprintf(foot, sizeof foot, "↑↓ 选择  PgUp/PgDn 翻页  Home/End 首尾");
	attrset(l->error[0] ? ui_style(S_ERROR) : ui_style(S_DIM));
	ui_text(y + h - 1, x, w, true, foot);
	attrset(A_NORMAL);
}

const struct listw_row *listw_selected(const struct listw *l)
{
	return l->nrows > 0 && l->sel < l->nrows ? &l->rows[l->sel] : NULL;
}
