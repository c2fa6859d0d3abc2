/* Command-line session tickets (svc/session.h) on an in-memory database
 * with a real data directory. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svc/session.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"
#include "util/fs.h"

static struct db *db;
static struct app app;
static struct actor admin, clerk;
static char dir[600];

static int setup(void)
{
	struct err e;
	const char *base = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	char tmp[512];
	snprintf(tmp, sizeof tmp, "%s/session-%ld", base, (long)getpid());
	if (sodium_init() < 0 || fs_mkdir_p(tmp, &e) != ST_OK || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	memset(&app, 0, sizeof app);
	app.db = db;
	app.svc.db = db;
	snprintf(app.data_dir, sizeof app.data_dir, "%s", tmp);
	snprintf(dir, sizeof dir, "%s/sessions", tmp);
	config_init(&app.cfg);
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	bool must;
	if (svc_setup(&app.svc, &in, &admin, &e) != ST_OK ||
	    svc_staff_create(&app.svc, &admin, "li.si", "李四", ROLE_CLERK, "Passw0rd1", NULL, &e) != ST_OK)
		return 1;
	if (svc_login(&app.svc, "li.si", "Passw0rd1", &clerk, &must, &e) != ST_OK ||
	    svc_staff_change_password(&app.svc, &clerk, "Passw0rd1", "Passw0rd2", &e) != ST_OK)
		return 1;
	return 0;
}

static int teardown(void)
{
	clock_override_clear();
	config_done(&app.cfg);
	db_close(db);
	return 0;
}

/* The one ticket file of li.si, or "" when none. */
static void ticket_file(char *out, size_t outsz)
{
	char cmd[800];
	snprintf(cmd, sizeof cmd, "ls %s 2>/dev/null | grep -v tmp | head -n 1", dir);
	FILE *p = popen(cmd, "r");
	out[0] = '\0';
	char name[300] = "";
	if (p && fgets(name, sizeof name, p)) {
		name[strcspn(name, "\n")] = '\0';
		snprintf(out, outsz, "%s/%s", dir, name);
	}
	if (p)
		pclose(p);
}

static void test_issue_and_resume(void)
{
	struct err e;
	struct actor a;
	clock_override(1795600000);
	enum status before = svc_session_resume(&app, "li.si", &a, &e);
	enum status st = svc_session_issue(&app, &clerk, &e);
	if (st == ST_UNSUPPORTED) {
		/* No visible login session (a PID namespace whose session leader
		 * is outside it): neither call uses tickets. scripts/test.sh runs
		 * each test under setsid so that the path below is taken. */
		CU_ASSERT_EQUAL(before, ST_UNSUPPORTED);
		CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_UNSUPPORTED);
		return;
	}
	CU_ASSERT_EQUAL(before, ST_NOT_FOUND);
	CU_ASSERT_EQUAL_FATAL(st, ST_OK);
	char path[1000];
	ticket_file(path, sizeof path);
	CU_ASSERT_FATAL(path[0] != '\0');
	struct stat sd, sf;
	CU_ASSERT_EQUAL(stat(dir, &sd), 0);
	CU_ASSERT_EQUAL(sd.st_mode & 0777, 0700);
	CU_ASSERT_EQUAL(stat(path, &sf), 0);
	CU_ASSERT_EQUAL(sf.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(sf.st_uid, getuid());
	/* the staff member, as a password login gives it */
	memset(&a, 0, sizeof a);
	CU_ASSERT_EQUAL_FATAL(svc_session_resume(&app, "li.si", &a, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(a.id, clerk.id);
	CU_ASSERT_STRING_EQUAL(a.name, "李四");
	CU_ASSERT_EQUAL(a.role, ROLE_CLERK);
	CU_ASSERT_STRING_EQUAL(a.terminal_id, clerk.terminal_id);
	/* another user name has no ticket */
	CU_ASSERT_EQUAL(svc_session_resume(&app, "admin", &a, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "../li.si", &a, &e), ST_NOT_FOUND);
}

static void test_idle_and_max(void)
{
	struct err e;
	struct actor a;
	clock_override(1795600000);
	if (svc_session_issue(&app, &clerk, &e) != ST_OK)
		return;
	/* used within five minutes: refreshed each time, up to the hour */
	time_t t = 1795600000;
	while (t + SESSION_IDLE_S - 10 - 1795600000 <= SESSION_MAX_S) {
		t += SESSION_IDLE_S - 10;
		clock_override(t);
		CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_OK);
	}
	/* past the hour: expired and removed */
	t += SESSION_IDLE_S - 10;
	clock_override(t);
	CU_ASSERT_TRUE(t - 1795600000 > SESSION_MAX_S);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_NOT_FOUND);
	char path[1000];
	ticket_file(path, sizeof path);
	CU_ASSERT_STRING_EQUAL(path, "");
	/* idle for longer than five minutes */
	clock_override(1795600000);
	CU_ASSERT_EQUAL_FATAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	clock_override(1795600000 + SESSION_IDLE_S + 1);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_NOT_FOUND);
	/* a clock gone back */
	clock_override(1795600000);
	CU_ASSERT_EQUAL_FATAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	clock_override(1795600000 - 60);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_AUTH);
	clock_override(1795600000);
}

static void test_tampered(void)
{
	struct err e;
	struct actor a;
	if (svc_session_issue(&app, &clerk, &e) != ST_OK)
		return;
	char path[1000], *text = NULL;
	size_t len;
	ticket_file(path, sizeof path);
	CU_ASSERT_EQUAL_FATAL(fs_read_all(path, 4096, &text, &len, &e), ST_OK);
	/* the role or the staff id changed by hand: the MAC no longer fits */
	char *id = strstr(text, clerk.id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	memcpy(id, admin.id, strlen(admin.id));
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	free(text);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "校验不符"));
	CU_ASSERT_FALSE(fs_exists(path));   /* removed */
	/* readable by others: refused */
	CU_ASSERT_EQUAL_FATAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	ticket_file(path, sizeof path);
	chmod(path, 0644);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_AUTH);
	/* a directory others may enter: not used */
	CU_ASSERT_EQUAL_FATAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	chmod(dir, 0755);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_AUTH);
	CU_ASSERT_NOT_EQUAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	chmod(dir, 0700);
}

static void test_password_change_and_logout(void)
{
	struct err e;
	struct actor a;
	if (svc_session_issue(&app, &clerk, &e) != ST_OK)
		return;
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_OK);
	/* a new password ends the ticket */
	CU_ASSERT_EQUAL_FATAL(svc_staff_change_password(&app.svc, &clerk, "Passw0rd2", "Passw0rd3", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "密码已修改"));
	/* so does an admin's reset (the password must be changed first) */
	CU_ASSERT_EQUAL_FATAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_staff_reset_password(&app.svc, &admin, clerk.id, "Reset1234", &e), ST_OK);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_AUTH);
	bool must;
	CU_ASSERT_EQUAL_FATAL(svc_login(&app.svc, "li.si", "Reset1234", &clerk, &must, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_staff_change_password(&app.svc, &clerk, "Reset1234", "Passw0rd4", &e), ST_OK);
	/* a disabled account */
	CU_ASSERT_EQUAL_FATAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(svc_staff_set_disabled(&app.svc, &admin, clerk.id, true, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_AUTH);
	CU_ASSERT_EQUAL_FATAL(svc_staff_set_disabled(&app.svc, &admin, clerk.id, false, &e), ST_OK);
	/* logout removes every ticket of the user */
	CU_ASSERT_EQUAL_FATAL(svc_session_issue(&app, &clerk, &e), ST_OK);
	int n = -1;
	CU_ASSERT_EQUAL(svc_session_end(&app, "li.si", &n, &e), ST_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(svc_session_resume(&app, "li.si", &a, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(svc_session_end(&app, "li.si", &n, &e), ST_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(svc_session_end(&app, "Not A Name", &n, &e), ST_INVALID);
}

void suite_session(void)
{
	UNIT_SUITE("session", setup, teardown,
		   { "a ticket stands in for the password", test_issue_and_resume },
		   { "idle five minutes, at most an hour", test_idle_and_max },
		   { "tampered or exposed tickets are refused", test_tampered },
		   { "password change, reset, disabling, logout", test_password_change_and_logout });
}
