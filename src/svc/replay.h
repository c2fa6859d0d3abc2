#ifndef CERTDESK_SVC_REPLAY_H
#define CERTDESK_SVC_REPLAY_H

/*
 * The centre's side of a push (docs/SYNC.md): run one op from a terminal
 * with the same command code the terminal ran, as the staff member who ran
 * it, at the time it ran, and record the op's result so that it is never
 * applied twice. Call inside svc_batch_begin/commit (one transaction per
 * push, a savepoint per op).
 */
#include <jansson.h>
#include <stdbool.h>

#include "svc/svc.h"

/* The terminal that pushed, as authenticated by certdeskd. */
struct sync_peer {
	char terminal_id[UUID_LEN + 1];
	char office_id[UUID_LEN + 1];
	bool all_offices;
};

struct op_result {
	char status[12];          /* applied | duplicate | rejected | retry */
	char code[24];            /* a status code name when rejected/retry */
	char message[256];
	char field[32];
	char entity[24];
	char entity_id[UUID_LEN + 1];
	json_t *row;              /* the centre's record when rejected (owned; may be NULL) */
};

/* Release out->row. */
void op_result_done(struct op_result *r);

/*
 * Run one op (the JSON of docs/SYNC.md: op_id, command "name@version",
 * actor_id, entity_id, base_version, at, payload). Fills *out; returns
 * ST_OK when the op got an answer (applied, duplicate, rejected or retry),
 * or an error when the batch itself is lost (the caller rolls back and
 * answers every op with retry). `blob_ok` says whether an attachment's file
 * has arrived at the centre (NULL: always).
 */
enum status svc_replay(struct svc *svc, const struct sync_peer *peer, json_t *op,
		       bool (*blob_ok)(const char *sha256, void *ctx), void *ctx,
		       struct op_result *out, struct err *e);

#endif
