/*
 * The certificate lifecycle (svc/lifecycle.h) on an in-memory database with
 * certificates bound through certificate.bind and a pinned clock
 * (CERTDESK_NOW), in Asia/Shanghai: the day arithmetic at its edges (89,
 * 90 and 91 days; local days around midnight) and its agreement with the
 * renewal rule; the worklist's windows, filters and keyset pages; contacts;
 * SMS reminders through the real file driver, at most one per certificate
 * and local day, nothing recorded when the gateway refuses; the revocation
 * job (only what is due, one audited command each, a second run changes
 * nothing, supervisors only, replay at the centre); retention's use of the
 * certificate.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/key.h"
#include "svc/lifecycle.h"
#include "svc/retention.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"

#define DAY 86400L
/* 2025-06-01 10:00 in Shanghai. */
#define NOW_ISO "2025-06-01T02:00:00Z"

static struct db *db;
static struct svc svc;
static struct actor admin, clerk, super;
static char zhang[UUID_LEN + 1], li[UUID_LEN + 1];
static time_t now;
static char tmpdir[512], spool[600];
static struct sms_gateway *gw;

static int count(const char *sql)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

#define WRITES() (count("SELECT count(*) FROM audit_log") * 1000 + count("SELECT count(*) FROM outbox"))

static int spool_lines(void)
{
	FILE *f = fopen(spool, "r");
	if (!f)
		return 0;
	int n = 0, ch;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static void at(const char *iso)
{
	setenv("CERTDESK_NOW", iso, 1);
	clock_parse_iso(iso, &now);
}

/* Bind a certificate to an applicant; its id into id_out (may be NULL). */
static bool bind(const char *applicant, int n, const char *serial, time_t not_after,
		 const char *cn, const char *o, char *id_out)
{
	struct cert c;
	memset(&c, 0, sizeof c);
	snprintf(c.subject_cn, sizeof c.subject_cn, "%s", cn);
	snprintf(c.subject_o, sizeof c.subject_o, "%s", o ? o : "");
	snprintf(c.subject, sizeof c.subject, "CN=%s, C=CN", cn);
	snprintf(c.issuer, sizeof c.issuer, "CN=某某数字认证测试CA, C=CN");
	snprintf(c.serial, sizeof c.serial, "%s", serial);
	c.not_after = not_after;
	c.not_before = not_after - 365 * DAY;
	clock_iso(c.not_before, c.not_before_iso);
	clock_iso(c.not_after, c.not_after_iso);
	c.key_alg = CERT_KEY_SM2;
	snprintf(c.key_desc, sizeof c.key_desc, "SM2");
	for (int i = 0; i < 64; i++) {
		c.sha256[i] = "0123456789ABCDEF"[(n * 7 + i * (n % 5 + 1)) % 16];
		c.sm3[i] = "FEDCBA9876543210"[(n + i) % 16];
	}
	snprintf(c.sha256, 9, "%08X", (unsigned)n);
	c.sha256[8] = 'A';
	struct err e;
	if (svc_cert_bind(&svc, &clerk, applicant, &c, "", TOKEN_SLOT_AUTH, &e) != ST_OK) {
		fprintf(stderr, "bind %s: %s\n", serial, err_text(&e));
		return false;
	}
	if (id_out) {
		struct cert_row r;
		if (cert_repo_by_sha256(db, c.sha256, &r, &e) != ST_OK)
			return false;
		snprintf(id_out, UUID_LEN + 1, "%s", r.id);
	}
	return true;
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
	if (svc_applicant_import(&svc, &clerk, &a, NULL, zhang, &e) != ST_OK ||
	    svc_applicant_import(&svc, &clerk, &b, NULL, li, &e) != ST_OK)
		return 1;
	const char *base = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/lifecycle.XXXXXX", base);
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(spool, sizeof spool, "%s/spool.txt", tmpdir);
	struct sms_config cfg = { .driver = "file" };
	snprintf(cfg.spool, sizeof cfg.spool, "%s", spool);
	return sms_open(&cfg, &gw, &e) != ST_OK;
}

static int teardown_suite(void)
{
	sms_free(gw);
	db_close(db);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	unsetenv("CERTDESK_NOW");
	return system(cmd) == 0 ? 0 : 1;
}

/* ---- days ---- */

static void test_days(void)
{
	time_t t = now;
	struct cert c;
	memset(&c, 0, sizeof c);
	struct err e;
	/* Expired 89 and 90 days: kept, renewable; a second more, or 91 days:
	 * due, and not renewable: one rule. */
	const struct { long secs; bool due; } cases[] = {
		{ -30 * DAY, false }, { 0, false }, { 1, false }, { 89 * DAY, false },
		{ 90 * DAY, false }, { 90 * DAY + 1, true }, { 91 * DAY, true }, { 400 * DAY, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c.not_after = t - cases[i].secs;
		c.not_before = c.not_after - 365 * DAY;
		CU_ASSERT_EQUAL(lifecycle_due(c.not_after, t), cases[i].due);
		CU_ASSERT_EQUAL(key_renewal_allowed(&c, t, &e) == ST_OK, !cases[i].due);
		char before[21], na[21];
		lifecycle_due_before(t, before);
		clock_iso(c.not_after, na);
		CU_ASSERT_EQUAL(strcmp(na, before) < 0, cases[i].due); /* the job's query */
	}
	CU_ASSERT_EQUAL(lifecycle_grace_end(t), t + 90 * DAY);

	char s[160];
	lifecycle_standing(t + 30 * DAY, "", t, true, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "剩 30 天");
	lifecycle_standing(t + 3600, "", t, true, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "今天到期");
	lifecycle_standing(t - 89 * DAY, "", t, true, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "过期89天 余1天");
	lifecycle_standing(t - 90 * DAY, "", t, true, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "过期90天 余0天");
	lifecycle_standing(t - 91 * DAY, "", t, true, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "待注销");
	lifecycle_standing(t - 90 * DAY - 3600, "", t, false, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已过期超过 90 天，待注销");     /* not "90 days": that one stays */
	lifecycle_expired_text(t - 90 * DAY, t, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已过期 90 天");
	lifecycle_expired_text(t - 91 * DAY, t, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已过期 91 天");
	lifecycle_standing(t - 91 * DAY, "2025-05-31T16:30:00Z", t, false, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已于 2025-06-01 注销");       /* 00:30 in Shanghai */
	/* Expired at 23:59:59 local on 2025-03-03: renewable to the end of
	 * 2025-06-01, local. */
	time_t na;
	CU_ASSERT_TRUE(clock_parse_iso("2025-03-03T15:59:59Z", &na));
	lifecycle_standing(na, "", t, false, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已过期 89 天，还有 1 天注销（最迟 2025-06-01 续费）");

	/* Local days: 16:00 UTC is midnight in Shanghai. */
	char day[LC_DAY_MAX];
	time_t x;
	clock_parse_iso("2025-06-01T15:59:59Z", &x);
	lifecycle_local_day(x, day);
	CU_ASSERT_STRING_EQUAL(day, "2025-06-01");
	lifecycle_local_day(x + 1, day);
	CU_ASSERT_STRING_EQUAL(day, "2025-06-02");

	/* Windows: [now, now + N days]; expired: before now. */
	struct lc_filter f;
	memset(&f, 0, sizeof f);
	char lo[21], hi[21];
	lc_filter_window(&f, LC_WITHIN_30);
	lifecycle_window_bounds(&f, t, lo, hi);
	CU_ASSERT_STRING_EQUAL(lo, NOW_ISO);
	CU_ASSERT_STRING_EQUAL(hi, "2025-07-01T02:00:00Z");
	lc_filter_window(&f, LC_EXPIRED);
	lifecycle_window_bounds(&f, t, lo, hi);
	CU_ASSERT_STRING_EQUAL(lo, "");
	CU_ASSERT_STRING_EQUAL(hi, "2025-06-01T01:59:59Z");

	/* The reminder names the holder and the local date. */
	char text[512];
	clock_parse_iso("2025-06-20T16:30:00Z", &x);   /* 2025-06-21 00:30 local */
	lifecycle_reminder_text("福州某某科技有限公司", "0A1B2C3D4E5F", x, t, text, sizeof text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "福州某某科技有限公司的数字证书"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "4E5F"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "2025年6月21日到期"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "受理点柜台"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "网上服务平台"));
	lifecycle_reminder_text("张三", "0A", na, t, text, sizeof text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "已于2025年3月3日到期"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "最迟于2025年6月1日"));
	lifecycle_holder("041@Z110101199003071234@张三@1", "", text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "张三");
	lifecycle_holder("张三", "福州某某科技有限公司", text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "福州某某科技有限公司");

	char out[21];
	retention_cert_invalid("", "2031-01-01T00:00:00Z", "", out);
	CU_ASSERT_STRING_EQUAL(out, "2031-01-01T00:00:00Z");
	retention_cert_invalid("", "2031-01-01T00:00:00Z", "2029-05-01T00:00:00Z", out);
	CU_ASSERT_STRING_EQUAL(out, "2029-05-01T00:00:00Z");
	retention_cert_invalid("2028-01-01T00:00:00Z", "2031-01-01T00:00:00Z", "", out);
	CU_ASSERT_STRING_EQUAL(out, "2028-01-01T00:00:00Z");
}

/* ---- the worklist ---- */

static char ids[8][UUID_LEN + 1];

/* The certificates of the worklist test: serial, days from now, holder. */
static const struct { const char *serial; long days; const char *o; } certs[] = {
	{ "0C01", 10, "福州某某科技有限公司" },  /* 0: 30-day window */
	{ "0C02", 45, "" },                      /* 1: 60 */
	{ "0C03", 80, "" },                      /* 2: 90 */
	{ "0C04", 200, "" },                     /* 3: none */
	{ "0C05", -5, "" },                      /* 4: expired */
	{ "0C06", -95, "" },                     /* 5: expired, due */
};

static long win(enum lc_window w, int contacted, const char *office)
{
	struct lc_filter f;
	memset(&f, 0, sizeof f);
	lc_filter_window(&f, w);
	f.contacted = contacted;
	snprintf(f.office_id, sizeof f.office_id, "%s", office ? office : "");
	long counts[LC__WINDOWS];
	svc_lifecycle_counts(&svc, &f, counts);
	struct lc_row rows[16];
	struct err e;
	int n = svc_lifecycle_page(&svc, &f, PAGE_FIRST, "", rows, 16, &e);
	CU_ASSERT_EQUAL(n, counts[w]);
	return n;
}

/* Every tab under every filter: the counts (one statement per filter set)
 * are the rows its worklist holds (win asserts it); returns their sum. */
static long every_window(void)
{
	const char *offices[] = { NULL, clerk.office_id, "0190a4c0-0000-7000-8000-00000000ffff" };
	long sum = 0;
	for (int w = 0; w < LC__WINDOWS; w++)
		for (int c = LC_CONTACT_ANY; c <= LC_CONTACT_DONE; c++)
			for (int o = 0; o < 3; o++)
				sum += win((enum lc_window)w, c, offices[o]);
	return sum;
}

static void test_worklist(void)
{
	at(NOW_ISO);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_TRUE_FATAL(bind(i % 2 ? li : zhang, 100 + i, certs[i].serial,
					  now + certs[i].days * DAY, i % 2 ? "李四" : "张三",
					  certs[i].o, ids[i]));
	CU_ASSERT_EQUAL(win(LC_WITHIN_30, 0, NULL), 1);
	CU_ASSERT_EQUAL(win(LC_WITHIN_60, 0, NULL), 2);
	CU_ASSERT_EQUAL(win(LC_WITHIN_90, 0, NULL), 3);
	CU_ASSERT_EQUAL(win(LC_EXPIRED, 0, NULL), 2);   /* due ones too, until the job runs */
	CU_ASSERT_EQUAL(win(LC_WITHIN_90, 0, clerk.office_id), 3);
	CU_ASSERT_EQUAL(win(LC_WITHIN_90, 0, "0190a4c0-0000-7000-8000-00000000ffff"), 0);

	struct lc_filter f;
	memset(&f, 0, sizeof f);
	lc_filter_window(&f, LC_WITHIN_90);
	struct lc_row rows[4];
	struct err e;
	CU_ASSERT_EQUAL_FATAL(svc_lifecycle_page(&svc, &f, PAGE_FIRST, "", rows, 4, &e), 3);
	CU_ASSERT_STRING_EQUAL(rows[0].serial, "0C01");              /* soonest first */
	CU_ASSERT_STRING_EQUAL(rows[0].org, "福州某某科技有限公司");
	CU_ASSERT_STRING_EQUAL(rows[0].applicant_name, "张三");
	CU_ASSERT_STRING_EQUAL(rows[0].applicant_phone, "13812345678");
	CU_ASSERT_STRING_EQUAL(rows[1].serial, "0C02");
	CU_ASSERT_STRING_EQUAL(rows[1].applicant_name, "李四");
	CU_ASSERT_STRING_EQUAL(rows[0].last_contact_at, "");
	CU_ASSERT_FALSE(rows[0].contacted);
	/* Keyset pages, both ways. */
	char key[LC_KEY_MAX];
	lifecycle_repo_key(&rows[0], key);
	struct lc_row more[4];
	CU_ASSERT_EQUAL(svc_lifecycle_page(&svc, &f, PAGE_AFTER, key, more, 4, &e), 2);
	CU_ASSERT_STRING_EQUAL(more[0].serial, "0C02");
	lifecycle_repo_key(&rows[2], key);
	CU_ASSERT_EQUAL(svc_lifecycle_page(&svc, &f, PAGE_BEFORE, key, more, 4, &e), 2);
	CU_ASSERT_STRING_EQUAL(more[0].serial, "0C01");
	CU_ASSERT_STRING_EQUAL(more[1].serial, "0C02");
	CU_ASSERT_EQUAL(svc_lifecycle_page(&svc, &f, PAGE_LAST, "", more, 2, &e), 2);
	CU_ASSERT_STRING_EQUAL(more[0].serial, "0C02");
	CU_ASSERT_STRING_EQUAL(more[1].serial, "0C03");
	CU_ASSERT_EQUAL(svc_lifecycle_page(&svc, &f, PAGE_AT, key, more, 4, &e), 1);

	/* Found by serial, separators and case aside. */
	struct lc_row r;
	CU_ASSERT_EQUAL(svc_lifecycle_find(&svc, "0c:01", &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.id, ids[0]);
	CU_ASSERT_EQUAL(svc_lifecycle_find(&svc, "0C99", &r, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(svc_lifecycle_find(&svc, "XYZ", &r, &e), ST_INVALID);

	/* A renewal on its way takes a certificate off the list. */
	struct application_input in = { .kind = KIND_RENEWAL, .subject = SUBJECT_PERSONAL,
					.years = 1, .cert_serial = "0C01",
					.address = "深圳市福田区深南大道1号", .postal_code = "518000",
					.delivery = DELIVERY_PICKUP };
	char app_id[UUID_LEN + 1], number[NUMBER_MAX];
	CU_ASSERT_EQUAL_FATAL(svc_application_create(&svc, &clerk, zhang, &in, svc_agreement_version(),
						     app_id, number, &e), ST_OK);
	CU_ASSERT_EQUAL(win(LC_WITHIN_30, 0, NULL), 1);              /* a draft does not count */
	struct application a;
	CU_ASSERT_EQUAL_FATAL(svc_application_get(&svc, app_id, &a, &e), ST_OK);
	struct doc_item docs[16];
	int nd = svc_application_docs(&svc, &a, docs, 16, &e);
	for (int i = 0; i < nd; i++)
		if (docs[i].required)
			CU_ASSERT_EQUAL(svc_application_paper(&svc, &clerk, app_id, docs[i].type, true, &e),
					ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_application_submit(&svc, &clerk, app_id, &e), ST_OK);
	CU_ASSERT_EQUAL(win(LC_WITHIN_30, 0, NULL), 0);
	CU_ASSERT_TRUE(every_window() > 0);
	struct lc_reminder rem;
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[0], &rem, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, number));
	CU_ASSERT_EQUAL(svc_application_cancel(&svc, &clerk, app_id, "申请人改天再来", &e), ST_OK);
	CU_ASSERT_EQUAL(win(LC_WITHIN_30, 0, NULL), 1);
}

/* ---- contacts ---- */

static void test_contacts(void)
{
	at(NOW_ISO);
	struct err e;
	int before = WRITES();
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, ids[1], "  ", &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "note");
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, ids[1], "一行\n两行", &e), ST_INVALID);
	char longer[1000] = "";
	for (int i = 0; i < 201; i++)
		strcat(longer, "字");
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, ids[1], longer, &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, "0190a4c0-0000-7000-8000-00000000ffff",
					      "电话联系", &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(WRITES(), before);                          /* refusals write nothing */

	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &clerk, ids[1], "电话联系，下周来续费", &e), ST_OK);
	CU_ASSERT_EQUAL(WRITES(), before + 1001);                   /* one audit, one outbox entry */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'certificate.contact@1'"), 1);
	CU_ASSERT_EQUAL(win(LC_WITHIN_60, LC_CONTACT_DONE, NULL), 1);
	CU_ASSERT_EQUAL(win(LC_WITHIN_60, LC_CONTACT_NOT, NULL), 1);
	CU_ASSERT_TRUE(every_window() > 0);
	struct lc_row r;
	CU_ASSERT_EQUAL(svc_lifecycle_get(&svc, ids[1], &r, &e), ST_OK);
	CU_ASSERT_TRUE(r.contacted);
	CU_ASSERT_STRING_EQUAL(r.last_contact_at, NOW_ISO);
	CU_ASSERT_STRING_EQUAL(r.last_contact_kind, "contact");
	at("2025-06-01T03:00:00Z");
	CU_ASSERT_EQUAL(svc_lifecycle_contact(&svc, &super, ids[1], "再次电话，已约好", &e), ST_OK);
	struct lc_contact k[4];
	CU_ASSERT_EQUAL_FATAL(svc_lifecycle_contacts(&svc, ids[1], k, 4, &e), 2);
	CU_ASSERT_STRING_EQUAL(k[0].note, "再次电话，已约好");         /* newest first */
	CU_ASSERT_STRING_EQUAL(k[0].created_by_name, "王审核");
	CU_ASSERT_STRING_EQUAL(k[0].day, "2025-06-01");
	CU_ASSERT_STRING_EQUAL(k[1].note, "电话联系，下周来续费");
	CU_ASSERT_STRING_EQUAL(k[1].kind, "contact");
	at(NOW_ISO);
}

/* ---- reminders ---- */

static void test_remind(void)
{
	struct err e;
	struct lc_reminder r;
	at("2025-06-01T01:00:00Z");                 /* 09:00 in Shanghai */
	int lines = spool_lines(), before = WRITES();
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, NULL, &clerk, ids[0], &r, &e), ST_UNSUPPORTED);
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[0], &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.phone_masked, "138****5678");
	CU_ASSERT_STRING_EQUAL(r.day, "2025-06-01");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "福州某某科技有限公司"));
	CU_ASSERT_EQUAL(spool_lines(), lines + 1);
	CU_ASSERT_EQUAL(WRITES(), before + 1001);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM certificate_contacts WHERE kind = 'sms'"), 1);
	/* The message's id is the record's. */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM certificate_contacts WHERE kind = 'sms' AND"
			      " note LIKE '%福州某某科技有限公司%'"), 1);

	/* The same local day: 23:59 in Shanghai. Refused, nothing sent. */
	at("2025-06-01T15:59:00Z");
	before = WRITES();
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[0], &r, &e), ST_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "今天"));
	CU_ASSERT_EQUAL(spool_lines(), lines + 1);
	CU_ASSERT_EQUAL(WRITES(), before);
	/* The centre refuses a second one of that day from another terminal too. */
	json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "id", "0190a4c0-0000-7000-8000-0000000000a1",
			      "certificate_id", ids[0], "text", "【数字证书服务】测试", "day",
			      "2025-06-01");
	svc.centre = true;
	CU_ASSERT_EQUAL(svc_exec(&svc, &clerk, &cmd_certificate_remind, p, &e), ST_EXISTS);
	json_decref(p);
	/* Otherwise it records what a terminal sent, whatever its own view of
	 * the terminal's rules (here: 200 days ahead, too early). */
	p = json_pack("{s:s, s:s, s:s, s:s}", "id", "0190a4c0-0000-7000-8000-0000000000a2",
		      "certificate_id", ids[3], "text", "【数字证书服务】测试", "day", "2025-06-01");
	CU_ASSERT_EQUAL(svc_exec(&svc, &clerk, &cmd_certificate_remind, p, &e), ST_OK);
	svc.centre = false;
	CU_ASSERT_EQUAL(svc_exec(&svc, &clerk, &cmd_certificate_remind, p, &e), ST_STATE);
	json_decref(p);
	/* The next local day starts at 16:00 UTC. */
	at("2025-06-01T16:00:00Z");
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[0], &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.day, "2025-06-02");
	CU_ASSERT_EQUAL(spool_lines(), lines + 2);

	/* A gateway that cannot take it: nothing recorded, and another try
	 * the same day is allowed. */
	at(NOW_ISO);
	struct sms_config bad = { .driver = "file" };
	snprintf(bad.spool, sizeof bad.spool, "%s/missing/spool.txt", tmpdir);
	struct sms_gateway *broken;
	CU_ASSERT_EQUAL_FATAL(sms_open(&bad, &broken, &e), ST_OK);
	before = WRITES();
	CU_ASSERT_NOT_EQUAL(svc_lifecycle_remind(&svc, broken, &clerk, ids[2], &r, &e), ST_OK);
	CU_ASSERT_EQUAL(WRITES(), before);
	sms_free(broken);
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[2], &r, &e), ST_OK);

	/* Too early, due, or unknown: refused. */
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[3], &r, &e), ST_STATE); /* 200 days */
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[5], &r, &e), ST_STATE); /* due */
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, ids[4], &r, &e), ST_OK);    /* 5 days ago */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "已于"));

	struct lc_row row;
	CU_ASSERT_EQUAL(svc_lifecycle_get(&svc, ids[0], &row, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(row.last_contact_kind, "sms");
	CU_ASSERT_FALSE(row.contacted);                        /* a reminder is not a contact */
}

/* ---- the revocation job ---- */

struct seen {
	char serials[16][CERT_SERIAL_MAX];
	int n;
};

static void on_run(void *ctx, const struct lc_row *r, enum status st, const char *msg)
{
	(void)msg;
	struct seen *s = ctx;
	if (st == ST_OK && s->n < 16)
		snprintf(s->serials[s->n++], CERT_SERIAL_MAX, "%s", r->serial);
}

static void test_run(void)
{
	at(NOW_ISO);
	char d89[UUID_LEN + 1], d90[UUID_LEN + 1], d91[UUID_LEN + 1];
	CU_ASSERT_TRUE_FATAL(bind(zhang, 200, "0D89", now - 89 * DAY, "张三", "", d89));
	CU_ASSERT_TRUE_FATAL(bind(zhang, 201, "0D90", now - 90 * DAY, "张三", "", d90));
	CU_ASSERT_TRUE_FATAL(bind(zhang, 202, "0D91", now - 91 * DAY, "张三", "", d91));
	struct lc_run run;
	struct seen seen;
	memset(&seen, 0, sizeof seen);
	struct err e;
	int before = WRITES();
	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &clerk, 0, on_run, &seen, &run, &e), ST_DENIED);
	CU_ASSERT_EQUAL(WRITES(), before);

	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &super, 0, on_run, &seen, &run, &e), ST_OK);
	/* 0C06 (95 days, from the worklist test) and 0D91; never 0D89, 0D90. */
	CU_ASSERT_EQUAL(run.revoked, 2);
	CU_ASSERT_EQUAL(run.failed, 0);
	CU_ASSERT_EQUAL_FATAL(seen.n, 2);
	CU_ASSERT_STRING_EQUAL(seen.serials[0], "0C06");
	CU_ASSERT_STRING_EQUAL(seen.serials[1], "0D91");
	CU_ASSERT_EQUAL(WRITES(), before + 2002);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command ="
			      " 'certificate.revoke_expired@1'"), 2);
	struct lc_row r;
	CU_ASSERT_EQUAL(svc_lifecycle_get(&svc, d91, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.revoked_at, NOW_ISO);
	CU_ASSERT_STRING_EQUAL(r.revoke_reason, LIFECYCLE_REVOKE_REASON);
	CU_ASSERT_EQUAL(svc_lifecycle_get(&svc, d90, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.revoked_at, "");
	CU_ASSERT_EQUAL(svc_lifecycle_get(&svc, d89, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.revoked_at, "");
	CU_ASSERT_EQUAL(win(LC_EXPIRED, 0, NULL), 3);   /* 0C05, 0D89, 0D90 */

	/* Twice: nothing more. */
	before = WRITES();
	memset(&seen, 0, sizeof seen);
	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &super, 0, on_run, &seen, &run, &e), ST_OK);
	CU_ASSERT_EQUAL(run.revoked, 0);
	CU_ASSERT_EQUAL(seen.n, 0);
	CU_ASSERT_EQUAL(WRITES(), before);

	/* The command itself refuses what is not due, and a second revocation. */
	json_t *p = json_pack("{s:s}", "id", d90);
	CU_ASSERT_EQUAL(svc_exec(&svc, &super, &cmd_certificate_revoke_expired, p, &e), ST_STATE);
	json_decref(p);
	p = json_pack("{s:s}", "id", d91);
	CU_ASSERT_EQUAL(svc_exec(&svc, &super, &cmd_certificate_revoke_expired, p, &e), ST_EXISTS);
	/* At the centre a terminal's late op for it is answered as done,
	 * changing nothing. */
	svc.centre = true;
	CU_ASSERT_EQUAL(svc_exec(&svc, &super, &cmd_certificate_revoke_expired, p, &e), ST_OK);
	svc.centre = false;
	json_decref(p);
	CU_ASSERT_EQUAL(svc_lifecycle_get(&svc, d91, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.revoked_at, NOW_ISO);
	CU_ASSERT_EQUAL(WRITES(), before + 1000);      /* its audit entry, no outbox */
	/* A revoked certificate gets no reminder. */
	struct lc_reminder rem;
	CU_ASSERT_EQUAL(svc_lifecycle_remind(&svc, gw, &clerk, d91, &rem, &e), ST_STATE);

	/* A day later 0D90 is due (91 days), 0D89 not (90 days); in slices. */
	at("2025-06-02T02:00:00Z");
	memset(&seen, 0, sizeof seen);
	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &super, 1, on_run, &seen, &run, &e), ST_OK);
	CU_ASSERT_EQUAL(run.revoked, 1);
	CU_ASSERT_FALSE(run.more);
	CU_ASSERT_STRING_EQUAL(seen.serials[0], "0D90");

	/* The centre's own job, as its system actor, with no outbox. */
	at("2025-06-03T02:00:01Z");
	svc.centre = true;
	before = WRITES();
	CU_ASSERT_EQUAL(svc_lifecycle_run_centre(&svc, 0, &run, &e), ST_OK);
	svc.centre = false;
	CU_ASSERT_EQUAL(run.revoked, 1);                 /* 0D89 */
	CU_ASSERT_EQUAL(WRITES(), before + 1000);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action ="
			      " 'certificate.revoke_expired' AND actor_name = '证书注销任务'"), 1);
	at(NOW_ISO);
}

/* Slices: a limit stops the run and says there is more. (Never a clock
 * ahead of the real one here: UUIDv7 ids made then would sort after the
 * ids other suites make at the real time.) */
static void test_run_limit(void)
{
	at(NOW_ISO);
	char ids3[3][UUID_LEN + 1];
	for (int i = 0; i < 3; i++) {
		char serial[8];
		snprintf(serial, sizeof serial, "0F%02d", i);
		CU_ASSERT_TRUE_FATAL(bind(li, 300 + i, serial, now - (100 + i) * DAY, "李四", "", ids3[i]));
	}
	struct lc_run run;
	struct err e;
	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &super, 2, NULL, NULL, &run, &e), ST_OK);
	CU_ASSERT_EQUAL(run.revoked, 2);
	CU_ASSERT_TRUE(run.more);
	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &super, 2, NULL, NULL, &run, &e), ST_OK);
	CU_ASSERT_EQUAL(run.revoked, 1);
	CU_ASSERT_FALSE(run.more);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM certificates WHERE serial LIKE '0F%'"
			      " AND revoked_at IS NULL"), 0);
	CU_ASSERT_EQUAL(svc_lifecycle_run(&svc, &super, 0, NULL, NULL, &run, &e), ST_OK);
	CU_ASSERT_EQUAL(run.revoked, 0);
}

void suite_lifecycle(void)
{
	UNIT_SUITE("lifecycle", setup_suite, teardown_suite,
		   { "days: 89, 90, 91; local days; texts", test_days },
		   { "worklist: windows, filters, pages, renewals", test_worklist },
		   { "contacts: checks, records, history", test_contacts },
		   { "reminders: once a local day, only when sent", test_remind },
		   { "revocation job: only the due, twice changes nothing", test_run },
		   { "revocation job in slices", test_run_limit });
}
