/*
 * A month at a glance (统计, svc/stats.h): the month and the office at the
 * top, then the month's figures, a row per day with bars of applications
 * received and accepted and of the money received, and tables per office,
 * clerk and reviewer, returns by reason and money by method. Enter or F2
 * counts again, PgUp/PgDn and the arrows past the fields scroll, F6
 * exports the CSV to DATA/reports/.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/stats.h"
#include "ui/formw.h"
#include "ui/reportw.h"
#include "ui/views_admin.h"
#include "util/clock.h"
#include "util/utf8.h"

enum row_kind { ROW_BLANK, ROW_SECTION, ROW_NOTE, ROW_SUMMARY, ROW_DAY_HEAD, ROW_DAY,
		ROW_TABLE_HEAD, ROW_GROUP, ROW_REASON, ROW_MONEY };

/* One line of the screen. */
struct row {
	enum row_kind kind;
	char text[192];                   /* title, note, name, reason, label */
	const struct stats_figures *f;    /* ROW_DAY, ROW_GROUP: borrowed from the report */
	bool reviews_only;                /* ROW_TABLE_HEAD, ROW_GROUP: a reviewer's */
	bool total;
	long n;                           /* ROW_REASON, ROW_MONEY */
	long long fen;                    /* ROW_MONEY */
};

struct stats_view {
	struct view v;
	struct ui *ui;
	struct formw w;
	struct stats_report r;
	bool have;
	struct row *rows;                 /* owned */
	struct reportw pane;              /* pane.nrows rows */
	int cap;
	long max_apps;                    /* the bars' scales */
	long long max_fen;
	char error[256];
};

#define X0 2

/* ---- building the rows ---- */

static struct row *add(struct stats_view *sv, enum row_kind kind, const char *text)
{
	if (sv->pane.nrows >= sv->cap)
		return NULL;
	struct row *r = &sv->rows[sv->pane.nrows++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	snprintf(r->text, sizeof r->text, "%s", text ? text : "");
	return r;
}

static void group_name(const struct stats_group *g, enum stats_by by, char out[192])
{
	if (by == STATS_BY_OFFICE && g->code[0])
		snprintf(out, 192, "%s %s", g->code, g->name);
	else if (g->code[0])
		snprintf(out, 192, "%s（%s）", g->name, g->code);
	else if (g->id[0])
		snprintf(out, 192, "本机未知 %.8s", g->id);
	else
		snprintf(out, 192, "（未记录）");
}

static void table(struct stats_view *sv, enum stats_by by)
{
	static const char *const title[STATS__BY] = {
		"按受理点（申请单所属受理点；收款按登记的受理点）",
		"按员工（录入申请单的受理员；收款按登记人）",
		"按审核员（受理、退回；受理用时为其受理的）",
	};
	static const char *const first[STATS__BY] = { "受理点", "员工", "审核员" };
	const struct stats_report *d = &sv->r;
	bool rev = by == STATS_BY_REVIEWER;
	add(sv, ROW_BLANK, NULL);
	add(sv, ROW_SECTION, title[by]);
	struct row *h = add(sv, ROW_TABLE_HEAD, first[by]);
	if (h)
		h->reviews_only = rev;
	for (int i = 0; i < d->nby[by]; i++) {
		char name[192];
		group_name(&d->by[by][i], by, name);
		struct row *r = add(sv, ROW_GROUP, name);
		if (r) {
			r->f = &d->by[by][i].f;
			r->reviews_only = rev;
		}
	}
	if (d->nby[by] == 0)
		add(sv, ROW_NOTE, "本月没有记录。");
	struct row *t = add(sv, ROW_GROUP, "合计");
	if (t) {
		t->f = &d->total;
		t->reviews_only = rev;
		t->total = true;
	}
}

static void money(struct stats_view *sv, const char *label, long n, long long fen, bool total)
{
	struct row *r = add(sv, ROW_MONEY, label);
	if (r) {
		r->n = n;
		r->fen = fen;
		r->total = total;
	}
}

static void build(struct stats_view *sv)
{
	const struct stats_report *d = &sv->r;
	free(sv->rows);
	sv->cap = 40 + d->ndays + d->nreasons + 3 * (d->nby[0] + d->nby[1] + d->nby[2]);
	sv->rows = calloc((size_t)sv->cap, sizeof *sv->rows);
	sv->pane.nrows = sv->pane.top = 0;
	if (!sv->rows) {
		snprintf(sv->error, sizeof sv->error, "内存不足");
		return;
	}
	char note[256], made[17];
	clock_local(d->made, made);
	snprintf(note, sizeof note, "%s %s 制表。收件按最近一次提交，其余按发生之日；"
		 "受理用时为提交至受理的小时数。", made + 11, d->reader);
	add(sv, ROW_NOTE, note);
	add(sv, ROW_BLANK, NULL);
	add(sv, ROW_SUMMARY, "counts");
	add(sv, ROW_SUMMARY, NULL);

	sv->max_apps = 0;
	sv->max_fen = 0;
	for (int i = 0; i < d->ndays; i++) {
		const struct stats_figures *f = &d->days[i].f;
		if (f->received > sv->max_apps)
			sv->max_apps = f->received;
		if (f->accepted > sv->max_apps)
			sv->max_apps = f->accepted;
		long long a = f->net_fen < 0 ? -f->net_fen : f->net_fen;
		if (a > sv->max_fen)
			sv->max_fen = a;
	}
	add(sv, ROW_BLANK, NULL);
	add(sv, ROW_SECTION, "每日：收件、受理（份）与实收净额（元）");
	add(sv, ROW_DAY_HEAD, NULL);
	for (int i = 0; i < d->ndays; i++) {
		char name[32];
		/* "06-09 一": the weekday's last character */
		snprintf(name, sizeof name, "%s %s", d->days[i].date + 5,
			 d->days[i].weekday + strlen(d->days[i].weekday) - strlen("一"));
		struct row *r = add(sv, ROW_DAY, name);
		if (r)
			r->f = &d->days[i].f;
	}

	for (int b = 0; b < STATS__BY; b++)
		table(sv, (enum stats_by)b);

	add(sv, ROW_BLANK, NULL);
	add(sv, ROW_SECTION, "退回原因（次数）");
	for (int i = 0; i < d->nreasons; i++) {
		struct row *r = add(sv, ROW_REASON, d->reasons[i].text[0] ? d->reasons[i].text
									  : "（未填写）");
		if (r)
			r->n = d->reasons[i].n;
	}
	if (d->nreasons == 0)
		add(sv, ROW_NOTE, "本月没有退回。");

	const struct stats_figures *t = &d->total;
	add(sv, ROW_BLANK, NULL);
	add(sv, ROW_SECTION, "收款（同日结口径：转账按核实时间，在线支付按登记时间，减去退款）");
	long n = t->transfers.n + t->refunds.n;
	money(sv, "对公转账", t->transfers.n, t->transfers.fen, false);
	for (int c = 0; c < CHANNEL__COUNT; c++) {
		money(sv, pay_channel_label((enum pay_channel)c), t->online[c].n, t->online[c].fen,
		      false);
		n += t->online[c].n;
	}
	money(sv, "退款", t->refunds.n, -t->refunds.fen, false);
	money(sv, "实收净额", n, t->net_fen, true);
}

/* ---- counting ---- */

static void count_again(struct stats_view *sv, struct ui *ui)
{
	if (!formw_validate(&sv->w))
		return;
	char *month = formw_get(&sv->w, "month"), *office = formw_get(&sv->w, "office");
	struct stats_query q = { month, NULL, office, "screen" };
	struct stats_report r;
	struct err e;
	err_clear(&e);
	enum status st = svc_stats(&ui->app->svc, &ui->actor, &q, &r, &e);
	free(month);
	free(office);
	if (st != ST_OK) {
		if (e.field[0])
			formw_show_err(&sv->w, &e);
		else
			snprintf(sv->error, sizeof sv->error, "%s", err_text(&e));
		return;
	}
	if (sv->have)
		stats_report_done(&sv->r);
	sv->r = r;
	sv->have = true;
	sv->error[0] = '\0';
	build(sv);
}

/* ---- drawing ---- */





/* The day rows' columns: name, received and its bar, accepted and its
 * bar, the money and its bar; the bars share what the screen leaves. */
struct day_cols {
	int name, rc, rbar, ac, abar, fen, fbar, bar_w;
};

static struct day_cols day_cols(void)
{
	struct day_cols c;
	int fixed = 9 + 1 + 4 + 1 + 4 + 1 + 13 + 1 + 2; /* name, counts, money, gaps */
	c.bar_w = (COLS - 2 * X0 - fixed) / 3;
	if (c.bar_w < 0)
		c.bar_w = 0;
	c.name = X0;
	c.rc = c.name + 9;
	c.rbar = c.rc + 5;
	c.ac = c.rbar + c.bar_w + 1;
	c.abar = c.ac + 5;
	c.fen = c.abar + c.bar_w + 1;
	c.fbar = c.fen + 14;
	return c;
}

/* The tables' columns. */
#define T_NAME 18
#define T_N 5
#define T_H 8
#define T_FEN 13

static void table_row(int y, const struct row *r, bool head)
{
	int x = X0 + T_NAME;
	reportw_cell(y, X0, T_NAME - 1, false, r->text);
	static const char *const heads[] = { "收件", "受理", "退回", "制证", "领取" };
	for (int k = 0; k < 5; k++) {
		bool mine = k == 1 || k == 2;   /* what a reviewer holds */
		if (r->reviews_only && !mine)
			continue;
		if (head) {
			reportw_cell(y, x, T_N, true, heads[k]);
		} else {
			const long v[5] = { r->f->received, r->f->accepted, r->f->returned, r->f->made,
					    r->f->collected };
			reportw_count_cell(y, x, T_N, v[k]);
		}
		x += T_N;
	}
	char avg[24] = "平均时", p90[24] = "90%时";
	if (!head) {
		stats_avg_hours(r->f, avg);
		stats_p90_hours(r->f, p90);
	}
	reportw_cell(y, x, T_H, true, avg[0] ? avg : "-");
	reportw_cell(y, x + T_H, T_H, true, p90[0] ? p90 : "-");
	x += 2 * T_H;
	if (r->reviews_only)
		return;
	if (head)
		reportw_cell(y, x, T_FEN, true, "实收净额");
	else
		reportw_money_cell(y, x, T_FEN, r->f->net_fen);
}

/* Two lines: the applications, then the waits and the money. */
static void summary(struct stats_view *sv, const struct row *r, int y)
{
	const struct stats_figures *t = &sv->r.total;
	char text[256], avg[24], p90[24], yuan[32];
	if (r->text[0]) {
		snprintf(text, sizeof text, "收件 %ld   受理 %ld   退回 %ld   制证 %ld   领取 %ld",
			 t->received, t->accepted, t->returned, t->made, t->collected);
	} else {
		stats_avg_hours(t, avg);
		stats_p90_hours(t, p90);
		format_fen(t->net_fen, yuan);
		if (t->timed > 0)
			snprintf(text, sizeof text, "受理用时 平均 %s 小时，90%% 在 %s 小时内   实收净额 ¥%s",
				 avg, p90, yuan);
		else
			snprintf(text, sizeof text, "实收净额 ¥%s", yuan);
	}
	attrset(A_BOLD);
	ui_text(y, X0 + 2, COLS - 2 * X0 - 2, true, text);
}

static void draw_row(struct stats_view *sv, const struct row *r, int y)
{
	int w = COLS - 2 * X0;
	struct day_cols c;
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
	case ROW_SUMMARY:
		summary(sv, r, y);
		break;
	case ROW_DAY_HEAD:
		c = day_cols();
		attrset(ui_style(S_DIM));
		reportw_cell(y, c.name, 8, false, "日期");
		reportw_cell(y, c.rc, 4 + 1 + c.bar_w, false, "收件");
		reportw_cell(y, c.ac, 4 + 1 + c.bar_w, false, "受理");
		reportw_cell(y, c.fen, 13, true, "实收净额");
		break;
	case ROW_DAY:
		c = day_cols();
		attrset(A_NORMAL);
		reportw_cell(y, c.name, 8, false, r->text);
		reportw_count_cell(y, c.rc, 4, r->f->received);
		reportw_count_cell(y, c.ac, 4, r->f->accepted);
		reportw_money_cell(y, c.fen, 13, r->f->net_fen);
		attrset(ui_style(S_OK));
		reportw_bar(y, c.rbar, c.bar_w, r->f->received, sv->max_apps);
		attrset(ui_style(S_HEADER));
		reportw_bar(y, c.abar, c.bar_w, r->f->accepted, sv->max_apps);
		attrset(r->f->net_fen < 0 ? ui_style(S_WARN) : ui_style(S_OK));
		reportw_bar(y, c.fbar, c.bar_w, r->f->net_fen, sv->max_fen);
		break;
	case ROW_TABLE_HEAD:
		attrset(ui_style(S_DIM));
		table_row(y, r, true);
		break;
	case ROW_GROUP:
		attrset(r->total ? A_BOLD : A_NORMAL);
		table_row(y, r, false);
		break;
	case ROW_REASON:
		attrset(A_NORMAL);
		reportw_count_cell(y, X0, 6, r->n);
		ui_text(y, X0 + 8, w - 8, true, r->text);
		break;
	case ROW_MONEY:
		attrset(r->total ? A_BOLD : A_NORMAL);
		reportw_cell(y, X0 + 2, 16, false, r->text);
		reportw_count_cell(y, X0 + 18, 6, r->n);
		reportw_money_cell(y, X0 + 24, 16, r->fen);
		break;
	}
	attrset(A_NORMAL);
}


static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct stats_view *sv = (struct stats_view *)v;
	int y = formw_draw(&sv->w, ui_body_top() + 1, 4, 4);
	char head[256];
	if (sv->have)
		snprintf(head, sizeof head, "月度统计 %s · %s%s%s", sv->r.period, sv->r.office_code,
			 sv->r.office_code[0] ? " " : "", sv->r.office_name);
	else
		snprintf(head, sizeof head, "月度统计");
	int h;
	y = reportw_draw_head(&sv->pane, y, head, sv->error, &h);
	for (int i = 0; i < h && sv->pane.top + i < sv->pane.nrows; i++)
		draw_row(sv, &sv->rows[sv->pane.top + i], y + i);
}

/* ---- keys and actions ---- */

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct stats_view *sv = (struct stats_view *)v;
	bool enter = (!k->fn && (k->code == '\n' || k->code == '\r')) ||
		     (k->fn && k->code == KEY_ENTER);
	if (enter) {
		count_again(sv, ui);
		return R_HANDLED | R_REDRAW;
	}
	/* Past the form's ends the arrows scroll the report. */
	if (reportw_key(&sv->pane, &sv->w, k, reportw_body_rows(ui_body_top() + 5) - 1))
		return R_HANDLED;
	return formw_key(&sv->w, k);
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct stats_view *sv = (struct stats_view *)v;
	switch (a) {
	case ACT_REFRESH:
		count_again(sv, ui);
		return R_HANDLED | R_REDRAW;
	case ACT_EXPORT: {
		if (!sv->have) {
			ui_flash(ui, true, "请先统计（Enter 或 F2），再导出。");
			return R_HANDLED;
		}
		char path[PATH_MAX];
		struct err e;
		err_clear(&e);
		if (svc_stats_export(ui->app, &ui->actor, &sv->r, path, &e) != ST_OK)
			dialog_message(ui, "无法导出", err_text(&e), true);
		else
			ui_flash(ui, false, "已导出 %s 的统计：%s", sv->r.period, path);
		return R_HANDLED;
	}
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void stats_free(struct view *v)
{
	struct stats_view *sv = (struct stats_view *)v;
	if (sv->have)
		stats_report_done(&sv->r);
	formw_done(&sv->w);
	free(sv->rows);
	free(sv);
}

static const enum action actions[] = { ACT_REFRESH, ACT_EXPORT, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "stats", .actions = actions, .draw = draw, .key = key, .action = action,
	.free = stats_free,
};

void view_stats_open(struct ui *ui)
{
	const struct form_def *def = form_find("stats_month");
	struct stats_view *sv = def ? calloc(1, sizeof *sv) : NULL;
	if (!sv)
		return;
	sv->v.ops = &ops;
	sv->ui = ui;
	snprintf(sv->v.title, sizeof sv->v.title, "月度统计");
	formw_init(&sv->w, def);
	char month[8];
	time_t now = clock_now();
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(month, sizeof month, "%Y-%m", &tm);
	formw_set(&sv->w, "month", month);
	count_again(sv, ui);
	ui_push(ui, &sv->v);
}
