/* Terminals' credentials: enrolment and the bearer secret on every request. */
#include "server/auth.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "server/centre.h"
#include "store/sync_tables.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"

/* last_seen_at is rewritten at most this often per terminal. */
#define SEEN_EVERY_S 60

void auth_hash(const char *text, char out[AUTH_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
	sodium_bin2hex(out, AUTH_HASH_HEX, h, sizeof h);
}

void auth_new_code(char code[ENROLL_SYMBOLS + 1])
{
	unsigned char r[10];
	randombytes_buf(r, sizeof r);
	enroll_code_from_bytes(r, code);
	sodium_memzero(r, sizeof r);
}

enum status auth_touch(struct db *db, const char *terminal_id, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "UPDATE sync_terminals SET last_seen_at = ?2"
				      " WHERE terminal_id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, terminal_id);
	db_bind_text(s, 2, now);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

static bool seen_lately(const char *last_seen)
{
	time_t t;
	return last_seen[0] && clock_parse_iso(last_seen, &t) && clock_now() - t < SEEN_EVERY_S &&
	       clock_now() >= t;
}

static bool refuse(struct route_response *rs, const char *code, const char *message)
{
	route_error(rs, MHD_HTTP_UNAUTHORIZED, code, message);
	return false;
}

bool auth_check(struct route_request *rq, struct sync_peer *peer, struct route_response *rs)
{
	const char *h = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Authorization");
	char id[UUID_LEN + 1], secret[SECRET_HEX], hash[AUTH_HASH_HEX];
	if (!h)
		return refuse(rs, "auth_missing",
			      "缺少终端凭据（Authorization: Bearer 终端编号.密钥）：请先登记本终端");
	if (!parse_bearer(h, id, secret))
		return refuse(rs, "auth_malformed", "终端凭据格式无效（应为 Bearer 终端编号.64 位十六进制密钥）");
	auth_hash(secret, hash);
	sodium_memzero(secret, sizeof secret);
	struct err e;
	err_clear(&e);
	struct db *db = request_db(rq, &e);
	sqlite3_stmt *s = db ? db_prep(db,
		"SELECT st.secret_hash, st.revoked_at, st.all_offices, t.office_id,"
		" coalesce(st.last_seen_at, '') FROM sync_terminals st"
		" JOIN terminals t ON t.id = st.terminal_id WHERE st.terminal_id = ?1", &e) : NULL;
	if (!s) {
		route_fail(rs, &e);
		return false;
	}
	db_bind_text(s, 1, id);
	int rc = sqlite3_step(s);
	char stored[AUTH_HASH_HEX] = "", last_seen[24] = "";
	bool revoked = false;
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, stored, sizeof stored);
		revoked = sqlite3_column_type(s, 1) != SQLITE_NULL;
		memset(peer, 0, sizeof *peer);
		memcpy(peer->terminal_id, id, sizeof peer->terminal_id);
		db_col_copy(s, 3, peer->office_id, sizeof peer->office_id);
		peer->all_offices = sqlite3_column_int(s, 2) != 0;
		db_col_copy(s, 4, last_seen, sizeof last_seen);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, &e);
		route_fail(rs, &e);
		return false;
	}
	/* Compared as hashes of equal length, in constant time. */
	if (rc != SQLITE_ROW || strlen(stored) != AUTH_HASH_HEX - 1 ||
	    sodium_memcmp(stored, hash, AUTH_HASH_HEX - 1) != 0)
		return refuse(rs, "auth", "终端凭据无效：本终端未登记到这个中心，或密钥不对");
	/* Said only to the holder of the right secret. */
	if (revoked)
		return refuse(rs, "revoked", "本终端已被中心撤销，不能再同步；请联系中心管理员");
	if (!seen_lately(last_seen) && centre_write_trylock()) {
		/* Housekeeping: never wait for a push to note a visit. */
		struct err te;
		if (auth_touch(db, id, &te) != ST_OK)
			log_warn("terminal %s: last seen not recorded: %s", id, err_text(&te));
		centre_write_unlock();
	}
	return true;
}

/* ---- POST /v1/enroll ---------------------------------------------------------- */

/* The row of table `name` with this id, as the terminal will store it. */
static json_t *row_of(struct db *db, const char *name, const char *id, struct err *e)
{
	json_t *key = json_pack("{s:s}", "id", id), *row = NULL;
	if (sync_row_get(db, sync_table_find(name), key, &row, e) != ST_OK)
		row = NULL;
	json_decref(key);
	return row;
}

/*
 * Inside the write transaction: find the code, check it, give the terminal
 * its secret. Fills rs on refusal (and returns false) or *answer.
 */
static bool enroll_tx(struct db *db, const char *code_hash, const char *office_code,
		      const char *secret, json_t **answer, struct route_response *rs, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT st.terminal_id, t.office_id, st.all_offices, coalesce(st.enroll_expires_at, ''),"
		" st.enrolled_at IS NOT NULL, st.revoked_at IS NOT NULL, o.code FROM sync_terminals st"
		" JOIN terminals t ON t.id = st.terminal_id JOIN offices o ON o.id = t.office_id"
		" WHERE st.enroll_hash = ?1", e);
	if (!s)
		return route_fail(rs, e), false;
	db_bind_text(s, 1, code_hash);
	int rc = sqlite3_step(s);
	char tid[UUID_LEN + 1] = "", oid[UUID_LEN + 1] = "", expires[24] = "", ocode[32] = "";
	bool all = false, used = false, revoked = false;
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, tid, sizeof tid);
		db_col_copy(s, 1, oid, sizeof oid);
		all = sqlite3_column_int(s, 2) != 0;
		db_col_copy(s, 3, expires, sizeof expires);
		used = sqlite3_column_int(s, 4) != 0;
		revoked = sqlite3_column_int(s, 5) != 0;
		db_col_copy(s, 6, ocode, sizeof ocode);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return route_fail(rs, e), false;
	}
	time_t until;
	if (rc != SQLITE_ROW) {
		route_error(rs, MHD_HTTP_UNAUTHORIZED, "enroll_invalid",
			    "登记码无效：请核对 certdeskd terminal add 打印的登记码");
		return false;
	}
	if (revoked) {
		route_error(rs, MHD_HTTP_UNAUTHORIZED, "revoked", "该终端已被中心撤销，登记码不能再用");
		return false;
	}
	if (used) {
		route_error(rs, MHD_HTTP_GONE, "enroll_used",
			    "登记码已经用过（每个登记码只能用一次）；如需重新登记，请中心管理员撤销该终端后重新添加");
		return false;
	}
	if (!clock_parse_iso(expires, &until) || clock_now() > until) {
		route_error(rs, MHD_HTTP_GONE, "enroll_expired",
			    "登记码已过期（有效期 72 小时），请中心管理员重新添加终端");
		return false;
	}
	if (office_code && strcmp(office_code, ocode) != 0) {
		/* Refused before the code is spent: the terminal's records carry
		 * its office code in their numbers and cannot become another
		 * office's, and the admin may give the code to the right terminal. */
		char msg[600];
		snprintf(msg, sizeof msg, "该登记码属于受理点 %s，而本终端是受理点 %s 的终端且已有业务记录，"
			 "不能登记到 %s。登记码没有被使用，仍然有效：请在受理点 %s 的终端上使用它，"
			 "或请中心管理员为受理点 %s 添加终端", ocode, office_code, ocode, ocode,
			 office_code);
		route_error(rs, MHD_HTTP_CONFLICT, "office_mismatch", msg);
		json_object_set_new(rs->body, "office_code", json_string(ocode));
		return false;
	}
	char secret_hash[AUTH_HASH_HEX], now[21];
	auth_hash(secret, secret_hash);
	clock_iso(clock_now(), now);
	s = db_prep(db, "UPDATE sync_terminals SET secret_hash = ?2, enrolled_at = ?3,"
			" last_seen_at = ?3 WHERE terminal_id = ?1", e);
	if (!s)
		return route_fail(rs, e), false;
	db_bind_text(s, 1, tid);
	db_bind_text(s, 2, secret_hash);
	db_bind_text(s, 3, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return route_fail(rs, e), false;
	}
	json_t *terminal = row_of(db, "terminals", tid, e);
	json_t *office = terminal ? row_of(db, "offices", oid, e) : NULL;
	if (!office) {
		json_decref(terminal);
		return route_fail(rs, e), false;
	}
	*answer = json_pack("{s:o, s:o, s:b, s:s}", "terminal", terminal, "office", office,
			    "all_offices", all, "secret", secret);
	log_info("terminal %s enrolled", tid);
	return true;
}

void auth_enroll(struct route_request *rq, struct route_response *rs)
{
	json_t *body = route_json_body(rq, rs);
	if (!body)
		return;
	const char *code = jx_cstr(body, "code");
	json_t *jo = json_object_get(body, "office_code");
	char norm[ENROLL_SYMBOLS + 1], code_hash[AUTH_HASH_HEX], office_code[32] = "";
	if (!json_is_object(body) || !code || (jo && !json_is_string(jo)) ||
	    (jo && (json_string_length(jo) == 0 || json_string_length(jo) >= sizeof office_code))) {
		route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
			    "请求应为 {\"code\": \"登记码\", \"office_code\": \"本机受理点代码（可省略）\"}");
		json_decref(body);
		return;
	}
	if (jo)
		snprintf(office_code, sizeof office_code, "%s", json_string_value(jo));
	bool well_formed = enroll_code_normalize(code, norm);
	json_decref(body);
	if (!well_formed) {
		route_error(rs, MHD_HTTP_UNAUTHORIZED, "enroll_invalid",
			    "登记码无效：应为 16 位字母和数字（如 ABCD-EFGH-JKMN-PQRS）");
		return;
	}
	auth_hash(norm, code_hash);
	struct err e;
	err_clear(&e);
	struct db *db = request_db(rq, &e);
	if (!db) {
		route_fail(rs, &e);
		return;
	}
	unsigned char raw[32];
	char secret[SECRET_HEX];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(secret, sizeof secret, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);

	json_t *answer = NULL;
	centre_write_lock();
	enum status st = db_begin(db, &e);
	if (st != ST_OK) {
		route_fail(rs, &e);
	} else if (enroll_tx(db, code_hash, office_code[0] ? office_code : NULL, secret, &answer, rs,
			     &e)) {
		if (db_commit(db, &e) == ST_OK) {
			rs->code = MHD_HTTP_OK;
			rs->body = answer;
		} else {
			json_decref(answer);
			route_fail(rs, &e);
		}
	} else {
		db_rollback(db);
	}
	centre_write_unlock();
	sodium_memzero(secret, sizeof secret);
}
