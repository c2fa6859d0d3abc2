#ifndef CERTDESK_STORE_AUDIT_QUERY_H
#define CERTDESK_STORE_AUDIT_QUERY_H

/* Reading the audit log for people (the audit screen); newest first. */
#include "store/db.h"

struct audit_row {
	long long seq;
	char at[21];
	char actor_name[64];
	char action[48];
	char entity[24];
	char entity_id[40];
	char *before, *after;     /* JSON text or NULL; owned: audit_rows_done */
};

struct audit_where {
	const char *actor;        /* a user name, or "" */
	const char *entity_id;    /* a record's id, or "" */
	const char *from, *to;    /* UTC ISO bounds of `at`, or "" */
};

/* Up to max rows, keyed by seq (newest first). Returns count or -1. */
int audit_page(struct db *db, const struct audit_where *w, enum page_dir dir, long long key,
	       struct audit_row *out, int max, struct err *e);
void audit_rows_done(struct audit_row *rows, int n);

#endif
