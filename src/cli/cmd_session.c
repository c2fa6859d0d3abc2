/*
 * certdesk --user USER logout
 *
 * Ends the command-line sessions of USER (svc/session.h): every ticket of
 * this system user for USER is removed, so the next subcommand asks for the
 * password again. Needs no password: forgetting is always allowed.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "svc/session.h"

int cmd_logout(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		cli_error("用法：certdesk --user USER logout");
		return EXIT_USAGE;
	}
	if (!c->user || !*c->user) {
		cli_error("logout：请用 --user 指定员工账号");
		return EXIT_USAGE;
	}
	if (!cli_open(c))
		return EXIT_FAIL;
	struct err e;
	err_clear(&e);
	int n = 0;
	if (svc_session_end(&c->app, c->user, &n, &e) != ST_OK)
		return cli_fail(&e);
	if (n)
		printf("已退出 %s 的命令行会话（%d 个），下次须重新输入密码\n", c->user, n);
	else
		printf("%s 没有命令行会话\n", c->user);
	return EXIT_OK;
}
