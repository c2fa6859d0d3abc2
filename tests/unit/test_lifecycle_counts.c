/*
 * The expiry worklist's counts (svc_lifecycle_counts, read from the derived
 * tables of migration 0013) against the worklist itself (svc_lifecycle_page,
 * written over the base tables), on an in-memory database with a pinned
 * clock: for every tab, office filter (none, each office, an unknown one)
 * and contacted filter, the count must be the number of rows the list pages
 * through, after every kind of change the triggers must follow:
 * certificates bound, moved, unbound, revoked and re-dated; renewals and
 * revocations entered (drafts and cancelled ones not counting), submitted,
 * returned, done, cancelled, re-pointed to another serial, changed to
 * another kind, deleted; two certificates sharing a serial; contacts and
 * SMS reminders; an applicant moving office; a pull writing a certificate
 * before its applicant, and an applicant deleted under its certificates.
 * After each step the derived tables are also compared row by row with
 * what they would be if built again from the base tables, and the pages of
 * one office (lifecycle_repo_page, read from expiry_certs through the index
 * of migration 0014) with the pages of the definition over the base tables
 * (lifecycle_repo_page_def), in every direction from every key; at the end
 * the migrations' own statements rebuild the derived rows from the data.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"
#include "store/sync_tables.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/key.h"
#include "svc/lifecycle.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"

#define DAY 86400L
/* 2025-06-01 10:00 in Shanghai. */
#define NOW_ISO "2025-06-01T02:00:00Z"
#define OFFICE_B "0190a4c0-0000-7000-8000-0000000000b0"
#define OFFICE_NONE "0190a4c0-0000-7000-8000-00000000ffff"
/* A pulled applicant that arrives after its certificate. */
#define LATE_APPLICANT "0190a4c0-0000-7000-8000-0000000000c1"

static struct db *db;
static struct svc svc;
static struct actor admin, clerk, super;
static char zhang[UUID_LEN + 1], li[UUID_LEN + 1], wang[UUID_LEN + 1];
static time_t now;

static long one(const char *sql)
{
	sqlite3_stmt *s;
	long v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Run SQL with up to three text parameters; true when done. */
static bool run(const char *sql, const char *p1, const char *p2, const char *p3)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "prepare: %s: %s\n", sqlite3_errmsg(db_handle(db)), sql);
		return false;
	}
	const char *p[3] = { p1, p2, p3 };
	for (int i = 0; i < 3 && i < sqlite3_bind_parameter_count(s); i++)
		sqlite3_bind_text(s, i + 1, p[i], -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "step: %s: %s\n", sqlite3_errmsg(db_handle(db)), sql);
	return rc == SQLITE_DONE;
}

static void at(const char *iso)
{
	setenv("CERTDESK_NOW", iso, 1);
	clock_parse_iso(iso, &now);
}

/* Bind a certificate (serial, expiring at not_after) to an applicant through
 * certificate.bind; n makes its fingerprint. Its id into id_out. */
static bool bind(const struct actor *a, const char *applicant, int n, const char *serial,
		 time_t not_after, char id_out[UUID_LEN + 1])
{
	struct cert c;
	memset(&c, 0, sizeof c);
	snprintf(c.subject_cn, sizeof c.subject_cn, "张三");
	snprintf(c.subject, sizeof c.subject, "CN=张三, C=CN");
	snprintf(c.issuer, sizeof c.issuer, "CN=某某数字认证测试CA %d, C=CN", n % 2);
	snprintf(c.serial, sizeof c.serial, "%s", serial);
	c.not_after = not_after;
	c.not_before = not_after - 365 * DAY;
	clock_iso(c.not_before, c.not_before_iso);
	clock_iso(c.not_after, c.not_after_iso);
	c.key_alg = CERT_KEY_SM2;
	snprintf(c.key_desc, sizeof c.key_desc, "SM2");
	for (int i = 0; i < 64; i++) {
		c.sha256[i] = "0123456789ABCDEF"[(n * 3 + i) % 16];
		c.sm3[i] = "FEDCBA9876543210"[(n + i) % 16];
	}
	snprintf(c.sha256, 9, "%08X", (unsigned)n);
	c.sha256[8] = 'B';
	struct err e;
	if (svc_cert_bind(&svc, a, applicant, &c, "", TOKEN_SLOT_AUTH, &e) != ST_OK) {
		fprintf(stderr, "bind %s: %s\n", serial, err_text(&e));
		return false;
	}
	struct cert_row r;
	if (cert_repo_by_sha256(db, c.sha256, &r, &e) != ST_OK)
		return false;
	if (id_out)
		snprintf(id_out, UUID_LEN + 1, "%s", r.id);
	return true;
}

/* ---- the check ---- */

/* The worklist's total under f, paged through 3 rows at a time by key. */
static long paged_total(const struct lc_filter *f)
{
	struct lc_row rows[3];
	char key[LC_KEY_MAX] = "";
	long total = 0;
	for (int guard = 0; guard < 1000; guard++) {
		struct err e;
		int n = svc_lifecycle_page(&svc, f, key[0] ? PAGE_AFTER : PAGE_FIRST, key, rows, 3, &e);
		if (n < 0)
			return -1;
		total += n;
		if (n < 3)
			return total;
		lifecycle_repo_key(&rows[n - 1], key);
	}
	return -1;
}

/* Rows that differ between the derived tables and the same built again from
 * the base tables (both ways). */
static long drift(void)
{
#define REBUILT_CERTS                                                                        \
	"SELECT c.serial, c.id, c.not_after, p.office_id,"                                   \
	" EXISTS (SELECT 1 FROM certificate_contacts k WHERE k.certificate_id = c.id"        \
	"   AND k.kind = 'contact'),"                                                        \
	" EXISTS (SELECT 1 FROM applications a WHERE a.cert_serial = c.serial"               \
	"   AND a.cert_serial <> '' AND a.kind IN ('renewal', 'revoke')"                     \
	"   AND a.status NOT IN ('draft', 'cancelled'))"                                      \
	" FROM certificates c JOIN applicants p ON p.id = c.applicant_id"                    \
	" WHERE c.revoked_at IS NULL"
#define KEPT_CERTS                                                                           \
	"SELECT serial, certificate_id, not_after, office_id, contacted, handled FROM expiry_certs"
#define REBUILT_HANDLED                                                                      \
	"SELECT cert_serial, count(*) FROM applications WHERE cert_serial <> ''"             \
	" AND kind IN ('renewal', 'revoke') AND status NOT IN ('draft', 'cancelled')"        \
	" GROUP BY cert_serial"
#define REBUILT_ORPHANS                                                                      \
	"SELECT c.applicant_id, c.id FROM certificates c WHERE c.revoked_at IS NULL"         \
	" AND c.applicant_id IS NOT NULL"                                                    \
	" AND NOT EXISTS (SELECT 1 FROM applicants p WHERE p.id = c.applicant_id)"
	return one("SELECT count(*) FROM (" KEPT_CERTS " EXCEPT " REBUILT_CERTS ")") +
	       one("SELECT count(*) FROM (" REBUILT_CERTS " EXCEPT " KEPT_CERTS ")") +
	       one("SELECT count(*) FROM (SELECT serial, n FROM expiry_handled EXCEPT "
		   REBUILT_HANDLED ")") +
	       one("SELECT count(*) FROM (" REBUILT_HANDLED " EXCEPT SELECT serial, n FROM"
		   " expiry_handled)") +
	       one("SELECT count(*) FROM (SELECT applicant, certificate_id FROM expiry_orphans"
		   " EXCEPT " REBUILT_ORPHANS ")") +
	       one("SELECT count(*) FROM (" REBUILT_ORPHANS " EXCEPT SELECT applicant,"
		   " certificate_id FROM expiry_orphans)");
}

static long mismatches;

/* ---- office pages = the definition's pages ---- */

static long page_diffs;

/* One page both ways: lifecycle_repo_page (for an office, expiry_certs)
 * and lifecycle_repo_page_def (the base tables); they must be equal, row
 * for row, every column. Returns the number of rows (-1 on error), the
 * rows into out when given. */
static int same_page(const struct lc_where *w, enum page_dir dir, const char *key, int max,
		     struct lc_row *out)
{
	static struct lc_row fast[40], def[40];
	struct err e;
	int n = lifecycle_repo_page(db, w, dir, key, fast, max, &e);
	int m = lifecycle_repo_page_def(db, w, dir, key, def, max, &e);
	bool same = n == m && n >= 0 && (n == 0 || memcmp(fast, def, sizeof fast[0] * (size_t)n) == 0);
	CU_ASSERT_TRUE(same);
	if (!same) {
		page_diffs++;
		fprintf(stderr, "office %s, contacted %d, [%s, %s], dir %d, key \"%s\", max %d: %d rows,"
			" the definition %d\n", w->office_id, w->contacted, w->lo, w->hi, (int)dir,
			key, max, n, m);
		for (int i = 0; i < n || i < m; i++)
			fprintf(stderr, "  %s %s | %s %s\n", i < n ? fast[i].not_after : "-",
				i < n ? fast[i].id : "-", i < m ? def[i].not_after : "-",
				i < m ? def[i].id : "-");
	}
	if (out && n > 0)
		memcpy(out, fast, sizeof fast[0] * (size_t)n);
	return n;
}

/*
 * Every way a screen pages the worklist under f: from the first page
 * forward and the last backward, 3 rows at a time; after, before and at
 * every row's key; keys outside the window, between rows, malformed; a
 * page of one row and one longer than the list.
 */
static void same_pages(const struct lc_filter *f)
{
	char lo[21], hi[21];
	lifecycle_window_bounds(f, clock_now(), lo, hi);
	struct lc_where w = { lo, hi, f->office_id, f->contacted };
	if (!f->office_id[0])
		return;   /* lifecycle_repo_page is lifecycle_repo_page_def */
	struct lc_row all[40], rows[3];
	int total = same_page(&w, PAGE_FIRST, "", 40, all);
	if (total < 0)
		return;
	same_page(&w, PAGE_LAST, "", 40, NULL);
	same_page(&w, PAGE_FIRST, "", 1, NULL);
	same_page(&w, PAGE_LAST, "", 1, NULL);
	char key[LC_KEY_MAX] = "";
	for (int n = same_page(&w, PAGE_FIRST, "", 3, rows), guard = 0; n == 3 && guard < 40; guard++) {
		lifecycle_repo_key(&rows[n - 1], key);
		n = same_page(&w, PAGE_AFTER, key, 3, rows);
	}
	for (int n = same_page(&w, PAGE_LAST, "", 3, rows), guard = 0; n == 3 && guard < 40; guard++) {
		lifecycle_repo_key(&rows[0], key);
		n = same_page(&w, PAGE_BEFORE, key, 3, rows);
	}
	for (int i = 0; i < total; i++) {
		lifecycle_repo_key(&all[i], key);
		for (enum page_dir d = PAGE_AFTER; d <= PAGE_AT; d++)
			same_page(&w, d, key, 3, NULL);
		/* Between this row and the next (same not_after, another id). */
		snprintf(key, sizeof key, "%s|%.35s~", all[i].not_after, all[i].id);
		for (enum page_dir d = PAGE_AFTER; d <= PAGE_AT; d++)
			same_page(&w, d, key, 3, NULL);
	}
	char edges[6][LC_KEY_MAX];
	snprintf(edges[0], LC_KEY_MAX, "%s|", lo);
	snprintf(edges[1], LC_KEY_MAX, "%s|~", hi);
	snprintf(edges[2], LC_KEY_MAX, "2000-01-01T00:00:00Z|x");
	snprintf(edges[3], LC_KEY_MAX, "2099-01-01T00:00:00Z|x");
	snprintf(edges[4], LC_KEY_MAX, "no bar");
	snprintf(edges[5], LC_KEY_MAX, "|");
	for (int k = 0; k < 6; k++)
		for (enum page_dir d = PAGE_AFTER; d <= PAGE_AT; d++)
			same_page(&w, d, edges[k], 3, NULL);
	for (enum page_dir d = PAGE_AFTER; d <= PAGE_AT; d++)
		same_page(&w, d, "", 3, NULL);
}

/*
 * Every tab under every filter: the counts equal the paged totals. Returns
 * the sum of the counts (so a step can say whether anything is listed);
 * out, when given, gets the unfiltered counts.
 */
static long check(const char *step, long out[LC__WINDOWS])
{
	const char *offices[] = { "", clerk.office_id, OFFICE_B, OFFICE_NONE };
	long sum = 0;
	for (int c = LC_CONTACT_ANY; c <= LC_CONTACT_DONE; c++)
		for (int o = 0; o < 4; o++) {
			struct lc_filter f;
			memset(&f, 0, sizeof f);
			f.contacted = c;
			snprintf(f.office_id, sizeof f.office_id, "%s", offices[o]);
			long counts[LC__WINDOWS];
			svc_lifecycle_counts(&svc, &f, counts);
			for (int w = 0; w < LC__WINDOWS; w++) {
				lc_filter_window(&f, (enum lc_window)w);
				long listed = paged_total(&f);
				CU_ASSERT_TRUE(counts[w] >= 0);
				CU_ASSERT_EQUAL(counts[w], listed);
				if (counts[w] != listed) {
					mismatches++;
					fprintf(stderr, "%s: %s, contacted %d, office %d: count %ld, list %ld\n",
						step, lc_window_label((enum lc_window)w), c, o, counts[w],
						listed);
				}
				sum += counts[w];
				if (out && c == LC_CONTACT_ANY && o == 0)
					out[w] = counts[w];
				same_pages(&f);
			}
		}
	long d = drift();
	CU_ASSERT_EQUAL(d, 0);
	if (d)
		fprintf(stderr, "%s: %ld rows of the derived tables differ from the base tables\n",
			step, d);
	return sum;
}

#define EXPECT(c, e30, e60, e90, eexp)                                                       \
	do {                                                                                 \
		CU_ASSERT_EQUAL((c)[LC_WITHIN_30], e30);                                     \
		CU_ASSERT_EQUAL((c)[LC_WITHIN_60], e60);                                     \
		CU_ASSERT_EQUAL((c)[LC_WITHIN_90], e90);                                     \
		CU_ASSERT_EQUAL((c)[LC_EXPIRED], eexp);                                      \
	} while (0)

/* ---- the data ---- */

/* serial, seconds from now, owner (0 zhang, 1 li, 2 wang) */
static const struct { const char *serial; long secs; int owner; } certs[] = {
	{ "0E01", -120 * DAY, 0 },         /* 0: expired, due (the job revokes it) */
	{ "0E02", -91 * DAY, 1 },          /* 1: expired, due */
	{ "0E03", -90 * DAY, 2 },          /* 2: expired 90 days, kept */
	{ "0E04", -1, 0 },                 /* 3: expired a second ago: the tab's edge */
	{ "0E05", 0, 1 },                  /* 4: expires now: within 30 */
	{ "0E06", 5 * DAY, 2 },            /* 5: 30 */
	{ "0E07", 30 * DAY, 0 },           /* 6: 30, its last second */
	{ "0E08", 30 * DAY + 1, 1 },       /* 7: 60 */
	{ "0E09", 60 * DAY, 2 },           /* 8: 60, its last second */
	{ "0E10", 89 * DAY, 0 },           /* 9: 90 */
	{ "0E11", 90 * DAY, 1 },           /* 10: 90, its last second */
	{ "0E12", 90 * DAY + 1, 2 },       /* 11: no tab */
	{ "0E13", 400 * DAY, 0 },          /* 12: no tab */
	{ "0E14", 10 * DAY, 0 },           /* 13: 30; shares its serial with 14 */
	{ "0E14", 70 * DAY, 1 },           /* 14: 90, another issuer */
	{ "0E16", 7 * DAY, 2 },            /* 15: 30, revoked below */
	{ "0E17", 20 * DAY, 1 },           /* 16: 30 */
};
#define NCERTS ((int)(sizeof certs / sizeof certs[0]))
static char cert_ids[NCERTS][UUID_LEN + 1];

static const char *owner(int i)
{
	return i == 0 ? zhang : i == 1 ? li : wang;
}

static int setup_suite(void)
{
	struct err e;
	if (sodium_init() < 0 || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	svc.db = db;
	at(NOW_ISO);
	if (!unit_office(&svc, &admin, &clerk, &super))
		return 1;
	struct applicant_input a = { "13812345678", "张三", "11010519491231002X", "",
				     "深圳市福田区深南大道1号", "518000", NULL };
	struct applicant_input b = { "13900000002", "李四", "320106198503124510", "",
				     "南京市鼓楼区中山路1号", "", NULL };
	struct applicant_input c = { "13700000003", "王五", "110101199003072316", "",
				     "北京市东城区东长安街1号", "", NULL };
	return svc_applicant_import(&svc, &clerk, &a, NULL, zhang, &e) != ST_OK ||
	       svc_applicant_import(&svc, &clerk, &b, NULL, li, &e) != ST_OK ||
	       svc_applicant_import(&svc, &clerk, &c, NULL, wang, &e) != ST_OK;
}

static int teardown_suite(void)
{
	db_close(db);
	unsetenv("CERTDESK_NOW");
	return 0;
}

/* A personal application for a certificate serial, entered by the clerk;
 * submitted (pending review) when submit. */
static bool apply(const char *applicant, enum app_kind kind, const char *serial, bool submit,
		  char id[UUID_LEN + 1])
{
	struct application_input in = { .kind = kind, .subject = SUBJECT_PERSONAL,
					.years = kind == KIND_RENEWAL ? 1 : 0, .cert_serial = serial,
					.address = "深圳市福田区深南大道1号", .postal_code = "518000",
					.delivery = DELIVERY_PICKUP,
					.service_reason = kind == KIND_RENEWAL ? NULL : "证书不再使用" };
	char number[NUMBER_MAX];
	struct err e;
	if (svc_application_create(&svc, &clerk, applicant, &in, svc_agreement_version(), id, number,
				   &e) != ST_OK) {
		fprintf(stderr, "create %s: %s\n", serial, err_text(&e));
		return false;
	}
	if (!submit)
		return true;
	struct application a;
	if (svc_application_get(&svc, id, &a, &e) != ST_OK)
		return false;
	struct doc_item docs[16];
	int nd = svc_application_docs(&svc, &a, docs, 16, &e);
	for (int i = 0; i < nd; i++)
		if (docs[i].required &&
		    svc_application_paper(&svc, &clerk, id, docs[i].type, true, &e) != ST_OK)
			return false;
	if (svc_application_submit(&svc, &clerk, id, &e) != ST_OK) {
		fprintf(stderr, "submit %s: %s\n", serial, err_text(&e));
		return false;
	}
	return true;
}

/* A copy of application src as another application (kind, status, serial),
 * written as a pull would write it: straight into the table. */
static bool clone(const char *src, const char *id, const char *number, const char *kind,
		  const char *status, const char *serial)
{
	return run("CREATE TEMP TABLE IF NOT EXISTS app_copy AS SELECT * FROM applications WHERE 0",
		   NULL, NULL, NULL) &&
	       run("DELETE FROM app_copy", NULL, NULL, NULL) &&
	       run("INSERT INTO app_copy SELECT * FROM applications WHERE id = ?1", src, NULL, NULL) &&
	       run("UPDATE app_copy SET id = ?1, number = ?2, kind = ?3", id, number, kind) &&
	       run("UPDATE app_copy SET status = ?1, cert_serial = ?2", status, serial, NULL) &&
	       run("INSERT INTO applications SELECT * FROM app_copy", NULL, NULL, NULL);
}

/* ---- the tests ---- */

static void test_certificates(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	check("empty", c);
	EXPECT(c, 0, 0, 0, 0);
	for (int i = 0; i < NCERTS; i++)
		CU_ASSERT_TRUE_FATAL(bind(&clerk, owner(certs[i].owner), 500 + i, certs[i].serial,
					  now + certs[i].secs, cert_ids[i]));
	check("bound", c);
	EXPECT(c, 6, 8, 11, 4);

	/* An unbound certificate is nobody's to call. */
	CU_ASSERT_TRUE(run("INSERT INTO certificates (id, serial, subject, issuer, algorithm, key_desc,"
			   " not_before, not_after, sha256, sm3, created_at, updated_at) VALUES"
			   " ('0190a4c0-0000-7000-8000-0000000000d1', '0E18', 'CN=x', 'CN=y', 'SM2',"
			   " 'SM2', '2024-06-01T00:00:00Z', ?1, 'D1', 'D1', ?2, ?2)",
			   "2025-06-05T00:00:00Z", NOW_ISO, NULL));
	check("unbound", c);
	EXPECT(c, 6, 8, 11, 4);

	/* Revoked: off the list. */
	struct err e;
	CU_ASSERT_EQUAL(lifecycle_repo_revoke(db, cert_ids[15], NOW_ISO, "测试注销", &e), ST_OK);
	check("revoked", c);
	EXPECT(c, 5, 7, 10, 4);

	/* Moved to another applicant by a supervisor, unbound, bound again. */
	CU_ASSERT_TRUE(bind(&super, li, 500 + 5, certs[5].serial, now + certs[5].secs, NULL));
	check("moved", c);
	CU_ASSERT_TRUE(run("UPDATE certificates SET applicant_id = NULL, bound_at = NULL WHERE id = ?1",
			   cert_ids[5], NULL, NULL));
	check("unbound again", c);
	EXPECT(c, 4, 6, 9, 4);
	CU_ASSERT_TRUE(bind(&clerk, wang, 500 + 5, certs[5].serial, now + certs[5].secs, NULL));
	check("bound again", c);
	EXPECT(c, 5, 7, 10, 4);

	/* Another expiry (a corrected record from the centre). */
	CU_ASSERT_TRUE(run("UPDATE certificates SET not_after = ?1 WHERE id = ?2",
			   "2025-10-01T00:00:00Z", cert_ids[16], NULL));
	check("re-dated", c);
	EXPECT(c, 4, 6, 9, 4);
}

static char renewal[UUID_LEN + 1], revoke[UUID_LEN + 1], draft[UUID_LEN + 1];

static void test_applications(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	struct err e;
	/* A draft renewal does not count; submitted, it takes the certificate
	 * off; cancelled, it puts it back. */
	CU_ASSERT_TRUE_FATAL(apply(zhang, KIND_RENEWAL, "0E07", false, draft));
	check("draft renewal", c);
	EXPECT(c, 4, 6, 9, 4);
	CU_ASSERT_TRUE_FATAL(apply(zhang, KIND_RENEWAL, "0E10", true, renewal));
	check("renewal submitted", c);
	EXPECT(c, 4, 6, 8, 4);
	CU_ASSERT_EQUAL(svc_application_return(&svc, &super, renewal, "材料不清晰", &e), ST_OK);
	check("renewal returned", c);
	EXPECT(c, 4, 6, 8, 4);
	CU_ASSERT_EQUAL(svc_application_cancel(&svc, &clerk, renewal, "申请人改天再来", &e), ST_OK);
	check("renewal cancelled", c);
	EXPECT(c, 4, 6, 9, 4);

	/* A revocation, accepted: off; a second live one on the same serial,
	 * then each cancelled or deleted in turn. */
	CU_ASSERT_TRUE_FATAL(apply(li, KIND_REVOKE, "0E08", true, revoke));
	check("revoke submitted", c);
	EXPECT(c, 4, 5, 8, 4);
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, revoke, &e), ST_OK);
	check("revoke accepted", c);
	CU_ASSERT_TRUE(clone(revoke, "0190a4c0-0000-7000-8000-0000000000e1", "SQ-T-E1", "renewal",
			     "pending_review", "0E08"));
	check("two on one serial", c);
	EXPECT(c, 4, 5, 8, 4);
	CU_ASSERT_TRUE(run("UPDATE applications SET status = 'cancelled' WHERE id = ?1", revoke,
			   NULL, NULL));
	check("one of two cancelled", c);
	EXPECT(c, 4, 5, 8, 4);
	CU_ASSERT_TRUE(run("DELETE FROM applications WHERE id = '0190a4c0-0000-7000-8000-0000000000e1'",
			   NULL, NULL, NULL));
	check("the other deleted", c);
	EXPECT(c, 4, 6, 9, 4);

	/* Kinds that do not take a certificate off: change, reissue, unlock;
	 * a done revocation and a collected renewal still do. */
	CU_ASSERT_TRUE(clone(revoke, "0190a4c0-0000-7000-8000-0000000000e2", "SQ-T-E2", "change",
			     "accepted", "0E05"));
	CU_ASSERT_TRUE(clone(revoke, "0190a4c0-0000-7000-8000-0000000000e3", "SQ-T-E3", "unlock",
			     "pending_review", "0E04"));
	check("other kinds", c);
	EXPECT(c, 4, 6, 9, 4);
	CU_ASSERT_TRUE(clone(revoke, "0190a4c0-0000-7000-8000-0000000000e4", "SQ-T-E4", "revoke",
			     "done", "0E04"));
	CU_ASSERT_TRUE(clone(revoke, "0190a4c0-0000-7000-8000-0000000000e5", "SQ-T-E5", "renewal",
			     "collected", "0E06"));
	check("done and collected", c);
	EXPECT(c, 3, 5, 8, 3);

	/* Changed in place: another kind, another serial, back to draft. */
	CU_ASSERT_TRUE(run("UPDATE applications SET kind = 'change' WHERE id = ?1",
			   "0190a4c0-0000-7000-8000-0000000000e4", NULL, NULL));
	check("revoke became a change", c);
	EXPECT(c, 3, 5, 8, 4);
	CU_ASSERT_TRUE(run("UPDATE applications SET kind = 'reissue' WHERE id = ?1",
			   "0190a4c0-0000-7000-8000-0000000000e2", NULL, NULL));
	CU_ASSERT_TRUE(run("UPDATE applications SET kind = 'renewal' WHERE id = ?1",
			   "0190a4c0-0000-7000-8000-0000000000e2", NULL, NULL));
	check("change became a renewal", c);
	EXPECT(c, 2, 4, 7, 4);
	CU_ASSERT_TRUE(run("UPDATE applications SET cert_serial = '0E09' WHERE id = ?1",
			   "0190a4c0-0000-7000-8000-0000000000e5", NULL, NULL));
	check("renewal moved to another serial", c);
	EXPECT(c, 3, 4, 7, 4);
	CU_ASSERT_TRUE(run("UPDATE applications SET cert_serial = '' WHERE id = ?1",
			   "0190a4c0-0000-7000-8000-0000000000e5", NULL, NULL));
	check("renewal naming no serial", c);
	EXPECT(c, 3, 5, 8, 4);
	CU_ASSERT_TRUE(run("UPDATE applications SET status = 'draft' WHERE id = ?1",
			   "0190a4c0-0000-7000-8000-0000000000e2", NULL, NULL));
	check("renewal back to draft", c);
	EXPECT(c, 4, 6, 9, 4);

	/* Two certificates with one serial (two issuers): a renewal naming it
	 * takes both off, as the list does. */
	CU_ASSERT_TRUE_FATAL(apply(zhang, KIND_RENEWAL, "0E14", true, renewal));
	check("shared serial", c);
	EXPECT(c, 3, 5, 7, 4);
}

static void test_contacts(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	struct err e;
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, cert_ids[4], "电话联系，下周来续费", &e),
			ST_OK);
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, cert_ids[4], "再次电话", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, cert_ids[1], "已联系", &e), ST_OK);
	/* A reminder is not a conversation. */
	CU_ASSERT_TRUE(run("INSERT INTO certificate_contacts (id, certificate_id, kind, note, day,"
			   " office_id, created_by, created_at) VALUES"
			   " ('0190a4c0-0000-7000-8000-0000000000f1', ?1, 'sms', '提醒', '2025-06-01',"
			   " ?2, ?2, ?3)", cert_ids[8], clerk.office_id, NOW_ISO));
	CU_ASSERT_TRUE(check("contacts", c) > 0);
	struct lc_filter f;
	memset(&f, 0, sizeof f);
	f.contacted = LC_CONTACT_DONE;
	long done[LC__WINDOWS];
	svc_lifecycle_counts(&svc, &f, done);
	EXPECT(done, 1, 1, 1, 1);
	/* Contacts are never changed or deleted; should one be, the counts
	 * follow. */
	CU_ASSERT_TRUE(run("UPDATE certificate_contacts SET certificate_id = ?1 WHERE certificate_id = ?2",
			   cert_ids[6], cert_ids[1], NULL));
	check("contact moved", c);
	svc_lifecycle_counts(&svc, &f, done);
	EXPECT(done, 2, 2, 2, 0);
	CU_ASSERT_TRUE(run("UPDATE certificate_contacts SET kind = 'sms', day = '2025-05-31' WHERE"
			   " certificate_id = ?1", cert_ids[6], NULL, NULL));
	check("contact became a reminder", c);
	CU_ASSERT_TRUE(run("DELETE FROM certificate_contacts WHERE certificate_id = ?1 AND note = ?2",
			   cert_ids[4], "再次电话", NULL));
	check("one of two contacts deleted", c);
	svc_lifecycle_counts(&svc, &f, done);
	EXPECT(done, 1, 1, 1, 0);
	CU_ASSERT_TRUE(run("DELETE FROM certificate_contacts WHERE certificate_id = ?1", cert_ids[4],
			   NULL, NULL));
	check("the other deleted too", c);
	svc_lifecycle_counts(&svc, &f, done);
	EXPECT(done, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, cert_ids[4], "又联系上了", &e), ST_OK);
	check("contacted again", c);
}

/* The applicant's row as a pull would write it, office changed. */
static bool pull_applicant(const char *id, const char *new_id, const char *office)
{
	const struct sync_table *t = sync_table_find("applicants");
	json_t *key = json_pack("{s:s}", "id", id), *row = NULL;
	struct err e;
	bool ok = t && sync_row_get(db, t, key, &row, &e) == ST_OK;
	if (ok) {
		json_object_set_new(row, "office_id", json_string(office));
		if (new_id) {
			json_object_set_new(row, "id", json_string(new_id));
			json_object_set_new(row, "phone", json_string("13600000004"));
			json_object_set_new(row, "id_number", json_string("110101198001010053"));
		}
		ok = sync_row_put(db, t, row, &e) == ST_OK;
		if (!ok)
			fprintf(stderr, "pull applicant: %s\n", err_text(&e));
	}
	json_decref(key);
	json_decref(row);
	return ok;
}

static void test_offices_and_pulls(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	struct err e;
	/* 王五 re-registered at another office, as the centre says. */
	CU_ASSERT_TRUE(pull_applicant(wang, NULL, OFFICE_B));
	check("office changed", c);
	struct lc_filter f;
	memset(&f, 0, sizeof f);
	snprintf(f.office_id, sizeof f.office_id, "%s", OFFICE_B);
	long b[LC__WINDOWS];
	svc_lifecycle_counts(&svc, &f, b);
	EXPECT(b, 1, 2, 2, 1);   /* 0E06, 0E09 (60 days), 0E03 (expired) */

	/* A pull writes a certificate before its applicant (foreign keys off):
	 * not listed, not counted, until the applicant arrives. */
	const struct sync_table *t = sync_table_find("certificates");
	json_t *key = json_pack("{s:s}", "id", cert_ids[9]), *row = NULL;
	CU_ASSERT_EQUAL_FATAL(sync_row_get(db, t, key, &row, &e), ST_OK);
	json_decref(key);
	json_object_set_new(row, "id", json_string("0190a4c0-0000-7000-8000-0000000000c2"));
	json_object_set_new(row, "sha256", json_string("C2"));
	json_object_set_new(row, "serial", json_string("0E19"));
	json_object_set_new(row, "applicant_id", json_string(LATE_APPLICANT));
	CU_ASSERT_TRUE(run("PRAGMA foreign_keys = OFF", NULL, NULL, NULL));
	CU_ASSERT_EQUAL(sync_row_put(db, t, row, &e), ST_OK);
	json_decref(row);
	long before = check("certificate before its applicant", c);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM expiry_orphans"), 1);
	CU_ASSERT_TRUE(pull_applicant(li, LATE_APPLICANT, OFFICE_B));
	long after = check("its applicant arrived", c);
	CU_ASSERT_TRUE(after > before);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM expiry_orphans"), 0);
	/* An applicant deleted under its certificates (as a pull may). */
	CU_ASSERT_TRUE(run("DELETE FROM applicants WHERE id = ?1", LATE_APPLICANT, NULL, NULL));
	CU_ASSERT_EQUAL(check("applicant deleted", c), before);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM expiry_orphans"), 1);
	CU_ASSERT_TRUE(run("DELETE FROM certificates WHERE id = '0190a4c0-0000-7000-8000-0000000000c2'",
			   NULL, NULL, NULL));
	check("orphan deleted", c);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM expiry_orphans"), 0);
	/* An applicant's id changed (nothing does that; the counts follow
	 * anyway): the certificates wait for the old id, and come back with
	 * it. */
	CU_ASSERT_TRUE(run("UPDATE applicants SET id = ?1 WHERE id = ?2", LATE_APPLICANT, wang, NULL));
	CU_ASSERT_TRUE(check("applicant re-keyed", c) < before);
	CU_ASSERT_TRUE(one("SELECT count(*) FROM expiry_orphans") > 0);
	CU_ASSERT_TRUE(run("UPDATE applicants SET id = ?1 WHERE id = ?2", wang, LATE_APPLICANT, NULL));
	CU_ASSERT_EQUAL(check("applicant re-keyed back", c), before);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM expiry_orphans"), 0);
	CU_ASSERT_TRUE(run("PRAGMA foreign_keys = ON", NULL, NULL, NULL));
}

static void test_job_and_time(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	struct err e;
	/* The job revokes what is due: expired 120 and 91 days. */
	struct lc_run r;
	check("before the job", c);
	long expired = c[LC_EXPIRED];
	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &super, 0, NULL, NULL, &r, &e), ST_OK);
	CU_ASSERT_EQUAL(r.revoked, 2);
	check("after the job", c);
	CU_ASSERT_EQUAL(c[LC_EXPIRED], expired - 2);
	/* Later (reading only: no row is made at a clock ahead of the others'),
	 * the windows move over the same rows. */
	const char *later[] = { "2025-06-01T02:00:01Z", "2025-07-01T02:00:00Z",
				"2025-07-01T02:00:01Z", "2025-08-15T00:00:00Z", "2026-09-01T00:00:00Z" };
	for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
		at(later[i]);
		check(later[i], c);
	}
	at(NOW_ISO);
}

/* Certificates expiring at the same second, some contacted: an office's
 * page merges its two ranges (not contacted, contacted) by id. */
static void test_ties(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	check("before the ties", c);
	long before = c[LC_WITHIN_30];
	static const char *const ids[] = {
		"0190a4c0-0000-7000-8000-0000000001a4", "0190a4c0-0000-7000-8000-0000000001a1",
		"0190a4c0-0000-7000-8000-0000000001a3", "0190a4c0-0000-7000-8000-0000000001a2",
	};
	for (int i = 0; i < 4; i++) {
		char sha[8];
		snprintf(sha, sizeof sha, "A%d", i);
		CU_ASSERT_TRUE(run("INSERT INTO certificates (id, serial, subject, issuer, algorithm,"
				   " key_desc, not_before, not_after, sha256, sm3, applicant_id, bound_at,"
				   " created_at, updated_at) SELECT ?1, 'A' || substr(?1, -2), subject,"
				   " issuer, algorithm, key_desc, not_before, not_after, ?3, sm3,"
				   " applicant_id, bound_at, created_at, updated_at FROM certificates"
				   " WHERE id = ?2", ids[i], cert_ids[6], sha));
	}
	check("four expiring at one second", c);
	CU_ASSERT_EQUAL(c[LC_WITHIN_30], before + 4);
	struct err e;
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, ids[1], "已联系", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, ids[2], "已联系", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, cert_ids[6], "已联系", &e), ST_OK);
	check("two of them contacted", c);
	CU_ASSERT_EQUAL(c[LC_WITHIN_30], before + 4);
	CU_ASSERT_EQUAL(page_diffs, 0);
}

/* Every counts statement the code prepared (check() used all four: office
 * and contacted filters set or not) reads ranges of a covering index, one
 * a window (two for an office without a contacted filter), and nothing
 * else. */
static void test_plans(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	check("plans", c);
	int statements = 0;
	for (sqlite3_stmt *s = sqlite3_next_stmt(db_handle(db), NULL); s;
	     s = sqlite3_next_stmt(db_handle(db), s)) {
		const char *sql = sqlite3_sql(s);
		if (!sql || !strstr(sql, "count(*) FROM expiry_certs w") ||
		    strncmp(sql, "SELECT", 6) != 0)
			continue;
		char eqp[8192], plan[4096] = "";
		snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *x;
		CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db_handle(db), eqp, -1, &x, NULL), SQLITE_OK);
		int ranges = 0, office_ranges = 0;
		while (sqlite3_step(x) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(x, 3);
			size_t n = strlen(plan);
			snprintf(plan + n, sizeof plan - n, "%s; ", d);
			ranges += strstr(d, "SEARCH w USING COVERING INDEX expiry_certs_open"
					 " (not_after>? AND not_after<?)") != NULL;
			office_ranges += strstr(d, "SEARCH w USING COVERING INDEX expiry_certs_office"
						" (office_id=? AND contacted=? AND not_after>? AND"
						" not_after<?)") != NULL;
		}
		sqlite3_finalize(x);
		/* Every office: one range of expiry_certs_open a window. One
		 * office: one of expiry_certs_office, or two (not contacted and
		 * contacted) without a contacted filter. */
		bool office = strstr(sql, "w.office_id = ?3") != NULL;
		bool contacted = strstr(sql, "(?4 = 2)") != NULL;
		int want = office ? (contacted ? 4 : 8) : 4;
		CU_ASSERT_EQUAL(office ? office_ranges : ranges, want);
		CU_ASSERT_EQUAL(office ? ranges : office_ranges, 0);
		CU_ASSERT_PTR_NULL(strstr(plan, "SCAN w"));
		CU_ASSERT_PTR_NULL(strstr(plan, "TEMP B-TREE"));
		CU_ASSERT_PTR_NULL(strstr(plan, "certificates"));
		CU_ASSERT_PTR_NULL(strstr(plan, "applica"));
		if ((office ? office_ranges : ranges) != want)
			fprintf(stderr, "counts plan: %s\n", plan);
		statements++;
	}
	CU_ASSERT_EQUAL(statements, 4);
}

/* Every office page statement the code prepared (check() pages in all five
 * directions): two ranges of expiry_certs_office, each bounded on
 * not_after once below and once above (the key being one of the two
 * bounds when there is one), then the page's certificates and applicants
 * by primary key; no table walked. */
static void test_office_plans(void)
{
	at(NOW_ISO);
	long c[LC__WINDOWS];
	check("office plans", c);
	int statements = 0, keyed = 0;
	for (sqlite3_stmt *s = sqlite3_next_stmt(db_handle(db), NULL); s;
	     s = sqlite3_next_stmt(db_handle(db), s)) {
		const char *sql = sqlite3_sql(s);
		if (!sql || !strstr(sql, "FROM expiry_certs w") || !strstr(sql, "UNION ALL"))
			continue;
		char eqp[8192], plan[4096] = "";
		snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *x;
		CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db_handle(db), eqp, -1, &x, NULL), SQLITE_OK);
		int ranges = 0, rows = 0;
		bool key = false;
		while (sqlite3_step(x) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(x, 3);
			size_t n = strlen(plan);
			snprintf(plan + n, sizeof plan - n, "%s; ", d);
			if (strstr(d, "SEARCH w USING COVERING INDEX expiry_certs_office"
				      " (office_id=? AND contacted=? AND ")) {
				ranges++;
				bool by_key = strstr(d, "(not_after,certificate_id)") != NULL;
				key = key || by_key;
				/* Bounded on both sides, each side once. */
				CU_ASSERT_TRUE(strstr(d, "not_after>") || strstr(d, "certificate_id)>"));
				CU_ASSERT_TRUE(strstr(d, "not_after<") || strstr(d, "certificate_id)<"));
				CU_ASSERT_TRUE(!by_key || (strstr(d, "not_after>") == NULL) !=
								  (strstr(d, "not_after<") == NULL));
			}
			rows += strstr(d, "SEARCH c USING INDEX sqlite_autoindex_certificates_1 (id=?)") != NULL;
			rows += strstr(d, "SEARCH p USING INDEX sqlite_autoindex_applicants_1 (id=?)") != NULL;
		}
		sqlite3_finalize(x);
		CU_ASSERT_EQUAL(ranges, 2);
		CU_ASSERT_EQUAL(rows, 2);
		CU_ASSERT_PTR_NULL(strstr(plan, "SCAN w"));
		CU_ASSERT_PTR_NULL(strstr(plan, "SCAN c"));
		CU_ASSERT_PTR_NULL(strstr(plan, "SCAN p"));
		CU_ASSERT_PTR_NULL(strstr(plan, "applications"));
		if (ranges != 2 || rows != 2)
			fprintf(stderr, "office page plan: %s\n", plan);
		statements++;
		keyed += key;
	}
	CU_ASSERT_EQUAL(statements, 5);
	CU_ASSERT_EQUAL(keyed, 3);
}

/* The migration's statements, run again over the data as it now is, build
 * the same derived rows the triggers kept. */
static void test_migration_rebuilds(void)
{
	at(NOW_ISO);
	const struct migration *m = NULL, *office = NULL;
	for (size_t i = 0; i < migrations_count; i++) {
		if (strstr(migrations[i].name, "_expiry_counts"))
			m = &migrations[i];
		if (strstr(migrations[i].name, "_expiry_office"))
			office = &migrations[i];
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(office);
	long before[LC__WINDOWS], after[LC__WINDOWS];
	check("kept by triggers", before);
	long certs_n = one("SELECT count(*) FROM expiry_certs");
	CU_ASSERT_TRUE(certs_n > 0);
	struct err e;
	sqlite3_stmt *s;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db_handle(db), "SELECT type, name FROM sqlite_master"
						 " WHERE (type = 'trigger' AND name LIKE 'expiry\\_%' ESCAPE '\\')"
						 " OR name IN ('applications_ready', 'expiry_certs',"
						 " 'expiry_handled', 'expiry_orphans')"
						 " ORDER BY type = 'table'", -1, &s, NULL), SQLITE_OK);
	char drops[4096] = "";
	int dropped = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		size_t n = strlen(drops);
		snprintf(drops + n, sizeof drops - n, "DROP %s %s;",
			 (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1));
		dropped++;
	}
	sqlite3_finalize(s);
	CU_ASSERT_TRUE(dropped >= 17);
	CU_ASSERT_EQUAL_FATAL(db_exec(db, drops, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(db_exec(db, m->sql, &e), ST_OK);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM sqlite_master WHERE name = 'expiry_certs_office'"), 0);
	CU_ASSERT_EQUAL_FATAL(db_exec(db, office->sql, &e), ST_OK);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM expiry_certs"), certs_n);
	check("rebuilt by the migration", after);
	for (int w = 0; w < LC__WINDOWS; w++)
		CU_ASSERT_EQUAL(after[w], before[w]);
	CU_ASSERT_EQUAL(mismatches, 0);
	CU_ASSERT_EQUAL(page_diffs, 0);
}

void suite_lifecycle_counts(void)
{
	UNIT_SUITE("lifecycle_counts", setup_suite, teardown_suite,
		   { "counts = lists: bound, unbound, revoked, moved, re-dated", test_certificates },
		   { "counts = lists: renewals and revocations in every state", test_applications },
		   { "counts = lists: contacted, reminded", test_contacts },
		   { "counts = lists: offices, pulls before the applicant", test_offices_and_pulls },
		   { "counts = lists: the job, and the clock moving on", test_job_and_time },
		   { "counts = lists: certificates expiring at one second", test_ties },
		   { "counts: ranges of covering indexes", test_plans },
		   { "office pages: two ranges of one covering index", test_office_plans },
		   { "the migration builds what the triggers keep", test_migration_rebuilds });
}
