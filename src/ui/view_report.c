/*
 * The day-end report (日结) on screen: the day and the office at the top,
 * the report below as tables, with a bar beside each amount by payment
 * method, and the KEY stock's counts (the day's movements, the ledger as
 * read). Enter or F2 counts again, PgUp/PgDn scroll, F6 exports the CSV
 * to DATA/reports/. What a clerk sees is their own figures (svc/report.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/report.h"
#include "ui/formw.h"
#include "ui/reportw.h"
#include "ui/views_admin.h"
#include "util/clock.h"
#include "util/utf8.h"

enum row_kind { ROW_BLANK, ROW_SECTION, ROW_NOTE, ROW_SUM, ROW_CLERK_HEAD, ROW_CLERK,
		ROW_WAIT_HEAD, ROW_WAIT, ROW_COUNT };

/* One line of the report as drawn. */
struct row {
	enum row_kind kind;
	char text[192];               /* section title, note, label or name */
	struct report_sum sum[3];     /* ROW_SUM, ROW_COUNT: [0]; ROW_CLERK: orders, payments, refunds */
	bool total;
	long long bar_max;            /* > 0: a bar for |sum[0].fen| against it */
	int wait;                     /* ROW_WAIT: index into the report's waiting rows */
};

struct report_view {
	struct view v;
	struct ui *ui;
	struct formw w;
	struct day_report r;
	bool have;                    /* r holds a report */
	struct row *rows;             /* owned */
	struct reportw pane;            /* pane.nrows rows */
	char error[256];
};

/* Columns of the sum lines. */
#define X0 2
#define LABEL_W 26
#define COUNT_W 6
#define AMOUNT_W 14

/* ---- building the rows ---- */

static struct row *add(struct report_view *rv, int cap, enum row_kind kind, const char *text)
{
	if (rv->pane.nrows >= cap)
		return NULL;
	struct row *r = &rv->rows[rv->pane.nrows++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	snprintf(r->text, sizeof r->text, "%s", text ? text : "");
	return r;
}

static bool barred(const char *section)
{
	/* The amounts by payment method: the orders' and the money received. */
	return strcmp(section, "orders_method") == 0 || strcmp(section, "received") == 0;
}

static void build(struct report_view *rv)
{
	const struct day_report *d = &rv->r;
	int cap = 3 * REPORT_LINES_MAX + d->nclerks + d->nwaiting + REPORT_STOCK_LINES_MAX + 24;
	free(rv->rows);
	rv->rows = calloc((size_t)cap, sizeof *rv->rows);
	rv->pane.nrows = rv->pane.top = 0;
	if (!rv->rows) {
		snprintf(rv->error, sizeof rv->error, "内存不足");
		return;
	}
	char note[256], made[17];
	clock_local(d->made, made);
	snprintf(note, sizeof note, "%s %s 制表。%s", made + 11, d->reader,
		 d->own_only ? "仅本人：受理员只能看到自己下的订单和登记的款项。"
			     : "全部员工；订单和转账的状态均为此刻的状态。");
	add(rv, cap, ROW_NOTE, note);

	struct report_line l[REPORT_LINES_MAX];
	int n = day_report_lines(d, l, REPORT_LINES_MAX);
	long long max = 0;
	for (int i = 0; i < n; i++) {
		if (i == 0 || strcmp(l[i].section, l[i - 1].section) != 0) {
			add(rv, cap, ROW_BLANK, NULL);
			add(rv, cap, ROW_SECTION, l[i].section_label);
			/* the largest amount of the section's items, for its bars */
			max = 0;
			for (int j = i; j < n && strcmp(l[j].section, l[i].section) == 0; j++) {
				long long f = l[j].sum.fen < 0 ? -l[j].sum.fen : l[j].sum.fen;
				if (!l[j].total && f > max)
					max = f;
			}
		}
		struct row *r = add(rv, cap, ROW_SUM, l[i].label);
		if (!r)
			break;
		r->sum[0] = l[i].sum;
		r->total = l[i].total;
		if (barred(l[i].section) && !l[i].total && max > 0)
			r->bar_max = max;
	}

	add(rv, cap, ROW_BLANK, NULL);
	add(rv, cap, ROW_SECTION, "按受理员（当日下单、登记款项、退款）");
	add(rv, cap, ROW_CLERK_HEAD, "groups");
	add(rv, cap, ROW_CLERK_HEAD, NULL);
	struct report_sum t[3] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
	for (int i = 0; i < d->nclerks; i++) {
		const struct report_clerk *c = &d->clerks[i];
		char who[160];
		if (c->username[0])
			snprintf(who, sizeof who, "%s（%s）", c->name, c->username);
		else
			snprintf(who, sizeof who, "未知账户 %.8s", c->staff_id);
		struct row *r = add(rv, cap, ROW_CLERK, who);
		if (!r)
			break;
		r->sum[0] = c->orders, r->sum[1] = c->payments, r->sum[2] = c->refunds;
		for (int k = 0; k < 3; k++)
			t[k].n += r->sum[k].n, t[k].fen += r->sum[k].fen;
	}
	if (d->nclerks == 0)
		add(rv, cap, ROW_NOTE, "当日没有记录。");
	struct row *tot = add(rv, cap, ROW_CLERK, "合计");
	if (tot) {
		memcpy(tot->sum, t, sizeof t);
		tot->total = true;
	}

	/* The KEY stock: counts, not money. */
	struct report_count k[REPORT_STOCK_LINES_MAX];
	int nk = day_report_stock_lines(d, k, REPORT_STOCK_LINES_MAX);
	for (int i = 0; i < nk; i++) {
		if (i == 0 || strcmp(k[i].section, k[i - 1].section) != 0) {
			bool own = d->own_only && strcmp(k[i].section, "stock_moves") == 0;
			add(rv, cap, ROW_BLANK, NULL);
			add(rv, cap, ROW_SECTION, own ? "当日 KEY 出入（本人经手）" : k[i].section_label);
		}
		struct row *r = add(rv, cap, ROW_COUNT, k[i].label);
		if (r) {
			r->sum[0].n = k[i].n;
			r->total = k[i].total;
		}
	}

	char title[192], yuan[32];
	format_fen(d->waiting.fen, yuan);
	snprintf(title, sizeof title, "待核款转账（全部尚未核实的，不限日期）：%ld 笔，¥%s",
		 d->waiting.n, yuan);
	add(rv, cap, ROW_BLANK, NULL);
	add(rv, cap, ROW_SECTION, title);
	if (d->nwaiting == 0) {
		add(rv, cap, ROW_NOTE, "没有等待核实的转账。");
		return;
	}
	add(rv, cap, ROW_WAIT_HEAD, NULL);
	for (int i = 0; i < d->nwaiting; i++) {
		struct row *r = add(rv, cap, ROW_WAIT, NULL);
		if (r)
			r->wait = i;
	}
	if (d->waiting.n > d->nwaiting) {
		snprintf(title, sizeof title, "……仅列出最早登记的 %d 笔；全部请在核款队列中查看。",
			 d->nwaiting);
		add(rv, cap, ROW_NOTE, title);
	}
}

/* ---- counting ---- */

static void count_again(struct report_view *rv, struct ui *ui)
{
	if (!formw_validate(&rv->w))
		return;
	char *date = formw_get(&rv->w, "date"), *office = formw_get(&rv->w, "office");
	struct report_query q = { date, office, "screen" };
	struct day_report r;
	struct err e;
	err_clear(&e);
	enum status st = svc_report_day(&ui->app->svc, &ui->actor, &q, &r, &e);
	free(date);
	free(office);
	if (st != ST_OK) {
		if (e.field[0])
			formw_show_err(&rv->w, &e);
		else
			snprintf(rv->error, sizeof rv->error, "%s", err_text(&e));
		return;
	}
	if (rv->have)
		day_report_done(&rv->r);
	rv->r = r;
	rv->have = true;
	rv->error[0] = '\0';
	build(rv);
}

/* ---- drawing ---- */





static const char *const groups[] = { "下单", "登记款项", "退款" };

static void draw_row(struct report_view *rv, const struct row *r, int y)
{
	int w = COLS - 2 * X0;
	switch (r->kind) {
	case ROW_BLANK:
		return;
	case ROW_SECTION:
		attrset(ui_style(S_HEADER));
		ui_text(y, X0, w, true, r->text);
		break;
	case ROW_NOTE:
		attrset(ui_style(S_DIM));
		ui_text(y, X0, w, true, r->text);
		break;
	case ROW_SUM: {
		attrset(r->total ? A_BOLD : A_NORMAL);
		reportw_cell(y, X0 + 2, LABEL_W - 2, false, r->text);
		reportw_count_cell(y, X0 + LABEL_W, COUNT_W, r->sum[0].n);
		reportw_money_cell(y, X0 + LABEL_W + COUNT_W, AMOUNT_W, r->sum[0].fen);
		if (r->bar_max > 0) {
			int bx = X0 + LABEL_W + COUNT_W + AMOUNT_W + 2;
			attrset(r->sum[0].fen < 0 ? ui_style(S_WARN) : ui_style(S_OK));
			reportw_bar(y, bx, COLS - X0 - bx, r->sum[0].fen, r->bar_max);
		}
		break;
	}
	case ROW_COUNT:
		attrset(r->total ? A_BOLD : A_NORMAL);
		reportw_cell(y, X0 + 2, LABEL_W - 2, false, r->text);
		reportw_count_cell(y, X0 + LABEL_W, COUNT_W, r->sum[0].n);
		reportw_cell(y, X0 + LABEL_W + COUNT_W + 1, 4, false, "个");
		break;
	case ROW_CLERK_HEAD:
		attrset(ui_style(S_DIM));
		if (r->text[0]) { /* the groups, over their two columns */
			for (int k = 0; k < 3; k++)
				reportw_cell(y, X0 + 18 + 18 * k, 18, true, groups[k]);
			break;
		}
		reportw_cell(y, X0 + 2, 16, false, "员工");
		for (int k = 0; k < 3; k++) {
			reportw_cell(y, X0 + 18 + 18 * k, 5, true, "笔数");
			reportw_cell(y, X0 + 23 + 18 * k, 13, true, "金额");
		}
		break;
	case ROW_CLERK:
		attrset(r->total ? A_BOLD : A_NORMAL);
		reportw_cell(y, X0 + 2, 16, false, r->text);
		for (int k = 0; k < 3; k++) {
			reportw_count_cell(y, X0 + 18 + 18 * k, 5, r->sum[k].n);
			reportw_money_cell(y, X0 + 23 + 18 * k, 13, r->sum[k].fen);
		}
		break;
	case ROW_WAIT_HEAD:
		attrset(ui_style(S_DIM));
		reportw_cell(y, X0 + 2, 11, false, "登记时间");
		reportw_cell(y, X0 + 13, 4, true, "天数");
		reportw_cell(y, X0 + 17, 11, true, "金额");
		reportw_cell(y, X0 + 30, 16, false, "流水号");
		reportw_cell(y, X0 + 46, 5, false, "底单");
		reportw_cell(y, X0 + 51, w - 51, false, "订单 · 付款人");
		break;
	case ROW_WAIT: {
		const struct report_waiting *t = &rv->r.waiting_rows[r->wait];
		char at[17] = "", text[192];
		time_t when;
		if (clock_parse_iso(t->t.recorded_at, &when))
			clock_local(when, at);
		attrset(t->age_days > 2 ? ui_style(S_WARN) : A_NORMAL);
		reportw_cell(y, X0 + 2, 11, false, at + 5); /* "06-10 11:00" */
		reportw_count_cell(y, X0 + 13, 4, t->age_days);
		reportw_money_cell(y, X0 + 17, 11, t->t.fen);
		reportw_cell(y, X0 + 30, 16, false, t->t.reference);
		reportw_cell(y, X0 + 46, 5, false, t->t.slip ? "已传" : "未传");
		snprintf(text, sizeof text, "%s%s · %s", t->t.first_order, t->t.norders > 1 ? " 等" : "",
			 t->t.payer_name);
		reportw_cell(y, X0 + 51, w - 51, false, text);
		break;
	}
	}
	attrset(A_NORMAL);
}


static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct report_view *rv = (struct report_view *)v;
	int y = formw_draw(&rv->w, ui_body_top() + 1, 4, 4);
	char head[256];
	if (rv->have) {
		const struct day_report *d = &rv->r;
		snprintf(head, sizeof head, "日结 %s %s · %s%s%s", d->date, d->weekday, d->office_code,
			 d->office_code[0] ? " " : "", d->office_name);
	} else {
		snprintf(head, sizeof head, "日结");
	}
	int h;
	y = reportw_draw_head(&rv->pane, y, head, rv->error, &h);
	for (int i = 0; i < h && rv->pane.top + i < rv->pane.nrows; i++)
		draw_row(rv, &rv->rows[rv->pane.top + i], y + i);
}

/* ---- keys and actions ---- */

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct report_view *rv = (struct report_view *)v;
	bool enter = (!k->fn && (k->code == '\n' || k->code == '\r')) ||
		     (k->fn && k->code == KEY_ENTER);
	if (enter) {
		count_again(rv, ui);
		return R_HANDLED | R_REDRAW;
	}
	/* Past the form's ends the arrows scroll the report. */
	if (reportw_key(&rv->pane, &rv->w, k, reportw_body_rows(ui_body_top() + 6) - 1))
		return R_HANDLED;
	return formw_key(&rv->w, k);
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct report_view *rv = (struct report_view *)v;
	switch (a) {
	case ACT_REFRESH:
		count_again(rv, ui);
		return R_HANDLED | R_REDRAW;
	case ACT_EXPORT: {
		if (!rv->have) {
			ui_flash(ui, true, "请先统计（Enter 或 F2），再导出。");
			return R_HANDLED;
		}
		char path[PATH_MAX];
		struct err e;
		err_clear(&e);
		if (svc_report_export(ui->app, &ui->actor, &rv->r, path, &e) != ST_OK)
			dialog_message(ui, "无法导出", err_text(&e), true);
		else
			ui_flash(ui, false, "已导出 %s 的日结：%s", rv->r.date, path);
		return R_HANDLED;
	}
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void report_free(struct view *v)
{
	struct report_view *rv = (struct report_view *)v;
	if (rv->have)
		day_report_done(&rv->r);
	formw_done(&rv->w);
	free(rv->rows);
	free(rv);
}

static const enum action actions[] = { ACT_REFRESH, ACT_EXPORT, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "report", .actions = actions, .draw = draw, .key = key, .action = action,
	.free = report_free,
};

void view_report_open(struct ui *ui)
{
	const struct form_def *def = form_find("report_day");
	struct report_view *rv = def ? calloc(1, sizeof *rv) : NULL;
	if (!rv)
		return;
	rv->v.ops = &ops;
	rv->ui = ui;
	snprintf(rv->v.title, sizeof rv->v.title, "日结报表");
	formw_init(&rv->w, def);
	char today[11];
	time_t now = clock_now();
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	formw_set(&rv->w, "date", today);
	count_again(rv, ui);
	ui_push(ui, &rv->v);
}
