/* Change one's own password (also forced after an admin reset). */
#include <stdlib.h>
#include <string.h>

#include "ui/view_form.h"

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

static int passwd_save(struct form_view *fv, struct ui *ui)
{
	if (!form_view_same(fv, "password", "password2"))
		return R_HANDLED;
	char *old = formw_get(&fv->w, "old_password"), *pw = formw_get(&fv->w, "password");
	struct err e;
	err_clear(&e);
	enum status st = svc_staff_change_password(&ui->app->svc, &ui->actor, old, pw, &e);
	wipe(old);
	wipe(pw);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	if (fv->mandatory) {
		view_menu_open(ui);
		ui_flash(ui, false, "密码已修改。");
		return R_HANDLED;
	}
	ui_flash(ui, false, "密码已修改。");
	return R_HANDLED | R_CLOSE;
}

void view_passwd_open(struct ui *ui, bool forced)
{
	form_view_open(ui, "passwd", "修改密码",
		       forced ? "管理员已为您重置密码。继续之前，请设置一个只有您自己知道的新密码。"
			      : "请输入原密码，再输入两次新密码。",
		       forced, passwd_save);
}
