/* The main menu: what this user may do, by number or arrows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "ui/views.h"
#include "ui/views_admin.h"
#include "ui/views_key.h"
#include "ui/views_order.h"
#include "svc/order.h"
#include "svc/review.h"
#include "util/clock.h"

/* The menu's three groups: the counter's work (left column), review and
 * administration (right column), and the session (one row below). */
enum menu_group { G_COUNTER, G_REVIEW, G_SESSION, G__COUNT };
static const char *const group_titles[G__COUNT] = { "柜台业务", "审核与管理", "" };

struct menu_item {
	enum menu_group group;
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

static int open_key(struct ui *ui)
{
	view_key_open(ui, NULL);
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

static int open_queue(struct ui *ui)
{
	view_queue_open(ui, QUEUE_PENDING);
	return R_HANDLED;
}

static int open_returned(struct ui *ui)
{
	view_queue_open(ui, QUEUE_RETURNED);
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

static int open_stats(struct ui *ui)
{
	view_stats_open(ui);
	return R_HANDLED;
}

static int open_audit(struct ui *ui)
{
	view_audit_open(ui);
	return R_HANDLED;
}

static int open_expiry(struct ui *ui)
{
	view_expiry_open(ui);
	return R_HANDLED;
}

static int open_crl(struct ui *ui)
{
	view_crl_open(ui);
	return R_HANDLED;
}

static int open_stock(struct ui *ui)
{
	view_stock_open(ui);
	return R_HANDLED;
}

static int open_sync(struct ui *ui)
{
	view_sync_open(ui);
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
	{ G_COUNTER, '1', "登记申请人", "为没有账户的申请人登记（短信验证手机号）", ROLE_CLERK, open_register },
	{ G_COUNTER, '2', "申请人", "按手机号、身份证号或姓名查找申请人，新建申请单", ROLE_CLERK, open_applicants },
	{ G_COUNTER, 'k', "读取 KEY", "读取 USB KEY 中的证书：查看、绑定到申请人、据此续费", ROLE_CLERK, open_key },
	{ G_COUNTER, '3', "申请单", "查找申请单：单号、手机号、证件号、信用代码、名称、状态、日期", ROLE_CLERK, open_apps },
	{ G_COUNTER, '4', "订单", "查找订单，登记转账或在线支付，上传发票", ROLE_CLERK, open_orders },
	{ G_COUNTER, 'r', "退回的申请单", "审核员退回、等待修改后重新提交的申请单", ROLE_CLERK, open_returned },
	{ G_COUNTER, 'e', "到期提醒", "将在 30/60/90 天内到期和已过期的证书：联系申请人、发送提醒短信", ROLE_CLERK, open_expiry },
	{ G_COUNTER, 'l', "吊销查询", "查询证书是否已被吊销；更新证书吊销列表", ROLE_CLERK, open_crl },
	{ G_COUNTER, '6', "日结报表", "当日订单、收款（按方式和状态）、每位员工、待核款转账；可导出 CSV", ROLE_CLERK, open_report },
	{ G_COUNTER, '7', "价目表", "查看价目表；管理员可修改（不影响已下的订单）", ROLE_CLERK, open_prices },
	{ G_REVIEW, '5', "审核队列", "待审核、待制证、待领取、待寄出：等得最久的在前；可批量受理、导出", ROLE_SUPERVISOR, open_queue },
	{ G_REVIEW, 'v', "待核款", "核实或驳回已登记的对公转账（审核员）", ROLE_SUPERVISOR, open_verify },
	{ G_REVIEW, 't', "月度统计", "一个月的收件、受理、退回、制证、领取、受理用时和收款；可导出 CSV", ROLE_SUPERVISOR, open_stats },
	{ G_REVIEW, 'a', "审计日志", "按员工、记录、日期查看审计日志，打开可见前后内容", ROLE_SUPERVISOR, open_audit },
	{ G_REVIEW, 'x', "KEY 库存", "本受理点的空白 KEY：入库、发放、损坏、退回和台账", ROLE_CLERK, open_stock },
	{ G_REVIEW, '8', "员工管理", "创建、停用、解锁员工账户，重置密码", ROLE_ADMIN, open_staff },
	{ G_REVIEW, 's', "同步与冲突", "与中心的同步状态；中心拒绝的操作在这里处理", ROLE_CLERK, open_sync },
	{ G_SESSION, 'm', "修改密码", "修改自己的登录密码", ROLE_CLERK, open_passwd },
	{ G_SESSION, '9', "注销登录", "退出当前账户，回到登录界面", ROLE_CLERK, do_logout },
	{ G_SESSION, '0', "退出程序", "关闭 certdesk", ROLE_CLERK, ui_ask_quit },
};
#define NITEMS ((int)(sizeof items / sizeof items[0]))

/* The counts under the greeting are read when the menu shows again and
 * at most this often while it stays: counting the queues of a million
 * applications takes tens of milliseconds, too much for every key. */
#define COUNTS_MAX_AGE_MS 30000.0

struct menu {
	struct view v;
	int sel;
	long counts[QUEUE__COUNT];
	long transfers;
	double counted_at;                /* clock_ms(); 0: count again */
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
	y++;
	/* What waits: the supervisor's queues, or the clerk's own returns. */
	if (m->counted_at == 0 || clock_ms() - m->counted_at > COUNTS_MAX_AGE_MS) {
		struct queue_filter f;
		memset(&f, 0, sizeof f);
		if (!actor_can(&ui->actor, ROLE_SUPERVISOR))
			snprintf(f.created_by, sizeof f.created_by, "%s", ui->actor.id);
		svc_queue_counts(&ui->app->svc, &f, m->counts);
		m->transfers = actor_can(&ui->actor, ROLE_SUPERVISOR)
				       ? svc_transfers_pending_count(&ui->app->svc) : 0;
		m->counted_at = clock_ms();
	}
	const long *counts = m->counts;
	char waits[256];
	if (actor_can(&ui->actor, ROLE_SUPERVISOR)) {
		snprintf(waits, sizeof waits, "待审核 %ld · 待制证 %ld · 待领取 %ld · 待寄出 %ld · 待核款 %ld",
			 counts[QUEUE_PENDING], counts[QUEUE_TO_MAKE], counts[QUEUE_PICKUP],
			 counts[QUEUE_POST], m->transfers);
	} else {
		snprintf(waits, sizeof waits, "您录入的申请单：待审核 %ld · 已退回 %ld",
			 counts[QUEUE_PENDING], counts[QUEUE_RETURNED]);
	}
	attrset(counts[QUEUE_RETURNED] > 0 && !actor_can(&ui->actor, ROLE_SUPERVISOR)
			? ui_style(S_WARN) : ui_style(S_DIM));
	ui_text(y, 4, COLS - 8, true, waits);
	attrset(A_NORMAL);
	y += 2;
	/* Two columns of work, the session row under them, then the help of
	 * the chosen item: 17 items fit an 80x24 terminal. */
	int colw = (COLS - 12) / 2, x[G__COUNT] = { 6, 6 + colw + 2, 6 };
	int row[G__COUNT] = { 0, 0, 0 }, rows = 0;
	for (int g = G_COUNTER; g <= G_REVIEW; g++) {
		attrset(ui_style(S_DIM));
		ui_text(y, x[g] + 1, colw - 1, true, group_titles[g]);
		attrset(A_NORMAL);
	}
	for (int i = 0; i < NITEMS; i++) {
		if (!visible(ui, i))
			continue;
		enum menu_group g = items[i].group;
		char line[128];
		snprintf(line, sizeof line, " %c  %s ", items[i].key, items[i].label);
		attrset(i == m->sel ? ui_style(S_SELECT) : A_NORMAL);
		if (g == G_SESSION) {
			ui_text_pad(y + rows + 2, x[g] + row[g] * 18, 16, line);
		} else {
			ui_text_pad(y + 1 + row[g], x[g], colw < 24 ? colw : 24, line);
		}
		attrset(A_NORMAL);
		row[g]++;
		if (g != G_SESSION && row[g] > rows)
			rows = row[g];
	}
	if (m->sel >= 0 && m->sel < NITEMS) {
		attrset(ui_style(S_DIM));
		ui_text(y + rows + 3, 6, COLS - 10, true, items[m->sel].help);
		attrset(A_NORMAL);
	}
	if (y + rows + 3 < LINES - 4) {
		attrset(ui_style(S_DIM));
		ui_text(LINES - 4, 4, COLS - 8, true, "按数字或字母键打开，↑↓←→ 选择，Enter 打开。");
		attrset(A_NORMAL);
	}
}

static int activate(struct ui *ui, int i)
{
	return items[i].open(ui);
}

/* The visible item at row `row` of group g (its last one when shorter),
 * -1 when the group shows nothing. */
static int item_at(const struct ui *ui, enum menu_group g, int row)
{
	int last = -1;
	for (int i = 0, r = 0; i < NITEMS; i++) {
		if (!visible(ui, i) || items[i].group != g)
			continue;
		if (r++ == row)
			return i;
		last = i;
	}
	return last;
}

static int row_of(const struct ui *ui, int sel)
{
	int r = 0;
	for (int i = 0; i < sel; i++)
		if (visible(ui, i) && items[i].group == items[sel].group)
			r++;
	return r;
}

static int menu_key(struct view *v, struct ui *ui, const struct key *k)
{
	struct menu *m = (struct menu *)v;
	if (k->fn && (k->code == KEY_LEFT || k->code == KEY_RIGHT) &&
	    items[m->sel].group != G_SESSION) {
		/* Across the two columns, keeping the row. */
		enum menu_group other = items[m->sel].group == G_COUNTER ? G_REVIEW : G_COUNTER;
		int i = item_at(ui, other, row_of(ui, m->sel));
		if (i >= 0)
			m->sel = i;
		return R_HANDLED;
	}
	if (k->fn && (k->code == KEY_LEFT || k->code == KEY_RIGHT)) {
		int d = k->code == KEY_RIGHT ? 1 : -1;
		int i = m->sel + d;
		if (i >= 0 && i < NITEMS && items[i].group == G_SESSION && visible(ui, i))
			m->sel = i;
		return R_HANDLED;
	}
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

/* Back from another screen: what waits may have changed. */
static void menu_resume(struct view *v, struct ui *ui)
{
	(void)ui;
	((struct menu *)v)->counted_at = 0;
}

static const enum action menu_actions[] = { ACT_OPEN, ACT_NONE };
static const struct view_ops menu_ops = {
	.name = "menu", .actions = menu_actions, .draw = menu_draw, .key = menu_key,
	.action = menu_action, .resume = menu_resume,
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
