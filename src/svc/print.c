/* Printing: what every document shares (svc/print_int.h), and the printer. */
#include "svc/print_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "svc/application.h"
#include "svc/order.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/utf8.h"

/* ---- the engine and layouts, kept for the program's life ---- */

static const char *const layout_names[PL__N] = {
	[PL_ENTERPRISE] = "application_enterprise", [PL_PERSONAL] = "application_personal",
	[PL_AGREEMENT] = "agreement",               [PL_RECEIPT] = "receipt",
	[PL_PAYMENT] = "payment_receipt",           [PL_PICKUP] = "pickup_slip",
};
static struct pdf_engine *engine;
static struct layout *layouts[PL__N];
static bool at_exit;

void svc_print_shutdown(void)
{
	pdf_engine_free(engine);
	engine = NULL;
	for (int i = 0; i < PL__N; i++) {
		layout_free(layouts[i]);
		layouts[i] = NULL;
	}
}

enum status print_prepare(struct err *e)
{
	if (!at_exit) {
		if (atexit(svc_print_shutdown) != 0)
			return err_status(e, ST_NOMEM);
		at_exit = true;
	}
	for (int i = 0; i < PL__N; i++)
		if (!layouts[i]) {
			enum status st = layout_load(layout_names[i], &layouts[i], e);
			if (st != ST_OK)
				return st;
		}
	if (!engine)
		return pdf_engine_new(NULL, &engine, e);
	return ST_OK;
}

struct pdf_engine *print_engine(void)
{
	return engine;
}

const struct layout *print_layout(enum print_layout l)
{
	return layouts[l];
}

bool print_may(const struct actor *a, struct err *e)
{
	if (actor_can(a, ROLE_CLERK))
		return true;
	err_set(e, ST_DENIED, "此操作需要%s权限", role_label(ROLE_CLERK));
	return false;
}

/* ---- dates, paths, records ---- */

void print_local_date(const char *iso, char out[11])
{
	time_t t;
	char buf[17];
	out[0] = '\0';
	if (!iso || !*iso || !clock_parse_iso(iso, &t))
		return;
	clock_local(t, buf);
	snprintf(out, 11, "%.10s", buf);
}

void print_today(char out[11])
{
	char ymd[17];
	clock_local(clock_now(), ymd);
	snprintf(out, 11, "%.10s", ymd);
}

enum status print_path(struct app *app, const char *path, const char *name, char out[PATH_MAX],
		       struct err *e)
{
	if (path && *path) {
		if (snprintf(out, PATH_MAX, "%s", path) >= PATH_MAX)
			return err_set(e, ST_INVALID, "文件路径过长");
		return ST_OK;
	}
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s/print", app->data_dir) >= (int)sizeof dir ||
	    snprintf(out, PATH_MAX, "%s/%s.pdf", dir, name) >= PATH_MAX)
		return err_set(e, ST_INVALID, "数据目录路径过长");
	for (char *p = out + strlen(dir) + 1; *p; p++)
		if (*p == '/')
			*p = '_';
	return fs_mkdir_p(dir, e);
}

/* What was given, safe to put in a message. */
static void shown_ref(const char *ref, char out[64])
{
	utf8_fit(utf8_valid(ref, strlen(ref)) ? ref : "?", 48, true, out, 64);
}

enum status print_find_app(struct svc *svc, const char *ref, struct application *a, struct err *e)
{
	if (!ref || !*ref)
		return err_set(e, ST_INVALID, "请指定申请单号");
	enum status st = uuid_valid(ref) ? svc_application_get(svc, ref, a, e)
					 : svc_application_by_number(svc, ref, a, e);
	if (st == ST_NOT_FOUND) {
		char shown[64];
		shown_ref(ref, shown);
		return err_set(e, ST_NOT_FOUND, "没有申请单 %s", shown);
	}
	return st;
}

enum status print_find_order(struct svc *svc, const char *ref, struct order *o, struct err *e)
{
	if (!ref || !*ref)
		return err_set(e, ST_INVALID, "请指定订单号");
	enum status st = uuid_valid(ref) ? svc_order_get(svc, ref, o, e) : svc_order_by_number(svc, ref, o, e);
	if (st == ST_NOT_FOUND) {
		char shown[64];
		shown_ref(ref, shown);
		return err_set(e, ST_NOT_FOUND, "没有订单 %s", shown);
	}
	return st;
}

/* ---- unprintable characters, named by field ---- */

/* The field a data key stands for, as the documents label it. */
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
		{ "authority.address", "材料寄送地址（certdesk.conf 的 authority.address）" },
		{ "office.name", "受理点名称" },
		{ "clerk.name", "受理员姓名" },
		{ "order.payer", "缴费单位/个人" },
		{ "payment.payer", "付款人" },
		{ "payment.bank", "付款银行" },
		{ "payment.verifier", "核款人" },
		{ "delivery.recipient", "收件人" },
		{ "delivery.address", "回寄地址" },
		{ "invoice.title", "发票抬头" },
		{ "pickup.holders", "可领取人" },
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
	static const struct { const char *group, *label; } groups[] = {
		{ "attachments", "提交材料" }, { "applications", "申请单列表" }, { "certificates", "证书清单" },
	};
	int rowno;
	char group[32];
	if (sscanf(key, "%31[a-z][%d]", group, &rowno) == 2)
		for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
			if (strcmp(groups[i].group, group) == 0) {
				snprintf(out, 64, "%s第 %d 行", groups[i].label, rowno + 1);
				return;
			}
	snprintf(out, 64, "%s", key);
}

enum status print_render(const struct pdf_job *jobs, size_t n, bool personal,
			 struct print_result *out, struct err *e)
{
	struct pdf_result res;
	enum status st = pdf_render_file(engine, jobs, n, out->path, &res, e);
	if (st != ST_OK)
		return st;
	out->pages = res.pages;
	out->bytes = res.bytes;
	out->ms = res.ms_total;
	out->n_bad = res.n_bad;
	struct pdf_result named = res;
	size_t kept = named.n_bad < PDF_BAD_MAX ? named.n_bad : PDF_BAD_MAX;
	for (size_t i = 0; i < kept; i++) {
		char label[64];
		key_label(res.bad[i].key, personal, label);
		snprintf(named.bad[i].key, sizeof named.bad[i].key, "%s", label);
	}
	pdf_result_bad_text(&named, out->warning, sizeof out->warning);
	return ST_OK;
}

/* ---- the record of a print ---- */

enum status print_audit(struct svc *svc, const struct actor *a, struct print_audit_rec *recs,
			int n, const char *pdf, struct err *e)
{
	char **texts = calloc((size_t)(n > 0 ? n : 1), sizeof *texts);
	enum status st = texts ? ST_OK : err_status(e, ST_NOMEM);
	for (int i = 0; i < n && st == ST_OK; i++) {
		texts[i] = recs[i].after ? json_dumps(recs[i].after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (!texts[i])
			st = err_status(e, ST_NOMEM);
	}
	if (st == ST_OK)
		st = db_begin(svc->db, e);
	if (st == ST_OK) {
		for (int i = 0; i < n && st == ST_OK; i++) {
			struct audit_rec rec = { recs[i].action, recs[i].entity, recs[i].entity_id, NULL, texts[i] };
			st = audit_append(svc->db, a, &rec, e);
		}
		if (st == ST_OK)
			st = db_commit(svc->db, e);
		else
			db_rollback(svc->db);
	}
	for (int i = 0; i < n; i++) {
		json_decref(recs[i].after);
		recs[i].after = NULL;
		if (texts)
			free(texts[i]);
	}
	free(texts);
	if (st != ST_OK && pdf)
		unlink(pdf);
	return st;
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
