/* Printing applications: the form and the agreement, one or a batch. */
#include "svc/print_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "store/staff_repo.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/price.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "util/log.h"

/* ---- the rule ---- */

bool svc_print_allowed(const struct application *a, struct err *e)
{
	switch (a->status) {
	case APP_READY:
	case APP_SHIPPED:
	case APP_COLLECTED:
		return err_set(e, ST_STATE,
			       "申请单 %s 的证书已制作（%s），申请表只能在证书制作前打印，现已不再提供打印",
			       a->number, app_status_label(a->status)),
		       false;
	case APP_CANCELLED:
		return err_set(e, ST_STATE, "申请单 %s 已取消，不能打印申请表", a->number), false;
	case APP_DONE:
		return err_set(e, ST_STATE, "申请单 %s 已办结，不再打印申请表", a->number), false;
	default:
		return true;
	}
}

/* ---- the data ---- */

/* An optional value: the first non-empty of a and b. */
static const char *either(const char *a, const char *b)
{
	return a && *a ? a : b ? b : "";
}

struct rows {
	struct pdf_data *d;
	int n;
	bool ok;
};

static void row(struct rows *r, const char *name, const char *note)
{
	r->ok = r->ok && pdf_data_set_row(r->d, "attachments", r->n, "name", name) &&
		pdf_data_set_row(r->d, "attachments", r->n, "note", note);
	r->n++;
}

/* The documents: for each item of the checklist (required ones first, in
 * the checklist's order), one row per scanned file of that type, a row
 * for one handed in on paper, and a row for a required one still missing,
 * so the applicant sees on the form what is still to be brought. */
static enum status fill_documents(struct app *app, const struct application *a,
				  struct pdf_data *d, struct err *e)
{
	struct doc_item items[DOC__COUNT];
	int ni = svc_application_docs(&app->svc, a, items, DOC__COUNT, e);
	if (ni < 0)
		return e->st;
	int cap = 64, na;
	struct attachment *att = NULL;
	for (;;) {
		struct attachment *more = realloc(att, (size_t)cap * sizeof *att);
		if (!more) {
			free(att);
			return err_status(e, ST_NOMEM);
		}
		att = more;
		na = svc_attachments(&app->svc, a->id, att, cap, e);
		if (na < 0) {
			free(att);
			return e->st;
		}
		if (na < cap)
			break;
		cap *= 2;
	}
	struct rows r = { d, 0, true };
	for (int i = 0; i < ni; i++) {
		const char *code = doc_type_code(items[i].type), *label = doc_type_label(items[i].type);
		int shown = 0;
		for (int k = 0; k < na; k++) {
			if (strcmp(att[k].doc_type, code) != 0)
				continue;
			char size[32], note[FILENAME_MAX_BYTES + 96];
			attach_size_text(att[k].size, size);
			snprintf(note, sizeof note, "扫描件：%s（%s，%s）", att[k].name,
				 attach_type_label(att[k].mime), size);
			row(&r, label, note);
			shown++;
		}
		if (items[i].paper)
			row(&r, label, "纸质件");
		else if (items[i].required && shown == 0)
			row(&r, label, "尚未提交");
	}
	free(att);
	return r.ok ? ST_OK : err_status(e, ST_NOMEM);
}

enum status svc_print_application_data(struct app *app, const struct application *a,
				       struct pdf_data *d, struct err *e)
{
	struct svc *svc = &app->svc;
	struct applicant ap;
	enum status st = svc_applicant_get(svc, a->applicant_id, &ap, e);
	if (st != ST_OK)
		return st;
	/* The enterprise's record fills what the application leaves empty
	 * (an application made before a field existed); what was applied for
	 * comes first, since that is what the applicant signs. */
	struct enterprise en;
	memset(&en, 0, sizeof en);
	if (a->subject == SUBJECT_ENTERPRISE) {
		struct err nf;
		if (svc_enterprise_by_code(svc, a->holder_code, &en, &nf) != ST_OK)
			memset(&en, 0, sizeof en);
	}
	char created[11], today[11];
	print_local_date(a->created_at, created);
	print_today(today);

	bool ok = true;
#define SET(k, v) (ok = ok && pdf_data_set(d, k, v))
	SET("application.number", a->number);
	SET("application.date", created);
	SET("application.kind", app_kind_code(a->kind));
	/* Revoke and unlock have no validity period. */
	ok = ok && (a->years > 0 ? pdf_data_setf(d, "application.years", "%d", a->years)
				 : pdf_data_set(d, "application.years", "—"));
	SET("application.cert_serial", a->cert_serial);
	SET("application.reason", a->service_reason);
	struct price p;
	struct err pe;
	bool priced = svc_price_find(svc, a->kind, a->subject, a->years, &p, &pe) == ST_OK;
	if (priced)
		ok = ok && pdf_data_setf(d, "application.fee", "%lld", p.fen);
	/* The term and the fee as one reads them: "3 年　1,300.00 元"; a change
	 * or reissue keeps the certificate's term ("同原证书"), a revoke or an
	 * unlock has none ("不适用"), and costs nothing ("免费"). */
	char term[32], fee[48] = "—";
	if (app_kind_has_years(a->kind) && a->years > 0)
		snprintf(term, sizeof term, "%d 年", a->years);
	else
		snprintf(term, sizeof term, "%s", app_kind_makes_cert(a->kind) ? "同原证书" : "不适用");
	if (priced && p.fen == 0) {
		snprintf(fee, sizeof fee, "免费");
	} else if (priced) {
		char yuan[32];
		format_fen(p.fen, yuan);
		snprintf(fee, sizeof fee, "%s 元", yuan);
	}
	ok = ok && pdf_data_setf(d, "application.term_fee", "%s　%s", term, fee);

	/* Printed in full on purpose: see svc_print_application_data in print.h. */
	SET("applicant.mobile", ap.phone);
	SET("applicant.email", either(a->email, ap.email));
	if (a->subject == SUBJECT_ENTERPRISE) {
		SET("applicant.name", ap.name);
		SET("applicant.id_number", ap.id_number);
		SET("enterprise.name", either(a->holder_name, en.name));
		SET("enterprise.credit_code", a->holder_code);
		SET("enterprise.legal_rep", either(a->legal_rep, en.legal_rep));
		SET("enterprise.address", either(a->address, en.address));
		SET("enterprise.postal_code", a->postal_code);
		SET("enterprise.phone", either(a->phone, en.phone));
	} else {
		/* The holder is the applicant, as on the application. */
		SET("applicant.name", either(a->holder_name, ap.name));
		SET("applicant.id_number", either(a->holder_code, ap.id_number));
		SET("applicant.address", either(a->address, ap.address));
		SET("applicant.postal_code", either(a->postal_code, ap.postal_code));
	}

	SET("authority.name", config_get(&app->cfg, "authority.name", ""));
	SET("authority.address", config_get(&app->cfg, "authority.address", ""));
	struct office of;
	struct err nf;
	SET("office.name", office_repo_get(svc->db, a->office_id, &of, &nf) == ST_OK ? of.name : "");
	struct staff clerk;
	SET("clerk.name", svc_staff_get(svc, a->created_by, &clerk, &nf) == ST_OK ? clerk.name : "");
	/* The agreement is signed the day it is printed for signature. */
	SET("agreement.date", today);
#undef SET
	if (!ok)
		return err_status(e, ST_NOMEM);
	return fill_documents(app, a, d, e);
}

/* ---- printing ---- */

static const char *document_of(const struct application *a)
{
	return a->subject == SUBJECT_PERSONAL ? "数字证书申请表（个人证书）及数字证书服务协议"
					      : "数字证书申请表（企业证书）及数字证书服务协议";
}

static json_t *audit_after(const struct application *a, int pages, int batch)
{
	json_t *j = json_pack("{s:s, s:s, s:i, s:s}", "number", a->number, "document",
			      a->subject == SUBJECT_PERSONAL ? "application_personal+agreement"
							     : "application_enterprise+agreement",
			      "pages", pages, "agreement_version", svc_agreement_version());
	if (j && batch > 1)
		json_object_set_new(j, "batch", json_integer(batch));
	return j;
}

/* Print apps[0..n) (checked already) into out->path. */
static enum status print_apps(struct app *app, const struct actor *actor, const struct application *apps,
			      int n, struct print_result *out, struct err *e)
{
	enum status st = print_prepare(e);
	if (st != ST_OK)
		return st;
	struct pdf_data **data = calloc((size_t)n, sizeof *data);
	struct pdf_job *jobs = calloc((size_t)n * 2, sizeof *jobs);
	struct print_audit_rec *recs = calloc((size_t)n, sizeof *recs);
	if (!data || !jobs || !recs)
		st = err_status(e, ST_NOMEM);
	bool personal = true;
	for (int i = 0; i < n && st == ST_OK; i++) {
		data[i] = pdf_data_new();
		if (!data[i]) {
			st = err_status(e, ST_NOMEM);
			break;
		}
		st = svc_print_application_data(app, &apps[i], data[i], e);
		bool per = apps[i].subject == SUBJECT_PERSONAL;
		personal = personal && per;
		jobs[2 * i] = (struct pdf_job){ print_layout(per ? PL_PERSONAL : PL_ENTERPRISE), data[i] };
		jobs[2 * i + 1] = (struct pdf_job){ print_layout(PL_AGREEMENT), data[i] };
	}
	if (st == ST_OK)
		st = print_render(jobs, (size_t)n * 2, personal, out, e);
	if (st == ST_OK) {
		/* pages: of the whole PDF; batch: how many applications it holds */
		for (int i = 0; i < n; i++)
			recs[i] = (struct print_audit_rec){ "application.print", "application", apps[i].id,
							    audit_after(&apps[i], out->pages, n) };
		st = print_audit(&app->svc, actor, recs, n, out->path, e);
	}
	for (int i = 0; data && i < n; i++)
		pdf_data_free(data[i]);
	free(data);
	free(jobs);
	free(recs);
	if (st == ST_OK) {
		out->count = n;
		log_info("%d application(s) printed from %s: %d pages, %zu bytes, %.1f ms, %zu unprintable", n,
			 apps[0].id, out->pages, out->bytes, out->ms, out->n_bad);
	}
	return st;
}

enum status svc_print_application(struct app *app, const struct actor *a, const char *ref,
				  const char *path, struct print_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!print_may(a, e))
		return e->st;
	struct application ap;
	enum status st = print_find_app(&app->svc, ref, &ap, e);
	if (st != ST_OK)
		return st;
	if (!svc_print_allowed(&ap, e))
		return e->st;
	snprintf(out->number, sizeof out->number, "%s", ap.number);
	out->document = document_of(&ap);
	if ((st = print_path(app, path, ap.number, out->path, e)) != ST_OK)
		return st;
	return print_apps(app, a, &ap, 1, out, e);
}

static void refuse(struct print_refusal *refused, int max, int *n, const char *ref, const char *msg)
{
	if (*n < max) {
		snprintf(refused[*n].ref, sizeof refused[*n].ref, "%s", ref);
		snprintf(refused[*n].msg, sizeof refused[*n].msg, "%s", msg);
	}
	(*n)++;
}

enum status svc_print_applications(struct app *app, const struct actor *a, const char *const *refs,
				   int n, const char *path, struct print_result *out,
				   struct print_refusal *refused, int max_refused, int *n_refused,
				   struct err *e)
{
	memset(out, 0, sizeof *out);
	int nr = 0;
	if (n_refused)
		*n_refused = 0;
	if (!print_may(a, e))
		return e->st;
	if (n <= 0)
		return err_set(e, ST_INVALID, "请指定申请单号");
	if (n > PRINT_BATCH_MAX)
		return err_set(e, ST_INVALID, "一次最多打印 %d 份申请单（给出了 %d 份）", PRINT_BATCH_MAX, n);
	struct application *apps = calloc((size_t)n, sizeof *apps);
	if (!apps)
		return err_status(e, ST_NOMEM);
	int unknown = 0;
	struct err first;
	err_clear(&first);
	for (int i = 0; i < n; i++) {
		struct err pe;
		err_clear(&pe);
		enum status st = print_find_app(&app->svc, refs[i], &apps[i], &pe);
		if (st == ST_OK && !svc_print_allowed(&apps[i], &pe))
			st = pe.st;
		for (int k = 0; st == ST_OK && k < i; k++)
			if (strcmp(apps[k].id, apps[i].id) == 0)
				st = err_set(&pe, ST_STATE, "申请单 %s 重复（第 %d 份与第 %d 份）", apps[i].number,
					     k + 1, i + 1);
		if (st == ST_OK)
			continue;
		if (st == ST_NOT_FOUND)
			unknown++;
		if (nr == 0)
			first = pe;
		refuse(refused, max_refused, &nr, refs[i] ? refs[i] : "", pe.msg);
	}
	if (n_refused)
		*n_refused = nr;
	if (nr > 0) {
		free(apps);
		enum status st = unknown == nr ? ST_NOT_FOUND : ST_STATE;
		if (nr == 1)
			return err_set(e, st, "%s", first.msg);
		return err_set(e, st, "%d 份申请单中有 %d 份不能打印，全部未打印。第一份：%s", n, nr, first.msg);
	}
	snprintf(out->number, sizeof out->number, "%s", apps[0].number);
	out->document = n == 1 ? document_of(&apps[0]) : "数字证书申请表及数字证书服务协议（批量）";
	enum status st;
	if (n == 1) {
		st = print_path(app, path, apps[0].number, out->path, e);
	} else {
		char name[64], ymd[9];
		time_t now = clock_now();
		struct tm tm;
		localtime_r(&now, &tm);
		clock_local_ymd(now, ymd);
		snprintf(name, sizeof name, "batch-%s-%02d%02d%02d", ymd, tm.tm_hour, tm.tm_min, tm.tm_sec);
		st = print_path(app, path, name, out->path, e);
	}
	if (st == ST_OK)
		st = print_apps(app, a, apps, n, out, e);
	free(apps);
	return st;
}
