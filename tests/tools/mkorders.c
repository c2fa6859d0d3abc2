/*
 * mkorders: orders and payments through the use cases, for tests (the
 * command line has no subcommands for them: the screens make them).
 * Applicants and applications come from `certdesk import`.
 *
 *   mkorders --data DIR --user USER submit NUMBER...
 *       the applicant accepts the agreement, the required documents are
 *       marked as handed in on paper, the application is submitted
 *   mkorders ... place transfer|online NUMBER...      prints the order number
 *   mkorders ... transfer ORDER YUAN REFERENCE [SLIP] prints the payment id
 *   mkorders ... online ORDER wechat|alipay REFERENCE prints the payment id
 *   mkorders ... verify PAYMENT | reject PAYMENT REASON
 *   mkorders ... refund PAYMENT YUAN REASON           prints the refund's id
 *   mkorders ... cancel ORDER REASON
 *
 * ORDER is an order number (DD-...). The password is read from
 * $CERTDESK_PASSWORD. Exit 0 on success, 1 on a refusal (message on
 * stderr), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/attachment.h"
#include "model/validate.h"
#include "svc/app.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/staff.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: mkorders --data DIR --user USER submit NUMBER...\n"
		"       mkorders ... place transfer|online NUMBER...\n"
		"       mkorders ... transfer ORDER YUAN REFERENCE [SLIP]\n"
		"       mkorders ... online ORDER wechat|alipay REFERENCE\n"
		"       mkorders ... verify PAYMENT | reject PAYMENT REASON\n"
		"       mkorders ... refund PAYMENT YUAN REASON | cancel ORDER REASON\n");
	return 2;
}

static struct app app;
static struct actor actor;

static enum status submit(const char *number, struct err *e)
{
	struct application a;
	struct doc_item items[DOC__COUNT];
	enum status st = svc_application_by_number(&app.svc, number, &a, e);
	if (st == ST_OK && !a.agreement_version[0])
		st = svc_application_agree(&app.svc, &actor, a.id, svc_agreement_version(), e);
	if (st != ST_OK)
		return st;
	int n = svc_application_docs(&app.svc, &a, items, DOC__COUNT, e);
	if (n < 0)
		return e->st;
	for (int i = 0; i < n && st == ST_OK; i++)
		if (items[i].required && !items[i].attached && !items[i].paper)
			st = svc_application_paper(&app.svc, &actor, a.id, items[i].type, true, e);
	return st == ST_OK ? svc_application_submit(&app.svc, &actor, a.id, e) : st;
}

static enum status place(const char *method, char **numbers, int n, struct err *e)
{
	struct order_input in = { .delivery = DELIVERY_PICKUP, .contact_phone = "13800000000" };
	if (!pay_method_parse(method, &in.method) || in.method == PAY_NONE)
		return err_set(e, ST_INVALID, "unknown method %s", method);
	char ids[ORDER_MAX_LINES][UUID_LEN + 1];
	const char *ptr[ORDER_MAX_LINES];
	if (n > ORDER_MAX_LINES)
		return err_set(e, ST_INVALID, "too many applications");
	for (int i = 0; i < n; i++) {
		struct application a;
		if (svc_application_by_number(&app.svc, numbers[i], &a, e) != ST_OK)
			return e->st;
		memcpy(ids[i], a.id, sizeof ids[i]);
		ptr[i] = ids[i];
	}
	in.application_ids = ptr;
	in.n = n;
	char number[NUMBER_MAX];
	enum status st = svc_order_place(&app.svc, &actor, &in, NULL, number, e);
	if (st == ST_OK)
		printf("%s\n", number);
	return st;
}

static enum status order_id(const char *number, char id[UUID_LEN + 1], struct err *e)
{
	struct order o;
	enum status st = svc_order_by_number(&app.svc, number, &o, e);
	if (st == ST_OK)
		memcpy(id, o.id, UUID_LEN + 1);
	return st;
}

static enum status money(const char *yuan, long long *fen, struct err *e)
{
	return parse_amount_fen(yuan, fen, e) ? ST_OK : e->st;
}

static enum status run(const char *verb, char **args, int n, struct err *e)
{
	char id[UUID_LEN + 1], pay[UUID_LEN + 1];
	long long fen;
	enum status st;
	if (strcmp(verb, "submit") == 0 && n >= 1) {
		for (int i = 0; i < n; i++)
			if ((st = submit(args[i], e)) != ST_OK)
				return st;
		return ST_OK;
	}
	if (strcmp(verb, "place") == 0 && n >= 2)
		return place(args[0], args + 1, n - 1, e);
	if (strcmp(verb, "transfer") == 0 && (n == 3 || n == 4)) {
		if ((st = order_id(args[0], id, e)) != ST_OK || (st = money(args[1], &fen, e)) != ST_OK)
			return st;
		const char *ids[] = { id };
		struct transfer_input t = {
			.order_ids = ids, .n = 1, .payer_name = "测试付款单位",
			.payer_account = "6222020012345678", .bank = "中国工商银行",
			.reference = args[2], .paid_on = "2025-06-09", .amount_fen = fen,
			.slip_path = n == 4 ? args[3] : NULL,
		};
		st = svc_transfer_record(&app, &actor, &t, pay, e);
		if (st == ST_OK)
			printf("%s\n", pay);
		return st;
	}
	if (strcmp(verb, "online") == 0 && n == 3) {
		enum pay_channel ch;
		if (!pay_channel_parse(args[1], &ch))
			return err_set(e, ST_INVALID, "unknown channel %s", args[1]);
		if ((st = order_id(args[0], id, e)) != ST_OK ||
		    (st = svc_online_record(&app.svc, &actor, id, ch, args[2], e)) != ST_OK)
			return st;
		struct payment p[8];
		int k = svc_order_payments(&app.svc, id, p, 8, e);
		for (int i = 0; i < k; i++)
			if (p[i].kind == PAYMENT_ONLINE)
				printf("%s\n", p[i].id);
		return k < 0 ? e->st : ST_OK;
	}
	if (strcmp(verb, "verify") == 0 && n == 1)
		return svc_transfer_verify(&app.svc, &actor, args[0], e);
	if (strcmp(verb, "reject") == 0 && n == 2)
		return svc_transfer_reject(&app.svc, &actor, args[0], args[1], e);
	if (strcmp(verb, "refund") == 0 && n == 3) {
		if ((st = money(args[1], &fen, e)) != ST_OK ||
		    (st = svc_refund(&app.svc, &actor, args[0], fen, args[2], pay, e)) != ST_OK)
			return st;
		printf("%s\n", pay);
		return ST_OK;
	}
	if (strcmp(verb, "cancel") == 0 && n == 2) {
		if ((st = order_id(args[0], id, e)) != ST_OK)
			return st;
		return svc_order_cancel(&app.svc, &actor, id, args[1], e);
	}
	return ST_UNSUPPORTED;
}

int main(int argc, char **argv)
{
	const char *data = NULL, *user = NULL;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--data") == 0)
			data = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			user = argv[i + 1];
		else
			return usage();
	}
	if (!data || !user || i >= argc)
		return usage();
	const char *pw = getenv("CERTDESK_PASSWORD");
	struct err e;
	err_clear(&e);
	if (app_open(&app, data, &e) != ST_OK) {
		fprintf(stderr, "mkorders: %s\n", err_text(&e));
		return 1;
	}
	bool must_change;
	enum status st = svc_login(&app.svc, user, pw ? pw : "", &actor, &must_change, &e);
	if (st == ST_OK)
		st = run(argv[i], argv + i + 1, argc - i - 1, &e);
	app_close(&app);
	if (st == ST_UNSUPPORTED)
		return usage();
	if (st != ST_OK) {
		fprintf(stderr, "mkorders: %s\n", err_text(&e));
		return 1;
	}
	return 0;
}
