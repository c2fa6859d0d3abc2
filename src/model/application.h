#ifndef CERTDESK_MODEL_APPLICATION_H
#define CERTDESK_MODEL_APPLICATION_H

/*
 * Applications (申请单): kinds, subjects, states and the rules between them
 * (DOMAIN.md, Application states), the documents each kind requires, and
 * the numbers people read. Pure: no I/O.
 */
#include <stdbool.h>

#include "model/party.h"
#include "model/staff.h"
#include "util/status.h"
#include "util/uuid.h"

#define APP_KIND_LIST(X) \
	X(NEW,     "new",     "新办") \
	X(RENEWAL, "renewal", "续费") \
	X(CHANGE,  "change",  "变更") \
	X(REISSUE, "reissue", "补办") \
	X(REVOKE,  "revoke",  "注销") \
	X(UNLOCK,  "unlock",  "解锁")

enum app_kind {
#define X(n, c, l) KIND_##n,
	APP_KIND_LIST(X)
#undef X
	KIND__COUNT
};

#define APP_SUBJECT_LIST(X) \
	X(ENTERPRISE, "enterprise", "企业证书") \
	X(PERSONAL,   "personal",   "个人证书")

enum app_subject {
#define X(n, c, l) SUBJECT_##n,
	APP_SUBJECT_LIST(X)
#undef X
	SUBJECT__COUNT
};

#define APP_STATUS_LIST(X) \
	X(DRAFT,          "draft",          "草稿") \
	X(PENDING_REVIEW, "pending_review", "待审核") \
	X(RETURNED,       "returned",       "已退回") \
	X(ACCEPTED,       "accepted",       "申请受理中") \
	X(READY,          "ready",          "可领取") \
	X(SHIPPED,        "shipped",        "已寄出") \
	X(COLLECTED,      "collected",      "已领取") \
	X(CANCELLED,      "cancelled",      "已取消") \
	X(DONE,           "done",           "已办结")

enum app_status {
#define X(n, c, l) APP_##n,
	APP_STATUS_LIST(X)
#undef X
	APP__COUNT
};

const char *app_kind_code(enum app_kind k);
const char *app_kind_label(enum app_kind k);
bool app_kind_parse(const char *code, enum app_kind *out);
const char *app_subject_code(enum app_subject s);
const char *app_subject_label(enum app_subject s);
bool app_subject_parse(const char *code, enum app_subject *out);
const char *app_status_code(enum app_status s);
const char *app_status_label(enum app_status s);
bool app_status_parse(const char *code, enum app_status *out);

/* May a clerk edit (fields, documents) an application in this state?
 * Draft, pending review and returned: yes. */
bool app_clerk_may_edit(enum app_status s);
/* May a supervisor change it (recorded)? Everything not finished. */
bool app_supervisor_may_edit(enum app_status s);

/* The transitions of DOMAIN.md. */
enum app_action {
	APP_SUBMIT,      /* draft | returned -> pending_review */
	APP_ACCEPT,      /* pending_review -> accepted (supervisor, four eyes) */
	APP_RETURN,      /* pending_review -> returned, with a reason (supervisor) */
	APP_MAKE,        /* accepted -> ready (supervisor) */
	APP_SHIP,        /* ready -> shipped, with a tracking number (supervisor) */
	APP_COLLECT,     /* ready -> collected, with who collected it (supervisor) */
	APP_CANCEL,      /* draft | pending_review | returned -> cancelled, with a reason */
	APP_COMPLETE,    /* accepted -> done: a service that makes no certificate
			    (revoke, unlock) was carried out */
};
/* The state after `a`, or false with a Chinese reason naming the current
 * state ("申请单当前状态为已受理，不能提交"). */
bool app_transition(enum app_status from, enum app_action a, enum app_status *to, struct err *e);
/* The least role allowed to do `a`. */
enum role app_action_role(enum app_action a);

/*
 * What each kind is (DOMAIN.md, application):
 *   new, renewal       a certificate for 1..5 years (years > 0, a price per year);
 *   change, reissue    a new certificate replacing the old one (its serial),
 *                      keeping its validity (years 0): the old one is revoked
 *                      when the new one is made;
 *   revoke, unlock     services on an existing certificate (its serial) that
 *                      make no certificate: accepted -> done (APP_COMPLETE),
 *                      a revoke by a supervisor, an unlock at the counter
 *                      once the KEY's PIN is reset.
 */
/* The kind names an existing certificate by its serial (all but new). */
bool app_kind_needs_cert(enum app_kind k);
/* The kind makes a certificate (new, renewal, change, reissue). */
bool app_kind_makes_cert(enum app_kind k);
/* The kind has a validity period in years (new, renewal); the others are
 * priced with years 0. */
bool app_kind_has_years(enum app_kind k);
/* The application form offers a reason (change, reissue, revoke) ... */
bool app_kind_takes_reason(enum app_kind k);
/* ... which must be given (reissue: lost or damaged; revoke: why). */
bool app_kind_needs_reason(enum app_kind k);
/* Something is handed over afterwards (a KEY or a certificate), so a
 * delivery (pickup or post) is chosen: every kind but revoke and unlock
 * (both done at the counter, unlock with the KEY in hand). */
bool app_kind_delivers(enum app_kind k);
/* May action `a` be done on an application of kind k? MAKE only for kinds
 * that make a certificate, COMPLETE only for those that do not; false with
 * a Chinese reason ("注销申请不制作证书…"). */
bool app_kind_allows(enum app_kind k, enum app_action a, struct err *e);

/* Documents (附件) an application may need. */
#define DOC_TYPE_LIST(X) \
	X(LICENCE,       "licence",       "营业执照副本复印件") \
	X(LEGAL_REP_ID,  "legal_rep_id",  "法定代表人身份证复印件") \
	X(AGENT_ID,      "agent_id",      "经办人身份证复印件") \
	X(AUTHORISATION, "authorisation", "授权委托书") \
	X(HOLDER_ID,     "holder_id",     "持证人身份证复印件") \
	X(CHANGE_PROOF,  "change_proof",  "变更证明文件") \
	X(LOSS_STATEMENT, "loss_statement", "遗失或损坏说明") \
	X(OTHER,         "other",         "其他材料") \
	X(REMITTANCE_SLIP, "remittance_slip", "汇款底单") \
	X(INVOICE,       "invoice",       "电子发票")

enum doc_type {
#define X(n, c, l) DOC_##n,
	DOC_TYPE_LIST(X)
#undef X
	DOC__COUNT
};

const char *doc_type_code(enum doc_type d);
const char *doc_type_label(enum doc_type d);
bool doc_type_parse(const char *code, enum doc_type *out);
/* The documents required for kind and subject, in checklist order; returns
 * how many were written to out (at most DOC__COUNT). "other" is never
 * required but may always be attached. */
int app_required_docs(enum app_kind k, enum app_subject s, enum doc_type out[DOC__COUNT]);

/* A document's state on the checklist. */
enum doc_state { DOCSTATE_MISSING, DOCSTATE_ATTACHED, DOCSTATE_PAPER };

/* Readable numbers, unique without asking the centre (DOMAIN.md):
 * PREFIX-OFFICE-TT-YYYYMMDD-NNNN, e.g. SQ-SZFT-01-20261125-0001 for an
 * application (prefix "SQ") and DD-... for an order. `seq` runs per
 * terminal and day from 1; beyond 9999 it simply grows a digit.
 * out needs 48 bytes. */
void number_format(const char *prefix, const char *office, const char *terminal,
		   const char ymd[9], long seq, char out[48]);
/* True when s has the shape of a number made by number_format (any prefix
 * of two capitals); used to recognise scanned numbers. */
bool number_looks_valid(const char *s);

/* Validity in years offered for a certificate: 1 to 5 (0 for services
 * without a validity period: revoke, unlock, change, reissue). */
#define APP_MAX_YEARS 5

#define NUMBER_MAX 48
#define SERIAL_MAX 48
#define REASON_MAX 385
/* A service reason (why revoked, what changed, lost or damaged): at most
 * this many characters. */
#define SERVICE_REASON_CHARS 100

enum delivery { DELIVERY_PICKUP, DELIVERY_POST };
const char *delivery_code(enum delivery d);     /* "pickup", "post" */
const char *delivery_label(enum delivery d);    /* "现场领取", "邮寄" */
bool delivery_parse(const char *code, enum delivery *out);

/* One application as stored. The holder fields are what was applied for,
 * as typed (the applicant's and enterprise's records may change later). */
struct application {
	char id[UUID_LEN + 1];
	char number[NUMBER_MAX];
	enum app_kind kind;
	enum app_subject subject;
	enum app_status status;
	char applicant_id[UUID_LEN + 1];
	char enterprise_id[UUID_LEN + 1];    /* "" for personal */
	int years;
	char cert_serial[SERIAL_MAX];
	char holder_name[ORG_NAME_MAX];
	char holder_code[CREDIT_CODE_MAX];   /* credit code or ID number */
	char legal_rep[PERSON_NAME_MAX];
	char address[ADDRESS_MAX];
	char postal_code[POSTAL_MAX];
	char email[EMAIL_MAX];
	char phone[TEL_MAX];
	enum delivery delivery;
	char recipient[PERSON_NAME_MAX];
	char recipient_phone[PHONE_MAX];
	char recipient_address[ADDRESS_MAX];
	char recipient_postal[POSTAL_MAX];
	char agreement_version[16];
	char reason[REASON_MAX];             /* why returned or cancelled, last */
	char service_reason[REASON_MAX];     /* change, reissue, revoke: why (as typed) */
	char office_id[UUID_LEN + 1];
	char terminal_id[UUID_LEN + 1];
	char created_by[UUID_LEN + 1];
	char created_at[21];
	char submitted_at[21];
	/* After acceptance (supervisor): */
	char issued_serial[SERIAL_MAX];       /* the certificate made */
	char courier[64];
	char tracking_no[64];
	char collector_name[PERSON_NAME_MAX];
	char collector_id_number[ID_NUMBER_MAX];
	char authorised_name[PERSON_NAME_MAX];      /* named in the authorisation to collect */
	char authorised_id_number[ID_NUMBER_MAX];
	char made_at[21], shipped_at[21], collected_at[21];
	char done_at[21];                     /* revoke, unlock: when carried out */
	long version;
};

#endif
