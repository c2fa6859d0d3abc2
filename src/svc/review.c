/* The supervisor's work after submission: queues, made, posted, collected,
 * return reasons, bulk acceptance, history. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/validate.h"
#include "store/app_repo.h"
#include "store/party_repo.h"
#include "store/queue_repo.h"
#include "svc/app_internal.h"
#include "svc/app_kind.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/review.h"
#include "svc/app.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/fs.h"
#include "util/embedded.h"
#include "util/jsonx.h"
#include "util/utf8.h"

const char *queue_label(enum queue q)
{
	static const char *const labels[QUEUE__COUNT] = {
		[QUEUE_PENDING] = "待审核", [QUEUE_TO_MAKE] = "待制证", [QUEUE_PICKUP] = "待领取",
		[QUEUE_POST] = "待寄出", [QUEUE_RETURNED] = "已退回",
	};
	return (unsigned)q < QUEUE__COUNT ? labels[q] : "?";
}

/* Local dates into UTC bounds of submitted_at. */
static bool bounds(const struct queue_filter *f, char from[21], char to[21], struct err *e)
{
	from[0] = to[0] = '\0';
	struct tm tm;
	int y, m, d;
	if (f->from[0]) {
		time_t t;
		if (!clock_parse_iso(f->from, &t) || sscanf(f->from, "%d-%d-%d", &y, &m, &d) != 3)
			return err_field(e, "from", ST_INVALID, "起始日期应为 YYYY-MM-DD"), false;
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d, tm.tm_isdst = -1;
		clock_iso(mktime(&tm), from);
	}
	if (f->to[0]) {
		time_t t;
		if (!clock_parse_iso(f->to, &t) || sscanf(f->to, "%d-%d-%d", &y, &m, &d) != 3)
			return err_field(e, "to", ST_INVALID, "截止日期应为 YYYY-MM-DD"), false;
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d + 1, tm.tm_isdst = -1;
		clock_iso(mktime(&tm), to);
	}
	return true;
}

int svc_queue_page(struct svc *svc, enum queue q, const struct queue_filter *f,
		   enum page_dir dir, const char *key, struct application *out, int max,
		   struct err *e)
{
	static const struct queue_filter none;
	char from[21], to[21];
	if (!f)
		f = &none;
	if (!bounds(f, from, to, e))
		return -1;
	struct queue_where w = { f->office_id, f->created_by, f->kind, from, to };
	return queue_repo_page(svc->db, (enum queue_kind)q, &w, dir, key, out, max, e);
}

void svc_queue_key(const struct application *a, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s|%s", a->submitted_at, a->id);
}

void svc_queue_counts(struct svc *svc, const struct queue_filter *f, long counts[QUEUE__COUNT])
{
	static const struct queue_filter none;
	char from[21], to[21];
	struct err e;
	if (!f)
		f = &none;
	bool ok = bounds(f, from, to, &e);
	struct queue_where w = { f->office_id, f->created_by, f->kind, from, to };
	for (int q = 0; q < QUEUE__COUNT; q++)
		counts[q] = ok ? queue_repo_count(svc->db, (enum queue_kind)q, &w) : -1;
}

/* A supervisor's step on someone else's application. */
static enum status step(struct svc_run *run, json_t *p, enum app_action act,
			struct application *a, struct err *e)
{
	enum status st = app_load(run, p, a, e);
	if (st != ST_OK)
		return st;
	if (strcmp(a->created_by, run->actor->id) == 0)
		return err_set(e, ST_DENIED, "不能办理自己录入的申请单（%s），请由其他审核员办理",
			       a->number);
	enum app_status next;
	if (!app_transition(a->status, act, &next, e) || !app_kind_allows(a->kind, act, e))
		return e->st;
	a->status = next;
	return ST_OK;
}

static void after(struct svc_run *run, const struct application *a)
{
	run->after = app_json(a);
	json_object_set_new(run->after, "issued_serial", json_string(a->issued_serial));
	json_object_set_new(run->after, "courier", json_string(a->courier));
	json_object_set_new(run->after, "tracking_no", json_string(a->tracking_no));
	char masked[32] = "";
	if (a->collector_id_number[0])
		mask_id_number(a->collector_id_number, masked);
	json_object_set_new(run->after, "collector", json_pack("{s:s, s:s}", "name",
			    a->collector_name, "id_number", masked));
}

/* ---- application.make ---- */

static enum status make_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct application a;
	char serial[SERIAL_MAX];
	if (!jx_str(p, "serial", serial, sizeof serial, false, e))
		return e->st;
	if (!check_cert_serial(serial, e))
		return err_field(e, "serial", ST_INVALID, "%s", e->msg);
	enum status st = step(run, p, APP_MAKE, &a, e);
	if (st != ST_OK)
		return st;
	if (!queue_repo_paid(run->svc->db, a.id))
		return err_set(e, ST_STATE, "申请单 %s 的订单尚未缴费核实，不能制证", a.number);
	cert_serial_normalize(serial);
	snprintf(a.issued_serial, sizeof a.issued_serial, "%s", serial);
	clock_iso(clock_now(), a.made_at);
	if ((st = app_kind_on_make(run, &a, e)) != ST_OK)
		return st;
	after(run, &a);
	return app_repo_update(run->svc->db, &a, e);
}
const struct command cmd_application_make = { "application.make", 1, ROLE_SUPERVISOR, make_apply };

/* ---- application.ship ---- */

static enum status ship_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct application a;
	char courier[64], tracking[64];
	if (!jx_str(p, "courier", courier, sizeof courier, false, e) ||
	    !jx_str(p, "tracking_no", tracking, sizeof tracking, false, e))
		return e->st;
	if (utf8_count(courier) < 2)
		return err_field(e, "courier", ST_INVALID, "请填写快递公司");
	if (strlen(tracking) < 6 || strspn(tracking, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-") !=
					    strlen(tracking))
		return err_field(e, "tracking_no", ST_INVALID, "运单号应为 6 位以上的数字或大写字母");
	enum status st = step(run, p, APP_SHIP, &a, e);
	if (st != ST_OK)
		return st;
	if (a.delivery != DELIVERY_POST)
		return err_set(e, ST_STATE, "申请单 %s 选择了现场领取，不能标记为已寄出", a.number);
	snprintf(a.courier, sizeof a.courier, "%s", courier);
	snprintf(a.tracking_no, sizeof a.tracking_no, "%s", tracking);
	clock_iso(clock_now(), a.shipped_at);
	after(run, &a);
	return app_repo_update(run->svc->db, &a, e);
}
const struct command cmd_application_ship = { "application.ship", 1, ROLE_SUPERVISOR, ship_apply };

/* ---- application.collect ---- */

static enum status collect_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct application a;
	char name[PERSON_NAME_MAX], idn[ID_NUMBER_MAX];
	if (!jx_str(p, "name", name, sizeof name, false, e) ||
	    !jx_str(p, "id_number", idn, sizeof idn, false, e))
		return e->st;
	if (!check_name(name, e))
		return err_field(e, "name", ST_INVALID, "领取人姓名：%s", e->msg);
	if (!check_id_number(idn, e))
		return err_field(e, "id_number", ST_INVALID, "%s", e->msg);
	id_number_normalize(idn);
	enum status st = step(run, p, APP_COLLECT, &a, e);
	if (st != ST_OK)
		return st;
	struct applicant ap;
	if ((st = applicant_repo_get(run->svc->db, a.applicant_id, &ap, e)) != ST_OK)
		return st;
	bool applicant = strcmp(idn, ap.id_number) == 0 && strcmp(name, ap.name) == 0;
	bool holder = a.subject == SUBJECT_PERSONAL && strcmp(idn, a.holder_code) == 0 &&
		      strcmp(name, a.holder_name) == 0;
	bool named = a.authorised_id_number[0] && strcmp(idn, a.authorised_id_number) == 0 &&
		     strcmp(name, a.authorised_name) == 0;
	if (!applicant && !holder && !named)
		return err_field(e, "id_number", ST_DENIED,
				 "领取人不是经办人本人%s，也不是授权委托书指定的领取人，不能领取",
				 a.subject == SUBJECT_PERSONAL ? "或持证人" : "");
	snprintf(a.collector_name, sizeof a.collector_name, "%s", name);
	snprintf(a.collector_id_number, sizeof a.collector_id_number, "%s", idn);
	clock_iso(clock_now(), a.collected_at);
	after(run, &a);
	return app_repo_update(run->svc->db, &a, e);
}
const struct command cmd_application_collect = { "application.collect", 1, ROLE_SUPERVISOR,
						 collect_apply };

/* ---- application.authorise ---- */

static enum status authorise_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct application a;
	char name[PERSON_NAME_MAX], idn[ID_NUMBER_MAX];
	enum status st = app_load(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if (!jx_str(p, "name", name, sizeof name, true, e) ||
	    !jx_str(p, "id_number", idn, sizeof idn, true, e))
		return e->st;
	if (name[0] || idn[0]) {
		if (!check_name(name, e))
			return err_field(e, "name", ST_INVALID, "被授权人姓名：%s", e->msg);
		if (!check_id_number(idn, e))
			return err_field(e, "id_number", ST_INVALID, "%s", e->msg);
		id_number_normalize(idn);
	}
	if (a.status == APP_COLLECTED || a.status == APP_SHIPPED || a.status == APP_CANCELLED)
		return err_set(e, ST_STATE, "申请单状态为“%s”，不能再修改领取人",
			       app_status_label(a.status));
	snprintf(a.authorised_name, sizeof a.authorised_name, "%s", name);
	snprintf(a.authorised_id_number, sizeof a.authorised_id_number, "%s", idn);
	run->after = app_json(&a);
	char masked[32] = "";
	if (idn[0])
		mask_id_number(idn, masked);
	json_object_set_new(run->after, "authorised", json_pack("{s:s, s:s}", "name", name,
							       "id_number", masked));
	return app_repo_update(run->svc->db, &a, e);
}
const struct command cmd_application_authorise = { "application.authorise", 1, ROLE_CLERK,
						   authorise_apply };

static enum status exec(struct svc *svc, const struct actor *a, const struct command *cmd,
			json_t *p, struct err *e)
{
	if (!p)
		return err_set(e, ST_INVALID, "输入包含无效字符");
	enum status st = svc_exec(svc, a, cmd, p, e);
	json_decref(p);
	return st;
}

#define S(x) ((x) ? (x) : "")

enum status svc_application_make(struct svc *svc, const struct actor *a, const char *id,
				 const char *serial, struct err *e)
{
	return exec(svc, a, &cmd_application_make, json_pack("{s:s, s:s}", "id", id, "serial",
							     S(serial)), e);
}

enum status svc_application_ship(struct svc *svc, const struct actor *a, const char *id,
				 const char *courier, const char *tracking_no, struct err *e)
{
	return exec(svc, a, &cmd_application_ship, json_pack("{s:s, s:s, s:s}", "id", id, "courier",
							     S(courier), "tracking_no", S(tracking_no)), e);
}

enum status svc_application_collect(struct svc *svc, const struct actor *a, const char *id,
				    const char *name, const char *id_number, struct err *e)
{
	char idn[ID_NUMBER_MAX];
	snprintf(idn, sizeof idn, "%s", S(id_number));
	return exec(svc, a, &cmd_application_collect, json_pack("{s:s, s:s, s:s}", "id", id, "name",
								S(name), "id_number", idn), e);
}

enum status svc_application_authorise(struct svc *svc, const struct actor *a, const char *id,
				      const char *name, const char *id_number, struct err *e)
{
	return exec(svc, a, &cmd_application_authorise, json_pack("{s:s, s:s, s:s}", "id", id,
								  "name", S(name), "id_number",
								  S(id_number)), e);
}

#define REASONS_MAX 64
#define REASONS_FILE_MAX (64 * 1024)

/* The reasons in `text` (changed in place) into list, at most max - 1;
 * the number found. */
static int parse_reasons(char *text, char **list, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && n < max - 1;
	     line = strtok_r(NULL, "\n", &save)) {
		utf8_trim(line);
		if (line[0] && line[0] != '#')
			list[n++] = line;
	}
	list[n] = NULL;
	return n;
}

const char *const *svc_return_reasons(void)
{
	static char *list[REASONS_MAX];
	static char *copy;
	if (list[0])
		return (const char *const *)list;
	const struct embedded_file *f = embedded_find("db/seed/return_reasons.txt");
	copy = strdup(f ? f->data : "");
	if (copy)
		parse_reasons(copy, list, REASONS_MAX);
	return (const char *const *)list;
}

/* One allocation: the pointers, then the text they point into. */
static char **reasons_copy(const char *text, size_t len)
{
	char **list = malloc(REASONS_MAX * sizeof *list + len + 1);
	if (!list)
		return NULL;
	char *copy = (char *)(list + REASONS_MAX);
	memcpy(copy, text, len);
	copy[len] = '\0';
	parse_reasons(copy, list, REASONS_MAX);
	return list;
}

static char **builtin_copy(void)
{
	const struct embedded_file *f = embedded_find("db/seed/return_reasons.txt");
	const char *text = f ? f->data : "";
	return reasons_copy(text, strlen(text));
}

char **svc_return_reasons_for(const struct app *app, struct err *e)
{
	err_clear(e);
	const char *name = config_get(&app->cfg, "review.return_reasons", "");
	if (!name[0])
		return builtin_copy();
	char path[PATH_MAX];
	if (name[0] == '/')
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/%s", app->data_dir, name);
	char *text = NULL;
	size_t len = 0;
	struct err fe;
	err_clear(&fe);
	if (fs_read_all(path, REASONS_FILE_MAX, &text, &len, &fe) != ST_OK) {
		err_set(e, fe.st, "无法读取退回原因文件 %s（设置项 review.return_reasons）：%s；"
			"使用内置的常用原因", path, fe.msg);
		return builtin_copy();
	}
	if (!utf8_valid(text, len)) {
		free(text);
		err_set(e, ST_INVALID, "退回原因文件 %s 不是 UTF-8 文本；使用内置的常用原因", path);
		return builtin_copy();
	}
	char **list = reasons_copy(text, len);
	free(text);
	if (list && !list[0]) {
		free(list);
		err_set(e, ST_INVALID, "退回原因文件 %s 中没有原因；使用内置的常用原因", path);
		return builtin_copy();
	}
	return list;
}

void svc_reasons_free(char **list)
{
	free(list);
}

int svc_bulk_accept(struct svc *svc, const struct actor *a, const char *const *ids, int n,
		    struct bulk_item *items)
{
	int done = 0;
	for (int i = 0; i < n; i++) {
		struct bulk_item *it = &items[i];
		struct application app;
		struct err e;
		err_clear(&e);
		memset(it, 0, sizeof *it);
		snprintf(it->id, sizeof it->id, "%s", ids[i]);
		if (app_repo_get(svc->db, ids[i], &app, &e) == ST_OK)
			snprintf(it->number, sizeof it->number, "%s", app.number);
		it->st = svc_application_accept(svc, a, ids[i], &e);
		if (it->st == ST_OK)
			done++;
		else
			snprintf(it->message, sizeof it->message, "%s", err_text(&e));
	}
	return done;
}

int svc_history(struct svc *svc, const char *entity, const char *entity_id,
		struct history_item *out, int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(svc->db, "SELECT at, action, actor_name, after FROM audit_log"
					   " WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq LIMIT ?3", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, entity);
	db_bind_text(s, 2, entity_id);
	sqlite3_bind_int(s, 3, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct history_item *h = &out[n++];
		memset(h, 0, sizeof *h);
		db_col_copy(s, 0, h->at, sizeof h->at);
		db_col_copy(s, 1, h->action, sizeof h->action);
		db_col_copy(s, 2, h->actor_name, sizeof h->actor_name);
		json_t *after = json_loads(db_col_text(s, 3), 0, NULL);
		const char *status = jx_cstr(after, "status"), *reason = jx_cstr(after, "reason");
		enum app_status as;
		if (status && app_status_parse(status, &as))
			snprintf(h->status, sizeof h->status, "%s", app_status_label(as));
		if (reason)
			snprintf(h->reason, sizeof h->reason, "%s", reason);
		json_decref(after);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(svc->db, rc, e);
		return -1;
	}
	return n;
}
