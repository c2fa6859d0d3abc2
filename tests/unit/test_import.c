/* The use cases behind import and export: batches (svc_batch_*), imported
 * applicants and drafts, the agreement before submit, audited reads. On an
 * in-memory database; a refused or lost batch must leave nothing. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/staff.h"
#include "unit.h"

static struct db *db;
static struct svc svc;
static struct actor admin, clerk, super;

static long count(const char *sql)
{
	sqlite3_stmt *s;
	long v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Everything a command writes: audit entries, outbox entries, records. */
static long writes(void)
{
	return count("SELECT (SELECT count(*) FROM audit_log) * 1000000"
		     " + (SELECT count(*) FROM outbox) * 10000"
		     " + (SELECT count(*) FROM applicants) * 100"
		     " + (SELECT count(*) FROM enterprises) * 10"
		     " + (SELECT count(*) FROM applications)");
}

static bool chain_intact(void)
{
	struct audit_check c;
	struct err e;
	return audit_verify(db, &c, NULL, NULL, &e) == ST_OK && c.bad_seq == 0;
}

static int setup_suite(void)
{
	struct err e;
	if (sodium_init() < 0 || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	svc.db = db;
	return !unit_office(&svc, &admin, &clerk, &super);
}

static int teardown_suite(void)
{
	db_close(db);
	return 0;
}

static struct applicant_input person(const char *phone, const char *name, const char *idn)
{
	struct applicant_input in = { phone, name, idn, "", "深圳市福田区深南大道1号", "518000", "" };
	return in;
}

static const struct enterprise_input fuzhou = {
	"91350100M000100Y43", "福州某某科技有限公司", "林某", "福州市鼓楼区五四路100号", "0591-87654321",
};

static void test_new_commands_registered(void)
{
	CU_ASSERT_PTR_NOT_NULL(svc_command_find("applicant.import"));
	CU_ASSERT_PTR_NOT_NULL(svc_command_find("application.import"));
	CU_ASSERT_PTR_NOT_NULL(svc_command_find("application.agree"));
}

static void test_import_applicant(void)
{
	struct err e;
	char id[UUID_LEN + 1];
	struct applicant_input in = person("13800000001", "张三", "11010519491231002X");
	long w = writes();
	CU_ASSERT_EQUAL_FATAL(svc_applicant_import(&svc, &clerk, &in, &fuzhou, id, &e), ST_OK);
	/* One record, one enterprise, one audit entry, one outbox entry. */
	CU_ASSERT_EQUAL(writes(), w + 1000000 + 10000 + 100 + 10);
	struct applicant a;
	CU_ASSERT_EQUAL(svc_applicant_get(&svc, id, &a, &e), ST_OK);
	CU_ASSERT_FALSE(a.verified); /* no SMS check at import */
	CU_ASSERT_FALSE(a.has_portal_password);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM applicants WHERE phone = '13800000001'"
			      " AND phone_verified_at IS NULL"), 1);
	struct enterprise en[2];
	CU_ASSERT_EQUAL_FATAL(svc_applicant_enterprises(&svc, id, en, 2, &e), 1);
	CU_ASSERT_STRING_EQUAL(en[0].name, "福州某某科技有限公司");
	CU_ASSERT_STRING_EQUAL(en[0].legal_rep, "林某");
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'applicant.import'"
			      " AND after LIKE '%138****0001%' AND after LIKE '%\"verified\":false%'"), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE after LIKE '%13800000001%'"), 0);
	/* The enterprise's id travels in the payload, for the centre. */
	char q[256];
	snprintf(q, sizeof q, "SELECT count(*) FROM outbox WHERE command = 'applicant.import@1'"
		 " AND payload LIKE '%%\"enterprise_id\":\"%s\"%%'", en[0].id);
	CU_ASSERT_EQUAL(count(q), 1);

	/* A second person links to the known enterprise by its code alone. */
	struct applicant_input in2 = person("13800000002", "李四", "");
	struct enterprise_input code_only = { fuzhou.credit_code, "", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in2, &code_only, id, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_applicant_enterprises(&svc, id, en, 2, &e), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM enterprises"), 1);
}

static void test_import_applicant_refusals(void)
{
	struct err e;
	long w = writes();
	struct applicant_input dup = person("13800000001", "张三", "");
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &dup, NULL, NULL, &e), ST_EXISTS);
	CU_ASSERT_STRING_EQUAL(e.field, "phone");
	struct applicant_input in = person("13800000003", "王五", "");
	/* A known code under another name: more likely a wrong code. */
	struct enterprise_input other = { fuzhou.credit_code, "厦门某某有限公司", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &other, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "enterprise_name");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已登记为“福州某某科技有限公司”"));
	struct enterprise_input rep = { fuzhou.credit_code, "", "陈某", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &rep, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "legal_rep");
	/* A new code needs a name; a bad code names its field. */
	struct enterprise_input nameless = { "91110108MA00000070", "", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &nameless, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "enterprise_name");
	struct enterprise_input bad = { "91350100M000100Y44", "某公司", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &bad, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "credit_code");
	struct enterprise_input no_code = { "", "某某公司", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &no_code, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "credit_code");
	struct applicant_input pw = in;
	pw.portal_password = "Portal123";
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &pw, NULL, NULL, &e), ST_INVALID);
	struct applicant_input bad_id = person("13800000003", "王五", "110105194912310022");
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &bad_id, NULL, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "id_number");
	CU_ASSERT_EQUAL(writes(), w);
}

/* Issue 3: an enterprise that an application could not be made for is not
 * left behind by an applicant import. */
static void test_import_incomplete_enterprise(void)
{
	struct err e;
	long w = writes();
	struct applicant_input in = person("15900000001", "孙一", "");
	const char *code = "91350200MA0000001W";
	struct enterprise_input no_rep = { code, "厦门某某有限公司", "", "厦门市思明区某路1号",
					   "0592-1234567" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &no_rep, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "legal_rep");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "法定代表人（legal_rep 列）"));
	struct enterprise_input no_addr = { code, "厦门某某有限公司", "孙某", "", "0592-1234567" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &no_addr, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "enterprise_address");
	struct enterprise_input no_phone = { code, "厦门某某有限公司", "孙某", "厦门市思明区某路1号", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, &no_phone, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "enterprise_phone");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "enterprise_phone"));
	CU_ASSERT_EQUAL(writes(), w); /* not the person either */

	/* A record an earlier import left incomplete: the person cannot be
	 * linked to it as it is; the file's values complete it. */
	struct enterprise_input full = { code, "厦门某某有限公司", "孙某", "厦门市思明区某路1号",
					 "0592-1234567" };
	CU_ASSERT_EQUAL_FATAL(svc_applicant_import(&svc, &clerk, &in, &full, NULL, &e), ST_OK);
	sqlite3_exec(db_handle(db), "UPDATE enterprises SET legal_rep = '', phone = ''"
				    " WHERE credit_code = '91350200MA0000001W'", NULL, NULL, NULL);
	struct applicant_input in2 = person("15900000002", "孙二", "");
	struct enterprise_input code_only = { code, "", "", "", "" };
	w = writes();
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in2, &code_only, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "legal_rep");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "缺少法定代表人"));
	struct enterprise_input rep_only = { code, "", "孙某", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in2, &rep_only, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "enterprise_phone");
	CU_ASSERT_EQUAL(writes(), w);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM enterprises WHERE credit_code = '91350200MA0000001W'"
			      " AND legal_rep = '' AND phone = ''"), 1);
	/* A bad value to fill in is refused as such. */
	struct enterprise_input bad_tel = { code, "", "孙某", "", "电话" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in2, &bad_tel, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "enterprise_phone");
	struct enterprise_input fill = { code, "", "孙某", "", "0592-7654321" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in2, &fill, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM enterprises WHERE credit_code = '91350200MA0000001W'"
			      " AND legal_rep = '孙某' AND phone = '0592-7654321'"
			      " AND address = '厦门市思明区某路1号'"), 1);
	CU_ASSERT_TRUE(chain_intact());
}

static void test_batch_commits_what_succeeded(void)
{
	struct err e;
	long w = writes();
	CU_ASSERT_EQUAL_FATAL(svc_batch_begin(&svc, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_batch_begin(&svc, &e), ST_INTERNAL); /* no nesting */
	struct applicant_input a = person("13900000001", "赵一", "");
	struct applicant_input b = person("13900000002", "赵二", "");
	struct applicant_input dup = person("13900000001", "赵一一", "");
	struct enterprise_input newco = { "91110108MA00000070", "北京某某有限公司", "钱某",
					  "北京市海淀区中关村大街1号", "010-62345678" };
	struct enterprise_input same = { "91110108MA00000070", "北京某某有限公司", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &a, &newco, NULL, &e), ST_OK);
	/* Later commands see the earlier ones: the phone is taken, the
	 * enterprise made by the first row is known to the third. */
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &dup, NULL, NULL, &e), ST_EXISTS);
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &b, &same, NULL, &e), ST_OK);
	/* Refused half-way through its apply (the person was written, then
	 * the enterprise did not match): undone alone, the batch goes on. */
	struct applicant_input c = person("13900000003", "赵三", "");
	struct enterprise_input clash = { "91110108MA00000070", "北京别的有限公司", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &c, &clash, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "enterprise_name");
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM applicants WHERE phone = '13900000003'"), 0);
	/* A refused command left nothing of itself behind. */
	CU_ASSERT_EQUAL(writes(), w + 2 * (1000000 + 10000 + 100) + 10);
	CU_ASSERT_EQUAL(svc_batch_commit(&svc, &e), ST_OK);
	CU_ASSERT_FALSE(svc.batch);
	CU_ASSERT_EQUAL(writes(), w + 2 * (1000000 + 10000 + 100) + 10);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM applicant_enterprises ae JOIN enterprises en"
			      " ON en.id = ae.enterprise_id WHERE en.credit_code = '91110108MA00000070'"), 2);
	CU_ASSERT_TRUE(chain_intact());
	/* After the batch, commands have their own transactions again. */
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &c, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_batch_commit(&svc, &e), ST_INTERNAL);
}

static void test_batch_rollback_leaves_nothing(void)
{
	struct err e;
	long w = writes();
	char head[200] = "";
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db_handle(db), "SELECT value FROM settings WHERE key = 'audit_head'", -1,
			   &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(head, sizeof head, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL_FATAL(svc_batch_begin(&svc, &e), ST_OK);
	for (int i = 0; i < 5; i++) {
		char phone[12];
		snprintf(phone, sizeof phone, "137000000%02d", i);
		struct applicant_input in = person(phone, "孙某", "");
		CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &in, NULL, NULL, &e), ST_OK);
	}
	svc_batch_rollback(&svc);
	svc_batch_rollback(&svc); /* harmless twice */
	CU_ASSERT_EQUAL(writes(), w);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM applicants WHERE phone LIKE '137000000%'"), 0);
	sqlite3_prepare_v2(db_handle(db), "SELECT value FROM settings WHERE key = 'audit_head'", -1,
			   &s, NULL);
	CU_ASSERT_EQUAL(sqlite3_step(s), SQLITE_ROW);
	CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(s, 0), head);
	sqlite3_finalize(s);
	CU_ASSERT_TRUE(chain_intact());
}

/* SQLite gives the transaction up (as after some I/O errors): every later
 * command and the commit fail, and nothing of the batch is written. */
static void test_lost_batch_writes_nothing(void)
{
	struct err e;
	long w = writes();
	CU_ASSERT_EQUAL_FATAL(svc_batch_begin(&svc, &e), ST_OK);
	struct applicant_input a = person("13600000001", "周一", "");
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &a, NULL, NULL, &e), ST_OK);
	sqlite3_exec(db_handle(db), "ROLLBACK", NULL, NULL, NULL);
	struct applicant_input b = person("13600000002", "周二", "");
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &b, NULL, NULL, &e), ST_DB);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "批量操作已中止"));
	/* No autocommit transaction sneaked in for the second command. */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM applicants WHERE phone LIKE '1360000000_'"), 0);
	CU_ASSERT_NOT_EQUAL(svc_batch_commit(&svc, &e), ST_OK);
	CU_ASSERT_FALSE(svc.batch);
	CU_ASSERT_EQUAL(writes(), w);
	CU_ASSERT_TRUE(chain_intact());
	/* And the database works normally afterwards. */
	CU_ASSERT_EQUAL(svc_applicant_import(&svc, &clerk, &b, NULL, NULL, &e), ST_OK);
}

/* A full disk half-way: the failing command reports it and the batch can
 * be thrown away whole. */
static void test_full_disk_in_batch(void)
{
	struct err e;
	long w = writes();
	long pages = count("PRAGMA page_count");
	CU_ASSERT_EQUAL_FATAL(svc_batch_begin(&svc, &e), ST_OK);
	char q[64];
	snprintf(q, sizeof q, "PRAGMA max_page_count = %ld", pages + 10);
	sqlite3_exec(db_handle(db), q, NULL, NULL, NULL);
	enum status st = ST_OK;
	int done = 0;
	for (int i = 0; i < 2000 && st == ST_OK; i++) {
		char phone[12], name[64];
		snprintf(phone, sizeof phone, "135%08d", i);
		snprintf(name, sizeof name, "吴某%d", i);
		struct applicant_input in = { phone, name, "", "", "深圳市南山区科技园某某大厦某层某室", "518000", "" };
		st = svc_applicant_import(&svc, &clerk, &in, NULL, NULL, &e);
		done += st == ST_OK;
	}
	CU_ASSERT_EQUAL(st, ST_FULL);
	CU_ASSERT_TRUE(done > 0);
	svc_batch_rollback(&svc);
	sqlite3_exec(db_handle(db), "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL);
	CU_ASSERT_EQUAL(writes(), w);
	CU_ASSERT_TRUE(chain_intact());
}

static struct application_input enterprise_draft(void)
{
	struct application_input in = {
		.kind = KIND_NEW, .subject = SUBJECT_ENTERPRISE, .years = 2,
		.credit_code = fuzhou.credit_code, .holder_name = fuzhou.name,
		.legal_rep = fuzhou.legal_rep, .phone = fuzhou.phone, .address = fuzhou.address,
		.delivery = DELIVERY_PICKUP,
	};
	return in;
}

static void test_imported_draft_needs_agreement(void)
{
	struct err e;
	struct applicant ap;
	CU_ASSERT_EQUAL_FATAL(svc_applicant_by_phone(&svc, "13800000001", &ap, &e), ST_OK);
	struct application_input in = enterprise_draft();
	CU_ASSERT_EQUAL(svc_application_precheck(&svc, ap.id, &in, &e), ST_OK);
	char id[UUID_LEN + 1], number[NUMBER_MAX];
	long w = writes();
	CU_ASSERT_EQUAL_FATAL(svc_application_import(&svc, &clerk, ap.id, &in, id, number, &e), ST_OK);
	CU_ASSERT_EQUAL(writes(), w + 1000000 + 10000 + 1);
	CU_ASSERT_TRUE(number_looks_valid(number));
	struct application a;
	CU_ASSERT_EQUAL(svc_application_get(&svc, id, &a, &e), ST_OK);
	CU_ASSERT_EQUAL(a.status, APP_DRAFT);
	CU_ASSERT_STRING_EQUAL(a.agreement_version, "");
	CU_ASSERT_STRING_EQUAL(a.holder_name, "福州某某科技有限公司");
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'application.import@1'"), 1);

	/* Every document is in, but the applicant has not seen the agreement. */
	for (enum doc_type t = DOC_LICENCE; t <= DOC_AUTHORISATION; t++)
		CU_ASSERT_EQUAL(svc_application_paper(&svc, &clerk, id, t, true, &e), ST_OK);
	w = writes();
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, id, &e), ST_STATE);
	CU_ASSERT_STRING_EQUAL(e.field, "agreement");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "协议书"));
	/* An outdated or made-up version is not an acceptance. */
	CU_ASSERT_EQUAL(svc_application_agree(&svc, &clerk, id, "000000000000", &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_application_agree(&svc, &clerk, id, NULL, &e), ST_STATE);
	CU_ASSERT_EQUAL(writes(), w);

	CU_ASSERT_EQUAL(svc_application_agree(&svc, &clerk, id, svc_agreement_version(), &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_agree(&svc, &clerk, id, svc_agreement_version(), &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_application_get(&svc, id, &a, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(a.agreement_version, svc_agreement_version());
	char q[256];
	snprintf(q, sizeof q, "SELECT count(*) FROM applications WHERE id = '%s'"
		 " AND agreement_at IS NOT NULL", id);
	CU_ASSERT_EQUAL(count(q), 1);
	snprintf(q, sizeof q, "SELECT count(*) FROM audit_log WHERE action = 'application.agree'"
		 " AND before LIKE '%%\"agreement_version\":\"\"%%'"
		 " AND after LIKE '%%\"agreement_version\":\"%s\"%%'", svc_agreement_version());
	CU_ASSERT_EQUAL(count(q), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'application.agree@1'"), 1);
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, id, &e), ST_OK);
	/* Once submitted and accepted, there is nothing left to agree to. */
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, id, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_agree(&svc, &clerk, id, svc_agreement_version(), &e), ST_STATE);
	CU_ASSERT_TRUE(chain_intact());
}

static void test_created_draft_keeps_agreement(void)
{
	struct err e;
	struct applicant ap;
	CU_ASSERT_EQUAL_FATAL(svc_applicant_by_phone(&svc, "13800000001", &ap, &e), ST_OK);
	struct application_input in = enterprise_draft();
	/* The counter path still refuses a draft without the agreement. */
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, ap.id, &in, "", NULL, NULL, &e), ST_STATE);
	char id[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, ap.id, &in, svc_agreement_version(), id,
					       NULL, &e), ST_OK);
	struct application a;
	svc_application_get(&svc, id, &a, &e);
	CU_ASSERT_STRING_EQUAL(a.agreement_version, svc_agreement_version());
	for (enum doc_type t = DOC_LICENCE; t <= DOC_AUTHORISATION; t++)
		svc_application_paper(&svc, &clerk, id, t, true, &e);
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, id, &e), ST_OK);
}

static void test_precheck_writes_nothing(void)
{
	struct err e;
	struct applicant ap;
	CU_ASSERT_EQUAL_FATAL(svc_applicant_by_phone(&svc, "13800000002", &ap, &e), ST_OK);
	long w = writes();
	/* Personal, but the profile has no ID number. */
	struct application_input personal = {
		.kind = KIND_NEW, .subject = SUBJECT_PERSONAL, .years = 1,
		.address = ap.address, .delivery = DELIVERY_PICKUP,
	};
	CU_ASSERT_EQUAL(svc_application_precheck(&svc, ap.id, &personal, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "身份证号"));
	CU_ASSERT_EQUAL(svc_application_import(&svc, &clerk, ap.id, &personal, NULL, NULL, &e), ST_INVALID);
	/* No price for five years; renewal without the old serial. */
	struct application_input in = enterprise_draft();
	in.years = 5;
	CU_ASSERT_EQUAL(svc_application_precheck(&svc, ap.id, &in, &e), ST_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "years");
	in = enterprise_draft();
	in.kind = KIND_RENEWAL;
	CU_ASSERT_EQUAL(svc_application_precheck(&svc, ap.id, &in, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "cert_serial");
	in.cert_serial = "4a:3f:00:12";
	CU_ASSERT_EQUAL(svc_application_precheck(&svc, ap.id, &in, &e), ST_OK);
	/* Enterprise details missing (an enterprise known by name only). */
	in = enterprise_draft();
	in.legal_rep = "";
	CU_ASSERT_EQUAL(svc_application_precheck(&svc, ap.id, &in, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "legal_rep");
	CU_ASSERT_EQUAL(svc_application_precheck(&svc, "no-such-applicant", &in, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(writes(), w);
}

static void test_audit_read(void)
{
	struct err e;
	long outbox = count("SELECT count(*) FROM outbox");
	long audit = count("SELECT count(*) FROM audit_log");
	json_t *d = json_pack("{s:s, s:i}", "status", "draft", "rows", 3);
	CU_ASSERT_EQUAL(svc_audit_read(&svc, &super, "application.export", "application", d, &e), ST_OK);
	json_decref(d);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log"), audit + 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox"), outbox);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'application.export'"
			      " AND actor_name = 'super' AND after LIKE '%\"rows\":3%'"), 1);
	CU_ASSERT_TRUE(chain_intact());
}

static void test_applicant_list_pages_everyone(void)
{
	struct err e;
	long total = count("SELECT count(*) FROM applicants");
	struct applicant page[3];
	char key[UUID_LEN + 1] = "", prev[UUID_LEN + 1] = "";
	long seen = 0;
	int n;
	enum page_dir dir = PAGE_FIRST;
	while ((n = svc_applicant_list(&svc, dir, key, page, 3, &e)) > 0) {
		for (int i = 0; i < n; i++) {
			CU_ASSERT_TRUE(strcmp(page[i].id, prev) > 0); /* oldest first, once each */
			snprintf(prev, sizeof prev, "%s", page[i].id);
		}
		seen += n;
		snprintf(key, sizeof key, "%s", page[n - 1].id);
		dir = PAGE_AFTER;
	}
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(seen, total);
	CU_ASSERT_EQUAL(svc_applicant_list(&svc, PAGE_LAST, "", page, 3, &e), 3);
	CU_ASSERT_STRING_EQUAL(page[2].id, prev);
}

void suite_import(void)
{
	UNIT_SUITE("import", setup_suite, teardown_suite,
		   { "the new commands can be replayed", test_new_commands_registered },
		   { "import an applicant with an enterprise", test_import_applicant },
		   { "refused imports write nothing", test_import_applicant_refusals },
		   { "an incomplete enterprise is refused or completed",
		     test_import_incomplete_enterprise },
		   { "a batch commits what succeeded", test_batch_commits_what_succeeded },
		   { "a rolled-back batch leaves nothing", test_batch_rollback_leaves_nothing },
		   { "a lost batch writes nothing", test_lost_batch_writes_nothing },
		   { "a full disk in a batch", test_full_disk_in_batch },
		   { "an imported draft needs the agreement", test_imported_draft_needs_agreement },
		   { "a created draft keeps its agreement", test_created_draft_keeps_agreement },
		   { "precheck writes nothing", test_precheck_writes_nothing },
		   { "audited reads: audit, no outbox", test_audit_read },
		   { "list every applicant by pages", test_applicant_list_pages_everyone });
}
