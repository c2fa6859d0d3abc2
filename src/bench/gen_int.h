#ifndef CERTDESK_BENCH_GEN_INT_H
#define CERTDESK_BENCH_GEN_INT_H

/*
 * The generator's insides, shared by gen.c (people, enterprises, the
 * applications' lives, the calendar, the run) and gen_paper.c (what goes
 * with an application: its scans, its order and payments, its blank KEY,
 * its certificates). Private to src/bench/gen*.c.
 */
#include <stdbool.h>
#include <stdint.h>

#include "bench/gen.h"
#include "bench/gen_audit.h"
#include "bench/synth.h"
#include "model/order.h"
#include "model/stock.h"
#include "store/db.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define MIN_MS 60000LL
#define YEAR_MS (365 * DAY_MS)
#define COMMIT_EVERY 25000       /* applications per transaction */
#define AUDIT_LAG (10 * MIN_MS)  /* events are written once this far behind the clock */
#define NTERM 3
#define NCLERK 4
#define NSUPER 2
#define BACKLOG 0.12             /* the share of N at the end left unreviewed */
#define KEY_BATCH 200            /* blank KEYs the centre sends at a time */

/* ---- what is generated, in memory ------------------------------------- */

struct person {
	char id[UUID_LEN + 1];
	char name[32];
	char phone[12];
	char id_number[19];      /* "" for the few who gave none */
	char email[48];
	char address[192];
	char postal[7];
};

struct org {
	char id[UUID_LEN + 1];
	char code[19];
	char name[192];
	char legal_rep[32];
	char address[192];
	char postal[7];
	char phone[24];
	long agent;              /* the person who usually comes for it */
};

/* Hashes of the values that must be unique (phones, ID numbers, codes). */
struct hashset {
	uint64_t *v;
	size_t cap, n;
};

struct gen {
	struct svc *svc;
	struct db *db;
	struct rng rng;
	const struct gen_params *p;
	struct gen_stats *st;
	long long now_ms;
	struct actor actors[1 + NCLERK + NSUPER];   /* admin, clerks, supervisors */
	char terminal_id[NTERM][UUID_LEN + 1];
	char office_id[UUID_LEN + 1];
	struct person *people;
	long npeople, cap_people;
	struct org *orgs;
	long norgs, cap_orgs;
	struct hashset phones, ids, codes;
	struct gen_audit audit;
	struct rng audit_rng;    /* the log's own ids: the rows do not depend on what is logged */
	long long last_app_ms, last_person_ms;
	const char *pw_hash;     /* one portal password hash, shared */
	long long backlog_ms;    /* no review from then on (the queue to scroll) */
	long long sync_ms;       /* pushed to the centre up to then (now - 1 day) */
	long long price[KIND__COUNT][SUBJECT__COUNT][APP_MAX_YEARS + 1];
	struct keybatch *keys;   /* the blank KEYs of the batch being used */
	int nkeys, next_key;
	long key_serial;         /* the next serial the centre sends */
	char key_move[UUID_LEN + 1];   /* the batch's receive movement */
	char *index_sql;         /* the secondary indexes, dropped during the load */
};

/* One blank KEY of the current batch, written when the batch is used up. */
struct keybatch {
	char serial[KEY_SERIAL_MAX];
	enum stock_state state;
	char last_move[UUID_LEN + 1];
	char application_id[UUID_LEN + 1];
	long long updated;
};

enum step_kind { S_CREATE, S_SUBMIT, S_ACCEPT, S_RETURN, S_CANCEL, S_READY, S_SHIP, S_COLLECT,
		 S_DONE };

struct step {
	enum step_kind k;
	long long ms;
	const char *reason;
};

struct day {
	char ymd[9];
	long seq[NTERM], oseq[NTERM];   /* applications', orders' numbers */
	int index;
};

/* ---- helpers (gen.c) ---- */
void gen_iso_ms(long long ms, char out[21]);
int gen_bind(sqlite3_stmt *s, int i, const char *v);
enum status gen_step(struct gen *g, sqlite3_stmt *s, struct err *e);
void gen_random_hex(struct rng *r, int n, char *out);
void gen_random_digits(struct rng *r, int n, char *out);

/* ---- gen.c, for gen_run.c ---- */
/* The office's staff, through the real use cases. */
enum status gen_make_staff(struct gen *g, struct err *e);
/* The application entered at t (the i-th), with its whole life. */
enum status gen_application(struct gen *g, long long t, struct day *d, long i, struct err *e);

/* ---- people and enterprises (gen_party.c) ---- */
/* A new applicant registered by `clerk` at ms: *out its index in g->people. */
enum status gen_new_person(struct gen *g, long long ms, int clerk, long *out, struct err *e);
/* A new enterprise whose agent is people[agent]: *out its index in g->orgs. */
enum status gen_new_org(struct gen *g, long long ms, long agent, long *out, struct err *e);
/* people[person] acts for orgs[org] (once). */
enum status gen_link_agent(struct gen *g, long person, long org, long long ms, struct err *e);

/* ---- an application's paperwork (gen_paper.c) ---- */
/* The scans a clerk adds while the applicant waits: the required documents
 * (at least two: an ID card may come as both sides), each a photo or PDF. */
enum status gen_app_attachments(struct gen *g, const struct application *a, long long t,
				   int clerk, struct err *e);
/*
 * The application's order and its payments, as of now. Every submitted
 * application that costs something is ordered at the counter a few minutes
 * after submission (revoke and unlock cost nothing: no order). Renewals
 * are paid online a third of the time, everything else by bank transfer:
 * the slip recorded during the visit or a few days later (a few without
 * the slip, added later), verified by a supervisor within a day (2%
 * rejected, then paid again). An application cancelled before payment has
 * its order cancelled; after payment, the money is refunded. Invoices
 * follow payment for those who asked. A certificate is made only once paid:
 * the make step (and those after it) moves after the payment, or does not
 * happen yet. *paid gets when it was paid (0: not as of now).
 */
enum status gen_money(struct gen *g, const struct application *a, const struct person *pp,
			 struct day *d, int term, int clerk, int super, struct step *steps,
			 int *nsteps, long long *paid, struct err *e);
/* Write the batch's KEYs as they stand. */
enum status gen_keys_flush(struct gen *g, struct err *e);
/* Issue the next KEY to an application made at `ms` (created at
 * `created`: batches arrive in creation order, before any of theirs is
 * used). Now and then one is found damaged first. */
enum status gen_key_issue(struct gen *g, const struct application *a, long long created,
			     long long ms, int clerk, struct err *e);
/* One certificate bound to the applicant; revoked_ms 0: not revoked. */
enum status gen_certificate(struct gen *g, const struct application *a, const char *serial,
			       long long nb, long long na, long long bound, int by,
			       long long revoked_ms, const char *reason, struct err *e);

#endif
