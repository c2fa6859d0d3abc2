#ifndef CERTDESK_UI_VIEWS_H
#define CERTDESK_UI_VIEWS_H

/* The screens of applicants and applications, and how they open each other. */
#include "model/application.h"
#include "ui/ui.h"

/* Find applicants; register one (phone may pre-fill the form). */
void view_applicants_open(struct ui *ui);
void view_register_open(struct ui *ui, const char *phone);
/* One applicant: profile, enterprises, applications. */
void view_applicant_open(struct ui *ui, const char *applicant_id);
/* Start a new application for an applicant: kind, subject, enterprise,
 * then the agreement, then the form. enterprise_id may pre-select one. */
void view_app_start(struct ui *ui, const char *applicant_id, const char *enterprise_id,
		    enum app_kind kind, enum app_subject subject);
/* The agreement, to read with the applicant before a new application. */
void view_agreement_open(struct ui *ui, const char *applicant_id, const char *enterprise_id,
			 enum app_kind kind, enum app_subject subject);
/* The agreement for a draft made without the applicant (an import): on
 * acceptance it is recorded and the application submitted. */
void view_agreement_for(struct ui *ui, const struct application *app);
/* The application form, to create (app_id NULL) or edit. */
void view_app_form_open(struct ui *ui, const char *applicant_id, const char *app_id,
			const char *enterprise_id, enum app_kind kind, enum app_subject subject);
/* The supervisor's queues (svc/review.h enum queue), starting on one. */
void view_queue_open(struct ui *ui, int queue);
/* What a renewal read from a KEY fills in on the form ("" leaves a field
 * as the form would have it). */
struct app_prefill {
	char cert_serial[SERIAL_MAX];
	char credit_code[CREDIT_CODE_MAX];   /* enterprise */
	char holder_name[ORG_NAME_MAX];      /* enterprise */
	char legal_rep[PERSON_NAME_MAX];
	char address[ADDRESS_MAX];
	char phone[TEL_MAX];
};
/* A renewal from a certificate on a KEY: the agreement, then the renewal
 * form of `subject` with the certificate's serial and holder filled in
 * (pf is copied). enterprise_id (may be NULL) is the enterprise on record. */
void view_app_renew_open(struct ui *ui, const char *applicant_id, const char *enterprise_id,
			 enum app_subject subject, const struct app_prefill *pf);
/* Find applications. */
void view_apps_open(struct ui *ui);
/* One application: details, documents, actions. */
void view_app_open(struct ui *ui, const char *app_id);
/* Open the application with this number (a scanned code); false when none. */
bool view_app_open_number(struct ui *ui, const char *number);

#endif
