/* Orders: place, cancel, invoice; and the price list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "store/app_repo.h"
#include "store/attach_repo.h"
#include "store/party_repo.h"
#include "store/price_repo.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/order.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/jsonx.h"
#include "util/utf8.h"

static json_t *order_json(const struct order *o)
{
	char fen[32];
	format_fen(o->total_fen, fen);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "number", o->number, "status",
			 order_status_code(o->status), "holder_name", o->holder_name, "method",
			 pay_method_code(o->method), "total", fen, "delivery",
			 delivery_code(o->delivery), "invoice", o->invoice_wanted, "reason", o->reason);
}

/* Load the applications of a selection and check they fit in one order
 * and are in no other. */
static enum status load_apps(struct db *db, json_t *ids, struct application *apps, int *n,
			     struct err *e)
{
	size_t i;
	json_t *v;
	*n = 0;
	if (!json_is_array(ids) || json_array_size(ids) == 0)
		return err_set(e, ST_INVALID, "请至少选择一份申请单");
	if (json_array_size(ids) > ORDER_MAX_LINES)
		return err_set(e, ST_INVALID, "一个订单最多 %d 份申请单", ORDER_MAX_LINES);
	json_array_foreach(ids, i, v) {
		if (!json_is_string(v))
			return err_set(e, ST_INVALID, "申请单编号无效");
		for (int j = 0; j < *n; j++)
			if (strcmp(apps[j].id, json_string_value(v)) == 0)
				return err_set(e, ST_INVALID, "申请单 %s 选择了两次", apps[j].number);
		enum status st = app_repo_get(db, json_string_value(v), &apps[*n], e);
		if (st != ST_OK)
			return st;
		char other[NUMBER_MAX];
		struct err nf;
		if (order_repo_of_application(db, apps[*n].id, NULL, other, &nf) == ST_OK)
			return err_set(e, ST_STATE, "申请单 %s 已在订单 %s 中", apps[*n].number, other);
		(*n)++;
	}
	return order_lines_fit(apps, *n, e) ? ST_OK : e->st;
}

static enum status price_lines(struct db *db, const struct application *apps, int n,
			       struct order_line *lines, struct err *e)
{
	for (int i = 0; i < n; i++) {
		struct price p;
		enum status st = price_repo_find(db, apps[i].kind, apps[i].subject, apps[i].years, &p, e);
		if (st != ST_OK)
			return err_set(e, st, "申请单 %s：%s", apps[i].number, e->msg);
		memset(&lines[i], 0, sizeof lines[i]);
		memcpy(lines[i].application_id, apps[i].id, sizeof lines[i].application_id);
		memcpy(lines[i].number, apps[i].number, sizeof lines[i].number);
		lines[i].kind = apps[i].kind;
		lines[i].subject = apps[i].subject;
		lines[i].years = apps[i].years;
		lines[i].fen = p.fen;
		memcpy(lines[i].holder_name, apps[i].holder_name, sizeof lines[i].holder_name);
		memcpy(lines[i].holder_code, apps[i].holder_code, sizeof lines[i].holder_code);
	}
	return ST_OK;
}

enum status svc_order_preview(struct svc *svc, const char *const *application_ids, int n,
			      struct order_line *lines, long long *total, unsigned *methods,
			      struct err *e)
{
	struct application apps[ORDER_MAX_LINES];
	json_t *ids = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(ids, json_string(application_ids[i]));
	int got;
	enum status st = load_apps(svc->db, ids, apps, &got, e);
	json_decref(ids);
	if (st == ST_OK)
		st = price_lines(svc->db, apps, got, lines, e);
	if (st != ST_OK)
		return st;
	if (!order_total(lines, got, total))
		return err_set(e, ST_INVALID, "金额过大");
	*methods = order_methods(lines, got);
	return ST_OK;
}

#define FIELD_FAIL(f) (snprintf(e->field, sizeof e->field, "%s", f), e->st)

/* `new_rules`: the rules added after orders were first synced (the postal
 * code required for post). A terminal applies them to what it places; the
 * centre does not, so that ops queued by an older terminal still apply. */
static enum status check_order_details(struct order *o, bool new_rules, struct err *e)
{
	if (o->invoice_wanted) {
		if (!o->invoice_title[0])
			return err_field(e, "invoice_title", ST_INVALID, "需要发票时请填写发票抬头");
		if (utf8_count(o->invoice_title) < 2 || utf8_count(o->invoice_title) > 64)
			return err_field(e, "invoice_title", ST_INVALID, "发票抬头应为 2 到 64 个字");
		if (o->subject == SUBJECT_ENTERPRISE) {
			if (!check_credit_code(o->invoice_taxpayer_id, e))
				return err_field(e, "invoice_taxpayer_id", ST_INVALID, "纳税识别号：%s", e->msg);
		} else if (o->invoice_taxpayer_id[0] && !check_id_number(o->invoice_taxpayer_id, e) &&
			   !check_credit_code(o->invoice_taxpayer_id, e)) {
			return err_field(e, "invoice_taxpayer_id", ST_INVALID,
					 "纳税识别号应为统一社会信用代码或身份证号");
		}
		if (!check_email(o->invoice_email, e))
			return FIELD_FAIL("invoice_email");
	} else {
		o->invoice_title[0] = o->invoice_taxpayer_id[0] = o->invoice_email[0] = '\0';
	}
	if (o->delivery == DELIVERY_POST) {
		if (!check_name(o->recipient, e))
			return err_field(e, "recipient", ST_INVALID, "收件人：%s", e->msg);
		if (!check_mobile(o->recipient_phone, e))
			return FIELD_FAIL("recipient_phone");
		if (!check_address(o->recipient_address, e))
			return FIELD_FAIL("recipient_address");
		if (new_rules && !o->recipient_postal[0])
			return err_field(e, "recipient_postal", ST_INVALID,
					 "邮寄须填写收件邮编（6 位数字），以便快递送达");
		if (o->recipient_postal[0] && !check_postal_code(o->recipient_postal, e))
			return FIELD_FAIL("recipient_postal");
	} else {
		o->recipient[0] = o->recipient_phone[0] = o->recipient_address[0] = '\0';
		o->recipient_postal[0] = '\0';
	}
	if (!check_mobile(o->contact_phone, e))
		return err_field(e, "contact_phone", ST_INVALID, "联系手机：%s", e->msg);
	return ST_OK;
}

static enum status make_number(struct svc *svc, char out[NUMBER_MAX], struct err *e)
{
	struct terminal_info ti;
	enum status st = svc_terminal_info(svc, &ti, e);
	if (st != ST_OK)
		return st;
	char ymd[9], scope[32];
	clock_local_ymd(clock_now(), ymd);
	snprintf(scope, sizeof scope, "DD:%s", ymd);
	long seq;
	st = counter_next(svc->db, scope, &seq, e);
	if (st == ST_OK)
		number_format("DD", ti.office_code, ti.terminal_code, ymd, seq, out);
	return st;
}

/* ---- order.place ---- */

static enum status place_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	struct order o;
	char method[16], delivery[16];
	memset(&o, 0, sizeof o);
	if (!jx_str(p, "id", o.id, sizeof o.id, false, e) ||
	    !jx_str(p, "number", o.number, sizeof o.number, true, e) ||
	    !jx_str(p, "method", method, sizeof method, false, e) ||
	    !jx_bool(p, "invoice_wanted", &o.invoice_wanted, false, e) ||
	    !jx_str(p, "invoice_title", o.invoice_title, sizeof o.invoice_title, true, e) ||
	    !jx_str(p, "invoice_taxpayer_id", o.invoice_taxpayer_id, sizeof o.invoice_taxpayer_id, true, e) ||
	    !jx_str(p, "invoice_email", o.invoice_email, sizeof o.invoice_email, true, e) ||
	    !jx_str(p, "delivery", delivery, sizeof delivery, false, e) ||
	    !jx_str(p, "recipient", o.recipient, sizeof o.recipient, true, e) ||
	    !jx_str(p, "recipient_phone", o.recipient_phone, sizeof o.recipient_phone, true, e) ||
	    !jx_str(p, "recipient_address", o.recipient_address, sizeof o.recipient_address, true, e) ||
	    !jx_str(p, "recipient_postal", o.recipient_postal, sizeof o.recipient_postal, true, e) ||
	    !jx_str(p, "contact_phone", o.contact_phone, sizeof o.contact_phone, true, e) ||
	    !jx_str(p, "office_id", o.office_id, sizeof o.office_id, false, e) ||
	    !jx_str(p, "terminal_id", o.terminal_id, sizeof o.terminal_id, false, e))
		return e->st;
	if (!uuid_valid(o.id))
		return err_set(e, ST_INVALID, "无效的记录编号");
	if (!pay_method_parse(method, &o.method) || o.method == PAY_NONE)
		return err_field(e, "method", ST_INVALID, "请选择缴费方式");
	if (!delivery_parse(delivery, &o.delivery))
		return err_field(e, "delivery", ST_INVALID, "无效的领取方式");

	struct application apps[ORDER_MAX_LINES];
	struct order_line lines[ORDER_MAX_LINES];
	int n;
	enum status st = load_apps(db, json_object_get(p, "application_ids"), apps, &n, e);
	if (st == ST_OK)
		st = price_lines(db, apps, n, lines, e);
	if (st != ST_OK)
		return st;
	/* The prices as fixed on the terminal travel with the order: a price
	 * list changed at the centre meanwhile does not alter it. */
	json_t *fixed = json_object_get(p, "prices");
	if (json_is_array(fixed) && json_array_size(fixed) == (size_t)n) {
		for (int i = 0; i < n; i++) {
			json_t *f = json_array_get(fixed, (size_t)i);
			if (!json_is_integer(f) || json_integer_value(f) < 0)
				return err_set(e, ST_INVALID, "订单价格无效");
			lines[i].fen = json_integer_value(f);
		}
	} else {
		json_t *arr = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, json_integer(lines[i].fen));
		json_object_set_new(p, "prices", arr);
	}
	if (!order_total(lines, n, &o.total_fen))
		return err_set(e, ST_INVALID, "金额过大");
	if (!(order_methods(lines, n) & (1u << o.method)))
		return err_field(e, "method", ST_INVALID,
				 "订单中含有新办等非续费申请，只能选择对公转账（在线支付仅限全部为续费的订单）");
	o.subject = apps[0].subject;
	memcpy(o.holder_code, apps[0].holder_code, sizeof o.holder_code);
	memcpy(o.holder_name, apps[0].holder_name, sizeof o.holder_name);
	memcpy(o.applicant_id, apps[0].applicant_id, sizeof o.applicant_id);
	if ((st = check_order_details(&o, !run->svc->centre, e)) != ST_OK)
		return st;
	o.status = ORDER_UNPAID;
	snprintf(o.created_by, sizeof o.created_by, "%s", run->actor->id);
	if (!o.number[0]) {
		if (run->svc->centre)
			return err_set(e, ST_INVALID, "缺少订单号");
		if ((st = make_number(run->svc, o.number, e)) != ST_OK)
			return st;
		json_object_set_new(p, "number", json_string(o.number));
	}
	st = order_repo_insert(db, &o, e);
	for (int i = 0; i < n && st == ST_OK; i++)
		st = order_repo_add_line(db, o.id, &lines[i], e);
	if (st != ST_OK)
		return st;
	run->entity = "order";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", o.id);
	run->after = order_json(&o);
	json_t *nums = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(nums, json_string(lines[i].number));
	json_object_set_new(run->after, "applications", nums);
	return ST_OK;
}
const struct command cmd_order_place = { "order.place", 1, ROLE_CLERK, place_apply };

enum status svc_order_place(struct svc *svc, const struct actor *a, const struct order_input *in,
			    char id_out[UUID_LEN + 1], char number_out[NUMBER_MAX], struct err *e)
{
#define S(x) ((x) ? (x) : "")
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *ids = json_array();
	for (int i = 0; i < in->n; i++)
		json_array_append_new(ids, json_string(in->application_ids[i] ? in->application_ids[i] : ""));
	json_t *p = json_pack("{s:s, s:o, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
			      " s:s, s:s}",
			      "id", id, "application_ids", ids, "method", pay_method_code(in->method),
			      "invoice_wanted", in->invoice_wanted, "invoice_title",
			      S(in->invoice_title), "invoice_taxpayer_id", S(in->invoice_taxpayer_id),
			      "invoice_email", S(in->invoice_email), "delivery",
			      delivery_code(in->delivery), "recipient", S(in->recipient),
			      "recipient_phone", S(in->recipient_phone), "recipient_address",
			      S(in->recipient_address), "recipient_postal", S(in->recipient_postal),
			      "contact_phone", S(in->contact_phone), "office_id", a->office_id,
			      "terminal_id", a->terminal_id);
#undef S
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_order_place, p, e);
	if (st == ST_OK) {
		if (id_out)
			memcpy(id_out, id, sizeof id);
		if (number_out)
			snprintf(number_out, NUMBER_MAX, "%s", jx_cstr(p, "number"));
	}
	json_decref(p);
	return st;
}

/* ---- order.cancel ---- */

static enum status load_order(struct svc_run *run, json_t *p, struct order *o, struct err *e)
{
	char id[UUID_LEN + 1];
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	enum status st = order_repo_get(run->svc->db, id, o, e);
	if (st != ST_OK)
		return st;
	run->entity = "order";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", id);
	run->before = order_json(o);
	run->base_version = o->version;
	return ST_OK;
}

/* A transfer recorded for the order and not rejected: money may be on its way. */
static bool live_transfer(struct db *db, const char *order_id)
{
	struct payment p[16];
	struct err e;
	int n = payment_repo_of_order(db, order_id, p, 16, &e);
	for (int i = 0; i < n; i++)
		if (p[i].kind == PAYMENT_TRANSFER && strcmp(p[i].state, "rejected") != 0)
			return true;
	return false;
}

static enum status cancel_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct order o;
	char reason[REASON_MAX];
	enum status st = load_order(run, p, &o, e);
	if (st != ST_OK)
		return st;
	if (!jx_str(p, "reason", reason, sizeof reason, true, e))
		return e->st;
	if (!reason[0])
		return err_field(e, "reason", ST_INVALID, "请填写取消原因");
	if (o.status != ORDER_UNPAID)
		return err_set(e, ST_STATE, "订单状态为“%s”，只有待缴费的订单可以取消",
			       order_status_label(o.status));
	if (live_transfer(run->svc->db, o.id))
		return err_set(e, ST_STATE, "订单已登记转账，请先由审核员驳回该笔转账后再取消");
	o.status = ORDER_CANCELLED;
	snprintf(o.reason, sizeof o.reason, "%s", reason);
	run->after = order_json(&o);
	return order_repo_update(run->svc->db, &o, e);
}
const struct command cmd_order_cancel = { "order.cancel", 1, ROLE_CLERK, cancel_apply };

enum status svc_order_cancel(struct svc *svc, const struct actor *a, const char *id,
			     const char *reason, struct err *e)
{
	json_t *p = json_pack("{s:s, s:s}", "id", id, "reason", reason ? reason : "");
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_order_cancel, p, e);
	json_decref(p);
	return st;
}

/* ---- order.invoice ---- */

/* Attachment rows travel in payloads as {id, sha256, name, mime, size}. */
enum status order_attach_from_json(struct svc_run *run, const char *order_id, json_t *att,
				   enum doc_type type, struct err *e);
enum status order_attach_from_json(struct svc_run *run, const char *order_id, json_t *att,
				   enum doc_type type, struct err *e)
{
	struct attachment t;
	long long size;
	memset(&t, 0, sizeof t);
	if (!jx_str(att, "id", t.id, sizeof t.id, false, e) ||
	    !jx_str(att, "sha256", t.sha256, sizeof t.sha256, false, e) ||
	    !jx_str(att, "name", t.name, sizeof t.name, false, e) ||
	    !jx_str(att, "mime", t.mime, sizeof t.mime, false, e) ||
	    !jx_int(att, "size", &size, false, e))
		return e->st;
	if (strlen(t.sha256) != 64 || strspn(t.sha256, "0123456789abcdef") != 64 || size <= 0 ||
	    size > (long long)ATTACH_MAX_BYTES || strcmp(attach_type_label(t.mime), "?") == 0)
		return err_set(e, ST_INVALID, "附件信息无效");
	snprintf(t.owner_type, sizeof t.owner_type, "order");
	snprintf(t.owner_id, sizeof t.owner_id, "%s", order_id);
	snprintf(t.doc_type, sizeof t.doc_type, "%s", doc_type_code(type));
	t.size = size;
	enum status st = blob_repo_add(run->svc->db, t.sha256, t.size, t.mime, e);
	return st == ST_OK ? attach_repo_insert(run->svc->db, &t, run->actor->id, e) : st;
}

/* Read a file for an order: stored as a blob; its description as JSON.
 * `pdf_only` for e-invoices. */
json_t *order_file_json(struct app *app, const char *path, bool pdf_only, struct err *e);
json_t *order_file_json(struct app *app, const char *path, bool pdf_only, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	enum status st = fs_read_all(path, ATTACH_MAX_BYTES, &data, &len, e);
	if (st != ST_OK) {
		err_field(e, "path", st, "%s", e->msg);
		return NULL;
	}
	const char *mime = attach_sniff((const unsigned char *)data, len, e);
	if (!mime || (pdf_only && strcmp(mime, "application/pdf") != 0)) {
		free(data);
		if (mime)
			err_set(e, ST_INVALID, "电子发票应为 PDF 文件");
		snprintf(e->field, sizeof e->field, "path");
		return NULL;
	}
	char sha[SHA256_HEX], id[UUID_LEN + 1];
	st = blob_write(app->data_dir, data, len, sha, e);
	free(data);
	if (st != ST_OK)
		return NULL;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char name[FILENAME_MAX_BYTES];
	snprintf(name, sizeof name, "%s", utf8_valid(base, strlen(base)) ? base : "文件");
	uuid_v7(id);
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "id", id, "sha256", sha, "name", name, "mime",
			 mime, "size", (json_int_t)len);
}

static enum status invoice_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct order o;
	enum status st = load_order(run, p, &o, e);
	if (st != ST_OK)
		return st;
	if (o.status != ORDER_PAID && o.status != ORDER_INVOICED)
		return err_set(e, ST_STATE, "订单状态为“%s”，缴费核实后才能上传发票",
			       order_status_label(o.status));
	st = order_attach_from_json(run, o.id, json_object_get(p, "file"), DOC_INVOICE, e);
	if (st != ST_OK)
		return st;
	o.status = ORDER_INVOICED;
	run->after = order_json(&o);
	return order_repo_update(run->svc->db, &o, e);
}
const struct command cmd_order_invoice = { "order.invoice", 1, ROLE_CLERK, invoice_apply };

enum status svc_order_invoice(struct app *app, const struct actor *a, const char *order_id,
			      const char *path, struct err *e)
{
	json_t *file = order_file_json(app, path, true, e);
	if (!file)
		return e->st;
	json_t *p = json_pack("{s:s, s:o}", "id", order_id, "file", file);
	enum status st = svc_exec(&app->svc, a, &cmd_order_invoice, p, e);
	json_decref(p);
	return st;
}

/* ---- reading ---- */

enum status svc_order_get(struct svc *svc, const char *id, struct order *out, struct err *e)
{
	return order_repo_get(svc->db, id, out, e);
}

enum status svc_order_by_number(struct svc *svc, const char *number, struct order *out,
				struct err *e)
{
	return order_repo_by_number(svc->db, number, out, e);
}

int svc_order_lines(struct svc *svc, const char *order_id, struct order_line *out, int max,
		    struct err *e)
{
	return order_repo_lines(svc->db, order_id, out, max, e);
}

int svc_order_payments(struct svc *svc, const char *order_id, struct payment *out, int max,
		       struct err *e)
{
	return payment_repo_of_order(svc->db, order_id, out, max, e);
}

int svc_order_attachments(struct svc *svc, const char *order_id, struct attachment *out, int max,
			  struct err *e)
{
	return attach_repo_of(svc->db, "order", order_id, out, max, e);
}

enum status svc_order_invoice_file(struct svc *svc, const char *order_id, struct attachment *out,
				   struct err *e)
{
	struct attachment files[32];
	int n = attach_repo_of(svc->db, "order", order_id, files, 32, e);
	if (n < 0)
		return e->st;
	for (int i = n - 1; i >= 0; i--)
		if (strcmp(files[i].doc_type, doc_type_code(DOC_INVOICE)) == 0) {
			*out = files[i];
			return ST_OK;
		}
	return err_set(e, ST_NOT_FOUND, "订单还没有上传电子发票");
}

bool svc_order_of_application(struct svc *svc, const char *application_id,
			      char order_id[UUID_LEN + 1], char number[NUMBER_MAX])
{
	struct err e;
	return order_repo_of_application(svc->db, application_id, order_id, number, &e) == ST_OK;
}

int svc_order_find(struct svc *svc, const char *query, const char *status, const char *from,
		   const char *to, enum page_dir dir, const char *key, struct order *out, int max,
		   struct err *e)
{
	struct order_filter f;
	memset(&f, 0, sizeof f);
	char q[PERSON_NAME_MAX];
	snprintf(q, sizeof q, "%s", query ? query : "");
	utf8_trim(q);
	if (status && *status) {
		enum order_status s;
		if (!order_status_parse(status, &s)) {
			err_field(e, "status", ST_INVALID, "无效的状态 %s", status);
			return -1;
		}
		snprintf(f.status, sizeof f.status, "%s", status);
	}
	/* Dates are id bounds (UUIDv7), as in the application list. */
	struct app_filter dates;
	memset(&dates, 0, sizeof dates);
	if (!app_filter_dates(&dates, from, to, e))
		return -1;
	memcpy(f.id_from, dates.id_from, sizeof f.id_from);
	memcpy(f.id_to, dates.id_to, sizeof f.id_to);
	size_t n = strlen(q);
	if (n && number_looks_valid(q)) {
		/* A number is one order at most, whatever the other filters say. */
		if (max < 1 || (dir != PAGE_FIRST && dir != PAGE_LAST && dir != PAGE_AT))
			return 0;
		struct err nf;
		return order_repo_by_number(svc->db, q, &out[0], &nf) == ST_OK ? 1 : 0;
	}
	if (n == 11 && strspn(q, "0123456789") == 11) {
		struct applicant a;
		struct err nf;
		if (applicant_repo_by_phone(svc->db, q, &a, &nf) != ST_OK)
			return 0;
		snprintf(f.applicant_id, sizeof f.applicant_id, "%s", a.id);
	} else if (n == 18 && strspn(q, "0123456789ABCDEFGHJKLMNPQRTUWXYabcdefghjklmnpqrtuwxy") == 18) {
		for (char *c = q; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		snprintf(f.holder_code, sizeof f.holder_code, "%s", q);
	} else if (n) {
		if (utf8_count(q) < 2) {
			err_field(e, "query", ST_INVALID,
				  "请输入订单号、手机号、信用代码、身份证号，或至少 2 个字的企业名称或姓名");
			return -1;
		}
		snprintf(f.name, sizeof f.name, "%s", q);
	}
	return order_repo_page(svc->db, &f, dir, key, out, max, e);
}

/* ---- price.set ---- */

static enum status price_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct price pr = { 0 };
	char kind[16], subject[16];
	long long years, fen;
	if (!jx_str(p, "id", pr.id, sizeof pr.id, false, e) ||
	    !jx_str(p, "kind", kind, sizeof kind, false, e) ||
	    !jx_str(p, "subject", subject, sizeof subject, false, e) ||
	    !jx_int(p, "years", &years, false, e) || !jx_int(p, "fen", &fen, false, e) ||
	    !jx_bool(p, "active", &pr.active, false, e))
		return e->st;
	if (!app_kind_parse(kind, &pr.kind) || !app_subject_parse(subject, &pr.subject))
		return err_set(e, ST_INVALID, "无效的业务或证书类型");
	if (years < 0 || years > APP_MAX_YEARS)
		return err_field(e, "years", ST_INVALID, "年限应为 0 到 %d", APP_MAX_YEARS);
	if (fen < 0 || fen > 100000000LL * 100)
		return err_field(e, "price", ST_INVALID, "价格无效");
	pr.years = (int)years;
	pr.fen = fen;
	struct price old;
	struct err nf;
	bool had = price_repo_find(run->svc->db, pr.kind, pr.subject, pr.years, &old, &nf) == ST_OK;
	run->entity = "price";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", had ? old.id : pr.id);
	char buf[32];
	if (had) {
		format_fen(old.fen, buf);
		run->before = json_pack("{s:s, s:s, s:i, s:s}", "kind", kind, "subject", subject,
					"years", (int)years, "price", buf);
	}
	format_fen(pr.fen, buf);
	run->after = json_pack("{s:s, s:s, s:i, s:s, s:b}", "kind", kind, "subject", subject,
			       "years", (int)years, "price", buf, "active", pr.active);
	return price_repo_put(run->svc->db, &pr, e);
}
const struct command cmd_price_set = { "price.set", 1, ROLE_ADMIN, price_apply };

enum status svc_price_set(struct svc *svc, const struct actor *a, enum app_kind k,
			  enum app_subject s, int years, long long fen, bool active, struct err *e)
{
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *p = json_pack("{s:s, s:s, s:s, s:i, s:I, s:b}", "id", id, "kind", app_kind_code(k),
			      "subject", app_subject_code(s), "years", years, "fen", (json_int_t)fen,
			      "active", active);
	enum status st = svc_exec(svc, a, &cmd_price_set, p, e);
	json_decref(p);
	return st;
}
