/* One sync round: push, then pull (docs/SYNC.md). Pushing first means the
 * pull brings back the centre's version of what was just applied, and the
 * rows local ops stood on are free again. */
#include <stdio.h>
#include <string.h>

#include "store/outbox.h"
#include "store/settings.h"
#include "sync/sync_int.h"
#include "util/clock.h"
#include "util/log.h"

enum status sync_opts_from_config(const struct config *cfg, struct sync_opts *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	enum status st = config_get_long(cfg, "sync.interval", 30, 5, 86400, &out->interval_s, e);
	if (st == ST_OK)
		st = config_get_long(cfg, "sync.connect_timeout_ms", 3000, 100, 60000,
				     &out->connect_timeout_ms, e);
	if (st == ST_OK)
		st = config_get_long(cfg, "sync.timeout_ms", 30000, 1000, 600000, &out->timeout_ms, e);
	if (st == ST_OK)
		st = config_get_long(cfg, "sync.pull_limit", 200, 1, 1000, &out->pull_limit, e);
	if (st != ST_OK)
		return st;
	const char *ca = config_get(cfg, "sync.ca_file", "");
	if (strlen(ca) >= sizeof out->ca_file)
		return err_set(e, ST_INVALID, "sync.ca_file 路径过长");
	snprintf(out->ca_file, sizeof out->ca_file, "%s", ca);
	const char *np = config_get(cfg, "sync.noproxy", NULL);
	if (np) {
		out->has_noproxy = true;
		snprintf(out->noproxy, sizeof out->noproxy, "%s", np);
	}
	return ST_OK;
}

void sync_report(struct sync_ctx *c)
{
	if (c->progress)
		c->progress(&c->prog, c->progress_ctx);
}

bool sync_stopping(const struct sync_ctx *c)
{
	return c->stop && atomic_load(c->stop);
}

void sync_record_outcome(struct db *db, enum status st, const struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	struct err we;
	if (db_begin(db, &we) != ST_OK)
		return;
	enum status ws = settings_set(db, "sync_last_try", now, &we);
	if (ws == ST_OK)
		ws = settings_set(db, "sync_last_error", st == ST_OK ? "" : err_text(e), &we);
	if (ws == ST_OK && st == ST_OK)
		ws = settings_set(db, "sync_last_ok", now, &we);
	if (ws == ST_OK)
		ws = db_commit(db, &we);
	else
		db_rollback(db);
	if (ws != ST_OK)
		log_warn("sync: cannot record the round's outcome (%s)", status_code(ws));
}

static long count(struct db *db, const char *sql)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, sql, &e);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

enum status sync_round_ctx(struct sync_ctx *c, struct sync_stats *stats, struct err *e)
{
	memset(stats, 0, sizeof *stats);
	double t0 = clock_ms();
	enum status st = sync_ctx_load(c, e);
	if (st != ST_OK)
		return st; /* not enrolled: nothing to record */
	st = sync_push(c, stats, e);
	/* A refused terminal or a lost network ends the round; anything the
	 * push left for later does not keep the centre's rows from coming. */
	if (st == ST_OK)
		st = sync_pull(c, stats, e);
	stats->pending = outbox_pending(c->db);
	stats->conflicts = outbox_rejected(c->db);
	stats->deferred = count(c->db, "SELECT count(*) FROM sync_deferred");
	stats->cursor = settings_get_int(c->db, "sync_cursor", 0);
	if (st != ST_CANCELLED)
		sync_record_outcome(c->db, st, e);
	log_info("sync: round %s in %.0f ms: pushed %ld, rejected %ld, retry %ld, pulled %ld,"
		 " held %ld, files %ld", status_code(st), clock_ms() - t0, stats->pushed,
		 stats->rejected, stats->retry, stats->pulled, stats->deferred, stats->blobs);
	return st;
}

enum status sync_round(struct app *app, sync_progress_fn progress, void *ctx,
		       struct sync_stats *stats, struct err *e)
{
	struct sync_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	struct sync_opts opts;
	enum status st = sync_opts_from_config(&app->cfg, &opts, e);
	struct http_client *h = NULL;
	if (st == ST_OK && !sync_is_enrolled(app->db))
		st = err_set(e, ST_STATE,
			     "本终端尚未登记到中心，请先由管理员运行 certdesk sync --enroll URL 登记码");
	if (st == ST_OK)
		st = sync_http_new(&opts, &h, e);
	if (st != ST_OK)
		return st;
	struct sync_ctx c = {
		.db = app->db,
		.data_dir = app->data_dir,
		.http = h,
		.opts = &opts,
		.progress = progress,
		.progress_ctx = ctx,
	};
	st = sync_round_ctx(&c, stats, e);
	http_client_free(h);
	return st;
}

enum status sync_status_read(struct db *db, struct sync_status *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct err nf;
	char url[512] = "";
	out->enrolled = sync_is_enrolled(db);
	if (settings_get(db, "sync_url", url, sizeof url, &nf) == ST_OK && url[0])
		http_url_host(url, out->host, sizeof out->host);
	settings_get(db, "sync_last_ok", out->last_ok, sizeof out->last_ok, &nf);
	settings_get(db, "sync_last_try", out->last_try, sizeof out->last_try, &nf);
	settings_get(db, "sync_last_error", out->last_error, sizeof out->last_error, &nf);
	out->cursor = settings_get_int(db, "sync_cursor", 0);
	out->pending = outbox_pending(db);
	out->conflicts = outbox_rejected(db);
	out->deferred = count(db, "SELECT count(*) FROM sync_deferred");
	if (out->pending < 0 || out->conflicts < 0 || out->deferred < 0)
		return err_set(e, ST_DB, "无法读取同步状态");
	return ST_OK;
}
