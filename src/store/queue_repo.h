#ifndef CERTDESK_STORE_QUEUE_REPO_H
#define CERTDESK_STORE_QUEUE_REPO_H

/* The supervisor's queues over applications, oldest submission first. */
#include "model/application.h"
#include "store/db.h"

enum queue_kind { QK_PENDING, QK_TO_MAKE, QK_PICKUP, QK_POST, QK_RETURNED, QK__COUNT };

struct queue_where {
	const char *office_id, *created_by, *kind;   /* "" for any */
	const char *from, *to;                       /* UTC ISO bounds of submitted_at, "" for open */
};

/* Keyed by "submitted_at|id". Returns count or -1. */
int queue_repo_page(struct db *db, enum queue_kind q, const struct queue_where *w,
		    enum page_dir dir, const char *key, struct application *out, int max,
		    struct err *e);
long queue_repo_count(struct db *db, enum queue_kind q, const struct queue_where *w);
/* True when the application may be made: its order is paid, or it costs nothing. */
bool queue_repo_paid(struct db *db, const char *app_id);

#endif
