/*
 * The other lists and searches the screens offer, measured in this process
 * through the use-case functions the screens call, on the generated
 * database: orders (number, phone, credit code or ID number, state), the
 * verification queue, the supervisor's queues with their filters and the
 * menu's counts, the audit log's filters, the expiry worklist's tabs, the
 * KEY stock. As in fig_db.c, query values are drawn from the database
 * beforehand, a tenth of them values that exist nowhere, and a page is
 * 20 rows; list figures time the first page and then the pages after it
 * (keyset paging), page by page, as a clerk scrolls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "svc/auditlog.h"
#include "svc/lifecycle.h"
#include "svc/order.h"
#include "svc/review.h"
#include "svc/staff.h"
#include "svc/stock.h"
#include "util/clock.h"

#define PAGE 20
#define QUERIES 200
#define PAGES 60         /* samples of a paged list */
#define BUDGET_MS 20000  /* a figure stops drawing samples after this long */

static const struct target t_exact = { 10, "issue 3's search target (< 10 ms), applied to this search" };
static const struct target t_list = { 10, "issue 3's list target (< 10 ms), applied to every page of this list" };
static const struct target t_count = { 100, "proposed: 0.1 s (the menu or tab draws with it); issue 7 asks for the counts" };

static struct order orders[PAGE];
static struct payment payments[PAGE];
static struct application apps[PAGE];
static struct audit_row arows[PAGE];
static struct lc_row lrows[PAGE];
static struct stock_key keys[PAGE];

/* The generator's admin, logged in once (the audit log and the stock
 * screens need an actor). */
static bool actor(struct bench *b, struct actor *a)
{
	static struct actor me;
	static int state; /* 0 not tried, 1 ok, -1 failed */
	if (!state) {
		struct err e;
		bool must;
		state = svc_login(&b->svc, GEN_ADMIN, GEN_PASSWORD, &me, &must, &e) == ST_OK ? 1 : -1;
	}
	*a = me;
	return state > 0;
}

static struct figure *samples(struct bench *b, const char *id, const char *what, double *ms, int n,
			      struct target t, int errors, int misses, long rows)
{
	struct figure *f = bench_samples(b, id, what, ms, n, t);
	if (f) {
		bench_note(f, "%d queries, %.1f rows each on average", n, n ? (double)rows / n : 0);
		if (misses)
			bench_note(f, ", %d found nothing", misses);
		if (errors)
			bench_note(f, "; %d FAILED", errors);
	}
	return f;
}

/* ---- orders ------------------------------------------------------------------- */

static void order_search(struct bench *b, const char *id, const char *what, char (*q)[BENCH_QMAX],
			 int n, struct target t)
{
	double *ms = calloc((size_t)n + 1, sizeof *ms);
	int errors = 0, misses = 0;
	long rows = 0;
	if (!ms)
		return;
	for (int i = 0; i < n; i++) {
		struct err e;
		double t0 = clock_ms();
		int got = svc_order_find(&b->svc, q[i], "", "", "", PAGE_FIRST, NULL, orders, PAGE,
					 &e);
		ms[i] = clock_ms() - t0;
		errors += got < 0;
		misses += got == 0;
		rows += got > 0 ? got : 0;
	}
	samples(b, id, what, ms, n, t, errors, misses, rows);
	free(ms);
}

void fig_order_number(struct bench *b)
{
	static char q[QUERIES][BENCH_QMAX];
	int n = bench_draw(b, "orders", "SELECT number FROM orders WHERE rowid = ?1", QUERIES * 9 / 10, q);
	for (int k = 0; n > 0 && n < QUERIES && k < QUERIES * 10; k++) {
		char day[BENCH_QMAX];
		snprintf(day, sizeof day, "%.19s", q[rng_below(&b->rng, (uint32_t)n)]);
		snprintf(q[n], BENCH_QMAX, "%s-9%03u", day, rng_below(&b->rng, 1000));
		if (!bench_exists(b, "SELECT 1 FROM orders WHERE number = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	order_search(b, "order.number", "orders: search by order number", q, n, t_exact);
}

void fig_order_phone(struct bench *b)
{
	static char q[QUERIES][BENCH_QMAX];
	int n = bench_draw(b, "orders", "SELECT p.phone FROM orders o JOIN applicants p ON"
				      " p.id = o.applicant_id WHERE o.rowid = ?1", QUERIES * 9 / 10, q);
	while (n < QUERIES) {
		synth_mobile(&b->rng, q[n]);
		if (!bench_exists(b, "SELECT 1 FROM applicants WHERE phone = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	order_search(b, "order.phone", "orders: search by the applicant's phone", q, n, t_exact);
}

void fig_order_code(struct bench *b)
{
	static char q[QUERIES][BENCH_QMAX];
	int n = bench_draw(b, "orders", "SELECT holder_code FROM orders WHERE rowid = ?1",
			   QUERIES * 9 / 10, q);
	while (n < QUERIES) {
		char kind[3];
		synth_credit_code(&b->rng, q[n], kind);
		if (!bench_exists(b, "SELECT 1 FROM orders WHERE holder_code = ?1", q[n]))
			n++;
	}
	bench_shuffle(b, q, n);
	order_search(b, "order.code", "orders: search by credit code or ID number", q, n, t_exact);
}

/* Two characters of a holder's name: the start of a person's name or two
 * characters of an enterprise's (as fig_db.c's name searches), a tenth no
 * one's. */
void fig_order_name(struct bench *b)
{
	static char q[QUERIES][BENCH_QMAX];
	int n = bench_draw(b, "orders", "SELECT holder_name FROM orders WHERE rowid = ?1",
			   QUERIES * 9 / 10, q);
	for (int i = 0; i < n; i++) {
		const char *s = q[i];
		char two[8];
		if (strncmp(s, "深圳市", 9) == 0 && strlen(s) >= 15)
			snprintf(two, sizeof two, "%.6s", s + 9);
		else
			snprintf(two, sizeof two, "%.6s", s);
		snprintf(q[i], BENCH_QMAX, "%s", two);
	}
	while (n < QUERIES)
		synth_miss_name(&b->rng, q[n++]);
	bench_shuffle(b, q, n);
	order_search(b, "order.name2", "orders: search by 2 characters of a name", q, n,
		     (struct target){ 100, "issue 3's 2-character name search (< 100 ms), applied" });
}

/* The order list by state, page after page from the top, each state in
 * turn. */
void fig_order_status(struct bench *b)
{
	static const char *const states[] = { "", "unpaid", "awaiting_verification", "paid",
					      "invoiced", "cancelled" };
	double ms[PAGES];
	int errors = 0, n = 0;
	long rows = 0;
	for (int s = 0; s < 6; s++) {
		char key[UUID_LEN + 1] = "";
		for (int p = 0; p < PAGES / 6; p++) {
			struct err e;
			double t0 = clock_ms();
			int got = svc_order_find(&b->svc, "", states[s], "", "",
						 key[0] ? PAGE_AFTER : PAGE_FIRST, key, orders, PAGE, &e);
			ms[n++] = clock_ms() - t0;
			errors += got < 0;
			if (got <= 0)
				break;
			rows += got;
			snprintf(key, sizeof key, "%s", orders[got - 1].id);
		}
	}
	struct figure *f = samples(b, "order.status", "orders: list by state, page by page", ms, n,
				   t_list, errors, 0, rows);
	if (f)
		bench_note(f, "; all, unpaid, awaiting verification, paid, invoiced, cancelled: "
			      "10 pages each from the newest (fewer when the list ends)");
}

/* The verification queue (待核款), oldest first, page by page; and its
 * count on the menu. */
void fig_payment_queue(struct bench *b)
{
	double ms[PAGES], cms[10];
	int errors = 0, n = 0;
	long rows = 0, count = 0;
	char key[UUID_LEN + 1] = "";
	for (int p = 0; p < PAGES; p++) {
		struct err e;
		double t0 = clock_ms();
		int got = svc_transfers_pending(&b->svc, key[0] ? PAGE_AFTER : PAGE_FIRST, key, payments,
						PAGE, &e);
		ms[n++] = clock_ms() - t0;
		errors += got < 0;
		if (got < PAGE) {
			key[0] = '\0';
			if (got < 0)
				continue;
		} else {
			snprintf(key, sizeof key, "%s", payments[got - 1].id);
		}
		rows += got;
	}
	samples(b, "payment.queue", "verification queue (待核款): page by page", ms, n, t_list, errors,
		0, rows);
	for (int i = 0; i < 10; i++) {
		double t0 = clock_ms();
		count = svc_transfers_pending_count(&b->svc);
		cms[i] = clock_ms() - t0;
	}
	struct figure *f = bench_samples(b, "payment.queue.count", "verification queue: count", cms, 10,
					 t_count);
	if (f)
		bench_note(f, "svc_transfers_pending_count = %ld", count);
}

/* ---- the supervisor's queues ----------------------------------------------------- */

/* Page through a queue under a filter from the top (oldest first), n pages
 * or to the end (then again from the top). */
static int queue_pages(struct bench *b, enum queue q, const struct queue_filter *f, double *ms,
		       int n, int *errors, long *rows)
{
	char key[96] = "";
	int k = 0;
	for (int p = 0; p < n; p++) {
		struct err e;
		double t0 = clock_ms();
		int got = svc_queue_page(&b->svc, q, f, key[0] ? PAGE_AFTER : PAGE_FIRST, key, apps,
					 PAGE, &e);
		ms[k++] = clock_ms() - t0;
		*errors += got < 0;
		if (got < PAGE) {
			key[0] = '\0';
			if (got < 0)
				continue;
		} else {
			svc_queue_key(&apps[got - 1], key, sizeof key);
		}
		*rows += got;
	}
	return k;
}

void fig_queue_review(struct bench *b)
{
	double ms[PAGES];
	int errors = 0;
	long rows = 0;
	struct queue_filter f;
	memset(&f, 0, sizeof f);
	int n = queue_pages(b, QUEUE_PENDING, &f, ms, PAGES, &errors, &rows);
	struct figure *fig = samples(b, "queue.review", "review queue (待审核): oldest first, paged",
				     ms, n, t_list, errors, 0, rows);
	if (fig)
		bench_note(fig, "; %ld pending in all", b->gen.by_status[APP_PENDING_REVIEW]);
}

/* Filters: one clerk, one kind, a week of submission dates; each a few
 * pages from the top. */
void fig_queue_filters(struct bench *b)
{
	static const char *const kinds[] = { "new", "renewal", "change", "reissue", "revoke", "unlock" };
	char clerks[4][UUID_LEN + 1];
	int nc = 0;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db_handle(b->db), "SELECT id FROM staff WHERE role = 'clerk'"
			       " ORDER BY username LIMIT 4", -1, &s, NULL) == SQLITE_OK) {
		while (nc < 4 && sqlite3_step(s) == SQLITE_ROW)
			snprintf(clerks[nc++], sizeof clerks[0], "%s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	/* Submission days of pending applications, local dates. */
	char days[8][BENCH_QMAX];
	int nd = bench_draw(b, "applications", "SELECT date(submitted_at, '+8 hours') FROM applications"
					       " WHERE rowid = ?1 AND status = 'pending_review'", 8, days);
	const char *what[3] = { "review queue filtered by clerk", "review queue filtered by kind",
				"review queue filtered by a week of dates" };
	const char *ids[3] = { "queue.review.clerk", "queue.review.kind", "queue.review.dates" };
	for (int which = 0; which < 3; which++) {
		double ms[PAGES];
		int errors = 0, n = 0;
		long rows = 0;
		for (int r = 0; r < 6 && n + 10 <= PAGES; r++) {
			struct queue_filter f;
			memset(&f, 0, sizeof f);
			if (which == 0 && nc)
				snprintf(f.created_by, sizeof f.created_by, "%s", clerks[r % nc]);
			if (which == 1)
				snprintf(f.kind, sizeof f.kind, "%s", kinds[r]);
			if (which == 2 && nd) {
				time_t t;
				char iso[32];
				snprintf(iso, sizeof iso, "%sT00:00:00Z", days[r % nd]);
				snprintf(f.from, sizeof f.from, "%s", days[r % nd]);
				if (clock_parse_iso(iso, &t))
					clock_date(t + 6 * 86400, f.to);
			}
			n += queue_pages(b, QUEUE_PENDING, &f, ms + n, 10, &errors, &rows);
		}
		struct figure *fig = samples(b, ids[which], what[which], ms, n, t_list, errors, 0, rows);
		if (fig)
			bench_note(fig, which == 0 ? "; each of the 4 clerks, 10 pages from the oldest"
				   : which == 1 ? "; each kind, 10 pages from the oldest"
				   : "; 7 days from a pending application's submission day, 10 pages");
	}
}

/* The other queues: to make, to collect, to post, returned. */
void fig_queue_other(struct bench *b)
{
	double ms[PAGES];
	int errors = 0, n = 0;
	long rows = 0;
	struct queue_filter f;
	memset(&f, 0, sizeof f);
	for (int q = QUEUE_TO_MAKE; q < QUEUE__COUNT; q++)
		n += queue_pages(b, (enum queue)q, &f, ms + n, PAGES / 4, &errors, &rows);
	struct figure *fig = samples(b, "queue.other", "queues to make, collect, post, returned: paged",
				     ms, n, t_list, errors, 0, rows);
	if (fig)
		bench_note(fig, "; 15 pages of each from the oldest (again from the top at the end)");
}

/* The counts on the main menu: every queue, as svc_queue_counts gives
 * them when the menu draws. */
void fig_queue_counts(struct bench *b)
{
	double ms[10];
	long counts[QUEUE__COUNT];
	struct queue_filter f;
	memset(&f, 0, sizeof f);
	for (int i = 0; i < 10; i++) {
		double t0 = clock_ms();
		svc_queue_counts(&b->svc, &f, counts);
		ms[i] = clock_ms() - t0;
	}
	struct figure *fig = bench_samples(b, "queue.counts", "main menu: the queues' counts", ms, 10,
					   t_count);
	if (fig)
		bench_note(fig, "pending %ld, to make %ld, pickup %ld, post %ld, returned %ld",
			   counts[QUEUE_PENDING], counts[QUEUE_TO_MAKE], counts[QUEUE_PICKUP],
			   counts[QUEUE_POST], counts[QUEUE_RETURNED]);
}

/* ---- the audit log ------------------------------------------------------------------ */

/* Pages of the audit screen under a filter: first page, then after. */
static int audit_pages(struct bench *b, const struct actor *a, const struct auditlog_filter *f,
		       double *ms, int n, int *errors, long *rows, int *misses)
{
	long long key = 0;
	int k = 0;
	for (int p = 0; p < n; p++) {
		struct err e;
		double t0 = clock_ms();
		int got = svc_auditlog_page(&b->svc, a, f, key ? PAGE_AFTER : PAGE_FIRST, key, arows,
					    PAGE, &e);
		ms[k++] = clock_ms() - t0;
		*errors += got < 0;
		if (got > 0)
			audit_rows_done(arows, got);
		if (got == 0 && p == 0)
			(*misses)++;
		*rows += got > 0 ? got : 0;
		if (got < PAGE)
			break;
		key = arows[got - 1].seq;
	}
	return k;
}

void fig_audit_filters(struct bench *b)
{
	struct actor a;
	if (!actor(b, &a)) {
		bench_skip(b, "audit.actor", "audit log filtered by member of staff", t_list,
			   "could not log in as %s", GEN_ADMIN);
		return;
	}
	static const char *const users[] = { "clerk1", "clerk2", "clerk3", "clerk4", "super1", "super2" };
	static char nums[QUERIES][BENCH_QMAX], days[QUERIES][BENCH_QMAX];
	int nn = bench_draw(b, "applications", "SELECT number FROM applications WHERE rowid = ?1", 27, nums);
	int no = bench_draw(b, "orders", "SELECT number FROM orders WHERE rowid = ?1", 27, nums + nn);
	nn += no;
	while (nn < 60) /* numbers given nowhere */
		snprintf(nums[nn++], BENCH_QMAX, "SQ-%s-01-20200101-9%03u", GEN_OFFICE,
			 rng_below(&b->rng, 1000));
	bench_shuffle(b, nums, nn);
	int nd = bench_draw(b, "applications", "SELECT date(created_at, '+8 hours') FROM applications"
					       " WHERE rowid = ?1", 20, days);
	double ms[QUERIES];
	for (int which = 0; which < 4; which++) {
		int errors = 0, misses = 0, n = 0;
		long rows = 0;
		double start = clock_ms();
		if (which == 0) {          /* no filter */
			struct auditlog_filter f = { 0 };
			n = audit_pages(b, &a, &f, ms, PAGES, &errors, &rows, &misses);
		} else if (which == 1) {   /* a member of staff */
			for (int u = 0; u < 6; u++) {
				struct auditlog_filter f = { 0 };
				snprintf(f.actor, sizeof f.actor, "%s", users[u]);
				n += audit_pages(b, &a, &f, ms + n, 10, &errors, &rows, &misses);
			}
		} else if (which == 2) {   /* a record: its number */
			for (int i = 0; i < nn && clock_ms() - start < BUDGET_MS; i++) {
				struct auditlog_filter f = { 0 };
				snprintf(f.record, sizeof f.record, "%s", nums[i]);
				n += audit_pages(b, &a, &f, ms + n, 1, &errors, &rows, &misses);
			}
		} else {                   /* one day, or a week */
			for (int i = 0; i < nd && n + 5 <= QUERIES && clock_ms() - start < BUDGET_MS; i++) {
				struct auditlog_filter f = { 0 };
				snprintf(f.from, sizeof f.from, "%s", days[i]);
				snprintf(f.to, sizeof f.to, "%s", days[i]);
				if (i % 2) {
					time_t t;
					char iso[32];
					snprintf(iso, sizeof iso, "%sT00:00:00Z", days[i]);
					if (clock_parse_iso(iso, &t))
						clock_date(t + 6 * 86400, f.to);
				}
				n += audit_pages(b, &a, &f, ms + n, 5, &errors, &rows, &misses);
			}
		}
		static const char *const ids[] = { "audit.list", "audit.actor", "audit.record", "audit.dates" };
		static const char *const what[] = {
			"audit log: newest first, paged", "audit log filtered by member of staff",
			"audit log of one record (its number)", "audit log of a day or a week",
		};
		static const char *const notes[] = {
			"; 60 pages from the newest",
			"; each of 4 clerks and 2 supervisors, 10 pages",
			"; 27 application and 27 order numbers and 6 never given, first page",
			"; 20 days (every other one a week from it), 5 pages each",
		};
		struct figure *f = samples(b, ids[which], what[which], ms, n,
					   which == 2 ? t_exact : t_list, errors, misses, rows);
		if (f)
			bench_note(f, "%s", notes[which]);
		if (f && clock_ms() - start >= BUDGET_MS)
			bench_note(f, "; stopped after %d queries (%d s budget)", n, BUDGET_MS / 1000);
	}
}

/* ---- the expiry worklist (到期提醒) ------------------------------------------------------ */

/*
 * The worklist of one office, as the centre's supervisor picks one among
 * many (lifecycle_repo_page: the office's rows of expiry_certs by an
 * index, migration 0014). The generated database has one office, so two
 * offices stand for the two ends: one with no certificate (a page finds
 * nothing: an office with a few) and the generator's, with all of them
 * (every page full). Each tab: the office with none first and last, under
 * each contacted filter; the generator's 5 pages forward and 2 back, and
 * 2 pages not contacted (no certificate is contacted there).
 */
#define OFFICE_NONE "0190a4c0-0000-7000-8000-00000000ffff"
static void expiry_office(struct bench *b, const struct actor *a)
{
	double ms[LC__WINDOWS * 16];
	int errors = 0, misses = 0, n = 0;
	long rows = 0;
	for (int w = 0; w < LC__WINDOWS; w++) {
		struct lc_filter f;
		memset(&f, 0, sizeof f);
		lc_filter_window(&f, (enum lc_window)w);
		/* The office with none: each contacted filter, first and last. */
		snprintf(f.office_id, sizeof f.office_id, "%s", OFFICE_NONE);
		for (int c = LC_CONTACT_ANY; c <= LC_CONTACT_DONE; c++)
			for (int last = 0; last < 2; last++) {
				f.contacted = c;
				struct err e;
				double t0 = clock_ms();
				int got = svc_lifecycle_page(&b->svc, &f, last ? PAGE_LAST : PAGE_FIRST, "",
							     lrows, PAGE, &e);
				ms[n++] = clock_ms() - t0;
				errors += got < 0;
				misses += got == 0;
				rows += got > 0 ? got : 0;
			}
		/* The office with all: forward, backward, not contacted. */
		snprintf(f.office_id, sizeof f.office_id, "%s", a->office_id);
		static const struct { enum page_dir first, next; int pages, contacted; } walks[] = {
			{ PAGE_FIRST, PAGE_AFTER, 5, LC_CONTACT_ANY },
			{ PAGE_LAST, PAGE_BEFORE, 2, LC_CONTACT_ANY },
			{ PAGE_FIRST, PAGE_AFTER, 2, LC_CONTACT_NOT },
		};
		for (size_t k = 0; k < sizeof walks / sizeof walks[0]; k++) {
			f.contacted = walks[k].contacted;
			char key[LC_KEY_MAX] = "";
			for (int p = 0; p < walks[k].pages; p++) {
				struct err e;
				double t0 = clock_ms();
				int got = svc_lifecycle_page(&b->svc, &f, p ? walks[k].next : walks[k].first,
							     key, lrows, PAGE, &e);
				ms[n++] = clock_ms() - t0;
				errors += got < 0;
				misses += got == 0;
				if (got <= 0)
					break;
				rows += got;
				lifecycle_repo_key(&lrows[walks[k].next == PAGE_AFTER ? got - 1 : 0], key);
			}
		}
	}
	struct figure *f = samples(b, "expiry.list.office", "expiry worklist of one office, paged", ms,
				   n, t_list, errors, misses, rows);
	if (f)
		bench_note(f, "; each tab: an office with no certificate (each contacted filter, first"
			      " and last page) and the one office here, with all of them (5 pages"
			      " forward, 2 back, 2 not contacted)");
}

void fig_expiry(struct bench *b)
{
	double ms[PAGES], cms[12];
	int errors = 0, n = 0;
	long rows = 0, counts[LC__WINDOWS] = { 0 };
	for (int w = 0; w < LC__WINDOWS; w++) {
		struct lc_filter f;
		memset(&f, 0, sizeof f);
		lc_filter_window(&f, (enum lc_window)w);
		char key[LC_KEY_MAX] = "";
		for (int p = 0; p < PAGES / LC__WINDOWS; p++) {
			struct err e;
			double t0 = clock_ms();
			int got = svc_lifecycle_page(&b->svc, &f, key[0] ? PAGE_AFTER : PAGE_FIRST, key,
						     lrows, PAGE, &e);
			ms[n++] = clock_ms() - t0;
			errors += got < 0;
			if (got <= 0)
				break;
			rows += got;
			lifecycle_repo_key(&lrows[got - 1], key);
		}
	}
	struct figure *f = samples(b, "expiry.list", "expiry worklist: each tab, paged", ms, n, t_list,
				   errors, 0, rows);
	if (f)
		bench_note(f, "; 30, 60, 90 days and expired: 15 pages each from the first");
	struct lc_filter all;
	memset(&all, 0, sizeof all);
	lc_filter_window(&all, LC_WITHIN_30);
	int nc = 0;
	for (double start = clock_ms(); nc < 10 && clock_ms() - start < BUDGET_MS; nc++) {
		double t0 = clock_ms();
		svc_lifecycle_counts(&b->svc, &all, counts);
		cms[nc] = clock_ms() - t0;
	}
	f = bench_samples(b, "expiry.counts", "expiry worklist: the tabs' counts", cms, nc, t_count);
	if (f)
		bench_note(f, "30 days %ld, 60 days %ld, 90 days %ld, expired %ld (of %ld certificates)",
			   counts[LC_WITHIN_30], counts[LC_WITHIN_60], counts[LC_WITHIN_90],
			   counts[LC_EXPIRED], b->gen.certificates);
	/* The same under the filters (each its own statement): the office,
	 * not contacted, contacted, and the office with not contacted, as a
	 * clerk narrows the list down. No cache: every sample is the query. */
	struct actor a;
	if (!actor(b, &a)) {
		bench_skip(b, "expiry.counts.filter", "expiry worklist: the tabs' counts, filtered",
			   t_count, "could not log in as %s", GEN_ADMIN);
		return;
	}
	long fcounts[LC__WINDOWS] = { 0 };
	nc = 0;
	for (double start = clock_ms(); nc < 12 && clock_ms() - start < BUDGET_MS; nc++) {
		struct lc_filter ff = all;
		if (nc % 4 != 1 && nc % 4 != 2)
			snprintf(ff.office_id, sizeof ff.office_id, "%s", a.office_id);
		ff.contacted = nc % 4 == 0 ? LC_CONTACT_ANY : nc % 4 == 2 ? LC_CONTACT_DONE
										: LC_CONTACT_NOT;
		double t0 = clock_ms();
		svc_lifecycle_counts(&b->svc, &ff, nc % 4 == 3 ? fcounts : counts);
		cms[nc] = clock_ms() - t0;
	}
	f = bench_samples(b, "expiry.counts.filter", "expiry worklist: the tabs' counts, filtered",
			  cms, nc, t_count);
	if (f)
		bench_note(f, "office; not contacted; contacted; office and not contacted (30 days %ld,"
			      " 60 days %ld, 90 days %ld, expired %ld), 3 times each",
			   fcounts[LC_WITHIN_30], fcounts[LC_WITHIN_60], fcounts[LC_WITHIN_90],
			   fcounts[LC_EXPIRED]);
	expiry_office(b, &a);
}

/* ---- the KEY stock ------------------------------------------------------------------------ */

void fig_stock(struct bench *b)
{
	struct actor a;
	if (!actor(b, &a)) {
		bench_skip(b, "stock.search", "KEY stock: search by serial", t_exact,
			   "could not log in as %s", GEN_ADMIN);
		return;
	}
	/* Serials as typed: whole, or their first 5 to 9 characters. */
	static char q[QUERIES][BENCH_QMAX];
	int n = bench_draw(b, "key_stock", "SELECT serial FROM key_stock WHERE rowid = ?1",
			   QUERIES * 9 / 10, q);
	for (int i = 0; i < n; i++)
		if (i % 2)
			q[i][5 + rng_below(&b->rng, 5)] = '\0';
	while (n < QUERIES)
		snprintf(q[n++], BENCH_QMAX, "ZZ%02u-", rng_below(&b->rng, 100));
	bench_shuffle(b, q, n);
	double ms[QUERIES];
	int errors = 0, misses = 0;
	long rows = 0;
	for (int i = 0; i < n; i++) {
		struct err e;
		double t0 = clock_ms();
		int got = svc_stock_page(&b->svc, &a, -1, q[i], PAGE_FIRST, NULL, keys, PAGE, &e);
		ms[i] = clock_ms() - t0;
		errors += got < 0;
		misses += got == 0;
		rows += got > 0 ? got : 0;
	}
	struct figure *f = samples(b, "stock.search", "KEY stock: search by serial (or its start)", ms,
				   n, t_exact, errors, misses, rows);
	if (f)
		bench_note(f, "; half whole serials, half their first 5-9 characters");
	/* By state, page by page. */
	double pms[PAGES];
	int np = 0;
	errors = 0;
	rows = 0;
	for (int s = -1; s < STOCK_STATE__COUNT; s++) {
		char key[KEY_SERIAL_MAX] = "";
		for (int p = 0; p < PAGES / (STOCK_STATE__COUNT + 1); p++) {
			struct err e;
			double t0 = clock_ms();
			int got = svc_stock_page(&b->svc, &a, s, "", key[0] ? PAGE_AFTER : PAGE_FIRST, key,
						 keys, PAGE, &e);
			pms[np++] = clock_ms() - t0;
			errors += got < 0;
			if (got <= 0)
				break;
			rows += got;
			snprintf(key, sizeof key, "%s", keys[got - 1].serial);
		}
	}
	f = samples(b, "stock.list", "KEY stock: list by state, paged", pms, np, t_list, errors, 0,
		    rows);
	if (f)
		bench_note(f, "; all, in stock, issued, damaged, returned: pages from the first serial "
			      "(%ld KEYs)", b->gen.keys);
}
