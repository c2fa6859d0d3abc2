/* KEYs at the counter: reading, binding (certificate.bind), the applicant's
 * bound certificates, and a renewal filled from a certificate. */
#include "svc/key.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/x509.h"
#include "model/validate.h"
#include "store/party_repo.h"
#include "svc/app_kind.h"
#include "svc/commands.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/utf8.h"

const enum token_slot key_slots[KEY_SLOTS] = { TOKEN_SLOT_AUTH, TOKEN_SLOT_SIGN };

/* ---- reading ---- */

/* Per-slot outcomes that leave the card usable: the next slot is read. */
static bool slot_problem(enum status st)
{
	return st == ST_INVALID || st == ST_UNSUPPORTED || st == ST_DENIED;
}

/* Read identifier and certificates through a connected card. */
static enum status read_card(struct token_card *card, struct key_contents *out, struct err *e)
{
	enum status st = token_detect(card, e);
	if (st != ST_OK)
		return st;
	snprintf(out->reader, sizeof out->reader, "%s", token_card_reader(card));
	snprintf(out->driver, sizeof out->driver, "%s", token_card_driver(card)->label);
	struct err id_e;
	err_clear(&id_e);
	st = token_card_id(card, out->card_id, &id_e);
	if (st != ST_OK && st != ST_NOT_FOUND && !slot_problem(st)) {
		*e = id_e;
		return st;
	}
	if (st != ST_OK)
		out->card_id[0] = '\0';
	for (int i = 0; i < KEY_SLOTS; i++) {
		uint8_t *der = NULL;
		size_t len = 0;
		struct err se;
		err_clear(&se);
		st = token_read_cert(card, key_slots[i], &der, &len, &se);
		if (st == ST_OK) {
			struct key_cert *kc = &out->certs[out->ncerts];
			st = x509_parse(der, len, &kc->cert, &se);
			free(der);
			if (st == ST_OK) {
				kc->slot = key_slots[i];
				out->ncerts++;
				continue;
			}
		}
		if (st == ST_NOT_FOUND)
			continue; /* an empty slot */
		if (!slot_problem(st)) {
			*e = se;
			return st;
		}
		struct key_problem *p = &out->bad[out->nbad++];
		p->slot = key_slots[i];
		p->st = st;
		snprintf(p->msg, sizeof p->msg, "%s", err_text(&se));
	}
	return ST_OK;
}

/* Connect to `reader`, or to the only reader holding a card when NULL. */
static enum status key_connect(struct token_ctx *ctx, const char *reader, struct token_card **card,
			   struct err *e)
{
	char picked[TOKEN_READER_MAX];
	if (!reader || !*reader) {
		enum status st = token_pick_reader(ctx, picked, e);
		if (st != ST_OK)
			return st;
		reader = picked;
	}
	return token_connect(ctx, reader, card, e);
}

enum status svc_key_read(struct token_ctx *ctx, const char *reader, struct key_contents *out,
			 struct err *e)
{
	memset(out, 0, sizeof *out);
	struct token_card *card;
	enum status st = key_connect(ctx, reader, &card, e);
	if (st != ST_OK)
		return st;
	st = read_card(card, out, e);
	token_disconnect(card);
	return st;
}

enum status svc_key_pin_status(struct token_ctx *ctx, const char *reader, int *tries_left,
			       struct err *e)
{
	*tries_left = -1;
	struct token_card *card;
	enum status st = key_connect(ctx, reader, &card, e);
	if (st != ST_OK)
		return st;
	bool verified;
	st = token_pin_status(card, tries_left, &verified, e);
	token_disconnect(card);
	return st;
}

enum status key_contents_usable(const struct key_contents *kc, struct err *e)
{
	if (kc->nbad > 0)
		return err_set(e, kc->bad[0].st, "%s", kc->bad[0].msg);
	if (kc->ncerts == 0)
		return err_set(e, ST_INVALID, "KEY 上没有证书，无法绑定或续费。");
	return ST_OK;
}

/* ---- binding ---- */

enum status key_bind_rule(const char *bound_to, const char *applicant_id, const struct actor *a,
			  const char *other, bool *move, struct err *e)
{
	*move = false;
	if (!bound_to || !*bound_to)
		return ST_OK;
	if (strcmp(bound_to, applicant_id) == 0)
		return err_set(e, ST_EXISTS, "该证书已绑定到此申请人，不能重复绑定。");
	if (!actor_can(a, ROLE_SUPERVISOR))
		return err_set(e, ST_DENIED, "该证书已绑定到申请人 %s，改绑到其他申请人须由审核员办理。",
			       other && *other ? other : "（另一位申请人）");
	*move = true;
	return ST_OK;
}

/* "张三（138****5678）" for an applicant id; "" when unknown. */
static void applicant_label(struct db *db, const char *id, char *out, size_t n)
{
	struct applicant ap;
	struct err e;
	out[0] = '\0';
	if (!id || !*id || applicant_repo_get(db, id, &ap, &e) != ST_OK)
		return;
	char phone[32];
	mask_mobile(ap.phone, phone);
	snprintf(out, n, "%s（%s）", ap.name, phone);
}

/* The audit image of a certificate row: no subject (it may hold an ID number). */
static json_t *cert_json(const struct cert_row *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "serial", r->serial, "sha256",
			 r->sha256, "org", r->org, "slot", r->slot, "card_id", r->card_id,
			 "not_after", r->not_after, "applicant_id", r->applicant_id);
}

static bool hex_upper(const char *s, size_t want)
{
	size_t n = strlen(s);
	if (n != want)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'A' && s[i] <= 'F'))
			return false;
	return true;
}

/* Read and check a certificate's fields from a payload into r. */
static bool row_from_json(json_t *p, struct cert_row *r, struct err *e)
{
	memset(r, 0, sizeof *r);
	if (!jx_str(p, "id", r->id, sizeof r->id, false, e) ||
	    !jx_str(p, "applicant_id", r->applicant_id, sizeof r->applicant_id, false, e) ||
	    !jx_str(p, "serial", r->serial, sizeof r->serial, false, e) ||
	    !jx_str(p, "subject", r->subject, sizeof r->subject, false, e) ||
	    !jx_str(p, "issuer", r->issuer, sizeof r->issuer, false, e) ||
	    !jx_str(p, "cn", r->cn, sizeof r->cn, true, e) ||
	    !jx_str(p, "org", r->org, sizeof r->org, true, e) ||
	    !jx_str(p, "algorithm", r->algorithm, sizeof r->algorithm, false, e) ||
	    !jx_str(p, "key_desc", r->key_desc, sizeof r->key_desc, false, e) ||
	    !jx_str(p, "sig_alg", r->sig_alg, sizeof r->sig_alg, true, e) ||
	    !jx_str(p, "not_before", r->not_before, sizeof r->not_before, false, e) ||
	    !jx_str(p, "not_after", r->not_after, sizeof r->not_after, false, e) ||
	    !jx_str(p, json_object_get(p, "fingerprint") ? "fingerprint" : "sha256", r->sha256,
		    sizeof r->sha256, false, e) ||
	    !jx_str(p, "sm3", r->sm3, sizeof r->sm3, false, e) ||
	    !jx_str(p, "card_id", r->card_id, sizeof r->card_id, true, e) ||
	    !jx_str(p, "slot", r->slot, sizeof r->slot, true, e))
		return false;
	enum token_slot slot;
	const char *serial = r->serial[0] == '-' ? r->serial + 1 : r->serial;
	if (!uuid_valid(r->id) || !uuid_valid(r->applicant_id))
		return err_set(e, ST_INVALID, "无效的记录编号"), false;
	if (!hex_upper(r->sha256, 64) || !hex_upper(r->sm3, 64))
		return err_set(e, ST_INVALID, "证书指纹格式有误"), false;
	if (!*serial || strspn(serial, "0123456789ABCDEF") != strlen(serial))
		return err_set(e, ST_INVALID, "证书序列号格式有误"), false;
	if (!clock_parse_iso(r->not_before, &r->not_before_t) ||
	    !clock_parse_iso(r->not_after, &r->not_after_t))
		return err_set(e, ST_INVALID, "证书有效期格式有误"), false;
	if (r->slot[0] && !token_slot_parse(r->slot, &slot))
		return err_set(e, ST_INVALID, "无效的证书位置 %s", r->slot), false;
	if (!r->subject[0])
		return err_set(e, ST_INVALID, "证书主题为空"), false;
	return true;
}

/* ---- certificate.bind ---- */

static enum status bind_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	struct cert_row in, old;
	if (!row_from_json(p, &in, e))
		return e->st;
	struct applicant ap;
	enum status st = applicant_repo_get(db, in.applicant_id, &ap, e);
	if (st != ST_OK)
		return st;
	run->entity = "certificate";
	struct err nf;
	if (cert_repo_by_sha256(db, in.sha256, &old, &nf) != ST_OK) {
		if (nf.st != ST_NOT_FOUND)
			return *e = nf, nf.st;
		clock_iso(clock_now(), in.bound_at);
		snprintf(in.bound_by, sizeof in.bound_by, "%s", run->actor->id);
		st = cert_repo_insert(db, &in, e);
		if (st != ST_OK)
			return st;
		snprintf(run->entity_id, sizeof run->entity_id, "%s", in.id);
		run->after = cert_json(&in);
		return ST_OK;
	}
	char other[160];
	applicant_label(db, old.applicant_id, other, sizeof other);
	bool move;
	st = key_bind_rule(old.applicant_id, in.applicant_id, run->actor, other, &move, e);
	if (st != ST_OK)
		return st;
	snprintf(run->entity_id, sizeof run->entity_id, "%s", old.id);
	run->base_version = old.version;
	run->before = cert_json(&old);
	st = cert_repo_bind(db, old.id, in.applicant_id, run->actor->id, in.card_id, in.slot, e);
	if (st != ST_OK)
		return st;
	if (move)
		log_info("certificate %s moved to another applicant by a supervisor", old.id);
	snprintf(old.applicant_id, sizeof old.applicant_id, "%s", in.applicant_id);
	if (in.card_id[0])
		snprintf(old.card_id, sizeof old.card_id, "%s", in.card_id);
	if (in.slot[0])
		snprintf(old.slot, sizeof old.slot, "%s", in.slot);
	run->after = cert_json(&old);
	return ST_OK;
}
/*
 * Version 2 names the certificate's SHA-256 "fingerprint": the sync layer
 * takes a payload's "sha256" for an attachment file that must reach the
 * centre first, so a version 1 op waited for a file that never comes.
 * Version 1 payloads ("sha256") are still read.
 */
const struct command cmd_certificate_bind = { "certificate.bind", 2, ROLE_CLERK, bind_apply };

enum status svc_cert_bind(struct svc *svc, const struct actor *a, const char *applicant_id,
			  const struct cert *c, const char *card_id, enum token_slot slot,
			  struct err *e)
{
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
			      " s:s, s:s, s:s}",
			      "id", id, "applicant_id", applicant_id ? applicant_id : "", "serial",
			      c->serial, "subject", c->subject, "issuer", c->issuer, "cn",
			      c->subject_cn, "org", c->subject_o, "algorithm",
			      cert_key_alg_label(c->key_alg), "key_desc", c->key_desc, "sig_alg",
			      c->sig_alg, "not_before", c->not_before_iso, "not_after",
			      c->not_after_iso, "fingerprint", c->sha256, "sm3", c->sm3, "card_id",
			      card_id ? card_id : "", "slot", token_slot_code(slot));
	if (!p)
		return err_set(e, ST_INVALID, "证书内容包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_certificate_bind, p, e);
	json_decref(p);
	return st;
}

enum status svc_key_bind(struct svc *svc, const struct actor *a, struct token_ctx *ctx,
			 const char *reader, const char *applicant_id, const char *pin,
			 struct key_bind_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->tries_left = -1;
	struct applicant ap;
	enum status st = applicant_repo_get(svc->db, applicant_id ? applicant_id : "", &ap, e);
	if (st != ST_OK)
		return st;
	/* The PIN first: the applicant proves the KEY is theirs. */
	struct token_card *card;
	st = key_connect(ctx, reader, &card, e);
	if (st != ST_OK)
		return st;
	st = token_verify_pin(card, pin ? pin : "", &out->tries_left, e);
	if (st == ST_OK)
		st = read_card(card, &out->kc, e);
	token_disconnect(card);
	if (st != ST_OK)
		return st;
	out->default_pin = pin && strcmp(pin, KEY_DEFAULT_PIN) == 0;
	if ((st = key_contents_usable(&out->kc, e)) != ST_OK)
		return st;

	/* Which certificates to bind; refuse before writing anything. */
	bool todo[KEY_SLOTS] = { false };
	int n = 0;
	for (int i = 0; i < out->kc.ncerts; i++) {
		char bound[UUID_LEN + 1], label[160];
		st = svc_cert_bound_to(svc, out->kc.certs[i].cert.sha256, bound, label, e);
		if (st != ST_OK)
			return st;
		bool move;
		struct err re;
		err_clear(&re);
		st = key_bind_rule(bound, ap.id, a, label, &move, &re);
		if (st == ST_EXISTS) {
			out->already++;
			continue;
		}
		if (st != ST_OK)
			return *e = re, st;
		if (move) {
			out->moved++;
			snprintf(out->moved_from, sizeof out->moved_from, "%s", label);
		}
		todo[i] = true;
		n++;
	}
	if (n == 0) {
		char phone[32];
		mask_mobile(ap.phone, phone);
		return err_set(e, ST_EXISTS, "KEY 上的证书已绑定到此申请人 %s（%s），不能重复绑定。",
			       ap.name, phone);
	}
	/* All or nothing: one command per certificate, in one transaction. */
	if ((st = svc_batch_begin(svc, e)) != ST_OK)
		return st;
	for (int i = 0; i < out->kc.ncerts && st == ST_OK; i++)
		if (todo[i])
			st = svc_cert_bind(svc, a, ap.id, &out->kc.certs[i].cert, out->kc.card_id,
					   out->kc.certs[i].slot, e);
	if (st != ST_OK) {
		svc_batch_rollback(svc);
		return st;
	}
	if ((st = svc_batch_commit(svc, e)) != ST_OK)
		return st;
	out->bound = n;
	return ST_OK;
}

int svc_cert_of_applicant(struct svc *svc, const char *applicant_id, struct cert_row *out,
			  int max, struct err *e)
{
	return cert_repo_of_applicant(svc->db, applicant_id, out, max, e);
}

long svc_cert_count_of_applicant(struct svc *svc, const char *applicant_id)
{
	return cert_repo_count_of_applicant(svc->db, applicant_id);
}

enum status svc_cert_bound_to(struct svc *svc, const char *sha256, char *applicant_id,
			      char *label, struct err *e)
{
	applicant_id[0] = label[0] = '\0';
	struct cert_row r;
	struct err nf;
	enum status st = cert_repo_by_sha256(svc->db, sha256, &r, &nf);
	if (st == ST_NOT_FOUND)
		return ST_OK;
	if (st != ST_OK)
		return *e = nf, st;
	snprintf(applicant_id, UUID_LEN + 1, "%s", r.applicant_id);
	applicant_label(svc->db, r.applicant_id, label, 160);
	return ST_OK;
}

void svc_cert_state(struct svc *svc, const char *sha256, char *out, size_t outsz)
{
	struct cert_row r;
	struct err e;
	out[0] = '\0';
	if (cert_repo_by_sha256(svc->db, sha256, &r, &e) == ST_OK)
		app_kind_cert_state(&r, out, outsz);
}

void cert_row_standing(const struct cert_row *r, time_t now, char *out, size_t outsz)
{
	app_kind_cert_state(r, out, outsz);
	if (!out[0])
		key_standing(r->not_before_t, r->not_after_t, now, out, outsz);
}

long cert_row_days_left(const struct cert_row *r, time_t now)
{
	return cert_floor_days((long long)r->not_after_t - (long long)now);
}

void key_standing(time_t not_before, time_t not_after, time_t now, char *out, size_t outsz)
{
	struct cert c;
	c.not_before = not_before;
	c.not_after = not_after;
	if (cert_not_yet_valid(&c, now)) {
		snprintf(out, outsz, "尚未生效");
	} else if (!cert_expired(&c, now)) {
		long left = cert_days_left(&c, now);
		if (left > 0)
			snprintf(out, outsz, "剩余 %ld 天", left);
		else
			snprintf(out, outsz, "今天到期");
	} else {
		long gone = cert_days_expired(&c, now);
		if (gone == 0)
			snprintf(out, outsz, "今天已过期");
		else
			snprintf(out, outsz, "已过期 %ld 天，%s", gone,
				 cert_past_renewal(&c, now) ? "已注销" : "可续费");
	}
}

/* ---- renewal ---- */

typedef bool (*code_check)(const char *s, struct err *e);

/*
 * The first code in s that `check` accepts: runs of ASCII letters and
 * digits, upper-cased, of 18 characters, or of 19-24 where the part before
 * the last 18 is letters (a type prefix such as "SF"). out: 19 bytes.
 */
static bool find_code(const char *s, code_check check, char out[19])
{
	size_t i = 0, n = strlen(s);
	while (i < n) {
		while (i < n && !isalnum((unsigned char)s[i]))
			i++;
		size_t start = i;
		while (i < n && isalnum((unsigned char)s[i]))
			i++;
		size_t len = i - start;
		if (len < 18 || len > 24)
			continue;
		char tok[25];
		for (size_t k = 0; k < len; k++)
			tok[k] = (char)toupper((unsigned char)s[start + k]);
		tok[len] = '\0';
		size_t skip = len - 18;
		bool prefix_letters = true;
		for (size_t k = 0; k < skip; k++)
			prefix_letters &= isalpha((unsigned char)tok[k]) != 0;
		/* An ID number may pass the credit code's check (1 in 31): a
		 * run that is a valid ID number is never taken for a credit code. */
		bool ok = check(tok + skip, NULL) &&
			  (check == check_id_number || !check_id_number(tok + skip, NULL));
		if (prefix_letters && ok) {
			memcpy(out, tok + skip, 19);
			return true;
		}
	}
	return false;
}

/* CN without codes: the first '@'-separated part that is not all ASCII
 * letters and digits ("041@Z110101199003071234@张三@1" -> "张三"). */
static void person_name(const char *cn, char *out, size_t outsz)
{
	const char *p = cn;
	while (*p) {
		const char *end = strchr(p, '@');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool code = len > 0;
		for (size_t k = 0; k < len && code; k++)
			code = isalnum((unsigned char)p[k]) != 0;
		if (!code && len > 0) {
			snprintf(out, outsz, "%.*s", (int)len, p);
			utf8_trim(out);
			if (*out)
				return;
		}
		if (!end)
			break;
		p = end + 1;
	}
	snprintf(out, outsz, "%s", cn);
	utf8_trim(out);
}

void cert_holder_of(const struct cert *c, struct cert_holder *out)
{
	memset(out, 0, sizeof *out);
	const char *places[3] = { c->subject_serial, c->subject_ou, c->subject_cn };
	for (int i = 0; i < 3 && !out->credit_code[0]; i++)
		find_code(places[i], check_credit_code, out->credit_code);
	for (int i = 0; i < 3 && !out->id_number[0]; i++)
		find_code(places[i], check_id_number, out->id_number);
	person_name(c->subject_cn, out->person, sizeof out->person);
	snprintf(out->org, sizeof out->org, "%s", c->subject_o);
	utf8_trim(out->org);
	if (out->credit_code[0])
		out->subject = SUBJECT_ENTERPRISE;
	else if (out->id_number[0])
		out->subject = SUBJECT_PERSONAL;
	else
		out->subject = out->org[0] ? SUBJECT_ENTERPRISE : SUBJECT_PERSONAL;
	if (out->subject == SUBJECT_ENTERPRISE && !out->org[0])
		snprintf(out->org, sizeof out->org, "%s", out->person);
}

void key_holder_text(const char *cn, const char *o, char *out, size_t outsz)
{
	char person[CERT_ATTR_MAX];
	person_name(cn ? cn : "", person, sizeof person);
	/* A CN that holds nothing but codes keeps them: leave out an ID number. */
	char code[19];
	if (find_code(person, check_id_number, code))
		person[0] = '\0';
	snprintf(out, outsz, "%s%s%s", person, person[0] && o && *o ? " · " : "", o ? o : "");
}

/* The local date of t, "2025-08-01". */
static void local_date(time_t t, char out[17])
{
	clock_local(t, out);
	out[10] = '\0';
}

enum status key_renewal_allowed(const struct cert *c, time_t now, struct err *e)
{
	if (!cert_past_renewal(c, now))
		return ST_OK;
	char from[17], to[17];
	local_date(c->not_before, from);
	local_date(c->not_after, to);
	return err_set(e, ST_STATE, "证书已于 %s 过期，超过 %d 天已被注销，不能续费，请重新申请新证书"
		       "（有效期 %s 至 %s，已过期 %ld 天）。",
		       to, CERT_RENEW_GRACE_DAYS, from, to, cert_days_expired(c, now));
}

enum status svc_key_renewal(struct svc *svc, const char *applicant_id, const struct cert *c,
			    struct key_renewal *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	enum status st = key_renewal_allowed(c, clock_now(), e);
	if (st != ST_OK)
		return st;
	struct err se;
	if (!check_cert_serial(c->serial, &se))
		return err_set(e, ST_INVALID, "证书序列号 %.66s 不能用于续费申请：%s", c->serial,
			       se.msg);
	snprintf(out->cert_serial, sizeof out->cert_serial, "%s", c->serial);
	cert_serial_normalize(out->cert_serial);
	struct applicant ap;
	if ((st = applicant_repo_get(svc->db, applicant_id ? applicant_id : "", &ap, e)) != ST_OK)
		return st;
	struct cert_holder h;
	cert_holder_of(c, &h);
	out->subject = h.subject;

	if (h.subject == SUBJECT_PERSONAL) {
		/* The holder of a personal application is the applicant. */
		char idn[32];
		if (h.id_number[0] && ap.id_number[0] && strcmp(h.id_number, ap.id_number) != 0) {
			mask_id_number(h.id_number, idn);
			return err_set(e, ST_INVALID, "证书持有人（身份证 %s）不是申请人%s：个人证书须由持证人"
				       "本人续费，请打开持证人的账户办理。", idn, ap.name);
		}
		if (!h.id_number[0] && h.person[0] && strcmp(h.person, ap.name) != 0)
			return err_set(e, ST_INVALID, "证书持有人（%s）不是申请人%s：个人证书须由持证人本人续费，"
				       "请打开持证人的账户办理。", h.person, ap.name);
		snprintf(out->holder_name, sizeof out->holder_name, "%s", ap.name);
		return ST_OK;
	}

	snprintf(out->holder_name, sizeof out->holder_name, "%s", h.org);
	snprintf(out->credit_code, sizeof out->credit_code, "%s", h.credit_code);
	struct enterprise ents[16];
	if (!out->credit_code[0]) {
		/* No code in the certificate: the applicant's enterprise of that name. */
		struct err le;
		int n = enterprise_repo_of_applicant(svc->db, ap.id, ents, 16, &le);
		for (int i = 0; i < n; i++)
			if (strcmp(ents[i].name, h.org) == 0)
				snprintf(out->credit_code, sizeof out->credit_code, "%s",
					 ents[i].credit_code);
	}
	struct enterprise en;
	struct err nf;
	if (out->credit_code[0] &&
	    enterprise_repo_by_code(svc->db, out->credit_code, &en, &nf) == ST_OK) {
		snprintf(out->enterprise_id, sizeof out->enterprise_id, "%s", en.id);
		snprintf(out->legal_rep, sizeof out->legal_rep, "%s", en.legal_rep);
		snprintf(out->address, sizeof out->address, "%s", en.address);
		snprintf(out->phone, sizeof out->phone, "%s", en.phone);
		if (!out->holder_name[0])
			snprintf(out->holder_name, sizeof out->holder_name, "%s", en.name);
	}
	return ST_OK;
}
