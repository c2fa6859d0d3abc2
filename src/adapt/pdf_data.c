/*
 * The data a layout is printed with (pdf.h): a flat store of UTF-8 values
 * by dotted key, rows of a group numbered in brackets, read from
 * "key=value" text.
 */
#include "adapt/pdf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Longest value pdf_data_parse takes from one line. */
#define VALUE_CAP (1u << 20)

struct kv {
	char *key;
	char *val;
};

struct pdf_data {
	struct kv *items;
	size_t n, alloc;
};

struct pdf_data *pdf_data_new(void)
{
	return calloc(1, sizeof(struct pdf_data));
}

void pdf_data_free(struct pdf_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].key);
		free(d->items[i].val);
	}
	free(d->items);
	free(d);
}

static struct kv *data_find(const struct pdf_data *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->items[i].key, key) == 0)
			return &d->items[i];
	return NULL;
}

bool pdf_data_set(struct pdf_data *d, const char *key, const char *value)
{
	size_t kl = strlen(key);
	if (kl == 0 || kl > 127)
		return false;
	char *v = strdup(value ? value : "");
	if (!v)
		return false;
	struct kv *it = data_find(d, key);
	if (it) {
		free(it->val);
		it->val = v;
		return true;
	}
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 32;
		struct kv *ni = realloc(d->items, na * sizeof *ni);
		if (!ni) {
			free(v);
			return false;
		}
		d->items = ni;
		d->alloc = na;
	}
	char *k = strdup(key);
	if (!k) {
		free(v);
		return false;
	}
	d->items[d->n++] = (struct kv){ k, v };
	return true;
}

bool pdf_data_setf(struct pdf_data *d, const char *key, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	bool ok = pdf_data_set(d, key, s);
	free(s);
	return ok;
}

bool pdf_data_set_row(struct pdf_data *d, const char *group, int row, const char *field, const char *value)
{
	char key[160];
	int n = snprintf(key, sizeof key, "%s[%d].%s", group, row, field);
	return row >= 0 && n > 0 && (size_t)n < sizeof key && pdf_data_set(d, key, value);
}

const char *pdf_data_get(const struct pdf_data *d, const char *key)
{
	const struct kv *it = d ? data_find(d, key) : NULL;
	return it ? it->val : NULL;
}

int pdf_data_rows(const struct pdf_data *d, const char *group)
{
	size_t gl = strlen(group);
	int rows = 0;
	for (size_t i = 0; d && i < d->n; i++) {
		const char *k = d->items[i].key;
		if (strncmp(k, group, gl) != 0 || k[gl] != '[')
			continue;
		char *end;
		long idx = strtol(k + gl + 1, &end, 10);
		if (*end == ']' && idx >= 0 && idx < 100000 && idx + 1 > rows)
			rows = (int)idx + 1;
	}
	return rows;
}

enum status pdf_data_parse(struct pdf_data *d, const char *text, struct err *e)
{
	int line = 0;
	struct buf v;
	buf_init(&v, VALUE_CAP);
	for (const char *s = text; *s;) {
		line++;
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		const char *eq = memchr(s, '=', n);
		size_t lead = 0;
		while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
			lead++;
		bool skip = lead == n || s[lead] == '#' || (n - lead == 1 && s[lead] == '\r');
		if (!skip) {
			if (!eq || eq == s + lead) {
				buf_done(&v);
				return err_set(e, ST_INVALID, "数据第 %d 行应写作 键=值", line);
			}
			char key[128];
			size_t kl = (size_t)(eq - s - lead);
			while (kl > 0 && (s[lead + kl - 1] == ' ' || s[lead + kl - 1] == '\t'))
				kl--;
			if (kl >= sizeof key) {
				buf_done(&v);
				return err_set(e, ST_INVALID, "数据第 %d 行的键太长", line);
			}
			memcpy(key, s + lead, kl);
			key[kl] = '\0';
			buf_reset(&v);
			/* spaces around the value are layout of the file, not data */
			const char *vstart = eq + 1, *vend = s + n;
			while (vend > vstart && (vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			while (vstart < vend && (*vstart == ' ' || *vstart == '\t'))
				vstart++;
			for (const char *c = vstart; c < vend; c++) {
				if (c[0] == '\\' && c + 1 < vend && c[1] == 'n') {
					buf_addc(&v, '\n');
					c++;
				} else {
					buf_addc(&v, *c);
				}
			}
			if (!buf_add(&v, "", 0) || !pdf_data_set(d, key, buf_str(&v))) {
				buf_done(&v);
				return err_status(e, ST_NOMEM);
			}
		}
		s += n + (nl != NULL);
	}
	buf_done(&v);
	return ST_OK;
}

