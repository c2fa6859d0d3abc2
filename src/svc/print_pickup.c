/* Printing the pickup slip (领取单) of certificates waiting at the counter. */
#include "svc/print_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/staff_repo.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/order.h"
#include "util/log.h"

/* Is a's certificate made and waiting at the counter? Else why not. */
static bool waiting(const struct application *a, struct err *e)
{
	char when[11];
	switch (a->status) {
	case APP_READY:
		if (a->delivery == DELIVERY_POST)
			return err_set(e, ST_STATE, "申请单 %s 选择了邮寄，证书将寄给 %s，不打印领取单", a->number,
				       a->recipient),
			       false;
		return true;
	case APP_SHIPPED:
		return err_set(e, ST_STATE, "申请单 %s 的证书已寄出（%s，运单号 %s），不需要领取单", a->number,
			       a->courier, a->tracking_no),
		       false;
	case APP_COLLECTED:
		print_local_date(a->collected_at, when);
		return err_set(e, ST_STATE, "申请单 %s 的证书已于 %s 由 %s 领取，不再打印领取单", a->number,
			       when[0] ? when : "此前", a->collector_name),
		       false;
	case APP_CANCELLED:
		return err_set(e, ST_STATE, "申请单 %s 已取消，没有证书可领取", a->number), false;
	case APP_DONE:
		return err_set(e, ST_STATE, "申请单 %s 已办结（%s不制作证书），没有证书可领取", a->number,
			       app_kind_label(a->kind)),
		       false;
	default:
		return err_set(e, ST_STATE, "申请单 %s 的证书尚未制作（%s），制作完成（可领取）后才能打印领取单",
			       a->number, app_status_label(a->status)),
		       false;
	}
}

/* Who may collect a's certificate: the applicant (经办人; for a personal
 * certificate the holder), and whoever the authorisation letter names. */
static void holders(struct svc *svc, const struct application *a, struct buf *out)
{
	struct applicant ap;
	struct err nf;
	bool personal = a->subject == SUBJECT_PERSONAL;
	if (svc_applicant_get(svc, a->applicant_id, &ap, &nf) == ST_OK)
		buf_printf(out, "%s%s%s", out->len ? "；" : "", personal ? "申请人 " : "经办人 ", ap.name);
	if (personal && a->holder_name[0] && strcmp(a->holder_name, ap.name) != 0)
		buf_printf(out, "；持证人 %s", a->holder_name);
	if (a->authorised_name[0])
		buf_printf(out, "；授权领取人 %s（凭授权委托书）", a->authorised_name);
}

static enum status slip_data(struct app *app, const struct actor *actor, const char *number,
			     const struct application *apps, int n, struct pdf_data *d, struct err *e)
{
	struct svc *svc = &app->svc;
	bool ok = true;
#define SET(k, v) (ok = ok && pdf_data_set(d, k, v))
	SET("slip.number", number);
	SET("slip.payer", apps[0].holder_name);
	SET("authority.name", config_get(&app->cfg, "authority.name", ""));
	struct office of;
	struct err nf;
	SET("office.name", office_repo_get(svc->db, actor->office_id, &of, &nf) == ST_OK ? of.name : "");
	SET("clerk.name", actor->name);
	struct buf who;
	buf_init(&who, 4096);
	for (int i = 0; ok && i < n; i++) {
		const struct application *a = &apps[i];
		char made[11], what[64], years[16];
		print_local_date(a->made_at, made);
		snprintf(what, sizeof what, "%s %s", app_subject_label(a->subject), app_kind_label(a->kind));
		if (a->years > 0)
			snprintf(years, sizeof years, "%d年", a->years);
		else
			years[0] = '\0';
		ok = pdf_data_set_row(d, "certificates", i, "application", a->number) &&
		     pdf_data_set_row(d, "certificates", i, "what", what) &&
		     pdf_data_set_row(d, "certificates", i, "holder", a->holder_name) &&
		     pdf_data_set_row(d, "certificates", i, "serial", a->issued_serial) &&
		     pdf_data_set_row(d, "certificates", i, "years", years) &&
		     pdf_data_set_row(d, "certificates", i, "made", made);
		/* the holders of every certificate, each person once */
		struct buf one;
		buf_init(&one, 1024);
		holders(svc, a, &one);
		if (one.len && (!who.data || !strstr(buf_str(&who), buf_str(&one))))
			buf_printf(&who, "%s%s", who.len ? "；" : "", buf_str(&one));
		buf_done(&one);
	}
	SET("pickup.holders", buf_str(&who));
	buf_done(&who);
#undef SET
	return ok ? ST_OK : err_status(e, ST_NOMEM);
}

static enum status slip(struct app *app, const struct actor *a, const struct application *apps, int n,
			const char *number, const char *path, struct print_result *out, struct err *e);

/* The certificates `ref` (an application or an order) has waiting at the
 * counter, into apps[0..*n), and the slip's number; else why none. */
static enum status find_waiting(struct svc *svc, const char *ref, struct application *apps, int *n,
				char number[NUMBER_MAX], struct err *e)
{
	enum status st;
	struct order o;
	struct err nf;
	*n = 0;
	bool is_order = ref && (strncmp(ref, "DD-", 3) == 0 ||
				(uuid_valid(ref) && svc_order_get(svc, ref, &o, &nf) == ST_OK));
	if (!is_order) {
		if ((st = print_find_app(svc, ref, &apps[0], e)) != ST_OK)
			return st;
		if (!waiting(&apps[0], e))
			return e->st;
		*n = 1;
		snprintf(number, NUMBER_MAX, "%s", apps[0].number);
		return ST_OK;
	}
	if ((st = print_find_order(svc, ref, &o, e)) != ST_OK)
		return st;
	if (o.status == ORDER_CANCELLED)
		return err_set(e, ST_STATE, "订单 %s 已取消，没有证书可领取", o.number);
	struct order_line lines[ORDER_MAX_LINES];
	int nl = svc_order_lines(svc, o.id, lines, ORDER_MAX_LINES, e);
	if (nl < 0)
		return e->st;
	struct err why;
	err_clear(&why);
	for (int i = 0; i < nl; i++) {
		if ((st = svc_application_get(svc, lines[i].application_id, &apps[*n], e)) != ST_OK)
			return st;
		struct err pe;
		if (waiting(&apps[*n], &pe))
			(*n)++;
		else if (!why.msg[0])
			why = pe;
	}
	if (*n == 0)
		return err_set(e, ST_STATE, "订单 %s 中没有等待领取的证书：%s", o.number, why.msg);
	snprintf(number, NUMBER_MAX, "%s", o.number);
	return ST_OK;
}

bool svc_print_pickup_check(struct app *app, const char *ref, struct err *e)
{
	struct application *apps = calloc(ORDER_MAX_LINES, sizeof *apps);
	if (!apps)
		return err_status(e, ST_NOMEM), false;
	int n;
	char number[NUMBER_MAX];
	bool ok = find_waiting(&app->svc, ref, apps, &n, number, e) == ST_OK;
	free(apps);
	return ok;
}

enum status svc_print_pickup(struct app *app, const struct actor *a, const char *ref,
			     const char *path, struct print_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!print_may(a, e))
		return e->st;
	struct svc *svc = &app->svc;
	struct application *apps = calloc(ORDER_MAX_LINES, sizeof *apps);
	if (!apps)
		return err_status(e, ST_NOMEM);
	int n = 0;
	char number[NUMBER_MAX];
	enum status st = find_waiting(svc, ref, apps, &n, number, e);
	if (st == ST_OK)
		st = slip(app, a, apps, n, number, path, out, e);
	free(apps);
	return st;
}

/* Print the slip of apps[0..n) (checked). */
static enum status slip(struct app *app, const struct actor *a, const struct application *apps, int n,
			const char *number, const char *path, struct print_result *out, struct err *e)
{
	struct svc *svc = &app->svc;
	enum status st;
	snprintf(out->number, sizeof out->number, "%s", number);
	out->document = "数字证书领取单";
	char name[NUMBER_MAX + 16];
	snprintf(name, sizeof name, "%s-pickup", number);
	if ((st = print_path(app, path, name, out->path, e)) != ST_OK || (st = print_prepare(e)) != ST_OK)
		return st;
	struct pdf_data *d = pdf_data_new();
	if (!d)
		return err_status(e, ST_NOMEM);
	st = slip_data(app, a, number, apps, n, d, e);
	if (st == ST_OK) {
		struct pdf_job job = { print_layout(PL_PICKUP), d };
		st = print_render(&job, 1, apps[0].subject == SUBJECT_PERSONAL, out, e);
	}
	pdf_data_free(d);
	if (st != ST_OK)
		return st;
	struct print_audit_rec recs[ORDER_MAX_LINES];
	for (int i = 0; i < n; i++)
		recs[i] = (struct print_audit_rec){ "application.print_pickup", "application", apps[i].id,
						    json_pack("{s:s, s:s, s:s, s:i}", "number", apps[i].number,
							      "document", "pickup_slip", "slip", number,
							      "pages", out->pages) };
	if ((st = print_audit(svc, a, recs, n, out->path, e)) != ST_OK)
		return st;
	out->count = n;
	log_info("pickup slip %s printed: %d certificate(s), %d pages, %zu bytes, %.1f ms", number, n,
		 out->pages, out->bytes, out->ms);
	return ST_OK;
}
