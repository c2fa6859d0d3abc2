#include "ui/field.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "util/utf8.h"


static int cw(wchar_t c)
{
	int w = wcwidth(c);
	return w < 0 ? 1 : w;
}

void field_init(struct field *f, const struct form_field *def)
{
	memset(f, 0, sizeof *f);
	f->def = def;
	f->max = def && def->max_chars > 0 ? def->max_chars : 64;
	f->width = def && def->width > 0 ? def->width : 20;
	f->type = def ? def->type : FT_TEXT;
	f->text = calloc((size_t)f->max + 1, sizeof *f->text);
	if (!f->text)
		f->max = 0;
}

static const char *choices_of(const struct field *f)
{
	return f->choices ? f->choices : f->def ? f->def->choices : NULL;
}

void field_set_choices(struct field *f, const char *choices)
{
	char code[64] = "", label[64];
	choices_get(choices_of(f), f->choice, code, label);
	free(f->choices);
	f->choices = choices ? strdup(choices) : NULL;
	int i = choices_find(choices_of(f), code);
	f->choice = i < 0 ? 0 : i;
}

void field_done(struct field *f)
{
	free(f->choices);
	f->choices = NULL;
	if (f->text)
		memset(f->text, 0, ((size_t)f->max + 1) * sizeof *f->text); /* passwords */
	free(f->text);
	f->text = NULL;
}

void field_set(struct field *f, const char *s)
{
	f->len = f->cur = f->scroll = 0;
	if (!f->text)
		return;
	f->text[0] = 0;
	if (f->type == FT_CHOICE) {
		int i = choices_find(choices_of(f), s ? s : "");
		f->choice = i < 0 ? 0 : i;
		return;
	}
	size_t n = s ? strlen(s) : 0, i = 0;
	while (i < n && f->len < f->max) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (!l) {
			i++;
			continue;
		}
		i += l;
		if (cp >= 0x20 && cp != 0x7F)
			f->text[f->len++] = (wchar_t)cp;
	}
	f->text[f->len] = 0;
	f->cur = f->len;
}

char *field_get(const struct field *f)
{
	if (f->type == FT_CHOICE) {
		char code[64] = "", label[64];
		choices_get(choices_of(f), f->choice, code, label);
		return strdup(code);
	}
	char *out = malloc((size_t)f->len * 4 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (int i = 0; i < f->len; i++)
		o += utf8_encode((uint32_t)f->text[i], out + o);
	out[o] = '\0';
	return utf8_trim(out);
}

bool field_empty(const struct field *f)
{
	return f->type != FT_CHOICE && f->len == 0;
}

/* Filter and normalise a typed character for the field's type; 0 drops it. */
static wchar_t accept(const struct field *f, wchar_t c)
{
	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
		return 0;
	switch (f->type) {
	case FT_DIGITS:
		return (c >= '0' && c <= '9') ? c : 0;
	case FT_CODE:
		if (c >= 'a' && c <= 'z')
			return c - 'a' + 'A';
		return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ? c : 0;
	case FT_LOWER:
		if (c >= 'A' && c <= 'Z')
			return c - 'A' + 'a';
		return c < 0x80 && c != ' ' ? c : 0;
	case FT_DATE:
		return (c >= '0' && c <= '9') || c == '-' ? c : 0;
	case FT_MONEY:
		return (c >= '0' && c <= '9') || c == '.' || c == ',' ? c : 0;
	case FT_PASSWORD:
		return c < 0x80 ? c : 0; /* no IME in passwords */
	default:
		return c;
	}
}

static int choice_key(struct field *f, const struct key *k)
{
	int n = choices_count(choices_of(f));
	if (n == 0)
		return R_NONE;
	if ((k->fn && k->code == KEY_RIGHT) || (!k->fn && k->code == ' ')) {
		f->choice = (f->choice + 1) % n;
		return R_HANDLED | R_REDRAW;
	}
	if (k->fn && k->code == KEY_LEFT) {
		f->choice = (f->choice + n - 1) % n;
		return R_HANDLED | R_REDRAW;
	}
	return R_NONE;
}

int field_key(struct field *f, const struct key *k)
{
	if (f->type == FT_CHOICE)
		return choice_key(f, k);
	if (k->fn) {
		switch (k->code) {
		case KEY_LEFT:
			if (f->cur > 0)
				f->cur--;
			return R_HANDLED;
		case KEY_RIGHT:
			if (f->cur < f->len)
				f->cur++;
			return R_HANDLED;
		case KEY_HOME:
			f->cur = 0;
			return R_HANDLED;
		case KEY_END:
			f->cur = f->len;
			return R_HANDLED;
		case KEY_BACKSPACE:
			goto backspace;
		case KEY_DC:
			goto delete;
		default:
			return R_NONE;
		}
	}
	switch (k->code) {
	case 1: /* Ctrl-A */
		f->cur = 0;
		return R_HANDLED;
	case 5: /* Ctrl-E */
		f->cur = f->len;
		return R_HANDLED;
	case 21: /* Ctrl-U: clear */
		f->len = f->cur = f->scroll = 0;
		f->text[0] = 0;
		return R_HANDLED;
	case 8:
	case 127:
	backspace:
		if (f->cur == 0)
			return R_HANDLED;
		f->cur--;
		/* fall through */
	delete:
		if (f->cur < f->len) {
			memmove(f->text + f->cur, f->text + f->cur + 1,
				(size_t)(f->len - f->cur) * sizeof *f->text);
			f->len--;
		}
		return R_HANDLED;
	}
	wchar_t c = accept(f, (wchar_t)k->code);
	if (!c)
		return k->code >= 0x20 && k->code != 0x7F ? R_HANDLED : R_NONE;
	if (f->len >= f->max) {
		beep();
		return R_HANDLED;
	}
	memmove(f->text + f->cur + 1, f->text + f->cur, (size_t)(f->len - f->cur + 1) * sizeof *f->text);
	f->text[f->cur++] = c;
	f->len++;
	return R_HANDLED;
}

/* Columns of characters [from, to). */
static int span(const struct field *f, int from, int to)
{
	int w = 0;
	for (int i = from; i < to; i++)
		w += f->type == FT_PASSWORD ? 1 : cw(f->text[i]);
	return w;
}

void field_draw(struct field *f, int y, int x, bool focused)
{
	attr_t attr = focused ? ui_style(S_FOCUS) : ui_style(S_FIELD);
	attrset(attr);
	for (int i = 0; i < f->width; i++)
		mvaddch(y, x + i, ' ');
	if (f->type == FT_CHOICE) {
		char code[64], label[64] = "";
		choices_get(choices_of(f), f->choice, code, label);
		char shown[160];
		snprintf(shown, sizeof shown, "◀ %s ▶", label);
		ui_text(y, x, f->width, true, shown);
		attrset(A_NORMAL);
		if (focused)
			ui_cursor(y, x);
		return;
	}
	/* Keep the cursor inside the window, leaving a column for it at the end. */
	if (f->cur < f->scroll)
		f->scroll = f->cur;
	while (f->scroll < f->cur && span(f, f->scroll, f->cur) > f->width - 1)
		f->scroll++;
	int col = 0, cursor_col = 0;
	for (int i = f->scroll; i < f->len; i++) {
		int w = f->type == FT_PASSWORD ? 1 : cw(f->text[i]);
		if (col + w > f->width)
			break; /* a wide character that does not fit is not cut */
		if (i == f->cur)
			cursor_col = col;
		if (f->type == FT_PASSWORD) {
			mvaddch(y, x + col, '*');
		} else {
			wchar_t one[2] = { f->text[i], 0 };
			mvaddnwstr(y, x + col, one, 1);
		}
		col += w;
	}
	if (f->cur >= f->len)
		cursor_col = span(f, f->scroll, f->len);
	attrset(A_NORMAL);
	if (focused)
		ui_cursor(y, x + (cursor_col < f->width ? cursor_col : f->width - 1));
}
