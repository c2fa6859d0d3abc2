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
};

/* Embedded; begin reads the chain's head, done frees what is still queued. */
enum status gen_audit_begin(struct gen_audit *ga, struct db *db, struct rng *rng,
			    const struct actor *actors, long long now_ms, struct err *e);
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

#endif
