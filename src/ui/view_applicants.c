/* Applicants: find by phone, ID number or name; register a new one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "ui/searchlist.h"
#include "ui/view_form.h"
#include "ui/views.h"

struct applicants_view {
	struct view v;
	struct searchlist sl;
	struct ui *ui;
	char query[PERSON_NAME_MAX];
};

static const struct listw_col cols[] = {
	{ "手机号", 14, false },
	{ "姓名", 14, false },
	{ "身份证号", 21, false },
	{ "登记日期", 0, false },
};

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct applicants_view *av = ctx;
	if (!av->query[0])
		return 0;
	struct applicant *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_applicant_find(&av->ui->app->svc, av->query, dir, key, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		svc_applicant_key(&buf[i], r->key, sizeof r->key);
		snprintf(r->id, sizeof r->id, "%s", buf[i].id);
		mask_mobile(buf[i].phone, r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", buf[i].name);
		if (buf[i].id_number[0])
			mask_id_number(buf[i].id_number, r->cell[2]);
		snprintf(r->cell[3], sizeof r->cell[3], "%.10s", buf[i].created_at);
	}
	free(buf);
	return got;
}

static void run_search(struct applicants_view *av, struct ui *ui)
{
	char *q = formw_get(&av->sl.bar, "query");
	snprintf(av->query, sizeof av->query, "%s", q ? q : "");
	free(q);
	snprintf(av->sl.list.empty, sizeof av->sl.list.empty, "%s",
		 av->query[0] ? "没有找到。按 F3 登记新申请人" : "输入手机号、身份证号或姓名后按 Enter");
	listw_reload(&av->sl.list, false);
	if (av->sl.list.nrows > 0)
		av->sl.in_bar = false;
	/* A phone is one account: open it at once. */
	if (av->sl.list.nrows == 1 && strlen(av->query) == 11 &&
	    strspn(av->query, "0123456789") == 11)
		view_applicant_open(ui, av->sl.list.rows[0].id);
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct applicants_view *av = (struct applicants_view *)v;
	searchlist_draw(&av->sl, ui_body_top() + 1);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct applicants_view *av = (struct applicants_view *)v;
	bool run, open;
	int r = searchlist_key(&av->sl, k, &run, &open);
	if (run)
		run_search(av, ui);
	if (open)
		view_applicant_open(ui, listw_selected(&av->sl.list)->id);
	return r;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct applicants_view *av = (struct applicants_view *)v;
	switch (a) {
	case ACT_NEW: {
		char *q = formw_get(&av->sl.bar, "query");
		view_register_open(ui, q && strlen(q) == 11 && strspn(q, "0123456789") == 11 ? q : "");
		free(q);
		return R_HANDLED;
	}
	case ACT_SEARCH:
		searchlist_focus_bar(&av->sl);
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
	struct applicants_view *av = (struct applicants_view *)v;
	if (av->query[0])
		listw_reload(&av->sl.list, true);
}

static void destroy(struct view *v)
{
	struct applicants_view *av = (struct applicants_view *)v;
	searchlist_done(&av->sl);
	free(av);
}

static const enum action actions[] = { ACT_NEW, ACT_SEARCH, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "applicants", .actions = actions, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_applicants_open(struct ui *ui)
{
	struct applicants_view *av = calloc(1, sizeof *av);
	if (!av)
		return;
	av->v.ops = &ops;
	av->ui = ui;
	snprintf(av->v.title, sizeof av->v.title, "申请人");
	struct listw_source src = { fetch, NULL, av };
	searchlist_init(&av->sl, "applicant_search", &src, cols, 4,
			"输入手机号、身份证号或姓名后按 Enter；按 F3 登记新申请人");
	ui_push(ui, &av->v);
}

/* ---- registration ---- */

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

static int send_code(struct form_view *fv, struct ui *ui, enum action a)
{
	(void)a;
	char *phone = formw_get(&fv->w, "phone");
	struct err e;
	err_clear(&e);
	struct applicant other;
	enum status st;
	if (!check_mobile(phone, &e)) {
		formw_error(&fv->w, "phone", err_text(&e));
	} else if (svc_applicant_by_phone(&ui->app->svc, phone, &other, &e) == ST_OK) {
		char msg[256], masked[32];
		mask_mobile(phone, masked);
		snprintf(msg, sizeof msg, "手机号 %s 已注册（%s）", masked, other.name);
		formw_error(&fv->w, "phone", msg);
	} else if (!ui->app->sms) {
		formw_error(&fv->w, "sms_code", ui->app->sms_error);
	} else if ((st = svc_sms_send_code(&ui->app->svc, ui->app->sms, &ui->actor, phone,
					   SMS_REGISTER, &e)) != ST_OK) {
		formw_error(&fv->w, e.field[0] ? e.field : "sms_code", err_text(&e));
	} else {
		char masked[32];
		mask_mobile(phone, masked);
		ui_flash(ui, false, "验证码已发送到 %s，请申请人读出收到的 6 位数字。", masked);
		formw_focus(&fv->w, "sms_code");
	}
	free(phone);
	return R_HANDLED;
}

struct open_existing {
	char id[UUID_LEN + 1];
};

static int open_existing_cb(struct ui *ui, void *ctx, bool yes)
{
	struct open_existing *o = ctx;
	int r = R_HANDLED;
	if (yes) {
		view_applicant_open(ui, o->id);
		r |= R_CLOSE; /* the registration form */
	}
	free(o);
	return r;
}

static int register_save(struct form_view *fv, struct ui *ui)
{
	char *pw = formw_get(&fv->w, "portal_password");
	if (pw && *pw && !form_view_same(fv, "portal_password", "portal_password2")) {
		wipe(pw);
		return R_HANDLED;
	}
	char *phone = formw_get(&fv->w, "phone"), *code = formw_get(&fv->w, "sms_code");
	char *name = formw_get(&fv->w, "name"), *idn = formw_get(&fv->w, "id_number");
	char *email = formw_get(&fv->w, "email"), *addr = formw_get(&fv->w, "address");
	char *postal = formw_get(&fv->w, "postal_code");
	struct applicant_input in = { phone, name, idn, email, addr, postal, pw };
	char id[UUID_LEN + 1], existing[UUID_LEN + 1] = "";
	struct err e;
	err_clear(&e);
	enum status st = svc_applicant_register(&ui->app->svc, &ui->actor, &in, code, id, existing, &e);
	free(phone), free(code), free(name), free(idn), free(email), free(addr), free(postal);
	wipe(pw);
	if (st == ST_EXISTS && existing[0]) {
		formw_show_err(&fv->w, &e);
		struct open_existing *o = calloc(1, sizeof *o);
		if (o) {
			snprintf(o->id, sizeof o->id, "%s", existing);
			char q[320];
			snprintf(q, sizeof q, "%s。\n要打开这位申请人的资料吗？", e.msg);
			dialog_confirm(ui, "手机号已注册", q, open_existing_cb, o);
		}
		return R_HANDLED;
	}
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		if (st == ST_AUTH || st == ST_STATE)
			formw_set(&fv->w, "sms_code", "");
		return R_HANDLED;
	}
	ui_close(ui, &fv->v);
	view_applicant_open(ui, id);
	ui_flash(ui, false, "申请人已登记。");
	return R_HANDLED;
}

/* Leaving the phone field: a number that is already registered is said at
 * once, with the offer to open that account. */
static void register_leave(struct form_view *fv, struct ui *ui, const char *field)
{
	if (strcmp(field, "phone") != 0)
		return;
	char *phone = formw_get(&fv->w, "phone");
	struct applicant other;
	struct err e;
	if (phone && check_mobile(phone, NULL) &&
	    svc_applicant_by_phone(&ui->app->svc, phone, &other, &e) == ST_OK) {
		char masked[32], msg[320];
		mask_mobile(phone, masked);
		snprintf(msg, sizeof msg, "手机号 %s 已注册（%s）", masked, other.name);
		formw_error(&fv->w, "phone", msg);
		struct open_existing *o = calloc(1, sizeof *o);
		if (o) {
			snprintf(o->id, sizeof o->id, "%s", other.id);
			strncat(msg, "，一个手机号只能注册一个账户。\n要打开这位申请人的资料吗？",
				sizeof msg - strlen(msg) - 1);
			dialog_confirm(ui, "手机号已注册", msg, open_existing_cb, o);
		}
	}
	free(phone);
}

void view_register_open(struct ui *ui, const char *phone)
{
	struct form_view *fv = form_view_open(ui, "applicant_register", "登记申请人",
		"一个手机号只能注册一个账户。填写手机号后按 F5 发送验证码，请申请人读出收到的数字。",
		false, register_save);
	if (!fv)
		return;
	static const enum action extra[] = { ACT_SEND_CODE, ACT_NONE };
	form_view_actions(fv, extra, send_code);
	fv->on_leave = register_leave;
	if (phone && *phone)
		formw_set(&fv->w, "phone", phone);
}
