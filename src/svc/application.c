/* Application commands: create, update, submit, cancel, accept, return. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "model/validate.h"
#include "store/app_kind_repo.h"
#include "store/app_repo.h"
#include "store/attach_repo.h"
#include "store/party_repo.h"
#include "store/price_repo.h"
#include "store/settings.h"
#include "svc/app_internal.h"
#include "svc/app_kind.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "util/embedded.h"
#include "util/jsonx.h"

const char *svc_agreement_text(void)
{
	const struct embedded_file *f = embedded_find("print/agreement.txt");
	return f ? f->data : "";
}

const char *svc_agreement_version(void)
{
	static char version[13];
	if (!version[0]) {
		unsigned char md[crypto_hash_sha256_BYTES];
		const char *t = svc_agreement_text();
		crypto_hash_sha256(md, (const unsigned char *)t, strlen(t));
		char hex[65];
		sodium_bin2hex(hex, sizeof hex, md, sizeof md);
		memcpy(version, hex, 12);
	}
	return version;
}

/* The audit image of an application (the holder's code masked when it is a
 * person's ID number). */
json_t *app_json(const struct application *a)
{
	char code[32];
	if (a->subject == SUBJECT_PERSONAL)
		mask_id_number(a->holder_code, code);
	else
		snprintf(code, sizeof code, "%s", a->holder_code);
	char rphone[32] = "";
	if (a->recipient_phone[0])
		mask_mobile(a->recipient_phone, rphone);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			      "number", a->number, "kind", app_kind_code(a->kind), "subject",
			      app_subject_code(a->subject), "status", app_status_code(a->status),
			      "years", a->years, "holder_name", a->holder_name, "holder_code", code,
			      "cert_serial", a->cert_serial, "address", a->address, "delivery",
			      delivery_code(a->delivery), "recipient", a->recipient,
			      "recipient_phone", rphone, "reason", a->reason);
	/* Only the kinds that have them, so older images read the same. */
	if (j && a->service_reason[0])
		json_object_set_new(j, "service_reason", json_string(a->service_reason));
	if (j && a->done_at[0])
		json_object_set_new(j, "done_at", json_string(a->done_at));
	return j;
}

/* Read the editable details from a payload into a. */
static bool details_from_json(json_t *p, struct application *a, struct err *e)
{
	char kind[16], subject[16], delivery[16];
	long long years;
	if (!jx_str(p, "kind", kind, sizeof kind, false, e) ||
	    !jx_str(p, "subject", subject, sizeof subject, false, e) ||
	    !jx_int(p, "years", &years, false, e) ||
	    !jx_str(p, "cert_serial", a->cert_serial, sizeof a->cert_serial, true, e) ||
	    !jx_str(p, "holder_name", a->holder_name, sizeof a->holder_name, true, e) ||
	    !jx_str(p, "holder_code", a->holder_code, sizeof a->holder_code, true, e) ||
	    !jx_str(p, "legal_rep", a->legal_rep, sizeof a->legal_rep, true, e) ||
	    !jx_str(p, "address", a->address, sizeof a->address, true, e) ||
	    !jx_str(p, "postal_code", a->postal_code, sizeof a->postal_code, true, e) ||
	    !jx_str(p, "email", a->email, sizeof a->email, true, e) ||
	    !jx_str(p, "phone", a->phone, sizeof a->phone, true, e) ||
	    !jx_str(p, "delivery", delivery, sizeof delivery, false, e) ||
	    !jx_str(p, "recipient", a->recipient, sizeof a->recipient, true, e) ||
	    !jx_str(p, "recipient_phone", a->recipient_phone, sizeof a->recipient_phone, true, e) ||
	    !jx_str(p, "recipient_address", a->recipient_address, sizeof a->recipient_address, true, e) ||
	    !jx_str(p, "recipient_postal", a->recipient_postal, sizeof a->recipient_postal, true, e) ||
	    !jx_str(p, "service_reason", a->service_reason, sizeof a->service_reason, true, e))
		return false;
	if (!app_kind_parse(kind, &a->kind))
		return err_field(e, "kind", ST_INVALID, "无效的业务类型 %s", kind), false;
	if (!app_subject_parse(subject, &a->subject))
		return err_field(e, "subject", ST_INVALID, "无效的证书类型 %s", subject), false;
	if (!delivery_parse(delivery, &a->delivery))
		return err_field(e, "delivery", ST_INVALID, "无效的领取方式 %s", delivery), false;
	if (years < 0 || years > APP_MAX_YEARS)
		return err_field(e, "years", ST_INVALID, "有效期应为 1 到 %d 年", APP_MAX_YEARS), false;
	a->years = (int)years;
	return true;
}

#define FIELD_FAIL(f) (snprintf(e->field, sizeof e->field, "%s", f), false)

/* The rules on an application's details; e names the form field. */
static bool check_details(struct db *db, struct application *a, struct err *e)
{
	struct price p;
	/* A service without a validity period is priced as years 0. */
	if (!app_kind_has_years(a->kind))
		a->years = 0;
	if (price_repo_find(db, a->kind, a->subject, a->years, &p, e) != ST_OK)
		return FIELD_FAIL("years");
	if (app_kind_needs_cert(a->kind)) {
		if (!a->cert_serial[0])
			return err_field(e, "cert_serial", ST_INVALID, "%s须填写原证书序列号",
					 app_kind_label(a->kind)), false;
		if (!check_cert_serial(a->cert_serial, e))
			return FIELD_FAIL("cert_serial");
		cert_serial_normalize(a->cert_serial);
	} else if (a->cert_serial[0]) {
		a->cert_serial[0] = '\0'; /* a new certificate has no old serial */
	}
	if (!app_kind_check_reason(a, e))
		return false;
	if (!app_kind_delivers(a->kind))
		a->delivery = DELIVERY_PICKUP; /* done at the counter: nothing to post */
	if (a->subject == SUBJECT_ENTERPRISE) {
		if (!check_credit_code(a->holder_code, e))
			return FIELD_FAIL("credit_code");
		if (!check_org_name(a->holder_name, e))
			return FIELD_FAIL("holder_name");
		if (!check_name(a->legal_rep, e))
			return err_field(e, "legal_rep", ST_INVALID, "法定代表人：%s", e->msg), false;
		if (!check_address(a->address, e))
			return FIELD_FAIL("address");
		if (!check_tel(a->phone, e))
			return FIELD_FAIL("phone");
	} else {
		if (!check_id_number(a->holder_code, e))
			return err_set(e, ST_INVALID, "个人证书需要申请人的身份证号：%s。请先在申请人资料中补充",
				       e->msg), false;
		if (!check_address(a->address, e))
			return FIELD_FAIL("address");
	}
	if (a->postal_code[0] && !check_postal_code(a->postal_code, e))
		return FIELD_FAIL("postal_code");
	if (a->email[0] && !check_email(a->email, e))
		return FIELD_FAIL("email");
	if (a->delivery == DELIVERY_POST) {
		if (!a->recipient[0])
			return err_field(e, "recipient", ST_INVALID, "邮寄须填写收件人"), false;
		if (!check_name(a->recipient, e))
			return err_field(e, "recipient", ST_INVALID, "收件人：%s", e->msg), false;
		if (!a->recipient_phone[0])
			return err_field(e, "recipient_phone", ST_INVALID, "邮寄须填写收件人手机"), false;
		if (!check_mobile(a->recipient_phone, e))
			return FIELD_FAIL("recipient_phone");
		if (!a->recipient_address[0])
			return err_field(e, "recipient_address", ST_INVALID, "邮寄须填写收件地址"), false;
		if (!check_address(a->recipient_address, e))
			return FIELD_FAIL("recipient_address");
		if (a->recipient_postal[0] && !check_postal_code(a->recipient_postal, e))
			return FIELD_FAIL("recipient_postal");
	} else {
		a->recipient[0] = a->recipient_phone[0] = '\0';
		a->recipient_address[0] = a->recipient_postal[0] = '\0';
	}
	return true;
}

/*
 * Resolve the holder: for a person, the applicant's own name and ID number;
 * for an enterprise, create or update its record and link the applicant.
 * The values are written back into the payload so that the centre replays
 * exactly what was applied for.
 */
static enum status resolve_holder(struct svc_run *run, json_t *p, struct application *a,
				  struct err *e)
{
	struct db *db = run->svc->db;
	if (a->subject == SUBJECT_PERSONAL) {
		struct applicant ap;
		enum status st = applicant_repo_get(db, a->applicant_id, &ap, e);
		if (st != ST_OK)
			return st;
		if (!run->svc->centre || !a->holder_name[0]) {
			snprintf(a->holder_name, sizeof a->holder_name, "%s", ap.name);
			snprintf(a->holder_code, sizeof a->holder_code, "%s", ap.id_number);
			json_object_set_new(p, "holder_name", json_string(a->holder_name));
			json_object_set_new(p, "holder_code", json_string(a->holder_code));
		}
		a->enterprise_id[0] = '\0';
		a->legal_rep[0] = '\0';
		return ST_OK;
	}
	struct enterprise en;
	struct err nf;
	if (enterprise_repo_by_code(db, a->holder_code, &en, &nf) == ST_OK) {
		bool changed = strcmp(en.name, a->holder_name) || strcmp(en.legal_rep, a->legal_rep) ||
			       strcmp(en.address, a->address) || strcmp(en.phone, a->phone);
		snprintf(en.name, sizeof en.name, "%s", a->holder_name);
		snprintf(en.legal_rep, sizeof en.legal_rep, "%s", a->legal_rep);
		snprintf(en.address, sizeof en.address, "%s", a->address);
		snprintf(en.phone, sizeof en.phone, "%s", a->phone);
		if (changed) {
			enum status st = enterprise_repo_update(db, &en, e);
			if (st != ST_OK)
				return st;
		}
	} else {
		memset(&en, 0, sizeof en);
		const char *given = jx_cstr(p, "enterprise_id");
		if (given && uuid_valid(given)) {
			snprintf(en.id, sizeof en.id, "%s", given);
		} else {
			uuid_v7(en.id);
			json_object_set_new(p, "enterprise_id", json_string(en.id));
		}
		snprintf(en.credit_code, sizeof en.credit_code, "%s", a->holder_code);
		snprintf(en.name, sizeof en.name, "%s", a->holder_name);
		snprintf(en.legal_rep, sizeof en.legal_rep, "%s", a->legal_rep);
		snprintf(en.address, sizeof en.address, "%s", a->address);
		snprintf(en.phone, sizeof en.phone, "%s", a->phone);
		enum status st = enterprise_repo_insert(db, &en, e);
		if (st != ST_OK)
			return st;
	}
	memcpy(a->enterprise_id, en.id, sizeof a->enterprise_id);
	return enterprise_repo_link(db, a->applicant_id, en.id, e);
}

/* The next readable number on this terminal, written into the payload. */
static enum status make_number(struct svc_run *run, json_t *p, struct application *a,
			       struct err *e)
{
	struct terminal_info ti;
	enum status st = svc_terminal_info(run->svc, &ti, e);
	if (st != ST_OK)
		return st;
	char ymd[9], scope[32];
	clock_local_ymd(clock_now(), ymd);
	snprintf(scope, sizeof scope, "SQ:%s", ymd);
	long seq;
	st = counter_next(run->svc->db, scope, &seq, e);
	if (st != ST_OK)
		return st;
	number_format("SQ", ti.office_code, ti.terminal_code, ymd, seq, a->number);
	json_object_set_new(p, "number", json_string(a->number));
	return ST_OK;
}

static void on(struct svc_run *run, const struct application *a)
{
	run->entity = "application";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", a->id);
}

/* ---- application.create, application.import ---- */

/*
 * A new draft. Entered at the counter (create), the applicant has read and
 * accepted the agreement first. Imported from a file (import), the
 * applicant was not there: the draft has no agreement version, and submit
 * refuses it until svc_application_agree records the acceptance.
 */
static enum status create_draft(struct svc_run *run, json_t *p, bool imported, struct err *e)
{
	struct db *db = run->svc->db;
	struct application a;
	memset(&a, 0, sizeof a);
	if (!jx_str(p, "id", a.id, sizeof a.id, false, e) ||
	    !jx_str(p, "number", a.number, sizeof a.number, true, e) ||
	    !jx_str(p, "applicant_id", a.applicant_id, sizeof a.applicant_id, false, e) ||
	    !jx_str(p, "agreement_version", a.agreement_version, sizeof a.agreement_version,
		    imported, e) ||
	    !jx_str(p, "office_id", a.office_id, sizeof a.office_id, false, e) ||
	    !jx_str(p, "terminal_id", a.terminal_id, sizeof a.terminal_id, false, e) ||
	    !details_from_json(p, &a, e))
		return e->st;
	if (!uuid_valid(a.id))
		return err_set(e, ST_INVALID, "无效的记录编号");
	if (imported && a.agreement_version[0])
		return err_set(e, ST_INVALID, "导入的申请单不能带协议书版本：申请人须在柜台阅读并同意");
	if (!imported && !a.agreement_version[0])
		return err_set(e, ST_STATE, "申请人须先阅读并同意协议书");
	struct applicant ap;
	enum status st = applicant_repo_get(db, a.applicant_id, &ap, e);
	if (st != ST_OK)
		return st;
	if (a.subject == SUBJECT_ENTERPRISE) {
		char code[CREDIT_CODE_MAX];
		if (!jx_str(p, "credit_code", code, sizeof code, false, e))
			return err_field(e, "credit_code", ST_INVALID, "请输入统一社会信用代码");
		memcpy(a.holder_code, code, sizeof code);
	}
	st = resolve_holder(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if (!check_details(db, &a, e))
		return e->st;
	if ((st = app_kind_check_cert(db, &a, NULL, e)) != ST_OK)
		return st;
	a.status = APP_DRAFT;
	snprintf(a.created_by, sizeof a.created_by, "%s", run->actor->id);
	if (!a.number[0]) {
		if (run->svc->centre)
			return err_set(e, ST_INVALID, "缺少申请单号");
		st = make_number(run, p, &a, e);
		if (st != ST_OK)
			return st;
	}
	st = app_repo_insert(db, &a, e);
	if (st == ST_OK && (a.service_reason[0] || a.done_at[0]))
		st = app_kind_repo_write(db, &a, e);
	if (st != ST_OK)
		return st;
	on(run, &a);
	run->after = app_json(&a);
	return ST_OK;
}
static enum status create_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return create_draft(run, p, false, e);
}
static enum status import_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return create_draft(run, p, true, e);
}
const struct command cmd_application_create = { "application.create", 1, ROLE_CLERK,
						create_apply };
const struct command cmd_application_import = { "application.import", 1, ROLE_CLERK,
						import_apply };

static json_t *input_json(const struct application_input *in)
{
#define S(x) ((x) ? (x) : "")
	json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
			 " s:s, s:s}",
			 "kind", app_kind_code(in->kind), "subject", app_subject_code(in->subject),
			 "years", in->years, "cert_serial", S(in->cert_serial), "credit_code",
			 S(in->credit_code), "holder_code", S(in->credit_code), "holder_name",
			 S(in->holder_name), "legal_rep", S(in->legal_rep), "phone", S(in->phone),
			 "address", S(in->address), "postal_code", S(in->postal_code), "email",
			 S(in->email), "delivery", delivery_code(in->delivery), "recipient",
			 S(in->recipient), "recipient_phone", S(in->recipient_phone),
			 "recipient_address", S(in->recipient_address));
	/* Only when given, so that payloads of the kinds without one read
	 * as before. */
	if (p && in->service_reason && in->service_reason[0])
		json_object_set_new(p, "service_reason", json_string(in->service_reason));
	return p;
#undef S
}

/* Build the payload of a new draft and run `cmd`; agreement_version NULL
 * leaves it out (import). */
static enum status new_draft(struct svc *svc, const struct actor *a, const struct command *cmd,
			     const char *applicant_id, const struct application_input *in,
			     const char *agreement_version, char id_out[UUID_LEN + 1],
			     char number_out[NUMBER_MAX], struct err *e)
{
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *p = input_json(in);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	json_object_set_new(p, "recipient_postal", json_string(in->recipient_postal ? in->recipient_postal : ""));
	json_object_set_new(p, "id", json_string(id));
	json_object_set_new(p, "applicant_id", json_string(applicant_id ? applicant_id : ""));
	if (agreement_version)
		json_object_set_new(p, "agreement_version", json_string(agreement_version));
	json_object_set_new(p, "office_id", json_string(a->office_id));
	json_object_set_new(p, "terminal_id", json_string(a->terminal_id));
	enum status st = svc_exec(svc, a, cmd, p, e);
	if (st == ST_OK) {
		if (id_out)
			memcpy(id_out, id, sizeof id);
		if (number_out)
			snprintf(number_out, NUMBER_MAX, "%s", jx_cstr(p, "number"));
	}
	json_decref(p);
	return st;
}

enum status svc_application_create(struct svc *svc, const struct actor *a,
				   const char *applicant_id, const struct application_input *in,
				   const char *agreement_version, char id_out[UUID_LEN + 1],
				   char number_out[NUMBER_MAX], struct err *e)
{
	return new_draft(svc, a, &cmd_application_create, applicant_id, in,
			 agreement_version ? agreement_version : "", id_out, number_out, e);
}

enum status svc_application_import(struct svc *svc, const struct actor *a,
				   const char *applicant_id, const struct application_input *in,
				   char id_out[UUID_LEN + 1], char number_out[NUMBER_MAX],
				   struct err *e)
{
	return new_draft(svc, a, &cmd_application_import, applicant_id, in, NULL, id_out,
			 number_out, e);
}

enum status svc_application_precheck(struct svc *svc, const char *applicant_id,
				     const struct application_input *in, struct err *e)
{
	struct application a;
	memset(&a, 0, sizeof a);
	json_t *p = input_json(in);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	json_object_set_new(p, "recipient_postal", json_string(in->recipient_postal ? in->recipient_postal : ""));
	bool ok = details_from_json(p, &a, e);
	json_decref(p);
	if (!ok)
		return e->st;
	struct applicant ap;
	enum status st = applicant_repo_get(svc->db, applicant_id ? applicant_id : "", &ap, e);
	if (st != ST_OK)
		return st;
	if (a.subject == SUBJECT_PERSONAL) {
		/* As resolve_holder: the holder is the applicant. */
		snprintf(a.holder_name, sizeof a.holder_name, "%s", ap.name);
		snprintf(a.holder_code, sizeof a.holder_code, "%s", ap.id_number);
		a.legal_rep[0] = '\0';
	}
	memcpy(a.applicant_id, ap.id, sizeof a.applicant_id);
	if (!check_details(svc->db, &a, e))
		return e->st;
	return app_kind_check_cert(svc->db, &a, NULL, e);
}

/* Load the application a payload names and register it with the run. */
enum status app_load(struct svc_run *run, json_t *p, struct application *a, struct err *e)
{
	char id[UUID_LEN + 1];
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	enum status st = app_repo_get(run->svc->db, id, a, e);
	if (st == ST_OK)
		st = app_kind_repo_read(run->svc->db, a, e);
	if (st != ST_OK)
		return st;
	on(run, a);
	run->before = app_json(a);
	run->base_version = a->version;
	return ST_OK;
}

/* May this actor change the application's details now? */
static enum status may_edit(const struct actor *who, const struct application *a, struct err *e)
{
	if (app_clerk_may_edit(a->status))
		return ST_OK;
	if (actor_can(who, ROLE_SUPERVISOR) && app_supervisor_may_edit(a->status))
		return ST_OK;
	if (app_supervisor_may_edit(a->status))
		return err_set(e, ST_DENIED, "申请单已受理（%s），只有审核员可以修改",
			       app_status_label(a->status));
	return err_set(e, ST_STATE, "申请单状态为“%s”，不能再修改", app_status_label(a->status));
}

/* ---- application.update ---- */

static enum status update_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct application a;
	enum status st = app_load(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if ((st = may_edit(run->actor, &a, e)) != ST_OK)
		return st;
	enum app_kind kind = a.kind;
	enum app_subject subject = a.subject;
	if (!details_from_json(p, &a, e))
		return e->st;
	if (a.kind != kind || a.subject != subject)
		return err_set(e, ST_INVALID, "不能修改申请单的业务类型或证书类型，请取消后重新申请");
	if (a.subject == SUBJECT_ENTERPRISE) {
		char code[CREDIT_CODE_MAX];
		if (!jx_str(p, "credit_code", code, sizeof code, false, e))
			return e->st;
		memcpy(a.holder_code, code, sizeof code);
	}
	st = resolve_holder(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if (!check_details(run->svc->db, &a, e))
		return e->st;
	if ((st = app_kind_check_cert(run->svc->db, &a, NULL, e)) != ST_OK)
		return st;
	run->after = app_json(&a);
	st = app_repo_update(run->svc->db, &a, e);
	return st == ST_OK ? app_kind_repo_write(run->svc->db, &a, e) : st;
}
const struct command cmd_application_update = { "application.update", 1, ROLE_CLERK,
						update_apply };

enum status svc_application_update(struct svc *svc, const struct actor *a, const char *id,
				   const struct application_input *in, struct err *e)
{
	json_t *p = input_json(in);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	json_object_set_new(p, "recipient_postal", json_string(in->recipient_postal ? in->recipient_postal : ""));
	json_object_set_new(p, "id", json_string(id));
	enum status st = svc_exec(svc, a, &cmd_application_update, p, e);
	json_decref(p);
	return st;
}

/* ---- state changes ---- */

/* Apply transition `act` with an optional reason (required for return and
 * cancel), checking the role and the four-eyes rule for reviews. */
static enum status transition(struct svc_run *run, json_t *p, enum app_action act,
			      struct err *e)
{
	struct application a;
	enum status st = app_load(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if (!actor_can(run->actor, app_action_role(act)))
		return err_set(e, ST_DENIED, "此操作需要%s权限", role_label(app_action_role(act)));
	if (act != APP_SUBMIT && act != APP_CANCEL && strcmp(a.created_by, run->actor->id) == 0)
		return err_set(e, ST_DENIED, "不能审核自己录入的申请单（%s），请由其他审核员办理",
			       a.number);
	if (act == APP_RETURN || act == APP_CANCEL) {
		char reason[REASON_MAX];
		if (!jx_str(p, "reason", reason, sizeof reason, true, e))
			return e->st;
		if (!reason[0])
			return err_field(e, "reason", ST_INVALID, act == APP_RETURN ? "请填写退回原因"
										     : "请填写取消原因");
		memcpy(a.reason, reason, sizeof reason);
	}
	enum app_status next;
	if (!app_transition(a.status, act, &next, e))
		return e->st;
	if (act == APP_SUBMIT) {
		if (!a.agreement_version[0])
			return err_field(e, "agreement", ST_STATE,
					 "申请人尚未阅读并同意协议书（这是导入的草稿）：请向申请人出示协议书，"
					 "同意后再提交");
		struct doc_item items[DOC__COUNT];
		int n = svc_application_docs(run->svc, &a, items, DOC__COUNT, e);
		if (n < 0)
			return e->st;
		char missing[512] = "";
		for (int i = 0; i < n; i++)
			if (items[i].required && !items[i].attached && !items[i].paper) {
				if (missing[0])
					strncat(missing, "、", sizeof missing - strlen(missing) - 1);
				strncat(missing, doc_type_label(items[i].type),
					sizeof missing - strlen(missing) - 1);
			}
		if (missing[0])
			return err_set(e, ST_STATE, "以下材料尚未提供：%s。请添加扫描件，或标记为已交纸质件",
				       missing);
		a.reason[0] = '\0';
	}
	a.status = next;
	run->after = app_json(&a);
	st = app_repo_update(run->svc->db, &a, e);
	if (st == ST_OK && act == APP_SUBMIT)
		st = app_repo_mark(run->svc->db, a.id, "submitted", NULL, e);
	if (st == ST_OK && (act == APP_ACCEPT || act == APP_RETURN))
		st = app_repo_mark(run->svc->db, a.id, "reviewed", run->actor->id, e);
	return st;
}

static enum status submit_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return transition(run, p, APP_SUBMIT, e);
}
static enum status cancel_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return transition(run, p, APP_CANCEL, e);
}
static enum status accept_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return transition(run, p, APP_ACCEPT, e);
}
static enum status return_apply(struct svc_run *run, json_t *p, struct err *e)
{
	return transition(run, p, APP_RETURN, e);
}
const struct command cmd_application_submit = { "application.submit", 1, ROLE_CLERK, submit_apply };
const struct command cmd_application_cancel = { "application.cancel", 1, ROLE_CLERK, cancel_apply };
const struct command cmd_application_accept = { "application.accept", 1, ROLE_SUPERVISOR,
						accept_apply };
const struct command cmd_application_return = { "application.return", 1, ROLE_SUPERVISOR,
						return_apply };

/* ---- application.agree ---- */

static enum status agree_apply(struct svc_run *run, json_t *p, struct err *e)
{
	char version[16];
	if (!jx_str(p, "agreement_version", version, sizeof version, false, e))
		return e->st;
	if (strlen(version) != 12 || strspn(version, "0123456789abcdef") != 12)
		return err_set(e, ST_INVALID, "无效的协议书版本 %s", version);
	struct application a;
	enum status st = app_load(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if (!app_clerk_may_edit(a.status))
		return err_set(e, ST_STATE, "申请单状态为“%s”，不能再确认协议书",
			       app_status_label(a.status));
	if (strcmp(a.agreement_version, version) == 0)
		return err_set(e, ST_STATE, "申请人已同意这一版本的协议书");
	/* The images record which version was accepted (app_json leaves it out). */
	json_object_set_new(run->before, "agreement_version", json_string(a.agreement_version));
	run->after = app_json(&a);
	json_object_set_new(run->after, "agreement_version", json_string(version));
	return app_repo_set_agreement(run->svc->db, a.id, version, e);
}
const struct command cmd_application_agree = { "application.agree", 1, ROLE_CLERK, agree_apply };

enum status svc_application_agree(struct svc *svc, const struct actor *a, const char *id,
				  const char *agreement_version, struct err *e)
{
	if (!agreement_version || strcmp(agreement_version, svc_agreement_version()) != 0)
		return err_set(e, ST_STATE, "协议书已更新：请向申请人出示当前版本的协议书");
	json_t *p = json_pack("{s:s, s:s}", "id", id ? id : "", "agreement_version",
			      agreement_version);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_application_agree, p, e);
	json_decref(p);
	return st;
}

static enum status exec_id(struct svc *svc, const struct actor *a, const struct command *cmd,
			   const char *id, const char *reason, struct err *e)
{
	json_t *p = reason ? json_pack("{s:s, s:s}", "id", id, "reason", reason)
			   : json_pack("{s:s}", "id", id);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, cmd, p, e);
	json_decref(p);
	return st;
}

enum status svc_application_submit(struct svc *svc, const struct actor *a, const char *id,
				   struct err *e)
{
	return exec_id(svc, a, &cmd_application_submit, id, NULL, e);
}

enum status svc_application_cancel(struct svc *svc, const struct actor *a, const char *id,
				   const char *reason, struct err *e)
{
	return exec_id(svc, a, &cmd_application_cancel, id, reason ? reason : "", e);
}

enum status svc_application_accept(struct svc *svc, const struct actor *a, const char *id,
				   struct err *e)
{
	return exec_id(svc, a, &cmd_application_accept, id, NULL, e);
}

enum status svc_application_return(struct svc *svc, const struct actor *a, const char *id,
				   const char *reason, struct err *e)
{
	return exec_id(svc, a, &cmd_application_return, id, reason ? reason : "", e);
}

enum status svc_application_get(struct svc *svc, const char *id, struct application *out,
				struct err *e)
{
	enum status st = app_repo_get(svc->db, id, out, e);
	return st == ST_OK ? app_kind_repo_read(svc->db, out, e) : st;
}

enum status svc_application_by_number(struct svc *svc, const char *number,
				      struct application *out, struct err *e)
{
	enum status st = app_repo_by_number(svc->db, number, out, e);
	return st == ST_OK ? app_kind_repo_read(svc->db, out, e) : st;
}
