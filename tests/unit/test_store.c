#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "unit.h"
#include "util/fs.h"

static struct actor tester = {
	.id = "01a00000-0000-7000-8000-000000000001",
	.username = "tester",
	.name = "测试员",
	.role = ROLE_ADMIN,
	.office_id = "01a00000-0000-7000-8000-0000000000o1",
	.terminal_id = "01a00000-0000-7000-8000-0000000000t1",
};

static struct db *mem(void)
{
	struct db *db = NULL;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(db_open(":memory:", &db, &e), ST_OK);
	return db;
}

static int one_int(struct db *db, const char *sql)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void test_migrate_from_empty(void)
{
	struct db *db = mem();
	CU_ASSERT_EQUAL(one_int(db, "PRAGMA user_version"), db_schema_version());
	CU_ASSERT_TRUE(db_schema_version() >= 1);
	CU_ASSERT_EQUAL(one_int(db, "PRAGMA foreign_keys"), 1);
	CU_ASSERT_EQUAL(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN"
				    " ('audit_log', 'outbox', 'staff', 'offices', 'terminals')"), 5);
	db_close(db);
}

static void tmp_path(char *out, size_t n, const char *name)
{
	const char *dir = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(out, n, "%s/unit-%ld-%s", dir, (long)getpid(), name);
	unlink(out);
}

static void file_hash(const char *path, unsigned char out[32])
{
	char *data = NULL;
	size_t len = 0;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(fs_read_all(path, 1 << 26, &data, &len, &e), ST_OK);
	crypto_hash_sha256(out, (unsigned char *)data, len);
	free(data);
}

static void test_refuse_newer_schema(void)
{
	char path[512];
	tmp_path(path, sizeof path, "newer.db");
	struct db *db = NULL;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(db_open(path, &db, &e), ST_OK);
	char sql[128];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version() + 1);
	CU_ASSERT_EQUAL(db_exec(db, sql, &e), ST_OK);
	CU_ASSERT_EQUAL(db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", &e), ST_OK);
	db_close(db);

	unsigned char before[32], after[32];
	file_hash(path, before);
	db = NULL;
	CU_ASSERT_EQUAL(db_open(path, &db, &e), ST_SCHEMA);
	CU_ASSERT_PTR_NULL(db);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "更新版本"));
	file_hash(path, after);
	CU_ASSERT_EQUAL(memcmp(before, after, 32), 0);
	unlink(path);
}

static void test_refuse_foreign_file(void)
{
	char path[512];
	tmp_path(path, sizeof path, "foreign.db");
	sqlite3 *h;
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &h), SQLITE_OK);
	sqlite3_exec(h, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL);
	sqlite3_close(h);
	struct db *db = NULL;
	struct err e;
	CU_ASSERT_EQUAL(db_open(path, &db, &e), ST_SCHEMA);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不是 certdesk 数据库"));

	FILE *f = fopen(path, "w");
	fputs("this is not sqlite at all, just text\n", f);
	fclose(f);
	CU_ASSERT_NOT_EQUAL(db_open(path, &db, &e), ST_OK);
	unlink(path);
}

static void append(struct db *db, int i)
{
	struct err e;
	char id[40], after[64];
	snprintf(id, sizeof id, "rec-%d", i);
	snprintf(after, sizeof after, "{\"n\":%d}", i);
	struct audit_rec r = { "test.write", "test", id, NULL, after };
	CU_ASSERT_EQUAL(db_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(audit_append(db, &tester, &r, &e), ST_OK);
	CU_ASSERT_EQUAL(db_commit(db, &e), ST_OK);
}

static struct audit_check verify(struct db *db)
{
	struct audit_check c;
	struct err e;
	CU_ASSERT_EQUAL(audit_verify(db, &c, NULL, NULL, &e), ST_OK);
	return c;
}

static void test_audit_chain(void)
{
	struct db *db = mem();
	struct err e;
	struct audit_check c = verify(db);
	CU_ASSERT_EQUAL(c.entries, 0);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
	for (int i = 1; i <= 10; i++)
		append(db, i);
	c = verify(db);
	CU_ASSERT_EQUAL(c.entries, 10);
	CU_ASSERT_EQUAL(c.bad_seq, 0);

	/* Append-only: plain edits are refused by the triggers. */
	CU_ASSERT_NOT_EQUAL(db_exec(db, "UPDATE audit_log SET after = '{}' WHERE seq = 5", &e), ST_OK);
	CU_ASSERT_NOT_EQUAL(db_exec(db, "DELETE FROM audit_log WHERE seq = 5", &e), ST_OK);

	/* Someone who drops the triggers is still found by the chain. */
	CU_ASSERT_EQUAL(db_exec(db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;", &e),
			ST_OK);
	CU_ASSERT_EQUAL(db_exec(db, "UPDATE audit_log SET after = '{\"n\":50}' WHERE seq = 5", &e),
			ST_OK);
	c = verify(db);
	CU_ASSERT_EQUAL(c.bad_seq, 5);
	CU_ASSERT_EQUAL(c.entries, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.reason, "修改"));
	CU_ASSERT_EQUAL(db_exec(db, "UPDATE audit_log SET after = '{\"n\":5}' WHERE seq = 5", &e),
			ST_OK);
	CU_ASSERT_EQUAL(verify(db).bad_seq, 0);

	/* Re-hashing an edited entry breaks the next link. */
	CU_ASSERT_EQUAL(db_exec(db, "UPDATE audit_log SET hash = 'x' || substr(hash, 2) WHERE seq = 7",
				&e), ST_OK);
	c = verify(db);
	CU_ASSERT_TRUE(c.bad_seq == 7 || c.bad_seq == 8);
	db_close(db);

	db = mem();
	for (int i = 1; i <= 10; i++)
		append(db, i);
	db_exec(db, "DROP TRIGGER audit_no_delete", &e);
	CU_ASSERT_EQUAL(db_exec(db, "DELETE FROM audit_log WHERE seq = 3", &e), ST_OK);
	c = verify(db);
	CU_ASSERT_EQUAL(c.bad_seq, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.reason, "删除"));
	db_close(db);

	/* Removing the newest entries is found through the head. */
	db = mem();
	for (int i = 1; i <= 10; i++)
		append(db, i);
	db_exec(db, "DROP TRIGGER audit_no_delete", &e);
	CU_ASSERT_EQUAL(db_exec(db, "DELETE FROM audit_log WHERE seq >= 9", &e), ST_OK);
	c = verify(db);
	CU_ASSERT_EQUAL(c.bad_seq, 9);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.reason, "末尾"));
	db_close(db);
}

/* An entry inside the caller's transaction. */
static void append_in_tx(struct db *db, int i)
{
	struct err e;
	char id[40], after[64];
	snprintf(id, sizeof id, "rec-%d", i);
	snprintf(after, sizeof after, "{\"n\":%d}", i);
	struct audit_rec r = { "test.write", "test", id, NULL, after };
	CU_ASSERT_EQUAL(audit_append(db, &tester, &r, &e), ST_OK);
}

static long long head_seq(struct db *db)
{
	char v[128] = "";
	struct err e;
	settings_get(db, "audit_head", v, sizeof v, &e);
	return atoll(v);
}

/* Batch mode (the centre's group commit): the head is written once, a
 * savepoint rolled back takes its entries and the head with it, and the
 * chain verifies as one written entry by entry. */
static void test_audit_batch(void)
{
	struct db *db = mem();
	struct err e;
	for (int i = 1; i <= 3; i++)
		append(db, i);

	CU_ASSERT_EQUAL(db_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(audit_batch_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(audit_batch_begin(db, &e), ST_INTERNAL); /* no nesting */
	append_in_tx(db, 4);
	append_in_tx(db, 5);
	CU_ASSERT_EQUAL(db_exec(db, "SAVEPOINT op", &e), ST_OK);
	append_in_tx(db, 6);
	append_in_tx(db, 7);
	CU_ASSERT_EQUAL(db_exec(db, "ROLLBACK TO op; RELEASE op", &e), ST_OK);
	append_in_tx(db, 8);
	CU_ASSERT_EQUAL(head_seq(db), 3); /* not written per entry */
	CU_ASSERT_EQUAL(one_int(db, "SELECT max(seq) FROM audit_log"), 6);
	CU_ASSERT_EQUAL(audit_batch_end(db, true, &e), ST_OK);
	CU_ASSERT_EQUAL(head_seq(db), 6);
	CU_ASSERT_EQUAL(db_commit(db, &e), ST_OK);
	struct audit_check c = verify(db);
	CU_ASSERT_EQUAL(c.entries, 6);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
	CU_ASSERT_EQUAL(one_int(db, "SELECT count(*) FROM audit_log WHERE entity_id = 'rec-8'"
				" AND seq = 6"), 1);

	/* A batch thrown away leaves nothing, and the next entry follows on. */
	CU_ASSERT_EQUAL(db_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(audit_batch_begin(db, &e), ST_OK);
	append_in_tx(db, 9);
	CU_ASSERT_EQUAL(audit_batch_end(db, false, &e), ST_OK);
	db_rollback(db);
	append(db, 10);
	c = verify(db);
	CU_ASSERT_EQUAL(c.entries, 7);
	CU_ASSERT_EQUAL(c.bad_seq, 0);
	CU_ASSERT_EQUAL(head_seq(db), 7);

	/* A log whose newest entry was removed is appended to as before (after
	 * the head), so that verify still finds the gap. */
	db_exec(db, "DROP TRIGGER audit_no_delete", &e);
	CU_ASSERT_EQUAL(db_exec(db, "DELETE FROM audit_log WHERE seq = 7", &e), ST_OK);
	CU_ASSERT_EQUAL(db_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(audit_batch_begin(db, &e), ST_OK);
	append_in_tx(db, 11);
	CU_ASSERT_EQUAL(audit_batch_end(db, true, &e), ST_OK);
	CU_ASSERT_EQUAL(db_commit(db, &e), ST_OK);
	c = verify(db);
	CU_ASSERT_EQUAL(c.bad_seq, 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.reason, "删除"));
	db_close(db);
}

static void test_outbox_and_settings(void)
{
	struct db *db = mem();
	struct err e;
	char v[64], op[UUID_LEN + 1];
	CU_ASSERT_EQUAL(settings_get(db, "nothing", v, sizeof v, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(settings_set(db, "k", "值", &e), ST_OK);
	CU_ASSERT_EQUAL(settings_set(db, "k", "值2", &e), ST_OK);
	CU_ASSERT_EQUAL(settings_get(db, "k", v, sizeof v, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(v, "值2");
	CU_ASSERT_EQUAL(settings_get_int(db, "missing", 42), 42);

	CU_ASSERT_EQUAL(outbox_pending(db), 0);
	struct outbox_op o = { "test.op@1", "test", "id-1", 0, "{\"a\":1}" };
	CU_ASSERT_EQUAL(outbox_append(db, &tester, &o, op, &e), ST_OK);
	CU_ASSERT_TRUE(uuid_valid(op));
	CU_ASSERT_EQUAL(outbox_append(db, &tester, &o, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(outbox_pending(db), 2);
	CU_ASSERT_EQUAL(outbox_rejected(db), 0);
	db_close(db);
}

static void test_prep_cache(void)
{
	struct db *db = mem();
	struct err e;
	static const char *const sql = "SELECT 1";
	sqlite3_stmt *a = db_prep(db, sql, &e), *b = db_prep(db, sql, &e);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_EQUAL(a, b);
	CU_ASSERT_PTR_NULL(db_prep(db, "SELEKT nonsense", &e));
	CU_ASSERT_EQUAL(e.st, ST_DB);
	/* Many distinct statements grow the cache without losing any. */
	static char texts[600][32];
	for (int i = 0; i < 600; i++) {
		snprintf(texts[i], sizeof texts[i], "SELECT %d", i);
		CU_ASSERT_PTR_NOT_NULL(db_prep(db, texts[i], &e));
	}
	for (int i = 0; i < 600; i++) {
		sqlite3_stmt *s = db_prep(db, texts[i], &e);
		CU_ASSERT_EQUAL(sqlite3_step(s), SQLITE_ROW);
		CU_ASSERT_EQUAL(sqlite3_column_int(s, 0), i);
		sqlite3_reset(s);
	}
	db_close(db);
}

static void test_tx_rollback(void)
{
	struct db *db = mem();
	struct err e;
	CU_ASSERT_EQUAL(db_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(db_begin(db, &e), ST_INTERNAL); /* no nesting */
	CU_ASSERT_EQUAL(settings_set(db, "k", "v", &e), ST_OK);
	db_rollback(db);
	char v[8];
	CU_ASSERT_EQUAL(settings_get(db, "k", v, sizeof v, &e), ST_NOT_FOUND);
	CU_ASSERT_FALSE(db_in_tx(db));
	db_close(db);
}

void suite_store(void)
{
	UNIT_SUITE("store", NULL, NULL,
		   { "migrations from empty", test_migrate_from_empty },
		   { "newer schema refused, file untouched", test_refuse_newer_schema },
		   { "foreign file refused", test_refuse_foreign_file },
		   { "audit chain verify and tamper detection", test_audit_chain },
		   { "audit batch: head once, savepoints roll it back", test_audit_batch },
		   { "outbox and settings", test_outbox_and_settings },
		   { "prepared statement cache", test_prep_cache },
		   { "transaction rollback", test_tx_rollback });
}
