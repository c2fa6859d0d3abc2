/* The centre runs a terminal's op (docs/SYNC.md, Push). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/entity_last.h"
#include "store/party_repo.h"
#include "store/staff_repo.h"
#include "store/sync_tables.h"
#include "svc/commands.h"
#include "svc/replay.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"

void op_result_done(struct op_result *r)
{
	json_decref(r->row);
	r->row = NULL;
}

static void answer(struct op_result *r, const char *status, enum status code, const char *msg,
		   const char *field)
{
	snprintf(r->status, sizeof r->status, "%s", status);
	snprintf(r->code, sizeof r->code, "%s", code == ST_OK ? "" : status_code(code));
	snprintf(r->message, sizeof r->message, "%s", msg ? msg : "");
	snprintf(r->field, sizeof r->field, "%s", field ? field : "");
}

/* The table behind a command's entity name. */
static const char *table_of(const char *entity)
{
	static const char *const map[][2] = {
		{ "applicant", "applicants" }, { "application", "applications" },
		{ "order", "orders" }, { "payment", "payments" }, { "staff", "staff" },
		{ "attachment", "attachments" }, { "enterprise", "enterprises" },
		{ "price", "price_list" }, { "office", "offices" },
		{ "certificate", "certificates" },
	};
	for (size_t i = 0; entity && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], entity) == 0)
			return map[i][1];
	return NULL;
}

static json_t *row_by_id(struct svc *svc, const struct sync_table *t, const char *id)
{
	json_t *key = json_pack("{s:s}", "id", id), *row = NULL;
	struct err ne;
	if (!key || sync_row_get(svc->db, t, key, &row, &ne) != ST_OK)
		row = NULL;
	json_decref(key);
	return row;
}

/*
 * The centre's current record of a refused op's entity, when it has one.
 * A registration refused because the phone is taken names a record the
 * centre never made: the record that stands in its way (the applicant
 * with that phone) is the one the clerk needs beside the conflict, and
 * the one a merge moves everything to.
 */
static void centre_row(struct svc *svc, json_t *payload, struct op_result *out)
{
	const struct sync_table *t = sync_table_find(table_of(out->entity));
	if (!t || !out->entity_id[0])
		return;
	out->row = row_by_id(svc, t, out->entity_id);
	const char *phone = jx_cstr(payload, "phone");
	if (!out->row && strcmp(out->code, "exists") == 0 && strcmp(out->field, "phone") == 0 &&
	    strcmp(t->name, "applicants") == 0 && phone) {
		struct applicant other;
		struct err nf;
		if (applicant_repo_by_phone(svc->db, phone, &other, &nf) == ST_OK)
			out->row = row_by_id(svc, t, other.id);
	}
}

/*
 * The version an op's base must equal. Normally its own base. But a
 * terminal's edits of a record made offline all carry the version it last
 * pulled: the first moves the centre's version on, and the next would be
 * refused as stale though nothing else touched the record. When the last
 * change to the record was this terminal's op on the same base, and the
 * record is still at the version that op left, the next one follows it:
 * the record's current version is what it was made on.
 */
static long long expected_version(struct svc *svc, const struct sync_peer *peer,
				  const struct op_result *op, long long base)
{
	const char *table = table_of(op->entity);
	if (base <= 0 || !table || !op->entity_id[0])
		return base;
	struct entity_last l;
	struct err nf;
	if (entity_last_get(svc->db, op->entity_id, &l, &nf) != ST_OK ||
	    strcmp(l.terminal_id, peer->terminal_id) != 0 || l.base_version != base)
		return base;
	long long now = entity_version(svc->db, table, op->entity_id);
	return now > 0 && now == l.version_after ? now : base;
}

/* An applied op that edited a record (it had a base): what it left, for
 * expected_version. */
static enum status remember_change(struct svc *svc, const struct sync_peer *peer,
				   const struct op_result *op, long long base, struct err *e)
{
	const char *table = table_of(op->entity);
	if (base <= 0 || !table || !op->entity_id[0])
		return ST_OK;
	struct entity_last l = { .base_version = base };
	snprintf(l.terminal_id, sizeof l.terminal_id, "%s", peer->terminal_id);
	l.version_after = entity_version(svc->db, table, op->entity_id);
	return l.version_after > 0 ? entity_last_put(svc->db, op->entity_id, &l, e) : ST_OK;
}

/* Failures of the centre itself rather than refusals of the op. */
static bool transient(enum status st)
{
	return st == ST_FULL || st == ST_IO || st == ST_DB || st == ST_NOMEM;
}

/* A file's name at the centre: 64 lower-case hex digits. A certificate's
 * fingerprint (certificate.bind@1 calls it "sha256" too) is upper-case and
 * names no file; the terminal never uploads one (sync_payload_blobs), so
 * the op would wait for it for ever. A malformed attachment hash is not a
 * name either: the command refuses it. */
static bool blob_name(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* Every file an op needs, by the shapes the commands use. */
static bool blobs_present(json_t *payload, bool (*ok)(const char *, void *), void *ctx)
{
	if (!ok)
		return true;
	const char *sha = jx_cstr(payload, "sha256");
	if (blob_name(sha) && !ok(sha, ctx))
		return false;
	sha = jx_cstr(json_object_get(payload, "file"), "sha256");
	if (blob_name(sha) && !ok(sha, ctx))
		return false;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(payload, "slips"), i, v) {
		sha = jx_cstr(v, "sha256");
		if (blob_name(sha) && !ok(sha, ctx))
			return false;
	}
	return true;
}

static enum status stored(struct svc *svc, const char *op_id, struct op_result *out, bool *found,
			  struct err *e)
{
	*found = false;
	sqlite3_stmt *s = db_prep(svc->db, "SELECT status, code, message, field, entity, entity_id"
					   " FROM sync_ops WHERE op_id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, op_id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found = true;
		bool applied = strcmp(db_col_text(s, 0), "applied") == 0;
		snprintf(out->status, sizeof out->status, "%s", applied ? "duplicate" : "rejected");
		db_col_copy(s, 1, out->code, sizeof out->code);
		db_col_copy(s, 2, out->message, sizeof out->message);
		db_col_copy(s, 3, out->field, sizeof out->field);
		db_col_copy(s, 4, out->entity, sizeof out->entity);
		db_col_copy(s, 5, out->entity_id, sizeof out->entity_id);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : db_fail(svc->db, rc, e);
}

static enum status record(struct svc *svc, const struct sync_peer *peer, const char *op_id,
			  const char *command, const char *actor_id, const struct op_result *r,
			  struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(svc->db,
		"INSERT INTO sync_ops (op_id, terminal_id, command, actor_id, status, code, message,"
		" field, entity, entity_id, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, op_id);
	db_bind_text(s, 2, peer->terminal_id);
	db_bind_text(s, 3, command);
	db_bind_text(s, 4, actor_id);
	db_bind_text(s, 5, strcmp(r->status, "applied") == 0 ? "applied" : "rejected");
	db_bind_text(s, 6, r->code);
	db_bind_text(s, 7, r->message);
	db_bind_text(s, 8, r->field);
	db_bind_text(s, 9, r->entity);
	db_bind_text(s, 10, r->entity_id);
	db_bind_text(s, 11, now);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(svc->db, rc, e);
}

/*
 * The first-run setup of a terminal enrolled later: the centre owns the
 * office, the terminal and the prices; only the admin account it created
 * is kept, in the terminal's office, when the user name is free.
 */
static enum status replay_setup(struct svc *svc, const struct sync_peer *peer, json_t *payload,
				struct err *e)
{
	json_t *admin = json_object_get(payload, "admin");
	json_t *p = json_deep_copy(admin);
	if (!json_is_object(p))
		return err_set(e, ST_INVALID, "初始设置的管理员信息无效");
	json_object_set_new(p, "office_id", json_string(peer->office_id));
	json_object_set_new(p, "must_change", json_false());
	struct actor a = { .role = ROLE_ADMIN };
	snprintf(a.id, sizeof a.id, "%s", jx_cstr(p, "id") ? jx_cstr(p, "id") : "");
	snprintf(a.username, sizeof a.username, "%s",
		 jx_cstr(p, "username") ? jx_cstr(p, "username") : "");
	snprintf(a.office_id, sizeof a.office_id, "%s", peer->office_id);
	snprintf(a.terminal_id, sizeof a.terminal_id, "%s", peer->terminal_id);
	enum status st = svc_exec(svc, &a, &cmd_staff_create, p, e);
	json_decref(p);
	return st;
}

/* The staff member an op names, as the centre knows them. */
static enum status actor_of(struct svc *svc, const struct sync_peer *peer, const char *id,
			    struct actor *a, struct err *e)
{
	struct staff s;
	struct err nf;
	if (staff_repo_get(svc->db, id, &s, &nf) != ST_OK)
		return err_set(e, ST_DENIED, "操作人的员工账户在中心不存在");
	if (s.disabled)
		return err_set(e, ST_DENIED, "操作人 %s 的账户已停用", s.username);
	if (!peer->all_offices && strcmp(s.office_id, peer->office_id) != 0)
		return err_set(e, ST_DENIED, "操作人 %s 不属于本终端的受理点", s.username);
	memset(a, 0, sizeof *a);
	memcpy(a->id, s.id, sizeof a->id);
	memcpy(a->username, s.username, sizeof a->username);
	memcpy(a->name, s.name, sizeof a->name);
	memcpy(a->office_id, s.office_id, sizeof a->office_id);
	snprintf(a->terminal_id, sizeof a->terminal_id, "%s", peer->terminal_id);
	a->role = s.role;
	return ST_OK;
}

enum status svc_replay(struct svc *svc, const struct sync_peer *peer, json_t *op,
		       bool (*blob_ok)(const char *sha256, void *ctx), void *ctx,
		       struct op_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	char op_id[UUID_LEN + 1], command[64], actor_id[UUID_LEN + 1], at[24];
	struct err pe;
	err_clear(&pe);
	long long base = 0;
	json_t *payload = json_object_get(op, "payload");
	if (!jx_str(op, "op_id", op_id, sizeof op_id, false, &pe) || !uuid_valid(op_id) ||
	    !jx_str(op, "command", command, sizeof command, false, &pe) ||
	    !jx_str(op, "actor_id", actor_id, sizeof actor_id, false, &pe) ||
	    !jx_str(op, "entity", out->entity, sizeof out->entity, true, &pe) ||
	    !jx_str(op, "entity_id", out->entity_id, sizeof out->entity_id, true, &pe) ||
	    !jx_int(op, "base_version", &base, true, &pe) ||
	    !jx_str(op, "at", at, sizeof at, false, &pe) || !json_is_object(payload) || base < 0) {
		answer(out, "rejected", ST_INVALID, pe.msg[0] ? pe.msg : "操作格式无效", NULL);
		return ST_OK; /* not recorded: it has no usable id */
	}
	bool found;
	enum status st = stored(svc, op_id, out, &found, e);
	if (st != ST_OK)
		return st;
	if (found) {
		/* A replayed refusal carries the centre's record as the first
		 * answer did: the terminal may never have received that one. */
		if (strcmp(out->status, "rejected") == 0)
			centre_row(svc, payload, out);
		return ST_OK;
	}

	time_t when;
	char *sep = strchr(command, '@');
	const struct command *cmd = NULL;
	long version = sep ? strtol(sep + 1, NULL, 10) : 0;
	if (sep) {
		*sep = '\0';
		cmd = svc_command_find(command);
		*sep = '@';
	}
	if (!clock_parse_iso(at, &when)) {
		answer(out, "rejected", ST_INVALID, "操作时间格式无效", NULL);
	} else if (!cmd || version > cmd->version) {
		/* Made by a newer program than this centre: not refused for ever
		 * (nothing recorded), the terminal keeps it until the centre is
		 * upgraded. */
		answer(out, "retry", ST_UNSUPPORTED, cmd ? "中心的程序版本较旧，不认识此操作的新版本，"
			"操作保留在终端，待中心升级后自动发送" : "中心的程序版本较旧，不认识此操作，"
			"操作保留在终端，待中心升级后自动发送", NULL);
		return ST_OK;
	} else if (version < 1 || version < cmd->version - 1) {
		answer(out, "rejected", ST_UNSUPPORTED, "此操作的版本过旧，中心已不再支持（请升级 certdesk 终端）",
		       NULL);
	} else if (!blobs_present(payload, blob_ok, ctx)) {
		/* Not applied and not recorded: the file is on its way. */
		answer(out, "retry", ST_NOT_FOUND, "附件文件尚未上传到中心", NULL);
		snprintf(out->code, sizeof out->code, "blob_missing");
		return ST_OK;
	} else {
		struct err ce;
		err_clear(&ce);
		clock_override(when);
		svc->expect_version = (long)expected_version(svc, peer, out, base);
		if (cmd == &cmd_setup_init) {
			st = replay_setup(svc, peer, payload, &ce);
		} else {
			struct actor a;
			st = actor_of(svc, peer, actor_id, &a, &ce);
			if (st == ST_OK)
				st = svc_exec(svc, &a, cmd, payload, &ce);
		}
		svc->expect_version = 0;
		clock_override_clear();
		if (svc->batch && svc->batch_err.st != ST_OK) {
			*e = svc->batch_err;
			return e->st;
		}
		/* The centre failed, not the op (disk full, I/O, a busy or
		 * damaged database): recorded, it would stay refused for ever.
		 * Not recorded, the terminal sends it again later. */
		if (transient(st)) {
			*e = ce;
			return st;
		}
		if (st == ST_OK)
			st = remember_change(svc, peer, out, base, &ce);
		if (transient(st)) {
			*e = ce;
			return st;
		}
		if (st == ST_OK)
			answer(out, "applied", ST_OK, NULL, NULL);
		else
			answer(out, "rejected", st, err_text(&ce), ce.field);
	}
	st = record(svc, peer, op_id, command, actor_id, out, e);
	if (st != ST_OK)
		return st;
	if (strcmp(out->status, "rejected") == 0)
		centre_row(svc, payload, out);
	/* Applied ops are counted in the push's own line: a line each would
	 * cost a write each in a push of thousands. */
	if (strcmp(out->status, "applied") != 0)
		log_info("op %s %s: %s %s", op_id, command, out->status, out->code);
	return ST_OK;
}
