/* The terminal's side of sync without a network: envelopes, the answers to
 * a push, enrolment's identity move, pulled pages with local work first,
 * held-back rows, and the conflict resolutions. Each test starts from a
 * fresh in-memory terminal set up at first run. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/staff.h"
#include "sync/sync_int.h"
#include "unit.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/fs.h"
#include "util/jsonx.h"

static struct db *db;
static struct svc svc;
static struct actor admin;

/* Ids the "centre" uses in these tests. */
#define C_OFFICE "0190a000-0000-7000-8000-00000000c0f1"
#define C_TERMINAL "0190a000-0000-7000-8000-00000000c7e1"
#define C_APPLICANT "0190a000-0000-7000-8000-00000000ca01"

static const struct application_input enterprise_in = {
	.kind = KIND_NEW, .subject = SUBJECT_ENTERPRISE, .years = 2,
	.credit_code = "91350100M000100Y43", .holder_name = "福州某某科技有限公司",
	.legal_rep = "林某", .phone = "0591-87654321", .address = "福州市鼓楼区五四路100号",
	.postal_code = "350001", .email = "", .delivery = DELIVERY_PICKUP,
};

static long long one(const char *sql, const char *arg)
{
	sqlite3_stmt *s;
	long long v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK) {
		if (arg)
			sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

static void text(const char *sql, const char *arg, char *out, size_t n)
{
	sqlite3_stmt *s;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK) {
		if (arg)
			sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
}

static int fresh(void)
{
	struct err e;
	if (sodium_init() < 0 || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	svc = (struct svc){ .db = db };
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	return svc_setup(&svc, &in, &admin, &e) != ST_OK;
}

static int done(void)
{
	db_close(db);
	db = NULL;
	return 0;
}

#define FRESH() CU_ASSERT_EQUAL_FATAL(fresh(), 0)

/* Register an applicant as the command would (without the SMS step). */
static void register_applicant(const char *id, const char *phone, const char *name)
{
	struct err e;
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "phone",
			      phone, "name", name, "id_number", "", "email", "", "address", "",
			      "postal_code", "", "portal_pw_hash", "", "verified_at", "",
			      "office_id", admin.office_id);
	CU_ASSERT_EQUAL(svc_exec(&svc, &admin, &cmd_applicant_register, p, &e), ST_OK);
	json_decref(p);
}

static void new_application(const char *applicant_id, char id[UUID_LEN + 1])
{
	struct err e;
	CU_ASSERT_EQUAL(svc_application_create(&svc, &admin, applicant_id, &enterprise_in,
					       svc_agreement_version(), id, NULL, &e), ST_OK);
}

static void op_of(const char *entity_id, const char *command_prefix, char op_id[UUID_LEN + 1])
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT op_id FROM outbox WHERE entity_id = ?1 AND command LIKE '%s%%'"
		 " ORDER BY seq DESC LIMIT 1", command_prefix);
	text(sql, entity_id, op_id, UUID_LEN + 1);
}

/* Answer ops as the centre would, through the terminal's own code path. */
static void answer(const char *op_id, const char *status, const char *code, json_t *row)
{
	struct err e;
	struct sync_stats st = { 0 };
	bool stop = false;
	json_t *r = json_pack("{s:s, s:s}", "op_id", op_id, "status", status);
	if (code) {
		json_object_set_new(r, "code", json_string(code));
		json_object_set_new(r, "message", json_string("中心的说明"));
	}
	if (row)
		json_object_set(r, "row", row);
	json_t *results = json_pack("[o]", r);
	CU_ASSERT_EQUAL(sync_apply_results(db, results, &st, &stop, &e), ST_OK);
	json_decref(results);
}

static void answer_all_applied(void)
{
	struct err e;
	struct sync_stats st = { 0 };
	bool stop = false;
	json_t *results = json_array();
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db_handle(db), "SELECT op_id FROM outbox WHERE state = 'pending'", -1, &s,
			   NULL);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(results, json_pack("{s:s, s:s}", "op_id",
							 (const char *)sqlite3_column_text(s, 0),
							 "status", "applied"));
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL(sync_apply_results(db, results, &st, &stop, &e), ST_OK);
	CU_ASSERT_FALSE(stop);
	json_decref(results);
}

/* A pulled page of changes with seq numbers from `seq`. */
static void pull(json_t *changes, long long next)
{
	struct err e;
	struct sync_stats st = { 0 };
	CU_ASSERT_EQUAL(sync_apply_page(db, changes, next, &st, &e), ST_OK);
	json_decref(changes);
}

static json_t *applicant_row(const char *id, const char *phone, const char *name, long version)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", id,
			 "phone", phone, "name", name, "id_number", "", "email", "", "address", "",
			 "postal_code", "", "portal_pw_hash", "", "office_id", C_OFFICE, "created_by",
			 "x", "created_at", "2026-11-20T08:00:00Z", "updated_at", "2026-11-24T08:00:00Z",
			 "version", (json_int_t)version);
}

static json_t *change(long long seq, const char *table, json_t *row)
{
	const struct sync_table *t = sync_table_find(table);
	return json_pack("{s:I, s:s, s:o, s:o}", "seq", (json_int_t)seq, "table", table, "key",
			 sync_key_of_row(t, row), "row", row);
}

static bool fk_clean(void)
{
	sqlite3_stmt *s;
	bool clean = sqlite3_prepare_v2(db_handle(db), "PRAGMA foreign_key_check", -1, &s, NULL) ==
			     SQLITE_OK && sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return clean;
}

/* ---- envelopes and answers ---------------------------------------------------- */

static bool collect(const char *sha, void *ctx)
{
	json_t *list = ctx;
	json_array_append_new(list, json_string(sha));
	return true;
}

static void test_envelope(void)
{
	json_t *env = sync_envelope("0190a000-0000-7000-8000-000000000001", "application.create@1",
				    "0190a000-0000-7000-8000-000000000002", "application",
				    "0190a000-0000-7000-8000-000000000003", 7, "2026-11-25T08:00:00Z",
				    "{\"id\":\"x\",\"years\":2}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(env);
	CU_ASSERT_STRING_EQUAL(jx_cstr(env, "op_id"), "0190a000-0000-7000-8000-000000000001");
	CU_ASSERT_STRING_EQUAL(jx_cstr(env, "command"), "application.create@1");
	CU_ASSERT_STRING_EQUAL(jx_cstr(env, "actor_id"), "0190a000-0000-7000-8000-000000000002");
	CU_ASSERT_STRING_EQUAL(jx_cstr(env, "entity"), "application");
	CU_ASSERT_STRING_EQUAL(jx_cstr(env, "entity_id"), "0190a000-0000-7000-8000-000000000003");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(env, "base_version")), 7);
	CU_ASSERT_STRING_EQUAL(jx_cstr(env, "at"), "2026-11-25T08:00:00Z");
	/* The payload travels as JSON, not as a string holding JSON. */
	CU_ASSERT_TRUE(json_is_object(json_object_get(env, "payload")));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(env, "payload"), "years")), 2);
	CU_ASSERT_EQUAL(json_object_size(env), 8);
	json_decref(env);
	CU_ASSERT_PTR_NULL(sync_envelope("a", "b", "c", "d", "e", 0, "f", "{broken"));
	CU_ASSERT_PTR_NULL(sync_envelope("a", "b", "c", "d", "e", 0, "f", "[1]"));

	char a[65], b[65], c[65];
	memset(a, 'a', 64), memset(b, 'b', 64), memset(c, 'c', 64);
	a[64] = b[64] = c[64] = '\0';
	json_t *p = json_pack("{s:s, s:{s:s}, s:[{s:s}, {s:s}], s:s}", "sha256", a, "file", "sha256",
			      b, "slips", "sha256", c, "sha256", "not-a-hash", "name", "x");
	json_t *got = json_array();
	CU_ASSERT_TRUE(sync_payload_blobs(p, collect, got));
	CU_ASSERT_EQUAL(json_array_size(got), 3);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(got, 0)), a);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(got, 1)), b);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(got, 2)), c);
	json_decref(got);
	json_decref(p);
}

static void test_answers(void)
{
	FRESH();
	char a1[37], a2[37], a3[37], o1[37], o2[37], o3[37], o0[37];
	uuid_v7(a1), uuid_v7(a2), uuid_v7(a3);
	register_applicant(a1, "13800000001", "甲");
	register_applicant(a2, "13800000002", "乙");
	register_applicant(a3, "13800000003", "丙");
	op_of(a1, "applicant.register", o1);
	op_of(a2, "applicant.register", o2);
	op_of(a3, "applicant.register", o3);
	text("SELECT op_id FROM outbox WHERE command LIKE 'setup.init%'", NULL, o0, sizeof o0);
	struct err e;
	struct sync_stats st = { 0 };
	bool stop = false;
	json_t *results = json_pack(
		"[{s:s, s:s}, {s:s, s:s}, {s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i}},"
		" {s:s, s:s, s:s, s:s}]",
		"op_id", o0, "status", "applied", "op_id", o1, "status", "duplicate", "op_id", o2,
		"status", "rejected", "code", "exists", "message", "手机号 138****0002 已注册（某）",
		"field", "phone", "row", "id", "zz", "version", 9, "op_id", o3, "status", "retry",
		"code", "blob_missing", "message", "附件文件尚未上传到中心");
	CU_ASSERT_EQUAL(sync_apply_results(db, results, &st, &stop, &e), ST_OK);
	json_decref(results);
	CU_ASSERT_TRUE(stop);
	CU_ASSERT_EQUAL(st.pushed, 2);
	CU_ASSERT_EQUAL(st.rejected, 1);
	CU_ASSERT_EQUAL(st.retry, 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE state = 'applied' AND done_at IS NOT NULL", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1 AND state = 'duplicate'", o1), 1);
	char buf[256];
	text("SELECT result_code || '|' || result_field || '|' || result_msg FROM outbox WHERE op_id = ?1",
	     o2, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "exists|phone|手机号 138****0002 已注册（某）");
	text("SELECT json_extract(centre_row, '$.version') FROM outbox WHERE op_id = ?1", o2, buf,
	     sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "9");
	CU_ASSERT_EQUAL(one("SELECT attempts FROM outbox WHERE op_id = ?1 AND state = 'pending'", o3), 1);
	CU_ASSERT_EQUAL(outbox_pending(db), 1);
	CU_ASSERT_EQUAL(outbox_rejected(db), 1);
	/* An answer for an op already answered changes nothing. */
	answer(o1, "rejected", "conflict", NULL);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1 AND state = 'duplicate'", o1), 1);
	done();
}

/* ---- enrolment ---------------------------------------------------------------- */

static json_t *enroll_answer(const char *office_code)
{
	return json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:i}, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:i},"
			 " s:b, s:s}",
			 "office", "id", C_OFFICE, "code", office_code, "name", "中心的受理点",
			 "created_at", "2026-01-01T00:00:00Z", "updated_at", "2026-01-01T00:00:00Z",
			 "version", 3, "terminal", "id", C_TERMINAL, "office_id", C_OFFICE, "code",
			 "07", "name", "7号窗口", "created_at", "2026-01-01T00:00:00Z", "updated_at",
			 "2026-01-01T00:00:00Z", "version", 4, "all_offices", 0, "secret",
			 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
}

static void test_enroll_moves_identity(void)
{
	FRESH();
	char old_office[37], old_terminal[37], ap[37], app[37];
	struct err e;
	settings_get(db, "office_id", old_office, sizeof old_office, &e);
	settings_get(db, "terminal_id", old_terminal, sizeof old_terminal, &e);
	uuid_v7(ap);
	register_applicant(ap, "13900000001", "王某");
	new_application(ap, app);
	long ops = outbox_pending(db);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE instr(payload, ?1) > 0", old_office), ops);

	json_t *ans = enroll_answer("SZFT");
	struct sync_enrollment en;
	memset(&en, 0, sizeof en);
	CU_ASSERT_EQUAL_FATAL(sync_enroll_apply(db, &admin, "http://127.0.0.1:9", ans, &en, &e), ST_OK);
	json_decref(ans);
	CU_ASSERT_STRING_EQUAL(en.terminal_code, "07");
	CU_ASSERT_EQUAL(en.moved_ops, ops);
	char v[128];
	settings_get(db, "office_id", v, sizeof v, &e);
	CU_ASSERT_STRING_EQUAL(v, C_OFFICE);
	settings_get(db, "terminal_id", v, sizeof v, &e);
	CU_ASSERT_STRING_EQUAL(v, C_TERMINAL);
	CU_ASSERT_TRUE(sync_is_enrolled(db));
	/* The first-run rows are gone, the centre's are in. */
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM offices", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT version FROM offices WHERE id = '" C_OFFICE "'", NULL), 3);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM terminals", NULL), 1);
	/* Records and queued ops now carry the centre's identity only. */
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM staff WHERE office_id <> '" C_OFFICE "'", NULL), 0);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applicants WHERE office_id = '" C_OFFICE "'", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applications WHERE office_id = '" C_OFFICE
			    "' AND terminal_id = '" C_TERMINAL "'", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE instr(payload, ?1) > 0", old_office), 0);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE instr(payload, ?1) > 0", old_terminal), 0);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE entity_id = ?1", old_office), 0);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE command LIKE 'setup.init%'"
			    " AND entity_id = '" C_OFFICE "'"
			    " AND json_extract(payload, '$.terminal.id') = '" C_TERMINAL "'", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE command LIKE 'application.create%'"
			    " AND json_extract(payload, '$.terminal_id') = '" C_TERMINAL "'", NULL), 1);
	CU_ASSERT_EQUAL(one("PRAGMA foreign_keys", NULL), 1);
	CU_ASSERT_TRUE(fk_clean());
	/* Audited, and the chain holds. */
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM audit_log WHERE action = 'sync.enroll'", NULL), 1);
	struct audit_check chk;
	CU_ASSERT_EQUAL(audit_verify(db, &chk, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(chk.bad_seq, 0);
	/* The admin still logs in, in the centre's office. */
	struct actor again;
	bool must;
	CU_ASSERT_EQUAL(svc_login(&svc, "admin", "Adm1nPass", &again, &must, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(again.office_id, C_OFFICE);
	CU_ASSERT_STRING_EQUAL(again.terminal_id, C_TERMINAL);
	struct terminal_info ti;
	CU_ASSERT_EQUAL(svc_terminal_info(&svc, &ti, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(ti.terminal_code, "07");

	/* Enrolling again is refused before any request unless forced. */
	struct app app_ = { .db = db };
	config_init(&app_.cfg);
	CU_ASSERT_EQUAL(sync_enroll(&app_, &admin, "http://127.0.0.1:9", "ABCD-EFGH-JKMN-PQRS", false,
				    NULL, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "--force"));
	/* Forced, it goes to the network (nothing listens on port 9 here). */
	CU_ASSERT_NOT_EQUAL(sync_enroll(&app_, &admin, "http://127.0.0.1:9", "ABCD-EFGH-JKMN-PQRS",
					true, NULL, &e), ST_STATE);
	config_done(&app_.cfg);
	done();
}

static void test_enroll_other_office_refused(void)
{
	FRESH();
	struct err e;
	char before[37], ap[37];
	settings_get(db, "office_id", before, sizeof before, &e);
	/* Without business records a new office is fine... */
	json_t *ans = enroll_answer("HQ");
	CU_ASSERT_EQUAL(sync_enroll_apply(db, &admin, "http://127.0.0.1:9", ans, NULL, &e), ST_OK);
	json_decref(ans);
	done();
	/* ...with them it is refused, and nothing changes. */
	FRESH();
	settings_get(db, "office_id", before, sizeof before, &e);
	uuid_v7(ap);
	register_applicant(ap, "13900000002", "李某");
	long audit = one("SELECT count(*) FROM audit_log", NULL);
	ans = enroll_answer("HQ");
	CU_ASSERT_EQUAL(sync_enroll_apply(db, &admin, "http://127.0.0.1:9", ans, NULL, &e), ST_STATE);
	json_decref(ans);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "SZFT"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "HQ"));
	CU_ASSERT_FALSE(sync_is_enrolled(db));
	char now[37];
	settings_get(db, "office_id", now, sizeof now, &e);
	CU_ASSERT_STRING_EQUAL(now, before);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM audit_log", NULL), audit);
	/* A clerk may not enrol; an answer without a secret is refused. */
	struct actor clerk = admin;
	clerk.role = ROLE_CLERK;
	struct app app_ = { .db = db };
	config_init(&app_.cfg);
	CU_ASSERT_EQUAL(sync_enroll(&app_, &clerk, "http://127.0.0.1:9", "ABCD-EFGH", false, NULL, &e),
			ST_DENIED);
	CU_ASSERT_EQUAL(sync_enroll(&app_, NULL, "http://127.0.0.1:9", "ABCD-EFGH", false, NULL, &e),
			ST_DENIED);
	CU_ASSERT_EQUAL(sync_enroll(&app_, &admin, "ftp://x", "ABCD-EFGH", false, NULL, &e), ST_INVALID);
	config_done(&app_.cfg);
	ans = enroll_answer("SZFT");
	json_object_del(ans, "secret");
	CU_ASSERT_EQUAL(sync_enroll_apply(db, &admin, "http://127.0.0.1:9", ans, NULL, &e), ST_INVALID);
	json_decref(ans);
	done();
}

/* ---- pull ------------------------------------------------------------------------ */

static void test_pull_protects_local_work(void)
{
	FRESH();
	struct err e;
	char mine[37], app[37];
	uuid_v7(mine);
	register_applicant(mine, "13700000001", "本机");
	new_application(mine, app);
	/* The centre's version of our applicant (older, say) while our
	 * register op is still pending; and someone else, new to us. */
	json_t *page = json_array();
	json_array_append_new(page, change(10, "applicants",
					   applicant_row(mine, "13700000001", "中心的名字", 5)));
	json_array_append_new(page, change(11, "applicants",
					   applicant_row(C_APPLICANT, "13700000009", "别人", 6)));
	/* A child row without an id, whose parent has ops pending here. */
	json_array_append_new(page, change(12, "application_paper_docs",
					   json_pack("{s:s, s:s, s:s}", "application_id", app,
						     "doc_type", "license", "created_at",
						     "2026-11-24T08:00:00Z")));
	pull(page, 12);
	CU_ASSERT_EQUAL(settings_get_int(db, "sync_cursor", 0), 12);
	char name[64];
	text("SELECT name FROM applicants WHERE id = ?1", mine, name, sizeof name);
	CU_ASSERT_STRING_EQUAL(name, "本机");
	text("SELECT name FROM applicants WHERE id = ?1", C_APPLICANT, name, sizeof name);
	CU_ASSERT_STRING_EQUAL(name, "别人");
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM sync_deferred WHERE reason = 'pending'", NULL), 2);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM application_paper_docs", NULL), 0);
	/* Nothing stands in the way once the ops are answered. */
	struct sync_stats st = { 0 };
	CU_ASSERT_EQUAL(sync_retry_deferred(db, &st, &e), ST_OK);
	CU_ASSERT_EQUAL(st.pulled, 0);
	answer_all_applied();
	CU_ASSERT_EQUAL(sync_retry_deferred(db, &st, &e), ST_OK);
	CU_ASSERT_EQUAL(st.pulled, 2);
	text("SELECT name FROM applicants WHERE id = ?1", mine, name, sizeof name);
	CU_ASSERT_STRING_EQUAL(name, "中心的名字");
	CU_ASSERT_EQUAL(one("SELECT version FROM applicants WHERE id = ?1", mine), 5);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM application_paper_docs", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM sync_deferred", NULL), 0);
	/* A rejected op protects its record as well, until resolved. */
	register_applicant(app /* any new id */, "13700000002", "又一位");
	char op[37];
	op_of(app, "applicant.register", op);
	answer(op, "rejected", "invalid", NULL);
	page = json_array();
	json_array_append_new(page, change(20, "applicants",
					   applicant_row(app, "13700000002", "中心版", 8)));
	pull(page, 20);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM sync_deferred WHERE reason = 'pending'", NULL), 1);
	done();
}

static void test_pull_order_and_deletes(void)
{
	FRESH();
	char app[37], enterprise[37];
	uuid_v7(app), uuid_v7(enterprise);
	/* A child before its parent, across pages: written with foreign keys
	 * off, consistent once the parent comes. */
	json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s,"
				" s:s, s:s, s:i}",
				"id", app, "number", "SQ-HQ-01-20261124-0001", "kind", "new", "subject",
				"personal", "status", "draft", "applicant_id", C_APPLICANT, "holder_name",
				"别人", "holder_code", "110105194912310026", "years", 1, "office_id",
				C_OFFICE, "terminal_id", C_TERMINAL, "created_by", "x", "created_at",
				"2026-11-24T08:00:00Z", "updated_at", "2026-11-24T08:00:00Z",
				"agreement_version", "", "version", 3);
	json_t *page = json_array();
	json_array_append_new(page, change(30, "applications", row));
	pull(page, 30);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applications WHERE id = ?1", app), 1);
	CU_ASSERT_EQUAL(one("PRAGMA foreign_keys", NULL), 1);
	CU_ASSERT_FALSE(fk_clean());
	page = json_array();
	json_array_append_new(page, change(31, "applicants",
					   applicant_row(C_APPLICANT, "13600000001", "别人", 2)));
	pull(page, 31);
	CU_ASSERT_TRUE(fk_clean());
	/* A delete. */
	page = json_pack("[{s:i, s:s, s:{s:s}, s:b}]", "seq", 32, "table", "applications", "key",
			 "id", app, "deleted", 1);
	pull(page, 32);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applications WHERE id = ?1", app), 0);
	/* The first-run price list gives way to the centre's, row by row. */
	long prices = one("SELECT count(*) FROM price_list", NULL);
	CU_ASSERT_TRUE(prices > 0);
	char kind[32], subject[32], pid[37];
	text("SELECT kind FROM price_list ORDER BY kind, subject, years LIMIT 1", NULL, kind, sizeof kind);
	text("SELECT subject FROM price_list ORDER BY kind, subject, years LIMIT 1", NULL, subject,
	     sizeof subject);
	long years = one("SELECT years FROM price_list ORDER BY kind, subject, years LIMIT 1", NULL);
	uuid_v7(pid);
	page = json_array();
	json_array_append_new(page, change(33, "price_list",
		json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:i}", "id", pid, "kind", kind,
			  "subject", subject, "years", (int)years, "price_fen", 12345, "active", 1,
			  "updated_at", "2026-11-24T08:00:00Z", "version", 9)));
	pull(page, 33);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM price_list", NULL), prices);
	CU_ASSERT_EQUAL(one("SELECT price_fen FROM price_list WHERE id = ?1", pid), 12345);
	/* A blob row keeps this terminal's own upload time. */
	char sha[65];
	memset(sha, 'd', 64);
	sha[64] = '\0';
	sqlite3_exec(db_handle(db), "INSERT INTO blobs VALUES ('ddddddddddddddddddddddddddddddddddddddd"
				    "ddddddddddddddddddddddddd', 10, 'application/pdf',"
				    " '2026-11-24T08:00:00Z', '2026-11-24T09:00:00Z')", NULL, NULL, NULL);
	page = json_array();
	json_array_append_new(page, change(34, "blobs",
		json_pack("{s:s, s:i, s:s, s:s, s:n}", "sha256", sha, "size", 10, "mime",
			  "application/pdf", "created_at", "2026-11-24T08:00:00Z", "pushed_at")));
	pull(page, 34);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM blobs WHERE pushed_at = '2026-11-24T09:00:00Z'", NULL), 1);
	/* A page that fails is not half applied: the cursor stays. */
	page = json_array();
	json_array_append_new(page, change(35, "applicants",
					   applicant_row("0190a000-0000-7000-8000-00000000ca02",
							 "13600000002", "某", 2)));
	json_array_append_new(page, json_pack("{s:i, s:s, s:{s:s}, s:{s:s}}", "seq", 36, "table",
					      "offices", "key", "id", "x", "row", "id", "x"));
	struct err e;
	struct sync_stats st = { 0 };
	CU_ASSERT_NOT_EQUAL(sync_apply_page(db, page, 36, &st, &e), ST_OK);
	json_decref(page);
	CU_ASSERT_EQUAL(settings_get_int(db, "sync_cursor", 0), 34);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applicants WHERE phone = '13600000002'", NULL), 0);
	CU_ASSERT_EQUAL(one("PRAGMA foreign_keys", NULL), 1);
	done();
}

/* ---- conflicts ------------------------------------------------------------------- */

static void test_merge(void)
{
	FRESH();
	struct err e;
	char a[37], app[37], reg[37], create[37];
	uuid_v7(a);
	register_applicant(a, "13500000001", "张三");
	new_application(a, app);
	op_of(a, "applicant.register", reg);
	op_of(app, "application.create", create);
	/* The centre: the phone is someone's already; the application then
	 * had no applicant there. */
	answer(reg, "rejected", "exists", NULL);
	answer(create, "rejected", "not_found", NULL);
	long before_links = one("SELECT count(*) FROM applicant_enterprises WHERE applicant_id = ?1", a);
	CU_ASSERT_EQUAL(before_links, 1);
	struct sync_conflict *list;
	long n = sync_conflicts(db, &list, &e);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(list[0].op_id, reg);
	CU_ASSERT_TRUE(list[0].can_merge);
	CU_ASSERT_FALSE(list[0].can_reapply);
	CU_ASSERT_FALSE(list[1].can_merge);
	sync_conflicts_free(list, n);
	/* Not pulled yet: nothing to merge into. */
	CU_ASSERT_EQUAL(sync_resolve(db, &admin, reg, SYNC_MERGE, &e), ST_NOT_FOUND);
	/* The centre's applicant arrives and waits behind the duplicate. */
	json_t *page = json_array();
	json_array_append_new(page, change(40, "applicants",
					   applicant_row(C_APPLICANT, "13500000001", "张三", 4)));
	pull(page, 40);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM sync_deferred WHERE reason = 'unique'", NULL), 1);
	CU_ASSERT_EQUAL(sync_resolve(db, &admin, reg, SYNC_REAPPLY, &e), ST_STATE);
	long audit = one("SELECT count(*) FROM audit_log", NULL);
	CU_ASSERT_EQUAL_FATAL(sync_resolve(db, &admin, reg, SYNC_MERGE, &e), ST_OK);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applicants WHERE id = ?1", a), 0);
	CU_ASSERT_EQUAL(one("SELECT version FROM applicants WHERE id = '" C_APPLICANT "'", NULL), 4);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applications WHERE applicant_id = '" C_APPLICANT "'", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applicant_enterprises WHERE applicant_id = '"
			    C_APPLICANT "'", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM sync_deferred", NULL), 0);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1 AND state = 'resolved'", reg), 1);
	/* The refused application goes again, under a new id, for the
	 * existing applicant. */
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1", create), 0);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE entity_id = ?1 AND state = 'pending'"
			    " AND json_extract(payload, '$.applicant_id') = '" C_APPLICANT "'", app), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE state IN ('pending', 'rejected')"
			    " AND instr(payload, ?1) > 0", a), 0);
	CU_ASSERT_EQUAL(outbox_rejected(db), 0);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM audit_log WHERE action = 'sync.merge'"
			    " AND json_extract(after, '$.into') = '" C_APPLICANT "'", NULL), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM audit_log", NULL), audit + 1);
	CU_ASSERT_TRUE(fk_clean());
	CU_ASSERT_EQUAL(sync_resolve(db, &admin, reg, SYNC_DISCARD, &e), ST_NOT_FOUND);
	done();
}

static void test_discard_and_reapply(void)
{
	FRESH();
	struct err e;
	char a[37], reg[37], upd[37];
	uuid_v7(a);
	register_applicant(a, "13400000001", "李四");
	answer_all_applied();
	/* An edit made against version 2 while the centre moved to 7. */
	sqlite3_exec(db_handle(db), "UPDATE applicants SET version = 2", NULL, NULL, NULL);
	struct applicant_input in = { "13400000001", "李四改", "", "", "", "", "" };
	CU_ASSERT_EQUAL_FATAL(svc_applicant_update(&svc, &admin, a, &in, &e), ST_OK);
	op_of(a, "applicant.update", upd);
	CU_ASSERT_EQUAL(one("SELECT base_version FROM outbox WHERE op_id = ?1", upd), 2);
	json_t *centre = applicant_row(a, "13400000001", "李四（中心）", 7);
	answer(upd, "rejected", "conflict", centre);
	json_decref(centre);
	/* Re-apply: queued again, new id, against the centre's version. */
	CU_ASSERT_EQUAL_FATAL(sync_resolve(db, &admin, upd, SYNC_REAPPLY, &e), ST_OK);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1", upd), 0);
	CU_ASSERT_EQUAL(one("SELECT base_version FROM outbox WHERE entity_id = ?1 AND state = 'pending'"
			    " AND command LIKE 'applicant.update%'", a), 7);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM audit_log WHERE action = 'sync.reapply'", NULL), 1);

	/* Discard: the centre's record replaces the local one. */
	op_of(a, "applicant.update", upd);
	centre = applicant_row(a, "13400000001", "李四（中心）", 8);
	answer(upd, "rejected", "conflict", centre);
	json_decref(centre);
	CU_ASSERT_EQUAL_FATAL(sync_resolve(db, &admin, upd, SYNC_DISCARD, &e), ST_OK);
	char name[64];
	text("SELECT name FROM applicants WHERE id = ?1", a, name, sizeof name);
	CU_ASSERT_STRING_EQUAL(name, "李四（中心）");
	CU_ASSERT_EQUAL(one("SELECT version FROM applicants WHERE id = ?1", a), 8);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1 AND state = 'resolved'", upd), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM audit_log WHERE action = 'sync.discard'", NULL), 1);

	/* Discarding a record the centre never had removes it, unless other
	 * local records need it. */
	char b[37], app[37];
	uuid_v7(b);
	register_applicant(b, "13400000002", "王五");
	new_application(b, app);
	op_of(b, "applicant.register", reg);
	answer(reg, "rejected", "exists", NULL);
	CU_ASSERT_EQUAL(sync_resolve(db, &admin, reg, SYNC_DISCARD, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "合并"));
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1 AND state = 'rejected'", reg), 1);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM applicants WHERE id = ?1", b), 1);
	/* Re-apply fits only version conflicts. */
	CU_ASSERT_EQUAL(sync_resolve(db, &admin, reg, SYNC_REAPPLY, &e), ST_STATE);
	/* A clerk cannot resolve an admin's command. */
	char staff_id[37], staff_op[37];
	CU_ASSERT_EQUAL_FATAL(svc_staff_create(&svc, &admin, "li.si", "李四", ROLE_CLERK, "Passw0rd1",
					       staff_id, &e), ST_OK);
	op_of(staff_id, "staff.create", staff_op);
	answer(staff_op, "rejected", "exists", NULL);
	struct actor clerk = admin;
	clerk.role = ROLE_CLERK;
	CU_ASSERT_EQUAL(sync_resolve(db, &clerk, staff_op, SYNC_DISCARD, &e), ST_DENIED);
	CU_ASSERT_EQUAL(one("SELECT count(*) FROM outbox WHERE op_id = ?1 AND state = 'rejected'",
			    staff_op), 1);
	struct audit_check chk;
	CU_ASSERT_EQUAL(audit_verify(db, &chk, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(chk.bad_seq, 0);
	done();
}

/* ---- options, status, worker ----------------------------------------------------- */

static void test_options_and_status(void)
{
	struct config cfg;
	struct sync_opts o;
	struct err e;
	CU_ASSERT_EQUAL(config_parse("certdesk.conf", "", &cfg, &e), ST_OK);
	CU_ASSERT_EQUAL(sync_opts_from_config(&cfg, &o, &e), ST_OK);
	CU_ASSERT_EQUAL(o.interval_s, 30);
	CU_ASSERT_EQUAL(o.connect_timeout_ms, 3000);
	CU_ASSERT_EQUAL(o.timeout_ms, 30000);
	CU_ASSERT_FALSE(o.has_noproxy);
	config_done(&cfg);
	CU_ASSERT_EQUAL(config_parse("certdesk.conf", "sync.interval = 5\nsync.noproxy = *\n"
				     "sync.ca_file = /etc/centre.pem\n", &cfg, &e), ST_OK);
	CU_ASSERT_EQUAL(cfg.nwarnings, 0);
	CU_ASSERT_EQUAL(sync_opts_from_config(&cfg, &o, &e), ST_OK);
	CU_ASSERT_EQUAL(o.interval_s, 5);
	CU_ASSERT_STRING_EQUAL(o.noproxy, "*");
	CU_ASSERT_STRING_EQUAL(o.ca_file, "/etc/centre.pem");
	config_done(&cfg);
	CU_ASSERT_EQUAL(config_parse("certdesk.conf", "sync.timeout_ms = soon\n", &cfg, &e), ST_OK);
	CU_ASSERT_EQUAL(sync_opts_from_config(&cfg, &o, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "sync.timeout_ms"));
	config_done(&cfg);

	char out[512];
	CU_ASSERT_EQUAL(sync_url_normalize("https://centre.example.cn:8443//", out, sizeof out, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(out, "https://centre.example.cn:8443");
	CU_ASSERT_EQUAL(sync_url_normalize("centre:8443", out, sizeof out, &e), ST_INVALID);
	CU_ASSERT_EQUAL(sync_url_normalize("http://a b", out, sizeof out, &e), ST_INVALID);

	FRESH();
	struct sync_status s;
	CU_ASSERT_EQUAL(sync_status_read(db, &s, &e), ST_OK);
	CU_ASSERT_FALSE(s.enrolled);
	CU_ASSERT_EQUAL(s.pending, 1);
	/* A round is refused before any request when not enrolled. */
	struct app app_ = { .db = db };
	config_init(&app_.cfg);
	struct sync_stats st;
	CU_ASSERT_EQUAL(sync_round(&app_, NULL, NULL, &st, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "--enroll"));
	config_done(&app_.cfg);
	done();
}

static void test_worker(void)
{
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	struct app app_;
	memset(&app_, 0, sizeof app_);
	snprintf(app_.data_dir, sizeof app_.data_dir, "%s/sync-worker-%ld", tmp, (long)getpid());
	snprintf(app_.db_path, sizeof app_.db_path, "%s/certdesk.db", app_.data_dir);
	struct err e;
	CU_ASSERT_EQUAL_FATAL(fs_mkdir_p(app_.data_dir, &e), ST_OK);
	unlink(app_.db_path);
	CU_ASSERT_EQUAL_FATAL(db_open(app_.db_path, &app_.db, &e), ST_OK);
	config_init(&app_.cfg);
	struct svc s2 = { .db = app_.db };
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	struct actor a;
	CU_ASSERT_EQUAL_FATAL(svc_setup(&s2, &in, &a, &e), ST_OK);
	/* Enrolled at a centre where nothing listens: rounds fail, back off,
	 * and the screen's snapshot says so without waiting for them. */
	json_t *ans = enroll_answer("SZFT");
	CU_ASSERT_EQUAL_FATAL(sync_enroll_apply(app_.db, &a, "http://127.0.0.1:9", ans, NULL, &e), ST_OK);
	json_decref(ans);
	struct sync_worker *w;
	CU_ASSERT_EQUAL_FATAL(sync_worker_start(&app_, &w, &e), ST_OK);
	struct sync_snapshot snap;
	for (int i = 0; i < 500; i++) {
		sync_worker_snapshot(w, &snap);
		if (snap.last_error[0])
			break;
		usleep(10000);
	}
	CU_ASSERT_TRUE(snap.enrolled);
	CU_ASSERT_FALSE(snap.online);
	CU_ASSERT_EQUAL(snap.pending, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(snap.last_error, "127.0.0.1"));
	CU_ASSERT_TRUE(snap.next_at >= time(NULL) + 1);
	sync_worker_kick(w);
	double t0 = clock_ms();
	sync_worker_stop(w);
	CU_ASSERT_TRUE(clock_ms() - t0 < 5000);
	/* The failed round is on record for `sync --status`. */
	struct sync_status st;
	CU_ASSERT_EQUAL(sync_status_read(app_.db, &st, &e), ST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.last_error, "127.0.0.1"));
	CU_ASSERT_STRING_EQUAL(st.last_ok, "");
	config_done(&app_.cfg);
	db_close(app_.db);
	unlink(app_.db_path);
}

void suite_sync(void)
{
	UNIT_SUITE("sync", NULL, NULL,
		   { "envelope and the files an op names", test_envelope },
		   { "answers to a push", test_answers },
		   { "enrolment moves the first-run identity", test_enroll_moves_identity },
		   { "enrolment into another office refused", test_enroll_other_office_refused },
		   { "pull keeps local work first", test_pull_protects_local_work },
		   { "pull order, deletes, prices, blobs, atomic pages", test_pull_order_and_deletes },
		   { "merge a duplicate applicant", test_merge },
		   { "discard and re-apply", test_discard_and_reapply },
		   { "options and status", test_options_and_status },
		   { "background worker", test_worker });
}
