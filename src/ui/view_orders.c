/* Orders: find by number, phone, credit code, ID number or name, status and
 * the date placed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/order.h"
#include "ui/searchlist.h"
#include "ui/views_order.h"

struct orders_view {
	struct view v;
	struct searchlist sl;
	struct ui *ui;
	char query[96], status[32], from[12], to[12];
};

static const struct listw_col cols[] = {
	{ "订单号", 25, false },
	{ "单位/个人", 22, false },
	{ "金额", 13, true },
	{ "状态", 8, false },
	{ "方式", 0, false },
};

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct orders_view *ov = ctx;
	struct order *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_order_find(&ov->ui->app->svc, ov->query, ov->status, ov->from, ov->to, dir,
				 key, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%s", buf[i].id);
		snprintf(r->id, sizeof r->id, "%s", buf[i].id);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", buf[i].number);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", buf[i].holder_name);
		char fen[32];
		format_fen(buf[i].total_fen, fen);
		snprintf(r->cell[2], sizeof r->cell[2], "¥%s", fen);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", order_status_label(buf[i].status));
		snprintf(r->cell[4], sizeof r->cell[4], "%s", pay_method_label(buf[i].method));
		r->style = buf[i].status == ORDER_CANCELLED ? S_DIM
			 : buf[i].status == ORDER_UNPAID ? S_WARN : S_NORMAL;
	}
	free(buf);
	return got;
}

static void get(struct orders_view *ov, const char *id, char *out, size_t n)
{
	char *v = formw_get(&ov->sl.bar, id);
	snprintf(out, n, "%s", v ? v : "");
	free(v);
}

static void run_search(struct orders_view *ov)
{
	if (!formw_validate(&ov->sl.bar))
		return;
	get(ov, "query", ov->query, sizeof ov->query);
	get(ov, "status", ov->status, sizeof ov->status);
	get(ov, "from", ov->from, sizeof ov->from);
	get(ov, "to", ov->to, sizeof ov->to);
	snprintf(ov->sl.list.empty, sizeof ov->sl.list.empty, "没有符合条件的订单");
	listw_reload(&ov->sl.list, false);
	if (ov->sl.list.error[0])
		formw_error(&ov->sl.bar, "query", ov->sl.list.error);
	else if (ov->sl.list.nrows > 0)
		ov->sl.in_bar = false;
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct orders_view *ov = (struct orders_view *)v;
	searchlist_draw(&ov->sl, ui_body_top() + 1);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct orders_view *ov = (struct orders_view *)v;
	bool run, open;
	int r = searchlist_key(&ov->sl, k, &run, &open);
	if (run)
		run_search(ov);
	if (open)
		view_order_open(ui, listw_selected(&ov->sl.list)->id);
	return r;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	(void)ui;
	struct orders_view *ov = (struct orders_view *)v;
	if (a == ACT_SEARCH) {
		searchlist_focus_bar(&ov->sl);
		return R_HANDLED;
	}
	if (a == ACT_BACK)
		return R_HANDLED | R_CLOSE;
	return R_NONE;
}

static void resume(struct view *v, struct ui *ui)
{
	(void)ui;
	listw_reload(&((struct orders_view *)v)->sl.list, true);
}

static void destroy(struct view *v)
{
	struct orders_view *ov = (struct orders_view *)v;
	searchlist_done(&ov->sl);
	free(ov);
}

static const enum action actions[] = { ACT_SEARCH, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "orders", .actions = actions, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_orders_open(struct ui *ui)
{
	struct orders_view *ov = calloc(1, sizeof *ov);
	if (!ov)
		return;
	ov->v.ops = &ops;
	ov->ui = ui;
	snprintf(ov->v.title, sizeof ov->v.title, "订单");
	struct listw_source src = { fetch, NULL, ov };
	searchlist_init(&ov->sl, "order_search", &src, cols, 5, "没有订单");
	listw_reload(&ov->sl.list, false);
	ui_push(ui, &ov->v);
}

/* ---- the verification queue ---- */

struct verify_view {
	struct view v;
	struct listw list;
	struct ui *ui;
};

static const struct listw_col vcols[] = {
	{ "登记时间", 17, false },
	{ "付款人", 22, false },
	{ "金额", 13, true },
	{ "流水号", 0, false },
};

static int vfetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		  struct err *e)
{
	struct verify_view *vv = ctx;
	struct payment *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_transfers_pending(&vv->ui->app->svc, dir, key, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%s", buf[i].id);
		/* The row opens the (first) order the transfer pays. */
		char ids[1][UUID_LEN + 1];
		long long amounts[1];
		struct err ee;
		if (svc_payment_orders(&vv->ui->app->svc, buf[i].id, ids, amounts, 1, &ee) == 1)
			snprintf(r->id, sizeof r->id, "%s", ids[0]);
		snprintf(r->cell[0], sizeof r->cell[0], "%.10s %.5s", buf[i].recorded_at,
			 buf[i].recorded_at + 11);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", buf[i].payer_name);
		char fen[32];
		format_fen(buf[i].amount_fen, fen);
		snprintf(r->cell[2], sizeof r->cell[2], "¥%s", fen);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", buf[i].reference);
		r->style = strcmp(buf[i].recorded_by, vv->ui->actor.id) == 0 ? S_DIM : S_NORMAL;
	}
	free(buf);
	return got;
}

static void vdraw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct verify_view *vv = (struct verify_view *)v;
	int y = ui_body_top() + 1;
	attrset(ui_style(S_DIM));
	ui_text(y, 2, COLS - 4, true, "登记最早的在前。灰色为您本人登记的转账，须由其他审核员核实。Enter 打开订单核款。");
	attrset(A_NORMAL);
	listw_draw(&vv->list, y + 2, 2, COLS - 4, LINES - 4 - y);
}

static int vkey(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	return listw_key(&((struct verify_view *)v)->list, k);
}

static int vaction(struct view *v, struct ui *ui, enum action a)
{
	struct verify_view *vv = (struct verify_view *)v;
	const struct listw_row *row = listw_selected(&vv->list);
	if (a == ACT_OPEN && row && row->id[0]) {
		view_order_open(ui, row->id);
		return R_HANDLED;
	}
	if (a == ACT_BACK)
		return R_HANDLED | R_CLOSE;
	return a == ACT_OPEN ? R_HANDLED : R_NONE;
}

static void vresume(struct view *v, struct ui *ui)
{
	(void)ui;
	listw_reload(&((struct verify_view *)v)->list, true);
}

static const enum action vactions[] = { ACT_OPEN, ACT_BACK, ACT_NONE };
static const struct view_ops vops = {
	.name = "verify", .actions = vactions, .draw = vdraw, .key = vkey, .action = vaction,
	.resume = vresume,
};

void view_verify_open(struct ui *ui)
{
	struct verify_view *vv = calloc(1, sizeof *vv);
	if (!vv)
		return;
	vv->v.ops = &vops;
	vv->ui = ui;
	snprintf(vv->v.title, sizeof vv->v.title, "待核款转账");
	struct listw_source src = { vfetch, NULL, vv };
	listw_init(&vv->list, &src, vcols, 4, "没有待核款的转账");
	listw_reload(&vv->list, false);
	ui_push(ui, &vv->v);
}
