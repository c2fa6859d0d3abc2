/* First run: the office, this terminal and the first admin. */
#include <stdlib.h>
#include <string.h>

#include "ui/view_form.h"

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

static int setup_save(struct form_view *fv, struct ui *ui)
{
	if (!form_view_same(fv, "password", "password2"))
		return R_HANDLED;
	char *code = formw_get(&fv->w, "office_code"), *oname = formw_get(&fv->w, "office_name");
	char *tname = formw_get(&fv->w, "terminal_name"), *user = formw_get(&fv->w, "username");
	char *name = formw_get(&fv->w, "name"), *pw = formw_get(&fv->w, "password");
	struct setup_input in = { code, oname, tname, user, name, pw };
	struct actor a;
	struct err e;
	err_clear(&e);
	enum status st = svc_setup(&ui->app->svc, &in, &a, &e);
	free(code), free(oname), free(tname), free(user), free(name), wipe(pw);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui->actor = a;
	ui->logged_in = true;
	svc_terminal_info(&ui->app->svc, &ui->term, &e);
	view_menu_open(ui);
	ui_flash(ui, false, "设置完成。欢迎使用 certdesk，%s。", a.name);
	return R_HANDLED;
}

void view_setup_open(struct ui *ui)
{
	form_view_open(ui, "setup", "首次设置",
		       "欢迎使用 certdesk。本机尚未设置，请填写受理点、本终端和第一个管理员账户。\n"
		       "带 * 的项目必须填写；以后可在“员工管理”中为其他员工创建账户。",
		       true, setup_save);
}
