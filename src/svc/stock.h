#ifndef CERTDESK_SVC_STOCK_H
#define CERTDESK_SVC_STOCK_H

/*
 * The office's stock of blank KEYs (介质库存): batches received, one KEY
 * issued to an application when its certificate is made, KEYs taken back
 * damaged, KEYs returned to the centre, and the ledger of it all.
 *
 * Every movement is a command (stock.receive, stock.issue, stock.damage,
 * stock.return): audited, in the outbox, replayed at the centre, and its
 * rows synced with their office. The office is always the actor's: a KEY
 * of another office's stock can be neither issued, damaged nor returned
 * here, and the centre checks it again with the staff member's office.
 */
#include "model/stock.h"
#include "store/stock_repo.h"
#include "svc/svc.h"

/*
 * Receive a batch: every serial of `keys` (finished with key_list_finish)
 * enters this office's stock as 在库, in one movement with `note` (the
 * delivery note; may be empty). Refused whole when any KEY is already on
 * the ledger other than as returned to the centre (ST_STATE or ST_EXISTS
 * naming it). move_id (may be NULL) receives the movement's id. Clerks.
 */
enum status svc_stock_receive(struct svc *svc, const struct actor *a, const struct key_list *keys,
			      const char *note, char move_id[UUID_LEN + 1], struct err *e);

/*
 * Issue the KEY `key_serial` of this office's stock to the application
 * (accepted, or already made) of this office, when its certificate is
 * made. Refused (nothing written): a KEY not in stock here, issued before
 * (ST_STATE "KEY … 已经发放过"), of another office (ST_DENIED), an
 * application of another office or in another state, an application that
 * already has a KEY in use. e->field is "key_serial" when the KEY is at
 * fault. Clerks and supervisors.
 */
enum status svc_stock_issue(struct svc *svc, const struct actor *a, const char *application_id,
			    const char *key_serial, struct err *e);

/* Take a KEY back as damaged (from stock, or issued and brought back),
 * with the reason (required). Clerks. */
enum status svc_stock_damage(struct svc *svc, const struct actor *a, const char *key_serial,
			     const char *reason, struct err *e);

/* Return KEYs (in stock or damaged) to the centre, in one movement with a
 * note (required: the waybill or who took them). Refused whole when any
 * cannot go. Supervisors. */
enum status svc_stock_return(struct svc *svc, const struct actor *a, const struct key_list *keys,
			     const char *note, struct err *e);

/* The ledger of an office: KEYs by state now, and the KEYs moved by each
 * kind of movement, ever and today (the local day). */
struct stock_ledger {
	long state[STOCK_STATE__COUNT];
	long total;                     /* every KEY of the office on the ledger */
	long moved[MOVE__COUNT];
	long today[MOVE__COUNT];
};
/* office_id NULL or "": the actor's office. */
enum status svc_stock_ledger(struct svc *svc, const struct actor *a, const char *office_id,
			     struct stock_ledger *out, struct err *e);

/* One KEY; ST_NOT_FOUND when not on the ledger. The serial is normalised
 * first (case, blanks). */
enum status svc_stock_get(struct svc *svc, const char *serial, struct stock_key *out,
			  struct err *e);
/* The KEY issued to an application now, or ST_NOT_FOUND. */
enum status svc_stock_of_application(struct svc *svc, const char *application_id,
				     struct stock_key *out, struct err *e);
/* A page of the actor's office's KEYs (state -1 for all, prefix "" for
 * all) in serial order, keyed by serial; count or -1. */
int svc_stock_page(struct svc *svc, const struct actor *a, int state, const char *prefix,
		   enum page_dir dir, const char *key, struct stock_key *out, int max,
		   struct err *e);
long svc_stock_count(struct svc *svc, const struct actor *a, int state, const char *prefix);
/* The office's movements newest first (PAGE_FIRST, or PAGE_AFTER key=id). */
int svc_stock_moves(struct svc *svc, const struct actor *a, enum page_dir dir, const char *key,
		    struct stock_moverec *out, int max, struct err *e);

#endif
