#ifndef CERTDESK_SVC_REPORT_H
#define CERTDESK_SVC_REPORT_H

/*
 * The day-end report (日结) of one local day at one office, or at every
 * office: the orders placed that day, the payments recorded that day, the
 * money actually received that day, each member of staff's share, and the
 * transfers still waiting for verification. Money is integer fen.
 *
 * "That day" is the local calendar day in the time zone in force (TZ):
 * stored times are UTC, so the day's bounds are its local midnights turned
 * into UTC (23 or 25 hours long where clocks change). Statuses and states
 * are as they are now, when the report is read: an order placed that day
 * and paid the next shows as paid.
 *
 * Every total adds up: within a section the lines sum to its total, and
 * the staff lines sum to the day's totals. A report whose totals do not add
 * up (a row with a state this program does not know) is refused rather
 * than shown (day_report_check).
 *
 * Who sees what: supervisors and admins see everyone's figures; a clerk's
 * report holds only their own (orders they placed, payments they recorded,
 * transfers they recorded still waiting), so that it adds up as well.
 */
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "model/stock.h"
#include "store/report_repo.h"
#include "svc/app.h"

struct report_query {
	const char *date;       /* YYYY-MM-DD, local; NULL or "" for today */
	const char *office;     /* an office code; NULL or "" for this terminal's; "all" */
	const char *purpose;    /* recorded in the audit entry: "screen", "text", "csv" */
};

/* One member of staff's figures of the day. */
struct report_clerk {
	char staff_id[UUID_LEN + 1];
	char username[USERNAME_MAX];    /* "" when the account is not known here */
	char name[NAME_MAX_BYTES];
	struct report_sum orders;       /* orders placed */
	struct report_sum payments;     /* transfers and online payments recorded */
	struct report_sum refunds;      /* refunds recorded */
};

/* A transfer waiting for verification, and for how long. */
struct report_waiting {
	struct report_pending t;
	int age_days;                   /* local calendar days since it was recorded */
};

#define REPORT_WAITING_MAX 200      /* listed; the total counts them all */
#define REPORT_TRANSFER_STATES 3    /* enum transfer_state */
#define REPORT_METHODS 3            /* enum pay_method (PAY_NONE stays empty) */

struct day_report {
	char date[11];                  /* YYYY-MM-DD, local */
	const char *weekday;            /* "星期三" (static) */
	time_t from, to;                /* the day's bounds, [from, to) */
	struct report_range range;
	bool all_offices;
	char office_code[OFFICE_CODE_MAX];   /* "" with all_offices */
	char office_name[NAME_MAX_BYTES];
	bool own_only;                  /* a clerk's report: their own figures */
	char reader[NAME_MAX_BYTES];    /* who read it */
	char reader_username[USERNAME_MAX];
	time_t made;                    /* when */

	/* Orders placed that day, by their status now and by payment method. */
	struct report_sum orders;
	struct report_sum orders_by_status[ORDER__COUNT];
	struct report_sum orders_by_method[REPORT_METHODS];

	/* Payments recorded that day: transfers by their state now, online
	 * payments by channel, refunds. */
	struct report_sum transfers;
	struct report_sum transfers_by_state[REPORT_TRANSFER_STATES];
	struct report_sum online;
	struct report_sum online_by_channel[CHANNEL__COUNT];
	struct report_sum refunds;

	/* Money received that day: transfers verified that day (whenever they
	 * were recorded) and online payments (received when recorded), less
	 * the refunds paid out. */
	struct report_sum received_transfers;
	long long net_fen;

	/* Each member of staff with anything that day, by user name. */
	struct report_clerk *clerks;    /* owned */
	int nclerks;

	/* Transfers waiting for verification, whatever day they were recorded. */
	struct report_sum waiting;
	struct report_waiting *waiting_rows;  /* owned; oldest first */
	int nwaiting;                   /* at most REPORT_WAITING_MAX */

	/* Blank KEYs (介质库存, svc/stock.h), counted, not money: the KEYs
	 * moved that day by kind of movement (in a clerk's report, those the
	 * clerk moved), and the KEYs on the ledger when the report was read,
	 * by state, with their total counted whole. */
	long stock_moved[MOVE__COUNT];
	long stock_state[STOCK_STATE__COUNT];
	long stock_total;
};

/*
 * The UTC bounds [from, to) of the local day `date` (YYYY-MM-DD) in the
 * time zone in force: its first moment and the next day's. False when the
 * date does not exist.
 */
bool report_day_bounds(const char *date, time_t *from, time_t *to);

/*
 * Read the day-end report as `a` may see it (see above), in one
 * transaction so that every figure is of the same moment, check that its
 * totals add up, and record the read in the audit log ("report.day", with
 * the date, office, scope and purpose). A bad date or an unknown office is
 * ST_INVALID / ST_NOT_FOUND with e->field "date" or "office". On success
 * the caller owns *out and frees it with day_report_done; on failure
 * *out holds nothing to free.
 */
enum status svc_report_day(struct svc *svc, const struct actor *a, const struct report_query *q,
			   struct day_report *out, struct err *e);
void day_report_done(struct day_report *r);

/* Do all totals add up? If not, false with e (ST_INTERNAL) naming the
 * first section that does not. */
bool day_report_check(const struct day_report *r, struct err *e);

/*
 * The report's sum lines in order, for every front end to show alike:
 * each section's item lines, then its total line (the lines of a section
 * add up to its total, the refunds in "received" counted negative). Returns
 * the number of lines (at most REPORT_LINES_MAX).
 */
struct report_line {
	const char *section;            /* stable code: "orders_status" */
	const char *section_label;      /* "当日下单（按当前状态）" */
	const char *item;               /* stable code: "unpaid", "total" */
	const char *label;              /* "待缴费", "合计" */
	struct report_sum sum;
	bool total;
};
#define REPORT_LINES_MAX 32
int day_report_lines(const struct day_report *r, struct report_line *out, int max);

/*
 * The KEY stock's count lines in order, for every front end alike: the
 * day's movements (section "stock_moves": receive, issue, damage, return),
 * then the ledger now (section "stock_now": in_stock, issued, damaged,
 * returned, and "total", which the states add up to). Returns the number
 * of lines (at most REPORT_STOCK_LINES_MAX).
 */
struct report_count {
	const char *section;            /* "stock_moves", "stock_now" */
	const char *section_label;      /* "当日 KEY 出入" */
	const char *item;               /* "receive", "in_stock", "total" */
	const char *label;              /* "入库", "在库", "合计" */
	long n;
	bool total;
};
#define REPORT_STOCK_LINES_MAX (MOVE__COUNT + STOCK_STATE__COUNT + 1)
int day_report_stock_lines(const struct day_report *r, struct report_count *out, int max);

/* Money as CSV and machines want it: "1280.50", "-0.05" (no separators). */
void report_yuan(long long fen, char out[32]);

/*
 * Write the report as CSV for Excel (UTF-8 with BOM, CRLF; util/csv.h)
 * with the columns section, item, label, count, amount_yuan, note: a few
 * "report" rows saying what it is, the sum lines, three rows per member of
 * staff ("clerk_orders", "clerk_payments", "clerk_refunds"), one per
 * waiting transfer ("waiting"), then the KEY stock's count lines
 * ("stock_moves", "stock_now", amount_yuan empty: they are not money).
 * False on a write error (errno set).
 */
bool day_report_csv(const struct day_report *r, FILE *f);

/*
 * Export the report to DATA/reports/day-YYYYMMDD.csv (with "-ALL", "-CODE"
 * of another office, or "-username" for a clerk's own figures before
 * ".csv", so that a partial report never replaces the office's), written
 * atomically, and audit it ("report.export"). path_out receives the file's
 * path.
 */
enum status svc_report_export(struct app *app, const struct actor *a, const struct day_report *r,
			      char path_out[PATH_MAX], struct err *e);

#endif
