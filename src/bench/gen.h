#ifndef CERTDESK_BENCH_GEN_H
#define CERTDESK_BENCH_GEN_H

/*
 * The benchmark's database: two years of a busy Shenzhen counter,
 * generated reproducibly from a seed. Used by `certdesk bench` (a million
 * applications) and by the unit tests (a few thousand).
 *
 * The office, its terminal and the staff are made by the real use cases
 * (svc_setup, svc_staff_create) with the clock pinned to the start of the
 * history. Everything after is bulk-inserted with prepared statements in
 * large transactions into the schema the migrations made, indexes and
 * all: applicants, enterprises and the links between them, applications
 * whose state follows from their age (the review, return, resubmission,
 * cancellation and delivery steps each drawn with its delay, cut at
 * `now`), the counters behind today's numbers, and one audit entry for
 * every command those steps stand for (applicant.register,
 * application.create/submit/accept/return/cancel), with the images the
 * commands write, chained by store/audit.c's own bulk append.
 *
 * Not generated yet (the commands do not exist or nothing reads them):
 * attachments and paper documents, orders and payments, the outbox (as if
 * every op had been pushed and pruned), the supervisor's ready/shipped/
 * collected steps in the audit log (the rows carry those states).
 */
#include <stdint.h>
#include <time.h>

#include "model/application.h"
#include "svc/svc.h"

/* The staff the generator makes; every account has this password. The
 * admin's is not to be changed at first login (the screens log in with it). */
#define GEN_ADMIN "admin"
#define GEN_PASSWORD "Bench1234"
#define GEN_OFFICE "SZFT"

struct gen_params {
	long applications;       /* N; applicants 0.3 N, enterprises 0.1 N */
	uint64_t seed;
	time_t now;              /* the history ends here; 0: clock_now() */
	int days;                /* and starts this many days before; 0: 730 */
	/* Called now and then (may be NULL). */
	void (*progress)(long done, long total, void *ctx);
	void *ctx;
};

struct gen_stats {
	long applications, applicants, enterprises, links, audit, staff;
	long by_status[APP__COUNT];
	long personal;           /* personal-certificate applications */
	double seconds;
};

/*
 * Fill the database behind `svc`, which must be new (no staff yet). The
 * connection's settings are changed for the load (no journal, no fsync,
 * a large cache, no foreign-key checks: the rows are consistent by
 * construction) and put back to the program's own at the end. On failure
 * the database is left half-filled: throw it away.
 */
enum status gen_run(struct svc *svc, const struct gen_params *p, struct gen_stats *out,
		    struct err *e);

#endif
