#ifndef CERTDESK_STORE_DB_H
#define CERTDESK_STORE_DB_H

#include <sqlite3.h>
#include <stdbool.h>

#include "util/status.h"

/*
 * One SQLite connection with its prepared-statement cache. Not thread-safe:
 * a thread that needs the database opens its own `struct db`.
 */
struct db;

/* The schema version this program writes (the highest migration). */
int db_schema_version(void);

/*
 * Open (creating if needed) the database at path, set WAL,
 * synchronous=FULL, foreign_keys=ON, and bring the schema up to date, each
 * migration in its own transaction. A database written by a newer program,
 * or a file that is not a certdesk database, is refused (ST_SCHEMA) and left
 * untouched. ":memory:" gives a private in-memory database.
 * On success *out is owned by the caller (db_close).
 */
enum status db_open(const char *path, struct db **out, struct err *e);
void db_close(struct db *db);
/* The raw handle, borrowed; for the store layer only. */
sqlite3 *db_handle(struct db *db);

/*
 * The prepared statement for `sql`, reset and with bindings cleared.
 * Statements are cached by the address of `sql`: pass string literals
 * (or other strings that live as long as the connection). Borrowed; NULL
 * on error with e filled.
 */
sqlite3_stmt *db_prep(struct db *db, const char *sql, struct err *e);
/* Run SQL without results (may hold several statements); not cached. */
enum status db_exec(struct db *db, const char *sql, struct err *e);

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE), so
 * a command never fails half-way on a lock. Nesting is an error. */
enum status db_begin(struct db *db, struct err *e);
/* A read-only transaction (deferred BEGIN): every query inside sees the same
 * snapshot, and writers are never kept waiting (WAL). Reports use it. */
enum status db_begin_read(struct db *db, struct err *e);
enum status db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
bool db_in_tx(struct db *db);

/* Rows this connection has written since it opened (to notice a change). */
long long db_total_changes(struct db *db);

/* The text of a statement left active (stepped but not reset), which would
 * hold an old snapshot open; NULL when every statement is idle. For checks
 * between events. */
const char *db_busy_statement(struct db *db);

/* Translate an SQLite result code into a status and a message for the user
 * (disk full, busy, constraint...). Logs the SQLite text, not the data. */
enum status db_fail(struct db *db, int rc, struct err *e);

/* Keyset paging, shared by every list query: which rows relative to a key.
 * Rows always come back in list order. */
enum page_dir {
	PAGE_FIRST,    /* from the start; key ignored */
	PAGE_LAST,     /* the last rows; key ignored */
	PAGE_AFTER,    /* strictly after key */
	PAGE_BEFORE,   /* strictly before key */
	PAGE_AT,       /* key and after */
};
/* True when dir reads backwards (the rows must be reversed after the query). */
static inline bool page_backward(enum page_dir d)
{
	return d == PAGE_LAST || d == PAGE_BEFORE;
}
/* Put a page read backwards back in list order: n rows of `size` bytes,
 * reversed in place when dir reads backwards. */
void page_order(enum page_dir dir, void *rows, size_t size, int n);

/* Bind helpers: NULL or "" binds NULL when `null_if_empty`. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);
int db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* Column text as a non-NULL string (""), borrowed until the next step. */
const char *db_col_text(sqlite3_stmt *st, int i);
/* Copy column text into a fixed buffer (truncates safely). */
void db_col_copy(sqlite3_stmt *st, int i, char *out, size_t outsz);

#endif
