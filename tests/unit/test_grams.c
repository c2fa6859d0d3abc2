/*
 * Name search through 2-character pieces (db/migrations/0010_name_grams.sql,
 * store/name_search.c): the application, applicant and order searches must
 * find exactly what `name LIKE '%q%'` (wildcards taken literally) finds, on
 * a generated set of awkward names, for every 2-token query and many
 * longer ones, through every page, with the selective and the broad plan,
 * and again after renames and deletes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/app_repo.h"
#include "store/db.h"
#include "store/name_search.h"
#include "store/order_repo.h"
#include "store/party_repo.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "unit.h"

enum { NAPPLICANTS = 900, NENTERPRISES = 700, NAPPS = 2500, NORDERS = 800, PAGE = 7 };

/* Characters that make names awkward: CJK, ASCII in both cases, LIKE's
 * wildcards and escape, a space. */
static const char *const tokens[] = { "王", "伟", "哈", "科", "技", "A", "a", "b", "B", "%", "_",
				      "\\", " " };
enum { NTOK = sizeof tokens / sizeof tokens[0] };

static struct db *db;
static unsigned long long rng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void random_name(char *out, size_t outsz, unsigned min_tokens, unsigned max_tokens)
{
	unsigned n = min_tokens + rnd(max_tokens - min_tokens + 1);
	out[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s", tokens[rnd(NTOK)]);
}

static void applicant_id(int i, char out[UUID_LEN + 1])
{
	snprintf(out, UUID_LEN + 1, "0aaaaaaa-0000-7000-8000-%012d", i);
}

static void enterprise_id(int i, char out[UUID_LEN + 1])
{
	snprintf(out, UUID_LEN + 1, "0eeeeeee-0000-7000-8000-%012d", i);
}

static bool exec(const char *sql)
{
	return sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* For the suite's setup, where CUnit asserts cannot run. */
static sqlite3_stmt *prep0(const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) != SQLITE_OK)
		fprintf(stderr, "grams setup: %s\n", sqlite3_errmsg(db_handle(db)));
	return s;
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *s = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL), SQLITE_OK);
	return s;
}

/* Names no generator would make but a clerk or an import can. */
static const char *const fixed_applicants[] = { "王", "", "A", "哈哈哈", "Ab王", "aB", "%_\\",
						"王伟", "科技", "a_b", "A%B", "哈 哈" };
static const char *const fixed_enterprises[] = { "科", "哈哈哈哈", "AB科技", "ab%", "科技科技" };

static int setup(void)
{
	struct err e;
	if (db_open(":memory:", &db, &e) != ST_OK || !exec("BEGIN"))
		return 1;
	sqlite3_stmt *a = prep0("INSERT INTO applicants (id, phone, name, office_id, created_by,"
			       " created_at, updated_at) VALUES (?1, ?2, ?3, 'o', 'c', 't', 't')");
	for (int i = 0; i < NAPPLICANTS; i++) {
		char id[UUID_LEN + 1], phone[16], name[64];
		applicant_id(i, id);
		snprintf(phone, sizeof phone, "138%08d", i);
		if (i < (int)(sizeof fixed_applicants / sizeof fixed_applicants[0]))
			snprintf(name, sizeof name, "%s", fixed_applicants[i]);
		else
			random_name(name, sizeof name, 1, 5);
		sqlite3_bind_text(a, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(a, 2, phone, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(a, 3, name, -1, SQLITE_TRANSIENT);
		if (!a || sqlite3_step(a) != SQLITE_DONE)
			return 1;
		sqlite3_reset(a);
	}
	sqlite3_finalize(a);
	/* Four in five enterprises hold 科技: more than NAME_BROAD_PARTIES, so
	 * a search for it takes the broad plan. */
	sqlite3_stmt *en = prep0("INSERT INTO enterprises (id, credit_code, name, created_at,"
				" updated_at) VALUES (?1, ?2, ?3, 't', 't')");
	for (int i = 0; i < NENTERPRISES; i++) {
		char id[UUID_LEN + 1], code[24], name[96], head[40], tail[40];
		enterprise_id(i, id);
		snprintf(code, sizeof code, "91440300CODE%06d", i);
		if (i < (int)(sizeof fixed_enterprises / sizeof fixed_enterprises[0])) {
			snprintf(name, sizeof name, "%s", fixed_enterprises[i]);
		} else {
			random_name(head, sizeof head, 0, 3);
			random_name(tail, sizeof tail, 0, 3);
			snprintf(name, sizeof name, "%s%s%s", head, rnd(5) ? "科技" : "", tail);
		}
		sqlite3_bind_text(en, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(en, 2, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(en, 3, name, -1, SQLITE_TRANSIENT);
		if (!en || sqlite3_step(en) != SQLITE_DONE)
			return 1;
		sqlite3_reset(en);
	}
	sqlite3_finalize(en);
	/* Applications and orders in id (time) order; the last 50 applicants
	 * and enterprises have none, so that they can be deleted later. */
	sqlite3_stmt *ap = prep0("INSERT INTO applications (id, number, kind, subject, status,"
				" applicant_id, enterprise_id, years, holder_name, holder_code, office_id,"
				" terminal_id, created_by, created_at, updated_at) VALUES (?1, ?2, 'new',"
				" ?3, 'draft', ?4, ?5, 1, 'h', 'c', 'o', 't', 'c', 't', 't')");
	for (int i = 0; i < NAPPS; i++) {
		char id[UUID_LEN + 1], number[32], aid[UUID_LEN + 1], eid[UUID_LEN + 1];
		snprintf(id, sizeof id, "%08x-0000-7000-8000-000000000000", 0x01000000 + i);
		snprintf(number, sizeof number, "SQ-T-01-20260101-%05d", i);
		applicant_id((int)rnd(NAPPLICANTS - 50), aid);
		enterprise_id((int)rnd(NENTERPRISES - 50), eid);
		bool ent = rnd(10) < 7;
		sqlite3_bind_text(ap, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ap, 2, number, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ap, 3, ent ? "enterprise" : "personal", -1, SQLITE_STATIC);
		sqlite3_bind_text(ap, 4, aid, -1, SQLITE_TRANSIENT);
		if (ent)
			sqlite3_bind_text(ap, 5, eid, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ap, 5);
		if (!ap || sqlite3_step(ap) != SQLITE_DONE)
			return 1;
		sqlite3_reset(ap);
	}
	sqlite3_finalize(ap);
	sqlite3_stmt *o = prep0("INSERT INTO orders (id, number, status, subject, holder_code,"
			       " holder_name, applicant_id, method, total_fen, office_id, terminal_id,"
			       " created_by, created_at, updated_at) VALUES (?1, ?2, 'unpaid', ?3, ?4,"
			       " 'h', ?5, 'transfer', 100, 'o', 't', 'c', 't', 't')");
	for (int i = 0; i < NORDERS; i++) {
		char id[UUID_LEN + 1], number[32], code[24], aid[UUID_LEN + 1];
		snprintf(id, sizeof id, "%08x-0000-7000-8000-000000000000", 0x02000000 + i);
		snprintf(number, sizeof number, "DD-T-01-20260101-%05d", i);
		bool ent = rnd(10) < 6;
		if (ent)
			snprintf(code, sizeof code, "91440300CODE%06u", rnd(NENTERPRISES - 50));
		else
			snprintf(code, sizeof code, "44030019800101%04d", i);
		applicant_id((int)rnd(NAPPLICANTS - 50), aid);
		sqlite3_bind_text(o, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(o, 2, number, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(o, 3, ent ? "enterprise" : "personal", -1, SQLITE_STATIC);
		sqlite3_bind_text(o, 4, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(o, 5, aid, -1, SQLITE_TRANSIENT);
		if (!o || sqlite3_step(o) != SQLITE_DONE)
			return 1;
		sqlite3_reset(o);
	}
	sqlite3_finalize(o);
	return !exec("COMMIT");
}

static int teardown(void)
{
	db_close(db);
	return 0;
}

/* ---- the reference: LIKE, wildcards escaped -------------------------------- */

static void like_pattern(const char *q, char *out, size_t outsz)
{
	size_t n = 0;
	out[n++] = '%';
	for (; *q && n + 4 < outsz; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[n++] = '\\';
		out[n++] = *q;
	}
	out[n++] = '%';
	out[n] = '\0';
}

#define MAXROWS 4000
struct ids {
	int n;
	char id[MAXROWS][UUID_LEN + 1];
};

static void reference(const char *sql, const char *q, struct ids *out)
{
	char like[256];
	like_pattern(q, like, sizeof like);
	sqlite3_stmt *s = prep(sql);
	sqlite3_bind_text(s, 1, like, -1, SQLITE_TRANSIENT);
	out->n = 0;
	while (sqlite3_step(s) == SQLITE_ROW && out->n < MAXROWS)
		snprintf(out->id[out->n++], UUID_LEN + 1, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

static const char ref_applicants[] =
	"SELECT id FROM applicants WHERE name LIKE ?1 ESCAPE '\\' ORDER BY name, id";
static const char ref_applications[] =
	"SELECT id FROM applications WHERE applicant_id IN (SELECT id FROM applicants"
	" WHERE name LIKE ?1 ESCAPE '\\') OR enterprise_id IN (SELECT id FROM enterprises"
	" WHERE name LIKE ?1 ESCAPE '\\') ORDER BY id DESC";
static const char ref_orders[] =
	"SELECT id FROM orders WHERE holder_code IN (SELECT credit_code FROM enterprises"
	" WHERE name LIKE ?1 ESCAPE '\\') OR applicant_id IN (SELECT id FROM applicants"
	" WHERE name LIKE ?1 ESCAPE '\\') ORDER BY id DESC";

/* ---- the searches, page by page --------------------------------------------- */

static void search_applications(const char *q, struct ids *out)
{
	struct app_filter f;
	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "%s", q);
	struct application rows[PAGE];
	struct err e;
	out->n = 0;
	char key[UUID_LEN + 1] = "";
	for (;;) {
		int n = app_repo_page(db, &f, key[0] ? PAGE_AFTER : PAGE_FIRST, key, rows, PAGE, &e);
		CU_ASSERT_TRUE_FATAL(n >= 0);
		for (int i = 0; i < n && out->n < MAXROWS; i++)
			snprintf(out->id[out->n++], UUID_LEN + 1, "%s", rows[i].id);
		if (n < PAGE)
			break;
		snprintf(key, sizeof key, "%s", rows[n - 1].id);
	}
}

static void search_applicants(const char *q, struct ids *out)
{
	struct applicant rows[PAGE];
	struct err e;
	out->n = 0;
	char key[PERSON_NAME_MAX + UUID_LEN + 2] = "";
	for (;;) {
		int n = applicant_repo_find(db, NULL, q, key[0] ? PAGE_AFTER : PAGE_FIRST, key, rows,
					    PAGE, &e);
		CU_ASSERT_TRUE_FATAL(n >= 0);
		for (int i = 0; i < n && out->n < MAXROWS; i++)
			snprintf(out->id[out->n++], UUID_LEN + 1, "%s", rows[i].id);
		if (n < PAGE)
			break;
		snprintf(key, sizeof key, "%s\x1f%s", rows[n - 1].name, rows[n - 1].id);
	}
}

static void search_orders(const char *q, struct ids *out)
{
	struct order_filter f;
	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "%s", q);
	struct order rows[PAGE];
	struct err e;
	out->n = 0;
	char key[UUID_LEN + 1] = "";
	for (;;) {
		int n = order_repo_page(db, &f, key[0] ? PAGE_AFTER : PAGE_FIRST, key, rows, PAGE, &e);
		CU_ASSERT_TRUE_FATAL(n >= 0);
		for (int i = 0; i < n && out->n < MAXROWS; i++)
			snprintf(out->id[out->n++], UUID_LEN + 1, "%s", rows[i].id);
		if (n < PAGE)
			break;
		snprintf(key, sizeof key, "%s", rows[n - 1].id);
	}
}

static int mismatches;

static void same(const char *what, const char *q, const struct ids *got, const struct ids *want)
{
	bool ok = got->n == want->n;
	for (int i = 0; ok && i < got->n; i++)
		ok = strcmp(got->id[i], want->id[i]) == 0;
	if (!ok && mismatches++ < 5)
		fprintf(stderr, "\n  %s \"%s\": %d rows, LIKE finds %d\n", what, q, got->n, want->n);
	CU_ASSERT_TRUE(ok);
}

/* The last page (End), read backwards, is the reference's tail. */
static void tail_same(const char *what, const char *q, const char (*got)[UUID_LEN + 1], int n,
		      const struct ids *want)
{
	int k = want->n < PAGE ? want->n : PAGE;
	bool ok = n == k;
	for (int i = 0; ok && i < n; i++)
		ok = strcmp(got[i], want->id[want->n - k + i]) == 0;
	if (!ok && mismatches++ < 5)
		fprintf(stderr, "\n  %s \"%s\": last page differs\n", what, q);
	CU_ASSERT_TRUE(ok);
}

static void last_page_applications(const char *q, const struct ids *want)
{
	struct app_filter f;
	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "%s", q);
	struct application rows[PAGE];
	char got[PAGE][UUID_LEN + 1];
	struct err e;
	int n = app_repo_page(db, &f, PAGE_LAST, NULL, rows, PAGE, &e);
	for (int i = 0; i < n; i++)
		snprintf(got[i], sizeof got[i], "%s", rows[i].id);
	tail_same("applications", q, got, n, want);
}

static void last_page_applicants(const char *q, const struct ids *want)
{
	struct applicant rows[PAGE];
	char got[PAGE][UUID_LEN + 1];
	struct err e;
	int n = applicant_repo_find(db, NULL, q, PAGE_LAST, NULL, rows, PAGE, &e);
	for (int i = 0; i < n; i++)
		snprintf(got[i], sizeof got[i], "%s", rows[i].id);
	tail_same("applicants", q, got, n, want);
}

/* Every search against its LIKE reference; returns the rows LIKE found. */
static long check_query(const char *q)
{
	static struct ids got, want;
	long rows = 0;
	reference(ref_applications, q, &want);
	search_applications(q, &got);
	same("applications", q, &got, &want);
	rows += want.n;
	last_page_applications(q, &want);
	struct app_filter f;
	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "%s", q);
	CU_ASSERT_EQUAL(app_repo_count(db, &f), want.n);
	reference(ref_applicants, q, &want);
	search_applicants(q, &got);
	same("applicants", q, &got, &want);
	rows += want.n;
	last_page_applicants(q, &want);
	reference(ref_orders, q, &want);
	search_orders(q, &got);
	same("orders", q, &got, &want);
	return rows + want.n;
}

/* All 2-token queries, the fixed names, and longer queries cut from the
 * names themselves (so that they find something) or made up. */
static void check_all(const char *when)
{
	int queries = 0, found = 0, longer_found = 0;
	for (int i = 0; i < NTOK; i++)
		for (int j = 0; j < NTOK; j++) {
			char q[16];
			snprintf(q, sizeof q, "%s%s", tokens[i], tokens[j]);
			queries++;
			found += check_query(q) > 0;
		}
	static const char *const fixed[] = { "科技", "哈哈", "哈哈哈", "哈哈哈哈", "ab", "AB", "aB",
					     "Ab王", "%_", "_\\", "%_\\", "A%B", "a_b", "哈 哈",
					     "科技科技", "技科", "AB科技", "王伟伟", "ab%" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++, queries++)
		found += check_query(fixed[i]) > 0;
	sqlite3_stmt *s = prep("SELECT name FROM applicants WHERE length(name) >= 4 UNION ALL"
			       " SELECT name FROM enterprises WHERE length(name) >= 4 ORDER BY 1 LIMIT 60");
	while (sqlite3_step(s) == SQLITE_ROW) {
		char name[128], q[128];
		snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(s, 0));
		/* Characters 2..4 of the name (substr by characters, as SQLite does). */
		sqlite3_stmt *cut = prep("SELECT substr(?1, 2, 3)");
		sqlite3_bind_text(cut, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_step(cut);
		snprintf(q, sizeof q, "%s", (const char *)sqlite3_column_text(cut, 0));
		sqlite3_finalize(cut);
		queries++;
		longer_found += check_query(q) > 0;
	}
	sqlite3_finalize(s);
	for (int i = 0; i < 40; i++, queries++) {
		char q[64];
		random_name(q, sizeof q, 3, 5);
		check_query(q);
	}
	/* The comparisons mean something only if many queries find rows. */
	CU_ASSERT_TRUE(found > 100);
	CU_ASSERT_TRUE(longer_found > 50);
	if (mismatches)
		fprintf(stderr, "  (%s: %d queries)\n", when, queries);
}

static long grams_out_of_step(void)
{
	/* The table against the pieces recomputed from the names. */
	static const char sql[] =
		"WITH want AS (SELECT lower(substr(name, p.i, 2)) AS gram, 1 AS kind, id AS party_id"
		" FROM applicants JOIN name_gram_pos p ON p.i < length(name) UNION"
		" SELECT lower(substr(name, p.i, 2)), 2, id FROM enterprises"
		" JOIN name_gram_pos p ON p.i < length(name))"
		" SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM name_grams))"
		" + (SELECT count(*) FROM (SELECT * FROM name_grams EXCEPT SELECT * FROM want))";
	sqlite3_stmt *s = prep(sql);
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	return n;
}

static long one_long(const char *sql, const char *arg)
{
	sqlite3_stmt *s = prep(sql);
	if (arg)
		sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	return n;
}

static void test_pieces(void)
{
	CU_ASSERT_EQUAL(grams_out_of_step(), 0);
	char id[UUID_LEN + 1];
	/* "王" and "" have none; 哈哈哈 has one piece, once; Ab王 is folded. */
	applicant_id(0, id);
	CU_ASSERT_EQUAL(one_long("SELECT count(*) FROM name_grams WHERE party_id = ?1", id), 0);
	applicant_id(1, id);
	CU_ASSERT_EQUAL(one_long("SELECT count(*) FROM name_grams WHERE party_id = ?1", id), 0);
	applicant_id(3, id);
	CU_ASSERT_EQUAL(one_long("SELECT count(*) FROM name_grams WHERE party_id = ?1", id), 1);
	applicant_id(4, id);
	CU_ASSERT_EQUAL(one_long("SELECT count(*) FROM name_grams WHERE party_id = ?1"
				 " AND gram IN ('ab', 'b王')", id), 2);
	/* Characters, not bytes: every piece of a CJK name is 6 bytes. */
	CU_ASSERT_EQUAL(one_long("SELECT count(*) FROM name_grams WHERE gram = '哈哈'"
				 " AND length(CAST(gram AS BLOB)) = 6", NULL),
			one_long("SELECT count(*) FROM name_grams WHERE gram = '哈哈'", NULL));
	CU_ASSERT_TRUE(one_long("SELECT count(*) FROM name_grams WHERE gram = '哈哈'", NULL) >= 2);
}

static void test_plans(void)
{
	struct name_query nq;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(name_query_make(db, "科技", NAME_ANY, &nq, &e), ST_OK);
	CU_ASSERT_TRUE(nq.broad);
	CU_ASSERT_FALSE(nq.longer);
	CU_ASSERT_EQUAL(name_query_make(db, "王伟", NAME_ANY, &nq, &e), ST_OK);
	CU_ASSERT_FALSE(nq.broad);
	/* A longer query looks up its rarest piece, and escapes wildcards. */
	CU_ASSERT_EQUAL(name_query_make(db, "科技科技", NAME_ENTERPRISE, &nq, &e), ST_OK);
	CU_ASSERT_TRUE(nq.longer);
	CU_ASSERT_STRING_EQUAL(nq.gram, "技科");
	CU_ASSERT_FALSE(nq.broad);
	CU_ASSERT_EQUAL(name_query_make(db, "A%_\\b", NAME_ANY, &nq, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(nq.like, "%A\\%\\_\\\\b%");
	/* Case: ASCII folded as LIKE folds it; other characters as typed. */
	CU_ASSERT_EQUAL(name_query_make(db, "AB", NAME_ANY, &nq, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(nq.gram, "ab");
}

static void test_same_as_like(void)
{
	check_all("fresh");
}

/* The same with every name taking the broad plan, then the huge one. */
static void test_every_plan(void)
{
	struct name_query nq;
	struct err e;
	name_search_limits(0, -1);
	CU_ASSERT_EQUAL(name_query_make(db, "王伟", NAME_ANY, &nq, &e), ST_OK);
	CU_ASSERT_TRUE(nq.broad && !nq.huge);
	check_all("broad plan");
	name_search_limits(0, 0);
	CU_ASSERT_EQUAL(name_query_make(db, "王伟", NAME_ANY, &nq, &e), ST_OK);
	CU_ASSERT_TRUE(nq.broad && nq.huge);
	check_all("huge plan");
	name_search_limits(-1, -1);
}

static void test_after_changes(void)
{
	struct err e;
	/* Renames through the repositories (the commands' path), some to
	 * names of fewer than 2 characters and to names sharing pieces. */
	for (int i = 0; i < 120; i++) {
		char id[UUID_LEN + 1];
		struct applicant a;
		applicant_id((int)rnd(NAPPLICANTS), id);
		CU_ASSERT_EQUAL_FATAL(applicant_repo_get(db, id, &a, &e), ST_OK);
		if (i % 10 == 0)
			snprintf(a.name, sizeof a.name, "%s", i % 20 ? "哈" : "");
		else
			random_name(a.name, sizeof a.name, 1, 5);
		CU_ASSERT_EQUAL(applicant_repo_update(db, &a, &e), ST_OK);
		struct enterprise en;
		enterprise_id((int)rnd(NENTERPRISES), id);
		CU_ASSERT_EQUAL_FATAL(enterprise_repo_get(db, id, &en, &e), ST_OK);
		random_name(en.name, sizeof en.name, 1, 6);
		if (i % 3 == 0)
			snprintf(en.name + strlen(en.name), sizeof en.name - strlen(en.name), "科技");
		CU_ASSERT_EQUAL(enterprise_repo_update(db, &en, &e), ST_OK);
	}
	/* The same name written again, and a case-only change. */
	char id[UUID_LEN + 1];
	struct applicant a;
	applicant_id(4, id);
	CU_ASSERT_EQUAL_FATAL(applicant_repo_get(db, id, &a, &e), ST_OK);
	CU_ASSERT_EQUAL(applicant_repo_update(db, &a, &e), ST_OK);
	snprintf(a.name, sizeof a.name, "aB王");
	CU_ASSERT_EQUAL(applicant_repo_update(db, &a, &e), ST_OK);
	/* Deletes (parties with no applications or orders: the last 50). */
	CU_ASSERT_TRUE(exec("DELETE FROM applicants WHERE id >= '0aaaaaaa-0000-7000-8000-000000000870'"));
	CU_ASSERT_TRUE(exec("DELETE FROM enterprises WHERE id >= '0eeeeeee-0000-7000-8000-000000000670'"));
	CU_ASSERT_EQUAL(one_long("SELECT count(*) FROM name_grams WHERE party_id >="
				 " '0aaaaaaa-0000-7000-8000-000000000870' AND party_id < '0b'", NULL), 0);
	CU_ASSERT_EQUAL(grams_out_of_step(), 0);
	check_all("after renames and deletes");
}

/* Queries of one character are refused before they reach the store. */
static void test_one_character_refused(void)
{
	struct svc svc = { .db = db };
	struct err e;
	struct application apps[PAGE];
	struct applicant people[PAGE];
	struct order orders[PAGE];
	CU_ASSERT_EQUAL(svc_application_find(&svc, "王", "", "", "", PAGE_FIRST, NULL, apps, PAGE, &e), -1);
	CU_ASSERT_EQUAL(e.st, ST_INVALID);
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, " 科 ", PAGE_FIRST, NULL, people, PAGE, &e), -1);
	CU_ASSERT_EQUAL(e.st, ST_INVALID);
	CU_ASSERT_EQUAL(svc_order_find(&svc, "A", "", "", "", PAGE_FIRST, NULL, orders, PAGE, &e), -1);
	CU_ASSERT_EQUAL(e.st, ST_INVALID);
	/* Two characters go through, case folded as before. */
	CU_ASSERT_TRUE(svc_applicant_find(&svc, "ab", PAGE_FIRST, NULL, people, PAGE, &e) > 0);
}

void suite_grams(void)
{
	UNIT_SUITE("grams", setup, teardown, { "pieces of names", test_pieces },
		   { "plan by how many hold the piece", test_plans },
		   { "same rows as LIKE, every page", test_same_as_like },
		   { "same rows with every plan", test_every_plan },
		   { "same after renames and deletes", test_after_changes },
		   { "one character refused", test_one_character_refused });
}
