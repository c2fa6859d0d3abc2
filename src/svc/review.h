#ifndef CERTDESK_SVC_REVIEW_H
#define CERTDESK_SVC_REVIEW_H

/*
 * The supervisor's work after submission (issue: Supervisor queues):
 * the queues, marking certificates made, posted and collected, returning
 * with a reason from templates, and acting on many applications at once.
 * Every action keeps the four-eyes rule: never on one's own entry.
 */
#include "model/application.h"
#include "store/app_repo.h"
#include "svc/svc.h"

/* The queues, oldest waiting first. */
enum queue {
	QUEUE_PENDING,      /* 待审核: submitted, waiting for review */
	QUEUE_TO_MAKE,      /* 待制证: accepted and paid (or free of charge) */
	QUEUE_PICKUP,       /* 待领取: made, to be collected at the counter */
	QUEUE_POST,         /* 待寄出: made, to be posted */
	QUEUE_RETURNED,     /* 已退回: returned, waiting for the clerk who entered it */
	QUEUE__COUNT
};
const char *queue_label(enum queue q);

struct queue_filter {
	char office_id[UUID_LEN + 1];    /* "" for every office */
	char created_by[UUID_LEN + 1];   /* a clerk, or "" */
	char kind[16];                   /* a kind code, or "" */
	char from[11], to[11];           /* submission dates (local), or "" */
};

/* A page of a queue, keyed by "submitted_at|id". Returns count or -1. */
int svc_queue_page(struct svc *svc, enum queue q, const struct queue_filter *f,
		   enum page_dir dir, const char *key, struct application *out, int max,
		   struct err *e);
/* The key of a queue row, for paging. */
void svc_queue_key(const struct application *a, char *out, size_t outsz);
/* How many wait in each queue (for the main menu); -1 where unknown. */
void svc_queue_counts(struct svc *svc, const struct queue_filter *f, long counts[QUEUE__COUNT]);

/* Supervisor: the certificate is made (可领取), with its serial. Needs the
 * order paid (or a service free of charge). */
enum status svc_application_make(struct svc *svc, const struct actor *a, const char *id,
				 const char *serial, struct err *e);
/* Supervisor: posted (已寄出), with courier and tracking number. */
enum status svc_application_ship(struct svc *svc, const struct actor *a, const char *id,
				 const char *courier, const char *tracking_no, struct err *e);
/* Supervisor: collected (已领取) by this person, whose ID number must be the
 * applicant's, the holder's (a personal certificate) or the one named in
 * the authorisation. */
enum status svc_application_collect(struct svc *svc, const struct actor *a, const char *id,
				    const char *name, const char *id_number, struct err *e);
/* Record who the authorisation letter names to collect (may be cleared). */
enum status svc_application_authorise(struct svc *svc, const struct actor *a, const char *id,
				      const char *name, const char *id_number, struct err *e);

/* The templates a supervisor starts a return reason from (borrowed,
 * static, NULL-terminated): db/seed/return_reasons.txt. */
const char *const *svc_return_reasons(void);
/* The office's own templates when review.return_reasons names a file (a
 * relative path is in the data directory; UTF-8, one per line, '#' starts
 * a comment), else the built-in ones. A file that cannot be read, is not
 * UTF-8 or holds none gives the built-in ones, and e says why (e->st is
 * ST_OK when all went well). NULL-terminated; free with svc_reasons_free.
 * NULL only when out of memory. */
struct app;
char **svc_return_reasons_for(const struct app *app, struct err *e);
void svc_reasons_free(char **list);

/* What happened to one application of a bulk action. */
struct bulk_item {
	char id[UUID_LEN + 1];
	char number[NUMBER_MAX];
	enum status st;
	char message[256];          /* why refused, "" when done */
};
/* Accept each application, each in its own command (checked and audited
 * one by one); items[] receives each outcome. Returns how many were done. */
int svc_bulk_accept(struct svc *svc, const struct actor *a, const char *const *ids, int n,
		    struct bulk_item *items);

/* One step of an application's history, from the audit log. */
struct history_item {
	char at[21];
	char action[48];            /* command name */
	char actor_name[64];
	char status[24];            /* the state after it, when it changed one */
	char reason[256];
};
/* The history of a record, oldest first. Returns count or -1. */
int svc_history(struct svc *svc, const char *entity, const char *entity_id,
		struct history_item *out, int max, struct err *e);

#endif
