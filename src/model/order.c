#include "model/order.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define CODE_OF(n, c, l) c,
#define LABEL_OF(n, c, l) l,
static const char *const status_codes[] = { ORDER_STATUS_LIST(CODE_OF) };
static const char *const status_labels[] = { ORDER_STATUS_LIST(LABEL_OF) };
static const char *const channel_codes[] = { CHANNEL_LIST(CODE_OF) };
static const char *const channel_labels[] = { CHANNEL_LIST(LABEL_OF) };
#undef CODE_OF
#undef LABEL_OF

const char *order_status_code(enum order_status s)
{
	return (unsigned)s < ORDER__COUNT ? status_codes[s] : "?";
}

const char *order_status_label(enum order_status s)
{
	return (unsigned)s < ORDER__COUNT ? status_labels[s] : "?";
}

bool order_status_parse(const char *code, enum order_status *out)
{
	for (int i = 0; i < ORDER__COUNT; i++)
		if (code && strcmp(code, status_codes[i]) == 0)
			return *out = (enum order_status)i, true;
	return false;
}

const char *pay_method_code(enum pay_method m)
{
	return m == PAY_TRANSFER ? "transfer" : m == PAY_ONLINE ? "online" : "";
}

const char *pay_method_label(enum pay_method m)
{
	return m == PAY_TRANSFER ? "对公转账" : m == PAY_ONLINE ? "在线支付" : "";
}

bool pay_method_parse(const char *code, enum pay_method *out)
{
	if (code && strcmp(code, "transfer") == 0)
		*out = PAY_TRANSFER;
	else if (code && strcmp(code, "online") == 0)
		*out = PAY_ONLINE;
	else if (code && !*code)
		*out = PAY_NONE;
	else
		return false;
	return true;
}

const char *pay_channel_code(enum pay_channel c)
{
	return (unsigned)c < CHANNEL__COUNT ? channel_codes[c] : "?";
}

const char *pay_channel_label(enum pay_channel c)
{
	return (unsigned)c < CHANNEL__COUNT ? channel_labels[c] : "?";
}

bool pay_channel_parse(const char *code, enum pay_channel *out)
{
	for (int i = 0; i < CHANNEL__COUNT; i++)
		if (code && strcmp(code, channel_codes[i]) == 0)
			return *out = (enum pay_channel)i, true;
	return false;
}

const char *transfer_state_code(enum transfer_state s)
{
	return s == TRANSFER_VERIFIED ? "verified" : s == TRANSFER_REJECTED ? "rejected" : "recorded";
}

const char *transfer_state_label(enum transfer_state s)
{
	return s == TRANSFER_VERIFIED ? "已核实" : s == TRANSFER_REJECTED ? "已驳回" : "待核款";
}

bool transfer_state_parse(const char *code, enum transfer_state *out)
{
	if (code && strcmp(code, "recorded") == 0)
		*out = TRANSFER_RECORDED;
	else if (code && strcmp(code, "verified") == 0)
		*out = TRANSFER_VERIFIED;
	else if (code && strcmp(code, "rejected") == 0)
		*out = TRANSFER_REJECTED;
	else
		return false;
	return true;
}

bool order_lines_fit(const struct application *apps, int n, struct err *e)
{
	if (n <= 0)
		return err_set(e, ST_INVALID, "请至少选择一份申请单"), false;
	for (int i = 0; i < n; i++) {
		const struct application *a = &apps[i];
		if (a->status == APP_DRAFT || a->status == APP_RETURNED)
			return err_set(e, ST_STATE, "申请单 %s 尚未提交（%s），提交后才能下单", a->number,
				       app_status_label(a->status)), false;
		if (a->status == APP_CANCELLED)
			return err_set(e, ST_STATE, "申请单 %s 已取消，不能下单", a->number), false;
		if (i == 0)
			continue;
		const struct application *f = &apps[0];
		if (a->subject != f->subject)
			return err_set(e, ST_INVALID, "申请单 %s 是%s，与 %s（%s）不能合并为一个订单",
				       a->number, app_subject_label(a->subject), f->number,
				       app_subject_label(f->subject)), false;
		if (strcmp(a->holder_code, f->holder_code) != 0)
			return err_set(e, ST_INVALID,
				       a->subject == SUBJECT_ENTERPRISE
					       ? "申请单 %s 属于另一家企业（%s），一个订单只能包含同一家企业的申请单"
					       : "申请单 %s 属于另一个人（%s），一个订单只能包含同一个人的申请单",
				       a->number, a->holder_name), false;
	}
	return true;
}

bool order_online_allowed(const struct order_line *lines, int n)
{
	if (n <= 0)
		return false;
	for (int i = 0; i < n; i++)
		if (lines[i].kind != KIND_RENEWAL)
			return false;
	return true;
}

unsigned order_methods(const struct order_line *lines, int n)
{
	unsigned m = 1u << PAY_TRANSFER;
	if (order_online_allowed(lines, n))
		m |= 1u << PAY_ONLINE;
	return m;
}

bool order_total(const struct order_line *lines, int n, long long *out)
{
	long long t = 0;
	for (int i = 0; i < n; i++) {
		if (lines[i].fen < 0 || t > LLONG_MAX - lines[i].fen)
			return false;
		t += lines[i].fen;
	}
	*out = t;
	return true;
}

enum order_status order_after_transfer(bool has_slip)
{
	return has_slip ? ORDER_AWAITING_VERIFICATION : ORDER_UNPAID;
}

const char *payment_kind_code(enum payment_kind k)
{
	return k == PAYMENT_ONLINE ? "online" : k == PAYMENT_REFUND ? "refund" : "transfer";
}

const char *payment_kind_label(enum payment_kind k)
{
	return k == PAYMENT_ONLINE ? "在线支付" : k == PAYMENT_REFUND ? "退款" : "对公转账";
}

bool payment_kind_parse(const char *code, enum payment_kind *out)
{
	if (code && strcmp(code, "transfer") == 0)
		*out = PAYMENT_TRANSFER;
	else if (code && strcmp(code, "online") == 0)
		*out = PAYMENT_ONLINE;
	else if (code && strcmp(code, "refund") == 0)
		*out = PAYMENT_REFUND;
	else
		return false;
	return true;
}

bool check_reference(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (n == 0)
		return err_set(e, ST_INVALID, "请输入交易流水号"), false;
	if (n < 4 || n > 64)
		return err_set(e, ST_INVALID, "交易流水号应为 4 到 64 位"), false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-'))
			return err_set(e, ST_INVALID, "交易流水号只能包含字母、数字和 -"), false;
	}
	return true;
}

bool check_account(const char *s, struct err *e)
{
	int digits = 0;
	if (!*s)
		return err_set(e, ST_INVALID, "请输入付款账号"), false;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ')
			return err_set(e, ST_INVALID, "付款账号只能包含数字"), false;
	}
	if (digits < 8 || digits > 40)
		return err_set(e, ST_INVALID, "付款账号应为 8 到 40 位数字"), false;
	return true;
}
