/* F1: the keys of the screen below, generated from the action list. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "util/utf8.h"

struct help {
	struct view v;
	enum action of[32];
};

static void help_draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct help *h = (struct help *)v;
	int y = ui_body_top() + 1;
	attrset(ui_style(S_HEADER));
	ui_text(y++, 2, COLS - 4, true, "本屏幕的按键");
	attrset(A_NORMAL);
	y++;
	enum action list[32];
	int n = 0;
	for (const enum action *a = h->of; *a && n < 28; a++)
		list[n++] = *a;
	list[n++] = ACT_HELP;
	list[n++] = ACT_QUIT;
	for (int i = 0; i < n && y < LINES - 4; i++) {
		attrset(ui_style(S_KEY));
		ui_text(y, 4, 8, false, action_key_label(list[i]));
		attrset(A_BOLD);
		ui_text(y, 13, 12, false, action_label(list[i]));
		attrset(A_NORMAL);
		ui_text(y, 26, COLS - 28, true, action_help(list[i]));
		y++;
	}
	y++;
	if (y < LINES - 4) {
		attrset(ui_style(S_HEADER));
		ui_text(y++, 2, COLS - 4, true, "填写表单时");
		attrset(A_NORMAL);
	}
	static const char *const editing[][2] = {
		{ "Tab ↓ Enter", "下一项（最后一项按 Enter 即保存）" },
		{ "Shift-Tab ↑", "上一项" },
		{ "← → Home End", "在输入框内移动光标" },
		{ "Ctrl-U", "清空当前输入框" },
	};
	for (size_t i = 0; i < sizeof editing / sizeof editing[0] && y < LINES - 3; i++, y++) {
		attrset(A_BOLD);
		ui_text(y, 4, 20, false, editing[i][0]);
		attrset(A_NORMAL);
		ui_text(y, 26, COLS - 28, true, editing[i][1]);
	}
}

static int help_key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)v, (void)ui, (void)k;
	return R_HANDLED | R_CLOSE; /* any key closes help */
}

static const enum action help_actions[] = { ACT_BACK, ACT_NONE };
static const struct view_ops help_ops = {
	.name = "help", .actions = help_actions, .draw = help_draw, .key = help_key,
};

void help_open(struct ui *ui)
{
	if (ui->top && ui->top->ops == &help_ops)
		return;
	struct help *h = calloc(1, sizeof *h);
	if (!h)
		return;
	h->v.ops = &help_ops;
	int n = 0;
	for (const enum action *a = view_actions(ui->top, ui); a && *a && n < 31; a++)
		h->of[n++] = *a;
	h->of[n] = ACT_NONE;
	snprintf(h->v.title, sizeof h->v.title, "帮助：%s", ui->top ? ui->top->title : "");
	ui_push(ui, &h->v);
}
