/* Certificate lifecycle: the expiry worklist, contacts and SMS reminders,
 * and the revocation of certificates expired for more than 90 days. */
#include "svc/lifecycle.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "model/cert.h"
#include "model/validate.h"
#include "svc/commands.h"
#include "svc/key.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/utf8.h"

#define DAY_SECS 86400L
/* Reminders go out from this many days before expiry. */
#define REMIND_DAYS_AHEAD 90

/* ---- windows ---- */

const char *lc_window_label(enum lc_window w)
{
	switch (w) {
	case LC_WITHIN_30: return "30 天内";
	case LC_WITHIN_60: return "60 天内";
	case LC_WITHIN_90: return "90 天内";
	case LC_EXPIRED: return "已过期";
	default: return "";
	}
}

void lc_filter_window(struct lc_filter *f, enum lc_window w)
{
	f->expired = w == LC_EXPIRED;
	f->days = w == LC_WITHIN_30 ? 30 : w == LC_WITHIN_60 ? 60 : 90;
}

/* ---- days and words ---- */

time_t lifecycle_grace_end(time_t not_after)
{
	return (time_t)((long long)not_after + (long long)CERT_RENEW_GRACE_DAYS * DAY_SECS);
}

bool lifecycle_due(time_t not_after, time_t now)
{
	struct cert c;
	c.not_after = not_after;
	return cert_past_renewal(&c, now);
}

void lifecycle_due_before(time_t now, char out[21])
{
	/* not_after < now - grace  <=>  now - not_after > grace: cert_past_renewal. */
	clock_iso((time_t)((long long)now - (long long)CERT_RENEW_GRACE_DAYS * DAY_SECS), out);
}

void lifecycle_window_bounds(const struct lc_filter *f, time_t now, char lo[21], char hi[21])
{
	if (f->expired) {
		/* Expired: now > not_after, i.e. not_after <= now - 1 s. */
		lo[0] = '\0';
		clock_iso(now - 1, hi);
		return;
	}
	int days = f->days < 1 ? 1 : f->days > LIFECYCLE_DAYS_MAX ? LIFECYCLE_DAYS_MAX : f->days;
	clock_iso(now, lo);
	clock_iso((time_t)((long long)now + (long long)days * DAY_SECS), hi);
}

void lifecycle_local_day(time_t t, char out[LC_DAY_MAX])
{
	char local[17];
	clock_local(t, local);
	snprintf(out, LC_DAY_MAX, "%.10s", local);
}

void lifecycle_standing(time_t not_after, const char *revoked_at, time_t now, bool compact,
			char *out, size_t outsz)
{
	if (revoked_at && *revoked_at) {
		time_t t;
		char day[LC_DAY_MAX];
		if (clock_parse_iso(revoked_at, &t))
			lifecycle_local_day(t, day);
		else
			snprintf(day, sizeof day, "%.10s", revoked_at);
		if (compact)
			snprintf(out, outsz, "已注销");
		else
			snprintf(out, outsz, "已于 %s 注销", day);
		return;
	}
	struct cert c;
	c.not_after = not_after;
	if (!cert_expired(&c, now)) {
		long left = cert_days_left(&c, now);
		if (left <= 0)
			snprintf(out, outsz, "今天到期");
		else
			snprintf(out, outsz, compact ? "剩 %ld 天" : "剩余 %ld 天到期", left);
		return;
	}
	long gone = cert_days_expired(&c, now);
	if (lifecycle_due(not_after, now)) {
		char gone_text[64];
		lifecycle_expired_text(not_after, now, gone_text, sizeof gone_text);
		if (compact)
			snprintf(out, outsz, "待注销");
		else
			snprintf(out, outsz, "%s，待注销", gone_text);
		return;
	}
	long rest = CERT_RENEW_GRACE_DAYS - gone;
	if (compact) {
		snprintf(out, outsz, "过期%ld天 余%ld天", gone, rest);
		return;
	}
	char last[LC_DAY_MAX];
	lifecycle_local_day(lifecycle_grace_end(not_after), last);
	snprintf(out, outsz, "已过期 %ld 天，还有 %ld 天注销（最迟 %s 续费）", gone, rest, last);
}

void lifecycle_expired_text(time_t not_after, time_t now, char *out, size_t outsz)
{
	struct cert c;
	c.not_after = not_after;
	long gone = cert_days_expired(&c, now);
	/* Due within its 90th day: "90 days" alone would read as not due. */
	if (gone == CERT_RENEW_GRACE_DAYS && lifecycle_due(not_after, now))
		snprintf(out, outsz, "已过期超过 %d 天", CERT_RENEW_GRACE_DAYS);
	else
		snprintf(out, outsz, "已过期 %ld 天", gone);
}

void lifecycle_holder(const char *cn, const char *org, char *out, size_t outsz)
{
	char o[CERT_ATTR_MAX];
	snprintf(o, sizeof o, "%s", org ? org : "");
	utf8_trim(o);
	if (o[0]) {
		snprintf(out, outsz, "%s", o);
		return;
	}
	key_holder_text(cn ? cn : "", "", out, outsz);
	if (!out[0])
		snprintf(out, outsz, "（未载明持证人）");
}

/* "2026年8月1日", local. */
static void chinese_date(time_t t, char *out, size_t outsz)
{
	struct tm tm;
	localtime_r(&t, &tm);
	snprintf(out, outsz, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void lifecycle_reminder_text(const char *holder, const char *serial, time_t not_after,
			     time_t now, char *out, size_t outsz)
{
	size_t n = strlen(serial);
	const char *tail = n > 6 ? serial + n - 6 : serial;
	char date[32];
	chinese_date(not_after, date, sizeof date);
	if (now <= not_after) {
		snprintf(out, outsz, "【数字证书服务】您好！%s的数字证书（序列号末6位 %s）将于%s到期。"
			 "请在到期前携带 USB KEY 到受理点柜台，或登录网上服务平台办理续费。",
			 holder, tail, date);
		return;
	}
	char last[32];
	chinese_date(lifecycle_grace_end(not_after), last, sizeof last);
	snprintf(out, outsz, "【数字证书服务】您好！%s的数字证书（序列号末6位 %s）已于%s到期。"
		 "请最迟于%s携带 USB KEY 到受理点柜台，或登录网上服务平台办理续费；"
		 "逾期证书将被注销，只能重新申请。", holder, tail, date, last);
}

/* ---- the worklist ---- */

static struct lc_where where_of(const struct lc_filter *f, char lo[21], char hi[21])
{
	lifecycle_window_bounds(f, clock_now(), lo, hi);
	struct lc_where w = { lo, hi, f->office_id, f->contacted };
	return w;
}

int svc_lifecycle_page(struct svc *svc, const struct lc_filter *f, enum page_dir dir,
		       const char *key, struct lc_row *out, int max, struct err *e)
{
	char lo[21], hi[21];
	struct lc_where w = where_of(f, lo, hi);
	return lifecycle_repo_page(svc->db, &w, dir, key, out, max, e);
}

void svc_lifecycle_counts(struct svc *svc, const struct lc_filter *f, long counts[LC__WINDOWS])
{
	_Static_assert(LC__WINDOWS == 4, "one pass counts four windows");
	time_t now = clock_now();
	char lo[LC__WINDOWS][21], hi[LC__WINDOWS][21];
	const char *bounds[LC__WINDOWS][2];
	for (int i = 0; i < LC__WINDOWS; i++) {
		struct lc_filter t = *f;
		lc_filter_window(&t, (enum lc_window)i);
		lifecycle_window_bounds(&t, now, lo[i], hi[i]);
		bounds[i][0] = lo[i];
		bounds[i][1] = hi[i];
	}
	/* Each window is counted within its own bounds. */
	struct lc_where w = { NULL, NULL, f->office_id, f->contacted };
	struct err e;
	if (lifecycle_repo_counts(svc->db, &w, (const char *const(*)[2])bounds, counts, &e) != ST_OK)
		for (int i = 0; i < LC__WINDOWS; i++)
			counts[i] = -1;
}

enum status svc_lifecycle_get(struct svc *svc, const char *id, struct lc_row *out,
			      struct err *e)
{
	return lifecycle_repo_get(svc->db, id ? id : "", out, e);
}

enum status svc_lifecycle_find(struct svc *svc, const char *serial, struct lc_row *out,
			       struct err *e)
{
	char s[CERT_SERIAL_MAX];
	size_t n = 0;
	const char *p = serial ? serial : "";
	if (*p == '-')
		s[n++] = *p++;
	for (; *p && n + 1 < sizeof s; p++) {
		if (*p == ':' || *p == ' ')
			continue;
		if (!isxdigit((unsigned char)*p))
			return err_field(e, "serial", ST_INVALID, "证书序列号应为十六进制数字（0-9、A-F）");
		s[n++] = (char)toupper((unsigned char)*p);
	}
	s[n] = '\0';
	if (*p || n == 0 || (n == 1 && s[0] == '-'))
		return err_field(e, "serial", ST_INVALID, "请输入有效的证书序列号");
	struct lc_row rows[4];
	int got = lifecycle_repo_by_serial(svc->db, s, rows, 4, e);
	if (got < 0)
		return e->st;
	int bound = 0;
	for (int i = 0; i < got; i++)
		if (rows[i].applicant_id[0]) {
			if (bound == 0)
				*out = rows[i];
			bound++;
		}
	if (bound == 0)
		return err_field(e, "serial", ST_NOT_FOUND, got ? "序列号为 %s 的证书尚未绑定申请人"
								: "没有序列号为 %s 的证书", s);
	if (bound > 1)
		return err_field(e, "serial", ST_EXISTS, "有 %d 张序列号为 %s 的证书（不同的颁发者），"
				 "请在界面上从到期提醒列表中选择", bound, s);
	return ST_OK;
}

bool svc_lifecycle_application_of(struct svc *svc, const char *serial, char number[64])
{
	return lifecycle_repo_application_of(svc->db, serial ? serial : "", number);
}

int svc_lifecycle_contacts(struct svc *svc, const char *id, struct lc_contact *out, int max,
			   struct err *e)
{
	return lifecycle_repo_contacts(svc->db, id ? id : "", out, max, e);
}

/* ---- commands ---- */

/* The audit image of a certificate: no subject (it may hold an ID number). */
static json_t *cert_image(const struct lc_row *r)
{
	return json_pack("{s:s, s:s, s:s}", "serial", r->serial, "org", r->org, "not_after",
			 r->not_after);
}

static bool check_note(const char *note, struct err *e)
{
	long n = utf8_count(note);
	if (n < 0)
		return err_field(e, "note", ST_INVALID, "联系情况包含无效字符"), false;
	if (n == 0)
		return err_field(e, "note", ST_INVALID, "请填写联系情况"), false;
	if (n > LIFECYCLE_NOTE_CHARS)
		return err_field(e, "note", ST_INVALID, "联系情况最多 %d 个字", LIFECYCLE_NOTE_CHARS),
		       false;
	for (const unsigned char *p = (const unsigned char *)note; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_field(e, "note", ST_INVALID, "联系情况不能包含控制字符或换行"), false;
	return true;
}

/* The payload's common part: ids, the day, and the certificate read. */
static enum status contact_input(struct svc_run *run, json_t *p, struct lc_contact *c,
				 struct lc_row *row, struct err *e)
{
	memset(c, 0, sizeof *c);
	if (!jx_str(p, "id", c->id, sizeof c->id, false, e) ||
	    !jx_str(p, "certificate_id", c->certificate_id, sizeof c->certificate_id, false, e) ||
	    !jx_str(p, "day", c->day, sizeof c->day, false, e))
		return e->st;
	time_t t;
	if (!uuid_valid(c->id) || !uuid_valid(c->certificate_id))
		return err_set(e, ST_INVALID, "无效的记录编号");
	if (strlen(c->day) != 10 || !clock_parse_iso(c->day, &t))
		return err_set(e, ST_INVALID, "无效的日期 %s", c->day);
	enum status st = lifecycle_repo_get(run->svc->db, c->certificate_id, row, e);
	if (st != ST_OK)
		return st;
	if (!row->applicant_id[0])
		return err_set(e, ST_STATE, "证书 %s 尚未绑定申请人", row->serial);
	snprintf(c->office_id, sizeof c->office_id, "%s", run->actor->office_id);
	snprintf(c->created_by, sizeof c->created_by, "%s", run->actor->id);
	clock_iso(clock_now(), c->created_at);
	run->entity = "certificate";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", row->id);
	return ST_OK;
}

/* ---- certificate.contact ---- */

static enum status contact_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct lc_contact c;
	struct lc_row row;
	enum status st = contact_input(run, p, &c, &row, e);
	if (st != ST_OK)
		return st;
	if (!jx_str(p, "note", c.note, sizeof c.note, false, e))
		return e->st;
	utf8_trim(c.note);
	if (!check_note(c.note, e))
		return e->st;
	snprintf(c.kind, sizeof c.kind, "contact");
	if ((st = lifecycle_repo_contact_add(run->svc->db, &c, e)) != ST_OK)
		return st;
	run->after = cert_image(&row);
	json_object_set_new(run->after, "note", json_string(c.note));
	return ST_OK;
}
const struct command cmd_certificate_contact = { "certificate.contact", 1, ROLE_CLERK,
						 contact_apply };

enum status svc_lifecycle_contact(struct svc *svc, const struct actor *a, const char *id,
				  const char *note, struct err *e)
{
	char text[LC_NOTE_MAX];
	snprintf(text, sizeof text, "%s", note ? note : "");
	utf8_trim(text);
	if (!check_note(text, e))
		return e->st;
	char cid[UUID_LEN + 1], day[LC_DAY_MAX];
	uuid_v7(cid);
	lifecycle_local_day(clock_now(), day);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "id", cid, "certificate_id", id ? id : "",
			      "note", text, "day", day);
	if (!p)
		return err_field(e, "note", ST_INVALID, "联系情况包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_certificate_contact, p, e);
	json_decref(p);
	return st;
}

/* ---- certificate.remind ---- */

/* Whether a reminder may go out for the certificate at now. */
static enum status remind_rule(struct db *db, const struct lc_row *row, time_t now,
			       const char *day, struct err *e)
{
	if (row->revoked_at[0])
		return err_set(e, ST_STATE, "证书 %s 已注销，不发送到期提醒", row->serial);
	if (lifecycle_due(row->not_after_t, now))
		return err_set(e, ST_STATE, "证书 %s 过期已超过 %d 天，不能再续费，不发送到期提醒",
			       row->serial, CERT_RENEW_GRACE_DAYS);
	long left = cert_floor_days((long long)row->not_after_t - (long long)now);
	if (left > REMIND_DAYS_AHEAD)
		return err_set(e, ST_STATE, "证书 %s 还有 %ld 天到期，到期前 %d 天内才发送提醒",
			       row->serial, left, REMIND_DAYS_AHEAD);
	char number[64];
	if (lifecycle_repo_application_of(db, row->serial, number))
		return err_set(e, ST_STATE, "证书 %s 已有申请单 %s 在办理，不再发送到期提醒", row->serial,
			       number);
	if (lifecycle_repo_sms_on(db, row->id, day))
		return err_set(e, ST_EXISTS, "这张证书今天（%s）已发送过提醒短信，同一证书每天最多发送一条",
			       day);
	return ST_OK;
}

static enum status remind_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct lc_contact c;
	struct lc_row row;
	enum status st = contact_input(run, p, &c, &row, e);
	if (st != ST_OK)
		return st;
	if (!jx_str(p, "text", c.note, sizeof c.note, false, e))
		return e->st;
	if (!c.note[0] || utf8_count(c.note) < 0 || strlen(c.note) > SMS_TEXT_MAX)
		return err_set(e, ST_INVALID, "提醒短信内容无效");
	/* The terminal decides whether to send; the centre records what was
	 * sent (its rules may see a renewal the terminal did not yet), save
	 * for a second message the same day, which the index refuses. */
	if (!run->svc->centre &&
	    (st = remind_rule(run->svc->db, &row, clock_now(), c.day, e)) != ST_OK)
		return st;
	snprintf(c.kind, sizeof c.kind, "sms");
	if ((st = lifecycle_repo_contact_add(run->svc->db, &c, e)) != ST_OK)
		return st;
	char masked[32];
	mask_mobile(row.applicant_phone, masked);
	run->after = cert_image(&row);
	json_object_set_new(run->after, "phone", json_string(masked));
	json_object_set_new(run->after, "note", json_string(c.note));
	return ST_OK;
}
const struct command cmd_certificate_remind = { "certificate.remind", 1, ROLE_CLERK,
						remind_apply };

enum status svc_lifecycle_remind(struct svc *svc, struct sms_gateway *gw, const struct actor *a,
				 const char *id, struct lc_reminder *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!gw)
		return err_set(e, ST_UNSUPPORTED, "未配置短信网关，无法发送提醒短信");
	struct lc_row row;
	enum status st = lifecycle_repo_get(svc->db, id ? id : "", &row, e);
	if (st != ST_OK)
		return st;
	if (!row.applicant_id[0])
		return err_set(e, ST_STATE, "证书 %s 尚未绑定申请人", row.serial);
	time_t now = clock_now();
	lifecycle_local_day(now, out->day);
	if ((st = remind_rule(svc->db, &row, now, out->day, e)) != ST_OK)
		return st;
	char holder[CERT_ATTR_MAX];
	lifecycle_holder(row.cn, row.org, holder, sizeof holder);
	lifecycle_reminder_text(holder, row.serial, row.not_after_t, now, out->text,
				sizeof out->text);
	mask_mobile(row.applicant_phone, out->phone_masked);

	char cid[UUID_LEN + 1];
	uuid_v7(cid);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "id", cid, "certificate_id", row.id, "text",
			      out->text, "day", out->day);
	if (!p)
		return err_set(e, ST_INVALID, "提醒短信内容无效");
	/* The record and the message together: the record is written in a
	 * transaction that commits only once the gateway has the message. */
	st = svc_batch_begin(svc, e);
	if (st == ST_OK)
		st = svc_exec(svc, a, &cmd_certificate_remind, p, e);
	json_decref(p);
	if (st == ST_OK)
		st = sms_send(gw, row.applicant_phone, out->text, cid, e);
	if (st != ST_OK) {
		svc_batch_rollback(svc);
		return st;
	}
	if ((st = svc_batch_commit(svc, e)) != ST_OK) {
		log_warn("sms %s sent but not recorded: %s", cid, status_code(st));
		struct err why = *e;
		return err_set(e, st, "提醒短信已发出，但未能记录：%s", err_text(&why));
	}
	return ST_OK;
}

/* ---- certificate.revoke_expired ---- */

static enum status revoke_apply(struct svc_run *run, json_t *p, struct err *e)
{
	char id[UUID_LEN + 1];
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	struct lc_row row;
	enum status st = lifecycle_repo_get(run->svc->db, id, &row, e);
	if (st != ST_OK)
		return st;
	run->entity = "certificate";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", row.id);
	if (row.revoked_at[0]) {
		/* The centre's own job, or another terminal's, was first: the
		 * op is answered as done, and changes nothing. */
		if (!run->svc->centre)
			return err_set(e, ST_EXISTS, "证书 %s 已于 %.10s 注销", row.serial, row.revoked_at);
		run->after = cert_image(&row);
		json_object_set_new(run->after, "revoked_at", json_string(row.revoked_at));
		return ST_OK;
	}
	time_t now = clock_now();
	if (!lifecycle_due(row.not_after_t, now)) {
		char standing[128];
		lifecycle_standing(row.not_after_t, "", now, false, standing, sizeof standing);
		return err_set(e, ST_STATE, "证书 %s 过期未超过 %d 天（%s），不能注销", row.serial,
			       CERT_RENEW_GRACE_DAYS, standing);
	}
	char at[21];
	clock_iso(now, at);
	if ((st = lifecycle_repo_revoke(run->svc->db, row.id, at, LIFECYCLE_REVOKE_REASON, e)) !=
	    ST_OK)
		return st;
	run->before = cert_image(&row);
	json_object_set_new(run->before, "revoked_at", json_null());
	run->after = cert_image(&row);
	json_object_set_new(run->after, "revoked_at", json_string(at));
	json_object_set_new(run->after, "reason", json_string(LIFECYCLE_REVOKE_REASON));
	return ST_OK;
}
const struct command cmd_certificate_revoke_expired = { "certificate.revoke_expired", 1,
							ROLE_SUPERVISOR, revoke_apply };

#define RUN_PAGE 64

enum status svc_lifecycle_run(struct svc *svc, const struct actor *a, int limit, lc_run_fn fn,
			      void *ctx, struct lc_run *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!actor_can(a, cmd_certificate_revoke_expired.role))
		return err_set(e, ST_DENIED, "注销过期证书需要%s权限",
			       role_label(cmd_certificate_revoke_expired.role));
	out->now = clock_now();
	char before[21], key[LC_KEY_MAX] = "";
	lifecycle_due_before(out->now, before);
	struct lc_due due[RUN_PAGE];
	struct err first;
	err_clear(&first);
	int n;
	do {
		if ((n = lifecycle_repo_due(svc->db, before, key, due, RUN_PAGE, e)) < 0)
			return e->st;
		for (int i = 0; i < n; i++) {
			if (limit > 0 && out->revoked + out->failed >= limit) {
				out->more = true;
				n = 0;
				break;
			}
			snprintf(key, sizeof key, "%s", due[i].key);
			struct lc_row row;
			struct err re;
			err_clear(&re);
			enum status st = lifecycle_repo_get(svc->db, due[i].id, &row, &re);
			if (st == ST_OK) {
				/* Each command checks the rule again at its own
				 * time: due once, due for good. */
				json_t *p = json_pack("{s:s}", "id", due[i].id);
				st = svc_exec(svc, a, &cmd_certificate_revoke_expired, p, &re);
				json_decref(p);
			} else {
				memset(&row, 0, sizeof row);
				snprintf(row.id, sizeof row.id, "%s", due[i].id);
			}
			if (st == ST_EXISTS)
				continue; /* revoked meanwhile by another run */
			if (st == ST_OK) {
				out->revoked++;
			} else {
				out->failed++;
				if (first.st == ST_OK)
					first = re;
			}
			if (fn)
				fn(ctx, &row, st, st == ST_OK ? "" : err_text(&re));
		}
	} while (n == RUN_PAGE);
	if (out->failed == 0)
		return ST_OK;
	return err_set(e, first.st, "%d 张证书未能注销，第一张的原因：%s", out->failed,
		       err_text(&first));
}

enum status svc_lifecycle_run_centre(struct svc *svc, int limit, struct lc_run *out,
				     struct err *e)
{
	memset(out, 0, sizeof *out);
	struct actor a;
	enum status st = lifecycle_repo_system_actor(svc->db, &a, e);
	if (st != ST_OK)
		return st;
	st = svc_lifecycle_run(svc, &a, limit, NULL, NULL, out, e);
	if (out->revoked || out->failed)
		log_info("lifecycle: %d certificates revoked, %d failed%s", out->revoked, out->failed,
			 out->more ? ", more due" : "");
	return st;
}
