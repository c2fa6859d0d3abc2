#ifndef CERTDESK_SVC_ORDER_H
#define CERTDESK_SVC_ORDER_H

/* Orders and payments (issue: Orders, payments, invoices and delivery).
 * Every fen is an integer; every change is one command with its audit and
 * outbox entries. */
#include "model/attachment.h"
#include "model/order.h"
#include "store/order_repo.h"
#include "svc/app.h"

/* What the clerk chose on the order screen (NULL strings mean ""). */
struct order_input {
	const char *const *application_ids;
	int n;
	enum pay_method method;
	bool invoice_wanted;
	const char *invoice_title, *invoice_taxpayer_id, *invoice_email;
	enum delivery delivery;
	const char *recipient, *recipient_phone, *recipient_address, *recipient_postal;
	const char *contact_phone;
};

/* The lines an order of these applications would have, their total and the
 * payment methods allowed (mask of 1 << enum pay_method), without writing.
 * Refuses a mixed selection naming the application that does not fit, an
 * application already in an order, one not yet submitted. */
enum status svc_order_preview(struct svc *svc, const char *const *application_ids, int n,
			      struct order_line *lines, long long *total, unsigned *methods,
			      struct err *e);
/* Place the order (prices from the price list, fixed now). */
enum status svc_order_place(struct svc *svc, const struct actor *a, const struct order_input *in,
			    char id_out[UUID_LEN + 1], char number_out[NUMBER_MAX], struct err *e);
/* Cancel an unpaid order with a reason; its applications may be ordered again. */
enum status svc_order_cancel(struct svc *svc, const struct actor *a, const char *id,
			     const char *reason, struct err *e);
/* Attach the e-invoice (a PDF file) to a paid order: it becomes invoiced. */
enum status svc_order_invoice(struct app *app, const struct actor *a, const char *order_id,
			      const char *path, struct err *e);

enum status svc_order_get(struct svc *svc, const char *id, struct order *out, struct err *e);
enum status svc_order_by_number(struct svc *svc, const char *number, struct order *out,
				struct err *e);
int svc_order_lines(struct svc *svc, const char *order_id, struct order_line *out, int max,
		    struct err *e);
int svc_order_payments(struct svc *svc, const char *order_id, struct payment *out, int max,
		       struct err *e);
/* The order list, newest first, keyset-paged: `query` is a number, a phone
 * (the applicant's), a credit code or ID number, two characters or more of
 * an enterprise's or applicant's name, or ""; `status` a status code or "";
 * `from`/`to` local dates YYYY-MM-DD (either may be "" or NULL), the day
 * the order was placed. Returns the count or -1 (e->field names the bad
 * filter: query, status, from, to). */
int svc_order_find(struct svc *svc, const char *query, const char *status, const char *from,
		   const char *to, enum page_dir dir, const char *key, struct order *out, int max,
		   struct err *e);
/* The order an application is in, if any (number may be NULL). */
bool svc_order_of_application(struct svc *svc, const char *application_id,
			      char order_id[UUID_LEN + 1], char number[NUMBER_MAX]);

/* ---- payments ---- */

struct transfer_input {
	const char *const *order_ids;   /* orders of one enterprise or person */
	int n;
	const char *payer_name, *payer_account, *bank, *reference;
	const char *paid_on;            /* YYYY-MM-DD as on the slip */
	long long amount_fen;           /* must equal the orders' totals */
	const char *slip_path;          /* the remittance slip; NULL or "" to add later */
};
/* Record a bank transfer. With the slip the orders wait for verification;
 * without it they stay unpaid until the slip is added. A transfer with the
 * same reference and amount as a live one is refused, naming the first. */
enum status svc_transfer_record(struct app *app, const struct actor *a,
				const struct transfer_input *in, char id_out[UUID_LEN + 1],
				struct err *e);
enum status svc_transfer_add_slip(struct app *app, const struct actor *a, const char *payment_id,
				  const char *path, struct err *e);
/* Supervisor, never the one who recorded it: verified means paid. */
enum status svc_transfer_verify(struct svc *svc, const struct actor *a, const char *payment_id,
				struct err *e);
enum status svc_transfer_reject(struct svc *svc, const struct actor *a, const char *payment_id,
				const char *reason, struct err *e);
/* An online payment (WeChat/Alipay) with its transaction reference: only
 * for an online order (every line a renewal); the order becomes paid. */
enum status svc_online_record(struct svc *svc, const struct actor *a, const char *order_id,
			      enum pay_channel channel, const char *reference, struct err *e);
/* A refund: a new entry against a payment, never an edit of it. Supervisor. */
enum status svc_refund(struct svc *svc, const struct actor *a, const char *payment_id,
		       long long amount_fen, const char *reason, char id_out[UUID_LEN + 1],
		       struct err *e);
enum status svc_payment_get(struct svc *svc, const char *id, struct payment *out, struct err *e);
int svc_payment_orders(struct svc *svc, const char *payment_id, char ids[][UUID_LEN + 1],
		       long long *amounts, int max, struct err *e);
/* Transfers waiting for verification, oldest first. */
int svc_transfers_pending(struct svc *svc, enum page_dir dir, const char *key,
			  struct payment *out, int max, struct err *e);
long svc_transfers_pending_count(struct svc *svc);
/* Attachments of an order (slips, invoice), oldest first. */
int svc_order_attachments(struct svc *svc, const char *order_id, struct attachment *out, int max,
			  struct err *e);
/* The order's e-invoice (the newest, when it was uploaded again):
 * ST_NOT_FOUND, saying so, when the order has none yet. Taking its file out
 * is svc_attachment_copy (svc/attach_file.h) with the order's number. */
enum status svc_order_invoice_file(struct svc *svc, const char *order_id, struct attachment *out,
				   struct err *e);

/* ---- the price list (admin) ---- */
enum status svc_price_set(struct svc *svc, const struct actor *a, enum app_kind k,
			  enum app_subject s, int years, long long fen, bool active, struct err *e);

#endif
