/* The conflict list: ops the centre refused, and the ways out (docs/SYNC.md,
 * Conflicts at the terminal). Every resolution is one transaction with a
 * local audit entry; none is ever silent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "sync/sync_int.h"
#include "svc/svc.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"

const char *sync_entity_table(const char *entity)
{
	static const char *const map[][2] = {
		{ "applicant", "applicants" }, { "application", "applications" },
		{ "order", "orders" }, { "payment", "payments" }, { "staff", "staff" },
		{ "attachment", "attachments" }, { "enterprise", "enterprises" },
		{ "price", "price_list" }, { "office", "offices" }, { "terminal", "terminals" },
	};
	for (size_t i = 0; entity && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], entity) == 0)
			return map[i][1];
	return NULL;
}

static bool is_merge_case(const char *command, const char *code)
{
	return (strncmp(command, "applicant.register@", 19) == 0 ||
		strncmp(command, "applicant.import@", 17) == 0) && strcmp(code, "exists") == 0;
}

#define CONFLICT_COLS                                                                     \
	"seq, op_id, command, entity, entity_id, actor_id, created_at, result_code,"      \
	" result_msg, result_field, base_version, centre_row"

static void read_conflict(sqlite3_stmt *s, struct sync_conflict *c)
{
	memset(c, 0, sizeof *c);
	c->seq = sqlite3_column_int64(s, 0);
	db_col_copy(s, 1, c->op_id, sizeof c->op_id);
	db_col_copy(s, 2, c->command, sizeof c->command);
	db_col_copy(s, 3, c->entity, sizeof c->entity);
	db_col_copy(s, 4, c->entity_id, sizeof c->entity_id);
	db_col_copy(s, 5, c->actor_id, sizeof c->actor_id);
	db_col_copy(s, 6, c->created_at, sizeof c->created_at);
	db_col_copy(s, 7, c->code, sizeof c->code);
	db_col_copy(s, 8, c->message, sizeof c->message);
	db_col_copy(s, 9, c->field, sizeof c->field);
	c->base_version = (long)sqlite3_column_int64(s, 10);
	c->centre_row = sqlite3_column_type(s, 11) == SQLITE_NULL ? NULL
								   : strdup(db_col_text(s, 11));
	c->can_reapply = strcmp(c->code, "conflict") == 0;
	c->can_merge = is_merge_case(c->command, c->code);
}

long sync_conflicts(struct db *db, struct sync_conflict **out, struct err *e)
{
	*out = NULL;
	sqlite3_stmt *s = db_prep(db, "SELECT " CONFLICT_COLS " FROM outbox WHERE state = 'rejected'"
				      " ORDER BY seq", e);
	if (!s)
		return -1;
	long n = 0, cap = 0;
	struct sync_conflict *list = NULL;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct sync_conflict *nl = realloc(list, (size_t)cap * sizeof *nl);
			if (!nl) {
				sqlite3_reset(s);
				sync_conflicts_free(list, n);
				err_status(e, ST_NOMEM);
				return -1;
			}
			list = nl;
		}
		read_conflict(s, &list[n++]);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		sync_conflicts_free(list, n);
		db_fail(db, rc, e);
		return -1;
	}
	*out = list;
	return n;
}

void sync_conflicts_free(struct sync_conflict *list, long n)
{
	for (long i = 0; list && i < n; i++)
		free(list[i].centre_row);
	free(list);
}

bool sync_resolution_parse(const char *s, enum sync_resolution *out)
{
	static const char *const names[] = { "discard", "reapply", "merge" };
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum sync_resolution)i;
			return true;
		}
	return false;
}

/* ---- helpers ---------------------------------------------------------------- */

static enum status exec_bind(struct db *db, const char *sql, const char *a, const char *b,
			     const char *c, long *changes, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, sql, e);
	if (!s)
		return e->st;
	if (a)
		db_bind_text(s, 1, a);
	if (b)
		db_bind_text(s, 2, b);
	if (c)
		db_bind_text(s, 3, c);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	if (changes)
		*changes += sqlite3_changes(db_handle(db));
	return ST_OK;
}

static enum status mark_resolved(struct db *db, const char *op_id, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	return exec_bind(db, "UPDATE outbox SET state = 'resolved', done_at = ?2 WHERE op_id = ?1"
			     " AND state = 'rejected'", op_id, now, NULL, NULL, e);
}

static enum status audit_resolution(struct db *db, const struct actor *a, const char *action,
				    const struct sync_conflict *c, json_t *after, struct err *e)
{
	json_t *before = json_pack("{s:s, s:s, s:s, s:s}", "op_id", c->op_id, "command", c->command,
				   "code", c->code, "message", c->message);
	char *b = jx_dump(before), *af = jx_dump(after);
	struct audit_rec rec = { .action = action, .entity = c->entity, .entity_id = c->entity_id,
				 .before = b, .after = af };
	enum status st = audit_append(db, a, &rec, e);
	json_decref(before);
	free(b);
	free(af);
	return st;
}

/* The held-back row of (table, id), or NULL. New reference. */
static json_t *deferred_row(struct db *db, const char *table, const char *id)
{
	struct err e;
	json_t *key = json_pack("{s:s}", "id", id);
	char *k = jx_dump(key);
	json_decref(key);
	sqlite3_stmt *s = db_prep(db, "SELECT row FROM sync_deferred WHERE tbl = ?1 AND key = ?2"
				      " AND deleted = 0 AND row IS NOT NULL", &e);
	json_t *row = NULL;
	if (s) {
		db_bind_text(s, 1, table);
		db_bind_text(s, 2, k);
		if (sqlite3_step(s) == SQLITE_ROW)
			row = json_loads(db_col_text(s, 0), 0, NULL);
		sqlite3_reset(s);
	}
	free(k);
	return row;
}

static long other_open_ops(struct db *db, const char *entity_id, const char *op_id)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM outbox WHERE entity_id = ?1 AND op_id <> ?2"
				      " AND state IN ('pending', 'rejected')", &e);
	if (!s)
		return -1;
	db_bind_text(s, 1, entity_id);
	db_bind_text(s, 2, op_id);
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

/* ---- discard ---------------------------------------------------------------- */

static enum status discard(struct db *db, const struct actor *a, const struct sync_conflict *c,
			   struct err *e)
{
	const struct sync_table *t = sync_table_find(sync_entity_table(c->entity));
	enum status st = mark_resolved(db, c->op_id, e);
	const char *outcome = "resolved";
	if (st == ST_OK && t && strcmp(t->key[0], "id") == 0 && uuid_valid(c->entity_id)) {
		json_t *key = json_pack("{s:s}", "id", c->entity_id);
		json_t *held = deferred_row(db, t->name, c->entity_id);
		json_t *centre = c->centre_row ? json_loads(c->centre_row, 0, NULL) : NULL;
		if (held || json_is_object(centre)) {
			/* The centre's version replaces the local record, now if
			 * nothing else stands on it, else when those ops are done. */
			if (!held)
				st = sync_defer(db, t->name, key, 0, false, centre, "discard", e);
			outcome = "centre";
		} else if (other_open_ops(db, c->entity_id, c->op_id) == 0) {
			/* The centre has no such record: the local one goes. The
			 * foreign keys refuse when other local records need it. */
			st = sync_row_delete(db, t, key, e);
			if (st != ST_OK && sqlite3_extended_errcode(db_handle(db)) ==
						   SQLITE_CONSTRAINT_FOREIGNKEY)
				st = err_set(e, ST_STATE, "本机还有其他记录（如申请单、订单）引用此记录，"
					     "不能直接放弃：请改用“合并”，或先处理这些记录");
			outcome = "removed";
		}
		json_decref(centre);
		json_decref(held);
		json_decref(key);
	}
	if (st == ST_OK) {
		json_t *after = json_pack("{s:s, s:s}", "resolution", "discard", "record", outcome);
		st = audit_resolution(db, a, "sync.discard", c, after, e);
		json_decref(after);
	}
	return st;
}

/* ---- re-apply ----------------------------------------------------------------- */

static enum status reapply(struct db *db, const struct actor *a, const struct sync_conflict *c,
			   struct err *e)
{
	if (!c->can_reapply)
		return err_set(e, ST_STATE, "只有“记录已在中心被修改”（版本冲突）的操作可以重新提交；"
			       "此操作被拒绝的原因是：%s", c->message);
	const char *table = sync_entity_table(c->entity);
	json_t *row = table ? deferred_row(db, table, c->entity_id) : NULL;
	if (!row && c->centre_row)
		row = json_loads(c->centre_row, 0, NULL);
	json_t *v = json_object_get(row, "version");
	long long version = json_is_integer(v) ? json_integer_value(v) : 0;
	json_decref(row);
	if (version <= 0)
		return err_set(e, ST_STATE, "本机还没有中心的最新版本，请先同步再重新提交");
	/* The centre keeps the old op id's refusal (a replay is answered the
	 * same way): the op goes again under a new id, in its old place. */
	char new_id[UUID_LEN + 1], ver[24];
	uuid_v7(new_id);
	snprintf(ver, sizeof ver, "%lld", version);
	enum status st = exec_bind(db,
		"UPDATE outbox SET op_id = ?2, state = 'pending', base_version = CAST(?3 AS INTEGER),"
		" attempts = 0, result_code = NULL, result_msg = NULL, result_field = NULL,"
		" centre_row = NULL, done_at = NULL WHERE op_id = ?1 AND state = 'rejected'",
		c->op_id, new_id, ver, NULL, e);
	if (st == ST_OK) {
		json_t *after = json_pack("{s:s, s:s, s:I}", "resolution", "reapply", "new_op_id",
					  new_id, "base_version", (json_int_t)version);
		st = audit_resolution(db, a, "sync.reapply", c, after, e);
		json_decref(after);
	}
	return st;
}

/* ---- merge -------------------------------------------------------------------- */

/* The applicant the centre has with this phone, held back because the
 * local duplicate stands in the way. New reference, or NULL. */
static json_t *centre_applicant_by_phone(struct db *db, const char *phone, const char *not_id)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT row FROM sync_deferred WHERE tbl = 'applicants'"
				      " AND deleted = 0 AND json_extract(row, '$.phone') = ?1"
				      " AND json_extract(row, '$.id') <> ?2 ORDER BY seq DESC LIMIT 1", &e);
	json_t *row = NULL;
	if (s) {
		db_bind_text(s, 1, phone);
		db_bind_text(s, 2, not_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			row = json_loads(db_col_text(s, 0), 0, NULL);
		sqlite3_reset(s);
	}
	return row;
}

/* Every table with an applicant_id column: today applications, orders and
 * the enterprise links, and whatever a later migration adds. */
static enum status move_references(struct db *db, const char *from, const char *to, long *moved,
				   struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p"
				      " WHERE m.type = 'table' AND p.name = 'applicant_id'"
				      " ORDER BY m.name", e);
	if (!s)
		return e->st;
	char names[32][64];
	int n = 0;
	while (n < 32 && sqlite3_step(s) == SQLITE_ROW)
		db_col_copy(s, 0, names[n++], sizeof names[0]);
	sqlite3_reset(s);
	enum status st = ST_OK;
	for (int i = 0; st == ST_OK && i < n; i++) {
		char sql[256];
		/* A link the existing applicant already has stays once. */
		snprintf(sql, sizeof sql, "UPDATE OR IGNORE \"%s\" SET applicant_id = ?2"
			 " WHERE applicant_id = ?1", names[i]);
		sqlite3_stmt *u;
		int rc = sqlite3_prepare_v2(db_handle(db), sql, -1, &u, NULL);
		if (rc == SQLITE_OK) {
			db_bind_text(u, 1, from);
			db_bind_text(u, 2, to);
			rc = sqlite3_step(u);
			*moved += sqlite3_changes(db_handle(db));
			sqlite3_finalize(u);
		}
		if (rc == SQLITE_DONE) {
			snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE applicant_id = ?1", names[i]);
			rc = sqlite3_prepare_v2(db_handle(db), sql, -1, &u, NULL);
			if (rc == SQLITE_OK) {
				db_bind_text(u, 1, from);
				rc = sqlite3_step(u);
				sqlite3_finalize(u);
			}
		}
		if (rc != SQLITE_DONE)
			st = db_fail(db, rc, e);
	}
	return st;
}

struct op_ref {
	char id[UUID_LEN + 1];
	char entity_id[UUID_LEN + 1];
	bool refused;
};

/* The queued and refused ops (other than skip_op) that name `ref`, in
 * queue order; *n of them in *out (caller frees). */
static enum status ops_naming(struct db *db, const char *ref, const char *skip_op,
			      struct op_ref **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = db_prep(db, "SELECT op_id, state, coalesce(entity_id, '') FROM outbox"
				      " WHERE state IN ('pending', 'rejected') AND op_id <> ?2 AND"
				      " (entity_id = ?1 OR instr(payload, ?1) > 0) ORDER BY seq", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, ref);
	db_bind_text(s, 2, skip_op);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			void *more = realloc(*out, cap * sizeof **out);
			if (!more)
				break;
			*out = more;
		}
		struct op_ref *o = &(*out)[(*n)++];
		db_col_copy(s, 0, o->id, sizeof o->id);
		o->refused = strcmp(db_col_text(s, 1), "rejected") == 0;
		db_col_copy(s, 2, o->entity_id, sizeof o->entity_id);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : rc == SQLITE_ROW ? err_status(e, ST_NOMEM) : db_fail(db, rc, e);
}

/* A refused op goes back to the queue under a new id (the centre recorded
 * the old one as refused). */
static enum status requeue(struct db *db, const char *op_id, struct err *e)
{
	char new_id[UUID_LEN + 1];
	uuid_v7(new_id);
	return exec_bind(db, "UPDATE outbox SET op_id = ?2, state = 'pending', attempts = 0,"
			     " result_code = NULL, result_msg = NULL, result_field = NULL,"
			     " centre_row = NULL, done_at = NULL WHERE op_id = ?1 AND state = 'rejected'",
			 op_id, new_id, NULL, NULL, e);
}

/* Queued and refused ops that name the local applicant now name the
 * existing one; refused ones (refused because the local applicant never
 * reached the centre) go back to the queue under new ids. So do the refused
 * ops that follow from those, at any depth: an application imported for the
 * applicant was refused, and after it its agreement, papers and submission
 * ("没有这个申请单"); left refused they could only be discarded, and the
 * clerk's work with them. */
static enum status move_ops(struct db *db, const char *from, const char *to, const char *skip_op,
			    long *moved, struct err *e)
{
	struct op_ref *ops;
	size_t n;
	enum status st = ops_naming(db, from, skip_op, &ops, &n, e);
	/* The records whose refused ops were re-queued: their own refused
	 * followers go back too. */
	char (*frontier)[UUID_LEN + 1] = NULL;
	size_t nf = 0, capf = 0;
	for (size_t i = 0; st == ST_OK && i < n; i++) {
		st = exec_bind(db,
			"UPDATE outbox SET payload = replace(payload, ?2, ?3),"
			" entity_id = CASE entity_id WHEN ?2 THEN ?3 ELSE entity_id END WHERE op_id = ?1",
			ops[i].id, from, to, NULL, e);
		if (st == ST_OK && ops[i].refused)
			st = requeue(db, ops[i].id, e);
		(*moved)++;
		if (st == ST_OK && ops[i].refused && ops[i].entity_id[0] &&
		    strcmp(ops[i].entity_id, from) != 0) {
			if (nf == capf) {
				capf = capf ? capf * 2 : 16;
				void *more = realloc(frontier, capf * sizeof *frontier);
				if (!more) {
					st = err_status(e, ST_NOMEM);
					break;
				}
				frontier = more;
			}
			snprintf(frontier[nf++], UUID_LEN + 1, "%s", ops[i].entity_id);
		}
	}
	free(ops);
	for (size_t f = 0; st == ST_OK && f < nf; f++) {
		bool seen = false;
		for (size_t g = 0; g < f && !seen; g++)
			seen = strcmp(frontier[g], frontier[f]) == 0;
		if (seen)
			continue;
		st = ops_naming(db, frontier[f], skip_op, &ops, &n, e);
		for (size_t i = 0; st == ST_OK && i < n; i++) {
			if (!ops[i].refused)
				continue;
			st = requeue(db, ops[i].id, e);
			(*moved)++;
			if (st == ST_OK && ops[i].entity_id[0] && nf < 4096) {
				if (nf == capf) {
					capf *= 2;
					void *more = realloc(frontier, capf * sizeof *frontier);
					if (!more) {
						st = err_status(e, ST_NOMEM);
						break;
					}
					frontier = more;
				}
				snprintf(frontier[nf++], UUID_LEN + 1, "%s", ops[i].entity_id);
			}
		}
		free(ops);
	}
	free(frontier);
	return st;
}

static enum status merge(struct db *db, const struct actor *a, const struct sync_conflict *c,
			 struct err *e)
{
	if (!c->can_merge)
		return err_set(e, ST_STATE, "只有因手机号已在中心注册而被拒绝的申请人登记可以合并");
	sqlite3_stmt *s = db_prep(db, "SELECT phone FROM applicants WHERE id = ?1", e);
	if (!s)
		return e->st;
	char phone[32] = "";
	db_bind_text(s, 1, c->entity_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		db_col_copy(s, 0, phone, sizeof phone);
	sqlite3_reset(s);
	if (!phone[0])
		return err_set(e, ST_STATE, "本机已没有这位申请人的记录，请改用“放弃”");
	json_t *existing = centre_applicant_by_phone(db, phone, c->entity_id);
	const char *to = jx_cstr(existing, "id");
	if (!to || !uuid_valid(to)) {
		json_decref(existing);
		return err_set(e, ST_NOT_FOUND, "中心已登记该手机号的申请人还没有同步到本机，请先同步再合并");
	}
	/* References move before the existing applicant's row arrives (its
	 * phone is still the duplicate's): checked at commit. */
	long refs = 0, ops = 0;
	enum status st = db_exec(db, "PRAGMA defer_foreign_keys = ON", e);
	if (st == ST_OK)
		st = move_references(db, c->entity_id, to, &refs, e);
	if (st == ST_OK)
		st = move_ops(db, c->entity_id, to, c->op_id, &ops, e);
	if (st == ST_OK)
		st = exec_bind(db, "DELETE FROM applicants WHERE id = ?1", c->entity_id, NULL, NULL,
			       NULL, e);
	const struct sync_table *t = sync_table_find("applicants");
	json_t *key = json_pack("{s:s}", "id", to);
	if (st == ST_OK) {
		bool clash;
		st = sync_write_row(db, t, key, existing, false, &clash, e);
		if (st == ST_OK && clash)
			st = err_set(e, ST_STATE, "中心的申请人记录仍与本机记录冲突，无法合并");
		if (st == ST_OK)
			st = sync_undefer(db, "applicants", key, e);
	}
	json_decref(key);
	if (st == ST_OK)
		st = mark_resolved(db, c->op_id, e);
	if (st == ST_OK) {
		json_t *after = json_pack("{s:s, s:s, s:I, s:I}", "resolution", "merge", "into", to,
					  "records_moved", (json_int_t)refs, "ops_moved", (json_int_t)ops);
		st = audit_resolution(db, a, "sync.merge", c, after, e);
		json_decref(after);
	}
	json_decref(existing);
	return st;
}

/* ---- entry point ---------------------------------------------------------------- */

enum status sync_resolve(struct db *db, const struct actor *actor, const char *op_id,
			 enum sync_resolution how, struct err *e)
{
	if (!op_id || !uuid_valid(op_id))
		return err_set(e, ST_INVALID, "操作编号无效");
	enum status st = db_begin(db, e);
	if (st != ST_OK)
		return st;
	struct sync_conflict c;
	bool found = false;
	sqlite3_stmt *s = db_prep(db, "SELECT " CONFLICT_COLS " FROM outbox WHERE op_id = ?1"
				      " AND state = 'rejected'", e);
	if (s) {
		db_bind_text(s, 1, op_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			read_conflict(s, &c);
			found = true;
		}
		sqlite3_reset(s);
	}
	if (!s)
		st = e->st;
	else if (!found)
		st = err_set(e, ST_NOT_FOUND, "没有待处理的冲突操作 %s", op_id);
	if (st == ST_OK) {
		char name[64];
		snprintf(name, sizeof name, "%s", c.command);
		char *at = strchr(name, '@');
		if (at)
			*at = '\0';
		const struct command *cmd = svc_command_find(name);
		enum role need = cmd ? cmd->role : ROLE_ADMIN;
		if (!actor_can(actor, need))
			st = err_set(e, ST_DENIED, "处理此冲突需要%s权限", role_label(need));
	}
	if (st == ST_OK) {
		switch (how) {
		case SYNC_DISCARD: st = discard(db, actor, &c, e); break;
		case SYNC_REAPPLY: st = reapply(db, actor, &c, e); break;
		case SYNC_MERGE: st = merge(db, actor, &c, e); break;
		}
	}
	if (found)
		free(c.centre_row);
	if (st == ST_OK)
		st = db_commit(db, e);
	else
		db_rollback(db);
	if (st == ST_OK) {
		log_info("sync: op %s resolved (%d)", op_id, (int)how);
		/* A row the centre sent may be written now that nothing stands
		 * in its way (the discarded record's, or the duplicate's rival). */
		struct sync_stats ignore = { 0 };
		struct err re;
		if (sync_retry_deferred(db, &ignore, &re) != ST_OK)
			log_warn("sync: held-back rows not written yet (%s)", status_code(re.st));
	}
	return st;
}
