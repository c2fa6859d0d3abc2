/*
 * Line breaking for Chinese and mixed text (layout_wrap in layout.h): where
 * a line may break, which punctuation may not start or end a line, and the
 * width of each line through the caller's measure.
 */
#include "model/layout.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

static bool is_space_cp(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000;
}

static bool is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF)
	       || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x20000
	       || c == 0x2014 || c == 0x2026 || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019
	       || c == 0x00B7;
}

/* Characters that must not start a line. */
static bool no_start(uint32_t c)
{
	static const uint32_t set[] = {
		0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300D, 0x300F, 0x3011,
		0x300B, 0x3009, 0x201D, 0x2019, 0x2026, 0x00B7, 0x2014, 0xFF05, 0xFF5E, 0xFF0E, 0x3015,
		',', '.', ';', ':', '?', '!', ')', ']', '}', '%',
	};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		if (set[i] == c)
			return true;
	return false;
}

/* Characters that must not end a line. */
static bool no_end(uint32_t c)
{
	static const uint32_t set[] = {
		0xFF08, 0x300C, 0x300E, 0x3010, 0x300A, 0x3008, 0x201C, 0x2018, 0x3014, '(', '[', '{',
	};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		if (set[i] == c)
			return true;
	return false;
}

struct wrapper {
	struct layout_span *spans;
	size_t n, alloc;
	const char *text;
	layout_width_fn width_fn;
	void *ctx;
};

static uint32_t cp_at(const char *s, size_t n, size_t *len)
{
	uint32_t cp;
	*len = utf8_decode(s, n, &cp);
	if (*len == 0) {
		*len = 1;
		return 0xFFFD;
	}
	return cp;
}

/* Emit text[a, b) without trailing spaces. */
static bool emit(struct wrapper *w, size_t a, size_t b, double indent)
{
	size_t end = b;
	for (;;) {
		/* trim trailing spaces (ASCII, tab, U+3000) */
		if (end > a && (w->text[end - 1] == ' ' || w->text[end - 1] == '\t'))
			end--;
		else if (end >= a + 3 && memcmp(w->text + end - 3, "\xE3\x80\x80", 3) == 0)
			end -= 3;
		else
			break;
	}
	double width = indent;
	for (size_t i = a; i < end;) {
		size_t l;
		uint32_t cp = cp_at(w->text + i, end - i, &l);
		width += w->width_fn(w->ctx, cp);
		i += l;
	}
	if (w->n == w->alloc) {
		size_t na = w->alloc ? w->alloc * 2 : 8;
		struct layout_span *ns = realloc(w->spans, na * sizeof *ns);
		if (!ns)
			return false;
		w->spans = ns;
		w->alloc = na;
	}
	w->spans[w->n++] = (struct layout_span){ a, end - a, indent, width };
	return true;
}

bool layout_wrap(const char *text, double width, double indent, layout_width_fn width_fn, void *ctx,
		 struct layout_span **out, size_t *n)
{
	struct wrapper w = { NULL, 0, 0, text, width_fn, ctx };
	size_t len = strlen(text);
	size_t start = 0;         /* byte offset where the current line starts */
	double lw = indent;       /* width of the current line so far */
	double line_indent = indent;
	size_t brk = 0;           /* best break offset in the line, 0 = none */
	double brk_w = 0;         /* line width before brk */
	uint32_t prev = 0;
	bool empty = true;        /* no visible character on the line yet */
	bool ok = true;
	size_t i = 0;
	while (ok && i < len) {
		size_t l;
		uint32_t cp = cp_at(text + i, len - i, &l);
		if (cp == '\n') {
			ok = emit(&w, start, i, line_indent);
			start = i + 1;
			lw = line_indent = indent;
			brk = 0;
			prev = 0;
			empty = true;
			i += l;
			continue;
		}
		if (empty && is_space_cp(cp) && line_indent == 0 && start > 0 && text[start - 1] != '\n') {
			/* spaces at the start of a wrapped line */
			start = i + l;
			i += l;
			continue;
		}
		if (!empty && !is_space_cp(cp)
		    && (is_space_cp(prev) || ((is_cjk(prev) || is_cjk(cp)) && !no_start(cp) && !no_end(prev)))) {
			brk = i;
			brk_w = lw;
		}
		double cw = width_fn(ctx, cp);
		if (!empty && !is_space_cp(cp) && lw + cw > width + 1e-6) {
			size_t at = brk > start ? brk : i;
			double before = brk > start ? brk_w : lw;
			ok = emit(&w, start, at, line_indent);
			start = at;
			lw -= before;
			line_indent = 0;
			brk = 0;
			/* the moved part of the line is visible text */
			empty = at == i;
			if (at == i)
				lw = 0;
		}
		lw += cw;
		if (!is_space_cp(cp))
			empty = false;
		prev = cp;
		i += l;
	}
	if (ok && start < len)
		ok = emit(&w, start, len, line_indent);
	if (!ok) {
		free(w.spans);
		*out = NULL;
		*n = 0;
		return false;
	}
	*out = w.spans;
	*n = w.n;
	return true;
}
