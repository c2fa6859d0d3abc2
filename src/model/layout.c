/*
 * Parsing layout text (layout.h): lines and their tokens, the settings
 * before the first page, pages, the blocks that tables and groups open
 * and end closes. The elements themselves are layout_elem.c's; templates
 * are checked by layout_template.c.
 */
#include "model/layout.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/layout_parse.h"
#include "model/layout_template.h"
#include "util/embedded.h"

/* ---- lines and tokens --------------------------------------------------- */

#define MAX_TOKS 48

enum status layout_perr(struct layout_parser *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(p->e, ST_INVALID, "版式 %s 第 %d 行：%s", p->name, p->line, msg);
}

/* Split one line into tokens in p->scratch. Returns the count, -1 on error. */
static int tokenize(struct layout_parser *p, const char *s, size_t n, struct layout_tok *toks)
{
	char *o = p->scratch, *end = p->scratch + sizeof p->scratch - 1;
	const char *lim = s + n;
	int nt = 0;
	while (s < lim) {
		while (s < lim && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s >= lim || *s == '#')
			break;
		if (nt == MAX_TOKS) {
			layout_perr(p, "一行最多 %d 项", MAX_TOKS);
			return -1;
		}
		struct layout_tok *t = &toks[nt++];
		t->key = NULL;
		t->quoted = false;
		/* key= prefix */
		const char *q = s;
		while (q < lim && (isalnum((unsigned char)*q) || *q == '_'))
			q++;
		if (q > s && q < lim && *q == '=') {
			if (end - o < q - s + 1)
				goto toolong;
			t->key = o;
			memcpy(o, s, (size_t)(q - s));
			o += q - s;
			*o++ = '\0';
			s = q + 1;
		}
		t->val = o;
		if (s < lim && *s == '"') {
			t->quoted = true;
			s++;
			for (;;) {
				if (s >= lim) {
					layout_perr(p, "引号没有结束");
					return -1;
				}
				if (*s == '"') {
					s++;
					break;
				}
				char c = *s++;
				if (c == '\\' && s < lim) {
					c = *s++;
					if (c == 'n')
						c = '\n';
					else if (c != '\\' && c != '"') {
						layout_perr(p, "未知的转义 \\%c", c);
						return -1;
					}
				}
				if (o >= end)
					goto toolong;
				*o++ = c;
			}
		} else {
			while (s < lim && *s != ' ' && *s != '\t' && *s != '\r') {
				if (o >= end)
					goto toolong;
				*o++ = *s++;
			}
		}
		if (o >= end)
			goto toolong;
		*o++ = '\0';
	}
	return nt;
toolong:
	layout_perr(p, "这一行太长");
	return -1;
}

bool layout_parse_num(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool layout_is_number_tok(const struct layout_tok *t)
{
	const char *s = t->val;
	if (t->quoted || t->key)
		return false;
	if (*s == '+' || *s == '-')
		s++;
	return isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]));
}

bool layout_set_str(struct layout_parser *p, char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	if (!*dst)
		return err_status(p->e, ST_NOMEM), false;
	return true;
}

bool layout_check_template(struct layout_parser *p, const char *t, const char *group)
{
	char msg[200];
	if (layout_template_check(t, group, msg, sizeof msg))
		return true;
	layout_perr(p, "%s", msg);
	return false;
}

/* ---- statements --------------------------------------------------------- */

void layout_free(struct layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_pages; i++) {
		for (size_t j = 0; j < l->pages[i].n_elems; j++)
			layout_elem_done(&l->pages[i].elems[j]);
		free(l->pages[i].elems);
	}
	free(l->pages);
	free(l);
}

/* Append a zeroed element to *arr; NULL when out of memory. */
static struct layout_elem *elem_push(struct layout_elem **arr, size_t *n)
{
	struct layout_elem *a = realloc(*arr, (*n + 1) * sizeof **arr);
	if (!a)
		return NULL;
	*arr = a;
	memset(&a[*n], 0, sizeof a[*n]);
	return &a[(*n)++];
}

static bool parse_col(struct layout_parser *p, const struct layout_tok *t, int nt)
{
	struct layout_elem *tb = p->table;
	if (tb->n_cols == LAYOUT_MAX_COLS)
		return layout_perr(p, "表格最多 %d 列", LAYOUT_MAX_COLS), false;
	struct layout_col *c = realloc(tb->cols, (tb->n_cols + 1) * sizeof *c);
	if (!c)
		return err_status(p->e, ST_NOMEM), false;
	tb->cols = c;
	c = &c[tb->n_cols++];
	memset(c, 0, sizeof *c);
	int npos = 0, nstr = 0;
	for (int i = 0; i < nt; i++) {
		if (t[i].key && strcmp(t[i].key, "align") == 0) {
			static const char *const names[] = { "left", "center", "right" };
			int found = -1;
			for (int j = 0; j < 3; j++)
				if (strcmp(names[j], t[i].val) == 0)
					found = j;
			if (found < 0)
				return layout_perr(p, "align=%s：应为 left、center 或 right", t[i].val), false;
			c->align = (enum layout_align)found;
		} else if (t[i].key) {
			return layout_perr(p, "col 不接受属性 %s", t[i].key), false;
		} else if (t[i].quoted) {
			if (nstr == 2)
				return layout_perr(p, "col 只要两段文字：表头和单元格"), false;
			if (!layout_set_str(p, nstr++ == 0 ? &c->head : &c->cell, t[i].val))
				return false;
		} else if (layout_is_number_tok(&t[i]) && npos == 0) {
			if (!layout_parse_num(t[i].val, &c->w) || c->w <= 0)
				return layout_perr(p, "%s 不是有效的列宽", t[i].val), false;
			npos++;
		} else {
			return layout_perr(p, "col 不认识 %s", t[i].val), false;
		}
	}
	if (npos != 1 || nstr != 2)
		return layout_perr(p, "col 写作：col 宽 \"表头\" \"单元格\""), false;
	return layout_check_template(p, c->head, NULL) && layout_check_template(p, c->cell, tb->group);
}

static bool close_block(struct layout_parser *p)
{
	if (p->table) {
		struct layout_elem *tb = p->table;
		double sum = 0;
		for (size_t i = 0; i < tb->n_cols; i++)
			sum += tb->cols[i].w;
		if (tb->n_cols == 0)
			return layout_perr(p, "第 %d 行的 table 没有列", tb->line), false;
		if (fabs(sum - tb->w) > 0.05)
			return layout_perr(p, "第 %d 行的 table 宽 %g 毫米，各列之和却是 %g", tb->line, tb->w, sum), false;
		p->table = NULL;
		return true;
	}
	if (p->group) {
		p->group = NULL;
		return true;
	}
	return layout_perr(p, "多余的 end"), false;
}

static bool parse_setting(struct layout_parser *p, const char *kw, const struct layout_tok *t, int nt)
{
	struct layout *l = p->l;
	double v;
	if (strcmp(kw, "paper") == 0) {
		if (p->page)
			return layout_perr(p, "paper 要写在第一个 page 之前"), false;
		if (nt < 1 || nt > 2 || (nt == 2 && strcmp(t[1].val, "landscape") != 0))
			return layout_perr(p, "paper 写作：paper A4 [landscape]"), false;
		if (strcmp(t[0].val, "A4") == 0) {
			l->paper_w = 210;
			l->paper_h = 297;
		} else if (strcmp(t[0].val, "A5") == 0) {
			l->paper_w = 148;
			l->paper_h = 210;
		} else {
			return layout_perr(p, "不支持的纸张 %s（可用 A4、A5）", t[0].val), false;
		}
		if (nt == 2) {
			double w = l->paper_w;
			l->paper_w = l->paper_h;
			l->paper_h = w;
		}
		return true;
	}
	if (strcmp(kw, "title") == 0) {
		if (nt != 1 || !t[0].quoted)
			return layout_perr(p, "title 写作：title \"标题\""), false;
		snprintf(l->title, sizeof l->title, "%s", t[0].val);
		return true;
	}
	static const struct { const char *kw; double lo, hi; } nums[] = {
		{ "size", 4, 72 }, { "leading", 0.8, 4 }, { "stroke", 0, 5 },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (strcmp(kw, nums[i].kw) != 0)
			continue;
		if (nt != 1 || !layout_parse_num(t[0].val, &v) || v < nums[i].lo || v > nums[i].hi)
			return layout_perr(p, "%s 要一个 %g 到 %g 之间的数", kw, nums[i].lo, nums[i].hi), false;
		if (i == 0)
			l->size = v;
		else if (i == 1)
			l->leading = v;
		else
			l->stroke = v;
		return true;
	}
	if (strcmp(kw, "default") == 0)
		return layout_elem_default(p, t, nt);
	return layout_perr(p, "未知的语句 %s", kw), false;
}

static bool parse_page(struct layout_parser *p, const struct layout_tok *t, int nt)
{
	struct layout *l = p->l;
	struct layout_page *pg = realloc(l->pages, (l->n_pages + 1) * sizeof *pg);
	if (!pg)
		return err_status(p->e, ST_NOMEM), false;
	l->pages = pg;
	pg = &pg[l->n_pages++];
	memset(pg, 0, sizeof *pg);
	pg->line = p->line;
	pg->flow_top = 15;
	pg->flow_bottom = l->paper_h - 15;
	p->page = pg;
	for (int i = 0; i < nt; i++) {
		double v;
		if (!t[i].key || (strcmp(t[i].key, "flow_top") != 0 && strcmp(t[i].key, "flow_bottom") != 0))
			return layout_perr(p, "page 只接受 flow_top= 和 flow_bottom="), false;
		if (!layout_parse_num(t[i].val, &v) || v < 0 || v > l->paper_h)
			return layout_perr(p, "%s=%s 不在纸张范围内", t[i].key, t[i].val), false;
		if (strcmp(t[i].key, "flow_top") == 0)
			pg->flow_top = v;
		else
			pg->flow_bottom = v;
	}
	if (pg->flow_bottom - pg->flow_top < 20)
		return layout_perr(p, "flow_top 到 flow_bottom 至少要有 20 毫米"), false;
	return true;
}

static bool parse_line(struct layout_parser *p, const char *s, size_t n)
{
	struct layout_tok toks[MAX_TOKS];
	int nt = tokenize(p, s, n, toks);
	if (nt <= 0)
		return nt == 0;
	if (toks[0].key || toks[0].quoted)
		return layout_perr(p, "一行应以语句名开头"), false;
	const char *kw = toks[0].val;
	const struct layout_tok *t = toks + 1;
	nt--;
	if (strcmp(kw, "end") == 0)
		return nt == 0 ? close_block(p) : (layout_perr(p, "end 后面不带东西"), false);
	if (p->table) {
		if (strcmp(kw, "col") != 0)
			return layout_perr(p, "table 里只能写 col，以 end 结束（第 %d 行的 table）", p->table->line), false;
		return parse_col(p, t, nt);
	}
	if (strcmp(kw, "col") == 0)
		return layout_perr(p, "col 只能写在 table 里"), false;
	if (strcmp(kw, "page") == 0) {
		if (p->group)
			return layout_perr(p, "第 %d 行的 group 没有 end", p->group->line), false;
		return parse_page(p, t, nt);
	}
	enum layout_kind kind;
	if (!layout_elem_kind(kw, &kind))
		return parse_setting(p, kw, t, nt);
	if (!p->page)
		return layout_perr(p, "%s 要写在 page 之后", kw), false;
	bool in_group = p->group != NULL;
	if (in_group && (kind == LAYOUT_TABLE || kind == LAYOUT_GROUP))
		return layout_perr(p, "group 里不能放 %s", kw), false;
	struct layout_elem *el = in_group ? elem_push(&p->group->kids, &p->group->n_kids)
					  : elem_push(&p->page->elems, &p->page->n_elems);
	if (!el)
		return err_status(p->e, ST_NOMEM), false;
	if (!layout_elem_parse(p, kind, el, t, nt, in_group))
		return false;
	if (kind == LAYOUT_TABLE)
		p->table = el;
	else if (kind == LAYOUT_GROUP)
		p->group = el;
	return true;
}

enum status layout_parse(const char *name, const char *text, struct layout **out, struct err *e)
{
	*out = NULL;
	struct layout_parser *p = calloc(1, sizeof *p);
	struct layout *l = calloc(1, sizeof *l);
	if (!p || !l) {
		free(p);
		free(l);
		return err_status(e, ST_NOMEM);
	}
	snprintf(l->name, sizeof l->name, "%s", name);
	l->paper_w = 210;
	l->paper_h = 297;
	l->size = 10.5;
	l->leading = 1.3;
	l->stroke = 0.3;
	p->name = name;
	p->e = e;
	p->l = l;
	bool ok = true;
	const char *s = text;
	while (ok && *s) {
		p->line++;
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		ok = parse_line(p, s, n);
		s += n + (nl != NULL);
	}
	if (ok && (p->table || p->group)) {
		p->line = p->table ? p->table->line : p->group->line;
		layout_perr(p, "%s 没有 end", p->table ? "table" : "group");
		ok = false;
	}
	if (ok && l->n_pages == 0) {
		layout_perr(p, "版式里没有 page");
		ok = false;
	}
	for (size_t k = 0; k <= LAYOUT_GROUP; k++)
		for (size_t i = 0; i < p->n_defaults[k]; i++)
			free(p->defaults[k][i].val);
	free(p);
	if (!ok) {
		/* a group/table element pushed before its error is freed with the layout */
		layout_free(l);
		return e ? e->st : ST_INVALID;
	}
	*out = l;
	return ST_OK;
}

enum status layout_load(const char *name, struct layout **out, struct err *e)
{
	char path[128];
	snprintf(path, sizeof path, "print/%s.layout", name);
	const struct embedded_file *f = embedded_find(path);
	if (!f) {
		*out = NULL;
		return err_set(e, ST_NOT_FOUND, "没有名为 %s 的版式", name);
	}
	return layout_parse(name, f->data, out, e);
}

