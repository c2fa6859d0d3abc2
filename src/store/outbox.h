#ifndef CERTDESK_STORE_OUTBOX_H
#define CERTDESK_STORE_OUTBOX_H

#include "model/staff.h"
#include "store/db.h"
#include "util/uuid.h"

/*
 * The sync outbox: one row per command run on this terminal, written in
 * the command's own transaction (DESIGN.md, Sync). The payload is the
 * command's input as JSON, so the centre can run the same command.
 */
struct outbox_op {
	const char *command;    /* "staff.create@1" */
	const char *entity;
	const char *entity_id;
	long base_version;      /* the record's version this op edited, 0 for new */
	const char *payload;    /* JSON text */
};

/* Append inside the caller's transaction; op_id (may be NULL) receives the
 * new op's UUID. */
enum status outbox_append(struct db *db, const struct actor *a, const struct outbox_op *op,
			  char op_id[UUID_LEN + 1], struct err *e);
/* Ops not yet answered by the centre; -1 on error. */
long outbox_pending(struct db *db);
/* Ops the centre rejected and nobody has resolved yet; -1 on error. */
long outbox_rejected(struct db *db);

#endif
