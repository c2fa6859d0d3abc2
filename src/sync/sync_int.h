#ifndef CERTDESK_SYNC_SYNC_INT_H
#define CERTDESK_SYNC_SYNC_INT_H

/*
 * Inside the sync layer: the context a round runs in, the client for the
 * centre's routes, and the store-level steps, each usable (and tested) on
 * its own without a network.
 */
#include <jansson.h>
#include <stdatomic.h>

#include "adapt/http.h"
#include "store/db.h"
#include "store/sync_tables.h"
#include "sync/sync.h"

#define SYNC_BATCH_OPS 500
#define SYNC_BATCH_BYTES (8L * 1024 * 1024)
#define SYNC_BLOB_PART (1L * 1024 * 1024)
#define SYNC_SECRET_MAX 160

/* A round's context: borrowed pieces, on whichever connection and thread. */
struct sync_ctx {
	struct db *db;                   /* this thread's connection */
	const char *data_dir;            /* for blob files */
	struct http_client *http;        /* this thread's client */
	const struct sync_opts *opts;
	char url[512];                   /* base URL without a trailing '/' */
	char auth[UUID_LEN + SYNC_SECRET_MAX + 32];  /* "Authorization: Bearer id.secret" */
	sync_progress_fn progress;
	void *progress_ctx;
	struct sync_progress prog;
	const atomic_bool *stop;         /* set: finish at the next request; may be NULL */
	long batch_ops;                  /* current batch size (halved on 413) */
};

/* ---- client.c: the centre's routes ---- */

/* Fill url and auth from settings. ST_STATE when not enrolled. */
enum status sync_ctx_load(struct sync_ctx *c, struct err *e);
/* An HTTP client with the options' timeouts, proxy and CA file. */
enum status sync_http_new(const struct sync_opts *o, struct http_client **out, struct err *e);
/* POST JSON to url+path (no authorization when auth is NULL) and parse the
 * JSON answer (2xx). *out new reference. Non-2xx answers become statuses
 * with the centre's message when it sent one. */
enum status sync_call(struct http_client *h, const char *base, const char *auth,
		      const char *method, const char *path, json_t *body, json_t **out,
		      struct err *e);
/* Same, sending a prepared body (borrowed); *code_out (may be NULL) gets
 * the HTTP status, 0 when no answer came. */
enum status sync_call_raw(struct http_client *h, const char *base, const char *auth,
			  const char *method, const char *path, const char *body, size_t len,
			  long *code_out, json_t **out, struct err *e);
/* Upload one blob file (HEAD, then PUT from what the centre holds, in
 * parts). ST_NOT_FOUND when the local file is missing. */
enum status sync_blob_upload(struct sync_ctx *c, const char *sha256, long long *sent,
			     struct err *e);
/* The base URL checked and without a trailing '/'. */
enum status sync_url_normalize(const char *in, char *out, size_t outsz, struct err *e);

/* ---- enroll.c ---- */

/*
 * Move every record made under the identity (old_office, old_terminal) to
 * (new office row, new terminal row), inside the caller's transaction:
 * the rows are inserted, the old ones removed, the office_id and
 * terminal_id columns and the outbox (payload text, entity ids) rewritten,
 * settings terminal_id/office_id set. old_* may be "" (never set up).
 * *moved gets the number of outbox ops rewritten.
 */
enum status sync_identity_move(struct db *db, const char *old_office, const char *old_terminal,
			       json_t *office, json_t *terminal, long *moved, struct err *e);
/* The local half of enrolment: check the centre's answer to POST
 * /v1/enroll (office, terminal, secret), refuse an office change when
 * business records exist, and adopt the identity in one transaction. */
enum status sync_enroll_apply(struct db *db, const struct actor *admin, const char *url,
			      json_t *answer, struct sync_enrollment *out, struct err *e);
/* True when the database holds applicants, applications, orders or payments. */
bool sync_has_business(struct db *db);

/* ---- push.c ---- */

/* The envelope of one outbox op (docs/SYNC.md, Push). NULL when its
 * payload is not JSON. New reference. */
json_t *sync_envelope(const char *op_id, const char *command, const char *actor_id,
		      const char *entity, const char *entity_id, long long base_version,
		      const char *at, const char *payload);
/* Call fn for every blob the payload names ("sha256", "file".sha256,
 * "slips"[].sha256); stops and returns false when fn does. */
bool sync_payload_blobs(json_t *payload, bool (*fn)(const char *sha256, void *ctx), void *ctx);
/* Apply the centre's answers (the "results" array) to the outbox in one
 * transaction. *stop_push is set when an op must be retried later. */
enum status sync_apply_results(struct db *db, json_t *results, struct sync_stats *st,
			       bool *stop_push, struct err *e);
/* Push everything pending (uploading files first). */
enum status sync_push(struct sync_ctx *c, struct sync_stats *st, struct err *e);

/* ---- pull.c ---- */

/* Apply one page of changes and move the cursor to `next`, in one
 * transaction, with foreign keys off (see pull.c). */
enum status sync_apply_page(struct db *db, json_t *changes, long long next, struct sync_stats *st,
			    struct err *e);
/* Write the held-back rows that nothing stands in the way of any more. */
enum status sync_retry_deferred(struct db *db, struct sync_stats *st, struct err *e);
/* Pull every page after the cursor, then retry held-back rows. */
enum status sync_pull(struct sync_ctx *c, struct sync_stats *st, struct err *e);
/* True when local ops (pending or refused-unresolved) stand on this row. */
bool sync_row_blocked(struct db *db, const struct sync_table *t, json_t *key);
/* Write (or delete) one row as the centre has it; *unique_clash set (and
 * ST_OK returned, nothing written) when a UNIQUE column clashes with a
 * different local record. Inside the caller's transaction. */
enum status sync_write_row(struct db *db, const struct sync_table *t, json_t *key, json_t *row,
			   bool deleted, bool *unique_clash, struct err *e);
/* Hold a row back in sync_deferred (replacing an older one for the key). */
enum status sync_defer(struct db *db, const char *table, json_t *key, long long seq, bool deleted,
		       json_t *row, const char *reason, struct err *e);

/* Forget the held-back row of this key (written, or out of date). */
enum status sync_undefer(struct db *db, const char *table, json_t *key, struct err *e);

/* ---- conflict.c ---- */

/* The table of a command's entity ("applicant" -> "applicants"), or NULL. */
const char *sync_entity_table(const char *entity);

/* ---- round.c ---- */

/* Record the outcome of a round in settings (own short transaction). */
void sync_record_outcome(struct db *db, enum status st, const struct err *e);
/* A round on an explicit context (the worker's connection and client). */
enum status sync_round_ctx(struct sync_ctx *c, struct sync_stats *stats, struct err *e);
/* Report progress to the round's callback. */
void sync_report(struct sync_ctx *c);
/* True when the worker asked the round to stop. */
bool sync_stopping(const struct sync_ctx *c);

#endif
