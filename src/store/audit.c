#include "store/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/settings.h"
#include "util/clock.h"
#include "util/uuid.h"

#define HASH_HEX AUDIT_HASH_HEX
_Static_assert(AUDIT_HASH_HEX == crypto_hash_sha256_BYTES * 2 + 1, "hash size");
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Fields are length-prefixed so that no choice of values can make two
 * different entries hash alike. */
static void feed(crypto_hash_sha256_state *h, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof len, "%zu:", s ? n : (size_t)-1);
	crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
	if (n)
		crypto_hash_sha256_update(h, (const unsigned char *)s, n);
}

struct entry {
	long long seq;
	const char *f[11]; /* id at actor_id actor_name office_id terminal_id action entity entity_id before after */
	const char *prev;
};

static void entry_hash(const struct entry *en, char out[HASH_HEX])
{
	crypto_hash_sha256_state h;
	unsigned char md[crypto_hash_sha256_BYTES];
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", en->seq);
	crypto_hash_sha256_init(&h);
	feed(&h, en->prev);
	feed(&h, seq);
	for (int i = 0; i < 11; i++)
		feed(&h, en->f[i]);
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(out, HASH_HEX, md, sizeof md);
}

/* The connection in batch mode on this thread (audit_batch_begin), or NULL.
 * A struct db belongs to one thread at a time, so a thread-local is enough. */
static _Thread_local struct db *batch_db;

/* The last entry actually in the log (inside the current transaction, so a
 * savepoint rolled back takes its entries with it): seq 0 and the genesis
 * hash when the log is empty. */
static enum status log_tail(struct db *db, long long *seq, char prev[HASH_HEX], struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", e);
	if (!s)
		return e->st;
	int rc = sqlite3_step(s);
	*seq = 0;
	memcpy(prev, GENESIS, HASH_HEX);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(s, 0);
		db_col_copy(s, 1, prev, HASH_HEX);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

/* The head as settings keep it. */
static enum status settings_head(struct db *db, long long *seq, char prev[HASH_HEX],
				 struct err *e)
{
	char head[HASH_HEX + 32] = "";
	*seq = 0;
	memcpy(prev, GENESIS, HASH_HEX);
	enum status st = settings_get(db, "audit_head", head, sizeof head, e);
	if (st == ST_NOT_FOUND)
		return ST_OK;
	if (st != ST_OK)
		return st;
	char *colon = strchr(head, ':');
	if (!colon || strlen(colon + 1) != HASH_HEX - 1)
		return err_set(e, ST_DB, "审计日志头记录已损坏，请运行 certdesk audit verify");
	*seq = atoll(head);
	memcpy(prev, colon + 1, HASH_HEX);
	return ST_OK;
}

enum status audit_bulk_begin(struct db *db, struct audit_bulk *b, struct err *e)
{
	b->db = db;
	/* In batch mode the settings head is written at the batch's end only:
	 * the log's last entry is the head. */
	if (batch_db == db)
		return log_tail(db, &b->seq, b->prev, e);
	return settings_head(db, &b->seq, b->prev, e);
}

enum status audit_bulk_add(struct audit_bulk *b, const struct actor *a, const struct audit_rec *r,
			   const char *id, const char *at, struct err *e)
{
	char new_id[UUID_LEN + 1], now[21], hash[HASH_HEX];
	if (!id) {
		uuid_v7(new_id);
		id = new_id;
	}
	if (!at) {
		clock_iso(clock_now(), now);
		at = now;
	}
	struct entry en = {
		.seq = b->seq + 1,
		.f = { id, at, a->id, a->username, a->office_id, a->terminal_id, r->action,
		       r->entity, r->entity_id, r->before, r->after },
		.prev = b->prev,
	};
	entry_hash(&en, hash);

	sqlite3_stmt *s = db_prep(b->db,
		"INSERT INTO audit_log (seq, id, at, actor_id, actor_name, office_id, terminal_id,"
		" action, entity, entity_id, before, after, prev_hash, hash)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", e);
	if (!s)
		return e->st;
	sqlite3_bind_int64(s, 1, en.seq);
	for (int i = 0; i < 9; i++)
		db_bind_text(s, i + 2, en.f[i]);
	sqlite3_bind_text(s, 11, r->before, -1, SQLITE_TRANSIENT); /* NULL stays NULL */
	sqlite3_bind_text(s, 12, r->after, -1, SQLITE_TRANSIENT);
	db_bind_text(s, 13, b->prev);
	db_bind_text(s, 14, hash);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return db_fail(b->db, rc, e);
	b->seq = en.seq;
	memcpy(b->prev, hash, HASH_HEX);
	return ST_OK;
}

enum status audit_bulk_flush(struct audit_bulk *b, struct err *e)
{
	char head[HASH_HEX + 32];
	snprintf(head, sizeof head, "%lld:%s", b->seq, b->prev);
	return settings_set(b->db, "audit_head", head, e);
}

enum status audit_append(struct db *db, const struct actor *a, const struct audit_rec *r,
			 struct err *e)
{
	struct audit_bulk b;
	enum status st = audit_bulk_begin(db, &b, e);
	if (st == ST_OK)
		st = audit_bulk_add(&b, a, r, NULL, NULL, e);
	if (st == ST_OK && batch_db != db)
		st = audit_bulk_flush(&b, e);
	return st;
}

enum status audit_batch_begin(struct db *db, struct err *e)
{
	if (batch_db)
		return err_set(e, ST_INTERNAL, "程序内部错误：审计批量模式嵌套");
	long long hseq, tseq;
	char hprev[HASH_HEX], tprev[HASH_HEX];
	enum status st = settings_head(db, &hseq, hprev, e);
	if (st == ST_OK)
		st = log_tail(db, &tseq, tprev, e);
	if (st != ST_OK)
		return st;
	/* Only when head and log agree is the log's tail the head from here
	 * on; a log that disagrees (damaged, tampered with) is appended to
	 * entry by entry as before, so that verify reports it as before. */
	if (hseq == tseq && strcmp(hprev, tprev) == 0)
		batch_db = db;
	return ST_OK;
}

enum status audit_batch_end(struct db *db, bool keep, struct err *e)
{
	if (batch_db != db)
		return ST_OK;
	batch_db = NULL;
	if (!keep)
		return ST_OK;
	struct audit_bulk b = { .db = db };
	enum status st = log_tail(db, &b.seq, b.prev, e);
	if (st == ST_OK && b.seq > 0)
		st = audit_bulk_flush(&b, e);
	return st;
}

static void broken(struct audit_check *out, long long seq, const char *why)
{
	out->bad_seq = (long)seq;
	snprintf(out->reason, sizeof out->reason, "%s", why);
}

enum status audit_verify(struct db *db, struct audit_check *out,
			 void (*progress)(long done, void *ctx), void *ctx, struct err *e)
{
	memset(out, 0, sizeof *out);
	char prev[HASH_HEX] = GENESIS, hash[HASH_HEX];
	long long expect = 1;
	/* A private statement: a long walk must not hold a cached one. */
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db_handle(db),
		"SELECT seq, id, at, actor_id, actor_name, office_id, terminal_id, action, entity,"
		" entity_id, before, after, prev_hash, hash FROM audit_log ORDER BY seq", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, e);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct entry en;
		en.seq = sqlite3_column_int64(s, 0);
		for (int i = 0; i < 11; i++)
			en.f[i] = (const char *)sqlite3_column_text(s, i + 1);
		en.prev = prev;
		const char *stored_prev = db_col_text(s, 12);
		const char *stored = db_col_text(s, 13);
		if (en.seq != expect) {
			char why[160];
			snprintf(why, sizeof why, "第 %lld 条之前缺少 %lld 条记录（被删除）", en.seq,
				 en.seq - expect);
			broken(out, en.seq, why);
			break;
		}
		if (strcmp(stored_prev, prev) != 0) {
			broken(out, en.seq, "与前一条记录的链接不符（前一条被修改或删除）");
			break;
		}
		entry_hash(&en, hash);
		if (strcmp(hash, stored) != 0) {
			broken(out, en.seq, "记录内容与其哈希不符（记录被修改）");
			break;
		}
		memcpy(prev, stored, HASH_HEX);
		out->entries++;
		expect++;
		if (progress && out->entries % 65536 == 0)
			progress(out->entries, ctx);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	if (out->bad_seq)
		return ST_OK;

	char head[HASH_HEX + 32];
	enum status st = settings_get(db, "audit_head", head, sizeof head, e);
	if (st == ST_NOT_FOUND) {
		if (out->entries)
			broken(out, out->entries, "审计日志头记录缺失");
		return ST_OK;
	}
	if (st != ST_OK)
		return st;
	char *colon = strchr(head, ':');
	long long head_seq = atoll(head);
	if (!colon || head_seq != expect - 1 || strcmp(colon + 1, prev) != 0) {
		char why[160];
		if (head_seq > expect - 1)
			snprintf(why, sizeof why, "日志末尾缺少 %lld 条记录（被删除）",
				 head_seq - (expect - 1));
		else
			snprintf(why, sizeof why, "最后一条记录与日志头不符");
		broken(out, head_seq > expect - 1 ? expect : expect - 1, why);
	}
	return ST_OK;
}
