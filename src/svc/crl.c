/* Revocation lookup: importing the authority's list, status, lookup. */
#include "svc/crl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/http.h"
#include "store/audit.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/jsonx.h"
#include "util/log.h"

/* ---- status ---- */

enum status svc_crl_status(struct svc *svc, struct crl_status *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct err nf;
	err_clear(&nf);
	enum status st = crl_repo_info(svc->db, &out->info, &nf);
	if (st == ST_NOT_FOUND) {
		snprintf(out->warning, sizeof out->warning,
			 "本机尚未导入证书吊销列表，无法判断证书是否已吊销。请更新吊销列表。");
		return ST_OK;
	}
	if (st != ST_OK) {
		if (e)
			*e = nf;
		return st;
	}
	out->have = true;
	time_t next;
	if (out->info.next_update[0] && clock_parse_iso(out->info.next_update, &next) &&
	    clock_now() > next) {
		char when[17];
		out->stale = true;
		out->stale_days = (long)((clock_now() - next) / 86400);
		clock_local(next, when);
		char late[48] = "";
		if (out->stale_days > 0)
			snprintf(late, sizeof late, "，已超过 %ld 天", out->stale_days);
		snprintf(out->warning, sizeof out->warning,
			 "吊销列表已过期：应在 %s 前更新%s，查询结果可能遗漏此后吊销的证书。请更新吊销列表。",
			 when, late);
	}
	return ST_OK;
}

/* ---- lookup ---- */

enum status svc_crl_check(struct svc *svc, const char *serial, struct crl_answer *out,
			  struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!serial || !crl_serial_canonical(serial, out->serial, sizeof out->serial))
		return err_field(e, "serial", ST_INVALID,
				 "证书序列号应为十六进制数字（0-9、A-F，最多 40 位，可带冒号或空格）");
	/* One snapshot: the list and the marks as of one moment. */
	enum status st = db_begin_read(svc->db, e);
	if (st != ST_OK)
		return st;
	st = svc_crl_status(svc, &out->status, e);
	if (st == ST_OK && !out->status.have)
		st = err_set(e, ST_STATE, "%s", out->status.warning);
	struct err nf;
	err_clear(&nf);
	if (st == ST_OK) {
		st = crl_repo_lookup(svc->db, out->serial, &out->hit, &nf);
		out->listed = st == ST_OK;
		if (st == ST_NOT_FOUND)
			st = ST_OK;
		else if (st != ST_OK)
			*e = nf;
	}
	if (st == ST_OK) {
		out->ncerts = crl_repo_certs_by_serial(svc->db, out->serial, out->certs, CRL_CERTS_MAX, e);
		if (out->ncerts < 0)
			st = e->st;
	}
	if (st == ST_OK)
		st = db_commit(svc->db, e);
	else
		db_rollback(svc->db);
	return st;
}

/* ---- import ---- */

/* The issuer certificate file of crl.issuer_cert (relative: in the data
 * directory); caller frees *data. */
static enum status issuer_cert(struct app *app, char **data, size_t *len, struct err *e)
{
	const char *name = config_get(&app->cfg, "crl.issuer_cert", "");
	if (!name[0])
		return err_set(e, ST_INVALID,
			       "没有设置吊销列表的签发者证书：请在 certdesk.conf 中设置 crl.issuer_cert"
			       "（签发者 CA 证书文件，DER 或 PEM）。");
	char path[PATH_MAX];
	if (name[0] == '/')
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/%s", app->data_dir, name);
	struct err fe;
	err_clear(&fe);
	enum status st = fs_read_all(path, CRL_ISSUER_MAX, data, len, &fe);
	if (st != ST_OK)
		return err_set(e, st == ST_NOT_FOUND ? ST_INVALID : st,
			       "无法读取签发者证书 %s（设置项 crl.issuer_cert）：%s", path, fe.msg);
	return ST_OK;
}

static long count_marked(struct db *db)
{
	return crl_repo_marked_count(db);
}

enum status svc_crl_import(struct app *app, const struct actor *a, const void *data, size_t len,
			   const char *source, struct crl_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct svc *svc = &app->svc;
	if (!actor_can(a, ROLE_CLERK))
		return err_status(e, ST_DENIED);
	if (svc->batch)
		return err_set(e, ST_INTERNAL, "程序内部错误：吊销列表不能在批量操作中导入");
	double t0 = clock_ms();
	char *ca = NULL;
	size_t ca_len = 0;
	enum status st = issuer_cert(app, &ca, &ca_len, e);
	if (st != ST_OK)
		return st;
	struct crl c;
	st = crl_load(data, len, (const uint8_t *)ca, ca_len, &c, e);
	free(ca);
	if (st != ST_OK)
		return st;

	struct crl_info info;
	memset(&info, 0, sizeof info);
	snprintf(info.source, sizeof info.source, "%s", source ? source : "");
	clock_iso(clock_now(), info.imported_at);
	snprintf(info.imported_by, sizeof info.imported_by, "%s", a->id);

	st = db_begin(svc->db, e);
	if (st != ST_OK) {
		crl_done(&c);
		return st;
	}
	struct crl_info old;
	struct err nf;
	err_clear(&nf);
	char this_update[21], next_update[21] = "";
	clock_iso(c.this_update, this_update);
	if (c.next_update)
		clock_iso(c.next_update, next_update);
	enum status have = crl_repo_info(svc->db, &old, &nf);
	if (have == ST_OK && strcmp(old.issuer, c.issuer) == 0 &&
	    strcmp(this_update, old.this_update) < 0) {
		time_t t_new = c.this_update, t_old;
		char a1[17], a2[17] = "";
		clock_local(t_new, a1);
		if (clock_parse_iso(old.this_update, &t_old))
			clock_local(t_old, a2);
		st = err_set(e, ST_STATE,
			     "这份吊销列表（%s 发布）比本机已导入的（%s 发布）旧，未导入。", a1, a2);
	} else if (have != ST_OK && have != ST_NOT_FOUND) {
		st = have;
		*e = nf;
	}
	long before = st == ST_OK ? count_marked(svc->db) : 0;
	if (st == ST_OK)
		st = crl_repo_replace(svc->db, &c, &info, &out->marked, e);
	long after_n = st == ST_OK ? count_marked(svc->db) : 0;
	if (st == ST_OK) {
		out->entries = (long)c.n;
		out->newly_marked = after_n > before ? after_n - before : 0;
		json_t *after = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "issuer", c.issuer,
					  "crl_number", c.number, "this_update", this_update,
					  "next_update", next_update, "entries", (json_int_t)c.n,
					  "marked", (json_int_t)out->marked, "sha256", c.sha256,
					  "source", info.source);
		char *text = jx_dump(after);
		struct audit_rec rec = { "crl.update", "crl", "", NULL, text };
		st = text ? audit_append(svc->db, a, &rec, e) : err_status(e, ST_NOMEM);
		free(text);
		json_decref(after);
	}
	if (st == ST_OK)
		st = db_commit(svc->db, e);
	else
		db_rollback(svc->db);
	crl_done(&c);
	if (st != ST_OK)
		return st;
	out->ms = clock_ms() - t0;
	log_info("crl imported: %ld entries, %ld marked, %.0f ms", out->entries, out->marked, out->ms);
	return svc_crl_status(svc, &out->status, e);
}

enum status svc_crl_update_file(struct app *app, const struct actor *a, const char *path,
				struct crl_result *out, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	struct err fe;
	err_clear(&fe);
	enum status st = fs_read_all(path, (size_t)CRL_MAX_BYTES, &data, &len, &fe);
	if (st == ST_NOT_FOUND)
		return err_field(e, "path", ST_NOT_FOUND, "找不到文件 %s", path);
	if (st != ST_OK)
		return err_field(e, "path", st, "%s", fe.msg);
	st = svc_crl_import(app, a, data, len, path, out, e);
	free(data);
	return st;
}

enum status svc_crl_update_url(struct app *app, const struct actor *a, const char *url,
			       struct crl_result *out, struct err *e)
{
	if (!url || !*url)
		url = config_get(&app->cfg, "crl.url", "");
	if (!*url)
		return err_set(e, ST_INVALID,
			       "没有设置吊销列表的下载地址：请在 certdesk.conf 中设置 crl.url，或指定文件");
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return err_field(e, "url", ST_INVALID, "吊销列表地址应以 http:// 或 https:// 开头");
	/* A large list over a slow line: a minute in all. */
	struct http_options ho = { .timeout_ms = 60000 };
	struct http_client *hc = NULL;
	enum status st = http_client_new(&ho, &hc, e);
	if (st != ST_OK)
		return st;
	struct buf body;
	buf_init(&body, (size_t)CRL_MAX_BYTES);
	long code = 0;
	struct http_request req = { .method = "GET", .url = url };
	st = http_perform(hc, &req, &body, &code, e);
	if (st == ST_OK)
		st = http_check_code(url, code, e);
	http_client_free(hc);
	if (st == ST_OK)
		st = svc_crl_import(app, a, body.data ? body.data : "", body.len, url, out, e);
	buf_done(&body);
	return st;
}

/* ---- lists ---- */

int svc_crl_marked_page(struct svc *svc, enum page_dir dir, const char *key, struct crl_cert *out,
			int max, struct err *e)
{
	return crl_repo_marked_page(svc->db, dir, key, out, max, e);
}

long svc_crl_marked_count(struct svc *svc)
{
	return crl_repo_marked_count(svc->db);
}

void svc_crl_marked_key(const struct crl_cert *c, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s|%s", c->crl_revoked_at, c->id);
}

void svc_crl_mark_text(const char *revoked_at, const char *reason, char *out, size_t outsz)
{
	time_t t;
	if (!revoked_at || !*revoked_at || !clock_parse_iso(revoked_at, &t)) {
		if (outsz)
			out[0] = '\0';
		return;
	}
	char when[17];
	clock_local(t, when);
	snprintf(out, outsz, "吊销于 %s，原因：%s", when, crl_reason_label(reason));
}
