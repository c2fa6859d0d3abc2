/* One applicant: the profile (phone masked), the enterprises they act for,
 * their applications; edit the profile, set the portal password, apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/key.h"
#include "ui/listw.h"
#include "ui/view_form.h"
#include "ui/views.h"
#include "ui/views_key.h"
#include "ui/views_order.h"
#include "util/clock.h"

struct applicant_view {
	struct view v;
	struct ui *ui;
	struct applicant a;
	struct enterprise ents[8];
	int nents;
	struct listw list;
	char error[256];
	struct cert_row certs[3];    /* bound certificates, latest expiry first */
	int ncerts;
	long certs_total;
};

static const struct listw_col cols[] = {
	{ "申请单号", 26, false },
	{ "业务", 16, false },
	{ "持证单位/人", 20, false },
	{ "状态", 0, false },
};

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct applicant_view *av = ctx;
	struct application *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_application_find(&av->ui->app->svc, av->a.phone, "", "", "", dir, key, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%s", buf[i].id);
		snprintf(r->id, sizeof r->id, "%s", buf[i].id);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", buf[i].number);
		snprintf(r->cell[1], sizeof r->cell[1], "%s%s", app_subject_label(buf[i].subject),
			 app_kind_label(buf[i].kind));
		snprintf(r->cell[2], sizeof r->cell[2], "%s", buf[i].holder_name);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", app_status_label(buf[i].status));
		r->style = buf[i].status == APP_CANCELLED ? S_DIM
			 : buf[i].status == APP_RETURNED ? S_WARN : S_NORMAL;
	}
	free(buf);
	return got;
}

static void load(struct applicant_view *av)
{
	struct err e;
	err_clear(&e);
	av->error[0] = '\0';
	if (svc_applicant_get(&av->ui->app->svc, av->a.id, &av->a, &e) != ST_OK)
		snprintf(av->error, sizeof av->error, "%s", err_text(&e));
	av->nents = svc_applicant_enterprises(&av->ui->app->svc, av->a.id, av->ents, 8, &e);
	if (av->nents < 0)
		av->nents = 0;
	av->ncerts = svc_cert_of_applicant(&av->ui->app->svc, av->a.id, av->certs, 3, &e);
	av->certs_total = svc_cert_count_of_applicant(&av->ui->app->svc, av->a.id);
	listw_reload(&av->list, true);
}

/* The bound certificates, each with its validity and days left; returns
 * the next row. */
static int draw_certs(const struct applicant_view *av, int y)
{
	if (av->ncerts <= 0) {
		ui_text(y++, 2, COLS - 4, true, "已绑定证书 —（按 K 读取 KEY 并绑定）");
		return y;
	}
	char line[256];
	snprintf(line, sizeof line, "已绑定证书 %ld 张%s", av->certs_total,
		 av->certs_total > av->ncerts ? "，以下是到期最晚的几张" : "");
	ui_text(y++, 2, COLS - 4, true, line);
	time_t now = clock_now();
	for (int i = 0; i < av->ncerts; i++, y++) {
		const struct cert_row *c = &av->certs[i];
		char holder[600], until[32], standing[512];
		key_holder_text(c->cn, c->org, holder, sizeof holder);
		clock_local(c->not_after_t, line);
		snprintf(until, sizeof until, "至 %.10s", line);
		cert_row_standing(c, now, standing, sizeof standing);
		ui_text(y, 4, 22, true, holder);
		ui_text(y, 27, 12, true, c->serial);
		ui_text(y, 40, 14, false, until);
		long left = cert_row_days_left(c, now);
		attrset(left < 0 || c->revoked_at[0] || c->crl_revoked_at[0] ? ui_style(S_ERROR)
			: left <= 30 ? ui_style(S_WARN) : A_NORMAL);
		ui_text(y, 55, COLS - 57, true, standing);
		attrset(A_NORMAL);
	}
	return y;
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct applicant_view *av = (struct applicant_view *)v;
	const struct applicant *a = &av->a;
	int y = ui_body_top() + 1;
	char line[512], phone[32], idn[32] = "（未填写）";
	mask_mobile(a->phone, phone);
	if (a->id_number[0])
		mask_id_number(a->id_number, idn);
	attrset(A_BOLD);
	int x = 2 + ui_text(y, 2, 24, true, a->name);
	attrset(A_NORMAL);
	snprintf(line, sizeof line, "   手机 %s   身份证 %s", phone, idn);
	ui_text(y++, x, COLS - x - 2, true, line);
	snprintf(line, sizeof line, "邮箱 %s   邮编 %s", a->email[0] ? a->email : "—",
		 a->postal_code[0] ? a->postal_code : "—");
	ui_text(y++, 2, COLS - 4, true, line);
	snprintf(line, sizeof line, "地址 %s", a->address[0] ? a->address : "—");
	ui_text(y++, 2, COLS - 4, true, line);
	snprintf(line, sizeof line, "手机验证 %s   门户密码 %s   登记于 %.10s",
		 a->verified ? "已验证" : "未验证", a->has_portal_password ? "已设置" : "未设置",
		 a->created_at);
	ui_text(y++, 2, COLS - 4, true, line);
	char ents[400] = "";
	for (int i = 0; i < av->nents; i++) {
		if (i)
			strncat(ents, "、", sizeof ents - strlen(ents) - 1);
		strncat(ents, av->ents[i].name, sizeof ents - strlen(ents) - 1);
	}
	snprintf(line, sizeof line, "代办企业 %s", av->nents ? ents : "—");
	ui_text(y++, 2, COLS - 4, true, line);
	y = draw_certs(av, y);
	if (av->error[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y, 2, COLS - 4, true, av->error);
		attrset(A_NORMAL);
	}
	y++;
	listw_draw(&av->list, y, 2, COLS - 4, LINES - 2 - y);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct applicant_view *av = (struct applicant_view *)v;
	return listw_key(&av->list, k);
}

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

static int edit_save(struct form_view *fv, struct ui *ui)
{
	char *name = formw_get(&fv->w, "name"), *idn = formw_get(&fv->w, "id_number");
	char *email = formw_get(&fv->w, "email"), *addr = formw_get(&fv->w, "address");
	char *postal = formw_get(&fv->w, "postal_code");
	struct applicant_input in = { NULL, name, idn, email, addr, postal, NULL };
	struct err e;
	err_clear(&e);
	enum status st = svc_applicant_update(&ui->app->svc, &ui->actor, fv->ref, &in, &e);
	free(name), free(idn), free(email), free(addr), free(postal);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "资料已保存。");
	return R_HANDLED | R_CLOSE;
}

static int portal_send(struct form_view *fv, struct ui *ui, enum action a)
{
	(void)a;
	struct applicant ap;
	struct err e;
	err_clear(&e);
	if (svc_applicant_get(&ui->app->svc, fv->ref, &ap, &e) != ST_OK) {
		formw_show_err(&fv->w, &e);
	} else if (!ui->app->sms) {
		formw_error(&fv->w, "sms_code", ui->app->sms_error);
	} else if (svc_sms_send_code(&ui->app->svc, ui->app->sms, &ui->actor, ap.phone, SMS_RESET,
				     &e) != ST_OK) {
		formw_error(&fv->w, "sms_code", err_text(&e));
	} else {
		char masked[32];
		mask_mobile(ap.phone, masked);
		ui_flash(ui, false, "验证码已发送到 %s。", masked);
		formw_focus(&fv->w, "sms_code");
	}
	return R_HANDLED;
}

static int portal_save(struct form_view *fv, struct ui *ui)
{
	if (!form_view_same(fv, "password", "password2"))
		return R_HANDLED;
	char *code = formw_get(&fv->w, "sms_code"), *pw = formw_get(&fv->w, "password");
	struct err e;
	err_clear(&e);
	enum status st = svc_applicant_portal_password(&ui->app->svc, &ui->actor, fv->ref, code, pw, &e);
	free(code);
	wipe(pw);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "门户密码已设置，申请人可用手机号和新密码登录网上服务门户。");
	return R_HANDLED | R_CLOSE;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct applicant_view *av = (struct applicant_view *)v;
	const struct listw_row *row = listw_selected(&av->list);
	switch (a) {
	case ACT_OPEN:
		if (row)
			view_app_open(ui, row->id);
		return R_HANDLED;
	case ACT_ORDER:
		view_order_new(ui, av->a.id, row ? row->id : NULL);
		return R_HANDLED;
	case ACT_NEW:
		view_app_start(ui, av->a.id, av->nents ? av->ents[0].id : NULL, KIND_NEW,
			       av->nents ? SUBJECT_ENTERPRISE : SUBJECT_PERSONAL);
		return R_HANDLED;
	case ACT_EDIT: {
		char intro[128], phone[32];
		mask_mobile(av->a.phone, phone);
		snprintf(intro, sizeof intro, "申请人账户：%s（手机号即账户，不能在此修改）", phone);
		struct form_view *fv = form_view_open(ui, "applicant_edit", "修改申请人资料", intro,
						      false, edit_save);
		if (!fv)
			return R_HANDLED;
		snprintf(fv->ref, sizeof fv->ref, "%s", av->a.id);
		formw_set(&fv->w, "name", av->a.name);
		formw_set(&fv->w, "id_number", av->a.id_number);
		formw_set(&fv->w, "email", av->a.email);
		formw_set(&fv->w, "address", av->a.address);
		formw_set(&fv->w, "postal_code", av->a.postal_code);
		return R_HANDLED;
	}
	case ACT_PORTAL_PW: {
		char intro[256], phone[32];
		mask_mobile(av->a.phone, phone);
		snprintf(intro, sizeof intro, "为 %s（%s）%s门户密码：按 F5 向其手机发送验证码，"
			 "请申请人读出验证码并自己输入新密码。", av->a.name, phone,
			 av->a.has_portal_password ? "重置" : "设置");
		struct form_view *fv = form_view_open(ui, "portal_password", "门户密码", intro, false,
						      portal_save);
		if (!fv)
			return R_HANDLED;
		snprintf(fv->ref, sizeof fv->ref, "%s", av->a.id);
		static const enum action extra[] = { ACT_SEND_CODE, ACT_NONE };
		form_view_actions(fv, extra, portal_send);
		return R_HANDLED;
	}
	case ACT_KEY:
		view_key_open(ui, av->a.id);
		return R_HANDLED;
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void resume(struct view *v, struct ui *ui)
{
	(void)ui;
	load((struct applicant_view *)v);
}

static const enum action actions[] = { ACT_OPEN, ACT_NEW, ACT_EDIT, ACT_PORTAL_PW, ACT_ORDER,
				       ACT_KEY, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "applicant", .actions = actions, .draw = draw, .key = key, .action = action,
	.resume = resume,
};

void view_applicant_open(struct ui *ui, const char *applicant_id)
{
	struct applicant_view *av = calloc(1, sizeof *av);
	if (!av)
		return;
	av->v.ops = &ops;
	av->ui = ui;
	snprintf(av->a.id, sizeof av->a.id, "%s", applicant_id);
	snprintf(av->v.title, sizeof av->v.title, "申请人资料");
	struct listw_source src = { fetch, NULL, av };
	listw_init(&av->list, &src, cols, 4, "还没有申请单。按 F3 新建申请");
	load(av);
	ui_push(ui, &av->v);
}
