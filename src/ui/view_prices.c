/*
 * The price list (价目表). An admin changes an item's price or whether it
 * may be ordered (F4 or Enter) through svc_price_set; everyone else reads
 * it. Orders keep the prices they were placed with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/attachment.h"
#include "model/validate.h"
#include "svc/price.h"
#include "svc/order.h"
#include "ui/listw.h"
#include "ui/view_form.h"
#include "ui/views_admin.h"

/* Every kind for every subject and 0..APP_MAX_YEARS years: the most there can be. */
#define PRICE_MAX (KIND__COUNT * SUBJECT__COUNT * (APP_MAX_YEARS + 1))

struct prices_view {
	struct view v;
	struct ui *ui;
	struct listw list;
	struct price items[PRICE_MAX];
	int n;
	char error[256];              /* why the list could not be read */
};

static const char intro[] =
	"下单时按此价目表计价。修改价格只影响此后下的订单：已下的订单仍按下单时的价格，不会改变。";

static const struct listw_col cols[] = {
	{ "业务", 10, false },
	{ "证书类型", 12, false },
	{ "年限", 8, false },
	{ "价格（元）", 16, true },
	{ "", 2, false },
	{ "状态", 0, false },
};

/* The list in the order of the kinds and subjects (新办, 续费, ...), not of
 * their codes. */
static int by_kind(const void *a, const void *b)
{
	const struct price *x = a, *y = b;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->subject != y->subject)
		return (int)x->subject - (int)y->subject;
	return x->years - y->years;
}

static void load(struct prices_view *pv)
{
	struct err e;
	err_clear(&e);
	/* The whole list, inactive items included (svc/price.h reads only the
	 * active ones). */
	int n = svc_price_all(&pv->ui->app->svc, pv->items, PRICE_MAX, &e);
	pv->n = n < 0 ? 0 : n;
	qsort(pv->items, (size_t)pv->n, sizeof pv->items[0], by_kind);
	snprintf(pv->error, sizeof pv->error, "%s", n < 0 ? err_text(&e) : "");
}

/* The list is a few dozen items held in memory; its keys are their indexes. */
static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	(void)e;
	struct prices_view *pv = ctx;
	int at = key && *key ? atoi(key) : 0, from;
	switch (dir) {
	case PAGE_FIRST: from = 0; break;
	case PAGE_LAST: from = pv->n - n; break;
	case PAGE_AFTER: from = at + 1; break;
	case PAGE_BEFORE: from = at - n; break;
	default: from = at; break;
	}
	int to = dir == PAGE_BEFORE ? at : from + n;
	if (from < 0)
		from = 0;
	if (to > pv->n)
		to = pv->n;
	int got = 0;
	for (int i = from; i < to; i++, got++) {
		const struct price *p = &pv->items[i];
		struct listw_row *r = &rows[got];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%04d", i);
		snprintf(r->id, sizeof r->id, "%s", p->id);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", app_kind_label(p->kind));
		snprintf(r->cell[1], sizeof r->cell[1], "%s", app_subject_label(p->subject));
		if (p->years > 0)
			snprintf(r->cell[2], sizeof r->cell[2], "%d 年", p->years);
		else
			snprintf(r->cell[2], sizeof r->cell[2], "-");
		format_fen(p->fen, r->cell[3]);
		snprintf(r->cell[5], sizeof r->cell[5], "%s", p->active ? "启用" : "停用");
		r->style = p->active ? S_NORMAL : S_DIM;
	}
	return got;
}

static long count(void *ctx)
{
	return ((struct prices_view *)ctx)->n;
}

static void draw(struct view *v, struct ui *ui)
{
	struct prices_view *pv = (struct prices_view *)v;
	int y = ui_body_top() + 1;
	char lines[3][256];
	int n = ui_wrap(intro, COLS - 8, lines, 3);
	attrset(ui_style(S_DIM));
	for (int i = 0; i < n; i++)
		ui_text(y++, 4, COLS - 8, false, lines[i]);
	if (!actor_can(&ui->actor, ROLE_ADMIN))
		ui_text(y++, 4, COLS - 8, true, "只有管理员可以修改价目表。");
	attrset(ui_style(S_ERROR));
	if (pv->error[0])
		ui_text(y++, 4, COLS - 8, true, pv->error);
	attrset(A_NORMAL);
	listw_draw(&pv->list, y + 1, 2, COLS - 4, ui_body_rows() - (y - ui_body_top()) - 1);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	return listw_key(&((struct prices_view *)v)->list, k);
}

static void resume(struct view *v, struct ui *ui)
{
	(void)ui;
	struct prices_view *pv = (struct prices_view *)v;
	load(pv);
	listw_reload(&pv->list, true);
}

/* ---- the edit form ---- */

struct item {
	enum app_kind kind;
	enum app_subject subject;
	int years;
};

static void free_item(struct form_view *fv)
{
	free(fv->ctx);
	fv->ctx = NULL;
}

static int edit_save(struct form_view *fv, struct ui *ui)
{
	const struct item *it = fv->ctx;
	char *price = formw_get(&fv->w, "price"), *active = formw_get(&fv->w, "active");
	struct err e;
	err_clear(&e);
	long long fen = 0;
	enum status st = ST_OK;
	struct err why;
	if (!parse_amount_fen(price, &fen, &why))
		st = err_field(&e, "price", ST_INVALID, "%s", why.msg);
	bool on = active && strcmp(active, "1") == 0;
	if (st == ST_OK)
		st = svc_price_set(&ui->app->svc, &ui->actor, it->kind, it->subject, it->years, fen, on,
				   &e);
	free(price);
	free(active);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	char yuan[32];
	format_fen(fen, yuan);
	ui_flash(ui, false, "已修改：%s%s ¥%s（%s）。已下的订单不受影响。",
		 app_subject_label(it->subject), app_kind_label(it->kind), yuan, on ? "启用" : "停用");
	return R_HANDLED | R_CLOSE;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct prices_view *pv = (struct prices_view *)v;
	if (a == ACT_BACK)
		return R_HANDLED | R_CLOSE;
	if (a != ACT_EDIT && a != ACT_OPEN)
		return R_NONE;
	if (!actor_can(&ui->actor, ROLE_ADMIN)) {
		ui_flash(ui, true, "只有管理员可以修改价目表。");
		return R_HANDLED;
	}
	const struct listw_row *row = listw_selected(&pv->list);
	if (!row)
		return R_HANDLED;
	const struct price *p = &pv->items[atoi(row->key)];
	struct item *it = calloc(1, sizeof *it);
	if (!it)
		return R_HANDLED;
	it->kind = p->kind, it->subject = p->subject, it->years = p->years;
	char text[512], years[16] = "", yuan[32];
	if (p->years > 0)
		snprintf(years, sizeof years, " %d 年", p->years);
	format_fen(p->fen, yuan);
	snprintf(text, sizeof text,
		 "%s%s%s，现价 ¥%s。新价格只用于此后下的订单；已下的订单仍按下单时的价格，不会改变。",
		 app_subject_label(p->subject), app_kind_label(p->kind), years, yuan);
	struct form_view *fv = form_view_open(ui, "price_edit", "修改价格", text, false, edit_save);
	if (!fv) {
		free(it);
		return R_HANDLED;
	}
	fv->ctx = it;
	fv->on_free = free_item;
	formw_set(&fv->w, "price", yuan);
	formw_set(&fv->w, "active", p->active ? "1" : "0");
	return R_HANDLED;
}

static const enum action *actions_now(struct view *v, struct ui *ui)
{
	(void)v;
	static const enum action admin[] = { ACT_OPEN, ACT_EDIT, ACT_BACK, ACT_NONE };
	static const enum action reader[] = { ACT_BACK, ACT_NONE };
	return actor_can(&ui->actor, ROLE_ADMIN) ? admin : reader;
}

static const struct view_ops ops = {
	.name = "prices", .actions_now = actions_now, .draw = draw, .key = key, .action = action,
	.resume = resume,
};

void view_prices_open(struct ui *ui)
{
	struct prices_view *pv = calloc(1, sizeof *pv);
	if (!pv)
		return;
	pv->v.ops = &ops;
	pv->ui = ui;
	snprintf(pv->v.title, sizeof pv->v.title, "价目表");
	struct listw_source src = { fetch, count, pv };
	listw_init(&pv->list, &src, cols, 6, "价目表是空的");
	load(pv);
	listw_reload(&pv->list, false);
	ui_push(ui, &pv->v);
}
