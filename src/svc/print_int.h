#ifndef CERTDESK_SVC_PRINT_INT_H
#define CERTDESK_SVC_PRINT_INT_H

/*
 * Internal to printing (svc/print.h): what print.c shares with the files
 * of each document (print_app.c: application forms and batches;
 * print_order.c: the order's receipt and the payment receipt;
 * print_pickup.c: the pickup slip).
 */
#include <jansson.h>

#include "svc/print.h"

enum print_layout {
	PL_ENTERPRISE,      /* application_enterprise */
	PL_PERSONAL,        /* application_personal */
	PL_AGREEMENT,       /* agreement */
	PL_RECEIPT,         /* receipt */
	PL_PAYMENT,         /* payment_receipt */
	PL_PICKUP,          /* pickup_slip */
	PL__N
};

/* The engine and every layout, made on first use (atexit frees them). */
enum status print_prepare(struct err *e);
/* After print_prepare: borrowed for the program's life. */
struct pdf_engine *print_engine(void);
const struct layout *print_layout(enum print_layout l);

/* The local date (YYYY-MM-DD) of a UTC ISO time, "" when unreadable. */
void print_local_date(const char *iso, char out[11]);
/* Today's local date, YYYY-MM-DD. */
void print_today(char out[11]);

/*
 * Where the PDF goes: `path` when given, else DATA/print/NAME.pdf (any '/'
 * in NAME becomes '_'; the directory is made). ST_INVALID when too long.
 */
enum status print_path(struct app *app, const char *path, const char *name, char out[PATH_MAX],
		       struct err *e);

/* An application or an order by id or readable number, with a message
 * naming what was given when there is none. */
enum status print_find_app(struct svc *svc, const char *ref, struct application *a, struct err *e);
enum status print_find_order(struct svc *svc, const char *ref, struct order *o, struct err *e);

/*
 * Render jobs[0..n) into out->path and fill out's pages, bytes, ms and
 * unprintable characters (named by field; `personal` names applicant.name
 * 申请人姓名 rather than 经办人姓名).
 */
enum status print_render(const struct pdf_job *jobs, size_t n, bool personal,
			 struct print_result *out, struct err *e);

/* One audit entry of a print; `after` is owned (freed by print_audit). */
struct print_audit_rec {
	const char *action;
	const char *entity;
	const char *entity_id;
	json_t *after;
};
/*
 * Write recs[0..n) in one transaction. On failure the PDF at `pdf` is
 * removed (nothing leaves the program unrecorded) and the error returned.
 * Frees every after, whatever happens.
 */
enum status print_audit(struct svc *svc, const struct actor *a, struct print_audit_rec *recs,
			int n, const char *pdf, struct err *e);

/* Role check common to every print: any staff member. */
bool print_may(const struct actor *a, struct err *e);

#endif
