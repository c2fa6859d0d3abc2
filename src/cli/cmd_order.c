/* certdesk order: orders and payments from the command line. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "svc/application.h"
#include "svc/attach_file.h"
#include "svc/order.h"
#include "sync/sync.h"
#include "util/fs.h"

static const char *const usage_text =
	"用法：certdesk --user USER order place APPLICATION... [--method transfer|online]\n"
	"          [--contact PHONE] [--invoice TITLE,TAXPAYER_ID,EMAIL]\n"
	"          [--post NAME,PHONE,ADDRESS,POSTAL_CODE]\n"
	"       certdesk --user USER order show|verify ORDER\n"
	"       certdesk --user USER order cancel|reject ORDER --reason TEXT\n"
	"       certdesk --user USER order transfer ORDER... --payer NAME --account NO --bank BANK\n"
	"          --ref REFERENCE --date YYYY-MM-DD --amount YUAN [--slip FILE]\n"
	"       certdesk --user USER order slip|invoice ORDER FILE\n"
	"       certdesk --user USER order export-invoice ORDER [-o FILE]\n"
	"       certdesk --user USER order online ORDER --channel wechat|alipay --ref REFERENCE";

struct opts {
	const char *method, *contact, *invoice, *post, *reason, *payer, *account, *bank, *ref;
	const char *date, *amount, *slip, *channel, *output;
};

static void show(struct cli *c, const struct order *o)
{
	struct svc *svc = &c->app.svc;
	struct err e;
	char fen[32];
	format_fen(o->total_fen, fen);
	printf("订单号    %s\n状态      %s（%s）\n单位/个人 %s（%s）\n缴费方式  %s\n合计      ¥%s\n",
	       o->number, order_status_label(o->status), order_status_code(o->status), o->holder_name,
	       o->holder_code, pay_method_label(o->method), fen);
	struct order_line l[ORDER_MAX_LINES];
	int n = svc_order_lines(svc, o->id, l, ORDER_MAX_LINES, &e);
	for (int i = 0; i < n; i++) {
		format_fen(l[i].fen, fen);
		printf("申请单    %s  %s%s %d年  ¥%s\n", l[i].number, app_subject_label(l[i].subject),
		       app_kind_label(l[i].kind), l[i].years, fen);
	}
	struct payment p[16];
	n = svc_order_payments(svc, o->id, p, 16, &e);
	for (int i = 0; i < n; i++) {
		format_fen(p[i].amount_fen, fen);
		printf("款项      %s  ¥%s  %s  %s  %s\n", payment_kind_label(p[i].kind), fen, p[i].state,
		       p[i].reference, p[i].id);
	}
}

/* Split "a,b,c" into exactly n parts (copies in buf). */
static bool split(const char *s, char parts[][256], int n)
{
	const char *p = s;
	for (int i = 0; i < n; i++) {
		const char *comma = i < n - 1 ? strchr(p, ',') : NULL;
		if (i < n - 1 && !comma)
			return false;
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		snprintf(parts[i], 256, "%.*s", (int)len, p);
		p = comma ? comma + 1 : p + len;
	}
	return true;
}

/* The order an argument names (a number). */
static bool find(struct cli *c, const char *number, struct order *o)
{
	struct err e;
	if (svc_order_by_number(&c->app.svc, number, o, &e) == ST_OK)
		return true;
	cli_error("没有订单 %s", number);
	return false;
}

/* The transfer of an order still waiting for verification. */
static bool pending_transfer(struct cli *c, const struct order *o, char id[UUID_LEN + 1])
{
	struct payment p[16];
	struct err e;
	int n = svc_order_payments(&c->app.svc, o->id, p, 16, &e);
	for (int i = n - 1; i >= 0; i--)
		if (p[i].kind == PAYMENT_TRANSFER && strcmp(p[i].state, "recorded") == 0) {
			memcpy(id, p[i].id, UUID_LEN + 1);
			return true;
		}
	cli_error("订单 %s 没有待核款的转账", o->number);
	return false;
}

static int place(struct cli *c, char **args, int n, const struct opts *op)
{
	struct svc *svc = &c->app.svc;
	struct err e;
	err_clear(&e);
	const char *ids[ORDER_MAX_LINES];
	struct application apps[ORDER_MAX_LINES];
	if (n > ORDER_MAX_LINES)
		return cli_error("一个订单最多 %d 份申请单", ORDER_MAX_LINES), EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		if (svc_application_by_number(svc, args[i], &apps[i], &e) != ST_OK)
			return cli_error("没有申请单 %s", args[i]), EXIT_FAIL;
		ids[i] = apps[i].id;
	}
	struct order_input in = { .application_ids = ids, .n = n, .method = PAY_TRANSFER,
				  .delivery = DELIVERY_PICKUP, .contact_phone = op->contact };
	if (op->method && !pay_method_parse(op->method, &in.method))
		return cli_error("缴费方式应为 transfer 或 online"), EXIT_USAGE;
	char inv[3][256], post[4][256];
	if (op->invoice) {
		if (!split(op->invoice, inv, 3))
			return cli_error("--invoice 应为 抬头,纳税识别号,邮箱"), EXIT_USAGE;
		in.invoice_wanted = true;
		in.invoice_title = inv[0];
		in.invoice_taxpayer_id = inv[1];
		in.invoice_email = inv[2];
	}
	if (op->post) {
		/* The address may hold commas: the postal code is after the last. */
		char *last = split(op->post, post, 3) ? strrchr(post[2], ',') : NULL;
		if (!last)
			return cli_error("--post 应为 收件人,手机,地址,邮政编码（邮寄须填写 6 位邮政编码）"),
			       EXIT_USAGE;
		*last = '\0';
		snprintf(post[3], sizeof post[3], "%s", last + 1);
		in.delivery = DELIVERY_POST;
		in.recipient = post[0];
		in.recipient_phone = post[1];
		in.recipient_address = post[2];
		in.recipient_postal = post[3];
	}
	char number[NUMBER_MAX];
	if (svc_order_place(svc, &c->actor, &in, NULL, number, &e) != ST_OK)
		return cli_fail(&e);
	printf("%s\n", number);
	return EXIT_OK;
}

/* The order's e-invoice out of the store: to -o FILE, or under
 * DATA/exports/ (fetched from the centre first when it was uploaded at
 * another terminal). Audited as every export of a file is. */
static int export_invoice(struct cli *c, const struct order *o, const char *output)
{
	struct err e;
	err_clear(&e);
	struct attachment a;
	if (svc_order_invoice_file(&c->app.svc, o->id, &a, &e) != ST_OK) {
		if (e.st == ST_NOT_FOUND)
			return cli_error("订单 %s 还没有上传电子发票（状态：%s）", o->number,
					 order_status_label(o->status)), EXIT_FAIL;
		return cli_fail(&e);
	}
	return cli_export_attachment(c, o->number, &a, output);
}

static int transfer(struct cli *c, char **args, int n, const struct opts *op)
{
	struct err e;
	err_clear(&e);
	struct order orders[ORDER_MAX_LINES];
	const char *ids[ORDER_MAX_LINES];
	if (n > ORDER_MAX_LINES)
		return cli_error("订单过多"), EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		if (!find(c, args[i], &orders[i]))
			return EXIT_FAIL;
		ids[i] = orders[i].id;
	}
	long long fen;
	if (!op->amount || !parse_amount_fen(op->amount, &fen, &e))
		return cli_error("--amount：%s", op->amount ? err_text(&e) : "请给出金额（元）"), EXIT_USAGE;
	struct transfer_input in = { ids, n, op->payer, op->account, op->bank, op->ref, op->date, fen,
				     op->slip };
	char id[UUID_LEN + 1];
	if (svc_transfer_record(&c->app, &c->actor, &in, id, &e) != ST_OK)
		return cli_fail(&e);
	printf("%s\n", id);
	return EXIT_OK;
}

int cmd_order(struct cli *c, int argc, char **argv)
{
	static const struct option options[] = {
		{ "method", required_argument, NULL, 'm' }, { "contact", required_argument, NULL, 'c' },
		{ "invoice", required_argument, NULL, 'i' }, { "post", required_argument, NULL, 'p' },
		{ "reason", required_argument, NULL, 'r' }, { "payer", required_argument, NULL, 'P' },
		{ "account", required_argument, NULL, 'A' }, { "bank", required_argument, NULL, 'B' },
		{ "ref", required_argument, NULL, 'R' }, { "date", required_argument, NULL, 'D' },
		{ "amount", required_argument, NULL, 'M' }, { "slip", required_argument, NULL, 'S' },
		{ "channel", required_argument, NULL, 'C' }, { "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts op;
	memset(&op, 0, sizeof op);
	int ch;
	optind = 0; /* 0, not 1: GNU getopt then forgets the main parse's "+" mode */
	while ((ch = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
		switch (ch) {
		case 'm': op.method = optarg; break;
		case 'c': op.contact = optarg; break;
		case 'i': op.invoice = optarg; break;
		case 'p': op.post = optarg; break;
		case 'r': op.reason = optarg; break;
		case 'P': op.payer = optarg; break;
		case 'A': op.account = optarg; break;
		case 'B': op.bank = optarg; break;
		case 'R': op.ref = optarg; break;
		case 'D': op.date = optarg; break;
		case 'M': op.amount = optarg; break;
		case 'S': op.slip = optarg; break;
		case 'C': op.channel = optarg; break;
		case 'o':
			if (!*optarg)
				return cli_error("order：-o 需要文件名"), EXIT_USAGE;
			op.output = optarg;
			break;
		default:
			cli_error("%s", usage_text);
			return EXIT_USAGE;
		}
	}
	int rest = argc - optind;
	char **av = argv + optind;
	if (rest < 2) {
		cli_error("%s", usage_text);
		return EXIT_USAGE;
	}
	const char *verb = av[0];
	static const char *const verbs[] = { "place", "show", "verify", "cancel", "reject", "transfer",
					     "slip", "invoice", "online", "export-invoice" };
	bool known = false;
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		known |= strcmp(verb, verbs[i]) == 0;
	bool two = strcmp(verb, "slip") == 0 || strcmp(verb, "invoice") == 0;
	bool many = strcmp(verb, "place") == 0 || strcmp(verb, "transfer") == 0;
	if (!known || (two && rest != 3) || (!two && !many && rest != 2)) {
		cli_error("%s", usage_text);
		return EXIT_USAGE;
	}
	if (op.output && strcmp(verb, "export-invoice") != 0)
		return cli_error("order：-o 只用于 export-invoice"), EXIT_USAGE;
	if (!cli_login(c))
		return EXIT_FAIL;
	if (strcmp(verb, "place") == 0)
		return place(c, av + 1, rest - 1, &op);
	if (strcmp(verb, "transfer") == 0)
		return transfer(c, av + 1, rest - 1, &op);

	struct svc *svc = &c->app.svc;
	struct order o;
	struct err e;
	err_clear(&e);
	if (!find(c, av[1], &o))
		return EXIT_FAIL;
	enum status st = ST_OK;
	char pay[UUID_LEN + 1];
	if (strcmp(verb, "show") == 0) {
		show(c, &o);
		return EXIT_OK;
	} else if (strcmp(verb, "export-invoice") == 0) {
		return export_invoice(c, &o, op.output);
	} else if (strcmp(verb, "verify") == 0 || strcmp(verb, "reject") == 0) {
		if (!pending_transfer(c, &o, pay))
			return EXIT_FAIL;
		if (verb[0] == 'r' && !op.reason)
			return cli_error("请用 --reason 写明驳回原因"), EXIT_USAGE;
		st = verb[0] == 'v' ? svc_transfer_verify(svc, &c->actor, pay, &e)
				    : svc_transfer_reject(svc, &c->actor, pay, op.reason, &e);
	} else if (strcmp(verb, "cancel") == 0) {
		if (!op.reason)
			return cli_error("请用 --reason 写明取消原因"), EXIT_USAGE;
		st = svc_order_cancel(svc, &c->actor, o.id, op.reason, &e);
	} else if (strcmp(verb, "slip") == 0) {
		if (!pending_transfer(c, &o, pay))
			return EXIT_FAIL;
		st = svc_transfer_add_slip(&c->app, &c->actor, pay, av[2], &e);
	} else if (strcmp(verb, "invoice") == 0) {
		st = svc_order_invoice(&c->app, &c->actor, o.id, av[2], &e);
	} else {
		enum pay_channel chn;
		if (!op.channel || !pay_channel_parse(op.channel, &chn))
			return cli_error("--channel 应为 wechat 或 alipay"), EXIT_USAGE;
		st = svc_online_record(svc, &c->actor, o.id, chn, op.ref, &e);
	}
	if (st != ST_OK)
		return cli_fail(&e);
	printf("完成：order %s %s\n", verb, o.number);
	return EXIT_OK;
}
