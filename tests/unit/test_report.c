/*
 * The day-end report (日结) over orders and payments made through the use
 * cases on two days (Asia/Shanghai, clock pinned), by two clerks and two
 * supervisors: every figure to the fen, the local day's UTC bounds (an
 * order at 00:30 local is on the new day though its UTC date is the old
 * one), the clerk's own view, offices, the totals adding up, the refusal
 * of a report that does not, CSV, the audit entries.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/attachment.h"
#include "store/audit.h"
#include "store/staff_repo.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/report.h"
#include "svc/staff.h"
#include "svc/stock.h"
#include "unit.h"
#include "util/clock.h"
#include "util/csv.h"

static struct app app;
static struct actor admin, clerk1, clerk2, super1, super2, xm_clerk;
static char dir[512], slip[600];
static bool ready;
static struct err se; /* why the story below could not be told */

/* Orders and payments of the story below. */
static char o1[UUID_LEN + 1], o2[UUID_LEN + 1], o3[UUID_LEN + 1], o4[UUID_LEN + 1];
static char o5[UUID_LEN + 1], o6[UUID_LEN + 1], o7[UUID_LEN + 1], o8[UUID_LEN + 1];
static char t1[UUID_LEN + 1], t2[UUID_LEN + 1], t3[UUID_LEN + 1], t4[UUID_LEN + 1];

#define D1 "2025-06-09"
#define D2 "2025-06-10"

static void at(const char *iso)
{
	setenv("CERTDESK_NOW", iso, 1);
}

static bool staff(const char *user, const char *name, enum role r, struct actor *out)
{
	bool must;
	return svc_staff_create(&app.svc, &admin, user, name, r, "Passw0rd1", NULL, &se) == ST_OK &&
	       svc_login(&app.svc, user, "Passw0rd1", out, &must, &se) == ST_OK;
}

static bool person(const char *phone, const char *idn, const char *code, const char *ent,
		   char id[UUID_LEN + 1])
{
	struct applicant_input in = { phone, "申请人", idn, "", "深圳市福田区深南大道1号", "", "" };
	struct enterprise_input en = { code, ent, "林某", "福州市鼓楼区五四路100号", "0591-87654321" };
	return svc_applicant_import(&app.svc, &clerk1, &in, &en, id, &se) == ST_OK;
}

/* A submitted enterprise application of one year. */
static bool submitted(const char *applicant, enum app_kind k, const char *code, const char *name,
		      char id[UUID_LEN + 1])
{
	struct application_input in = {
		.kind = k, .subject = SUBJECT_ENTERPRISE, .years = 1, .credit_code = code,
		.holder_name = name, .legal_rep = "林某", .phone = "0591-87654321",
		.address = "福州市鼓楼区五四路100号", .delivery = DELIVERY_PICKUP,
		.cert_serial = k == KIND_RENEWAL ? "4A3F0012" : NULL,
	};
	if (svc_application_create(&app.svc, &clerk1, applicant, &in, svc_agreement_version(), id,
				   NULL, &se) != ST_OK)
		return false;
	static const enum doc_type docs[] = { DOC_LICENCE, DOC_LEGAL_REP_ID, DOC_AGENT_ID,
					      DOC_AUTHORISATION };
	for (size_t i = 0; i < 4; i++)
		svc_application_paper(&app.svc, &clerk1, id, docs[i], true, &se);
	return svc_application_submit(&app.svc, &clerk1, id, &se) == ST_OK;
}

static bool place(const struct actor *a, enum pay_method m, const char *app1, const char *app2,
		  char id[UUID_LEN + 1])
{
	const char *ids[] = { app1, app2 };
	struct order_input in = {
		.application_ids = ids, .n = app2 ? 2 : 1, .method = m, .delivery = DELIVERY_PICKUP,
		.contact_phone = "13812345678",
	};
	return svc_order_place(&app.svc, a, &in, id, NULL, &se) == ST_OK;
}

static bool transfer(const struct actor *a, const char *order, long long fen, const char *ref,
		     bool with_slip, char id[UUID_LEN + 1])
{
	const char *ids[] = { order };
	struct transfer_input t = {
		.order_ids = ids, .n = 1, .payer_name = "福州某某科技有限公司",
		.payer_account = "6222 0200 1234 5678", .bank = "中国工商银行福州分行",
		.reference = ref, .paid_on = "2025-06-09", .amount_fen = fen,
		.slip_path = with_slip ? slip : NULL,
	};
	return svc_transfer_record(&app, a, &t, id, &se) == ST_OK;
}

/* The only payment of an order. */
static bool payment_of(const char *order, char id[UUID_LEN + 1])
{
	struct payment p[2];
	if (svc_order_payments(&app.svc, order, p, 2, &se) != 1)
		return false;
	memcpy(id, p[0].id, UUID_LEN + 1);
	return true;
}

static bool keys(const struct actor *a, const char *first, const char *last)
{
	struct key_list l;
	key_list_init(&l);
	bool ok = key_list_add_range(&l, first, last, 100, &se) == ST_OK &&
		  key_list_finish(&l, &se) == ST_OK &&
		  svc_stock_receive(&app.svc, a, &l, "入库单", NULL, &se) == ST_OK;
	key_list_done(&l);
	return ok;
}

/* The KEY stock's part of the story (see below); runs last, each step at
 * its own time. */
static bool stock_story(const char *a1)
{
	struct err e;
	at("2025-06-09T00:00:00Z");
	bool ok = keys(&clerk1, "KS-0001", "KS-0005") && keys(&xm_clerk, "XM-0001", "XM-0002");
	at("2025-06-09T04:00:00Z");
	ok = ok && svc_application_accept(&app.svc, &super1, a1, &e) == ST_OK &&
	     svc_stock_issue(&app.svc, &super1, a1, "KS-0001", &se) == ST_OK;
	at("2025-06-10T01:30:00Z");
	ok = ok && svc_stock_damage(&app.svc, &clerk2, "KS-0002", "无法识别", &se) == ST_OK;
	at("2025-06-10T06:00:00Z");
	const char *lot[] = { "KS-0002", "KS-0005" };
	struct key_list l;
	key_list_init(&l);
	for (int i = 0; ok && i < 2; i++)
		ok = key_list_add_range(&l, lot[i], lot[i], 10, &se) == ST_OK;
	ok = ok && key_list_finish(&l, &se) == ST_OK &&
	     svc_stock_return(&app.svc, &super2, &l, "顺丰 SF1234567", &se) == ST_OK;
	key_list_done(&l);
	return ok;
}

/*
 * The story, in Shanghai time (UTC+8):
 *   day 1 (2025-06-09)
 *     09:00 clerk1 places O1 (two new, transfer, 1000.00)
 *     09:30 clerk2 places O2 (two renewals, online, 800.00), paid by WeChat
 *     10:00 clerk1 places O3 (one new, transfer, 500.00), records T1 with its slip
 *     11:00 super1 rejects T1
 *     11:30 a clerk of another office (XMSM) places O8 (one new, transfer, 500.00)
 *     15:00 clerk1 records T2 for O1 with its slip
 *     23:59:59 clerk2 places O4 (one new, transfer, 500.00)
 *   day 2 (2025-06-10)
 *     00:30 clerk1 places O5 (one renewal, online, 400.00), paid by Alipay
 *           (UTC 2025-06-09T16:30Z: the UTC date is still day 1)
 *     09:00 super2 verifies T2 (recorded on day 1)
 *     10:00 super1 refunds 100.00 of T2
 *     10:30 super1 refunds 50.00 of the WeChat payment of O2
 *     11:00 clerk2 places O6 (one renewal, transfer, 400.00), records T3 without a slip
 *     12:00 clerk1 places O7 (one new, transfer, 500.00) and cancels it
 *     13:00 clerk1 records T4 for O3 with its slip (the reference of T1 again)
 * and the KEY stock (介质库存):
 *   day 1 08:00 clerk1 receives KS-0001..KS-0005; XMSM receives XM-0001..XM-0002
 *         12:00 super1 accepts A1 and issues KS-0001 to it
 *   day 2 09:30 clerk2 takes KS-0002 back as damaged
 *         14:00 super2 returns KS-0002 and KS-0005 to the centre
 */
static int setup_suite(void)
{
	struct err e;
	err_clear(&e);
	err_clear(&se);
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(dir, sizeof dir, "%s/report-%ld", tmp, (long)getpid());
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	at("2025-06-08T02:00:00Z");
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	if (app_open(&app, dir, &e) != ST_OK || svc_setup(&app.svc, &in, &admin, &e) != ST_OK) {
		fprintf(stderr, "report: no data directory: %s\n", err_text(&e));
		return 0;
	}
	bool ok = staff("clerk1", "王受理", ROLE_CLERK, &clerk1) &&
		  staff("clerk2", "赵受理", ROLE_CLERK, &clerk2) &&
		  staff("super1", "钱审核", ROLE_SUPERVISOR, &super1) &&
		  staff("super2", "孙审核", ROLE_SUPERVISOR, &super2);
	struct office xm = { .code = "XMSM", .name = "厦门思明受理点" };
	uuid_v7(xm.id);
	ok = ok && office_repo_insert(app.db, &xm, &e) == ST_OK;
	xm_clerk = clerk2;
	memcpy(xm_clerk.office_id, xm.id, sizeof xm_clerk.office_id);

	snprintf(slip, sizeof slip, "%s/slip.pdf", dir);
	FILE *f = fopen(slip, "wb");
	if (!f)
		return 0;
	fputs("%PDF-1.4\nslip\n%%EOF\n", f);
	fclose(f);

	static const char A[] = "91350100M000100Y43", B[] = "12440300MB2C92173E";
	char pa[UUID_LEN + 1], pb[UUID_LEN + 1];
	char a1[UUID_LEN + 1], a2[UUID_LEN + 1], a3[UUID_LEN + 1], a4[UUID_LEN + 1],
		a5[UUID_LEN + 1], a6[UUID_LEN + 1], b1[UUID_LEN + 1], b2[UUID_LEN + 1],
		b3[UUID_LEN + 1], b4[UUID_LEN + 1];
	ok = ok && person("13812345678", "", A, "福州某某科技有限公司", pa) &&
	     person("13912345678", "", B, "深圳另一家公司", pb);
	ok = ok && submitted(pa, KIND_NEW, A, "福州某某科技有限公司", a1) &&
	     submitted(pa, KIND_NEW, A, "福州某某科技有限公司", a2) &&
	     submitted(pa, KIND_NEW, A, "福州某某科技有限公司", a3) &&
	     submitted(pa, KIND_RENEWAL, A, "福州某某科技有限公司", a4) &&
	     submitted(pa, KIND_NEW, A, "福州某某科技有限公司", a5) &&
	     submitted(pa, KIND_NEW, A, "福州某某科技有限公司", a6) &&
	     submitted(pb, KIND_NEW, B, "深圳另一家公司", b1) &&
	     submitted(pb, KIND_RENEWAL, B, "深圳另一家公司", b2) &&
	     submitted(pb, KIND_RENEWAL, B, "深圳另一家公司", b3) &&
	     submitted(pb, KIND_RENEWAL, B, "深圳另一家公司", b4);
	if (!ok) {
		fprintf(stderr, "report: the applications could not be made: %s\n", err_text(&se));
		return 0;
	}

	char pay[UUID_LEN + 1];
	at("2025-06-09T01:00:00Z");
	ok = place(&clerk1, PAY_TRANSFER, a1, a2, o1);
	at("2025-06-09T01:30:00Z");
	ok = ok && place(&clerk2, PAY_ONLINE, b2, b3, o2) &&
	     svc_online_record(&app.svc, &clerk2, o2, CHANNEL_WECHAT, "4200001234", &e) == ST_OK;
	at("2025-06-09T02:00:00Z");
	ok = ok && place(&clerk1, PAY_TRANSFER, b1, NULL, o3) &&
	     transfer(&clerk1, o3, 50000, "TX-B-1", true, t1);
	at("2025-06-09T03:00:00Z");
	ok = ok && svc_transfer_reject(&app.svc, &super1, t1, "银行未到账", &e) == ST_OK;
	at("2025-06-09T03:30:00Z");
	ok = ok && place(&xm_clerk, PAY_TRANSFER, a6, NULL, o8);
	at("2025-06-09T07:00:00Z");
	ok = ok && transfer(&clerk1, o1, 100000, "TX-A-1", true, t2);
	at("2025-06-09T15:59:59Z");
	ok = ok && place(&clerk2, PAY_TRANSFER, a3, NULL, o4);

	at("2025-06-09T16:30:00Z");
	ok = ok && place(&clerk1, PAY_ONLINE, b4, NULL, o5) &&
	     svc_online_record(&app.svc, &clerk1, o5, CHANNEL_ALIPAY, "2025061000001", &e) == ST_OK;
	at("2025-06-10T01:00:00Z");
	ok = ok && svc_transfer_verify(&app.svc, &super2, t2, &e) == ST_OK;
	at("2025-06-10T02:00:00Z");
	ok = ok && svc_refund(&app.svc, &super1, t2, 10000, "多收", NULL, &e) == ST_OK;
	at("2025-06-10T02:30:00Z");
	ok = ok && payment_of(o2, pay) &&
	     svc_refund(&app.svc, &super1, pay, 5000, "少办一份", NULL, &e) == ST_OK;
	at("2025-06-10T03:00:00Z");
	ok = ok && place(&clerk2, PAY_TRANSFER, a4, NULL, o6) &&
	     transfer(&clerk2, o6, 40000, "TX-A-2", false, t3);
	at("2025-06-10T04:00:00Z");
	ok = ok && place(&clerk1, PAY_TRANSFER, a5, NULL, o7) &&
	     svc_order_cancel(&app.svc, &clerk1, o7, "客户改期", &e) == ST_OK;
	at("2025-06-10T05:00:00Z");
	ok = ok && transfer(&clerk1, o3, 50000, "TX-B-1", true, t4);
	ok = ok && stock_story(a1);
	/* The reports are read two days later. */
	at("2025-06-12T02:00:00Z");
	ready = ok;
	if (!ok)
		fprintf(stderr, "report: the story stopped: %s / %s\n", err_text(&se), err_text(&e));
	return 0;
}

static int teardown_suite(void)
{
	unsetenv("CERTDESK_NOW");
	app_close(&app);
	return 0;
}

/* A failed set-up is a failure of every test, not a skipped suite. */
#define REQUIRE_STORY() CU_ASSERT_TRUE_FATAL(ready)

#define SUM(s, count, fen_)                          \
	do {                                         \
		CU_ASSERT_EQUAL((s).n, (count));      \
		CU_ASSERT_EQUAL((s).fen, (fen_));     \
	} while (0)

static const struct report_clerk *clerk(const struct day_report *r, const struct actor *a)
{
	for (int i = 0; i < r->nclerks; i++)
		if (strcmp(r->clerks[i].staff_id, a->id) == 0)
			return &r->clerks[i];
	return NULL;
}

static enum status day(const struct actor *a, const char *date, const char *office,
		       struct day_report *r, struct err *e)
{
	struct report_query q = { date, office, "test" };
	return svc_report_day(&app.svc, a, &q, r, e);
}

/* Within every section of the lines, the items add up to the total line. */
static void lines_add_up(const struct day_report *r)
{
	struct report_line l[REPORT_LINES_MAX];
	int n = day_report_lines(r, l, REPORT_LINES_MAX);
	CU_ASSERT_TRUE(n > 10 && n < REPORT_LINES_MAX);
	struct report_sum s = { 0, 0 };
	int totals = 0;
	for (int i = 0; i < n; i++) {
		if (!l[i].total) {
			s.n += l[i].sum.n;
			s.fen += l[i].sum.fen;
			continue;
		}
		totals++;
		if (strcmp(l[i].section, "refunds") != 0) {
			CU_ASSERT_EQUAL(s.n, l[i].sum.n);
			CU_ASSERT_EQUAL(s.fen, l[i].sum.fen);
		}
		CU_ASSERT_TRUE(i + 1 == n || strcmp(l[i + 1].section, l[i].section) != 0);
		s = (struct report_sum){ 0, 0 };
	}
	CU_ASSERT_EQUAL(totals, 6);
}

static void test_day1(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, NULL, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.date, D1);
	CU_ASSERT_STRING_EQUAL(r.weekday, "星期一");
	CU_ASSERT_STRING_EQUAL(r.office_code, "SZFT");
	CU_ASSERT_FALSE(r.own_only);
	/* The local day in UTC: 2025-06-08T16:00Z to 2025-06-09T16:00Z. */
	CU_ASSERT_STRING_EQUAL(r.range.from, "2025-06-08T16:00:00Z");
	CU_ASSERT_STRING_EQUAL(r.range.to, "2025-06-09T16:00:00Z");

	/* Orders placed: O1, O2, O3, O4 (O8 is another office's, O5 is day 2
	 * although its UTC date is day 1). Statuses as they are now. */
	SUM(r.orders, 4, 280000);
	SUM(r.orders_by_status[ORDER_UNPAID], 1, 50000);                /* O4 */
	SUM(r.orders_by_status[ORDER_AWAITING_VERIFICATION], 1, 50000); /* O3, T4 on day 2 */
	SUM(r.orders_by_status[ORDER_PAID], 2, 180000);                 /* O1, O2 */
	SUM(r.orders_by_status[ORDER_INVOICED], 0, 0);
	SUM(r.orders_by_status[ORDER_CANCELLED], 0, 0);
	SUM(r.orders_by_method[PAY_TRANSFER], 3, 200000);
	SUM(r.orders_by_method[PAY_ONLINE], 1, 80000);
	SUM(r.orders_by_method[PAY_NONE], 0, 0);

	/* Payments recorded: T1 (rejected), T2 (verified on day 2), WeChat. */
	SUM(r.transfers, 2, 150000);
	SUM(r.transfers_by_state[TRANSFER_RECORDED], 0, 0);
	SUM(r.transfers_by_state[TRANSFER_VERIFIED], 1, 100000);
	SUM(r.transfers_by_state[TRANSFER_REJECTED], 1, 50000);
	SUM(r.online, 1, 80000);
	SUM(r.online_by_channel[CHANNEL_WECHAT], 1, 80000);
	SUM(r.online_by_channel[CHANNEL_ALIPAY], 0, 0);
	SUM(r.refunds, 0, 0);

	/* Received: nothing verified that day; the WeChat payment. */
	SUM(r.received_transfers, 0, 0);
	CU_ASSERT_EQUAL(r.net_fen, 80000);

	/* Per clerk; the supervisors recorded nothing that day. */
	CU_ASSERT_EQUAL(r.nclerks, 2);
	const struct report_clerk *c1 = clerk(&r, &clerk1), *c2 = clerk(&r, &clerk2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_PTR_EQUAL(c1, &r.clerks[0]); /* by user name */
	CU_ASSERT_STRING_EQUAL(c1->name, "王受理");
	SUM(c1->orders, 2, 150000);
	SUM(c1->payments, 2, 150000);
	SUM(c1->refunds, 0, 0);
	SUM(c2->orders, 2, 130000);
	SUM(c2->payments, 1, 80000);
	SUM(c2->refunds, 0, 0);

	/* Waiting now, whatever the day: T3 (no slip) and T4, both two days old. */
	SUM(r.waiting, 2, 90000);
	CU_ASSERT_EQUAL_FATAL(r.nwaiting, 2);
	CU_ASSERT_STRING_EQUAL(r.waiting_rows[0].t.payment_id, t3);
	CU_ASSERT_FALSE(r.waiting_rows[0].t.slip);
	CU_ASSERT_EQUAL(r.waiting_rows[0].t.fen, 40000);
	CU_ASSERT_STRING_EQUAL(r.waiting_rows[0].t.recorded_by, "赵受理");
	CU_ASSERT_EQUAL(r.waiting_rows[0].age_days, 2);
	CU_ASSERT_EQUAL(r.waiting_rows[0].t.norders, 1);
	CU_ASSERT_EQUAL(strncmp(r.waiting_rows[0].t.first_order, "DD-SZFT-01-20250610-", 20), 0);
	CU_ASSERT_STRING_EQUAL(r.waiting_rows[1].t.payment_id, t4);
	CU_ASSERT_TRUE(r.waiting_rows[1].t.slip);
	CU_ASSERT_STRING_EQUAL(r.waiting_rows[1].t.reference, "TX-B-1");
	CU_ASSERT_EQUAL(r.waiting_rows[1].age_days, 2);

	CU_ASSERT_TRUE(day_report_check(&r, &e));
	lines_add_up(&r);
	day_report_done(&r);
}

static void test_day2(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(day(&admin, D2, "szft", &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.weekday, "星期二");
	/* O5 (00:30 local), O6, O7. */
	SUM(r.orders, 3, 130000);
	SUM(r.orders_by_status[ORDER_UNPAID], 1, 40000);    /* O6: T3 has no slip yet */
	SUM(r.orders_by_status[ORDER_AWAITING_VERIFICATION], 0, 0);
	SUM(r.orders_by_status[ORDER_PAID], 1, 40000);      /* O5 */
	SUM(r.orders_by_status[ORDER_CANCELLED], 1, 50000); /* O7 */
	SUM(r.orders_by_method[PAY_TRANSFER], 2, 90000);
	SUM(r.orders_by_method[PAY_ONLINE], 1, 40000);

	SUM(r.transfers, 2, 90000); /* T3, T4 */
	SUM(r.transfers_by_state[TRANSFER_RECORDED], 2, 90000);
	SUM(r.transfers_by_state[TRANSFER_VERIFIED], 0, 0);
	SUM(r.transfers_by_state[TRANSFER_REJECTED], 0, 0);
	SUM(r.online, 1, 40000);
	SUM(r.online_by_channel[CHANNEL_ALIPAY], 1, 40000);
	SUM(r.online_by_channel[CHANNEL_WECHAT], 0, 0);
	SUM(r.refunds, 2, 15000);

	/* T2 was recorded on day 1 and verified on day 2: received on day 2. */
	SUM(r.received_transfers, 1, 100000);
	CU_ASSERT_EQUAL(r.net_fen, 100000 + 40000 - 15000);

	CU_ASSERT_EQUAL(r.nclerks, 3);
	const struct report_clerk *c1 = clerk(&r, &clerk1), *c2 = clerk(&r, &clerk2),
				  *s1 = clerk(&r, &super1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s1);
	CU_ASSERT_PTR_NULL(clerk(&r, &super2)); /* verifying is not recording */
	SUM(c1->orders, 2, 90000);   /* O5, O7 */
	SUM(c1->payments, 2, 90000); /* Alipay 400.00, T4 500.00 */
	SUM(c2->orders, 1, 40000);
	SUM(c2->payments, 1, 40000);
	SUM(s1->orders, 0, 0);
	SUM(s1->payments, 0, 0);
	SUM(s1->refunds, 2, 15000);

	SUM(r.waiting, 2, 90000);
	CU_ASSERT_TRUE(day_report_check(&r, &e));
	lines_add_up(&r);

	struct report_line l[REPORT_LINES_MAX];
	int n = day_report_lines(&r, l, REPORT_LINES_MAX);
	CU_ASSERT_STRING_EQUAL(l[n - 1].section, "received");
	CU_ASSERT_STRING_EQUAL(l[n - 1].item, "net");
	CU_ASSERT_EQUAL(l[n - 1].sum.fen, 125000);
	CU_ASSERT_EQUAL(l[n - 2].sum.fen, -15000); /* refunds go out */
	day_report_done(&r);
}

/* A clerk sees their own figures only, and they add up as well. */
static void test_clerk_sees_own(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(day(&clerk1, D1, NULL, &r, &e), ST_OK);
	CU_ASSERT_TRUE(r.own_only);
	SUM(r.orders, 2, 150000); /* O1, O3 */
	SUM(r.transfers, 2, 150000);
	SUM(r.online, 0, 0);
	SUM(r.received_transfers, 0, 0);
	CU_ASSERT_EQUAL(r.net_fen, 0);
	CU_ASSERT_EQUAL(r.nclerks, 1);
	CU_ASSERT_STRING_EQUAL(r.clerks[0].staff_id, clerk1.id);
	SUM(r.waiting, 1, 50000); /* T4, not clerk2's T3 */
	CU_ASSERT_TRUE(day_report_check(&r, &e));
	day_report_done(&r);

	CU_ASSERT_EQUAL_FATAL(day(&clerk2, D2, NULL, &r, &e), ST_OK);
	SUM(r.orders, 1, 40000);
	SUM(r.transfers, 1, 40000);
	SUM(r.refunds, 0, 0);
	SUM(r.received_transfers, 0, 0);
	CU_ASSERT_EQUAL(r.net_fen, 0);
	SUM(r.waiting, 1, 40000);
	CU_ASSERT_EQUAL(r.nclerks, 1);
	day_report_done(&r);

	/* clerk1's day 2: the Alipay payment and nothing verified of theirs. */
	CU_ASSERT_EQUAL_FATAL(day(&clerk1, D2, NULL, &r, &e), ST_OK);
	SUM(r.received_transfers, 1, 100000); /* T2 was theirs, verified on day 2 */
	SUM(r.online, 1, 40000);
	SUM(r.refunds, 0, 0); /* refunded by super1, not by them */
	CU_ASSERT_EQUAL(r.net_fen, 140000);
	day_report_done(&r);
}

static void test_offices(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, "all", &r, &e), ST_OK);
	CU_ASSERT_TRUE(r.all_offices);
	SUM(r.orders, 5, 330000);
	SUM(r.orders_by_status[ORDER_UNPAID], 2, 100000);
	const struct report_clerk *c2 = clerk(&r, &clerk2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	SUM(c2->orders, 3, 180000);
	CU_ASSERT_TRUE(day_report_check(&r, &e));
	day_report_done(&r);

	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, "xmsm", &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.office_code, "XMSM");
	CU_ASSERT_STRING_EQUAL(r.office_name, "厦门思明受理点");
	SUM(r.orders, 1, 50000);
	SUM(r.transfers, 0, 0);
	SUM(r.waiting, 0, 0);
	CU_ASSERT_EQUAL(r.nwaiting, 0);
	day_report_done(&r);

	CU_ASSERT_EQUAL(day(&super1, D1, "NOPE", &r, &e), ST_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "office");
	CU_ASSERT_EQUAL(day(&super1, "2025-02-30", NULL, &r, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "date");
	CU_ASSERT_EQUAL(day(&super1, "20250609", NULL, &r, &e), ST_INVALID);

	/* A day with nothing: zeros that add up. */
	CU_ASSERT_EQUAL_FATAL(day(&super1, "2025-06-11", NULL, &r, &e), ST_OK);
	SUM(r.orders, 0, 0);
	CU_ASSERT_EQUAL(r.nclerks, 0);
	CU_ASSERT_EQUAL(r.net_fen, 0);
	SUM(r.waiting, 2, 90000);
	lines_add_up(&r);
	day_report_done(&r);
}

/* Every check can fail: a figure off by one fen is caught. */
static void test_check_catches(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(day(&super1, D2, NULL, &r, &e), ST_OK);
	struct {
		long long *fen;
		const char *what;
	} cases[] = {
		{ &r.orders_by_status[ORDER_PAID].fen, "按状态" },
		{ &r.orders_by_method[PAY_ONLINE].fen, "按缴费方式" },
		{ &r.transfers_by_state[TRANSFER_RECORDED].fen, "对公转账" },
		{ &r.online_by_channel[CHANNEL_ALIPAY].fen, "在线支付" },
		{ &r.clerks[0].payments.fen, "各受理员登记款项" },
		{ &r.clerks[r.nclerks - 1].refunds.fen, "各受理员退款" },
		{ &r.net_fen, "实收净额" },
		{ &r.waiting_rows[0].t.fen, "待核款" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		*cases[i].fen += 1;
		err_clear(&e);
		CU_ASSERT_FALSE(day_report_check(&r, &e));
		CU_ASSERT_EQUAL(e.st, ST_INTERNAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, cases[i].what));
		*cases[i].fen -= 1;
		CU_ASSERT_TRUE(day_report_check(&r, &e));
	}
	r.clerks[0].orders.n++;
	CU_ASSERT_FALSE(day_report_check(&r, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "各受理员下单"));
	day_report_done(&r);

	/* An order in a state this program does not know: the report is
	 * refused rather than shown with totals that do not add up. */
	sqlite3 *h = db_handle(app.db);
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE orders SET status = 'refunded' WHERE id = '%s'", o6);
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(day(&super1, D2, NULL, &r, &e), ST_INTERNAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "当日下单按状态"));
	CU_ASSERT_PTR_NULL(r.clerks);
	snprintf(sql, sizeof sql, "UPDATE orders SET status = 'unpaid' WHERE id = '%s'", o6);
	CU_ASSERT_EQUAL(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(day(&super1, D2, NULL, &r, &e), ST_OK);
	day_report_done(&r);
}

/* The local day's bounds in UTC, in any time zone. */
static void test_day_bounds(void)
{
	struct {
		const char *tz, *date, *from, *to;
	} cases[] = {
		{ "Asia/Shanghai", "2026-11-25", "2026-11-24T16:00:00Z", "2026-11-25T16:00:00Z" },
		{ "UTC", "2026-11-25", "2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z" },
		/* Clocks go forward (23 hours) and back (25 hours). */
		{ "Europe/London", "2026-03-29", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z" },
		{ "Europe/London", "2026-10-25", "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z" },
		/* Brazil 2018: the change skipped midnight; the day began at 01:00. */
		{ "America/Sao_Paulo", "2018-11-04", "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z" },
		{ "America/Los_Angeles", "2026-12-31", "2026-12-31T08:00:00Z", "2027-01-01T08:00:00Z" },
		{ "Asia/Shanghai", "2028-02-29", "2028-02-28T16:00:00Z", "2028-02-29T16:00:00Z" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		time_t from, to;
		char a[21], b[21];
		CU_ASSERT_TRUE_FATAL(report_day_bounds(cases[i].date, &from, &to));
		clock_iso(from, a);
		clock_iso(to, b);
		if (strcmp(a, cases[i].from) != 0 || strcmp(b, cases[i].to) != 0)
			fprintf(stderr, "\n%s %s: %s .. %s\n", cases[i].tz, cases[i].date, a, b);
		CU_ASSERT_STRING_EQUAL(a, cases[i].from);
		CU_ASSERT_STRING_EQUAL(b, cases[i].to);
	}
	time_t from, to;
	CU_ASSERT_FALSE(report_day_bounds("2027-02-29", &from, &to));
	CU_ASSERT_FALSE(report_day_bounds("", &from, &to));
	CU_ASSERT_FALSE(report_day_bounds(NULL, &from, &to));
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
}

/* Without a pinned clock the queries walk the id range: an order placed
 * now is in today's report and in no other day's. */
static void test_real_clock_id_range(void)
{
	REQUIRE_STORY();
	struct err e;
	unsetenv("CERTDESK_NOW");
	/* The id arithmetic: an id made now lies inside a range around now,
	 * above yesterday's. */
	char id[UUID_LEN + 1];
	uuid_v7(id);
	time_t now = time(NULL);
	struct report_range rg;
	report_range_set(&rg, now - 1, now + 2, 0);
	CU_ASSERT_TRUE(strcmp(rg.id_lo, id) <= 0 && strcmp(id, rg.id_hi) < 0);
	report_range_set(&rg, now - 2 * 86400, now - 86400, 3600);
	CU_ASSERT_TRUE(strcmp(id, rg.id_hi) >= 0);
	report_range_set(&rg, now - 86400, now, -1);
	CU_ASSERT_STRING_EQUAL(rg.id_lo, "");
	CU_ASSERT_STRING_EQUAL(rg.id_hi, "~");

	/* A fresh application, ordered now. */
	char pa[UUID_LEN + 1], a[UUID_LEN + 1], o[UUID_LEN + 1];
	struct applicant who;
	CU_ASSERT_EQUAL_FATAL(svc_applicant_by_phone(&app.svc, "13812345678", &who, &e), ST_OK);
	memcpy(pa, who.id, sizeof pa);
	CU_ASSERT_TRUE_FATAL(submitted(pa, KIND_NEW, "91350100M000100Y43", "福州某某科技有限公司", a));
	CU_ASSERT_TRUE_FATAL(place(&clerk2, PAY_TRANSFER, a, NULL, o));

	struct day_report r;
	CU_ASSERT_EQUAL_FATAL(day(&super1, NULL, NULL, &r, &e), ST_OK);
	CU_ASSERT_STRING_NOT_EQUAL(r.range.id_lo, ""); /* the id range was used */
	SUM(r.orders, 1, 50000);
	CU_ASSERT_EQUAL(r.nclerks, 1);
	SUM(r.waiting, 2, 90000);
	day_report_done(&r);

	char yesterday[11];
	struct tm tm;
	time_t t = now - 86400;
	localtime_r(&t, &tm);
	strftime(yesterday, sizeof yesterday, "%Y-%m-%d", &tm);
	CU_ASSERT_EQUAL_FATAL(day(&super1, yesterday, NULL, &r, &e), ST_OK);
	SUM(r.orders, 0, 0);
	day_report_done(&r);
	/* The proof that the orders query walks the id range: the fresh
	 * order's stored time is moved into day 1 while its id still says
	 * now. Read with the real clock, day 1 leaves it out: its count is
	 * what it was before the move. (What ids the story's own orders got
	 * depends on the clocks of the suites run before in this process, so
	 * only the difference is compared.) Payments, found by their stored
	 * time alone, are all there. Rows made by the program itself always
	 * have ids and stored times that agree. */
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, NULL, &r, &e), ST_OK);
	struct report_sum before = r.orders;
	day_report_done(&r);
	sqlite3_stmt *mv;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db_handle(app.db), "UPDATE orders SET created_at ="
						 " '2025-06-09T05:00:00Z' WHERE id = ?1", -1, &mv, NULL),
			      SQLITE_OK);
	sqlite3_bind_text(mv, 1, o, -1, SQLITE_STATIC);
	CU_ASSERT_EQUAL(sqlite3_step(mv), SQLITE_DONE);
	CU_ASSERT_EQUAL(sqlite3_changes(db_handle(app.db)), 1);
	sqlite3_finalize(mv);
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, NULL, &r, &e), ST_OK);
	SUM(r.orders, before.n, before.fen);
	SUM(r.transfers, 2, 150000);
	day_report_done(&r);
	/* Without the id range (a pinned clock far from the real one) the
	 * moved order is found by its stored time. */
	at("2025-06-12T02:00:00Z");
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, NULL, &r, &e), ST_OK);
	SUM(r.orders, 5, 330000);
	day_report_done(&r);
	CU_ASSERT_EQUAL(svc_order_cancel(&app.svc, &clerk2, o, "测试完毕", &e), ST_OK);
	at("2025-06-12T02:00:00Z");
}

static void test_yuan(void)
{
	char s[32];
	struct {
		long long fen;
		const char *text;
	} cases[] = {
		{ 0, "0.00" }, { 5, "0.05" }, { -5, "-0.05" }, { 128050, "1280.50" },
		{ 100, "1.00" }, { -125000, "-1250.00" },
		{ LLONG_MAX, "92233720368547758.07" }, { LLONG_MIN, "-92233720368547758.08" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		report_yuan(cases[i].fen, s);
		CU_ASSERT_STRING_EQUAL(s, cases[i].text);
	}
}

/* The CSV read back: BOM, header, the figures, every section adding up. */
static void test_csv(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(day(&super1, D2, NULL, &r, &e), ST_OK);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CU_ASSERT_TRUE(day_report_csv(&r, f));
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(memcmp(buf, "\xEF\xBB\xBF" "section,item,label,count,amount_yuan,note\r\n",
				     3 + 43), 0);
	f = fmemopen(buf, len, "r");
	struct csv_reader *rd = csv_reader_new(f, 0, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rd);
	CU_ASSERT_EQUAL(csv_read(rd, &e), CSV_RECORD); /* header */
	CU_ASSERT_TRUE(csv_had_bom(rd));
	char section[32] = "";
	long long sec_fen = 0, clerk_fen = 0, waiting_fen = 0;
	long sec_n = 0;
	int rows = 0, clerk_rows = 0, waiting_rows = 0, totals = 0, stock_rows = 0;
	long stock_sum = 0, stock_total = -1, stock_returned = -1;
	bool net = false, date = false;
	while (csv_read(rd, &e) == CSV_RECORD) {
		rows++;
		CU_ASSERT_EQUAL(csv_count(rd), 6);
		const char *sec = csv_field(rd, 0), *item = csv_field(rd, 1), *amount = csv_field(rd, 4);
		long n = atol(csv_field(rd, 3));
		/* amounts in yuan with two decimals, read back as fen in integers */
		long long yuan = 0, cents = 0;
		bool neg = amount[0] == '-';
		if (*amount)
			CU_ASSERT_EQUAL(sscanf(amount + neg, "%lld.%2lld", &yuan, &cents), 2);
		long long fen = (yuan * 100 + cents) * (neg ? -1 : 1);
		if (strcmp(sec, "report") == 0) {
			date |= strcmp(item, "date") == 0 && strcmp(csv_field(rd, 5), D2) == 0;
			continue;
		}
		if (strncmp(sec, "clerk_", 6) == 0) {
			clerk_rows++;
			if (strcmp(sec, "clerk_refunds") == 0)
				clerk_fen += fen;
			continue;
		}
		if (strcmp(sec, "waiting") == 0) {
			if (strcmp(item, "total") == 0) {
				CU_ASSERT_EQUAL(n, 2);
				CU_ASSERT_EQUAL(fen, 90000);
			} else {
				waiting_rows++;
				waiting_fen += fen;
				CU_ASSERT_PTR_NOT_NULL(strstr(csv_field(rd, 5), "已等待 2 天"));
			}
			continue;
		}
		if (strncmp(sec, "stock_", 6) == 0) {
			/* counts of KEYs, not money */
			CU_ASSERT_STRING_EQUAL(amount, "");
			stock_rows++;
			if (strcmp(sec, "stock_now") == 0 && strcmp(item, "total") == 0)
				stock_total = n;
			else if (strcmp(sec, "stock_now") == 0)
				stock_sum += n;
			else if (strcmp(item, "return") == 0)
				stock_returned = n;
			continue;
		}
		if (strcmp(sec, section) != 0) {
			snprintf(section, sizeof section, "%s", sec);
			sec_n = 0;
			sec_fen = 0;
		}
		if (strcmp(item, "total") == 0 || strcmp(item, "net") == 0) {
			totals++;
			if (strcmp(sec, "refunds") != 0) {
				CU_ASSERT_EQUAL(sec_n, n);
				CU_ASSERT_EQUAL(sec_fen, fen);
			}
			if (strcmp(item, "net") == 0) {
				net = true;
				CU_ASSERT_STRING_EQUAL(amount, "1250.00");
			}
		} else {
			sec_n += n;
			sec_fen += fen;
		}
	}
	CU_ASSERT_EQUAL(csv_read(rd, &e), CSV_END);
	csv_reader_free(rd);
	fclose(f);
	free(buf);
	CU_ASSERT_TRUE(date);
	CU_ASSERT_TRUE(net);
	CU_ASSERT_EQUAL(totals, 6);
	CU_ASSERT_EQUAL(clerk_rows, 3 * r.nclerks);
	CU_ASSERT_EQUAL(clerk_fen, 15000);
	CU_ASSERT_EQUAL(waiting_rows, 2);
	CU_ASSERT_EQUAL(waiting_fen, 90000);
	CU_ASSERT_TRUE(rows > 30);
	CU_ASSERT_EQUAL(stock_rows, MOVE__COUNT + STOCK_STATE__COUNT + 1);
	CU_ASSERT_EQUAL(stock_total, 5);
	CU_ASSERT_EQUAL(stock_sum, 5);
	CU_ASSERT_EQUAL(stock_returned, 2);
	day_report_done(&r);
}

static int audit_count(const char *action)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db_handle(app.db), "SELECT count(*) FROM audit_log WHERE action = ?1",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

/* Every read is on record; an export writes its file and is on record. */
static void test_audit_and_export(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	int reads = audit_count("report.day"), exports = audit_count("report.export");
	CU_ASSERT_EQUAL_FATAL(day(&clerk2, D1, NULL, &r, &e), ST_OK);
	CU_ASSERT_EQUAL(audit_count("report.day"), reads + 1);
	char path[PATH_MAX];
	CU_ASSERT_EQUAL(svc_report_export(&app, &clerk2, &r, path, &e), ST_OK);
	char want[PATH_MAX];
	snprintf(want, sizeof want, "%s/reports/day-20250609-clerk2.csv", app.data_dir);
	CU_ASSERT_STRING_EQUAL(path, want);
	CU_ASSERT_EQUAL(access(path, R_OK), 0);
	CU_ASSERT_EQUAL(audit_count("report.export"), exports + 1);
	day_report_done(&r);

	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, NULL, &r, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_report_export(&app, &super1, &r, path, &e), ST_OK);
	snprintf(want, sizeof want, "%s/reports/day-20250609.csv", app.data_dir);
	CU_ASSERT_STRING_EQUAL(path, want);
	day_report_done(&r);
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, "all", &r, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_report_export(&app, &super1, &r, path, &e), ST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(path, "/day-20250609-ALL.csv"));
	day_report_done(&r);
	CU_ASSERT_EQUAL(audit_count("report.day"), reads + 3);

	/* The chain still holds. */
	struct audit_check c;
	CU_ASSERT_EQUAL(audit_verify(app.db, &c, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
}

#define MOVED(r, rec, iss, dam, ret)                                  \
	do {                                                           \
		CU_ASSERT_EQUAL((r).stock_moved[MOVE_RECEIVE], (rec)); \
		CU_ASSERT_EQUAL((r).stock_moved[MOVE_ISSUE], (iss));   \
		CU_ASSERT_EQUAL((r).stock_moved[MOVE_DAMAGE], (dam));  \
		CU_ASSERT_EQUAL((r).stock_moved[MOVE_RETURN], (ret));  \
	} while (0)

/* The KEY stock's counts: the day's movements by office and person, the
 * ledger as it stands, adding up; its lines for every front end. */
static void test_stock_counts(void)
{
	REQUIRE_STORY();
	struct day_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, NULL, &r, &e), ST_OK);
	MOVED(r, 5, 1, 0, 0);
	CU_ASSERT_EQUAL(r.stock_state[STOCK_IN_STOCK], 2);  /* KS-0003, KS-0004 */
	CU_ASSERT_EQUAL(r.stock_state[STOCK_ISSUED], 1);
	CU_ASSERT_EQUAL(r.stock_state[STOCK_DAMAGED], 0);
	CU_ASSERT_EQUAL(r.stock_state[STOCK_RETURNED], 2);
	CU_ASSERT_EQUAL(r.stock_total, 5);
	struct report_count k[REPORT_STOCK_LINES_MAX];
	int n = day_report_stock_lines(&r, k, REPORT_STOCK_LINES_MAX);
	CU_ASSERT_EQUAL_FATAL(n, MOVE__COUNT + STOCK_STATE__COUNT + 1);
	CU_ASSERT_STRING_EQUAL(k[0].section, "stock_moves");
	CU_ASSERT_STRING_EQUAL(k[0].item, "receive");
	CU_ASSERT_EQUAL(k[0].n, 5);
	CU_ASSERT_STRING_EQUAL(k[n - 1].item, "total");
	CU_ASSERT_TRUE(k[n - 1].total);
	long sum = 0;
	for (int i = MOVE__COUNT; i < n - 1; i++)
		sum += k[i].n;
	CU_ASSERT_EQUAL(sum, k[n - 1].n);
	/* A ledger that does not add up is refused. */
	r.stock_state[STOCK_DAMAGED]++;
	CU_ASSERT_FALSE(day_report_check(&r, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "KEY 库存"));
	day_report_done(&r);

	CU_ASSERT_EQUAL_FATAL(day(&super1, D2, NULL, &r, &e), ST_OK);
	MOVED(r, 0, 0, 1, 2);
	day_report_done(&r);
	/* A clerk's report: the movements they made; the office's ledger. */
	CU_ASSERT_EQUAL_FATAL(day(&clerk1, D1, NULL, &r, &e), ST_OK);
	MOVED(r, 5, 0, 0, 0);
	CU_ASSERT_EQUAL(r.stock_total, 5);
	day_report_done(&r);
	CU_ASSERT_EQUAL_FATAL(day(&clerk1, D2, NULL, &r, &e), ST_OK);
	MOVED(r, 0, 0, 0, 0);
	day_report_done(&r);
	CU_ASSERT_EQUAL_FATAL(day(&clerk2, D2, NULL, &r, &e), ST_OK);
	MOVED(r, 0, 0, 1, 0);
	day_report_done(&r);
	/* Another office; every office. */
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, "XMSM", &r, &e), ST_OK);
	MOVED(r, 2, 0, 0, 0);
	CU_ASSERT_EQUAL(r.stock_state[STOCK_IN_STOCK], 2);
	CU_ASSERT_EQUAL(r.stock_total, 2);
	day_report_done(&r);
	CU_ASSERT_EQUAL_FATAL(day(&super1, D1, "all", &r, &e), ST_OK);
	MOVED(r, 7, 1, 0, 0);
	CU_ASSERT_EQUAL(r.stock_state[STOCK_IN_STOCK], 4);
	CU_ASSERT_EQUAL(r.stock_total, 7);
	day_report_done(&r);
	/* The day before: nothing moved, the ledger as it is now. */
	CU_ASSERT_EQUAL_FATAL(day(&super1, "2025-06-08", NULL, &r, &e), ST_OK);
	MOVED(r, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(r.stock_total, 5);
	day_report_done(&r);
}

void suite_report(void)
{
	UNIT_SUITE("report", setup_suite, teardown_suite,
		   { "day 1: orders, payments, received, per clerk, waiting", test_day1 },
		   { "day 2: verified late, refunds, cancelled, 00:30 local", test_day2 },
		   { "a clerk sees their own figures", test_clerk_sees_own },
		   { "this office, another office, all offices", test_offices },
		   { "a total that does not add up is caught", test_check_catches },
		   { "local day bounds in any time zone", test_day_bounds },
		   { "real clock: the id range", test_real_clock_id_range },
		   { "yuan for CSV", test_yuan },
		   { "CSV read back", test_csv },
		   { "audit and export", test_audit_and_export },
		   { "KEY stock counts", test_stock_counts });
}
