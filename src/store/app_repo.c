#include "store/app_repo.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/name_search.h"
#include "util/buf.h"
#include "util/clock.h"

#define APP_COLS "id, number, kind, subject, status, applicant_id, coalesce(enterprise_id, ''), years," \
	" cert_serial, holder_name, holder_code, legal_rep, address, postal_code, email, phone," \
	" delivery, recipient, recipient_phone, recipient_address, recipient_postal," \
	" agreement_version, reason, office_id, terminal_id, created_by, created_at," \
	" coalesce(submitted_at, ''), version, issued_serial, courier, tracking_no, collector_name," \
	" collector_id_number, authorised_name, authorised_id_number, coalesce(made_at, '')," \
	" coalesce(shipped_at, ''), coalesce(collected_at, '')"

static void app_row(sqlite3_stmt *s, struct application *a)
{
	memset(a, 0, sizeof *a);
	int c = 0;
	db_col_copy(s, c++, a->id, sizeof a->id);
	db_col_copy(s, c++, a->number, sizeof a->number);
	if (!app_kind_parse(db_col_text(s, c++), &a->kind))
		a->kind = KIND_NEW;
	if (!app_subject_parse(db_col_text(s, c++), &a->subject))
		a->subject = SUBJECT_ENTERPRISE;
	if (!app_status_parse(db_col_text(s, c++), &a->status))
		a->status = APP_DRAFT;
	db_col_copy(s, c++, a->applicant_id, sizeof a->applicant_id);
	db_col_copy(s, c++, a->enterprise_id, sizeof a->enterprise_id);
	a->years = sqlite3_column_int(s, c++);
	db_col_copy(s, c++, a->cert_serial, sizeof a->cert_serial);
	db_col_copy(s, c++, a->holder_name, sizeof a->holder_name);
	db_col_copy(s, c++, a->holder_code, sizeof a->holder_code);
	db_col_copy(s, c++, a->legal_rep, sizeof a->legal_rep);
	db_col_copy(s, c++, a->address, sizeof a->address);
	db_col_copy(s, c++, a->postal_code, sizeof a->postal_code);
	db_col_copy(s, c++, a->email, sizeof a->email);
	db_col_copy(s, c++, a->phone, sizeof a->phone);
	if (!delivery_parse(db_col_text(s, c++), &a->delivery))
		a->delivery = DELIVERY_PICKUP;
	db_col_copy(s, c++, a->recipient, sizeof a->recipient);
	db_col_copy(s, c++, a->recipient_phone, sizeof a->recipient_phone);
	db_col_copy(s, c++, a->recipient_address, sizeof a->recipient_address);
	db_col_copy(s, c++, a->recipient_postal, sizeof a->recipient_postal);
	db_col_copy(s, c++, a->agreement_version, sizeof a->agreement_version);
	db_col_copy(s, c++, a->reason, sizeof a->reason);
	db_col_copy(s, c++, a->office_id, sizeof a->office_id);
	db_col_copy(s, c++, a->terminal_id, sizeof a->terminal_id);
	db_col_copy(s, c++, a->created_by, sizeof a->created_by);
	db_col_copy(s, c++, a->created_at, sizeof a->created_at);
	db_col_copy(s, c++, a->submitted_at, sizeof a->submitted_at);
	a->version = (long)sqlite3_column_int64(s, c++);
	db_col_copy(s, c++, a->issued_serial, sizeof a->issued_serial);
	db_col_copy(s, c++, a->courier, sizeof a->courier);
	db_col_copy(s, c++, a->tracking_no, sizeof a->tracking_no);
	db_col_copy(s, c++, a->collector_name, sizeof a->collector_name);
	db_col_copy(s, c++, a->collector_id_number, sizeof a->collector_id_number);
	db_col_copy(s, c++, a->authorised_name, sizeof a->authorised_name);
	db_col_copy(s, c++, a->authorised_id_number, sizeof a->authorised_id_number);
	db_col_copy(s, c++, a->made_at, sizeof a->made_at);
	db_col_copy(s, c++, a->shipped_at, sizeof a->shipped_at);
	db_col_copy(s, c++, a->collected_at, sizeof a->collected_at);
}

/* Bind the detail columns shared by insert and update, from ?2 on. */
static void bind_details(sqlite3_stmt *s, const struct application *a)
{
	int c = 2;
	db_bind_text(s, c++, a->number);
	db_bind_text(s, c++, app_kind_code(a->kind));
	db_bind_text(s, c++, app_subject_code(a->subject));
	db_bind_text(s, c++, app_status_code(a->status));
	db_bind_text(s, c++, a->applicant_id);
	db_bind_text_or_null(s, c++, a->enterprise_id);
	sqlite3_bind_int(s, c++, a->years);
	db_bind_text(s, c++, a->cert_serial);
	db_bind_text(s, c++, a->holder_name);
	db_bind_text(s, c++, a->holder_code);
	db_bind_text(s, c++, a->legal_rep);
	db_bind_text(s, c++, a->address);
	db_bind_text(s, c++, a->postal_code);
	db_bind_text(s, c++, a->email);
	db_bind_text(s, c++, a->phone);
	db_bind_text(s, c++, delivery_code(a->delivery));
	db_bind_text(s, c++, a->recipient);
	db_bind_text(s, c++, a->recipient_phone);
	db_bind_text(s, c++, a->recipient_address);
	db_bind_text(s, c++, a->recipient_postal);
	db_bind_text(s, c++, a->agreement_version);
	db_bind_text(s, c++, a->reason);
}

static enum status done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

enum status app_repo_insert(struct db *db, const struct application *a, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO applications (id, number, kind, subject, status, applicant_id,"
		" enterprise_id, years, cert_serial, holder_name, holder_code, legal_rep, address,"
		" postal_code, email, phone, delivery, recipient, recipient_phone, recipient_address,"
		" recipient_postal, agreement_version, reason, agreement_at, office_id, terminal_id,"
		" created_by, created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,"
		" CASE WHEN ?22 <> '' THEN ?28 END, ?24, ?25, ?26, coalesce(nullif(?27, ''), ?28),"
		" ?28, ?29)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->id);
	bind_details(s, a);
	db_bind_text(s, 24, a->office_id);
	db_bind_text(s, 25, a->terminal_id);
	db_bind_text(s, 26, a->created_by);
	db_bind_text(s, 27, a->created_at);
	db_bind_text(s, 28, now);
	sqlite3_bind_int64(s, 29, a->version);
	return done(db, s, e);
}

enum status app_repo_update(struct db *db, const struct application *a, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"UPDATE applications SET number = ?2, kind = ?3, subject = ?4, status = ?5,"
		" applicant_id = ?6, enterprise_id = ?7, years = ?8, cert_serial = ?9,"
		" holder_name = ?10, holder_code = ?11, legal_rep = ?12, address = ?13,"
		" postal_code = ?14, email = ?15, phone = ?16, delivery = ?17, recipient = ?18,"
		" recipient_phone = ?19, recipient_address = ?20, recipient_postal = ?21,"
		" agreement_version = ?22, reason = ?23, updated_at = ?24, issued_serial = ?25,"
		" courier = ?26, tracking_no = ?27, collector_name = ?28, collector_id_number = ?29,"
		" authorised_name = ?30, authorised_id_number = ?31, made_at = nullif(?32, ''),"
		" shipped_at = nullif(?33, ''), collected_at = nullif(?34, '') WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->id);
	bind_details(s, a);
	db_bind_text(s, 24, now);
	db_bind_text(s, 25, a->issued_serial);
	db_bind_text(s, 26, a->courier);
	db_bind_text(s, 27, a->tracking_no);
	db_bind_text(s, 28, a->collector_name);
	db_bind_text(s, 29, a->collector_id_number);
	db_bind_text(s, 30, a->authorised_name);
	db_bind_text(s, 31, a->authorised_id_number);
	db_bind_text(s, 32, a->made_at);
	db_bind_text(s, 33, a->shipped_at);
	db_bind_text(s, 34, a->collected_at);
	enum status st = done(db, s, e);
	if (st == ST_OK && sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这个申请单");
	return st;
}

enum status app_repo_set_agreement(struct db *db, const char *id, const char *version,
				   struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "UPDATE applications SET agreement_version = ?2,"
				      " agreement_at = ?3, updated_at = ?3 WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, version);
	db_bind_text(s, 3, now);
	enum status st = done(db, s, e);
	if (st == ST_OK && sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这个申请单");
	return st;
}

enum status app_repo_mark(struct db *db, const char *id, const char *column, const char *who,
			  struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s;
	if (strcmp(column, "submitted") == 0)
		s = db_prep(db, "UPDATE applications SET submitted_at = ?2 WHERE id = ?1", e);
	else
		s = db_prep(db, "UPDATE applications SET reviewed_at = ?2, reviewed_by = ?3"
				" WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, now);
	if (strcmp(column, "submitted") != 0)
		db_bind_text(s, 3, who);
	return done(db, s, e);
}

static enum status one(struct db *db, sqlite3_stmt *s, struct application *out, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		app_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这个申请单") : db_fail(db, rc, e);
}

enum status app_repo_get(struct db *db, const char *id, struct application *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " APP_COLS " FROM applications WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	return one(db, s, out, e);
}

enum status app_repo_by_number(struct db *db, const char *number, struct application *out,
			       struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " APP_COLS " FROM applications WHERE number = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, number);
	return one(db, s, out, e);
}

/* The smallest UUIDv7 text made at Unix time t. */
static void uuid_floor(time_t t, char out[UUID_LEN + 1])
{
	unsigned long long ms = (unsigned long long)t * 1000ull;
	snprintf(out, UUID_LEN + 1, "%08llx-%04llx-7000-8000-000000000000", ms >> 16, ms & 0xFFFF);
}

static bool local_midnight(const char *date, time_t *out)
{
	int y, m, d;
	time_t check;
	if (!clock_parse_iso(date, &check) || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1 };
	*out = mktime(&tm);
	return *out != (time_t)-1;
}

bool app_filter_dates(struct app_filter *f, const char *from, const char *to, struct err *e)
{
	time_t t0 = 0, t1 = 0;
	f->id_from[0] = f->id_to[0] = '\0';
	if (from && *from) {
		if (!local_midnight(from, &t0))
			return err_field(e, "from", ST_INVALID, "起始日期应为 YYYY-MM-DD"), false;
		uuid_floor(t0, f->id_from);
	}
	if (to && *to) {
		if (!local_midnight(to, &t1))
			return err_field(e, "to", ST_INVALID, "截止日期应为 YYYY-MM-DD"), false;
		if (from && *from && t1 < t0)
			return err_field(e, "to", ST_INVALID, "截止日期不能早于起始日期"), false;
		uuid_floor(t1 + 86400, f->id_to); /* the whole last day */
	}
	return true;
}

/*
 * The list query is assembled from fixed fragments according to which
 * filters are set, so every combination gets a plan that uses its index.
 * The texts are built once per (combination, direction) and kept, so the
 * statement cache (keyed by text address) prepares each only once.
 */
enum {
	F_APPLICANT = 1, F_ENTERPRISE = 2, F_HOLDER = 4, F_NAME = 8, F_STATUS = 16, F_FROM = 32,
	F_TO = 64, F_CREATOR = 128,
	F_LONG = 256,  /* name of more than 2 characters: LIKE checks the candidates */
	F_BROAD = 512, /* name held by many parties: read the list in id order */
	F_HUGE = 1024, /* by very many: and check each row by itself */
	F__ALL = 2048,
};
static char *shapes[F__ALL][5][2];
static pthread_mutex_t shapes_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned mask_of(const struct app_filter *f, const struct name_query *nq)
{
	return (f->applicant_id[0] ? F_APPLICANT : 0) | (f->enterprise_id[0] ? F_ENTERPRISE : 0) |
	       (f->holder_code[0] ? F_HOLDER : 0) | (f->name[0] ? F_NAME : 0) |
	       (f->status[0] ? F_STATUS : 0) | (f->id_from[0] ? F_FROM : 0) |
	       (f->id_to[0] ? F_TO : 0) | (f->created_by[0] ? F_CREATOR : 0) |
	       (f->name[0] && nq->longer ? F_LONG : 0) | (f->name[0] && nq->broad ? F_BROAD : 0) |
	       (f->name[0] && nq->huge ? F_HUGE : 0);
}

static const char *shape(unsigned m, enum page_dir dir, bool count)
{
	pthread_mutex_lock(&shapes_lock);
	char **slot = &shapes[m][dir][count];
	if (!*slot) {
		struct buf b;
		buf_init(&b, 4096);
		buf_adds(&b, count ? "SELECT count(*) FROM applications a WHERE 1"
				   : "SELECT " APP_COLS " FROM applications a WHERE 1");
		if (m & F_APPLICANT)
			buf_adds(&b, " AND a.applicant_id = ?1");
		if (m & F_ENTERPRISE)
			buf_adds(&b, " AND a.enterprise_id = ?2");
		if (m & F_HOLDER)
			buf_adds(&b, " AND a.holder_code = ?3");
		if (m & F_STATUS)
			buf_adds(&b, " AND a.status = ?5");
		if (m & F_CREATOR)
			buf_adds(&b, " AND a.created_by = ?10");
		if (m & F_FROM)
			buf_adds(&b, " AND a.id >= ?6");
		if (m & F_TO)
			buf_adds(&b, " AND a.id < ?7");
		if (m & F_NAME) {
			/* The parties holding the name's piece (name_search.h),
			 * then their applications by the indexed ids; or, when
			 * they are many, the list in id order checked against
			 * them ('+' keeps the planner off those indexes), which
			 * stops at a page. */
			const char *plus = m & F_BROAD ? "+" : "";
			if ((m & F_HUGE) && (m & F_LONG))
				buf_adds(&b, " AND (EXISTS (SELECT 1 FROM applicants p WHERE p.id = a.applicant_id"
					     " AND p.name LIKE ?11 ESCAPE '\\') OR EXISTS (SELECT 1 FROM enterprises p"
					     " WHERE p.id = a.enterprise_id AND p.name LIKE ?11 ESCAPE '\\'))");
			else if (m & F_HUGE)
				buf_adds(&b, " AND (EXISTS (SELECT 1 FROM name_grams WHERE gram = ?4 AND kind = 1"
					     " AND party_id = a.applicant_id) OR EXISTS (SELECT 1 FROM name_grams"
					     " WHERE gram = ?4 AND kind = 2 AND party_id = a.enterprise_id))");
			else if (m & F_LONG)
				buf_printf(&b, " AND (%sa.applicant_id IN (SELECT p.id FROM name_grams g"
					       " JOIN applicants p ON p.id = g.party_id WHERE g.gram = ?4"
					       " AND g.kind = 1 AND p.name LIKE ?11 ESCAPE '\\')"
					       " OR %sa.enterprise_id IN (SELECT p.id FROM name_grams g"
					       " JOIN enterprises p ON p.id = g.party_id WHERE g.gram = ?4"
					       " AND g.kind = 2 AND p.name LIKE ?11 ESCAPE '\\'))",
					   plus, plus);
			else
				buf_printf(&b, " AND (%sa.applicant_id IN (SELECT party_id FROM name_grams"
					       " WHERE gram = ?4 AND kind = 1)"
					       " OR %sa.enterprise_id IN (SELECT party_id FROM name_grams"
					       " WHERE gram = ?4 AND kind = 2))",
					   plus, plus);
		}
		if (!count) {
			switch (dir) {
			case PAGE_AFTER:
				buf_adds(&b, " AND a.id < ?8 ORDER BY a.id DESC");
				break;
			case PAGE_BEFORE:
				buf_adds(&b, " AND a.id > ?8 ORDER BY a.id");
				break;
			case PAGE_AT:
				buf_adds(&b, " AND a.id <= ?8 ORDER BY a.id DESC");
				break;
			case PAGE_LAST:
				buf_adds(&b, " ORDER BY a.id");
				break;
			default:
				buf_adds(&b, " ORDER BY a.id DESC");
				break;
			}
			buf_adds(&b, " LIMIT ?9");
		}
		*slot = buf_steal(&b);
	}
	const char *sql = *slot;
	pthread_mutex_unlock(&shapes_lock);
	return sql;
}

static void bind_filter(sqlite3_stmt *s, const struct app_filter *f, const struct name_query *nq,
			unsigned m)
{
	if (m & F_APPLICANT)
		db_bind_text(s, 1, f->applicant_id);
	if (m & F_ENTERPRISE)
		db_bind_text(s, 2, f->enterprise_id);
	if (m & F_HOLDER)
		db_bind_text(s, 3, f->holder_code);
	if (m & F_NAME)
		db_bind_text(s, 4, nq->gram);
	if (m & F_LONG)
		db_bind_text(s, 11, nq->like);
	if (m & F_STATUS)
		db_bind_text(s, 5, f->status);
	if (m & F_FROM)
		db_bind_text(s, 6, f->id_from);
	if (m & F_TO)
		db_bind_text(s, 7, f->id_to);
	if (m & F_CREATOR)
		db_bind_text(s, 10, f->created_by);
}

int app_repo_page(struct db *db, const struct app_filter *f, enum page_dir dir, const char *key,
		  struct application *out, int max, struct err *e)
{
	struct name_query nq = { 0 };
	if (f->name[0] && name_query_make(db, f->name, NAME_ANY, &nq, e) != ST_OK)
		return -1;
	unsigned m = mask_of(f, &nq);
	sqlite3_stmt *s = db_prep(db, shape(m, dir, false), e);
	if (!s)
		return -1;
	bind_filter(s, f, &nq, m);
	if (dir == PAGE_AFTER || dir == PAGE_BEFORE || dir == PAGE_AT)
		db_bind_text(s, 8, key ? key : "");
	sqlite3_bind_int(s, 9, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		app_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

long app_repo_count(struct db *db, const struct app_filter *f)
{
	struct err e;
	struct name_query nq = { 0 };
	if (f->name[0] && name_query_make(db, f->name, NAME_ANY, &nq, &e) != ST_OK)
		return -1;
	/* Counting reads every match anyway: through the indexes. */
	unsigned m = mask_of(f, &nq) & ~(unsigned)(F_BROAD | F_HUGE);
	sqlite3_stmt *s = db_prep(db, shape(m, PAGE_FIRST, true), &e);
	if (!s)
		return -1;
	bind_filter(s, f, &nq, m);
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

enum status app_repo_set_paper(struct db *db, const char *app_id, const char *doc_type, bool paper,
			       struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = paper
		? db_prep(db, "INSERT OR IGNORE INTO application_paper_docs (application_id, doc_type,"
			      " created_at) VALUES (?1, ?2, ?3)", e)
		: db_prep(db, "DELETE FROM application_paper_docs WHERE application_id = ?1"
			      " AND doc_type = ?2", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, app_id);
	db_bind_text(s, 2, doc_type);
	if (paper)
		db_bind_text(s, 3, now);
	return done(db, s, e);
}

bool app_repo_is_paper(struct db *db, const char *app_id, const char *doc_type)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT 1 FROM application_paper_docs WHERE application_id = ?1"
				      " AND doc_type = ?2", &e);
	if (!s)
		return false;
	db_bind_text(s, 1, app_id);
	db_bind_text(s, 2, doc_type);
	bool yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return yes;
}

enum status counter_next(struct db *db, const char *scope, long *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "INSERT INTO counters (scope, next) VALUES (?1, 2)"
				      " ON CONFLICT (scope) DO UPDATE SET next = next + 1"
				      " RETURNING next - 1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, scope);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(s, 0);
	int rc2 = rc == SQLITE_ROW ? sqlite3_step(s) : rc;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW || rc2 != SQLITE_DONE)
		return db_fail(db, rc == SQLITE_ROW ? rc2 : rc, e);
	return ST_OK;
}
