#include "adapt/sms.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "adapt/http.h"
#include "model/validate.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/uuid.h"

#define SMS_TIMEOUT_DEFAULT  5000L
#define SMS_TIMEOUT_MAX      600000L
#define SMS_RETRIES_DEFAULT  2
#define SMS_RETRIES_MAX      10
#define SMS_BACKOFF_FIRST_MS 250L
#define SMS_BACKOFF_MAX_MS   4000L
#define SMS_REPLY_CAP        (64 * 1024)   /* the gateway's answer is read, not used */

enum sms_driver { SMS_FILE, SMS_HTTP };

struct sms_gateway {
	enum sms_driver driver;
	struct sms_config cfg;          /* copy, with defaults filled in */
	struct http_client *http;       /* http driver */
	pthread_mutex_t lock;           /* http driver: one request at a time on `http` */
};

enum status sms_open(const struct sms_config *cfg, struct sms_gateway **out, struct err *e)
{
	*out = NULL;
	enum sms_driver driver;
	if (strcmp(cfg->driver, "file") == 0)
		driver = SMS_FILE;
	else if (strcmp(cfg->driver, "http") == 0)
		driver = SMS_HTTP;
	else
		return err_set(e, ST_INVALID, "未知的短信发送方式“%.16s”：应为 file 或 http",
			       cfg->driver);

	struct sms_config c = *cfg;
	if (driver == SMS_FILE) {
		if (!memchr(c.spool, '\0', sizeof c.spool) || !c.spool[0])
			return err_set(e, ST_INVALID, "未设置短信队列文件（sms.spool）");
	} else {
		if (!memchr(c.url, '\0', sizeof c.url) || !c.url[0])
			return err_set(e, ST_INVALID, "未设置短信网关地址（sms.url）");
		if (strncasecmp(c.url, "http://", 7) != 0 && strncasecmp(c.url, "https://", 8) != 0)
			return err_set(e, ST_INVALID, "短信网关地址应以 http:// 或 https:// 开头");
		if (!memchr(c.token, '\0', sizeof c.token) || strpbrk(c.token, "\r\n"))
			return err_set(e, ST_INVALID, "短信网关令牌（sms.token）无效");
		if (c.timeout_ms <= 0)
			c.timeout_ms = SMS_TIMEOUT_DEFAULT;
		if (c.timeout_ms > SMS_TIMEOUT_MAX)
			return err_set(e, ST_INVALID, "短信发送超时时间（sms.timeout_ms）不能超过 %ld 毫秒",
				       SMS_TIMEOUT_MAX);
		if (c.retries < 0)
			c.retries = SMS_RETRIES_DEFAULT;
		if (c.retries > SMS_RETRIES_MAX)
			return err_set(e, ST_INVALID, "短信重试次数（sms.retries）不能超过 %d",
				       SMS_RETRIES_MAX);
	}

	struct sms_gateway *g = calloc(1, sizeof *g);
	if (!g)
		return err_status(e, ST_NOMEM);
	g->driver = driver;
	g->cfg = c;
	if (driver == SMS_HTTP) {
		struct http_options opt = { .timeout_ms = c.timeout_ms };
		enum status st = http_client_new(&opt, &g->http, e);
		if (st != ST_OK) {
			free(g);
			return st;
		}
	}
	if (pthread_mutex_init(&g->lock, NULL) != 0) {
		http_client_free(g->http);
		free(g);
		return err_status(e, ST_INTERNAL);
	}
	*out = g;
	return ST_OK;
}

void sms_free(struct sms_gateway *g)
{
	if (!g)
		return;
	http_client_free(g->http);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static bool id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > SMS_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = id[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr(".-_:", ch)))
			return false;
	}
	return true;
}

static enum status check_input(const char *phone, const char *text, const char *id,
			       struct err *e)
{
	if (!check_mobile(phone, e))
		return e ? e->st : ST_INVALID;
	if (!text || !text[0])
		return err_set(e, ST_INVALID, "短信内容为空");
	size_t n = strlen(text);
	if (n > SMS_TEXT_MAX)
		return err_set(e, ST_INVALID, "短信内容过长（%zu 字节，上限 %d 字节）", n,
			       SMS_TEXT_MAX);
	if (!utf8_valid(text, n))
		return err_set(e, ST_INVALID, "短信内容含有无效字符（不是 UTF-8 文本）");
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return err_set(e, ST_INVALID, "短信内容含有控制字符");
	if (!id_ok(id))
		return err_set(e, ST_INVALID, "短信编号无效（应为 1 到 %d 个字母、数字或 .-_:）",
			       SMS_ID_MAX);
	return ST_OK;
}

/* ---- file driver ------------------------------------------------------ */

/* The directory part of path ("." when it has none). */
static void dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, outsz, ".");
	else if (slash == path)
		snprintf(out, outsz, "/");
	else
		snprintf(out, outsz, "%.*s", (int)(slash - path), path);
}

static enum status open_error(const char *path, int errnum, struct err *e)
{
	char dir[PATH_MAX];
	dir_of(path, dir, sizeof dir);
	switch (errnum) {
	case ENOENT:
		return err_set(e, ST_IO, "短信队列文件所在的目录不存在：%s", dir);
	case ENOTDIR:
		return err_set(e, ST_IO, "短信队列文件的路径中有一段不是目录：%s", path);
	case EACCES:
	case EPERM:
	case EROFS:
		return err_set(e, ST_IO, "无权写入短信队列文件：%s", path);
	case EISDIR:
		return err_set(e, ST_IO, "短信队列路径是一个目录，应为文件：%s", path);
	case ENOSPC:
	case EDQUOT:
		return err_set(e, ST_FULL, "磁盘空间不足，无法创建短信队列文件：%s", path);
	default:
		return err_set(e, ST_IO, "无法打开短信队列文件 %s：%s", path, strerror(errnum));
	}
}

static enum status write_error(const char *path, int errnum, struct err *e)
{
	if (fs_status_of_errno(errnum) == ST_FULL)
		return err_set(e, ST_FULL, "磁盘空间不足，短信未能写入队列文件：%s", path);
	return err_set(e, ST_IO, "写入短信队列文件失败（%s）：%s", strerror(errnum), path);
}

/* Append text to b with "\\" and "\n" escaped, so that a message is one line. */
static bool add_escaped(struct buf *b, const char *text)
{
	bool ok = true;
	for (const char *p = text; *p && ok; p++) {
		if (*p == '\\')
			ok = buf_adds(b, "\\\\");
		else if (*p == '\n')
			ok = buf_adds(b, "\\n");
		else
			ok = buf_addc(b, *p);
	}
	return ok;
}

static enum status file_send(struct sms_gateway *g, const char *phone, const char *text,
			     const char *id, struct err *e)
{
	const char *path = g->cfg.spool;
	char ts[21];
	clock_iso(clock_now(), ts);
	struct buf line;
	buf_init(&line, 64 + SMS_ID_MAX + 2 * SMS_TEXT_MAX);
	bool ok = buf_printf(&line, "%s\t%s\t%s\t", ts, id, phone) && add_escaped(&line, text) &&
		  buf_addc(&line, '\n');
	if (!ok) {
		buf_done(&line);
		return err_status(e, ST_NOMEM);
	}

	bool created = false;
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
		created = fd >= 0;
	}
	if (fd < 0) {
		int saved = errno;
		buf_done(&line);
		return open_error(path, saved, e);
	}

	/* One write() per line: O_APPEND makes the kernel place each whole
	 * write at the end, so concurrent writers never interleave. A signal
	 * before anything is written gives EINTR: then the write can be redone. */
	ssize_t w;
	do
		w = write(fd, line.data, line.len);
	while (w < 0 && errno == EINTR);
	enum status st = ST_OK;
	if (w < 0) {
		st = write_error(path, errno, e);
	} else if ((size_t)w != line.len) {
		/* A short write on a regular file means the disk filled up. End
		 * the torn line so that the next writer's line starts cleanly. */
		if (write(fd, "\n", 1) < 0) {
			/* nothing more to do: the error below is what matters */
		}
		st = err_set(e, ST_FULL, "磁盘空间不足，短信未能完整写入队列文件：%s", path);
	} else if (fsync(fd) != 0) {
		st = write_error(path, errno, e);
	}
	if (close(fd) != 0 && st == ST_OK)
		st = write_error(path, errno, e);
	buf_done(&line);

	/* A new file is durable only once its directory entry is. */
	if (st == ST_OK && created) {
		char dir[PATH_MAX];
		dir_of(path, dir, sizeof dir);
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || fsync(dfd) != 0)
			st = write_error(path, errno, e);
		if (dfd >= 0)
			close(dfd);
	}
	if (st == ST_OK)
		log_info("sms %s spooled", id);
	else
		log_warn("sms %s: spool: %s", id, status_code(st));
	return st;
}

/* ---- http driver ------------------------------------------------------ */

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The wait before attempt n (n >= 1): doubling from SMS_BACKOFF_FIRST_MS up
 * to SMS_BACKOFF_MAX_MS, plus up to a quarter at random so that terminals
 * cut off together do not all come back in the same instant. */
static long backoff_ms(int n)
{
	long ms = SMS_BACKOFF_FIRST_MS;
	for (int i = 1; i < n && ms < SMS_BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > SMS_BACKOFF_MAX_MS)
		ms = SMS_BACKOFF_MAX_MS;
	unsigned r;
	random_bytes(&r, sizeof r);
	return ms + (long)(r % (unsigned)(ms / 4 + 1));
}

static enum status http_send(struct sms_gateway *g, const char *phone, const char *text,
			     const char *id, struct err *e)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "id", id, "phone", phone, "text", text);
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body)
		return err_status(e, ST_NOMEM);
	char auth[300];
	const char *headers[3] = { "Accept: application/json", NULL, NULL };
	if (g->cfg.token[0]) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", g->cfg.token);
		headers[1] = auth;
	}
	struct http_request req = {
		.method = "POST",
		.url = g->cfg.url,
		.body = body,
		.body_len = strlen(body),
		.content_type = "application/json; charset=utf-8",
		.headers = headers,
		.timeout_ms = g->cfg.timeout_ms,
	};

	int attempts = 1 + g->cfg.retries, n = 0;
	enum status st = ST_INTERNAL;
	struct buf reply;
	buf_init(&reply, SMS_REPLY_CAP);
	pthread_mutex_lock(&g->lock);
	while (n < attempts) {
		if (n > 0)
			sleep_ms(backoff_ms(n));
		n++;
		long code = 0;
		buf_reset(&reply);
		st = http_perform(g->http, &req, &reply, &code, e);
		if (st == ST_OK)
			st = http_check_code(g->cfg.url, code, e);
		if (st == ST_OK || (st != ST_NET && st != ST_TIMEOUT))
			break;
		log_warn("sms %s: attempt %d of %d: %s (HTTP %ld)", id, n, attempts,
			 status_code(st), code);
	}
	pthread_mutex_unlock(&g->lock);
	buf_done(&reply);
	free(body);

	if (st == ST_OK) {
		log_info("sms %s sent (attempt %d)", id, n);
		return ST_OK;
	}
	log_warn("sms %s: not sent: %s after %d attempt(s)", id, status_code(st), n);
	if (n > 1 && e) {
		char msg[sizeof e->msg];
		snprintf(msg, sizeof msg, "%s，共尝试 %d 次", e->msg, n);
		snprintf(e->msg, sizeof e->msg, "%s", msg);
	}
	return st;
}

enum status sms_send(struct sms_gateway *g, const char *phone, const char *text, const char *id,
		     struct err *e)
{
	enum status st = check_input(phone, text, id, e);
	if (st != ST_OK)
		return st;
	return g->driver == SMS_FILE ? file_send(g, phone, text, id, e)
				     : http_send(g, phone, text, id, e);
}
