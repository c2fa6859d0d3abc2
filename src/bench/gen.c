/* The benchmark's database generator: see gen.h. */
#include "bench/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen_audit.h"
#include "bench/synth.h"
#include "svc/application.h"
#include "svc/staff.h"
#include "util/clock.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define MIN_MS 60000LL
#define COMMIT_EVERY 25000       /* applications per transaction */
#define AUDIT_LAG (10 * MIN_MS)  /* events are written once this far behind the clock */
#define NTERM 3
#define NCLERK 4
#define NSUPER 2

/* ---- what is generated, in memory ------------------------------------- */

struct person {
	char id[UUID_LEN + 1];
	char name[32];
	char phone[12];
	char id_number[19];      /* "" for the few who gave none */
	char email[48];
	char address[192];
	char postal[7];
};

struct org {
	char id[UUID_LEN + 1];
	char code[19];
	char name[192];
	char legal_rep[32];
	char address[192];
	char postal[7];
	char phone[24];
	long agent;              /* the person who usually comes for it */
};

/* Hashes of the values that must be unique (phones, ID numbers, codes). */
struct hashset {
	uint64_t *v;
	size_t cap, n;
};

struct gen {
	struct svc *svc;
	struct db *db;
	struct rng rng;
	const struct gen_params *p;
	struct gen_stats *st;
	long long now_ms;
	struct actor actors[1 + NCLERK + NSUPER];   /* admin, clerks, supervisors */
	char terminal_id[NTERM][UUID_LEN + 1];
	char office_id[UUID_LEN + 1];
	struct person *people;
	long npeople, cap_people;
	struct org *orgs;
	long norgs, cap_orgs;
	struct hashset phones, ids, codes;
	struct gen_audit audit;
	long long last_app_ms, last_person_ms;
	const char *pw_hash;     /* one portal password hash, shared */
};

/* ---- small helpers ---------------------------------------------------- */

static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h ? h : 1;
}

/* Insert the string's hash; false when it was there already. */
static bool set_add(struct hashset *s, const char *str)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *v = calloc(cap, sizeof *v);
		if (!v)
			return false;
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i]) {
				size_t j = s->v[i] & (cap - 1);
				while (v[j])
					j = (j + 1) & (cap - 1);
				v[j] = s->v[i];
			}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	uint64_t h = fnv(str);
	size_t j = h & (s->cap - 1);
	while (s->v[j]) {
		if (s->v[j] == h)
			return false;
		j = (j + 1) & (s->cap - 1);
	}
	s->v[j] = h;
	s->n++;
	return true;
}

static void iso_ms(long long ms, char out[21])
{
	clock_iso((time_t)(ms / 1000), out);
}

static int bind(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static enum status step(struct gen *g, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return db_fail(g->db, rc, e);
	sqlite3_reset(s);
	return ST_OK;
}

/* ---- the office and the staff, through the real use cases --------------- */

static enum status make_staff(struct gen *g, struct err *e)
{
	static const char *const clerk_names[NCLERK] = { "李娜", "陈晓燕", "黄志强", "林思雨" };
	static const char *const super_names[NSUPER] = { "王建国", "赵敏" };
	struct setup_input in = { GEN_OFFICE, "深圳福田受理点", "1号窗口", GEN_ADMIN, "张管理",
				  GEN_PASSWORD };
	enum status st = svc_setup(g->svc, &in, &g->actors[0], e);
	if (st != ST_OK)
		return st;
	memcpy(g->office_id, g->actors[0].office_id, sizeof g->office_id);
	memcpy(g->terminal_id[0], g->actors[0].terminal_id, sizeof g->terminal_id[0]);
	for (int i = 0; i < NCLERK + NSUPER; i++) {
		struct actor *a = &g->actors[1 + i];
		bool clerk = i < NCLERK;
		snprintf(a->username, sizeof a->username, clerk ? "clerk%d" : "super%d",
			 clerk ? i + 1 : i - NCLERK + 1);
		snprintf(a->name, sizeof a->name, "%s", clerk ? clerk_names[i] : super_names[i - NCLERK]);
		a->role = clerk ? ROLE_CLERK : ROLE_SUPERVISOR;
		st = svc_staff_create(g->svc, &g->actors[0], a->username, a->name, a->role,
				      GEN_PASSWORD, a->id, e);
		if (st != ST_OK)
			return st;
		memcpy(a->office_id, g->office_id, sizeof a->office_id);
		memcpy(a->terminal_id, g->terminal_id[0], sizeof a->terminal_id);
	}
	g->st->staff = 1 + NCLERK + NSUPER;

	/* The office's other two windows (terminals are enrolled at the centre;
	 * there is no command for them on a terminal). */
	char at[21];
	clock_iso(clock_now(), at);
	sqlite3_stmt *s = db_prep(g->db, "INSERT INTO terminals (id, office_id, code, name, created_at,"
					 " updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1)", e);
	if (!s)
		return e->st;
	for (int t = 1; t < NTERM; t++) {
		char code[4], name[32];
		synth_uuid7(&g->rng, (uint64_t)clock_now() * 1000 + (uint64_t)t, g->terminal_id[t]);
		snprintf(code, sizeof code, "%02d", t + 1);
		snprintf(name, sizeof name, "%d号窗口", t + 1);
		bind(s, 1, g->terminal_id[t]);
		bind(s, 2, g->office_id);
		bind(s, 3, code);
		bind(s, 4, name);
		bind(s, 5, at);
		if ((st = step(g, s, e)) != ST_OK)
			return st;
	}
	return ST_OK;
}

/* ---- people and enterprises -------------------------------------------- */

static enum status new_person(struct gen *g, long long ms, int clerk, long *out, struct err *e)
{
	if (g->npeople == g->cap_people) {
		long cap = g->cap_people ? g->cap_people * 2 : 1024;
		struct person *v = realloc(g->people, (size_t)cap * sizeof *v);
		if (!v)
			return err_status(e, ST_NOMEM);
		g->people = v;
		g->cap_people = cap;
	}
	struct person *pp = &g->people[g->npeople];
	memset(pp, 0, sizeof *pp);
	bool male = rng_chance(&g->rng, 0.55);
	synth_person_name(&g->rng, male, pp->name);
	do
		synth_mobile(&g->rng, pp->phone);
	while (!set_add(&g->phones, pp->phone));
	if (rng_chance(&g->rng, 0.92)) {
		time_t now = (time_t)(g->now_ms / 1000);
		struct tm tm;
		localtime_r(&now, &tm);
		int y = tm.tm_year + 1900;
		do
			synth_id_number(&g->rng, male, y - 65, y - 20, pp->id_number);
		while (!set_add(&g->ids, pp->id_number));
	}
	if (rng_chance(&g->rng, 0.55))
		synth_email(&g->rng, pp->email);
	if (rng_chance(&g->rng, 0.7))
		synth_address(&g->rng, pp->address, pp->postal);
	bool portal = rng_chance(&g->rng, 0.3);

	long long t = ms > g->last_person_ms ? ms : g->last_person_ms + 1;
	g->last_person_ms = t;
	synth_uuid7(&g->rng, (uint64_t)t, pp->id);
	char at[21];
	iso_ms(t, at);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO applicants (id, phone, name, id_number, email, address, postal_code,"
		" portal_pw_hash, phone_verified_at, office_id, created_by, created_at, updated_at,"
		" version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?9, ?9, ?12)", e);
	if (!s)
		return e->st;
	bind(s, 1, pp->id);
	bind(s, 2, pp->phone);
	bind(s, 3, pp->name);
	bind(s, 4, pp->id_number);
	bind(s, 5, pp->email);
	bind(s, 6, pp->address);
	bind(s, 7, pp->postal);
	bind(s, 8, portal ? g->pw_hash : "");
	bind(s, 9, at);
	bind(s, 10, g->office_id);
	bind(s, 11, g->actors[clerk].id);
	sqlite3_bind_int(s, 12, t < g->now_ms - HOUR_MS ? 1 : 0);
	enum status st = step(g, s, e);
	if (st != ST_OK)
		return st;
	st = gen_audit_add(&g->audit, t, clerk, "applicant.register", "applicant", pp->id, NULL,
			   gen_image_applicant(pp->phone, pp->name, pp->id_number, portal), e);
	if (st != ST_OK)
		return st;
	*out = g->npeople++;
	g->st->applicants++;
	return ST_OK;
}

static enum status link_agent(struct gen *g, long person, long org, long long ms, struct err *e)
{
	char at[21];
	iso_ms(ms, at);
	sqlite3_stmt *s = db_prep(g->db, "INSERT OR IGNORE INTO applicant_enterprises (applicant_id,"
					 " enterprise_id, created_at) VALUES (?1, ?2, ?3)", e);
	if (!s)
		return e->st;
	bind(s, 1, g->people[person].id);
	bind(s, 2, g->orgs[org].id);
	bind(s, 3, at);
	enum status st = step(g, s, e);
	if (st == ST_OK && sqlite3_changes(db_handle(g->db)))
		g->st->links++;
	return st;
}

static enum status new_org(struct gen *g, long long ms, long agent, long *out, struct err *e)
{
	if (g->norgs == g->cap_orgs) {
		long cap = g->cap_orgs ? g->cap_orgs * 2 : 1024;
		struct org *v = realloc(g->orgs, (size_t)cap * sizeof *v);
		if (!v)
			return err_status(e, ST_NOMEM);
		g->orgs = v;
		g->cap_orgs = cap;
	}
	struct org *o = &g->orgs[g->norgs];
	memset(o, 0, sizeof *o);
	char kind[3];
	do
		synth_credit_code(&g->rng, o->code, kind);
	while (!set_add(&g->codes, o->code));
	synth_org_name(&g->rng, kind, o->name);
	synth_person_name(&g->rng, rng_chance(&g->rng, 0.7), o->legal_rep);
	synth_address(&g->rng, o->address, o->postal);
	synth_org_phone(&g->rng, o->phone);
	o->agent = agent;
	/* The enterprise is born with its first application (same id time). */
	synth_uuid7(&g->rng, (uint64_t)ms, o->id);
	char at[21];
	iso_ms(ms, at);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO enterprises (id, credit_code, name, legal_rep, address, phone,"
		" created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)", e);
	if (!s)
		return e->st;
	bind(s, 1, o->id);
	bind(s, 2, o->code);
	bind(s, 3, o->name);
	bind(s, 4, o->legal_rep);
	bind(s, 5, o->address);
	bind(s, 6, o->phone);
	bind(s, 7, at);
	sqlite3_bind_int(s, 8, ms < g->now_ms - HOUR_MS ? 1 : 0);
	enum status st = step(g, s, e);
	if (st != ST_OK)
		return st;
	*out = g->norgs++;
	g->st->enterprises++;
	return link_agent(g, agent, *out, ms, e);
}

/* ---- one application's life --------------------------------------------- */

enum step_kind { S_CREATE, S_SUBMIT, S_ACCEPT, S_RETURN, S_CANCEL, S_READY, S_SHIP, S_COLLECT };

struct step {
	enum step_kind k;
	long long ms;
	const char *reason;
};

#define PICK_REASON(a) ((a)[rng_below(r, (uint32_t)(sizeof(a) / sizeof(a)[0]))])

static const char *const return_reasons[] = {
	"营业执照副本复印件不清晰，请重新扫描", "授权委托书未加盖公章", "法定代表人身份证复印件缺失",
	"申请表信息与营业执照不一致", "经办人身份证复印件已过期", "证书有效期与缴费不符",
};
static const char *const cancel_reasons[] = {
	"申请人要求取消", "重复提交", "申请人不再办理", "已在网上办理",
};

/* Draw the steps of an application created at t; returns how many. The
 * delays are the counter's: submitted during the visit, reviewed within a
 * working day or so, made in a few days, then posted or collected. */
static int plan(struct gen *g, long long t, bool post, struct step out[16])
{
	struct rng *r = &g->rng;
	int n = 0;
	out[n++] = (struct step){ S_CREATE, t, NULL };
	if (rng_chance(r, 0.02)) {           /* a draft never finished */
		if (rng_chance(r, 0.5))
			out[n++] = (struct step){ S_CANCEL, t + rng_range(r, 1, 30) * DAY_MS,
						  PICK_REASON(cancel_reasons) };
		return n;
	}
	long long ts = t + rng_range(r, 2, 15) * MIN_MS;
	out[n++] = (struct step){ S_SUBMIT, ts, NULL };
	for (int round = 0; round < 3; round++) {
		long long tr = ts + rng_range(r, 30, 30 * 60) * MIN_MS;
		double x = rng_unit(r);
		if (x < 0.01) {
			out[n++] = (struct step){ S_CANCEL, ts + rng_range(r, 60, 3 * 24 * 60) * MIN_MS,
						  PICK_REASON(cancel_reasons) };
			return n;
		}
		if (x < 0.05 && round < 2) {
			out[n++] = (struct step){ S_RETURN, tr, PICK_REASON(return_reasons) };
			double y = rng_unit(r);
			if (y < 0.75) {
				ts = tr + rng_range(r, 1, 5) * DAY_MS + rng_range(r, 0, 480) * MIN_MS;
				out[n++] = (struct step){ S_SUBMIT, ts, NULL };
				continue;
			}
			if (y < 0.90)
				out[n++] = (struct step){ S_CANCEL, tr + rng_range(r, 3, 20) * DAY_MS,
							  PICK_REASON(cancel_reasons) };
			return n;
		}
		out[n++] = (struct step){ S_ACCEPT, tr, NULL };
		long long ready = tr + rng_range(r, 1, 4) * DAY_MS;
		out[n++] = (struct step){ S_READY, ready, NULL };
		if (post)
			out[n++] = (struct step){ S_SHIP, ready + rng_range(r, 2, 24) * HOUR_MS, NULL };
		else if (rng_chance(r, 0.98))
			out[n++] = (struct step){ S_COLLECT, ready + rng_range(r, 1, 14) * DAY_MS, NULL };
		return n;
	}
	return n;
}

static enum app_kind draw_kind(struct rng *r, bool personal)
{
	double x = rng_unit(r);
	if (personal)
		return x < 0.45 ? KIND_NEW : x < 0.90 ? KIND_RENEWAL : x < 0.94 ? KIND_REISSUE
		       : x < 0.97 ? KIND_UNLOCK : KIND_REVOKE;
	return x < 0.35 ? KIND_NEW : x < 0.85 ? KIND_RENEWAL : x < 0.91 ? KIND_CHANGE
	       : x < 0.95 ? KIND_REISSUE : x < 0.98 ? KIND_UNLOCK : KIND_REVOKE;
}

struct day {
	char ymd[9];
	long seq[NTERM];
	int index;
};

/* Who comes: a person (new when the count lags 0.3 N) and, for an
 * enterprise certificate, an enterprise (new when it lags 0.1 N) that the
 * person acts for. *org is -1 for a personal certificate. */
static enum status who_comes(struct gen *g, long long t, long i, int clerk, long *person,
			     long *org, struct err *e)
{
	struct rng *r = &g->rng;
	bool want_person = g->npeople < (long)((double)(i + 1) * 0.3 + 0.5);
	bool want_org = g->norgs < (long)((double)(i + 1) * 0.1 + 0.5);
	bool personal = rng_chance(r, 0.22);
	enum status st;
	*person = *org = -1;
	if (personal && !want_person && g->npeople) {
		for (int k = 0; k < 5 && *person < 0; k++) {
			long c = (long)rng_below(r, (uint32_t)g->npeople);
			if (g->people[c].id_number[0])
				*person = c;
		}
		if (*person < 0)
			personal = false; /* came for the enterprise after all */
	}
	if (want_person || g->npeople == 0) {
		long long reg = t - rng_range(r, 60, 300) * 1000; /* registered first */
		if ((st = new_person(g, reg, clerk, person, e)) != ST_OK)
			return st;
		if (personal && !g->people[*person].id_number[0])
			personal = false;
	}
	if (personal)
		return ST_OK;
	if (want_org || g->norgs == 0) {
		if (*person < 0)
			*person = (long)rng_below(r, (uint32_t)g->npeople);
		return new_org(g, t, *person, org, e);
	}
	*org = (long)rng_below(r, (uint32_t)g->norgs);
	if (*person < 0)
		*person = rng_chance(r, 0.85) ? g->orgs[*org].agent
					      : (long)rng_below(r, (uint32_t)g->npeople);
	if (*person == g->orgs[*org].agent)
		return ST_OK;
	if ((st = link_agent(g, *person, *org, t, e)) != ST_OK)
		return st;
	if (rng_chance(r, 0.5))
		g->orgs[*org].agent = *person; /* the new agent comes from now on */
	return ST_OK;
}

/* What was applied for, as the form would have held it. */
static void details(struct gen *g, struct application *a, const struct person *pp,
		    const struct org *o)
{
	struct rng *r = &g->rng;
	a->subject = o ? SUBJECT_ENTERPRISE : SUBJECT_PERSONAL;
	a->kind = draw_kind(r, !o);
	if (a->kind == KIND_NEW || a->kind == KIND_RENEWAL) {
		double y = rng_unit(r);
		a->years = y < 0.6 ? 1 : y < 0.8 ? 2 : 3;
	}
	if (a->kind != KIND_NEW)
		synth_cert_serial(r, a->cert_serial);
	if (o) {
		snprintf(a->holder_name, sizeof a->holder_name, "%s", o->name);
		snprintf(a->holder_code, sizeof a->holder_code, "%s", o->code);
		snprintf(a->legal_rep, sizeof a->legal_rep, "%s", o->legal_rep);
		snprintf(a->address, sizeof a->address, "%s", o->address);
		snprintf(a->postal_code, sizeof a->postal_code, "%s", o->postal);
		snprintf(a->phone, sizeof a->phone, "%s", o->phone);
		snprintf(a->enterprise_id, sizeof a->enterprise_id, "%s", o->id);
		if (rng_chance(r, 0.6))
			snprintf(a->email, sizeof a->email, "%s", pp->email);
	} else {
		snprintf(a->holder_name, sizeof a->holder_name, "%s", pp->name);
		snprintf(a->holder_code, sizeof a->holder_code, "%s", pp->id_number);
		if (pp->address[0]) {
			snprintf(a->address, sizeof a->address, "%s", pp->address);
			snprintf(a->postal_code, sizeof a->postal_code, "%s", pp->postal);
		} else {
			synth_address(r, a->address, a->postal_code);
		}
		snprintf(a->email, sizeof a->email, "%s", pp->email);
	}
	a->delivery = rng_chance(r, 0.35) ? DELIVERY_POST : DELIVERY_PICKUP;
	if (a->delivery == DELIVERY_POST) {
		snprintf(a->recipient, sizeof a->recipient, "%s", pp->name);
		snprintf(a->recipient_phone, sizeof a->recipient_phone, "%s", pp->phone);
		if (rng_chance(r, 0.8)) {
			snprintf(a->recipient_address, sizeof a->recipient_address, "%s", a->address);
			snprintf(a->recipient_postal, sizeof a->recipient_postal, "%s", a->postal_code);
		} else {
			synth_address(r, a->recipient_address, a->recipient_postal);
		}
	}
	snprintf(a->agreement_version, sizeof a->agreement_version, "%s", svc_agreement_version());
	snprintf(a->applicant_id, sizeof a->applicant_id, "%s", pp->id);
}

/* When the row last changed in each way, for its columns. */
struct life {
	long long created, submitted, reviewed, updated;   /* ms; 0: never */
	int changes;
};

/* Live through the application's steps up to now: its state, and an
 * audit entry for each step that is a command. */
static enum status live(struct gen *g, struct application *a, int clerk, int super,
			struct life *lf, struct err *e)
{
	static const char *const actions[S_COLLECT + 1] = {
		[S_CREATE] = "application.create", [S_SUBMIT] = "application.submit",
		[S_ACCEPT] = "application.accept", [S_RETURN] = "application.return",
		[S_CANCEL] = "application.cancel",
		/* ready, shipped, collected: no command for these yet */
	};
	struct step steps[16];
	int n = plan(g, lf->created, a->delivery == DELIVERY_POST, steps);
	a->status = APP_DRAFT;
	lf->updated = lf->created;
	for (int k = 0; k < n && steps[k].ms <= g->now_ms; k++) {
		const struct step *sp = &steps[k];
		const char *action = actions[sp->k];
		char *before = action && sp->k != S_CREATE ? gen_image_application(a) : NULL;
		switch (sp->k) {
		case S_CREATE: break;
		case S_SUBMIT:
			a->status = APP_PENDING_REVIEW;
			a->reason[0] = '\0';
			lf->submitted = sp->ms;
			break;
		case S_ACCEPT:
			a->status = APP_ACCEPTED;
			lf->reviewed = sp->ms;
			break;
		case S_RETURN:
			a->status = APP_RETURNED;
			snprintf(a->reason, sizeof a->reason, "%s", sp->reason);
			lf->reviewed = sp->ms;
			break;
		case S_CANCEL:
			a->status = APP_CANCELLED;
			snprintf(a->reason, sizeof a->reason, "%s", sp->reason);
			break;
		case S_READY: a->status = APP_READY; break;
		case S_SHIP: a->status = APP_SHIPPED; break;
		case S_COLLECT: a->status = APP_COLLECTED; break;
		}
		lf->updated = sp->ms;
		lf->changes++;
		if (!action)
			continue;
		int actor = sp->k == S_ACCEPT || sp->k == S_RETURN ? super : clerk;
		enum status st = gen_audit_add(&g->audit, sp->ms, actor, action, "application", a->id,
					       before, gen_image_application(a), e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

static enum status insert_application(struct gen *g, const struct application *a, int term,
				      int clerk, int super, const struct life *lf, struct err *e)
{
	char created_at[21], submitted_at[21], reviewed_at[21], updated_at[21];
	iso_ms(lf->created, created_at);
	iso_ms(lf->submitted, submitted_at);
	iso_ms(lf->reviewed, reviewed_at);
	iso_ms(lf->updated, updated_at);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO applications (id, number, kind, subject, status, applicant_id,"
		" enterprise_id, years, cert_serial, holder_name, holder_code, legal_rep, address,"
		" postal_code, email, phone, delivery, recipient, recipient_phone, recipient_address,"
		" recipient_postal, agreement_version, agreement_at, reason, office_id, terminal_id,"
		" created_by, submitted_at, reviewed_by, reviewed_at, created_at, updated_at, version)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?23, ?31, ?32)", e);
	if (!s)
		return e->st;
	bind(s, 1, a->id);
	bind(s, 2, a->number);
	bind(s, 3, app_kind_code(a->kind));
	bind(s, 4, app_subject_code(a->subject));
	bind(s, 5, app_status_code(a->status));
	bind(s, 6, a->applicant_id);
	bind(s, 7, a->enterprise_id[0] ? a->enterprise_id : NULL);
	sqlite3_bind_int(s, 8, a->years);
	bind(s, 9, a->cert_serial);
	bind(s, 10, a->holder_name);
	bind(s, 11, a->holder_code);
	bind(s, 12, a->legal_rep);
	bind(s, 13, a->address);
	bind(s, 14, a->postal_code);
	bind(s, 15, a->email);
	bind(s, 16, a->phone);
	bind(s, 17, delivery_code(a->delivery));
	bind(s, 18, a->recipient);
	bind(s, 19, a->recipient_phone);
	bind(s, 20, a->recipient_address);
	bind(s, 21, a->recipient_postal);
	bind(s, 22, a->agreement_version);
	bind(s, 23, created_at);
	bind(s, 24, a->reason);
	bind(s, 25, g->office_id);
	bind(s, 26, g->terminal_id[term]);
	bind(s, 27, g->actors[clerk].id);
	bind(s, 28, lf->submitted ? submitted_at : NULL);
	bind(s, 29, lf->reviewed ? g->actors[super].id : NULL);
	bind(s, 30, lf->reviewed ? reviewed_at : NULL);
	bind(s, 31, updated_at);
	/* The centre's version once synced: the changes it has seen. */
	sqlite3_bind_int(s, 32, lf->updated < g->now_ms - HOUR_MS ? lf->changes : 0);
	return step(g, s, e);
}

/* The i-th application (0-based), created at t (ms) on day d. */
static enum status application(struct gen *g, long long t, struct day *d, long i, struct err *e)
{
	struct rng *r = &g->rng;
	int term = (int)rng_below(r, NTERM);
	int clerk = 1 + (d->index + term) % NCLERK;    /* who sits at that window today */
	int super = 1 + NCLERK + (int)rng_below(r, NSUPER);
	long person, org;
	enum status st = who_comes(g, t, i, clerk, &person, &org, e);
	if (st != ST_OK)
		return st;

	struct application a;
	memset(&a, 0, sizeof a);
	struct life lf = { .created = t > g->last_app_ms ? t : g->last_app_ms + 1 };
	g->last_app_ms = lf.created;
	synth_uuid7(r, (uint64_t)lf.created, a.id);
	char tcode[4];
	snprintf(tcode, sizeof tcode, "%02d", term + 1);
	number_format("SQ", GEN_OFFICE, tcode, d->ymd, ++d->seq[term], a.number);
	details(g, &a, &g->people[person], org >= 0 ? &g->orgs[org] : NULL);
	if ((st = live(g, &a, clerk, super, &lf, e)) != ST_OK ||
	    (st = insert_application(g, &a, term, clerk, super, &lf, e)) != ST_OK)
		return st;
	g->st->applications++;
	g->st->by_status[a.status]++;
	if (a.subject == SUBJECT_PERSONAL)
		g->st->personal++;
	return ST_OK;
}

/* ---- the calendar --------------------------------------------------------- */

/* Local midnight `k` days after `start` (local midnight). */
static time_t day_start(time_t start, int k)
{
	struct tm tm;
	localtime_r(&start, &tm);
	tm.tm_mday += k;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Opening hours: 08:30-12:00 and 13:30-17:30, 7.5 hours. */
#define OPEN_MS (27000LL * 1000)
static long long open_offset(long long u)
{
	return u < 12600000LL ? 30600000LL + u : 48600000LL + (u - 12600000LL);
}

/* How busy a day is: closed on Sundays, a third on Saturdays, and a
 * counter that grew by half over the two years. */
static double day_weight(time_t day, int k, int days)
{
	struct tm tm;
	localtime_r(&day, &tm);
	double w = tm.tm_wday == 0 ? 0 : tm.tm_wday == 6 ? 0.3 : 1.0;
	return w * (0.75 + 0.5 * (double)k / days);
}

/* The share of today's opening hours that has passed. */
static double open_share(time_t day, long long now_ms)
{
	long long el = now_ms - (long long)day * 1000;
	if (el <= 30600000LL)
		return 0;
	if (el <= 43200000LL)
		return (double)(el - 30600000LL) / OPEN_MS;
	if (el <= 48600000LL)
		return 12600000.0 / OPEN_MS;
	if (el <= 63000000LL)
		return (double)(el - 48600000LL + 12600000LL) / OPEN_MS;
	return 1;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static enum status set_counters(struct gen *g, const struct day *d, struct err *e)
{
	if (!d->seq[0])
		return ST_OK;
	char scope[32];
	snprintf(scope, sizeof scope, "SQ:%s", d->ymd);
	sqlite3_stmt *s = db_prep(g->db, "INSERT OR REPLACE INTO counters (scope, next) VALUES (?1, ?2)", e);
	if (!s)
		return e->st;
	bind(s, 1, scope);
	sqlite3_bind_int64(s, 2, d->seq[0] + 1);
	return step(g, s, e);
}

static enum status commit(struct gen *g, bool again, struct err *e)
{
	enum status st = gen_audit_flush(&g->audit, e);
	if (st == ST_OK)
		st = db_commit(g->db, e);
	if (st == ST_OK && again)
		st = db_begin(g->db, e);
	return st;
}

static enum status history(struct gen *g, struct err *e)
{
	const struct gen_params *p = g->p;
	int days = p->days > 0 ? p->days : 730;
	time_t now = (time_t)(g->now_ms / 1000);
	time_t first = day_start(now - (time_t)days * 86400, 0);
	double *w = calloc((size_t)days + 1, sizeof *w), total = 0;
	long long *times = NULL;
	size_t times_cap = 0;
	if (!w)
		return err_status(e, ST_NOMEM);
	for (int k = 0; k <= days; k++) {
		time_t day = day_start(first, k);
		w[k] = day_weight(day, k, days);
		if (k == days)
			w[k] *= open_share(day, g->now_ms);
		total += w[k];
	}
	enum status st = db_begin(g->db, e);
	double cum = 0;
	long done = 0;
	for (int k = 0; k <= days && st == ST_OK; k++) {
		cum += w[k];
		long upto = total > 0 ? (long)(cum / total * (double)p->applications + 0.5) : 0;
		if (k == days)
			upto = p->applications;
		size_t n = (size_t)(upto - done);
		if (n == 0)
			continue;
		time_t day = day_start(first, k);
		long long span = OPEN_MS;
		if (k == days) {
			double share = open_share(day, g->now_ms);
			span = (long long)(share * (double)OPEN_MS);
			if (span < 1)
				span = 1;
		}
		if (n > times_cap) {
			long long *v = realloc(times, n * sizeof *v);
			if (!v) {
				st = err_status(e, ST_NOMEM);
				break;
			}
			times = v;
			times_cap = n;
		}
		for (size_t j = 0; j < n; j++)
			times[j] = (long long)day * 1000 +
				   open_offset((long long)(rng_unit(&g->rng) * (double)span));
		qsort(times, n, sizeof *times, cmp_ll);
		struct day d = { .index = k };
		clock_local_ymd(day + 43200, d.ymd);
		for (size_t j = 0; j < n && st == ST_OK; j++) {
			long long t = times[j] < g->now_ms ? times[j] : g->now_ms - 1;
			st = application(g, t, &d, done, e);
			if (st == ST_OK)
				st = gen_audit_write(&g->audit, t - AUDIT_LAG, e);
			done++;
			if (st == ST_OK && done % COMMIT_EVERY == 0)
				st = commit(g, true, e);
			if (p->progress && done % 10000 == 0)
				p->progress(done, p->applications, p->ctx);
		}
		if (st == ST_OK)
			st = set_counters(g, &d, e);
	}
	if (st == ST_OK)
		st = gen_audit_write(&g->audit, g->now_ms, e);
	if (st == ST_OK)
		st = commit(g, false, e);
	else if (db_in_tx(g->db))
		db_rollback(g->db);
	if (p->progress)
		p->progress(done, p->applications, p->ctx);
	free(times);
	free(w);
	return st;
}

/* ---- the whole run -------------------------------------------------------- */

static int pragma_int(struct db *db, const char *sql)
{
	sqlite3_stmt *s;
	int v = 0;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A pragma's text value (one word of letters), or `def`; static storage. */
static const char *pragma_text(struct db *db, const char *sql, const char *def)
{
	static char v[16];
	sqlite3_stmt *s;
	snprintf(v, sizeof v, "%s", def);
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		if (t && strspn(t, "abcdefghijklmnopqrstuvwxyz") == strlen(t) && strlen(t) < sizeof v)
			snprintf(v, sizeof v, "%s", t);
	}
	sqlite3_finalize(s);
	return v;
}

enum status gen_run(struct svc *svc, const struct gen_params *p, struct gen_stats *out,
		    struct err *e)
{
	double t0 = clock_ms();
	memset(out, 0, sizeof *out);
	if (!svc_needs_setup(svc))
		return err_set(e, ST_STATE, "测试数据只能生成到新的数据库中");
	struct gen g;
	memset(&g, 0, sizeof g);
	g.svc = svc;
	g.db = svc->db;
	g.p = p;
	g.st = out;
	rng_seed(&g.rng, p->seed);
	time_t now = p->now ? p->now : clock_now();
	g.now_ms = (long long)now * 1000;
	int days = p->days > 0 ? p->days : 730;

	/* The office and staff exist since the first day. */
	char pinned[21];
	const char *old = getenv("CERTDESK_NOW");
	char *saved = old ? strdup(old) : NULL;
	clock_iso(day_start(now - (time_t)days * 86400, 0) + 8 * 3600, pinned);
	setenv("CERTDESK_NOW", pinned, 1);
	enum status st = make_staff(&g, e);
	char hash[PW_HASH_MAX];
	if (st == ST_OK)
		st = password_hash("Portal1234", hash, e);
	if (saved) {
		setenv("CERTDESK_NOW", saved, 1);
		free(saved);
	} else {
		unsetenv("CERTDESK_NOW");
	}
	g.pw_hash = hash;

	/* The load's settings; the program's are put back after. */
	char restore[160];
	snprintf(restore, sizeof restore, "PRAGMA journal_mode = %s; PRAGMA synchronous = %d;"
		 " PRAGMA foreign_keys = %d; PRAGMA cache_size = %d;",
		 pragma_text(g.db, "PRAGMA journal_mode", "wal"), pragma_int(g.db, "PRAGMA synchronous"),
		 pragma_int(g.db, "PRAGMA foreign_keys"), pragma_int(g.db, "PRAGMA cache_size"));
	if (st == ST_OK)
		st = db_exec(g.db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
				   " PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1048576;", e);
	if (st == ST_OK)
		st = gen_audit_begin(&g.audit, g.db, &g.rng, g.actors, g.now_ms, e);
	if (st == ST_OK)
		st = history(&g, e);
	struct err e2;
	enum status st2 = db_exec(g.db, restore, &e2);
	if (st == ST_OK && st2 != ST_OK) {
		*e = e2;
		st = st2;
	}
	out->audit = gen_audit_count(&g.audit);
	gen_audit_done(&g.audit);
	free(g.people);
	free(g.orgs);
	free(g.phones.v);
	free(g.ids.v);
	free(g.codes.v);
	out->seconds = (clock_ms() - t0) / 1000.0;
	return st;
}
