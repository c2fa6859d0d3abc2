/* Printing an application: form and agreement in one PDF, audited. */
#include "svc/print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/staff_repo.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/price.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/utf8.h"

/* ---- the engine and layouts, kept for the program's life ---- */

enum { L_ENTERPRISE, L_PERSONAL, L_AGREEMENT, L__N };
static const char *const layout_names[L__N] = { "application_enterprise", "application_personal",
						"agreement" };
static struct pdf_engine *engine;
static struct layout *layouts[L__N];
static bool at_exit;

void svc_print_shutdown(void)
{
	pdf_engine_free(engine);
	engine = NULL;
	for (int i = 0; i < L__N; i++) {
		layout_free(layouts[i]);
		layouts[i] = NULL;
	}
}

static enum status prepare(struct err *e)
{
	if (!at_exit) {
		if (atexit(svc_print_shutdown) != 0)
			return err_status(e, ST_NOMEM);
		at_exit = true;
	}
	for (int i = 0; i < L__N; i++)
		if (!layouts[i]) {
			enum status st = layout_load(layout_names[i], &layouts[i], e);
			if (st != ST_OK)
				return st;
		}
	if (!engine)
		return pdf_engine_new(NULL, &engine, e);
	return ST_OK;
}

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

/* The local date (YYYY-MM-DD) of a UTC ISO time, or "" when unreadable. */
static void local_date(const char *iso, char out[11])
{
	time_t t;
	char buf[17];
	out[0] = '\0';
	if (!iso || !*iso || !clock_parse_iso(iso, &t))
		return;
	clock_local(t, buf);
	snprintf(out, 11, "%.10s", buf);
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
	char created[11], today[11], ymd[17];
	local_date(a->created_at, created);
	clock_local(clock_now(), ymd);
	snprintf(today, sizeof today, "%.10s", ymd);

	bool ok = true;
#define SET(k, v) (ok = ok && pdf_data_set(d, k, v))
	SET("application.number", a->number);
	SET("application.date", created);
	SET("application.kind", app_kind_code(a->kind));
	/* Revoke and unlock have no validity: the field stays empty. */
	ok = ok && (a->years > 0 ? pdf_data_setf(d, "application.years", "%d", a->years)
				 : pdf_data_set(d, "application.years", ""));
	SET("application.cert_serial", a->cert_serial);
	struct price p;
	struct err pe;
	if (a->years > 0 && svc_price_find(svc, a->kind, a->subject, a->years, &p, &pe) == ST_OK)
		ok = ok && pdf_data_setf(d, "application.fee", "%lld", p.fen);

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

/* ---- unprintable characters, named by field ---- */

/* The field a data key stands for, as the form labels it. */
static void key_label(const char *key, bool personal, char out[64])
{
	static const struct { const char *key, *label; } labels[] = {
		{ "application.number", "申请单号" },
		{ "application.cert_serial", "原证书序列号" },
		{ "enterprise.name", "单位名称" },
		{ "enterprise.credit_code", "统一社会信用代码" },
		{ "enterprise.legal_rep", "法定代表人" },
		{ "enterprise.address", "单位地址" },
		{ "enterprise.postal_code", "邮政编码" },
		{ "enterprise.phone", "单位电话" },
		{ "applicant.mobile", "手机号码" },
		{ "applicant.id_number", "身份证号码" },
		{ "applicant.email", "电子邮箱" },
		{ "applicant.organization", "工作单位" },
		{ "applicant.address", "联系地址" },
		{ "applicant.postal_code", "邮政编码" },
		{ "authority.name", "认证机构名称（certdesk.conf 的 authority.name）" },
		{ "office.name", "受理点名称" },
		{ "clerk.name", "受理员姓名" },
	};
	if (!key[0]) {
		snprintf(out, 64, "版式文字");
		return;
	}
	if (strcmp(key, "applicant.name") == 0) {
		snprintf(out, 64, "%s", personal ? "申请人姓名" : "经办人姓名");
		return;
	}
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].key, key) == 0) {
			snprintf(out, 64, "%s", labels[i].label);
			return;
		}
	int rowno;
	char field[16];
	if (sscanf(key, "attachments[%d].%15s", &rowno, field) == 2) {
		snprintf(out, 64, "提交材料第 %d 行%s", rowno + 1, strcmp(field, "note") == 0 ? "备注" : "");
		return;
	}
	snprintf(out, 64, "%s", key);
}

static void bad_text(const struct pdf_result *res, bool personal, char *out, size_t outsz)
{
	struct pdf_result named = *res;
	size_t kept = named.n_bad < PDF_BAD_MAX ? named.n_bad : PDF_BAD_MAX;
	for (size_t i = 0; i < kept; i++) {
		char label[64];
		key_label(res->bad[i].key, personal, label);
		snprintf(named.bad[i].key, sizeof named.bad[i].key, "%s", label);
	}
	pdf_result_bad_text(&named, out, outsz);
}

/* ---- printing ---- */

static enum status find_app(struct svc *svc, const char *ref, struct application *a, struct err *e)
{
	if (!ref || !*ref)
		return err_set(e, ST_INVALID, "请指定申请单号");
	enum status st = uuid_valid(ref) ? svc_application_get(svc, ref, a, e)
					 : svc_application_by_number(svc, ref, a, e);
	if (st == ST_NOT_FOUND) {
		char shown[64];
		utf8_fit(utf8_valid(ref, strlen(ref)) ? ref : "?", 48, true, shown, sizeof shown);
		return err_set(e, ST_NOT_FOUND, "没有申请单 %s", shown);
	}
	return st;
}

static enum status audit_print(struct svc *svc, const struct actor *actor,
			       const struct application *a, const char *document, int pages,
			       struct err *e)
{
	json_t *after = json_pack("{s:s, s:s, s:i, s:s}", "number", a->number, "document", document,
				  "pages", pages, "agreement_version", svc_agreement_version());
	char *text = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(after);
	if (!text)
		return err_status(e, ST_NOMEM);
	struct audit_rec rec = { "application.print", "application", a->id, NULL, text };
	enum status st = db_begin(svc->db, e);
	if (st == ST_OK) {
		st = audit_append(svc->db, actor, &rec, e);
		if (st == ST_OK)
			st = db_commit(svc->db, e);
		else
			db_rollback(svc->db);
	}
	free(text);
	return st;
}

enum status svc_print_application(struct app *app, const struct actor *a, const char *ref,
				  const char *path, struct print_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!actor_can(a, ROLE_CLERK))
		return err_set(e, ST_DENIED, "此操作需要%s权限", role_label(ROLE_CLERK));
	struct application ap;
	enum status st = find_app(&app->svc, ref, &ap, e);
	if (st != ST_OK)
		return st;
	if (!svc_print_allowed(&ap, e))
		return e->st;
	bool personal = ap.subject == SUBJECT_PERSONAL;
	snprintf(out->number, sizeof out->number, "%s", ap.number);
	out->document = personal ? "数字证书申请表（个人证书）及数字证书服务协议"
				 : "数字证书申请表（企业证书）及数字证书服务协议";

	if (path && *path) {
		if (snprintf(out->path, sizeof out->path, "%s", path) >= (int)sizeof out->path)
			return err_set(e, ST_INVALID, "文件路径过长");
	} else {
		char dir[PATH_MAX];
		if (snprintf(dir, sizeof dir, "%s/print", app->data_dir) >= (int)sizeof dir ||
		    snprintf(out->path, sizeof out->path, "%s/%s.pdf", dir, ap.number) >=
			    (int)sizeof out->path)
			return err_set(e, ST_INVALID, "数据目录路径过长");
		for (char *p = out->path + strlen(dir) + 1; *p; p++)
			if (*p == '/')
				*p = '_';
		if ((st = fs_mkdir_p(dir, e)) != ST_OK)
			return st;
	}

	if ((st = prepare(e)) != ST_OK)
		return st;
	struct pdf_data *d = pdf_data_new();
	if (!d)
		return err_status(e, ST_NOMEM);
	st = svc_print_application_data(app, &ap, d, e);
	struct pdf_result res;
	if (st == ST_OK) {
		struct pdf_job jobs[2] = {
			{ layouts[personal ? L_PERSONAL : L_ENTERPRISE], d },
			{ layouts[L_AGREEMENT], d },
		};
		st = pdf_render_file(engine, jobs, 2, out->path, &res, e);
	}
	pdf_data_free(d);
	if (st != ST_OK)
		return st;

	st = audit_print(&app->svc, a, &ap, personal ? "application_personal+agreement"
						      : "application_enterprise+agreement",
			 res.pages, e);
	if (st != ST_OK) {
		unlink(out->path);
		return st;
	}
	out->pages = res.pages;
	out->bytes = res.bytes;
	out->ms = res.ms_total;
	out->n_bad = res.n_bad;
	bad_text(&res, personal, out->warning, sizeof out->warning);
	log_info("application %s printed: %d pages, %zu bytes, %.1f ms, %zu unprintable", ap.id,
		 res.pages, res.bytes, res.ms_total, res.n_bad);
	return ST_OK;
}

/* ---- the printer ---- */

const char *svc_print_printer(const struct app *app, const char *override)
{
	if (override && *override)
		return override;
	const char *conf = config_get(&app->cfg, "printer", "");
	return *conf ? conf : NULL;
}

enum status svc_print_send(const char *printer, const char *path, char job[PRINTER_JOB_MAX],
			   struct err *e)
{
	struct err pe;
	err_clear(&pe);
	enum status st = printer_send(printer, path, 0, job, &pe);
	if (st == ST_OK)
		return ST_OK;
	/* The reason, then where the PDF is: shorten the path from the left
	 * (its file name matters most) so that the sentence fits. */
	const char *tail = "；PDF 已保存在 ";
	size_t used = strlen(pe.msg) + strlen(tail) + 1;
	size_t room = used < sizeof e->msg ? sizeof e->msg - used : 0;
	const char *p = path ? path : "";
	char shown[sizeof e->msg];
	if (strlen(p) <= room) {
		snprintf(shown, sizeof shown, "%s", p);
	} else {
		const char *ell = "…";
		size_t want = room > strlen(ell) ? room - strlen(ell) : 0;
		const char *s = p + strlen(p) - want;
		while (*s && ((unsigned char)*s & 0xC0) == 0x80)
			s++; /* never start inside a character */
		snprintf(shown, sizeof shown, "%s%s", want ? ell : "", s);
	}
	return err_set(e, st, "%s%s%s", pe.msg, tail, shown);
}
