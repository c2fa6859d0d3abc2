#include "util/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fs.h"
#include "util/utf8.h"

/* The settings the program reads; see config.h for their meaning. */
static const char *const known_keys[] = {
	"sms.driver",
	"sms.spool",
	"sms.url",
	"sms.token",
	"sms.timeout_ms",
	"sms.retries",
	"scan.folder",
	"printer",
	/* Program that opens a scanned document (words, no shell): "xdg-open". */
	"viewer",
	/* Printed on forms and receipts; empty (the default) is not printed. */
	"authority.name",
	"authority.address",
	/* Sync with the centre (sync/sync.h): seconds between background
	 * rounds, request timeouts, rows per pull page, the centre's CA file,
	 * hosts reached without a proxy. */
	"sync.interval",
	"sync.connect_timeout_ms",
	"sync.timeout_ms",
	"sync.pull_limit",
	"sync.ca_file",
	"sync.noproxy",
	/* Review queues: working hours an application may wait before its
	 * age is shown as late (twice that: overdue). */
	"review.target_hours",
	/* The office's own return reasons, a text file (svc/review.h). */
	"review.return_reasons",
	/* Seconds the KEY screen waits for a KEY to be inserted. */
	"key.wait_seconds",
	/* The authority's revocation list: where it is published (http or
	 * https) and the issuer certificate it must be signed by (svc/crl.h). */
	"crl.url",
	"crl.issuer_cert",
};

bool config_key_known(const char *key)
{
	for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
		if (strcmp(known_keys[i], key) == 0)
			return true;
	return false;
}

void config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "certdesk.conf");
}

void config_done(struct config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].key);
		free(c->items[i].value);
	}
	free(c->items);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	c->items = NULL;
	c->warnings = NULL;
	c->n = c->alloc = c->nwarnings = c->walloc = 0;
}

static struct config_entry *find(const struct config *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i].key, key) == 0)
			return &c->items[i];
	return NULL;
}

/* Set key (copying both strings) and remember the line. */
static bool put(struct config *c, const char *key, const char *value, int line)
{
	char *v = strdup(value);
	if (!v)
		return false;
	struct config_entry *it = find(c, key);
	if (it) {
		free(it->value);
		it->value = v;
		it->line = line;
		return true;
	}
	if (c->n == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 16;
		struct config_entry *ni = realloc(c->items, na * sizeof *ni);
		if (!ni) {
			free(v);
			return false;
		}
		c->items = ni;
		c->alloc = na;
	}
	char *k = strdup(key);
	if (!k) {
		free(v);
		return false;
	}
	c->items[c->n++] = (struct config_entry){ .key = k, .value = v, .line = line };
	return true;
}

static bool add_warning(struct config *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool add_warning(struct config *c, const char *fmt, ...)
{
	if (c->nwarnings == c->walloc) {
		size_t na = c->walloc ? c->walloc * 2 : 8;
		char **nw = realloc(c->warnings, na * sizeof *nw);
		if (!nw)
			return false;
		c->warnings = nw;
		c->walloc = na;
	}
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	c->warnings[c->nwarnings++] = s;
	return true;
}

static bool key_chars_ok(const char *k)
{
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
			return false;
	return true;
}

/* Parse one line (modified in place). */
static enum status parse_line(struct config *c, char *line, int no, struct err *e)
{
	if (!utf8_valid(line, strlen(line)))
		return err_set(e, ST_INVALID, "%s 第 %d 行：不是有效的 UTF-8 文本（请用 UTF-8 保存）",
			       c->name, no);
	for (const unsigned char *p = (const unsigned char *)line; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return err_set(e, ST_INVALID, "%s 第 %d 行：含有控制字符", c->name, no);
	char *s = utf8_trim(line);
	if (!*s || *s == '#')
		return ST_OK;
	char *eq = strchr(s, '=');
	if (!eq)
		return err_set(e, ST_INVALID, "%s 第 %d 行：缺少“=”，应为“名称 = 值”", c->name, no);
	*eq = '\0';
	char *key = utf8_trim(s), *value = utf8_trim(eq + 1);
	if (!*key)
		return err_set(e, ST_INVALID, "%s 第 %d 行：“=”前缺少设置项名称", c->name, no);
	if (!key_chars_ok(key)) {
		if (strlen(key) <= 40)
			return err_set(e, ST_INVALID,
				       "%s 第 %d 行：设置项名称“%s”无效，只能用小写英文字母、数字和 ._-",
				       c->name, no, key);
		return err_set(e, ST_INVALID,
			       "%s 第 %d 行：设置项名称无效，只能用小写英文字母、数字和 ._-", c->name,
			       no);
	}
	bool ok = true;
	if (!config_key_known(key)) {
		ok = add_warning(c, "%s 第 %d 行：未知的设置项 %s，已忽略", c->name, no, key);
	} else {
		const struct config_entry *old = find(c, key);
		if (old)
			ok = add_warning(c, "%s 第 %d 行：%s 重复设置，以此行为准（第 %d 行的值不再使用）",
				  c->name, no, key, old->line);
		ok = ok && put(c, key, value, no);
	}
	return ok ? ST_OK : err_status(e, ST_NOMEM);
}

enum status config_parse(const char *name, const char *text, struct config *c, struct err *e)
{
	config_init(c);
	if (name && *name)
		snprintf(c->name, sizeof c->name, "%s", name);
	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	size_t cap = strlen(text) + 1;
	char *line = malloc(cap);
	if (!line)
		return err_status(e, ST_NOMEM);
	enum status st = ST_OK;
	int no = 0;
	for (const char *p = text; *p && st == ST_OK;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		no++;
		memcpy(line, p, len);
		if (len && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		st = parse_line(c, line, no, e);
		p = end ? end + 1 : p + len;
	}
	free(line);
	if (st != ST_OK)
		config_done(c);
	return st;
}

enum status config_load(const char *path, struct config *c, struct err *e)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	config_init(c);
	char *text = NULL;
	size_t len = 0;
	struct err fe;
	err_clear(&fe);
	enum status st = fs_read_all(path, CONFIG_FILE_MAX, &text, &len, &fe);
	if (st == ST_NOT_FOUND) {
		snprintf(c->name, sizeof c->name, "%s", base);
		return ST_OK; /* no file: every setting at its default */
	}
	if (st == ST_INVALID)
		return err_set(e, ST_INVALID, "设置文件 %s 过大或不是普通文件（上限 %d 字节）", path,
			       CONFIG_FILE_MAX);
	if (st != ST_OK) {
		if (e)
			*e = fe; /* "无法打开文件 PATH：reason" */
		return st;
	}
	if (strlen(text) != len) {
		int no = 1;
		for (const char *p = text; *p; p++)
			no += *p == '\n';
		free(text);
		return err_set(e, ST_INVALID, "%s 第 %d 行：含有空字节，不是文本文件", base, no);
	}
	st = config_parse(base, text, c, e);
	free(text);
	return st;
}

const char *config_get(const struct config *c, const char *key, const char *def)
{
	const struct config_entry *it = find(c, key);
	return it ? it->value : def;
}

enum status config_get_long(const struct config *c, const char *key, long def, long min,
			    long max, long *out, struct err *e)
{
	const struct config_entry *it = find(c, key);
	if (!it) {
		*out = def;
		return ST_OK;
	}
	const char *s = it->value;
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	bool digits = (s[0] >= '0' && s[0] <= '9') ||
		      ((s[0] == '-' || s[0] == '+') && s[1] >= '0' && s[1] <= '9');
	if (!digits || *end || errno == ERANGE || v < min || v > max) {
		if (it->line > 0)
			return err_set(e, ST_INVALID, "%s 第 %d 行：%s 应为 %ld 到 %ld 之间的整数",
				       c->name, it->line, key, min, max);
		return err_set(e, ST_INVALID, "设置项 %s 应为 %ld 到 %ld 之间的整数", key, min, max);
	}
	*out = v;
	return ST_OK;
}

enum status config_set(struct config *c, const char *key, const char *value, struct err *e)
{
	return put(c, key, value, 0) ? ST_OK : err_status(e, ST_NOMEM);
}
