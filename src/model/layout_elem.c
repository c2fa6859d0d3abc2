/*
 * The element statements of a layout (text, block, field, box, line, qr,
 * check, table, group): which positions, texts and attributes each kind
 * takes, their defaults, and the checks that keep an element on the paper.
 */
#include "model/layout_parse.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/layout_template.h"
#include "util/embedded.h"

/* Attributes, and which element kinds take them. */
enum attr_bit {
	A_W = 1u << 0, A_H = 1u << 1, A_SIZE = 1u << 2, A_MIN = 1u << 3,
	A_LEADING = 1u << 4, A_INDENT = 1u << 5, A_ALIGN = 1u << 6, A_VALIGN = 1u << 7,
	A_BOLD = 1u << 8, A_REPEAT = 1u << 9, A_FLOW = 1u << 10, A_BORDER = 1u << 11,
	A_WIDTH = 1u << 12, A_DASH = 1u << 13, A_FILL = 1u << 14, A_PAD = 1u << 15,
	A_LABEL = 1u << 16, A_LW = 1u << 17, A_KEY = 1u << 18, A_IS = 1u << 19,
	A_QUIET = 1u << 20, A_GROUP = 1u << 21, A_BOTTOM = 1u << 22, A_HEAD = 1u << 23,
	A_ROW = 1u << 24, A_MINROWS = 1u << 25, A_EMPTY = 1u << 26, A_CONT = 1u << 27,
	A_FILE = 1u << 28, A_CONTINUED = 1u << 29,
};

enum attr_type { T_NUM, T_INT, T_FLAG, T_STR, T_ALIGN, T_VALIGN };

static const struct attr_spec {
	const char *name;
	unsigned bit;
	enum attr_type type;
	double lo, hi;
} attrs[] = {
	{ "w", A_W, T_NUM, 0, 1000 },          { "h", A_H, T_NUM, 0, 1000 },
	{ "size", A_SIZE, T_NUM, 4, 72 },      { "min", A_MIN, T_NUM, 4, 72 },
	{ "leading", A_LEADING, T_NUM, 0.8, 4 }, { "indent", A_INDENT, T_NUM, 0, 10 },
	{ "align", A_ALIGN, T_ALIGN, 0, 0 },   { "valign", A_VALIGN, T_VALIGN, 0, 0 },
	{ "bold", A_BOLD, T_FLAG, 0, 0 },      { "repeat", A_REPEAT, T_FLAG, 0, 0 },
	{ "flow", A_FLOW, T_FLAG, 0, 0 },      { "border", A_BORDER, T_FLAG, 0, 0 },
	{ "width", A_WIDTH, T_NUM, 0, 5 },     { "dash", A_DASH, T_NUM, 0, 20 },
	{ "fill", A_FILL, T_NUM, 0, 1 },       { "pad", A_PAD, T_NUM, 0, 20 },
	{ "label", A_LABEL, T_STR, 0, 0 },     { "lw", A_LW, T_NUM, 0, 1000 },
	{ "key", A_KEY, T_STR, 0, 0 },         { "is", A_IS, T_STR, 0, 0 },
	{ "quiet", A_QUIET, T_INT, 0, 10 },    { "group", A_GROUP, T_STR, 0, 0 },
	{ "bottom", A_BOTTOM, T_NUM, 0, 1000 }, { "head", A_HEAD, T_NUM, 0, 200 },
	{ "row", A_ROW, T_NUM, 1, 200 },       { "min_rows", A_MINROWS, T_INT, 0, 500 },
	{ "empty", A_EMPTY, T_STR, 0, 0 },     { "cont", A_CONT, T_STR, 0, 0 },
	{ "file", A_FILE, T_STR, 0, 0 },      { "continued", A_CONTINUED, T_FLAG, 0, 0 },
};

#define A_ANY (A_REPEAT | A_CONTINUED)
static const struct kind_spec {
	const char *name;
	enum layout_kind kind;
	int npos;       /* positional numbers */
	int nstr;       /* quoted strings (block: 0 or 1) */
	unsigned ok;    /* attributes accepted */
} kinds[] = {
	{ "text", LAYOUT_TEXT, 2, 1, A_ANY | A_W | A_H | A_SIZE | A_MIN | A_BOLD | A_ALIGN | A_VALIGN },
	{ "block", LAYOUT_BLOCK, 4, 1, A_ANY | A_SIZE | A_MIN | A_LEADING | A_INDENT | A_ALIGN | A_VALIGN
		| A_BOLD | A_FLOW | A_BORDER | A_PAD | A_WIDTH | A_FILE },
	{ "field", LAYOUT_FIELD, 4, 1, A_ANY | A_SIZE | A_MIN | A_LEADING | A_ALIGN | A_BOLD | A_LABEL
		| A_LW | A_FILL | A_PAD | A_WIDTH },
	{ "box", LAYOUT_BOX, 4, 0, A_ANY | A_WIDTH | A_DASH | A_FILL },
	{ "line", LAYOUT_LINE, 4, 0, A_ANY | A_WIDTH | A_DASH },
	{ "qr", LAYOUT_QR, 3, 1, A_ANY | A_QUIET },
	{ "check", LAYOUT_CHECK, 2, 1, A_ANY | A_SIZE | A_KEY | A_IS | A_BOLD },
	{ "table", LAYOUT_TABLE, 3, 0, A_ANY | A_SIZE | A_LEADING | A_GROUP | A_BOTTOM | A_HEAD | A_ROW
		| A_MINROWS | A_EMPTY | A_CONT | A_FILL | A_WIDTH | A_PAD },
	{ "group", LAYOUT_GROUP, 4, 0, A_ANY },
};

void layout_elem_done(struct layout_elem *el)
{
	free(el->text);
	free(el->label);
	free(el->key);
	free(el->is);
	free(el->group);
	free(el->empty);
	free(el->cont);
	for (size_t i = 0; i < el->n_cols; i++) {
		free(el->cols[i].head);
		free(el->cols[i].cell);
	}
	free(el->cols);
	for (size_t i = 0; i < el->n_kids; i++)
		layout_elem_done(&el->kids[i]);
	free(el->kids);
}

static const struct attr_spec *find_attr(const char *name)
{
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (strcmp(attrs[i].name, name) == 0)
			return &attrs[i];
	return NULL;
}

/* Apply one attribute (name=value or a bare flag) to el. */
static bool apply_attr(struct layout_parser *p, const struct kind_spec *k, struct layout_elem *el,
		       const char *name, const char *val, bool flag)
{
	const struct attr_spec *a = find_attr(name);
	if (!a || !(k->ok & a->bit))
		return layout_perr(p, "%s 不接受属性 %s", k->name, name), false;
	if ((a->type == T_FLAG) != flag)
		return layout_perr(p, a->type == T_FLAG ? "%s 是开关，不带值" : "属性 %s 需要一个值", name), false;
	double v = 0;
	if (a->type == T_NUM || a->type == T_INT) {
		if (!layout_parse_num(val, &v) || v < a->lo || v > a->hi)
			return layout_perr(p, "%s=%s：应为 %g 到 %g 之间的数", name, val, a->lo, a->hi), false;
		if (a->type == T_INT && v != floor(v))
			return layout_perr(p, "%s=%s：应为整数", name, val), false;
	}
	if (a->type == T_ALIGN || a->type == T_VALIGN) {
		static const char *const h[] = { "left", "center", "right" };
		static const char *const vv[] = { "top", "middle", "bottom" };
		const char *const *names = a->type == T_ALIGN ? h : vv;
		int found = -1;
		for (int i = 0; i < 3; i++)
			if (strcmp(names[i], val) == 0)
				found = i;
		if (found < 0)
			return layout_perr(p, "%s=%s：应为 %s、%s 或 %s", name, val, names[0], names[1], names[2]), false;
		if (a->type == T_ALIGN)
			el->align = (enum layout_align)found;
		else
			el->valign = (enum layout_valign)found;
		return true;
	}
	switch (a->bit) {
	case A_W: el->w = v; break;
	case A_H: el->h = v; break;
	case A_SIZE: el->size = v; break;
	case A_MIN: el->min_size = v; break;
	case A_LEADING: el->leading = v; break;
	case A_INDENT: el->indent = v; break;
	case A_BOLD: el->bold = true; break;
	case A_REPEAT: el->repeat = true; break;
	case A_CONTINUED: el->continued = true; break;
	case A_FLOW: el->flow = true; break;
	case A_BORDER: el->border = true; break;
	case A_WIDTH: el->stroke = v; break;
	case A_DASH: el->dash = v; break;
	case A_FILL: el->fill = v; break;
	case A_PAD: el->pad = v; break;
	case A_LW: el->label_w = v; break;
	case A_QUIET: el->quiet = (int)v; break;
	case A_BOTTOM: el->bottom = v; break;
	case A_HEAD: el->head_h = v; break;
	case A_ROW: el->row_h = v; break;
	case A_MINROWS: el->min_rows = (int)v; break;
	case A_LABEL: return layout_set_str(p, &el->label, val);
	case A_IS: return layout_set_str(p, &el->is, val);
	case A_EMPTY: return layout_set_str(p, &el->empty, val);
	case A_CONT: return layout_set_str(p, &el->cont, val);
	case A_KEY:
		for (const char *c = val; *c; c++)
			if (!layout_key_char(*c) || *c == '[' || *c == ']')
				return layout_perr(p, "key=%s：字段名含有不允许的字符", val), false;
		return layout_set_str(p, &el->key, val);
	case A_GROUP:
		for (const char *c = val; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.')
				return layout_perr(p, "group=%s：分组名只能含字母、数字、_ 和 .", val), false;
		return *val ? layout_set_str(p, &el->group, val) : (layout_perr(p, "group 不能为空"), false);
	case A_FILE: {
		const struct embedded_file *f = embedded_find(val);
		if (!f)
			return layout_perr(p, "找不到文件 %s（print/ 下的文件才会编进程序）", val), false;
		return layout_set_str(p, &el->text, f->data);
	}
	default:
		return layout_perr(p, "内部错误：属性 %s", name), false;
	}
	return true;
}

static const struct kind_spec *find_kind(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

static const struct kind_spec *spec_of(enum layout_kind kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].kind == kind)
			return &kinds[i];
	return &kinds[0];   /* not reached: every kind is in the table */
}

/* Is the token a flag name (a bare word that is a known flag)? */
static bool is_flag(const struct layout_tok *t)
{
	if (t->key || t->quoted)
		return false;
	const struct attr_spec *a = find_attr(t->val);
	return a && a->type == T_FLAG;
}

bool layout_elem_kind(const char *name, enum layout_kind *out)
{
	const struct kind_spec *k = find_kind(name);
	if (k)
		*out = k->kind;
	return k != NULL;
}

bool layout_elem_parse(struct layout_parser *p, enum layout_kind kind, struct layout_elem *el,
		       const struct layout_tok *t, int nt, bool in_group)
{
	const struct kind_spec *k = spec_of(kind);
	const struct layout *l = p->l;
	el->kind = k->kind;
	el->line = p->line;
	el->size = l->size;
	el->leading = l->leading;
	el->stroke = l->stroke;
	el->fill = -1;
	el->quiet = 4;
	el->align = LAYOUT_LEFT;
	el->valign = k->kind == LAYOUT_TEXT || k->kind == LAYOUT_BLOCK ? LAYOUT_TOP : LAYOUT_MIDDLE;
	el->pad = k->kind == LAYOUT_BLOCK ? 0 : 1.2;
	el->label_w = 25;
	el->head_h = 8;
	el->row_h = 7;
	for (size_t i = 0; i < p->n_defaults[k->kind]; i++) {
		const struct layout_default *d = &p->defaults[k->kind][i];
		if (!apply_attr(p, k, el, d->key, d->val, d->flag))
			return false;
	}
	double pos[4];
	int npos = 0, nstr = 0;
	bool rel[4] = { false };
	const char *strs[2] = { NULL, NULL };
	for (int i = 0; i < nt; i++) {
		if (t[i].key) {
			if (!apply_attr(p, k, el, t[i].key, t[i].val, false))
				return false;
		} else if (t[i].quoted) {
			if (nstr == 2 || nstr == k->nstr)
				return layout_perr(p, "%s 最多带 %d 段文字", k->name, k->nstr), false;
			strs[nstr++] = t[i].val;
		} else if (is_flag(&t[i])) {
			if (!apply_attr(p, k, el, t[i].val, NULL, true))
				return false;
		} else if (layout_is_number_tok(&t[i])) {
			if (npos == k->npos)
				return layout_perr(p, "%s 只要 %d 个坐标/尺寸，多了 %s", k->name, k->npos, t[i].val), false;
			const char *v = t[i].val;
			rel[npos] = *v == '+';
			if (!layout_parse_num(v + rel[npos], &pos[npos]) || pos[npos] < 0)
				return layout_perr(p, "%s 不是有效的毫米数", v), false;
			npos++;
		} else {
			return layout_perr(p, "%s 不认识 %s（文字要加引号，属性写作 名=值）", k->name, t[i].val), false;
		}
	}
	if (npos != k->npos)
		return layout_perr(p, "%s 需要 %d 个坐标/尺寸，只有 %d 个", k->name, k->npos, npos), false;
	for (int i = 0; i < npos; i++) {
		bool y_like = i == 1 || (k->kind == LAYOUT_LINE && i == 3);
		if (rel[i] && !y_like)
			return layout_perr(p, "只有纵坐标可以写作 +N"), false;
	}
	el->x = pos[0];
	el->y = pos[1];
	el->rel = rel[1];
	switch (k->kind) {
	case LAYOUT_LINE:
		el->x2 = pos[2];
		el->y2 = pos[3];
		if (rel[1] != rel[3])
			return layout_perr(p, "line 的两个纵坐标要么都写作 +N，要么都不写"), false;
		break;
	case LAYOUT_QR:
		el->w = el->h = pos[2];
		break;
	case LAYOUT_TABLE:
		el->w = pos[2];
		break;
	case LAYOUT_TEXT:
	case LAYOUT_CHECK:
		break;
	default:
		el->w = pos[2];
		el->h = pos[3];
		break;
	}
	if (el->rel && in_group)
		return layout_perr(p, "group 里的元素不能写作 +N"), false;
	if (el->repeat && el->continued)
		return layout_perr(p, "repeat 和 continued 只能选一个"), false;
	if ((el->repeat || el->continued) && in_group)
		return layout_perr(p, "group 里的元素不能单独标 repeat 或 continued，请标在 group 上"), false;
	if (el->rel && (el->repeat || el->continued))
		return layout_perr(p, "repeat 或 continued 的元素不能写作 +N"), false;
	if ((el->flow || el->kind == LAYOUT_TABLE) && (in_group || el->repeat || el->continued))
		return layout_perr(p, "会续页的元素不能放在 group 里或标为 repeat、continued"), false;
	if (el->min_size == 0)
		el->min_size = fmin(el->size, fmax(6, el->size * 0.6));
	if (el->min_size > el->size)
		return layout_perr(p, "min=%g 大于 size=%g", el->min_size, el->size), false;

	/* strings */
	if (k->kind == LAYOUT_BLOCK) {
		if (el->text && strs[0])
			return layout_perr(p, "block 的文字要么写在引号里，要么用 file=，不能两者都有"), false;
		if (!el->text && !strs[0])
			return layout_perr(p, "block 缺少文字（引号里的文字或 file=）"), false;
	} else if (nstr != k->nstr) {
		return layout_perr(p, "%s 需要 %d 段文字", k->name, k->nstr), false;
	}
	if (strs[0] && !layout_set_str(p, k->kind == LAYOUT_CHECK ? &el->label : &el->text, strs[0]))
		return false;
	if (el->text && !layout_check_template(p, el->text, NULL))
		return false;
	if (el->label && !layout_check_template(p, el->label, NULL))
		return false;
	if (el->kind == LAYOUT_CHECK && (!el->key || !el->is))
		return layout_perr(p, "check 需要 key= 和 is="), false;
	if (el->kind == LAYOUT_FIELD && !el->label)
		return layout_perr(p, "field 需要 label="), false;
	if (el->kind == LAYOUT_FIELD && el->label_w >= el->w)
		return layout_perr(p, "field 的标签宽 lw=%g 不小于总宽 %g", el->label_w, el->w), false;
	if (el->kind == LAYOUT_TABLE) {
		if (!el->group)
			return layout_perr(p, "table 需要 group=（行的分组名，如 attachments）"), false;
		if (el->empty && !layout_check_template(p, el->empty, NULL))
			return false;
		if (el->cont && !layout_check_template(p, el->cont, NULL))
			return false;
	}
	if (el->kind == LAYOUT_TABLE && el->bottom > 0 && !el->rel && el->bottom < el->y + el->head_h + el->row_h)
		return layout_perr(p, "table 的 bottom=%g 放不下表头和一行", el->bottom), false;
	if (el->kind == LAYOUT_TEXT && el->align != LAYOUT_LEFT && el->w == 0)
		return layout_perr(p, "居中或右对齐的 text 需要 w="), false;
	if ((el->kind == LAYOUT_QR) && el->w < 8)
		return layout_perr(p, "二维码至少 8 毫米"), false;

	/* bounds: on the paper, or inside the group */
	double bw = in_group ? p->group->w : l->paper_w, bh = in_group ? p->group->h : l->paper_h;
	double right = el->x + el->w, lower = el->y + el->h;
	if (k->kind == LAYOUT_LINE) {
		right = fmax(el->x, el->x2);
		lower = fmax(el->y, el->y2);
	}
	if (right > bw + 0.01 || (!el->rel && lower > bh + 0.01))
		return layout_perr(p, "%s 超出了%s（%.1f×%.1f 毫米）", k->name, in_group ? "所在的 group" : "纸张",
				   bw, bh), false;
	if (el->rel && p->page && el->h > p->page->flow_bottom - p->page->flow_top)
		return layout_perr(p, "%s 比一页的排版区还高", k->name), false;
	return true;
}

bool layout_elem_default(struct layout_parser *p, const struct layout_tok *t, int nt)
{
	const struct kind_spec *k = nt > 0 ? find_kind(t[0].val) : NULL;
	if (!k)
		return layout_perr(p, "default 写作：default 元素 属性=值 ..."), false;
	for (int i = 1; i < nt; i++) {
		const char *name = t[i].key ? t[i].key : t[i].val;
		const struct attr_spec *a = find_attr(name);
		if (t[i].quoted || !a || !(k->ok & a->bit))
			return layout_perr(p, "%s 不接受属性 %s", k->name, name), false;
		if (p->n_defaults[k->kind] == LAYOUT_MAX_DEFAULTS)
			return layout_perr(p, "default 太多"), false;
		struct layout_default *d = &p->defaults[k->kind][p->n_defaults[k->kind]];
		snprintf(d->key, sizeof d->key, "%s", name);
		d->val = strdup(t[i].key ? t[i].val : "");
		d->flag = t[i].key == NULL;
		if (!d->val)
			return err_status(p->e, ST_NOMEM), false;
		p->n_defaults[k->kind]++;
		/* check it now, so the error points at this line */
		struct layout_elem probe;
		memset(&probe, 0, sizeof probe);
		bool ok = apply_attr(p, k, &probe, d->key, d->val, d->flag);
		layout_elem_done(&probe);
		if (!ok)
			return false;
	}
	return true;
}
