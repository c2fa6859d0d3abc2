#ifndef CERTDESK_STORE_STOCK_REPO_H
#define CERTDESK_STORE_STOCK_REPO_H

/* The KEY stock ledger (tables key_moves, key_move_items, key_stock,
 * migration 0008). None of these functions commits. */
#include "model/stock.h"
#include "store/db.h"

/* The KEY with this serial (normalised), or ST_NOT_FOUND ("库存中没有
 * KEY SERIAL"). The list columns are filled too. */
enum status stock_repo_get(struct db *db, const char *serial, struct stock_key *out,
			   struct err *e);
/* The KEY issued now to an application, or ST_NOT_FOUND. */
enum status stock_repo_issued_to(struct db *db, const char *application_id,
				 struct stock_key *out, struct err *e);
/* Insert the KEY, or replace its row (office, state, moves, application,
 * updated_at) when the serial is known. */
enum status stock_repo_put(struct db *db, const struct stock_key *k, struct err *e);
/* Insert a movement and one line of it. */
enum status stock_repo_move_insert(struct db *db, const struct stock_moverec *m, struct err *e);
enum status stock_repo_item_insert(struct db *db, const char *move_id, const char *serial,
				   const char *from_state, struct err *e);

/* What a list of KEYs is narrowed to. */
struct stock_filter {
	char office_id[UUID_LEN + 1];    /* required */
	int state;                       /* an enum stock_state, or -1 for every state */
	char prefix[KEY_SERIAL_MAX];     /* serials starting so, "" for all */
};
/* A page of an office's KEYs in serial order, keyed by serial. Returns
 * the number filled or -1. */
int stock_repo_page(struct db *db, const struct stock_filter *f, enum page_dir dir,
		    const char *key, struct stock_key *out, int max, struct err *e);
/* How many KEYs the filter matches; -1 on error. */
long stock_repo_count(struct db *db, const struct stock_filter *f);

/* An office's KEYs by state now (office_id "": every office's). A state
 * this program does not know is ST_INTERNAL. */
enum status stock_repo_counts(struct db *db, const char *office_id,
			      long out[STOCK_STATE__COUNT], struct err *e);
/* How many KEYs an office holds on its ledger, whatever their state
 * (office_id "": every office's), counted whole. */
enum status stock_repo_total(struct db *db, const char *office_id, long *out, struct err *e);
/* KEYs moved at an office, by kind of movement, between UTC times
 * [from, to) ("" for no bound), by one member of staff when by_id is not
 * "" (NULL or "": everyone). office_id "" counts every office. */
enum status stock_repo_moved(struct db *db, const char *office_id, const char *by_id,
			     const char *from, const char *to, long out[MOVE__COUNT], struct err *e);

/* An office's movements newest first, keyed by id (PAGE_FIRST or
 * PAGE_AFTER). Returns the number filled or -1. */
int stock_repo_moves(struct db *db, const char *office_id, enum page_dir dir, const char *key,
		     struct stock_moverec *out, int max, struct err *e);

#endif
