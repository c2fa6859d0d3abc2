#ifndef CERTDESK_SYNC_SYNC_H
#define CERTDESK_SYNC_SYNC_H

/*
 * The terminal's side of sync (docs/SYNC.md): enrolment with the centre,
 * one sync round (upload attachments, push the outbox, pull the centre's
 * rows), the conflict list and its resolutions, and a background worker
 * for the screen.
 *
 * What this layer keeps in `settings` (store/settings.h):
 *   sync_url          the centre's base URL ("https://centre:8443")
 *   sync_secret       the terminal's secret (never logged, never shown)
 *   sync_cursor       the centre's change sequence pulled up to
 *   sync_enrolled_at  when this terminal was enrolled
 *   sync_last_ok      UTC time of the last round that reached the centre
 *                     and finished without error
 *   sync_last_try     UTC time of the last round
 *   sync_last_error   why the last round failed ("" when it did not)
 * and terminal_id/office_id become the centre's at enrolment.
 *
 * Settings in certdesk.conf (all optional):
 *   sync.interval           seconds between background rounds (default 30)
 *   sync.connect_timeout_ms connect timeout per request (default 3000)
 *   sync.timeout_ms         total time per request (default 30000)
 *   sync.pull_limit         rows per pull page (default 200)
 *   sync.ca_file            PEM CA file the centre's certificate is checked with
 *   sync.noproxy            hosts reached without a proxy ("*" for all)
 */
#include <stdbool.h>
#include <time.h>

#include <limits.h>

#include "model/attachment.h"
#include "model/staff.h"
#include "svc/attach_file.h"
#include "svc/app.h"
#include "util/status.h"
#include "util/uuid.h"

/* ---- options ------------------------------------------------------------ */

struct sync_opts {
	long interval_s;           /* background rounds */
	long connect_timeout_ms;
	long timeout_ms;
	long pull_limit;
	char ca_file[PATH_MAX];    /* "" : the system's CAs */
	char noproxy[256];
	bool has_noproxy;          /* sync.noproxy given (even empty) */
};

/* Read the sync.* keys of a configuration, with their defaults. ST_INVALID
 * names a bad value. */
enum status sync_opts_from_config(const struct config *cfg, struct sync_opts *out, struct err *e);

/* ---- attachment files ---------------------------------------------------- */

/* What a front end is told while a file comes down from the centre, and
 * how it stops it. Every member may be NULL; the hooks run on the thread
 * that fetches. */
struct sync_fetch_hooks {
	/* Once, just before the download starts (a screen says so). */
	void (*start)(void *ctx);
	/* During the download, as bytes arrive and about once a second while
	 * none do: `got` bytes of `total` (the centre's length, else the
	 * attachment's recorded size; 0 when neither is known). Returning
	 * true stops it: the fetch returns ST_CANCELLED and writes nothing. */
	bool (*progress)(void *ctx, long long got, long long total);
	void *ctx;
};

/* Make sure the blob file `sha256` is on this terminal: fetch it from the
 * centre when absent (GET /v1/blobs/SHA, hash-checked, written atomically:
 * a fetch that fails or is stopped leaves no file, whole or partial).
 * Runs on the calling thread within the sync timeouts, stretched for a big
 * file (`size` bytes, 0 when unknown) as for a slow line. `hooks` may be
 * NULL (no progress, no stop). ST_STATE when not enrolled, ST_NOT_FOUND
 * when the centre does not have it yet, ST_CANCELLED when the progress
 * hook stopped it. */
enum status sync_blob_fetch(struct app *app, const char *sha256, long long size,
			    const struct sync_fetch_hooks *hooks, struct err *e);
/* svc_attachment_copy (svc/attach_file.h), fetching the file from the
 * centre first when it is not on this terminal (another office scanned
 * it), through `hooks` (may be NULL; `start` is called only when a
 * download is needed). A download stopped by the hook returns
 * ST_CANCELLED with a sentence saying nothing was changed: no file, no
 * copy, no audit entry. */
enum status sync_attachment_copy(struct app *app, const struct actor *actor, const char *number,
				 const struct attachment *a, enum attach_use use,
				 const struct sync_fetch_hooks *hooks, char out_path[PATH_MAX],
				 struct err *e);

/* ---- enrolment ---------------------------------------------------------- */

struct sync_enrollment {
	char terminal_id[UUID_LEN + 1];
	char terminal_code[4];
	char office_id[UUID_LEN + 1];
	char office_code[OFFICE_CODE_MAX];
	char office_name[NAME_MAX_BYTES];
	long moved_ops;            /* outbox ops moved to the centre's identity */
};

/*
 * Enrol this terminal with the centre at `url` using the one-time `code`
 * printed by `certdeskd terminal add`: POST /v1/enroll, then, in one
 * transaction, store the URL and the secret, insert the centre's office and
 * terminal rows, and move everything made under the first-run identity
 * (outbox payloads, office_id/terminal_id columns) to the centre's.
 *
 * `admin` is the staff member doing it (audited), or NULL on a terminal
 * that has not been set up yet (no staff: nothing to protect, the code is
 * the credential). Refused with ST_STATE when already enrolled (unless
 * `force`), and when the centre's office code differs from the local one
 * while the terminal holds business records. `out` may be NULL.
 */
enum status sync_enroll(struct app *app, const struct actor *admin, const char *url,
			const char *code, bool force, struct sync_enrollment *out, struct err *e);

/* True when this database holds a sync URL and secret. */
bool sync_is_enrolled(struct db *db);

/* ---- one round ---------------------------------------------------------- */

enum sync_phase { SYNC_PHASE_BLOBS, SYNC_PHASE_PUSH, SYNC_PHASE_PULL };

struct sync_progress {
	enum sync_phase phase;
	long done;                 /* ops answered, files sent, rows pulled */
	long total;                /* ops pending at the start; 0 when unknown (pull) */
	long long bytes;           /* attachment bytes sent so far */
};
/* Called from the thread running the round, between requests. */
typedef void (*sync_progress_fn)(const struct sync_progress *p, void *ctx);

struct sync_stats {
	long pushed;               /* ops answered applied or duplicate */
	long rejected;             /* ops answered rejected in this round */
	long retry;                /* ops the centre asked to send again later */
	long pulled;               /* pulled rows written */
	long deferred;             /* pulled rows held back (sync_deferred) */
	long blobs;                /* files uploaded */
	long long blob_bytes;
	long pending;              /* ops still waiting after the round */
	long conflicts;            /* refused ops nobody has resolved yet */
	long long cursor;          /* the pull cursor after the round */
};

/*
 * One sync round on app->db: upload the files the pending ops name, push
 * the pending ops in order (batches of at most 500 ops and 8 MiB), apply
 * the answers, then pull the centre's changes page by page and retry rows
 * held back before. `progress` may be NULL; `stats` is filled as far as the
 * round got. Returns ST_OK, or the first error (ST_NET, ST_TIMEOUT when the
 * centre cannot be reached; ST_DENIED when the centre refuses the terminal;
 * ST_STATE when not enrolled); what was done before the error is kept. The
 * outcome is recorded in settings (sync_last_*).
 */
enum status sync_round(struct app *app, sync_progress_fn progress, void *ctx,
		       struct sync_stats *stats, struct err *e);

/* ---- status ------------------------------------------------------------- */

struct sync_status {
	bool enrolled;
	char host[256];            /* the centre's host[:port], "" when not enrolled */
	long pending;              /* ops waiting to be pushed */
	long conflicts;            /* refused ops not resolved */
	long deferred;             /* pulled rows held back */
	long long cursor;
	char last_ok[21];          /* UTC ISO 8601, "" never */
	char last_try[21];
	char last_error[256];      /* "" when the last round succeeded */
};
enum status sync_status_read(struct db *db, struct sync_status *out, struct err *e);

/* ---- conflicts ---------------------------------------------------------- */

struct sync_conflict {
	long long seq;
	char op_id[UUID_LEN + 1];
	char command[64];          /* "applicant.register@1" */
	char entity[24];
	char entity_id[UUID_LEN + 1];
	char actor_id[UUID_LEN + 1];
	char created_at[21];
	char code[24];             /* the centre's status code: "exists", "conflict"... */
	char message[256];         /* the centre's Chinese message */
	char field[32];
	long base_version;
	char *centre_row;          /* JSON of the centre's record, or NULL; owned */
	bool can_reapply;          /* code "conflict" */
	bool can_merge;            /* applicant.register refused with "exists" */
};

/* The refused, unresolved ops, oldest first. Returns how many (the array in
 * *out, NULL when none; free with sync_conflicts_free) or -1 with e set. */
long sync_conflicts(struct db *db, struct sync_conflict **out, struct err *e);
void sync_conflicts_free(struct sync_conflict *list, long n);

enum sync_resolution { SYNC_DISCARD, SYNC_REAPPLY, SYNC_MERGE };
/* "discard"/"reapply"/"merge"; false when unknown. */
bool sync_resolution_parse(const char *s, enum sync_resolution *out);

/*
 * Resolve a refused op, as `actor`, in one transaction with a local audit
 * entry:
 *  - discard: the op is marked resolved; the local record becomes the
 *    centre's (the row held back from the pull, else the row the centre
 *    sent with its refusal); a record the centre does not have is removed
 *    (refused when other local records still need it: merge instead).
 *  - reapply (code "conflict" only): the op goes back to the queue, under a
 *    new op id (the centre keeps the old id's refusal), made against the
 *    centre's current version of the record.
 *  - merge (applicant.register refused with "exists"): the local
 *    applicant's applications, orders, links and queued ops move to the
 *    applicant the centre already has with that phone (pulled, held back),
 *    and the local duplicate goes away.
 * ST_NOT_FOUND when no such refused op, ST_STATE when the resolution does
 * not fit the refusal, ST_DENIED when the actor's role is too low.
 */
enum status sync_resolve(struct db *db, const struct actor *actor, const char *op_id,
			 enum sync_resolution how, struct err *e);

/* ---- background worker -------------------------------------------------- */

/* What the screen shows, copied under the worker's lock. */
struct sync_snapshot {
	bool enrolled;
	bool online;               /* the last round reached the centre */
	bool running;              /* a round is in progress now */
	long pending;
	long conflicts;
	time_t last_ok;            /* 0: never */
	time_t next_at;            /* when the next round starts */
	char last_error[256];      /* "" after a good round */
	struct sync_progress progress;  /* of the running round */
};

struct sync_worker;

/*
 * Start the worker: a thread with its own database connection (a second
 * `struct db` on app->db_path) and its own HTTP client, running a round
 * every sync.interval seconds, at once when kicked, and backing off
 * (exponential with jitter, up to 5 minutes) while the centre cannot be
 * reached. It copies what it needs from `app`, which it does not keep.
 * Caller stops it with sync_worker_stop (which frees it).
 */
enum status sync_worker_start(const struct app *app, struct sync_worker **out, struct err *e);
/* Run a round as soon as possible (never blocks). NULL is fine. */
void sync_worker_kick(struct sync_worker *w);
/* Copy the current state (never blocks on a round: the lock is only ever
 * held to copy a few fields). */
void sync_worker_snapshot(struct sync_worker *w, struct sync_snapshot *out);
/* Ask the thread to finish (a round in progress ends at its next request;
 * a request in progress is abandoned within about a second), join it,
 * close its connection, free it.
 * NULL is fine. */
void sync_worker_stop(struct sync_worker *w);

#endif
