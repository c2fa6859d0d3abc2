/* Printing applications (svc/print.h) on an in-memory database, and the
 * printer port (adapt/printer.h) against fake lp commands. */
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "adapt/printer.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/review.h"
#include "svc/print.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/utf8.h"

static struct db *db;
static struct app app;
static struct actor admin, clerk;
static char tmp[512];
static char ent_id[UUID_LEN + 1], ent_no[NUMBER_MAX];   /* enterprise application */
static char per_id[UUID_LEN + 1], per_no[NUMBER_MAX];   /* personal application */

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

static void sql(const char *text)
{
	CU_ASSERT_EQUAL(sqlite3_exec(db_handle(db), text, NULL, NULL, NULL), SQLITE_OK);
}

static void write_file(const char *path, const void *data, size_t n, int mode)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(data, 1, n, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

/* Register a person (import: no SMS code), optionally acting for an enterprise. */
static bool person(const char *phone, const char *name, const char *idn,
		   const struct enterprise_input *en, char id[UUID_LEN + 1])
{
	struct err e;
	struct applicant_input in = { phone, name, idn, "person@example.com", "深圳市福田区深南大道1号",
				      "518000", "" };
	return svc_applicant_import(&app.svc, &clerk, &in, en, id, &e) == ST_OK;
}

static const struct application_input enterprise_in = {
	.kind = KIND_NEW, .subject = SUBJECT_ENTERPRISE, .years = 2,
	.credit_code = "91350100M000100Y43", .holder_name = "福州某某科技有限公司",
	.legal_rep = "林某", .phone = "0591-87654321", .address = "福州市鼓楼区五四路100号",
	.postal_code = "350001", .email = "", .delivery = DELIVERY_PICKUP,
};

static const struct application_input personal_in = {
	.kind = KIND_NEW, .subject = SUBJECT_PERSONAL, .years = 1,
	.address = "厦门市思明区湖滨南路1号", .postal_code = "361000", .email = "own@example.com",
	.delivery = DELIVERY_PICKUP,
};

static int setup_suite(void)
{
	struct err e;
	const char *base = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(tmp, sizeof tmp, "%s/print-%ld", base, (long)getpid());
	if (sodium_init() < 0 || fs_mkdir_p(tmp, &e) != ST_OK || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	memset(&app, 0, sizeof app);
	app.db = db;
	app.svc.db = db;
	snprintf(app.data_dir, sizeof app.data_dir, "%s/data", tmp);
	config_init(&app.cfg);
	if (config_set(&app.cfg, "authority.name", "福建省数字安全证书管理有限公司", &e) != ST_OK ||
	    config_set(&app.cfg, "authority.address", "福州市鼓楼区五四路158号", &e) != ST_OK)
		return 1;
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	bool must;
	if (svc_setup(&app.svc, &in, &admin, &e) != ST_OK ||
	    svc_staff_create(&app.svc, &admin, "li.si", "李四", ROLE_CLERK, "Passw0rd1", NULL, &e) != ST_OK ||
	    svc_login(&app.svc, "li.si", "Passw0rd1", &clerk, &must, &e) != ST_OK)
		return 1;
	struct enterprise_input en = { "91350100M000100Y43", "福州某某科技有限公司", "林某",
				       "福州市鼓楼区五四路100号", "0591-87654321" };
	char a1[UUID_LEN + 1], a2[UUID_LEN + 1];
	if (!person("13812345678", "张三", "11010519491231002X", &en, a1) ||
	    !person("13912345678", "王五", "110101200002290018", NULL, a2))
		return 1;
	if (svc_application_create(&app.svc, &clerk, a1, &enterprise_in, svc_agreement_version(), ent_id,
				   ent_no, &e) != ST_OK ||
	    svc_application_create(&app.svc, &clerk, a2, &personal_in, svc_agreement_version(), per_id,
				   per_no, &e) != ST_OK)
		return 1;
	return 0;
}

static int teardown_suite(void)
{
	svc_print_shutdown();
	config_done(&app.cfg);
	db_close(db);
	return 0;
}

#define GET(d, k) (pdf_data_get(d, k) ? pdf_data_get(d, k) : "(unset)")

static void test_allowed(void)
{
	struct application a;
	memset(&a, 0, sizeof a);
	snprintf(a.number, sizeof a.number, "SQ-SZFT-01-20261125-0001");
	struct err e;
	const enum app_status yes[] = { APP_DRAFT, APP_PENDING_REVIEW, APP_RETURNED, APP_ACCEPTED };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		a.status = yes[i];
		CU_ASSERT_TRUE(svc_print_allowed(&a, &e));
	}
	const enum app_status late[] = { APP_READY, APP_SHIPPED, APP_COLLECTED };
	for (size_t i = 0; i < sizeof late / sizeof late[0]; i++) {
		a.status = late[i];
		err_clear(&e);
		CU_ASSERT_FALSE(svc_print_allowed(&a, &e));
		CU_ASSERT_EQUAL(e.st, ST_STATE);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "证书已制作"));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不再提供打印"));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, app_status_label(late[i])));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, a.number));
	}
	a.status = APP_CANCELLED;
	CU_ASSERT_FALSE(svc_print_allowed(&a, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已取消"));
}

static void test_data_enterprise(void)
{
	struct err e;
	char dir[600], pdf[700], png[700];
	snprintf(dir, sizeof dir, "%s/scans", tmp);
	CU_ASSERT_EQUAL_FATAL(fs_mkdir_p(dir, &e), ST_OK);
	snprintf(pdf, sizeof pdf, "%s/licence.pdf", dir);
	snprintf(png, sizeof png, "%s/licence-2.png", dir);
	static const char pdf_bytes[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	static const unsigned char png_bytes[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
	write_file(pdf, pdf_bytes, sizeof pdf_bytes - 1, 0644);
	write_file(png, png_bytes, sizeof png_bytes, 0644);
	CU_ASSERT_EQUAL(svc_attach_file(&app.svc, &clerk, app.data_dir, ent_id, DOC_LICENCE, pdf, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_attach_file(&app.svc, &clerk, app.data_dir, ent_id, DOC_LICENCE, png, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_paper(&app.svc, &clerk, ent_id, DOC_AGENT_ID, true, &e), ST_OK);

	struct application a;
	CU_ASSERT_EQUAL_FATAL(svc_application_get(&app.svc, ent_id, &a, &e), ST_OK);
	struct pdf_data *d = pdf_data_new();
	CU_ASSERT_EQUAL_FATAL(svc_print_application_data(&app, &a, d, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(GET(d, "application.number"), ent_no);
	char today[17];
	clock_local(clock_now(), today);
	today[10] = '\0';
	CU_ASSERT_STRING_EQUAL(GET(d, "application.date"), today);
	CU_ASSERT_STRING_EQUAL(GET(d, "agreement.date"), today);
	CU_ASSERT_STRING_EQUAL(GET(d, "application.kind"), "new");
	CU_ASSERT_STRING_EQUAL(GET(d, "application.years"), "2");
	CU_ASSERT_EQUAL(strncmp(GET(d, "application.term_fee"), "2 年　", strlen("2 年　")), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(GET(d, "application.term_fee"), " 元"));
	CU_ASSERT_TRUE(strspn(GET(d, "application.fee"), "0123456789") == strlen(GET(d, "application.fee")));
	CU_ASSERT_STRING_EQUAL(GET(d, "enterprise.name"), "福州某某科技有限公司");
	CU_ASSERT_STRING_EQUAL(GET(d, "enterprise.credit_code"), "91350100M000100Y43");
	CU_ASSERT_STRING_EQUAL(GET(d, "enterprise.legal_rep"), "林某");
	CU_ASSERT_STRING_EQUAL(GET(d, "enterprise.address"), "福州市鼓楼区五四路100号");
	CU_ASSERT_STRING_EQUAL(GET(d, "enterprise.postal_code"), "350001");
	CU_ASSERT_STRING_EQUAL(GET(d, "enterprise.phone"), "0591-87654321");
	/* The applicant's own numbers, in full, on the form they sign. */
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.name"), "张三");
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.mobile"), "13812345678");
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.id_number"), "11010519491231002X");
	/* No e-mail on the application: the profile's. */
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.email"), "person@example.com");
	CU_ASSERT_STRING_EQUAL(GET(d, "authority.name"), "福建省数字安全证书管理有限公司");
	CU_ASSERT_STRING_EQUAL(GET(d, "authority.address"), "福州市鼓楼区五四路158号");
	CU_ASSERT_STRING_EQUAL(GET(d, "office.name"), "深圳福田受理点");
	CU_ASSERT_STRING_EQUAL(GET(d, "clerk.name"), "李四");
	/* Documents: two scans of the licence, then the checklist's others. */
	CU_ASSERT_EQUAL(pdf_data_rows(d, "attachments"), 5);
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[0].name"), "营业执照副本复印件");
	CU_ASSERT_PTR_NOT_NULL(strstr(GET(d, "attachments[0].note"), "扫描件：licence.pdf（PDF，"));
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[1].name"), "营业执照副本复印件");
	CU_ASSERT_PTR_NOT_NULL(strstr(GET(d, "attachments[1].note"), "扫描件：licence-2.png（PNG，"));
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[2].name"), "法定代表人身份证复印件");
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[2].note"), "尚未提交");
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[3].name"), "经办人身份证复印件");
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[3].note"), "纸质件");
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[4].name"), "授权委托书");
	CU_ASSERT_STRING_EQUAL(GET(d, "attachments[4].note"), "尚未提交");
	pdf_data_free(d);

	/* Nothing configured: the authority is left off the paper. */
	struct config saved = app.cfg;
	config_init(&app.cfg);
	d = pdf_data_new();
	CU_ASSERT_EQUAL(svc_print_application_data(&app, &a, d, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(GET(d, "authority.name"), "");
	CU_ASSERT_STRING_EQUAL(GET(d, "authority.address"), "");
	pdf_data_free(d);
	config_done(&app.cfg);
	app.cfg = saved;
}

static void test_data_personal(void)
{
	struct err e;
	struct application a;
	CU_ASSERT_EQUAL_FATAL(svc_application_get(&app.svc, per_id, &a, &e), ST_OK);
	struct pdf_data *d = pdf_data_new();
	CU_ASSERT_EQUAL_FATAL(svc_print_application_data(&app, &a, d, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.name"), "王五");
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.id_number"), "110101200002290018");
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.mobile"), "13912345678");
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.email"), "own@example.com");
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.address"), "厦门市思明区湖滨南路1号");
	CU_ASSERT_STRING_EQUAL(GET(d, "applicant.postal_code"), "361000");
	CU_ASSERT_STRING_EQUAL(GET(d, "application.years"), "1");
	/* No enterprise: the agreement's party is the person. */
	CU_ASSERT_PTR_NULL(pdf_data_get(d, "enterprise.name"));
	/* Personal certificates need the holder's ID card copy. */
	CU_ASSERT_TRUE(pdf_data_rows(d, "attachments") >= 1);
	pdf_data_free(d);
}

static void test_print_writes_and_audits(void)
{
	struct err e;
	char path[700];
	snprintf(path, sizeof path, "%s/out.pdf", tmp);
	int audits = count("SELECT count(*) FROM audit_log");
	int outbox = count("SELECT count(*) FROM outbox");
	struct print_result r;
	CU_ASSERT_EQUAL_FATAL(svc_print_application(&app, &clerk, ent_no, path, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.path, path);
	CU_ASSERT_STRING_EQUAL(r.number, ent_no);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.document, "企业证书"));
	CU_ASSERT_TRUE(r.pages >= 2); /* the form, then the agreement on a sheet of its own */
	CU_ASSERT_EQUAL(r.n_bad, 0);
	CU_ASSERT_STRING_EQUAL(r.warning, "");
	char *text = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(fs_read_all(path, 1 << 22, &text, &len, &e), ST_OK);
	CU_ASSERT_EQUAL(len, r.bytes);
	CU_ASSERT_EQUAL(memcmp(text, "%PDF-", 5), 0);
	free(text);
	/* One audit entry, naming the application, without personal numbers;
	 * nothing for the centre. */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log"), audits + 1);
	char q[400];
	snprintf(q, sizeof q, "SELECT count(*) FROM audit_log WHERE action = 'application.print' AND"
			      " entity = 'application' AND entity_id = '%s' AND after LIKE '%%%s%%'",
		 ent_id, ent_no);
	CU_ASSERT_EQUAL(count(q), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE after LIKE '%13812345678%'"
			      " OR after LIKE '%11010519491231002X%'"), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox"), outbox);

	/* By id, to the default place. */
	CU_ASSERT_EQUAL(svc_print_application(&app, &clerk, per_id, NULL, &r, &e), ST_OK);
	char want[1024];
	snprintf(want, sizeof want, "%s/print/%s.pdf", app.data_dir, per_no);
	CU_ASSERT_STRING_EQUAL(r.path, want);
	CU_ASSERT_TRUE(fs_exists(want));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.document, "个人证书"));

	CU_ASSERT_EQUAL(svc_print_application(&app, &clerk, "SQ-SZFT-01-20000101-0099", path, &r, &e),
			ST_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "没有申请单 SQ-SZFT-01-20000101-0099"));
}

static void test_print_refused_too_late(void)
{
	struct err e;
	char path[700], q[300];
	snprintf(path, sizeof path, "%s/late.pdf", tmp);
	int audits = count("SELECT count(*) FROM audit_log");
	struct print_result r;
	const char *states[] = { "ready", "shipped", "collected", "cancelled" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(q, sizeof q, "UPDATE applications SET status = '%s' WHERE id = '%s'", states[i],
			 per_id);
		sql(q);
		err_clear(&e);
		CU_ASSERT_EQUAL(svc_print_application(&app, &clerk, per_no, path, &r, &e), ST_STATE);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, i < 3 ? "不再提供打印" : "已取消"));
		CU_ASSERT_FALSE(fs_exists(path));
	}
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log"), audits);
	snprintf(q, sizeof q, "UPDATE applications SET status = 'accepted' WHERE id = '%s'", per_id);
	sql(q);
	CU_ASSERT_EQUAL(svc_print_application(&app, &clerk, per_no, path, &r, &e), ST_OK);
}

static void test_unprintable_named_by_field(void)
{
	struct err e;
	char id[UUID_LEN + 1], app_id[UUID_LEN + 1], no[NUMBER_MAX], path[700];
	CU_ASSERT_FATAL(person("13712345678", "𠮷三", "320106198503124510", NULL, id));
	CU_ASSERT_EQUAL_FATAL(svc_application_create(&app.svc, &clerk, id, &personal_in,
						     svc_agreement_version(), app_id, no, &e), ST_OK);
	snprintf(path, sizeof path, "%s/bad.pdf", tmp);
	struct print_result r;
	CU_ASSERT_EQUAL_FATAL(svc_print_application(&app, &clerk, no, path, &r, &e), ST_OK);
	CU_ASSERT_EQUAL(r.n_bad, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "以下字符无法打印"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "𠮷（U+20BB7，申请人姓名）"));
	CU_ASSERT_TRUE(fs_exists(path));

	/* An enterprise's legal representative with a character the font lacks. */
	struct application_input in = enterprise_in;
	in.credit_code = "91350100M000100Y43";
	in.legal_rep = "王鿌";
	struct applicant ap;
	CU_ASSERT_EQUAL_FATAL(svc_applicant_by_phone(&app.svc, "13812345678", &ap, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_application_create(&app.svc, &clerk, ap.id, &in, svc_agreement_version(),
						     app_id, no, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_print_application(&app, &clerk, no, path, &r, &e), ST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "鿌（U+9FCC，法定代表人）"));
}


/* ---- the other documents, on orders made through the use cases ---- */

static struct actor super;

static bool supervisor(void)
{
	if (super.id[0])
		return true;
	struct err e;
	bool must;
	return svc_staff_create(&app.svc, &admin, "zhao.liu", "赵六", ROLE_SUPERVISOR, "Passw0rd1", NULL, &e) ==
		       ST_OK &&
	       svc_login(&app.svc, "zhao.liu", "Passw0rd1", &super, &must, &e) == ST_OK;
}

/* A new application of the applicant with this phone, its documents on
 * paper, submitted. */
static bool submitted(const char *phone, const struct application_input *in, char id[UUID_LEN + 1],
		      char no[NUMBER_MAX])
{
	struct err e;
	struct applicant ap;
	struct application a;
	struct doc_item items[DOC__COUNT];
	if (svc_applicant_by_phone(&app.svc, phone, &ap, &e) != ST_OK ||
	    svc_application_create(&app.svc, &clerk, ap.id, in, svc_agreement_version(), id, no, &e) != ST_OK ||
	    svc_application_get(&app.svc, id, &a, &e) != ST_OK)
		return false;
	int n = svc_application_docs(&app.svc, &a, items, DOC__COUNT, &e);
	for (int i = 0; i < n; i++)
		if (items[i].required &&
		    svc_application_paper(&app.svc, &clerk, id, items[i].type, true, &e) != ST_OK)
			return false;
	return svc_application_submit(&app.svc, &clerk, id, &e) == ST_OK;
}

static bool place(const char *const *ids, int n, char id[UUID_LEN + 1], char no[NUMBER_MAX])
{
	struct err e;
	struct order_input in = { .application_ids = ids, .n = n, .method = PAY_TRANSFER,
				  .delivery = DELIVERY_PICKUP, .contact_phone = "13812345678" };
	return svc_order_place(&app.svc, &clerk, &in, id, no, &e) == ST_OK;
}

static bool transfer(const char *order_id, long long fen, const char *ref, char pay[UUID_LEN + 1])
{
	struct err e;
	const char *ids[] = { order_id };
	struct transfer_input t = { ids, 1, "福州某某科技有限公司", "6222020012345678", "中国工商银行", ref,
				    "2026-11-25", fen, NULL };
	return svc_transfer_record(&app, &clerk, &t, pay, &e) == ST_OK;
}

static void test_batch(void)
{
	struct err e;
	char ids[3][UUID_LEN + 1], nos[3][NUMBER_MAX], path[700];
	struct applicant ap;
	CU_ASSERT_EQUAL_FATAL(svc_applicant_by_phone(&app.svc, "13912345678", &ap, &e), ST_OK);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(svc_application_create(&app.svc, &clerk, ap.id, &personal_in,
							     svc_agreement_version(), ids[i], nos[i], &e), ST_OK);
	snprintf(path, sizeof path, "%s/batch.pdf", tmp);
	int audits = count("SELECT count(*) FROM audit_log WHERE action = 'application.print'");
	const char *refs[] = { nos[2], ids[0], nos[1] };
	struct print_result r;
	struct print_refusal no[4];
	int nr = -1;
	CU_ASSERT_EQUAL_FATAL(svc_print_applications(&app, &clerk, refs, 3, path, &r, no, 4, &nr, &e), ST_OK);
	CU_ASSERT_EQUAL(nr, 0);
	CU_ASSERT_EQUAL(r.count, 3);
	CU_ASSERT_TRUE(r.pages >= 6);    /* each form, then its agreement */
	CU_ASSERT_STRING_EQUAL(r.number, nos[2]);
	CU_ASSERT_TRUE(fs_exists(path));
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'application.print'"), audits + 3);

	/* all or nothing: an unknown number, a cancelled one, one twice */
	char q[300];
	snprintf(q, sizeof q, "UPDATE applications SET status = 'cancelled' WHERE id = '%s'", ids[1]);
	sql(q);
	unlink(path);
	const char *bad[] = { nos[0], "SQ-SZFT-01-20000101-0099", nos[1], ids[0], nos[2] };
	CU_ASSERT_EQUAL(svc_print_applications(&app, &clerk, bad, 5, path, &r, no, 4, &nr, &e), ST_STATE);
	CU_ASSERT_EQUAL(nr, 3);
	CU_ASSERT_STRING_EQUAL(no[0].ref, "SQ-SZFT-01-20000101-0099");
	CU_ASSERT_PTR_NOT_NULL(strstr(no[0].msg, "没有申请单"));
	CU_ASSERT_PTR_NOT_NULL(strstr(no[1].msg, "已取消"));
	CU_ASSERT_PTR_NOT_NULL(strstr(no[2].msg, "重复"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "5 份申请单中有 3 份不能打印"));
	CU_ASSERT_FALSE(fs_exists(path));
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'application.print'"), audits + 3);
	/* only unknown numbers: ST_NOT_FOUND; none at all: ST_INVALID */
	const char *unknown[] = { "SQ-SZFT-01-20000101-0098" };
	CU_ASSERT_EQUAL(svc_print_applications(&app, &clerk, unknown, 1, path, &r, NULL, 0, &nr, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(nr, 1);
	CU_ASSERT_EQUAL(svc_print_applications(&app, &clerk, unknown, 0, path, &r, NULL, 0, &nr, &e), ST_INVALID);
}

static void test_receipt(void)
{
	struct err e;
	char a1[UUID_LEN + 1], n1[NUMBER_MAX], a2[UUID_LEN + 1], n2[NUMBER_MAX];
	char oid[UUID_LEN + 1], ono[NUMBER_MAX], path[700];
	CU_ASSERT_FATAL(submitted("13812345678", &enterprise_in, a1, n1));
	struct application_input renew = enterprise_in;
	renew.kind = KIND_RENEWAL;
	renew.years = 1;
	renew.cert_serial = "5A3F0098C1D2";
	CU_ASSERT_FATAL(submitted("13812345678", &renew, a2, n2));
	const char *ids[] = { a1, a2 };
	CU_ASSERT_FATAL(place(ids, 2, oid, ono));
	snprintf(path, sizeof path, "%s/receipt.pdf", tmp);
	int audits = count("SELECT count(*) FROM audit_log WHERE action = 'order.print_receipt'");
	struct print_result r;
	CU_ASSERT_EQUAL_FATAL(svc_print_receipt(&app, &clerk, ono, path, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.number, ono);
	CU_ASSERT_STRING_EQUAL(r.document, "数字证书业务回执");
	CU_ASSERT_TRUE(r.pages >= 1);
	CU_ASSERT_EQUAL(r.n_bad, 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'order.print_receipt'"), audits + 1);
	/* by id, to the default place */
	CU_ASSERT_EQUAL(svc_print_receipt(&app, &clerk, oid, NULL, &r, &e), ST_OK);
	char want[1024];
	snprintf(want, sizeof want, "%s/print/%s-receipt.pdf", app.data_dir, ono);
	CU_ASSERT_STRING_EQUAL(r.path, want);
	/* no postal address configured: refused, nothing written */
	unlink(path);
	CU_ASSERT_EQUAL(config_set(&app.cfg, "authority.address", "", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_print_receipt(&app, &clerk, ono, path, &r, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "authority.address"));
	CU_ASSERT_FALSE(fs_exists(path));
	CU_ASSERT_EQUAL(config_set(&app.cfg, "authority.address", "福州市鼓楼区五四路158号", &e), ST_OK);
	/* unknown; cancelled */
	CU_ASSERT_EQUAL(svc_print_receipt(&app, &clerk, "DD-SZFT-01-20000101-0001", path, &r, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL_FATAL(svc_order_cancel(&app.svc, &clerk, oid, "改期办理", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_print_receipt(&app, &clerk, ono, path, &r, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已取消"));
	CU_ASSERT_FALSE(fs_exists(path));
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'order.print_receipt'"), audits + 2);
}

static void test_payment_and_pickup(void)
{
	struct err e;
	CU_ASSERT_FATAL(supervisor());
	char a1[UUID_LEN + 1], n1[NUMBER_MAX], oid[UUID_LEN + 1], ono[NUMBER_MAX], path[700];
	char p1[UUID_LEN + 1], p2[UUID_LEN + 1], ref[UUID_LEN + 1];
	CU_ASSERT_FATAL(submitted("13812345678", &enterprise_in, a1, n1));
	const char *ids[] = { a1 };
	CU_ASSERT_FATAL(place(ids, 1, oid, ono));
	struct order o;
	CU_ASSERT_EQUAL_FATAL(svc_order_get(&app.svc, oid, &o, &e), ST_OK);
	snprintf(path, sizeof path, "%s/payment.pdf", tmp);
	struct print_result r;
	int audits = count("SELECT count(*) FROM audit_log WHERE action = 'payment.print_receipt'");

	/* not paid, not verified, rejected: refused, each saying so */
	CU_ASSERT_EQUAL(svc_print_payment(&app, &clerk, ono, path, &r, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "尚未缴费"));
	CU_ASSERT_FALSE(svc_print_payment_check(&app, oid, &e));
	CU_ASSERT_FATAL(transfer(oid, o.total_fen, "HK2026112501", p1));
	CU_ASSERT_EQUAL(svc_print_payment(&app, &clerk, ono, path, &r, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "尚未核款"));
	CU_ASSERT_EQUAL(svc_print_payment(&app, &clerk, p1, path, &r, &e), ST_STATE);
	/* the slip is needed before verification */
	CU_ASSERT_EQUAL_FATAL(svc_transfer_reject(&app.svc, &super, p1, "银行未到账", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_print_payment(&app, &clerk, ono, path, &r, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已被驳回"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "银行未到账"));
	CU_ASSERT_FALSE(fs_exists(path));
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'payment.print_receipt'"), audits);

	char slip[700];
	snprintf(slip, sizeof slip, "%s/slip.pdf", tmp);
	write_file(slip, "%PDF-1.4\nslip\n%%EOF\n", 20, 0644);
	CU_ASSERT_FATAL(transfer(oid, o.total_fen, "HK2026112502", p2));
	CU_ASSERT_EQUAL_FATAL(svc_transfer_add_slip(&app, &clerk, p2, slip, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_transfer_verify(&app.svc, &super, p2, &e), ST_OK);
	CU_ASSERT_TRUE(svc_print_payment_check(&app, ono, &e));
	CU_ASSERT_EQUAL_FATAL(svc_print_payment(&app, &clerk, ono, path, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.number, ono);
	CU_ASSERT_STRING_EQUAL(r.document, "数字证书服务费收款凭证");
	CU_ASSERT_EQUAL(svc_print_payment(&app, &clerk, p2, NULL, &r, &e), ST_OK);
	char q[400];
	snprintf(q, sizeof q, "SELECT count(*) FROM audit_log WHERE action = 'payment.print_receipt'"
			      " AND entity = 'payment' AND entity_id = '%s'", p2);
	CU_ASSERT_EQUAL(count(q), 2);
	/* a refund is no receipt of money received */
	CU_ASSERT_EQUAL_FATAL(svc_refund(&app.svc, &super, p2, 100, "多收", ref, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_print_payment(&app, &clerk, ref, path, &r, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "退款记录"));
	CU_ASSERT_EQUAL(svc_print_payment(&app, &clerk, ono, path, &r, &e), ST_OK);

	/* the pickup slip: only once the certificate is made, for the counter */
	snprintf(path, sizeof path, "%s/pickup.pdf", tmp);
	unlink(path);
	CU_ASSERT_EQUAL(svc_print_pickup(&app, &clerk, n1, path, &r, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "尚未制作"));
	CU_ASSERT_FALSE(svc_print_pickup_check(&app, ono, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "没有等待领取的证书"));
	CU_ASSERT_EQUAL_FATAL(svc_application_accept(&app.svc, &super, a1, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_application_make(&app.svc, &super, a1, "5A3F00A0C1D1", &e), ST_OK);
	CU_ASSERT_TRUE(svc_print_pickup_check(&app, n1, &e));
	audits = count("SELECT count(*) FROM audit_log WHERE action = 'application.print_pickup'");
	CU_ASSERT_EQUAL_FATAL(svc_print_pickup(&app, &clerk, n1, path, &r, &e), ST_OK);
	CU_ASSERT_EQUAL(r.count, 1);
	CU_ASSERT_EQUAL(svc_print_pickup(&app, &clerk, ono, NULL, &r, &e), ST_OK);
	snprintf(q, sizeof q, "%s/print/%s-pickup.pdf", app.data_dir, ono);
	CU_ASSERT_STRING_EQUAL(r.path, q);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'application.print_pickup'"), audits + 2);
	/* to be posted: no slip */
	snprintf(q, sizeof q, "UPDATE applications SET delivery = 'post', recipient = '张三' WHERE id = '%s'", a1);
	sql(q);
	CU_ASSERT_EQUAL(svc_print_pickup(&app, &clerk, n1, path, &r, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "邮寄"));
	/* the application form is too late now */
	CU_ASSERT_EQUAL(svc_print_application(&app, &clerk, n1, path, &r, &e), ST_STATE);
}

/* The engine writes text by glyph: an identity CIDToGIDMap and a ToUnicode
 * map instead of libharu's 128 KB map; the text comes back whole. */
static void test_engine_glyph_codes(void)
{
	struct err e;
	struct layout *l = NULL;
	CU_ASSERT_EQUAL_FATAL(layout_parse("t", "page\ntext 20 20 \"申请单号：{n}\"\n", &l, &e), ST_OK);
	struct pdf_data *d = pdf_data_new();
	CU_ASSERT_FATAL(d && pdf_data_set(d, "n", "SQ-1 数字证书"));
	struct pdf_job job = { l, d };
	char *pdf = NULL;
	size_t len = 0;
	struct pdf_result res;
	CU_ASSERT_EQUAL_FATAL(pdf_render_mem(NULL, &job, 1, &pdf, &len, &res, &e), ST_OK);
	CU_ASSERT_EQUAL(res.pages, 1);
	CU_ASSERT_TRUE(len < 12000);      /* 14 glyphs: a few KB */
	CU_ASSERT_PTR_NOT_NULL(memmem(pdf, len, "/CIDToGIDMap /Identity", 22));
	CU_ASSERT_PTR_NOT_NULL(memmem(pdf, len, "/FontFile2", 10));
	CU_ASSERT_PTR_NOT_NULL(memmem(pdf, len, "/ToUnicode", 10));
	CU_ASSERT_PTR_NOT_NULL(memmem(pdf, len, "/CapHeight", 10));
	free(pdf);
	pdf_data_free(d);
	layout_free(l);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The font program: the FontFile2 stream says /FlateDecode, inflates to
 * /Length1 bytes, and is a TrueType file of the drawing tables only. */
static void test_engine_font_stream(void)
{
	struct err e;
	struct layout *l = NULL;
	CU_ASSERT_EQUAL_FATAL(layout_parse("t", "page\ntext 20 20 \"数字证书申请表 {n}\"\n", &l, &e), ST_OK);
	struct pdf_data *d = pdf_data_new();
	CU_ASSERT_FATAL(d && pdf_data_set(d, "n", "SQ-1 张三"));
	struct pdf_job job = { l, d };
	char *pdf = NULL;
	size_t len = 0;
	struct pdf_result res;
	CU_ASSERT_EQUAL_FATAL(pdf_render_mem(NULL, &job, 1, &pdf, &len, &res, &e), ST_OK);
	const char *l1 = memmem(pdf, len, "/Length1 ", 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l1);
	unsigned long want = strtoul(l1 + 9, NULL, 10);
	const char *dict_end = memmem(l1, len - (size_t)(l1 - pdf), ">>", 2);
	const char *data = memmem(l1, len - (size_t)(l1 - pdf), "stream\r\n", 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dict_end);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	/* the filter is among this stream's entries */
	const char *start = l1;
	while (start > pdf && memcmp(start, "<<", 2) != 0)
		start--;
	CU_ASSERT_PTR_NOT_NULL(memmem(start, (size_t)(dict_end - start), "/FlateDecode", 12));
	data += 8;
	const char *end = memmem(data, len - (size_t)(data - pdf), "\nendstream", 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	unsigned char *ttf = malloc(want + 16);
	uLongf got = want + 16;
	CU_ASSERT_FATAL(ttf != NULL);
	CU_ASSERT_EQUAL(uncompress(ttf, &got, (const Bytef *)data, (uLong)(end - data)), Z_OK);
	CU_ASSERT_EQUAL(got, want);
	CU_ASSERT_EQUAL(be32(ttf), 0x00010000u);
	unsigned n = (unsigned)ttf[4] << 8 | ttf[5];
	bool glyf = false, extra = false;
	for (unsigned i = 0; i < n && 12 + 16 * i + 16 <= got; i++) {
		const unsigned char *rec = ttf + 12 + 16 * i;
		glyf |= memcmp(rec, "glyf", 4) == 0;
		extra |= memcmp(rec, "cmap", 4) == 0 || memcmp(rec, "name", 4) == 0 || memcmp(rec, "post", 4) == 0;
		CU_ASSERT(be32(rec + 8) + be32(rec + 12) <= got);
	}
	CU_ASSERT_TRUE(glyf);
	CU_ASSERT_FALSE(extra);
	free(ttf);
	free(pdf);
	pdf_data_free(d);
	layout_free(l);
}

/* The QR code, drawn in module units: rendered by poppler, the centre of
 * every module has the colour libqrencode gave it, and the quiet zone
 * around it is white. */
static void test_engine_qr_modules(void)
{
	const char *number = "SQ-SZFT-01-20261125-0001";
	struct err e;
	struct layout *l = NULL;
	/* 40 mm at (20, 30) mm, a quiet zone of 4 modules */
	CU_ASSERT_EQUAL_FATAL(layout_parse("t", "page\nqr 20 30 40 \"{n}\"\n", &l, &e), ST_OK);
	struct pdf_data *d = pdf_data_new();
	CU_ASSERT_FATAL(d && pdf_data_set(d, "n", number));
	struct pdf_job job = { l, d };
	char pdf[600], base[600], pgm[620], cmd[1400];
	snprintf(pdf, sizeof pdf, "%s/qr.pdf", tmp);
	snprintf(base, sizeof base, "%s/qr", tmp);
	snprintf(pgm, sizeof pgm, "%s.pgm", base);
	CU_ASSERT_EQUAL_FATAL(pdf_render_file(NULL, &job, 1, pdf, NULL, &e), ST_OK);
	/* 4 pixels a point */
	snprintf(cmd, sizeof cmd, "pdftoppm -r 288 -gray -singlefile '%s' '%s'", pdf, base);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	char *img = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(fs_read_all(pgm, 64u << 20, &img, &len, &e), ST_OK);
	int w = 0, h = 0, max = 0, off = 0;
	CU_ASSERT_EQUAL_FATAL(sscanf(img, "P5 %d %d %d%n", &w, &h, &max, &off), 3);
	off++;   /* the single whitespace after the header */
	CU_ASSERT_FATAL(w > 0 && h > 0 && (size_t)off + (size_t)w * (size_t)h <= len);
	QRcode *qr = QRcode_encodeString(number, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(qr);
	int n = qr->width, wrong = 0;
	double m = 40.0 / (n + 8), px = 4 * 72 / 25.4;   /* module, mm; pixels a mm */
	for (int row = -2; row < n + 2; row++)
		for (int c = -2; c < n + 2; c++) {
			bool dark = row >= 0 && row < n && c >= 0 && c < n && (qr->data[row * n + c] & 1);
			int x = (int)((20 + (4 + c + 0.5) * m) * px), y = (int)((30 + (4 + row + 0.5) * m) * px);
			unsigned char v = (unsigned char)img[off + y * w + x];
			if (dark != (v < 128))
				wrong++;
		}
	CU_ASSERT_EQUAL(wrong, 0);
	QRcode_free(qr);
	free(img);
	unlink(pgm);
	unlink(pdf);
	pdf_data_free(d);
	layout_free(l);
}

/* ---- the printer port ---- */

static char bin[600], args_file[700], saved_path[4096];

/* Install a fake lp in bin/ whose body is `script`, and put bin/ alone on PATH. */
static void fake_lp(const char *script)
{
	char path[700], text[2048];
	snprintf(path, sizeof path, "%s/lp", bin);
	snprintf(text, sizeof text, "#!/bin/sh\n%s\n", script);
	unlink(path);
	write_file(path, text, strlen(text), 0755);
	unlink(args_file);
}

static int setup_printer(void)
{
	struct err e;
	const char *base = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(bin, sizeof bin, "%s/lpbin-%ld", base, (long)getpid());
	snprintf(args_file, sizeof args_file, "%s/args", bin);
	snprintf(saved_path, sizeof saved_path, "%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	if (fs_mkdir_p(bin, &e) != ST_OK)
		return 1;
	/* Only the fake (and sh's own tools through absolute paths) can be found. */
	char path[1400];
	snprintf(path, sizeof path, "%s:/usr/bin:/bin", bin);
	return setenv("PATH", path, 1);
}

static int teardown_printer(void)
{
	return setenv("PATH", saved_path, 1);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;
	struct err e;
	if (fs_read_all(path, 1 << 16, &text, &len, &e) != ST_OK)
		return NULL;
	return text;
}

static void test_printer_sends(void)
{
	char pdf[700], script[1800], job[PRINTER_JOB_MAX];
	snprintf(pdf, sizeof pdf, "%s/doc.pdf", bin);
	write_file(pdf, "%PDF-1.4\n", 9, 0644);
	snprintf(script, sizeof script,
		 "for a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s'\n"
		 "echo \"LC_ALL=$LC_ALL\" >> '%s'\n"
		 "echo \"request id is $2-7 (1 file(s))\"", args_file, args_file);
	fake_lp(script);
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL(printer_send("前台打印机", pdf, 5000, job, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(job, "前台打印机-7");
	char want[1000];
	snprintf(want, sizeof want, "-d\n前台打印机\n%s\nLC_ALL=C.UTF-8\n", pdf);
	char *got = slurp(args_file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);

	/* A relative file name that looks like an option is passed as ./NAME. */
	char cwd[600];
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
	CU_ASSERT_EQUAL_FATAL(chdir(bin), 0);
	write_file("-x.pdf", "%PDF-1.4\n", 9, 0644);
	CU_ASSERT_EQUAL(printer_send("P1", "-x.pdf", 5000, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(chdir(cwd), 0);
	got = slurp(args_file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, "-d\nP1\n./-x.pdf\nLC_ALL=C.UTF-8\n");
	free(got);

	/* Names that are no printer's, and a file that is not there: lp never runs. */
	unlink(args_file);
	const char *bad[] = { "", "-x", "a b", "a/b", "a#b", "tab\tname" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CU_ASSERT_EQUAL(printer_send(bad[i], pdf, 5000, NULL, &e), ST_INVALID);
		CU_ASSERT_FALSE(fs_exists(args_file));
	}
	CU_ASSERT_EQUAL(printer_send("P1", "/nonexistent/doc.pdf", 5000, NULL, &e), ST_INVALID);
	CU_ASSERT_EQUAL(printer_send("P1", bin, 5000, NULL, &e), ST_INVALID); /* a directory */
	CU_ASSERT_FALSE(fs_exists(args_file));
}

static void test_printer_failures(void)
{
	char pdf[700], job[PRINTER_JOB_MAX];
	snprintf(pdf, sizeof pdf, "%s/doc.pdf", bin);
	write_file(pdf, "%PDF-1.4\n", 9, 0644);
	struct err e;

	/* What CUPS says for an unknown queue. */
	fake_lp("echo 'lp: Error - The printer or class does not exist.' >&2; exit 1");
	CU_ASSERT_EQUAL(printer_send("nosuch", pdf, 5000, job, &e), ST_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "打印机“nosuch”不存在"));
	CU_ASSERT_STRING_EQUAL(job, "");

	fake_lp("echo 'lp: Error - Destination \"P1\" is not accepting jobs.' >&2; exit 1");
	CU_ASSERT_EQUAL(printer_send("P1", pdf, 5000, NULL, &e), ST_DEVICE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "拒绝了打印任务：Destination \"P1\" is not accepting jobs."));

	fake_lp("exit 3");
	CU_ASSERT_EQUAL(printer_send("P1", pdf, 5000, NULL, &e), ST_DEVICE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "退出码 3"));

	fake_lp("kill -9 $$");
	CU_ASSERT_EQUAL(printer_send("P1", pdf, 5000, NULL, &e), ST_DEVICE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "信号 9"));

	/* Hangs: killed at the deadline, not waited for. */
	fake_lp("exec /bin/sleep 30");
	double t0 = clock_ms();
	CU_ASSERT_EQUAL(printer_send("P1", pdf, 300, NULL, &e), ST_TIMEOUT);
	CU_ASSERT_TRUE(clock_ms() - t0 < 3000);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "没有完成"));
	/* Hangs with its output closed (a daemonised child keeps nothing open). */
	fake_lp("exec /bin/sleep 30 >/dev/null 2>&1");
	t0 = clock_ms();
	CU_ASSERT_EQUAL(printer_send("P1", pdf, 300, NULL, &e), ST_TIMEOUT);
	CU_ASSERT_TRUE(clock_ms() - t0 < 3000);

	/* Done, though something it started still holds its output open:
	 * lp's own exit is what counts. */
	fake_lp("(/bin/sleep 4 &)\necho 'request id is P1-3 (1 file(s))'");
	t0 = clock_ms();
	CU_ASSERT_EQUAL(printer_send("P1", pdf, 10000, job, &e), ST_OK);
	CU_ASSERT_TRUE(clock_ms() - t0 < 2500);
	CU_ASSERT_STRING_EQUAL(job, "P1-3");

	/* No lp at all: CUPS' client is not installed. */
	char lp[700];
	snprintf(lp, sizeof lp, "%s/lp", bin);
	unlink(lp);
	char only[700];
	snprintf(only, sizeof only, "%s", bin);
	setenv("PATH", only, 1);
	CU_ASSERT_EQUAL(printer_send("P1", pdf, 5000, NULL, &e), ST_UNSUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "找不到打印命令 lp"));

	/* svc_print_send says where the PDF is, whole when it fits ... */
	CU_ASSERT_EQUAL(svc_print_send("P1", pdf, NULL, &e), ST_UNSUPPORTED);
	char want[800];
	snprintf(want, sizeof want, "；PDF 已保存在 %s", pdf);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
	/* ... else cut from the left, keeping the file name, never inside a character. */
	char deep[1200];
	snprintf(deep, sizeof deep, "%s/%s", bin,
		 "很长的目录名很长的目录名很长的目录名很长的目录名很长的目录名很长的目录名很长的目录名很长的目录名");
	struct err me;
	CU_ASSERT_EQUAL_FATAL(fs_mkdir_p(deep, &me), ST_OK);
	char far[1400];
	snprintf(far, sizeof far, "%s/SQ-SZFT-01-20261125-0001.pdf", deep);
	write_file(far, "%PDF-1.4\n", 9, 0644);
	CU_ASSERT_EQUAL(svc_print_send("P1", far, NULL, &e), ST_UNSUPPORTED);
	CU_ASSERT_TRUE(utf8_valid(e.msg, strlen(e.msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "找不到打印命令 lp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "…"));
	size_t ml = strlen(e.msg), tl = strlen("/SQ-SZFT-01-20261125-0001.pdf");
	CU_ASSERT_TRUE(ml > tl && strcmp(e.msg + ml - tl, "/SQ-SZFT-01-20261125-0001.pdf") == 0);
	char path[1400];
	snprintf(path, sizeof path, "%s:/usr/bin:/bin", bin);
	setenv("PATH", path, 1);
}

void suite_print(void)
{
	UNIT_SUITE("print", setup_suite, teardown_suite,
		   { "the reprint rule", test_allowed },
		   { "data of an enterprise form", test_data_enterprise },
		   { "data of a personal form", test_data_personal },
		   { "print writes the PDF and audits it", test_print_writes_and_audits },
		   { "too late or cancelled: refused", test_print_refused_too_late },
		   { "unprintable characters named by field", test_unprintable_named_by_field },
		   { "a batch: one PDF, or nothing", test_batch },
		   { "the receipt of an order, and its refusals", test_receipt },
		   { "payment receipt and pickup slip, and their refusals", test_payment_and_pickup },
		   { "the engine writes text by glyph", test_engine_glyph_codes },
		   { "the font program: deflated, drawing tables only", test_engine_font_stream },
		   { "the QR code's modules, rendered", test_engine_qr_modules });
	UNIT_SUITE("printer", setup_printer, teardown_printer,
		   { "lp -d PRINTER FILE", test_printer_sends },
		   { "lp failures, timeout, missing lp", test_printer_failures });
}
