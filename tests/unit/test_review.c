/* The supervisor's queues and steps after submission. */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/audit.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/review.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"
#include "util/fs.h"

static struct app app;
static struct actor admin, clerk, super, super2;
static char dir[512], person[UUID_LEN + 1];
static char apps[4][UUID_LEN + 1], mine[UUID_LEN + 1];

static void staff(const char *user, enum role r, struct actor *out)
{
	struct err e;
	bool must;
	svc_staff_create(&app.svc, &admin, user, "某人", r, "Passw0rd1", NULL, &e);
	svc_login(&app.svc, user, "Passw0rd1", out, &must, &e);
}

static bool registered(const char *phone, const char *name, const char *idn, char id[UUID_LEN + 1])
{
	struct err e;
	char code[8], path[700], *text = NULL;
	svc_sms_send_code(&app.svc, app.sms, &clerk, phone, SMS_REGISTER, &e);
	snprintf(path, sizeof path, "%s/sms-spool.txt", dir);
	fs_read_all(path, 1 << 20, &text, NULL, &e);
	const char *last = NULL, *p = text;
	while (p && (p = strstr(p, "验证码 ")) != NULL)
		last = p++;
	snprintf(code, 7, "%.6s", last ? last + strlen("验证码 ") : "");
	free(text);
	struct applicant_input in = { phone, name, idn, "", "深圳市福田区深南大道1号", "", "" };
	return svc_applicant_register(&app.svc, &clerk, &in, code, id, NULL, &e) == ST_OK;
}

static bool submitted(const struct actor *who, enum delivery d, char id[UUID_LEN + 1])
{
	struct err e;
	struct application_input in = {
		.kind = KIND_NEW, .subject = SUBJECT_PERSONAL, .years = 1,
		.address = "深圳市福田区深南大道1号", .delivery = d,
		.recipient = "张三", .recipient_phone = "13812345678",
		.recipient_address = "深圳市福田区深南大道1号",
	};
	if (svc_application_create(&app.svc, who, person, &in, svc_agreement_version(), id, NULL,
				   &e) != ST_OK)
		return false;
	svc_application_paper(&app.svc, who, id, DOC_HOLDER_ID, true, &e);
	return svc_application_submit(&app.svc, who, id, &e) == ST_OK;
}

static int setup_suite(void)
{
	struct err e;
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(dir, sizeof dir, "%s/review-%ld", tmp, (long)getpid());
	if (sodium_init() < 0 || app_open(&app, dir, &e) != ST_OK)
		return 1;
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	if (svc_setup(&app.svc, &in, &admin, &e) != ST_OK)
		return 1;
	staff("clerk", ROLE_CLERK, &clerk);
	staff("super", ROLE_SUPERVISOR, &super);
	staff("super2", ROLE_SUPERVISOR, &super2);
	bool ok = registered("13812345678", "张三", "11010519491231002X", person);
	ok = ok && submitted(&clerk, DELIVERY_PICKUP, apps[0]) &&
	     submitted(&clerk, DELIVERY_POST, apps[1]) && submitted(&clerk, DELIVERY_PICKUP, apps[2]) &&
	     submitted(&clerk, DELIVERY_PICKUP, apps[3]) && submitted(&super, DELIVERY_PICKUP, mine);
	return !ok;
}

static int teardown_suite(void)
{
	app_close(&app);
	return 0;
}

static void test_queue_and_bulk(void)
{
	struct err e;
	long counts[QUEUE__COUNT];
	svc_queue_counts(&app.svc, NULL, counts);
	CU_ASSERT_EQUAL(counts[QUEUE_PENDING], 5);
	struct application page[8];
	int n = svc_queue_page(&app.svc, QUEUE_PENDING, NULL, PAGE_FIRST, "", page, 8, &e);
	CU_ASSERT_EQUAL(n, 5);
	for (int i = 1; i < n; i++)
		CU_ASSERT_TRUE(strcmp(page[i - 1].submitted_at, page[i].submitted_at) <= 0);
	struct queue_filter mine_only = { 0 };
	snprintf(mine_only.created_by, sizeof mine_only.created_by, "%s", super.id);
	CU_ASSERT_EQUAL(svc_queue_page(&app.svc, QUEUE_PENDING, &mine_only, PAGE_FIRST, "", page, 8, &e),
			1);
	/* Submission dates (local days, both ends included): today holds all
	 * five, in order both ways; a day before or after holds none; either
	 * end alone bounds it. */
	char day[3][11];
	for (int i = 0; i < 3; i++) {
		time_t t = clock_now() + (i - 1) * 86400;
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(day[i], sizeof day[i], "%Y-%m-%d", &tm);
	}
	struct { int from, to, want; } spans[] = {
		{ 1, 1, 5 }, { 0, 1, 5 }, { 1, -1, 5 }, { -1, 1, 5 }, { 0, 0, 0 }, { 2, 2, 0 }, { 2, -1, 0 }, { -1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
		struct queue_filter f = { 0 };
		if (spans[i].from >= 0)
			snprintf(f.from, sizeof f.from, "%s", day[spans[i].from]);
		if (spans[i].to >= 0)
			snprintf(f.to, sizeof f.to, "%s", day[spans[i].to]);
		CU_ASSERT_EQUAL(svc_queue_page(&app.svc, QUEUE_PENDING, &f, PAGE_FIRST, "", page, 8, &e),
				spans[i].want);
		CU_ASSERT_EQUAL(svc_queue_page(&app.svc, QUEUE_PENDING, &f, PAGE_LAST, "", page, 8, &e),
				spans[i].want);
		svc_queue_counts(&app.svc, &f, counts);
		CU_ASSERT_EQUAL(counts[QUEUE_PENDING], spans[i].want);
	}
	/* paged by two within today's span: the same five, each once */
	struct queue_filter today = { 0 };
	snprintf(today.from, sizeof today.from, "%s", day[1]);
	snprintf(today.to, sizeof today.to, "%s", day[1]);
	char key[80] = "";
	int seen = 0, got;
	while ((got = svc_queue_page(&app.svc, QUEUE_PENDING, &today, key[0] ? PAGE_AFTER : PAGE_FIRST, key,
				     page, 2, &e)) > 0) {
		seen += got;
		svc_queue_key(&page[got - 1], key, sizeof key);
	}
	CU_ASSERT_EQUAL(seen, 5);
	/* Bulk: each one checked on its own; one's own entry is refused and said. */
	const char *ids[] = { apps[0], mine, apps[1] };
	struct bulk_item items[3];
	CU_ASSERT_EQUAL(svc_bulk_accept(&app.svc, &super, ids, 3, items), 2);
	CU_ASSERT_EQUAL(items[0].st, ST_OK);
	CU_ASSERT_EQUAL(items[1].st, ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(items[1].message, "自己录入"));
	CU_ASSERT_EQUAL(items[2].st, ST_OK);
	/* A return with a reason goes to the clerk's returned list. */
	CU_ASSERT_PTR_NOT_NULL(svc_return_reasons()[0]);
	CU_ASSERT_EQUAL(svc_application_return(&app.svc, &super, apps[2], svc_return_reasons()[0], &e),
			ST_OK);
	svc_queue_counts(&app.svc, NULL, counts);
	CU_ASSERT_EQUAL(counts[QUEUE_PENDING], 2);
	CU_ASSERT_EQUAL(counts[QUEUE_RETURNED], 1);
	/* Accepted but not paid: not yet to make. */
	CU_ASSERT_EQUAL(counts[QUEUE_TO_MAKE], 0);
}

static void pay(const char *app_id)
{
	struct err e;
	const char *ids[] = { app_id };
	struct order_input in = { .application_ids = ids, .n = 1, .method = PAY_TRANSFER,
				  .delivery = DELIVERY_PICKUP, .contact_phone = "13812345678" };
	char order[UUID_LEN + 1], pay_id[UUID_LEN + 1], slip[700];
	CU_ASSERT_EQUAL_FATAL(svc_order_place(&app.svc, &clerk, &in, order, NULL, &e), ST_OK);
	snprintf(slip, sizeof slip, "%s/slip.pdf", dir);
	FILE *f = fopen(slip, "w");
	fputs("%PDF-1.4\n%%EOF\n", f);
	fclose(f);
	const char *orders[] = { order };
	static int ref;
	char reference[32];
	snprintf(reference, sizeof reference, "TXREV%04d", ++ref);
	struct transfer_input t = { orders, 1, "张三", "6222020012345678", "工商银行", reference,
				    "2026-11-25", 20000, slip };
	CU_ASSERT_EQUAL_FATAL(svc_transfer_record(&app, &clerk, &t, pay_id, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_transfer_verify(&app.svc, &super, pay_id, &e), ST_OK);
}

static void test_make_ship_collect(void)
{
	struct err e;
	CU_ASSERT_EQUAL(svc_application_make(&app.svc, &super, apps[0], "4A3F0012", &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "尚未缴费"));
	pay(apps[0]);
	pay(apps[1]);
	long counts[QUEUE__COUNT];
	svc_queue_counts(&app.svc, NULL, counts);
	CU_ASSERT_EQUAL(counts[QUEUE_TO_MAKE], 2);
	CU_ASSERT_EQUAL(svc_application_make(&app.svc, &clerk, apps[0], "4A3F0012", &e), ST_DENIED);
	CU_ASSERT_EQUAL(svc_application_make(&app.svc, &super, apps[0], "xyz", &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_application_make(&app.svc, &super, apps[0], "4a:3f:00:12", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_make(&app.svc, &super2, apps[1], "77AA", &e), ST_OK);
	struct application a;
	svc_application_get(&app.svc, apps[0], &a, &e);
	CU_ASSERT_EQUAL(a.status, APP_READY);
	CU_ASSERT_STRING_EQUAL(a.issued_serial, "4A3F0012");
	svc_queue_counts(&app.svc, NULL, counts);
	CU_ASSERT_EQUAL(counts[QUEUE_PICKUP], 1);
	CU_ASSERT_EQUAL(counts[QUEUE_POST], 1);
	/* Posting needs a post delivery; pickup needs the right person. */
	CU_ASSERT_EQUAL(svc_application_ship(&app.svc, &super, apps[0], "顺丰速运", "SF1234567890", &e),
			ST_STATE);
	CU_ASSERT_EQUAL(svc_application_ship(&app.svc, &super, apps[1], "顺丰速运", "12", &e), ST_INVALID);
	CU_ASSERT_EQUAL(svc_application_ship(&app.svc, &super, apps[1], "顺丰速运", "SF1234567890", &e),
			ST_OK);
	CU_ASSERT_EQUAL(svc_application_collect(&app.svc, &super, apps[0], "李四",
						"110101200002290018", &e), ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "授权委托书"));
	/* The person the authorisation names may collect. */
	CU_ASSERT_EQUAL(svc_application_authorise(&app.svc, &clerk, apps[0], "李四", "110101200002290018",
						  &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_collect(&app.svc, &super, apps[0], "李四",
						"110101200002290018", &e), ST_OK);
	svc_application_get(&app.svc, apps[0], &a, &e);
	CU_ASSERT_EQUAL(a.status, APP_COLLECTED);
	CU_ASSERT_STRING_EQUAL(a.collector_name, "李四");
	CU_ASSERT_EQUAL(svc_application_collect(&app.svc, &super, apps[0], "张三",
						"11010519491231002X", &e), ST_STATE);
	/* The history shows each step with who and when. */
	struct history_item h[16];
	int n = svc_history(&app.svc, "application", apps[0], h, 16, &e);
	CU_ASSERT_TRUE(n >= 5);
	CU_ASSERT_STRING_EQUAL(h[0].action, "application.create");
	CU_ASSERT_STRING_EQUAL(h[n - 1].action, "application.collect");
	CU_ASSERT_STRING_EQUAL(h[n - 1].status, "已领取");
	struct audit_check c;
	CU_ASSERT_EQUAL(audit_verify(app.db, &c, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
}

/* The office's own return reasons (review.return_reasons), and the
 * built-in ones, said why, when its file cannot be used. */
static void test_return_reasons_file(void)
{
	struct err e;
	char path[PATH_MAX + 32];
	int builtin = 0;
	while (svc_return_reasons()[builtin])
		builtin++;
	CU_ASSERT_TRUE(builtin > 3);
	char **l = svc_return_reasons_for(&app, &e);   /* not set: built-in, no complaint */
	CU_ASSERT_EQUAL(e.st, ST_OK);
	CU_ASSERT_STRING_EQUAL(l[0], svc_return_reasons()[0]);
	svc_reasons_free(l);

	snprintf(path, sizeof path, "%s/reasons.txt", app.data_dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# 本受理点的常用退回原因\n  公章模糊，请重新盖章  \n\n授权委托书过期\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(config_set(&app.cfg, "review.return_reasons", "reasons.txt", &e), ST_OK);
	l = svc_return_reasons_for(&app, &e);
	CU_ASSERT_EQUAL(e.st, ST_OK);
	CU_ASSERT_STRING_EQUAL(l[0], "公章模糊，请重新盖章");
	CU_ASSERT_STRING_EQUAL(l[1], "授权委托书过期");
	CU_ASSERT_PTR_NULL(l[2]);
	svc_reasons_free(l);

	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# nothing but comments\n\n", f);
	fclose(f);
	l = svc_return_reasons_for(&app, &e);
	CU_ASSERT_NOT_EQUAL(e.st, ST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "没有原因"));
	CU_ASSERT_STRING_EQUAL(l[0], svc_return_reasons()[0]);
	svc_reasons_free(l);

	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("\xff\xfe bad\n", f);
	fclose(f);
	l = svc_return_reasons_for(&app, &e);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "UTF-8"));
	CU_ASSERT_STRING_EQUAL(l[0], svc_return_reasons()[0]);
	svc_reasons_free(l);

	CU_ASSERT_EQUAL(config_set(&app.cfg, "review.return_reasons", "/nonexistent/reasons.txt", &e),
			ST_OK);
	l = svc_return_reasons_for(&app, &e);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "无法读取退回原因文件"));
	CU_ASSERT_STRING_EQUAL(l[0], svc_return_reasons()[0]);
	svc_reasons_free(l);
	CU_ASSERT_EQUAL(config_set(&app.cfg, "review.return_reasons", "", &e), ST_OK);
}

void suite_review(void)
{
	UNIT_SUITE("review", setup_suite, teardown_suite,
		   { "queues, bulk accept, return to the clerk", test_queue_and_bulk },
		   { "made, posted, collected, history", test_make_ship_collect },
		   { "the office's own return reasons", test_return_reasons_file });
}
