#include "model/layout.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/embedded.h"
#include "util/utf8.h"

/* ---- attributes --------------------------------------------------------- */

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

/* ---- parser state ------------------------------------------------------- */

struct tok {
	const char *key;   /* NULL for a bare word or string */
	const char *val;
	bool quoted;
};

#define MAX_TOKS 48
#define MAX_DEFAULTS 24

struct def_attr {
	char key[16];
	char *val;
	bool flag;      /* a bare word: a switch such as bold */
};

struct parser {
	const char *name;
	int line;
	struct err *e;
	struct layout *l;
	struct layout_page *page;           /* current page, NULL before the first */
	struct layout_elem *table;          /* open table, or NULL */
	struct layout_elem *group;          /* open group, or NULL */
	struct def_attr defaults[LAYOUT_GROUP + 1][MAX_DEFAULTS];
	size_t n_defaults[LAYOUT_GROUP + 1];
	char scratch[8192];
};

static enum status perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum status perr(struct parser *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(p->e, ST_INVALID, "版式 %s 第 %d 行：%s", p->name, p->line, msg);
}

/* Split one line into tokens in p->scratch. Returns the count, -1 on error. */
static int tokenize(struct parser *p, const char *s, size_t n, struct tok *toks)
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
			perr(p, "一行最多 %d 项", MAX_TOKS);
			return -1;
		}
		struct tok *t = &toks[nt++];
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
					perr(p, "引号没有结束");
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
						perr(p, "未知的转义 \\%c", c);
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
	perr(p, "这一行太长");
	return -1;
}

static bool parse_num(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static bool is_number_tok(const struct tok *t)
{
	const char *s = t->val;
	if (t->quoted || t->key)
		return false;
	if (*s == '+' || *s == '-')
		s++;
	return isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]));
}

/* ---- templates ---------------------------------------------------------- */

static const char *const filters[] = { "fen", "fen_upper", "date" };
static const char *const builtins[] = { "page", "pages", "today" };

/* First c in [a, end), or NULL. (Plain loops: GCC's range analysis
 * misreads memchr bounds computed from these pointers.) */
static const char *find_in(const char *a, const char *end, char c)
{
	for (; a < end; a++)
		if (*a == c)
			return a;
	return NULL;
}

static bool key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

/*
 * Check one template: balanced braces, known filters, "[]" and "#" only
 * in a table whose group the key names. `group` is NULL outside tables.
 */
static bool check_template(struct parser *p, const char *t, const char *group)
{
	for (const char *s = t; *s; s++) {
		if (*s == '}') {
			if (s[1] != '}')
				return perr(p, "单独的 }（字面的 } 写作 }}）"), false;
			s++;
			continue;
		}
		if (*s != '{')
			continue;
		if (s[1] == '{') {
			s++;
			continue;
		}
		const char *close = strchr(s, '}');
		const char *open2 = strchr(s + 1, '{');
		if (!close || (open2 && open2 < close))
			return perr(p, "{ 没有对应的 }"), false;
		const char *a = s + 1;
		bool literal_seen = false;
		while (a <= close) {
			const char *bar = find_in(a, close, '|');
			const char *stop = bar ? bar : close;
			if (literal_seen)
				return perr(p, "{…|=文字} 的文字必须放在最后"), false;
			if (a < stop && *a == '=') {
				literal_seen = true;
			} else {
				const char *colon = find_in(a, stop, ':');
				const char *kend = colon ? colon : stop;
				if (kend == a)
					return perr(p, "{} 里缺少字段名"), false;
				if (kend - a == 1 && *a == '#') {
					if (!group)
						return perr(p, "{#}（行号）只能用在表格里"), false;
				} else {
					for (const char *k = a; k < kend; k++)
						if (!key_char(*k))
							return perr(p, "字段名 %.*s 含有不允许的字符", (int)(kend - a), a), false;
					const char *br = find_in(a, kend, '[');
					if (br) {
						if (br + 1 >= kend || br[1] != ']')
							return perr(p, "字段名 %.*s：表格里用 [] 表示当前行", (int)(kend - a), a), false;
						if (!group)
							return perr(p, "字段名 %.*s：[] 只能用在表格里", (int)(kend - a), a), false;
						if ((size_t)(br - a) != strlen(group) || strncmp(a, group, (size_t)(br - a)) != 0)
							return perr(p, "字段名 %.*s 不属于表格的分组 %s", (int)(kend - a), a, group), false;
					}
				}
				if (colon) {
					size_t fl = (size_t)(stop - colon - 1);
					bool known = false;
					for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
						known |= strlen(filters[i]) == fl && strncmp(filters[i], colon + 1, fl) == 0;
					if (!known)
						return perr(p, "未知的格式 %.*s（可用 fen、fen_upper、date）", (int)fl, colon + 1), false;
				}
			}
			a = stop + 1;
		}
		s = close;
	}
	if (!utf8_valid(t, strlen(t)))
		return perr(p, "文字不是有效的 UTF-8"), false;
	return true;
}

static bool digits_only(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool layout_fen_text(long long fen, char *out, size_t outsz)
{
	if (fen < 0 || fen >= 100000000000000LL) {
		if (outsz)
			out[0] = '\0';
		return false;
	}
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", fen / 100);
	size_t nd = strlen(digits), o = 0;
	char tmp[64];
	for (size_t i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			tmp[o++] = ',';
		tmp[o++] = digits[i];
	}
	snprintf(tmp + o, sizeof tmp - o, ".%02lld", fen % 100);
	snprintf(out, outsz, "%s", tmp);
	return true;
}

bool layout_fen_upper(long long fen, char *out, size_t outsz)
{
	static const char *const num[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
	static const char *const unit[] = { "", "拾", "佰", "仟" };
	static const char *const big[] = { "", "万", "亿" };
	if (fen < 0 || fen >= 100000000000000LL) {
		if (outsz)
			out[0] = '\0';
		return false;
	}
	struct buf b;
	buf_init(&b, 512);
	long long yuan = fen / 100;
	int jiao = (int)(fen / 10 % 10), cent = (int)(fen % 10);
	if (yuan > 0) {
		int groups[3] = { (int)(yuan / 100000000), (int)(yuan / 10000 % 10000), (int)(yuan % 10000) };
		bool started = false, zero = false;
		for (int g = 0; g < 3; g++) {
			int v = groups[g];
			if (v == 0) {
				zero |= started;
				continue;
			}
			if (started && (zero || v < 1000))
				buf_adds(&b, num[0]);
			zero = false;
			bool inner = false, pend = false;
			for (int d = 3; d >= 0; d--) {
				int dv = v / (d == 3 ? 1000 : d == 2 ? 100 : d == 1 ? 10 : 1) % 10;
				if (dv == 0) {
					pend |= inner;
					continue;
				}
				if (pend)
					buf_adds(&b, num[0]);
				pend = false;
				buf_adds(&b, num[dv]);
				buf_adds(&b, unit[d]);
				inner = true;
			}
			buf_adds(&b, big[2 - g]);
			started = true;
		}
		buf_adds(&b, "元");
	}
	if (jiao == 0 && cent == 0) {
		if (yuan == 0)
			buf_adds(&b, "零元");
		buf_adds(&b, "整");
	} else {
		if (jiao > 0) {
			buf_adds(&b, num[jiao]);
			buf_adds(&b, "角");
		} else if (yuan > 0) {
			buf_adds(&b, num[0]);
		}
		if (cent > 0) {
			buf_adds(&b, num[cent]);
			buf_adds(&b, "分");
		} else {
			buf_adds(&b, "整");
		}
	}
	bool ok = b.len > 0 && b.len < outsz;
	snprintf(out, outsz, "%s", ok ? buf_str(&b) : "");
	buf_done(&b);
	return ok;
}

static bool apply_filter(const char *f, size_t fl, const char *v, struct buf *out)
{
	char tmp[128];
	size_t vl = strlen(v);
	if (fl == 3 && strncmp(f, "fen", 3) == 0) {
		if (digits_only(v, vl) && vl < 15 && layout_fen_text(atoll(v), tmp, sizeof tmp))
			return buf_adds(out, tmp);
	} else if (fl == 9 && strncmp(f, "fen_upper", 9) == 0) {
		if (digits_only(v, vl) && vl < 15 && layout_fen_upper(atoll(v), tmp, sizeof tmp))
			return buf_adds(out, tmp);
	} else if (fl == 4 && strncmp(f, "date", 4) == 0) {
		if (vl >= 10 && digits_only(v, 4) && v[4] == '-' && digits_only(v + 5, 2) && v[7] == '-'
		    && digits_only(v + 8, 2))
			return buf_printf(out, "%.4s年%d月%d日", v, atoi(v + 5), atoi(v + 8));
	}
	return buf_adds(out, v);
}

bool layout_expand(const char *tmpl, int row, layout_lookup_fn lookup, layout_value_fn on_value,
		   void *ctx, struct buf *out)
{
	char key[160];
	for (const char *s = tmpl; *s; s++) {
		if ((*s == '{' && s[1] == '{') || (*s == '}' && s[1] == '}')) {
			if (!buf_addc(out, *s))
				return false;
			s++;
			continue;
		}
		const char *close;
		if (*s != '{' || !(close = strchr(s, '}'))) {
			if (!buf_addc(out, *s))
				return false;
			continue;
		}
		const char *a = s + 1;
		while (a <= close) {
			const char *bar = find_in(a, close, '|');
			const char *stop = bar ? bar : close;
			if (*a == '=') {
				if (!buf_add(out, a + 1, (size_t)(stop - a - 1)))
					return false;
				break;
			}
			const char *colon = find_in(a, stop, ':');
			const char *kend = colon ? colon : stop;
			char rownum[16];
			const char *v = NULL;
			if (kend - a == 1 && *a == '#') {
				if (row >= 0) {
					snprintf(rownum, sizeof rownum, "%d", row + 1);
					v = rownum;
				}
			} else {
				/* the key, "[]" replaced by the row */
				size_t o = 0;
				for (const char *k = a; k < kend && o + 16 < sizeof key; k++) {
					if (k[0] == '[' && k + 1 < kend && k[1] == ']' && row >= 0) {
						o += (size_t)snprintf(key + o, sizeof key - o, "[%d]", row);
						k++;
					} else {
						key[o++] = *k;
					}
				}
				key[o] = '\0';
				v = lookup(ctx, key);
				if (v && *v && on_value)
					on_value(ctx, key, v);
			}
			if (v && *v) {
				bool ok = colon ? apply_filter(colon + 1, (size_t)(stop - colon - 1), v, out)
						: buf_adds(out, v);
				if (!ok)
					return false;
				break;
			}
			a = stop + 1;
		}
		s = close;
	}
	/* an empty result still has a valid (empty) string */
	return buf_add(out, "", 0);
}

/* ---- elements ----------------------------------------------------------- */

static void elem_done(struct layout_elem *el)
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
		elem_done(&el->kids[i]);
	free(el->kids);
}

void layout_free(struct layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_pages; i++) {
		for (size_t j = 0; j < l->pages[i].n_elems; j++)
			elem_done(&l->pages[i].elems[j]);
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

static const struct attr_spec *find_attr(const char *name)
{
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (strcmp(attrs[i].name, name) == 0)
			return &attrs[i];
	return NULL;
}

static bool set_str(struct parser *p, char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	if (!*dst)
		return err_status(p->e, ST_NOMEM), false;
	return true;
}

/* Apply one attribute (name=value or a bare flag) to el. */
static bool apply_attr(struct parser *p, const struct kind_spec *k, struct layout_elem *el,
		       const char *name, const char *val, bool flag)
{
	const struct attr_spec *a = find_attr(name);
	if (!a || !(k->ok & a->bit))
		return perr(p, "%s 不接受属性 %s", k->name, name), false;
	if ((a->type == T_FLAG) != flag)
		return perr(p, a->type == T_FLAG ? "%s 是开关，不带值" : "属性 %s 需要一个值", name), false;
	double v = 0;
	if (a->type == T_NUM || a->type == T_INT) {
		if (!parse_num(val, &v) || v < a->lo || v > a->hi)
			return perr(p, "%s=%s：应为 %g 到 %g 之间的数", name, val, a->lo, a->hi), false;
		if (a->type == T_INT && v != floor(v))
			return perr(p, "%s=%s：应为整数", name, val), false;
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
			return perr(p, "%s=%s：应为 %s、%s 或 %s", name, val, names[0], names[1], names[2]), false;
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
	case A_LABEL: return set_str(p, &el->label, val);
	case A_IS: return set_str(p, &el->is, val);
	case A_EMPTY: return set_str(p, &el->empty, val);
	case A_CONT: return set_str(p, &el->cont, val);
	case A_KEY:
		for (const char *c = val; *c; c++)
			if (!key_char(*c) || *c == '[' || *c == ']')
				return perr(p, "key=%s：字段名含有不允许的字符", val), false;
		return set_str(p, &el->key, val);
	case A_GROUP:
		for (const char *c = val; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.')
				return perr(p, "group=%s：分组名只能含字母、数字、_ 和 .", val), false;
		return *val ? set_str(p, &el->group, val) : (perr(p, "group 不能为空"), false);
	case A_FILE: {
		const struct embedded_file *f = embedded_find(val);
		if (!f)
			return perr(p, "找不到文件 %s（print/ 下的文件才会编进程序）", val), false;
		return set_str(p, &el->text, f->data);
	}
	default:
		return perr(p, "内部错误：属性 %s", name), false;
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

/* Is the token a flag name (a bare word that is a known flag)? */
static bool is_flag(const struct tok *t)
{
	if (t->key || t->quoted)
		return false;
	const struct attr_spec *a = find_attr(t->val);
	return a && a->type == T_FLAG;
}

/* Parse the tokens after the element keyword into el. */
static bool parse_elem(struct parser *p, const struct kind_spec *k, struct layout_elem *el,
		       const struct tok *t, int nt, bool in_group)
{
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
		const struct def_attr *d = &p->defaults[k->kind][i];
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
				return perr(p, "%s 最多带 %d 段文字", k->name, k->nstr), false;
			strs[nstr++] = t[i].val;
		} else if (is_flag(&t[i])) {
			if (!apply_attr(p, k, el, t[i].val, NULL, true))
				return false;
		} else if (is_number_tok(&t[i])) {
			if (npos == k->npos)
				return perr(p, "%s 只要 %d 个坐标/尺寸，多了 %s", k->name, k->npos, t[i].val), false;
			const char *v = t[i].val;
			rel[npos] = *v == '+';
			if (!parse_num(v + rel[npos], &pos[npos]) || pos[npos] < 0)
				return perr(p, "%s 不是有效的毫米数", v), false;
			npos++;
		} else {
			return perr(p, "%s 不认识 %s（文字要加引号，属性写作 名=值）", k->name, t[i].val), false;
		}
	}
	if (npos != k->npos)
		return perr(p, "%s 需要 %d 个坐标/尺寸，只有 %d 个", k->name, k->npos, npos), false;
	for (int i = 0; i < npos; i++) {
		bool y_like = i == 1 || (k->kind == LAYOUT_LINE && i == 3);
		if (rel[i] && !y_like)
			return perr(p, "只有纵坐标可以写作 +N"), false;
	}
	el->x = pos[0];
	el->y = pos[1];
	el->rel = rel[1];
	switch (k->kind) {
	case LAYOUT_LINE:
		el->x2 = pos[2];
		el->y2 = pos[3];
		if (rel[1] != rel[3])
			return perr(p, "line 的两个纵坐标要么都写作 +N，要么都不写"), false;
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
		return perr(p, "group 里的元素不能写作 +N"), false;
	if (el->repeat && el->continued)
		return perr(p, "repeat 和 continued 只能选一个"), false;
	if ((el->repeat || el->continued) && in_group)
		return perr(p, "group 里的元素不能单独标 repeat 或 continued，请标在 group 上"), false;
	if (el->rel && (el->repeat || el->continued))
		return perr(p, "repeat 或 continued 的元素不能写作 +N"), false;
	if ((el->flow || el->kind == LAYOUT_TABLE) && (in_group || el->repeat || el->continued))
		return perr(p, "会续页的元素不能放在 group 里或标为 repeat、continued"), false;
	if (el->min_size == 0)
		el->min_size = fmin(el->size, fmax(6, el->size * 0.6));
	if (el->min_size > el->size)
		return perr(p, "min=%g 大于 size=%g", el->min_size, el->size), false;

	/* strings */
	if (k->kind == LAYOUT_BLOCK) {
		if (el->text && strs[0])
			return perr(p, "block 的文字要么写在引号里，要么用 file=，不能两者都有"), false;
		if (!el->text && !strs[0])
			return perr(p, "block 缺少文字（引号里的文字或 file=）"), false;
	} else if (nstr != k->nstr) {
		return perr(p, "%s 需要 %d 段文字", k->name, k->nstr), false;
	}
	if (strs[0] && !set_str(p, k->kind == LAYOUT_CHECK ? &el->label : &el->text, strs[0]))
		return false;
	if (el->text && !check_template(p, el->text, NULL))
		return false;
	if (el->label && !check_template(p, el->label, NULL))
		return false;
	if (el->kind == LAYOUT_CHECK && (!el->key || !el->is))
		return perr(p, "check 需要 key= 和 is="), false;
	if (el->kind == LAYOUT_FIELD && !el->label)
		return perr(p, "field 需要 label="), false;
	if (el->kind == LAYOUT_FIELD && el->label_w >= el->w)
		return perr(p, "field 的标签宽 lw=%g 不小于总宽 %g", el->label_w, el->w), false;
	if (el->kind == LAYOUT_TABLE) {
		if (!el->group)
			return perr(p, "table 需要 group=（行的分组名，如 attachments）"), false;
		if (el->empty && !check_template(p, el->empty, NULL))
			return false;
		if (el->cont && !check_template(p, el->cont, NULL))
			return false;
	}
	if (el->kind == LAYOUT_TABLE && el->bottom > 0 && !el->rel && el->bottom < el->y + el->head_h + el->row_h)
		return perr(p, "table 的 bottom=%g 放不下表头和一行", el->bottom), false;
	if (el->kind == LAYOUT_TEXT && el->align != LAYOUT_LEFT && el->w == 0)
		return perr(p, "居中或右对齐的 text 需要 w="), false;
	if ((el->kind == LAYOUT_QR) && el->w < 8)
		return perr(p, "二维码至少 8 毫米"), false;

	/* bounds: on the paper, or inside the group */
	double bw = in_group ? p->group->w : l->paper_w, bh = in_group ? p->group->h : l->paper_h;
	double right = el->x + el->w, lower = el->y + el->h;
	if (k->kind == LAYOUT_LINE) {
		right = fmax(el->x, el->x2);
		lower = fmax(el->y, el->y2);
	}
	if (right > bw + 0.01 || (!el->rel && lower > bh + 0.01))
		return perr(p, "%s 超出了%s（%.1f×%.1f 毫米）", k->name, in_group ? "所在的 group" : "纸张",
			    bw, bh), false;
	if (el->rel && p->page && el->h > p->page->flow_bottom - p->page->flow_top)
		return perr(p, "%s 比一页的排版区还高", k->name), false;
	return true;
}

static bool parse_col(struct parser *p, const struct tok *t, int nt)
{
	struct layout_elem *tb = p->table;
	if (tb->n_cols == LAYOUT_MAX_COLS)
		return perr(p, "表格最多 %d 列", LAYOUT_MAX_COLS), false;
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
				return perr(p, "align=%s：应为 left、center 或 right", t[i].val), false;
			c->align = (enum layout_align)found;
		} else if (t[i].key) {
			return perr(p, "col 不接受属性 %s", t[i].key), false;
		} else if (t[i].quoted) {
			if (nstr == 2)
				return perr(p, "col 只要两段文字：表头和单元格"), false;
			if (!set_str(p, nstr++ == 0 ? &c->head : &c->cell, t[i].val))
				return false;
		} else if (is_number_tok(&t[i]) && npos == 0) {
			if (!parse_num(t[i].val, &c->w) || c->w <= 0)
				return perr(p, "%s 不是有效的列宽", t[i].val), false;
			npos++;
		} else {
			return perr(p, "col 不认识 %s", t[i].val), false;
		}
	}
	if (npos != 1 || nstr != 2)
		return perr(p, "col 写作：col 宽 \"表头\" \"单元格\""), false;
	return check_template(p, c->head, NULL) && check_template(p, c->cell, tb->group);
}

static bool close_block(struct parser *p)
{
	if (p->table) {
		struct layout_elem *tb = p->table;
		double sum = 0;
		for (size_t i = 0; i < tb->n_cols; i++)
			sum += tb->cols[i].w;
		if (tb->n_cols == 0)
			return perr(p, "第 %d 行的 table 没有列", tb->line), false;
		if (fabs(sum - tb->w) > 0.05)
			return perr(p, "第 %d 行的 table 宽 %g 毫米，各列之和却是 %g", tb->line, tb->w, sum), false;
		p->table = NULL;
		return true;
	}
	if (p->group) {
		p->group = NULL;
		return true;
	}
	return perr(p, "多余的 end"), false;
}

static bool parse_setting(struct parser *p, const char *kw, const struct tok *t, int nt)
{
	struct layout *l = p->l;
	double v;
	if (strcmp(kw, "paper") == 0) {
		if (p->page)
			return perr(p, "paper 要写在第一个 page 之前"), false;
		if (nt < 1 || nt > 2 || (nt == 2 && strcmp(t[1].val, "landscape") != 0))
			return perr(p, "paper 写作：paper A4 [landscape]"), false;
		if (strcmp(t[0].val, "A4") == 0) {
			l->paper_w = 210;
			l->paper_h = 297;
		} else if (strcmp(t[0].val, "A5") == 0) {
			l->paper_w = 148;
			l->paper_h = 210;
		} else {
			return perr(p, "不支持的纸张 %s（可用 A4、A5）", t[0].val), false;
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
			return perr(p, "title 写作：title \"标题\""), false;
		snprintf(l->title, sizeof l->title, "%s", t[0].val);
		return true;
	}
	static const struct { const char *kw; double lo, hi; } nums[] = {
		{ "size", 4, 72 }, { "leading", 0.8, 4 }, { "stroke", 0, 5 },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (strcmp(kw, nums[i].kw) != 0)
			continue;
		if (nt != 1 || !parse_num(t[0].val, &v) || v < nums[i].lo || v > nums[i].hi)
			return perr(p, "%s 要一个 %g 到 %g 之间的数", kw, nums[i].lo, nums[i].hi), false;
		if (i == 0)
			l->size = v;
		else if (i == 1)
			l->leading = v;
		else
			l->stroke = v;
		return true;
	}
	if (strcmp(kw, "default") == 0) {
		const struct kind_spec *k = nt > 0 ? find_kind(t[0].val) : NULL;
		if (!k)
			return perr(p, "default 写作：default 元素 属性=值 ..."), false;
		for (int i = 1; i < nt; i++) {
			const char *name = t[i].key ? t[i].key : t[i].val;
			const struct attr_spec *a = find_attr(name);
			if (t[i].quoted || !a || !(k->ok & a->bit))
				return perr(p, "%s 不接受属性 %s", k->name, name), false;
			if (p->n_defaults[k->kind] == MAX_DEFAULTS)
				return perr(p, "default 太多"), false;
			struct def_attr *d = &p->defaults[k->kind][p->n_defaults[k->kind]];
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
			elem_done(&probe);
			if (!ok)
				return false;
		}
		return true;
	}
	return perr(p, "未知的语句 %s", kw), false;
}

static bool parse_page(struct parser *p, const struct tok *t, int nt)
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
			return perr(p, "page 只接受 flow_top= 和 flow_bottom="), false;
		if (!parse_num(t[i].val, &v) || v < 0 || v > l->paper_h)
			return perr(p, "%s=%s 不在纸张范围内", t[i].key, t[i].val), false;
		if (strcmp(t[i].key, "flow_top") == 0)
			pg->flow_top = v;
		else
			pg->flow_bottom = v;
	}
	if (pg->flow_bottom - pg->flow_top < 20)
		return perr(p, "flow_top 到 flow_bottom 至少要有 20 毫米"), false;
	return true;
}

static bool parse_line(struct parser *p, const char *s, size_t n)
{
	struct tok toks[MAX_TOKS];
	int nt = tokenize(p, s, n, toks);
	if (nt <= 0)
		return nt == 0;
	if (toks[0].key || toks[0].quoted)
		return perr(p, "一行应以语句名开头"), false;
	const char *kw = toks[0].val;
	const struct tok *t = toks + 1;
	nt--;
	if (strcmp(kw, "end") == 0)
		return nt == 0 ? close_block(p) : (perr(p, "end 后面不带东西"), false);
	if (p->table) {
		if (strcmp(kw, "col") != 0)
			return perr(p, "table 里只能写 col，以 end 结束（第 %d 行的 table）", p->table->line), false;
		return parse_col(p, t, nt);
	}
	if (strcmp(kw, "col") == 0)
		return perr(p, "col 只能写在 table 里"), false;
	if (strcmp(kw, "page") == 0) {
		if (p->group)
			return perr(p, "第 %d 行的 group 没有 end", p->group->line), false;
		return parse_page(p, t, nt);
	}
	const struct kind_spec *k = find_kind(kw);
	if (!k)
		return parse_setting(p, kw, t, nt);
	if (!p->page)
		return perr(p, "%s 要写在 page 之后", kw), false;
	bool in_group = p->group != NULL;
	if (in_group && (k->kind == LAYOUT_TABLE || k->kind == LAYOUT_GROUP))
		return perr(p, "group 里不能放 %s", kw), false;
	struct layout_elem *el = in_group ? elem_push(&p->group->kids, &p->group->n_kids)
					  : elem_push(&p->page->elems, &p->page->n_elems);
	if (!el)
		return err_status(p->e, ST_NOMEM), false;
	if (!parse_elem(p, k, el, t, nt, in_group))
		return false;
	if (k->kind == LAYOUT_TABLE)
		p->table = el;
	else if (k->kind == LAYOUT_GROUP)
		p->group = el;
	return true;
}

enum status layout_parse(const char *name, const char *text, struct layout **out, struct err *e)
{
	*out = NULL;
	struct parser *p = calloc(1, sizeof *p);
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
		perr(p, "%s 没有 end", p->table ? "table" : "group");
		ok = false;
	}
	if (ok && l->n_pages == 0) {
		perr(p, "版式里没有 page");
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

/* ---- keys --------------------------------------------------------------- */

struct keyset {
	char **keys;
	size_t n, alloc;
};

static void keyset_add(struct keyset *ks, const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strlen(builtins[i]) == n && strncmp(builtins[i], k, n) == 0)
			return;
	if (n == 1 && *k == '#')
		return;
	for (size_t i = 0; i < ks->n; i++)
		if (strlen(ks->keys[i]) == n && strncmp(ks->keys[i], k, n) == 0)
			return;
	if (ks->n == ks->alloc) {
		size_t na = ks->alloc ? ks->alloc * 2 : 32;
		char **nk = realloc(ks->keys, na * sizeof *nk);
		if (!nk)
			return;
		ks->keys = nk;
		ks->alloc = na;
	}
	char *c = strndup(k, n);
	if (c)
		ks->keys[ks->n++] = c;
}

static void keyset_scan(struct keyset *ks, const char *t)
{
	for (const char *s = t; s && *s; s++) {
		if (*s == '{' && s[1] == '{') {
			s++;
			continue;
		}
		const char *close;
		if (*s != '{' || !(close = strchr(s, '}')))
			continue;
		for (const char *a = s + 1; a < close;) {
			const char *bar = find_in(a, close, '|');
			const char *stop = bar ? bar : close;
			const char *colon = find_in(a, stop, ':');
			if (*a != '=')
				keyset_add(ks, a, (size_t)((colon ? colon : stop) - a));
			a = stop + 1;
		}
		s = close;
	}
}

static void keyset_elems(struct keyset *ks, const struct layout_elem *els, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct layout_elem *el = &els[i];
		keyset_scan(ks, el->text);
		keyset_scan(ks, el->label);
		keyset_scan(ks, el->empty);
		keyset_scan(ks, el->cont);
		if (el->key)
			keyset_add(ks, el->key, strlen(el->key));
		for (size_t c = 0; c < el->n_cols; c++) {
			keyset_scan(ks, el->cols[c].head);
			keyset_scan(ks, el->cols[c].cell);
		}
		keyset_elems(ks, el->kids, el->n_kids);
	}
}

void layout_keys(const struct layout *l, void (*fn)(void *ctx, const char *key), void *ctx)
{
	struct keyset ks = { NULL, 0, 0 };
	for (size_t i = 0; i < l->n_pages; i++)
		keyset_elems(&ks, l->pages[i].elems, l->pages[i].n_elems);
	for (size_t i = 0; i < ks.n; i++) {
		fn(ctx, ks.keys[i]);
		free(ks.keys[i]);
	}
	free(ks.keys);
}

/* ---- line breaking ------------------------------------------------------ */

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
