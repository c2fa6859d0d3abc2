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
	/* An open batch (svc_batch_begin): commands join its transaction.
	 * batch_err.st is ST_OK until SQLite gives the transaction up (disk
	 * full, I/O error); then batch_err says why. */
	bool batch;
	struct err batch_err;
	/* Centre: the record version the op being replayed was made against
	 * (its base_version); when > 0 it must equal the record's version now,
	 * else the command is refused with ST_CONFLICT. 0: not checked. */
	long expect_version;
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
 * (terminal only), all in one transaction, or in one savepoint of the open
 * batch (svc_batch_begin). `payload` is borrowed. On failure nothing of
 * this command is written and e says why.
 */
enum status svc_exec(struct svc *svc, const struct actor *actor, const struct command *cmd,
		     json_t *payload, struct err *e);

/*
 * Batches: many commands in one transaction, for imports, so that a file is
 * imported whole or not at all, even when the disk fills half-way.
 *
 * Between svc_batch_begin and svc_batch_commit (or _rollback), svc_exec
 * does not open its own transaction but joins the batch's: each command
 * still runs its role check and apply, and writes its own audit entry and
 * outbox entry, inside a savepoint. A command that fails is undone alone
 * (its savepoint rolled back) and the batch goes on, so the caller can
 * collect every refusal and then decide: commit what succeeded, or roll
 * everything back. Reads inside the batch see the commands run before, so
 * a later row may refer to an earlier one.
 *
 * If SQLite abandons the transaction itself (disk full, I/O error), the
 * batch is lost: every later svc_exec and svc_batch_commit fail with that
 * error, and nothing of the batch is written.
 *
 * The batch holds the database's write lock until it ends. Only commands
 * join it: functions that open a transaction of their own (login, SMS
 * codes) refuse to run inside a batch (ST_INTERNAL). Batches do not nest.
 */
enum status svc_batch_begin(struct svc *svc, struct err *e);
/* Commit the batch: everything run in it that succeeded. On failure
 * (including a lost batch) nothing is written. The batch is over either way. */
enum status svc_batch_commit(struct svc *svc, struct err *e);
/* Throw the whole batch away; harmless when none is open. */
void svc_batch_rollback(struct svc *svc);

/*
 * Audit a read of personal data that leaves the program (an export): one
 * audit entry with `action` ("applicant.export"), `entity` and `detail`
 * (borrowed: the filter and how many rows went out), in a transaction of
 * its own or the open batch. No outbox entry: a read changes nothing the
 * centre has to replay. The caller checks the role before the data goes
 * out; this only records.
 */
enum status svc_audit_read(struct svc *svc, const struct actor *actor, const char *action,
			   const char *entity, json_t *detail, struct err *e);

/* The command with this name, or NULL; used by the centre to replay ops. */
const struct command *svc_command_find(const char *name);

#endif
