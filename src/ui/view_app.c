/* One application: its details, the documents checklist with the attached
 * scans, and what can be done to it now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/price.h"
#include "svc/print.h"
#include "ui/view_form.h"
#include "ui/views.h"

#define MAX_ATT 64

struct row {
	int doc;          /* index into items, or -1 */
	int att;          /* index into atts, or -1 */
};

struct app_view {
	struct view v;
	struct ui *ui;
	struct application app;
	struct applicant applicant;
	struct doc_item items[DOC__COUNT];
	int nitems;
	struct attachment atts[MAX_ATT];
	int natts;
	struct row rows[DOC__COUNT + MAX_ATT];
	int nrows, sel, top;
	char price[48];
	char order_number[NUMBER_MAX];   /* the order it is in, or "" */
	char error[256];
};

static void load(struct app_view *av)
{
	struct svc *svc = &av->ui->app->svc;
	struct err e;
	err_clear(&e);
	av->error[0] = '\0';
	if (svc_application_get(svc, av->app.id, &av->app, &e) != ST_OK) {
		snprintf(av->error, sizeof av->error, "%s", err_text(&e));
		av->nrows = 0;
		return;
	}
	svc_applicant_get(svc, av->app.applicant_id, &av->applicant, &e);
	if (!svc_order_of_application(svc, av->app.id, NULL, av->order_number))
		av->order_number[0] = '\0';
	struct price p;
	if (svc_price_find(svc, av->app.kind, av->app.subject, av->app.years, &p, &e) == ST_OK)
		format_fen(p.fen, av->price);
	else
		snprintf(av->price, sizeof av->price, "—");
	av->nitems = svc_application_docs(svc, &av->app, av->items, DOC__COUNT, &e);
	if (av->nitems < 0)
		av->nitems = 0;
	av->natts = svc_attachments(svc, av->app.id, av->atts, MAX_ATT, &e);
	if (av->natts < 0)
		av->natts = 0;
	av->nrows = 0;
	for (int i = 0; i < av->nitems; i++) {
		av->rows[av->nrows++] = (struct row){ i, -1 };
		for (int j = 0; j < av->natts; j++)
			if (strcmp(av->atts[j].doc_type, doc_type_code(av->items[i].type)) == 0)
				av->rows[av->nrows++] = (struct row){ -1, j };
	}
	if (av->sel >= av->nrows)
		av->sel = av->nrows ? av->nrows - 1 : 0;
	char title[96];
	snprintf(title, sizeof title, "申请单 %s", av->app.number);
	snprintf(av->v.title, sizeof av->v.title, "%s", title);
}

static bool editable(const struct app_view *av, const struct ui *ui)
{
	return app_clerk_may_edit(av->app.status) ||
	       (actor_can(&ui->actor, ROLE_SUPERVISOR) && app_supervisor_may_edit(av->app.status));
}

static const struct row *selected(const struct app_view *av)
{
	return av->nrows ? &av->rows[av->sel] : NULL;
}

static const enum action *actions_now(struct view *v, struct ui *ui)
{
	struct app_view *av = (struct app_view *)v;
	static enum action list[16];
	int n = 0;
	enum app_status s = av->app.status;
	const struct row *r = selected(av);
	if (s == APP_DRAFT || s == APP_RETURNED)
		list[n++] = ACT_SUBMIT;
	if (editable(av, ui)) {
		list[n++] = ACT_ATTACH;
		list[n++] = ACT_EDIT;
		if (r && r->doc >= 0)
			list[n++] = ACT_PAPER;
		if (r && r->att >= 0)
			list[n++] = ACT_DETACH;
	}
	if (s == APP_DRAFT || s == APP_PENDING_REVIEW || s == APP_RETURNED)
		list[n++] = ACT_CANCEL_APP;
	list[n++] = ACT_AGAIN;
	if (svc_print_allowed(&av->app, NULL))
		list[n++] = ACT_PRINT;
	if (s == APP_PENDING_REVIEW && actor_can(&ui->actor, ROLE_SUPERVISOR) &&
	    strcmp(av->app.created_by, ui->actor.id) != 0)
		list[n++] = ACT_REVIEW;
	list[n++] = ACT_BACK;
	list[n] = ACT_NONE;
	return list;
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct app_view *av = (struct app_view *)v;
	const struct application *a = &av->app;
	int y = ui_body_top() + 1;
	char line[600];
	if (av->error[0] && !a->number[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y, 2, COLS - 4, true, av->error);
		attrset(A_NORMAL);
		return;
	}
	attrset(A_BOLD);
	int x = 2 + ui_text(y, 2, 30, false, a->number);
	attrset(a->status == APP_RETURNED || a->status == APP_CANCELLED ? ui_style(S_WARN)
									: ui_style(S_SELECT));
	snprintf(line, sizeof line, " %s ", app_status_label(a->status));
	ui_text(y, x + 2, 20, false, line);
	attrset(A_NORMAL);
	y++;
	char phone[32];
	mask_mobile(av->applicant.phone, phone);
	char years[16] = "—";
	if (a->years)
		snprintf(years, sizeof years, "%d 年", a->years);
	snprintf(line, sizeof line, "%s%s · %s · ¥%s   经办人 %s（%s）", app_subject_label(a->subject),
		 app_kind_label(a->kind), years, av->price, av->applicant.name, phone);
	ui_text(y++, 2, COLS - 4, true, line);
	if (a->subject == SUBJECT_ENTERPRISE)
		snprintf(line, sizeof line, "%s（%s）  法定代表人 %s  电话 %s", a->holder_name,
			 a->holder_code, a->legal_rep, a->phone);
	else {
		char idn[32];
		mask_id_number(a->holder_code, idn);
		snprintf(line, sizeof line, "持证人 %s（%s）", a->holder_name, idn);
	}
	ui_text(y++, 2, COLS - 4, true, line);
	snprintf(line, sizeof line, "地址 %s%s%s", a->address, a->postal_code[0] ? "  邮编 " : "",
		 a->postal_code);
	ui_text(y++, 2, COLS - 4, true, line);
	if (a->delivery == DELIVERY_POST) {
		char rp[32];
		mask_mobile(a->recipient_phone, rp);
		snprintf(line, sizeof line, "领取 邮寄给 %s（%s） %s", a->recipient, rp, a->recipient_address);
	} else {
		snprintf(line, sizeof line, "领取 现场领取");
	}
	if (a->cert_serial[0]) {
		size_t l = strlen(line);
		snprintf(line + l, sizeof line - l, "   原证书 %s", a->cert_serial);
	}
	if (av->order_number[0]) {
		size_t l = strlen(line);
		snprintf(line + l, sizeof line - l, "   订单 %s", av->order_number);
	}
	ui_text(y++, 2, COLS - 4, true, line);
	if (a->reason[0] && (a->status == APP_RETURNED || a->status == APP_CANCELLED)) {
		attrset(ui_style(S_WARN));
		snprintf(line, sizeof line, "%s原因：%s", a->status == APP_RETURNED ? "退回" : "取消",
			 a->reason);
		ui_text(y++, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
	}
	y++;
	attrset(ui_style(S_HEADER));
	mvhline(y, 2, ' ', COLS - 4);
	ui_text(y, 2, COLS - 4, true, "材料清单（* 为必交）");
	attrset(A_NORMAL);
	y++;
	int rows = LINES - 3 - y;
	if (av->sel < av->top)
		av->top = av->sel;
	if (av->sel >= av->top + rows)
		av->top = av->sel - rows + 1;
	for (int i = av->top; i < av->nrows && i < av->top + rows; i++, y++) {
		const struct row *r = &av->rows[i];
		if (r->doc >= 0) {
			const struct doc_item *d = &av->items[r->doc];
			const char *state = d->attached ? "已上传" : d->paper ? "已交纸质件"
					    : d->required ? "缺" : "";
			char count[32] = "";
			if (d->attached)
				snprintf(count, sizeof count, " %d 份", d->attached);
			snprintf(line, sizeof line, "%s %s%s", d->attached || d->paper ? "✓" : d->required ? "✗" : " ",
				 doc_type_label(d->type), d->required ? " *" : "");
			attrset(i == av->sel ? ui_style(S_SELECT)
				: (!d->attached && !d->paper && d->required) ? ui_style(S_WARN) : A_NORMAL);
			mvhline(y, 2, ' ', COLS - 4);
			ui_text(y, 3, 36, true, line);
			snprintf(line, sizeof line, "%s%s", state, count);
			ui_text(y, 42, COLS - 44, true, line);
		} else {
			const struct attachment *t = &av->atts[r->att];
			char size[32];
			attach_size_text(t->size, size);
			attrset(i == av->sel ? ui_style(S_SELECT) : ui_style(S_DIM));
			mvhline(y, 2, ' ', COLS - 4);
			snprintf(line, sizeof line, "    └ %s", t->name);
			ui_text(y, 3, 38, true, line);
			snprintf(line, sizeof line, "%s  %s  %.10s", attach_type_label(t->mime), size,
				 t->created_at);
			ui_text(y, 42, COLS - 44, true, line);
		}
		attrset(A_NORMAL);
	}
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct app_view *av = (struct app_view *)v;
	/* The editing keys, when this application can no longer be edited by
	 * this user, say why instead of doing nothing. */
	static const enum action edits[] = { ACT_EDIT, ACT_ATTACH, ACT_PAPER, ACT_DETACH, ACT_NONE };
	static const enum action print[] = { ACT_PRINT, ACT_NONE };
	struct err pe;
	if (action_for_key(k, print) == ACT_PRINT && !svc_print_allowed(&av->app, &pe)) {
		ui_flash(ui, true, "%s。", err_text(&pe));
		return R_HANDLED;
	}
	enum action a = action_for_key(k, edits);
	if (a != ACT_NONE && a != ACT_HELP && a != ACT_QUIT && !editable(av, ui)) {
		if (app_supervisor_may_edit(av->app.status))
			ui_flash(ui, true, "申请单已受理（%s），只有审核员可以修改。",
				 app_status_label(av->app.status));
		else
			ui_flash(ui, true, "申请单状态为“%s”，不能再修改。",
				 app_status_label(av->app.status));
		return R_HANDLED;
	}
	if (k->fn && k->code == KEY_DOWN && av->sel < av->nrows - 1) {
		av->sel++;
		return R_HANDLED;
	}
	if (k->fn && k->code == KEY_UP && av->sel > 0) {
		av->sel--;
		return R_HANDLED;
	}
	return R_NONE;
}

/* ---- forms opened from here ---- */

struct ref {
	char app_id[UUID_LEN + 1];
	int pick;          /* the scan-folder file offered last (F6 again: the next older) */
};

static void free_ref(struct form_view *fv)
{
	free(fv->ctx);
	fv->ctx = NULL;
}

static int attach_save(struct form_view *fv, struct ui *ui)
{
	struct ref *r = fv->ctx;
	char *type = formw_get(&fv->w, "doc_type"), *path = formw_get(&fv->w, "path");
	enum doc_type t = DOC_OTHER;
	doc_type_parse(type, &t);
	struct err e;
	err_clear(&e);
	enum status st = svc_attach_file(&ui->app->svc, &ui->actor, ui->app->data_dir, r->app_id, t,
					 path, NULL, &e);
	free(type);
	free(path);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "扫描件已添加到“%s”。", doc_type_label(t));
	return R_HANDLED | R_CLOSE;
}

/* F6: offer the newest file of the scan folder, then the next older. */
static int attach_pick(struct form_view *fv, struct ui *ui, enum action a)
{
	(void)a;
	struct ref *r = fv->ctx;
	char path[4096];
	struct err e;
	err_clear(&e);
	if (ui_scan_pick(ui, r->pick++, path, sizeof path, &e))
		formw_set(&fv->w, "path", path);
	else
		formw_error(&fv->w, "path", err_text(&e));
	return R_HANDLED;
}

static int reason_cancel(struct form_view *fv, struct ui *ui)
{
	struct ref *r = fv->ctx;
	char *reason = formw_get(&fv->w, "reason");
	struct err e;
	err_clear(&e);
	enum status st = svc_application_cancel(&ui->app->svc, &ui->actor, r->app_id, reason, &e);
	free(reason);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "申请单已取消。");
	return R_HANDLED | R_CLOSE;
}

static int review_save(struct form_view *fv, struct ui *ui)
{
	struct ref *r = fv->ctx;
	char *decision = formw_get(&fv->w, "decision"), *reason = formw_get(&fv->w, "reason");
	struct err e;
	err_clear(&e);
	bool accept = decision && strcmp(decision, "accept") == 0;
	enum status st = accept ? svc_application_accept(&ui->app->svc, &ui->actor, r->app_id, &e)
				: svc_application_return(&ui->app->svc, &ui->actor, r->app_id, reason, &e);
	free(decision);
	free(reason);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, accept ? "已受理。" : "已退回，受理员会在退回列表中看到原因。");
	return R_HANDLED | R_CLOSE;
}

static struct form_view *open_with_ref(struct ui *ui, const char *form, const char *title,
				       const char *intro, form_save_fn save, const char *app_id)
{
	struct form_view *fv = form_view_open(ui, form, title, intro, false, save);
	if (!fv)
		return NULL;
	struct ref *r = calloc(1, sizeof *r);
	if (!r) {
		ui_close(ui, &fv->v);
		return NULL;
	}
	snprintf(r->app_id, sizeof r->app_id, "%s", app_id);
	fv->ctx = r;
	fv->on_free = free_ref;
	return fv;
}

struct detach {
	char id[UUID_LEN + 1];
};

static int detach_cb(struct ui *ui, void *ctx, bool yes)
{
	struct detach *d = ctx;
	if (yes) {
		struct err e;
		err_clear(&e);
		if (svc_attach_remove(&ui->app->svc, &ui->actor, d->id, &e) != ST_OK)
			dialog_message(ui, "无法删除", err_text(&e), true);
		else
			ui_flash(ui, false, "扫描件已删除。");
	}
	free(d);
	return R_HANDLED;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct app_view *av = (struct app_view *)v;
	struct svc *svc = &ui->app->svc;
	const struct row *r = selected(av);
	struct err e;
	err_clear(&e);
	/* Only what is offered now may run. */
	bool offered = false;
	for (const enum action *x = actions_now(v, ui); *x; x++)
		offered |= *x == a;
	if (!offered)
		return R_NONE;
	switch (a) {
	case ACT_SUBMIT:
		if (!av->app.agreement_version[0]) {
			/* Imported without the applicant: the agreement first. */
			view_agreement_for(ui, &av->app);
			return R_HANDLED;
		}
		if (svc_application_submit(svc, &ui->actor, av->app.id, &e) != ST_OK)
			dialog_message(ui, "不能提交", err_text(&e), true);
		else
			ui_flash(ui, false, "已提交审核。");
		load(av);
		return R_HANDLED;
	case ACT_EDIT:
		view_app_form_open(ui, av->app.applicant_id, av->app.id, NULL, av->app.kind,
				   av->app.subject);
		return R_HANDLED;
	case ACT_ATTACH: {
		struct form_view *fv = open_with_ref(ui, "attach", "添加扫描件",
			"文件类型按内容识别（PDF、JPEG、PNG），每份不超过 20 MB。", attach_save,
			av->app.id);
		if (!fv)
			return R_HANDLED;
		char choices[1024];
		int len = 0;
		for (int i = 0; i < av->nitems; i++)
			len += snprintf(choices + len, sizeof choices - (size_t)len, "%s%s=%s",
					len ? "|" : "", doc_type_code(av->items[i].type),
					doc_type_label(av->items[i].type));
		bool has_other = false;
		for (int i = 0; i < av->nitems; i++)
			has_other |= av->items[i].type == DOC_OTHER;
		if (!has_other)
			snprintf(choices + len, sizeof choices - (size_t)len, "%sother=%s", len ? "|" : "",
				 doc_type_label(DOC_OTHER));
		formw_set_choices(&fv->w, "doc_type", choices);
		if (r) {
			const char *type = r->doc >= 0 ? doc_type_code(av->items[r->doc].type)
							: av->atts[r->att].doc_type;
			formw_set(&fv->w, "doc_type", type);
		}
		formw_focus(&fv->w, "path");
		static const enum action extra[] = { ACT_PICK, ACT_NONE };
		form_view_actions(fv, extra, attach_pick);
		return R_HANDLED;
	}
	case ACT_PAPER: {
		const struct doc_item *d = &av->items[r->doc];
		if (svc_application_paper(svc, &ui->actor, av->app.id, d->type, !d->paper, &e) != ST_OK)
			dialog_message(ui, "无法标记", err_text(&e), true);
		else
			ui_flash(ui, false, d->paper ? "已取消“%s”的纸质件标记。" : "“%s”已标记为已交纸质件。",
				 doc_type_label(d->type));
		load(av);
		return R_HANDLED;
	}
	case ACT_DETACH: {
		struct detach *d = calloc(1, sizeof *d);
		if (!d)
			return R_HANDLED;
		snprintf(d->id, sizeof d->id, "%s", av->atts[r->att].id);
		char q[400];
		snprintf(q, sizeof q, "删除扫描件“%s”吗？", av->atts[r->att].name);
		dialog_confirm(ui, "删除扫描件", q, detach_cb, d);
		return R_HANDLED;
	}
	case ACT_CANCEL_APP: {
		char intro[160];
		snprintf(intro, sizeof intro, "取消申请单 %s。取消后不能恢复。", av->app.number);
		open_with_ref(ui, "reason", "取消申请单", intro, reason_cancel, av->app.id);
		return R_HANDLED;
	}
	case ACT_REVIEW: {
		char intro[200];
		snprintf(intro, sizeof intro, "审核申请单 %s（%s）。请先核对材料。", av->app.number,
			 av->app.holder_name);
		open_with_ref(ui, "review", "审核", intro, review_save, av->app.id);
		return R_HANDLED;
	}
	case ACT_PRINT: {
		struct print_result pr;
		if (svc_print_application(ui->app, &ui->actor, av->app.id, NULL, &pr, &e) != ST_OK) {
			dialog_message(ui, "无法打印", err_text(&e), true);
			return R_HANDLED;
		}
		char msg[1800], size[32], job[PRINTER_JOB_MAX] = "";
		attach_size_text((long long)pr.bytes, size);
		int len = snprintf(msg, sizeof msg, "%s 已生成：%d 页，%s。\n文件：%s", pr.document,
				   pr.pages, size, pr.path);
		const char *printer = svc_print_printer(ui->app, NULL);
		if (printer) {
			if (svc_print_send(printer, pr.path, job, &e) == ST_OK)
				len += snprintf(msg + len, sizeof msg - (size_t)len, "\n已送打印机 %s（任务 %s）。",
						printer, job);
			else
				len += snprintf(msg + len, sizeof msg - (size_t)len, "\n%s", err_text(&e));
		}
		if (pr.warning[0])
			snprintf(msg + len, sizeof msg - (size_t)len, "\n注意：%s", pr.warning);
		dialog_message(ui, "打印", msg, pr.warning[0] != '\0');
		return R_HANDLED;
	}
	case ACT_AGAIN:
		view_app_start(ui, av->app.applicant_id,
			       av->app.enterprise_id[0] ? av->app.enterprise_id : NULL, av->app.kind,
			       av->app.subject);
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
	load((struct app_view *)v);
}

static const struct view_ops ops = {
	.name = "application", .actions_now = actions_now, .draw = draw, .key = key,
	.action = action, .resume = resume,
};

void view_app_open(struct ui *ui, const char *app_id)
{
	struct app_view *av = calloc(1, sizeof *av);
	if (!av)
		return;
	av->v.ops = &ops;
	av->ui = ui;
	snprintf(av->app.id, sizeof av->app.id, "%s", app_id);
	load(av);
	ui_push(ui, &av->v);
}

bool view_app_open_number(struct ui *ui, const char *number)
{
	struct application a;
	struct err e;
	if (svc_application_by_number(&ui->app->svc, number, &a, &e) != ST_OK)
		return false;
	view_app_open(ui, a.id);
	return true;
}
