/*
 * The KEY stock (介质库存): serials, ranges and scanned lists (model);
 * receiving a batch, issuing one KEY to an accepted application, a double
 * issue and an issue from another office's stock refused with nothing
 * written, taking a KEY back damaged and issuing another, returning to
 * the centre (a supervisor's, whole or not at all), a returned KEY sent
 * out again; the ledger, lists, the audit and outbox entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/stock.h"
#include "store/staff_repo.h"
#include "svc/app.h"
#include "svc/commands.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/review.h"
#include "svc/staff.h"
#include "svc/stock.h"
#include "unit.h"

static struct app app;
static struct actor admin, clerk, super, xm_clerk;
static char dir[512];
static char a1[UUID_LEN + 1], a2[UUID_LEN + 1], a3[UUID_LEN + 1], a4[UUID_LEN + 1],
	pending[UUID_LEN + 1];
static bool ready;

/* ---- model ---- */

static void test_serials(void)
{
	struct err e;
	CU_ASSERT_TRUE(check_key_serial("FT3000-00001", &e));
	CU_ASSERT_TRUE(check_key_serial("ab12", &e));
	CU_ASSERT_FALSE(check_key_serial("AB1", &e));
	CU_ASSERT_FALSE(check_key_serial("", &e));
	CU_ASSERT_FALSE(check_key_serial("-AB12", &e));
	CU_ASSERT_FALSE(check_key_serial("AB12-", &e));
	CU_ASSERT_FALSE(check_key_serial("AB 12", &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "第 3 个字符"));
	CU_ASSERT_FALSE(check_key_serial("密钥1234", &e));
	CU_ASSERT_FALSE(check_key_serial("A23456789012345678901234567890123", &e));
	char s[KEY_SERIAL_MAX] = "  ft-0001 ";
	key_serial_normalize(s);
	CU_ASSERT_STRING_EQUAL(s, "FT-0001");

	enum stock_state to;
	CU_ASSERT_TRUE(stock_move_allowed("K1", STOCK_IN_STOCK, MOVE_ISSUE, &to, &e));
	CU_ASSERT_EQUAL(to, STOCK_ISSUED);
	CU_ASSERT_FALSE(stock_move_allowed("K1", STOCK_ISSUED, MOVE_ISSUE, &to, &e));
	CU_ASSERT_EQUAL(e.st, ST_STATE);
	CU_ASSERT_TRUE(stock_move_allowed("K1", STOCK_ISSUED, MOVE_DAMAGE, &to, &e));
	CU_ASSERT_FALSE(stock_move_allowed("K1", STOCK_ISSUED, MOVE_RETURN, &to, &e));
	CU_ASSERT_TRUE(stock_move_allowed("K1", STOCK_DAMAGED, MOVE_RETURN, &to, &e));
	CU_ASSERT_TRUE(stock_move_allowed("K1", STOCK_RETURNED, MOVE_RECEIVE, &to, &e));
	CU_ASSERT_EQUAL(to, STOCK_IN_STOCK);
	CU_ASSERT_FALSE(stock_move_allowed("K1", STOCK_DAMAGED, MOVE_RECEIVE, &to, &e));
	CU_ASSERT_FALSE(stock_move_allowed("K1", STOCK_RETURNED, MOVE_DAMAGE, &to, &e));
}

static void test_ranges_and_lists(void)
{
	struct err e;
	struct key_list l;
	key_list_init(&l);
	CU_ASSERT_EQUAL(key_list_add_range(&l, "FT3000-00098", "ft3000-00102", 100, &e), ST_OK);
	CU_ASSERT_EQUAL(l.n, 5);
	CU_ASSERT_STRING_EQUAL(l.serial[0], "FT3000-00098");
	CU_ASSERT_STRING_EQUAL(l.serial[4], "FT3000-00102");
	/* other prefix, other length, backwards, too many, nothing added */
	CU_ASSERT_EQUAL(key_list_add_range(&l, "FT3000-001", "FT3001-002", 100, &e), ST_INVALID);
	CU_ASSERT_EQUAL(key_list_add_range(&l, "FT0001", "FT00002", 100, &e), ST_INVALID);
	CU_ASSERT_EQUAL(key_list_add_range(&l, "FT0009", "FT0001", 100, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "大于"));
	CU_ASSERT_EQUAL(key_list_add_range(&l, "FT0001", "FT0100", 100, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "共 100 个"));
	CU_ASSERT_EQUAL(key_list_add_range(&l, "FTAAAA", "FTAAAB", 100, &e), ST_INVALID);
	CU_ASSERT_EQUAL(l.n, 5);
	CU_ASSERT_EQUAL(key_list_add_range(&l, "KX0007", "KX0007", 100, &e), ST_OK);
	CU_ASSERT_EQUAL(l.n, 6);
	key_list_done(&l);

	/* A scanned list: CRLF, a BOM, blank lines, comments, a range line. */
	CU_ASSERT_EQUAL(key_list_parse(&l, "\xEF\xBB\xBF" "AB0003\r\n\r\n# box 2\nab0001..AB0002\n  AB0009\n",
				       100, &e), ST_OK);
	CU_ASSERT_EQUAL(l.n, 4);
	CU_ASSERT_EQUAL(key_list_finish(&l, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(l.serial[0], "AB0001");
	CU_ASSERT_STRING_EQUAL(l.serial[3], "AB0009");
	/* a bad line names its number and adds nothing */
	CU_ASSERT_EQUAL(key_list_parse(&l, "AB0010\nAB0011\nAB 12\n", 100, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "第 3 行"));
	CU_ASSERT_EQUAL(l.n, 4);
	/* repeats are refused by finish, naming the serial */
	CU_ASSERT_EQUAL(key_list_parse(&l, "AB0002\n", 100, &e), ST_OK);
	CU_ASSERT_EQUAL(key_list_finish(&l, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "AB0002"));
	key_list_done(&l);
	CU_ASSERT_EQUAL(key_list_parse(&l, "X0001..X9999\n", STOCK_BATCH_MAX, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "第 1 行"));
	key_list_done(&l);
}

/* ---- the use cases ---- */

static bool staff(const char *user, enum role r, struct actor *out)
{
	struct err e;
	bool must;
	return svc_staff_create(&app.svc, &admin, user, "某人", r, "Passw0rd1", NULL, &e) == ST_OK &&
	       svc_login(&app.svc, user, "Passw0rd1", out, &must, &e) == ST_OK;
}

static bool submitted(const char *person, char id[UUID_LEN + 1])
{
	struct err e;
	struct application_input in = {
		.kind = KIND_NEW, .subject = SUBJECT_PERSONAL, .years = 1,
		.address = "深圳市福田区深南大道1号", .delivery = DELIVERY_PICKUP,
	};
	if (svc_application_create(&app.svc, &clerk, person, &in, svc_agreement_version(), id, NULL,
				   &e) != ST_OK)
		return false;
	svc_application_paper(&app.svc, &clerk, id, DOC_HOLDER_ID, true, &e);
	return svc_application_submit(&app.svc, &clerk, id, &e) == ST_OK;
}

static int setup_suite(void)
{
	struct err e;
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(dir, sizeof dir, "%s/stock-%ld", tmp, (long)getpid());
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	if (app_open(&app, dir, &e) != ST_OK || svc_setup(&app.svc, &in, &admin, &e) != ST_OK)
		return 0;
	bool ok = staff("clerk", ROLE_CLERK, &clerk) && staff("super", ROLE_SUPERVISOR, &super) &&
		  staff("xm.clerk", ROLE_CLERK, &xm_clerk);
	struct office xm = { .code = "XMSM", .name = "厦门思明受理点" };
	uuid_v7(xm.id);
	ok = ok && office_repo_insert(app.db, &xm, &e) == ST_OK;
	memcpy(xm_clerk.office_id, xm.id, sizeof xm_clerk.office_id);
	char person[UUID_LEN + 1];
	struct applicant_input ap = { "13812345678", "张三", "11010519491231002X", "",
				      "深圳市福田区深南大道1号", "", "" };
	ok = ok && svc_applicant_import(&app.svc, &clerk, &ap, NULL, person, &e) == ST_OK;
	ok = ok && submitted(person, a1) && submitted(person, a2) && submitted(person, a3) &&
	     submitted(person, a4) && submitted(person, pending);
	ok = ok && svc_application_accept(&app.svc, &super, a1, &e) == ST_OK &&
	     svc_application_accept(&app.svc, &super, a2, &e) == ST_OK &&
	     svc_application_accept(&app.svc, &super, a3, &e) == ST_OK &&
	     svc_application_accept(&app.svc, &super, a4, &e) == ST_OK;
	ready = ok;
	if (!ok)
		fprintf(stderr, "stock: set-up failed: %s\n", err_text(&e));
	return 0;
}

static int teardown_suite(void)
{
	app_close(&app);
	return 0;
}

static long scalar(const char *sql, const char *arg)
{
	sqlite3_stmt *s;
	long v = -1;
	if (sqlite3_prepare_v2(db_handle(app.db), sql, -1, &s, NULL) == SQLITE_OK) {
		if (arg)
			sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

static long audits(const char *action)
{
	return scalar("SELECT count(*) FROM audit_log WHERE action = ?1", action);
}

static long outbox(const char *command)
{
	return scalar("SELECT count(*) FROM outbox WHERE command = ?1", command);
}

/* Everything a refusal must leave alone. */
struct snap {
	long keys, moves, items, audit, out;
	char states[512];
};
static void snap(struct snap *s)
{
	s->keys = scalar("SELECT count(*) FROM key_stock", NULL);
	s->moves = scalar("SELECT count(*) FROM key_moves", NULL);
	s->items = scalar("SELECT count(*) FROM key_move_items", NULL);
	s->audit = scalar("SELECT count(*) FROM audit_log", NULL);
	s->out = scalar("SELECT count(*) FROM outbox", NULL);
	sqlite3_stmt *st;
	s->states[0] = '\0';
	if (sqlite3_prepare_v2(db_handle(app.db),
			       "SELECT group_concat(serial || ':' || state || ':' || coalesce(application_id, '-'), ',')"
			       " FROM (SELECT * FROM key_stock ORDER BY serial)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(s->states, sizeof s->states, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}
#define UNCHANGED(before)                                               \
	do {                                                            \
		struct snap now_;                                       \
		snap(&now_);                                            \
		CU_ASSERT_EQUAL(now_.keys, (before).keys);              \
		CU_ASSERT_EQUAL(now_.moves, (before).moves);            \
		CU_ASSERT_EQUAL(now_.items, (before).items);            \
		CU_ASSERT_EQUAL(now_.audit, (before).audit);            \
		CU_ASSERT_EQUAL(now_.out, (before).out);                \
		CU_ASSERT_STRING_EQUAL(now_.states, (before).states);   \
	} while (0)

static enum status receive(const struct actor *a, const char *first, const char *last,
			   const char *note, struct err *e)
{
	struct key_list l;
	key_list_init(&l);
	enum status st = key_list_add_range(&l, first, last, STOCK_BATCH_MAX, e);
	if (st == ST_OK)
		st = key_list_finish(&l, e);
	if (st == ST_OK)
		st = svc_stock_receive(&app.svc, a, &l, note, NULL, e);
	key_list_done(&l);
	return st;
}

static enum status give_back(const struct actor *a, const char *const *serials, int n,
			     const char *note, struct err *e)
{
	struct key_list l;
	key_list_init(&l);
	enum status st = ST_OK;
	for (int i = 0; i < n && st == ST_OK; i++)
		st = key_list_add_range(&l, serials[i], serials[i], STOCK_BATCH_MAX, e);
	if (st == ST_OK)
		st = key_list_finish(&l, e);
	if (st == ST_OK)
		st = svc_stock_return(&app.svc, a, &l, note, e);
	key_list_done(&l);
	return st;
}

static void ledger(const struct actor *a, long in, long issued, long damaged, long returned)
{
	struct stock_ledger g;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(svc_stock_ledger(&app.svc, a, NULL, &g, &e), ST_OK);
	CU_ASSERT_EQUAL(g.state[STOCK_IN_STOCK], in);
	CU_ASSERT_EQUAL(g.state[STOCK_ISSUED], issued);
	CU_ASSERT_EQUAL(g.state[STOCK_DAMAGED], damaged);
	CU_ASSERT_EQUAL(g.state[STOCK_RETURNED], returned);
	CU_ASSERT_EQUAL(g.total, in + issued + damaged + returned);
}

static void test_receive(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	CU_ASSERT_EQUAL(receive(&clerk, "SZ-0001", "SZ-0010", "入库单 2026-001", &e), ST_OK);
	ledger(&clerk, 10, 0, 0, 0);
	CU_ASSERT_EQUAL(audits("stock.receive"), 1);
	CU_ASSERT_EQUAL(outbox("stock.receive@1"), 1);
	CU_ASSERT_EQUAL(scalar("SELECT count FROM key_moves WHERE kind = 'receive'", NULL), 10);
	CU_ASSERT_EQUAL(scalar("SELECT count(*) FROM key_move_items", NULL), 10);
	/* A batch that holds one KEY already in stock is refused whole. */
	struct snap s;
	snap(&s);
	CU_ASSERT_EQUAL(receive(&clerk, "SZ-0009", "SZ-0012", "", &e), ST_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "SZ-0009"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "都没有入库"));
	UNCHANGED(s);
	/* Nor can another office receive it. */
	CU_ASSERT_EQUAL(receive(&xm_clerk, "SZ-0010", "SZ-0010", "", &e), ST_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "SZFT"));
	UNCHANGED(s);
	/* The other office's own stock. */
	CU_ASSERT_EQUAL(receive(&xm_clerk, "XM-0001", "XM-0003", "", &e), ST_OK);
	ledger(&xm_clerk, 3, 0, 0, 0);
	ledger(&clerk, 10, 0, 0, 0);
}

static void test_issue(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a1, "sz-0001", &e), ST_OK);
	struct stock_key k;
	CU_ASSERT_EQUAL(svc_stock_of_application(&app.svc, a1, &k, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(k.serial, "SZ-0001");
	CU_ASSERT_EQUAL(k.state, STOCK_ISSUED);
	CU_ASSERT_PTR_NOT_NULL(strstr(k.app_number, "SQ-SZFT-"));
	ledger(&clerk, 9, 1, 0, 0);
	CU_ASSERT_EQUAL(outbox("stock.issue@1"), 1);

	struct snap s;
	snap(&s);
	/* The same KEY again, to another application: refused, naming the first. */
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a2, "SZ-0001", &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已经发放给申请单"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, k.app_number));
	CU_ASSERT_STRING_EQUAL(e.field, "key_serial");
	UNCHANGED(s);
	/* The same KEY to the same application again. */
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a1, "SZ-0001", &e), ST_STATE);
	UNCHANGED(s);
	/* A second KEY for an application that holds one. */
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a1, "SZ-0002", &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已发放 KEY SZ-0001"));
	UNCHANGED(s);
	/* Another office's stock: refused, here and for its own clerk. */
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a2, "XM-0001", &e), ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "XMSM"));
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &xm_clerk, a2, "XM-0001", &e), ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不是本受理点"));
	UNCHANGED(s);
	/* A KEY nobody received; an application not accepted; a bad serial. */
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a2, "NO-0001", &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, pending, "SZ-0002", &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "待审核"));
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a2, "SZ 0002", &e), ST_INVALID);
	UNCHANGED(s);
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &clerk, a2, "SZ-0002", &e), ST_OK);
	ledger(&clerk, 8, 2, 0, 0);
}

static void test_damage_and_reissue(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	struct snap s;
	snap(&s);
	CU_ASSERT_EQUAL(svc_stock_damage(&app.svc, &clerk, "SZ-0001", "", &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "note");
	CU_ASSERT_EQUAL(svc_stock_damage(&app.svc, &xm_clerk, "SZ-0001", "摔坏", &e), ST_DENIED);
	UNCHANGED(s);
	/* The holder brings KEY SZ-0001 back broken; a new one is issued. */
	CU_ASSERT_EQUAL(svc_stock_damage(&app.svc, &clerk, "SZ-0001", "USB 接口损坏", &e), ST_OK);
	struct stock_key k;
	CU_ASSERT_EQUAL(svc_stock_get(&app.svc, "sz-0001", &k, &e), ST_OK);
	CU_ASSERT_EQUAL(k.state, STOCK_DAMAGED);
	CU_ASSERT_STRING_EQUAL(k.application_id, a1);
	CU_ASSERT_STRING_EQUAL(k.last_note, "USB 接口损坏");
	CU_ASSERT_EQUAL(svc_stock_of_application(&app.svc, a1, &k, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a1, "SZ-0003", &e), ST_OK);
	/* A damaged KEY cannot be issued, nor damaged twice. */
	snap(&s);
	CU_ASSERT_EQUAL(svc_stock_issue(&app.svc, &super, a3, "SZ-0001", &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_stock_damage(&app.svc, &clerk, "SZ-0001", "再登记", &e), ST_STATE);
	UNCHANGED(s);
	/* A blank one found faulty in stock. */
	CU_ASSERT_EQUAL(svc_stock_damage(&app.svc, &clerk, "SZ-0004", "无法识别", &e), ST_OK);
	ledger(&clerk, 6, 2, 2, 0);
	CU_ASSERT_EQUAL(audits("stock.damage"), 2);
}

static void test_return(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	struct snap s;
	snap(&s);
	const char *lot[] = { "SZ-0001", "SZ-0004", "SZ-0010" };
	/* A clerk may not; a note is required; an issued KEY spoils the lot. */
	CU_ASSERT_EQUAL(give_back(&clerk, lot, 3, "顺丰 SF100200300", &e), ST_DENIED);
	CU_ASSERT_EQUAL(give_back(&super, lot, 3, " ", &e), ST_INVALID);
	const char *spoilt[] = { "SZ-0001", "SZ-0002", "SZ-0010" };
	CU_ASSERT_EQUAL(give_back(&super, spoilt, 3, "顺丰 SF100200300", &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "SZ-0002"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "都没有退回"));
	const char *foreign[] = { "SZ-0010", "XM-0002" };
	CU_ASSERT_EQUAL(give_back(&super, foreign, 2, "顺丰 SF100200300", &e), ST_DENIED);
	UNCHANGED(s);
	CU_ASSERT_EQUAL(give_back(&super, lot, 3, "顺丰 SF100200300", &e), ST_OK);
	ledger(&clerk, 5, 2, 0, 3);
	/* The centre sends SZ-0010 out again, to the other office. */
	CU_ASSERT_EQUAL(receive(&xm_clerk, "SZ-0010", "SZ-0010", "中心调拨", &e), ST_OK);
	ledger(&clerk, 5, 2, 0, 2);
	ledger(&xm_clerk, 4, 0, 0, 0);
	CU_ASSERT_EQUAL(scalar("SELECT count(*) FROM key_move_items WHERE serial = 'SZ-0010'", NULL), 3);
	CU_ASSERT_EQUAL(scalar("SELECT count(*) FROM key_move_items WHERE serial = 'SZ-0010'"
			       " AND from_state = 'returned'", NULL), 1);
	struct stock_ledger g;
	CU_ASSERT_EQUAL(svc_stock_ledger(&app.svc, &clerk, NULL, &g, &e), ST_OK);
	CU_ASSERT_EQUAL(g.moved[MOVE_RECEIVE], 10);
	CU_ASSERT_EQUAL(g.moved[MOVE_ISSUE], 3);
	CU_ASSERT_EQUAL(g.moved[MOVE_DAMAGE], 2);
	CU_ASSERT_EQUAL(g.moved[MOVE_RETURN], 3);
}

static void test_lists(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	struct stock_key page[4];
	/* SZFT now: 0001 damaged->returned, 0002 issued, 0003 issued, 0004 returned,
	 * 0005-0009 in stock, 0010 at XMSM. */
	CU_ASSERT_EQUAL(svc_stock_count(&app.svc, &clerk, -1, ""), 9);
	CU_ASSERT_EQUAL(svc_stock_count(&app.svc, &clerk, STOCK_IN_STOCK, ""), 5);
	CU_ASSERT_EQUAL(svc_stock_count(&app.svc, &clerk, -1, "sz-000"), 9);
	CU_ASSERT_EQUAL(svc_stock_count(&app.svc, &clerk, -1, "SZ-0010"), 0);
	int n = svc_stock_page(&app.svc, &clerk, STOCK_IN_STOCK, "", PAGE_FIRST, "", page, 4, &e);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_STRING_EQUAL(page[0].serial, "SZ-0005");
	CU_ASSERT_STRING_EQUAL(page[3].serial, "SZ-0008");
	CU_ASSERT_STRING_EQUAL(page[0].office_code, "SZFT");
	n = svc_stock_page(&app.svc, &clerk, STOCK_IN_STOCK, "", PAGE_AFTER, page[3].serial, page, 4, &e);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(page[0].serial, "SZ-0009");
	n = svc_stock_page(&app.svc, &clerk, -1, "", PAGE_LAST, "", page, 2, &e);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(page[0].serial, "SZ-0008");
	CU_ASSERT_STRING_EQUAL(page[1].serial, "SZ-0009");
	n = svc_stock_page(&app.svc, &clerk, -1, "", PAGE_BEFORE, "SZ-0003", page, 4, &e);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(page[0].serial, "SZ-0001");
	n = svc_stock_page(&app.svc, &clerk, STOCK_ISSUED, "SZ-0003", PAGE_FIRST, "", page, 4, &e);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(page[0].application_id, a1);
	struct stock_moverec m[3];
	n = svc_stock_moves(&app.svc, &clerk, PAGE_FIRST, "", m, 3, &e);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(m[0].kind, MOVE_RETURN);
	CU_ASSERT_EQUAL(m[0].count, 3);
	CU_ASSERT_STRING_EQUAL(m[0].first_serial, "SZ-0001");
	CU_ASSERT_STRING_EQUAL(m[0].last_serial, "SZ-0010");
	n = svc_stock_moves(&app.svc, &clerk, PAGE_AFTER, m[2].id, m, 3, &e);
	CU_ASSERT_TRUE(n > 0);
}

/* Every movement is one command: its audit entry names the document, its
 * outbox entry carries what the centre needs to replay it. */
static void test_replayable(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	sqlite3_stmt *s;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db_handle(app.db),
		"SELECT payload FROM outbox WHERE command = 'stock.issue@1' ORDER BY seq LIMIT 1",
		-1, &s, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_step(s), SQLITE_ROW);
	json_t *p = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	sqlite3_finalize(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "key_serial")), "sz-0001");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "application_id")), a1);
	CU_ASSERT_TRUE(uuid_valid(json_string_value(json_object_get(p, "move_id"))));
	json_decref(p);
	CU_ASSERT_PTR_NOT_NULL(svc_command_find("stock.return"));
	CU_ASSERT_EQUAL(audits("stock.issue"), 3);
	CU_ASSERT_EQUAL(audits("stock.return"), 1);
	CU_ASSERT_EQUAL(outbox("stock.return@1"), 1);
}

/* What the "made" step does (svc/review.h and this): the certificate made
 * and its KEY issued in one batch, so that either both are on record or
 * neither is. */
static enum status made_with_key(const char *app_id, const char *cert_serial,
				 const char *key_serial, struct err *e)
{
	enum status st = svc_batch_begin(&app.svc, e);
	if (st != ST_OK)
		return st;
	st = svc_application_make(&app.svc, &super, app_id, cert_serial, e);
	if (st == ST_OK)
		st = svc_stock_issue(&app.svc, &super, app_id, key_serial, e);
	if (st == ST_OK)
		return svc_batch_commit(&app.svc, e);
	svc_batch_rollback(&app.svc);
	return st;
}

static void test_made_with_key(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	/* Free of charge, so that it may be made without an order. */
	CU_ASSERT_EQUAL_FATAL(svc_price_set(&app.svc, &admin, KIND_NEW, SUBJECT_PERSONAL, 1, 0, true,
					    &e), ST_OK);
	CU_ASSERT_EQUAL(made_with_key(a3, "4A3F00AA", "SZ-0005", &e), ST_OK);
	struct application x;
	CU_ASSERT_EQUAL(svc_application_get(&app.svc, a3, &x, &e), ST_OK);
	CU_ASSERT_EQUAL(x.status, APP_READY);
	struct stock_key k;
	CU_ASSERT_EQUAL(svc_stock_of_application(&app.svc, a3, &k, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(k.serial, "SZ-0005");
	/* A KEY already issued: nothing of the step is kept. */
	struct snap s;
	snap(&s);
	CU_ASSERT_EQUAL(made_with_key(a4, "4A3F00AB", "SZ-0005", &e), ST_STATE);
	UNCHANGED(s);
	CU_ASSERT_EQUAL(svc_application_get(&app.svc, a4, &x, &e), ST_OK);
	CU_ASSERT_EQUAL(x.status, APP_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(x.issued_serial, "");
}

void suite_stock(void)
{
	UNIT_SUITE("stock", setup_suite, teardown_suite,
		   { "serials and moves", test_serials },
		   { "ranges and scanned lists", test_ranges_and_lists },
		   { "receive a batch", test_receive },
		   { "issue; double issue and another office refused", test_issue },
		   { "damaged, reissued", test_damage_and_reissue },
		   { "return to the centre, sent out again", test_return },
		   { "lists and movements", test_lists },
		   { "audit and outbox", test_replayable },
		   { "made and issued in one batch", test_made_with_key });
}
