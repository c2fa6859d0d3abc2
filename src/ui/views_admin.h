#ifndef CERTDESK_UI_VIEWS_ADMIN_H
#define CERTDESK_UI_VIEWS_ADMIN_H

/* The screens of supervisors and admins: the day's money, the price list,
 * month statistics and the audit log. */
#include "ui/ui.h"

/* The day-end report (日结): a date (today by default) and an office, the
 * figures as tables with bars, F2/Enter to count again, F6 to export CSV to
 * DATA/reports/. Any member of staff; a clerk sees their own figures. */
void view_report_open(struct ui *ui);
/* The price list; an admin edits an item's price and activity (F4/Enter).
 * Others see it read-only. */
void view_prices_open(struct ui *ui);
/* A month at a glance (统计, svc/stats.h): a month (this one by default)
 * and an office, a bar per day of applications received and accepted and
 * of the money received, tables per office, clerk and reviewer, returns
 * by reason; F2/Enter to count again, F6 to export CSV to DATA/reports/.
 * Supervisors and admins. */
void view_stats_open(struct ui *ui);
/* The audit log (审计日志): filters by person, record and dates over a
 * list newest first; Enter opens an entry with its before and after.
 * Supervisors and admins. */
void view_audit_open(struct ui *ui);
/* Certificates expiring or expired (到期提醒, svc/lifecycle.h). */
void view_expiry_open(struct ui *ui);
/* The revocation list: its status, update, lookup (吊销查询, svc/crl.h). */
void view_crl_open(struct ui *ui);
/* The office's stock of blank KEYs (KEY 库存, svc/stock.h). */
void view_stock_open(struct ui *ui);

#endif
