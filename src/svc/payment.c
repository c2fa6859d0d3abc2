/* Payments: bank transfers with their slips and the verification queue,
 * online payments, refunds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "store/attach_repo.h"
#include "svc/commands.h"
#include "svc/order.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/utf8.h"

enum status order_attach_from_json(struct svc_run *run, const char *order_id, json_t *att,
				   enum doc_type type, struct err *e);
json_t *order_file_json(struct app *app, const char *path, bool pdf_only, struct err *e);

static json_t *payment_json(const struct payment *p)
{
	char fen[32];
	format_fen(p->amount_fen, fen);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", payment_kind_code(p->kind),
			 "state", p->state, "amount", fen, "reference", p->reference, "payer_name",
			 p->payer_name, "channel", p->channel, "reason", p->reason);
}

static void on(struct svc_run *run, const struct payment *p, bool before)
{
	run->entity = "payment";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", p->id);
	if (before) {
		run->before = payment_json(p);
		run->base_version = p->version;
	}
}

static bool has_slip(struct db *db, const char *order_id)
{
	return attach_repo_count_type(db, "order", order_id, doc_type_code(DOC_REMITTANCE_SLIP)) > 0;
}

/* Move an order to `to`, writing it. */
static enum status set_order(struct db *db, const char *order_id, enum order_status to,
			     struct err *e)
{
	struct order o;
	enum status st = order_repo_get(db, order_id, &o, e);
	if (st != ST_OK)
		return st;
	o.status = to;
	if (to == ORDER_PAID)
		clock_iso(clock_now(), o.paid_at);
	else if (to == ORDER_UNPAID || to == ORDER_AWAITING_VERIFICATION)
		o.paid_at[0] = '\0';
	return order_repo_update(db, &o, e);
}

/* ---- payment.transfer ---- */

static enum status transfer_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	struct payment pay;
	long long amount;
	memset(&pay, 0, sizeof pay);
	pay.kind = PAYMENT_TRANSFER;
	snprintf(pay.state, sizeof pay.state, "recorded");
	if (!jx_str(p, "id", pay.id, sizeof pay.id, false, e) ||
	    !jx_str(p, "payer_name", pay.payer_name, sizeof pay.payer_name, false, e) ||
	    !jx_str(p, "payer_account", pay.payer_account, sizeof pay.payer_account, false, e) ||
	    !jx_str(p, "bank", pay.bank, sizeof pay.bank, false, e) ||
	    !jx_str(p, "reference", pay.reference, sizeof pay.reference, false, e) ||
	    !jx_str(p, "paid_on", pay.paid_on, sizeof pay.paid_on, false, e) ||
	    !jx_int(p, "amount_fen", &amount, false, e))
		return e->st;
	if (utf8_count(pay.payer_name) < 2)
		return err_field(e, "payer_name", ST_INVALID, "请填写付款人名称");
	if (!check_account(pay.payer_account, e))
		return err_field(e, "payer_account", ST_INVALID, "%s", e->msg);
	if (utf8_count(pay.bank) < 2)
		return err_field(e, "bank", ST_INVALID, "请填写付款银行");
	if (!check_reference(pay.reference, e))
		return err_field(e, "reference", ST_INVALID, "%s", e->msg);
	if (!check_date(pay.paid_on, e))
		return err_field(e, "paid_on", ST_INVALID, "%s", e->msg);
	if (amount <= 0)
		return err_field(e, "amount", ST_INVALID, "金额应大于 0");
	pay.amount_fen = amount;
	snprintf(pay.recorded_by, sizeof pay.recorded_by, "%s", run->actor->id);

	struct payment first;
	struct err nf;
	if (payment_repo_duplicate(db, PAYMENT_TRANSFER, pay.reference, amount, NULL, &first, &nf) ==
	    ST_OK) {
		char fen[32];
		format_fen(first.amount_fen, fen);
		return err_field(e, "reference", ST_EXISTS,
				 "流水号 %s、金额 ¥%s 的转账已于 %.10s 登记过（%s），不能重复登记",
				 first.reference, fen, first.recorded_at, first.payer_name);
	}

	json_t *ids = json_object_get(p, "order_ids");
	if (!json_is_array(ids) || json_array_size(ids) == 0)
		return err_set(e, ST_INVALID, "请选择要支付的订单");
	struct order orders[ORDER_MAX_LINES];
	int n = 0;
	long long sum = 0;
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		if (n >= ORDER_MAX_LINES || !json_is_string(v))
			return err_set(e, ST_INVALID, "订单编号无效");
		enum status st = order_repo_get(db, json_string_value(v), &orders[n], e);
		if (st != ST_OK)
			return st;
		struct order *o = &orders[n];
		for (int j = 0; j < n; j++)
			if (strcmp(orders[j].id, o->id) == 0)
				return err_set(e, ST_INVALID, "订单 %s 选择了两次", o->number);
		if (o->method != PAY_TRANSFER)
			return err_set(e, ST_INVALID, "订单 %s 的缴费方式是%s，不能登记对公转账", o->number,
				       pay_method_label(o->method));
		if (o->status != ORDER_UNPAID)
			return err_set(e, ST_STATE, "订单 %s 状态为“%s”，不能再登记转账", o->number,
				       order_status_label(o->status));
		struct payment earlier[8];
		int k = payment_repo_of_order(db, o->id, earlier, 8, e);
		for (int j = 0; j < k; j++)
			if (earlier[j].kind == PAYMENT_TRANSFER && strcmp(earlier[j].state, "rejected"))
				return err_set(e, ST_STATE, "订单 %s 已登记过一笔转账（流水号 %s），不能重复登记",
					       o->number, earlier[j].reference);
		if (n > 0 && strcmp(o->holder_code, orders[0].holder_code) != 0)
			return err_set(e, ST_INVALID, "订单 %s 属于另一家企业或个人（%s），一笔转账只能支付同一家的订单",
				       o->number, o->holder_name);
		sum += o->total_fen;
		n++;
	}
	if (sum != amount) {
		char a[32], b[32];
		format_fen(amount, a);
		format_fen(sum, b);
		return err_field(e, "amount", ST_INVALID, "转账金额 ¥%s 与所选订单合计 ¥%s 不符", a, b);
	}
	enum status st = payment_repo_insert(db, &pay, run->actor->office_id, run->actor->terminal_id, e);
	json_t *slip = json_object_get(p, "slips");
	bool with_slip = json_is_array(slip) && json_array_size(slip) == (size_t)n;
	for (int j = 0; j < n && st == ST_OK; j++) {
		st = payment_repo_link(db, pay.id, orders[j].id, orders[j].total_fen, e);
		if (st == ST_OK && with_slip)
			st = order_attach_from_json(run, orders[j].id, json_array_get(slip, (size_t)j),
						    DOC_REMITTANCE_SLIP, e);
		if (st == ST_OK)
			st = set_order(db, orders[j].id, order_after_transfer(with_slip), e);
	}
	if (st != ST_OK)
		return st;
	on(run, &pay, false);
	run->after = payment_json(&pay);
	json_object_set_new(run->after, "slip", json_boolean(with_slip));
	return ST_OK;
}
const struct command cmd_payment_transfer = { "payment.transfer", 1, ROLE_CLERK, transfer_apply };

/* One slip description per order (the same file, content-addressed). */
static json_t *slips_for(struct app *app, const char *path, int n, struct err *e)
{
	json_t *first = order_file_json(app, path, false, e);
	if (!first)
		return NULL;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *c = json_deep_copy(first);
		char id[UUID_LEN + 1];
		uuid_v7(id);
		json_object_set_new(c, "id", json_string(id));
		json_array_append_new(arr, c);
	}
	json_decref(first);
	return arr;
}

enum status svc_transfer_record(struct app *app, const struct actor *a,
				const struct transfer_input *in, char id_out[UUID_LEN + 1],
				struct err *e)
{
#define S(x) ((x) ? (x) : "")
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *ids = json_array();
	for (int i = 0; i < in->n; i++)
		json_array_append_new(ids, json_string(S(in->order_ids[i])));
	json_t *p = json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:I}", "id", id, "order_ids", ids,
			      "payer_name", S(in->payer_name), "payer_account", S(in->payer_account),
			      "bank", S(in->bank), "reference", S(in->reference), "paid_on",
			      S(in->paid_on), "amount_fen", (json_int_t)in->amount_fen);
#undef S
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	if (in->slip_path && *in->slip_path) {
		json_t *slips = slips_for(app, in->slip_path, in->n, e);
		if (!slips) {
			json_decref(p);
			return e->st;
		}
		json_object_set_new(p, "slips", slips);
	}
	enum status st = svc_exec(&app->svc, a, &cmd_payment_transfer, p, e);
	json_decref(p);
	if (st == ST_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return st;
}

/* ---- payment.add_slip ---- */

static enum status load_pay(struct svc_run *run, json_t *p, struct payment *pay, struct err *e)
{
	char id[UUID_LEN + 1];
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	enum status st = payment_repo_get(run->svc->db, id, pay, e);
	if (st == ST_OK)
		on(run, pay, true);
	return st;
}

static enum status slip_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct payment pay;
	enum status st = load_pay(run, p, &pay, e);
	if (st != ST_OK)
		return st;
	if (pay.kind != PAYMENT_TRANSFER || strcmp(pay.state, "recorded") != 0)
		return err_set(e, ST_STATE, "只有待核款的转账可以补传汇款底单");
	char ids[ORDER_MAX_LINES][UUID_LEN + 1];
	long long amounts[ORDER_MAX_LINES];
	int n = payment_repo_orders(run->svc->db, pay.id, ids, amounts, ORDER_MAX_LINES, e);
	json_t *slips = json_object_get(p, "slips");
	if (n <= 0 || !json_is_array(slips) || json_array_size(slips) != (size_t)n)
		return err_set(e, ST_INVALID, "汇款底单信息无效");
	for (int i = 0; i < n && st == ST_OK; i++) {
		st = order_attach_from_json(run, ids[i], json_array_get(slips, (size_t)i),
					    DOC_REMITTANCE_SLIP, e);
		struct order o;
		if (st == ST_OK)
			st = order_repo_get(run->svc->db, ids[i], &o, e);
		if (st == ST_OK && o.status == ORDER_UNPAID)
			st = set_order(run->svc->db, ids[i], ORDER_AWAITING_VERIFICATION, e);
	}
	run->after = payment_json(&pay);
	json_object_set_new(run->after, "slip", json_true());
	return st;
}
const struct command cmd_payment_slip = { "payment.add_slip", 1, ROLE_CLERK, slip_apply };

enum status svc_transfer_add_slip(struct app *app, const struct actor *a, const char *payment_id,
				  const char *path, struct err *e)
{
	char ids[ORDER_MAX_LINES][UUID_LEN + 1];
	long long amounts[ORDER_MAX_LINES];
	int n = payment_repo_orders(app->db, payment_id, ids, amounts, ORDER_MAX_LINES, e);
	if (n <= 0)
		return n < 0 ? e->st : err_set(e, ST_NOT_FOUND, "没有这笔转账");
	json_t *slips = slips_for(app, path, n, e);
	if (!slips)
		return e->st;
	json_t *p = json_pack("{s:s, s:o}", "id", payment_id, "slips", slips);
	enum status st = svc_exec(&app->svc, a, &cmd_payment_slip, p, e);
	json_decref(p);
	return st;
}

/* ---- payment.verify / payment.reject ---- */

static enum status review(struct svc_run *run, json_t *p, bool verify, struct err *e)
{
	struct payment pay;
	enum status st = load_pay(run, p, &pay, e);
	if (st != ST_OK)
		return st;
	if (pay.kind != PAYMENT_TRANSFER || strcmp(pay.state, "recorded") != 0)
		return err_set(e, ST_STATE, "这笔款项不在待核款队列中（%s）", pay.state);
	if (strcmp(pay.recorded_by, run->actor->id) == 0)
		return err_set(e, ST_DENIED, "不能核实自己登记的转账，请由其他审核员办理");
	char ids[ORDER_MAX_LINES][UUID_LEN + 1];
	long long amounts[ORDER_MAX_LINES];
	int n = payment_repo_orders(run->svc->db, pay.id, ids, amounts, ORDER_MAX_LINES, e);
	if (n < 0)
		return e->st;
	if (verify) {
		for (int i = 0; i < n; i++)
			if (!has_slip(run->svc->db, ids[i]))
				return err_set(e, ST_STATE, "尚未上传汇款底单，不能核实");
		snprintf(pay.state, sizeof pay.state, "verified");
	} else {
		char reason[REASON_MAX];
		if (!jx_str(p, "reason", reason, sizeof reason, true, e))
			return e->st;
		if (!reason[0])
			return err_field(e, "reason", ST_INVALID, "请填写驳回原因");
		snprintf(pay.state, sizeof pay.state, "rejected");
		snprintf(pay.reason, sizeof pay.reason, "%s", reason);
	}
	snprintf(pay.verified_by, sizeof pay.verified_by, "%s", run->actor->id);
	st = payment_repo_update(run->svc->db, &pay, e);
	for (int i = 0; i < n && st == ST_OK; i++)
		st = set_order(run->svc->db, ids[i], verify ? ORDER_PAID : ORDER_UNPAID, e);
	run->after = payment_json(&pay);
	return st;
}

static enum status verify_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return review(run, p, true, e);
}

static enum status reject_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return review(run, p, false, e);
}
const struct command cmd_payment_verify = { "payment.verify", 1, ROLE_SUPERVISOR, verify_apply };
const struct command cmd_payment_reject = { "payment.reject", 1, ROLE_SUPERVISOR, reject_apply };

enum status svc_transfer_verify(struct svc *svc, const struct actor *a, const char *payment_id,
				struct err *e)
{
	json_t *p = json_pack("{s:s}", "id", payment_id);
	enum status st = svc_exec(svc, a, &cmd_payment_verify, p, e);
	json_decref(p);
	return st;
}

enum status svc_transfer_reject(struct svc *svc, const struct actor *a, const char *payment_id,
				const char *reason, struct err *e)
{
	json_t *p = json_pack("{s:s, s:s}", "id", payment_id, "reason", reason ? reason : "");
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_payment_reject, p, e);
	json_decref(p);
	return st;
}

/* ---- payment.online ---- */

static enum status online_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	struct payment pay;
	char order_id[UUID_LEN + 1];
	enum pay_channel ch;
	memset(&pay, 0, sizeof pay);
	pay.kind = PAYMENT_ONLINE;
	snprintf(pay.state, sizeof pay.state, "done");
	if (!jx_str(p, "id", pay.id, sizeof pay.id, false, e) ||
	    !jx_str(p, "order_id", order_id, sizeof order_id, false, e) ||
	    !jx_str(p, "channel", pay.channel, sizeof pay.channel, false, e) ||
	    !jx_str(p, "reference", pay.reference, sizeof pay.reference, false, e))
		return e->st;
	if (!pay_channel_parse(pay.channel, &ch))
		return err_field(e, "channel", ST_INVALID, "请选择支付渠道（微信或支付宝）");
	if (!check_reference(pay.reference, e))
		return err_field(e, "reference", ST_INVALID, "%s", e->msg);
	struct order o;
	enum status st = order_repo_get(db, order_id, &o, e);
	if (st != ST_OK)
		return st;
	if (o.method != PAY_ONLINE)
		return err_set(e, ST_INVALID, "订单 %s 只能对公转账：订单中含有非续费的申请单", o.number);
	if (o.status != ORDER_UNPAID)
		return err_set(e, ST_STATE, "订单 %s 状态为“%s”，不能再支付", o.number,
			       order_status_label(o.status));
	struct payment first;
	struct err nf;
	if (payment_repo_duplicate(db, PAYMENT_ONLINE, pay.reference, 0, pay.channel, &first, &nf) ==
	    ST_OK)
		return err_field(e, "reference", ST_EXISTS, "交易号 %s 已于 %.10s 登记过，不能重复登记",
				 first.reference, first.recorded_at);
	pay.amount_fen = o.total_fen;
	snprintf(pay.recorded_by, sizeof pay.recorded_by, "%s", run->actor->id);
	st = payment_repo_insert(db, &pay, run->actor->office_id, run->actor->terminal_id, e);
	if (st == ST_OK)
		st = payment_repo_link(db, pay.id, o.id, o.total_fen, e);
	if (st == ST_OK)
		st = set_order(db, o.id, ORDER_PAID, e);
	on(run, &pay, false);
	run->after = payment_json(&pay);
	return st;
}
const struct command cmd_payment_online = { "payment.online", 1, ROLE_CLERK, online_apply };

enum status svc_online_record(struct svc *svc, const struct actor *a, const char *order_id,
			      enum pay_channel channel, const char *reference, struct err *e)
{
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "order_id", order_id, "channel",
			      pay_channel_code(channel), "reference", reference ? reference : "");
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_payment_online, p, e);
	json_decref(p);
	return st;
}

/* ---- payment.refund ---- */

static long long refunded(struct db *db, const char *payment_id)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT coalesce(sum(amount_fen), 0) FROM payments"
				      " WHERE refund_of = ?1", &e);
	if (!s)
		return -1;
	db_bind_text(s, 1, payment_id);
	long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return v;
}

static enum status refund_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	struct payment orig, ref;
	char orig_id[UUID_LEN + 1];
	long long amount;
	memset(&ref, 0, sizeof ref);
	if (!jx_str(p, "id", ref.id, sizeof ref.id, false, e) ||
	    !jx_str(p, "refund_of", orig_id, sizeof orig_id, false, e) ||
	    !jx_int(p, "amount_fen", &amount, false, e) ||
	    !jx_str(p, "reason", ref.reason, sizeof ref.reason, true, e))
		return e->st;
	if (!ref.reason[0])
		return err_field(e, "reason", ST_INVALID, "请填写退款原因");
	enum status st = payment_repo_get(db, orig_id, &orig, e);
	if (st != ST_OK)
		return st;
	if (!((orig.kind == PAYMENT_TRANSFER && strcmp(orig.state, "verified") == 0) ||
	      orig.kind == PAYMENT_ONLINE))
		return err_set(e, ST_STATE, "只能对已核实的转账或在线支付退款");
	long long done = refunded(db, orig.id);
	if (done < 0)
		return err_status(e, ST_DB);
	if (amount <= 0 || amount > orig.amount_fen - done) {
		char left[32];
		format_fen(orig.amount_fen - done, left);
		return err_field(e, "amount", ST_INVALID, "退款金额应大于 0 且不超过可退金额 ¥%s", left);
	}
	ref.kind = PAYMENT_REFUND;
	snprintf(ref.state, sizeof ref.state, "done");
	ref.amount_fen = amount;
	memcpy(ref.refund_of, orig.id, sizeof ref.refund_of);
	snprintf(ref.payer_name, sizeof ref.payer_name, "%s", orig.payer_name);
	snprintf(ref.recorded_by, sizeof ref.recorded_by, "%s", run->actor->id);
	st = payment_repo_insert(db, &ref, run->actor->office_id, run->actor->terminal_id, e);
	char ids[ORDER_MAX_LINES][UUID_LEN + 1];
	long long amounts[ORDER_MAX_LINES];
	int n = st == ST_OK ? payment_repo_orders(db, orig.id, ids, amounts, ORDER_MAX_LINES, e) : -1;
	/* The refund is listed with the orders of the payment it returns. */
	for (int i = 0; i < n && st == ST_OK && amount > 0; i++) {
		long long part = amounts[i] < amount ? amounts[i] : amount;
		st = payment_repo_link(db, ref.id, ids[i], part, e);
		amount -= part;
	}
	on(run, &ref, false);
	run->after = payment_json(&ref);
	json_object_set_new(run->after, "refund_of", json_string(orig.id));
	return n < 0 && st == ST_OK ? e->st : st;
}
const struct command cmd_payment_refund = { "payment.refund", 1, ROLE_SUPERVISOR, refund_apply };

enum status svc_refund(struct svc *svc, const struct actor *a, const char *payment_id,
		       long long amount_fen, const char *reason, char id_out[UUID_LEN + 1],
		       struct err *e)
{
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *p = json_pack("{s:s, s:s, s:I, s:s}", "id", id, "refund_of", payment_id, "amount_fen",
			      (json_int_t)amount_fen, "reason", reason ? reason : "");
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_payment_refund, p, e);
	json_decref(p);
	if (st == ST_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return st;
}

/* ---- reading ---- */

enum status svc_payment_get(struct svc *svc, const char *id, struct payment *out, struct err *e)
{
	return payment_repo_get(svc->db, id, out, e);
}

int svc_payment_orders(struct svc *svc, const char *payment_id, char ids[][UUID_LEN + 1],
		       long long *amounts, int max, struct err *e)
{
	return payment_repo_orders(svc->db, payment_id, ids, amounts, max, e);
}

int svc_transfers_pending(struct svc *svc, enum page_dir dir, const char *key,
			  struct payment *out, int max, struct err *e)
{
	return payment_repo_pending(svc->db, dir, key, out, max, e);
}

long svc_transfers_pending_count(struct svc *svc)
{
	return payment_repo_pending_count(svc->db);
}
