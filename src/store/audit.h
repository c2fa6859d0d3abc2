#ifndef CERTDESK_STORE_AUDIT_H
#define CERTDESK_STORE_AUDIT_H

#include <stdbool.h>

#include "model/staff.h"
#include "store/db.h"

/*
 * The append-only, hash-chained audit log (DESIGN.md, Data). Each entry's
 * hash is SHA-256 over its own fields and the previous entry's hash; the
 * head (last seq and hash) is kept in settings, in the same transaction,
 * so that removing entries from the end is found too.
 */
struct audit_rec {
	const char *action;     /* command name, "staff.create" */
	const char *entity;     /* "staff" */
	const char *entity_id;  /* the record's id */
	const char *before;     /* JSON or NULL; personal data masked */
	const char *after;      /* JSON or NULL; personal data masked */
};

/* Append one entry inside the caller's transaction. */
enum status audit_append(struct db *db, const struct actor *a, const struct audit_rec *r,
			 struct err *e);

/* Characters of an entry's hash in hex, NUL included. */
#define AUDIT_HASH_HEX 65

/*
 * Appending many entries at once (bulk loads: the benchmark's generator).
 * The same chain and the same hashes as audit_append, which is built on
 * it, but the head is read once by audit_bulk_begin and written by
 * audit_bulk_flush instead of once per entry. All calls run inside the
 * caller's transactions; flush before every commit, and a bulk may then
 * go on in the next transaction. The struct is embedded (no _done).
 */
struct audit_bulk {
	struct db *db;                /* borrowed */
	long long seq;                /* the last entry's seq, 0 when none */
	char prev[AUDIT_HASH_HEX];    /* the last entry's hash */
};
/* Read the head. ST_DB when it is damaged. */
enum status audit_bulk_begin(struct db *db, struct audit_bulk *b, struct err *e);
/* Append one entry after the last. `id` (a UUIDv7) and `at` (UTC ISO 8601)
 * may be NULL for a new id and now; a loader of past events gives both. */
enum status audit_bulk_add(struct audit_bulk *b, const struct actor *a, const struct audit_rec *r,
			   const char *id, const char *at, struct err *e);
/* Write the head (last seq and hash) in the current transaction. */
enum status audit_bulk_flush(struct audit_bulk *b, struct err *e);

/*
 * Batch mode, for a transaction that appends many entries (the centre's
 * group commit: thousands of ops, each in its own savepoint). Between
 * audit_batch_begin and audit_batch_end, audit_append on `db` from this
 * thread takes the head from the log's last entry instead of reading and
 * writing settings each time; a savepoint rolled back takes its entries,
 * and so the head, with it. The chain and the hashes are the same.
 * Call begin inside the transaction, and audit_batch_end(db, true) before
 * the commit (it writes the head once); on a rollback, end with keep =
 * false. One batch per thread. A log whose head disagrees with its last
 * entry is left in the entry-by-entry mode, so verify still reports it.
 */
enum status audit_batch_begin(struct db *db, struct err *e);
enum status audit_batch_end(struct db *db, bool keep, struct err *e);

struct audit_check {
	long entries;        /* entries checked */
	long bad_seq;        /* first broken entry's seq, 0 when the chain holds */
	char reason[160];    /* why it is broken (Chinese) */
};

/* Walk the whole chain. ST_OK with out->bad_seq == 0 when intact; ST_OK
 * with bad_seq set when broken (the caller decides how to report); another
 * status when the log cannot be read. `progress` may be NULL. */
enum status audit_verify(struct db *db, struct audit_check *out,
			 void (*progress)(long done, void *ctx), void *ctx, struct err *e);

#endif
