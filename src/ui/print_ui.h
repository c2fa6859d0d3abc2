#ifndef CERTDESK_UI_PRINT_UI_H
#define CERTDESK_UI_PRINT_UI_H

/*
 * Printing from the screens: one code path for every document of
 * svc/print.h. The PDF is made at once and saved in DATA/print/; a dialog
 * then shows its facts (document, pages, size, the file's path) and any
 * characters the font could not print. When a printer is configured
 * (certdesk.conf `printer`) the dialog asks whether to send it there:
 * Enter sends it, Esc keeps the PDF only; a printer that fails or does not
 * exist is said plainly, and the PDF stays where the dialog said. A
 * document that does not apply (too late, not paid, not made...) is
 * refused with the service's sentence and nothing is written.
 */
#include "ui/ui.h"

enum print_ui_doc {
	PRINT_UI_APPLICATION,   /* the form and the agreement (申请表) */
	PRINT_UI_RECEIPT,       /* the order's receipt (回执) */
	PRINT_UI_PAYMENT,       /* the payment receipt (收款凭证) */
	PRINT_UI_PICKUP,        /* the pickup slip (领取单) */
};

/* Print `doc` of the record `ref` (an id or a number: an application, an
 * order, a payment, as svc/print.h takes them) as ui's staff member. */
void print_ui_run(struct ui *ui, enum print_ui_doc doc, const char *ref);

#endif
