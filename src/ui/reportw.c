/* A report under a form: scrolling and cells (reportw.h). */
#include <curses.h>
#include <stdio.h>

#include "model/validate.h"
#include "ui/reportw.h"
#include "util/utf8.h"

#define X0 REPORTW_X0

int reportw_body_rows(int y)
{
	int h = LINES - 2 - y; /* the status line and the key bar */
	return h > 0 ? h : 0;
}

int reportw_draw_head(struct reportw *r, int y, const char *title, const char *error, int *shown)
{
	attrset(ui_style(S_TITLE));
	ui_text_pad(y, 0, COLS, "");
	int h = reportw_body_rows(y + 1) - (error[0] ? 1 : 0), pw = 0;
	if (r->top > r->nrows - h)
		r->top = r->nrows - h > 0 ? r->nrows - h : 0;
	if (r->nrows > h && h > 0) {
		char pos[64];
		int last = r->top + h < r->nrows ? r->top + h : r->nrows;
		snprintf(pos, sizeof pos, "%d-%d/%d 行 PgUp/PgDn", r->top + 1, last, r->nrows);
		pw = utf8_width(pos);
		ui_text(y, COLS - X0 - pw, pw, false, pos);
		pw += 2;
	}
	ui_text(y, X0, COLS - 2 * X0 - pw, true, title);
	attrset(A_NORMAL);
	y++;
	if (error[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y++, X0, COLS - 2 * X0, true, error);
		attrset(A_NORMAL);
	}
	*shown = h > 0 ? h : 0;
	return y;
}

static void move_by(struct reportw *r, int by)
{
	r->top += by;
	if (r->top < 0)
		r->top = 0;
	/* the upper bound depends on the window: reportw_draw_head clamps it */
	if (r->top > r->nrows - 1)
		r->top = r->nrows > 0 ? r->nrows - 1 : 0;
}

bool reportw_key(struct reportw *r, const struct formw *w, const struct key *k, int page)
{
	if (!k->fn)
		return false;
	if (page < 1)
		page = 1;
	if (k->code == KEY_NPAGE || k->code == KEY_PPAGE) {
		move_by(r, k->code == KEY_NPAGE ? page : -page);
		return true;
	}
	if (k->code == KEY_DOWN && formw_at_last(w)) {
		move_by(r, 1);
		return true;
	}
	if (k->code == KEY_UP && w->focus == 0) {
		move_by(r, -1);
		return true;
	}
	return false;
}

void reportw_cell(int y, int x, int w, bool right, const char *s)
{
	if (w <= 0)
		return;
	int tw = utf8_width(s);
	ui_text(y, right && tw < w ? x + w - tw : x, w, true, s);
}

void reportw_count_cell(int y, int x, int w, long n)
{
	char b[24];
	snprintf(b, sizeof b, "%ld", n);
	reportw_cell(y, x, w, true, b);
}

void reportw_money_cell(int y, int x, int w, long long fen)
{
	char b[32];
	format_fen(fen, b);
	reportw_cell(y, x, w, true, b);
}

void reportw_bar(int y, int x, int cols, long long v, long long max)
{
	static const char *const part[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	if (cols <= 0 || max <= 0)
		return;
	unsigned long long f = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	unsigned long long m = (unsigned long long)max;
	while (m > (1ull << 40)) /* keep f * cols * 8 far from overflowing */
		f >>= 1, m >>= 1;
	unsigned long long eighths = f * (unsigned long long)cols * 8 / m;
	if (f > 0 && eighths == 0)
		eighths = 1; /* something is not nothing */
	char buf[512] = "";
	size_t len = 0;
	for (unsigned long long i = 0; i < eighths / 8 && len + 4 < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "█");
	snprintf(buf + len, sizeof buf - len, "%s", part[eighths % 8]);
	ui_text(y, x, cols, false, buf);
}
