#ifndef CERTDESK_MODEL_ORDER_H
#define CERTDESK_MODEL_ORDER_H

/*
 * Orders (订单) and payments: states, the payment-method rule, and money
 * (DOMAIN.md, Orders and payment). Pure: no I/O. Money is always integer
 * fen; nothing here uses floating point.
 */
#include <stdbool.h>

#include "model/application.h"
#include "util/status.h"
#include "util/uuid.h"

#define ORDER_STATUS_LIST(X) \
	X(UNPAID,                "unpaid",                "待缴费") \
	X(AWAITING_VERIFICATION, "awaiting_verification", "待核款") \
	X(PAID,                  "paid",                  "已缴费") \
	X(INVOICED,              "invoiced",              "已开票") \
	X(CANCELLED,             "cancelled",             "已取消")

enum order_status {
#define X(n, c, l) ORDER_##n,
	ORDER_STATUS_LIST(X)
#undef X
	ORDER__COUNT
};

const char *order_status_code(enum order_status s);
const char *order_status_label(enum order_status s);
bool order_status_parse(const char *code, enum order_status *out);

enum pay_method { PAY_NONE, PAY_TRANSFER, PAY_ONLINE };
const char *pay_method_code(enum pay_method m);    /* "", "transfer", "online" */
const char *pay_method_label(enum pay_method m);   /* "", "对公转账", "在线支付" */
bool pay_method_parse(const char *code, enum pay_method *out);

/* Online channels. */
#define CHANNEL_LIST(X) \
	X(WECHAT, "wechat", "微信支付") \
	X(ALIPAY, "alipay", "支付宝")
enum pay_channel {
#define X(n, c, l) CHANNEL_##n,
	CHANNEL_LIST(X)
#undef X
	CHANNEL__COUNT
};
const char *pay_channel_code(enum pay_channel c);
const char *pay_channel_label(enum pay_channel c);
bool pay_channel_parse(const char *code, enum pay_channel *out);

/* A transfer's state in the verification queue. */
enum transfer_state { TRANSFER_RECORDED, TRANSFER_VERIFIED, TRANSFER_REJECTED };
const char *transfer_state_code(enum transfer_state s);
const char *transfer_state_label(enum transfer_state s);
bool transfer_state_parse(const char *code, enum transfer_state *out);

/* One line of an order: an application and its price, fixed when placed. */
struct order_line {
	char application_id[UUID_LEN + 1];
	char number[NUMBER_MAX];
	enum app_kind kind;
	enum app_subject subject;
	int years;
	long long fen;
	char holder_name[ORG_NAME_MAX];
	char holder_code[CREDIT_CODE_MAX];
};

#define ORDER_MAX_LINES 32

struct order {
	char id[UUID_LEN + 1];
	char number[NUMBER_MAX];
	enum order_status status;
	enum app_subject subject;
	char holder_code[CREDIT_CODE_MAX];
	char holder_name[ORG_NAME_MAX];
	char applicant_id[UUID_LEN + 1];
	enum pay_method method;
	long long total_fen;
	bool invoice_wanted;
	char invoice_title[ORG_NAME_MAX];
	char invoice_taxpayer_id[CREDIT_CODE_MAX + 2];
	char invoice_email[EMAIL_MAX];
	enum delivery delivery;
	char recipient[PERSON_NAME_MAX];
	char recipient_phone[PHONE_MAX];
	char recipient_address[ADDRESS_MAX];
	char recipient_postal[POSTAL_MAX];
	char contact_phone[PHONE_MAX];
	char reason[REASON_MAX];
	char office_id[UUID_LEN + 1];
	char terminal_id[UUID_LEN + 1];
	char created_by[UUID_LEN + 1];
	char created_at[21];
	char paid_at[21];
	long version;
};

enum payment_kind { PAYMENT_TRANSFER, PAYMENT_ONLINE, PAYMENT_REFUND };
const char *payment_kind_code(enum payment_kind k);
const char *payment_kind_label(enum payment_kind k);
bool payment_kind_parse(const char *code, enum payment_kind *out);

#define REFERENCE_MAX 65
#define ACCOUNT_MAX 41

struct payment {
	char id[UUID_LEN + 1];
	enum payment_kind kind;
	char state[12];                     /* recorded | verified | rejected | done */
	long long amount_fen;
	char payer_name[ORG_NAME_MAX];
	char payer_account[ACCOUNT_MAX];
	char bank[ORG_NAME_MAX];
	char reference[REFERENCE_MAX];
	char channel[12];
	char paid_on[11];
	char reason[REASON_MAX];
	char refund_of[UUID_LEN + 1];
	char recorded_by[UUID_LEN + 1];
	char recorded_at[21];
	char verified_by[UUID_LEN + 1];
	long version;
};

/*
 * May these applications go in one order? All must be submitted (pending
 * review or later, not cancelled, not returned), not in another order
 * (the caller checks that), and of one enterprise (same credit code) or one
 * person (same ID number). On refusal e names the application that does
 * not fit ("SQ-... 属于另一家企业（…）").
 */
bool order_lines_fit(const struct application *apps, int n, struct err *e);
/* Online payment is allowed only when every line is a renewal; any new
 * certificate means bank transfer only (DOMAIN.md). */
bool order_online_allowed(const struct order_line *lines, int n);
/* The methods allowed for these lines, as a mask of (1 << enum pay_method). */
unsigned order_methods(const struct order_line *lines, int n);
/* Sum of the lines in fen; false on overflow. */
bool order_total(const struct order_line *lines, int n, long long *out);

/* A transfer reference as banks print it: 4-64 letters, digits or '-'. */
bool check_reference(const char *s, struct err *e);
/* A bank account number: 8-40 digits (spaces allowed between groups). */
bool check_account(const char *s, struct err *e);

/* The order's state after a transfer is recorded: with the slip it waits for
 * verification, without it stays unpaid (the slip may be added later). */
enum order_status order_after_transfer(bool has_slip);

#endif
