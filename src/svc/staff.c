#include "svc/staff.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "model/office.h"
#include "store/audit.h"
#include "store/settings.h"
#include "store/price_repo.h"
#include "store/staff_repo.h"
#include "svc/commands.h"
#include "util/embedded.h"
#include "util/jsonx.h"
#include "util/log.h"

enum status password_hash(const char *password, char out[PW_HASH_MAX], struct err *e)
{
	_Static_assert(PW_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer");
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, ST_NOMEM, "内存不足，无法计算密码哈希");
	return ST_OK;
}

bool password_verify(const char *hash, const char *password)
{
	char h[crypto_pwhash_STRBYTES] = "";
	snprintf(h, sizeof h, "%s", hash);
	return crypto_pwhash_str_verify(h, password, strlen(password)) == 0;
}

/* The JSON image of an account for the audit log (never the hash). */
static json_t *staff_json(const struct staff *s)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:b}", "username", s->username, "name",
			 s->name, "role", role_code(s->role), "locked", s->locked, "disabled",
			 s->disabled, "must_change", s->must_change);
}

static void run_on(struct svc_run *run, const struct staff *before, const char *id)
{
	run->entity = "staff";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", id);
	if (before) {
		run->before = staff_json(before);
		run->base_version = before->version;
	}
}

/* Read and validate the fields shared by setup and create. */
static bool staff_from_payload(json_t *p, struct staff *s, struct err *e)
{
	char role[16] = "";
	memset(s, 0, sizeof *s);
	if (!jx_str(p, "id", s->id, sizeof s->id, false, e) ||
	    !jx_str(p, "username", s->username, sizeof s->username, false, e) ||
	    !jx_str(p, "name", s->name, sizeof s->name, false, e) ||
	    !jx_str(p, "role", role, sizeof role, false, e) ||
	    !jx_str(p, "office_id", s->office_id, sizeof s->office_id, false, e) ||
	    !jx_str(p, "pw_hash", s->pw_hash, sizeof s->pw_hash, false, e) ||
	    !jx_bool(p, "must_change", &s->must_change, true, e))
		return false;
	if (!uuid_valid(s->id))
		return err_set(e, ST_INVALID, "无效的记录编号"), false;
	if (!check_username(s->username, e)) {
		snprintf(e->field, sizeof e->field, "username");
		return false;
	}
	if (!check_name(s->name, e)) {
		snprintf(e->field, sizeof e->field, "name");
		return false;
	}
	if (!role_parse(role, &s->role))
		return err_field(e, "role", ST_INVALID, "无效的角色 %s", role), false;
	if (strncmp(s->pw_hash, "$argon2id$", 10) != 0)
		return err_set(e, ST_INVALID, "密码哈希格式无效"), false;
	return true;
}

static enum status insert_new_staff(struct db *db, const struct staff *s, struct err *e)
{
	struct staff other;
	struct err ignore;
	if (staff_repo_by_username(db, s->username, &other, &ignore) == ST_OK)
		return err_field(e, "username", ST_EXISTS, "用户名 %s 已被使用", s->username);
	return staff_repo_insert(db, s, e);
}

/* ---- setup.init ---------------------------------------------------------- */

static enum status setup_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct db *db = run->svc->db;
	struct office o = { 0 };
	struct terminal t = { 0 };
	struct staff s;
	json_t *jo = json_object_get(p, "office"), *jt = json_object_get(p, "terminal");
	json_t *ja = json_object_get(p, "admin");

	if (!run->svc->centre && staff_repo_count(db) != 0)
		return err_set(e, ST_STATE, "本机已完成初始设置");
	if (!jx_str(jo, "id", o.id, sizeof o.id, false, e) ||
	    !jx_str(jo, "code", o.code, sizeof o.code, false, e) ||
	    !jx_str(jo, "name", o.name, sizeof o.name, false, e) ||
	    !jx_str(jt, "id", t.id, sizeof t.id, false, e) ||
	    !jx_str(jt, "code", t.code, sizeof t.code, false, e) ||
	    !jx_str(jt, "name", t.name, sizeof t.name, false, e))
		return e->st;
	if (!check_office_code(o.code, e))
		return err_field(e, "office_code", ST_INVALID, "%s", e->msg);
	if (!check_name(o.name, e))
		return err_field(e, "office_name", ST_INVALID, "受理点名称%s", e->msg);
	if (!check_name(t.name, e))
		return err_field(e, "terminal_name", ST_INVALID, "终端名称%s", e->msg);
	if (!staff_from_payload(ja, &s, e))
		return e->st;
	if (s.role != ROLE_ADMIN || strcmp(s.office_id, o.id) != 0)
		return err_set(e, ST_INVALID, "初始账户必须是本受理点的管理员");
	memcpy(t.office_id, o.id, sizeof t.office_id);

	enum status st = office_repo_insert(db, &o, e);
	if (st == ST_OK)
		st = terminal_repo_insert(db, &t, e);
	if (st == ST_OK)
		st = insert_new_staff(db, &s, e);
	json_t *prices = json_object_get(p, "prices");
	size_t i;
	json_t *item;
	json_array_foreach(prices, i, item) {
		if (st != ST_OK)
			break;
		struct price pr = { .active = true };
		char kind[16], subject[16];
		long long years, fen;
		if (!jx_str(item, "id", pr.id, sizeof pr.id, false, e) ||
		    !jx_str(item, "kind", kind, sizeof kind, false, e) ||
		    !jx_str(item, "subject", subject, sizeof subject, false, e) ||
		    !jx_int(item, "years", &years, false, e) || !jx_int(item, "fen", &fen, false, e) ||
		    !app_kind_parse(kind, &pr.kind) || !app_subject_parse(subject, &pr.subject) ||
		    years < 0 || years > APP_MAX_YEARS || fen < 0)
			return err_set(e, ST_INVALID, "初始价目表无效");
		pr.years = (int)years;
		pr.fen = fen;
		st = price_repo_put(db, &pr, e);
	}
	/* The centre records its own office too: its admins manage every
	 * office's accounts (office_managed). It has no terminal of its own. */
	if (st == ST_OK && !run->svc->centre)
		st = settings_set(db, "terminal_id", t.id, e);
	if (st == ST_OK)
		st = settings_set(db, "office_id", o.id, e);
	if (st != ST_OK)
		return st;
	run->entity = "office";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", o.id);
	run->after = json_pack("{s:s, s:s, s:s, s:s, s:o}", "office_code", o.code, "office_name",
			       o.name, "terminal_code", t.code, "terminal_name", t.name, "admin",
			       staff_json(&s));
	return ST_OK;
}
const struct command cmd_setup_init = { "setup.init", 1, ROLE_ADMIN, setup_apply };

/* The price list a new office starts with (db/seed/prices.txt), as the
 * setup payload carries it. */
static json_t *seed_prices(void)
{
	json_t *arr = json_array();
	const struct embedded_file *f = embedded_find("db/seed/prices.txt");
	const char *p = f ? f->data : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[128], kind[16], subject[16];
		int years;
		long long fen;
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		if (line[0] != '#' &&
		    sscanf(line, "%15s %15s %d %lld", kind, subject, &years, &fen) == 4) {
			char id[UUID_LEN + 1];
			uuid_v7(id);
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:I}", "id", id,
							     "kind", kind, "subject", subject,
							     "years", years, "fen", (json_int_t)fen));
		}
		p += n;
		if (*p)
			p++;
	}
	return arr;
}

bool svc_needs_setup(struct svc *svc)
{
	return staff_repo_count(svc->db) == 0;
}

enum status svc_setup(struct svc *svc, const struct setup_input *in, struct actor *out,
		      struct err *e)
{
	struct err pe;
	char office_id[UUID_LEN + 1], terminal_id[UUID_LEN + 1], admin_id[UUID_LEN + 1];
	char hash[PW_HASH_MAX];
	if (!check_staff_password(in->password, &pe))
		return err_field(e, "password", ST_INVALID, "%s", pe.msg);
	enum status st = password_hash(in->password, hash, e);
	if (st != ST_OK)
		return st;
	uuid_v7(office_id);
	uuid_v7(terminal_id);
	uuid_v7(admin_id);
	json_t *p = json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, s:s}}",
			      "office", "id", office_id, "code", in->office_code, "name",
			      in->office_name, "terminal", "id", terminal_id, "code", "01", "name",
			      in->terminal_name, "admin", "id", admin_id, "username",
			      in->admin_username, "name", in->admin_name, "role", "admin",
			      "office_id", office_id, "pw_hash", hash);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	json_object_set_new(p, "prices", seed_prices());
	struct actor a = { .role = ROLE_ADMIN };
	memcpy(a.id, admin_id, sizeof a.id);
	memcpy(a.office_id, office_id, sizeof a.office_id);
	memcpy(a.terminal_id, terminal_id, sizeof a.terminal_id);
	snprintf(a.username, sizeof a.username, "%s", in->admin_username);
	snprintf(a.name, sizeof a.name, "%s", in->admin_name);
	st = svc_exec(svc, &a, &cmd_setup_init, p, e);
	json_decref(p);
	sodium_memzero(hash, sizeof hash);
	if (st == ST_OK && out)
		*out = a;
	return st;
}

enum status svc_terminal_info(struct svc *svc, struct terminal_info *out, struct err *e)
{
	char tid[UUID_LEN + 1];
	struct terminal t;
	struct office o;
	memset(out, 0, sizeof *out);
	enum status st = settings_get(svc->db, "terminal_id", tid, sizeof tid, e);
	if (st == ST_OK)
		st = terminal_repo_get(svc->db, tid, &t, e);
	if (st == ST_OK)
		st = office_repo_get(svc->db, t.office_id, &o, e);
	if (st != ST_OK)
		return st;
	snprintf(out->office_code, sizeof out->office_code, "%s", o.code);
	snprintf(out->office_name, sizeof out->office_name, "%s", o.name);
	snprintf(out->terminal_code, sizeof out->terminal_code, "%s", t.code);
	snprintf(out->terminal_name, sizeof out->terminal_name, "%s", t.name);
	return ST_OK;
}

/* ---- login --------------------------------------------------------------- */

static void actor_of(const struct staff *s, const char *terminal_id, struct actor *a)
{
	memset(a, 0, sizeof *a);
	memcpy(a->id, s->id, sizeof a->id);
	memcpy(a->username, s->username, sizeof a->username);
	memcpy(a->name, s->name, sizeof a->name);
	memcpy(a->office_id, s->office_id, sizeof a->office_id);
	snprintf(a->terminal_id, sizeof a->terminal_id, "%s", terminal_id);
	a->role = s->role;
}

/* Record a login event (audit only: it changes no business record). */
static enum status login_event(struct svc *svc, const struct actor *a, const char *action,
			       const struct staff *s, struct err *e)
{
	enum status st = db_begin(svc->db, e);
	if (st != ST_OK)
		return st;
	struct audit_rec rec = { .action = action, .entity = "staff", .entity_id = s->id };
	st = staff_repo_update(svc->db, s, e);
	if (st == ST_OK)
		st = audit_append(svc->db, a, &rec, e);
	if (st == ST_OK)
		return db_commit(svc->db, e);
	db_rollback(svc->db);
	return st;
}

/*
 * Whose accounts an admin manages. An office's admin manages that office's
 * staff; at the centre, an admin of the centre's own office (the one
 * `certdeskd init` made, settings office_id) manages every office's. A
 * terminal knows only its own office's rule: the centre decides again.
 */
static enum status office_managed(struct svc_run *run, const char *office_id, struct err *e)
{
	if (strcmp(office_id, run->actor->office_id) == 0)
		return ST_OK;
	char home[UUID_LEN + 1] = "";
	struct err nf;
	if (run->svc->centre &&
	    settings_get(run->svc->db, "office_id", home, sizeof home, &nf) == ST_OK &&
	    strcmp(home, run->actor->office_id) == 0)
		return ST_OK;
	return err_set(e, ST_DENIED, run->svc->centre
		? "受理点的管理员只能管理本受理点的账户；其他受理点的账户须由中心的管理员管理"
		: "只能为本受理点创建账户");
}

static enum status lock_apply(struct svc_run *run, json_t *p, struct err *e)
{
	char id[UUID_LEN + 1];
	struct staff s;
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	enum status st = staff_repo_get(run->svc->db, id, &s, e);
	if (st != ST_OK)
		return st;
	if (strcmp(run->actor->id, id) != 0 && !actor_can(run->actor, ROLE_ADMIN))
		return err_status(e, ST_DENIED);
	if (run->svc->centre && strcmp(run->actor->id, id) != 0) {
		st = office_managed(run, s.office_id, e);
		if (st != ST_OK)
			return st;
	}
	run_on(run, &s, id);
	s.locked = true;
	s.failed_logins = s.failed_logins < STAFF_MAX_FAILED_LOGINS ? STAFF_MAX_FAILED_LOGINS
								     : s.failed_logins;
	run->after = staff_json(&s);
	return staff_repo_update(run->svc->db, &s, e);
}
const struct command cmd_staff_lock = { "staff.lock", 1, ROLE_CLERK, lock_apply };

enum status svc_login(struct svc *svc, const char *username, const char *password,
		      struct actor *out, bool *must_change, struct err *e)
{
	struct staff s;
	struct err nf;
	char tid[UUID_LEN + 1] = "";
	settings_get(svc->db, "terminal_id", tid, sizeof tid, &nf);
	if (staff_repo_by_username(svc->db, username, &s, &nf) != ST_OK) {
		/* Same cost and message as a wrong password: no user enumeration. */
		char spent[PW_HASH_MAX];
		password_hash(password, spent, NULL);
		return err_set(e, ST_AUTH, "用户名或密码错误");
	}
	struct actor a;
	actor_of(&s, tid, &a);
	if (s.disabled)
		return err_set(e, ST_DENIED, "该账户已停用，请联系管理员");
	if (s.locked)
		return err_set(e, ST_LOCKED, "该账户已锁定（密码连续错误 %d 次），请联系管理员解锁",
			       STAFF_MAX_FAILED_LOGINS);
	if (!password_verify(s.pw_hash, password)) {
		s.failed_logins++;
		if (s.failed_logins >= STAFF_MAX_FAILED_LOGINS) {
			json_t *p = json_pack("{s:s}", "id", s.id);
			enum status st = svc_exec(svc, &a, &cmd_staff_lock, p, e);
			json_decref(p);
			if (st != ST_OK)
				return st;
			log_warn("account %s locked after %d failed logins", s.id, s.failed_logins);
			return err_set(e, ST_LOCKED,
				       "密码连续错误 %d 次，账户已锁定，请联系管理员解锁",
				       STAFF_MAX_FAILED_LOGINS);
		}
		enum status st = login_event(svc, &a, "staff.login_failed", &s, e);
		if (st != ST_OK)
			return st;
		int left = STAFF_MAX_FAILED_LOGINS - s.failed_logins;
		return err_set(e, ST_AUTH, "用户名或密码错误%s", left <= 2
			       ? (left == 1 ? "（再错 1 次将锁定账户）" : "（再错 2 次将锁定账户）")
			       : "");
	}
	s.failed_logins = 0;
	enum status st = login_event(svc, &a, "staff.login", &s, e);
	if (st != ST_OK)
		return st;
	*out = a;
	if (must_change)
		*must_change = s.must_change;
	return ST_OK;
}

/* ---- admin commands ------------------------------------------------------ */

static enum status create_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct staff s;
	if (!staff_from_payload(p, &s, e))
		return e->st;
	enum status ost = office_managed(run, s.office_id, e);
	if (ost != ST_OK)
		return ost;
	enum status st = insert_new_staff(run->svc->db, &s, e);
	if (st != ST_OK)
		return st;
	run_on(run, NULL, s.id);
	run->after = staff_json(&s);
	return ST_OK;
}
const struct command cmd_staff_create = { "staff.create", 1, ROLE_ADMIN, create_apply };

enum status svc_staff_create(struct svc *svc, const struct actor *a, const char *username,
			     const char *name, enum role role, const char *password,
			     char id_out[UUID_LEN + 1], struct err *e)
{
	struct err pe;
	char id[UUID_LEN + 1], hash[PW_HASH_MAX];
	if (!actor_can(a, ROLE_ADMIN))
		return err_set(e, ST_DENIED, "只有管理员可以创建账户");
	if (!check_staff_password(password, &pe))
		return err_field(e, "password", ST_INVALID, "%s", pe.msg);
	enum status st = password_hash(password, hash, e);
	if (st != ST_OK)
		return st;
	uuid_v7(id);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", id, "username", username,
			      "name", name, "role", role_code(role), "office_id", a->office_id,
			      "pw_hash", hash, "must_change", 1);
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	st = svc_exec(svc, a, &cmd_staff_create, p, e);
	json_decref(p);
	if (st == ST_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return st;
}

/* Load the account named by the payload's "id" and register it with the run. */
static enum status load_target(struct svc_run *run, json_t *p, struct staff *s, struct err *e)
{
	char id[UUID_LEN + 1];
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	enum status st = staff_repo_get(run->svc->db, id, s, e);
	if (st != ST_OK)
		return st;
	/* Every account is its own to change (a password); another's only
	 * under office_managed, checked at the centre, which sees them all. */
	if (run->svc->centre && strcmp(id, run->actor->id) != 0) {
		st = office_managed(run, s->office_id, e);
		if (st != ST_OK)
			return st;
	}
	run_on(run, s, id);
	return ST_OK;
}

static long active_admins(struct db *db)
{
	struct err e;
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) FROM staff WHERE role = 'admin'"
				       " AND disabled_at IS NULL", &e);
	if (!st)
		return -1;
	long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

static enum status update_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct staff s;
	char name[NAME_MAX_BYTES], role[16];
	enum status st = load_target(run, p, &s, e);
	if (st != ST_OK)
		return st;
	if (!jx_str(p, "name", name, sizeof name, false, e) ||
	    !jx_str(p, "role", role, sizeof role, false, e))
		return e->st;
	if (!check_name(name, e))
		return err_field(e, "name", ST_INVALID, "%s", e->msg);
	enum role r;
	if (!role_parse(role, &r))
		return err_field(e, "role", ST_INVALID, "无效的角色 %s", role);
	if (s.role == ROLE_ADMIN && r != ROLE_ADMIN && !s.disabled && active_admins(run->svc->db) <= 1)
		return err_field(e, "role", ST_STATE, "这是唯一的管理员账户，不能改为其他角色");
	snprintf(s.name, sizeof s.name, "%s", name);
	s.role = r;
	run->after = staff_json(&s);
	return staff_repo_update(run->svc->db, &s, e);
}
const struct command cmd_staff_update = { "staff.update", 1, ROLE_ADMIN, update_apply };

enum status svc_staff_update(struct svc *svc, const struct actor *a, const char *id,
			     const char *name, enum role role, struct err *e)
{
	json_t *p = json_pack("{s:s, s:s, s:s}", "id", id, "name", name, "role", role_code(role));
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, &cmd_staff_update, p, e);
	json_decref(p);
	return st;
}

static enum status disable_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct staff s;
	bool disabled;
	enum status st = load_target(run, p, &s, e);
	if (st != ST_OK)
		return st;
	if (!jx_bool(p, "disabled", &disabled, false, e))
		return e->st;
	if (disabled && strcmp(s.id, run->actor->id) == 0)
		return err_set(e, ST_STATE, "不能停用自己的账户");
	if (disabled && s.role == ROLE_ADMIN && !s.disabled && active_admins(run->svc->db) <= 1)
		return err_set(e, ST_STATE, "这是唯一的管理员账户，不能停用");
	if (s.disabled == disabled)
		return err_set(e, ST_STATE, disabled ? "该账户已是停用状态" : "该账户已是启用状态");
	s.disabled = disabled;
	run->after = staff_json(&s);
	return staff_repo_update(run->svc->db, &s, e);
}
const struct command cmd_staff_disable = { "staff.disable", 1, ROLE_ADMIN, disable_apply };

enum status svc_staff_set_disabled(struct svc *svc, const struct actor *a, const char *id,
				   bool disabled, struct err *e)
{
	json_t *p = json_pack("{s:s, s:b}", "id", id, "disabled", disabled);
	enum status st = svc_exec(svc, a, &cmd_staff_disable, p, e);
	json_decref(p);
	return st;
}

static enum status unlock_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct staff s;
	enum status st = load_target(run, p, &s, e);
	if (st != ST_OK)
		return st;
	if (!s.locked)
		return err_set(e, ST_STATE, "该账户未被锁定");
	s.locked = false;
	s.failed_logins = 0;
	run->after = staff_json(&s);
	return staff_repo_update(run->svc->db, &s, e);
}
const struct command cmd_staff_unlock = { "staff.unlock", 1, ROLE_ADMIN, unlock_apply };

enum status svc_staff_unlock(struct svc *svc, const struct actor *a, const char *id,
			     struct err *e)
{
	json_t *p = json_pack("{s:s}", "id", id);
	enum status st = svc_exec(svc, a, &cmd_staff_unlock, p, e);
	json_decref(p);
	return st;
}

/* Shared by reset (admin, must change) and change (self). */
static enum status set_hash(struct svc_run *run, json_t *p, bool must_change, struct err *e)
{
	struct staff s;
	char hash[PW_HASH_MAX];
	enum status st = load_target(run, p, &s, e);
	if (st != ST_OK)
		return st;
	if (!jx_str(p, "pw_hash", hash, sizeof hash, false, e))
		return e->st;
	if (strncmp(hash, "$argon2id$", 10) != 0)
		return err_set(e, ST_INVALID, "密码哈希格式无效");
	memcpy(s.pw_hash, hash, sizeof s.pw_hash);
	s.must_change = must_change;
	s.locked = must_change ? false : s.locked;
	s.failed_logins = must_change ? 0 : s.failed_logins;
	run->after = staff_json(&s);
	return staff_repo_update(run->svc->db, &s, e);
}

static enum status reset_apply(struct svc_run *run, json_t *p, struct err *e)
{
	if (strcmp(jx_cstr(p, "id") ? jx_cstr(p, "id") : "", run->actor->id) == 0)
		return err_set(e, ST_STATE, "请通过“修改密码”更改自己的密码");
	return set_hash(run, p, true, e);
}
const struct command cmd_staff_reset_password = { "staff.reset_password", 1, ROLE_ADMIN,
						  reset_apply };

static enum status change_apply(struct svc_run *run, json_t *p, struct err *e)
{
	if (strcmp(jx_cstr(p, "id") ? jx_cstr(p, "id") : "", run->actor->id) != 0)
		return err_set(e, ST_DENIED, "只能修改自己的密码");
	return set_hash(run, p, false, e);
}
const struct command cmd_staff_change_password = { "staff.change_password", 1, ROLE_CLERK,
						   change_apply };

static enum status exec_with_hash(struct svc *svc, const struct actor *a,
				  const struct command *cmd, const char *id, const char *password,
				  struct err *e)
{
	struct err pe;
	char hash[PW_HASH_MAX];
	if (!check_staff_password(password, &pe))
		return err_field(e, "password", ST_INVALID, "%s", pe.msg);
	enum status st = password_hash(password, hash, e);
	if (st != ST_OK)
		return st;
	json_t *p = json_pack("{s:s, s:s}", "id", id, "pw_hash", hash);
	st = svc_exec(svc, a, cmd, p, e);
	json_decref(p);
	sodium_memzero(hash, sizeof hash);
	return st;
}

enum status svc_staff_reset_password(struct svc *svc, const struct actor *a, const char *id,
				     const char *password, struct err *e)
{
	return exec_with_hash(svc, a, &cmd_staff_reset_password, id, password, e);
}

enum status svc_staff_change_password(struct svc *svc, const struct actor *a,
				      const char *old_password, const char *new_password,
				      struct err *e)
{
	struct staff s;
	enum status st = staff_repo_get(svc->db, a->id, &s, e);
	if (st != ST_OK)
		return st;
	if (!password_verify(s.pw_hash, old_password))
		return err_field(e, "old_password", ST_AUTH, "原密码不正确");
	if (strcmp(old_password, new_password) == 0)
		return err_field(e, "password", ST_INVALID, "新密码不能与原密码相同");
	return exec_with_hash(svc, a, &cmd_staff_change_password, a->id, new_password, e);
}

int svc_staff_page(struct svc *svc, enum page_dir dir, const char *key, struct staff *out, int max,
		   struct err *e)
{
	return staff_repo_page(svc->db, dir, key, out, max, e);
}

int svc_office_list(struct svc *svc, struct office *out, int max, struct err *e)
{
	return office_repo_list(svc->db, out, max, e);
}

long svc_staff_count(struct svc *svc)
{
	return staff_repo_count(svc->db);
}

enum status svc_staff_get(struct svc *svc, const char *id, struct staff *out, struct err *e)
{
	return staff_repo_get(svc->db, id, out, e);
}
