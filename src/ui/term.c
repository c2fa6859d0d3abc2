/* Terminal set-up, styles and text drawing by display width. */
#include <stdint.h>
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

/* Characters that may not begin a line (closing punctuation), and that may
 * not end one (opening punctuation), in Chinese typesetting. */
static bool no_line_start(uint32_t cp)
{
	static const char *const closers = "，。、；：？！）】》」』”’·…—";
	char buf[5] = "";
	size_t n = utf8_encode(cp, buf);
	buf[n] = '\0';
	return cp == ',' || cp == '.' || cp == ';' || cp == ':' || cp == ')' || cp == '!' ||
	       cp == '?' || (n > 1 && strstr(closers, buf) != NULL);
}

static bool no_line_end(uint32_t cp)
{
	static const char *const openers = "（【《「『“‘";
	char buf[5] = "";
	size_t n = utf8_encode(cp, buf);
	buf[n] = '\0';
	return cp == '(' || (n > 1 && strstr(openers, buf) != NULL);
}

/* Where a line of at most `cols` columns ends in q (byte offset). */
static size_t line_end(const char *q, int cols)
{
	char out[1024];
	utf8_fit(q, cols, false, out, sizeof out);
	size_t used = strlen(out);
	if (used == 0)
		return *q ? 1 : 0; /* a character wider than the box */
	if (!q[used])
		return used;
	/* Step back over a character that may not start the next line, or one
	 * that may not end this one (at most a few characters). */
	for (int tries = 0; tries < 3 && used > 0; tries++) {
		uint32_t next = 0, last = 0;
		utf8_decode(q + used, strlen(q + used), &next);
		size_t back = used;
		do
			back--;
		while (back > 0 && ((unsigned char)q[back] & 0xC0) == 0x80);
		utf8_decode(q + back, used - back, &last);
		if (!no_line_start(next) && !no_line_end(last))
			break;
		if (back == 0)
			break;
		used = back;
	}
	return used;
}

int ui_wrap(const char *text, int cols, char lines[][256], int max)
{
	int n = 0;
	const char *p = text;
	while (*p && n < max) {
		const char *nl = strchr(p, '\n');
		size_t seg = nl ? (size_t)(nl - p) : strlen(p);
		char *part = strndup(p, seg);
		if (!part)
			break;
		const char *q = part;
		do {
			size_t used = line_end(q, cols);
			snprintf(lines[n++], 256, "%.*s", (int)used, q);
			q += used;
		} while (*q && n < max);
		free(part);
		p += seg;
		if (*p == '\n')
			p++;
	}
	return n;
}
