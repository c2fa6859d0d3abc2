#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/outbox.h"
#include "svc/staff.h"
#include "unit.h"

static struct db *db;
static struct svc svc;
static struct actor admin;

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

#define AUDITS() count("SELECT count(*) FROM audit_log")
#define OPS() count("SELECT count(*) FROM outbox")

static int setup_db(void)
{
	struct err e;
	if (sodium_init() < 0 || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	svc.db = db;
	svc.centre = false;
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	return svc_setup(&svc, &in, &admin, &e) != ST_OK;
}

static int teardown_db(void)
{
	db_close(db);
	db = NULL;
	return 0;
}

static void test_setup_once(void)
{
	struct err e;
	CU_ASSERT_FALSE(svc_needs_setup(&svc));
	CU_ASSERT_EQUAL(admin.role, ROLE_ADMIN);
	struct terminal_info ti;
	CU_ASSERT_EQUAL(svc_terminal_info(&svc, &ti, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(ti.office_code, "SZFT");
	CU_ASSERT_STRING_EQUAL(ti.terminal_code, "01");
	CU_ASSERT_STRING_EQUAL(ti.terminal_name, "1号窗口");
	int a = AUDITS(), o = OPS();
	struct setup_input again = { "XX", "别处", "2号窗口", "root", "某人", "Adm1nPass" };
	struct actor other;
	CU_ASSERT_EQUAL(svc_setup(&svc, &again, &other, &e), ST_STATE);
	CU_ASSERT_EQUAL(AUDITS(), a);
	CU_ASSERT_EQUAL(OPS(), o);
}

static void test_setup_rejects_bad_input(void)
{
	struct db *d2;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(db_open(":memory:", &d2, &e), ST_OK);
	struct svc s2 = { .db = d2, .centre = false };
	struct actor a;
	struct setup_input bad_code = { "s", "深圳", "1号", "admin", "张", "Adm1nPass" };
	CU_ASSERT_EQUAL(svc_setup(&s2, &bad_code, &a, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "office_code");
	struct setup_input weak = { "SZ", "深圳", "1号", "admin", "张", "short" };
	CU_ASSERT_EQUAL(svc_setup(&s2, &weak, &a, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "password");
	struct setup_input bad_user = { "SZ", "深圳", "1号", "9admin", "张", "Adm1nPass" };
	CU_ASSERT_EQUAL(svc_setup(&s2, &bad_user, &a, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "username");
	CU_ASSERT_TRUE(svc_needs_setup(&s2));
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db_handle(d2), "SELECT (SELECT count(*) FROM offices) +"
			   " (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM outbox)", -1, &st, NULL);
	sqlite3_step(st);
	CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 0); /* nothing half-saved */
	sqlite3_finalize(st);
	db_close(d2);
}

static void test_one_audit_one_op_per_command(void)
{
	struct err e;
	char id[UUID_LEN + 1];
	int a = AUDITS(), o = OPS();
	CU_ASSERT_EQUAL(svc_staff_create(&svc, &admin, "wang.wu", "王五", ROLE_CLERK, "Clerk1234", id,
					 &e), ST_OK);
	CU_ASSERT_EQUAL(AUDITS(), a + 1);
	CU_ASSERT_EQUAL(OPS(), o + 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'staff.create@1'"
			      " AND payload LIKE '%\"pw_hash\":\"$argon2id$%'"), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE payload LIKE '%Clerk1234%'"), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE after LIKE '%argon2%'"), 0);

	/* A refused command writes nothing. */
	a = AUDITS(), o = OPS();
	CU_ASSERT_EQUAL(svc_staff_create(&svc, &admin, "WANG.WU", "重复", ROLE_CLERK, "Clerk1234",
					 NULL, &e), ST_INVALID); /* upper case is not a user name */
	CU_ASSERT_EQUAL(svc_staff_create(&svc, &admin, "wang.wu", "重复", ROLE_CLERK, "Clerk1234",
					 NULL, &e), ST_EXISTS);
	CU_ASSERT_STRING_EQUAL(e.field, "username");
	CU_ASSERT_EQUAL(AUDITS(), a);
	CU_ASSERT_EQUAL(OPS(), o);
}

static void test_clerk_cannot_admin(void)
{
	struct err e;
	struct actor clerk;
	bool must = false;
	CU_ASSERT_EQUAL(svc_staff_create(&svc, &admin, "zhao.liu", "赵六", ROLE_CLERK, "Clerk1234", NULL,
					 &e), ST_OK);
	CU_ASSERT_EQUAL(svc_login(&svc, "zhao.liu", "Clerk1234", &clerk, &must, &e), ST_OK);
	CU_ASSERT_TRUE(must); /* first login after creation */
	int a = AUDITS(), o = OPS();
	CU_ASSERT_EQUAL(svc_staff_create(&svc, &clerk, "x.y", "某", ROLE_ADMIN, "Clerk1234", NULL, &e),
			ST_DENIED);
	CU_ASSERT_EQUAL(svc_staff_unlock(&svc, &clerk, admin.id, &e), ST_DENIED);
	CU_ASSERT_EQUAL(AUDITS(), a);
	CU_ASSERT_EQUAL(OPS(), o);
	CU_ASSERT_EQUAL(svc_staff_change_password(&svc, &clerk, "wrong", "Better123", &e), ST_AUTH);
	CU_ASSERT_EQUAL(svc_staff_change_password(&svc, &clerk, "Clerk1234", "Better123", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_login(&svc, "zhao.liu", "Better123", &clerk, &must, &e), ST_OK);
	CU_ASSERT_FALSE(must);
}

static void test_lockout_after_five(void)
{
	struct err e;
	struct actor who;
	char id[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_staff_create(&svc, &admin, "sun.qi", "孙七", ROLE_SUPERVISOR, "Super1234",
					 id, &e), ST_OK);
	for (int i = 1; i <= 4; i++)
		CU_ASSERT_EQUAL(svc_login(&svc, "sun.qi", "nope", &who, NULL, &e), ST_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "再错 1 次"));
	int o = OPS();
	CU_ASSERT_EQUAL(svc_login(&svc, "sun.qi", "nope", &who, NULL, &e), ST_LOCKED);
	CU_ASSERT_EQUAL(OPS(), o + 1); /* the lock travels to the centre */
	CU_ASSERT_EQUAL(svc_login(&svc, "sun.qi", "Super1234", &who, NULL, &e), ST_LOCKED);
	struct staff s;
	CU_ASSERT_EQUAL(svc_staff_get(&svc, id, &s, &e), ST_OK);
	CU_ASSERT_TRUE(s.locked);
	CU_ASSERT_EQUAL(svc_staff_unlock(&svc, &admin, id, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_staff_unlock(&svc, &admin, id, &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_login(&svc, "sun.qi", "Super1234", &who, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(who.role, ROLE_SUPERVISOR);
	/* A success resets the count: four more failures do not lock. */
	for (int i = 1; i <= 4; i++)
		CU_ASSERT_EQUAL(svc_login(&svc, "sun.qi", "nope", &who, NULL, &e), ST_AUTH);
	CU_ASSERT_EQUAL(svc_login(&svc, "sun.qi", "Super1234", &who, NULL, &e), ST_OK);
	/* Unknown user: same message as a wrong password. */
	CU_ASSERT_EQUAL(svc_login(&svc, "nobody", "x", &who, NULL, &e), ST_AUTH);
	CU_ASSERT_STRING_EQUAL(e.msg, "用户名或密码错误");
}

static void test_admin_guards(void)
{
	struct err e;
	struct actor who;
	bool must;
	CU_ASSERT_EQUAL(svc_staff_set_disabled(&svc, &admin, admin.id, true, &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_staff_update(&svc, &admin, admin.id, "张管理", ROLE_CLERK, &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_staff_reset_password(&svc, &admin, admin.id, "NewPass123", &e), ST_STATE);

	char id[UUID_LEN + 1];
	CU_ASSERT_EQUAL(svc_staff_create(&svc, &admin, "qian.ba", "钱八", ROLE_CLERK, "Clerk1234", id,
					 &e), ST_OK);
	CU_ASSERT_EQUAL(svc_staff_set_disabled(&svc, &admin, id, true, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_login(&svc, "qian.ba", "Clerk1234", &who, &must, &e), ST_DENIED);
	CU_ASSERT_EQUAL(svc_staff_set_disabled(&svc, &admin, id, false, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_staff_reset_password(&svc, &admin, id, "Reset1234", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_login(&svc, "qian.ba", "Clerk1234", &who, &must, &e), ST_AUTH);
	CU_ASSERT_EQUAL(svc_login(&svc, "qian.ba", "Reset1234", &who, &must, &e), ST_OK);
	CU_ASSERT_TRUE(must);
	CU_ASSERT_EQUAL(svc_staff_update(&svc, &admin, id, "钱八一", ROLE_SUPERVISOR, &e), ST_OK);
	struct staff s;
	CU_ASSERT_EQUAL(svc_staff_get(&svc, id, &s, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(s.name, "钱八一");
	CU_ASSERT_EQUAL(s.role, ROLE_SUPERVISOR);
}

static void test_chain_holds_after_everything(void)
{
	struct audit_check c;
	struct err e;
	CU_ASSERT_EQUAL(audit_verify(db, &c, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
	CU_ASSERT_EQUAL(c.entries, AUDITS());
}

static void test_disk_full_keeps_everything(void)
{
	struct err e;
	int a = AUDITS(), o = OPS(), n = count("SELECT count(*) FROM staff");
	/* Let the database grow by nothing: the next write must fail whole. */
	int pages = count("PRAGMA page_count");
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", pages);
	CU_ASSERT_EQUAL(db_exec(db, sql, &e), ST_OK);
	enum status st = ST_OK;
	char name[32];
	/* Hashing is slow: a handful of accounts is enough to overflow a page. */
	for (int i = 0; i < 40 && st == ST_OK; i++) {
		snprintf(name, sizeof name, "fill%02d", i);
		st = svc_staff_create(&svc, &admin, name, "某某某某某某某某某某某某某某某某", ROLE_CLERK,
				      "Clerk1234", NULL, &e);
	}
	CU_ASSERT_EQUAL(st, ST_FULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "磁盘空间不足"));
	int created = count("SELECT count(*) FROM staff") - n;
	CU_ASSERT_EQUAL(AUDITS(), a + created);
	CU_ASSERT_EQUAL(OPS(), o + created);
	db_exec(db, "PRAGMA max_page_count = 1073741823", &e);
	struct audit_check c;
	CU_ASSERT_EQUAL(audit_verify(db, &c, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
}

static void test_command_registry(void)
{
	CU_ASSERT_PTR_NOT_NULL(svc_command_find("staff.create"));
	CU_ASSERT_PTR_NOT_NULL(svc_command_find("setup.init"));
	CU_ASSERT_PTR_NULL(svc_command_find("staff.nonsense"));
}

void suite_svc(void)
{
	UNIT_SUITE("svc", setup_db, teardown_db,
		   { "setup once, then refused", test_setup_once },
		   { "setup rejects bad input, saves nothing", test_setup_rejects_bad_input },
		   { "one audit and one outbox entry per command", test_one_audit_one_op_per_command },
		   { "clerk cannot administer", test_clerk_cannot_admin },
		   { "lock-out after five wrong passwords", test_lockout_after_five },
		   { "admin guards", test_admin_guards },
		   { "disk full keeps the database whole", test_disk_full_keeps_everything },
		   { "audit chain holds", test_chain_holds_after_everything },
		   { "command registry", test_command_registry });
}
