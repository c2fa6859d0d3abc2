/* The application screen's steps as forms: attach a scan, cancel, review
 * (accept or return with a reason), make (issuing the blank KEY), ship,
 * collect, authorise a collector (view_app_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/validate.h"
#include "adapt/viewer.h"
#include "svc/app_kind.h"
#include "svc/applicant.h"
#include "svc/attach_file.h"
#include "svc/audit_text.h"
#include "svc/application.h"
#include "svc/order.h"
#include "svc/price.h"
#include "svc/print.h"
#include "svc/review.h"
#include "svc/stock.h"
#include "sync/sync.h"
#include "util/clock.h"
#include "ui/print_ui.h"
#include "ui/view_form.h"
#include "ui/views.h"
#include "ui/view_app_int.h"

int view_app_attach_save(struct form_view *fv, struct ui *ui)
{
	char *type = formw_get(&fv->w, "doc_type"), *path = formw_get(&fv->w, "path");
	enum doc_type t = DOC_OTHER;
	doc_type_parse(type, &t);
	struct err e;
	err_clear(&e);
	enum status st = svc_attach_file(&ui->app->svc, &ui->actor, ui->app->data_dir, fv->ref, t,
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
int view_app_attach_pick(struct form_view *fv, struct ui *ui, enum action a)
{
	(void)a;
	char path[4096];
	struct err e;
	err_clear(&e);
	if (ui_scan_pick(ui, fv->pick++, path, sizeof path, &e))
		formw_set(&fv->w, "path", path);
	else
		formw_error(&fv->w, "path", err_text(&e));
	return R_HANDLED;
}

int view_app_reason_cancel(struct form_view *fv, struct ui *ui)
{
	char *reason = formw_get(&fv->w, "reason");
	struct err e;
	err_clear(&e);
	enum status st = svc_application_cancel(&ui->app->svc, &ui->actor, fv->ref, reason, &e);
	free(reason);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "申请单已取消。");
	return R_HANDLED | R_CLOSE;
}

/* F6 in the review form: the next reason template, to edit before sending. */
int view_app_review_pick(struct form_view *fv, struct ui *ui, enum action a)
{
	(void)a;
	struct err e;
	char **reasons = svc_return_reasons_for(ui->app, &e);
	int n = 0;
	while (reasons && reasons[n])
		n++;
	if (n == 0) {
		svc_reasons_free(reasons);
		return R_HANDLED;
	}
	formw_set(&fv->w, "decision", "return");
	formw_set(&fv->w, "reason", reasons[fv->pick++ % n]);
	formw_focus(&fv->w, "reason");
	if (e.st != ST_OK)
		ui_flash(ui, true, "%s", err_text(&e));
	else
		ui_flash(ui, false, "常用退回原因 %d/%d；可直接修改，再按 F6 换一条。", (fv->pick - 1) % n + 1, n);
	svc_reasons_free(reasons);
	return R_HANDLED;
}

/* The certificate made and, when a KEY serial is given, that blank KEY
 * issued from stock: one transaction, so that nothing is half-done (the
 * application is not marked made when the KEY cannot be issued). */
int view_app_make_save(struct form_view *fv, struct ui *ui)
{
	char *serial = formw_get(&fv->w, "serial"), *key = formw_get(&fv->w, "key_serial");
	struct svc *svc = &ui->app->svc;
	bool with_key = key && *key;
	struct err e;
	err_clear(&e);
	enum status st = svc_batch_begin(svc, &e);
	if (st == ST_OK)
		st = svc_application_make(svc, &ui->actor, fv->ref, serial, &e);
	if (st == ST_OK && with_key) {
		st = svc_stock_issue(svc, &ui->actor, fv->ref, key, &e);
		if (st != ST_OK && !e.field[0])
			snprintf(e.field, sizeof e.field, "key_serial");
	}
	if (st == ST_OK)
		st = svc_batch_commit(svc, &e);
	else
		svc_batch_rollback(svc);
	free(serial);
	if (st != ST_OK) {
		free(key);
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	struct stock_key k;
	if (with_key && svc_stock_of_application(svc, fv->ref, &k, &e) == ST_OK)
		ui_flash(ui, false, "已登记制证并发放 KEY %s，申请单可领取。", k.serial);
	else
		ui_flash(ui, false, "已登记制证，申请单可领取。");
	free(key);
	return R_HANDLED | R_CLOSE;
}

int view_app_ship_save(struct form_view *fv, struct ui *ui)
{
	char *courier = formw_get(&fv->w, "courier"), *no = formw_get(&fv->w, "tracking_no");
	struct err e;
	err_clear(&e);
	enum status st = svc_application_ship(&ui->app->svc, &ui->actor, fv->ref, courier, no, &e);
	free(courier);
	free(no);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "已登记寄出。");
	return R_HANDLED | R_CLOSE;
}

int view_app_collect_save(struct form_view *fv, struct ui *ui)
{
	char *name = formw_get(&fv->w, "name"), *idn = formw_get(&fv->w, "id_number");
	struct err e;
	err_clear(&e);
	enum status st = svc_application_collect(&ui->app->svc, &ui->actor, fv->ref, name, idn, &e);
	free(name);
	free(idn);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, "已登记领取。");
	return R_HANDLED | R_CLOSE;
}

int view_app_authorise_save(struct form_view *fv, struct ui *ui)
{
	char *name = formw_get(&fv->w, "name"), *idn = formw_get(&fv->w, "id_number");
	struct err e;
	err_clear(&e);
	enum status st = svc_application_authorise(&ui->app->svc, &ui->actor, fv->ref, name, idn,
						   &e);
	bool cleared = !name || !*name;
	free(name);
	free(idn);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, cleared ? "已取消授权领取人。" : "已登记授权领取人。");
	return R_HANDLED | R_CLOSE;
}

int view_app_review_save(struct form_view *fv, struct ui *ui)
{
	char *decision = formw_get(&fv->w, "decision"), *reason = formw_get(&fv->w, "reason");
	struct err e;
	err_clear(&e);
	bool accept = decision && strcmp(decision, "accept") == 0;
	enum status st = accept ? svc_application_accept(&ui->app->svc, &ui->actor, fv->ref, &e)
				: svc_application_return(&ui->app->svc, &ui->actor, fv->ref, reason, &e);
	free(decision);
	free(reason);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	ui_flash(ui, false, accept ? "已受理。" : "已退回，受理员会在退回列表中看到原因。");
	return R_HANDLED | R_CLOSE;
}
