#ifndef CERTDESK_SERVER_CENTRE_H
#define CERTDESK_SERVER_CENTRE_H

/*
 * The centre's database as certdeskd uses it: opened with the change feed
 * in place, a pool of connections shared by the request threads, and one
 * writer at a time.
 */
#include <stdbool.h>

#include "store/db.h"

/*
 * Open the centre's database for a command-line action or the server's
 * start: db_open, then the triggers that fill `changes`
 * (sync_triggers_create). The first time, every row already there is put
 * on the feed too (a database made before the feed existed), in the same
 * transaction. *out is the caller's (db_close).
 */
enum status centre_open(const char *path, struct db **out, struct err *e);

/* Set up the pool for the database at db_path (borrowed for the life of
 * the process) and the blob directory data_dir (copied). */
void centre_pool_init(const char *db_path, const char *data_dir);
/* Close every idle connection. */
void centre_pool_done(void);
/* A connection from the pool, opened when none is idle; NULL with e set.
 * Give it back with centre_db_put (never inside a transaction). */
struct db *centre_db_get(struct err *e);
void centre_db_put(struct db *db);

/*
 * One writer at a time. SQLite allows one anyway, but a writer that waits
 * in SQLite's busy handler sleeps in steps of up to 100 ms; waiting here
 * wakes it as soon as the lock is free, which keeps a queue of pushes
 * short. The busy timeout still covers other processes (the admin
 * commands).
 */
void centre_write_lock(void);
void centre_write_unlock(void);
/* Take the lock only when it is free at once (housekeeping writes). */
bool centre_write_trylock(void);

/*
 * The pool's connections never checkpoint on commit (that would stall the
 * push that happens to cross the threshold, and every push queued behind
 * it); a thread of its own does, every second, without blocking anyone.
 * Start after centre_pool_init; stop before centre_pool_done.
 */
enum status centre_checkpointer_start(struct err *e);
void centre_checkpointer_stop(void);

/* The directory that holds blobs/ (borrowed, set by centre_pool_init). */
const char *centre_data_dir(void);

#endif
