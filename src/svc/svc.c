#include "svc/svc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/outbox.h"
#include "svc/commands.h"
#include "util/jsonx.h"
#include "util/log.h"

static const struct command *const all_commands[] = {
#define COMMAND(sym) &sym,
	COMMAND_LIST(COMMAND)
#undef COMMAND
};

const struct command *svc_command_find(const char *name)
{
	for (size_t i = 0; i < sizeof all_commands / sizeof all_commands[0]; i++)
		if (strcmp(all_commands[i]->name, name) == 0)
			return all_commands[i];
	return NULL;
}

static enum status record(struct svc_run *run, const struct command *cmd, json_t *payload,
			  struct err *e)
{
	char *before = jx_dump(run->before), *after = jx_dump(run->after);
	struct audit_rec rec = {
		.action = cmd->name,
		.entity = run->entity ? run->entity : "",
		.entity_id = run->entity_id,
		.before = before,
		.after = after,
	};
	enum status st = audit_append(run->svc->db, run->actor, &rec, e);
	if (st == ST_OK && !run->svc->centre) {
		char name[64];
		char *text = jx_dump(payload);
		snprintf(name, sizeof name, "%s@%d", cmd->name, cmd->version);
		struct outbox_op op = {
			.command = name,
			.entity = rec.entity,
			.entity_id = run->entity_id,
			.base_version = run->base_version,
			.payload = text ? text : "{}",
		};
		st = outbox_append(run->svc->db, run->actor, &op, NULL, e);
		free(text);
	}
	free(before);
	free(after);
	return st;
}

/* The batch's transaction is gone: remember why, for every later call. */
static void lose_batch(struct svc *svc, enum status st, const char *why)
{
	err_set(&svc->batch_err, st, "批量操作已中止，没有写入任何记录：%s", why);
	log_error("batch lost: %s", status_code(st));
}

/* Open a command's transaction: its own (BEGIN IMMEDIATE), or a savepoint
 * in the open batch. */
static enum status tx_open(struct svc *svc, struct err *e)
{
	if (!svc->batch)
		return db_begin(svc->db, e);
	if (svc->batch_err.st == ST_OK && sqlite3_get_autocommit(db_handle(svc->db)))
		lose_batch(svc, ST_DB, "数据库事务已被中止");
	if (svc->batch_err.st != ST_OK) {
		if (e)
			*e = svc->batch_err;
		return svc->batch_err.st;
	}
	return db_exec(svc->db, "SAVEPOINT svc_command", e);
}

/* Close it: keep the work when st is ST_OK, else undo it. Returns the
 * final status (a failed commit is a failure). */
static enum status tx_close(struct svc *svc, enum status st, struct err *e)
{
	if (!svc->batch) {
		if (st == ST_OK)
			return db_commit(svc->db, e);
		db_rollback(svc->db);
		return st;
	}
	if (st == ST_OK) {
		st = db_exec(svc->db, "RELEASE svc_command", e);
		if (st == ST_OK)
			return ST_OK;
	}
	/* After some errors (disk full, I/O) SQLite has already rolled the
	 * whole transaction back: the batch is lost, not just this command. */
	sqlite3 *h = db_handle(svc->db);
	if (sqlite3_get_autocommit(h) ||
	    sqlite3_exec(h, "ROLLBACK TO svc_command; RELEASE svc_command", NULL, NULL, NULL) !=
		    SQLITE_OK)
		lose_batch(svc, st, e ? err_text(e) : status_message(st));
	return st;
}

enum status svc_exec(struct svc *svc, const struct actor *actor, const struct command *cmd,
		     json_t *payload, struct err *e)
{
	if (!actor_can(actor, cmd->role))
		return err_set(e, ST_DENIED, "此操作需要%s权限", role_label(cmd->role));
	if (!json_is_object(payload))
		return err_set(e, ST_INVALID, "命令 %s 的参数无效", cmd->name);

	enum status st = tx_open(svc, e);
	if (st != ST_OK)
		return st;
	struct svc_run run = { .svc = svc, .actor = actor };
	st = cmd->apply(&run, payload, e);
	if (st == ST_OK && svc->centre && svc->expect_version > 0 && run.base_version > 0 &&
	    run.base_version != svc->expect_version)
		st = err_set(e, ST_CONFLICT, "该记录已在中心被修改（中心版本 %ld，本机修改基于版本 %ld），"
			     "请在新版本上重新办理", run.base_version, svc->expect_version);
	if (st == ST_OK)
		st = record(&run, cmd, payload, e);
	st = tx_close(svc, st, e);
	json_decref(run.before);
	json_decref(run.after);
	if (st != ST_OK)
		log_info("command %s refused: %s", cmd->name, status_code(st));
	return st;
}

enum status svc_batch_begin(struct svc *svc, struct err *e)
{
	if (svc->batch)
		return err_set(e, ST_INTERNAL, "程序内部错误：批量操作嵌套");
	enum status st = db_begin(svc->db, e);
	if (st != ST_OK)
		return st;
	svc->batch = true;
	err_clear(&svc->batch_err);
	return ST_OK;
}

enum status svc_batch_commit(struct svc *svc, struct err *e)
{
	if (!svc->batch)
		return err_set(e, ST_INTERNAL, "程序内部错误：没有进行中的批量操作");
	svc->batch = false;
	if (svc->batch_err.st == ST_OK && sqlite3_get_autocommit(db_handle(svc->db)))
		lose_batch(svc, ST_DB, "数据库事务已被中止");
	if (svc->batch_err.st != ST_OK) {
		db_rollback(svc->db);
		if (e)
			*e = svc->batch_err;
		return svc->batch_err.st;
	}
	return db_commit(svc->db, e);
}

void svc_batch_rollback(struct svc *svc)
{
	if (!svc->batch)
		return;
	svc->batch = false;
	db_rollback(svc->db);
}

enum status svc_audit_read(struct svc *svc, const struct actor *actor, const char *action,
			   const char *entity, json_t *detail, struct err *e)
{
	char *after = jx_dump(detail);
	struct audit_rec rec = {
		.action = action, .entity = entity, .entity_id = "", .after = after,
	};
	enum status st = tx_open(svc, e);
	if (st == ST_OK)
		st = tx_close(svc, audit_append(svc->db, actor, &rec, e), e);
	free(after);
	return st;
}
