/* The printing figures (bench/bench_print.h). */
#include "bench/bench_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "adapt/pdf.h"
#include "svc/application.h"
#include "svc/print.h"
#include "util/clock.h"
#include "util/fs.h"

#define ONE_RUNS 30
#define LOGIN_RUNS 10
#define BATCH 100
#define BATCH_RUNS 5
#define NUMBERS (ONE_RUNS + LOGIN_RUNS + BATCH)

static const struct target t_one = { 20, "issue 9: one application form as a whole certdesk print process < 20 ms" };
static const struct target t_size = { 30, "issue 9: one application form < 30 KB" };
static const char *const user = "admin";

/* Numbers of enterprise applications that may still be printed (before
 * the certificate is made), newest first. Returns how many. */
static int printable(struct bench *b, char (*out)[NUMBER_MAX], int n)
{
	sqlite3_stmt *s;
	int got = 0;
	if (sqlite3_prepare_v2(db_handle(b->db),
			       "SELECT number FROM applications WHERE subject = 'enterprise' AND status IN"
			       " ('draft', 'pending_review', 'accepted', 'returned') ORDER BY id DESC LIMIT ?1",
			       -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int(s, 1, n);
	while (got < n && sqlite3_step(s) == SQLITE_ROW)
		snprintf(out[got++], NUMBER_MAX, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return got;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* `certdesk --data DIR --user admin print application NUMBER... -o OUT` */
static int print_run(struct bench *b, char (*numbers)[NUMBER_MAX], int n, const char *out_pdf,
		     double *ms, char *said, size_t saidsz)
{
	char **argv = calloc((size_t)n + 10, sizeof *argv);
	if (!argv)
		return -1;
	int k = 0;
	argv[k++] = (char *)b->bin;
	argv[k++] = "--data";
	argv[k++] = b->data_dir;
	argv[k++] = "--user";
	argv[k++] = (char *)user;
	argv[k++] = "print";
	argv[k++] = "application";
	for (int i = 0; i < n; i++)
		argv[k++] = numbers[i];
	argv[k++] = "-o";
	argv[k++] = (char *)out_pdf;
	argv[k] = NULL;
	int rc = bench_run(argv, said, saidsz, ms, NULL);
	free(argv);
	return rc;
}

/* The form alone and the form with its agreement, rendered in this
 * process from one application's real data: what the engine costs without
 * a process around it, and how the bytes divide between the two. */
static void in_process(struct bench *b, const char *number)
{
	struct err e;
	err_clear(&e);
	struct app app;
	memset(&app, 0, sizeof app);
	app.db = b->db;
	app.svc = b->svc;
	snprintf(app.data_dir, sizeof app.data_dir, "%s", b->data_dir);
	config_init(&app.cfg);
	struct application a;
	struct layout *form = NULL, *agreement = NULL;
	struct pdf_engine *eng = NULL;
	struct pdf_data *d = pdf_data_new();
	double ms[ONE_RUNS];
	int n = 0;
	size_t form_bytes = 0, both_bytes = 0, glyphs_form = 0, glyphs_both = 0;
	if (!d || svc_application_by_number(&b->svc, number, &a, &e) != ST_OK ||
	    svc_print_application_data(&app, &a, d, &e) != ST_OK ||
	    layout_load("application_enterprise", &form, &e) != ST_OK ||
	    layout_load("agreement", &agreement, &e) != ST_OK || pdf_engine_new(NULL, &eng, &e) != ST_OK) {
		bench_skip(b, "pdf.render", "form + agreement rendered in process", NO_TARGET, "%s", e.msg);
		goto out;
	}
	struct pdf_job jobs[2] = { { form, d }, { agreement, d } };
	for (int i = 0; i < ONE_RUNS; i++) {
		char *pdf = NULL;
		size_t len = 0;
		struct pdf_result res;
		double t0 = clock_ms();
		if (pdf_render_mem(eng, jobs, 2, &pdf, &len, &res, &e) != ST_OK)
			break;
		ms[n++] = clock_ms() - t0;
		both_bytes = len;
		glyphs_both = res.glyphs;
		free(pdf);
	}
	char *pdf = NULL;
	struct pdf_result res;
	if (pdf_render_mem(eng, jobs, 1, &pdf, &form_bytes, &res, &e) == ST_OK)
		glyphs_form = res.glyphs;
	free(pdf);
	struct figure *f = bench_samples(b, "pdf.render", "form + agreement rendered in process", ms, n, NO_TARGET);
	if (f)
		bench_note(f, "the engine alone, font open: %zu glyphs subset, %zu bytes", glyphs_both, both_bytes);
	f = bench_value(b, "pdf.form.size", "the application form alone (no agreement)", "KB",
			(double)form_bytes / 1024.0, t_size);
	if (f)
		bench_note(f, "%zu glyphs; the agreement adds %zu more and %.1f KB: outlines are most of it",
			   glyphs_form, glyphs_both - glyphs_form, (double)(both_bytes - form_bytes) / 1024.0);
out:
	pdf_engine_free(eng);
	layout_free(form);
	layout_free(agreement);
	pdf_data_free(d);
	config_done(&app.cfg);
}

void fig_print(struct bench *b)
{
	static char numbers[NUMBERS][NUMBER_MAX];
	char dir[PATH_MAX + 16], pdf[PATH_MAX + 64], said[2048];
	struct err e;
	int have = printable(b, numbers, NUMBERS);
	snprintf(dir, sizeof dir, "%s/bench-print", b->data_dir);
	if (have < NUMBERS || fs_mkdir_p(dir, &e) != ST_OK) {
		bench_skip(b, "print.one", "certdesk print application (form + agreement)", t_one,
			   "only %d printable applications in the database (%d needed)", have, NUMBERS);
		return;
	}
	char *saved = getenv("CERTDESK_PASSWORD") ? strdup(getenv("CERTDESK_PASSWORD")) : NULL;

	/* the program's start-up alone, for scale */
	double ms[ONE_RUNS];
	int n = 0;
	for (int i = 0; i < ONE_RUNS; i++) {
		char *argv[] = { (char *)b->bin, "--version", NULL };
		if (bench_run(argv, NULL, 0, &ms[n], NULL) == 0)
			n++;
	}
	struct figure *f = bench_samples(b, "proc.startup", "certdesk --version: start-up and exit", ms, n,
					 NO_TARGET);
	if (f)
		bench_note(f, "the floor under every subcommand: loading the shared libraries");

	/* One password login keeps the session ticket (svc/session.h) that
	 * the runs below use, as a clerk's second print would. */
	setenv("CERTDESK_PASSWORD", GEN_PASSWORD, 1);
	snprintf(pdf, sizeof pdf, "%s/login.pdf", dir);
	double t;
	int rc = print_run(b, &numbers[0], 1, pdf, &t, said, sizeof said);
	unsetenv("CERTDESK_PASSWORD");
	if (rc != 0) {
		bench_skip(b, "print.one", "certdesk print application (form + agreement)", t_one,
			   "exit status %d: %.200s", rc, said);
		goto out;
	}
	n = 0;
	long bytes = 0;
	for (int i = 0; i < ONE_RUNS; i++) {
		snprintf(pdf, sizeof pdf, "%s/one-%d.pdf", dir, i);
		if (print_run(b, &numbers[i], 1, pdf, &ms[n], said, sizeof said) == 0) {
			bytes = file_size(pdf);
			n++;
		}
	}
	f = bench_samples(b, "print.one", "certdesk print application (form + agreement)", ms, n, t_one);
	double one = f ? f->median : 0;
	if (f)
		bench_note(f, "a whole process: start-up, session ticket, render, PDF, audit entry; %d of %d ran",
			   n, ONE_RUNS);
	f = bench_value(b, "print.one.size", "its PDF: form + agreement, 2 pages", "KB", (double)bytes / 1024.0,
			t_size);
	if (f)
		bench_note(f, "the glyph outlines of WenQuanYi Zen Hei are most of it: see pdf.form.size");

	/* the same with the password checked every time (Argon2id) */
	setenv("CERTDESK_PASSWORD", GEN_PASSWORD, 1);
	n = 0;
	for (int i = 0; i < LOGIN_RUNS; i++) {
		snprintf(pdf, sizeof pdf, "%s/pw-%d.pdf", dir, i);
		if (print_run(b, &numbers[ONE_RUNS + i], 1, pdf, &ms[n], said, sizeof said) == 0)
			n++;
	}
	unsetenv("CERTDESK_PASSWORD");
	f = bench_samples(b, "print.one.password", "the same, password checked each time", ms, n, NO_TARGET);
	if (f)
		bench_note(f, "CERTDESK_PASSWORD given: Argon2id (64 MB, deliberately slow) on every run");

	in_process(b, numbers[0]);

	/* a batch of 100 in one command: one PDF */
	const struct target t_batch = { one * BATCH, "issue 9: a batch of 100 well under 100 times one form" };
	double bms[BATCH_RUNS];
	n = 0;
	for (int i = 0; i < BATCH_RUNS; i++) {
		snprintf(pdf, sizeof pdf, "%s/batch-%d.pdf", dir, i);
		if (print_run(b, &numbers[ONE_RUNS + LOGIN_RUNS], BATCH, pdf, &bms[n], said, sizeof said) == 0) {
			bytes = file_size(pdf);
			n++;
		}
	}
	f = bench_samples(b, "print.batch100", "print application, 100 numbers: one PDF", bms, n, t_batch);
	if (f && one > 0)
		bench_note(f, "%.1f times one form, %.2f ms a form", f->median / one, f->median / BATCH);
	bench_value(b, "print.batch100.size", "its PDF: 100 forms + agreements", "KB", (double)bytes / 1024.0,
		    NO_TARGET);
out:
	if (saved) {
		setenv("CERTDESK_PASSWORD", saved, 1);
		free(saved);
	}
}
