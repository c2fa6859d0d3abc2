/* Fetching one attachment file from the centre: a supervisor opens a scan
 * another office made, whose row came down with a pull but whose bytes did
 * not (pulls carry rows; files move on demand). */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "model/attachment.h"
#include "store/attach_repo.h"
#include "sync/sync_int.h"
#include "util/buf.h"
#include "util/fs.h"

static bool sha_ok(const char *s)
{
	if (!s || strlen(s) != SHA256_HEX - 1)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* A download may take the request timeout plus the file at this rate: an
 * office on a slow line still gets a 20 MiB scan (in about 5 minutes),
 * where a fixed 30 s would fail it every time. */
#define FETCH_MIN_BYTES_PER_S (64 * 1024)

/* The front end's hook behind the HTTP adapter's: the total falls back on
 * the size on record when the centre sends no length. */
struct fetch_progress {
	const struct sync_fetch_hooks *hooks;
	long long size;
};

static bool on_progress(void *ctx, long long got, long long total)
{
	const struct fetch_progress *p = ctx;
	return p->hooks->progress(p->hooks->ctx, got, total > 0 ? total : p->size);
}

enum status sync_blob_fetch(struct app *app, const char *sha256, long long size,
			    const struct sync_fetch_hooks *hooks, struct err *e)
{
	if (!sha_ok(sha256))
		return err_set(e, ST_INVALID, "附件摘要无效");
	char path[PATH_MAX];
	blob_path(app->data_dir, sha256, path, sizeof path);
	if (fs_exists(path))
		return ST_OK;
	struct sync_opts opts;
	enum status st = sync_opts_from_config(&app->cfg, &opts, e);
	if (st != ST_OK)
		return st;
	struct sync_ctx c = { .db = app->db, .data_dir = app->data_dir, .opts = &opts };
	st = sync_ctx_load(&c, e);
	if (st != ST_OK)
		return err_set(e, ST_STATE, "附件文件不在本机，且本终端未登记到中心，无法下载");
	st = sync_http_new(&opts, &c.http, e);
	if (st != ST_OK)
		return st;
	char url[1024];
	snprintf(url, sizeof url, "%s/v1/blobs/%s", c.url, sha256);
	const char *headers[] = { c.auth, NULL };
	struct http_request rq = { .method = "GET", .url = url, .headers = headers };
	if (size > 0)
		rq.timeout_ms = opts.timeout_ms + (long)(size * 1000 / FETCH_MIN_BYTES_PER_S);
	struct fetch_progress fp = { hooks, size > 0 ? size : 0 };
	if (hooks && hooks->progress) {
		rq.progress = on_progress;
		rq.progress_ctx = &fp;
	}
	struct buf body;
	buf_init(&body, ATTACH_MAX_BYTES);
	long code = 0;
	st = http_perform(c.http, &rq, &body, &code, e);
	http_client_free(c.http);
	if (st == ST_OK && code == 404)
		st = err_set(e, ST_NOT_FOUND, "中心还没有这个附件文件（录入的终端尚未上传），请稍后再试");
	else if (st == ST_OK)
		st = http_check_code(url, code, e);
	if (st == ST_OK) {
		/* Never trust the bytes: they must be what the name says. */
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[SHA256_HEX];
		crypto_hash_sha256(h, (const unsigned char *)(body.data ? body.data : ""), body.len);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		if (strcmp(hex, sha256) != 0)
			st = err_set(e, ST_IO, "从中心下载的附件文件与其摘要不符，已丢弃");
	}
	if (st == ST_OK) {
		char got[SHA256_HEX];
		st = blob_write(app->data_dir, body.data ? body.data : "", body.len, got, e);
	}
	buf_done(&body);
	return st;
}

enum status sync_attachment_copy(struct app *app, const struct actor *actor, const char *number,
				 const struct attachment *a, enum attach_use use,
				 const struct sync_fetch_hooks *hooks, char out_path[PATH_MAX],
				 struct err *e)
{
	enum status st = svc_attachment_copy(&app->svc, actor, app->data_dir, number, a, use,
					     out_path, e);
	if (st != ST_NOT_FOUND)
		return st;
	if (hooks && hooks->start)
		hooks->start(hooks->ctx);
	st = sync_blob_fetch(app, a->sha256, a->size, hooks, e);
	if (st == ST_CANCELLED)
		return err_set(e, st, "已停止下载“%s”，未做任何更改。", a->name);
	if (st != ST_OK) {
		char why[sizeof e->msg];
		snprintf(why, sizeof why, "%s", err_text(e));
		return err_set(e, st, "“%s”的文件不在本机，从中心下载也未成功：%s", a->name, why);
	}
	return svc_attachment_copy(&app->svc, actor, app->data_dir, number, a, use, out_path, e);
}
