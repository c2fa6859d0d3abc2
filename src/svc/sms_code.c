/* SMS verification codes: made here, kept only as keyed hashes. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model/validate.h"
#include "store/audit.h"
#include "store/settings.h"
#include "svc/applicant.h"
#include "util/clock.h"
#include "util/log.h"

/* The per-database key for code hashes, made on first use. */
static enum status mac_key(struct db *db, unsigned char key[crypto_generichash_KEYBYTES],
			   struct err *e)
{
	char hex[crypto_generichash_KEYBYTES * 2 + 1];
	if (settings_get(db, "sms_key", hex, sizeof hex, e) == ST_OK &&
	    sodium_hex2bin(key, crypto_generichash_KEYBYTES, hex, strlen(hex), NULL, NULL, NULL) == 0)
		return ST_OK;
	randombytes_buf(key, crypto_generichash_KEYBYTES);
	sodium_bin2hex(hex, sizeof hex, key, crypto_generichash_KEYBYTES);
	return settings_set(db, "sms_key", hex, e);
}

static void code_mac(const unsigned char *key, const char *phone, const char *purpose,
		     const char *code, char out[65])
{
	unsigned char md[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, crypto_generichash_KEYBYTES, sizeof md);
	crypto_generichash_update(&st, (const unsigned char *)phone, strlen(phone) + 1);
	crypto_generichash_update(&st, (const unsigned char *)purpose, strlen(purpose) + 1);
	crypto_generichash_update(&st, (const unsigned char *)code, strlen(code));
	crypto_generichash_final(&st, md, sizeof md);
	sodium_bin2hex(out, 65, md, sizeof md);
}

static const char *purpose_label(const char *purpose)
{
	return strcmp(purpose, SMS_RESET) == 0 ? "重置门户密码" : "注册账户";
}

enum status svc_sms_send_code(struct svc *svc, struct sms_gateway *gw, const struct actor *a,
			      const char *phone, const char *purpose, struct err *e)
{
	struct db *db = svc->db;
	if (!check_mobile(phone, e)) {
		snprintf(e->field, sizeof e->field, "phone");
		return ST_INVALID;
	}
	if (!gw)
		return err_set(e, ST_UNSUPPORTED, "未配置短信网关，无法发送验证码");
	time_t now = clock_now();
	char at[21], expires[21], recent[21];
	clock_iso(now, at);
	clock_iso(now + SMS_CODE_TTL, expires);
	clock_iso(now - SMS_RESEND_AFTER, recent);

	enum status st = db_begin(db, e);
	if (st != ST_OK)
		return st;
	sqlite3_stmt *s = db_prep(db, "SELECT created_at FROM sms_codes WHERE phone = ?1 AND"
				      " purpose = ?2 AND used_at IS NULL AND created_at > ?3"
				      " ORDER BY created_at DESC LIMIT 1", e);
	if (!s) {
		db_rollback(db);
		return e->st;
	}
	db_bind_text(s, 1, phone);
	db_bind_text(s, 2, purpose);
	db_bind_text(s, 3, recent);
	int rc = sqlite3_step(s);
	time_t last = 0;
	if (rc == SQLITE_ROW)
		clock_parse_iso(db_col_text(s, 0), &last);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW) {
		db_rollback(db);
		long wait = (long)(last + SMS_RESEND_AFTER - now);
		return err_field(e, "sms_code", ST_STATE, "验证码已发送，请 %ld 秒后再重新发送",
				 wait > 0 ? wait : 1);
	}

	unsigned char key[crypto_generichash_KEYBYTES];
	char code[8], mac[65], id[UUID_LEN + 1];
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	st = mac_key(db, key, e);
	code_mac(key, phone, purpose, code, mac);
	sodium_memzero(key, sizeof key);
	uuid_v7(id);
	s = st == ST_OK ? db_prep(db, "INSERT INTO sms_codes (id, phone, purpose, code_mac, expires_at,"
				      " tries_left, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", e)
			: NULL;
	if (s) {
		db_bind_text(s, 1, id);
		db_bind_text(s, 2, phone);
		db_bind_text(s, 3, purpose);
		db_bind_text(s, 4, mac);
		db_bind_text(s, 5, expires);
		sqlite3_bind_int(s, 6, SMS_CODE_TRIES);
		db_bind_text(s, 7, at);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		st = rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
	} else if (st == ST_OK) {
		st = e->st;
	}
	if (st == ST_OK) {
		char masked[32], after[128];
		mask_mobile(phone, masked);
		snprintf(after, sizeof after, "{\"phone\":\"%s\",\"purpose\":\"%s\"}", masked, purpose);
		struct audit_rec r = { "sms.send_code", "sms", id, NULL, after };
		st = audit_append(db, a, &r, e);
	}
	if (st == ST_OK)
		st = db_commit(db, e);
	else
		db_rollback(db);
	if (st != ST_OK) {
		sodium_memzero(code, sizeof code);
		return st;
	}

	char text[256];
	snprintf(text, sizeof text, "【数字证书服务】验证码 %s，用于%s，%d 分钟内有效。请勿告诉他人。",
		 code, purpose_label(purpose), SMS_CODE_TTL / 60);
	sodium_memzero(code, sizeof code);
	st = sms_send(gw, phone, text, id, e);
	sodium_memzero(text, sizeof text);
	if (st != ST_OK) {
		/* Not delivered: let the clerk send another at once. */
		sqlite3_stmt *u = db_prep(db, "UPDATE sms_codes SET used_at = ?2 WHERE id = ?1", NULL);
		if (u) {
			db_bind_text(u, 1, id);
			db_bind_text(u, 2, at);
			sqlite3_step(u);
			sqlite3_reset(u);
		}
		log_warn("sms %s not sent: %s", id, status_code(st));
	}
	return st;
}

enum status svc_sms_check_code(struct svc *svc, const char *phone, const char *purpose,
			       const char *code, struct err *e)
{
	struct db *db = svc->db;
	if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return err_field(e, "sms_code", ST_INVALID, "验证码是 6 位数字");
	enum status st = db_begin(db, e);
	if (st != ST_OK)
		return st;
	sqlite3_stmt *s = db_prep(db, "SELECT id, code_mac, expires_at, tries_left FROM sms_codes"
				      " WHERE phone = ?1 AND purpose = ?2 AND used_at IS NULL"
				      " ORDER BY created_at DESC LIMIT 1", e);
	if (!s) {
		db_rollback(db);
		return e->st;
	}
	db_bind_text(s, 1, phone);
	db_bind_text(s, 2, purpose);
	char id[UUID_LEN + 1] = "", mac[65] = "", expires[21] = "";
	int tries = 0;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, id, sizeof id);
		db_col_copy(s, 1, mac, sizeof mac);
		db_col_copy(s, 2, expires, sizeof expires);
		tries = sqlite3_column_int(s, 3);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		db_rollback(db);
		return rc == SQLITE_DONE
			? err_field(e, "sms_code", ST_NOT_FOUND, "请先发送验证码（按 F5）")
			: db_fail(db, rc, e);
	}
	time_t exp = 0, now = clock_now();
	clock_parse_iso(expires, &exp);
	if (now > exp) {
		db_rollback(db);
		return err_field(e, "sms_code", ST_STATE, "验证码已过期，请重新发送");
	}
	if (tries <= 0) {
		db_rollback(db);
		return err_field(e, "sms_code", ST_STATE, "验证码输错次数过多，请重新发送");
	}
	unsigned char key[crypto_generichash_KEYBYTES];
	char typed[65];
	st = mac_key(db, key, e);
	code_mac(key, phone, purpose, code, typed);
	sodium_memzero(key, sizeof key);
	bool right = st == ST_OK && sodium_memcmp(typed, mac, 64) == 0;
	char at[21];
	clock_iso(now, at);
	sqlite3_stmt *u = st != ST_OK ? NULL
		: right ? db_prep(db, "UPDATE sms_codes SET used_at = ?2 WHERE id = ?1", e)
			: db_prep(db, "UPDATE sms_codes SET tries_left = tries_left - 1 WHERE id = ?1", e);
	if (u) {
		db_bind_text(u, 1, id);
		if (right)
			db_bind_text(u, 2, at);
		rc = sqlite3_step(u);
		sqlite3_reset(u);
		st = rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
	} else if (st == ST_OK) {
		st = e->st;
	}
	if (st == ST_OK)
		st = db_commit(db, e);
	else
		db_rollback(db);
	if (st != ST_OK)
		return st;
	if (!right) {
		if (tries - 1 <= 0)
			return err_field(e, "sms_code", ST_AUTH, "验证码不正确，已无剩余次数，请重新发送");
		return err_field(e, "sms_code", ST_AUTH, "验证码不正确，还可尝试 %d 次", tries - 1);
	}
	return ST_OK;
}
