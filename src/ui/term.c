/* Terminal set-up, styles and text drawing by display width. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "util/utf8.h"

static attr_t styles[S__COUNT];

enum { P_TITLE = 1, P_BAR, P_KEY, P_FOCUS, P_ERROR, P_OK, P_SELECT, P_HEADER, P_WARN };

void term_styles(bool color);
void term_styles(bool color)
{
	if (color) {
		start_color();
		use_default_colors();
		init_pair(P_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(P_BAR, COLOR_BLACK, COLOR_WHITE);
		init_pair(P_KEY, COLOR_WHITE, COLOR_BLUE);
		init_pair(P_FOCUS, COLOR_BLACK, COLOR_CYAN);
		init_pair(P_ERROR, COLOR_RED, -1);
		init_pair(P_OK, COLOR_GREEN, -1);
		init_pair(P_SELECT, COLOR_BLACK, COLOR_CYAN);
		init_pair(P_HEADER, COLOR_BLUE, -1);
		init_pair(P_WARN, COLOR_YELLOW, -1);
		styles[S_NORMAL] = A_NORMAL;
		styles[S_TITLE] = COLOR_PAIR(P_TITLE) | A_BOLD;
		styles[S_BAR] = COLOR_PAIR(P_BAR);
		styles[S_KEY] = COLOR_PAIR(P_KEY) | A_BOLD;
		styles[S_FOCUS] = COLOR_PAIR(P_FOCUS);
		styles[S_FIELD] = A_UNDERLINE;
		styles[S_ERROR] = COLOR_PAIR(P_ERROR) | A_BOLD;
		styles[S_OK] = COLOR_PAIR(P_OK);
		styles[S_DIM] = A_DIM;
		styles[S_SELECT] = COLOR_PAIR(P_SELECT);
		styles[S_HEADER] = COLOR_PAIR(P_HEADER) | A_BOLD;
		styles[S_WARN] = COLOR_PAIR(P_WARN) | A_BOLD;
	} else {
		/* NO_COLOR or a monochrome terminal: attributes only. */
		styles[S_NORMAL] = A_NORMAL;
		styles[S_TITLE] = A_REVERSE | A_BOLD;
		styles[S_BAR] = A_REVERSE;
		styles[S_KEY] = A_BOLD;
		styles[S_FOCUS] = A_REVERSE;
		styles[S_FIELD] = A_UNDERLINE;
		styles[S_ERROR] = A_BOLD;
		styles[S_OK] = A_NORMAL;
		styles[S_DIM] = A_DIM;
		styles[S_SELECT] = A_REVERSE;
		styles[S_HEADER] = A_BOLD | A_UNDERLINE;
		styles[S_WARN] = A_BOLD;
	}
}

attr_t ui_style(enum ui_style s)
{
	return (unsigned)s < S__COUNT ? styles[s] : A_NORMAL;
}

int ui_text(int y, int x, int cols, bool ellipsis, const char *s)
{
	char buf[1024];
	if (cols <= 0)
		return 0;
	int w = utf8_fit(s ? s : "", cols, ellipsis, buf, sizeof buf);
	mvaddstr(y, x, buf);
	return w;
}

void ui_text_pad(int y, int x, int cols, const char *s)
{
	int w = ui_text(y, x, cols, true, s);
	for (int i = w; i < cols; i++)
		mvaddch(y, x + i, ' ');
}

void ui_text_center(int y, int x, int cols, const char *s)
{
	int w = utf8_width(s);
	int off = w < cols ? (cols - w) / 2 : 0;
	ui_text(y, x + off, cols - off, true, s);
}

int ui_body_top(void)
{
	return 1;
}

int ui_body_rows(void)
{
	return LINES - 3 > 0 ? LINES - 3 : 0;
}

int ui_wrap(const char *text, int cols, char lines[][256], int max)
{
	int n = 0;
	const char *p = text;
	while (*p && n < max) {
		const char *nl = strchr(p, '\n');
		size_t seg = nl ? (size_t)(nl - p) : strlen(p);
		char part[1024];
		snprintf(part, sizeof part, "%.*s", (int)seg, p);
		const char *q = part;
		do {
			char out[256];
			utf8_fit(q, cols, false, out, sizeof out);
			size_t used = strlen(out);
			if (used == 0 && *q) /* a character wider than the box */
				used = 1;
			snprintf(lines[n++], 256, "%.*s", (int)used, q);
			q += used;
		} while (*q && n < max);
		p += seg;
		if (*p == '\n')
			p++;
	}
	return n;
}

