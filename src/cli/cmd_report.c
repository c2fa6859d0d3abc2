/*
 * certdesk report day [--date YYYY-MM-DD] [--office CODE|all] [--csv]
 *
 * The day-end report (日结, svc/report.h) as an aligned table in Chinese,
 * measured by display width, or as CSV for Excel (UTF-8 with BOM, CRLF).
 * Any member of staff may run it: supervisors and admins see everyone's
 * figures, a clerk only their own (the report says so). Every run is on
 * the audit log, written before anything is printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "svc/report.h"
#include "util/clock.h"
#include "util/utf8.h"

#define AMOUNT_COLS 16
#define COUNT_COLS 8

/* Print s in exactly `cols` display columns: cut (with "…") when longer,
 * padded on the right, or on the left when `right`. */
static void cell(const char *s, int cols, bool right)
{
	char buf[512];
	int w = utf8_fit(s, cols, true, buf, sizeof buf);
	if (right)
		for (int i = w; i < cols; i++)
			fputc(' ', stdout);
	fputs(buf, stdout);
	if (!right)
		for (int i = w; i < cols; i++)
			fputc(' ', stdout);
}

static void count_cell(long n, int cols)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%ld", n);
	cell(buf, cols, true);
}

static void money_cell(long long fen, int cols)
{
	char buf[32];
	format_fen(fen, buf);
	cell(buf, cols, true);
}

static void rule(int cols)
{
	fputs("  ", stdout);
	for (int i = 0; i < cols; i++)
		fputc('-', stdout);
	fputc('\n', stdout);
}

static void print_head(const struct day_report *r)
{
	char from[17], to[17], made[17];
	clock_local(r->from, from);
	clock_local(r->to, to);
	clock_local(r->made, made);
	printf("日结报表  %s %s\n", r->date, r->weekday);
	if (r->all_offices)
		printf("受理点：全部受理点\n");
	else
		printf("受理点：%s %s\n", r->office_code, r->office_name);
	printf("统计时段：%s 至 %s（本地时间）\n", from, to);
	printf("制表：%s  %s（%s）\n", made, r->reader, r->reader_username);
	if (r->own_only)
		printf("范围：仅本人。受理员只能查看自己下的订单和登记的款项；全部数据请由审核员查看。\n");
	else
		printf("范围：全部员工\n");
	printf("订单状态、转账状态均为制表时的状态。\n");
}

/* The sum lines, section by section. */
static void print_lines(const struct day_report *r)
{
	struct report_line l[REPORT_LINES_MAX];
	int n = day_report_lines(r, l, REPORT_LINES_MAX);
	const int label = 30;
	fputc('\n', stdout);
	cell("", 2 + label, false);
	cell("笔数", COUNT_COLS, true);
	cell("金额（元）", AMOUNT_COLS, true);
	fputc('\n', stdout);
	for (int i = 0; i < n; i++) {
		if (i == 0 || strcmp(l[i].section, l[i - 1].section) != 0)
			printf("%s%s\n", i ? "\n" : "", l[i].section_label);
		if (l[i].total && i > 0 && strcmp(l[i].section, l[i - 1].section) == 0)
			rule(label + COUNT_COLS + AMOUNT_COLS);
		fputs("  ", stdout);
		cell(l[i].label, label, false);
		count_cell(l[i].sum.n, COUNT_COLS);
		money_cell(l[i].sum.fen, AMOUNT_COLS);
		fputc('\n', stdout);
	}
}

static void clerk_row(const char *who, const struct report_sum *a, const struct report_sum *b,
		      const struct report_sum *c)
{
	fputs("  ", stdout);
	cell(who, 20, false);
	const struct report_sum *s[] = { a, b, c };
	for (int i = 0; i < 3; i++) {
		count_cell(s[i]->n, 6);
		money_cell(s[i]->fen, 14);
	}
	fputc('\n', stdout);
}

static void print_clerks(const struct day_report *r)
{
	printf("\n按受理员（当日下单、当日登记的转账和在线支付、当日退款）\n");
	fputs("  ", stdout);
	cell("", 20, false);
	cell("下单", 20, true);
	cell("登记款项", 20, true);
	cell("退款", 20, true);
	fputs("\n  ", stdout);
	cell("员工", 20, false);
	for (int i = 0; i < 3; i++) {
		cell("笔数", 6, true);
		cell("金额", 14, true);
	}
	fputc('\n', stdout);
	if (r->nclerks == 0)
		printf("  （当日没有记录）\n");
	struct report_sum o = { 0, 0 }, p = { 0, 0 }, f = { 0, 0 };
	for (int i = 0; i < r->nclerks; i++) {
		const struct report_clerk *c = &r->clerks[i];
		char who[160];
		if (c->username[0])
			snprintf(who, sizeof who, "%s（%s）", c->name, c->username);
		else
			snprintf(who, sizeof who, "本机未知的账户 %.8s", c->staff_id);
		clerk_row(who, &c->orders, &c->payments, &c->refunds);
		o.n += c->orders.n, o.fen += c->orders.fen;
		p.n += c->payments.n, p.fen += c->payments.fen;
		f.n += c->refunds.n, f.fen += c->refunds.fen;
	}
	rule(20 + 60);
	clerk_row("合计", &o, &p, &f);
}

static void print_waiting(const struct day_report *r)
{
	char total[32];
	format_fen(r->waiting.fen, total);
	printf("\n待核款转账（全部尚未核实的，不限日期）：%ld 笔，¥%s\n", r->waiting.n, total);
	if (r->nwaiting == 0)
		return;
	fputs("  ", stdout);
	cell("登记时间", 17, false);
	cell("天数", 5, true);
	cell("金额", 14, true);
	fputs("  ", stdout);
	cell("流水号", 18, false);
	cell("付款人", 22, false);
	cell("底单", 6, false);
	cell("登记人", 10, false);
	puts("订单");
	for (int i = 0; i < r->nwaiting; i++) {
		const struct report_waiting *w = &r->waiting_rows[i];
		char at[17] = "", order[64];
		time_t t;
		if (clock_parse_iso(w->t.recorded_at, &t))
			clock_local(t, at);
		fputs("  ", stdout);
		cell(at, 17, false);
		count_cell(w->age_days, 5);
		money_cell(w->t.fen, 14);
		fputs("  ", stdout);
		cell(w->t.reference, 18, false);
		cell(w->t.payer_name, 22, false);
		cell(w->t.slip ? "已传" : "未传", 6, false);
		cell(w->t.recorded_by, 10, false);
		if (w->t.norders > 1)
			snprintf(order, sizeof order, "%s 等 %d 单", w->t.first_order, w->t.norders);
		else
			snprintf(order, sizeof order, "%s", w->t.first_order);
		puts(order);
	}
	if (r->waiting.n > r->nwaiting)
		printf("  ……仅列出最早登记的 %d 笔\n", r->nwaiting);
}

static int usage(void)
{
	cli_error("用法：certdesk --user USER report day [--date YYYY-MM-DD] [--office CODE|all] [--csv]");
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

int cmd_report(struct cli *c, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "day") != 0)
		return usage();
	struct report_query q = { "", "", "text" };
	bool csv = false;
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *s;
		if ((s = option(argc, argv, &i, "--date", &missing)) != NULL)
			q.date = s;
		else if ((s = option(argc, argv, &i, "--office", &missing)) != NULL)
			q.office = s;
		else if (strcmp(argv[i], "--csv") == 0)
			csv = true;
		else if (missing)
			return cli_error("report：选项 %s 需要一个值", argv[i]), EXIT_USAGE;
		else
			return cli_error("report day：未知参数 %s", argv[i]), EXIT_USAGE;
	}
	struct err e;
	err_clear(&e);
	if (*q.date && !check_date(q.date, &e)) {
		cli_error("report：日期应为 YYYY-MM-DD：%s", err_text(&e));
		return EXIT_USAGE;
	}
	if (csv)
		q.purpose = "csv";
	if (!cli_login(c))
		return EXIT_FAIL;
	struct day_report r;
	if (svc_report_day(&c->app.svc, &c->actor, &q, &r, &e) != ST_OK)
		return cli_fail(&e);

	/* A reader that goes away (| head) is a write error, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	bool ok = true;
	if (csv) {
		ok = day_report_csv(&r, stdout);
	} else {
		print_head(&r);
		print_lines(&r);
		print_clerks(&r);
		print_waiting(&r);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		ok = false;
	day_report_done(&r);
	if (!ok) {
		cli_error("写出失败：%s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
