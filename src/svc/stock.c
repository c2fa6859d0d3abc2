/* The KEY stock (介质库存): receive, issue, damage, return, and the ledger. */
#include "svc/stock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/application.h"
#include "store/app_repo.h"
#include "svc/commands.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/utf8.h"

/* ---- helpers of the commands ---- */

/* The note of a movement: trimmed, at most 128 characters, no control
 * characters; `required` refuses an empty one with `what` as its name. */
static bool take_note(json_t *p, char note[STOCK_NOTE_MAX], bool required, const char *what,
		      struct err *e)
{
	if (!jx_str(p, "note", note, STOCK_NOTE_MAX, true, e))
		return false;
	char *t = utf8_trim(note);
	memmove(note, t, strlen(t) + 1);
	if (required && !note[0])
		return err_field(e, "note", ST_INVALID, "请填写%s", what), false;
	if (utf8_count(note) > 128)
		return err_field(e, "note", ST_INVALID, "%s最多 128 个字", what), false;
	for (const unsigned char *c = (const unsigned char *)note; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return err_field(e, "note", ST_INVALID, "%s含有控制字符", what), false;
	return true;
}

/* A KEY serial from the payload, checked and normalised. */
static bool take_serial(const char *in, char out[KEY_SERIAL_MAX], struct err *e)
{
	char buf[KEY_SERIAL_MAX + 32];
	if (!in || strlen(in) >= sizeof buf)
		return err_field(e, "key_serial", ST_INVALID, "KEY 序列号无效"), false;
	snprintf(buf, sizeof buf, "%s", in);
	key_serial_normalize(buf);
	struct err why;
	if (!check_key_serial(buf, &why))
		return err_field(e, "key_serial", ST_INVALID, "%s", why.msg), false;
	snprintf(out, KEY_SERIAL_MAX, "%s", buf);
	return true;
}

/* The movement document every command writes; id from the payload. */
static bool move_begin(struct svc_run *run, json_t *p, enum stock_move kind,
		       struct stock_moverec *m, struct err *e)
{
	memset(m, 0, sizeof *m);
	if (!jx_str(p, "move_id", m->id, sizeof m->id, false, e))
		return false;
	if (!uuid_valid(m->id))
		return err_set(e, ST_INVALID, "命令参数无效：move_id"), false;
	if (!run->actor->office_id[0])
		return err_set(e, ST_DENIED, "您的账户不属于任何受理点，不能办理库存"), false;
	snprintf(m->office_id, sizeof m->office_id, "%s", run->actor->office_id);
	snprintf(m->by_id, sizeof m->by_id, "%s", run->actor->id);
	m->kind = kind;
	clock_iso(clock_now(), m->at);
	return true;
}

/* The KEY, which must be of the actor's office. */
static enum status own_key(struct svc_run *run, const char *serial, struct stock_key *k,
			   struct err *e)
{
	enum status st = stock_repo_get(run->svc->db, serial, k, e);
	if (st == ST_NOT_FOUND)
		snprintf(e->field, sizeof e->field, "key_serial");
	if (st != ST_OK)
		return st;
	if (strcmp(k->office_id, run->actor->office_id) != 0)
		return err_field(e, "key_serial", ST_DENIED,
				 "KEY %s 属于受理点 %s 的库存，不能在本受理点办理", serial,
				 k->office_code[0] ? k->office_code : "（未知）");
	return ST_OK;
}

static json_t *key_json(const struct stock_key *k)
{
	json_t *j = json_pack("{s:s, s:s}", "key_serial", k->serial, "state",
			      stock_state_code(k->state));
	if (j && k->application_id[0])
		json_object_set_new(j, "application_id", json_string(k->application_id));
	return j;
}

/* Move one KEY of the actor's office: check, write the KEY and the line. */
static enum status move_key(struct svc_run *run, struct stock_moverec *m, struct stock_key *k,
			    struct err *e)
{
	enum stock_state to;
	enum stock_state from = k->state;
	if (!stock_move_allowed(k->serial, from, m->kind, &to, e)) {
		if (from == STOCK_ISSUED && m->kind == MOVE_ISSUE && k->app_number[0])
			err_set(e, ST_STATE, "KEY %s 已经发放给申请单 %s，不能重复发放", k->serial,
				k->app_number);
		snprintf(e->field, sizeof e->field, "key_serial");
		return e->st;
	}
	k->state = to;
	snprintf(k->last_move, sizeof k->last_move, "%s", m->id);
	snprintf(k->updated_at, sizeof k->updated_at, "%s", m->at);
	enum status st = stock_repo_put(run->svc->db, k, e);
	if (st == ST_OK)
		st = stock_repo_item_insert(run->svc->db, m->id, k->serial, stock_state_code(from), e);
	return st;
}

/* The serials of a payload array, checked, in order, without repeats. */
static bool take_list(json_t *p, struct key_list *l, struct err *e)
{
	json_t *arr = json_object_get(p, "serials");
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return err_set(e, ST_INVALID, "没有 KEY 序列号"), false;
	if (json_array_size(arr) > STOCK_BATCH_MAX)
		return err_set(e, ST_INVALID, "一次最多 %d 个 KEY", STOCK_BATCH_MAX), false;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		char s[KEY_SERIAL_MAX];
		if (!take_serial(json_string_value(v), s, e))
			return false;
		struct err ignore;
		if (key_list_add_range(l, s, s, STOCK_BATCH_MAX, &ignore) != ST_OK)
			return err_status(e, ST_NOMEM), false;
	}
	return key_list_finish(l, e) == ST_OK;
}

static void move_range(struct stock_moverec *m, const struct key_list *l)
{
	m->count = l->n;
	snprintf(m->first_serial, sizeof m->first_serial, "%s", l->serial[0]);
	snprintf(m->last_serial, sizeof m->last_serial, "%s", l->serial[l->n - 1]);
}

static void move_audit(struct svc_run *run, const struct stock_moverec *m)
{
	run->entity = "key";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", m->id);
	run->after = json_pack("{s:s, s:i, s:s, s:s, s:s}", "kind", stock_move_code(m->kind),
			       "count", m->count, "first_serial", m->first_serial, "last_serial",
			       m->last_serial, "note", m->note);
}

/* ---- stock.receive ---- */

static enum status receive_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct stock_moverec m;
	if (!move_begin(run, p, MOVE_RECEIVE, &m, e) || !take_note(p, m.note, false, "备注", e))
		return e->st;
	struct key_list l;
	key_list_init(&l);
	if (!take_list(p, &l, e)) {
		key_list_done(&l);
		return e->st;
	}
	move_range(&m, &l);
	enum status st = stock_repo_move_insert(run->svc->db, &m, e);
	for (int i = 0; st == ST_OK && i < l.n; i++) {
		struct stock_key k;
		struct err nf;
		err_clear(&nf);
		enum stock_state from = STOCK_RETURNED; /* a new KEY enters like a returned one */
		st = stock_repo_get(run->svc->db, l.serial[i], &k, &nf);
		bool known = st == ST_OK;
		if (known) {
			from = k.state;
			if (from != STOCK_RETURNED) {
				st = err_field(e, "key_serial", from == STOCK_IN_STOCK ? ST_EXISTS : ST_STATE,
					       "KEY %s 已在受理点 %s 的台账上（%s），不能再入库；"
					       "这一批都没有入库",
					       k.serial, k.office_code[0] ? k.office_code : "（未知）",
					       stock_state_label(from));
				break;
			}
		} else if (st == ST_NOT_FOUND) {
			memset(&k, 0, sizeof k);
			snprintf(k.serial, sizeof k.serial, "%s", l.serial[i]);
			st = ST_OK;
		} else {
			*e = nf;
			break;
		}
		k.state = STOCK_IN_STOCK;
		snprintf(k.office_id, sizeof k.office_id, "%s", m.office_id);
		snprintf(k.received_move, sizeof k.received_move, "%s", m.id);
		snprintf(k.last_move, sizeof k.last_move, "%s", m.id);
		k.application_id[0] = '\0';
		snprintf(k.updated_at, sizeof k.updated_at, "%s", m.at);
		st = stock_repo_put(run->svc->db, &k, e);
		if (st == ST_OK)
			st = stock_repo_item_insert(run->svc->db, m.id, k.serial,
						    known ? stock_state_code(from) : "",
						    e);
	}
	key_list_done(&l);
	if (st == ST_OK)
		move_audit(run, &m);
	return st;
}
const struct command cmd_stock_receive = { "stock.receive", 1, ROLE_CLERK, receive_apply };

/* ---- stock.issue ---- */

static enum status issue_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct stock_moverec m;
	char serial[KEY_SERIAL_MAX];
	if (!move_begin(run, p, MOVE_ISSUE, &m, e) ||
	    !jx_str(p, "application_id", m.application_id, sizeof m.application_id, false, e) ||
	    !take_serial(jx_cstr(p, "key_serial"), serial, e))
		return e->st;
	struct application app;
	enum status st = app_repo_get(run->svc->db, m.application_id, &app, e);
	if (st != ST_OK)
		return st;
	if (strcmp(app.office_id, run->actor->office_id) != 0)
		return err_set(e, ST_DENIED, "申请单 %s 不是本受理点的，不能从本受理点库存发放 KEY",
			       app.number);
	if (app.status != APP_ACCEPTED && app.status != APP_READY)
		return err_set(e, ST_STATE, "申请单 %s 状态为“%s”，不能发放 KEY", app.number,
			       app_status_label(app.status));
	struct stock_key k, held;
	if ((st = own_key(run, serial, &k, e)) != ST_OK)
		return st;
	struct err nf;
	err_clear(&nf);
	st = stock_repo_issued_to(run->svc->db, app.id, &held, &nf);
	if (st == ST_OK && strcmp(held.serial, serial) != 0)
		return err_set(e, ST_STATE, "申请单 %s 已发放 KEY %s；如需更换，请先把它登记为损坏",
			       app.number, held.serial);
	if (st != ST_OK && st != ST_NOT_FOUND)
		return *e = nf, st;
	/* No base version: the KEY's state decides at the centre, so two
	 * movements of one KEY made offline (issued, then taken back) do not
	 * collide on a version the first one changed. */
	run->before = key_json(&k);
	m.count = 1;
	snprintf(m.first_serial, sizeof m.first_serial, "%s", serial);
	snprintf(m.last_serial, sizeof m.last_serial, "%s", serial);
	snprintf(m.note, sizeof m.note, "%s", app.number);
	if ((st = stock_repo_move_insert(run->svc->db, &m, e)) != ST_OK)
		return st;
	snprintf(k.application_id, sizeof k.application_id, "%s", app.id);
	if ((st = move_key(run, &m, &k, e)) != ST_OK)
		return st;
	run->entity = "key";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", m.id);
	run->after = key_json(&k);
	json_object_set_new(run->after, "number", json_string(app.number));
	return ST_OK;
}
const struct command cmd_stock_issue = { "stock.issue", 1, ROLE_CLERK, issue_apply };

/* ---- stock.damage ---- */

static enum status damage_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct stock_moverec m;
	char serial[KEY_SERIAL_MAX];
	if (!move_begin(run, p, MOVE_DAMAGE, &m, e) || !take_note(p, m.note, true, "损坏原因", e) ||
	    !take_serial(jx_cstr(p, "key_serial"), serial, e))
		return e->st;
	struct stock_key k;
	enum status st = own_key(run, serial, &k, e);
	if (st != ST_OK)
		return st;
	run->before = key_json(&k);  /* no base version: see issue_apply */
	m.count = 1;
	snprintf(m.first_serial, sizeof m.first_serial, "%s", serial);
	snprintf(m.last_serial, sizeof m.last_serial, "%s", serial);
	if (k.state == STOCK_ISSUED)
		snprintf(m.application_id, sizeof m.application_id, "%s", k.application_id);
	if ((st = stock_repo_move_insert(run->svc->db, &m, e)) != ST_OK ||
	    (st = move_key(run, &m, &k, e)) != ST_OK)
		return st;
	move_audit(run, &m);
	json_object_set_new(run->after, "key_serial", json_string(serial));
	return ST_OK;
}
const struct command cmd_stock_damage = { "stock.damage", 1, ROLE_CLERK, damage_apply };

/* ---- stock.return ---- */

static enum status return_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct stock_moverec m;
	if (!move_begin(run, p, MOVE_RETURN, &m, e) || !take_note(p, m.note, true, "退回说明", e))
		return e->st;
	struct key_list l;
	key_list_init(&l);
	if (!take_list(p, &l, e)) {
		key_list_done(&l);
		return e->st;
	}
	move_range(&m, &l);
	enum status st = stock_repo_move_insert(run->svc->db, &m, e);
	for (int i = 0; st == ST_OK && i < l.n; i++) {
		struct stock_key k;
		st = own_key(run, l.serial[i], &k, e);
		if (st == ST_OK)
			st = move_key(run, &m, &k, e);
	}
	key_list_done(&l);
	if (st != ST_OK && m.count > 1)
		snprintf(e->msg + strlen(e->msg), sizeof e->msg - strlen(e->msg), "；这一批都没有退回");
	if (st == ST_OK)
		move_audit(run, &m);
	return st;
}
const struct command cmd_stock_return = { "stock.return", 1, ROLE_SUPERVISOR, return_apply };

/* ---- the public functions ---- */

static enum status exec(struct svc *svc, const struct actor *a, const struct command *cmd,
			json_t *p, struct err *e)
{
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, cmd, p, e);
	json_decref(p);
	return st;
}

static json_t *list_json(const struct key_list *keys)
{
	json_t *arr = json_array();
	for (int i = 0; arr && i < keys->n; i++)
		json_array_append_new(arr, json_string(keys->serial[i]));
	return arr;
}

#define S(x) ((x) ? (x) : "")

enum status svc_stock_receive(struct svc *svc, const struct actor *a, const struct key_list *keys,
			      const char *note, char move_id[UUID_LEN + 1], struct err *e)
{
	if (!keys || keys->n == 0)
		return err_field(e, "serials", ST_INVALID, "没有要入库的 KEY");
	char id[UUID_LEN + 1];
	uuid_v7(id);
	enum status st = exec(svc, a, &cmd_stock_receive,
			      json_pack("{s:s, s:o, s:s}", "move_id", id, "serials", list_json(keys),
					"note", S(note)), e);
	if (st == ST_OK && move_id)
		memcpy(move_id, id, UUID_LEN + 1);
	return st;
}

enum status svc_stock_issue(struct svc *svc, const struct actor *a, const char *application_id,
			    const char *key_serial, struct err *e)
{
	char id[UUID_LEN + 1];
	uuid_v7(id);
	return exec(svc, a, &cmd_stock_issue,
		    json_pack("{s:s, s:s, s:s}", "move_id", id, "application_id", S(application_id),
			      "key_serial", S(key_serial)), e);
}

enum status svc_stock_damage(struct svc *svc, const struct actor *a, const char *key_serial,
			     const char *reason, struct err *e)
{
	char id[UUID_LEN + 1];
	uuid_v7(id);
	return exec(svc, a, &cmd_stock_damage,
		    json_pack("{s:s, s:s, s:s}", "move_id", id, "key_serial", S(key_serial), "note",
			      S(reason)), e);
}

enum status svc_stock_return(struct svc *svc, const struct actor *a, const struct key_list *keys,
			     const char *note, struct err *e)
{
	if (!keys || keys->n == 0)
		return err_field(e, "serials", ST_INVALID, "没有要退回的 KEY");
	char id[UUID_LEN + 1];
	uuid_v7(id);
	return exec(svc, a, &cmd_stock_return,
		    json_pack("{s:s, s:o, s:s}", "move_id", id, "serials", list_json(keys), "note",
			      S(note)), e);
}

enum status svc_stock_ledger(struct svc *svc, const struct actor *a, const char *office_id,
			     struct stock_ledger *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	const char *office = office_id && *office_id ? office_id : a->office_id;
	/* One snapshot for both queries, unless a transaction is open. */
	bool own = !db_in_tx(svc->db);
	enum status st = own ? db_begin_read(svc->db, e) : ST_OK;
	if (st != ST_OK)
		return st;
	st = stock_repo_counts(svc->db, office, out->state, e);
	if (st == ST_OK)
		st = stock_repo_moved(svc->db, office, NULL, NULL, NULL, out->moved, e);
	/* Today: from local midnight to the next. */
	time_t now = clock_now();
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t from = mktime(&tm);
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t to = mktime(&tm);
	char t0[21], t1[21];
	clock_iso(from, t0);
	clock_iso(to, t1);
	if (st == ST_OK)
		st = stock_repo_moved(svc->db, office, NULL, t0, t1, out->today, e);
	if (own) {
		if (st == ST_OK)
			st = db_commit(svc->db, e);
		else
			db_rollback(svc->db);
	}
	for (int i = 0; i < STOCK_STATE__COUNT; i++)
		out->total += out->state[i];
	return st;
}

enum status svc_stock_get(struct svc *svc, const char *serial, struct stock_key *out,
			  struct err *e)
{
	char s[KEY_SERIAL_MAX];
	if (!take_serial(serial, s, e))
		return e->st;
	return stock_repo_get(svc->db, s, out, e);
}

enum status svc_stock_of_application(struct svc *svc, const char *application_id,
				     struct stock_key *out, struct err *e)
{
	return stock_repo_issued_to(svc->db, application_id, out, e);
}

static void filter_of(struct stock_filter *f, const struct actor *a, int state, const char *prefix)
{
	memset(f, 0, sizeof *f);
	snprintf(f->office_id, sizeof f->office_id, "%s", a->office_id);
	f->state = state >= 0 && state < STOCK_STATE__COUNT ? state : -1;
	snprintf(f->prefix, sizeof f->prefix, "%s", S(prefix));
	key_serial_normalize(f->prefix);
}

int svc_stock_page(struct svc *svc, const struct actor *a, int state, const char *prefix,
		   enum page_dir dir, const char *key, struct stock_key *out, int max,
		   struct err *e)
{
	struct stock_filter f;
	filter_of(&f, a, state, prefix);
	return stock_repo_page(svc->db, &f, dir, key, out, max, e);
}

long svc_stock_count(struct svc *svc, const struct actor *a, int state, const char *prefix)
{
	struct stock_filter f;
	filter_of(&f, a, state, prefix);
	return stock_repo_count(svc->db, &f);
}

int svc_stock_moves(struct svc *svc, const struct actor *a, enum page_dir dir, const char *key,
		    struct stock_moverec *out, int max, struct err *e)
{
	return stock_repo_moves(svc->db, a->office_id, dir, key, out, max, e);
}
