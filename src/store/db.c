#include "store/db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"
#include "util/log.h"

/* 'CDK1': marks a file as a certdesk database. */
#define CERTDESK_APP_ID 0x43444B31

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	struct stmt_slot *slots;
	size_t nslots;   /* power of two */
	size_t used;
	bool in_tx;
};

int db_schema_version(void)
{
	return migrations_count ? migrations[migrations_count - 1].version : 0;
}

sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

enum status db_fail(struct db *db, int rc, struct err *e)
{
	const char *detail = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
	log_error("sqlite: %s (%d)", detail, rc);
	switch (rc & 0xFF) {
	case SQLITE_FULL:
		return err_set(e, ST_FULL, "磁盘空间不足，数据未保存。请清理磁盘后重试。");
	case SQLITE_IOERR:
		if (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC)
			return err_set(e, ST_IO, "写入数据库失败（磁盘错误），数据未保存。");
		return err_set(e, ST_IO, "读写数据库失败，数据未保存。");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(e, ST_DB, "数据库正被其他程序使用，请稍后重试。");
	case SQLITE_READONLY:
		return err_set(e, ST_IO, "数据库文件只读，无法保存。");
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return err_set(e, ST_DB, "数据库文件已损坏或不是 certdesk 数据库。");
	case SQLITE_CONSTRAINT:
		return err_set(e, ST_EXISTS, "记录与已有数据冲突（%s）。", detail);
	case SQLITE_NOMEM:
		return err_status(e, ST_NOMEM);
	default:
		return err_set(e, ST_DB, "数据库错误：%s", detail);
	}
}

static size_t slot_of(const char *sql, size_t n)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & (n - 1);
}

static bool cache_grow(struct db *db)
{
	size_t n = db->nslots ? db->nslots * 2 : 256;
	struct stmt_slot *s = calloc(n, sizeof *s);
	if (!s)
		return false;
	for (size_t i = 0; i < db->nslots; i++) {
		if (!db->slots[i].sql)
			continue;
		size_t j = slot_of(db->slots[i].sql, n);
		while (s[j].sql)
			j = (j + 1) & (n - 1);
		s[j] = db->slots[i];
	}
	free(db->slots);
	db->slots = s;
	db->nslots = n;
	return true;
}

sqlite3_stmt *db_prep(struct db *db, const char *sql, struct err *e)
{
	if (db->used * 2 >= db->nslots && !cache_grow(db)) {
		err_status(e, ST_NOMEM);
		return NULL;
	}
	size_t i = slot_of(sql, db->nslots);
	while (db->slots[i].sql && db->slots[i].sql != sql)
		i = (i + 1) & (db->nslots - 1);
	if (db->slots[i].sql) {
		sqlite3_stmt *st = db->slots[i].st;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		log_error("prepare failed: %s in: %.80s", sqlite3_errmsg(db->h), sql);
		db_fail(db, rc, e);
		return NULL;
	}
	db->slots[i].sql = sql;
	db->slots[i].st = st;
	db->used++;
	return st;
}

enum status db_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("exec failed: %s", msg ? msg : "");
		sqlite3_free(msg);
		return db_fail(db, rc, e);
	}
	return ST_OK;
}

enum status db_begin(struct db *db, struct err *e)
{
	if (db->in_tx)
		return err_set(e, ST_INTERNAL, "程序内部错误：事务嵌套");
	enum status st = db_exec(db, "BEGIN IMMEDIATE", e);
	if (st == ST_OK)
		db->in_tx = true;
	return st;
}

enum status db_begin_read(struct db *db, struct err *e)
{
	if (db->in_tx)
		return err_set(e, ST_INTERNAL, "程序内部错误：事务嵌套");
	enum status st = db_exec(db, "BEGIN DEFERRED", e);
	if (st == ST_OK)
		db->in_tx = true;
	return st;
}

enum status db_commit(struct db *db, struct err *e)
{
	enum status st = db_exec(db, "COMMIT", e);
	if (st != ST_OK) {
		db_rollback(db);
		return st;
	}
	db->in_tx = false;
	return ST_OK;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = false;
}

bool db_in_tx(struct db *db)
{
	return db->in_tx;
}

static int pragma_int(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static enum status migrate(struct db *db, int from, struct err *e)
{
	for (size_t i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		if (m->version <= from)
			continue;
		char set[96];
		snprintf(set, sizeof set, "PRAGMA user_version = %d; PRAGMA application_id = %d;",
			 m->version, CERTDESK_APP_ID);
		enum status st = db_begin(db, e);
		if (st == ST_OK)
			st = db_exec(db, m->sql, e);
		if (st == ST_OK)
			st = db_exec(db, set, e);
		if (st == ST_OK)
			st = db_commit(db, e);
		if (st != ST_OK) {
			db_rollback(db);
			log_error("migration %s failed", m->name);
			return err_set(e, st, "数据库升级到第 %d 版失败：%s", m->version, err_text(e));
		}
		log_info("applied migration %s", m->name);
	}
	return ST_OK;
}

enum status db_open(const char *path, struct db **out, struct err *e)
{
	struct db *db = calloc(1, sizeof *db);
	if (!db)
		return err_status(e, ST_NOMEM);
	int rc = sqlite3_open_v2(path, &db->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		enum status st = err_set(e, ST_IO, "无法打开数据库 %s：%s", path,
					 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		db_close(db);
		return st;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 5000);

	/* Look before touching: a newer or foreign file is left as it is. */
	int version = pragma_int(db, "PRAGMA user_version");
	int app = pragma_int(db, "PRAGMA application_id");
	int tables = pragma_int(db, "SELECT count(*) FROM sqlite_master");
	if (version < 0 || app < 0 || tables < 0) {
		db_close(db);
		return err_set(e, ST_SCHEMA, "%s 不是 certdesk 数据库，或文件已损坏。", path);
	}
	if ((tables > 0 || version > 0) && app != CERTDESK_APP_ID) {
		db_close(db);
		return err_set(e, ST_SCHEMA, "%s 不是 certdesk 数据库，未作任何修改。", path);
	}
	if (version > db_schema_version()) {
		db_close(db);
		return err_set(e, ST_SCHEMA,
			       "数据库（第 %d 版）由更新版本的 certdesk 创建，本程序只支持到第 %d 版。"
			       "请升级 certdesk；数据库未作任何修改。",
			       version, db_schema_version());
	}

	enum status st = db_exec(db,
				 "PRAGMA journal_mode = WAL;"
				 "PRAGMA synchronous = FULL;"
				 "PRAGMA foreign_keys = ON;"
				 "PRAGMA temp_store = MEMORY;",
				 e);
	if (st == ST_OK)
		st = migrate(db, version, e);
	/* For tests only (tests/integration/sync_faults_disk.sh): a file that
	 * may not grow past N pages fails like a full disk, with SQLITE_FULL. */
	const char *max_pages = getenv("CERTDESK_TEST_MAX_PAGES");
	if (st == ST_OK && max_pages && *max_pages) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %ld", strtol(max_pages, NULL, 10));
		st = db_exec(db, sql, e);
	}
	if (st != ST_OK) {
		db_close(db);
		return st;
	}
	*out = db;
	return ST_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->nslots; i++)
		if (db->slots[i].st)
			sqlite3_finalize(db->slots[i].st);
	free(db->slots);
	if (db->h)
		sqlite3_close(db->h);
	free(db);
}

int db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

int db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

void db_col_copy(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
	const char *t = db_col_text(st, i);
	size_t n = strlen(t);
	if (n >= outsz) {
		n = outsz - 1;
		while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
			n--; /* never cut a UTF-8 character */
	}
	memcpy(out, t, n);
	out[n] = '\0';
}

const char *db_busy_statement(struct db *db)
{
	for (sqlite3_stmt *s = sqlite3_next_stmt(db->h, NULL); s; s = sqlite3_next_stmt(db->h, s))
		if (sqlite3_stmt_busy(s))
			return sqlite3_sql(s);
	return NULL;
}

void page_order(enum page_dir dir, void *rows, size_t size, int n)
{
	if (!page_backward(dir) || n < 2)
		return;
	unsigned char *a = rows, *b = a + size * (size_t)(n - 1);
	while (a < b) {
		for (size_t i = 0; i < size; i++) {
			unsigned char t = a[i];
			a[i] = b[i];
			b[i] = t;
		}
		a += size;
		b -= size;
	}
}

long long db_total_changes(struct db *db)
{
	return sqlite3_total_changes64(db->h);
}
