#ifndef CERTDESK_SVC_APPLICANT_H
#define CERTDESK_SVC_APPLICANT_H

/* Applicants at the counter: registration with an SMS code, the profile,
 * the portal password, and finding people. */
#include "adapt/sms.h"
#include "model/party.h"
#include "svc/svc.h"

/* The purposes an SMS code is sent for. */
#define SMS_REGISTER "register"
#define SMS_RESET "reset"

/* Validity and tries of an SMS code (DOMAIN: 5 minutes, 5 tries), and the
 * wait before another code may be sent to the same number. */
#define SMS_CODE_TTL 300
#define SMS_CODE_TRIES 5
#define SMS_RESEND_AFTER 60

/*
 * Send a 6-digit code to `phone` for `purpose` through the gateway. The
 * code is kept only as a keyed hash; the send is audited with the phone
 * masked. ST_STATE when a code was sent less than a minute ago.
 */
enum status svc_sms_send_code(struct svc *svc, struct sms_gateway *gw, const struct actor *a,
			      const char *phone, const char *purpose, struct err *e);
/* Check the code the applicant read out. Each wrong try counts; the code
 * is used up when right. Messages say what to do (tries left, expired). */
enum status svc_sms_check_code(struct svc *svc, const char *phone, const char *purpose,
			       const char *code, struct err *e);

struct applicant_input {
	const char *phone, *name, *id_number, *email, *address, *postal_code;
	const char *portal_password;      /* "" or NULL: none yet */
};

/*
 * Register after the SMS code check. Every field is checked first (e names
 * the field), then the code, then the account is created. A phone that is
 * already registered is ST_EXISTS with field "phone"; *existing_id (may be
 * NULL) then holds that account's id so the screen can offer to open it.
 */
enum status svc_applicant_register(struct svc *svc, const struct actor *a,
				   const struct applicant_input *in, const char *sms_code,
				   char id_out[UUID_LEN + 1], char existing_id[UUID_LEN + 1],
				   struct err *e);
/* Check the input without the SMS code (the screen checks before sending). */
enum status svc_applicant_precheck(struct svc *svc, const struct applicant_input *in,
				   char existing_id[UUID_LEN + 1], struct err *e);
/* An enterprise as an import file names it (NULL means ""). */
struct enterprise_input {
	const char *credit_code, *name, *legal_rep, *address, *phone;
};

/*
 * Register an applicant from an import file (certdesk import applicants).
 * The same checks as registration, but no SMS code: the account counts as
 * registered with its phone not verified (verified false, no verified_at)
 * and without a portal password (in->portal_password must be empty).
 * With a credit code in `en` (may be NULL), the person is linked to that
 * enterprise: a known one as it is on record (a name, legal
 * representative, address or phone in `en` that differs from the record
 * is refused, field enterprise_name, legal_rep, enterprise_address or
 * enterprise_phone), a new one is created from `en` (name required).
 * One command, applicant.import: one audit entry, one outbox entry.
 * Inside a batch (svc_batch_begin) it sees the rows imported before it.
 */
enum status svc_applicant_import(struct svc *svc, const struct actor *a,
				 const struct applicant_input *in, const struct enterprise_input *en,
				 char id_out[UUID_LEN + 1], struct err *e);
/* Edit the profile (the phone is the account and is not changed here). */
enum status svc_applicant_update(struct svc *svc, const struct actor *a, const char *id,
				 const struct applicant_input *in, struct err *e);
/* Set or reset the portal password after an SMS code check (purpose reset). */
enum status svc_applicant_portal_password(struct svc *svc, const struct actor *a, const char *id,
					  const char *sms_code, const char *password,
					  struct err *e);

enum status svc_applicant_get(struct svc *svc, const char *id, struct applicant *out,
			      struct err *e);
enum status svc_applicant_by_phone(struct svc *svc, const char *phone, struct applicant *out,
				   struct err *e);
/* Find by phone (11 digits), ID number (18 characters) or name (2+
 * characters); keyset paged (key from the previous page's rows:
 * svc_applicant_key). Returns count or -1. */
int svc_applicant_find(struct svc *svc, const char *query, enum page_dir dir, const char *key,
		       struct applicant *out, int max, struct err *e);
void svc_applicant_key(const struct applicant *a, char *out, size_t outsz);
/* Every applicant, oldest first, keyset paged by id (key: the previous
 * page's last id). Returns count or -1. */
int svc_applicant_list(struct svc *svc, enum page_dir dir, const char *key, struct applicant *out,
		       int max, struct err *e);
/* How many applicants there are; -1 on error. */
long svc_applicant_count(struct svc *svc);
/* The enterprises the person acts for. */
int svc_applicant_enterprises(struct svc *svc, const char *id, struct enterprise *out, int max,
			      struct err *e);
enum status svc_enterprise_by_code(struct svc *svc, const char *credit_code,
				   struct enterprise *out, struct err *e);

#endif
