/* One order: its lines, payments and files (remittance slips, the
 * e-invoice: O views, X exports the one selected), and the payment actions
 * the rules allow now. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/viewer.h"
#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/attach_file.h"
#include "svc/order.h"
#include "svc/print.h"
#include "sync/sync.h"
#include "util/clock.h"
#include "ui/print_ui.h"
#include "ui/view_form.h"
#include "ui/views.h"
#include "ui/views_order.h"

#define MAX_PAY 16
#define MAX_FILES 16

struct order_view {
	struct view v;
	struct ui *ui;
	struct order o;
	struct order_line lines[ORDER_MAX_LINES];
	int nlines;
	struct payment pays[MAX_PAY];
	int npays;
	struct attachment files[MAX_FILES];
	int nfiles;
	int sel;          /* the file O and X act on */
	char error[256];
};

static void load(struct order_view *ov)
{
	struct svc *svc = &ov->ui->app->svc;
	struct err e;
	err_clear(&e);
	ov->error[0] = '\0';
	if (svc_order_get(svc, ov->o.id, &ov->o, &e) != ST_OK) {
		snprintf(ov->error, sizeof ov->error, "%s", err_text(&e));
		return;
	}
	ov->nlines = svc_order_lines(svc, ov->o.id, ov->lines, ORDER_MAX_LINES, &e);
	ov->npays = svc_order_payments(svc, ov->o.id, ov->pays, MAX_PAY, &e);
	int nfiles_before = ov->nfiles;
	ov->nfiles = svc_order_attachments(svc, ov->o.id, ov->files, MAX_FILES, &e);
	if (ov->nlines < 0)
		ov->nlines = 0;
	if (ov->npays < 0)
		ov->npays = 0;
	if (ov->nfiles < 0)
		ov->nfiles = 0;
	/* The newest file is the one most often wanted (the invoice): select
	 * it when the files change (one was just uploaded). */
	if (ov->nfiles != nfiles_before || ov->sel >= ov->nfiles || ov->sel < 0)
		ov->sel = ov->nfiles - 1;
	snprintf(ov->v.title, sizeof ov->v.title, "订单 %s", ov->o.number);
}

/* The transfer of this order that is neither rejected nor done, if any. */
static const struct payment *live_transfer(const struct order_view *ov)
{
	for (int i = 0; i < ov->npays; i++)
		if (ov->pays[i].kind == PAYMENT_TRANSFER && strcmp(ov->pays[i].state, "rejected") != 0)
			return &ov->pays[i];
	return NULL;
}

static bool has_slip(const struct order_view *ov)
{
	for (int i = 0; i < ov->nfiles; i++)
		if (strcmp(ov->files[i].doc_type, "remittance_slip") == 0)
			return true;
	return false;
}

static const struct payment *refundable(const struct order_view *ov)
{
	for (int i = ov->npays - 1; i >= 0; i--)
		if ((ov->pays[i].kind == PAYMENT_TRANSFER && strcmp(ov->pays[i].state, "verified") == 0) ||
		    ov->pays[i].kind == PAYMENT_ONLINE)
			return &ov->pays[i];
	return NULL;
}

/* A payment that received money: a verified transfer or an online one
 * (what a payment receipt can be printed for). */
static bool money_received(const struct order_view *ov)
{
	for (int i = 0; i < ov->npays; i++)
		if ((ov->pays[i].kind == PAYMENT_TRANSFER && strcmp(ov->pays[i].state, "verified") == 0) ||
		    ov->pays[i].kind == PAYMENT_ONLINE)
			return true;
	return false;
}

static const enum action *actions_now(struct view *v, struct ui *ui)
{
	struct order_view *ov = (struct order_view *)v;
	static enum action list[16];
	int n = 0;
	const struct payment *t = live_transfer(ov);
	bool unpaid = ov->o.status == ORDER_UNPAID;
	if (ov->o.method == PAY_TRANSFER && unpaid && !t)
		list[n++] = ACT_TRANSFER;
	if (t && strcmp(t->state, "recorded") == 0 && !has_slip(ov))
		list[n++] = ACT_SLIP;
	if (ov->o.method == PAY_ONLINE && unpaid)
		list[n++] = ACT_ONLINE;
	if (ov->o.status == ORDER_PAID || ov->o.status == ORDER_INVOICED)
		list[n++] = ACT_INVOICE;
	if (unpaid && !t)
		list[n++] = ACT_CANCEL_ORDER;
	if (actor_can(&ui->actor, ROLE_SUPERVISOR) && refundable(ov))
		list[n++] = ACT_REFUND;
	if (actor_can(&ui->actor, ROLE_SUPERVISOR) && t && strcmp(t->state, "recorded") == 0 &&
	    has_slip(ov) && strcmp(t->recorded_by, ui->actor.id) != 0)
		list[n++] = ACT_VERIFY;
	if (ov->o.number[0] && ov->o.status != ORDER_CANCELLED)
		list[n++] = ACT_PRINT_RECEIPT;
	if (money_received(ov))
		list[n++] = ACT_PRINT_PAYMENT;
	if (ov->nfiles > 0) {
		list[n++] = ACT_VIEW_FILE;
		list[n++] = ACT_SAVE_FILE;
	}
	list[n++] = ACT_BACK;
	list[n] = ACT_NONE;
	return list;
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct order_view *ov = (struct order_view *)v;
	const struct order *o = &ov->o;
	int y = ui_body_top() + 1;
	char line[600], fen[32];
	if (ov->error[0] && !o->number[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y, 2, COLS - 4, true, ov->error);
		attrset(A_NORMAL);
		return;
	}
	attrset(A_BOLD);
	int x = 2 + ui_text(y, 2, 30, false, o->number);
	attrset(o->status == ORDER_CANCELLED ? ui_style(S_WARN) : ui_style(S_SELECT));
	snprintf(line, sizeof line, " %s ", order_status_label(o->status));
	ui_text(y++, x + 2, 20, false, line);
	attrset(A_NORMAL);
	format_fen(o->total_fen, fen);
	snprintf(line, sizeof line, "%s   合计 ¥%s   %s", o->holder_name, fen, pay_method_label(o->method));
	ui_text(y++, 2, COLS - 4, true, line);
	char phone[32];
	mask_mobile(o->contact_phone, phone);
	if (o->invoice_wanted)
		snprintf(line, sizeof line, "发票 %s（%s） %s   联系手机 %s", o->invoice_title,
			 o->invoice_taxpayer_id, o->invoice_email, phone);
	else
		snprintf(line, sizeof line, "不开发票   联系手机 %s", phone);
	ui_text(y++, 2, COLS - 4, true, line);
	if (o->delivery == DELIVERY_POST) {
		char rp[32];
		mask_mobile(o->recipient_phone, rp);
		snprintf(line, sizeof line, "邮寄给 %s（%s） %s%s%s%s", o->recipient, rp,
			 o->recipient_address, o->recipient_postal[0] ? "（邮编 " : "",
			 o->recipient_postal, o->recipient_postal[0] ? "）" : "");
	} else {
		snprintf(line, sizeof line, "现场领取");
	}
	ui_text(y++, 2, COLS - 4, true, line);
	if (o->status == ORDER_CANCELLED && o->reason[0]) {
		attrset(ui_style(S_WARN));
		snprintf(line, sizeof line, "取消原因：%s", o->reason);
		ui_text(y++, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
	}
	attrset(ui_style(S_HEADER));
	mvhline(y, 2, ' ', COLS - 4);
	ui_text(y++, 2, COLS - 4, true, "申请单");
	attrset(A_NORMAL);
	for (int i = 0; i < ov->nlines && y < LINES - 8; i++, y++) {
		const struct order_line *l = &ov->lines[i];
		format_fen(l->fen, fen);
		snprintf(line, sizeof line, "  %-26s %s%s %d年", l->number,
			 l->subject == SUBJECT_ENTERPRISE ? "企业" : "个人", app_kind_label(l->kind), l->years);
		ui_text(y, 2, COLS - 20, true, line);
		snprintf(line, sizeof line, "¥%s", fen);
		ui_text(y, COLS - 16, 14, true, line);
	}
	attrset(ui_style(S_HEADER));
	mvhline(y, 2, ' ', COLS - 4);
	ui_text(y++, 2, COLS - 4, true, "款项");
	attrset(A_NORMAL);
	if (ov->npays == 0) {
		attrset(ui_style(S_DIM));
		ui_text(y++, 4, COLS - 8, true, o->status == ORDER_UNPAID
			? (o->method == PAY_TRANSFER ? "尚未登记转账（F3 登记）" : "尚未支付（F5 登记在线支付）")
			: "—");
		attrset(A_NORMAL);
	}
	for (int i = 0; i < ov->npays && y < LINES - 4; i++, y++) {
		const struct payment *p = &ov->pays[i];
		format_fen(p->amount_fen, fen);
		const char *state = p->kind == PAYMENT_TRANSFER
			? (strcmp(p->state, "verified") == 0 ? "已核实"
			   : strcmp(p->state, "rejected") == 0 ? "已驳回"
			   : has_slip(ov) ? "待核款" : "待补传底单")
			: "完成";
		snprintf(line, sizeof line, "  %s ¥%s  %s  %s %s  %.10s", payment_kind_label(p->kind), fen,
			 state, p->kind == PAYMENT_ONLINE ? "交易号" : "流水号", p->reference,
			 p->recorded_at);
		attrset(strcmp(p->state, "rejected") == 0 ? ui_style(S_DIM)
			: p->kind == PAYMENT_REFUND ? ui_style(S_WARN) : A_NORMAL);
		ui_text(y, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
		if (p->reason[0] && y + 1 < LINES - 4) {
			snprintf(line, sizeof line, "      原因：%s", p->reason);
			ui_text(++y, 2, COLS - 4, true, line);
		}
	}
	if (ov->nfiles > 0 && y < LINES - 3) {
		attrset(ui_style(S_HEADER));
		mvhline(y, 2, ' ', COLS - 4);
		ui_text(y++, 2, COLS - 4, true, ov->nfiles > 1 ? "文件（↑↓ 选择，O 查看，X 导出）"
							       : "文件（O 查看，X 导出）");
		attrset(A_NORMAL);
	}
	/* Keep the selected file on screen when they do not all fit. */
	int room = LINES - 3 - y, first = 0;
	if (room > 0 && ov->sel >= room)
		first = ov->sel - room + 1;
	for (int i = first; i < ov->nfiles && y < LINES - 3; i++, y++) {
		char size[32], when[17] = "";
		time_t t;
		attach_size_text(ov->files[i].size, size);
		if (clock_parse_iso(ov->files[i].created_at, &t))
			clock_local(t, when);
		snprintf(line, sizeof line, "%s%s：%s（%s，%s）  %s", i == ov->sel ? "▶ " : "  ",
			 strcmp(ov->files[i].doc_type, "invoice") == 0 ? "电子发票" : "汇款底单",
			 ov->files[i].name, attach_type_label(ov->files[i].mime), size, when);
		attrset(i == ov->sel ? ui_style(S_SELECT) : A_NORMAL);
		ui_text(y, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
	}
}

/* O and X on a file of the order: fetch it from the centre when it was
 * taken in elsewhere (progress on the status line, Esc stops it), then
 * open it with the viewer or copy it to exports/. Both are audited reads
 * (svc_attachment_copy). */
static void take_file(struct order_view *ov, struct ui *ui, enum attach_use use)
{
	if (ov->sel < 0 || ov->sel >= ov->nfiles)
		return;
	ui_take_attachment(ui, ov->o.number, &ov->files[ov->sel], use);
}

/* ---- forms ---- */

static int transfer_save(struct form_view *fv, struct ui *ui)
{
	struct svc *svc = &ui->app->svc;
	static const char *const f[] = { "payer_name", "payer_account", "bank", "reference", "paid_on",
					 "amount", "also", "slip" };
	char *v[8];
	for (int i = 0; i < 8; i++)
		v[i] = formw_get(&fv->w, f[i]);
	struct err e;
	err_clear(&e);
	long long fen = 0;
	const char *ids[ORDER_MAX_LINES];
	struct order others[ORDER_MAX_LINES];
	int n = 0;
	enum status st = ST_OK;
	ids[n++] = fv->ref;
	if (!parse_amount_fen(v[5] ? v[5] : "", &fen, &e)) {
		st = err_field(&e, "amount", ST_INVALID, "%s", e.msg);
	} else {
		/* Other orders paid by the same transfer, by number. */
		char *save = NULL;
		for (char *tok = strtok_r(v[6], ",，、 ", &save); tok && st == ST_OK;
		     tok = strtok_r(NULL, ",，、 ", &save)) {
			if (n >= ORDER_MAX_LINES) {
				st = err_field(&e, "also", ST_INVALID, "订单过多");
				break;
			}
			if (svc_order_by_number(svc, tok, &others[n], &e) != ST_OK) {
				st = err_field(&e, "also", ST_NOT_FOUND, "没有订单 %s", tok);
				break;
			}
			ids[n] = others[n].id;
			n++;
		}
	}
	char id[UUID_LEN + 1];
	if (st == ST_OK) {
		struct transfer_input in = { ids, n, v[0], v[1], v[2], v[3], v[4], fen, v[7] };
		st = svc_transfer_record(ui->app, &ui->actor, &in, id, &e);
	}
	bool slip = v[7] && *v[7];
	for (int i = 0; i < 8; i++)
		free(v[i]);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, slip ? "转账已登记，等待审核员核款。"
				 : "转账已登记；请尽快补传汇款底单（F4），补传后进入核款。");
	return R_HANDLED | R_CLOSE;
}

static int pick_file(struct form_view *fv, struct ui *ui, const char *field)
{
	char path[4096];
	struct err e;
	err_clear(&e);
	if (!ui_scan_pick(ui, fv->pick++, path, sizeof path, &e))
		formw_error(&fv->w, field, err_text(&e));
	else
		formw_set(&fv->w, field, path);
	return R_HANDLED;
}

static int transfer_pick(struct form_view *fv, struct ui *ui, enum action a)
{
	(void)a;
	formw_focus(&fv->w, "slip");
	return pick_file(fv, ui, "slip");
}

static int file_pick(struct form_view *fv, struct ui *ui, enum action a)
{
	(void)a;
	return pick_file(fv, ui, "path");
}

static int slip_save(struct form_view *fv, struct ui *ui)
{
	char *path = formw_get(&fv->w, "path");
	struct err e;
	err_clear(&e);
	enum status st = svc_transfer_add_slip(ui->app, &ui->actor, fv->ref2, path, &e);
	free(path);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "汇款底单已上传，等待审核员核款。");
	return R_HANDLED | R_CLOSE;
}

static int invoice_save(struct form_view *fv, struct ui *ui)
{
	char *path = formw_get(&fv->w, "path");
	struct err e;
	err_clear(&e);
	enum status st = svc_order_invoice(ui->app, &ui->actor, fv->ref, path, &e);
	free(path);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "电子发票已上传，订单已开票。");
	return R_HANDLED | R_CLOSE;
}

static int online_save(struct form_view *fv, struct ui *ui)
{
	char *ch = formw_get(&fv->w, "channel"), *ref = formw_get(&fv->w, "reference");
	enum pay_channel c = CHANNEL_WECHAT;
	pay_channel_parse(ch ? ch : "", &c);
	struct err e;
	err_clear(&e);
	enum status st = svc_online_record(&ui->app->svc, &ui->actor, fv->ref, c, ref, &e);
	free(ch);
	free(ref);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "在线支付已登记，订单已缴费。");
	return R_HANDLED | R_CLOSE;
}

static int cancel_save(struct form_view *fv, struct ui *ui)
{
	char *reason = formw_get(&fv->w, "reason");
	struct err e;
	err_clear(&e);
	enum status st = svc_order_cancel(&ui->app->svc, &ui->actor, fv->ref, reason, &e);
	free(reason);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "订单已取消，其中的申请单可以重新下单。");
	return R_HANDLED | R_CLOSE;
}

static int verify_save(struct form_view *fv, struct ui *ui)
{
	char *d = formw_get(&fv->w, "decision"), *reason = formw_get(&fv->w, "reason");
	bool verify = d && strcmp(d, "verify") == 0;
	struct err e;
	err_clear(&e);
	enum status st = verify ? svc_transfer_verify(&ui->app->svc, &ui->actor, fv->ref2, &e)
				: svc_transfer_reject(&ui->app->svc, &ui->actor, fv->ref2, reason, &e);
	free(d);
	free(reason);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, verify ? "已核实到账，订单已缴费。" : "转账已驳回，订单回到待缴费。");
	return R_HANDLED | R_CLOSE;
}

static int refund_save(struct form_view *fv, struct ui *ui)
{
	char *amount = formw_get(&fv->w, "amount"), *reason = formw_get(&fv->w, "reason");
	long long fen = 0;
	struct err e;
	err_clear(&e);
	enum status st = parse_amount_fen(amount ? amount : "", &fen, &e)
		? svc_refund(&ui->app->svc, &ui->actor, fv->ref2, fen, reason, NULL, &e)
		: err_field(&e, "amount", ST_INVALID, "%s", e.msg);
	free(amount);
	free(reason);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "退款已登记。");
	return R_HANDLED | R_CLOSE;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct order_view *ov = (struct order_view *)v;
	bool offered = false;
	for (const enum action *x = actions_now(v, ui); *x; x++)
		offered |= *x == a;
	if (!offered)
		return R_NONE;
	const struct payment *t = live_transfer(ov);
	char intro[320], fen[32];
	format_fen(ov->o.total_fen, fen);
	struct form_view *fv;
	static const enum action pick[] = { ACT_PICK, ACT_NONE };
	switch (a) {
	case ACT_TRANSFER:
		snprintf(intro, sizeof intro, "订单 %s 应付 ¥%s。请按汇款底单如实填写；同一流水号、同一金额不能重复登记。",
			 ov->o.number, fen);
		fv = form_view_open_ref(ui, "transfer", "登记对公转账", intro, transfer_save, ov->o.id, NULL);
		if (fv) {
			formw_set(&fv->w, "payer_name", ov->o.holder_name);
			formw_set(&fv->w, "amount", fen);
			form_view_actions(fv, pick, transfer_pick);
		}
		return R_HANDLED;
	case ACT_SLIP:
		fv = form_view_open_ref(ui, "file", "补传汇款底单", "汇款底单的扫描件（PDF、JPEG 或 PNG）。",
			      slip_save, ov->o.id, t->id);
		if (fv)
			form_view_actions(fv, pick, file_pick);
		return R_HANDLED;
	case ACT_INVOICE:
		fv = form_view_open_ref(ui, "file", "上传电子发票", "电子发票的 PDF 文件；以后可随时导出。",
			      invoice_save, ov->o.id, NULL);
		if (fv)
			form_view_actions(fv, pick, file_pick);
		return R_HANDLED;
	case ACT_ONLINE:
		snprintf(intro, sizeof intro, "订单 %s 应付 ¥%s，申请人已用微信或支付宝付款后登记交易号。",
			 ov->o.number, fen);
		form_view_open_ref(ui, "online", "在线支付", intro, online_save, ov->o.id, NULL);
		return R_HANDLED;
	case ACT_CANCEL_ORDER:
		snprintf(intro, sizeof intro, "取消订单 %s。取消后其中的申请单可以重新下单。", ov->o.number);
		form_view_open_ref(ui, "reason", "取消订单", intro, cancel_save, ov->o.id, NULL);
		return R_HANDLED;
	case ACT_VERIFY: {
		char amount[32];
		format_fen(t->amount_fen, amount);
		snprintf(intro, sizeof intro, "转账 ¥%s，付款人 %s，%s，流水号 %s，汇款日期 %s。请对照银行到账记录核实。",
			 amount, t->payer_name, t->bank, t->reference, t->paid_on);
		form_view_open_ref(ui, "verify", "核款", intro, verify_save, ov->o.id, t->id);
		return R_HANDLED;
	}
	case ACT_REFUND: {
		const struct payment *p = refundable(ov);
		char amount[32];
		format_fen(p->amount_fen, amount);
		snprintf(intro, sizeof intro, "对%s ¥%s（%s）登记退款。退款是一条新的记录，原款项不会被修改。",
			 payment_kind_label(p->kind), amount, p->reference);
		form_view_open_ref(ui, "refund", "退款", intro, refund_save, ov->o.id, p->id);
		return R_HANDLED;
	}
	case ACT_PRINT_RECEIPT:
		print_ui_run(ui, PRINT_UI_RECEIPT, ov->o.id);
		return R_HANDLED;
	case ACT_PRINT_PAYMENT:
		print_ui_run(ui, PRINT_UI_PAYMENT, ov->o.id);
		return R_HANDLED;
	case ACT_VIEW_FILE:
	case ACT_SAVE_FILE:
		take_file(ov, ui, a == ACT_VIEW_FILE ? ATTACH_VIEW : ATTACH_EXPORT);
		return R_HANDLED;
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void resume(struct view *v, struct ui *ui)
{
	(void)ui;
	load((struct order_view *)v);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct order_view *ov = (struct order_view *)v;
	if (k->fn && k->code == KEY_DOWN && ov->sel < ov->nfiles - 1) {
		ov->sel++;
		return R_HANDLED | R_REDRAW;
	}
	if (k->fn && k->code == KEY_UP && ov->sel > 0) {
		ov->sel--;
		return R_HANDLED | R_REDRAW;
	}
	/* F9 on a transfer one recorded oneself: say why it is not offered. */
	static const enum action verify[] = { ACT_VERIFY, ACT_NONE };
	const struct payment *t = live_transfer(ov);
	if (action_for_key(k, verify) == ACT_VERIFY && actor_can(&ui->actor, ROLE_SUPERVISOR) && t &&
	    strcmp(t->state, "recorded") == 0 && strcmp(t->recorded_by, ui->actor.id) == 0) {
		ui_flash(ui, true, "不能核实自己登记的转账，请由其他审核员核款。");
		return R_HANDLED;
	}
	/* The print keys of documents that do not apply now say why. */
	static const enum action prints[] = { ACT_PRINT_RECEIPT, ACT_PRINT_PAYMENT, ACT_NONE };
	enum action p = action_for_key(k, prints);
	struct err e;
	err_clear(&e);
	if (p == ACT_PRINT_PAYMENT && ov->o.number[0] && !money_received(ov)) {
		if (!svc_print_payment_check(ui->app, ov->o.id, &e))
			ui_flash(ui, true, "%s。", err_text(&e));
		return R_HANDLED;
	}
	if (p == ACT_PRINT_RECEIPT && ov->o.status == ORDER_CANCELLED) {
		ui_flash(ui, true, "订单 %s 已取消，不再打印回执。", ov->o.number);
		return R_HANDLED;
	}
	return R_NONE;
}

static const struct view_ops ops = {
	.name = "order", .actions_now = actions_now, .draw = draw, .key = key, .action = action,
	.resume = resume,
};

void view_order_open(struct ui *ui, const char *order_id)
{
	struct order_view *ov = calloc(1, sizeof *ov);
	if (!ov)
		return;
	ov->v.ops = &ops;
	ov->ui = ui;
	snprintf(ov->o.id, sizeof ov->o.id, "%s", order_id);
	load(ov);
	ui_push(ui, &ov->v);
}

bool view_order_open_number(struct ui *ui, const char *number)
{
	struct order o;
	struct err e;
	if (svc_order_by_number(&ui->app->svc, number, &o, &e) != ST_OK)
		return false;
	view_order_open(ui, o.id);
	return true;
}
