#ifndef CERTDESK_STORE_SYNC_TABLES_H
#define CERTDESK_STORE_SYNC_TABLES_H

/*
 * The tables that travel from the centre to terminals (docs/SYNC.md), with
 * their primary keys and how a row's office is found, and the generic row
 * operations both sides need: the centre turns a row into JSON for a pull,
 * a terminal writes a pulled row back. Column names always come from the
 * table's own schema, never from the JSON, so nothing typed can become SQL.
 */
#include <jansson.h>
#include <stdbool.h>

#include "store/db.h"

struct sync_table {
	const char *name;
	const char *key[3];       /* primary key columns, NULL-terminated */
	const char *office;       /* SQL expression over NEW/OLD giving the row's office; NULL: shared */
	bool versioned;           /* has a `version` column the centre sets */
};

/* The synced tables, in an order where parents come before children. */
extern const struct sync_table sync_tables[];
extern const int sync_tables_count;
/* The table called `name`, or NULL. */
const struct sync_table *sync_table_find(const char *name);

/* The row's key as canonical JSON text (json_object of the key columns). */
json_t *sync_key_of_row(const struct sync_table *t, json_t *row);

/* The current row as JSON (every column), or ST_NOT_FOUND. *out new ref. */
enum status sync_row_get(struct db *db, const struct sync_table *t, json_t *key, json_t **out,
			 struct err *e);
/* Insert or replace a row from JSON; columns the local table does not know
 * are ignored, columns missing in the JSON keep their defaults. */
enum status sync_row_put(struct db *db, const struct sync_table *t, json_t *row, struct err *e);
/* Delete the row with this key (no error when absent). */
enum status sync_row_delete(struct db *db, const struct sync_table *t, json_t *key, struct err *e);

/* Centre: create the triggers that fill `changes` for every synced table
 * (idempotent). */
enum status sync_triggers_create(struct db *db, struct err *e);

#endif
