/* Entering an application: the first step (kind, subject, enterprise), and
 * the form itself, for a new application or an edit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/app_kind.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/key.h"
#include "svc/price.h"
#include "util/clock.h"
#include "ui/view_form.h"
#include "ui/views.h"

struct app_ctx {
	char applicant_id[UUID_LEN + 1];
	enum app_kind kind;
	enum app_subject subject;
};

static void free_ctx(struct form_view *fv)
{
	free(fv->ctx);
	fv->ctx = NULL;
}

/*
 * A renewal read from a KEY (view_app_renew_open) waits here while the
 * applicant reads the agreement: the agreement screen then opens the form
 * through view_app_form_open, which takes it. A renewal begun by hand
 * (view_app_start) drops it, so a renewal whose agreement was refused is
 * never filled in later by mistake.
 */
static struct {
	bool set;
	char applicant_id[UUID_LEN + 1];
	enum app_subject subject;
	struct app_prefill pf;
} pending;

void view_app_renew_open(struct ui *ui, const char *applicant_id, const char *enterprise_id,
			 enum app_subject subject, const struct app_prefill *pf)
{
	pending.set = true;
	snprintf(pending.applicant_id, sizeof pending.applicant_id, "%s", applicant_id);
	pending.subject = subject;
	pending.pf = *pf;
	view_agreement_open(ui, applicant_id, enterprise_id && *enterprise_id ? enterprise_id : NULL,
			    KIND_RENEWAL, subject);
}

/* Fill a new renewal form from the pending KEY renewal, if it is for it. */
static void take_pending(struct form_view *fv, const char *applicant_id, enum app_kind kind,
			 enum app_subject subject)
{
	if (!pending.set || kind != KIND_RENEWAL || subject != pending.subject ||
	    strcmp(applicant_id, pending.applicant_id) != 0)
		return;
	const struct app_prefill *pf = &pending.pf;
	const struct { const char *id, *value; } v[] = {
		{ "cert_serial", pf->cert_serial }, { "credit_code", pf->credit_code },
		{ "holder_name", pf->holder_name }, { "legal_rep", pf->legal_rep },
		{ "address", pf->address }, { "phone", pf->phone },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i].value[0])
			formw_set(&fv->w, v[i].id, v[i].value);
	size_t len = strlen(fv->intro);
	snprintf(fv->intro + len, sizeof fv->intro - len,
		 "原证书序列号和持证信息已按 KEY 中的证书填写，请核对。");
	pending.set = false;
}

/* ---- step 1 ---- */

static int start_save(struct form_view *fv, struct ui *ui)
{
	struct app_ctx *c = fv->ctx;
	char *kind = formw_get(&fv->w, "kind"), *subject = formw_get(&fv->w, "subject");
	char *ent = formw_get(&fv->w, "enterprise");
	enum app_kind k = KIND_NEW;
	enum app_subject s = SUBJECT_ENTERPRISE;
	app_kind_parse(kind, &k);
	app_subject_parse(subject, &s);
	char applicant[UUID_LEN + 1], enterprise[UUID_LEN + 1];
	snprintf(applicant, sizeof applicant, "%s", c->applicant_id);
	snprintf(enterprise, sizeof enterprise, "%s", s == SUBJECT_ENTERPRISE && ent ? ent : "");
	free(kind), free(subject), free(ent);
	ui_close(ui, &fv->v);
	view_agreement_open(ui, applicant, enterprise[0] ? enterprise : NULL, k, s);
	return R_HANDLED;
}

void view_app_start(struct ui *ui, const char *applicant_id, const char *enterprise_id,
		    enum app_kind kind, enum app_subject subject)
{
	pending.set = false;
	struct applicant a;
	struct err e;
	err_clear(&e);
	if (svc_applicant_get(&ui->app->svc, applicant_id, &a, &e) != ST_OK) {
		dialog_message(ui, "无法新建申请单", err_text(&e), true);
		return;
	}
	char intro[256];
	snprintf(intro, sizeof intro, "为 %s 新建申请单。选择业务、证书类型和企业，下一步阅读协议书。",
		 a.name);
	struct form_view *fv = form_view_open(ui, "application_start", "新建申请单", intro, false,
					      start_save);
	if (!fv)
		return;
	struct app_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		ui_close(ui, &fv->v);
		return;
	}
	snprintf(c->applicant_id, sizeof c->applicant_id, "%s", applicant_id);
	fv->ctx = c;
	fv->on_free = free_ctx;
	struct enterprise ents[8];
	int n = svc_applicant_enterprises(&ui->app->svc, applicant_id, ents, 8, &e);
	char choices[2048];
	int len = snprintf(choices, sizeof choices, "=（新企业，下一步填写）");
	for (int i = 0; i < n && len < (int)sizeof choices - 200; i++)
		len += snprintf(choices + len, sizeof choices - (size_t)len, "|%s=%s", ents[i].id,
				ents[i].name);
	formw_set_choices(&fv->w, "enterprise", choices);
	formw_set(&fv->w, "kind", app_kind_code(kind));
	formw_set(&fv->w, "subject", app_subject_code(subject));
	formw_set(&fv->w, "enterprise", enterprise_id ? enterprise_id : "");
}

/* ---- the application form ---- */

struct form_ctx {
	struct applicant who;           /* fills the recipient when post is chosen */
	char applicant_id[UUID_LEN + 1];
	char app_id[UUID_LEN + 1];      /* "" when new */
	enum app_kind kind;
	enum app_subject subject;
};

static void input_of(struct form_view *fv, const struct form_ctx *c,
		     struct application_input *in, char **own)
{
	/* own[] collects the strings to free. */
	static const char *const ids[] = { "years", "cert_serial", "credit_code", "holder_name",
		"legal_rep", "phone", "address", "postal_code", "email", "delivery", "recipient",
		"recipient_phone", "recipient_address", "recipient_postal", "service_reason" };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		own[i] = formw_get(&fv->w, ids[i]);
	memset(in, 0, sizeof *in);
	in->kind = c->kind;
	in->subject = c->subject;
	in->years = atoi(own[0] ? own[0] : "0");
	in->cert_serial = own[1];
	in->credit_code = own[2];
	in->holder_name = own[3];
	in->legal_rep = own[4];
	in->phone = own[5];
	in->address = own[6];
	in->postal_code = own[7];
	in->email = own[8];
	delivery_parse(own[9] ? own[9] : "", &in->delivery);
	in->recipient = own[10];
	in->recipient_phone = own[11];
	in->recipient_address = own[12];
	in->recipient_postal = own[13];
	in->service_reason = own[14];
}

#define OWN_N 15

static int form_save(struct form_view *fv, struct ui *ui)
{
	struct form_ctx *c = fv->ctx;
	struct application_input in;
	char *own[OWN_N];
	input_of(fv, c, &in, own);
	struct err e;
	err_clear(&e);
	char id[UUID_LEN + 1], number[NUMBER_MAX] = "";
	enum status st;
	if (c->app_id[0])
		st = svc_application_update(&ui->app->svc, &ui->actor, c->app_id, &in, &e);
	else
		st = svc_application_create(&ui->app->svc, &ui->actor, c->applicant_id, &in,
					    svc_agreement_version(), id, number, &e);
	for (int i = 0; i < OWN_N; i++)
		free(own[i]);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	if (c->app_id[0]) {
		ui_flash(ui, false, "申请单已保存。");
		return R_HANDLED | R_CLOSE;
	}
	ui_close(ui, &fv->v);
	view_app_open(ui, id);
	ui_flash(ui, false, "申请单 %s 已保存为草稿。请添加扫描件（F3），齐全后提交审核（F2）。",
		 number);
	return R_HANDLED;
}

/* Typing a known credit code fills the enterprise's details. */
static void form_leave(struct form_view *fv, struct ui *ui, const char *field)
{
	if (strcmp(field, "credit_code") != 0)
		return;
	char *code = formw_get(&fv->w, "credit_code"), *name = formw_get(&fv->w, "holder_name");
	struct enterprise en;
	struct err e;
	if (code && strlen(code) == 18 && name && !name[0] &&
	    svc_enterprise_by_code(&ui->app->svc, code, &en, &e) == ST_OK) {
		formw_set(&fv->w, "holder_name", en.name);
		formw_set(&fv->w, "legal_rep", en.legal_rep);
		formw_set(&fv->w, "address", en.address);
		formw_set(&fv->w, "phone", en.phone);
		ui_flash(ui, false, "已带出已登记企业“%s”的信息，请核对。", en.name);
	}
	free(code);
	free(name);
}

/* Recipient fields only when the certificate is posted; no delivery at all
 * for the services done at the counter (revoke, unlock). */
static void show_delivery(struct form_view *fv)
{
	const struct form_ctx *c = fv->ctx;
	bool delivers = !c || app_kind_delivers(c->kind);
	formw_hide(&fv->w, "delivery", !delivers);
	char *d = formw_get(&fv->w, "delivery");
	bool post = delivers && d && strcmp(d, "post") == 0;
	free(d);
	static const char *const ids[] = { "recipient", "recipient_phone", "recipient_address",
					   "recipient_postal" };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		formw_hide(&fv->w, ids[i], !post);
}

static void form_edit(struct form_view *fv, struct ui *ui, const char *field)
{
	(void)ui;
	if (strcmp(field, "bound_cert") == 0) {
		/* A bound certificate chosen: its serial, to check. */
		char *serial = formw_get(&fv->w, "bound_cert");
		if (serial && serial[0])
			formw_set(&fv->w, "cert_serial", serial);
		free(serial);
		return;
	}
	if (strcmp(field, "delivery") != 0)
		return;
	show_delivery(fv);
	/* Chosen post with nobody to post to yet: the applicant, to check. */
	struct form_ctx *c = fv->ctx;
	char *who = formw_get(&fv->w, "recipient");
	if (who && !who[0]) {
		formw_set(&fv->w, "recipient", c->who.name);
		formw_set(&fv->w, "recipient_phone", c->who.phone);
		formw_set(&fv->w, "recipient_address", c->who.address);
		formw_set(&fv->w, "recipient_postal", c->who.postal_code);
	}
	free(who);
}

/* The years offered, with their prices, from the price list. */
static void years_choices(struct ui *ui, struct form_view *fv, enum app_kind k, enum app_subject s)
{
	struct price p[8];
	struct err e;
	int n = svc_price_options(&ui->app->svc, k, s, p, 8, &e);
	char choices[512] = "";
	int len = 0, offered = 0;
	for (int i = 0; i < n; i++) {
		char fen[32];
		format_fen(p[i].fen, fen);
		if (p[i].years == 0) {
			len += snprintf(choices + len, sizeof choices - (size_t)len, "%s0=不适用 ¥%s",
					len ? "|" : "", fen);
		} else {
			len += snprintf(choices + len, sizeof choices - (size_t)len, "%s%d=%d年 ¥%s",
					len ? "|" : "", p[i].years, p[i].years, fen);
			offered++;
		}
	}
	formw_set_choices(&fv->w, "years", len ? choices : "0=价目表中没有此项");
	formw_hide(&fv->w, "years", offered == 0 && len > 0);
}

/*
 * The certificates the applicant has bound, offered for the kinds that
 * name one (the serial field still takes a typed one). Revoked ones, and
 * those expired past the 90 days, are left out. Returns how many were offered.
 */
static int bound_choices(struct ui *ui, struct form_view *fv, const char *applicant_id)
{
	struct cert_row rows[16];
	struct err e;
	int n = svc_cert_of_applicant(&ui->app->svc, applicant_id, rows, 16, &e);
	char choices[2048];
	int len = snprintf(choices, sizeof choices, "=（手工填写序列号）"), offered = 0;
	time_t now = clock_now();
	for (int i = 0; i < n && len < (int)sizeof choices - 160; i++) {
		char state[512], until[17];
		app_kind_cert_state(&rows[i], state, sizeof state);
		/* Revoked ones, and those past the 90 days that count as revoked. */
		if (state[0] || cert_row_days_left(&rows[i], now) < -CERT_RENEW_GRACE_DAYS)
			continue;
		clock_local(rows[i].not_after_t, until);
		/* Labels are at most 63 bytes: the serial's start and the date. */
		len += snprintf(choices + len, sizeof choices - (size_t)len, "|%s=%.12s%s 至 %.10s",
				rows[i].serial, rows[i].serial, strlen(rows[i].serial) > 12 ? "…" : "",
				until);
		offered++;
	}
	formw_set_choices(&fv->w, "bound_cert", choices);
	return offered;
}

/* The fields each kind uses, and a sentence on what the kind is. */
static void fit_kind(struct ui *ui, struct form_view *fv, const char *applicant_id,
		     enum app_kind kind)
{
	bool named = app_kind_needs_cert(kind) && kind != KIND_RENEWAL;
	int offered = named ? bound_choices(ui, fv, applicant_id) : 0;
	formw_hide(&fv->w, "bound_cert", offered == 0);
	formw_hide(&fv->w, "cert_serial", kind == KIND_NEW);
	formw_hide(&fv->w, "service_reason", !app_kind_takes_reason(kind));
	static const char *const what[KIND__COUNT] = {
		[KIND_CHANGE] = "变更：持证信息已变化，按新信息制作新证书，原证书随之注销。",
		[KIND_REISSUE] = "补办：KEY 遗失或损坏，原证书注销，在新 KEY 上制作新证书；须写明原因。",
		[KIND_REVOKE] = "注销：应持证人要求注销证书；须写明原因。审核员受理后登记注销即办结。",
		[KIND_UNLOCK] = "解锁：KEY 的 PIN 已锁定。审核员受理后，申请人带 KEY 到柜台解锁并设置新 PIN。",
	};
	if (what[kind]) {
		size_t len = strlen(fv->intro);
		snprintf(fv->intro + len, sizeof fv->intro - len, "%s%s", what[kind],
			 named && offered == 0 ? "申请人没有已绑定的证书：请先读取 KEY 绑定，或手工填写序列号。"
					       : "");
	}
}

void view_app_form_open(struct ui *ui, const char *applicant_id, const char *app_id,
			const char *enterprise_id, enum app_kind kind, enum app_subject subject)
{
	struct err e;
	err_clear(&e);
	struct application app;
	struct applicant a;
	if (app_id) {
		if (svc_application_get(&ui->app->svc, app_id, &app, &e) != ST_OK) {
			dialog_message(ui, "无法打开申请单", err_text(&e), true);
			return;
		}
		applicant_id = app.applicant_id;
		kind = app.kind;
		subject = app.subject;
	}
	if (svc_applicant_get(&ui->app->svc, applicant_id, &a, &e) != ST_OK) {
		dialog_message(ui, "无法打开申请人", err_text(&e), true);
		return;
	}
	char title[96], intro[256], phone[32];
	snprintf(title, sizeof title, "%s%s申请表%s", app_subject_label(subject), app_kind_label(kind),
		 app_id ? "（修改）" : "");
	mask_mobile(a.phone, phone);
	if (subject == SUBJECT_PERSONAL)
		snprintf(intro, sizeof intro, "持证人：%s（%s），身份证号取自申请人资料。%s", a.name, phone,
			 app_id ? app.number : "请如实填写。");
	else
		snprintf(intro, sizeof intro, "经办人：%s（%s）。企业信息须与营业执照一致。%s", a.name,
			 phone, app_id ? app.number : "");
	struct form_view *fv = form_view_open(ui, subject == SUBJECT_PERSONAL ? "application_personal"
									      : "application_enterprise",
					      title, intro, false, form_save);
	if (!fv)
		return;
	struct form_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		ui_close(ui, &fv->v);
		return;
	}
	c->who = a;
	snprintf(c->applicant_id, sizeof c->applicant_id, "%s", applicant_id);
	snprintf(c->app_id, sizeof c->app_id, "%s", app_id ? app_id : "");
	c->kind = kind;
	c->subject = subject;
	fv->ctx = c;
	fv->on_free = free_ctx;
	fv->on_leave = form_leave;
	fv->on_edit = form_edit;
	years_choices(ui, fv, kind, subject);
	fit_kind(ui, fv, applicant_id, kind);
	if (app_id) {
		char years[8];
		snprintf(years, sizeof years, "%d", app.years);
		formw_set(&fv->w, "years", years);
		formw_set(&fv->w, "bound_cert", app.cert_serial);
		formw_set(&fv->w, "cert_serial", app.cert_serial);
		formw_set(&fv->w, "service_reason", app.service_reason);
		formw_set(&fv->w, "credit_code", app.holder_code);
		formw_set(&fv->w, "holder_name", app.holder_name);
		formw_set(&fv->w, "legal_rep", app.legal_rep);
		formw_set(&fv->w, "phone", app.phone);
		formw_set(&fv->w, "address", app.address);
		formw_set(&fv->w, "postal_code", app.postal_code);
		formw_set(&fv->w, "email", app.email);
		formw_set(&fv->w, "delivery", delivery_code(app.delivery));
		formw_set(&fv->w, "recipient", app.recipient);
		formw_set(&fv->w, "recipient_phone", app.recipient_phone);
		formw_set(&fv->w, "recipient_address", app.recipient_address);
		formw_set(&fv->w, "recipient_postal", app.recipient_postal);
		show_delivery(fv);
		return;
	}
	/* A new application starts from what is known. */
	formw_set(&fv->w, "email", a.email);
	formw_set(&fv->w, "recipient", a.name);
	formw_set(&fv->w, "recipient_phone", a.phone);
	formw_set(&fv->w, "recipient_address", a.address);
	formw_set(&fv->w, "recipient_postal", a.postal_code);
	if (subject == SUBJECT_PERSONAL) {
		formw_set(&fv->w, "address", a.address);
		formw_set(&fv->w, "postal_code", a.postal_code);
	}
	show_delivery(fv);
	if (enterprise_id) {
		struct enterprise list[8];
		int n = svc_applicant_enterprises(&ui->app->svc, applicant_id, list, 8, &e);
		for (int i = 0; i < n; i++)
			if (strcmp(list[i].id, enterprise_id) == 0) {
				formw_set(&fv->w, "credit_code", list[i].credit_code);
				formw_set(&fv->w, "holder_name", list[i].name);
				formw_set(&fv->w, "legal_rep", list[i].legal_rep);
				formw_set(&fv->w, "address", list[i].address);
				formw_set(&fv->w, "phone", list[i].phone);
			}
	}
	take_pending(fv, applicant_id, kind, subject);
}
