#ifndef CERTDESK_SVC_APPLICATION_H
#define CERTDESK_SVC_APPLICATION_H

/* Certificate applications at the counter: entering, editing, documents,
 * submitting, cancelling, and the supervisor's accept and return. */
#include "model/application.h"
#include "model/attachment.h"
#include "store/app_repo.h"
#include "svc/svc.h"

/* What the clerk typed on the application form (NULL means ""). */
struct application_input {
	enum app_kind kind;
	enum app_subject subject;
	int years;
	const char *cert_serial;
	/* enterprise subject: the enterprise as on its licence */
	const char *credit_code, *holder_name, *legal_rep, *phone;
	/* both */
	const char *address, *postal_code, *email;
	enum delivery delivery;
	const char *recipient, *recipient_phone, *recipient_address, *recipient_postal;
	/* change, reissue, revoke: why (required for reissue and revoke) */
	const char *service_reason;
};

/* The agreement's version: the first 12 hex digits of the SHA-256 of
 * print/agreement.txt, so a changed text is a new version. */
const char *svc_agreement_version(void);
/* The agreement's text (borrowed, static). */
const char *svc_agreement_text(void);

/*
 * A new application for an applicant, as a draft, after the applicant has
 * read and accepted the agreement (`agreement_version`). Personal
 * certificates are for the applicant: name and ID number come from the
 * profile. Enterprise details create the enterprise record, or update the
 * known one with the same credit code, and link the applicant to it.
 * Fields are checked with messages naming the form field (e->field).
 */
enum status svc_application_create(struct svc *svc, const struct actor *a,
				   const char *applicant_id, const struct application_input *in,
				   const char *agreement_version, char id_out[UUID_LEN + 1],
				   char number_out[NUMBER_MAX], struct err *e);
/*
 * A draft entered for an applicant who is not at the counter (certdesk
 * import applications): the same checks and the same records as
 * svc_application_create, but nobody has accepted the agreement, so the
 * draft has no agreement version and svc_application_submit refuses it
 * (ST_STATE, field "agreement") until the applicant has read the agreement
 * at the counter and svc_application_agree recorded it. Command
 * application.import.
 */
enum status svc_application_import(struct svc *svc, const struct actor *a,
				   const char *applicant_id, const struct application_input *in,
				   char id_out[UUID_LEN + 1], char number_out[NUMBER_MAX],
				   struct err *e);
/*
 * The applicant has read and accepted the agreement at the counter, for an
 * application that has none yet (an imported draft) or an older version.
 * `agreement_version` is the version shown, which must be the current one
 * (svc_agreement_version()). Allowed while a clerk may edit it; audited,
 * with the time (command application.agree).
 */
enum status svc_application_agree(struct svc *svc, const struct actor *a, const char *id,
				  const char *agreement_version, struct err *e);
/*
 * Check what svc_application_create / _import would check, without
 * writing: the fields, the price for kind, subject and years, and for a
 * personal certificate the applicant's name and ID number on record.
 * e->field names the form field.
 */
enum status svc_application_precheck(struct svc *svc, const char *applicant_id,
				     const struct application_input *in, struct err *e);
/* Edit: a clerk while draft, pending review or returned; a supervisor
 * until it is finished. Every change is audited. */
enum status svc_application_update(struct svc *svc, const struct actor *a, const char *id,
				   const struct application_input *in, struct err *e);
/* Submit for review: the agreement accepted (else ST_STATE with field
 * "agreement": an imported draft, see svc_application_agree), and every
 * required document attached or marked as handed in on paper, else
 * ST_STATE naming the missing ones. */
enum status svc_application_submit(struct svc *svc, const struct actor *a, const char *id,
				   struct err *e);
enum status svc_application_cancel(struct svc *svc, const struct actor *a, const char *id,
				   const char *reason, struct err *e);
/* Supervisor: accept or return (with a reason). Never one's own entry. */
enum status svc_application_accept(struct svc *svc, const struct actor *a, const char *id,
				   struct err *e);
enum status svc_application_return(struct svc *svc, const struct actor *a, const char *id,
				   const char *reason, struct err *e);

/* Documents. */
struct doc_item {
	enum doc_type type;
	bool required;
	int attached;        /* attachments of this type */
	bool paper;          /* marked as handed in on paper */
};
/* The checklist of an application: its required documents, then any other
 * attached types. Returns the number of items or -1. */
int svc_application_docs(struct svc *svc, const struct application *app, struct doc_item *out,
			 int max, struct err *e);
/* Mark a document as handed in on paper (or not). */
enum status svc_application_paper(struct svc *svc, const struct actor *a, const char *id,
				  enum doc_type type, bool paper, struct err *e);
/* Add a scanned file: read from `path` (at most ATTACH_MAX_BYTES), type
 * checked by content, stored by SHA-256 under data_dir/blobs, attached. */
enum status svc_attach_file(struct svc *svc, const struct actor *a, const char *data_dir,
			    const char *app_id, enum doc_type type, const char *path,
			    char id_out[UUID_LEN + 1], struct err *e);
/* Remove an attachment while the application may be edited. */
enum status svc_attach_remove(struct svc *svc, const struct actor *a, const char *attachment_id,
			      struct err *e);
int svc_attachments(struct svc *svc, const char *app_id, struct attachment *out, int max,
		    struct err *e);

enum status svc_application_get(struct svc *svc, const char *id, struct application *out,
				struct err *e);
enum status svc_application_by_number(struct svc *svc, const char *number,
				      struct application *out, struct err *e);
/*
 * The application list: `query` is what the clerk typed in the search
 * box (a number, phone, ID number, credit code or 2+ characters of a
 * name; "" for all), narrowed by status code and local dates (each may be
 * ""). Newest first; keyset paged by application id. Returns count or -1.
 */
int svc_application_find(struct svc *svc, const char *query, const char *status,
			 const char *from, const char *to, enum page_dir dir, const char *key,
			 struct application *out, int max, struct err *e);
/* The matching count for the same arguments (-1 when not cheap to know). */
long svc_application_count(struct svc *svc, const char *query, const char *status,
			   const char *from, const char *to);
/* Turn a search box text and filters into an app_filter. ST_NOT_FOUND when
 * the query names something that does not exist (an unregistered phone). */
enum status svc_application_filter(struct svc *svc, const char *query, const char *status,
				   const char *from, const char *to, struct app_filter *f,
				   struct err *e);

#endif
