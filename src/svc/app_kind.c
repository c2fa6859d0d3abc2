/* The service kinds: the certificate they name, their reason, what making
 * a replacement does to the old certificate, and completing a revoke. */
#include "svc/app_kind.h"

#include <stdio.h>
#include <string.h>

#include "store/app_kind_repo.h"
#include "store/app_repo.h"
#include "svc/app_internal.h"
#include "svc/commands.h"
#include "util/clock.h"
#include "util/utf8.h"

bool app_kind_check_reason(struct application *a, struct err *e)
{
	if (!app_kind_takes_reason(a->kind)) {
		a->service_reason[0] = '\0';
		return true;
	}
	utf8_trim(a->service_reason);
	if (!utf8_valid(a->service_reason, strlen(a->service_reason)))
		return err_field(e, "service_reason", ST_INVALID, "原因包含无效字符"), false;
	if (!a->service_reason[0] && app_kind_needs_reason(a->kind))
		return err_field(e, "service_reason", ST_INVALID, "%s须写明原因%s",
				 app_kind_label(a->kind),
				 a->kind == KIND_REISSUE ? "（KEY 遗失或损坏的情况）" : ""), false;
	if (utf8_count(a->service_reason) > SERVICE_REASON_CHARS)
		return err_field(e, "service_reason", ST_INVALID, "原因最多 %d 个字",
				 SERVICE_REASON_CHARS), false;
	return true;
}

/* The local date of a UTC ISO time ("" when unreadable). */
static void local_date(const char *iso, char out[11])
{
	time_t t;
	char buf[17];
	out[0] = '\0';
	if (iso && *iso && clock_parse_iso(iso, &t)) {
		clock_local(t, buf);
		snprintf(out, 11, "%.10s", buf);
	}
}

void app_kind_cert_state(const struct cert_row *r, char *out, size_t outsz)
{
	char day[11];
	out[0] = '\0';
	if (r->crl_revoked_at[0]) {
		local_date(r->crl_revoked_at, day);
		snprintf(out, outsz, "已吊销（%s%s%s）", day, r->crl_reason[0] ? "，" : "", r->crl_reason);
	} else if (r->revoked_at[0]) {
		local_date(r->revoked_at, day);
		snprintf(out, outsz, "已注销（%s%s%s）", day, r->revoke_reason[0] ? "，" : "",
			 r->revoke_reason);
	}
}

/* Is row r the applicant's, or the enterprise's the application is for? */
static bool belongs(const struct cert_row *r, const struct application *a)
{
	if (r->applicant_id[0] && strcmp(r->applicant_id, a->applicant_id) == 0)
		return true;
	if (a->holder_code[0] && strstr(r->subject, a->holder_code))
		return true;
	return a->subject == SUBJECT_ENTERPRISE && a->holder_name[0] &&
	       strcmp(r->org, a->holder_name) == 0;
}

#define ROWS 8

enum status app_kind_check_cert(struct db *db, const struct application *a, struct cert_row *out,
				struct err *e)
{
	if (a->kind == KIND_NEW || a->kind == KIND_RENEWAL)
		return ST_OK;
	const char *label = app_kind_label(a->kind);
	struct cert_row rows[ROWS];
	int n = cert_repo_by_serial(db, a->cert_serial, rows, ROWS, e);
	if (n == 0 && strlen(a->cert_serial) % 2 == 1) {
		/* Typed without the leading zero of its first byte. */
		char padded[SERIAL_MAX + 1];
		snprintf(padded, sizeof padded, "0%s", a->cert_serial);
		n = cert_repo_by_serial(db, padded, rows, ROWS, e);
	}
	if (n < 0)
		return e->st;
	if (n == 0)
		return err_field(e, "cert_serial", ST_NOT_FOUND,
				 "没有序列号为 %s 的证书记录：%s须针对已登记的证书，请先读取该证书的 KEY 并绑定到申请人",
				 a->cert_serial, label);
	const struct cert_row *r = NULL;
	for (int i = 0; i < n && !r; i++)
		if (belongs(&rows[i], a))
			r = &rows[i];
	if (!r)
		return err_field(e, "cert_serial", ST_DENIED,
				 "序列号为 %s 的证书不属于此申请人%s，不能为其办理%s", a->cert_serial,
				 a->subject == SUBJECT_ENTERPRISE ? "或此企业" : "", label);
	char state[512];
	app_kind_cert_state(r, state, sizeof state);
	if (state[0])
		return err_field(e, "cert_serial", ST_STATE, "证书 %s %s，不能再办理%s", r->serial, state,
				 label);
	long long gone = (long long)clock_now() - (long long)r->not_after_t;
	if (gone > (long long)CERT_RENEW_GRACE_DAYS * 86400) {
		char day[11];
		local_date(r->not_after, day);
		return err_field(e, "cert_serial", ST_STATE,
				 "证书 %s 已于 %s 过期，超过 %d 天已被注销，不能办理%s，请申请新证书",
				 r->serial, day, CERT_RENEW_GRACE_DAYS, label);
	}
	/* One service at a time on a certificate: an unlock beside a revoke,
	 * or two reissues, would contradict each other. */
	char number[NUMBER_MAX];
	enum app_kind other;
	struct err nf;
	enum status st = app_kind_repo_live_for(db, r->serial, a->id, number, &other, &nf);
	if (st == ST_OK)
		return err_field(e, "cert_serial", ST_EXISTS, "证书 %s 已有一份办理中的%s申请单 %s",
				 r->serial, app_kind_label(other), number);
	if (st != ST_NOT_FOUND)
		return *e = nf, st;
	if (out)
		*out = *r;
	return ST_OK;
}

/* The row of the certificate the application names, bound or not; "" id
 * when it is not known here. */
static enum status old_cert(struct db *db, const struct application *a, struct cert_row *r,
			    struct err *e)
{
	memset(r, 0, sizeof *r);
	struct cert_row rows[ROWS];
	int n = cert_repo_by_serial(db, a->cert_serial, rows, ROWS, e);
	if (n < 0)
		return e->st;
	for (int i = 0; i < n; i++)
		if (belongs(&rows[i], a)) {
			*r = rows[i];
			break;
		}
	return ST_OK;
}

enum status app_kind_on_make(struct svc_run *run, struct application *a, struct err *e)
{
	if (!app_kind_allows(a->kind, APP_MAKE, e))
		return e->st;
	if (a->kind != KIND_CHANGE && a->kind != KIND_REISSUE)
		return ST_OK;
	struct cert_row r;
	enum status st = old_cert(run->svc->db, a, &r, e);
	if (st != ST_OK || !r.id[0] || r.revoked_at[0])
		return st;
	char now[21];
	clock_iso(clock_now(), now);
	return cert_repo_revoke(run->svc->db, r.id, now, app_kind_label(a->kind), e);
}

/* ---- application.complete (a revoke carried out) ---- */

static enum status complete_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct application a;
	enum status st = app_load(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if (!app_kind_allows(a.kind, APP_COMPLETE, e))
		return e->st;
	if (a.kind != KIND_REVOKE)
		return err_set(e, ST_STATE, "%s申请在柜台读取 KEY 完成解锁后自动办结", app_kind_label(a.kind));
	if (strcmp(a.created_by, run->actor->id) == 0)
		return err_set(e, ST_DENIED, "不能办理自己录入的申请单（%s），请由其他审核员办理",
			       a.number);
	enum app_status next;
	if (!app_transition(a.status, APP_COMPLETE, &next, e))
		return e->st;
	struct cert_row r;
	if ((st = old_cert(run->svc->db, &a, &r, e)) != ST_OK)
		return st;
	if (!r.id[0])
		return err_set(e, ST_NOT_FOUND, "没有序列号为 %s 的证书记录，无法登记注销", a.cert_serial);
	a.status = next;
	clock_iso(clock_now(), a.done_at);
	if ((st = cert_repo_revoke(run->svc->db, r.id, a.done_at, a.service_reason, e)) != ST_OK)
		return st;
	run->after = app_json(&a);
	json_object_set_new(run->after, "revoked", json_pack("{s:s, s:s}", "serial", r.serial,
							   "sha256", r.sha256));
	st = app_repo_update(run->svc->db, &a, e);
	return st == ST_OK ? app_kind_repo_write(run->svc->db, &a, e) : st;
}
const struct command cmd_application_complete = { "application.complete", 1, ROLE_SUPERVISOR,
						  complete_apply };

enum status svc_application_complete(struct svc *svc, const struct actor *a, const char *id,
				     struct err *e)
{
	json_t *p = json_pack("{s:s}", "id", id ? id : "");
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_application_complete, p, e);
	json_decref(p);
	return st;
}
