/*
 * The figures measured in this process through the use-case functions the
 * screens call (svc_application_find/count, svc_applicant_find) and
 * db_open: the real queries on the generated database. Query values are
 * drawn from the database beforehand (existing phones, ID numbers...),
 * with a tenth that exist nowhere: a search that misses must be quick too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "util/clock.h"
#include "util/utf8.h"

#define PAGE 20          /* rows a list asks for: one screenful */
#define QUERIES 200      /* per search figure */
#define QMAX BENCH_QMAX

/* Where the targets come from. */
static const struct target t_db_open = { 50, "issue 3: database start-up < 50 ms" };
static const struct target t_list = { 10, "issue 3: opening the application list < 10 ms" };
static const struct target t_exact = { 10, "issue 3: search by phone, ID, credit code, number < 10 ms" };
static const struct target t_name = { 100, "issue 3: 2-character name search < 100 ms" };
static const struct target t_page = { 10, "issue 3 (list < 10 ms), for every page: DESIGN.md keyset paging" };
static const struct target t_app_exact = { 10, "issue 3 (search < 10 ms), applied to applicant search" };
static const struct target t_app_name = { 100, "issue 3 (name search < 100 ms), applied to applicant search" };

static struct application rows[PAGE];
static struct applicant people[PAGE];

/* ---- drawing query values --------------------------------------------- */

static long max_rowid(struct bench *b, const char *table)
{
	char sql[96];
	sqlite3_stmt *s;
	long v = 0;
	snprintf(sql, sizeof sql, "SELECT max(rowid) FROM %s", table);
	if (sqlite3_prepare_v2(db_handle(b->db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * n values of the first column of `sql` (its ?1 a rowid of `table`, drawn
 * at random; rows that give nothing are drawn again). Returns how many.
 */
int bench_draw(struct bench *b, const char *table, const char *sql, int n, char (*out)[QMAX])
{
	long max = max_rowid(b, table);
	sqlite3_stmt *s;
	int got = 0;
	if (max <= 0 || sqlite3_prepare_v2(db_handle(b->db), sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	for (long tries = 0; got < n && tries < 50L * n; tries++) {
		sqlite3_bind_int64(s, 1, 1 + (long)rng_below(&b->rng, (uint32_t)max));
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
			snprintf(out[got], QMAX, "%s", (const char *)sqlite3_column_text(s, 0));
			if (out[got][0])
				got++;
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return got;
}

/* True when `sql` (?1 = v) finds a row. */
bool bench_exists(struct bench *b, const char *sql, const char *v)
{
	sqlite3_stmt *s;
	bool yes = false;
	if (sqlite3_prepare_v2(db_handle(b->db), sql, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, v, -1, SQLITE_STATIC);
		yes = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return yes;
}

/* Shuffle so that hits and misses interleave. */
void bench_shuffle(struct bench *b, char (*q)[QMAX], int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)rng_below(&b->rng, (uint32_t)i + 1);
		char t[QMAX];
		memcpy(t, q[i], QMAX);
		memcpy(q[i], q[j], QMAX);
		memcpy(q[j], t, QMAX);
	}
}

/* ---- running a search many times ------------------------------------------ */

enum search_kind { APPS, APPS_COUNT, APPLICANTS };

struct run_stats {
	int errors;
	long rows;           /* rows returned in all */
	int full;            /* queries that filled a page */
	int misses;          /* queries that found nothing */
	char first_error[160];
};

static double once(struct bench *b, enum search_kind k, const char *q, const char *status,
		   struct run_stats *rs)
{
	struct err e;
	err_clear(&e);
	double t0 = clock_ms();
	long n;
	if (k == APPS)
		n = svc_application_find(&b->svc, q, status, "", "", PAGE_FIRST, NULL, rows, PAGE, &e);
	else if (k == APPS_COUNT)
		n = svc_application_count(&b->svc, q, status, "", "");
	else
		n = svc_applicant_find(&b->svc, q, PAGE_FIRST, NULL, people, PAGE, &e);
	double ms = clock_ms() - t0;
	if (n < 0) {
		if (!rs->errors++)
			snprintf(rs->first_error, sizeof rs->first_error, "%s", err_text(&e));
	} else {
		rs->rows += n;
		rs->full += k == APPS_COUNT ? n >= PAGE : n == PAGE;
		rs->misses += n == 0;
	}
	return ms;
}

static void search_figure(struct bench *b, const char *id, const char *what, enum search_kind k,
			  char (*q)[QMAX], int n, struct target t)
{
	double *ms = calloc((size_t)n, sizeof *ms);
	struct run_stats rs = { 0 };
	if (!ms)
		return;
	for (int i = 0; i < n; i++)
		ms[i] = once(b, k, q[i], "", &rs);
	struct figure *f = bench_samples(b, id, what, ms, n, t);
	free(ms);
	if (!f)
		return;
	if (k == APPS_COUNT)
		bench_note(f, "mean count %.0f; %d of %d found nothing; no screen shows this total",
			   (double)rs.rows / n, rs.misses, n);
	else
		bench_note(f, "%d queries: %d filled a page of %d, %d found nothing", n, rs.full,
			   PAGE, rs.misses);
	if (rs.errors)
		bench_note(f, "; %d errors, first: %s", rs.errors, rs.first_error);
}

/* ---- database start-up ------------------------------------------------------ */

static double open_once(struct bench *b, bool cold)
{
	struct db *d;
	struct err e;
	if (cold) {
		char wal[PATH_MAX + 32];
		snprintf(wal, sizeof wal, "%s-wal", b->db_path);
		bench_drop_cache(b->db_path);
		bench_drop_cache(wal);
	}
	double t0 = clock_ms();
	enum status st = db_open(b->db_path, &d, &e);
	double ms = clock_ms() - t0;
	if (st == ST_OK)
		db_close(d);
	return st == ST_OK ? ms : -1;
}

static void open_figure(struct bench *b, const char *id, const char *what, bool cold, int n)
{
	double ms[32];
	for (int i = 0; i < n; i++)
		if ((ms[i] = open_once(b, cold)) < 0) {
			bench_skip(b, id, what, t_db_open, "db_open failed");
			return;
		}
	struct figure *f = bench_samples(b, id, what, ms, n, t_db_open);
	if (f)
		bench_note(f, cold ? "db_open with the file dropped from the page cache first"
				   : "db_open + db_close: WAL, pragmas, schema version check");
}

void fig_db_open(struct bench *b)
{
	open_figure(b, "db.open", "database start-up (open + schema check)", false, 30);
}

void fig_db_open_cold(struct bench *b)
{
	open_figure(b, "db.open.cold", "database start-up, cold page cache", true, 10);
}

/* ---- the application list -------------------------------------------------- */

/* The first page on a new connection, as when the screen opens after the
 * program starts (the statement is prepared on the way). */
static void list_open(struct bench *b, const char *id, const char *what, bool cold, int n)
{
	double ms[32];
	int got = 0;
	for (int i = 0; i < n; i++) {
		if (cold) {
			char wal[PATH_MAX + 32];
			snprintf(wal, sizeof wal, "%s-wal", b->db_path);
			bench_drop_cache(b->db_path);
			bench_drop_cache(wal);
		}
		struct db *d;
		struct err e;
		if (db_open(b->db_path, &d, &e) != ST_OK) {
			bench_skip(b, id, what, t_list, "db_open: %s", err_text(&e));
			return;
		}
		struct svc s = { .db = d };
		double t0 = clock_ms();
		got = svc_application_find(&s, "", "", "", "", PAGE_FIRST, NULL, rows, PAGE, &e);
		ms[i] = clock_ms() - t0;
		if (got < 0) {
			db_close(d);
			bench_skip(b, id, what, t_list, "%s", err_text(&e));
			return;
		}
		db_close(d);
	}
	struct figure *f = bench_samples(b, id, what, ms, n, t_list);
	if (f)
		bench_note(f, "svc_application_find(\"\"), first %d rows newest first, on a new connection%s",
			   PAGE, cold ? ", the file dropped from the page cache" : "");
}

void fig_list_open(struct bench *b)
{
	list_open(b, "list.open", "application list: first page", false, 30);
}

void fig_list_open_cold(struct bench *b)
{
	list_open(b, "list.open.cold", "application list: first page, cold page cache", true, 10);
}

void fig_list_count(struct bench *b)
{
	char q[1][QMAX] = { "" };
	double ms[10];
	struct run_stats rs = { 0 };
	for (int i = 0; i < 10; i++)
		ms[i] = once(b, APPS_COUNT, q[0], "", &rs);
	struct figure *f = bench_samples(b, "list.count", "application list: total (共 N 条)", ms, 10,
					 NO_TARGET);
	if (f)
		bench_note(f, "svc_application_count(\"\") = %ld; the list screen shows no total, "
			      "this is what one would cost (issue 3: < 10 ms)", rs.rows / 10);
}

/* ---- searches in the application list ----------------------------------------- */

void fig_search_phone(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int hits = QUERIES * 9 / 10;
	int n = bench_draw(b, "applicants", "SELECT phone FROM applicants WHERE rowid = ?1", hits, q);
	while (n < QUERIES) {
		synth_mobile(&b->rng, q[n]);
		if (!bench_exists(b, "SELECT 1 FROM applicants WHERE phone = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	search_figure(b, "search.phone", "search applications by phone", APPS, q, n, t_exact);
}

void fig_search_id_number(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int hits = QUERIES * 9 / 10;
	int n = bench_draw(b, "applications", "SELECT holder_code FROM applications WHERE rowid = ?1"
					 " AND subject = 'personal'", hits, q);
	while (n < QUERIES) {
		synth_id_number(&b->rng, rng_chance(&b->rng, 0.5), 1960, 2004, q[n]);
		if (!bench_exists(b, "SELECT 1 FROM applications WHERE holder_code = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	search_figure(b, "search.id_number", "search applications by ID number", APPS, q, n, t_exact);
}

void fig_search_credit_code(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int hits = QUERIES * 9 / 10;
	int n = bench_draw(b, "enterprises", "SELECT credit_code FROM enterprises WHERE rowid = ?1", hits, q);
	while (n < QUERIES) {
		char kind[3];
		synth_credit_code(&b->rng, q[n], kind);
		if (!bench_exists(b, "SELECT 1 FROM applications WHERE holder_code = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	search_figure(b, "search.credit_code", "search applications by credit code", APPS, q, n,
		      t_exact);
}

void fig_search_number(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int hits = QUERIES * 9 / 10;
	int n = bench_draw(b, "applications", "SELECT number FROM applications WHERE rowid = ?1", hits, q);
	for (int k = 0; n < QUERIES && k < 10 * QUERIES; k++) {
		/* A number of the right shape that was never given. */
		if (!n)
			break;
		char day[QMAX];
		snprintf(day, sizeof day, "%.19s", q[rng_below(&b->rng, (uint32_t)n)]);
		snprintf(q[n], QMAX, "%s-9%03u", day, rng_below(&b->rng, 1000));
		if (!bench_exists(b, "SELECT 1 FROM applications WHERE number = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	search_figure(b, "search.number", "search applications by number", APPS, q, n, t_exact);
}

/*
 * Two characters as a clerk types them: a whole 2-character name (王伟),
 * the start of a longer name (张子), a given name across surnames (子涵),
 * two characters of an enterprise's name (华信), or characters of no one.
 */
static int name_queries(struct bench *b, char (*q)[QMAX], int want)
{
	static char pool[QUERIES * 4][QMAX];
	int n = 0;
	int np = bench_draw(b, "applicants", "SELECT name FROM applicants WHERE rowid = ?1", QUERIES * 4, pool);
	for (int i = 0; i < np && n < want * 4 / 10; i++)
		if (utf8_count(pool[i]) == 2)
			snprintf(q[n++], QMAX, "%s", pool[i]);
	for (int i = 0; i < np && n < want * 65 / 100; i++)
		if (utf8_count(pool[i]) == 3 && strlen(pool[i]) == 9)
			snprintf(q[n++], QMAX, "%.6s", pool[i]);
	for (int i = np - 1; i >= 0 && n < want * 8 / 10; i--)
		if (utf8_count(pool[i]) == 3 && strlen(pool[i]) == 9)
			snprintf(q[n++], QMAX, "%s", pool[i] + 3);
	int ne = bench_draw(b, "enterprises", "SELECT name FROM enterprises WHERE rowid = ?1", want / 10, pool);
	for (int i = 0; i < ne && n < want * 9 / 10; i++) {
		const char *s = pool[i];
		if (strncmp(s, "深圳市", 9) == 0 && strlen(s) >= 15)
			snprintf(q[n++], QMAX, "%.6s", s + 9);
		else if (strlen(s) >= 18)
			snprintf(q[n++], QMAX, "%.6s", s + 12);
	}
	while (n < want)
		synth_miss_name(&b->rng, q[n++]);
	bench_shuffle(b, q, n);
	return n;
}

void fig_search_name(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int n = name_queries(b, q, QUERIES);
	search_figure(b, "search.name2", "search applications by 2-character name", APPS, q, n, t_name);
}

/* Two characters that many enterprise names share: not a useful search,
 * but one a clerk can type, and the worst case of the plan (every match is
 * fetched and sorted before the first page). */
void fig_search_name_broad(struct bench *b)
{
	static const char *const words[] = { "科技", "有限", "深圳", "公司", "贸易", "电子", "管理", "服务" };
	enum { W = sizeof words / sizeof words[0], REPEAT = 4 };
	static char q[W * REPEAT][QMAX];
	for (int i = 0; i < W * REPEAT; i++)
		snprintf(q[i], QMAX, "%s", words[i % W]);
	search_figure(b, "search.name2.broad", "2 characters common to many enterprise names", APPS,
		      q, W * REPEAT, t_name);
	struct figure *f = &b->figs[b->nfigs - 1];
	if (strcmp(f->id, "search.name2.broad") == 0)
		bench_note(f, " (科技 有限 深圳 公司 贸易 电子 管理 服务, %d times each)", REPEAT);
}

void fig_search_name_count(struct bench *b)
{
	static char q[QUERIES / 4][QMAX];
	int n = name_queries(b, q, QUERIES / 4);
	search_figure(b, "search.name2.count", "2-character name search: total (共 N 条)", APPS_COUNT,
		      q, n, NO_TARGET);
}

/* ---- paging ---------------------------------------------------------------- */

void fig_page_next(struct bench *b)
{
	static char key[QUERIES][QMAX];
	int n = bench_draw(b, "applications", "SELECT id FROM applications WHERE rowid = ?1", QUERIES, key);
	double *ms = calloc((size_t)n + 1, sizeof *ms);
	int short_pages = 0;
	if (!ms)
		return;
	for (int i = 0; i < n; i++) {
		struct err e;
		double t0 = clock_ms();
		int got = svc_application_find(&b->svc, "", "", "", "", PAGE_AFTER, key[i], rows, PAGE, &e);
		ms[i] = clock_ms() - t0;
		short_pages += got < PAGE;
	}
	struct figure *f = bench_samples(b, "page.next", "application list: next page after a row",
					 ms, n, t_page);
	free(ms);
	if (f)
		bench_note(f, "PAGE_AFTER a random row's id, %d rows (%d short pages: the oldest rows)",
			   PAGE, short_pages);
}

void fig_page_last(struct bench *b)
{
	double ms[30];
	for (int i = 0; i < 30; i++) {
		struct err e;
		double t0 = clock_ms();
		svc_application_find(&b->svc, "", "", "", "", PAGE_LAST, NULL, rows, PAGE, &e);
		ms[i] = clock_ms() - t0;
	}
	struct figure *f = bench_samples(b, "page.last", "application list: last page (End)", ms, 30,
					 t_page);
	if (f)
		bench_note(f, "PAGE_LAST, the %d oldest rows", PAGE);
}

/* The supervisor's review queue: pending applications, newest first, page
 * after page from the top. */
void fig_queue_pending(struct bench *b)
{
	double ms[60];
	int n = 0;
	char key[UUID_LEN + 1] = "";
	for (int i = 0; i < 60; i++) {
		struct err e;
		double t0 = clock_ms();
		int got = svc_application_find(&b->svc, "", "pending_review", "", "",
					       key[0] ? PAGE_AFTER : PAGE_FIRST, key, rows, PAGE, &e);
		ms[n++] = clock_ms() - t0;
		if (got <= 0) {
			key[0] = '\0'; /* back to the top */
			continue;
		}
		snprintf(key, sizeof key, "%s", rows[got - 1].id);
	}
	struct figure *f = bench_samples(b, "queue.pending", "review queue (pending): page by page",
					 ms, n, t_page);
	if (f)
		bench_note(f, "status filter pending_review: the first page, then PAGE_AFTER to the end and "
			      "again from the top; %ld pending in all", b->gen.by_status[APP_PENDING_REVIEW]);
}

/* ---- applicant search -------------------------------------------------------- */

void fig_applicant_phone(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int n = bench_draw(b, "applicants", "SELECT phone FROM applicants WHERE rowid = ?1", QUERIES * 9 / 10, q);
	while (n < QUERIES) {
		synth_mobile(&b->rng, q[n]);
		if (!bench_exists(b, "SELECT 1 FROM applicants WHERE phone = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	search_figure(b, "applicant.phone", "find applicant by phone", APPLICANTS, q, n, t_app_exact);
}

void fig_applicant_id_number(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int n = bench_draw(b, "applicants", "SELECT id_number FROM applicants WHERE rowid = ?1",
		     QUERIES * 9 / 10, q);
	while (n < QUERIES) {
		synth_id_number(&b->rng, rng_chance(&b->rng, 0.5), 1960, 2004, q[n]);
		if (!bench_exists(b, "SELECT 1 FROM applicants WHERE id_number = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	search_figure(b, "applicant.id_number", "find applicant by ID number", APPLICANTS, q, n,
		      t_app_exact);
}

void fig_applicant_name(struct bench *b)
{
	static char q[QUERIES][QMAX];
	int n = name_queries(b, q, QUERIES);
	search_figure(b, "applicant.name2", "find applicant by 2-character name", APPLICANTS, q, n,
		      t_app_name);
}
