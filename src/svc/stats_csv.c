/* Statistics as CSV for Excel, and their export to DATA/reports/. */
#include "svc/stats.h"

#include <stdlib.h>
#include <string.h>

#include "svc/report.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/fs.h"

/* As the day report writes text for Excel (svc/report.c): formulas and
 * long digit strings defused in the text columns only, so that numbers
 * such as -100.00 stay numbers. */
static const char *excel_text(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s);
	bool digits = len >= 2 && strspn(s, "0123456789") == len;
	if (digits && (s[0] == '0' || len >= 12))
		snprintf(buf, n, "\t%s", s);
	else if (s[0] && strchr("=+-@", s[0]))
		snprintf(buf, n, "'%s", s);
	else
		return s;
	return buf;
}

#define CSV_COLS 12

static bool record(FILE *f, const char *section, const char *item, const char *label,
		   const char *const nums[CSV_COLS - 3])
{
	char b1[128], b2[REASON_MAX + 8];
	const char *fields[CSV_COLS] = { section, excel_text(item, b1, sizeof b1),
					 excel_text(label, b2, sizeof b2) };
	for (int i = 3; i < CSV_COLS; i++)
		fields[i] = nums[i - 3];
	return csv_write_record(f, fields, CSV_COLS, 0);
}

static bool meta(FILE *f, const char *item, const char *value)
{
	static const char *const none[CSV_COLS - 3] = { "", "", "", "", "", "", "", "", "" };
	return record(f, "report", item, value, none);
}

/* A row of figures; the reviewer's leave what they do not hold empty. */
static bool figures_row(FILE *f, const char *section, const char *item, const char *label,
			const struct stats_figures *x, bool reviews_only)
{
	char c[5][24], avg[24], p90[24], yuan[32];
	const long v[5] = { x->received, x->accepted, x->returned, x->made, x->collected };
	for (int i = 0; i < 5; i++)
		snprintf(c[i], sizeof c[i], "%ld", v[i]);
	stats_avg_hours(x, avg);
	stats_p90_hours(x, p90);
	report_yuan(x->net_fen, yuan);
	const char *nums[CSV_COLS - 3] = { "", reviews_only ? "" : c[0], c[1], c[2],
					   reviews_only ? "" : c[3], reviews_only ? "" : c[4],
					   avg, p90, reviews_only ? "" : yuan };
	return record(f, section, item, label, nums);
}

static bool money_row(FILE *f, const char *item, const char *label, long n, long long fen)
{
	char count[24], yuan[32];
	snprintf(count, sizeof count, "%ld", n);
	report_yuan(fen, yuan);
	const char *nums[CSV_COLS - 3] = { count, "", "", "", "", "", "", "", yuan };
	return record(f, "money", item, label, nums);
}

bool stats_report_csv(const struct stats_report *r, FILE *f)
{
	static const char *const header[CSV_COLS] = {
		"section", "item", "label", "count", "received", "accepted", "returned", "made",
		"collected", "avg_hours", "p90_hours", "amount_yuan",
	};
	char text[256], from[17], to[17], made[17];
	clock_local(r->from, from);
	clock_local(r->to, to);
	clock_local(r->made, made);
	if (!csv_write_bom(f) || !csv_write_record(f, header, CSV_COLS, 0) ||
	    !meta(f, "kind", r->month ? "month" : "day") || !meta(f, "period", r->period))
		return false;
	snprintf(text, sizeof text, "%s 至 %s（本地时间）", from, to);
	if (!meta(f, "range", text))
		return false;
	if (r->all_offices)
		snprintf(text, sizeof text, "all %s", r->office_name);
	else
		snprintf(text, sizeof text, "%s %s", r->office_code, r->office_name);
	if (!meta(f, "office", text))
		return false;
	snprintf(text, sizeof text, "%s %s（%s）", made, r->reader, r->reader_username);
	if (!meta(f, "made", text) || !figures_row(f, "total", "total", "合计", &r->total, false))
		return false;
	for (int d = 0; d < r->ndays; d++)
		if (!figures_row(f, "day", r->days[d].date, r->days[d].weekday, &r->days[d].f, false))
			return false;
	static const char *const section[STATS__BY] = { "office", "clerk", "reviewer" };
	for (int b = 0; b < STATS__BY; b++)
		for (int i = 0; i < r->nby[b]; i++) {
			const struct stats_group *g = &r->by[b][i];
			const char *item = g->code[0] ? g->code : g->id[0] ? g->id : "-";
			const char *label = g->name[0] ? g->name : "（本机未知）";
			if (!figures_row(f, section[b], item, label, &g->f, b == STATS_BY_REVIEWER))
				return false;
		}
	for (int i = 0; i < r->nreasons; i++) {
		char rank[16], n[24];
		snprintf(rank, sizeof rank, "%d", i + 1);
		snprintf(n, sizeof n, "%ld", r->reasons[i].n);
		const char *nums[CSV_COLS - 3] = { "", "", "", n, "", "", "", "", "" };
		if (!record(f, "reason", rank, r->reasons[i].text[0] ? r->reasons[i].text : "（未填写）",
			    nums))
			return false;
	}
	const struct stats_figures *t = &r->total;
	long n = t->transfers.n + t->refunds.n;
	if (!money_row(f, "transfer", "对公转账（按核实时间）", t->transfers.n, t->transfers.fen))
		return false;
	for (int c = 0; c < CHANNEL__COUNT; c++) {
		n += t->online[c].n;
		if (!money_row(f, pay_channel_code((enum pay_channel)c),
			       pay_channel_label((enum pay_channel)c), t->online[c].n, t->online[c].fen))
			return false;
	}
	return money_row(f, "refund", "退款", t->refunds.n, -t->refunds.fen) &&
	       money_row(f, "net", "实收净额", n, t->net_fen);
}

enum status svc_stats_export(struct app *app, const struct actor *a, const struct stats_report *r,
			     char path_out[PATH_MAX], struct err *e)
{
	char dir[PATH_MAX], suffix[24] = "", digits[9] = "";
	for (size_t i = 0, n = 0; r->period[i] && n < 8; i++)
		if (r->period[i] != '-')
			digits[n++] = r->period[i];
	if (r->all_offices) {
		snprintf(suffix, sizeof suffix, "-ALL");
	} else {
		struct terminal_info ti;
		struct err ignore;
		if (svc_terminal_info(&app->svc, &ti, &ignore) != ST_OK ||
		    strcmp(ti.office_code, r->office_code) != 0)
			snprintf(suffix, sizeof suffix, "-%s", r->office_code);
	}
	snprintf(dir, sizeof dir, "%s/reports", app->data_dir);
	int len = snprintf(path_out, PATH_MAX, "%s/%s-%s%s.csv", dir, r->month ? "month" : "stats",
			   digits, suffix);
	if (len < 0 || len >= PATH_MAX)
		return err_set(e, ST_IO, "数据目录的路径太长");
	enum status st = fs_mkdir_p(dir, e);
	if (st != ST_OK)
		return st;
	char *data = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&data, &size);
	if (!mem)
		return err_status(e, ST_NOMEM);
	bool ok = stats_report_csv(r, mem);
	if (fclose(mem) != 0)
		ok = false;
	if (!ok) {
		free(data);
		return err_status(e, ST_NOMEM);
	}
	/* On record before the file exists (as the day report's export). */
	json_t *detail = json_pack("{s:s, s:s, s:s}", "period", r->period, "office",
				   r->all_offices ? "all" : r->office_code, "file", path_out);
	st = detail ? svc_audit_read(&app->svc, a, "report.export", "report", detail, e)
		    : err_status(e, ST_NOMEM);
	json_decref(detail);
	if (st == ST_OK)
		st = fs_write_atomic(path_out, data, size, e);
	free(data);
	return st;
}
