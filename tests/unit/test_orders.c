/* Orders and payments through the use cases: every money rule of the issue. */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/audit.h"
#include "svc/applicant.h"
#include "svc/attach_file.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"
#include "util/fs.h"

static struct app app;
static struct actor admin, clerk, super, super2;
static char dir[512];
static char ent_a[3][UUID_LEN + 1], ent_b[UUID_LEN + 1], renew[2][UUID_LEN + 1], draft[UUID_LEN + 1];
static char slip[600], invoice[600], notpdf[600];

static int count(const char *sql)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db_handle(app.db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void staff(const char *user, enum role r, struct actor *out)
{
	struct err e;
	bool must;
	svc_staff_create(&app.svc, &admin, user, "某人", r, "Passw0rd1", NULL, &e);
	svc_login(&app.svc, user, "Passw0rd1", out, &must, &e);
}

/* An applicant registered directly (the SMS path has its own tests). */
static bool person(const char *phone, const char *idn, char id[UUID_LEN + 1])
{
	struct err e;
	char code[8];
	svc_sms_send_code(&app.svc, app.sms, &clerk, phone, SMS_REGISTER, &e);
	/* read the code from the spool */
	char path[700], *text = NULL;
	snprintf(path, sizeof path, "%s/sms-spool.txt", dir);
	fs_read_all(path, 1 << 20, &text, NULL, &e);
	const char *last = NULL, *p = text;
	while (p && (p = strstr(p, "验证码 ")) != NULL)
		last = p++;
	snprintf(code, 7, "%.6s", last ? last + strlen("验证码 ") : "");
	free(text);
	struct applicant_input in = { phone, "申请人", idn, "", "深圳市福田区深南大道1号", "", "" };
	return svc_applicant_register(&app.svc, &clerk, &in, code, id, NULL, &e) == ST_OK;
}

static bool submitted(const char *applicant, enum app_kind k, const char *code, const char *name,
		      char id[UUID_LEN + 1], bool submit)
{
	struct err e;
	struct application_input in = {
		.kind = k, .subject = SUBJECT_ENTERPRISE, .years = 1, .credit_code = code,
		.holder_name = name, .legal_rep = "林某", .phone = "0591-87654321",
		.address = "福州市鼓楼区五四路100号", .delivery = DELIVERY_PICKUP,
		.cert_serial = k == KIND_RENEWAL ? "4A3F0012" : NULL,
	};
	if (svc_application_create(&app.svc, &clerk, applicant, &in, svc_agreement_version(), id,
				   NULL, &e) != ST_OK)
		return false;
	static const enum doc_type docs[] = { DOC_LICENCE, DOC_LEGAL_REP_ID, DOC_AGENT_ID,
					      DOC_AUTHORISATION };
	for (size_t i = 0; i < 4; i++)
		svc_application_paper(&app.svc, &clerk, id, docs[i], true, &e);
	return !submit || svc_application_submit(&app.svc, &clerk, id, &e) == ST_OK;
}

static void file(const char *name, const char *data, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	fputs(data, f);
	fclose(f);
}

static int setup_suite(void)
{
	struct err e;
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(dir, sizeof dir, "%s/orders-%ld", tmp, (long)getpid());
	if (sodium_init() < 0 || app_open(&app, dir, &e) != ST_OK)
		return 1;
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	if (svc_setup(&app.svc, &in, &admin, &e) != ST_OK)
		return 1;
	staff("clerk", ROLE_CLERK, &clerk);
	staff("super", ROLE_SUPERVISOR, &super);
	staff("super2", ROLE_SUPERVISOR, &super2);
	char p1[UUID_LEN + 1], p2[UUID_LEN + 1];
	bool ok = person("13812345678", "", p1) && person("13912345678", "", p2);
	for (int i = 0; i < 3; i++)
		ok = ok && submitted(p1, KIND_NEW, "91350100M000100Y43", "福州某某科技有限公司", ent_a[i], true);
	ok = ok && submitted(p2, KIND_NEW, "12440300MB2C92173E", "深圳另一家公司", ent_b, true) &&
	     submitted(p2, KIND_RENEWAL, "12440300MB2C92173E", "深圳另一家公司", renew[0], true) &&
	     submitted(p2, KIND_RENEWAL, "12440300MB2C92173E", "深圳另一家公司", renew[1], true) &&
	     submitted(p1, KIND_NEW, "91350100M000100Y43", "福州某某科技有限公司", draft, false);
	if (!ok)
		return 1;
	file("slip.pdf", "%PDF-1.4\nslip\n%%EOF\n", slip, sizeof slip);
	file("invoice.pdf", "%PDF-1.4\ninvoice\n%%EOF\n", invoice, sizeof invoice);
	file("note.txt", "not a pdf\n", notpdf, sizeof notpdf);
	return 0;
}

static int teardown_suite(void)
{
	app_close(&app);
	return 0;
}

static const struct order_input base = {
	.method = PAY_TRANSFER, .delivery = DELIVERY_PICKUP, .contact_phone = "13812345678",
};

static char order1[UUID_LEN + 1], order2[UUID_LEN + 1];

static void test_place_rules(void)
{
	struct err e;
	struct order_line lines[ORDER_MAX_LINES];
	long long total;
	unsigned methods;
	const char *two[] = { ent_a[0], ent_a[1] };
	CU_ASSERT_EQUAL(svc_order_preview(&app.svc, two, 2, lines, &total, &methods, &e), ST_OK);
	CU_ASSERT_EQUAL(total, 100000); /* two new enterprise certificates, 1 year, ¥500 each */
	CU_ASSERT_EQUAL(methods, 1u << PAY_TRANSFER);

	const char *mixed[] = { ent_a[0], ent_a[1], ent_b };
	CU_ASSERT_EQUAL(svc_order_preview(&app.svc, mixed, 3, lines, &total, &methods, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "属于另一家企业（深圳另一家公司）"));
	const char *with_draft[] = { ent_a[0], draft };
	CU_ASSERT_EQUAL(svc_order_preview(&app.svc, with_draft, 2, lines, &total, &methods, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "尚未提交"));

	/* Online payment is not allowed with a new certificate in the order. */
	struct order_input in = base;
	in.application_ids = two;
	in.n = 2;
	in.method = PAY_ONLINE;
	int w = count("SELECT count(*) FROM outbox");
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, NULL, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "method");
	/* An invoice for an enterprise needs a valid credit code as taxpayer ID. */
	in.method = PAY_TRANSFER;
	in.invoice_wanted = true;
	in.invoice_title = "福州某某科技有限公司";
	in.invoice_taxpayer_id = "91350100M000100Y44";
	in.invoice_email = "finance@example.com";
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, NULL, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "invoice_taxpayer_id");
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox"), w);

	in.invoice_taxpayer_id = "91350100M000100Y43";
	char number[NUMBER_MAX];
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, order1, number, &e), ST_OK);
	CU_ASSERT_EQUAL(strncmp(number, "DD-SZFT-01-", 11), 0);
	struct order o;
	CU_ASSERT_EQUAL(svc_order_get(&app.svc, order1, &o, &e), ST_OK);
	CU_ASSERT_EQUAL(o.status, ORDER_UNPAID);
	CU_ASSERT_EQUAL(o.total_fen, 100000);
	/* Each application is in one order at most. */
	const char *again[] = { ent_a[1], ent_a[2] };
	in.application_ids = again;
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, NULL, NULL, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, number));
	/* A price change never alters a placed order. */
	CU_ASSERT_EQUAL(svc_price_set(&app.svc, &admin, KIND_NEW, SUBJECT_ENTERPRISE, 1, 66600, true, &e),
			ST_OK);
	CU_ASSERT_EQUAL(svc_price_set(&app.svc, &clerk, KIND_NEW, SUBJECT_ENTERPRISE, 1, 1, true, &e),
			ST_DENIED);
	CU_ASSERT_EQUAL(svc_order_get(&app.svc, order1, &o, &e), ST_OK);
	CU_ASSERT_EQUAL(o.total_fen, 100000);
	struct order_line l[4];
	CU_ASSERT_EQUAL(svc_order_lines(&app.svc, order1, l, 4, &e), 2);
	CU_ASSERT_EQUAL(l[0].fen + l[1].fen, 100000);
	const char *third[] = { ent_a[2] };
	in.application_ids = third;
	in.n = 1;
	in.invoice_wanted = false;
	/* Post needs the postal code (issue 4), six digits; nothing is saved
	 * until it is there. */
	w = count("SELECT count(*) FROM outbox");
	in.delivery = DELIVERY_POST;
	in.recipient = "张三";
	in.recipient_phone = "13812345678";
	in.recipient_address = "福州市鼓楼区五四路100号";
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, NULL, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "recipient_postal");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "邮编"));
	in.recipient_postal = "35000";
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, NULL, NULL, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "recipient_postal");
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox"), w);
	in.recipient_postal = "350001";
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, order2, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_order_get(&app.svc, order2, &o, &e), ST_OK);
	CU_ASSERT_EQUAL(o.total_fen, 66600); /* the new price */
	CU_ASSERT_EQUAL(o.delivery, DELIVERY_POST);
	CU_ASSERT_STRING_EQUAL(o.recipient_postal, "350001");
}

static void test_transfer_and_verify(void)
{
	struct err e;
	char pay[UUID_LEN + 1];
	const char *both[] = { order1, order2 };
	struct transfer_input t = {
		.order_ids = both, .n = 2, .payer_name = "福州某某科技有限公司",
		.payer_account = "6222 0200 1234 5678", .bank = "中国工商银行福州分行",
		.reference = "TX20261125001", .paid_on = "2026-11-25", .amount_fen = 166599,
	};
	int w = count("SELECT count(*) FROM outbox");
	CU_ASSERT_EQUAL(svc_transfer_record(&app, &clerk, &t, pay, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "amount");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不符"));
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox"), w);
	/* Without the slip: recorded, the orders still wait as unpaid. */
	t.amount_fen = 166600;
	CU_ASSERT_EQUAL(svc_transfer_record(&app, &clerk, &t, pay, &e), ST_OK);
	struct order o;
	svc_order_get(&app.svc, order1, &o, &e);
	CU_ASSERT_EQUAL(o.status, ORDER_UNPAID);
	CU_ASSERT_EQUAL(svc_transfer_verify(&app.svc, &super, pay, &e), ST_STATE); /* no slip yet */
	/* The same transfer again: refused, naming the first. */
	CU_ASSERT_EQUAL(svc_transfer_record(&app, &clerk, &t, NULL, &e), ST_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "TX20261125001"));
	CU_ASSERT_EQUAL(svc_transfer_add_slip(&app, &clerk, pay, notpdf, &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_transfer_add_slip(&app, &clerk, pay, slip, &e), ST_OK);
	svc_order_get(&app.svc, order2, &o, &e);
	CU_ASSERT_EQUAL(o.status, ORDER_AWAITING_VERIFICATION);
	struct payment q[4];
	CU_ASSERT_EQUAL(svc_transfers_pending(&app.svc, PAGE_FIRST, "", q, 4, &e), 1);
	/* Never verified by the one who recorded it, nor by a clerk. */
	CU_ASSERT_EQUAL(svc_transfer_verify(&app.svc, &clerk, pay, &e), ST_DENIED);
	struct actor recorder_as_super = clerk;
	recorder_as_super.role = ROLE_SUPERVISOR;
	CU_ASSERT_EQUAL(svc_transfer_verify(&app.svc, &recorder_as_super, pay, &e), ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "自己登记"));
	CU_ASSERT_EQUAL(svc_transfer_verify(&app.svc, &super, pay, &e), ST_OK);
	svc_order_get(&app.svc, order1, &o, &e);
	CU_ASSERT_EQUAL(o.status, ORDER_PAID);
	CU_ASSERT_NOT_EQUAL(o.paid_at[0], '\0');
	CU_ASSERT_EQUAL(svc_transfers_pending(&app.svc, PAGE_FIRST, "", q, 4, &e), 0);
	CU_ASSERT_EQUAL(svc_transfer_verify(&app.svc, &super2, pay, &e), ST_STATE); /* not twice */
	/* A paid order is not cancelled, nor paid again. */
	CU_ASSERT_EQUAL(svc_order_cancel(&app.svc, &clerk, order1, "不要了", &e), ST_STATE);
	const char *one[] = { order1 };
	struct transfer_input again = t;
	again.order_ids = one;
	again.n = 1;
	again.reference = "TX20261125999";
	again.amount_fen = 100000;
	CU_ASSERT_EQUAL(svc_transfer_record(&app, &clerk, &again, NULL, &e), ST_STATE);

	/* Invoice: a PDF attached to a paid order. */
	CU_ASSERT_EQUAL(svc_order_invoice(&app, &clerk, order1, notpdf, &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_order_invoice(&app, &clerk, order1, invoice, &e), ST_OK);
	svc_order_get(&app.svc, order1, &o, &e);
	CU_ASSERT_EQUAL(o.status, ORDER_INVOICED);
	struct attachment att[8];
	CU_ASSERT_EQUAL(svc_order_attachments(&app.svc, order1, att, 8, &e), 2); /* slip + invoice */

	/* The invoice can be taken out again at any time: exported under the
	 * order's number, the same bytes, audited; an order without one says so. */
	struct attachment inv;
	CU_ASSERT_EQUAL(svc_order_invoice_file(&app.svc, order2, &inv, &e), ST_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "电子发票"));
	CU_ASSERT_EQUAL(svc_order_invoice_file(&app.svc, order1, &inv, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(inv.doc_type, "invoice");
	svc_order_get(&app.svc, order1, &o, &e);
	int exports = count("SELECT count(*) FROM audit_log WHERE action = 'attachment.export'");
	int views = count("SELECT count(*) FROM audit_log WHERE action = 'attachment.view'");
	char out[PATH_MAX], *got = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL(svc_attachment_copy(&app.svc, &clerk, app.data_dir, o.number, &inv,
					    ATTACH_EXPORT, out, &e), ST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/exports/"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, o.number));
	CU_ASSERT_EQUAL(fs_read_all(out, 1 << 20, &got, &len, &e), ST_OK);
	CU_ASSERT_TRUE(got && len == strlen("%PDF-1.4\ninvoice\n%%EOF\n") &&
		       memcmp(got, "%PDF-1.4\ninvoice\n%%EOF\n", len) == 0);
	free(got);
	CU_ASSERT_EQUAL(svc_attachment_copy(&app.svc, &clerk, app.data_dir, o.number, &inv,
					    ATTACH_VIEW, out, &e), ST_OK);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'attachment.export'"),
			exports + 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'attachment.view'"),
			views + 1);

	/* Refunds are new entries, within what was paid. */
	char r1[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_refund(&app.svc, &super, pay, 166601, "多收", r1, &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_refund(&app.svc, &clerk, pay, 100, "多收", r1, &e), ST_DENIED);
	CU_ASSERT_EQUAL(svc_refund(&app.svc, &super, pay, 66600, "第二份申请单退回", r1, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_refund(&app.svc, &super, pay, 100001, "再退", r1, &e), ST_INVALID);
	CU_ASSERT_EQUAL(count("SELECT amount_fen FROM payments WHERE kind = 'transfer'"), 166600);
}

static void test_reject_and_cancel(void)
{
	struct err e;
	struct order_input in = base;
	const char *ids[] = { ent_b };
	in.application_ids = ids;
	in.n = 1;
	char oid[UUID_LEN + 1], pay[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, oid, NULL, &e), ST_OK);
	const char *one[] = { oid };
	struct transfer_input t = {
		.order_ids = one, .n = 1, .payer_name = "深圳另一家公司", .payer_account = "62220200123456",
		.bank = "招商银行", .reference = "TX-B-1", .paid_on = "2026-11-24", .amount_fen = 66600,
		.slip_path = slip,
	};
	CU_ASSERT_EQUAL(svc_transfer_record(&app, &clerk, &t, pay, &e), ST_OK);
	struct order o;
	svc_order_get(&app.svc, oid, &o, &e);
	CU_ASSERT_EQUAL(o.status, ORDER_AWAITING_VERIFICATION);
	CU_ASSERT_EQUAL(svc_order_cancel(&app.svc, &clerk, oid, "不要了", &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_transfer_reject(&app.svc, &super, pay, "", &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_transfer_reject(&app.svc, &super, pay, "银行未到账", &e), ST_OK);
	svc_order_get(&app.svc, oid, &o, &e);
	CU_ASSERT_EQUAL(o.status, ORDER_UNPAID);
	/* The same reference may be recorded again once rejected. */
	char pay2[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_transfer_record(&app, &clerk, &t, pay2, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_transfer_record(&app, &clerk, &t, NULL, &e), ST_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已于"));
	CU_ASSERT_EQUAL(svc_transfer_reject(&app.svc, &super2, pay2, "重复", &e), ST_OK);
	/* Unpaid: cancel with a reason, and the application is free again. */
	CU_ASSERT_EQUAL(svc_order_cancel(&app.svc, &clerk, oid, "", &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_order_cancel(&app.svc, &clerk, oid, "改为现场缴费", &e), ST_OK);
	CU_ASSERT_FALSE(svc_order_of_application(&app.svc, ent_b, NULL, NULL));
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, NULL, NULL, &e), ST_OK);
}

static void test_online_only_renewals(void)
{
	struct err e;
	struct order_line lines[4];
	long long total;
	unsigned methods;
	const char *ids[] = { renew[0], renew[1] };
	CU_ASSERT_EQUAL(svc_order_preview(&app.svc, ids, 2, lines, &total, &methods, &e), ST_OK);
	CU_ASSERT_EQUAL(methods, (1u << PAY_TRANSFER) | (1u << PAY_ONLINE));
	struct order_input in = base;
	in.application_ids = ids;
	in.n = 2;
	in.method = PAY_ONLINE;
	char oid[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_order_place(&app.svc, &clerk, &in, oid, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_online_record(&app.svc, &clerk, oid, CHANNEL_WECHAT, "", &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_online_record(&app.svc, &clerk, oid, CHANNEL_WECHAT, "4200001234", &e), ST_OK);
	struct order o;
	svc_order_get(&app.svc, oid, &o, &e);
	CU_ASSERT_EQUAL(o.status, ORDER_PAID);
	CU_ASSERT_EQUAL(svc_online_record(&app.svc, &clerk, oid, CHANNEL_WECHAT, "4200001235", &e), ST_STATE);
	struct payment p[4];
	CU_ASSERT_EQUAL(svc_order_payments(&app.svc, oid, p, 4, &e), 1);
	CU_ASSERT_EQUAL(p[0].amount_fen, total);
	/* A transfer order cannot be paid online. */
	CU_ASSERT_EQUAL(svc_online_record(&app.svc, &clerk, order2, CHANNEL_ALIPAY, "2026112599", &e),
			ST_INVALID);
}

static void test_find_orders_and_chain(void)
{
	struct err e;
	struct order out[8];
	int n = svc_order_find(&app.svc, "", "", NULL, NULL, PAGE_FIRST, "", out, 8, &e);
	CU_ASSERT_EQUAL(n, 5);
	for (int i = 1; i < n; i++)
		CU_ASSERT_TRUE(strcmp(out[i - 1].id, out[i].id) > 0);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "13812345678", "", "", "", PAGE_FIRST, "", out, 8, &e), 2);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "", "cancelled", "", "", PAGE_FIRST, "", out, 8, &e), 1);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, out[0].number, "", "", "", PAGE_FIRST, "", out, 8, &e), 1);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "91350100m000100y43", "", "", "", PAGE_FIRST, "", out, 8,
				       &e), 2);
}

/* Order search by name and by the day placed (issue 4's list), keyset-paged. */
static void test_find_orders_by_name_and_date(void)
{
	struct err e;
	struct order out[8], page[2];
	/* Two characters of the enterprise's name, anywhere in it. */
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "某某科技", "", "", "", PAGE_FIRST, "", out, 8, &e), 2);
	CU_ASSERT_STRING_EQUAL(out[0].holder_name, "福州某某科技有限公司");
	int b = svc_order_find(&app.svc, "另一家", "", "", "", PAGE_FIRST, "", out, 8, &e);
	CU_ASSERT_EQUAL(b, 3); /* one cancelled, placed again, the online one */
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "另一家", "cancelled", "", "", PAGE_FIRST, "", out, 8,
				       &e), 1);
	/* A six-character Chinese name is 18 bytes: still a name, not a code. */
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "深圳另一家公", "", "", "", PAGE_FIRST, "", out, 8, &e),
			3);
	/* The applicant's name (the person at the counter) finds theirs too. */
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "申请人", "", "", "", PAGE_FIRST, "", out, 8, &e), 5);
	/* LIKE's wildcards are plain characters. */
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "%%", "", "", "", PAGE_FIRST, "", out, 8, &e), 0);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "没有这家", "", "", "", PAGE_FIRST, "", out, 8, &e), 0);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "福", "", "", "", PAGE_FIRST, "", out, 8, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "query");
	/* Keyset paging through a name search: two, then the third. */
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "另一家", "", "", "", PAGE_FIRST, "", page, 2, &e), 2);
	CU_ASSERT_STRING_EQUAL(page[0].id, out[0].id);
	struct order rest[2];
	b = svc_order_find(&app.svc, "另一家", "", "", "", PAGE_AFTER, page[1].id, rest, 2, &e);
	CU_ASSERT_EQUAL(b, 1);
	CU_ASSERT_TRUE(b == 1 && strcmp(rest[0].id, page[1].id) < 0);

	/* Dates: the local day placed. */
	char today[11], tomorrow[11], yesterday[11];
	time_t now = clock_now();
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	time_t t1 = now + 86400, t0 = now - 86400;
	localtime_r(&t1, &tm);
	strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
	localtime_r(&t0, &tm);
	strftime(yesterday, sizeof yesterday, "%Y-%m-%d", &tm);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "", "", today, today, PAGE_FIRST, "", out, 8, &e), 5);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "", "", tomorrow, "", PAGE_FIRST, "", out, 8, &e), 0);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "", "", "", yesterday, PAGE_FIRST, "", out, 8, &e), 0);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "某某科技", "paid", yesterday, today, PAGE_FIRST, "",
				       out, 8, &e), 1);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "某某科技", "unpaid", yesterday, today, PAGE_FIRST,
				       "", out, 8, &e), 0);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "某某科技", "invoiced", yesterday, today, PAGE_FIRST,
				       "", out, 8, &e), 1);
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "", "", "2026-13-01", "", PAGE_FIRST, "", out, 8, &e),
			-1);
	CU_ASSERT_STRING_EQUAL(e.field, "from");
	CU_ASSERT_EQUAL(svc_order_find(&app.svc, "", "", today, yesterday, PAGE_FIRST, "", out, 8, &e),
			-1);
	CU_ASSERT_STRING_EQUAL(e.field, "to");

	struct audit_check c;
	CU_ASSERT_EQUAL(audit_verify(app.db, &c, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
}

void suite_orders(void)
{
	UNIT_SUITE("orders", setup_suite, teardown_suite,
		   { "placing: one enterprise, prices fixed, methods", test_place_rules },
		   { "transfer, slip, four-eyes verification, invoice, refund", test_transfer_and_verify },
		   { "reject, re-record, cancel frees the applications", test_reject_and_cancel },
		   { "online only when every line is a renewal", test_online_only_renewals },
		   { "finding orders", test_find_orders_and_chain },
		   { "finding orders by name and date; the chain holds",
		     test_find_orders_by_name_and_date });
}
