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

enum status svc_exec(struct svc *svc, const struct actor *actor, const struct command *cmd,
		     json_t *payload, struct err *e)
{
	if (!actor_can(actor, cmd->role))
		return err_set(e, ST_DENIED, "此操作需要%s权限", role_label(cmd->role));
	if (!json_is_object(payload))
		return err_set(e, ST_INVALID, "命令 %s 的参数无效", cmd->name);

	enum status st = db_begin(svc->db, e);
	if (st != ST_OK)
		return st;
	struct svc_run run = { .svc = svc, .actor = actor };
	st = cmd->apply(&run, payload, e);
	if (st == ST_OK)
		st = record(&run, cmd, payload, e);
	if (st == ST_OK)
		st = db_commit(svc->db, e);
	else
		db_rollback(svc->db);
	json_decref(run.before);
	json_decref(run.after);
	if (st != ST_OK)
		log_info("command %s refused: %s", cmd->name, status_code(st));
	return st;
}
