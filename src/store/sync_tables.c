#include "store/sync_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define OFFICE_OF_APP(col) "(SELECT office_id FROM applications WHERE id = NEW." col ")"
#define OFFICE_OF_ORDER(col) "(SELECT office_id FROM orders WHERE id = NEW." col ")"

const struct sync_table sync_tables[] = {
	{ "offices", { "id" }, NULL, true },
	{ "terminals", { "id" }, "NEW.office_id", true },
	{ "staff", { "id" }, "NEW.office_id", true },
	{ "price_list", { "id" }, NULL, true },
	{ "applicants", { "id" }, NULL, true },
	{ "enterprises", { "id" }, NULL, true },
	{ "applicant_enterprises", { "applicant_id", "enterprise_id" }, NULL, false },
	{ "applications", { "id" }, "NEW.office_id", true },
	{ "application_paper_docs", { "application_id", "doc_type" }, OFFICE_OF_APP("application_id"), false },
	{ "blobs", { "sha256" }, NULL, false },
	{ "attachments", { "id" },
	  "CASE NEW.owner_type WHEN 'application' THEN " OFFICE_OF_APP("owner_id")
	  " ELSE " OFFICE_OF_ORDER("owner_id") " END", true },
	{ "orders", { "id" }, "NEW.office_id", true },
	{ "order_lines", { "order_id", "application_id" }, OFFICE_OF_ORDER("order_id"), false },
	{ "payments", { "id" }, "NEW.office_id", true },
	{ "payment_orders", { "payment_id", "order_id" },
	  "(SELECT office_id FROM payments WHERE id = NEW.payment_id)", false },
	/* Certificates follow their applicant, who is known everywhere. */
	{ "certificates", { "id" }, NULL, true },
	/* Who was contacted about an expiring certificate: shared like it. */
	{ "certificate_contacts", { "id" }, NULL, true },
	/* The KEY stock of each office (svc/stock.h): documents, their lines, KEYs. */
	{ "key_moves", { "id" }, "NEW.office_id", true },
	{ "key_move_items", { "move_id", "serial" },
	  "(SELECT office_id FROM key_moves WHERE id = NEW.move_id)", false },
	{ "key_stock", { "serial" }, "NEW.office_id", true },
};
const int sync_tables_count = (int)(sizeof sync_tables / sizeof sync_tables[0]);

const struct sync_table *sync_table_find(const char *name)
{
	for (int i = 0; name && i < sync_tables_count; i++)
		if (strcmp(sync_tables[i].name, name) == 0)
			return &sync_tables[i];
	return NULL;
}

json_t *sync_key_of_row(const struct sync_table *t, json_t *row)
{
	json_t *k = json_object();
	for (int i = 0; i < 3 && t->key[i]; i++) {
		json_t *v = json_object_get(row, t->key[i]);
		json_object_set(k, t->key[i], v ? v : json_null());
	}
	return k;
}

/* "a = ?1 AND b = ?2" over the key columns. */
static void key_where(struct buf *b, const struct sync_table *t)
{
	for (int i = 0; i < 3 && t->key[i]; i++)
		buf_printf(b, "%s\"%s\" = ?%d", i ? " AND " : "", t->key[i], i + 1);
}

static bool bind_key(sqlite3_stmt *s, const struct sync_table *t, json_t *key)
{
	for (int i = 0; i < 3 && t->key[i]; i++) {
		const char *v = json_string_value(json_object_get(key, t->key[i]));
		if (!v)
			return false;
		db_bind_text(s, i + 1, v);
	}
	return true;
}

static json_t *column_json(sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, i));
	case SQLITE_NULL:
		return json_null();
	default:
		return json_stringn((const char *)sqlite3_column_text(s, i),
				    (size_t)sqlite3_column_bytes(s, i));
	}
}

/* "VERB FROM t WHERE key..." prepared with the key bound (verb: "SELECT *"
 * or "DELETE"); the caller finalizes *out. */
static enum status keyed_stmt(struct db *db, const char *verb, const struct sync_table *t,
			      json_t *key, sqlite3_stmt **out, struct err *e)
{
	struct buf b;
	buf_init(&b, 1024);
	buf_printf(&b, "%s FROM \"%s\" WHERE ", verb, t->name);
	key_where(&b, t);
	int rc = sqlite3_prepare_v2(db_handle(db), buf_str(&b), -1, out, NULL);
	buf_done(&b);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, e);
	if (!bind_key(*out, t, key)) {
		sqlite3_finalize(*out);
		*out = NULL;
		return err_set(e, ST_INVALID, "记录键无效");
	}
	return ST_OK;
}

enum status sync_row_get(struct db *db, const struct sync_table *t, json_t *key, json_t **out,
			 struct err *e)
{
	sqlite3_stmt *s;
	enum status st = keyed_stmt(db, "SELECT *", t, key, &s, e);
	if (st != ST_OK)
		return st;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		json_t *row = json_object();
		for (int i = 0; i < sqlite3_column_count(s); i++)
			json_object_set_new(row, sqlite3_column_name(s, i), column_json(s, i));
		*out = row;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "记录不存在") : db_fail(db, rc, e);
}

/* The local table's columns (names owned by the caller: free each and the array). */
static int table_columns(struct db *db, const char *table, char ***out)
{
	char sql[128];
	snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", table);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	int n = 0, cap = 64;
	char **cols = calloc((size_t)cap, sizeof *cols);
	while (cols && sqlite3_step(s) == SQLITE_ROW && n < cap)
		cols[n++] = strdup((const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	*out = cols;
	return cols ? n : -1;
}

static void free_columns(char **cols, int n)
{
	for (int i = 0; i < n; i++)
		free(cols[i]);
	free(cols);
}

enum status sync_row_put(struct db *db, const struct sync_table *t, json_t *row, struct err *e)
{
	char **cols;
	int n = table_columns(db, t->name, &cols);
	if (n <= 0)
		return err_set(e, ST_DB, "本机数据库缺少表 %s", t->name);
	/* Only the columns both the JSON and the local table have. */
	const char *use[64];
	int k = 0;
	for (int i = 0; i < n; i++)
		if (json_object_get(row, cols[i]))
			use[k++] = cols[i];
	struct buf b;
	buf_init(&b, 8192);
	/* An upsert, not REPLACE: a parent row is updated in place, so its
	 * children's foreign keys never see it gone. */
	buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
	for (int i = 0; i < k; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", use[i]);
	buf_adds(&b, ") VALUES (");
	for (int i = 0; i < k; i++)
		buf_printf(&b, "%s?%d", i ? ", " : "", i + 1);
	buf_adds(&b, ") ON CONFLICT (");
	for (int i = 0; i < 3 && t->key[i]; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->key[i]);
	buf_adds(&b, ") DO ");
	int set = 0;
	for (int i = 0; i < k; i++) {
		bool is_key = false;
		for (int j = 0; j < 3 && t->key[j]; j++)
			is_key |= strcmp(use[i], t->key[j]) == 0;
		if (!is_key)
			buf_printf(&b, "%s\"%s\" = excluded.\"%s\"", set++ ? ", " : "UPDATE SET ", use[i],
				   use[i]);
	}
	if (!set)
		buf_adds(&b, "NOTHING");
	sqlite3_stmt *s;
	int rc = k ? sqlite3_prepare_v2(db_handle(db), buf_str(&b), -1, &s, NULL) : SQLITE_MISUSE;
	buf_done(&b);
	if (rc != SQLITE_OK) {
		free_columns(cols, n);
		return k ? db_fail(db, rc, e) : err_set(e, ST_INVALID, "同步记录为空");
	}
	for (int i = 0; i < k; i++) {
		json_t *v = json_object_get(row, use[i]);
		if (json_is_integer(v))
			sqlite3_bind_int64(s, i + 1, json_integer_value(v));
		else if (json_is_real(v))
			sqlite3_bind_double(s, i + 1, json_real_value(v));
		else if (json_is_string(v))
			sqlite3_bind_text(s, i + 1, json_string_value(v), (int)json_string_length(v),
					  SQLITE_TRANSIENT);
		else if (json_is_boolean(v))
			sqlite3_bind_int(s, i + 1, json_is_true(v));
		else
			sqlite3_bind_null(s, i + 1);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	free_columns(cols, n);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

enum status sync_row_delete(struct db *db, const struct sync_table *t, json_t *key, struct err *e)
{
	sqlite3_stmt *s;
	enum status st = keyed_stmt(db, "DELETE", t, key, &s, e);
	if (st != ST_OK)
		return st;
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

/* json_object('a', NEW.a, ...) over the key columns (NEW or OLD). */
static void key_expr(struct buf *b, const struct sync_table *t, const char *which)
{
	buf_adds(b, "json_object(");
	for (int i = 0; i < 3 && t->key[i]; i++)
		buf_printf(b, "%s'%s', %s.\"%s\"", i ? ", " : "", t->key[i], which, t->key[i]);
	buf_adds(b, ")");
}

static void office_expr(struct buf *b, const struct sync_table *t, const char *which)
{
	if (!t->office) {
		buf_adds(b, "NULL");
		return;
	}
	/* The expressions are written over NEW; a delete reads OLD. */
	const char *p = t->office;
	while (*p) {
		const char *hit = strstr(p, "NEW.");
		if (!hit) {
			buf_adds(b, p);
			break;
		}
		buf_add(b, p, (size_t)(hit - p));
		buf_printf(b, "%s.", which);
		p = hit + 4;
	}
}

enum status sync_triggers_create(struct db *db, struct err *e)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < sync_tables_count; i++) {
		const struct sync_table *t = &sync_tables[i];
		static const char *const events[] = { "INSERT", "UPDATE", "DELETE" };
		for (int ev = 0; ev < 3; ev++) {
			const char *which = ev == 2 ? "OLD" : "NEW";
			buf_printf(&b, "CREATE TRIGGER IF NOT EXISTS \"sync_%s_%s\" AFTER %s ON \"%s\"",
				   t->name, events[ev], events[ev], t->name);
			if (ev == 1 && t->versioned)
				buf_adds(&b, " WHEN NEW.version IS OLD.version");
			buf_adds(&b, " BEGIN DELETE FROM changes WHERE tbl = ");
			buf_printf(&b, "'%s' AND key = ", t->name);
			key_expr(&b, t, which);
			buf_printf(&b, "; INSERT INTO changes (tbl, key, office_id, deleted) VALUES ('%s', ",
				   t->name);
			key_expr(&b, t, which);
			buf_adds(&b, ", ");
			office_expr(&b, t, which);
			buf_printf(&b, ", %d);", ev == 2);
			if (ev != 2 && t->versioned) {
				buf_printf(&b, " UPDATE \"%s\" SET version = last_insert_rowid() WHERE ",
					   t->name);
				for (int k = 0; k < 3 && t->key[k]; k++)
					buf_printf(&b, "%s\"%s\" = NEW.\"%s\"", k ? " AND " : "", t->key[k],
						   t->key[k]);
				buf_adds(&b, ";");
			}
			buf_adds(&b, " END;\n");
		}
	}
	enum status st = b.data ? db_exec(db, buf_str(&b), e) : err_status(e, ST_NOMEM);
	buf_done(&b);
	return st;
}
