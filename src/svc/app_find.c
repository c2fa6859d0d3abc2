/* Finding applications: one search box that understands what was typed. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "model/validate.h"
#include "store/app_repo.h"
#include "store/party_repo.h"
#include "svc/application.h"
#include "util/utf8.h"

enum status svc_application_filter(struct svc *svc, const char *query, const char *status,
				   const char *from, const char *to, struct app_filter *f,
				   struct err *e)
{
	memset(f, 0, sizeof *f);
	if (status && *status) {
		enum app_status s;
		if (!app_status_parse(status, &s))
			return err_field(e, "status", ST_INVALID, "无效的状态 %s", status);
		snprintf(f->status, sizeof f->status, "%s", status);
	}
	if (!app_filter_dates(f, from, to, e))
		return e->st;
	char q[PERSON_NAME_MAX];
	snprintf(q, sizeof q, "%s", query ? query : "");
	utf8_trim(q);
	size_t n = strlen(q);
	if (n == 0)
		return ST_OK;
	if (n == 11 && strspn(q, "0123456789") == 11) {
		struct applicant a;
		if (applicant_repo_by_phone(svc->db, q, &a, e) != ST_OK)
			return err_field(e, "query", ST_NOT_FOUND, "没有以手机号 %.3s****%s 注册的申请人",
					 q, q + 7);
		snprintf(f->applicant_id, sizeof f->applicant_id, "%s", a.id);
		return ST_OK;
	}
	if (n == 18 && strspn(q, "0123456789ABCDEFGHJKLMNPQRTUWXYabcdefghjklmnpqrtuwxy") == 18) {
		for (char *c = q; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		snprintf(f->holder_code, sizeof f->holder_code, "%s", q);
		return ST_OK;
	}
	if (utf8_count(q) < 2)
		return err_field(e, "query", ST_INVALID,
				 "请输入单号、手机号、身份证号、信用代码，或至少 2 个字的名称");
	snprintf(f->name, sizeof f->name, "%s", q);
	return ST_OK;
}

static bool is_number(const char *q)
{
	char t[NUMBER_MAX];
	snprintf(t, sizeof t, "%s", q ? q : "");
	utf8_trim(t);
	return number_looks_valid(t);
}

int svc_application_find(struct svc *svc, const char *query, const char *status,
			 const char *from, const char *to, enum page_dir dir, const char *key,
			 struct application *out, int max, struct err *e)
{
	if (is_number(query)) {
		/* A number is one application at most. */
		char t[NUMBER_MAX];
		snprintf(t, sizeof t, "%s", query);
		utf8_trim(t);
		if (max < 1 || (dir != PAGE_FIRST && dir != PAGE_LAST && dir != PAGE_AT))
			return 0;
		struct err nf;
		return app_repo_by_number(svc->db, t, &out[0], &nf) == ST_OK ? 1 : 0;
	}
	struct app_filter f;
	enum status st = svc_application_filter(svc, query, status, from, to, &f, e);
	if (st == ST_NOT_FOUND)
		return 0;
	if (st != ST_OK)
		return -1;
	return app_repo_page(svc->db, &f, dir, key, out, max, e);
}

long svc_application_count(struct svc *svc, const char *query, const char *status,
			   const char *from, const char *to)
{
	if (is_number(query)) {
		struct application a;
		struct err nf;
		char t[NUMBER_MAX];
		snprintf(t, sizeof t, "%s", query);
		utf8_trim(t);
		return app_repo_by_number(svc->db, t, &a, &nf) == ST_OK ? 1 : 0;
	}
	struct app_filter f;
	struct err e;
	enum status st = svc_application_filter(svc, query, status, from, to, &f, &e);
	if (st == ST_NOT_FOUND)
		return 0;
	if (st != ST_OK)
		return -1;
	return app_repo_count(svc->db, &f);
}
