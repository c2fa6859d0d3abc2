/* certdesk staff: accounts from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/staff.h"
#include "util/utf8.h"

static void print_cell(const char *s, int cols)
{
	char buf[256];
	int w = utf8_fit(s, cols, true, buf, sizeof buf);
	fputs(buf, stdout);
	for (; w < cols; w++)
		fputc(' ', stdout);
}

static int staff_list(struct cli *c)
{
	struct staff page[64];
	struct err e;
	err_clear(&e);
	char key[USERNAME_MAX] = "";
	print_cell("用户名", 20), print_cell("姓名", 16), print_cell("角色", 10);
	puts("状态");
	enum page_dir dir = PAGE_FIRST;
	for (;;) {
		int n = svc_staff_page(&c->app.svc, dir, key, page, 64, &e);
		if (n < 0)
			return cli_fail(&e);
		for (int i = 0; i < n; i++) {
			print_cell(page[i].username, 20);
			print_cell(page[i].name, 16);
			print_cell(role_label(page[i].role), 10);
			puts(page[i].disabled ? "已停用" : page[i].locked ? "已锁定"
			     : page[i].must_change ? "正常（待改密码）" : "正常");
		}
		if (n < 64)
			return EXIT_OK;
		snprintf(key, sizeof key, "%s", page[n - 1].username);
		dir = PAGE_AFTER;
	}
}

/* The account named `username`, or an error printed. */
static bool find(struct cli *c, const char *username, struct staff *s)
{
	struct staff page[1];
	struct err e;
	err_clear(&e);
	int n = svc_staff_page(&c->app.svc, PAGE_AT, username, page, 1, &e);
	if (n == 1 && strcasecmp(page[0].username, username) == 0) {
		*s = page[0];
		return true;
	}
	cli_error("没有员工账户 %s", username);
	return false;
}

static bool read_password(char *pw, size_t n)
{
	if (!cli_read_line(pw, n)) {
		cli_error("请在标准输入第一行提供新密码");
		return false;
	}
	return true;
}

int cmd_staff(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("用法：certdesk --user ADMIN staff list | add USER NAME ROLE | update USER NAME ROLE"
			  " | disable USER | enable USER | unlock USER | reset-password USER | passwd");
		return EXIT_USAGE;
	}
	const char *verb = argv[1];
	static const struct { const char *verb; int args; } arity[] = {
		{ "list", 0 }, { "add", 3 }, { "update", 3 }, { "disable", 1 }, { "enable", 1 },
		{ "unlock", 1 }, { "reset-password", 1 }, { "passwd", 0 },
	};
	int want = -1;
	for (size_t i = 0; i < sizeof arity / sizeof arity[0]; i++)
		if (strcmp(verb, arity[i].verb) == 0)
			want = arity[i].args;
	if (want < 0) {
		cli_error("staff：未知操作 %s", verb);
		return EXIT_USAGE;
	}
	if (argc - 2 != want) {
		cli_error("staff %s：需要 %d 个参数", verb, want);
		return EXIT_USAGE;
	}
	c->password_change = strcmp(verb, "passwd") == 0;
	if (!cli_login(c))
		return EXIT_FAIL;
	if (strcmp(verb, "list") == 0) {
		if (!actor_can(&c->actor, ROLE_ADMIN)) {
			cli_error("只有管理员可以查看员工账户");
			return EXIT_FAIL;
		}
		return staff_list(c);
	}

	struct err e;
	err_clear(&e);
	struct svc *svc = &c->app.svc;
	char pw[128];
	enum status st;
	if (strcmp(verb, "add") == 0 || strcmp(verb, "update") == 0) {
		enum role r;
		if (!role_parse(argv[4], &r)) {
			cli_error("角色应为 clerk、supervisor 或 admin");
			return EXIT_USAGE;
		}
		if (strcmp(verb, "add") == 0) {
			if (!read_password(pw, sizeof pw))
				return EXIT_USAGE;
			st = svc_staff_create(svc, &c->actor, argv[2], argv[3], r, pw, NULL, &e);
			memset(pw, 0, sizeof pw);
		} else {
			struct staff s;
			if (!find(c, argv[2], &s))
				return EXIT_FAIL;
			st = svc_staff_update(svc, &c->actor, s.id, argv[3], r, &e);
		}
	} else if (strcmp(verb, "passwd") == 0) {
		if (!read_password(pw, sizeof pw))
			return EXIT_USAGE;
		const char *old = getenv("CERTDESK_PASSWORD");
		char prompt_old[128] = "";
		if (!old && cli_prompt_secret("原密码：", prompt_old, sizeof prompt_old))
			old = prompt_old;
		st = svc_staff_change_password(svc, &c->actor, old ? old : "", pw, &e);
		memset(pw, 0, sizeof pw);
		memset(prompt_old, 0, sizeof prompt_old);
	} else {
		struct staff s;
		if (!find(c, argv[2], &s))
			return EXIT_FAIL;
		if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0) {
			st = svc_staff_set_disabled(svc, &c->actor, s.id, verb[0] == 'd', &e);
		} else if (strcmp(verb, "unlock") == 0) {
			st = svc_staff_unlock(svc, &c->actor, s.id, &e);
		} else {
			if (!read_password(pw, sizeof pw))
				return EXIT_USAGE;
			st = svc_staff_reset_password(svc, &c->actor, s.id, pw, &e);
			memset(pw, 0, sizeof pw);
		}
	}
	if (st != ST_OK)
		return cli_fail(&e);
	printf("完成：staff %s%s%s\n", verb, argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
	return EXIT_OK;
}
