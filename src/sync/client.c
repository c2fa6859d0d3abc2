/* The centre's routes as the terminal calls them (docs/SYNC.md). Every
 * request goes through adapt/http.c (timeouts, TLS checks, size caps); this
 * file adds the URL, the terminal's credentials and the JSON. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/attach_repo.h"
#include "store/settings.h"
#include "sync/sync_int.h"
#include "util/log.h"

/* Largest answer accepted: a pull page of large rows, with room to spare. */
#define SYNC_RESPONSE_MAX (32L * 1024 * 1024)

enum status sync_url_normalize(const char *in, char *out, size_t outsz, struct err *e)
{
	size_t n = in ? strlen(in) : 0;
	while (n && in[n - 1] == '/')
		n--;
	if (!n || (strncasecmp(in, "http://", 7) != 0 && strncasecmp(in, "https://", 8) != 0))
		return err_set(e, ST_INVALID, "中心地址应以 http:// 或 https:// 开头");
	if (n >= outsz || n >= 500)
		return err_set(e, ST_INVALID, "中心地址过长");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)in[i] <= ' ' || in[i] == 0x7f || in[i] == '?' || in[i] == '#')
			return err_set(e, ST_INVALID, "中心地址无效（不能含空格、“?”或“#”）");
	memcpy(out, in, n);
	out[n] = '\0';
	return ST_OK;
}

enum status sync_ctx_load(struct sync_ctx *c, struct err *e)
{
	char tid[UUID_LEN + 1], secret[SYNC_SECRET_MAX], url[512];
	struct err nf;
	if (settings_get(c->db, "sync_url", url, sizeof url, &nf) != ST_OK ||
	    settings_get(c->db, "sync_secret", secret, sizeof secret, &nf) != ST_OK ||
	    settings_get(c->db, "terminal_id", tid, sizeof tid, &nf) != ST_OK || !secret[0])
		return err_set(e, ST_STATE,
			       "本终端尚未登记到中心，请先由管理员运行 certdesk sync --enroll URL 登记码");
	enum status st = sync_url_normalize(url, c->url, sizeof c->url, e);
	if (st != ST_OK)
		return st;
	snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s.%s", tid, secret);
	memset(secret, 0, sizeof secret);
	if (c->batch_ops <= 0)
		c->batch_ops = SYNC_BATCH_OPS;
	return ST_OK;
}

enum status sync_http_new(const struct sync_opts *o, struct http_client **out, struct err *e)
{
	struct http_options ho = {
		.connect_timeout_ms = o->connect_timeout_ms,
		.timeout_ms = o->timeout_ms,
		.noproxy = o->has_noproxy ? o->noproxy : NULL,
		.ca_file = o->ca_file[0] ? o->ca_file : NULL,
	};
	return http_client_new(&ho, out, e);
}

/* The centre's answer to a refused request as a status and a sentence. */
static enum status answer_error(const char *url, long code, const struct buf *body, struct err *e)
{
	json_t *j = body->len ? json_loadb(body->data, body->len, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));
	const char *ecode = json_string_value(json_object_get(j, "error"));
	char host[300];
	http_url_host(url, host, sizeof host);
	enum status st;
	if ((code == 401 || code == 403) && msg)
		st = err_set(e, ST_DENIED, "中心 %s 拒绝了请求：%s", host, msg);
	else if (code == 401 || code == 403)
		st = err_set(e, ST_DENIED, "中心 %s 拒绝了本终端（HTTP %ld）：本终端可能已被撤销，"
			     "或登记已失效，请联系中心管理员", host, code);
	else if (code == 413)
		st = err_set(e, ST_INVALID, "中心 %s 拒绝了过大的请求（HTTP 413）", host);
	else if (code >= 500)
		st = err_set(e, ST_NET, "中心 %s 出错（HTTP %ld）%s%s，稍后自动重试", host, code,
			     msg ? "：" : "", msg ? msg : "");
	else if (msg)
		st = err_set(e, ecode && status_from_code(ecode) != ST_INTERNAL ? status_from_code(ecode)
									   : ST_INVALID,
			     "%s", msg);
	else
		st = http_check_code(url, code, e);
	json_decref(j);
	return st;
}

enum status sync_call_raw(struct http_client *h, const char *base, const char *auth,
			  const char *method, const char *path, const char *body, size_t len,
			  long *code_out, json_t **out, struct err *e)
{
	char url[1024];
	snprintf(url, sizeof url, "%s%s", base, path);
	const char *headers[] = { auth, "Accept: application/json", NULL };
	if (!auth)
		headers[0] = "Accept: application/json", headers[1] = NULL;
	struct http_request rq = {
		.method = method,
		.url = url,
		.body = body,
		.body_len = len,
		.content_type = body ? "application/json" : NULL,
		.headers = headers,
	};
	struct buf resp;
	buf_init(&resp, SYNC_RESPONSE_MAX);
	long code = 0;
	*out = NULL;
	enum status st = http_perform(h, &rq, &resp, &code, e);
	if (code_out)
		*code_out = code;
	if (st == ST_OK && (code < 200 || code >= 300))
		st = answer_error(url, code, &resp, e);
	if (st == ST_OK) {
		json_error_t je;
		*out = json_loadb(resp.data ? resp.data : "", resp.len, JSON_REJECT_DUPLICATES, &je);
		if (!*out || !json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			char host[300];
			http_url_host(url, host, sizeof host);
			st = err_set(e, ST_NET, "中心 %s 的应答不是有效的 JSON（%s），稍后自动重试", host,
				     resp.len ? "内容无法解析" : "内容为空");
		}
	}
	buf_done(&resp);
	return st;
}

enum status sync_call(struct http_client *h, const char *base, const char *auth,
		      const char *method, const char *path, json_t *body, json_t **out,
		      struct err *e)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	if (body && !text)
		return err_status(e, ST_NOMEM);
	enum status st = sync_call_raw(h, base, auth, method, path, text, text ? strlen(text) : 0,
				       NULL, out, e);
	free(text);
	return st;
}

/* ---- blobs ---------------------------------------------------------------- */

/* A plain request to a blob route; the answer's code, and X-Received when
 * the adapter can read it back (-1 when not given). */
static enum status blob_request(struct sync_ctx *c, const char *method, const char *sha,
				const void *body, size_t len, const char *range, long *code,
				long long *received, struct err *e)
{
	char url[1024], rangeh[128];
	snprintf(url, sizeof url, "%s/v1/blobs/%s", c->url, sha);
	const char *headers[3] = { c->auth, NULL, NULL };
	if (range) {
		snprintf(rangeh, sizeof rangeh, "Content-Range: %s", range);
		headers[1] = rangeh;
	}
	struct http_request rq = {
		.method = method,
		.url = url,
		.body = body,
		.body_len = len,
		.content_type = body ? "application/octet-stream" : NULL,
		.headers = headers,
	};
	char xr[32] = "";
	rq.want_header = "X-Received";
	rq.header_value = xr;
	rq.header_value_sz = sizeof xr;
	struct buf resp;
	buf_init(&resp, 64 * 1024);
	enum status st = http_perform(c->http, &rq, &resp, code, e);
	*received = -1;
	if (st == ST_OK && xr[0]) {
		char *end;
		errno = 0;
		long long v = strtoll(xr, &end, 10);
		if (!*end && errno == 0 && v >= 0)
			*received = v;
	}
	if (st == ST_OK && *received < 0 && resp.len) {
		/* certdeskd also says it in the body of a PUT's answer. */
		json_t *j = json_loadb(resp.data, resp.len, 0, NULL);
		json_t *v = json_object_get(j, "received");
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			*received = json_integer_value(v);
		json_decref(j);
	}
	if (st == ST_OK && *code >= 400 && *code != 404 && *code != 409 && *code != 416 &&
	    *code != 422)
		st = answer_error(url, *code, &resp, e);
	buf_done(&resp);
	return st;
}

/* How much of the file the centre holds: its size when complete. */
static enum status blob_probe(struct sync_ctx *c, const char *sha, long long size, long long *have,
			      struct err *e)
{
	long code;
	long long received;
	enum status st = blob_request(c, "HEAD", sha, NULL, 0, NULL, &code, &received, e);
	if (st != ST_OK)
		return st;
	if (code == 200) {
		*have = size;
		return ST_OK;
	}
	if (code == 404 || code == 206) {
		*have = received > 0 ? received : 0;
		if (*have > size)
			*have = 0; /* not ours to trust: start again */
		return ST_OK;
	}
	return http_check_code(c->url, code, e);
}

enum status sync_blob_upload(struct sync_ctx *c, const char *sha256, long long *sent,
			     struct err *e)
{
	char path[PATH_MAX];
	*sent = 0;
	blob_path(c->data_dir, sha256, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno == ENOENT ? ST_NOT_FOUND : ST_IO,
			       "附件文件 %.12s… 在本机%s", sha256,
			       errno == ENOENT ? "不存在，无法上传" : "无法读取");
	struct stat sb;
	if (fstat(fd, &sb) != 0 || sb.st_size <= 0) {
		close(fd);
		return err_set(e, ST_IO, "附件文件 %.12s… 无法读取", sha256);
	}
	long long size = sb.st_size, have = 0;
	enum status st = blob_probe(c, sha256, size, &have, e);
	char *part = st == ST_OK && have < size ? malloc((size_t)SYNC_BLOB_PART) : NULL;
	if (st == ST_OK && have < size && !part)
		st = err_status(e, ST_NOMEM);
	int restarts = 0;
	while (st == ST_OK && have < size) {
		if (sync_stopping(c)) {
			st = err_set(e, ST_CANCELLED, "同步已停止");
			break;
		}
		long long n = size - have < SYNC_BLOB_PART ? size - have : SYNC_BLOB_PART;
		ssize_t got = pread(fd, part, (size_t)n, (off_t)have);
		if (got != (ssize_t)n) {
			st = err_set(e, ST_IO, "读取附件文件 %.12s… 失败", sha256);
			break;
		}
		char range[96];
		snprintf(range, sizeof range, "bytes %lld-%lld/%lld", have, have + n - 1, size);
		long code;
		long long received;
		st = blob_request(c, "PUT", sha256, part, (size_t)n, range, &code, &received, e);
		if (st != ST_OK)
			break;
		if (code >= 200 && code < 300) {
			have += n;
			*sent += n;
			c->prog.bytes += n;
			sync_report(c);
		} else if (code == 422) {
			/* The centre's hash of the whole file differs: the local
			 * file is not what its name says. */
			st = err_set(e, ST_IO, "附件文件 %.12s… 与其摘要不符，中心拒收（本机文件可能已损坏）",
				     sha256);
		} else if (code == 416 && received >= 0 && received <= size && restarts++ < 3) {
			/* The centre holds a different amount than we thought (a
			 * part arrived but its answer was lost, or HEAD could not
			 * say): go on from there. */
			have = received;
		} else if ((code == 409 || code == 416 || code == 404) && restarts++ < 3) {
			st = blob_probe(c, sha256, size, &have, e);
		} else {
			st = http_check_code(c->url, code, e);
			if (st == ST_OK)
				st = err_set(e, ST_NET, "上传附件文件 %.12s… 未被中心接受（HTTP %ld）",
					     sha256, code);
		}
	}
	free(part);
	close(fd);
	if (st == ST_OK)
		log_info("sync: blob %.12s uploaded (%lld bytes sent)", sha256, *sent);
	return st;
}
