/*
 * certdesk bench [--applications N] [--seed S] [--out FILE.json] [--keep DIR]
 *
 * Generate the database (gen.h) in a scratch data directory, run the
 * suite of figures on it, print the table and write the JSON. The run
 * reports, it does not judge: the exit status is 0 whatever the figures.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_print.h"
#include "bench/bench_sync.h"
#include "cli/cli.h"
#include "store/settings.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/utf8.h"

/* The suite, in the order it runs: the screens late (they add audit
 * entries by logging in), the cold-cache figures last (they drop the whole
 * database from the page cache, and every figure after them would pay for
 * it). Adding a figure: write its function, list it here. */
static const struct {
	const char *key;         /* for --only: the ids its figures start with */
	void (*fn)(struct bench *b);
} suite[] = {
	{ "db.open", fig_db_open },
	{ "list.open", fig_list_open },
	{ "list.count", fig_list_count },
	{ "search.phone", fig_search_phone },
	{ "search.id_number", fig_search_id_number },
	{ "search.credit_code", fig_search_credit_code },
	{ "search.number", fig_search_number },
	{ "search.name2", fig_search_name },
	{ "search.name2.broad", fig_search_name_broad },
	{ "search.name2.count", fig_search_name_count },
	{ "page.next", fig_page_next },
	{ "page.last", fig_page_last },
	{ "queue.pending", fig_queue_pending },
	{ "applicant.phone", fig_applicant_phone },
	{ "applicant.id_number", fig_applicant_id_number },
	{ "applicant.name2", fig_applicant_name },
	{ "order.number", fig_order_number },
	{ "order.phone", fig_order_phone },
	{ "order.code", fig_order_code },
	{ "order.name2", fig_order_name },
	{ "order.status", fig_order_status },
	{ "payment.queue", fig_payment_queue },
	{ "queue.review", fig_queue_review },
	{ "queue.review.", fig_queue_filters },
	{ "queue.other", fig_queue_other },
	{ "queue.counts", fig_queue_counts },
	{ "audit.", fig_audit_filters },
	{ "expiry", fig_expiry },
	{ "stock", fig_stock },
	{ "audit.verify", fig_audit_verify },
	{ "print", fig_print },
	{ "sync", fig_sync },
	{ "tui", fig_tui },
	{ "db.open.cold", fig_db_open_cold },
	{ "list.open.cold", fig_list_open_cold },
};

/* ---- recording figures ---------------------------------------------------- */

static struct figure *add(struct bench *b, const char *id, const char *what, struct target t)
{
	if (b->nfigs == b->cap) {
		int cap = b->cap ? b->cap * 2 : 32;
		struct figure *v = realloc(b->figs, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		b->figs = v;
		b->cap = cap;
	}
	struct figure *f = &b->figs[b->nfigs++];
	memset(f, 0, sizeof *f);
	snprintf(f->id, sizeof f->id, "%s", id);
	snprintf(f->what, sizeof f->what, "%s", what);
	f->unit = "ms";
	f->target = t;
	return f;
}

struct figure *bench_value(struct bench *b, const char *id, const char *what, const char *unit,
			   double v, struct target t)
{
	struct figure *f = add(b, id, what, t);
	if (f) {
		f->unit = unit;
		f->n = 1;
		f->median = f->p99 = f->max = v;
	}
	return f;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct figure *bench_samples(struct bench *b, const char *id, const char *what, double *ms,
			     int n, struct target t)
{
	if (n <= 0) {
		bench_skip(b, id, what, t, "no samples");
		return NULL;
	}
	struct figure *f = add(b, id, what, t);
	if (!f)
		return NULL;
	qsort(ms, (size_t)n, sizeof *ms, cmp_double);
	f->n = n;
	f->median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
	int rank = (99 * n + 99) / 100; /* nearest rank: ceil(0.99 n) */
	f->p99 = ms[rank - 1];
	f->max = ms[n - 1];
	return f;
}

void bench_note(struct figure *f, const char *fmt, ...)
{
	size_t len = strlen(f->note);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->note + len, sizeof f->note - len, fmt, ap);
	va_end(ap);
}

void bench_skip(struct bench *b, const char *id, const char *what, struct target t,
		const char *fmt, ...)
{
	struct figure *f = add(b, id, what, t);
	if (!f)
		return;
	f->skipped = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->note, sizeof f->note, fmt, ap);
	va_end(ap);
}

void bench_drop_cache(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* ---- the report --------------------------------------------------------------- */

static bool met(const struct figure *f)
{
	return f->p99 < f->target.value;
}

static void fmt_value(double v, const char *unit, char out[32])
{
	if (strcmp(unit, "ms") == 0)
		snprintf(out, 32, v < 10 ? "%.2f ms" : v < 1000 ? "%.1f ms" : "%.0f ms", v);
	else if (strcmp(unit, "s") == 0)
		snprintf(out, 32, "%.1f s", v);
	else if (strcmp(unit, "x") == 0)
		snprintf(out, 32, "%.1f x", v);
	else
		snprintf(out, 32, "%.0f %s", v, unit);
}

/* Print s padded with spaces to `cols` display columns. */
static void pad(FILE *out, const char *s, int cols)
{
	char fit[256];
	int w = utf8_fit(s, cols, true, fit, sizeof fit);
	fputs(fit, out);
	for (; w < cols; w++)
		fputc(' ', out);
}

static void print_table(const struct bench *b, FILE *out)
{
	fprintf(out, "\n%-20s %-44s %10s %10s %10s %9s\n", "figure", "what", "median", "p99", "max",
		"target");
	for (int i = 0; i < b->nfigs; i++) {
		const struct figure *f = &b->figs[i];
		char med[32], p99[32] = "", max[32] = "", tg[32] = "";
		pad(out, f->id, 20);
		fputc(' ', out);
		pad(out, f->what, 44);
		if (f->target.value > 0)
			snprintf(tg, sizeof tg, "< %g %s", f->target.value, f->unit);
		if (f->skipped) {
			fprintf(out, " %10s %10s %10s %9s  not measured\n", "-", "-", "-", tg);
			continue;
		}
		fmt_value(f->median, f->unit, med);
		if (f->n > 1) {
			fmt_value(f->p99, f->unit, p99);
			fmt_value(f->max, f->unit, max);
		}
		fprintf(out, " %10s %10s %10s %9s  %s\n", med, p99, max, tg,
			f->target.value > 0 ? (met(f) ? "ok" : "MISSED") : "");
	}
	fputs("\nnotes:\n", out);
	for (int i = 0; i < b->nfigs; i++)
		if (b->figs[i].note[0])
			fprintf(out, "  %-20s %s\n", b->figs[i].id, b->figs[i].note);
}

static enum status write_json(const struct bench *b, const char *path, struct err *e)
{
	struct utsname u;
	char date[21], machine[256] = "";
	clock_iso(time(NULL), date);
	if (uname(&u) == 0)
		snprintf(machine, sizeof machine, "%s %s %s", u.sysname, u.release, u.machine);
	json_t *status = json_object();
	for (int s = 0; s < APP__COUNT; s++)
		json_object_set_new(status, app_status_code((enum app_status)s),
				    json_integer(b->gen.by_status[s]));
	json_t *figs = json_array();
	for (int i = 0; i < b->nfigs; i++) {
		const struct figure *f = &b->figs[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:b}", "id", f->id, "what", f->what,
				      "unit", f->unit, "samples", f->n, "measured", !f->skipped);
		if (!f->skipped) {
			json_object_set_new(o, "median", json_real(f->median));
			json_object_set_new(o, "p99", json_real(f->p99));
			json_object_set_new(o, "max", json_real(f->max));
		}
		json_object_set_new(o, "target", f->target.value > 0 ? json_real(f->target.value)
								      : json_null());
		json_object_set_new(o, "target_source", f->target.source ? json_string(f->target.source)
									 : json_null());
		json_object_set_new(o, "met", f->target.value > 0 && !f->skipped ? json_boolean(met(f))
										  : json_null());
		json_object_set_new(o, "note", json_string(f->note));
		json_array_append_new(figs, o);
	}
	json_t *root = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I}", "date", date, "cpus",
				 (int)sysconf(_SC_NPROCESSORS_ONLN), "machine", machine, "sqlite",
				 sqlite3_libversion(), "load_before", b->load_before, "load_after",
				 b->load_after, "applications", (json_int_t)b->applications,
				 "seed", (json_int_t)b->seed);
	json_t *data = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:b, s:f, s:f}",
				 "applications", (json_int_t)b->gen.applications,
				 "applicants", (json_int_t)b->gen.applicants,
				 "enterprises", (json_int_t)b->gen.enterprises,
				 "personal_applications", (json_int_t)b->gen.personal,
				 "enterprise_links", (json_int_t)b->gen.links,
				 "audit_entries", (json_int_t)b->gen.audit, "by_status", status,
				 "reused", b->reused, "generation_s", b->gen_seconds, "fsync_s",
				 b->sync_seconds);
	json_t *more = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "orders",
				 (json_int_t)b->gen.orders, "payments", (json_int_t)b->gen.payments,
				 "refunds", (json_int_t)b->gen.refunds, "attachments",
				 (json_int_t)b->gen.attachments, "certificates",
				 (json_int_t)b->gen.certificates, "keys", (json_int_t)b->gen.keys,
				 "outbox_pending", (json_int_t)b->gen.outbox);
	json_object_update(data, more);
	json_decref(more);
	json_object_set_new(root, "every_command", json_boolean(b->every_command));
	json_object_set_new(root, "data", data);
	json_object_set_new(root, "figures", figs);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return err_status(e, ST_NOMEM);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	enum status st = ST_OK;
	if (slash && slash != dir) {
		*slash = '\0';
		st = fs_mkdir_p(dir, e);
	}
	size_t len = strlen(text);
	text[len] = '\n';
	if (st == ST_OK)
		st = fs_write_atomic(path, text, len + 1, e);
	free(text);
	return st;
}

/* ---- the data directory ---------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* What a database made by bench is marked with (settings "bench.params"),
 * so that --keep reuses only a database of the same size and seed. */
static void params_text(const struct bench *b, char out[64])
{
	snprintf(out, 64, "%ld:%llu%s", b->applications, (unsigned long long)b->seed,
		 b->every_command ? ":every-command" : "");
}

static void progress(long done, long total, void *ctx)
{
	double *t0 = ctx;
	bool tty = isatty(STDERR_FILENO);
	if (!tty && done % (total / 10 > 0 ? total / 10 : 1) != 0 && done != total)
		return;
	fprintf(stderr, "%s生成申请单 %ld / %ld（%.0f s）%s", tty ? "\r" : "", done, total,
		(clock_ms() - *t0) / 1000.0, tty && done < total ? "" : "\n");
}

static long count(struct bench *b, const char *sql)
{
	sqlite3_stmt *s;
	long v = 0;
	if (sqlite3_prepare_v2(db_handle(b->db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The counts of a database made by an earlier run (--keep). */
static void recount(struct bench *b)
{
	struct gen_stats *g = &b->gen;
	g->applications = count(b, "SELECT count(*) FROM applications");
	g->applicants = count(b, "SELECT count(*) FROM applicants");
	g->enterprises = count(b, "SELECT count(*) FROM enterprises");
	g->links = count(b, "SELECT count(*) FROM applicant_enterprises");
	g->personal = count(b, "SELECT count(*) FROM applications WHERE subject = 'personal'");
	g->staff = count(b, "SELECT count(*) FROM staff");
	g->orders = count(b, "SELECT count(*) FROM orders");
	g->payments = count(b, "SELECT count(*) FROM payments");
	g->refunds = count(b, "SELECT count(*) FROM payments WHERE kind = 'refund'");
	g->attachments = count(b, "SELECT count(*) FROM attachments");
	g->certificates = count(b, "SELECT count(*) FROM certificates");
	g->keys = count(b, "SELECT count(*) FROM key_stock");
	g->outbox = count(b, "SELECT count(*) FROM outbox");
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db_handle(b->db), "SELECT status, count(*) FROM applications"
			       " GROUP BY status", -1, &s, NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			enum app_status st;
			if (app_status_parse((const char *)sqlite3_column_text(s, 0), &st))
				g->by_status[st] = (long)sqlite3_column_int64(s, 1);
		}
		sqlite3_finalize(s);
	}
}

/* The 1-minute load average: other work on the machine shows in the
 * figures, and this says how much there was. */
static void loadavg(char *out, size_t n)
{
	FILE *f = fopen("/proc/loadavg", "r");
	snprintf(out, n, "?");
	if (f) {
		char buf[64];
		if (fgets(buf, sizeof buf, f))
			snprintf(out, n, "%.*s", (int)strcspn(buf, " "), buf);
		fclose(f);
	}
}

static void sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Make (or, with --keep, reuse) the database. */
static bool prepare(struct bench *b, bool keep)
{
	struct err e;
	err_clear(&e);
	char want[64], have[64] = "";
	params_text(b, want);
	bool exists = fs_exists(b->db_path);
	if (exists) {
		if (!keep) {
			cli_error("%s 已存在", b->db_path);
			return false;
		}
		/* Read-only and without db_open: a database that is not ours is
		 * not even migrated. */
		sqlite3 *h = NULL;
		sqlite3_stmt *s = NULL;
		if (sqlite3_open_v2(b->db_path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(h, "SELECT value FROM settings WHERE key = 'bench.params'", -1,
				       &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			snprintf(have, sizeof have, "%s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		sqlite3_close(h);
		if (strcmp(have, want) != 0) {
			cli_error(have[0] ? "%s 是另一次 bench 生成的（%s，本次 %s）：请换一个目录或先删除它"
					  : "%s 不是 bench 生成的数据库，不会改动它：请换一个目录",
				  b->db_path, have, want);
			return false;
		}
		b->reused = true;
		fprintf(stderr, "沿用已生成的数据库 %s\n", b->db_path);
		return true;
	}
	struct db *d;
	if (fs_mkdir_p(b->data_dir, &e) != ST_OK || db_open(b->db_path, &d, &e) != ST_OK)
		return cli_fail(&e), false;
	struct svc svc = { .db = d };
	double t0 = clock_ms();
	struct gen_params p = { .applications = b->applications, .seed = b->seed,
				.every_command = b->every_command, .progress = progress, .ctx = &t0 };
	fprintf(stderr, "生成测试数据库：%s\n", b->db_path);
	enum status st = gen_run(&svc, &p, &b->gen, &e);
	if (st == ST_OK)
		st = settings_set(d, "bench.params", want, &e);
	db_close(d);
	if (st != ST_OK)
		return cli_fail(&e), false;
	b->gen_seconds = b->gen.seconds;
	/* The load left gigabytes to write back: let the disk settle first, so
	 * that the figures do not measure the kernel's write-back. */
	double t1 = clock_ms();
	char wal[PATH_MAX + 32];
	snprintf(wal, sizeof wal, "%s-wal", b->db_path);
	sync_file(b->db_path);
	sync_file(wal);
	b->sync_seconds = (clock_ms() - t1) / 1000.0;
	return true;
}

static void usage_error(void)
{
	cli_error("用法：certdesk bench [--applications N] [--seed S] [--out FILE.json] [--keep DIR]"
		  " [--only FIGURE] [--every-command]");
}

int cmd_bench(struct cli *c, int argc, char **argv)
{
	(void)c;
	static const struct option opts[] = {
		{ "applications", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "keep", required_argument, NULL, 'k' },
		{ "only", required_argument, NULL, 'y' },
		{ "every-command", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	/* Printing into a closed pipe (| head) must not kill the run before it
	 * removes its gigabytes of scratch data. */
	signal(SIGPIPE, SIG_IGN);
	struct bench b;
	memset(&b, 0, sizeof b);
	b.applications = 1000000;
	b.seed = 1;
	const char *out = "bench/results.json", *keep = NULL, *only = NULL;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (ch) {
		case 'n':
			b.applications = strtol(optarg, &end, 10);
			if (*end || b.applications < 100 || b.applications > 100000000) {
				cli_error("--applications 应为 100 到 100000000 之间的整数");
				return EXIT_USAGE;
			}
			break;
		case 's':
			b.seed = strtoull(optarg, &end, 10);
			if (*end || !*optarg) {
				cli_error("--seed 应为非负整数");
				return EXIT_USAGE;
			}
			break;
		case 'o': out = optarg; break;
		case 'k': keep = optarg; break;
		case 'y': only = optarg; break;
		case 'a': b.every_command = true; break;
		default: usage_error(); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage_error();
		return EXIT_USAGE;
	}
	static char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		cli_error("找不到本程序的路径（/proc/self/exe）");
		return EXIT_FAIL;
	}
	self[n] = '\0';
	b.bin = self;
	if (keep) {
		snprintf(b.data_dir, sizeof b.data_dir, "%s", keep);
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(b.data_dir, sizeof b.data_dir, "%s/certdesk-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(b.data_dir)) {
			cli_error("无法创建临时目录 %s：%s", b.data_dir, strerror(errno));
			return EXIT_FAIL;
		}
	}
	snprintf(b.db_path, sizeof b.db_path, "%s/certdesk.db", b.data_dir);
	rng_seed(&b.rng, b.seed ^ 0x62656e6368ull);

	int rc = EXIT_FAIL;
	if (!prepare(&b, keep != NULL))
		goto out;
	struct err e;
	if (db_open(b.db_path, &b.db, &e) != ST_OK) {
		cli_fail(&e);
		goto out;
	}
	b.svc.db = b.db;
	{
		long gen_audit = b.gen.audit;
		recount(&b);
		b.gen.audit = count(&b, "SELECT count(*) FROM audit_log");
		if (!b.reused && gen_audit != b.gen.audit)
			cli_error("注意：审计日志 %ld 条，生成时计 %ld 条", b.gen.audit, gen_audit);
	}
	fprintf(stderr, "数据：申请单 %ld，申请人 %ld，企业 %ld，订单 %ld，款项 %ld，附件 %ld，证书 %ld，"
		"KEY %ld，审计日志 %ld 条，待同步 %ld 条\n", b.gen.applications, b.gen.applicants,
		b.gen.enterprises, b.gen.orders, b.gen.payments, b.gen.attachments, b.gen.certificates,
		b.gen.keys, b.gen.audit, b.gen.outbox);

	const struct target t_gen = { 300, "issue 8: make bench < 10 min; generation's share" };
	if (b.reused) {
		bench_skip(&b, "gen.time", "generate the database", t_gen,
			   "reused the database of an earlier run (--keep)");
	} else {
		struct figure *f = bench_value(&b, "gen.time", "generate the database", "s",
					       b.gen_seconds, t_gen);
		if (f)
			bench_note(f, "then %.1f s to flush it to disk (fsync) before measuring",
				   b.sync_seconds);
	}
	struct stat sb, sw;
	char wal[PATH_MAX + 32];
	snprintf(wal, sizeof wal, "%s-wal", b.db_path);
	double bytes = stat(b.db_path, &sb) == 0 ? (double)sb.st_size : 0;
	if (stat(wal, &sw) == 0)
		bytes += (double)sw.st_size;
	bench_value(&b, "db.size", "database file size", "MB", bytes / 1048576.0, NO_TARGET);

	loadavg(b.load_before, sizeof b.load_before);
	for (size_t i = 0; i < sizeof suite / sizeof suite[0]; i++) {
		if (only && strncmp(suite[i].key, only, strlen(only)) != 0)
			continue;
		fprintf(stderr, "测量：%s\n", suite[i].key);
		double t0 = clock_ms();
		suite[i].fn(&b);
		if (clock_ms() - t0 > 60000)
			fprintf(stderr, "  （用时 %.0f s）\n", (clock_ms() - t0) / 1000);
	}
	db_close(b.db);
	b.db = NULL;

	printf("\ncertdesk bench: %ld applications, %ld applicants, %ld enterprises, %ld audit entries"
	       " (seed %llu)\n", b.gen.applications, b.gen.applicants, b.gen.enterprises, b.gen.audit,
	       (unsigned long long)b.seed);
	printf("also: %ld pending review, %ld orders, %ld payments (%ld refunds), %ld attachments,"
	       " %ld certificates, %ld KEYs, %ld ops in the outbox\n",
	       b.gen.by_status[APP_PENDING_REVIEW], b.gen.orders, b.gen.payments, b.gen.refunds,
	       b.gen.attachments, b.gen.certificates, b.gen.keys, b.gen.outbox);
	loadavg(b.load_after, sizeof b.load_after);
	printf("machine: %ld CPUs, SQLite %s, load average %s before the figures, %s after%s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), sqlite3_libversion(), b.load_before, b.load_after,
	       b.reused ? "; database reused (--keep)" : "");
	print_table(&b, stdout);
	err_clear(&e);
	fflush(stdout);
	if (write_json(&b, out, &e) != ST_OK) {
		cli_error("写入 %s 失败：%s", out, err_text(&e));
		goto out;
	}
	printf("\n结果已写入 %s\n", out);
	fflush(stdout);
	rc = EXIT_OK; /* whatever the figures: the run reports, it does not judge */
out:
	if (b.db)
		db_close(b.db);
	if (keep)
		fprintf(stderr, "数据目录保留在 %s\n", b.data_dir);
	else
		nftw(b.data_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(b.figs);
	return rc;
}
