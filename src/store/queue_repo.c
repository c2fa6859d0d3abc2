#include "store/queue_repo.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Columns of app_repo's row reader, repeated here through a view would hide
 * the plan; the list is short enough to share as a macro. */
#include "store/app_repo.h"

#define PAID "(EXISTS (SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id" \
	" WHERE l.application_id = a.id AND o.status IN ('paid', 'invoiced'))" \
	" OR EXISTS (SELECT 1 FROM price_list p WHERE p.kind = a.kind AND p.subject = a.subject" \
	" AND p.years = a.years AND p.active AND p.price_fen = 0))"

/* Each queue is one status, read through applications_queue (status,
 * submitted_at, id) in page order; the ready ones through applications_ready
 * (migration 0013), which has the delivery beside the status: otherwise a
 * page of one delivery reads every ready application of the other. */
static const char *const where[QK__COUNT] = {
	[QK_PENDING] = "a.status = 'pending_review'",
	[QK_TO_MAKE] = "a.status = 'accepted' AND " PAID,
	[QK_PICKUP] = "a.status = 'ready' AND a.delivery = 'pickup'",
	[QK_POST] = "a.status = 'ready' AND a.delivery = 'post'",
	[QK_RETURNED] = "a.status = 'returned'",
};

#define FILTERS " AND (?1 = '' OR a.office_id = ?1) AND (?2 = '' OR a.created_by = ?2)" \
	" AND (?3 = '' OR a.kind = ?3)"
/* A date filter as a plain range of the index's second column, open ends
 * bound as '' and '9' (below and above every ISO time): written as
 * "?4 = '' OR ..." it could not bound the index, and a week deep in the
 * backlog read every older entry of the queue first. Only with dates
 * given: an application never submitted has none (NULL) and fails any
 * range, as it fails any date filter. */
#define DATES " AND a.submitted_at >= ?4 AND a.submitted_at < ?5"

static char sqls[QK__COUNT][6][2][1024];
static pthread_mutex_t sqls_lock = PTHREAD_MUTEX_INITIALIZER;

static void build(char *s, enum queue_kind q, int dir, bool dated);

static bool dated(const struct queue_where *w)
{
	return w && ((w->from && *w->from) || (w->to && *w->to));
}

/* The statement text for a queue, direction (5: the count) and whether
 * dates filter it, built once. */
static const char *sql_for(enum queue_kind q, int dir, bool with_dates)
{
	pthread_mutex_lock(&sqls_lock);
	char *s = sqls[q][dir][with_dates];
	if (!s[0])
		build(s, q, dir, with_dates);
	pthread_mutex_unlock(&sqls_lock);
	return s;
}

static void build(char *s, enum queue_kind q, int dir, bool with_dates)
{
	static const char *const order[] = {
		[PAGE_FIRST] = " ORDER BY a.submitted_at, a.id LIMIT ?8",
		[PAGE_LAST] = " ORDER BY a.submitted_at DESC, a.id DESC LIMIT ?8",
		[PAGE_AFTER] = " AND (a.submitted_at, a.id) > (?6, ?7) ORDER BY a.submitted_at, a.id LIMIT ?8",
		[PAGE_BEFORE] = " AND (a.submitted_at, a.id) < (?6, ?7) ORDER BY a.submitted_at DESC, a.id DESC LIMIT ?8",
		[PAGE_AT] = " AND (a.submitted_at, a.id) >= (?6, ?7) ORDER BY a.submitted_at, a.id LIMIT ?8",
	};
	const char *dates = with_dates ? DATES : "";
	if (dir == 5)
		snprintf(s, 1024, "SELECT count(*) FROM applications a WHERE %s" FILTERS "%s", where[q],
			 dates);
	else
		snprintf(s, 1024, "SELECT a.id FROM applications a WHERE %s" FILTERS "%s%s", where[q],
			 dates, order[dir]);
}

static void bind_where(sqlite3_stmt *s, const struct queue_where *w)
{
	db_bind_text(s, 1, w && w->office_id ? w->office_id : "");
	db_bind_text(s, 2, w && w->created_by ? w->created_by : "");
	db_bind_text(s, 3, w && w->kind ? w->kind : "");
	if (dated(w)) {
		db_bind_text(s, 4, w->from && *w->from ? w->from : "");
		db_bind_text(s, 5, w->to && *w->to ? w->to : "9");
	}
}

int queue_repo_page(struct db *db, enum queue_kind q, const struct queue_where *w,
		    enum page_dir dir, const char *key, struct application *out, int max,
		    struct err *e)
{
	sqlite3_stmt *s = db_prep(db, sql_for(q, dir, dated(w)), e);
	if (!s)
		return -1;
	bind_where(s, w);
	char at[32] = "", id[UUID_LEN + 1] = "";
	const char *bar = key ? strchr(key, '|') : NULL;
	if (bar) {
		snprintf(at, sizeof at, "%.*s", (int)(bar - key), key);
		snprintf(id, sizeof id, "%s", bar + 1);
	}
	db_bind_text(s, 6, at);
	db_bind_text(s, 7, id);
	sqlite3_bind_int(s, 8, max);
	char ids[256][UUID_LEN + 1];
	int n = 0, rc = SQLITE_DONE;
	while (n < max && n < 256 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		db_col_copy(s, 0, ids[n++], UUID_LEN + 1);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int at_i = page_backward(dir) ? n - 1 - i : i;
		if (app_repo_get(db, ids[i], &out[at_i], e) != ST_OK)
			return -1;
	}
	return n;
}

long queue_repo_count(struct db *db, enum queue_kind q, const struct queue_where *w)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, sql_for(q, 5, dated(w)), &e);
	if (!s)
		return -1;
	bind_where(s, w);
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

bool queue_repo_paid(struct db *db, const char *app_id)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT 1 FROM applications a WHERE a.id = ?1 AND " PAID, &e);
	if (!s)
		return false;
	db_bind_text(s, 1, app_id);
	bool yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return yes;
}
