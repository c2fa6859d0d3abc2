/*
 * certdesk report day   [--date YYYY-MM-DD] [--office CODE|all] [--csv]
 * certdesk report month [--month YYYY-MM]   [--office CODE|all] [--csv]
 * certdesk report stats [--date YYYY-MM-DD] [--office CODE|all] [--csv]
 *
 * The day-end report (日结, svc/report.h) with its KEY stock counts, and
 * the statistics of a month or a day (svc/stats.h), as aligned tables in
 * Chinese, measured by display width, or as CSV for Excel (UTF-8 with
 * BOM, CRLF). Any member of staff
 * may run the day report: supervisors and admins see everyone's figures, a
 * clerk only their own (the report says so); the statistics are for
 * supervisors and admins. Every run is on the audit log, written before
 * anything is printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "svc/report.h"
#include "svc/stats.h"
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

/* The blank KEYs: counts, not money (the day's movements, the ledger now). */
static void print_stock(const struct day_report *r)
{
	struct report_count k[REPORT_STOCK_LINES_MAX];
	int n = day_report_stock_lines(r, k, REPORT_STOCK_LINES_MAX);
	const int label = 30;
	for (int i = 0; i < n; i++) {
		if (i == 0 || strcmp(k[i].section, k[i - 1].section) != 0) {
			bool own = r->own_only && strcmp(k[i].section, "stock_moves") == 0;
			printf("\n%s%s\n", k[i].section_label, own ? "（本人经手）" : "");
			fputs("  ", stdout);
			cell("", label, false);
			cell("个数", COUNT_COLS, true);
			fputc('\n', stdout);
		}
		if (k[i].total && i > 0 && strcmp(k[i].section, k[i - 1].section) == 0)
			rule(label + COUNT_COLS);
		fputs("  ", stdout);
		cell(k[i].label, label, false);
		count_cell(k[i].n, COUNT_COLS);
		fputc('\n', stdout);
	}
}

/* ---- the statistics ---- */

#define NAME_COLS 20
#define N_COLS 6
#define H_COLS 9

static void hours_cell(const char *h)
{
	cell(h[0] ? h : "-", H_COLS, true);
}

static void print_stats_head(const struct stats_report *r)
{
	char from[17], to[17], made[17];
	clock_local(r->from, from);
	clock_local(r->to, to);
	clock_local(r->made, made);
	if (r->month)
		printf("月度统计  %s\n", r->period);
	else
		printf("统计  %s %s\n", r->period, r->days[0].weekday);
	if (r->all_offices)
		printf("受理点：全部受理点\n");
	else
		printf("受理点：%s %s\n", r->office_code, r->office_name);
	printf("统计时段：%s 至 %s（本地时间）\n", from, to);
	printf("制表：%s  %s（%s）\n", made, r->reader, r->reader_username);
	printf("口径：收件按最近一次提交审核的时间，受理、制证、领取按各自的时间；退回按每次退回计"
	       "（本机审计日志）；受理用时为提交至受理的小时数，90%% 分位取最近秩；"
	       "收款同日结：转账按核实时间，在线支付按登记时间，减去退款。\n");
}

static void count_line(const char *label, long n)
{
	fputs("  ", stdout);
	cell(label, 30, false);
	count_cell(n, COUNT_COLS);
	fputc('\n', stdout);
}

static void money_line(const char *label, long n, long long fen)
{
	fputs("  ", stdout);
	cell(label, 30, false);
	count_cell(n, COUNT_COLS);
	money_cell(fen, AMOUNT_COLS);
	fputc('\n', stdout);
}

static void print_stats_summary(const struct stats_report *r)
{
	const struct stats_figures *t = &r->total;
	char avg[24], p90[24];
	stats_avg_hours(t, avg);
	stats_p90_hours(t, p90);
	printf("\n申请单\n");
	count_line("收件（提交审核）", t->received);
	count_line("受理", t->accepted);
	count_line("退回", t->returned);
	count_line("制证", t->made);
	count_line("领取", t->collected);
	fputs("  ", stdout);
	cell("受理用时（小时）", 30, false);
	if (t->timed > 0)
		printf("平均 %s，90%% 在 %s 以内（%ld 份）\n", avg, p90, t->timed);
	else
		printf("-（无受理）\n");

	/* The count first: a reason is whatever the supervisor wrote, shown whole. */
	printf("\n退回原因（次数）\n");
	if (r->nreasons == 0)
		printf("  （没有退回）\n");
	for (int i = 0; i < r->nreasons; i++) {
		fputs("  ", stdout);
		count_cell(r->reasons[i].n, COUNT_COLS);
		printf("  %s\n", r->reasons[i].text[0] ? r->reasons[i].text : "（未填写）");
	}
	if (r->nreasons > 0) {
		rule(COUNT_COLS + 6);
		fputs("  ", stdout);
		count_cell(t->returned, COUNT_COLS);
		printf("  合计\n");
	}

	printf("\n收款（同日结口径）\n");
	fputs("  ", stdout);
	cell("", 30, false);
	cell("笔数", COUNT_COLS, true);
	cell("金额（元）", AMOUNT_COLS, true);
	fputc('\n', stdout);
	long n = t->transfers.n + t->refunds.n;
	money_line("对公转账（按核实时间）", t->transfers.n, t->transfers.fen);
	for (int c = 0; c < CHANNEL__COUNT; c++) {
		money_line(pay_channel_label((enum pay_channel)c), t->online[c].n, t->online[c].fen);
		n += t->online[c].n;
	}
	money_line("退款", t->refunds.n, -t->refunds.fen);
	rule(30 + COUNT_COLS + AMOUNT_COLS);
	money_line("实收净额", n, t->net_fen);
}

/* A table of figures: one row per day, office or person. Reviewers show
 * what they reviewed only. */
static void table_head(const char *first, bool reviews_only)
{
	fputs("  ", stdout);
	cell(first, NAME_COLS, false);
	if (!reviews_only)
		cell("收件", N_COLS, true);
	cell("受理", N_COLS, true);
	cell("退回", N_COLS, true);
	if (!reviews_only) {
		cell("制证", N_COLS, true);
		cell("领取", N_COLS, true);
	}
	cell("平均时", H_COLS, true);
	cell("90%时", H_COLS, true);
	if (!reviews_only)
		cell("实收净额", AMOUNT_COLS, true);
	fputc('\n', stdout);
}

static int table_cols(bool reviews_only)
{
	return NAME_COLS + (reviews_only ? 2 * N_COLS : 5 * N_COLS + AMOUNT_COLS) + 2 * H_COLS;
}

static void table_row(const char *name, const struct stats_figures *f, bool reviews_only)
{
	char avg[24], p90[24];
	stats_avg_hours(f, avg);
	stats_p90_hours(f, p90);
	fputs("  ", stdout);
	cell(name, NAME_COLS, false);
	if (!reviews_only)
		count_cell(f->received, N_COLS);
	count_cell(f->accepted, N_COLS);
	count_cell(f->returned, N_COLS);
	if (!reviews_only) {
		count_cell(f->made, N_COLS);
		count_cell(f->collected, N_COLS);
	}
	hours_cell(avg);
	hours_cell(p90);
	if (!reviews_only)
		money_cell(f->net_fen, AMOUNT_COLS);
	fputc('\n', stdout);
}

static void print_days(const struct stats_report *r)
{
	printf("\n每日（受理用时：当日受理的）\n");
	table_head("日期", false);
	for (int i = 0; i < r->ndays; i++) {
		char name[40];
		/* "06-09 一": the weekday's last character */
		snprintf(name, sizeof name, "%s %s", r->days[i].date + 5,
			 r->days[i].weekday + strlen(r->days[i].weekday) - strlen("一"));
		table_row(name, &r->days[i].f, false);
	}
	rule(table_cols(false));
	table_row("合计", &r->total, false);
}

static void group_name(const struct stats_group *g, enum stats_by by, char out[160])
{
	if (by == STATS_BY_OFFICE && g->code[0])
		snprintf(out, 160, "%s %s", g->code, g->name);
	else if (g->code[0])
		snprintf(out, 160, "%s（%s）", g->name, g->code);
	else if (g->id[0])
		snprintf(out, 160, "本机未知 %.8s", g->id);
	else
		snprintf(out, 160, "（未记录）");
}

static void print_groups(const struct stats_report *r, enum stats_by by)
{
	static const char *const title[STATS__BY] = {
		"按受理点（申请单所属受理点；收款按登记的受理点）",
		"按员工（录入申请单的受理员；收款按登记人，退款记在登记退款的人）",
		"按审核员（受理、退回；受理用时为其受理的）",
	};
	static const char *const first[STATS__BY] = { "受理点", "员工", "审核员" };
	bool reviews_only = by == STATS_BY_REVIEWER;
	printf("\n%s\n", title[by]);
	table_head(first[by], reviews_only);
	if (r->nby[by] == 0)
		printf("  （没有记录）\n");
	for (int i = 0; i < r->nby[by]; i++) {
		char name[160];
		group_name(&r->by[by][i], by, name);
		table_row(name, &r->by[by][i].f, reviews_only);
	}
	rule(table_cols(reviews_only));
	table_row("合计", &r->total, reviews_only);
}

static void print_stats(const struct stats_report *r)
{
	print_stats_head(r);
	print_stats_summary(r);
	if (r->month)
		print_days(r);
	for (int b = 0; b < STATS__BY; b++)
		print_groups(r, (enum stats_by)b);
}

/* ---- the command ---- */

static int usage(void)
{
	cli_error("用法：certdesk --user USER report day [--date YYYY-MM-DD] [--office CODE|all] [--csv]\n"
		  "       certdesk --user USER report month [--month YYYY-MM] [--office CODE|all] [--csv]\n"
		  "       certdesk --user USER report stats [--date YYYY-MM-DD] [--office CODE|all] [--csv]");
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

/* Print what `print` prints, or the CSV, to stdout; a reader that goes
 * away (| head) is a write error, not a kill. */
static int finish(bool ok)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		ok = false;
	if (!ok) {
		cli_error("写出失败：%s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage();
	enum { DAY, MONTH, STATS } what;
	if (strcmp(argv[1], "day") == 0)
		what = DAY;
	else if (strcmp(argv[1], "month") == 0)
		what = MONTH;
	else if (strcmp(argv[1], "stats") == 0)
		what = STATS;
	else
		return usage();
	const char *date = "", *month = "", *office = "";
	bool csv = false;
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *s;
		if (what != MONTH && (s = option(argc, argv, &i, "--date", &missing)) != NULL)
			date = s;
		else if (what == MONTH && (s = option(argc, argv, &i, "--month", &missing)) != NULL)
			month = s;
		else if ((s = option(argc, argv, &i, "--office", &missing)) != NULL)
			office = s;
		else if (strcmp(argv[i], "--csv") == 0)
			csv = true;
		else if (missing)
			return cli_error("report：选项 %s 需要一个值", argv[i]), EXIT_USAGE;
		else
			return cli_error("report %s：未知参数 %s", argv[1], argv[i]), EXIT_USAGE;
	}
	struct err e;
	err_clear(&e);
	if (*date && !check_date(date, &e)) {
		cli_error("report：日期应为 YYYY-MM-DD：%s", err_text(&e));
		return EXIT_USAGE;
	}
	if (*month) {
		char probe[16];
		snprintf(probe, sizeof probe, "%.8s-01", month);
		if (strlen(month) != 7 || !check_date(probe, NULL)) {
			cli_error("report：月份应为 YYYY-MM，如 2025-06");
			return EXIT_USAGE;
		}
	}
	const char *purpose = csv ? "csv" : "text";
	if (!cli_login(c))
		return EXIT_FAIL;
	signal(SIGPIPE, SIG_IGN);

	if (what == DAY) {
		struct report_query q = { date, office, purpose };
		struct day_report r;
		if (svc_report_day(&c->app.svc, &c->actor, &q, &r, &e) != ST_OK)
			return cli_fail(&e);
		bool ok = true;
		if (csv) {
			ok = day_report_csv(&r, stdout);
		} else {
			print_head(&r);
			print_lines(&r);
			print_clerks(&r);
			print_waiting(&r);
			print_stock(&r);
		}
		day_report_done(&r);
		return finish(ok);
	}
	struct stats_query q = { month, date, office, purpose };
	struct stats_report r;
	if (svc_stats(&c->app.svc, &c->actor, &q, &r, &e) != ST_OK)
		return cli_fail(&e);
	bool ok = true;
	if (csv)
		ok = stats_report_csv(&r, stdout);
	else
		print_stats(&r);
	stats_report_done(&r);
	return finish(ok);
}
