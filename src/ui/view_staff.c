/* Staff management (admin): the accounts, and what can be done to them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/listw.h"
#include "ui/view_form.h"

struct staff_view {
	struct view v;
	struct listw list;
	struct ui *ui;
};

static const struct listw_col cols[] = {
	{ "用户名", 20, false },
	{ "姓名", 16, false },
	{ "角色", 10, false },
	{ "状态", 0, false },
};

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct staff_view *sv = ctx;
	struct staff buf[LISTW_MAX_ROWS];
	int got = svc_staff_page(&sv->ui->app->svc, dir, key, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%s", buf[i].username);
		snprintf(r->id, sizeof r->id, "%s", buf[i].id);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", buf[i].username);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", buf[i].name);
		snprintf(r->cell[2], sizeof r->cell[2], "%s", role_label(buf[i].role));
		const char *state = buf[i].disabled ? "已停用"
				    : buf[i].locked ? "已锁定"
				    : buf[i].must_change ? "正常（待改密码）" : "正常";
		snprintf(r->cell[3], sizeof r->cell[3], "%s", state);
		r->style = buf[i].disabled ? S_DIM : buf[i].locked ? S_WARN : S_NORMAL;
	}
	return got;
}

static long count(void *ctx)
{
	struct staff_view *sv = ctx;
	return svc_staff_count(&sv->ui->app->svc);
}

static void staff_draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct staff_view *sv = (struct staff_view *)v;
	listw_draw(&sv->list, ui_body_top() + 1, 2, COLS - 4, ui_body_rows() - 1);
}

static int staff_key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct staff_view *sv = (struct staff_view *)v;
	return listw_key(&sv->list, k);
}

static void staff_resume(struct view *v, struct ui *ui)
{
	(void)ui;
	struct staff_view *sv = (struct staff_view *)v;
	listw_reload(&sv->list, true);
}

/* ---- the forms opened from the list ---- */

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

static int new_save(struct form_view *fv, struct ui *ui)
{
	if (!form_view_same(fv, "password", "password2"))
		return R_HANDLED;
	char *user = formw_get(&fv->w, "username"), *name = formw_get(&fv->w, "name");
	char *role = formw_get(&fv->w, "role"), *pw = formw_get(&fv->w, "password");
	enum role r = ROLE_CLERK;
	role_parse(role, &r);
	struct err e;
	err_clear(&e);
	enum status st = svc_staff_create(&ui->app->svc, &ui->actor, user, name, r, pw, NULL, &e);
	if (st == ST_OK)
		ui_flash(ui, false, "已创建账户 %s（%s），对方首次登录时须修改密码。", user,
			 role_label(r));
	free(user), free(name), free(role), wipe(pw);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	return R_HANDLED | R_CLOSE;
}

static int edit_save(struct form_view *fv, struct ui *ui)
{
	char *name = formw_get(&fv->w, "name"), *role = formw_get(&fv->w, "role");
	enum role r = ROLE_CLERK;
	role_parse(role, &r);
	struct err e;
	err_clear(&e);
	enum status st = svc_staff_update(&ui->app->svc, &ui->actor, fv->ref, name, r, &e);
	free(name), free(role);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "已保存。");
	return R_HANDLED | R_CLOSE;
}

static int reset_save(struct form_view *fv, struct ui *ui)
{
	if (!form_view_same(fv, "password", "password2"))
		return R_HANDLED;
	char *pw = formw_get(&fv->w, "password");
	struct err e;
	err_clear(&e);
	enum status st = svc_staff_reset_password(&ui->app->svc, &ui->actor, fv->ref, pw, &e);
	wipe(pw);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "密码已重置，对方下次登录时须修改密码。");
	return R_HANDLED | R_CLOSE;
}

/* ---- actions on the selected account ---- */

struct pending {
	char id[UUID_LEN + 1];
	bool disable;
};

static int toggle_cb(struct ui *ui, void *ctx, bool yes)
{
	struct pending *p = ctx;
	if (yes) {
		struct err e;
		err_clear(&e);
		if (svc_staff_set_disabled(&ui->app->svc, &ui->actor, p->id, p->disable, &e) != ST_OK)
			dialog_message(ui, "无法完成", err_text(&e), true);
		else
			ui_flash(ui, false, p->disable ? "账户已停用。" : "账户已启用。");
	}
	free(p);
	return R_HANDLED;
}

static int staff_action(struct view *v, struct ui *ui, enum action a)
{
	struct staff_view *sv = (struct staff_view *)v;
	const struct listw_row *row = listw_selected(&sv->list);
	struct staff s;
	struct err e;
	err_clear(&e);
	if (a == ACT_BACK)
		return R_HANDLED | R_CLOSE;
	if (a == ACT_NEW) {
		form_view_open(ui, "staff_new", "新建员工账户",
			       "新账户属于本受理点。初始密码请当面告知本人，首次登录时须修改。", false,
			       new_save);
		return R_HANDLED;
	}
	if (a != ACT_EDIT && a != ACT_OPEN && a != ACT_TOGGLE && a != ACT_UNLOCK && a != ACT_RESET)
		return R_NONE;
	if (!row)
		return R_HANDLED;
	if (svc_staff_get(&ui->app->svc, row->id, &s, &e) != ST_OK) {
		dialog_message(ui, "无法完成", err_text(&e), true);
		return R_HANDLED;
	}
	char intro[256];
	switch (a) {
	case ACT_EDIT:
	case ACT_OPEN: {
		snprintf(intro, sizeof intro, "账户：%s", s.username);
		struct form_view *fv = form_view_open(ui, "staff_edit", "修改员工信息", intro, false,
						      edit_save);
		if (fv) {
			snprintf(fv->ref, sizeof fv->ref, "%s", s.id);
			formw_set(&fv->w, "name", s.name);
			formw_set(&fv->w, "role", role_code(s.role));
		}
		return R_HANDLED;
	}
	case ACT_TOGGLE: {
		struct pending *p = calloc(1, sizeof *p);
		if (!p)
			return R_HANDLED;
		snprintf(p->id, sizeof p->id, "%s", s.id);
		p->disable = !s.disabled;
		char q[256];
		snprintf(q, sizeof q, p->disable ? "确定停用账户 %s（%s）吗？停用后该账户不能登录。"
						 : "确定重新启用账户 %s（%s）吗？",
			 s.username, s.name);
		dialog_confirm(ui, p->disable ? "停用账户" : "启用账户", q, toggle_cb, p);
		return R_HANDLED;
	}
	case ACT_UNLOCK:
		if (svc_staff_unlock(&ui->app->svc, &ui->actor, s.id, &e) != ST_OK)
			dialog_message(ui, "无法解锁", err_text(&e), true);
		else
			ui_flash(ui, false, "账户 %s 已解锁。", s.username);
		listw_reload(&sv->list, true);
		return R_HANDLED;
	case ACT_RESET: {
		snprintf(intro, sizeof intro, "为 %s（%s）设置新密码。", s.username, s.name);
		struct form_view *fv = form_view_open(ui, "staff_reset", "重置密码", intro, false,
						      reset_save);
		if (fv)
			snprintf(fv->ref, sizeof fv->ref, "%s", s.id);
		return R_HANDLED;
	}
	default:
		return R_NONE;
	}
}

static void staff_free(struct view *v)
{
	free(v);
}

static const enum action staff_actions[] = { ACT_OPEN, ACT_NEW, ACT_EDIT, ACT_TOGGLE, ACT_UNLOCK,
					     ACT_RESET, ACT_BACK, ACT_NONE };
static const struct view_ops staff_ops = {
	.name = "staff", .actions = staff_actions, .draw = staff_draw, .key = staff_key,
	.action = staff_action, .resume = staff_resume, .free = staff_free,
};

void view_staff_open(struct ui *ui)
{
	struct staff_view *sv = calloc(1, sizeof *sv);
	if (!sv)
		return;
	sv->v.ops = &staff_ops;
	sv->ui = ui;
	snprintf(sv->v.title, sizeof sv->v.title, "员工管理");
	struct listw_source src = { fetch, count, sv };
	listw_init(&sv->list, &src, cols, 4, "还没有员工账户");
	listw_reload(&sv->list, false);
	ui_push(ui, &sv->v);
}
