#include "model/application.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define TABLE(list, name)                                   \
	static const char *const name##_codes[] = {         \
		list(CODE_OF)                                \
	};                                                   \
	static const char *const name##_labels[] = {        \
		list(LABEL_OF)                               \
	};
#define CODE_OF(n, c, l) c,
#define LABEL_OF(n, c, l) l,
TABLE(APP_KIND_LIST, kind)
TABLE(APP_SUBJECT_LIST, subject)
TABLE(APP_STATUS_LIST, status)
TABLE(DOC_TYPE_LIST, doc)
#undef CODE_OF
#undef LABEL_OF
#undef TABLE

#define N(a) ((int)(sizeof a / sizeof a[0]))

static bool find(const char *const *codes, int n, const char *code, int *out)
{
	for (int i = 0; i < n; i++)
		if (code && strcmp(codes[i], code) == 0) {
			*out = i;
			return true;
		}
	return false;
}

const char *app_kind_code(enum app_kind k) { return (unsigned)k < KIND__COUNT ? kind_codes[k] : "?"; }
const char *app_kind_label(enum app_kind k) { return (unsigned)k < KIND__COUNT ? kind_labels[k] : "?"; }
const char *app_subject_code(enum app_subject s) { return (unsigned)s < SUBJECT__COUNT ? subject_codes[s] : "?"; }
const char *app_subject_label(enum app_subject s) { return (unsigned)s < SUBJECT__COUNT ? subject_labels[s] : "?"; }
const char *app_status_code(enum app_status s) { return (unsigned)s < APP__COUNT ? status_codes[s] : "?"; }
const char *app_status_label(enum app_status s) { return (unsigned)s < APP__COUNT ? status_labels[s] : "?"; }
const char *doc_type_code(enum doc_type d) { return (unsigned)d < DOC__COUNT ? doc_codes[d] : "?"; }
const char *doc_type_label(enum doc_type d) { return (unsigned)d < DOC__COUNT ? doc_labels[d] : "?"; }

bool app_kind_parse(const char *code, enum app_kind *out)
{
	int i;
	return find(kind_codes, N(kind_codes), code, &i) && (*out = (enum app_kind)i, true);
}

bool app_subject_parse(const char *code, enum app_subject *out)
{
	int i;
	return find(subject_codes, N(subject_codes), code, &i) && (*out = (enum app_subject)i, true);
}

bool app_status_parse(const char *code, enum app_status *out)
{
	int i;
	return find(status_codes, N(status_codes), code, &i) && (*out = (enum app_status)i, true);
}

bool doc_type_parse(const char *code, enum doc_type *out)
{
	int i;
	return find(doc_codes, N(doc_codes), code, &i) && (*out = (enum doc_type)i, true);
}

bool app_clerk_may_edit(enum app_status s)
{
	return s == APP_DRAFT || s == APP_PENDING_REVIEW || s == APP_RETURNED;
}

bool app_supervisor_may_edit(enum app_status s)
{
	return s != APP_SHIPPED && s != APP_COLLECTED && s != APP_CANCELLED && s != APP_DONE;
}

static const char *const action_names[] = {
	[APP_SUBMIT] = "提交", [APP_ACCEPT] = "受理", [APP_RETURN] = "退回",
	[APP_MAKE] = "标记为可领取", [APP_SHIP] = "标记为已寄出", [APP_COLLECT] = "标记为已领取",
	[APP_CANCEL] = "取消", [APP_COMPLETE] = "办结",
};

bool app_transition(enum app_status from, enum app_action a, enum app_status *to, struct err *e)
{
	enum app_status next = from;
	bool ok = false;
	switch (a) {
	case APP_SUBMIT:
		ok = from == APP_DRAFT || from == APP_RETURNED;
		next = APP_PENDING_REVIEW;
		break;
	case APP_ACCEPT:
		ok = from == APP_PENDING_REVIEW;
		next = APP_ACCEPTED;
		break;
	case APP_RETURN:
		ok = from == APP_PENDING_REVIEW;
		next = APP_RETURNED;
		break;
	case APP_MAKE:
		ok = from == APP_ACCEPTED;
		next = APP_READY;
		break;
	case APP_SHIP:
		ok = from == APP_READY;
		next = APP_SHIPPED;
		break;
	case APP_COLLECT:
		ok = from == APP_READY;
		next = APP_COLLECTED;
		break;
	case APP_CANCEL:
		ok = from == APP_DRAFT || from == APP_PENDING_REVIEW || from == APP_RETURNED;
		next = APP_CANCELLED;
		break;
	case APP_COMPLETE:
		ok = from == APP_ACCEPTED;
		next = APP_DONE;
		break;
	}
	if (!ok) {
		err_set(e, ST_STATE, "申请单当前状态为“%s”，不能%s", app_status_label(from),
			(unsigned)a < N(action_names) ? action_names[a] : "执行此操作");
		return false;
	}
	*to = next;
	return true;
}

enum role app_action_role(enum app_action a)
{
	switch (a) {
	case APP_SUBMIT:
	case APP_CANCEL:
		return ROLE_CLERK;
	default:
		return ROLE_SUPERVISOR;
	}
}

bool app_kind_needs_cert(enum app_kind k)
{
	return k != KIND_NEW;
}

bool app_kind_makes_cert(enum app_kind k)
{
	return k == KIND_NEW || k == KIND_RENEWAL || k == KIND_CHANGE || k == KIND_REISSUE;
}

bool app_kind_has_years(enum app_kind k)
{
	return k == KIND_NEW || k == KIND_RENEWAL;
}

bool app_kind_takes_reason(enum app_kind k)
{
	return k == KIND_CHANGE || k == KIND_REISSUE || k == KIND_REVOKE;
}

bool app_kind_needs_reason(enum app_kind k)
{
	return k == KIND_REISSUE || k == KIND_REVOKE;
}

bool app_kind_delivers(enum app_kind k)
{
	return k != KIND_REVOKE && k != KIND_UNLOCK;
}

bool app_kind_allows(enum app_kind k, enum app_action a, struct err *e)
{
	if (a == APP_MAKE && !app_kind_makes_cert(k))
		return err_set(e, ST_STATE, "%s申请不制作证书：受理后%s", app_kind_label(k),
			       k == KIND_UNLOCK ? "在柜台读取 KEY 完成解锁即办结"
						: "由审核员登记注销完成即办结"),
		       false;
	if (a == APP_COMPLETE && app_kind_makes_cert(k))
		return err_set(e, ST_STATE, "%s申请要制作证书，不能直接办结：请登记制证完成",
			       app_kind_label(k)),
		       false;
	if ((a == APP_SHIP || a == APP_COLLECT) && !app_kind_makes_cert(k))
		return err_set(e, ST_STATE, "%s申请没有要领取或寄出的证书", app_kind_label(k)), false;
	return true;
}

/*
 * The documents each kind needs. An enterprise always shows its licence
 * (except to unlock its own KEY, which is in hand), its agent's ID card and
 * the authorisation letter; the legal representative's ID card when the
 * certificate's subject is set anew (new, change). A person shows their ID
 * card. A change adds the proof of the change; a reissue the statement of
 * the loss or damage.
 */
int app_required_docs(enum app_kind k, enum app_subject s, enum doc_type out[DOC__COUNT])
{
	int n = 0;
	if (s == SUBJECT_ENTERPRISE) {
		if (k != KIND_UNLOCK)
			out[n++] = DOC_LICENCE;
		if (k == KIND_NEW || k == KIND_CHANGE)
			out[n++] = DOC_LEGAL_REP_ID;
		out[n++] = DOC_AGENT_ID;
		out[n++] = DOC_AUTHORISATION;
	} else {
		/* A personal certificate is the applicant's own: their ID card. */
		out[n++] = DOC_HOLDER_ID;
	}
	if (k == KIND_CHANGE)
		out[n++] = DOC_CHANGE_PROOF;
	if (k == KIND_REISSUE)
		out[n++] = DOC_LOSS_STATEMENT;
	return n;
}

void number_format(const char *prefix, const char *office, const char *terminal,
		   const char ymd[9], long seq, char out[48])
{
	snprintf(out, 48, "%s-%s-%s-%.8s-%04ld", prefix, office, terminal, ymd, seq);
}

bool number_looks_valid(const char *s)
{
	/* XX-OFFICE-TT-YYYYMMDD-NNNN */
	size_t n = strlen(s);
	if (n < 2 + 1 + 2 + 1 + 2 + 1 + 8 + 1 + 4 || n > 47)
		return false;
	if (!isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]) || s[2] != '-')
		return false;
	const char *p = s + 3, *dash = strchr(p, '-');
	if (!dash || dash - p < 2 || dash - p > 16)
		return false;
	for (; p < dash; p++)
		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p))
			return false;
	p = dash + 1;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != '-')
		return false;
	p += 3;
	for (int i = 0; i < 8; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	if (p[8] != '-')
		return false;
	p += 9;
	if (strlen(p) < 4)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

const char *delivery_code(enum delivery d)
{
	return d == DELIVERY_POST ? "post" : "pickup";
}

const char *delivery_label(enum delivery d)
{
	return d == DELIVERY_POST ? "邮寄" : "现场领取";
}

bool delivery_parse(const char *code, enum delivery *out)
{
	if (code && strcmp(code, "post") == 0)
		*out = DELIVERY_POST;
	else if (code && strcmp(code, "pickup") == 0)
		*out = DELIVERY_PICKUP;
	else
		return false;
	return true;
}
