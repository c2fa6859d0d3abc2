#include "model/stock.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_codes[] = {
#define X(n, c, l) c,
	STOCK_STATE_LIST(X)
#undef X
};
static const char *const state_labels[] = {
#define X(n, c, l) l,
	STOCK_STATE_LIST(X)
#undef X
};
static const char *const move_codes[] = {
#define X(n, c, l) c,
	STOCK_MOVE_LIST(X)
#undef X
};
static const char *const move_labels[] = {
#define X(n, c, l) l,
	STOCK_MOVE_LIST(X)
#undef X
};

const char *stock_state_code(enum stock_state s)
{
	return (unsigned)s < STOCK_STATE__COUNT ? state_codes[s] : "?";
}

const char *stock_state_label(enum stock_state s)
{
	return (unsigned)s < STOCK_STATE__COUNT ? state_labels[s] : "?";
}

bool stock_state_parse(const char *code, enum stock_state *out)
{
	for (int i = 0; code && i < STOCK_STATE__COUNT; i++)
		if (strcmp(code, state_codes[i]) == 0)
			return *out = (enum stock_state)i, true;
	return false;
}

const char *stock_move_code(enum stock_move m)
{
	return (unsigned)m < MOVE__COUNT ? move_codes[m] : "?";
}

const char *stock_move_label(enum stock_move m)
{
	return (unsigned)m < MOVE__COUNT ? move_labels[m] : "?";
}

bool stock_move_parse(const char *code, enum stock_move *out)
{
	for (int i = 0; code && i < MOVE__COUNT; i++)
		if (strcmp(code, move_codes[i]) == 0)
			return *out = (enum stock_move)i, true;
	return false;
}

bool stock_move_allowed(const char *serial, enum stock_state from, enum stock_move m,
			enum stock_state *to, struct err *e)
{
	const char *why = NULL;
	enum stock_state next = from;
	switch (m) {
	case MOVE_RECEIVE:
		if (from == STOCK_RETURNED)
			next = STOCK_IN_STOCK;
		else if (from == STOCK_IN_STOCK)
			why = "已在库存中，不能重复入库";
		else if (from == STOCK_ISSUED)
			why = "已发放给申请人，不能入库";
		else
			why = "已登记为损坏，须先退回中心";
		break;
	case MOVE_ISSUE:
		if (from == STOCK_IN_STOCK)
			next = STOCK_ISSUED;
		else if (from == STOCK_ISSUED)
			why = "已经发放过，不能重复发放";
		else if (from == STOCK_DAMAGED)
			why = "已登记为损坏，不能发放";
		else
			why = "已退回中心，不在库存中";
		break;
	case MOVE_DAMAGE:
		if (from == STOCK_IN_STOCK || from == STOCK_ISSUED)
			next = STOCK_DAMAGED;
		else if (from == STOCK_DAMAGED)
			why = "已经登记为损坏";
		else
			why = "已退回中心，不在库存中";
		break;
	case MOVE_RETURN:
		if (from == STOCK_IN_STOCK || from == STOCK_DAMAGED)
			next = STOCK_RETURNED;
		else if (from == STOCK_ISSUED)
			why = "已发放给申请人；收回后先登记为损坏，才能退回中心";
		else
			why = "已经退回中心";
		break;
	default:
		why = "操作无效";
	}
	if (why) {
		err_set(e, ST_STATE, "KEY %s %s", serial ? serial : "", why);
		return false;
	}
	*to = next;
	return true;
}

/* ---- serials ---- */

static bool serial_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

bool check_key_serial(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (n == 0)
		return err_set(e, ST_INVALID, "请输入 KEY 序列号"), false;
	if (n < 4 || n > KEY_SERIAL_MAX - 1)
		return err_set(e, ST_INVALID, "KEY 序列号应为 4 到 %d 位", KEY_SERIAL_MAX - 1), false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!serial_char(c))
			return err_set(e, ST_INVALID,
				       "KEY 序列号只能含英文字母、数字和“-”（第 %zu 个字符不是）", i + 1),
			       false;
	}
	if (s[0] == '-' || s[n - 1] == '-')
		return err_set(e, ST_INVALID, "KEY 序列号不能以“-”开头或结尾"), false;
	return true;
}

void key_serial_normalize(char *s)
{
	char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	memmove(s, p, n);
	s[n] = '\0';
	for (char *c = s; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
}

void key_list_init(struct key_list *l)
{
	memset(l, 0, sizeof *l);
}

void key_list_done(struct key_list *l)
{
	free(l->serial);
	key_list_init(l);
}

static enum status push(struct key_list *l, const char *s, struct err *e)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		void *grown = realloc(l->serial, (size_t)cap * sizeof *l->serial);
		if (!grown)
			return err_status(e, ST_NOMEM);
		l->serial = grown;
		l->cap = cap;
	}
	snprintf(l->serial[l->n++], KEY_SERIAL_MAX, "%s", s);
	return ST_OK;
}

/* Where the trailing digits of s begin. */
static size_t digits_from(const char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] >= '0' && s[n - 1] <= '9')
		n--;
	return n;
}

enum status key_list_add_range(struct key_list *l, const char *first_in, const char *last_in,
			       int max, struct err *e)
{
	char first[KEY_SERIAL_MAX + 8], last[KEY_SERIAL_MAX + 8];
	snprintf(first, sizeof first, "%s", first_in);
	snprintf(last, sizeof last, "%s", last_in);
	key_serial_normalize(first);
	key_serial_normalize(last);
	struct err why;
	if (!check_key_serial(first, &why))
		return err_set(e, ST_INVALID, "起始序列号 %s：%s", first, why.msg);
	if (!check_key_serial(last, &why))
		return err_set(e, ST_INVALID, "结束序列号 %s：%s", last, why.msg);
	if (strcmp(first, last) == 0) {
		if (l->n + 1 > max)
			return err_set(e, ST_INVALID, "一次最多 %d 个 KEY", max);
		return push(l, first, e);
	}
	size_t len = strlen(first), at = digits_from(first);
	if (strlen(last) != len || digits_from(last) != at || at == len ||
	    strncmp(first, last, at) != 0)
		return err_set(e, ST_INVALID,
			       "序列号段 %s..%s 无效：起止序列号应长度相同、前缀相同，只有末尾的数字不同",
			       first, last);
	size_t nd = len - at;
	if (nd > 18)
		return err_set(e, ST_INVALID, "序列号段 %s..%s 的数字部分过长", first, last);
	unsigned long long a = strtoull(first + at, NULL, 10), b = strtoull(last + at, NULL, 10);
	if (a > b)
		return err_set(e, ST_INVALID, "序列号段 %s..%s 无效：起始序列号大于结束序列号", first,
			       last);
	if (b - a + 1 > (unsigned long long)(max - l->n))
		return err_set(e, ST_INVALID, "序列号段 %s..%s 共 %llu 个，一次最多 %d 个 KEY", first,
			       last, b - a + 1, max);
	char s[KEY_SERIAL_MAX + 24];
	for (unsigned long long v = a; v <= b; v++) {
		snprintf(s, sizeof s, "%.*s%0*llu", (int)at, first, (int)nd, v);
		enum status st = push(l, s, e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

enum status key_list_parse(struct key_list *l, const char *text, int max, struct err *e)
{
	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	int keep = l->n, no = 0;
	enum status st = ST_OK;
	char line[256];
	for (const char *p = text; *p && st == ST_OK;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		no++;
		if (len >= sizeof line) {
			st = err_set(e, ST_INVALID, "第 %d 行过长，不是 KEY 序列号", no);
			break;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		p = end ? end + 1 : p + len;
		key_serial_normalize(line);
		if (!line[0] || line[0] == '#')
			continue;
		char *dots = strstr(line, "..");
		struct err why;
		err_clear(&why);
		if (dots) {
			*dots = '\0';
			if (key_list_add_range(l, line, dots + 2, max, &why) != ST_OK)
				st = err_set(e, why.st, "第 %d 行：%s", no, why.msg);
		} else if (!check_key_serial(line, &why)) {
			st = err_set(e, ST_INVALID, "第 %d 行：%s", no, why.msg);
		} else if (l->n >= max) {
			st = err_set(e, ST_INVALID, "第 %d 行：一次最多 %d 个 KEY", no, max);
		} else {
			st = push(l, line, e);
		}
	}
	if (st != ST_OK)
		l->n = keep;
	return st;
}

static int by_serial(const void *a, const void *b)
{
	return strcmp(a, b);
}

enum status key_list_finish(struct key_list *l, struct err *e)
{
	if (l->n > 1)
		qsort(l->serial, (size_t)l->n, sizeof l->serial[0], by_serial);
	for (int i = 1; i < l->n; i++)
		if (strcmp(l->serial[i - 1], l->serial[i]) == 0)
			return err_set(e, ST_INVALID, "KEY %s 在清单中出现了不止一次", l->serial[i]);
	return ST_OK;
}
