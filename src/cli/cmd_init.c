/* certdesk init: first-run setup without a screen. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/form.h"
#include "svc/staff.h"

int cmd_init(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "office", required_argument, NULL, 'o' },
		{ "office-name", required_argument, NULL, 'n' },
		{ "terminal", required_argument, NULL, 't' },
		{ "admin", required_argument, NULL, 'a' },
		{ "admin-name", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *office = NULL, *office_name = NULL, *terminal = NULL, *admin = NULL;
	const char *admin_name = NULL;
	int ch;
	optind = 0; /* 0, not 1: GNU getopt then forgets the main parse's "+" mode */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': office = optarg; break;
		case 'n': office_name = optarg; break;
		case 't': terminal = optarg; break;
		case 'a': admin = optarg; break;
		case 'm': admin_name = optarg; break;
		default:
			cli_error("init：未知选项（用法见 certdesk --help）");
			return EXIT_USAGE;
		}
	}
	if (!office || !office_name || !terminal || !admin || optind != argc) {
		cli_error("用法：certdesk init --office CODE --office-name NAME --terminal NAME "
			  "--admin USER [--admin-name NAME]，管理员密码从标准输入第一行读取");
		return EXIT_USAGE;
	}
	if (!admin_name)
		admin_name = admin;

	char pw[128];
	if (!cli_read_line(pw, sizeof pw)) {
		cli_error("请在标准输入第一行提供管理员密码");
		return EXIT_USAGE;
	}
	/* The same checks as the screen's setup form. */
	const struct form_def *def = form_find("setup");
	const char *values[][2] = {
		{ "office_code", office }, { "office_name", office_name },
		{ "terminal_name", terminal }, { "username", admin }, { "name", admin_name },
		{ "password", pw },
	};
	struct err e;
	err_clear(&e);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		const struct form_field *f = form_field(def, values[i][0]);
		if (f && !form_check(f, values[i][1], &e)) {
			cli_error("%s：%s", f->label, err_text(&e));
			memset(pw, 0, sizeof pw);
			return EXIT_FAIL;
		}
	}
	if (!cli_open(c)) {
		memset(pw, 0, sizeof pw);
		return EXIT_FAIL;
	}
	struct setup_input in = { office, office_name, terminal, admin, admin_name, pw };
	struct actor a;
	enum status st = svc_setup(&c->app.svc, &in, &a, &e);
	memset(pw, 0, sizeof pw);
	if (st != ST_OK)
		return cli_fail(&e);
	printf("设置完成：受理点 %s（%s），终端 %s，管理员 %s。数据目录：%s\n", office, office_name,
	       terminal, admin, c->app.data_dir);
	return EXIT_OK;
}
