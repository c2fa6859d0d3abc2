#ifndef CERTDESK_SVC_PRINT_H
#define CERTDESK_SVC_PRINT_H

/*
 * The printed documents, each a layout of print/ filled from the records
 * and rendered by the PDF engine (adapt/pdf.h), for `certdesk print` and
 * the screens:
 *
 *   application   the application form (申请表: the enterprise or the
 *                 personal layout, by the application's subject) followed
 *                 by the agreement (协议书), which the applicant signs
 *                 together at the counter; several applications in one
 *                 PDF for a batch
 *   receipt       the order's receipt (回执): per application what to
 *                 sign, stamp and hand in or post, where to post it, the
 *                 amount and how it is paid
 *   payment       the receipt for money received (收款凭证): a verified
 *                 transfer or an online payment, with the orders it paid
 *   pickup        the pickup slip (领取单) of certificates made and
 *                 waiting at the counter, signed by whoever collects them
 *
 * Each refuses, with ST_STATE and one Chinese sentence, when the document
 * does not apply to the record as it is now; nothing is written then.
 * Every print is audited (no outbox entry: printing changes no record),
 * and when the audit entry cannot be written the PDF is removed again.
 * Any staff member may print.
 *
 * The PDF engine is made on the first print and kept for the program's
 * life, with the parsed layouts; it is freed at exit (atexit), or earlier
 * by svc_print_shutdown().
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "adapt/pdf.h"
#include "adapt/printer.h"
#include "model/application.h"
#include "model/order.h"
#include "svc/app.h"

/* What one print produced. */
struct print_result {
	char path[PATH_MAX];        /* the PDF written */
	char number[NUMBER_MAX];    /* the record printed (the first of a batch) */
	const char *document;       /* static: "数字证书业务回执" */
	int count;                  /* documents in the PDF (applications of a batch) */
	int pages;                  /* sheets */
	size_t bytes;               /* size of the PDF */
	double ms;                  /* time spent rendering and writing */
	/* Characters the font cannot print: not a failure (the document is
	 * written with "□" in their place), but the clerk must be told, so the
	 * value can be corrected or written in by hand. */
	size_t n_bad;
	char warning[1024];         /* "" or one Chinese sentence naming each field */
};

/* Most applications in one batch. */
#define PRINT_BATCH_MAX 1000

/*
 * May the application form of `a` still be printed? The portal manual's
 * rule: until the certificate is made. Ready, shipped and collected are too
 * late, and a cancelled application has nothing to sign; false then, with
 * ST_STATE and a Chinese sentence in e saying why. e may be NULL.
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
 * Refused with ST_STATE when svc_print_allowed() says no; ST_NOT_FOUND for
 * an unknown application. On success *out tells what was written, and one
 * audit entry "application.print" records it (the number, pages,
 * agreement version; no personal data).
 */
enum status svc_print_application(struct app *app, const struct actor *a, const char *ref,
				  const char *path, struct print_result *out, struct err *e);

/* Why one application of a batch cannot be printed. */
struct print_refusal {
	char ref[NUMBER_MAX];       /* as given (cut to fit) */
	char msg[256];
};

/*
 * A batch: the forms and agreements of refs[0..n) in that order in ONE PDF
 * (each application starting on a new sheet; one font subset serves them
 * all, so a batch costs little more than its pages, and one file is one
 * printer job that comes out in order). `path` NULL or "" means
 * DATA/print/batch-YYYYMMDD-HHMMSS.pdf (local time).
 *
 * All or nothing: every application is checked first; when any is
 * unknown, too late, cancelled or given twice, nothing is printed, the
 * reasons go to refused[0..*n_refused) (at most max_refused, may be 0),
 * and the status is ST_STATE (ST_NOT_FOUND when every problem is an
 * unknown number) with e naming the first and how many there are. ST_INVALID
 * for n == 0 or n > PRINT_BATCH_MAX. On success one "application.print"
 * audit entry per application, in one transaction.
 */
enum status svc_print_applications(struct app *app, const struct actor *a, const char *const *refs,
				   int n, const char *path, struct print_result *out,
				   struct print_refusal *refused, int max_refused, int *n_refused,
				   struct err *e);

/*
 * The receipt (回执) of an order: `ref` is the order's id or number (DD-...).
 * Refused (ST_STATE) for a cancelled order, and (ST_INVALID) when
 * certdesk.conf has no authority.address: a receipt must say where to post
 * the materials. Default path DATA/print/ORDER-receipt.pdf. Audited as
 * "order.print_receipt".
 */
enum status svc_print_receipt(struct app *app, const struct actor *a, const char *ref,
			      const char *path, struct print_result *out, struct err *e);

/*
 * The receipt for money received (收款凭证). `ref` is a payment's id, or an
 * order's id or number: then the order's payment received (its verified
 * transfer or online payment; the latest when there were several). Only
 * for money actually received: refused (ST_STATE) for a transfer not yet
 * verified, a rejected one, a refund, and an order with no payment
 * received, each saying which. A payment refunded in part or whole is
 * printed with the refunds noted. Default path DATA/print/ORDER-payment.pdf
 * (the first order it paid). Audited as "payment.print_receipt".
 */
enum status svc_print_payment(struct app *app, const struct actor *a, const char *ref,
			      const char *path, struct print_result *out, struct err *e);

/*
 * Would svc_print_payment / svc_print_pickup print for `ref` now? Without
 * writing anything: true, or false with the same refusal in e (for a
 * screen to say why its key does nothing).
 */
bool svc_print_payment_check(struct app *app, const char *ref, struct err *e);
bool svc_print_pickup_check(struct app *app, const char *ref, struct err *e);

/*
 * The pickup slip (领取单). `ref` is an application (id or SQ- number):
 * its certificate; or an order (DD-): every certificate of it waiting at
 * the counter. Only for certificates made and to be collected (可领取,
 * delivery 现场领取): refused (ST_STATE) otherwise, saying why (not made
 * yet, to be posted, posted, collected already, cancelled). Default path
 * DATA/print/NUMBER-pickup.pdf. Audited as "application.print_pickup",
 * one entry per application on the slip.
 */
enum status svc_print_pickup(struct app *app, const struct actor *a, const char *ref,
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
