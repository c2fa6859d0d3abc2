#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/audit_query.h"
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

/* ---- the audit screen's filters: one statement per combination ---- */

/* The statement every filter used before (one for all, no index). */
static int audit_page_old(struct db *db, const struct audit_where *w, enum page_dir dir,
			  long long key, long long *seqs, int max)
{
#define OLD_COLS "SELECT seq FROM audit_log WHERE (?1 = '' OR actor_name = ?1)" \
	" AND (?2 = '' OR entity_id = ?2) AND (?3 = '' OR at >= ?3) AND (?4 = '' OR at < ?4)"
	static const char *const sql[] = {
		[PAGE_FIRST] = OLD_COLS " ORDER BY seq DESC LIMIT ?6",
		[PAGE_LAST] = OLD_COLS " ORDER BY seq LIMIT ?6",
		[PAGE_AFTER] = OLD_COLS " AND seq < ?5 ORDER BY seq DESC LIMIT ?6",
		[PAGE_BEFORE] = OLD_COLS " AND seq > ?5 ORDER BY seq LIMIT ?6",
		[PAGE_AT] = OLD_COLS " AND seq <= ?5 ORDER BY seq DESC LIMIT ?6",
	};
#undef OLD_COLS
	struct err e;
	sqlite3_stmt *s = db_prep(db, sql[dir], &e);
	if (!s)
		return -1;
	db_bind_text(s, 1, w->actor);
	db_bind_text(s, 2, w->entity_id);
	db_bind_text(s, 3, w->from);
	db_bind_text(s, 4, w->to);
	sqlite3_bind_int64(s, 5, key);
	sqlite3_bind_int(s, 6, max);
	int n = 0;
	while (n < max && sqlite3_step(s) == SQLITE_ROW)
		seqs[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	page_order(dir, seqs, sizeof seqs[0], n);
	return n;
}

static void test_audit_filters_same_rows(void)
{
	struct db *db = mem();
	struct err e;
	/* 3000 entries over 30 days, by 5 people about 40 records; every 7th
	 * written late (its `at` a day or two before its neighbours', as
	 * entries arriving out of order would be), some at midnight exactly. */
	static const char *const names[] = { "clerk1", "clerk2", "super1", "证书注销任务", "Clerk1" };
	unsigned r = 12345;
	sqlite3_stmt *ins = db_prep(db, "INSERT INTO audit_log (seq, id, at, actor_id, actor_name,"
					" office_id, terminal_id, action, entity, entity_id, before, after,"
					" prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, 'o', 't', 'x.y', 'application',"
					" ?6, NULL, '{}', 'p', 'h')", &e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
	CU_ASSERT_EQUAL_FATAL(db_begin(db, &e), ST_OK);
	for (int i = 1; i <= 3000; i++) {
		r = r * 1103515245u + 12345u;
		long t = (long)i * 864; /* 30 days over the log */
		if (i % 7 == 0)
			t -= 86400 + (long)(r >> 8) % 86400;
		if (t < 0)
			t = 0;
		if (i % 50 == 0)
			t -= t % 86400;
		char at[32], id[40], ent[40];
		snprintf(at, sizeof at, "2026-10-%02ldT%02ld:%02ld:%02ldZ", 1 + t / 86400, t % 86400 / 3600,
			 t % 3600 / 60, t % 60);
		snprintf(id, sizeof id, "id-%d", i);
		snprintf(ent, sizeof ent, "rec-%u", (r >> 16) % 40);
		sqlite3_bind_int(ins, 1, i);
		db_bind_text(ins, 2, id);
		db_bind_text(ins, 3, at);
		db_bind_text(ins, 4, (r >> 4) % 3 ? "actor-a" : "actor-b");
		db_bind_text(ins, 5, names[(r >> 12) % 5]);
		db_bind_text(ins, 6, ent);
		CU_ASSERT_EQUAL(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	CU_ASSERT_EQUAL_FATAL(db_commit(db, &e), ST_OK);

	static const char *const actors[] = { "", "clerk1", "证书注销任务", "clerk9" };
	static const char *const ents[] = { "", "rec-7", "rec-39", "rec-99" };
	static const char *const ranges[][2] = {
		{ "", "" }, { "2026-10-05T00:00:00Z", "2026-10-06T00:00:00Z" },
		{ "2026-10-05T00:00:00Z", "2026-10-12T00:00:00Z" }, { "2026-10-20T00:00:00Z", "" },
		{ "", "2026-10-03T00:00:00Z" }, { "2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z" },
		{ "2026-10-09T00:00:00Z", "2026-10-09T00:00:00Z" },
	};
	static const long long keys[] = { 0, 1, 2, 777, 1500, 2999, 3000, 3001 };
	int compared = 0, nonempty = 0;
	struct audit_row rows[40];
	long long want[40];
	for (size_t a = 0; a < sizeof actors / sizeof *actors; a++)
		for (size_t n = 0; n < sizeof ents / sizeof *ents; n++)
			for (size_t g = 0; g < sizeof ranges / sizeof *ranges; g++)
				for (int dir = PAGE_FIRST; dir <= PAGE_AT; dir++)
					for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
						if ((dir == PAGE_FIRST || dir == PAGE_LAST) && k > 0)
							break;
						struct audit_where w = { actors[a], ents[n], ranges[g][0],
									 ranges[g][1] };
						int max = 1 + (int)((a + n + g + k) % 3) * 19;
						int old = audit_page_old(db, &w, (enum page_dir)dir, keys[k], want, max);
						int got = audit_page(db, &w, (enum page_dir)dir, keys[k], rows, max, &e);
						CU_ASSERT_EQUAL(got, old);
						for (int i = 0; i < got && i < old; i++)
							CU_ASSERT_EQUAL(rows[i].seq, want[i]);
						if (got > 0)
							audit_rows_done(rows, got);
						compared++;
						nonempty += old > 0;
					}
	CU_ASSERT_TRUE(compared > 1000);
	CU_ASSERT_TRUE(nonempty > compared / 5);
	/* Walking a whole filtered list page by page gives the old list. */
	struct audit_where w = { "clerk1", "", "2026-10-05T00:00:00Z", "2026-10-12T00:00:00Z" };
	long long key = 0;
	int total = 0;
	for (;;) {
		int got = audit_page(db, &w, key ? PAGE_AFTER : PAGE_FIRST, key, rows, 7, &e);
		int old = audit_page_old(db, &w, key ? PAGE_AFTER : PAGE_FIRST, key, want, 7);
		CU_ASSERT_EQUAL_FATAL(got, old);
		for (int i = 0; i < got; i++)
			CU_ASSERT_EQUAL(rows[i].seq, want[i]);
		total += got;
		if (got > 0)
			audit_rows_done(rows, got);
		if (got < 7)
			break;
		key = rows[got - 1].seq;
	}
	CU_ASSERT_TRUE(total > 20);
	db_close(db);
}

/* Each filter is read through an index, not by reading the log. */
static void test_audit_filters_plans(void)
{
	struct db *db = mem();
	CU_ASSERT_EQUAL(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN"
				    " ('audit_entity_seq', 'audit_actor_name')"), 2);
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
		   { "transaction rollback", test_tx_rollback },
		   { "audit filters: same rows as one statement for all", test_audit_filters_same_rows },
		   { "audit filters: their indexes exist", test_audit_filters_plans });
}
