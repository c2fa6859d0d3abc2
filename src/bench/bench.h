#ifndef CERTDESK_BENCH_BENCH_H
#define CERTDESK_BENCH_BENCH_H

/*
 * certdesk bench (docs/benchmarks.md): a generated database (gen.h), then
 * figures measured on it through the real code: the use-case functions
 * in this process, and the real binary as a process or headless in tmux.
 *
 * A figure is one function `void fig_NAME(struct bench *b)` listed in
 * bench.c's suite. It measures, then records its result with bench_value,
 * bench_samples or bench_skip, each with the target it is held to and
 * where that target comes from. Figures never fail the run: a missed
 * target is printed as MISSED.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench/gen.h"
#include "bench/synth.h"
#include "store/db.h"
#include "svc/svc.h"

/* What a figure is held to: below `value` (0: no target) and why. */
struct target {
	double value;
	const char *source;
};
#define NO_TARGET ((struct target){ 0, NULL })

struct figure {
	char id[40];             /* stable key in the JSON: "search.phone" */
	char what[100];          /* the table's label */
	const char *unit;        /* "ms", "s", "MB" */
	int n;                   /* samples; 1: a single value */
	double median, p99, max; /* equal when n == 1 */
	struct target target;    /* met when p99 < target.value */
	char note[256];
	bool skipped;            /* not measured; note says why */
};

struct bench {
	const char *bin;               /* this program, for the process figures */
	char data_dir[PATH_MAX];
	char db_path[PATH_MAX + 16];
	struct db *db;                 /* the in-process figures' long-lived connection */
	struct svc svc;
	struct rng rng;                /* draws the queries; seeded from --seed */
	long applications;
	uint64_t seed;
	struct gen_stats gen;          /* what was generated (from the database when reused) */
	bool reused;                   /* --keep found this database already made */
	bool every_command;            /* --every-command: gen_params.every_command */
	double gen_seconds, sync_seconds;
	char load_before[16], load_after[16];   /* /proc/loadavg, 1 minute */
	struct figure *figs;
	int nfigs, cap;
};

/* Record one value (unit "ms", "s", "MB"...). Returns the figure for a
 * note, or NULL when out of memory. */
struct figure *bench_value(struct bench *b, const char *id, const char *what, const char *unit,
			   double v, struct target t);
/* Record timings in ms: the median and the 99th percentile of n samples
 * (sorted in place). */
struct figure *bench_samples(struct bench *b, const char *id, const char *what, double *ms,
			     int n, struct target t);
/* Record a figure that could not be measured, and why. */
void bench_skip(struct bench *b, const char *id, const char *what, struct target t,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Append to a figure's note. */
void bench_note(struct figure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Evict a file from the page cache (a cold start after a reboot). */
void bench_drop_cache(const char *path);

/*
 * Run argv (argv[0] looked up in PATH) and wait for it. Its standard
 * output goes into out (NUL-terminated, truncated to outsz; NULL: thrown
 * away), standard input and error to /dev/null. *ms (may be NULL) gets
 * the wall time, *maxrss_kb (may be NULL) its peak resident size, read
 * from /proc every 5 ms while it runs (its output must then fit in the
 * pipe: 64 kB).
 * Returns the exit status, or -1 when it could not run or was killed.
 */
int bench_run(char *const argv[], char *out, size_t outsz, double *ms, long *maxrss_kb);

/* Query values for the search figures (fig_db.c). A value is at most
 * BENCH_QMAX bytes. bench_draw: n values of the first column of `sql`, its
 * ?1 a random rowid of `table` (rows that give nothing are drawn again);
 * returns how many. bench_exists: `sql` (?1 = v) finds a row. */
#define BENCH_QMAX 100
int bench_draw(struct bench *b, const char *table, const char *sql, int n, char (*out)[BENCH_QMAX]);
bool bench_exists(struct bench *b, const char *sql, const char *v);
void bench_shuffle(struct bench *b, char (*q)[BENCH_QMAX], int n);

/* The figures (fig_db.c: the use cases in this process; fig_lists.c: the
 * other screens' lists and searches, in this process; fig_proc.c: the
 * binary as a process; fig_tui.c: the screens in tmux). */
void fig_db_open(struct bench *b);
void fig_db_open_cold(struct bench *b);
void fig_list_open(struct bench *b);
void fig_list_open_cold(struct bench *b);
void fig_list_count(struct bench *b);
void fig_search_phone(struct bench *b);
void fig_search_id_number(struct bench *b);
void fig_search_credit_code(struct bench *b);
void fig_search_number(struct bench *b);
void fig_search_name(struct bench *b);
void fig_search_name_broad(struct bench *b);
void fig_search_name_count(struct bench *b);
void fig_page_next(struct bench *b);
void fig_page_last(struct bench *b);
void fig_queue_pending(struct bench *b);
void fig_applicant_phone(struct bench *b);
void fig_applicant_id_number(struct bench *b);
void fig_applicant_name(struct bench *b);
void fig_audit_verify(struct bench *b);
void fig_order_number(struct bench *b);
void fig_order_phone(struct bench *b);
void fig_order_code(struct bench *b);
void fig_order_name(struct bench *b);
void fig_order_status(struct bench *b);
void fig_payment_queue(struct bench *b);
void fig_queue_review(struct bench *b);
void fig_queue_filters(struct bench *b);
void fig_queue_other(struct bench *b);
void fig_queue_counts(struct bench *b);
void fig_audit_filters(struct bench *b);
void fig_expiry(struct bench *b);
void fig_stock(struct bench *b);
void fig_tui(struct bench *b);

#endif
