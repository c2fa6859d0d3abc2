/* certdesk application: an application's life from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/review.h"
#include "svc/stock.h"

/* Scans looked through for `application export` (the screen shows as many). */
#define EXPORT_MAX_ATT 64

static const char *const usage_text =
	"用法：certdesk --user USER application show|submit|agree|accept NUMBER\n"
	"       certdesk --user USER application cancel|return NUMBER --reason TEXT\n"
	"       certdesk --user USER application paper NUMBER DOCTYPE [--undo]\n"
	"       certdesk --user USER application attach NUMBER DOCTYPE FILE\n"
	"       certdesk --user USER application export NUMBER DOCTYPE [-o FILE]\n"
	"       certdesk --user USER application make NUMBER SERIAL [--key KEY_SERIAL]\n"
	"       certdesk --user USER application ship NUMBER COURIER TRACKING_NO\n"
	"       certdesk --user USER application collect|authorise NUMBER NAME ID_NUMBER";

static void show(struct cli *c, const struct application *a)
{
	struct svc *svc = &c->app.svc;
	struct err e;
	char order[NUMBER_MAX] = "";
	svc_order_of_application(svc, a->id, NULL, order);
	printf("申请单号  %s\n状态      %s（%s）\n业务      %s%s，%d 年\n持证      %s（%s）\n",
	       a->number, app_status_label(a->status), app_status_code(a->status),
	       app_subject_label(a->subject), app_kind_label(a->kind), a->years, a->holder_name,
	       a->holder_code);
	if (a->cert_serial[0])
		printf("原证书    %s\n", a->cert_serial);
	printf("协议书    %s\n", a->agreement_version[0] ? "已同意" : "未同意（导入的草稿）");
	if (order[0])
		printf("订单      %s\n", order);
	if (a->reason[0])
		printf("原因      %s\n", a->reason);
	if (a->issued_serial[0])
		printf("新证书    %s（%s 制证）\n", a->issued_serial, a->made_at);
	struct stock_key k;
	if (svc_stock_of_application(svc, a->id, &k, &e) == ST_OK)
		printf("KEY       %s（%s）\n", k.serial, stock_state_label(k.state));
	if (a->tracking_no[0])
		printf("寄出      %s %s（%s）\n", a->courier, a->tracking_no, a->shipped_at);
	if (a->authorised_name[0])
		printf("委托领取  %s\n", a->authorised_name);
	if (a->collector_name[0])
		printf("领取人    %s（%s）\n", a->collector_name, a->collected_at);
	struct doc_item items[DOC__COUNT];
	int n = svc_application_docs(svc, a, items, DOC__COUNT, &e);
	for (int i = 0; i < n; i++)
		printf("材料      %s%s：%s\n", doc_type_label(items[i].type), items[i].required ? "*" : "",
		       items[i].attached ? "已上传" : items[i].paper ? "已交纸质件" : "缺");
}

/* The certificate made and, with a KEY serial, that blank KEY issued from
 * the office's stock, in one transaction: when the KEY cannot be issued
 * the application is not marked made either. */
static enum status make(struct svc *svc, const struct actor *actor, const char *id,
			const char *serial, const char *key, struct err *e)
{
	enum status st = svc_batch_begin(svc, e);
	if (st == ST_OK)
		st = svc_application_make(svc, actor, id, serial, e);
	if (st == ST_OK && key)
		st = svc_stock_issue(svc, actor, id, key, e);
	if (st != ST_OK) {
		svc_batch_rollback(svc);
		return st;
	}
	return svc_batch_commit(svc, e);
}

/* The newest scan of a document of the application, out of the store. */
static int export_doc(struct cli *c, const struct application *app, enum doc_type t,
		      const char *output)
{
	struct err e;
	err_clear(&e);
	struct attachment *atts = calloc(EXPORT_MAX_ATT, sizeof *atts);
	if (!atts)
		return cli_error("内存不足"), EXIT_FAIL;
	int n = svc_attachments(&c->app.svc, app->id, atts, EXPORT_MAX_ATT, &e);
	const struct attachment *pick = NULL;
	for (int i = 0; i < n; i++)
		if (strcmp(atts[i].doc_type, doc_type_code(t)) == 0 &&
		    (!pick || strcmp(atts[i].created_at, pick->created_at) >= 0))
			pick = &atts[i];
	int rc;
	if (n < 0)
		rc = cli_fail(&e);
	else if (!pick)
		rc = (cli_error("申请单 %s 没有“%s”的扫描件", app->number, doc_type_label(t)), EXIT_FAIL);
	else
		rc = cli_export_attachment(c, app->number, pick, output);
	free(atts);
	return rc;
}

int cmd_application(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "undo", no_argument, NULL, 'u' },
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL, *key = NULL, *output = NULL;
	bool undo = false;
	int ch;
	optind = 0; /* 0, not 1: GNU getopt then forgets the main parse's "+" mode */
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch == 'u')
			undo = true;
		else if (ch == 'k')
			key = optarg;
		else if (ch == 'o')
			output = optarg;
		else {
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
	const char *verb = av[0], *number = av[1];
	static const struct { const char *verb; int args; } arity[] = {
		{ "show", 2 }, { "submit", 2 }, { "agree", 2 }, { "accept", 2 }, { "cancel", 2 },
		{ "return", 2 }, { "paper", 3 }, { "attach", 4 }, { "make", 3 }, { "ship", 4 },
		{ "collect", 4 }, { "authorise", 4 }, { "export", 3 },
	};
	int want = -1;
	for (size_t i = 0; i < sizeof arity / sizeof arity[0]; i++)
		if (strcmp(verb, arity[i].verb) == 0)
			want = arity[i].args;
	if (want < 0 || rest != want) {
		cli_error("%s", usage_text);
		return EXIT_USAGE;
	}
	if (key && strcmp(verb, "make") != 0) {
		cli_error("--key 只用于 application make：%s", usage_text);
		return EXIT_USAGE;
	}
	if (output && strcmp(verb, "export") != 0) {
		cli_error("-o 只用于 application export：%s", usage_text);
		return EXIT_USAGE;
	}
	if (key && !*key) {
		cli_error("application make：--key 需要 KEY 的序列号");
		return EXIT_USAGE;
	}
	if (!cli_login(c))
		return EXIT_FAIL;
	struct svc *svc = &c->app.svc;
	struct application a;
	struct err e;
	err_clear(&e);
	if (svc_application_by_number(svc, number, &a, &e) != ST_OK) {
		cli_error("没有申请单 %s", number);
		return EXIT_FAIL;
	}
	enum status st = ST_OK;
	if (strcmp(verb, "show") == 0) {
		show(c, &a);
		return EXIT_OK;
	} else if (strcmp(verb, "submit") == 0) {
		st = svc_application_submit(svc, &c->actor, a.id, &e);
	} else if (strcmp(verb, "agree") == 0) {
		/* The applicant signed the agreement at the counter. */
		st = svc_application_agree(svc, &c->actor, a.id, svc_agreement_version(), &e);
	} else if (strcmp(verb, "accept") == 0) {
		st = svc_application_accept(svc, &c->actor, a.id, &e);
	} else if (strcmp(verb, "make") == 0) {
		st = make(svc, &c->actor, a.id, av[2], key, &e);
		if (st == ST_OK && key) {
			struct stock_key k;
			if (svc_stock_of_application(svc, a.id, &k, &e) == ST_OK)
				printf("已发放 KEY %s 给申请单 %s\n", k.serial, a.number);
		}
	} else if (strcmp(verb, "ship") == 0) {
		st = svc_application_ship(svc, &c->actor, a.id, av[2], av[3], &e);
	} else if (strcmp(verb, "collect") == 0) {
		st = svc_application_collect(svc, &c->actor, a.id, av[2], av[3], &e);
	} else if (strcmp(verb, "authorise") == 0) {
		st = svc_application_authorise(svc, &c->actor, a.id, av[2], av[3], &e);
	} else if (strcmp(verb, "cancel") == 0 || strcmp(verb, "return") == 0) {
		if (!reason) {
			cli_error("请用 --reason 写明原因");
			return EXIT_USAGE;
		}
		st = verb[0] == 'c' ? svc_application_cancel(svc, &c->actor, a.id, reason, &e)
				    : svc_application_return(svc, &c->actor, a.id, reason, &e);
	} else {
		enum doc_type t;
		if (!doc_type_parse(av[2], &t)) {
			cli_error("未知的材料类型 %s", av[2]);
			return EXIT_USAGE;
		}
		if (strcmp(verb, "export") == 0)
			return export_doc(c, &a, t, output);
		if (strcmp(verb, "paper") == 0)
			st = svc_application_paper(svc, &c->actor, a.id, t, !undo, &e);
		else
			st = svc_attach_file(svc, &c->actor, c->app.data_dir, a.id, t, av[3], NULL, &e);
	}
	if (st != ST_OK)
		return cli_fail(&e);
	printf("完成：application %s %s\n", verb, number);
	return EXIT_OK;
}
