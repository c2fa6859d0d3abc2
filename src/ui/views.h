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
/* Find applications. */
void view_apps_open(struct ui *ui);
/* One application: details, documents, actions. */
void view_app_open(struct ui *ui, const char *app_id);
/* Open the application with this number (a scanned code); false when none. */
bool view_app_open_number(struct ui *ui, const char *number);

#endif
