/*
 * The statistics of a month and of a day (svc/stats.h) over applications,
 * reviews, certificates made and collected, orders and payments made
 * through the use cases in June 2025 (Asia/Shanghai, clock pinned) by two
 * clerks and two supervisors at two offices: every figure, the average and
 * the 90th percentile of the waits to the second and in their printed
 * hours, the local month's bounds (a submission at 00:10 on 1 June is
 * June's though its UTC date is 31 May; an acceptance at 00:30 on 1 July
 * is July's though its UTC date is 30 June), every breakdown adding up,
 * the refusal of one that does not, CSV, export, audit entries; the words
 * of audit entries; the retention list.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit_query.h"
#include "store/staff_repo.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/audit_text.h"
#include "svc/order.h"
#include "svc/review.h"
#include "svc/staff.h"
#include "svc/retention.h"
#include "svc/stats.h"
#include "unit.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/fs.h"

static struct app app;
static struct actor admin, clerk1, clerk2, super1, super2, xm_clerk;
static char dir[512], slip[600];
static bool ready;
static struct err se; /* why the story below could not be told */

enum { A, B, C, D, E, F, G, H, P1, P2, P3, P4, P5, P6, NAPPS };
static char ids[NAPPS][UUID_LEN + 1];
static char numbers[NAPPS][NUMBER_MAX];

#define PERSON_ID "11010519491231002X"
#define CODE_A "91350100M000100Y43"
#define REASON_DOCS "材料不齐"
#define REASON_CODE "信息有误，请核对信用代码"

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

/* A draft of one year with its documents handed in on paper. */
static bool draft(const struct actor *who, const char *applicant, enum app_kind k, int i)
{
	struct application_input in = {
		.kind = k, .subject = SUBJECT_ENTERPRISE, .years = 1, .credit_code = CODE_A,
		.holder_name = "福州某某科技有限公司", .legal_rep = "林某", .phone = "0591-87654321",
		.address = "福州市鼓楼区五四路100号", .delivery = DELIVERY_PICKUP,
		.cert_serial = k == KIND_RENEWAL ? "4A3F0012" : NULL,
	};
	if (svc_application_create(&app.svc, who, applicant, &in, svc_agreement_version(), ids[i],
				   numbers[i], &se) != ST_OK)
		return false;
	static const enum doc_type docs[] = { DOC_LICENCE, DOC_LEGAL_REP_ID, DOC_AGENT_ID,
					      DOC_AUTHORISATION };
	for (size_t d = 0; d < 4; d++)
		svc_application_paper(&app.svc, who, ids[i], docs[d], true, &se);
	return true;
}

static bool submit(const char *when, const struct actor *who, int i)
{
	at(when);
	return svc_application_submit(&app.svc, who, ids[i], &se) == ST_OK;
}

static bool accept(const char *when, const struct actor *who, int i)
{
	at(when);
	return svc_application_accept(&app.svc, who, ids[i], &se) == ST_OK;
}

static bool give_back(const char *when, const struct actor *who, int i, const char *reason)
{
	at(when);
	return svc_application_return(&app.svc, who, ids[i], reason, &se) == ST_OK;
}

static bool place(const char *when, const struct actor *a, enum pay_method m, int i1, int i2,
		  char id[UUID_LEN + 1])
{
	at(when);
	const char *list[] = { ids[i1], i2 >= 0 ? ids[i2] : NULL };
	struct order_input in = {
		.application_ids = list, .n = i2 >= 0 ? 2 : 1, .method = m,
		.delivery = DELIVERY_PICKUP, .contact_phone = "13812345678",
	};
	return svc_order_place(&app.svc, a, &in, id, NULL, &se) == ST_OK;
}

static bool transfer(const char *when, const struct actor *a, const char *order, long long fen,
		     const char *ref, char id[UUID_LEN + 1])
{
	at(when);
	const char *list[] = { order };
	struct transfer_input t = {
		.order_ids = list, .n = 1, .payer_name = "福州某某科技有限公司",
		.payer_account = "6222 0200 1234 5678", .bank = "中国工商银行福州分行",
		.reference = ref, .paid_on = "2025-06-02", .amount_fen = fen, .slip_path = slip,
	};
	return svc_transfer_record(&app, a, &t, id, &se) == ST_OK;
}

static bool verify(const char *when, const struct actor *a, const char *payment)
{
	at(when);
	return svc_transfer_verify(&app.svc, a, payment, &se) == ST_OK;
}

/*
 * The story, in Shanghai time (UTC+8); waits from submission to acceptance
 * in brackets. Applications A..H and P1..P6 are drafts made in May.
 *   05-31 23:50 clerk1 submits A (May)
 *   06-01 00:10 clerk1 submits B (June: UTC still 31 May)
 *   06-01 09:50 super1 accepts A                         [A 10 h]
 *   06-01 18:10 super2 accepts B                         [B 18 h]
 *   06-02 09:00 clerk2 submits C; 10:00 super1 returns it: 材料不齐
 *   06-02 13:00 clerk1 orders A and B (transfer, 1,000.00); 14:00 records T1
 *   06-03 09:00 clerk2 submits C again; 10:00 submits D
 *   06-03 11:00:18 super1 accepts C                      [C 2 h 0 min 18 s]
 *   06-03 12:00 super2 returns D: 材料不齐
 *   06-03 14:00 super2 verifies T1 (1,000.00 received on 06-03)
 *   06-04 09:00 clerk1 submits E; 10:00 the XMSM clerk submits F
 *   06-04 11:00 super2 accepts F                         [F 1 h]
 *   06-04 11:30 the XMSM clerk orders F, 12:00 records TF (500.00)
 *   06-04 13:00 super1 returns E: 信息有误，请核对信用代码; 13:30 super2 verifies TF
 *   06-05 09:00 clerk2 submits H (a renewal); 09:30 clerk1 cancels E
 *   06-05 13:00 super1 accepts H                         [H 4 h]
 *   06-05 14:00 clerk2 orders H (online, 400.00), 14:10 paid by WeChat
 *   06-05 15:00 super1 makes A; 15:30 super2 makes B
 *   06-06 09:00 clerk1 submits P1..P6; super2 accepts P1 at 10:00 .. P6 at 15:00
 *                                                        [P1..P6 1..6 h]
 *   06-06 16:00 super1 records A collected by the applicant
 *   06-07 10:00 super1 refunds 50.00 of the WeChat payment
 *   06-30 18:00 clerk1 orders P1 (500.00), 19:00 records T3
 *   06-30 23:00 clerk1 submits G
 *   07-01 00:30 super1 accepts G (July: UTC still 30 June), verifies T3
 */
static int setup_suite(void)
{
	struct err e;
	err_clear(&e);
	err_clear(&se);
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(dir, sizeof dir, "%s/stats-%ld", tmp, (long)getpid());
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	at("2025-05-20T02:00:00Z");
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	if (app_open(&app, dir, &e) != ST_OK || svc_setup(&app.svc, &in, &admin, &e) != ST_OK) {
		fprintf(stderr, "stats: no data directory: %s\n", err_text(&e));
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

	char person[UUID_LEN + 1];
	struct applicant_input ai = { "13812345678", "申请人", PERSON_ID, "", "深圳市福田区深南大道1号",
				      "", "" };
	struct enterprise_input en = { CODE_A, "福州某某科技有限公司", "林某", "福州市鼓楼区五四路100号",
				       "0591-87654321" };
	ok = ok && svc_applicant_import(&app.svc, &clerk1, &ai, &en, person, &se) == ST_OK;
	static const struct { int i; int who; enum app_kind k; } drafts[] = {
		{ A, 1, KIND_NEW }, { B, 1, KIND_NEW }, { C, 2, KIND_NEW }, { D, 2, KIND_NEW },
		{ E, 1, KIND_NEW }, { F, 3, KIND_NEW }, { G, 1, KIND_NEW }, { H, 2, KIND_RENEWAL },
		{ P1, 1, KIND_NEW }, { P2, 1, KIND_NEW }, { P3, 1, KIND_NEW }, { P4, 1, KIND_NEW },
		{ P5, 1, KIND_NEW }, { P6, 1, KIND_NEW },
	};
	for (size_t i = 0; ok && i < sizeof drafts / sizeof drafts[0]; i++) {
		const struct actor *who = drafts[i].who == 1 ? &clerk1 : drafts[i].who == 2 ? &clerk2
											  : &xm_clerk;
		ok = draft(who, person, drafts[i].k, drafts[i].i);
	}
	if (!ok) {
		fprintf(stderr, "stats: the drafts could not be made: %s\n", err_text(&se));
		return 0;
	}

	char o1[UUID_LEN + 1], of[UUID_LEN + 1], o2[UUID_LEN + 1], o3[UUID_LEN + 1];
	char t1[UUID_LEN + 1], tf[UUID_LEN + 1], t3[UUID_LEN + 1];
	struct payment pay[2];
	ok = submit("2025-05-31T15:50:00Z", &clerk1, A) && submit("2025-05-31T16:10:00Z", &clerk1, B) &&
	     accept("2025-06-01T01:50:00Z", &super1, A) && accept("2025-06-01T10:10:00Z", &super2, B) &&
	     submit("2025-06-02T01:00:00Z", &clerk2, C) &&
	     give_back("2025-06-02T02:00:00Z", &super1, C, REASON_DOCS) &&
	     place("2025-06-02T05:00:00Z", &clerk1, PAY_TRANSFER, A, B, o1) &&
	     transfer("2025-06-02T06:00:00Z", &clerk1, o1, 100000, "TX-0001", t1) &&
	     submit("2025-06-03T01:00:00Z", &clerk2, C) && submit("2025-06-03T02:00:00Z", &clerk2, D) &&
	     accept("2025-06-03T03:00:18Z", &super1, C) &&
	     give_back("2025-06-03T04:00:00Z", &super2, D, REASON_DOCS) &&
	     verify("2025-06-03T06:00:00Z", &super2, t1) &&
	     submit("2025-06-04T01:00:00Z", &clerk1, E) && submit("2025-06-04T02:00:00Z", &xm_clerk, F) &&
	     accept("2025-06-04T03:00:00Z", &super2, F) &&
	     place("2025-06-04T03:30:00Z", &xm_clerk, PAY_TRANSFER, F, -1, of) &&
	     transfer("2025-06-04T04:00:00Z", &xm_clerk, of, 50000, "TX-0002", tf) &&
	     give_back("2025-06-04T05:00:00Z", &super1, E, REASON_CODE) &&
	     verify("2025-06-04T05:30:00Z", &super2, tf) && submit("2025-06-05T01:00:00Z", &clerk2, H);
	at("2025-06-05T01:30:00Z");
	ok = ok && svc_application_cancel(&app.svc, &clerk1, ids[E], "申请人不再办理", &se) == ST_OK;
	ok = ok && accept("2025-06-05T05:00:00Z", &super1, H) &&
	     place("2025-06-05T06:00:00Z", &clerk2, PAY_ONLINE, H, -1, o2);
	at("2025-06-05T06:10:00Z");
	ok = ok && svc_online_record(&app.svc, &clerk2, o2, CHANNEL_WECHAT, "4200001234", &se) == ST_OK;
	at("2025-06-05T07:00:00Z");
	ok = ok && svc_application_make(&app.svc, &super1, ids[A], "4A3F0101", &se) == ST_OK;
	at("2025-06-05T07:30:00Z");
	ok = ok && svc_application_make(&app.svc, &super2, ids[B], "4A3F0102", &se) == ST_OK;
	at("2025-06-06T01:00:00Z");
	for (int i = P1; ok && i <= P6; i++)
		ok = svc_application_submit(&app.svc, &clerk1, ids[i], &se) == ST_OK;
	for (int i = P1; ok && i <= P6; i++) {
		char when[32];
		snprintf(when, sizeof when, "2025-06-06T%02d:00:00Z", 2 + i - P1);
		ok = accept(when, &super2, i);
	}
	at("2025-06-06T08:00:00Z");
	ok = ok && svc_application_collect(&app.svc, &super1, ids[A], "申请人", PERSON_ID, &se) == ST_OK;
	at("2025-06-07T02:00:00Z");
	ok = ok && svc_order_payments(&app.svc, o2, pay, 2, &se) == 1 &&
	     svc_refund(&app.svc, &super1, pay[0].id, 5000, "少收材料费", NULL, &se) == ST_OK;
	ok = ok && place("2025-06-30T10:00:00Z", &clerk1, PAY_TRANSFER, P1, -1, o3) &&
	     transfer("2025-06-30T11:00:00Z", &clerk1, o3, 50000, "TX-0003", t3) &&
	     submit("2025-06-30T15:00:00Z", &clerk1, G) && accept("2025-06-30T16:30:00Z", &super1, G) &&
	     verify("2025-06-30T16:30:00Z", &super1, t3);
	/* Read two days later. */
	at("2025-07-02T02:00:00Z");
	ready = ok;
	if (!ok)
		fprintf(stderr, "stats: the story stopped: %s\n", err_text(&se));
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

#define SUM(s, count, fen_)                      \
	do {                                     \
		CU_ASSERT_EQUAL((s).n, (count));  \
		CU_ASSERT_EQUAL((s).fen, (fen_)); \
	} while (0)

/* received, accepted, returned, made, collected */
#define COUNTS(f, rc, ac, rt, md, co)                 \
	do {                                          \
		CU_ASSERT_EQUAL((f).received, (rc));  \
		CU_ASSERT_EQUAL((f).accepted, (ac));  \
		CU_ASSERT_EQUAL((f).returned, (rt));  \
		CU_ASSERT_EQUAL((f).made, (md));      \
		CU_ASSERT_EQUAL((f).collected, (co)); \
	} while (0)

/* The waits: how many, their sum and 90th percentile in seconds, and the
 * hours as printed. */
#define WAITS(f, n, sum, p90, avg_text, p90_text)              \
	do {                                                   \
		char a_[24], p_[24];                           \
		CU_ASSERT_EQUAL((f).timed, (n));               \
		CU_ASSERT_EQUAL((f).wait_sum, (sum));          \
		CU_ASSERT_EQUAL((f).wait_p90, (p90));          \
		stats_avg_hours(&(f), a_);                     \
		stats_p90_hours(&(f), p_);                     \
		CU_ASSERT_STRING_EQUAL(a_, (avg_text));        \
		CU_ASSERT_STRING_EQUAL(p_, (p90_text));        \
	} while (0)

static enum status stats(const struct actor *a, const char *month, const char *date,
			 const char *office, struct stats_report *r, struct err *e)
{
	struct stats_query q = { month, date, office, "test" };
	return svc_stats(&app.svc, a, &q, r, e);
}

static const struct stats_group *group(const struct stats_report *r, enum stats_by by,
				       const char *code)
{
	for (int i = 0; i < r->nby[by]; i++)
		if (strcmp(r->by[by][i].code, code) == 0)
			return &r->by[by][i];
	return NULL;
}

/* Each breakdown, added up here, equals the totals: an independent check
 * of what stats_report_check promises. */
static void adds_up(const struct stats_report *r)
{
	struct stats_figures s[1 + STATS__BY];
	memset(s, 0, sizeof s);
	for (int k = 0; k <= STATS__BY; k++) {
		int n = k == 0 ? r->ndays : r->nby[k - 1];
		for (int i = 0; i < n; i++) {
			const struct stats_figures *f = k == 0 ? &r->days[i].f : &r->by[k - 1][i].f;
			s[k].received += f->received;
			s[k].accepted += f->accepted;
			s[k].returned += f->returned;
			s[k].made += f->made;
			s[k].collected += f->collected;
			s[k].timed += f->timed;
			s[k].wait_sum += f->wait_sum;
			s[k].net_fen += f->net_fen;
			s[k].transfers.n += f->transfers.n;
			s[k].transfers.fen += f->transfers.fen;
			s[k].refunds.fen += f->refunds.fen;
		}
		bool reviewers = k == 1 + STATS_BY_REVIEWER;
		CU_ASSERT_EQUAL(s[k].accepted, r->total.accepted);
		CU_ASSERT_EQUAL(s[k].returned, r->total.returned);
		CU_ASSERT_EQUAL(s[k].timed, r->total.timed);
		CU_ASSERT_EQUAL(s[k].wait_sum, r->total.wait_sum);
		if (reviewers)
			continue;
		CU_ASSERT_EQUAL(s[k].received, r->total.received);
		CU_ASSERT_EQUAL(s[k].made, r->total.made);
		CU_ASSERT_EQUAL(s[k].collected, r->total.collected);
		CU_ASSERT_EQUAL(s[k].net_fen, r->total.net_fen);
		SUM(s[k].transfers, r->total.transfers.n, r->total.transfers.fen);
		CU_ASSERT_EQUAL(s[k].refunds.fen, r->total.refunds.fen);
	}
	long n = 0;
	for (int i = 0; i < r->nreasons; i++)
		n += r->reasons[i].n;
	CU_ASSERT_EQUAL(n, r->total.returned);
	struct err e;
	CU_ASSERT_TRUE(stats_report_check(r, &e));
}

static void test_month_all(void)
{
	REQUIRE_STORY();
	struct stats_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(stats(&super1, "2025-06", NULL, "all", &r, &e), ST_OK);
	CU_ASSERT_TRUE(r.month);
	CU_ASSERT_TRUE(r.all_offices);
	CU_ASSERT_STRING_EQUAL(r.period, "2025-06");
	/* Local June in UTC: 2025-05-31T16:00Z to 2025-06-30T16:00Z. */
	char from[21], to[21];
	clock_iso(r.from, from);
	clock_iso(r.to, to);
	CU_ASSERT_STRING_EQUAL(from, "2025-05-31T16:00:00Z");
	CU_ASSERT_STRING_EQUAL(to, "2025-06-30T16:00:00Z");
	CU_ASSERT_EQUAL_FATAL(r.ndays, 30);
	CU_ASSERT_STRING_EQUAL(r.days[0].date, "2025-06-01");
	CU_ASSERT_STRING_EQUAL(r.days[0].weekday, "星期日");
	CU_ASSERT_STRING_EQUAL(r.days[29].date, "2025-06-30");

	/* Received: B, C (once, on its second submission), D, E, F, H, P1..P6,
	 * G: not A (May). Accepted: A, B, C, F, H, P1..P6: not G (July). */
	COUNTS(r.total, 13, 11, 3, 2, 1);
	/* Waits (s): F 3600, P1 3600, P2 7200, C 7218, P3 10800, H 14400,
	 * P4 14400, P5 18000, P6 21600, A 36000, B 64800. The 90th percentile
	 * is the 10th of 11 (nearest rank), not the largest. */
	WAITS(r.total, 11, 201618, 36000, "5.09", "10.00");

	/* Money: T1 (verified 06-03), TF (06-04, XMSM), WeChat (06-05), the
	 * refund (06-07); T3 was verified on 1 July. */
	SUM(r.total.transfers, 2, 150000);
	SUM(r.total.online[CHANNEL_WECHAT], 1, 40000);
	SUM(r.total.online[CHANNEL_ALIPAY], 0, 0);
	SUM(r.total.refunds, 1, 5000);
	CU_ASSERT_EQUAL(r.total.net_fen, 185000);

	/* Day by day. */
	COUNTS(r.days[0].f, 1, 2, 0, 0, 0);    /* B in; A, B accepted */
	WAITS(r.days[0].f, 2, 100800, 64800, "14.00", "18.00");
	COUNTS(r.days[1].f, 0, 0, 1, 0, 0);    /* C returned */
	WAITS(r.days[1].f, 0, 0, -1, "", "");
	COUNTS(r.days[2].f, 2, 1, 1, 0, 0);    /* C, D in; C accepted; D returned */
	WAITS(r.days[2].f, 1, 7218, 7218, "2.01", "2.01");  /* 2.005 h, half up */
	SUM(r.days[2].f.transfers, 1, 100000);
	CU_ASSERT_EQUAL(r.days[2].f.net_fen, 100000);
	COUNTS(r.days[3].f, 2, 1, 1, 0, 0);    /* E, F in; F accepted; E returned */
	SUM(r.days[3].f.transfers, 1, 50000);
	COUNTS(r.days[4].f, 1, 1, 0, 2, 0);    /* H in and accepted; A, B made */
	SUM(r.days[4].f.online[CHANNEL_WECHAT], 1, 40000);
	COUNTS(r.days[5].f, 6, 6, 0, 0, 1);    /* P1..P6; A collected */
	WAITS(r.days[5].f, 6, 75600, 21600, "3.50", "6.00");
	COUNTS(r.days[6].f, 0, 0, 0, 0, 0);
	SUM(r.days[6].f.refunds, 1, 5000);
	CU_ASSERT_EQUAL(r.days[6].f.net_fen, -5000);
	COUNTS(r.days[29].f, 1, 0, 0, 0, 0);   /* G in; accepted in July */
	CU_ASSERT_EQUAL(r.days[29].f.net_fen, 0);
	CU_ASSERT_EQUAL(r.days[29].f.wait_p90, -1);
	for (int d = 7; d < 29; d++) {
		COUNTS(r.days[d].f, 0, 0, 0, 0, 0);
		CU_ASSERT_EQUAL(r.days[d].f.net_fen, 0);
	}

	/* Returns by reason, most frequent first. */
	CU_ASSERT_EQUAL_FATAL(r.nreasons, 2);
	CU_ASSERT_STRING_EQUAL(r.reasons[0].text, REASON_DOCS);
	CU_ASSERT_EQUAL(r.reasons[0].n, 2);
	CU_ASSERT_STRING_EQUAL(r.reasons[1].text, REASON_CODE);
	CU_ASSERT_EQUAL(r.reasons[1].n, 1);

	/* Offices, by code. */
	CU_ASSERT_EQUAL_FATAL(r.nby[STATS_BY_OFFICE], 2);
	const struct stats_group *sz = &r.by[STATS_BY_OFFICE][0], *xmo = &r.by[STATS_BY_OFFICE][1];
	CU_ASSERT_STRING_EQUAL(sz->code, "SZFT");
	CU_ASSERT_STRING_EQUAL(sz->name, "深圳福田受理点");
	CU_ASSERT_STRING_EQUAL(xmo->code, "XMSM");
	COUNTS(sz->f, 12, 10, 3, 2, 1);
	WAITS(sz->f, 10, 198018, 36000, "5.50", "10.00");
	CU_ASSERT_EQUAL(sz->f.net_fen, 135000);
	COUNTS(xmo->f, 1, 1, 0, 0, 0);
	WAITS(xmo->f, 1, 3600, 3600, "1.00", "1.00");
	SUM(xmo->f.transfers, 1, 50000);
	CU_ASSERT_EQUAL(xmo->f.net_fen, 50000);

	/* Clerks: who entered the applications; money: who recorded it. The
	 * XMSM clerk is clerk2's account at another office. */
	CU_ASSERT_EQUAL_FATAL(r.nby[STATS_BY_CLERK], 3);
	CU_ASSERT_STRING_EQUAL(r.by[STATS_BY_CLERK][0].code, "clerk1"); /* by user name */
	CU_ASSERT_STRING_EQUAL(r.by[STATS_BY_CLERK][0].name, "王受理");
	const struct stats_group *c1 = group(&r, STATS_BY_CLERK, "clerk1"),
				 *c2 = group(&r, STATS_BY_CLERK, "clerk2"),
				 *s1 = group(&r, STATS_BY_CLERK, "super1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s1);
	COUNTS(c1->f, 9, 8, 1, 2, 1);          /* B E G P1..P6 in; A B P1..P6 accepted */
	WAITS(c1->f, 8, 176400, 64800, "6.13", "18.00"); /* 6.125 h, half up */
	CU_ASSERT_EQUAL(c1->f.net_fen, 100000);
	COUNTS(c2->f, 4, 3, 2, 0, 0);          /* C D F H */
	WAITS(c2->f, 3, 25218, 14400, "2.34", "4.00");   /* 2.335 h */
	SUM(c2->f.transfers, 1, 50000);
	SUM(c2->f.online[CHANNEL_WECHAT], 1, 40000);
	CU_ASSERT_EQUAL(c2->f.net_fen, 90000);
	COUNTS(s1->f, 0, 0, 0, 0, 0);          /* recorded the refund only */
	SUM(s1->f.refunds, 1, 5000);
	CU_ASSERT_EQUAL(s1->f.net_fen, -5000);

	/* Reviewers: who accepted or returned. */
	CU_ASSERT_EQUAL_FATAL(r.nby[STATS_BY_REVIEWER], 2);
	const struct stats_group *r1 = group(&r, STATS_BY_REVIEWER, "super1"),
				 *r2 = group(&r, STATS_BY_REVIEWER, "super2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r2);
	CU_ASSERT_EQUAL(r1->f.accepted, 3);    /* A C H */
	CU_ASSERT_EQUAL(r1->f.returned, 2);    /* C E */
	WAITS(r1->f, 3, 57618, 36000, "5.34", "10.00");  /* 5.335 h */
	CU_ASSERT_EQUAL(r2->f.accepted, 8);    /* B F P1..P6 */
	CU_ASSERT_EQUAL(r2->f.returned, 1);    /* D */
	WAITS(r2->f, 8, 144000, 64800, "5.00", "18.00");
	CU_ASSERT_EQUAL(r2->f.received, 0);

	adds_up(&r);
	stats_report_done(&r);
}

static void test_month_office(void)
{
	REQUIRE_STORY();
	struct stats_report r;
	struct err e;
	/* This terminal's office by default. */
	CU_ASSERT_EQUAL_FATAL(stats(&admin, "2025-06", NULL, NULL, &r, &e), ST_OK);
	CU_ASSERT_FALSE(r.all_offices);
	CU_ASSERT_STRING_EQUAL(r.office_code, "SZFT");
	COUNTS(r.total, 12, 10, 3, 2, 1);
	WAITS(r.total, 10, 198018, 36000, "5.50", "10.00");
	SUM(r.total.transfers, 1, 100000);
	CU_ASSERT_EQUAL(r.total.net_fen, 135000);
	CU_ASSERT_EQUAL(r.nby[STATS_BY_OFFICE], 1);
	COUNTS(r.days[3].f, 1, 0, 1, 0, 0);    /* E in and returned; F is XMSM's */
	const struct stats_group *c2 = group(&r, STATS_BY_CLERK, "clerk2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	COUNTS(c2->f, 3, 2, 2, 0, 0);
	CU_ASSERT_EQUAL(c2->f.net_fen, 40000);
	adds_up(&r);
	stats_report_done(&r);

	CU_ASSERT_EQUAL_FATAL(stats(&super2, "2025-06", NULL, "xmsm", &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.office_code, "XMSM");
	COUNTS(r.total, 1, 1, 0, 0, 0);
	WAITS(r.total, 1, 3600, 3600, "1.00", "1.00");
	CU_ASSERT_EQUAL(r.total.net_fen, 50000);
	CU_ASSERT_EQUAL(r.nreasons, 0);
	adds_up(&r);
	stats_report_done(&r);
}

/* One day alone equals that day's row of the month. */
static void test_day(void)
{
	REQUIRE_STORY();
	struct stats_report m, d;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(stats(&super1, "2025-06", NULL, "all", &m, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(stats(&super1, NULL, "2025-06-03", "all", &d, &e), ST_OK);
	CU_ASSERT_FALSE(d.month);
	CU_ASSERT_STRING_EQUAL(d.period, "2025-06-03");
	CU_ASSERT_EQUAL_FATAL(d.ndays, 1);
	CU_ASSERT_STRING_EQUAL(d.days[0].weekday, "星期二");
	CU_ASSERT_EQUAL(memcmp(&d.total, &m.days[2].f, sizeof d.total), 0);
	COUNTS(d.total, 2, 1, 1, 0, 0);
	WAITS(d.total, 1, 7218, 7218, "2.01", "2.01");
	CU_ASSERT_EQUAL_FATAL(d.nreasons, 1);
	CU_ASSERT_STRING_EQUAL(d.reasons[0].text, REASON_DOCS);
	const struct stats_group *r2 = group(&d, STATS_BY_REVIEWER, "super2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r2);
	CU_ASSERT_EQUAL(r2->f.returned, 1);
	CU_ASSERT_EQUAL(r2->f.accepted, 0);
	CU_ASSERT_EQUAL(r2->f.wait_p90, -1);
	adds_up(&d);
	stats_report_done(&d);

	/* The first of June from 00:00 local: B's submission at 00:10. */
	CU_ASSERT_EQUAL_FATAL(stats(&super1, NULL, "2025-06-01", "all", &d, &e), ST_OK);
	CU_ASSERT_EQUAL(memcmp(&d.total, &m.days[0].f, sizeof d.total), 0);
	stats_report_done(&d);
	stats_report_done(&m);

	/* July: G accepted at 00:30 on the 1st, T3 verified with it. */
	CU_ASSERT_EQUAL_FATAL(stats(&super1, "2025-07", NULL, "all", &m, &e), ST_OK);
	CU_ASSERT_EQUAL(m.ndays, 31);
	COUNTS(m.total, 0, 1, 0, 0, 0);
	COUNTS(m.days[0].f, 0, 1, 0, 0, 0);
	WAITS(m.total, 1, 5400, 5400, "1.50", "1.50");
	SUM(m.total.transfers, 1, 50000);
	SUM(m.days[0].f.transfers, 1, 50000);
	adds_up(&m);
	stats_report_done(&m);

	/* May: A's submission at 23:50 on the 31st, nothing else. */
	CU_ASSERT_EQUAL_FATAL(stats(&super1, "2025-05", NULL, "all", &m, &e), ST_OK);
	COUNTS(m.total, 1, 0, 0, 0, 0);
	COUNTS(m.days[30].f, 1, 0, 0, 0, 0);
	stats_report_done(&m);
}

static void test_refused(void)
{
	REQUIRE_STORY();
	struct stats_report r;
	struct err e;
	CU_ASSERT_EQUAL(stats(&clerk1, "2025-06", NULL, NULL, &r, &e), ST_DENIED);
	CU_ASSERT_EQUAL(stats(&super1, "2025-13", NULL, NULL, &r, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "month");
	CU_ASSERT_EQUAL(stats(&super1, "2025-6", NULL, NULL, &r, &e), ST_INVALID);
	CU_ASSERT_EQUAL(stats(&super1, NULL, "2025-02-29", NULL, &r, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "date");
	CU_ASSERT_EQUAL(stats(&super1, "2025-06", NULL, "NOPE", &r, &e), ST_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "office");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "NOPE"));

	/* A report whose breakdowns do not add up is refused, naming what. */
	CU_ASSERT_EQUAL_FATAL(stats(&super1, "2025-06", NULL, "all", &r, &e), ST_OK);
	CU_ASSERT_TRUE(stats_report_check(&r, &e));
	r.by[STATS_BY_CLERK][0].f.accepted++;
	CU_ASSERT_FALSE(stats_report_check(&r, &e));
	CU_ASSERT_EQUAL(e.st, ST_INTERNAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "各受理员受理"));
	r.by[STATS_BY_CLERK][0].f.accepted--;
	r.days[4].f.online[CHANNEL_WECHAT].fen += 1;
	CU_ASSERT_FALSE(stats_report_check(&r, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "各日微信支付"));
	r.days[4].f.online[CHANNEL_WECHAT].fen -= 1;
	r.reasons[1].n++;
	CU_ASSERT_FALSE(stats_report_check(&r, &e));
	r.reasons[1].n--;
	r.total.net_fen++;
	CU_ASSERT_FALSE(stats_report_check(&r, &e));
	r.total.net_fen--;
	CU_ASSERT_TRUE(stats_report_check(&r, &e));
	stats_report_done(&r);

	/* A stored time this program cannot read is not dropped in silence:
	 * the report is refused. */
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE applications SET submitted_at = '2025-06-06T99:00:00Z'"
		 " WHERE id = '%s'", ids[P6]);
	CU_ASSERT_EQUAL_FATAL(db_exec(app.db, sql, &e), ST_OK);
	CU_ASSERT_EQUAL(stats(&super1, "2025-06", NULL, "all", &r, &e), ST_INTERNAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "有 1 条记录的时间无法识别"));
	snprintf(sql, sizeof sql, "UPDATE applications SET submitted_at = '2025-06-06T01:00:00Z'"
		 " WHERE id = '%s'", ids[P6]);
	CU_ASSERT_EQUAL_FATAL(db_exec(app.db, sql, &e), ST_OK);
	CU_ASSERT_EQUAL(stats(&super1, "2025-06", NULL, "all", &r, &e), ST_OK);
	CU_ASSERT_EQUAL(r.total.received, 13);
	stats_report_done(&r);
}

/* The CSV: for Excel, and the same figures. */
static void test_csv(void)
{
	REQUIRE_STORY();
	struct stats_report r;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(stats(&super1, "2025-06", NULL, "all", &r, &e), ST_OK);
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	CU_ASSERT_TRUE(stats_report_csv(&r, mem));
	fclose(mem);
	CU_ASSERT_EQUAL(memcmp(text, "\xEF\xBB\xBF", 3), 0);
	CU_ASSERT_EQUAL(strncmp(text + 3, "section,item,label,count,received,accepted,returned,made,"
				"collected,avg_hours,p90_hours,amount_yuan\r\n", 88), 0);
	FILE *in = fmemopen(text, size, "r");
	struct csv_reader *rd = csv_reader_new(in, 0, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rd);
	int days = 0, clerks = 0, reasons = 0;
	long day_received = 0, clerk_received = 0;
	bool total = false, net = false, refund = false;
	while (csv_read(rd, &e) == CSV_RECORD) {
		CU_ASSERT_EQUAL(csv_count(rd), 12);
		const char *sec = csv_field(rd, 0), *item = csv_field(rd, 1);
		if (strcmp(sec, "total") == 0) {
			total = true;
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 4), "13");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 5), "11");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 6), "3");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 7), "2");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 8), "1");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 9), "5.09");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 10), "10.00");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 11), "1850.00");
		} else if (strcmp(sec, "day") == 0) {
			days++;
			day_received += atol(csv_field(rd, 4));
		} else if (strcmp(sec, "clerk") == 0) {
			clerks++;
			clerk_received += atol(csv_field(rd, 4));
		} else if (strcmp(sec, "reviewer") == 0) {
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 4), ""); /* not theirs */
		} else if (strcmp(sec, "reason") == 0) {
			reasons++;
			if (strcmp(item, "1") == 0) {
				CU_ASSERT_STRING_EQUAL(csv_field(rd, 2), REASON_DOCS);
				CU_ASSERT_STRING_EQUAL(csv_field(rd, 6), "2");
			}
		} else if (strcmp(sec, "money") == 0 && strcmp(item, "refund") == 0) {
			refund = true;
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 3), "1");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 11), "-50.00");
		} else if (strcmp(sec, "money") == 0 && strcmp(item, "net") == 0) {
			net = true;
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 3), "4");
			CU_ASSERT_STRING_EQUAL(csv_field(rd, 11), "1850.00");
		}
	}
	CU_ASSERT_TRUE(total && net && refund);
	CU_ASSERT_EQUAL(days, 30);
	CU_ASSERT_EQUAL(clerks, 3);
	CU_ASSERT_EQUAL(reasons, 2);
	CU_ASSERT_EQUAL(day_received, 13);
	CU_ASSERT_EQUAL(clerk_received, 13);
	csv_reader_free(rd);
	fclose(in);
	free(text);

	/* Export: a file under DATA/reports, on the audit log before it exists. */
	char path[PATH_MAX];
	long before = 0;
	struct audit_row rows[4];
	struct audit_where w = { "super1", "", "", "" };
	int n = audit_page(app.db, &w, PAGE_FIRST, 0, rows, 4, &e);
	CU_ASSERT_TRUE_FATAL(n >= 1);
	CU_ASSERT_STRING_EQUAL(rows[0].action, "report.month"); /* the read above */
	CU_ASSERT_PTR_NOT_NULL(strstr(rows[0].after, "\"period\":\"2025-06\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(rows[0].after, "\"office\":\"all\""));
	before = rows[0].seq;
	audit_rows_done(rows, n);
	CU_ASSERT_EQUAL_FATAL(svc_stats_export(&app, &super1, &r, path, &e), ST_OK);
	char want[PATH_MAX];
	snprintf(want, sizeof want, "%s/reports/month-202506-ALL.csv", dir);
	CU_ASSERT_STRING_EQUAL(path, want);
	char *file = NULL;
	size_t fsize = 0;
	CU_ASSERT_EQUAL(fs_read_all(path, 1 << 20, &file, &fsize, &e), ST_OK);
	CU_ASSERT_EQUAL(fsize, size);
	free(file);
	n = audit_page(app.db, &w, PAGE_FIRST, 0, rows, 1, &e);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_TRUE(rows[0].seq > before);
	CU_ASSERT_STRING_EQUAL(rows[0].action, "report.export");
	audit_rows_done(rows, n);
	stats_report_done(&r);
}

/* Audit entries in words: the return of C. */
static void test_audit_text(void)
{
	REQUIRE_STORY();
	CU_ASSERT_STRING_EQUAL(audit_action_label("application.return"), "退回申请单");
	CU_ASSERT_STRING_EQUAL(audit_entity_label("order"), "订单");
	CU_ASSERT_STRING_EQUAL(audit_key_label("tracking_no"), "运单号");
	CU_ASSERT_PTR_NULL(audit_action_label("no.such"));
	/* Every command the program runs has a name on screen. */
	static const char *const commands[] = {
		"application.create", "application.submit", "application.accept", "application.make",
		"application.collect", "order.place", "payment.transfer", "payment.verify",
		"payment.refund", "staff.create", "price.set", "certificate.bind",
	};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		CU_ASSERT_PTR_NOT_NULL(audit_action_label(commands[i]));

	struct audit_row rows[8];
	struct err e;
	struct audit_where w = { "super1", ids[C], "", "" };
	int n = audit_page(app.db, &w, PAGE_FIRST, 0, rows, 8, &e);
	CU_ASSERT_EQUAL_FATAL(n, 2); /* accepted, returned: newest first */
	CU_ASSERT_STRING_EQUAL(rows[1].action, "application.return");
	char name[64];
	audit_record_name(&rows[1], name);
	CU_ASSERT_STRING_EQUAL(name, numbers[C]);
	struct audit_line after[64], before[64];
	int na = audit_lines("application", rows[1].after, rows[1].before, after, 64);
	int nb = audit_lines("application", rows[1].before, rows[1].after, before, 64);
	CU_ASSERT_TRUE_FATAL(na > 5 && nb > 5);
	CU_ASSERT_STRING_EQUAL(after[0].label, "单号"); /* not "address", stored first */
	bool status = false, reason = false, number = false;
	for (int i = 0; i < na; i++) {
		if (strcmp(after[i].label, "状态") == 0) {
			status = true;
			CU_ASSERT_STRING_EQUAL(after[i].value, "已退回（returned）");
			CU_ASSERT_TRUE(after[i].changed);
		} else if (strcmp(after[i].label, "原因") == 0) {
			reason = true;
			CU_ASSERT_STRING_EQUAL(after[i].value, REASON_DOCS);
			CU_ASSERT_TRUE(after[i].changed);
		} else if (strcmp(after[i].label, "单号") == 0) {
			number = true;
			CU_ASSERT_FALSE(after[i].changed);
		} else if (strcmp(after[i].label, "证书类型") == 0) {
			CU_ASSERT_STRING_EQUAL(after[i].value, "企业证书（enterprise）");
		}
	}
	CU_ASSERT_TRUE(status && reason && number);
	for (int i = 0; i < nb; i++)
		if (strcmp(before[i].label, "状态") == 0)
			CU_ASSERT_STRING_EQUAL(before[i].value, "待审核（pending_review）");
	audit_rows_done(rows, n);

	/* Known keys in the table's order, unknown ones after them; nested
	 * objects indented under their key; plain arrays joined. */
	struct audit_line l[16];
	n = audit_lines("application", "{\"collector\":{\"name\":\"申请人\",\"id_number\":\"110105********002X\"},"
				       "\"applications\":[\"SQ-1\",\"SQ-2\"],\"paper\":true,\"x\":null}",
			NULL, l, 16);
	CU_ASSERT_EQUAL_FATAL(n, 6);
	CU_ASSERT_STRING_EQUAL(l[0].label, "领取人");
	CU_ASSERT_STRING_EQUAL(l[0].value, "");
	CU_ASSERT_EQUAL(l[1].depth, 1);
	CU_ASSERT_STRING_EQUAL(l[1].label, "姓名/名称");
	CU_ASSERT_STRING_EQUAL(l[2].value, "110105********002X");
	CU_ASSERT_EQUAL(l[3].depth, 0);
	CU_ASSERT_STRING_EQUAL(l[3].label, "已交纸质件");
	CU_ASSERT_STRING_EQUAL(l[3].value, "是");
	CU_ASSERT_STRING_EQUAL(l[4].label, "申请单");
	CU_ASSERT_STRING_EQUAL(l[4].value, "SQ-1、SQ-2");
	CU_ASSERT_STRING_EQUAL(l[5].label, "x"); /* unknown keys keep their code */
	CU_ASSERT_STRING_EQUAL(l[5].value, "（空）");
	CU_ASSERT_FALSE(l[0].changed);
	CU_ASSERT_EQUAL(audit_lines("application", "[1]", NULL, l, 16), -1);
	CU_ASSERT_EQUAL(audit_lines("application", NULL, NULL, l, 16), 0);
	CU_ASSERT_EQUAL(audit_lines("application", "{\"a\":1,\"b\":2,\"c\":3}", NULL, l, 2), 2);
}

struct listed {
	char numbers[8][NUMBER_MAX];
	char archivable[8][21];
	int n;
};

static void collect_item(void *ctx, const struct retention_item *it)
{
	struct listed *l = ctx;
	if (l->n < 8) {
		snprintf(l->numbers[l->n], NUMBER_MAX, "%s", it->app.number);
		snprintf(l->archivable[l->n], 21, "%s", it->archivable_at);
		l->n++;
	}
}

/* Made on 2025-06-05 with one year's validity: invalid from 2026-06-05,
 * archivable from 2031-06-05. Cancelled on 2025-06-05: archivable from
 * 2030-06-05. Nothing is deleted. */
static void test_retention(void)
{
	REQUIRE_STORY();
	char s[21];
	CU_ASSERT_TRUE(retention_add_years("2024-02-29T01:00:00Z", 1, s));
	CU_ASSERT_STRING_EQUAL(s, "2025-03-01T01:00:00Z");
	CU_ASSERT_TRUE(retention_add_years("2031-06-05T07:00:00Z", -5, s));
	CU_ASSERT_STRING_EQUAL(s, "2026-06-05T07:00:00Z");
	CU_ASSERT_FALSE(retention_add_years("soon", 1, s));

	struct retention_summary sum;
	struct listed l;
	struct err e;
	CU_ASSERT_EQUAL(svc_retention(&app.svc, &clerk1, "all", collect_item, &l, &sum, &e), ST_DENIED);
	memset(&l, 0, sizeof l);
	at("2030-06-05T01:29:59Z");
	CU_ASSERT_EQUAL(svc_retention(&app.svc, &super1, "all", collect_item, &l, &sum, &e), ST_OK);
	CU_ASSERT_EQUAL(sum.listed, 0);
	at("2030-06-05T01:30:00Z");
	CU_ASSERT_EQUAL(svc_retention(&app.svc, &super1, "all", collect_item, &l, &sum, &e), ST_OK);
	CU_ASSERT_EQUAL(sum.listed, 1);
	CU_ASSERT_STRING_EQUAL(l.numbers[0], numbers[E]);
	CU_ASSERT_STRING_EQUAL(l.archivable[0], "2030-06-05T01:30:00Z");

	memset(&l, 0, sizeof l);
	at("2031-06-05T07:00:00Z");
	CU_ASSERT_EQUAL(svc_retention(&app.svc, &super1, NULL, collect_item, &l, &sum, &e), ST_OK);
	/* A (collected) now; B is made but not yet collected: not final. */
	CU_ASSERT_EQUAL_FATAL(sum.listed, 2);
	CU_ASSERT_EQUAL(sum.unknown, 0);
	CU_ASSERT_STRING_EQUAL(l.numbers[0], strcmp(numbers[A], numbers[E]) < 0 ? numbers[A] : numbers[E]);
	CU_ASSERT_STRING_EQUAL(l.numbers[1], strcmp(numbers[A], numbers[E]) < 0 ? numbers[E] : numbers[A]);
	struct application a;
	CU_ASSERT_EQUAL(svc_application_get(&app.svc, ids[A], &a, &e), ST_OK); /* still there */
	CU_ASSERT_EQUAL(svc_retention(&app.svc, &super1, "XMSM", collect_item, &l, &sum, &e), ST_OK);
	CU_ASSERT_EQUAL(sum.listed, 0);
	at("2025-07-02T02:00:00Z");
}

void suite_stats(void)
{
	UNIT_SUITE("stats", setup_suite, teardown_suite,
		   { "a month at every office: every figure, waits, money", test_month_all },
		   { "a month at one office", test_month_office },
		   { "a day equals its row; the month's edges", test_day },
		   { "refusals; a report that does not add up", test_refused },
		   { "CSV, export, audit entries", test_csv },
		   { "audit entries in words", test_audit_text },
		   { "records that may be archived", test_retention });
}
