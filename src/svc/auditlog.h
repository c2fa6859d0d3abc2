#ifndef CERTDESK_SVC_AUDITLOG_H
#define CERTDESK_SVC_AUDITLOG_H

/* Browsing the audit log (supervisors and admins). */
#include "store/audit_query.h"
#include "svc/svc.h"

struct auditlog_filter {
	char actor[USERNAME_MAX];     /* a user name, or "" */
	char record[64];              /* an application or order number, or a record id, or "" */
	char from[11], to[11];        /* local dates, or "" */
};

/* A page of entries, newest first, keyed by seq. ST_DENIED for a clerk;
 * an unknown number gives no rows. Returns count or -1. Free the rows'
 * texts with audit_rows_done. */
int svc_auditlog_page(struct svc *svc, const struct actor *a, const struct auditlog_filter *f,
		      enum page_dir dir, long long key, struct audit_row *out, int max,
		      struct err *e);

#endif
