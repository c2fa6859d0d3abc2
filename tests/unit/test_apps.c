/* Applicants and applications through the use cases, on an in-memory
 * database: every rule of the issue, and that refusals write nothing. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapt/sms.h"
#include "store/audit.h"
#include "store/cert_repo.h"
#include "svc/app_kind.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/key.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "unit.h"
#include "util/fs.h"

static struct db *db;
static struct svc svc;
static struct actor admin, clerk, super, super2;
static struct sms_gateway *gw;
static char spool[512], data_dir[512];

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

static void make_staff(const char *user, enum role r, struct actor *out)
{
	struct err e;
	bool must;
	svc_staff_create(&svc, &admin, user, "某人", r, "Passw0rd1", NULL, &e);
	svc_login(&svc, user, "Passw0rd1", out, &must, &e);
}

static int setup_suite(void)
{
	struct err e;
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(data_dir, sizeof data_dir, "%s/apps-%ld", tmp, (long)getpid());
	snprintf(spool, sizeof spool, "%s/sms.txt", data_dir);
	if (sodium_init() < 0 || fs_mkdir_p(data_dir, &e) != ST_OK ||
	    db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	svc.db = db;
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	if (svc_setup(&svc, &in, &admin, &e) != ST_OK)
		return 1;
	make_staff("clerk", ROLE_CLERK, &clerk);
	make_staff("super", ROLE_SUPERVISOR, &super);
	make_staff("super2", ROLE_SUPERVISOR, &super2);
	struct sms_config cfg = { .driver = "file" };
	snprintf(cfg.spool, sizeof cfg.spool, "%s", spool);
	return sms_open(&cfg, &gw, &e) != ST_OK;
}

static int teardown_suite(void)
{
	sms_free(gw);
	db_close(db);
	return 0;
}

/* The last code sent to phone, read back from the file gateway's spool. */
static void last_code(const char *phone, char code[7])
{
	char *text = NULL;
	struct err e;
	code[0] = '\0';
	if (fs_read_all(spool, 1 << 20, &text, NULL, &e) != ST_OK)
		return;
	const char *p = text, *hit = NULL;
	while ((p = strstr(p, phone)) != NULL)
		hit = p++;
	if (hit) {
		const char *c = strstr(hit, "验证码 ");
		if (c)
			snprintf(code, 7, "%.6s", c + strlen("验证码 "));
	}
	free(text);
}

/* Let the resend limit pass by rewinding the codes' timestamps. */
static void age_codes(void)
{
	sqlite3_exec(db_handle(db), "UPDATE sms_codes SET created_at = '2000-01-01T00:00:00Z'",
		     NULL, NULL, NULL);
}

static bool reg(const char *phone, const char *name, const char *idn, char id[UUID_LEN + 1],
		struct err *e)
{
	char code[7];
	if (svc_sms_send_code(&svc, gw, &clerk, phone, SMS_REGISTER, e) != ST_OK)
		return false;
	last_code(phone, code);
	struct applicant_input in = { phone, name, idn, "zhang@example.com", "深圳市福田区深南大道1号",
				      "518000", "Portal123" };
	return svc_applicant_register(&svc, &clerk, &in, code, id, NULL, e) == ST_OK;
}

static void test_register_with_sms(void)
{
	struct err e;
	char id[UUID_LEN + 1];
	CU_ASSERT_TRUE_FATAL(reg("13812345678", "张三", "11010519491231002X", id, &e));
	struct applicant a;
	CU_ASSERT_EQUAL(svc_applicant_get(&svc, id, &a, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(a.name, "张三");
	CU_ASSERT_TRUE(a.verified);
	CU_ASSERT_TRUE(a.has_portal_password);
	/* Codes and phones never sit in the audit or outbox in clear. */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE after LIKE '%13812345678%'"), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE after LIKE '%138****5678%'"), 2);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM sms_codes WHERE code_mac LIKE '______'"), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE payload LIKE '%Portal123%'"), 0);
}

static void test_duplicate_phone(void)
{
	struct err e;
	char existing[UUID_LEN + 1] = "";
	struct applicant_input in = { "13812345678", "李四", "", "", "", "", "" };
	int w = WRITES();
	CU_ASSERT_EQUAL(svc_applicant_precheck(&svc, &in, existing, &e), ST_EXISTS);
	CU_ASSERT_STRING_EQUAL(e.field, "phone");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已注册（张三）"));
	CU_ASSERT_TRUE(uuid_valid(existing));
	CU_ASSERT_EQUAL(svc_applicant_register(&svc, &clerk, &in, "000000", NULL, existing, &e),
			ST_EXISTS);
	CU_ASSERT_EQUAL(WRITES(), w);
}

static void test_sms_code_rules(void)
{
	struct err e;
	const char *phone = "13900001111";
	char code[7];
	struct applicant_input in = { phone, "王五", "", "", "", "", "" };
	CU_ASSERT_EQUAL(svc_sms_check_code(&svc, phone, SMS_REGISTER, "123456", &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(svc_sms_send_code(&svc, gw, &clerk, phone, SMS_REGISTER, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_sms_send_code(&svc, gw, &clerk, phone, SMS_REGISTER, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "秒后"));
	last_code(phone, code);
	CU_ASSERT_EQUAL(strlen(code), 6u);
	char wrong[7];
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	int w = WRITES();
	for (int i = 1; i <= 4; i++) {
		CU_ASSERT_EQUAL(svc_applicant_register(&svc, &clerk, &in, wrong, NULL, NULL, &e), ST_AUTH);
		char want[64];
		snprintf(want, sizeof want, "还可尝试 %d 次", 5 - i);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
	}
	CU_ASSERT_EQUAL(svc_applicant_register(&svc, &clerk, &in, wrong, NULL, NULL, &e), ST_AUTH);
	/* Five wrong tries: even the right code no longer works. */
	CU_ASSERT_EQUAL(svc_applicant_register(&svc, &clerk, &in, code, NULL, NULL, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "重新发送"));
	CU_ASSERT_EQUAL(WRITES(), w); /* nothing registered */
	struct applicant a;
	CU_ASSERT_EQUAL(svc_applicant_by_phone(&svc, phone, &a, &e), ST_NOT_FOUND);

	/* An expired code. */
	age_codes();
	CU_ASSERT_EQUAL(svc_sms_send_code(&svc, gw, &clerk, phone, SMS_REGISTER, &e), ST_OK);
	last_code(phone, code);
	sqlite3_exec(db_handle(db), "UPDATE sms_codes SET expires_at = '2000-01-01T00:00:00Z'",
		     NULL, NULL, NULL);
	CU_ASSERT_EQUAL(svc_applicant_register(&svc, &clerk, &in, code, NULL, NULL, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "过期"));
}

static void test_bad_profile_saves_nothing(void)
{
	struct err e;
	int w = WRITES();
	struct applicant_input bad_id = { "13700000001", "赵六", "110105194912310021", "", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_register(&svc, &clerk, &bad_id, "000000", NULL, NULL, &e),
			ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "id_number");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "校验"));
	struct applicant_input bad_phone = { "12000000001", "赵六", "", "", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_precheck(&svc, &bad_phone, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "phone");
	struct applicant_input bad_mail = { "13700000001", "赵六", "", "not-mail", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_precheck(&svc, &bad_mail, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "email");
	CU_ASSERT_EQUAL(WRITES(), w);
}

static const struct application_input enterprise_in = {
	.kind = KIND_NEW, .subject = SUBJECT_ENTERPRISE, .years = 2,
	.credit_code = "91350100M000100Y43", .holder_name = "福州某某科技有限公司",
	.legal_rep = "林某", .phone = "0591-87654321", .address = "福州市鼓楼区五四路100号",
	.postal_code = "350001", .email = "", .delivery = DELIVERY_PICKUP,
};

static char app_id[UUID_LEN + 1], app_number[NUMBER_MAX], applicant[UUID_LEN + 1];

static void test_create_enterprise_application(void)
{
	struct err e;
	struct applicant a;
	CU_ASSERT_EQUAL_FATAL(svc_applicant_by_phone(&svc, "13812345678", &a, &e), ST_OK);
	memcpy(applicant, a.id, sizeof applicant);
	/* Without the agreement: refused. */
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, a.id, &enterprise_in, "", NULL, NULL, &e),
			ST_STATE);
	/* A bad credit code names its field. */
	struct application_input bad = enterprise_in;
	bad.credit_code = "91350100M000100Y44";
	int w = WRITES();
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, a.id, &bad, svc_agreement_version(), NULL,
					       NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "credit_code");
	/* Post without a recipient. */
	bad = enterprise_in;
	bad.delivery = DELIVERY_POST;
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, a.id, &bad, svc_agreement_version(), NULL,
					       NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "recipient");
	/* Years without a price. */
	bad = enterprise_in;
	bad.years = 5;
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, a.id, &bad, svc_agreement_version(), NULL,
					       NULL, &e), ST_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "years");
	CU_ASSERT_EQUAL(WRITES(), w);

	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, a.id, &enterprise_in,
					       svc_agreement_version(), app_id, app_number, &e), ST_OK);
	CU_ASSERT_TRUE(number_looks_valid(app_number));
	CU_ASSERT_EQUAL(strncmp(app_number, "SQ-SZFT-01-", 11), 0);
	CU_ASSERT_EQUAL(strcmp(app_number + strlen(app_number) - 5, "-0001"), 0);
	struct application app;
	CU_ASSERT_EQUAL(svc_application_get(&svc, app_id, &app, &e), ST_OK);
	CU_ASSERT_EQUAL(app.status, APP_DRAFT);
	CU_ASSERT_STRING_EQUAL(app.holder_name, "福州某某科技有限公司");
	/* The enterprise was created and linked; a second application reuses it. */
	struct enterprise en[4];
	CU_ASSERT_EQUAL(svc_applicant_enterprises(&svc, a.id, en, 4, &e), 1);
	char id2[UUID_LEN + 1], n2[NUMBER_MAX];
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, a.id, &enterprise_in,
					       svc_agreement_version(), id2, n2, &e), ST_OK);
	CU_ASSERT_EQUAL(strcmp(n2 + strlen(n2) - 5, "-0002"), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM enterprises"), 1);
	/* The number travels in the payload, so the centre keeps it. */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'application.create@1'"
			      " AND payload LIKE '%\"number\":\"SQ-SZFT-01-%'"), 2);
}

static void write_file(const char *name, const void *data, size_t n, char *path, size_t pathsz)
{
	snprintf(path, pathsz, "%s/%s", data_dir, name);
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, n, f);
	fclose(f);
}

static void test_documents_and_submit(void)
{
	struct err e;
	char pdf[600], txt[600], png[600];
	static const char pdf_bytes[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	static const unsigned char png_bytes[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
	write_file("licence.pdf", pdf_bytes, sizeof pdf_bytes - 1, pdf, sizeof pdf);
	write_file("id.png", png_bytes, sizeof png_bytes, png, sizeof png);
	write_file("fake.pdf", "just some text, renamed\n", 24, txt, sizeof txt);

	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, app_id, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "营业执照副本复印件"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "授权委托书"));

	int w = WRITES();
	CU_ASSERT_EQUAL(svc_attach_file(&svc, &clerk, data_dir, app_id, DOC_LICENCE, txt, NULL, &e),
			ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不是 PDF、JPEG 或 PNG"));
	CU_ASSERT_EQUAL(svc_attach_file(&svc, &clerk, data_dir, app_id, DOC_LICENCE, "/nonexistent/x.pdf",
					NULL, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(WRITES(), w);

	char att[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_attach_file(&svc, &clerk, data_dir, app_id, DOC_LICENCE, pdf, att, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_attach_file(&svc, &clerk, data_dir, app_id, DOC_LEGAL_REP_ID, png, NULL, &e),
			ST_OK);
	CU_ASSERT_EQUAL(svc_attach_file(&svc, &clerk, data_dir, app_id, DOC_AGENT_ID, png, NULL, &e),
			ST_OK);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM blobs"), 2); /* content-addressed */
	struct attachment list[8];
	CU_ASSERT_EQUAL(svc_attachments(&svc, app_id, list, 8, &e), 3);
	CU_ASSERT_STRING_EQUAL(list[0].mime, "application/pdf");
	char path[1024];
	snprintf(path, sizeof path, "%s/blobs/%.2s/%.2s/%s", data_dir, list[0].sha256,
		 list[0].sha256 + 2, list[0].sha256);
	CU_ASSERT_TRUE(fs_exists(path));

	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, app_id, &e), ST_STATE);
	CU_ASSERT_PTR_NULL(strstr(e.msg, "营业执照"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "授权委托书"));
	CU_ASSERT_EQUAL(svc_application_paper(&svc, &clerk, app_id, DOC_AUTHORISATION, true, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, app_id, &e), ST_OK);
	struct application app;
	svc_application_get(&svc, app_id, &app, &e);
	CU_ASSERT_EQUAL(app.status, APP_PENDING_REVIEW);
	CU_ASSERT_NOT_EQUAL(app.submitted_at[0], '\0');
	/* Still editable while pending review: remove and re-add. */
	CU_ASSERT_EQUAL(svc_attach_remove(&svc, &clerk, att, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_attach_file(&svc, &clerk, data_dir, app_id, DOC_LICENCE, pdf, NULL, &e), ST_OK);
	struct application_input edit = enterprise_in;
	edit.years = 3;
	CU_ASSERT_EQUAL(svc_application_update(&svc, &clerk, app_id, &edit, &e), ST_OK);
	svc_application_get(&svc, app_id, &app, &e);
	CU_ASSERT_EQUAL(app.years, 3);
	CU_ASSERT_EQUAL(app.status, APP_PENDING_REVIEW);
}

static void test_review_four_eyes(void)
{
	struct err e;
	/* The clerk cannot accept; a supervisor cannot accept what they entered. */
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &clerk, app_id, &e), ST_DENIED);
	char own[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_application_create(&svc, &super, applicant, &enterprise_in,
					       svc_agreement_version(), own, NULL, &e), ST_OK);
	svc_application_paper(&svc, &super, own, DOC_LICENCE, true, &e);
	svc_application_paper(&svc, &super, own, DOC_LEGAL_REP_ID, true, &e);
	svc_application_paper(&svc, &super, own, DOC_AGENT_ID, true, &e);
	svc_application_paper(&svc, &super, own, DOC_AUTHORISATION, true, &e);
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &super, own, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, own, &e), ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不能审核自己录入的申请单"));
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super2, own, &e), ST_OK);

	/* Return needs a reason; then the clerk edits and resubmits. */
	CU_ASSERT_EQUAL(svc_application_return(&svc, &super, app_id, "", &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_application_return(&svc, &super, app_id, "营业执照复印件不清晰", &e), ST_OK);
	struct application app;
	svc_application_get(&svc, app_id, &app, &e);
	CU_ASSERT_EQUAL(app.status, APP_RETURNED);
	CU_ASSERT_STRING_EQUAL(app.reason, "营业执照复印件不清晰");
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, app_id, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, app_id, &e), ST_OK);

	/* Accepted: the clerk may no longer edit, cancel or touch documents. */
	int w = WRITES();
	CU_ASSERT_EQUAL(svc_application_update(&svc, &clerk, app_id, &enterprise_in, &e), ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "只有审核员可以修改"));
	CU_ASSERT_EQUAL(svc_application_cancel(&svc, &clerk, app_id, "不要了", &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_application_paper(&svc, &clerk, app_id, DOC_OTHER, true, &e), ST_DENIED);
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super2, app_id, &e), ST_STATE);
	CU_ASSERT_EQUAL(WRITES(), w);
	/* A supervisor may still correct it, and that is recorded. */
	CU_ASSERT_EQUAL(svc_application_update(&svc, &super2, app_id, &enterprise_in, &e), ST_OK);
	CU_ASSERT_EQUAL(WRITES(), w + 1001);
}

static void test_personal_needs_id_and_cancel(void)
{
	struct err e;
	char id[UUID_LEN + 1];
	CU_ASSERT_TRUE_FATAL(reg("15000000002", "钱七", "", id, &e));
	struct application_input in = {
		.kind = KIND_NEW, .subject = SUBJECT_PERSONAL, .years = 1,
		.address = "深圳市南山区科技园", .delivery = DELIVERY_PICKUP,
	};
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, id, &in, svc_agreement_version(), NULL,
					       NULL, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "身份证号"));
	struct applicant_input prof = { "15000000002", "钱七", "110105194912310010", "", "", "", "" };
	CU_ASSERT_EQUAL(svc_applicant_update(&svc, &clerk, id, &prof, &e), ST_INVALID); /* bad check char */
	prof.id_number = "11010519491231002X";
	CU_ASSERT_EQUAL(svc_applicant_update(&svc, &clerk, id, &prof, &e), ST_OK);
	char app[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, id, &in, svc_agreement_version(), app,
					       NULL, &e), ST_OK);
	struct application a;
	svc_application_get(&svc, app, &a, &e);
	CU_ASSERT_STRING_EQUAL(a.holder_name, "钱七");
	CU_ASSERT_STRING_EQUAL(a.holder_code, "11010519491231002X");
	CU_ASSERT_EQUAL(svc_application_cancel(&svc, &clerk, app, "", &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_application_cancel(&svc, &clerk, app, "申请人改日再办", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_cancel(&svc, &clerk, app, "再取消一次", &e), ST_STATE);
	/* Renewal needs the old certificate's serial. */
	struct application_input ren = in;
	ren.kind = KIND_RENEWAL;
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, id, &ren, svc_agreement_version(), NULL,
					       NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "cert_serial");
	ren.cert_serial = "4a:3f:00:12";
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, id, &ren, svc_agreement_version(), app,
					       NULL, &e), ST_OK);
	svc_application_get(&svc, app, &a, &e);
	CU_ASSERT_STRING_EQUAL(a.cert_serial, "4A3F0012");
}

static void test_find(void)
{
	struct err e;
	struct application out[16];
	int n = svc_application_find(&svc, "", "", "", "", PAGE_FIRST, "", out, 16, &e);
	CU_ASSERT_TRUE(n >= 5);
	for (int i = 1; i < n; i++)
		CU_ASSERT_TRUE(strcmp(out[i - 1].id, out[i].id) > 0); /* newest first */
	CU_ASSERT_EQUAL(svc_application_find(&svc, app_number, "", "", "", PAGE_FIRST, "", out, 16, &e), 1);
	CU_ASSERT_STRING_EQUAL(out[0].id, app_id);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "13812345678", "", "", "", PAGE_FIRST, "", out, 16, &e), 3);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "19999999999", "", "", "", PAGE_FIRST, "", out, 16, &e), 0);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "91350100m000100y43", "", "", "", PAGE_FIRST, "", out,
					     16, &e), 3);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "11010519491231002x", "", "", "", PAGE_FIRST, "", out,
					     16, &e), 2);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "某某科技", "", "", "", PAGE_FIRST, "", out, 16, &e), 3);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "钱七", "", "", "", PAGE_FIRST, "", out, 16, &e), 2);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "钱", "", "", "", PAGE_FIRST, "", out, 16, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "query");
	CU_ASSERT_EQUAL(svc_application_find(&svc, "", "cancelled", "", "", PAGE_FIRST, "", out, 16, &e), 1);
	CU_ASSERT_EQUAL(svc_application_count(&svc, "", "accepted", "", ""), 2);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "", "", "2000-01-01", "2000-12-31", PAGE_FIRST, "", out,
					     16, &e), 0);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "", "", "2026-12-31", "2026-01-01", PAGE_FIRST, "", out,
					     16, &e), -1);
	/* Keyset paging walks every row once, both ways. */
	struct application page[2];
	char key[UUID_LEN + 1] = "";
	int seen = 0, got;
	enum page_dir dir = PAGE_FIRST;
	while ((got = svc_application_find(&svc, "", "", "", "", dir, key, page, 2, &e)) > 0) {
		seen += got;
		snprintf(key, sizeof key, "%s", page[got - 1].id);
		dir = PAGE_AFTER;
	}
	CU_ASSERT_EQUAL(seen, n);
	CU_ASSERT_EQUAL(svc_application_find(&svc, "", "", "", "", PAGE_BEFORE, key, page, 2, &e), 2);
	CU_ASSERT_TRUE(strcmp(page[0].id, page[1].id) > 0);

	struct applicant people[4];
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "张三", PAGE_FIRST, "", people, 4, &e), 1);
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "13812345678", PAGE_FIRST, "", people, 4, &e), 1);
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "11010519491231002x", PAGE_FIRST, "", people, 4, &e), 2);
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "%%", PAGE_FIRST, "", people, 4, &e), 0);
	/* '%' and '_' are characters of a name, not wildcards: "孙_九" finds
	 * 孙_九 and not 孙八九; "孙%" finds nobody. */
	char id[UUID_LEN + 1];
	CU_ASSERT_TRUE_FATAL(reg("15000000031", "孙_九", "", id, &e));
	CU_ASSERT_TRUE_FATAL(reg("15000000032", "孙八九", "", id, &e));
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "孙_九", PAGE_FIRST, "", people, 4, &e), 1);
	CU_ASSERT_STRING_EQUAL(people[0].name, "孙_九");
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "孙_", PAGE_FIRST, "", people, 4, &e), 1);
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "孙%", PAGE_FIRST, "", people, 4, &e), 0);
	CU_ASSERT_EQUAL(svc_applicant_find(&svc, "_九", PAGE_FIRST, "", people, 4, &e), 1);
}

/* ---- the service kinds: change, reissue, revoke, unlock ---- */

static void test_kind_rules(void)
{
	struct err e;
	CU_ASSERT_FALSE(app_kind_needs_cert(KIND_NEW));
	CU_ASSERT_TRUE(app_kind_needs_cert(KIND_UNLOCK));
	CU_ASSERT_TRUE(app_kind_makes_cert(KIND_REISSUE));
	CU_ASSERT_FALSE(app_kind_makes_cert(KIND_REVOKE));
	CU_ASSERT_TRUE(app_kind_has_years(KIND_RENEWAL));
	CU_ASSERT_FALSE(app_kind_has_years(KIND_CHANGE));
	CU_ASSERT_TRUE(app_kind_needs_reason(KIND_REVOKE));
	CU_ASSERT_TRUE(app_kind_takes_reason(KIND_CHANGE));
	CU_ASSERT_FALSE(app_kind_needs_reason(KIND_CHANGE));
	CU_ASSERT_FALSE(app_kind_takes_reason(KIND_UNLOCK));
	CU_ASSERT_FALSE(app_kind_delivers(KIND_REVOKE));
	CU_ASSERT_TRUE(app_kind_delivers(KIND_REISSUE));
	/* Revoke and unlock make nothing: no "made", no pickup; they complete. */
	CU_ASSERT_FALSE(app_kind_allows(KIND_REVOKE, APP_MAKE, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "注销申请不制作证书"));
	CU_ASSERT_FALSE(app_kind_allows(KIND_UNLOCK, APP_COLLECT, &e));
	CU_ASSERT_TRUE(app_kind_allows(KIND_UNLOCK, APP_COMPLETE, &e));
	CU_ASSERT_FALSE(app_kind_allows(KIND_CHANGE, APP_COMPLETE, &e));
	CU_ASSERT_TRUE(app_kind_allows(KIND_CHANGE, APP_MAKE, &e));
	enum app_status to;
	CU_ASSERT_TRUE(app_transition(APP_ACCEPTED, APP_COMPLETE, &to, &e));
	CU_ASSERT_EQUAL(to, APP_DONE);
	CU_ASSERT_FALSE(app_transition(APP_PENDING_REVIEW, APP_COMPLETE, &to, &e));
	CU_ASSERT_FALSE(app_supervisor_may_edit(APP_DONE));
	CU_ASSERT_STRING_EQUAL(app_status_label(APP_DONE), "已办结");
	/* Documents per kind. */
	enum doc_type d[DOC__COUNT];
	int n = app_required_docs(KIND_REISSUE, SUBJECT_PERSONAL, d);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(d[1], DOC_LOSS_STATEMENT);
	n = app_required_docs(KIND_UNLOCK, SUBJECT_ENTERPRISE, d);
	CU_ASSERT_EQUAL(n, 2); /* the agent's ID and the authorisation: the KEY is in hand */
	n = app_required_docs(KIND_CHANGE, SUBJECT_ENTERPRISE, d);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(d[n - 1], DOC_CHANGE_PROOF);
}

/* A certificate of the enterprise as read from a KEY, bound to `who`. */
static void bind_cert(const char *who, int n, const char *card, time_t nb, time_t na, char serial[64])
{
	struct cert c;
	memset(&c, 0, sizeof c);
	snprintf(c.subject_cn, sizeof c.subject_cn, "张三");
	snprintf(c.subject_o, sizeof c.subject_o, "福州某某科技有限公司");
	snprintf(c.subject_ou, sizeof c.subject_ou, "91350100M000100Y43");
	snprintf(c.subject, sizeof c.subject, "CN=张三, OU=91350100M000100Y43, O=福州某某科技有限公司, C=CN");
	snprintf(c.issuer, sizeof c.issuer, "CN=某某数字认证测试CA, C=CN");
	snprintf(c.serial, sizeof c.serial, "5A3F%08X", n);
	c.not_before = nb;
	c.not_after = na;
	clock_iso(nb, c.not_before_iso);
	clock_iso(na, c.not_after_iso);
	c.key_alg = CERT_KEY_SM2;
	snprintf(c.key_desc, sizeof c.key_desc, "SM2");
	snprintf(c.sig_alg, sizeof c.sig_alg, "SM2-with-SM3");
	for (int i = 0; i < 64; i++) {
		c.sha256[i] = "0123456789ABCDEF"[(n * 7 + i) % 16];
		c.sm3[i] = "FEDCBA9876543210"[(n * 5 + i) % 16];
	}
	struct err e;
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, who, &c, card, TOKEN_SLOT_AUTH, &e), ST_OK);
	snprintf(serial, 64, "%s", c.serial);
}

static enum status service(enum app_kind k, const char *who, const char *serial, const char *reason,
			   char id[UUID_LEN + 1], struct err *e)
{
	struct application_input in = enterprise_in;
	in.kind = k;
	in.years = 0;
	in.cert_serial = serial;
	in.service_reason = reason;
	return svc_application_create(&svc, &clerk, who, &in, svc_agreement_version(), id, NULL, e);
}

static void papers(const char *id)
{
	struct err e;
	struct application a;
	svc_application_get(&svc, id, &a, &e);
	struct doc_item items[DOC__COUNT];
	int n = svc_application_docs(&svc, &a, items, DOC__COUNT, &e);
	for (int i = 0; i < n; i++)
		if (items[i].required)
			svc_application_paper(&svc, &clerk, id, items[i].type, true, &e);
}

static void test_service_kinds(void)
{
	struct err e;
	time_t now = clock_now();
	char serial[64], old[64], other[64], id[UUID_LEN + 1], id2[UUID_LEN + 1];
	int w = WRITES();
	/* A certificate nobody read from a KEY is refused, naming the field. */
	CU_ASSERT_EQUAL(service(KIND_REVOKE, applicant, "5A3F0000FFFF", "企业注销", id, &e), ST_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "cert_serial");
	CU_ASSERT_EQUAL(service(KIND_UNLOCK, applicant, "", NULL, id, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "cert_serial");
	CU_ASSERT_EQUAL(WRITES(), w);

	bind_cert(applicant, 1, "C3D1E5A0000000000000000000000001", now - 30 * 86400L, now + 300 * 86400L,
		  serial);
	bind_cert(applicant, 2, "", now - 500 * 86400L, now - 100 * 86400L, old);
	char someone[UUID_LEN + 1];
	CU_ASSERT_TRUE_FATAL(reg("13600000009", "周九", "11010519491231002X", someone, &e));
	w = WRITES();
	/* Revoke and reissue need a reason; it is kept as typed, trimmed. */
	CU_ASSERT_EQUAL(service(KIND_REVOKE, applicant, serial, "  ", id, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_reason");
	CU_ASSERT_EQUAL(service(KIND_REISSUE, applicant, serial, NULL, id, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_reason");
	/* Expired more than 90 days ago: revoked by the rule already. */
	CU_ASSERT_EQUAL(service(KIND_CHANGE, applicant, old, NULL, id, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "超过 90 天已被注销"));
	/* Another person's application cannot name this enterprise's certificate... */
	struct application_input mine = enterprise_in;
	mine.kind = KIND_UNLOCK;
	mine.subject = SUBJECT_PERSONAL;
	mine.cert_serial = serial;
	mine.address = "深圳市福田区深南大道1号";
	CU_ASSERT_EQUAL(svc_application_create(&svc, &clerk, someone, &mine, svc_agreement_version(), id,
					       NULL, &e), ST_DENIED);
	CU_ASSERT_STRING_EQUAL(e.field, "cert_serial");
	CU_ASSERT_EQUAL(WRITES(), w);

	/* A revoke, with years forced to 0 and no delivery. */
	struct application_input in = enterprise_in;
	in.kind = KIND_REVOKE;
	in.years = 2;
	in.cert_serial = serial;
	in.service_reason = "  企业已注销 ";
	in.delivery = DELIVERY_POST;
	in.recipient = "张三";
	in.recipient_phone = "13812345678";
	in.recipient_address = "福州市鼓楼区五四路100号";
	CU_ASSERT_EQUAL_FATAL(svc_application_create(&svc, &clerk, applicant, &in, svc_agreement_version(),
						     id, NULL, &e), ST_OK);
	struct application a;
	CU_ASSERT_EQUAL(svc_application_get(&svc, id, &a, &e), ST_OK);
	CU_ASSERT_EQUAL(a.kind, KIND_REVOKE);
	CU_ASSERT_EQUAL(a.years, 0);
	CU_ASSERT_EQUAL(a.delivery, DELIVERY_PICKUP);
	CU_ASSERT_STRING_EQUAL(a.recipient, "");
	CU_ASSERT_STRING_EQUAL(a.service_reason, "企业已注销");
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'application.create@1'"
			      " AND payload LIKE '%\"service_reason\":\"  企业已注销 \"%'"), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'application.create'"
			      " AND after LIKE '%\"service_reason\":\"企业已注销\"%'"), 1);
	/* One live revoke per certificate. */
	CU_ASSERT_EQUAL(service(KIND_REVOKE, applicant, serial, "再来一次", id2, &e), ST_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, a.number));
	/* An edit keeps the reason rules. */
	in.service_reason = "";
	CU_ASSERT_EQUAL(svc_application_update(&svc, &clerk, id, &in, &e), ST_INVALID);
	in.service_reason = "企业注销，证书不再使用";
	CU_ASSERT_EQUAL(svc_application_update(&svc, &clerk, id, &in, &e), ST_OK);

	/* Review as any other kind: documents, four eyes. */
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, id, &e), ST_STATE);
	papers(id);
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, id, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_complete(&svc, &super, id, &e), ST_STATE); /* not accepted */
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, id, &e), ST_OK);
	/* Completed by a supervisor who did not enter it; the clerk cannot. */
	w = WRITES();
	CU_ASSERT_EQUAL(svc_application_complete(&svc, &clerk, id, &e), ST_DENIED);
	CU_ASSERT_EQUAL(WRITES(), w);
	CU_ASSERT_EQUAL(svc_application_complete(&svc, &super2, id, &e), ST_OK);
	CU_ASSERT_EQUAL(WRITES(), w + 1001);
	svc_application_get(&svc, id, &a, &e);
	CU_ASSERT_EQUAL(a.status, APP_DONE);
	CU_ASSERT_NOT_EQUAL(a.done_at[0], '\0');
	struct cert_row rows[2];
	CU_ASSERT_EQUAL_FATAL(cert_repo_by_serial(db, serial, rows, 2, &e), 1);
	CU_ASSERT_STRING_EQUAL(rows[0].revoked_at, a.done_at);
	CU_ASSERT_STRING_EQUAL(rows[0].revoke_reason, "企业注销，证书不再使用");
	char state[512];
	app_kind_cert_state(&rows[0], state, sizeof state);
	CU_ASSERT_PTR_NOT_NULL(strstr(state, "已注销（"));
	CU_ASSERT_PTR_NOT_NULL(strstr(state, "，企业注销，证书不再使用）"));
	CU_ASSERT_EQUAL(svc_application_complete(&svc, &super2, id, &e), ST_STATE);
	/* A revoked certificate takes no other service. */
	CU_ASSERT_EQUAL(service(KIND_UNLOCK, applicant, serial, NULL, id2, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已注销"));

	/* A reissue: the new certificate made, the old one revoked with it. */
	bind_cert(applicant, 3, "", now - 10 * 86400L, now + 200 * 86400L, other);
	CU_ASSERT_EQUAL_FATAL(service(KIND_REISSUE, applicant, other, "KEY 遗失", id2, &e), ST_OK);
	papers(id2);
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, id2, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, id2, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_complete(&svc, &super2, id2, &e), ST_STATE);
	struct svc_run run = { .svc = &svc, .actor = &super };
	CU_ASSERT_EQUAL(svc_application_get(&svc, id2, &a, &e), ST_OK);
	CU_ASSERT_EQUAL(db_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(app_kind_on_make(&run, &a, &e), ST_OK);
	CU_ASSERT_EQUAL(db_commit(db, &e), ST_OK);
	CU_ASSERT_EQUAL(cert_repo_by_serial(db, other, rows, 2, &e), 1);
	CU_ASSERT_STRING_EQUAL(rows[0].revoke_reason, "补办");
	a.kind = KIND_UNLOCK;
	CU_ASSERT_EQUAL(app_kind_on_make(&run, &a, &e), ST_STATE);
}

static void test_chain_intact(void)
{
	struct audit_check c;
	struct err e;
	CU_ASSERT_EQUAL(audit_verify(db, &c, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
}

void suite_apps(void)
{
	UNIT_SUITE("apps", setup_suite, teardown_suite,
		   { "register with an SMS code", test_register_with_sms },
		   { "duplicate phone refused", test_duplicate_phone },
		   { "SMS code: resend wait, 5 tries, expiry", test_sms_code_rules },
		   { "bad profile saves nothing", test_bad_profile_saves_nothing },
		   { "create an enterprise application", test_create_enterprise_application },
		   { "documents and submit", test_documents_and_submit },
		   { "review with four eyes, edits after acceptance", test_review_four_eyes },
		   { "personal needs an ID number; cancel; renewal", test_personal_needs_id_and_cancel },
		   { "find by everything", test_find },
		   { "kinds: rules, states, documents", test_kind_rules },
		   { "kinds: change, reissue, revoke, unlock entered and done", test_service_kinds },
		   { "audit chain intact", test_chain_intact });
}
