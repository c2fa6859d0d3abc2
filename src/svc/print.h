#ifndef CERTDESK_SVC_PRINT_H
#define CERTDESK_SVC_PRINT_H

/*
 * Printing an application: the application form (申请表: the enterprise or
 * the personal layout of print/, by the application's subject) followed by
 * the agreement (协议书) in one PDF, because the applicant signs both at
 * the counter. Used by `certdesk print application` and by the screens.
 *
 * The PDF engine (adapt/pdf.h) is made on the first print and kept for the
 * program's life, with the parsed layouts; it is freed at exit (atexit), or
 * earlier by svc_print_shutdown().
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "adapt/pdf.h"
#include "adapt/printer.h"
#include "model/application.h"
#include "svc/app.h"

/* What one print produced. */
struct print_result {
	char path[PATH_MAX];        /* the PDF written */
	char number[NUMBER_MAX];    /* the application's number */
	const char *document;       /* static: "数字证书申请表（企业证书）及数字证书服务协议" */
	int pages;                  /* sheets, form and agreement together */
	size_t bytes;               /* size of the PDF */
	double ms;                  /* time spent rendering */
	/* Characters the font cannot print: not a failure (the document is
	 * written with "□" in their place), but the clerk must be told, so the
	 * value can be corrected or written in by hand. */
	size_t n_bad;
	char warning[1024];         /* "" or one Chinese sentence naming each field */
};

/*
 * May the application form of `a` still be printed? The portal manual's
 * rule: until the certificate is made. Ready, shipped and collected are too
 * late, and a cancelled application has nothing to sign; false then, with
 * ST_STATE and a Chinese sentence in e saying why.
 */
bool svc_print_allowed(const struct application *a, struct err *e);

/*
 * Fill `d` with every key the form and agreement layouts read for `a`
 * (see the header comments of print/application_*.layout and
 * print/agreement.layout): the application as applied for, the applicant,
 * the enterprise record where the application leaves a field empty, the
 * documents (one row per scanned file, plus the required ones handed in on
 * paper or still missing), the office and the clerk who entered it, and
 * the authority's name and postal address from certdesk.conf
 * (authority.name, authority.address; empty: not printed).
 *
 * The applicant's ID number and mobile number are set in full: the form is
 * the applicant's own document, signed by them and filed by the authority,
 * which checks them against the ID card. (Lists and logs mask them.)
 */
enum status svc_print_application_data(struct app *app, const struct application *a,
				       struct pdf_data *d, struct err *e);

/*
 * Print the application form and the agreement of one application to a
 * PDF. `ref` is the application's id or its number (SQ-...). `path` is
 * where to write the PDF; NULL or "" means DATA/print/NUMBER.pdf (the
 * directory is created). The file is written atomically.
 *
 * Any staff member may print. Refused with ST_STATE when
 * svc_print_allowed() says no; ST_NOT_FOUND for an unknown application.
 * On success *out tells what was written, and one audit entry
 * "application.print" records it (the number, pages, agreement version;
 * no personal data). Printing changes no record, so nothing goes to the
 * outbox. If the audit entry cannot be written the PDF is removed again
 * and the error returned: nothing leaves the program unrecorded.
 */
enum status svc_print_application(struct app *app, const struct actor *a, const char *ref,
				  const char *path, struct print_result *out, struct err *e);

/* The printer to use: `override` when not empty (--printer, a choice on
 * the screen), else certdesk.conf's `printer`, else NULL (none set). */
const char *svc_print_printer(const struct app *app, const char *override);

/*
 * Send the PDF at `path` to `printer` (adapt/printer.h). The file is kept
 * whatever happens; on failure e's message says why and ends with where
 * the PDF is ("…；PDF 已保存在 PATH", the path shortened from the left
 * when it is too long for one message). `job` (may be NULL) gets lp's
 * request id.
 */
enum status svc_print_send(const char *printer, const char *path, char job[PRINTER_JOB_MAX],
			   struct err *e);

/* Free the engine and the layouts now (the next print makes them again).
 * Registered with atexit on first use; harmless to call more than once. */
void svc_print_shutdown(void);

#endif
