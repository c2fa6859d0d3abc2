/*
 * certdesk --user NAME crl update [FILE | --url URL]
 * certdesk --user NAME crl check SERIAL
 * certdesk crl status
 *
 * The authority's certificate revocation list (svc/crl.h): import it from
 * a file or from crl.url (or the URL given), checked against the issuer
 * certificate of crl.issuer_cert; look a certificate's serial up; say what
 * list is in force. A stale list (past its next update) is said plainly in
 * every answer. Importing and looking up are a member of staff's (the
 * answer names certificate holders); the status is for anyone (cron).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/crl.h"
#include "util/clock.h"

static void local(const char *iso, char out[17])
{
	time_t t;
	if (iso && *iso && clock_parse_iso(iso, &t))
		clock_local(t, out);
	else
		snprintf(out, 17, "（未注明）");
}

static void print_status(const struct crl_status *s)
{
	if (!s->have) {
		printf("%s\n", s->warning);
		return;
	}
	char this_u[17], next_u[17], at[17];
	local(s->info.this_update, this_u);
	local(s->info.next_update, next_u);
	local(s->info.imported_at, at);
	printf("吊销列表签发者：%s\n", s->info.issuer);
	printf("本次更新：%s  下次更新：%s\n", this_u, next_u);
	if (s->info.crl_number[0])
		printf("列表编号：%s\n", s->info.crl_number);
	printf("吊销条目：%ld 条；本机已知的证书中被它吊销的：%ld 张\n", s->info.entries,
	       s->info.marked);
	printf("导入：%s，%s，来源 %s\n", at,
	       s->info.imported_by_name[0] ? s->info.imported_by_name : "（本机未知的账户）",
	       s->info.source);
	if (s->stale)
		printf("状态：%s\n", s->warning);
	else
		printf("状态：在有效期内\n");
}

static int crl_update(struct cli *c, int argc, char **argv)
{
	const char *file = NULL, *url = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--url") == 0) {
			if (i + 1 >= argc)
				return cli_error("crl update：--url 需要一个地址"), EXIT_USAGE;
			url = argv[++i];
		} else if (strncmp(argv[i], "--url=", 6) == 0) {
			url = argv[i] + 6;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("crl update：未知选项 %s", argv[i]), EXIT_USAGE;
		} else if (!file) {
			file = argv[i];
		} else {
			return cli_error("crl update：多余的参数 %s", argv[i]), EXIT_USAGE;
		}
	}
	if (file && url)
		return cli_error("crl update：文件和 --url 只能指定一个"), EXIT_USAGE;
	if (!cli_login(c))
		return EXIT_FAIL;
	struct crl_result r;
	struct err e;
	err_clear(&e);
	enum status st = file ? svc_crl_update_file(&c->app, &c->actor, file, &r, &e)
			      : svc_crl_update_url(&c->app, &c->actor, url, &r, &e);
	if (st != ST_OK)
		return cli_fail(&e);
	printf("已导入吊销列表：%ld 条吊销记录；本机已知的证书中被它吊销的 %ld 张（本次新标记 %ld 张）。"
	       "用时 %.0f 毫秒。\n",
	       r.entries, r.marked, r.newly_marked, r.ms);
	print_status(&r.status);
	return EXIT_OK;
}

static int crl_check(struct cli *c, int argc, char **argv)
{
	if (argc != 3)
		return cli_error("用法：certdesk --user NAME crl check SERIAL"), EXIT_USAGE;
	if (!cli_login(c))
		return EXIT_FAIL;
	struct crl_answer a;
	struct err e;
	err_clear(&e);
	if (svc_crl_check(&c->app.svc, argv[2], &a, &e) != ST_OK)
		return cli_fail(&e);
	char when[17], pub[17];
	local(a.status.info.this_update, pub);
	if (a.listed) {
		local(a.hit.revoked_at, when);
		printf("序列号 %s：已吊销（吊销于 %s，原因：%s）\n", a.serial, when,
		       crl_reason_label(a.hit.reason));
	} else {
		printf("序列号 %s：未被吊销（据 %s 发布的吊销列表）\n", a.serial, pub);
	}
	if (a.ncerts == 0)
		printf("本机没有这个序列号的证书。\n");
	for (int i = 0; i < a.ncerts; i++) {
		const struct crl_cert *x = &a.certs[i];
		char until[17], mark[160];
		local(x->not_after, until);
		svc_crl_mark_text(x->crl_revoked_at, x->crl_reason, mark, sizeof mark);
		bool same = strcmp(x->issuer, a.status.info.issuer) == 0;
		printf("本机的证书：%s，有效期至 %s%s%s%s\n", x->subject_name[0] ? x->subject_name : x->cn,
		       until, mark[0] ? "，" : "", mark,
		       same ? "" : "（签发者与吊销列表不同，不受此列表影响）");
	}
	if (a.status.stale)
		printf("注意：%s\n", a.status.warning);
	return EXIT_OK;
}

static int crl_status(struct cli *c, int argc)
{
	if (argc != 2)
		return cli_error("用法：certdesk crl status"), EXIT_USAGE;
	if (!cli_open(c))
		return EXIT_FAIL;
	struct crl_status s;
	struct err e;
	err_clear(&e);
	if (svc_crl_status(&c->app.svc, &s, &e) != ST_OK)
		return cli_fail(&e);
	print_status(&s);
	return EXIT_OK;
}

int cmd_crl(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "update") == 0)
		return crl_update(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return crl_check(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return crl_status(c, argc);
	cli_error("用法：certdesk --user NAME crl update [FILE|--url URL] | "
		  "certdesk --user NAME crl check SERIAL | certdesk crl status");
	return EXIT_USAGE;
}
