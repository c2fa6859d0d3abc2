/* The sync figures: a push of 10,000 ops beside bare SQLite, and a week
 * offline caught up in one round (bench/bench_sync.h). */
#include "bench/bench_sync.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc/applicant.h"
#include "svc/application.h"
#include "sync/sync_int.h"
#include "util/clock.h"
#include "util/fs.h"

#define PUSH_OPS 10000
#define WEEK_APPLICANTS 1500
#define WEEK_PAPER 1900
#define WEEK_FILES 100
#define WEEK_FILE_BYTES (2L * 1024 * 1024)

static const struct target t_ratio = { 10, "issue 6: push 10,000 ops < 10x bare SQLite" };

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* ---- 10,000 ops ------------------------------------------------------------- */

/* `n` applicants registered from a list, in one batch: n ops queued. */
static enum status make_applicants(struct app *app, const struct actor *a, long from, long n,
				   const char *phone_fmt, struct err *e)
{
	enum status st = svc_batch_begin(&app->svc, e);
	for (long i = from; st == ST_OK && i < from + n; i++) {
		char phone[16], idn[19], addr[64], id[UUID_LEN + 1];
		snprintf(phone, sizeof phone, phone_fmt, i);
		bench_id_number(i, idn);
		snprintf(addr, sizeof addr, "深圳市福田区深南大道%ld号", i % 9000 + 1);
		struct applicant_input in = { .phone = phone, .name = "张三", .id_number = idn,
					      .address = addr, .postal_code = "518000" };
		st = svc_applicant_import(&app->svc, a, &in, NULL, id, e);
	}
	if (st == ST_OK)
		return svc_batch_commit(&app->svc, e);
	svc_batch_rollback(&app->svc);
	return st;
}

/*
 * The same rows in a bare SQLite file: the applicants table as the
 * program defines it (its indexes, no triggers, no other table), WAL and
 * synchronous=FULL as the centre runs, one transaction. Returns ms, or -1.
 */
static double bare_insert(struct app *app, const char *path)
{
	sqlite3 *src = db_handle(app->db), *dst = NULL;
	sqlite3_stmt *s = NULL, *ins = NULL;
	sqlite3_value **vals = NULL;
	int cols = 0;
	long rows = 0;
	double ms = -1;
	unlink(path);
	if (sqlite3_open(path, &dst) != SQLITE_OK ||
	    sqlite3_exec(dst, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", NULL, NULL,
			 NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(src, "SELECT sql FROM sqlite_master WHERE tbl_name = 'applicants'"
			       " AND type IN ('table', 'index') AND sql IS NOT NULL"
			       " ORDER BY type = 'index'", -1, &s, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW)
		if (sqlite3_exec(dst, (const char *)sqlite3_column_text(s, 0), NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto out;
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(src, "SELECT * FROM applicants", -1, &s, NULL) != SQLITE_OK)
		goto out;
	cols = sqlite3_column_count(s);
	vals = calloc((size_t)(PUSH_OPS + 100) * (size_t)cols, sizeof *vals);
	while (vals && rows < PUSH_OPS + 100 && sqlite3_step(s) == SQLITE_ROW) {
		for (int k = 0; k < cols; k++)
			vals[rows * cols + k] = sqlite3_value_dup(sqlite3_column_value(s, k));
		rows++;
	}
	char sql[512] = "INSERT INTO applicants VALUES (?";
	for (int k = 1; k < cols; k++)
		strcat(sql, ", ?");
	strcat(sql, ")");
	if (!vals || sqlite3_prepare_v2(dst, sql, -1, &ins, NULL) != SQLITE_OK)
		goto out;
	double t0 = clock_ms();
	bool ok = sqlite3_exec(dst, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	for (long r = 0; ok && r < rows; r++) {
		for (int k = 0; k < cols; k++)
			sqlite3_bind_value(ins, k + 1, vals[r * cols + k]);
		ok = sqlite3_step(ins) == SQLITE_DONE;
		sqlite3_reset(ins);
	}
	ok = ok && sqlite3_exec(dst, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	if (ok)
		ms = clock_ms() - t0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	for (long r = 0; vals && r < rows * cols; r++)
		sqlite3_value_free(vals[r]);
	free(vals);
	sqlite3_close(dst);
	return ms;
}

static void fig_push(struct bench *b, const char *root)
{
	const char *what = "push 10,000 ops, one terminal";
	char dir[PATH_MAX + 32], tdir[PATH_MAX + 32], bare[PATH_MAX + 32], code[40];
	snprintf(dir, sizeof dir, "%s/push", root);
	snprintf(tdir, sizeof tdir, "%s/push-terminal", root);
	snprintf(bare, sizeof bare, "%s/bare.db", root);
	struct bench_centre c;
	struct app app;
	struct actor a;
	struct err e;
	err_clear(&e);
	if (!bench_centre_start(b, dir, &c, &e)) {
		bench_skip(b, "sync.push10k", what, t_ratio, "%s", err_text(&e));
		return;
	}
	if (!bench_centre_terminal(&c, "推送", code, &e) ||
	    !bench_terminal_open(&c, tdir, code, &app, &a, &e)) {
		bench_skip(b, "sync.push10k", what, t_ratio, "%s", err_text(&e));
		bench_centre_stop(&c);
		return;
	}
	double t0 = clock_ms();
	enum status st = make_applicants(&app, &a, 0, PUSH_OPS, "137%08ld", &e);
	double made = clock_ms() - t0;
	double bare_ms = st == ST_OK ? bare_insert(&app, bare) : -1;

	struct sync_opts opts;
	struct sync_stats stats = { 0 };
	struct sync_ctx ctx = { .db = app.db, .data_dir = app.data_dir, .opts = &opts };
	if (st == ST_OK)
		st = sync_opts_from_config(&app.cfg, &opts, &e);
	if (st == ST_OK)
		st = sync_http_new(&opts, &ctx.http, &e);
	if (st == ST_OK)
		st = sync_ctx_load(&ctx, &e);
	double push_ms = 0, pull_ms = 0;
	if (st == ST_OK) {
		t0 = clock_ms();
		st = sync_push(&ctx, &stats, &e);
		push_ms = clock_ms() - t0;
	}
	if (st == ST_OK) {
		t0 = clock_ms();
		st = sync_pull(&ctx, &stats, &e);
		pull_ms = clock_ms() - t0;
	}
	http_client_free(ctx.http);
	app_close(&app);
	bench_centre_stop(&c);
	if (st != ST_OK || stats.pushed != PUSH_OPS || bare_ms <= 0) {
		bench_skip(b, "sync.push10k", what, t_ratio, "%s（推送 %ld 个）",
			   st != ST_OK ? err_text(&e) : "基准插入失败", stats.pushed);
		return;
	}
	struct figure *f = bench_value(b, "sync.push10k", what, "s", push_ms / 1000, NO_TARGET);
	if (f)
		bench_note(f, "sync_push to certdeskd on 127.0.0.1, 20 batches of 500 applicant.import"
			   " ops; then the pull of the same 10,000 rows back took %.2f s; making the"
			   " ops on the terminal %.2f s", pull_ms / 1000, made / 1000);
	f = bench_value(b, "sync.bare10k", "the same 10,000 rows, bare SQLite", "ms", bare_ms,
			NO_TARGET);
	if (f)
		bench_note(f, "the applicants table and its indexes alone, WAL, synchronous=FULL,"
			   " one transaction, this run");
	f = bench_value(b, "sync.push10k.ratio", "push 10,000 ops / bare SQLite", "x",
			push_ms / bare_ms, t_ratio);
	if (f)
		bench_note(f, "%.0f us per op pushed, %.1f us per bare row", push_ms * 1000 / PUSH_OPS,
			   bare_ms * 1000 / PUSH_OPS);
}

/* ---- a week offline ----------------------------------------------------------- */

/* Scans of WEEK_FILE_BYTES each (a PDF header, random bytes). */
static bool write_scan(const char *path, long i)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	char *buf = malloc((size_t)WEEK_FILE_BYTES);
	bool ok = buf != NULL;
	if (ok) {
		random_bytes(buf, (unsigned)WEEK_FILE_BYTES);
		int n = snprintf(buf, 64, "%%PDF-1.4\n%% scan %ld\n", i);
		buf[n] = '\n';
		ok = fwrite(buf, 1, (size_t)WEEK_FILE_BYTES, f) == (size_t)WEEK_FILE_BYTES;
	}
	free(buf);
	return fclose(f) == 0 && ok;
}

/* 5,000 ops: applicants, their applications, paper documents, scans. */
static enum status make_week(struct app *app, const struct actor *a, const char *scratch,
			     long *ops, struct err *e)
{
	enum status st = make_applicants(app, a, 0, WEEK_APPLICANTS, "136%08ld", e);
	char (*apps)[UUID_LEN + 1] = calloc(WEEK_APPLICANTS, sizeof *apps);
	if (!apps)
		return err_status(e, ST_NOMEM);
	if (st == ST_OK)
		st = svc_batch_begin(&app->svc, e);
	for (long i = 0; st == ST_OK && i < WEEK_APPLICANTS; i++) {
		char phone[16], number[NUMBER_MAX];
		struct applicant p;
		snprintf(phone, sizeof phone, "136%08ld", i);
		st = svc_applicant_by_phone(&app->svc, phone, &p, e);
		struct application_input in = { .kind = KIND_NEW, .subject = SUBJECT_PERSONAL,
						.years = 1, .address = "深圳市福田区深南大道1号",
						.postal_code = "518000", .delivery = DELIVERY_PICKUP };
		if (st == ST_OK)
			st = svc_application_import(&app->svc, a, p.id, &in, apps[i], number, e);
	}
	for (long i = 0; st == ST_OK && i < WEEK_PAPER; i++)
		st = svc_application_paper(&app->svc, a, apps[i / 2],
					   i % 2 ? DOC_AGENT_ID : DOC_HOLDER_ID, true, e);
	if (st == ST_OK)
		st = svc_batch_commit(&app->svc, e);
	else
		svc_batch_rollback(&app->svc);
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/scan.pdf", scratch);
	for (long i = 0; st == ST_OK && i < WEEK_FILES; i++) {
		if (!write_scan(path, i))
			st = err_set(e, ST_IO, "无法写入 %s", path);
		else
			st = svc_attach_file(&app->svc, a, app->data_dir, apps[i], DOC_OTHER, path, NULL,
					     e);
	}
	unlink(path);
	free(apps);
	*ops = WEEK_APPLICANTS * 2 + WEEK_PAPER + WEEK_FILES;
	return st;
}

static void fig_week(struct bench *b, const char *root)
{
	const char *what = "a week offline: 5,000 ops, 200 MB, one sync";
	char dir[PATH_MAX + 32], tdir[PATH_MAX + 32], code[40];
	snprintf(dir, sizeof dir, "%s/week", root);
	snprintf(tdir, sizeof tdir, "%s/week-terminal", root);
	struct bench_centre c;
	struct app app;
	struct actor a;
	struct err e;
	err_clear(&e);
	if (!bench_centre_start(b, dir, &c, &e)) {
		bench_skip(b, "sync.week", what, NO_TARGET, "%s", err_text(&e));
		return;
	}
	long ops = 0;
	double t0 = clock_ms();
	enum status st = bench_centre_terminal(&c, "一周离线", code, &e) &&
					 bench_terminal_open(&c, tdir, code, &app, &a, &e)
				 ? ST_OK : (e.st != ST_OK ? e.st : ST_INTERNAL);
	bool opened = st == ST_OK;
	if (st == ST_OK)
		st = make_week(&app, &a, root, &ops, &e);
	double made = clock_ms() - t0;
	if (opened)
		app_close(&app);
	if (st != ST_OK) {
		bench_skip(b, "sync.week", what, NO_TARGET, "%s", err_text(&e));
		bench_centre_stop(&c);
		return;
	}
	char *argv[] = { (char *)b->bin, "--data", tdir, "sync", NULL };
	char out[2048] = "";
	double ms = 0;
	int rc = bench_run(argv, out, sizeof out, &ms, NULL);
	bench_centre_stop(&c);
	if (rc != 0) {
		bench_skip(b, "sync.week", what, NO_TARGET, "certdesk sync 退出码 %d：%.120s", rc, out);
		return;
	}
	struct figure *f = bench_value(b, "sync.week", what, "s", ms / 1000, NO_TARGET);
	if (f) {
		out[strcspn(out, "\n")] = '\0';
		bench_note(f, "one `certdesk sync` process: %ld ops, %d scans of 2 MB (%.0f MB/s"
			   " overall); it said \"%s\"; making the week took %.0f s", ops, WEEK_FILES,
			   (double)WEEK_FILES * WEEK_FILE_BYTES / 1048576.0 / (ms / 1000), out,
			   made / 1000);
	}
}

void fig_sync(struct bench *b)
{
	char root[PATH_MAX + 16];
	snprintf(root, sizeof root, "%s/sync-bench", b->data_dir);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	struct err e;
	if (fs_mkdir_p(root, &e) != ST_OK) {
		bench_skip(b, "sync", "sync figures", NO_TARGET, "%s", err_text(&e));
		return;
	}
	/* BENCH_SYNC=push,load,week picks some of them (scripts/bench.sh). */
	const char *pick = getenv("BENCH_SYNC");
	if (!pick || !*pick || strstr(pick, "push"))
		fig_push(b, root);
	if (!pick || !*pick || strstr(pick, "load"))
		fig_sync_load(b, root);
	if (!pick || !*pick || strstr(pick, "week"))
		fig_week(b, root);
	/* BENCH_SYNC_KEEP=1 leaves the centres' databases and logs to look at. */
	if (!getenv("BENCH_SYNC_KEEP"))
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
