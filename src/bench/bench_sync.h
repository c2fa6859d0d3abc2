#ifndef CERTDESK_BENCH_BENCH_SYNC_H
#define CERTDESK_BENCH_BENCH_SYNC_H

/*
 * The sync figures (issue 6; docs/benchmarks.md, Sync). Each runs against
 * a real certdeskd (the binary beside this one) on 127.0.0.1, with a
 * centre database of its own in the bench's scratch directory, so they do
 * not touch the generated million and take no figure from it:
 *
 *   sync.push10k        10,000 ops pushed by one terminal (sync_push in
 *                       this process), beside the same 10,000 rows
 *                       inserted into a bare SQLite file in one
 *                       transaction, and the ratio of the two;
 *   sync.load50.*       50 terminals pushing and pulling at once: ops per
 *                       second, and the 99th percentile of request times;
 *   sync.week           a terminal offline for a week (5,000 ops, 200 MB of
 *                       scans) catching up in one `certdesk sync` process.
 *
 * bench_sync_centre.c starts and stops the centre; bench_sync_load.c is
 * the fifty terminals.
 */
#include <sys/types.h>

#include "bench/bench.h"
#include "svc/app.h"

void fig_sync(struct bench *b);

/* ---- shared by the sync figures ---- */

/* One centre: its directory, database, server process and URL. */
struct bench_centre {
	char dir[PATH_MAX];
	char db[PATH_MAX + 16];
	char certdeskd[PATH_MAX];
	char log[PATH_MAX + 16];
	char url[64];
	pid_t pid;                   /* 0: not running */
};

#define BENCH_CENTRE_PASSWORD "Bench1234"

/* Make a centre in `dir` (office HQ, admin root) and start certdeskd on a
 * free port; false with why in e. */
bool bench_centre_start(const struct bench *b, const char *dir, struct bench_centre *c,
			struct err *e);
/* Stop it (SIGTERM, then wait). */
void bench_centre_stop(struct bench_centre *c);
/* `certdeskd terminal add --office HQ --name NAME`: its enrolment code. */
bool bench_centre_terminal(struct bench_centre *c, const char *name, char code[40],
			   struct err *e);
/* A terminal data directory `dir`, enrolled with `code` and synced once
 * (staff, prices), opened in *app (app_close), and its admin logged in
 * as *root. */
bool bench_terminal_open(struct bench_centre *c, const char *dir, const char *code,
			 struct app *app, struct actor *root, struct err *e);
/* A valid resident ID number for the i-th made-up person. */
void bench_id_number(long i, char out[19]);

/* bench_sync_load.c */
void fig_sync_load(struct bench *b, const char *root);

#endif
