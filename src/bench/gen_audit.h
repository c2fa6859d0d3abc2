#ifndef CERTDESK_BENCH_GEN_AUDIT_H
#define CERTDESK_BENCH_GEN_AUDIT_H

/*
 * The audit log of a generated history (gen.h). The history is made one
 * application at a time, but the commands it stands for interleave in
 * time (a review comes hours after the next visits): entries are queued
 * with their times and written in time order, a while behind the
 * generator's clock, through store/audit.c's own bulk append, with the
 * images that the commands write.
 */
#include <stdbool.h>
#include <stddef.h>

#include "bench/synth.h"
#include "model/application.h"
#include "model/order.h"
#include "store/audit.h"

struct gen_event;

struct gen_audit {
	struct audit_bulk bulk;
	struct rng *rng;               /* borrowed: draws the entries' ids */
	const struct actor *actors;    /* borrowed: the actors events name by index */
	long long now_ms;              /* entries after this never happened */
	struct gen_event **heap;       /* queued entries, earliest first */
	size_t n, cap;
	unsigned long long order;      /* ties keep the order of queueing */
	long long last_ms;             /* of the last id made (ids keep rising) */
	long long sync_ms;             /* entries from then on also go to the outbox */
	long outbox;                   /* outbox rows written */
};

/* Embedded; begin reads the chain's head, done frees what is still queued.
 * Commands made at sync_ms or later are also written to the outbox (not
 * pushed yet), with the record's id as payload. */
enum status gen_audit_begin(struct gen_audit *ga, struct db *db, struct rng *rng,
			    const struct actor *actors, long long now_ms, long long sync_ms,
			    struct err *e);
void gen_audit_done(struct gen_audit *ga);
/* Queue an entry made at `ms` by actors[actor]. Takes before and after
 * (malloc'd, either may be NULL), also on failure. */
enum status gen_audit_add(struct gen_audit *ga, long long ms, int actor, const char *action,
			  const char *entity, const char *entity_id, char *before, char *after,
			  struct err *e);
/* Write the queued entries made up to `until` (ms), in time order. */
enum status gen_audit_write(struct gen_audit *ga, long long until, struct err *e);
/* Write the chain's head: before every commit. */
enum status gen_audit_flush(struct gen_audit *ga, struct err *e);
/* Entries in the log (the last seq). */
long gen_audit_count(const struct gen_audit *ga);

/* The images the commands keep in the log (svc/applicant.c, applicant_json;
 * svc/application.c, app_json), byte for byte as util/jsonx.c jx_dump
 * writes them: keys sorted, compact, personal data masked. Caller frees;
 * NULL when out of memory. */
char *gen_image_applicant(const char *phone, const char *name, const char *id_number,
			  bool portal_password);
char *gen_image_application(const struct application *a);
/* The same with what the supervisor's commands add (svc/review.c, after):
 * issued serial, courier, tracking number, collector. */
char *gen_image_supervised(const struct application *a);
/* svc/order.c order_json. */
char *gen_image_order(const struct order *o);
/* svc/payment.c payment_json with this state and reason, and "slip" (0 or
 * 1; -1: none) and "refund_of" (NULL: none) as the commands add them. */
char *gen_image_payment(const struct payment *p, const char *state, const char *reason, int slip,
			const char *refund_of);
/* svc/app_docs.c att_json. */
char *gen_image_attachment(const char *owner_id, const char *doc_type, const char *name,
			   const char *sha256, const char *mime, long long size);
/* svc/stock.c key_json, with "number" when issued (NULLs: none), and a
 * movement's image (move_audit). */
char *gen_image_key(const char *serial, const char *state, const char *application_id,
		    const char *number);
char *gen_image_key_move(const char *kind, int count, const char *first, const char *last,
			 const char *note);

#endif
