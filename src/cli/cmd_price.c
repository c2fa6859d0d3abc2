/*
 * certdesk price list
 * certdesk --user ADMIN price set KIND SUBJECT YEARS YUAN [--inactive]
 *
 * The price list (价目表): what each kind of certificate costs, for a
 * subject and a number of years. Anyone may read it; changing it is an
 * admin's use case (price.set, audited). A change applies to orders placed
 * afterwards: an order keeps the prices it was placed with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "model/attachment.h"
#include "svc/price.h"
#include "svc/order.h"
#include "util/utf8.h"

/* Every kind for every subject and 0..APP_MAX_YEARS years: the most there can be. */
#define PRICE_MAX (KIND__COUNT * SUBJECT__COUNT * (APP_MAX_YEARS + 1))

static void cell(const char *s, int cols, bool right)
{
	char buf[256];
	int w = utf8_fit(s, cols, true, buf, sizeof buf);
	if (right)
		for (int i = w; i < cols; i++)
			fputc(' ', stdout);
	fputs(buf, stdout);
	if (!right)
		for (int i = w; i < cols; i++)
			fputc(' ', stdout);
}

/* "2 年"; "-" for a service without a validity period (revoke, unlock). */
static void years_text(int years, char out[16])
{
	if (years > 0)
		snprintf(out, 16, "%d 年", years);
	else
		snprintf(out, 16, "-");
}

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

static int price_list(struct cli *c)
{
	if (!cli_open(c))
		return EXIT_FAIL;
	struct price p[PRICE_MAX];
	struct err e;
	err_clear(&e);
	/* The whole list, inactive items included (svc/price.h reads only the
	 * active ones). */
	int n = svc_price_all(&c->app.svc, p, PRICE_MAX, &e);
	if (n < 0)
		return cli_fail(&e);
	qsort(p, (size_t)n, sizeof p[0], by_kind);
	cell("业务", 8, false), cell("证书类型", 12, false), cell("年限", 8, false);
	cell("价格（元）", 14, true), fputs("  ", stdout), puts("状态");
	for (int i = 0; i < n; i++) {
		char years[16], yuan[32];
		years_text(p[i].years, years);
		format_fen(p[i].fen, yuan);
		cell(app_kind_label(p[i].kind), 8, false);
		cell(app_subject_label(p[i].subject), 12, false);
		cell(years, 8, false);
		cell(yuan, 14, true);
		fputs("  ", stdout);
		puts(p[i].active ? "启用" : "停用");
	}
	if (n == 0)
		puts("（价目表是空的）");
	return EXIT_OK;
}

/* A kind or subject by its code ("new") or its label ("新办", "企业证书",
 * or "企业" for short). */
static bool parse_kind(const char *s, enum app_kind *out)
{
	if (app_kind_parse(s, out))
		return true;
	for (int k = 0; k < KIND__COUNT; k++)
		if (strcmp(s, app_kind_label((enum app_kind)k)) == 0)
			return *out = (enum app_kind)k, true;
	return false;
}

static bool parse_subject(const char *s, enum app_subject *out)
{
	if (app_subject_parse(s, out))
		return true;
	for (int k = 0; k < SUBJECT__COUNT; k++) {
		const char *label = app_subject_label((enum app_subject)k);
		size_t n = strlen(s);
		/* "企业" is "企业证书" without "证书" */
		if (strcmp(s, label) == 0 || (n >= 6 && strncmp(s, label, n) == 0 &&
					      strcmp(label + n, "证书") == 0))
			return *out = (enum app_subject)k, true;
	}
	return false;
}

static int price_set(struct cli *c, int argc, char **argv)
{
	enum app_kind kind;
	enum app_subject subject;
	bool active = true;
	int nargs = 0;
	const char *args[4];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--inactive") == 0)
			active = false;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_error("price set：未知选项 %s", argv[i]), EXIT_USAGE;
		else if (nargs < 4)
			args[nargs++] = argv[i];
		else
			return cli_error("price set：多余的参数 %s", argv[i]), EXIT_USAGE;
	}
	if (nargs != 4)
		return cli_error("用法：certdesk --user ADMIN price set KIND SUBJECT YEARS YUAN [--inactive]"),
		       EXIT_USAGE;
	if (!parse_kind(args[0], &kind)) {
		char all[256] = "";
		for (int k = 0; k < KIND__COUNT; k++)
			snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s（%s）", k ? "、" : "",
				 app_kind_code((enum app_kind)k), app_kind_label((enum app_kind)k));
		cli_error("price set：未知的业务 %s（可选：%s）", args[0], all);
		return EXIT_USAGE;
	}
	if (!parse_subject(args[1], &subject)) {
		cli_error("price set：证书类型应为 enterprise（企业证书）或 personal（个人证书），"
			  "输入的是 %s", args[1]);
		return EXIT_USAGE;
	}
	char *end;
	long years = strtol(args[2], &end, 10);
	if (!*args[2] || *end || years < 0 || years > APP_MAX_YEARS) {
		cli_error("price set：年限应为 0 到 %d 的整数（0 表示不限年限的业务），输入的是 %s",
			  APP_MAX_YEARS, args[2]);
		return EXIT_USAGE;
	}
	struct err e;
	err_clear(&e);
	long long fen;
	if (!parse_amount_fen(args[3], &fen, &e)) {
		cli_error("price set：价格（元）：%s", err_text(&e));
		return EXIT_USAGE;
	}
	if (!cli_login(c))
		return EXIT_FAIL;
	if (svc_price_set(&c->app.svc, &c->actor, kind, subject, (int)years, fen, active, &e) != ST_OK)
		return cli_fail(&e);
	char y[16] = "", yuan[32];
	if (years > 0)
		snprintf(y, sizeof y, " %ld 年", years);
	format_fen(fen, yuan);
	printf("完成：%s %s%s ¥%s（%s）。已下的订单仍按下单时的价格。\n",
	       app_subject_label(subject), app_kind_label(kind), y, yuan, active ? "启用" : "停用");
	return EXIT_OK;
}

int cmd_price(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		if (argc > 2)
			return cli_error("price list：未知参数 %s", argv[2]), EXIT_USAGE;
		return price_list(c);
	}
	if (argc >= 2 && strcmp(argv[1], "set") == 0)
		return price_set(c, argc, argv);
	cli_error("用法：certdesk price list | certdesk --user ADMIN price set KIND SUBJECT YEARS YUAN"
		  " [--inactive]");
	return EXIT_USAGE;
}
