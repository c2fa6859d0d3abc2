#ifndef CERTDESK_UI_VIEWS_ADMIN_H
#define CERTDESK_UI_VIEWS_ADMIN_H

/* The screens of the day's money and of the price list. */
#include "ui/ui.h"

/* The day-end report (日结): a date (today by default) and an office, the
 * figures as tables with bars, F2/Enter to count again, F6 to export CSV to
 * DATA/reports/. Any member of staff; a clerk sees their own figures. */
void view_report_open(struct ui *ui);
/* The price list; an admin edits an item's price and activity (F4/Enter).
 * Others see it read-only. */
void view_prices_open(struct ui *ui);

#endif
