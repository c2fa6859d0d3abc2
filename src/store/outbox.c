#include "store/outbox.h"

#include <string.h>

#include "util/clock.h"

enum status outbox_append(struct db *db, const struct actor *a, const struct outbox_op *op,
			  char op_id[UUID_LEN + 1], struct err *e)
{
	char id[UUID_LEN + 1], at[21];
	uuid_v7(id);
	clock_iso(clock_now(), at);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO outbox (op_id, command, actor_id, entity, entity_id, base_version,"
		" payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, op->command);
	db_bind_text(s, 3, a->id);
	db_bind_text(s, 4, op->entity);
	db_bind_text(s, 5, op->entity_id);
	sqlite3_bind_int64(s, 6, op->base_version);
	db_bind_text(s, 7, op->payload);
	db_bind_text(s, 8, at);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	if (op_id)
		memcpy(op_id, id, sizeof id);
	return ST_OK;
}

static long count(struct db *db, const char *sql)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, sql, &e);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

long outbox_pending(struct db *db)
{
	return count(db, "SELECT count(*) FROM outbox WHERE state = 'pending'");
}

long outbox_rejected(struct db *db)
{
	return count(db, "SELECT count(*) FROM outbox WHERE state = 'rejected'");
}
