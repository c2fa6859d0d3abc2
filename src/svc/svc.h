#ifndef CERTDESK_SVC_SVC_H
#define CERTDESK_SVC_SVC_H

#include <jansson.h>
#include <stdbool.h>

#include "model/staff.h"
#include "store/db.h"

/*
 * The use-case layer (DESIGN.md, Layers). A use case is a command:
 * (store, actor, input) -> result. Its input is a JSON payload that holds
 * everything needed to replay it (ids, hashes), so that the very same
 * `apply` runs on the terminal at once and at the centre when the outbox
 * arrives. svc_exec wraps one run in one transaction with its audit entry
 * and (on a terminal) its outbox entry; nothing is written half-way.
 */
struct svc {
	struct db *db;       /* borrowed */
	bool centre;         /* true in certdeskd: authoritative, no outbox */
};

/* What one run of a command changed; filled by `apply` for the audit log. */
struct svc_run {
	struct svc *svc;
	const struct actor *actor;
	const char *entity;          /* "staff" (static string) */
	char entity_id[UUID_LEN + 1];
	long base_version;           /* version of the record it edited */
	json_t *before;              /* owned by the run; NULL for new records */
	json_t *after;               /* owned by the run */
};

struct command {
	const char *name;            /* "staff.create" */
	int version;                 /* payload version, "staff.create@1" */
	enum role role;              /* the least role allowed to run it */
	/* Check the rules, write the rows, fill run->entity/entity_id/before/after.
	 * Runs inside the transaction; must not commit or touch the screen. */
	enum status (*apply)(struct svc_run *run, json_t *payload, struct err *e);
};

/*
 * Run one command as `actor`: role check, apply, audit entry, outbox entry
 * (terminal only), all in one transaction. `payload` is borrowed.
 * On failure nothing is written and e says why.
 */
enum status svc_exec(struct svc *svc, const struct actor *actor, const struct command *cmd,
		     json_t *payload, struct err *e);

/* The command with this name, or NULL; used by the centre to replay ops. */
const struct command *svc_command_find(const char *name);

#endif
