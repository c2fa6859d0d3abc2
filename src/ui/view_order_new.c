/* Placing an order: pick the applicant's submitted applications (one
 * enterprise or one person), see the lines and the total, then the order's
 * details: payment method (only what the rules allow), invoice, delivery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/price.h"
#include "ui/view_form.h"
#include "ui/views.h"
#include "ui/views_order.h"

#define PICK_MAX 64

struct pick_view {
	struct view v;
	struct ui *ui;
	struct applicant who;
	struct application apps[PICK_MAX];
	bool chosen[PICK_MAX];
	int n, sel, top;
	struct order_line lines[ORDER_MAX_LINES];
	long long total;
	unsigned methods;
	char verdict[256];            /* why the selection cannot be ordered, or "" */
};

static int chosen_ids(const struct pick_view *pv, const char **ids)
{
	int k = 0;
	for (int i = 0; i < pv->n && k < ORDER_MAX_LINES; i++)
		if (pv->chosen[i])
			ids[k++] = pv->apps[i].id;
	return k;
}

static void preview(struct pick_view *pv)
{
	const char *ids[ORDER_MAX_LINES];
	int k = chosen_ids(pv, ids);
	struct err e;
	err_clear(&e);
	pv->verdict[0] = '\0';
	pv->total = 0;
	pv->methods = 0;
	if (k == 0)
		return;
	if (svc_order_preview(&pv->ui->app->svc, ids, k, pv->lines, &pv->total, &pv->methods, &e) !=
	    ST_OK)
		snprintf(pv->verdict, sizeof pv->verdict, "%s", err_text(&e));
}

static void load(struct pick_view *pv)
{
	struct err e;
	err_clear(&e);
	struct application page[32];
	char key[UUID_LEN + 1] = "";
	enum page_dir dir = PAGE_FIRST;
	pv->n = 0;
	for (;;) {
		int got = svc_application_find(&pv->ui->app->svc, pv->who.phone, "", "", "", dir, key,
					       page, 32, &e);
		for (int i = 0; i < got && pv->n < PICK_MAX; i++) {
			const struct application *a = &page[i];
			bool submitted = a->status == APP_PENDING_REVIEW || a->status == APP_ACCEPTED ||
					 a->status == APP_READY;
			if (submitted && !svc_order_of_application(&pv->ui->app->svc, a->id, NULL, NULL))
				pv->apps[pv->n++] = *a;
		}
		if (got < 32 || pv->n >= PICK_MAX)
			break;
		snprintf(key, sizeof key, "%s", page[got - 1].id);
		dir = PAGE_AFTER;
	}
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct pick_view *pv = (struct pick_view *)v;
	int y = ui_body_top() + 1;
	char line[400], phone[32];
	mask_mobile(pv->who.phone, phone);
	snprintf(line, sizeof line, "为 %s（%s）下单：空格选择申请单（须同一家企业或同一个人），F2 下一步。",
		 pv->who.name, phone);
	ui_text(y++, 2, COLS - 4, true, line);
	y++;
	attrset(ui_style(S_HEADER));
	mvhline(y, 2, ' ', COLS - 4);
	ui_text(y, 2, COLS - 4, true, "    申请单号                  业务          持证单位/人            金额");
	attrset(A_NORMAL);
	y++;
	if (pv->n == 0) {
		attrset(ui_style(S_DIM));
		ui_text(y + 1, 4, COLS - 8, true, "没有可以下单的申请单：申请单须已提交审核，且不在其他订单中。");
		attrset(A_NORMAL);
		return;
	}
	int rows = LINES - 6 - y;
	if (pv->sel < pv->top)
		pv->top = pv->sel;
	if (pv->sel >= pv->top + rows)
		pv->top = pv->sel - rows + 1;
	struct err e;
	for (int i = pv->top; i < pv->n && i < pv->top + rows; i++, y++) {
		const struct application *a = &pv->apps[i];
		struct price p;
		char fen[32] = "—";
		if (svc_price_find(&pv->ui->app->svc, a->kind, a->subject, a->years, &p, &e) == ST_OK)
			format_fen(p.fen, fen);
		attrset(i == pv->sel ? ui_style(S_SELECT) : A_NORMAL);
		mvhline(y, 2, ' ', COLS - 4);
		snprintf(line, sizeof line, "[%s] %s", pv->chosen[i] ? "x" : " ", a->number);
		ui_text(y, 2, 30, true, line);
		snprintf(line, sizeof line, "%s%s %d年", a->subject == SUBJECT_ENTERPRISE ? "企业" : "个人",
			 app_kind_label(a->kind), a->years);
		ui_text(y, 32, 14, true, line);
		ui_text(y, 46, COLS - 62, true, a->holder_name);
		snprintf(line, sizeof line, "¥%s", fen);
		ui_text(y, COLS - 15, 13, true, line);
		attrset(A_NORMAL);
	}
	y = LINES - 5;
	const char *ids[ORDER_MAX_LINES];
	int k = chosen_ids(pv, ids);
	if (pv->verdict[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y, 2, COLS - 4, true, pv->verdict);
	} else if (k) {
		char fen[32];
		format_fen(pv->total, fen);
		snprintf(line, sizeof line, "已选 %d 份，合计 ¥%s。缴费方式：%s", k, fen,
			 (pv->methods & (1u << PAY_ONLINE)) ? "对公转账或在线支付（全部为续费）"
							     : "仅限对公转账（含新办证书）");
		attrset(A_BOLD);
		ui_text(y, 2, COLS - 4, true, line);
	}
	attrset(A_NORMAL);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct pick_view *pv = (struct pick_view *)v;
	if (k->fn && k->code == KEY_DOWN && pv->sel < pv->n - 1) {
		pv->sel++;
		return R_HANDLED;
	}
	if (k->fn && k->code == KEY_UP && pv->sel > 0) {
		pv->sel--;
		return R_HANDLED;
	}
	if (!k->fn && k->code == ' ' && pv->n > 0) {
		pv->chosen[pv->sel] = !pv->chosen[pv->sel];
		preview(pv);
		if (pv->sel < pv->n - 1)
			pv->sel++;
		return R_HANDLED;
	}
	return R_NONE;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct pick_view *pv = (struct pick_view *)v;
	if (a == ACT_BACK)
		return R_HANDLED | R_CLOSE;
	if (a != ACT_NEXT)
		return R_NONE;
	const char *ids[ORDER_MAX_LINES];
	int k = chosen_ids(pv, ids);
	if (k == 0) {
		ui_flash(ui, true, "请先用空格选择申请单。");
		return R_HANDLED;
	}
	if (pv->verdict[0]) {
		ui_flash(ui, true, "%s", pv->verdict);
		return R_HANDLED;
	}
	view_order_form_open(ui, &pv->who, ids, k, pv->total, pv->methods, &pv->apps[0]);
	ui_close(ui, v);
	return R_HANDLED;
}

static const enum action actions[] = { ACT_NEXT, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "order_pick", .actions = actions, .draw = draw, .key = key, .action = action,
};

void view_order_new(struct ui *ui, const char *applicant_id, const char *preselect)
{
	struct pick_view *pv = calloc(1, sizeof *pv);
	if (!pv)
		return;
	pv->v.ops = &ops;
	pv->ui = ui;
	struct err e;
	if (svc_applicant_get(&ui->app->svc, applicant_id, &pv->who, &e) != ST_OK) {
		free(pv);
		dialog_message(ui, "无法下单", err_text(&e), true);
		return;
	}
	snprintf(pv->v.title, sizeof pv->v.title, "下单缴费");
	load(pv);
	for (int i = 0; i < pv->n; i++)
		if (preselect && strcmp(pv->apps[i].id, preselect) == 0) {
			pv->chosen[i] = true;
			pv->sel = i;
		}
	preview(pv);
	ui_push(ui, &pv->v);
}

/* ---- the order's details ---- */

struct order_ctx {
	char ids[ORDER_MAX_LINES][UUID_LEN + 1];
	int n;
};

static void free_ctx(struct form_view *fv)
{
	free(fv->ctx);
	fv->ctx = NULL;
}

static void show_fields(struct form_view *fv)
{
	char *inv = formw_get(&fv->w, "invoice_wanted"), *del = formw_get(&fv->w, "delivery");
	bool invoice = inv && strcmp(inv, "yes") == 0, post = del && strcmp(del, "post") == 0;
	free(inv);
	free(del);
	formw_hide(&fv->w, "invoice_title", !invoice);
	formw_hide(&fv->w, "invoice_taxpayer_id", !invoice);
	formw_hide(&fv->w, "invoice_email", !invoice);
	formw_hide(&fv->w, "recipient", !post);
	formw_hide(&fv->w, "recipient_phone", !post);
	formw_hide(&fv->w, "recipient_address", !post);
	formw_hide(&fv->w, "recipient_postal", !post);
}

static void on_edit(struct form_view *fv, struct ui *ui, const char *field)
{
	(void)ui;
	if (strcmp(field, "invoice_wanted") == 0 || strcmp(field, "delivery") == 0)
		show_fields(fv);
}

static int order_save(struct form_view *fv, struct ui *ui)
{
	struct order_ctx *c = fv->ctx;
	static const char *const fields[] = { "method", "contact_phone", "invoice_wanted",
		"invoice_title", "invoice_taxpayer_id", "invoice_email", "delivery", "recipient",
		"recipient_phone", "recipient_address", "recipient_postal" };
	char *v[11];
	for (int i = 0; i < 11; i++)
		v[i] = formw_get(&fv->w, fields[i]);
	const char *ids[ORDER_MAX_LINES];
	for (int i = 0; i < c->n; i++)
		ids[i] = c->ids[i];
	struct order_input in = { .application_ids = ids, .n = c->n };
	pay_method_parse(v[0] ? v[0] : "", &in.method);
	in.contact_phone = v[1];
	in.invoice_wanted = v[2] && strcmp(v[2], "yes") == 0;
	in.invoice_title = v[3];
	in.invoice_taxpayer_id = v[4];
	in.invoice_email = v[5];
	delivery_parse(v[6] ? v[6] : "", &in.delivery);
	in.recipient = v[7];
	in.recipient_phone = v[8];
	in.recipient_address = v[9];
	in.recipient_postal = v[10];
	char id[UUID_LEN + 1], number[NUMBER_MAX];
	struct err e;
	err_clear(&e);
	enum status st = svc_order_place(&ui->app->svc, &ui->actor, &in, id, number, &e);
	for (int i = 0; i < 11; i++)
		free(v[i]);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_close(ui, &fv->v);
	view_order_open(ui, id);
	ui_flash(ui, false, "订单 %s 已生成，请缴费。", number);
	return R_HANDLED;
}

void view_order_form_open(struct ui *ui, const struct applicant *who, const char *const *ids,
			  int n, long long total, unsigned methods, const struct application *first)
{
	char intro[320], fen[32];
	format_fen(total, fen);
	snprintf(intro, sizeof intro, "%d 份申请单（%s），合计 ¥%s。价格以下单时的价目表为准，下单后不再变动。",
		 n, first->holder_name, fen);
	struct form_view *fv = form_view_open(ui, "order", "订单信息", intro, false, order_save);
	if (!fv)
		return;
	struct order_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		ui_close(ui, &fv->v);
		return;
	}
	for (int i = 0; i < n && i < ORDER_MAX_LINES; i++)
		snprintf(c->ids[i], sizeof c->ids[i], "%s", ids[i]);
	c->n = n;
	fv->ctx = c;
	fv->on_free = free_ctx;
	fv->on_edit = on_edit;
	/* Offer only the methods the rules allow. */
	formw_set_choices(&fv->w, "method", (methods & (1u << PAY_ONLINE))
						    ? "transfer=对公转账|online=在线支付（微信/支付宝）"
						    : "transfer=对公转账");
	formw_set(&fv->w, "contact_phone", who->phone);
	formw_set(&fv->w, "invoice_title", first->holder_name);
	if (first->subject == SUBJECT_ENTERPRISE)
		formw_set(&fv->w, "invoice_taxpayer_id", first->holder_code);
	formw_set(&fv->w, "invoice_email", who->email);
	formw_set(&fv->w, "delivery", delivery_code(first->delivery));
	formw_set(&fv->w, "recipient", first->recipient[0] ? first->recipient : who->name);
	formw_set(&fv->w, "recipient_phone", first->recipient_phone[0] ? first->recipient_phone
								       : who->phone);
	formw_set(&fv->w, "recipient_address", first->recipient_address[0] ? first->recipient_address
									   : who->address);
	formw_set(&fv->w, "recipient_postal", first->recipient_postal[0] ? first->recipient_postal
									 : who->postal_code);
	show_fields(fv);
}
