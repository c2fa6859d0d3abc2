#ifndef CERTDESK_SVC_COMMANDS_H
#define CERTDESK_SVC_COMMANDS_H

#include "svc/svc.h"

/* Every command the terminal can run and the centre can replay. Adding a
 * command: define `const struct command cmd_x` in its use-case file and
 * list it here. */
#define COMMAND_LIST(X) \
	X(cmd_setup_init) \
	X(cmd_staff_create) \
	X(cmd_staff_update) \
	X(cmd_staff_disable) \
	X(cmd_staff_unlock) \
	X(cmd_staff_lock) \
	X(cmd_staff_reset_password) \
	X(cmd_staff_change_password) \
	X(cmd_applicant_register) \
	X(cmd_applicant_update) \
	X(cmd_applicant_portal_password) \
	X(cmd_applicant_import) \
	X(cmd_application_create) \
	X(cmd_application_import) \
	X(cmd_application_agree) \
	X(cmd_application_update) \
	X(cmd_application_submit) \
	X(cmd_application_cancel) \
	X(cmd_application_accept) \
	X(cmd_application_return) \
	X(cmd_application_paper) \
	X(cmd_attachment_add) \
	X(cmd_attachment_remove) \
	X(cmd_order_place) \
	X(cmd_order_cancel) \
	X(cmd_order_invoice) \
	X(cmd_payment_transfer) \
	X(cmd_payment_slip) \
	X(cmd_payment_verify) \
	X(cmd_payment_reject) \
	X(cmd_payment_online) \
	X(cmd_payment_refund) \
	X(cmd_price_set) \
	X(cmd_application_make) \
	X(cmd_application_ship) \
	X(cmd_application_collect) \
	X(cmd_application_authorise) \
	X(cmd_certificate_bind) \
	X(cmd_certificate_contact) \
	X(cmd_certificate_remind) \
	X(cmd_certificate_revoke_expired) \
	X(cmd_application_complete) \
	X(cmd_application_unlock) \
	X(cmd_stock_receive) \
	X(cmd_stock_issue) \
	X(cmd_stock_damage) \
	X(cmd_stock_return)

#define COMMAND_DECLARE(sym) extern const struct command sym;
COMMAND_LIST(COMMAND_DECLARE)
#undef COMMAND_DECLARE

#endif
