#include "server/centre.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/settings.h"
#include "store/sync_tables.h"
#include "util/log.h"

/* Idle connections kept for the next request; more are opened when many
 * requests run at once and closed when they come back to a full pool. */
#define POOL_IDLE_MAX 32

static struct {
	pthread_mutex_t mu;
	struct db *idle[POOL_IDLE_MAX];
	int n;
	const char *path;
	char data_dir[PATH_MAX];
} pool = { .mu = PTHREAD_MUTEX_INITIALIZER };

static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

/* The checkpointer: its thread, and how it is told to stop. */
static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool running, stop;
} ckpt = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* Seconds between checkpoints, and the size a reset WAL file is cut to. */
#define CKPT_EVERY_S 1
#define WAL_KEEP_BYTES "67108864"
/* Frames (pages) in the WAL past which it is restarted, not just copied. */
#define WAL_RESTART_FRAMES 16384
/* How long a restart may wait for the readers of older snapshots. */
#define RESTART_WAIT_MS 500

/* Put every existing row of the synced tables on the feed: an update that
 * changes nothing still fires the triggers, parents before children. */
static enum status backfill(struct db *db, struct err *e)
{
	for (int i = 0; i < sync_tables_count; i++) {
		const struct sync_table *t = &sync_tables[i];
		const char *col = t->versioned ? "version" : t->key[0];
		char sql[200];
		snprintf(sql, sizeof sql, "UPDATE \"%s\" SET \"%s\" = \"%s\"", t->name, col, col);
		enum status st = db_exec(db, sql, e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

enum status centre_open(const char *path, struct db **out, struct err *e)
{
	struct db *db;
	enum status st = db_open(path, &db, e);
	if (st != ST_OK)
		return st;
	char done[8];
	struct err nf;
	if (settings_get(db, "centre_feed", done, sizeof done, &nf) == ST_OK) {
		/* Idempotent: creates only triggers a newer program added. */
		st = sync_triggers_create(db, e);
	} else {
		st = db_begin(db, e);
		if (st == ST_OK)
			st = sync_triggers_create(db, e);
		if (st == ST_OK)
			st = backfill(db, e);
		if (st == ST_OK)
			st = settings_set(db, "centre_feed", "1", e);
		if (st == ST_OK)
			st = db_commit(db, e);
		else
			db_rollback(db);
		if (st == ST_OK)
			log_info("change feed set up in %s", path);
	}
	/* GET /v1/blobs checks a file against the terminal's office by its
	 * attachments: a centre-only index, like the feed's triggers. */
	if (st == ST_OK)
		st = db_exec(db, "CREATE INDEX IF NOT EXISTS centre_attachments_sha256"
				 " ON attachments (sha256)", e);
	if (st != ST_OK) {
		db_close(db);
		return st;
	}
	*out = db;
	return ST_OK;
}

void centre_pool_init(const char *db_path, const char *data_dir)
{
	pool.path = db_path;
	snprintf(pool.data_dir, sizeof pool.data_dir, "%s", data_dir);
}

void centre_pool_done(void)
{
	pthread_mutex_lock(&pool.mu);
	while (pool.n)
		db_close(pool.idle[--pool.n]);
	pthread_mutex_unlock(&pool.mu);
}

struct db *centre_db_get(struct err *e)
{
	struct db *db = NULL;
	pthread_mutex_lock(&pool.mu);
	if (pool.n)
		db = pool.idle[--pool.n];
	pthread_mutex_unlock(&pool.mu);
	if (db)
		return db;
	if (db_open(pool.path, &db, e) != ST_OK)
		return NULL;
	/* Checkpoints belong to the checkpointer, not to the commit of
	 * whichever push crosses the WAL's threshold. */
	if (db_exec(db, "PRAGMA wal_autocheckpoint = 0;"
			" PRAGMA journal_size_limit = " WAL_KEEP_BYTES, e) != ST_OK) {
		db_close(db);
		return NULL;
	}
	return db;
}

void centre_db_put(struct db *db)
{
	if (!db)
		return;
	if (db_in_tx(db) || !sqlite3_get_autocommit(db_handle(db))) {
		log_error("connection returned inside a transaction: rolled back");
		db_rollback(db);
	}
	pthread_mutex_lock(&pool.mu);
	if (pool.n < POOL_IDLE_MAX) {
		pool.idle[pool.n++] = db;
		db = NULL;
	}
	pthread_mutex_unlock(&pool.mu);
	db_close(db);
}

void centre_write_lock(void)
{
	pthread_mutex_lock(&writer);
}

void centre_write_unlock(void)
{
	pthread_mutex_unlock(&writer);
}

bool centre_write_trylock(void)
{
	return pthread_mutex_trylock(&writer) == 0;
}

const char *centre_data_dir(void)
{
	return pool.data_dir;
}

/*
 * Copy the write-ahead log back into the database now and then, off the
 * requests' path. PASSIVE: it never waits for, nor blocks, a reader or the
 * writer; what it cannot copy yet waits for the next round.
 */
static void *checkpointer(void *arg)
{
	struct db *db = arg;
	pthread_mutex_lock(&ckpt.mu);
	while (!ckpt.stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += CKPT_EVERY_S;
		pthread_cond_timedwait(&ckpt.cv, &ckpt.mu, &until);
		pthread_mutex_unlock(&ckpt.mu);
		int log_frames = 0, done = 0;
		sqlite3 *h = db_handle(db);
		int rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
						   &done);
		if (rc == SQLITE_OK && log_frames > WAL_RESTART_FRAMES) {
			/* Busy readers keep the WAL from starting over, and it only
			 * grows. Under the write lock (pushes wait), wait a moment
			 * for the pulls in flight, then start it over. */
			centre_write_lock();
			sqlite3_busy_timeout(h, RESTART_WAIT_MS);
			rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_RESTART, &log_frames,
						       &done);
			sqlite3_busy_timeout(h, 0);
			centre_write_unlock();
			log_info("write-ahead log restarted (%d frames copied)%s", done,
				 rc == SQLITE_OK ? "" : ", readers still busy");
		}
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warn("checkpoint failed: %s", sqlite3_errmsg(h));
		pthread_mutex_lock(&ckpt.mu);
	}
	pthread_mutex_unlock(&ckpt.mu);
	sqlite3_wal_checkpoint_v2(db_handle(db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	db_close(db);
	return NULL;
}

enum status centre_checkpointer_start(struct err *e)
{
	struct db *db = centre_db_get(e);
	if (!db)
		return e->st;
	/* A PASSIVE checkpoint never waits; RESTART sets its own wait. */
	sqlite3_busy_timeout(db_handle(db), 0);
	ckpt.stop = false;
	if (pthread_create(&ckpt.thread, NULL, checkpointer, db) != 0) {
		db_close(db);
		return err_set(e, ST_NOMEM, "无法启动检查点线程");
	}
	ckpt.running = true;
	return ST_OK;
}

void centre_checkpointer_stop(void)
{
	if (!ckpt.running)
		return;
	pthread_mutex_lock(&ckpt.mu);
	ckpt.stop = true;
	pthread_cond_signal(&ckpt.cv);
	pthread_mutex_unlock(&ckpt.mu);
	pthread_join(ckpt.thread, NULL);
	ckpt.running = false;
}
