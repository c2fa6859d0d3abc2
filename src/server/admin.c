/* Offices and terminals at the centre, from the command line. */
#include "server/admin.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/office.h"
#include "server/auth.h"
#include "server/centre.h"
#include "store/audit.h"
#include "store/staff_repo.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/utf8.h"

static int fail(const struct err *e)
{
	fprintf(stderr, "certdeskd: %s\n", err_text(e));
	return 1;
}

/* The console as an actor, and what the audit entry says about it. */
static enum status console_actor(struct db *db, struct actor *a, json_t **who, struct err *e)
{
	memset(a, 0, sizeof *a);
	sqlite3_stmt *s = db_prep(db, "SELECT id, username, office_id FROM staff WHERE role = 'admin'"
				      " AND disabled_at IS NULL ORDER BY created_at, rowid LIMIT 1", e);
	if (!s)
		return e->st;
	int rc = sqlite3_step(s);
	char admin[USERNAME_MAX] = "";
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, a->id, sizeof a->id);
		db_col_copy(s, 1, admin, sizeof admin);
		db_col_copy(s, 2, a->office_id, sizeof a->office_id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE
			       ? err_set(e, ST_STATE, "中心数据库还没有可用的管理员账户：请先运行 certdeskd init")
			       : db_fail(db, rc, e);
	/* The centre's own terminal: the one made at init, which never syncs. */
	s = db_prep(db, "SELECT t.id FROM terminals t WHERE t.office_id = ?1 AND NOT EXISTS"
			" (SELECT 1 FROM sync_terminals st WHERE st.terminal_id = t.id)"
			" ORDER BY t.created_at, t.rowid LIMIT 1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->office_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		db_col_copy(s, 0, a->terminal_id, sizeof a->terminal_id);
	sqlite3_reset(s);
	snprintf(a->username, sizeof a->username, "中心控制台");
	snprintf(a->name, sizeof a->name, "中心控制台");
	a->role = ROLE_ADMIN;
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	struct passwd *pw = getpwuid(geteuid());
	char uid[32];
	snprintf(uid, sizeof uid, "uid %u", (unsigned)geteuid());
	*who = json_pack("{s:s, s:s, s:s, s:s}", "via", "certdeskd 命令行（未登录，未验证管理员密码）",
			 "as_admin", admin, "os_user", pw ? pw->pw_name : uid, "host", host);
	return *who ? ST_OK : err_status(e, ST_NOMEM);
}

/* Append the entry for an admin action; `detail` is consumed. */
static enum status audit_action(struct db *db, const struct actor *a, const char *action,
				const char *entity, const char *entity_id, json_t *who,
				json_t *detail, struct err *e)
{
	json_object_set(detail, "console", who);
	char *after = jx_dump(detail);
	json_decref(detail);
	struct audit_rec rec = { .action = action, .entity = entity, .entity_id = entity_id,
				 .after = after };
	enum status st = audit_append(db, a, &rec, e);
	free(after);
	return st;
}

/* Open the database, become the console, begin the transaction. */
static enum status begin(const char *path, struct db **db, struct actor *a, json_t **who,
			 struct err *e)
{
	*db = NULL;
	*who = NULL;
	enum status st = centre_open(path, db, e);
	if (st == ST_OK)
		st = console_actor(*db, a, who, e);
	if (st == ST_OK)
		st = db_begin(*db, e);
	return st;
}

/* Commit (or roll back on failure) and close; returns the exit status. */
static int end(struct db *db, json_t *who, enum status st, struct err *e)
{
	if (st == ST_OK)
		st = db_commit(db, e);
	else if (db)
		db_rollback(db);
	json_decref(who);
	db_close(db);
	return st == ST_OK ? 0 : fail(e);
}

int admin_office_add(const char *db_path, const char *code, const char *name)
{
	struct err e;
	err_clear(&e);
	if (!check_office_code(code, &e))
		return fail(&e);
	if (!check_name(name, &e)) {
		fprintf(stderr, "certdeskd: 受理点名称%s\n", err_text(&e));
		return 1;
	}
	struct db *db;
	struct actor a;
	json_t *who;
	enum status st = begin(db_path, &db, &a, &who, &e);
	struct office o = { .version = 0 };
	if (st == ST_OK) {
		sqlite3_stmt *s = db_prep(db, "SELECT 1 FROM offices WHERE code = ?1", &e);
		st = s ? ST_OK : e.st;
		if (s) {
			db_bind_text(s, 1, code);
			if (sqlite3_step(s) == SQLITE_ROW)
				st = err_set(&e, ST_EXISTS, "受理点代码 %s 已存在", code);
			sqlite3_reset(s);
		}
	}
	if (st == ST_OK) {
		uuid_v7(o.id);
		snprintf(o.code, sizeof o.code, "%s", code);
		snprintf(o.name, sizeof o.name, "%s", name);
		st = office_repo_insert(db, &o, &e);
	}
	if (st == ST_OK)
		st = audit_action(db, &a, "office.add", "office", o.id, who,
				  json_pack("{s:s, s:s}", "code", code, "name", name), &e);
	int rc = end(db, who, st, &e);
	if (rc == 0)
		printf("受理点 %s（%s）已添加，编号 %s\n", code, name, o.id);
	return rc;
}

/* The smallest two-digit code no terminal of the office has ever had:
 * codes are part of readable numbers, so a revoked terminal keeps its own. */
static enum status next_code(struct db *db, const char *office_id, char out[TERMINAL_CODE_MAX],
			     struct err *e)
{
	bool used[100] = { true };
	sqlite3_stmt *s = db_prep(db, "SELECT code FROM terminals WHERE office_id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, office_id);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *c = db_col_text(s, 0);
		if (strlen(c) == 2 && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9')
			used[(c[0] - '0') * 10 + (c[1] - '0')] = true;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	for (int i = 1; i < 100; i++)
		if (!used[i]) {
			snprintf(out, TERMINAL_CODE_MAX, "%02d", i);
			return ST_OK;
		}
	return err_set(e, ST_STATE, "该受理点的终端编号 01–99 已全部用完");
}

int admin_terminal_add(const char *db_path, const char *office_code, const char *name,
		       bool all_offices)
{
	struct err e;
	err_clear(&e);
	if (!check_name(name, &e)) {
		fprintf(stderr, "certdeskd: 终端名称%s\n", err_text(&e));
		return 1;
	}
	struct db *db;
	struct actor a;
	json_t *who;
	enum status st = begin(db_path, &db, &a, &who, &e);
	struct office o;
	struct terminal t = { .version = 0 };
	if (st == ST_OK) {
		sqlite3_stmt *s = db_prep(db, "SELECT id FROM offices WHERE code = ?1", &e);
		st = s ? ST_OK : e.st;
		if (s) {
			db_bind_text(s, 1, office_code);
			if (sqlite3_step(s) == SQLITE_ROW)
				db_col_copy(s, 0, t.office_id, sizeof t.office_id);
			else
				st = err_set(&e, ST_NOT_FOUND, "没有代码为 %s 的受理点（先用 certdeskd office add 添加）",
					     office_code);
			sqlite3_reset(s);
		}
	}
	if (st == ST_OK)
		st = office_repo_get(db, t.office_id, &o, &e);
	if (st == ST_OK)
		st = next_code(db, t.office_id, t.code, &e);
	char code[ENROLL_SYMBOLS + 1], hash[AUTH_HASH_HEX], expires[21];
	time_t until = clock_now() + ENROLL_VALID_HOURS * 3600;
	auth_new_code(code);
	auth_hash(code, hash);
	clock_iso(until, expires);
	if (st == ST_OK) {
		uuid_v7(t.id);
		snprintf(t.name, sizeof t.name, "%s", name);
		st = terminal_repo_insert(db, &t, &e);
	}
	if (st == ST_OK) {
		sqlite3_stmt *s = db_prep(db, "INSERT INTO sync_terminals (terminal_id, all_offices,"
					      " enroll_hash, enroll_expires_at) VALUES (?1, ?2, ?3, ?4)", &e);
		st = s ? ST_OK : e.st;
		if (s) {
			db_bind_text(s, 1, t.id);
			sqlite3_bind_int(s, 2, all_offices);
			db_bind_text(s, 3, hash);
			db_bind_text(s, 4, expires);
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				st = db_fail(db, rc, &e);
		}
	}
	if (st == ST_OK)
		st = audit_action(db, &a, "terminal.add", "terminal", t.id, who,
				  json_pack("{s:s, s:s, s:s, s:b, s:s}", "office", o.code, "code", t.code,
					    "name", name, "all_offices", all_offices,
					    "enroll_expires_at", expires),
				  &e);
	int rc = end(db, who, st, &e);
	if (rc == 0) {
		char shown[ENROLL_SHOWN], local[17];
		enroll_code_show(code, shown);
		clock_local(until, local);
		printf("终端：%s:%s（%s）%s\n编号：%s\n登记码：%s\n", o.code, t.code, name,
		       all_offices ? "，可见全部受理点" : "", t.id, shown);
		printf("登记码 %s 前有效（%d 小时），只能使用一次；中心只保存其摘要，不会再次显示。\n"
		       "在该终端上运行：certdesk --user 管理员 sync --enroll 中心地址 %s\n",
		       local, ENROLL_VALID_HOURS, shown);
	}
	sodium_memzero(code, sizeof code);
	return rc;
}

/* Print s left-aligned in `cols` display columns. */
static void cell(const char *s, int cols)
{
	char fit[256];
	int w = utf8_fit(s, cols, true, fit, sizeof fit);
	printf("%s%*s  ", fit, cols - w, "");
}

/* UTC ISO time as local "YYYY-MM-DD HH:MM", or "—". */
static void local_time(const char *iso, char out[17])
{
	time_t t;
	if (iso && *iso && clock_parse_iso(iso, &t))
		clock_local(t, out);
	else
		snprintf(out, 17, "—");
}

int admin_terminal_list(const char *db_path)
{
	struct err e;
	err_clear(&e);
	struct db *db;
	if (centre_open(db_path, &db, &e) != ST_OK)
		return fail(&e);
	sqlite3_stmt *s = db_prep(db,
		"SELECT t.id, o.code || ':' || t.code, t.name, o.name, st.terminal_id IS NOT NULL,"
		" coalesce(st.all_offices, 0), st.enrolled_at, st.revoked_at, st.enroll_expires_at,"
		" st.last_seen_at FROM terminals t JOIN offices o ON o.id = t.office_id"
		" LEFT JOIN sync_terminals st ON st.terminal_id = t.id ORDER BY o.code, t.code", &e);
	if (!s) {
		db_close(db);
		return fail(&e);
	}
	cell("终端", 12);
	cell("名称", 20);
	cell("受理点", 20);
	cell("状态", 30);
	cell("范围", 10);
	cell("最近同步", 16);
	printf("编号\n");
	int rc, n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char state[96], when[17];
		time_t until;
		if (!sqlite3_column_int(s, 4)) {
			snprintf(state, sizeof state, "中心本机（不同步）");
		} else if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
			local_time(db_col_text(s, 7), when);
			snprintf(state, sizeof state, "已撤销 %s", when);
		} else if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
			local_time(db_col_text(s, 6), when);
			snprintf(state, sizeof state, "已登记 %s", when);
		} else if (clock_parse_iso(db_col_text(s, 8), &until) && clock_now() <= until) {
			local_time(db_col_text(s, 8), when);
			snprintf(state, sizeof state, "待登记（%s 前）", when);
		} else {
			snprintf(state, sizeof state, "登记码已过期");
		}
		cell(db_col_text(s, 1), 12);
		cell(db_col_text(s, 2), 20);
		cell(db_col_text(s, 3), 20);
		cell(state, 30);
		cell(sqlite3_column_int(s, 5) ? "全部受理点" : "本受理点", 10);
		local_time(db_col_text(s, 9), when);
		cell(when, 16);
		printf("%s\n", db_col_text(s, 0));
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		db_fail(db, rc, &e);
		db_close(db);
		return fail(&e);
	}
	printf("共 %d 个终端\n", n);
	db_close(db);
	return 0;
}

int admin_terminal_revoke(const char *db_path, const char *which)
{
	struct err e;
	err_clear(&e);
	char office_code[OFFICE_CODE_MAX] = "", code[TERMINAL_CODE_MAX] = "";
	const char *colon = strchr(which, ':');
	if (!uuid_valid(which)) {
		if (!colon || (size_t)(colon - which) >= sizeof office_code ||
		    strlen(colon + 1) != 2) {
			fprintf(stderr, "certdeskd: 终端应写作编号（UUID）或 受理点代码:终端号（如 HQ:02）\n");
			return 2;
		}
		snprintf(office_code, sizeof office_code, "%.*s", (int)(colon - which), which);
		snprintf(code, sizeof code, "%s", colon + 1);
	}
	struct db *db;
	struct actor a;
	json_t *who;
	enum status st = begin(db_path, &db, &a, &who, &e);
	char id[UUID_LEN + 1] = "", label[32] = "", name[NAME_MAX_BYTES] = "", revoked[24] = "";
	bool syncs = false;
	if (st == ST_OK) {
		sqlite3_stmt *s = db_prep(db,
			"SELECT t.id, o.code || ':' || t.code, t.name, st.terminal_id IS NOT NULL,"
			" coalesce(st.revoked_at, '') FROM terminals t JOIN offices o ON o.id = t.office_id"
			" LEFT JOIN sync_terminals st ON st.terminal_id = t.id"
			" WHERE t.id = ?1 OR (o.code = ?2 AND t.code = ?3)", &e);
		st = s ? ST_OK : e.st;
		if (s) {
			db_bind_text(s, 1, uuid_valid(which) ? which : "");
			db_bind_text(s, 2, office_code);
			db_bind_text(s, 3, code);
			if (sqlite3_step(s) == SQLITE_ROW) {
				db_col_copy(s, 0, id, sizeof id);
				db_col_copy(s, 1, label, sizeof label);
				db_col_copy(s, 2, name, sizeof name);
				syncs = sqlite3_column_int(s, 3) != 0;
				db_col_copy(s, 4, revoked, sizeof revoked);
			} else {
				st = err_set(&e, ST_NOT_FOUND, "没有这个终端：%s", which);
			}
			sqlite3_reset(s);
		}
	}
	if (st == ST_OK && !syncs)
		st = err_set(&e, ST_STATE, "终端 %s（%s）是中心本机，不与中心同步，无须撤销", label, name);
	if (st == ST_OK && revoked[0]) {
		char when[17];
		local_time(revoked, when);
		printf("终端 %s（%s）已于 %s 撤销，未作改动\n", label, name, when);
		return end(db, who, ST_OK, &e);
	}
	if (st == ST_OK) {
		char now[21];
		clock_iso(clock_now(), now);
		sqlite3_stmt *s = db_prep(db, "UPDATE sync_terminals SET revoked_at = ?2"
					      " WHERE terminal_id = ?1", &e);
		st = s ? ST_OK : e.st;
		if (s) {
			db_bind_text(s, 1, id);
			db_bind_text(s, 2, now);
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				st = db_fail(db, rc, &e);
		}
	}
	if (st == ST_OK)
		st = audit_action(db, &a, "terminal.revoke", "terminal", id, who,
				  json_pack("{s:s, s:s}", "terminal", label, "name", name), &e);
	int rc = end(db, who, st, &e);
	if (rc == 0)
		printf("终端 %s（%s）已撤销：此后它的请求一律被拒绝（HTTP 401）\n", label, name);
	return rc;
}
