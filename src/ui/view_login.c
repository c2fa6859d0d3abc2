/* Login; after an admin reset the password, the user must choose a new one. */
#include <stdlib.h>
#include <string.h>

#include "ui/view_form.h"

static int login_save(struct form_view *fv, struct ui *ui)
{
	char *user = formw_get(&fv->w, "username"), *pw = formw_get(&fv->w, "password");
	struct actor a;
	bool must_change = false;
	struct err e;
	err_clear(&e);
	enum status st = svc_login(&ui->app->svc, user, pw, &a, &must_change, &e);
	free(user);
	if (pw)
		memset(pw, 0, strlen(pw));
	free(pw);
	formw_set(&fv->w, "password", "");
	if (st != ST_OK) {
		formw_error(&fv->w, st == ST_AUTH ? "password" : NULL, err_text(&e));
		return R_HANDLED;
	}
	ui->actor = a;
	ui->logged_in = true;
	if (must_change) {
		view_passwd_open(ui, true);
		return R_HANDLED;
	}
	view_menu_open(ui);
	return R_HANDLED;
}

void view_login_open(struct ui *ui)
{
	ui->logged_in = false;
	memset(&ui->actor, 0, sizeof ui->actor);
	struct form_view *fv = form_view_open(ui, "login", "登录",
		"请输入员工账号和密码。密码连续输错 5 次，账户将被锁定，需由管理员解锁。",
		true, login_save);
	(void)fv;
}
