/*
 * certdesk export applicants | applications [--status S] [--from DATE] [--to DATE]
 *
 * CSV on stdout as Excel in Chinese opens it: UTF-8 with a byte order
 * mark, CRLF, RFC 4180 quoting, long digit strings kept as text (util/csv.h,
 * CSV_EXCEL). Rows are read a page at a time by key, so the memory used is
 * the same for ten rows or a million.
 *
 * An export takes personal data out of the program, so it is audited: one
 * entry with who, the filter and the number of rows, written before the
 * first row goes out. An export that cannot be audited does not happen,
 * and one that is cut short (a closed pipe, a full disk) is still on
 * record; rows is the count matching the filter when the export started.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "util/clock.h"
#include "util/csv.h"

#define PAGE 256

/* Local "YYYY-MM-DD HH:MM" of a stored UTC time ("" when unreadable). */
static void local_time(const char *iso, char out[17])
{
	time_t t;
	if (clock_parse_iso(iso, &t))
		clock_local(t, out);
	else
		out[0] = '\0';
}

static bool write_row(const char *const *fields, int n)
{
	return csv_write_record(stdout, fields, n, CSV_EXCEL);
}

/* ---- applicants ---- */

/* "code name; code name" of the enterprises a person acts for (the first
 * 16 by name: more is not a person but a data problem). */
static void enterprises_of(struct svc *svc, const char *id, char *out, size_t outsz)
{
	static struct enterprise en[16];
	struct err e;
	out[0] = '\0';
	int n = svc_applicant_enterprises(svc, id, en, 16, &e);
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s %s", i ? "; " : "",
			 en[i].credit_code, en[i].name);
}

static long export_applicants(struct cli *c, struct err *e)
{
	struct svc *svc = &c->app.svc;
	static const char *const header[] = { "phone", "name", "id_number", "email", "address",
					       "postal_code", "sms_verified", "created_at",
					       "enterprises" };
	if (!write_row(header, 9))
		return -1;
	struct applicant *page = calloc(PAGE, sizeof *page);
	if (!page)
		return err_set(e, ST_NOMEM, "内存不足"), -2;
	char key[UUID_LEN + 1] = "", created[17], enterprises[16 * 240];
	enum page_dir dir = PAGE_FIRST;
	long rows = 0;
	for (;;) {
		int n = svc_applicant_list(svc, dir, key, page, PAGE, e);
		if (n < 0) {
			rows = -2;
			break;
		}
		for (int i = 0; i < n; i++) {
			const struct applicant *a = &page[i];
			local_time(a->created_at, created);
			enterprises_of(svc, a->id, enterprises, sizeof enterprises);
			const char *f[] = { a->phone, a->name, a->id_number, a->email, a->address,
					    a->postal_code, a->verified ? "是" : "否", created,
					    enterprises };
			if (!write_row(f, 9)) {
				free(page);
				return -1;
			}
			rows++;
		}
		if (n < PAGE)
			break;
		snprintf(key, sizeof key, "%s", page[n - 1].id);
		dir = PAGE_AFTER;
	}
	free(page);
	return rows;
}

/* ---- applications ---- */

struct app_filter_args {
	const char *status, *from, *to;
};

static long export_applications(struct cli *c, const struct app_filter_args *fa, struct err *e)
{
	struct svc *svc = &c->app.svc;
	static const char *const header[] = { "number", "kind", "kind_label", "subject",
					       "subject_label", "status", "status_label",
					       "holder_name", "holder_code", "years", "created_at",
					       "applicant_phone" };
	if (!write_row(header, 12))
		return -1;
	struct application *page = calloc(PAGE, sizeof *page);
	if (!page)
		return err_set(e, ST_NOMEM, "内存不足"), -2;
	char key[UUID_LEN + 1] = "", created[17], years[8];
	struct applicant who; /* the last applicant looked up: rows often share one */
	memset(&who, 0, sizeof who);
	enum page_dir dir = PAGE_FIRST;
	long rows = 0;
	for (;;) {
		int n = svc_application_find(svc, "", fa->status, fa->from, fa->to, dir, key, page,
					     PAGE, e);
		if (n < 0) {
			rows = -2;
			break;
		}
		for (int i = 0; i < n; i++) {
			const struct application *a = &page[i];
			if (strcmp(who.id, a->applicant_id) != 0) {
				struct err nf;
				if (svc_applicant_get(svc, a->applicant_id, &who, &nf) != ST_OK) {
					memset(&who, 0, sizeof who);
					snprintf(who.id, sizeof who.id, "%s", a->applicant_id);
				}
			}
			local_time(a->created_at, created);
			snprintf(years, sizeof years, "%d", a->years);
			const char *f[] = { a->number, app_kind_code(a->kind), app_kind_label(a->kind),
					    app_subject_code(a->subject), app_subject_label(a->subject),
					    app_status_code(a->status), app_status_label(a->status),
					    a->holder_name, a->holder_code, years, created, who.phone };
			if (!write_row(f, 12)) {
				free(page);
				return -1;
			}
			rows++;
		}
		if (n < PAGE)
			break;
		snprintf(key, sizeof key, "%s", page[n - 1].id);
		dir = PAGE_AFTER;
	}
	free(page);
	return rows;
}

/* ---- the subcommand ---- */

static int usage(void)
{
	cli_error("用法：certdesk --user USER export applicants | applications [--status S]"
		  " [--from YYYY-MM-DD] [--to YYYY-MM-DD]");
	return EXIT_USAGE;
}

/* "--name value" or "--name=value" at argv[*i]; NULL when it is not --name. */
static const char *option(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage();
	bool applications = strcmp(argv[1], "applications") == 0;
	if (!applications && strcmp(argv[1], "applicants") != 0)
		return usage();
	struct app_filter_args fa = { "", "", "" };
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *s;
		if (applications && ((s = option(argc, argv, &i, "--status", &missing)) != NULL))
			fa.status = s;
		else if (applications && ((s = option(argc, argv, &i, "--from", &missing)) != NULL))
			fa.from = s;
		else if (applications && ((s = option(argc, argv, &i, "--to", &missing)) != NULL))
			fa.to = s;
		else if (missing)
			return cli_error("export：选项 %s 需要一个值", argv[i]), EXIT_USAGE;
		else
			return cli_error("export %s：未知参数 %s", argv[1], argv[i]), EXIT_USAGE;
	}
	enum app_status st_filter;
	if (*fa.status && !app_status_parse(fa.status, &st_filter)) {
		char all[256] = "";
		for (int s = 0; s < APP__COUNT; s++)
			snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", s ? ", " : "",
				 app_status_code((enum app_status)s));
		cli_error("export：未知的状态 %s（可选：%s）", fa.status, all);
		return EXIT_USAGE;
	}
	struct err e;
	err_clear(&e);
	if ((*fa.from && !check_date(fa.from, &e)) || (*fa.to && !check_date(fa.to, &e))) {
		cli_error("export：日期应为 YYYY-MM-DD：%s", err_text(&e));
		return EXIT_USAGE;
	}
	if (!cli_login(c))
		return EXIT_FAIL;
	struct svc *svc = &c->app.svc;

	/* How many rows, and the audit entry, before anything goes out. */
	long expected;
	json_t *detail;
	if (applications) {
		struct app_filter f;
		if (svc_application_filter(svc, "", fa.status, fa.from, fa.to, &f, &e) != ST_OK) {
			cli_error("export：%s", err_text(&e));
			return EXIT_USAGE;
		}
		expected = svc_application_count(svc, "", fa.status, fa.from, fa.to);
		detail = json_pack("{s:{s:s, s:s, s:s}, s:I}", "filter", "status", fa.status, "from",
				   fa.from, "to", fa.to, "rows", (json_int_t)expected);
	} else {
		expected = svc_applicant_count(svc);
		detail = json_pack("{s:{}, s:I}", "filter", "rows", (json_int_t)expected);
	}
	if (!detail) {
		cli_error("内存不足");
		return EXIT_FAIL;
	}
	enum status st = svc_audit_read(svc, &c->actor,
					applications ? "application.export" : "applicant.export",
					applications ? "application" : "applicant", detail, &e);
	json_decref(detail);
	if (st != ST_OK) {
		cli_error("无法记录审计日志，未导出：%s", err_text(&e));
		return EXIT_FAIL;
	}

	/* A reader that goes away (| head) is a write error, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	long rows = -1;
	if (csv_write_bom(stdout))
		rows = applications ? export_applications(c, &fa, &e) : export_applicants(c, &e);
	if (rows >= 0 && fflush(stdout) != 0)
		rows = -1;
	if (rows == -2)
		return cli_fail(&e);
	if (rows == -1) {
		cli_error("写出失败：%s", strerror(errno));
		return EXIT_FAIL;
	}
	fprintf(stderr, "已导出 %ld 行\n", rows);
	return EXIT_OK;
}
