/*
 * The queues of applications ready to collect and ready to post
 * (store/queue_repo.c) read through applications_ready (migration 0013),
 * on an in-memory database: with many more ready to collect than to post,
 * the "post" queue lists only its own, oldest first, page by page both
 * ways, its count agrees, and the statements the queue code prepared are
 * planned on that index (the plan, as EXPLAIN QUERY PLAN gives it, is what
 * made a page of the post queue read every ready application).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/review.h"
#include "svc/staff.h"
#include "unit.h"

#define PICKUPS 40
#define POSTS 7

static struct db *db;
static struct svc svc;
static struct actor admin, clerk;

static bool run(const char *sql, const char *p1, const char *p2, const char *p3)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) != SQLITE_OK)
		return false;
	const char *p[3] = { p1, p2, p3 };
	for (int i = 0; i < 3 && i < sqlite3_bind_parameter_count(s); i++)
		sqlite3_bind_text(s, i + 1, p[i], -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_finalize(s);
	return rc == SQLITE_DONE;
}

static int setup_suite(void)
{
	struct err e;
	if (sodium_init() < 0 || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	svc.db = db;
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	bool must;
	if (svc_setup(&svc, &in, &admin, &e) != ST_OK ||
	    svc_staff_create(&svc, &admin, "clerk", "李受理", ROLE_CLERK, "Passw0rd1", NULL, &e) != ST_OK ||
	    svc_login(&svc, "clerk", "Passw0rd1", &clerk, &must, &e) != ST_OK)
		return 1;
	char person[UUID_LEN + 1], id[UUID_LEN + 1], number[NUMBER_MAX];
	struct applicant_input a = { "13812345678", "张三", "11010519491231002X", "",
				     "深圳市福田区深南大道1号", "518000", NULL };
	struct application_input app = { .kind = KIND_NEW, .subject = SUBJECT_PERSONAL, .years = 1,
					 .address = "深圳市福田区深南大道1号", .postal_code = "518000",
					 .delivery = DELIVERY_PICKUP };
	if (svc_applicant_import(&svc, &clerk, &a, NULL, person, &e) != ST_OK ||
	    svc_application_create(&svc, &clerk, person, &app, svc_agreement_version(), id, number,
				   &e) != ST_OK)
		return 1;
	/* Copies of it, made (status ready): mostly to collect, a few to post,
	 * submitted a minute apart, the posted ones among the others. */
	bool ok = run("CREATE TEMP TABLE app_copy AS SELECT * FROM applications WHERE id = ?1", id,
		      NULL, NULL);
	for (int i = 0; ok && i < PICKUPS + POSTS; i++) {
		char nid[UUID_LEN + 1], num[32], at[32];
		snprintf(nid, sizeof nid, "0190a4c0-0000-7000-8000-%012d", i);
		snprintf(num, sizeof num, "SQ-T-%04d", i);
		snprintf(at, sizeof at, "2025-06-01T%02d:%02d:00Z", 1 + i / 60, i % 60);
		ok = run("UPDATE app_copy SET id = ?1, number = ?2, submitted_at = ?3, status = 'ready'",
			 nid, num, at) &&
		     run("UPDATE app_copy SET delivery = ?1", i % 7 == 3 ? "post" : "pickup", NULL, NULL) &&
		     run("INSERT INTO applications SELECT * FROM app_copy", NULL, NULL, NULL);
	}
	return !ok;
}

static int teardown_suite(void)
{
	db_close(db);
	return 0;
}

/* The plan of the statement the queue code prepared whose text holds
 * `needle` (the connection caches them), one line. */
static bool plan_of(const char *needle, char *out, size_t outsz)
{
	out[0] = '\0';
	for (sqlite3_stmt *s = sqlite3_next_stmt(db_handle(db), NULL); s;
	     s = sqlite3_next_stmt(db_handle(db), s)) {
		const char *sql = sqlite3_sql(s);
		if (!sql || !strstr(sql, needle))
			continue;
		char eqp[2048];
		snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *x;
		if (sqlite3_prepare_v2(db_handle(db), eqp, -1, &x, NULL) != SQLITE_OK)
			return false;
		while (sqlite3_step(x) == SQLITE_ROW) {
			size_t n = strlen(out);
			snprintf(out + n, outsz - n, "%s; ", (const char *)sqlite3_column_text(x, 3));
		}
		sqlite3_finalize(x);
		return true;
	}
	return false;
}

static void test_post_queue(void)
{
	struct err e;
	struct application rows[3];
	char key[96] = "", last[32] = "";
	int total = 0, pages = 0;
	for (;;) {
		int n = svc_queue_page(&svc, QUEUE_POST, NULL, key[0] ? PAGE_AFTER : PAGE_FIRST, key,
				       rows, 3, &e);
		CU_ASSERT_TRUE_FATAL(n >= 0);
		for (int i = 0; i < n; i++) {
			CU_ASSERT_EQUAL(rows[i].delivery, DELIVERY_POST);
			CU_ASSERT_EQUAL(rows[i].status, APP_READY);
			CU_ASSERT_TRUE(strcmp(rows[i].submitted_at, last) > 0);   /* oldest first */
			snprintf(last, sizeof last, "%s", rows[i].submitted_at);
		}
		total += n;
		pages++;
		if (n < 3)
			break;
		svc_queue_key(&rows[n - 1], key, sizeof key);
	}
	CU_ASSERT_EQUAL(total, POSTS);
	CU_ASSERT_EQUAL(pages, POSTS / 3 + 1);
	/* Back from the end. */
	CU_ASSERT_EQUAL(svc_queue_page(&svc, QUEUE_POST, NULL, PAGE_LAST, "", rows, 3, &e), 3);
	CU_ASSERT_STRING_EQUAL(rows[2].submitted_at, last);
	svc_queue_key(&rows[0], key, sizeof key);
	CU_ASSERT_EQUAL(svc_queue_page(&svc, QUEUE_POST, NULL, PAGE_BEFORE, key, rows, 3, &e), 3);
	CU_ASSERT_TRUE(strcmp(rows[2].submitted_at, rows[0].submitted_at) > 0);
	CU_ASSERT_EQUAL(svc_queue_page(&svc, QUEUE_PICKUP, NULL, PAGE_FIRST, "", rows, 3, &e), 3);
	CU_ASSERT_EQUAL(rows[0].delivery, DELIVERY_PICKUP);

	long counts[QUEUE__COUNT];
	svc_queue_counts(&svc, NULL, counts);
	CU_ASSERT_EQUAL(counts[QUEUE_POST], POSTS);
	CU_ASSERT_EQUAL(counts[QUEUE_PICKUP], PICKUPS);

	/* Planned on the index that has the delivery: a page and a count. */
	char plan[1024];
	CU_ASSERT_TRUE_FATAL(plan_of("a.delivery = 'post'", plan, sizeof plan));
	CU_ASSERT_PTR_NOT_NULL(strstr(plan, "applications_ready (status=? AND delivery=?"));
	if (!strstr(plan, "applications_ready"))
		fprintf(stderr, "post queue plan: %s\n", plan);
	CU_ASSERT_TRUE_FATAL(plan_of("SELECT count(*) FROM applications a WHERE a.status = 'ready'"
				     " AND a.delivery = 'pickup'", plan, sizeof plan));
	CU_ASSERT_PTR_NOT_NULL(strstr(plan, "applications_ready (status=? AND delivery=?)"));
}

void suite_queue_ready(void)
{
	UNIT_SUITE("queue_ready", setup_suite, teardown_suite,
		   { "ready to post: own rows, pages, count, plan", test_post_queue });
}
