#include "store/attach_repo.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/fs.h"

void blob_path(const char *data_dir, const char *sha256, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/blobs/%.2s/%.2s/%s", data_dir, sha256, sha256 + 2, sha256);
}

enum status blob_write(const char *data_dir, const void *data, size_t len,
		       char sha256[SHA256_HEX], struct err *e)
{
	unsigned char md[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(md, data, len);
	sodium_bin2hex(sha256, SHA256_HEX, md, sizeof md);
	char dir[PATH_MAX], path[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/blobs/%.2s/%.2s", data_dir, sha256, sha256 + 2);
	blob_path(data_dir, sha256, path, sizeof path);
	if (fs_exists(path))
		return ST_OK; /* content-addressed: the same bytes are already there */
	enum status st = fs_mkdir_p(dir, e);
	if (st != ST_OK)
		return st;
	return fs_write_atomic(path, data, len, e);
}

static enum status done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

enum status blob_repo_add(struct db *db, const char *sha256, long long size, const char *mime,
			  struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at)"
				      " VALUES (?1, ?2, ?3, ?4)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, sha256);
	sqlite3_bind_int64(s, 2, size);
	db_bind_text(s, 3, mime);
	db_bind_text(s, 4, now);
	return done(db, s, e);
}

#define ATT_COLS "id, owner_type, owner_id, doc_type, sha256, name, mime, size, created_at, version"

static void att_row(sqlite3_stmt *s, struct attachment *a)
{
	memset(a, 0, sizeof *a);
	db_col_copy(s, 0, a->id, sizeof a->id);
	db_col_copy(s, 1, a->owner_type, sizeof a->owner_type);
	db_col_copy(s, 2, a->owner_id, sizeof a->owner_id);
	db_col_copy(s, 3, a->doc_type, sizeof a->doc_type);
	db_col_copy(s, 4, a->sha256, sizeof a->sha256);
	db_col_copy(s, 5, a->name, sizeof a->name);
	db_col_copy(s, 6, a->mime, sizeof a->mime);
	a->size = sqlite3_column_int64(s, 7);
	db_col_copy(s, 8, a->created_at, sizeof a->created_at);
	a->version = (long)sqlite3_column_int64(s, 9);
}

enum status attach_repo_insert(struct db *db, const struct attachment *a, const char *created_by,
			       struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO attachments (id, owner_type, owner_id, doc_type, sha256, name, mime, size,"
		" created_by, created_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->id);
	db_bind_text(s, 2, a->owner_type);
	db_bind_text(s, 3, a->owner_id);
	db_bind_text(s, 4, a->doc_type);
	db_bind_text(s, 5, a->sha256);
	db_bind_text(s, 6, a->name);
	db_bind_text(s, 7, a->mime);
	sqlite3_bind_int64(s, 8, a->size);
	db_bind_text(s, 9, created_by);
	db_bind_text(s, 10, now);
	sqlite3_bind_int64(s, 11, a->version);
	return done(db, s, e);
}

enum status attach_repo_delete(struct db *db, const char *id, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "DELETE FROM attachments WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	enum status st = done(db, s, e);
	if (st == ST_OK && sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这个附件");
	return st;
}

enum status attach_repo_get(struct db *db, const char *id, struct attachment *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ATT_COLS " FROM attachments WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		att_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这个附件") : db_fail(db, rc, e);
}

int attach_repo_of(struct db *db, const char *owner_type, const char *owner_id,
		   struct attachment *out, int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ATT_COLS " FROM attachments WHERE owner_type = ?1"
				      " AND owner_id = ?2 ORDER BY id LIMIT ?3", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, owner_type);
	db_bind_text(s, 2, owner_id);
	sqlite3_bind_int(s, 3, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		att_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

int attach_repo_count_type(struct db *db, const char *owner_type, const char *owner_id,
			   const char *doc_type)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM attachments WHERE owner_type = ?1"
				      " AND owner_id = ?2 AND doc_type = ?3", &e);
	if (!s)
		return 0;
	db_bind_text(s, 1, owner_type);
	db_bind_text(s, 2, owner_id);
	db_bind_text(s, 3, doc_type);
	int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_reset(s);
	return n;
}
