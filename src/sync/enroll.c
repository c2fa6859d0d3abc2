/* Enrolment: the terminal receives its secret and adopts the centre's
 * office and terminal identity (docs/SYNC.md, Enrolment). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/settings.h"
#include "store/staff_repo.h"
#include "sync/sync_int.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"

bool sync_is_enrolled(struct db *db)
{
	char v[SYNC_SECRET_MAX];
	struct err e;
	return settings_get(db, "sync_secret", v, sizeof v, &e) == ST_OK && v[0] &&
	       settings_get(db, "sync_url", v, sizeof v, &e) == ST_OK && v[0];
}

static bool exists(struct db *db, const char *sql)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, sql, &e);
	bool yes = s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) != 0;
	if (s)
		sqlite3_reset(s);
	return yes;
}

bool sync_has_business(struct db *db)
{
	return exists(db, "SELECT EXISTS (SELECT 1 FROM applicants) OR EXISTS (SELECT 1 FROM"
			  " applications) OR EXISTS (SELECT 1 FROM orders) OR EXISTS (SELECT 1"
			  " FROM payments)");
}

/* Run one statement binding ?1..?n to the strings given. */
static enum status run(struct db *db, const char *sql, int n, const char *const *args,
		       long *changes, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, sql, e);
	if (!s)
		return e->st;
	for (int i = 0; i < n; i++)
		db_bind_text(s, i + 1, args[i]);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	if (changes)
		*changes += sqlite3_changes(db_handle(db));
	return ST_OK;
}

/* A row from the enrolment answer with the columns our schema requires
 * filled in when the centre left them out. New reference. */
static json_t *complete_row(json_t *row)
{
	char now[21];
	clock_iso(clock_now(), now);
	json_t *r = json_deep_copy(row);
	if (!json_object_get(r, "created_at"))
		json_object_set_new(r, "created_at", json_string(now));
	if (!json_object_get(r, "updated_at"))
		json_object_set_new(r, "updated_at", json_string(now));
	return r;
}

/*
 * Rows made here and not yet seen by the centre have version 0: only those
 * move. A record the centre already holds under the old identity stays as
 * the centre has it (a re-enrolment must not rewrite history), and the
 * first-run office and terminal rows (version 0, known nowhere else) go.
 */
enum status sync_identity_move(struct db *db, const char *old_office, const char *old_terminal,
			       json_t *office, json_t *terminal, long *moved, struct err *e)
{
	const char *new_office = jx_cstr(office, "id"), *new_terminal = jx_cstr(terminal, "id");
	*moved = 0;
	if (!new_office || !uuid_valid(new_office) || !new_terminal || !uuid_valid(new_terminal) ||
	    !jx_cstr(office, "code") || !jx_cstr(terminal, "code") ||
	    strcmp(jx_cstr(terminal, "office_id") ? jx_cstr(terminal, "office_id") : "", new_office) != 0)
		return err_set(e, ST_INVALID, "中心的登记应答缺少受理点或终端信息");
	bool office_moves = old_office[0] && strcmp(old_office, new_office) != 0;
	bool terminal_moves = old_terminal[0] && strcmp(old_terminal, new_terminal) != 0;
	enum status st = ST_OK;
	if (terminal_moves) {
		const char *a[] = { old_terminal };
		st = run(db, "DELETE FROM terminals WHERE id = ?1 AND version = 0", 1, a, NULL, e);
	}
	if (st == ST_OK && office_moves) {
		const char *a[] = { old_office };
		st = run(db, "DELETE FROM offices WHERE id = ?1 AND version = 0", 1, a, NULL, e);
	}
	json_t *o = complete_row(office), *t = complete_row(terminal);
	if (st == ST_OK)
		st = sync_row_put(db, sync_table_find("offices"), o, e);
	if (st == ST_OK)
		st = sync_row_put(db, sync_table_find("terminals"), t, e);
	json_decref(o);
	json_decref(t);
	if (st == ST_OK && office_moves) {
		static const char *const office_sql[] = {
			"UPDATE staff SET office_id = ?2 WHERE office_id = ?1 AND version = 0",
			"UPDATE terminals SET office_id = ?2 WHERE office_id = ?1 AND version = 0",
			"UPDATE applicants SET office_id = ?2 WHERE office_id = ?1 AND version = 0",
			"UPDATE applications SET office_id = ?2 WHERE office_id = ?1 AND version = 0",
			"UPDATE orders SET office_id = ?2 WHERE office_id = ?1 AND version = 0",
			"UPDATE payments SET office_id = ?2 WHERE office_id = ?1 AND version = 0",
		};
		const char *a[] = { old_office, new_office };
		for (size_t i = 0; st == ST_OK && i < sizeof office_sql / sizeof office_sql[0]; i++)
			st = run(db, office_sql[i], 2, a, NULL, e);
	}
	if (st == ST_OK && terminal_moves) {
		static const char *const terminal_sql[] = {
			"UPDATE applications SET terminal_id = ?2 WHERE terminal_id = ?1 AND version = 0",
			"UPDATE orders SET terminal_id = ?2 WHERE terminal_id = ?1 AND version = 0",
			"UPDATE payments SET terminal_id = ?2 WHERE terminal_id = ?1 AND version = 0",
		};
		const char *a[] = { old_terminal, new_terminal };
		for (size_t i = 0; st == ST_OK && i < sizeof terminal_sql / sizeof terminal_sql[0]; i++)
			st = run(db, terminal_sql[i], 2, a, NULL, e);
	}
	/* Ops the centre has not taken yet carry the old ids in their payload
	 * (office_id, terminal_id, the setup's office and terminal). Ids are
	 * UUIDs: replacing the exact text cannot hit anything else. An empty
	 * old id is bound as a text that occurs nowhere. */
	if (st == ST_OK && (office_moves || terminal_moves)) {
		const char *a[] = { office_moves ? old_office : "\x01", new_office,
				    terminal_moves ? old_terminal : "\x01", new_terminal };
		st = run(db,
			 "UPDATE outbox SET payload = replace(replace(payload, ?1, ?2), ?3, ?4),"
			 " entity_id = CASE entity_id WHEN ?1 THEN ?2 WHEN ?3 THEN ?4 ELSE entity_id END"
			 " WHERE state IN ('pending', 'rejected')"
			 " AND (instr(payload, ?1) > 0 OR instr(payload, ?3) > 0 OR entity_id IN (?1, ?3))",
			 4, a, moved, e);
	}
	if (st == ST_OK)
		st = settings_set(db, "terminal_id", new_terminal, e);
	if (st == ST_OK)
		st = settings_set(db, "office_id", new_office, e);
	return st;
}

/* What the centre answered to POST /v1/enroll. */
struct enroll_answer {
	json_t *office;      /* borrowed from the answer */
	json_t *terminal;
	const char *secret;
};

static enum status parse_answer(json_t *ans, struct enroll_answer *out, struct err *e)
{
	out->office = json_object_get(ans, "office");
	out->terminal = json_object_get(ans, "terminal");
	out->secret = jx_cstr(ans, "secret");
	if (!json_is_object(out->office) || !json_is_object(out->terminal) || !out->secret)
		return err_set(e, ST_INVALID, "中心的登记应答不完整（缺少受理点、终端或密钥）");
	size_t n = strlen(out->secret);
	if (n < 16 || n >= SYNC_SECRET_MAX - 1 || strspn(out->secret,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=") != n)
		return err_set(e, ST_INVALID, "中心发来的终端密钥格式无效");
	return ST_OK;
}

/* The office code of the identity this database has now ("" when none). */
static void local_office_code(struct db *db, char *out, size_t outsz)
{
	char oid[UUID_LEN + 1];
	struct office o;
	struct err e;
	out[0] = '\0';
	if (settings_get(db, "office_id", oid, sizeof oid, &e) == ST_OK &&
	    office_repo_get(db, oid, &o, &e) == ST_OK)
		snprintf(out, outsz, "%s", o.code);
}

static enum status adopt(struct db *db, const struct actor *admin, const char *url,
			 const struct enroll_answer *a, struct sync_enrollment *out, struct err *e)
{
	char old_office[UUID_LEN + 1] = "", old_terminal[UUID_LEN + 1] = "", now[21];
	struct err nf;
	settings_get(db, "office_id", old_office, sizeof old_office, &nf);
	settings_get(db, "terminal_id", old_terminal, sizeof old_terminal, &nf);
	clock_iso(clock_now(), now);
	enum status st = db_begin(db, e);
	if (st != ST_OK)
		return st;
	/* The old office goes before the new one comes (same code, UNIQUE),
	 * while staff still point at it: the foreign keys are checked at
	 * commit, when every reference has moved. */
	st = db_exec(db, "PRAGMA defer_foreign_keys = ON", e);
	if (st == ST_OK)
		st = sync_identity_move(db, old_office, old_terminal, a->office, a->terminal,
					&out->moved_ops, e);
	if (st == ST_OK)
		st = settings_set(db, "sync_url", url, e);
	if (st == ST_OK)
		st = settings_set(db, "sync_secret", a->secret, e);
	if (st == ST_OK)
		st = settings_set(db, "sync_enrolled_at", now, e);
	/* Pull everything this identity may see, from the start. */
	if (st == ST_OK)
		st = settings_set_int(db, "sync_cursor", 0, e);
	if (st == ST_OK)
		st = settings_set(db, "sync_last_error", "", e);
	if (st == ST_OK) {
		struct actor who = { .role = ROLE_ADMIN };
		if (admin)
			who = *admin;
		else
			snprintf(who.username, sizeof who.username, "system");
		snprintf(who.office_id, sizeof who.office_id, "%s", jx_cstr(a->office, "id"));
		snprintf(who.terminal_id, sizeof who.terminal_id, "%s", jx_cstr(a->terminal, "id"));
		char host[300], *after;
		http_url_host(url, host, sizeof host);
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "centre", host,
				      "office_code", jx_cstr(a->office, "code"), "terminal_code",
				      jx_cstr(a->terminal, "code"), "old_office_id", old_office,
				      "old_terminal_id", old_terminal, "moved_ops",
				      (json_int_t)out->moved_ops);
		after = jx_dump(j);
		json_decref(j);
		struct audit_rec rec = { .action = "sync.enroll", .entity = "terminal",
					 .entity_id = jx_cstr(a->terminal, "id"), .after = after };
		st = audit_append(db, &who, &rec, e);
		free(after);
	}
	if (st == ST_OK)
		st = db_commit(db, e);
	else
		db_rollback(db);
	return st;
}

enum status sync_enroll_apply(struct db *db, const struct actor *admin, const char *url,
			      json_t *ans, struct sync_enrollment *out, struct err *e)
{
	struct sync_enrollment local;
	if (!out)
		out = &local;
	memset(out, 0, sizeof *out);
	struct enroll_answer a;
	enum status st = parse_answer(ans, &a, e);
	if (st == ST_OK) {
		/* Readable numbers carry the office code: records made under one
		 * office cannot become another office's. */
		char mine[OFFICE_CODE_MAX];
		local_office_code(db, mine, sizeof mine);
		const char *theirs = jx_cstr(a.office, "code");
		if (mine[0] && theirs && strcmp(mine, theirs) != 0 && sync_has_business(db))
			st = err_set(e, ST_STATE,
				     "中心为本终端指定的受理点（%s）与本机的受理点（%s）不同，而本机已有业务记录，"
				     "不能登记：这些记录的编号属于 %s。请中心管理员撤销该终端，"
				     "为受理点 %s 添加终端后用新的登记码登记", theirs, mine, mine, mine);
	}
	if (st == ST_OK)
		st = adopt(db, admin, url, &a, out, e);
	if (st == ST_OK) {
		snprintf(out->terminal_id, sizeof out->terminal_id, "%s", jx_cstr(a.terminal, "id"));
		snprintf(out->terminal_code, sizeof out->terminal_code, "%s", jx_cstr(a.terminal, "code"));
		snprintf(out->office_id, sizeof out->office_id, "%s", jx_cstr(a.office, "id"));
		snprintf(out->office_code, sizeof out->office_code, "%s", jx_cstr(a.office, "code"));
		snprintf(out->office_name, sizeof out->office_name, "%s",
			 jx_cstr(a.office, "name") ? jx_cstr(a.office, "name") : "");
		log_info("sync: enrolled as terminal %s of office %s (%ld ops moved)",
			 out->terminal_id, out->office_id, out->moved_ops);
	}
	return st;
}

enum status sync_enroll(struct app *app, const struct actor *admin, const char *url,
			const char *code, bool force, struct sync_enrollment *out, struct err *e)
{
	struct sync_enrollment local;
	if (!out)
		out = &local;
	memset(out, 0, sizeof *out);
	struct db *db = app->db;
	char base[512];
	enum status st = sync_url_normalize(url, base, sizeof base, e);
	if (st != ST_OK)
		return st;
	size_t n = code ? strlen(code) : 0;
	if (n < 4 || n > 64 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					    "0123456789-_ ") != n)
		return err_field(e, "code", ST_INVALID, "登记码无效（请照 certdeskd terminal add 打印的原样输入）");
	if (admin && !actor_can(admin, ROLE_ADMIN))
		return err_set(e, ST_DENIED, "只有管理员可以把终端登记到中心");
	if (!admin && staff_repo_count(db) != 0)
		return err_set(e, ST_DENIED, "本机已有员工账户：登记须由管理员执行（--user 管理员）");
	if (sync_is_enrolled(db) && !force) {
		char old[512] = "", host[300];
		struct err nf;
		settings_get(db, "sync_url", old, sizeof old, &nf);
		http_url_host(old, host, sizeof host);
		return err_set(e, ST_STATE, "本终端已登记到中心 %s；如确需重新登记，请加 --force", host);
	}
	if (db_in_tx(db))
		return err_set(e, ST_INTERNAL, "程序内部错误：登记不能在事务中进行");

	struct sync_opts opts;
	st = sync_opts_from_config(&app->cfg, &opts, e);
	struct http_client *h = NULL;
	if (st == ST_OK)
		st = sync_http_new(&opts, &h, e);
	/* Records made here carry the office code in their numbers: the
	 * centre refuses a code of another office before spending it. */
	char mine[OFFICE_CODE_MAX] = "";
	if (sync_has_business(db))
		local_office_code(db, mine, sizeof mine);
	json_t *ans = NULL, *body = mine[0] ? json_pack("{s:s, s:s}", "code", code, "office_code", mine)
					    : json_pack("{s:s}", "code", code);
	if (st == ST_OK)
		st = sync_call(h, base, NULL, "POST", "/v1/enroll", body, &ans, e);
	json_decref(body);
	http_client_free(h);
	if (st == ST_OK)
		st = sync_enroll_apply(db, admin, base, ans, out, e);
	json_decref(ans);
	return st;
}
