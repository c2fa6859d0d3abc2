/*
 * The template language of layouts (layout.h): checking a template when
 * the layout is parsed, expanding it with data through the filters (money
 * in figures and capitals, dates), and listing the keys a layout reads.
 */
#include "model/layout_template.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

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

bool layout_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

/* ---- checking ----------------------------------------------------------- */

static bool fail(char *msg, size_t msgsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write the reason into msg; false, for `return fail(...)`. */
static bool fail(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
	return false;
}

bool layout_template_check(const char *t, const char *group, char *msg, size_t msgsz)
{
	for (const char *s = t; *s; s++) {
		if (*s == '}') {
			if (s[1] != '}')
				return fail(msg, msgsz, "单独的 }（字面的 } 写作 }}）");
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
			return fail(msg, msgsz, "{ 没有对应的 }");
		const char *a = s + 1;
		bool literal_seen = false;
		while (a <= close) {
			const char *bar = find_in(a, close, '|');
			const char *stop = bar ? bar : close;
			if (literal_seen)
				return fail(msg, msgsz, "{…|=文字} 的文字必须放在最后");
			if (a < stop && *a == '=') {
				literal_seen = true;
			} else {
				const char *colon = find_in(a, stop, ':');
				const char *kend = colon ? colon : stop;
				if (kend == a)
					return fail(msg, msgsz, "{} 里缺少字段名");
				if (kend - a == 1 && *a == '#') {
					if (!group)
						return fail(msg, msgsz, "{#}（行号）只能用在表格里");
				} else {
					for (const char *k = a; k < kend; k++)
						if (!layout_key_char(*k))
							return fail(msg, msgsz, "字段名 %.*s 含有不允许的字符", (int)(kend - a), a);
					const char *br = find_in(a, kend, '[');
					if (br) {
						if (br + 1 >= kend || br[1] != ']')
							return fail(msg, msgsz, "字段名 %.*s：表格里用 [] 表示当前行", (int)(kend - a), a);
						if (!group)
							return fail(msg, msgsz, "字段名 %.*s：[] 只能用在表格里", (int)(kend - a), a);
						if ((size_t)(br - a) != strlen(group) || strncmp(a, group, (size_t)(br - a)) != 0)
							return fail(msg, msgsz, "字段名 %.*s 不属于表格的分组 %s", (int)(kend - a), a, group);
					}
				}
				if (colon) {
					size_t fl = (size_t)(stop - colon - 1);
					bool known = false;
					for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
						known |= strlen(filters[i]) == fl && strncmp(filters[i], colon + 1, fl) == 0;
					if (!known)
						return fail(msg, msgsz, "未知的格式 %.*s（可用 fen、fen_upper、date）", (int)fl, colon + 1);
				}
			}
			a = stop + 1;
		}
		s = close;
	}
	if (!utf8_valid(t, strlen(t)))
		return fail(msg, msgsz, "文字不是有效的 UTF-8");
	return true;
}

/* ---- money -------------------------------------------------------------- */

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

/* ---- expansion ---------------------------------------------------------- */

static bool digits_only(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
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

/* ---- the keys a layout reads -------------------------------------------- */

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

