/* Applicants: registration, profile, portal password, finding people. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "model/validate.h"
#include "store/party_repo.h"
#include "svc/applicant.h"
#include "svc/commands.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/utf8.h"

/* The audit image of an applicant: personal data masked. */
static json_t *applicant_json(const struct applicant *a)
{
	char phone[32], idn[32];
	mask_mobile(a->phone, phone);
	if (a->id_number[0])
		mask_id_number(a->id_number, idn);
	else
		idn[0] = '\0';
	return json_pack("{s:s, s:s, s:s, s:b, s:b}", "phone", phone, "name", a->name, "id_number",
			 idn, "verified", a->verified, "portal_password", a->has_portal_password);
}

/* Check the profile fields; e names the field. */
static bool check_profile(const struct applicant *a, struct err *e)
{
	if (!check_name(a->name, e))
		return err_field(e, "name", ST_INVALID, "姓名：%s", e->msg), false;
	if (a->id_number[0] && !check_id_number(a->id_number, e))
		return err_field(e, "id_number", ST_INVALID, "%s", e->msg), false;
	if (a->email[0] && !check_email(a->email, e))
		return err_field(e, "email", ST_INVALID, "%s", e->msg), false;
	if (a->address[0] && !check_address(a->address, e))
		return err_field(e, "address", ST_INVALID, "%s", e->msg), false;
	if (a->postal_code[0] && !check_postal_code(a->postal_code, e))
		return err_field(e, "postal_code", ST_INVALID, "%s", e->msg), false;
	return true;
}

static bool profile_from_json(json_t *p, struct applicant *a, struct err *e)
{
	return jx_str(p, "name", a->name, sizeof a->name, false, e) &&
	       jx_str(p, "id_number", a->id_number, sizeof a->id_number, true, e) &&
	       jx_str(p, "email", a->email, sizeof a->email, true, e) &&
	       jx_str(p, "address", a->address, sizeof a->address, true, e) &&
	       jx_str(p, "postal_code", a->postal_code, sizeof a->postal_code, true, e);
}

static enum status phone_taken(struct db *db, const char *phone, struct err *e)
{
	struct applicant other;
	struct err nf;
	if (applicant_repo_by_phone(db, phone, &other, &nf) != ST_OK)
		return ST_OK;
	char masked[32];
	mask_mobile(phone, masked);
	return err_field(e, "phone", ST_EXISTS, "手机号 %s 已注册（%s），一个手机号只能注册一个账户",
			 masked, other.name);
}

/* ---- applicant.register ---- */

static enum status register_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	struct applicant a;
	char pw_hash[PW_HASH_MAX], verified[21];
	memset(&a, 0, sizeof a);
	if (!jx_str(p, "id", a.id, sizeof a.id, false, e) ||
	    !jx_str(p, "phone", a.phone, sizeof a.phone, false, e) ||
	    !profile_from_json(p, &a, e) ||
	    !jx_str(p, "portal_pw_hash", pw_hash, sizeof pw_hash, true, e) ||
	    !jx_str(p, "verified_at", verified, sizeof verified, true, e) ||
	    !jx_str(p, "office_id", a.office_id, sizeof a.office_id, false, e))
		return e->st;
	if (!uuid_valid(a.id))
		return err_set(e, ST_INVALID, "无效的记录编号");
	if (!check_mobile(a.phone, e))
		return err_field(e, "phone", ST_INVALID, "%s", e->msg);
	if (!check_profile(&a, e))
		return e->st;
	if (pw_hash[0] && strncmp(pw_hash, "$argon2id$", 10) != 0)
		return err_set(e, ST_INVALID, "门户密码哈希格式无效");
	enum status st = phone_taken(db, a.phone, e);
	if (st != ST_OK)
		return st;
	a.verified = verified[0] != '\0';
	a.has_portal_password = pw_hash[0] != '\0';
	st = applicant_repo_insert(db, &a, pw_hash, verified[0] ? verified : NULL, run->actor->id, e);
	if (st != ST_OK)
		return st;
	run->entity = "applicant";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", a.id);
	run->after = applicant_json(&a);
	return ST_OK;
}
const struct command cmd_applicant_register = { "applicant.register", 1, ROLE_CLERK,
						register_apply };

static void fill(struct applicant *a, const struct applicant_input *in)
{
	snprintf(a->phone, sizeof a->phone, "%s", in->phone ? in->phone : "");
	snprintf(a->name, sizeof a->name, "%s", in->name ? in->name : "");
	snprintf(a->id_number, sizeof a->id_number, "%s", in->id_number ? in->id_number : "");
	id_number_normalize(a->id_number);
	snprintf(a->email, sizeof a->email, "%s", in->email ? in->email : "");
	snprintf(a->address, sizeof a->address, "%s", in->address ? in->address : "");
	snprintf(a->postal_code, sizeof a->postal_code, "%s", in->postal_code ? in->postal_code : "");
}

static bool too_long(const char *s, size_t cap)
{
	return s && strlen(s) >= cap;
}

enum status svc_applicant_precheck(struct svc *svc, const struct applicant_input *in,
				   char existing_id[UUID_LEN + 1], struct err *e)
{
	struct applicant a;
	memset(&a, 0, sizeof a);
	if (too_long(in->name, sizeof a.name) || too_long(in->address, sizeof a.address) ||
	    too_long(in->email, sizeof a.email) || too_long(in->id_number, sizeof a.id_number) ||
	    too_long(in->phone, sizeof a.phone) || too_long(in->postal_code, sizeof a.postal_code))
		return err_set(e, ST_INVALID, "输入过长");
	fill(&a, in);
	if (!check_mobile(a.phone, e))
		return err_field(e, "phone", ST_INVALID, "%s", e->msg);
	if (!check_profile(&a, e))
		return e->st;
	if (in->portal_password && *in->portal_password &&
	    !check_portal_password(in->portal_password, e))
		return err_field(e, "portal_password", ST_INVALID, "%s", e->msg);
	struct applicant other;
	struct err nf;
	if (applicant_repo_by_phone(svc->db, a.phone, &other, &nf) == ST_OK) {
		if (existing_id)
			memcpy(existing_id, other.id, UUID_LEN + 1);
		return phone_taken(svc->db, a.phone, e);
	}
	return ST_OK;
}

enum status svc_applicant_register(struct svc *svc, const struct actor *a,
				   const struct applicant_input *in, const char *sms_code,
				   char id_out[UUID_LEN + 1], char existing_id[UUID_LEN + 1],
				   struct err *e)
{
	enum status st = svc_applicant_precheck(svc, in, existing_id, e);
	if (st != ST_OK)
		return st;
	st = svc_sms_check_code(svc, in->phone, SMS_REGISTER, sms_code ? sms_code : "", e);
	if (st != ST_OK)
		return st;
	char hash[PW_HASH_MAX] = "", id[UUID_LEN + 1], verified[21];
	if (in->portal_password && *in->portal_password) {
		st = password_hash(in->portal_password, hash, e);
		if (st != ST_OK)
			return st;
	}
	struct applicant ap;
	memset(&ap, 0, sizeof ap);
	fill(&ap, in);
	uuid_v7(id);
	clock_iso(clock_now(), verified);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "phone",
			      ap.phone, "name", ap.name, "id_number", ap.id_number, "email", ap.email,
			      "address", ap.address, "postal_code", ap.postal_code, "portal_pw_hash",
			      hash, "verified_at", verified, "office_id", a->office_id);
	sodium_memzero(hash, sizeof hash);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	st = svc_exec(svc, a, &cmd_applicant_register, p, e);
	json_decref(p);
	if (st == ST_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return st;
}

/* ---- applicant.import ---- */

/* A value in the file that is given and is not what the record says. */
static bool differs(const char *given, const char *recorded)
{
	return given[0] && strcmp(given, recorded) != 0;
}

/* What an application for an enterprise needs of its record (the form
 * application_enterprise requires them): the first one missing, as the
 * import column that gives it, or NULL when the record is complete. */
static const char *enterprise_missing(const struct enterprise *en, const char **label)
{
	if (!en->legal_rep[0])
		return *label = "法定代表人", "legal_rep";
	if (!en->address[0])
		return *label = "企业地址", "enterprise_address";
	if (!en->phone[0])
		return *label = "企业电话", "enterprise_phone";
	return NULL;
}

/* Link the imported person to the enterprise with credit code `code`,
 * creating it from the payload when it is new. A record an earlier import
 * left incomplete takes the missing values from the payload (on both
 * sides, so the centre's record is the same). A terminal refuses to leave
 * an enterprise that an application could not be made for (issue 3: the
 * import of applications for it failed later); the centre links whatever
 * it is sent, as it does for a record that differs. */
static enum status import_enterprise(struct svc_run *run, json_t *p, const char *applicant_id,
				     const char *code, struct err *e)
{
	struct db *db = run->svc->db;
	struct enterprise in, en;
	memset(&in, 0, sizeof in);
	if (!jx_str(p, "enterprise_name", in.name, sizeof in.name, true, e) ||
	    !jx_str(p, "legal_rep", in.legal_rep, sizeof in.legal_rep, true, e) ||
	    !jx_str(p, "enterprise_address", in.address, sizeof in.address, true, e) ||
	    !jx_str(p, "enterprise_phone", in.phone, sizeof in.phone, true, e))
		return e->st;
	if (!check_credit_code(code, e))
		return err_field(e, "credit_code", ST_INVALID, "%s", e->msg);
	struct err nf;
	const char *label = NULL, *missing = NULL;
	if (enterprise_repo_by_code(db, code, &en, &nf) == ST_OK) {
		/* Fill what the record lacks; the checks below then find no
		 * difference in those fields. */
		bool filled = false;
		if (!en.legal_rep[0] && in.legal_rep[0]) {
			if (!check_name(in.legal_rep, e))
				return err_field(e, "legal_rep", ST_INVALID, "法定代表人：%s", e->msg);
			snprintf(en.legal_rep, sizeof en.legal_rep, "%s", in.legal_rep);
			filled = true;
		}
		if (!en.address[0] && in.address[0]) {
			if (!check_address(in.address, e))
				return err_field(e, "enterprise_address", ST_INVALID, "%s", e->msg);
			snprintf(en.address, sizeof en.address, "%s", in.address);
			filled = true;
		}
		if (!en.phone[0] && in.phone[0]) {
			if (!check_tel(in.phone, e))
				return err_field(e, "enterprise_phone", ST_INVALID, "%s", e->msg);
			snprintf(en.phone, sizeof en.phone, "%s", in.phone);
			filled = true;
		}
		/* A file that disagrees with the record more likely has a wrong
		 * code than news; the centre links whatever it has on record. */
		if (!run->svc->centre) {
			if ((missing = enterprise_missing(&en, &label)) != NULL)
				return err_field(e, missing, ST_INVALID,
						 "企业 %s（%s）登记的资料缺少%s：请在 %s 列填写，"
						 "否则以后不能为该企业导入申请单", code, en.name, label,
						 missing);
			if (differs(in.name, en.name))
				return err_field(e, "enterprise_name", ST_INVALID,
						 "统一社会信用代码 %s 已登记为“%s”，与此处的“%s”不一致，请核对",
						 code, en.name, in.name);
			if (differs(in.legal_rep, en.legal_rep))
				return err_field(e, "legal_rep", ST_INVALID,
						 "该企业登记的法定代表人为“%s”，与此处的“%s”不一致", en.legal_rep,
						 in.legal_rep);
			if (differs(in.address, en.address))
				return err_field(e, "enterprise_address", ST_INVALID,
						 "该企业登记的地址为“%s”，与此处的不一致", en.address);
			if (differs(in.phone, en.phone))
				return err_field(e, "enterprise_phone", ST_INVALID,
						 "该企业登记的电话为“%s”，与此处的不一致", en.phone);
		}
		if (filled) {
			enum status st = enterprise_repo_update(db, &en, e);
			if (st != ST_OK)
				return st;
		}
	} else {
		if (!in.name[0])
			return err_field(e, "enterprise_name", ST_INVALID,
					 "企业 %s 尚未登记，请填写企业名称", code);
		if (!check_org_name(in.name, e))
			return err_field(e, "enterprise_name", ST_INVALID, "%s", e->msg);
		if (in.legal_rep[0] && !check_name(in.legal_rep, e))
			return err_field(e, "legal_rep", ST_INVALID, "法定代表人：%s", e->msg);
		if (in.address[0] && !check_address(in.address, e))
			return err_field(e, "enterprise_address", ST_INVALID, "%s", e->msg);
		if (in.phone[0] && !check_tel(in.phone, e))
			return err_field(e, "enterprise_phone", ST_INVALID, "%s", e->msg);
		if (!run->svc->centre && (missing = enterprise_missing(&in, &label)) != NULL)
			return err_field(e, missing, ST_INVALID,
					 "企业 %s 尚未登记，须同时填写%s（%s 列）；法定代表人、企业地址、"
					 "企业电话缺一不可，否则以后不能为该企业导入申请单", code, label,
					 missing);
		en = in;
		snprintf(en.credit_code, sizeof en.credit_code, "%s", code);
		/* The id travels in the payload so the centre makes the same record. */
		const char *given = jx_cstr(p, "enterprise_id");
		if (given && uuid_valid(given)) {
			snprintf(en.id, sizeof en.id, "%s", given);
		} else {
			uuid_v7(en.id);
			json_object_set_new(p, "enterprise_id", json_string(en.id));
		}
		enum status st = enterprise_repo_insert(db, &en, e);
		if (st != ST_OK)
			return st;
	}
	return enterprise_repo_link(db, applicant_id, en.id, e);
}

static enum status import_apply(struct svc_run *run, json_t *p, struct err *e)
{
	/* Imported accounts were never checked by SMS and have no portal
	 * password: a payload that says otherwise is not an import. */
	const char *verified = jx_cstr(p, "verified_at"), *pw = jx_cstr(p, "portal_pw_hash");
	if ((verified && *verified) || (pw && *pw))
		return err_set(e, ST_INVALID, "导入的申请人不能带短信验证时间或门户密码");
	enum status st = register_apply(run, p, e);
	if (st != ST_OK)
		return st;
	char code[CREDIT_CODE_MAX];
	if (!jx_str(p, "credit_code", code, sizeof code, true, e))
		return err_field(e, "credit_code", ST_INVALID, "%s", e->msg);
	if (!code[0])
		return ST_OK;
	json_object_set_new(run->after, "enterprise", json_string(code));
	return import_enterprise(run, p, run->entity_id, code, e);
}
const struct command cmd_applicant_import = { "applicant.import", 1, ROLE_CLERK, import_apply };

enum status svc_applicant_import(struct svc *svc, const struct actor *a,
				 const struct applicant_input *in, const struct enterprise_input *en,
				 char id_out[UUID_LEN + 1], struct err *e)
{
	if (in->portal_password && *in->portal_password)
		return err_field(e, "portal_password", ST_INVALID,
				 "导入不能设置门户密码：请由申请人本人在柜台设置");
	enum status st = svc_applicant_precheck(svc, in, NULL, e);
	if (st != ST_OK)
		return st;
#define S(x) (en && en->x ? en->x : "")
	if (!*S(credit_code) && (*S(name) || *S(legal_rep) || *S(address) || *S(phone)))
		return err_field(e, "credit_code", ST_INVALID,
				 "填写了企业信息，但没有填写统一社会信用代码");
	struct applicant ap;
	memset(&ap, 0, sizeof ap);
	fill(&ap, in);
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			      "id", id, "phone", ap.phone, "name", ap.name, "id_number",
			      ap.id_number, "email", ap.email, "address", ap.address, "postal_code",
			      ap.postal_code, "office_id", a->office_id, "credit_code",
			      S(credit_code), "enterprise_name", S(name), "legal_rep", S(legal_rep),
			      "enterprise_address", S(address), "enterprise_phone", S(phone));
#undef S
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	st = svc_exec(svc, a, &cmd_applicant_import, p, e);
	json_decref(p);
	if (st == ST_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return st;
}

/* ---- applicant.update ---- */

static enum status update_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	char id[UUID_LEN + 1];
	struct applicant a;
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	enum status st = applicant_repo_get(db, id, &a, e);
	if (st != ST_OK)
		return st;
	run->entity = "applicant";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", id);
	run->before = applicant_json(&a);
	run->base_version = a.version;
	if (!profile_from_json(p, &a, e))
		return e->st;
	if (!check_profile(&a, e))
		return e->st;
	run->after = applicant_json(&a);
	return applicant_repo_update(db, &a, e);
}
const struct command cmd_applicant_update = { "applicant.update", 1, ROLE_CLERK, update_apply };

enum status svc_applicant_update(struct svc *svc, const struct actor *a, const char *id,
				 const struct applicant_input *in, struct err *e)
{
	struct applicant ap;
	memset(&ap, 0, sizeof ap);
	if (too_long(in->name, sizeof ap.name) || too_long(in->address, sizeof ap.address) ||
	    too_long(in->email, sizeof ap.email) || too_long(in->id_number, sizeof ap.id_number) ||
	    too_long(in->postal_code, sizeof ap.postal_code))
		return err_set(e, ST_INVALID, "输入过长");
	fill(&ap, in);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "name", ap.name,
			      "id_number", ap.id_number, "email", ap.email, "address", ap.address,
			      "postal_code", ap.postal_code);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_applicant_update, p, e);
	json_decref(p);
	return st;
}

/* ---- applicant.portal_password ---- */

static enum status portal_pw_apply(struct svc_run *run, json_t *p, struct err *e)
{
	char id[UUID_LEN + 1], hash[PW_HASH_MAX];
	struct applicant a;
	if (!jx_str(p, "id", id, sizeof id, false, e) ||
	    !jx_str(p, "portal_pw_hash", hash, sizeof hash, false, e))
		return e->st;
	if (strncmp(hash, "$argon2id$", 10) != 0)
		return err_set(e, ST_INVALID, "门户密码哈希格式无效");
	enum status st = applicant_repo_get(run->svc->db, id, &a, e);
	if (st != ST_OK)
		return st;
	run->entity = "applicant";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", id);
	run->before = applicant_json(&a);
	run->base_version = a.version;
	a.has_portal_password = true;
	run->after = applicant_json(&a);
	return applicant_repo_set_password(run->svc->db, id, hash, e);
}
const struct command cmd_applicant_portal_password = { "applicant.portal_password", 1,
						       ROLE_CLERK, portal_pw_apply };

enum status svc_applicant_portal_password(struct svc *svc, const struct actor *a, const char *id,
					  const char *sms_code, const char *password,
					  struct err *e)
{
	struct applicant ap;
	enum status st = applicant_repo_get(svc->db, id, &ap, e);
	if (st != ST_OK)
		return st;
	if (!check_portal_password(password, e))
		return err_field(e, "password", ST_INVALID, "%s", e->msg);
	st = svc_sms_check_code(svc, ap.phone, SMS_RESET, sms_code ? sms_code : "", e);
	if (st != ST_OK)
		return st;
	char hash[PW_HASH_MAX];
	st = password_hash(password, hash, e);
	if (st != ST_OK)
		return st;
	json_t *p = json_pack("{s:s, s:s}", "id", id, "portal_pw_hash", hash);
	sodium_memzero(hash, sizeof hash);
	st = svc_exec(svc, a, &cmd_applicant_portal_password, p, e);
	json_decref(p);
	return st;
}

/* ---- reading ---- */

enum status svc_applicant_get(struct svc *svc, const char *id, struct applicant *out,
			      struct err *e)
{
	return applicant_repo_get(svc->db, id, out, e);
}

enum status svc_applicant_by_phone(struct svc *svc, const char *phone, struct applicant *out,
				   struct err *e)
{
	return applicant_repo_by_phone(svc->db, phone, out, e);
}

void svc_applicant_key(const struct applicant *a, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s\x1f%s", a->name, a->id);
}

int svc_applicant_find(struct svc *svc, const char *query, enum page_dir dir, const char *key,
		       struct applicant *out, int max, struct err *e)
{
	char q[PERSON_NAME_MAX];
	snprintf(q, sizeof q, "%s", query ? query : "");
	utf8_trim(q);
	size_t n = strlen(q);
	if (n == 11 && strspn(q, "0123456789") == 11) {
		/* A phone is one account at most. */
		if (dir != PAGE_FIRST && dir != PAGE_LAST && dir != PAGE_AT)
			return 0;
		struct err nf;
		return applicant_repo_by_phone(svc->db, q, &out[0], &nf) == ST_OK && max > 0 ? 1 : 0;
	}
	if (n == 18 && strspn(q, "0123456789Xx") == 18) {
		id_number_normalize(q);
		return applicant_repo_find(svc->db, q, NULL, dir, key, out, max, e);
	}
	if (utf8_count(q) < 2) {
		err_set(e, ST_INVALID, "请输入手机号、身份证号，或至少 2 个字的姓名");
		return -1;
	}
	return applicant_repo_find(svc->db, NULL, q, dir, key, out, max, e);
}

int svc_applicant_list(struct svc *svc, enum page_dir dir, const char *key, struct applicant *out,
		       int max, struct err *e)
{
	return applicant_repo_page(svc->db, dir, key, out, max, e);
}

long svc_applicant_count(struct svc *svc)
{
	return applicant_repo_count(svc->db);
}

int svc_applicant_enterprises(struct svc *svc, const char *id, struct enterprise *out, int max,
			      struct err *e)
{
	return enterprise_repo_of_applicant(svc->db, id, out, max, e);
}

enum status svc_enterprise_by_code(struct svc *svc, const char *credit_code,
				   struct enterprise *out, struct err *e)
{
	return enterprise_repo_by_code(svc->db, credit_code, out, e);
}
