#ifndef CERTDESK_SVC_STATS_H
#define CERTDESK_SVC_STATS_H

/*
 * Statistics (统计) of a local month or day, at one office or at every
 * office (the records old enough to archive: svc/retention.h).
 *
 * What is counted, and when (local time in the time zone in force; each
 * day's bounds are report_day_bounds'):
 *   received   applications handed in for review, on the day of their
 *              latest submission (one returned and handed in again counts
 *              once, on the later day);
 *   accepted   applications accepted, on the day of acceptance (an
 *              application is accepted once: no state leads back);
 *   returned   each return, on its day, by reason, from the audit log
 *              (complete where every return was made on this database,
 *              as at the centre; a terminal holds its own);
 *   made       certificates made (可领取), on the day;
 *   collected  certificates collected at the counter, on the day;
 *   waiting    of the accepted: hours from the (latest) submission to the
 *              acceptance, their average and 90th percentile (nearest
 *              rank: the smallest time within which at least 90 % were
 *              accepted);
 *   money      the day report's rules: transfers verified that day (by
 *              verification time), online payments recorded that day,
 *              less refunds recorded that day (svc/report.h).
 *
 * By office: the application's office (money: where it was recorded). By
 * clerk: who entered the application (money: who recorded the payment or
 * the refund). By reviewer: who accepted or returned. Every breakdown adds
 * up to the totals (stats_report_check), or the report is refused.
 * Supervisors and admins only. CSV and export: stats_csv.c.
 */
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "model/order.h"
#include "store/report_repo.h"
#include "store/stats_repo.h"
#include "svc/app.h"

struct stats_query {
	const char *month;      /* YYYY-MM, local; NULL or "" for this month */
	const char *date;       /* YYYY-MM-DD: that one day instead of a month; NULL or "" */
	const char *office;     /* an office code; NULL or "" for this terminal's; "all" */
	const char *purpose;    /* recorded in the audit entry: "screen", "text", "csv" */
};

/* The figures of a period, a day, an office or a person. */
struct stats_figures {
	long received, accepted, returned, made, collected;
	long timed;                   /* accepted with a known submission time */
	long long wait_sum;           /* their seconds from submission to acceptance, summed */
	long long wait_p90;           /* seconds, nearest rank; -1 when timed is 0 */
	struct report_sum transfers;  /* transfers verified */
	struct report_sum online[CHANNEL__COUNT];
	struct report_sum refunds;
	long long net_fen;            /* transfers + online - refunds */
};

struct stats_day {
	char date[11];                /* YYYY-MM-DD */
	const char *weekday;          /* "星期一" (static) */
	time_t from, to;              /* its bounds, [from, to) */
	struct stats_figures f;
};

enum stats_by { STATS_BY_OFFICE, STATS_BY_CLERK, STATS_BY_REVIEWER, STATS__BY };

/* One office or member of staff. A reviewer's figures hold only accepted,
 * returned and the waiting times of what they accepted. */
struct stats_group {
	char id[UUID_LEN + 1];        /* "" when the record names nobody */
	char code[USERNAME_MAX];      /* office code or user name; "" when not known here */
	char name[NAME_MAX_BYTES];
	struct stats_figures f;
};

struct stats_reason {
	char text[REASON_MAX];
	long n;
};

struct stats_report {
	bool month;                   /* a month (else one day) */
	char period[11];              /* "2025-06" or "2025-06-09" */
	time_t from, to;              /* the period's bounds, [from, to) */
	bool all_offices;
	char office_code[OFFICE_CODE_MAX];   /* "" with all_offices */
	char office_name[NAME_MAX_BYTES];
	char reader[NAME_MAX_BYTES];  /* who read it, and when */
	char reader_username[USERNAME_MAX];
	time_t made;

	struct stats_figures total;
	struct stats_day *days;       /* owned; each day of the period, in order */
	int ndays;
	/* owned; offices by code, people by user name (unknown ones last) */
	struct stats_group *by[STATS__BY];
	int nby[STATS__BY];
	struct stats_reason *reasons; /* owned; most frequent first */
	int nreasons;
};

/*
 * Read the statistics in one transaction, check that they add up, and
 * record the read in the audit log ("report.month" or "report.stats",
 * with the period, office and purpose). ST_DENIED for a clerk; a bad
 * month or date is ST_INVALID with e->field "month" or "date"; an unknown
 * office ST_NOT_FOUND with e->field "office". On success the caller owns
 * *out (stats_report_done); on failure *out holds nothing to free.
 */
enum status svc_stats(struct svc *svc, const struct actor *a, const struct stats_query *q,
		      struct stats_report *out, struct err *e);
void stats_report_done(struct stats_report *r);

/* Do the days, offices, clerks, reviewers and reasons add up to the
 * totals, and the money to its net? If not, false with e (ST_INTERNAL)
 * naming the first figure that does not. */
bool stats_report_check(const struct stats_report *r, struct err *e);

/* Hours with two decimals, rounded half up ("3.50"); "" when there is
 * nothing to show (no accepted application with a known submission). */
void stats_avg_hours(const struct stats_figures *f, char out[24]);
void stats_p90_hours(const struct stats_figures *f, char out[24]);

/*
 * The statistics as CSV for Excel (UTF-8 with BOM, CRLF; util/csv.h),
 * columns section, item, label, count, received, accepted, returned, made,
 * collected, avg_hours, p90_hours, amount_yuan. Sections: "report" (what
 * it is: item and label), "total", "day" (item the date), "office"
 * (item the code), "clerk" and "reviewer" (item the user name), "reason"
 * (label the reason, returned its count), "money" (item transfer, a
 * channel, refund or net; count and amount, refunds negative). False on
 * a write error (errno set).
 */
bool stats_report_csv(const struct stats_report *r, FILE *f);

/* Export to DATA/reports/month-YYYYMM.csv or stats-YYYYMMDD.csv ("-ALL"
 * or "-CODE" of another office before ".csv"), written atomically, and
 * audit it ("report.export"). path_out receives the file's path. */
enum status svc_stats_export(struct app *app, const struct actor *a, const struct stats_report *r,
			     char path_out[PATH_MAX], struct err *e);

/*
 * The office a query names: a code (any case), "all" (*all set, *out
 * empty), or NULL or "" for this terminal's. ST_NOT_FOUND with e->field
 * "office" when there is no such office.
 */
enum status stats_office(struct svc *svc, const char *office, bool *all, struct office *out,
			 struct err *e);

#endif
