/* Printing for orders: the receipt (回执) and the payment receipt (收款凭证). */
#include "svc/print_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/staff.h"
#include "util/log.h"

#define MAX_PAYMENTS 64

/* "2 年", or "" for a service without a validity. */
static void years_text(int years, char out[16])
{
	if (years > 0)
		snprintf(out, 16, "%d年", years);
	else
		out[0] = '\0';
}

/* ---- the receipt ---- */

/*
 * What the applicant signs, stamps and hands in or posts for one
 * application, one numbered line each: the form and agreement, each
 * document the kind requires (or that it was received on paper already),
 * and the KEY for the services that work on the certificate in it.
 */
static enum status materials(struct svc *svc, const struct application *a, struct buf *out,
			     struct err *e)
{
	bool ent = a->subject == SUBJECT_ENTERPRISE;
	const char *mark = ent ? "加盖单位公章" : "本人签字";
	struct doc_item items[DOC__COUNT];
	int ni = svc_application_docs(svc, a, items, DOC__COUNT, e);
	if (ni < 0)
		return e->st;
	int k = 1;
	buf_reset(out);
	buf_printf(out, "%d. 申请表和服务协议：%s", k++, ent ? "经办人签字，加盖单位公章" : "本人签字");
	for (int i = 0; i < ni; i++) {
		if (!items[i].required)
			continue;
		buf_printf(out, "\n%d. %s：%s", k++, doc_type_label(items[i].type),
			   items[i].paper ? "纸质件已收到，无需再交" : mark);
	}
	if (a->kind == KIND_RENEWAL || a->kind == KIND_CHANGE || a->kind == KIND_UNLOCK) {
		if (a->cert_serial[0])
			buf_printf(out, "\n%d. 原证书所在的 USB KEY（证书序列号 %s）", k++, a->cert_serial);
		else
			buf_printf(out, "\n%d. 原证书所在的 USB KEY", k++);
	}
	return out->len ? ST_OK : err_status(e, ST_NOMEM);
}

static enum status receipt_data(struct app *app, const struct order *o, struct pdf_data *d,
				struct err *e)
{
	struct svc *svc = &app->svc;
	struct order_line lines[ORDER_MAX_LINES];
	int n = svc_order_lines(svc, o->id, lines, ORDER_MAX_LINES, e);
	if (n < 0)
		return e->st;
	struct applicant ap;
	struct err nf;
	if (svc_applicant_get(svc, o->applicant_id, &ap, &nf) != ST_OK)
		memset(&ap, 0, sizeof ap);
	char date[11], phone[32], rphone[32], years[16];
	print_local_date(o->created_at, date);
	/* The receipt travels by post with the materials: numbers masked. */
	mask_mobile(ap.phone, phone);
	mask_mobile(o->recipient_phone, rphone);
	bool ok = true;
#define SET(k, v) (ok = ok && pdf_data_set(d, k, v))
	SET("order.number", o->number);
	SET("order.date", date);
	SET("order.payer", o->holder_name);
	SET("order.payer_code", o->subject == SUBJECT_ENTERPRISE ? o->holder_code : "");
	ok = ok && pdf_data_setf(d, "order.amount", "%lld", o->total_fen);
	SET("order.payment", pay_method_label(o->method));
	SET("order.status", order_status_label(o->status));
	SET("applicant.name", ap.name);
	SET("applicant.mobile", ap.phone[0] ? phone : "");
	SET("authority.name", config_get(&app->cfg, "authority.name", ""));
	SET("authority.address", config_get(&app->cfg, "authority.address", ""));
	SET("delivery.method", delivery_label(o->delivery));
	if (o->delivery == DELIVERY_POST) {
		SET("delivery.recipient", o->recipient);
		SET("delivery.phone", o->recipient_phone[0] ? rphone : "");
		SET("delivery.address", o->recipient_address);
		SET("delivery.postal", o->recipient_postal);
	} else {
		SET("delivery.address", "证书制作完成后凭本回执到受理点领取");
		SET("delivery.postal", "");
	}
	if (o->invoice_wanted) {
		SET("invoice.title", o->invoice_title);
		SET("invoice.tax_id", o->invoice_taxpayer_id);
		SET("invoice.email", o->invoice_email);
	} else {
		SET("invoice.title", "不开发票");
	}
	struct buf m;
	buf_init(&m, 8192);
	for (int i = 0; ok && i < n; i++) {
		struct application a;
		enum status st = svc_application_get(svc, lines[i].application_id, &a, e);
		if (st == ST_OK)
			st = materials(svc, &a, &m, e);
		if (st != ST_OK) {
			buf_done(&m);
			return st;
		}
		years_text(lines[i].years, years);
		ok = pdf_data_set_row(d, "applications", i, "number", lines[i].number) &&
		     pdf_data_set_row(d, "applications", i, "subject", app_subject_label(lines[i].subject)) &&
		     pdf_data_set_row(d, "applications", i, "kind", app_kind_label(lines[i].kind)) &&
		     pdf_data_set_row(d, "applications", i, "years", years) &&
		     pdf_data_set_row(d, "applications", i, "holder", lines[i].holder_name) &&
		     pdf_data_set_row(d, "applications", i, "materials", buf_str(&m));
		char fen[24];
		snprintf(fen, sizeof fen, "%lld", lines[i].fen);
		ok = ok && pdf_data_set_row(d, "applications", i, "amount", fen);
	}
	buf_done(&m);
#undef SET
	return ok ? ST_OK : err_status(e, ST_NOMEM);
}

enum status svc_print_receipt(struct app *app, const struct actor *a, const char *ref,
			      const char *path, struct print_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!print_may(a, e))
		return e->st;
	struct order o;
	enum status st = print_find_order(&app->svc, ref, &o, e);
	if (st != ST_OK)
		return st;
	if (o.status == ORDER_CANCELLED)
		return err_set(e, ST_STATE, "订单 %s 已取消，不再打印回执", o.number);
	if (!*config_get(&app->cfg, "authority.address", ""))
		return err_set(e, ST_INVALID, "回执须印出材料寄送地址，但 certdesk.conf 没有设置 authority.address；"
			       "请管理员设置后再打印");
	snprintf(out->number, sizeof out->number, "%s", o.number);
	out->document = "数字证书业务回执";
	char name[NUMBER_MAX + 16];
	snprintf(name, sizeof name, "%s-receipt", o.number);
	if ((st = print_path(app, path, name, out->path, e)) != ST_OK || (st = print_prepare(e)) != ST_OK)
		return st;
	struct pdf_data *d = pdf_data_new();
	if (!d)
		return err_status(e, ST_NOMEM);
	st = receipt_data(app, &o, d, e);
	if (st == ST_OK) {
		struct pdf_job job = { print_layout(PL_RECEIPT), d };
		st = print_render(&job, 1, o.subject == SUBJECT_PERSONAL, out, e);
	}
	pdf_data_free(d);
	if (st != ST_OK)
		return st;
	struct print_audit_rec rec = { "order.print_receipt", "order", o.id,
				       json_pack("{s:s, s:s, s:i}", "number", o.number, "document", "receipt",
						 "pages", out->pages) };
	if ((st = print_audit(&app->svc, a, &rec, 1, out->path, e)) != ST_OK)
		return st;
	out->count = 1;
	log_info("receipt of order %s printed: %d pages, %zu bytes, %.1f ms", o.id, out->pages, out->bytes,
		 out->ms);
	return ST_OK;
}

/* ---- the payment receipt ---- */

/* Was money received with p? Else why not, in e. */
static bool received(const struct payment *p, const char *order_number, struct err *e)
{
	if (p->kind == PAYMENT_REFUND)
		return err_set(e, ST_STATE, "这是一笔退款记录，不出具收款凭证"), false;
	if (p->kind == PAYMENT_ONLINE)
		return true;
	if (strcmp(p->state, "verified") == 0)
		return true;
	if (strcmp(p->state, "rejected") == 0)
		return err_set(e, ST_STATE, "订单 %s 的转账（流水号 %s）已被驳回%s%s%s，款项未确认收到，不能出具收款凭证",
			       order_number, p->reference, p->reason[0] ? "（原因：" : "", p->reason,
			       p->reason[0] ? "）" : ""),
		       false;
	return err_set(e, ST_STATE, "订单 %s 的转账（流水号 %s）尚未核款，审核员核实到账后才能出具收款凭证",
		       order_number, p->reference),
	       false;
}

/* The payment of an order that received its money (the latest), else
 * ST_STATE saying where the order stands. */
static enum status payment_of_order(struct svc *svc, const struct order *o, struct payment *out,
				    struct err *e)
{
	struct payment pays[MAX_PAYMENTS];
	int n = svc_order_payments(svc, o->id, pays, MAX_PAYMENTS, e);
	if (n < 0)
		return e->st;
	const struct payment *last = NULL;
	for (int i = n - 1; i >= 0; i--) {
		if (pays[i].kind == PAYMENT_REFUND)
			continue;
		if (!last)
			last = &pays[i];
		struct err nf;
		if (received(&pays[i], o->number, &nf)) {
			*out = pays[i];
			return ST_OK;
		}
	}
	if (o->status == ORDER_CANCELLED)
		return err_set(e, ST_STATE, "订单 %s 已取消，没有收到款项", o->number);
	if (last) {
		received(last, o->number, e);
		return e->st;
	}
	return err_set(e, ST_STATE, "订单 %s 尚未缴费（%s），没有可出具收款凭证的款项", o->number,
		       order_status_label(o->status));
}

static enum status payment_data(struct app *app, const struct payment *p, const struct order *first,
				char ids[][UUID_LEN + 1], int n_orders, struct pdf_data *d,
				struct err *e)
{
	struct svc *svc = &app->svc;
	bool ok = true;
	char date[11], refund_note[256] = "";
	/* received: when the order became paid (the transfer verified, the
	 * online payment recorded) */
	print_local_date(first->paid_at[0] ? first->paid_at : p->recorded_at, date);
	struct staff st;
	struct err nf;
	const char *verifier = p->kind == PAYMENT_TRANSFER ? p->verified_by : p->recorded_by;
	if (svc_staff_get(svc, verifier, &st, &nf) != ST_OK)
		st.name[0] = '\0';
#define SET(k, v) (ok = ok && pdf_data_set(d, k, v))
	SET("order.number", first->number);
	SET("order.payer", p->payer_name[0] ? p->payer_name : first->holder_name);
	SET("payment.number", p->id);
	SET("payment.date", date);
	SET("payment.reference", p->reference);
	SET("payment.verifier", st.name);
	ok = ok && pdf_data_setf(d, "payment.amount", "%lld", p->amount_fen);
	if (p->kind == PAYMENT_TRANSFER) {
		SET("payment.method", "对公转账");
		size_t al = strlen(p->payer_account);
		ok = ok && pdf_data_setf(d, "payment.bank", "%s%s%s", p->bank, al >= 4 ? "，账号尾号 " : "",
					 al >= 4 ? p->payer_account + al - 4 : "");
	} else {
		enum pay_channel c;
		SET("payment.method", pay_channel_parse(p->channel, &c) ? pay_channel_label(c) : "在线支付");
		SET("payment.bank", "");
	}
	SET("authority.name", config_get(&app->cfg, "authority.name", ""));
	int row = 0;
	long long refunded = 0;
	char last_refund[11] = "";
	char seen_ids[MAX_PAYMENTS][UUID_LEN + 1];
	int n_seen = 0;
	for (int i = 0; ok && i < n_orders; i++) {
		struct order_line lines[ORDER_MAX_LINES];
		int nl = svc_order_lines(svc, ids[i], lines, ORDER_MAX_LINES, e);
		if (nl < 0)
			return e->st;
		for (int k = 0; ok && k < nl; k++, row++) {
			char years[16], fen[24];
			years_text(lines[k].years, years);
			snprintf(fen, sizeof fen, "%lld", lines[k].fen);
			ok = pdf_data_set_row(d, "applications", row, "number", lines[k].number) &&
			     pdf_data_set_row(d, "applications", row, "subject", app_subject_label(lines[k].subject)) &&
			     pdf_data_set_row(d, "applications", row, "kind", app_kind_label(lines[k].kind)) &&
			     pdf_data_set_row(d, "applications", row, "years", years) &&
			     pdf_data_set_row(d, "applications", row, "amount", fen);
		}
		/* refunds against this payment, listed with each order they touch */
		struct payment pays[MAX_PAYMENTS];
		int np = svc_order_payments(svc, ids[i], pays, MAX_PAYMENTS, e);
		if (np < 0)
			return e->st;
		for (int k = 0; k < np; k++) {
			if (pays[k].kind != PAYMENT_REFUND || strcmp(pays[k].refund_of, p->id) != 0)
				continue;
			bool seen = false;
			for (int j = 0; j < n_seen && !seen; j++)
				seen = strcmp(seen_ids[j], pays[k].id) == 0;
			if (seen)
				continue;
			if (n_seen < MAX_PAYMENTS)
				memcpy(seen_ids[n_seen++], pays[k].id, UUID_LEN + 1);
			refunded += pays[k].amount_fen;
			print_local_date(pays[k].recorded_at, last_refund);
		}
	}
	if (refunded > 0) {
		char fen[32];
		format_fen(refunded, fen);
		snprintf(refund_note, sizeof refund_note, "%s ¥%s 已退款（最近一次退款登记于 %s），退款另有记录。",
			 refunded >= p->amount_fen ? "本款项已全额退款：" : "其中", fen, last_refund);
	}
	SET("payment.note", refund_note);
#undef SET
	return ok ? ST_OK : err_status(e, ST_NOMEM);
}

/* The payment `ref` names (its id, or an order's id or number) and the
 * order it is printed for, when it received money; else why not. */
static enum status find_payment(struct svc *svc, const char *ref, struct payment *p, struct order *first,
				struct err *e)
{
	enum status st;
	struct err nf;
	if (!ref || !*ref)
		return err_set(e, ST_INVALID, "请指定订单号或款项编号");
	if (uuid_valid(ref) && svc_payment_get(svc, ref, p, &nf) == ST_OK) {
		char ids[1][UUID_LEN + 1];
		long long amt[1];
		int n = svc_payment_orders(svc, p->id, ids, amt, 1, e);
		if (n < 0)
			return e->st;
		if (n == 0 || svc_order_get(svc, ids[0], first, &nf) != ST_OK)
			return err_set(e, ST_NOT_FOUND, "款项 %s 没有对应的订单", p->id);
		return received(p, first->number, e) ? ST_OK : e->st;
	}
	if ((st = print_find_order(svc, ref, first, e)) != ST_OK)
		return st;
	return payment_of_order(svc, first, p, e);
}

bool svc_print_payment_check(struct app *app, const char *ref, struct err *e)
{
	struct payment p;
	struct order o;
	return find_payment(&app->svc, ref, &p, &o, e) == ST_OK;
}

enum status svc_print_payment(struct app *app, const struct actor *a, const char *ref,
			      const char *path, struct print_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!print_may(a, e))
		return e->st;
	struct svc *svc = &app->svc;
	struct payment p;
	struct order first;
	enum status st = find_payment(svc, ref, &p, &first, e);
	if (st != ST_OK)
		return st;
	/* every order the payment paid, the one named first */
	char ids[ORDER_MAX_LINES][UUID_LEN + 1];
	long long amounts[ORDER_MAX_LINES];
	int n = svc_payment_orders(svc, p.id, ids, amounts, ORDER_MAX_LINES, e);
	if (n < 0)
		return e->st;
	for (int i = 1; i < n; i++)
		if (strcmp(ids[i], first.id) == 0) {
			memcpy(ids[i], ids[0], sizeof ids[i]);
			memcpy(ids[0], first.id, sizeof ids[0]);
		}
	if (n == 0) {
		memcpy(ids[0], first.id, sizeof ids[0]);
		n = 1;
	}
	snprintf(out->number, sizeof out->number, "%s", first.number);
	out->document = "数字证书服务费收款凭证";
	char name[NUMBER_MAX + 16];
	snprintf(name, sizeof name, "%s-payment", first.number);
	if ((st = print_path(app, path, name, out->path, e)) != ST_OK || (st = print_prepare(e)) != ST_OK)
		return st;
	struct pdf_data *d = pdf_data_new();
	if (!d)
		return err_status(e, ST_NOMEM);
	st = payment_data(app, &p, &first, ids, n, d, e);
	if (st == ST_OK) {
		struct pdf_job job = { print_layout(PL_PAYMENT), d };
		st = print_render(&job, 1, first.subject == SUBJECT_PERSONAL, out, e);
	}
	pdf_data_free(d);
	if (st != ST_OK)
		return st;
	struct print_audit_rec rec = { "payment.print_receipt", "payment", p.id,
				       json_pack("{s:s, s:s, s:I, s:i}", "number", first.number, "document",
						 "payment_receipt", "amount_fen", (json_int_t)p.amount_fen,
						 "pages", out->pages) };
	if ((st = print_audit(svc, a, &rec, 1, out->path, e)) != ST_OK)
		return st;
	out->count = 1;
	log_info("payment receipt %s printed: %d pages, %zu bytes, %.1f ms", p.id, out->pages, out->bytes,
		 out->ms);
	return ST_OK;
}
