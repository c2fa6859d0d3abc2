#ifndef CERTDESK_UI_VIEWS_ORDER_H
#define CERTDESK_UI_VIEWS_ORDER_H

/* The screens of orders and payments. */
#include "model/order.h"
#include "model/party.h"
#include "ui/ui.h"

/* Place an order for an applicant's submitted applications (one may be
 * pre-selected). */
void view_order_new(struct ui *ui, const char *applicant_id, const char *preselect);
/* The order's details for the chosen applications. */
void view_order_form_open(struct ui *ui, const struct applicant *who, const char *const *ids,
			  int n, long long total, unsigned methods, const struct application *first);
/* One order: lines, payments, attachments and what can be done now. */
void view_order_open(struct ui *ui, const char *order_id);
/* Find orders. */
void view_orders_open(struct ui *ui);
/* The transfers waiting for verification (supervisors). */
void view_verify_open(struct ui *ui);
/* Open the order with this number (a scanned code); false when none. */
bool view_order_open_number(struct ui *ui, const char *number);

#endif
