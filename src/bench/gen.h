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
 * all: applicants, enterprises and the links between them; applications
 * whose state follows from their age (the review, return, resubmission,
 * cancellation, making, posting, collection and completion steps each
 * drawn with its delay, cut at `now`; no review since the last 12% of the
 * history began, so that the review queue holds about 0.1 N); their
 * scanned documents (attachment and blob rows, no files); an order for
 * every submitted application that costs something, paid by transfer
 * (with the slip's attachment, verified by a supervisor, a few rejected)
 * or online, a few refunded, invoices; the certificates read from KEYs and
 * made for the applications (so the expiry worklist has its windows); the
 * blank KEYs received in batches and issued; the counters behind today's
 * numbers; one audit entry for every command those steps stand for (see
 * every_command), with the images the commands write, chained by
 * store/audit.c's own bulk append; and an outbox entry for each of the last day's commands (not
 * pushed yet; earlier ones as if pushed and pruned).
 *
 * Not generated: paper documents, certificate contacts and reminders,
 * KEYs returned to the centre, sessions and SMS codes. The outbox
 * payloads carry the record's id, not each command's full input: the
 * centre could not replay them.
 */
#include <stdint.h>
#include <time.h>

#include "model/application.h"
#include "model/order.h"
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
	/* Also the audit entries of the scans (attachment.add), the
	 * supervisor's make, ship, collect and complete steps and the KEY
	 * movements (the rows are made either way, and the same). They add
	 * about 5 entries per application to 6.4, and 40% to the database:
	 * certdesk bench leaves them out unless asked (--every-command), to
	 * stay within its 10 minutes. */
	bool every_command;
	int days;                /* and starts this many days before; 0: 730 */
	/* Called now and then (may be NULL). */
	void (*progress)(long done, long total, void *ctx);
	void *ctx;
};

struct gen_stats {
	long applications, applicants, enterprises, links, audit, staff;
	long orders, payments, refunds, attachments, certificates, keys, outbox;
	long by_order_status[ORDER__COUNT];
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
