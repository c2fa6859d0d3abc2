/* The main menu: what this user may do, by number or arrows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "ui/views.h"
#include "ui/views_admin.h"
#include "ui/views_order.h"
#include "util/clock.h"

struct menu_item {
	char key;               /* hot key */
	const char *label;
	const char *help;
	enum role role;         /* least role that sees it */
	int (*open)(struct ui *ui);
};

static int open_passwd(struct ui *ui)
{
	view_passwd_open(ui, false);
	return R_HANDLED;
}

static int open_staff(struct ui *ui)
{
	view_staff_open(ui);
	return R_HANDLED;
}

static int open_applicants(struct ui *ui)
{
	view_applicants_open(ui);
	return R_HANDLED;
}

static int open_register(struct ui *ui)
{
	view_register_open(ui, "");
	return R_HANDLED;
}

static int open_apps(struct ui *ui)
{
	view_apps_open(ui);
	return R_HANDLED;
}

static int open_orders(struct ui *ui)
{
	view_orders_open(ui);
	return R_HANDLED;
}

static int open_verify(struct ui *ui)
{
	view_verify_open(ui);
	return R_HANDLED;
}

static int open_report(struct ui *ui)
{
	view_report_open(ui);
	return R_HANDLED;
}

static int open_prices(struct ui *ui)
{
	view_prices_open(ui);
	return R_HANDLED;
}

static int logout_cb(struct ui *ui, void *ctx, bool yes)
{
	(void)ctx;
	if (yes)
		view_login_open(ui);
	return R_HANDLED;
}

static int do_logout(struct ui *ui)
{
	dialog_confirm(ui, "注销登录", "确定要注销登录吗？下一位同事可以接着登录。", logout_cb, NULL);
	return R_HANDLED;
}

static const struct menu_item items[] = {
	{ '1', "登记申请人", "为没有账户的申请人登记（短信验证手机号）", ROLE_CLERK, open_register },
	{ '2', "申请人", "按手机号、身份证号或姓名查找申请人，新建申请单", ROLE_CLERK, open_applicants },
	{ '3', "申请单", "查找申请单：单号、手机号、证件号、信用代码、名称、状态、日期", ROLE_CLERK, open_apps },
	{ '4', "订单", "查找订单，登记转账或在线支付，上传发票", ROLE_CLERK, open_orders },
	{ '5', "待核款", "核实或驳回已登记的对公转账（审核员）", ROLE_SUPERVISOR, open_verify },
	{ '6', "日结报表", "当日订单、收款（按方式和状态）、每位员工、待核款转账；可导出 CSV", ROLE_CLERK, open_report },
	{ '7', "价目表", "查看价目表；管理员可修改（不影响已下的订单）", ROLE_CLERK, open_prices },
	{ '8', "员工管理", "创建、停用、解锁员工账户，重置密码", ROLE_ADMIN, open_staff },
	{ 'm', "修改密码", "修改自己的登录密码", ROLE_CLERK, open_passwd },
	{ '9', "注销登录", "退出当前账户，回到登录界面", ROLE_CLERK, do_logout },
	{ '0', "退出程序", "关闭 certdesk", ROLE_CLERK, ui_ask_quit },
};
#define NITEMS ((int)(sizeof items / sizeof items[0]))

struct menu {
	struct view v;
	int sel;
};

static bool visible(const struct ui *ui, int i)
{
	return actor_can(&ui->actor, items[i].role);
}

static void menu_draw(struct view *v, struct ui *ui)
{
	struct menu *m = (struct menu *)v;
	int y = ui_body_top() + 1;
	char hello[256], date[32];
	clock_local(clock_now(), date);
	date[10] = '\0';
	snprintf(hello, sizeof hello, "%s，您好。今天是 %s。", ui->actor.name, date);
	ui_text(y, 4, COLS - 8, true, hello);
	y += 2;
	for (int i = 0; i < NITEMS; i++) {
		if (!visible(ui, i))
			continue;
		char line[128];
		snprintf(line, sizeof line, " %c  %s ", items[i].key, items[i].label);
		attrset(i == m->sel ? ui_style(S_SELECT) : A_NORMAL);
		ui_text_pad(y, 6, 24, line);
		attrset(ui_style(S_DIM));
		if (i == m->sel)
			ui_text(y, 32, COLS - 34, true, items[i].help);
		attrset(A_NORMAL);
		y++;
	}
	attrset(ui_style(S_DIM));
	ui_text(LINES - 4, 4, COLS - 8, true, "按数字键或 ↑↓ 选择，Enter 打开。");
	attrset(A_NORMAL);
}

static int activate(struct ui *ui, int i)
{
	return items[i].open(ui);
}

static int menu_key(struct view *v, struct ui *ui, const struct key *k)
{
	struct menu *m = (struct menu *)v;
	if (k->fn && (k->code == KEY_DOWN || k->code == KEY_UP)) {
		int d = k->code == KEY_DOWN ? 1 : -1;
		for (int i = m->sel + d; i >= 0 && i < NITEMS; i += d)
			if (visible(ui, i)) {
				m->sel = i;
				break;
			}
		return R_HANDLED;
	}
	if (!k->fn)
		for (int i = 0; i < NITEMS; i++)
			if (visible(ui, i) && (wint_t)items[i].key == k->code) {
				m->sel = i;
				return activate(ui, i);
			}
	return R_NONE;
}

static int menu_action(struct view *v, struct ui *ui, enum action a)
{
	struct menu *m = (struct menu *)v;
	if (a == ACT_OPEN)
		return activate(ui, m->sel);
	return R_NONE;
}

static const enum action menu_actions[] = { ACT_OPEN, ACT_NONE };
static const struct view_ops menu_ops = {
	.name = "menu", .actions = menu_actions, .draw = menu_draw, .key = menu_key,
	.action = menu_action,
};

void view_menu_open(struct ui *ui)
{
	struct menu *m = calloc(1, sizeof *m);
	if (!m)
		return;
	m->v.ops = &menu_ops;
	snprintf(m->v.title, sizeof m->v.title, "主菜单");
	ui_replace_all(ui, &m->v);
}
