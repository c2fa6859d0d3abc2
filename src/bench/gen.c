/* The benchmark's database generator: see gen.h. */
#include "bench/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen_audit.h"
#include "bench/synth.h"
#include "model/order.h"
#include "model/stock.h"
#include "svc/application.h"
#include "svc/lifecycle.h"
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
#define BACKLOG 0.12             /* the share of N at the end left unreviewed */
#define KEY_BATCH 200            /* blank KEYs the centre sends at a time */

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
	struct rng audit_rng;    /* the log's own ids: the rows do not depend on what is logged */
	long long last_app_ms, last_person_ms;
	const char *pw_hash;     /* one portal password hash, shared */
	long long backlog_ms;    /* no review from then on (the queue to scroll) */
	long long sync_ms;       /* pushed to the centre up to then (now - 1 day) */
	long long price[KIND__COUNT][SUBJECT__COUNT][APP_MAX_YEARS + 1];
	struct keybatch *keys;   /* the blank KEYs of the batch being used */
	int nkeys, next_key;
	long key_serial;         /* the next serial the centre sends */
	char key_move[UUID_LEN + 1];   /* the batch's receive movement */
	char *index_sql;         /* the secondary indexes, dropped during the load */
};

/* One blank KEY of the current batch, written when the batch is used up. */
struct keybatch {
	char serial[KEY_SERIAL_MAX];
	enum stock_state state;
	char last_move[UUID_LEN + 1];
	char application_id[UUID_LEN + 1];
	long long updated;
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

enum step_kind { S_CREATE, S_SUBMIT, S_ACCEPT, S_RETURN, S_CANCEL, S_READY, S_SHIP, S_COLLECT,
		 S_DONE };

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
static int plan(struct gen *g, long long t, bool post, enum app_kind kind, struct step out[16])
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
		if (kind == KIND_REVOKE || kind == KIND_UNLOCK) {
			/* Carried out at the counter or the centre: no certificate made. */
			out[n++] = (struct step){ S_DONE, tr + rng_range(r, 30, 48 * 60) * MIN_MS, NULL };
			return n;
		}
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
	long seq[NTERM], oseq[NTERM];   /* applications', orders' numbers */
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
	long long made, shipped, collected, done;
	int changes, synced;     /* changes in all; those the centre has (before sync_ms) */
};

static void random_hex(struct rng *r, int n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		out[i] = hex[rng_below(r, 16)];
	out[n] = '\0';
}

static void random_digits(struct rng *r, int n, char *out)
{
	out[0] = (char)('1' + rng_below(r, 9));
	for (int i = 1; i < n; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	out[n] = '\0';
}

/* ---- attachments (metadata only: the files are not written) -------------- */

/* A blob row and an attachment row; the attachment.add entry when the
 * clerk added it as a command (`audit`). */
static enum status attach(struct gen *g, long long ms, int clerk, const char *owner_type,
			  const char *owner_id, enum doc_type doc, const char *name, bool pdf,
			  const char *action, struct err *e)
{
	struct rng *r = &g->rng;
	char id[UUID_LEN + 1], sha[SHA256_HEX], at[21], pushed[21];
	synth_uuid7(r, (uint64_t)ms, id);
	random_hex(r, 64, sha);
	iso_ms(ms, at);
	iso_ms(ms + MIN_MS, pushed);
	const char *mime = pdf ? "application/pdf" : "image/jpeg";
	long long size = pdf ? rng_range(r, 60000, 900000) : rng_range(r, 180000, 2600000);
	sqlite3_stmt *s = db_prep(g->db, "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at,"
					 " pushed_at) VALUES (?1, ?2, ?3, ?4, ?5)", e);
	if (!s)
		return e->st;
	bind(s, 1, sha);
	sqlite3_bind_int64(s, 2, size);
	bind(s, 3, mime);
	bind(s, 4, at);
	bind(s, 5, ms + MIN_MS < g->sync_ms ? pushed : NULL);
	enum status st = step(g, s, e);
	if (st != ST_OK)
		return st;
	if (!(s = db_prep(g->db, "INSERT INTO attachments (id, owner_type, owner_id, doc_type, sha256,"
				 " name, mime, size, created_by, created_at, version) VALUES (?1, ?2, ?3,"
				 " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", e)))
		return e->st;
	bind(s, 1, id);
	bind(s, 2, owner_type);
	bind(s, 3, owner_id);
	bind(s, 4, doc_type_code(doc));
	bind(s, 5, sha);
	bind(s, 6, name);
	bind(s, 7, mime);
	sqlite3_bind_int64(s, 8, size);
	bind(s, 9, g->actors[clerk].id);
	bind(s, 10, at);
	sqlite3_bind_int(s, 11, ms < g->sync_ms);
	if ((st = step(g, s, e)) != ST_OK)
		return st;
	g->st->attachments++;
	if (!action)
		return ST_OK;
	return gen_audit_add(&g->audit, ms, clerk, action, "attachment", id, NULL,
			     gen_image_attachment(owner_id, doc_type_code(doc), name, sha, mime, size), e);
}

/* The scans a clerk adds while the applicant waits: the required documents
 * (at least two: an ID card may come as both sides), each a photo or PDF. */
static enum status app_attachments(struct gen *g, const struct application *a, long long t,
				   int clerk, struct err *e)
{
	enum doc_type docs[DOC__COUNT];
	int n = app_required_docs(a->kind, a->subject, docs);
	if (n < 2)
		docs[n++] = DOC_OTHER;
	for (int i = 0; i < n && i < 4; i++) {
		bool pdf = rng_chance(&g->rng, 0.3);
		char name[64];
		snprintf(name, sizeof name, "%s%s", doc_type_label(docs[i]), pdf ? ".pdf" : ".jpg");
		enum status st = attach(g, t + (i + 1) * 20000, clerk, "application", a->id, docs[i],
					name, pdf, g->p->every_command ? "attachment.add" : NULL, e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

/* ---- orders and payments ----------------------------------------------------- */

static const char *const banks[] = {
	"中国工商银行深圳福田支行", "中国建设银行深圳分行", "招商银行深圳车公庙支行",
	"中国银行深圳上步支行", "平安银行深圳分行营业部", "中国农业银行深圳华强支行",
	"交通银行深圳香蜜湖支行", "中信银行深圳分行",
};

/* One payment as it happened: kind, when recorded, its slip, verified or
 * rejected (times in ms, 0: never). */
struct payrec {
	struct payment p;
	long long recorded, slip, reviewed;
	bool rejected;
};

static enum status insert_order(struct gen *g, const struct order *o, const struct application *a,
				long long placed, int synced, struct err *e)
{
	char at[21];
	iso_ms(placed, at);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO orders (id, number, status, subject, holder_code, holder_name, applicant_id,"
		" method, total_fen, invoice_wanted, invoice_title, invoice_taxpayer_id, invoice_email,"
		" delivery, recipient, recipient_phone, recipient_address, recipient_postal,"
		" contact_phone, reason, office_id, terminal_id, created_by, created_at, updated_at,"
		" paid_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		" ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, nullif(?26, ''), ?27)", e);
	if (!s)
		return e->st;
	bind(s, 1, o->id);
	bind(s, 2, o->number);
	bind(s, 3, order_status_code(o->status));
	bind(s, 4, app_subject_code(o->subject));
	bind(s, 5, o->holder_code);
	bind(s, 6, o->holder_name);
	bind(s, 7, o->applicant_id);
	bind(s, 8, pay_method_code(o->method));
	sqlite3_bind_int64(s, 9, o->total_fen);
	sqlite3_bind_int(s, 10, o->invoice_wanted);
	bind(s, 11, o->invoice_title);
	bind(s, 12, o->invoice_taxpayer_id);
	bind(s, 13, o->invoice_email);
	bind(s, 14, delivery_code(o->delivery));
	bind(s, 15, o->recipient);
	bind(s, 16, o->recipient_phone);
	bind(s, 17, o->recipient_address);
	bind(s, 18, o->recipient_postal);
	bind(s, 19, o->contact_phone);
	bind(s, 20, o->reason);
	bind(s, 21, g->office_id);
	bind(s, 22, o->terminal_id);
	bind(s, 23, o->created_by);
	bind(s, 24, at);
	bind(s, 25, o->created_at);   /* the last change */
	bind(s, 26, o->paid_at);
	sqlite3_bind_int(s, 27, synced);
	enum status st = step(g, s, e);
	if (st != ST_OK)
		return st;
	if (!(s = db_prep(g->db, "INSERT INTO order_lines (order_id, application_id, number, kind,"
				 " subject, years, price_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", e)))
		return e->st;
	bind(s, 1, o->id);
	bind(s, 2, a->id);
	bind(s, 3, a->number);
	bind(s, 4, app_kind_code(a->kind));
	bind(s, 5, app_subject_code(a->subject));
	sqlite3_bind_int(s, 6, a->years);
	sqlite3_bind_int64(s, 7, o->total_fen);
	return step(g, s, e);
}

static enum status insert_payment(struct gen *g, const struct payrec *pr, const char *order_id,
				  long long link_fen, struct err *e)
{
	const struct payment *p = &pr->p;
	char at[21], vat[21];
	iso_ms(pr->recorded, at);
	iso_ms(pr->reviewed, vat);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO payments (id, kind, state, amount_fen, payer_name, payer_account, bank,"
		" reference, channel, paid_on, reason, refund_of, office_id, terminal_id, recorded_by,"
		" recorded_at, verified_by, verified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, nullif(?12, ''), ?13, ?14, ?15, ?16, nullif(?17, ''),"
		" nullif(?18, ''), ?19)", e);
	if (!s)
		return e->st;
	bool reviewed = p->verified_by[0] != '\0';
	bind(s, 1, p->id);
	bind(s, 2, payment_kind_code(p->kind));
	bind(s, 3, p->state);
	sqlite3_bind_int64(s, 4, p->amount_fen);
	bind(s, 5, p->payer_name);
	bind(s, 6, p->payer_account);
	bind(s, 7, p->bank);
	bind(s, 8, p->reference);
	bind(s, 9, p->channel);
	bind(s, 10, p->paid_on);
	bind(s, 11, p->reason);
	bind(s, 12, p->refund_of);
	bind(s, 13, g->office_id);
	bind(s, 14, g->terminal_id[0]);
	bind(s, 15, p->recorded_by);
	bind(s, 16, at);
	bind(s, 17, p->verified_by);
	bind(s, 18, reviewed ? vat : "");
	sqlite3_bind_int(s, 19, (pr->recorded < g->sync_ms) + (reviewed && pr->reviewed < g->sync_ms));
	enum status st = step(g, s, e);
	if (st != ST_OK)
		return st;
	if (!(s = db_prep(g->db, "INSERT INTO payment_orders (payment_id, order_id, amount_fen)"
				 " VALUES (?1, ?2, ?3)", e)))
		return e->st;
	bind(s, 1, p->id);
	bind(s, 2, order_id);
	sqlite3_bind_int64(s, 3, link_fen);
	if ((st = step(g, s, e)) == ST_OK)
		g->st->payments++;
	return st;
}

static const char *const reject_reasons[] = {
	"银行未到账，请核对汇款账号", "汇款金额与订单金额不符", "汇款底单模糊，无法核对流水号",
};

/*
 * The application's order and its payments, as of now. Every submitted
 * application that costs something is ordered at the counter a few minutes
 * after submission (revoke and unlock cost nothing: no order). Renewals
 * are paid online a third of the time, everything else by bank transfer:
 * the slip recorded during the visit or a few days later (a few without
 * the slip, added later), verified by a supervisor within a day (2%
 * rejected, then paid again). An application cancelled before payment has
 * its order cancelled; after payment, the money is refunded. Invoices
 * follow payment for those who asked. A certificate is made only once paid:
 * the make step (and those after it) moves after the payment, or does not
 * happen yet. *paid gets when it was paid (0: not as of now).
 */
static enum status money(struct gen *g, const struct application *a, const struct person *pp,
			 struct day *d, int term, int clerk, int super, struct step *steps,
			 int *nsteps, long long *paid, struct err *e)
{
	struct rng *r = &g->rng;
	long long now = g->now_ms, ts = 0, tc = 0;
	int make = -1;
	*paid = 0;
	for (int k = 0; k < *nsteps; k++) {
		if (steps[k].k == S_SUBMIT && !ts)
			ts = steps[k].ms;
		if (steps[k].k == S_CANCEL)
			tc = steps[k].ms;
		if (steps[k].k == S_READY)
			make = k;
	}
	long long price = g->price[a->kind][a->subject][a->years];
	if (price <= 0)
		return ST_OK; /* free of charge: made without an order */
	long long to = ts + rng_range(r, 1, 10) * MIN_MS;
	if (!ts || to > now || (tc && tc < to)) {
		if (make >= 0)
			*nsteps = make;
		return ST_OK;
	}

	struct order o;
	memset(&o, 0, sizeof o);
	synth_uuid7(r, (uint64_t)to, o.id);
	char tcode[4];
	snprintf(tcode, sizeof tcode, "%02d", term + 1);
	number_format("DD", GEN_OFFICE, tcode, d->ymd, ++d->oseq[term], o.number);
	o.subject = a->subject;
	snprintf(o.holder_code, sizeof o.holder_code, "%s", a->holder_code);
	snprintf(o.holder_name, sizeof o.holder_name, "%s", a->holder_name);
	snprintf(o.applicant_id, sizeof o.applicant_id, "%s", a->applicant_id);
	o.method = a->kind == KIND_RENEWAL && rng_chance(r, 0.35) ? PAY_ONLINE : PAY_TRANSFER;
	o.total_fen = price;
	o.invoice_wanted = rng_chance(r, a->subject == SUBJECT_ENTERPRISE ? 0.6 : 0.1);
	if (o.invoice_wanted) {
		snprintf(o.invoice_title, sizeof o.invoice_title, "%s", a->holder_name);
		if (a->subject == SUBJECT_ENTERPRISE)
			snprintf(o.invoice_taxpayer_id, sizeof o.invoice_taxpayer_id, "%s", a->holder_code);
		snprintf(o.invoice_email, sizeof o.invoice_email, "%s", a->email);
	}
	o.delivery = a->delivery;
	snprintf(o.recipient, sizeof o.recipient, "%s", a->recipient);
	snprintf(o.recipient_phone, sizeof o.recipient_phone, "%s", a->recipient_phone);
	snprintf(o.recipient_address, sizeof o.recipient_address, "%s", a->recipient_address);
	snprintf(o.recipient_postal, sizeof o.recipient_postal, "%s", a->recipient_postal);
	snprintf(o.contact_phone, sizeof o.contact_phone, "%s", pp->phone);
	snprintf(o.terminal_id, sizeof o.terminal_id, "%s", g->terminal_id[term]);
	snprintf(o.created_by, sizeof o.created_by, "%s", g->actors[clerk].id);

	/* What happens to it, in time. */
	struct payrec pr[4];
	int np = 0;
	long long cancel = 0, invoice = 0, when = 0;
	memset(pr, 0, sizeof pr);
	if (o.method == PAY_ONLINE) {
		long long tp = to + rng_range(r, 1, 5) * MIN_MS;
		if (tc && tc < tp) {
			cancel = tc;
		} else {
			struct payrec *p = &pr[np++];
			p->p.kind = PAYMENT_ONLINE;
			p->recorded = tp;
			bool wx = rng_chance(r, 0.6);
			snprintf(p->p.channel, sizeof p->p.channel, "%s", wx ? "wechat" : "alipay");
			char digits[32];
			random_digits(r, 18, digits);
			snprintf(p->p.reference, sizeof p->p.reference, "%s%s", wx ? "4200" : "2088",
				 digits);
			when = tp;
		}
	} else {
		long long tr = rng_chance(r, 0.75) ? to + rng_range(r, 2, 20) * MIN_MS
			       : to + rng_range(r, 1, 3) * DAY_MS + rng_range(r, 0, 480) * MIN_MS;
		if (tc && tc < tr)
			cancel = tc;
		for (int round = 0; !cancel && round < 2; round++) {
			struct payrec *p = &pr[np++];
			p->p.kind = PAYMENT_TRANSFER;
			p->recorded = tr;
			p->slip = rng_chance(r, 0.05) ? tr + rng_range(r, 1, 48) * HOUR_MS : tr;
			p->reviewed = p->slip + rng_range(r, 30, 24 * 60) * MIN_MS;
			snprintf(p->p.payer_name, sizeof p->p.payer_name, "%s", a->holder_name);
			random_digits(r, 12 + (int)rng_below(r, 8), p->p.payer_account);
			snprintf(p->p.bank, sizeof p->p.bank, "%s", banks[rng_below(r, 8)]);
			char digits[32];
			random_digits(r, 16, digits);
			snprintf(p->p.reference, sizeof p->p.reference, "HX%s", digits);
			char ymd[9];
			clock_local_ymd((time_t)(tr / 1000), ymd);
			snprintf(p->p.paid_on, sizeof p->p.paid_on, "%.4s-%.2s-%.2s", ymd, ymd + 4, ymd + 6);
			if (round == 0 && rng_chance(r, 0.02)) {
				p->rejected = true;
				snprintf(p->p.reason, sizeof p->p.reason, "%s",
					 reject_reasons[rng_below(r, 3)]);
				tr = p->reviewed + rng_range(r, 1, 3) * DAY_MS;
				continue;
			}
			when = p->reviewed;
			break;
		}
	}
	for (int i = 0; i < np; i++) {
		pr[i].p.amount_fen = price;
		synth_uuid7(r, (uint64_t)pr[i].recorded, pr[i].p.id);
		snprintf(pr[i].p.recorded_by, sizeof pr[i].p.recorded_by, "%s", g->actors[clerk].id);
	}
	if (when && tc > when) {   /* cancelled after payment: refunded */
		struct payrec *p = &pr[np++];
		p->p.kind = PAYMENT_REFUND;
		p->recorded = tc + rng_range(r, 1, 3) * DAY_MS;
		p->p.amount_fen = price;
		memcpy(p->p.payer_name, pr[np - 2].p.payer_name, sizeof p->p.payer_name);
		snprintf(p->p.reason, sizeof p->p.reason, "申请已取消，全额退款");
		memcpy(p->p.refund_of, pr[np - 2].p.id, sizeof p->p.refund_of);
		synth_uuid7(r, (uint64_t)p->recorded, p->p.id);
		snprintf(p->p.recorded_by, sizeof p->p.recorded_by, "%s", g->actors[super].id);
	}
	if (when && o.invoice_wanted)
		invoice = when + rng_range(r, 1, 5) * DAY_MS;

	/* A certificate is made once paid. */
	if (make >= 0 && (!when || when > now)) {
		*nsteps = make;
	} else if (make >= 0 && when > steps[make].ms - HOUR_MS) {
		long long shift = when + rng_range(r, 1, 24) * HOUR_MS - steps[make].ms;
		for (int k = make; k < *nsteps; k++)
			steps[k].ms += shift;
	}
	*paid = when <= now ? when : 0;

	/* The order as of now, and its entries. */
	char *img = gen_image_order(&o);
	enum status st = gen_audit_add(&g->audit, to, clerk, "order.place", "order", o.id, NULL, img, e);
	int synced = to < g->sync_ms;
	long long last = to;
	bool awaiting = false;
	for (int i = 0; i < np && st == ST_OK; i++) {
		struct payrec *p = &pr[i];
		if (p->recorded > now)
			break;
		if (p->p.kind == PAYMENT_TRANSFER) {
			bool slip = p->slip <= now, done = slip && p->reviewed <= now;
			snprintf(p->p.state, sizeof p->p.state, "%s",
				 !done ? "recorded" : p->rejected ? "rejected" : "verified");
			if (!done)
				p->p.reason[0] = '\0';
			awaiting = slip && !done;
			if (done)
				snprintf(p->p.verified_by, sizeof p->p.verified_by, "%s", g->actors[super].id);
			st = gen_audit_add(&g->audit, p->recorded, clerk, "payment.transfer", "payment",
					   p->p.id, NULL, gen_image_payment(&p->p, "recorded", "",
									  p->slip == p->recorded, NULL), e);
			if (st == ST_OK && slip)
				st = attach(g, p->slip, clerk, "order", o.id, DOC_REMITTANCE_SLIP,
					    "汇款底单.jpg", false, NULL, e);
			if (st == ST_OK && slip && p->slip != p->recorded)
				st = gen_audit_add(&g->audit, p->slip, clerk, "payment.add_slip", "payment",
						   p->p.id, NULL, gen_image_payment(&p->p, "recorded", "", 1,
										  NULL), e);
			if (st == ST_OK && done)
				st = gen_audit_add(&g->audit, p->reviewed, super,
						   p->rejected ? "payment.reject" : "payment.verify",
						   "payment", p->p.id,
						   gen_image_payment(&p->p, "recorded", "", -1, NULL),
						   gen_image_payment(&p->p, p->p.state, p->p.reason, -1, NULL), e);
			if (done)
				last = p->reviewed;
		} else if (p->p.kind == PAYMENT_ONLINE) {
			snprintf(p->p.state, sizeof p->p.state, "done");
			st = gen_audit_add(&g->audit, p->recorded, clerk, "payment.online", "payment",
					   p->p.id, NULL, gen_image_payment(&p->p, "done", "", -1, NULL), e);
			last = p->recorded;
		} else {
			snprintf(p->p.state, sizeof p->p.state, "done");
			st = gen_audit_add(&g->audit, p->recorded, super, "payment.refund", "payment",
					   p->p.id, NULL, gen_image_payment(&p->p, "done", p->p.reason, -1,
									 p->p.refund_of), e);
			g->st->refunds++;
		}
		if (st == ST_OK)
			st = insert_payment(g, p, o.id, price, e);
	}
	if (st != ST_OK)
		return st;
	if (cancel && cancel <= now) {
		char *before = gen_image_order(&o);
		o.status = ORDER_CANCELLED;
		snprintf(o.reason, sizeof o.reason, "申请单已取消");
		st = gen_audit_add(&g->audit, cancel, clerk, "order.cancel", "order", o.id, before,
				   gen_image_order(&o), e);
		last = cancel;
		synced += cancel < g->sync_ms;
	} else if (*paid) {
		o.status = ORDER_PAID;
		iso_ms(*paid, o.paid_at);
		synced += *paid < g->sync_ms;
		if (invoice && invoice <= now) {
			o.status = ORDER_INVOICED;
			char name[80];
			snprintf(name, sizeof name, "电子发票_%s.pdf", o.number);
			st = attach(g, invoice, clerk, "order", o.id, DOC_INVOICE, name, true, NULL, e);
			if (st == ST_OK)
				st = gen_audit_add(&g->audit, invoice, clerk, "order.invoice", "order", o.id,
						   NULL, gen_image_order(&o), e);
			last = invoice;
			synced += invoice < g->sync_ms;
		}
	} else if (awaiting) {
		o.status = ORDER_AWAITING_VERIFICATION;
	}
	iso_ms(last, o.created_at);   /* its updated_at */
	if (st == ST_OK)
		st = insert_order(g, &o, a, to, synced, e);
	if (st == ST_OK) {
		g->st->orders++;
		g->st->by_order_status[o.status]++;
	}
	return st;
}

/* ---- blank KEYs --------------------------------------------------------------- */

static enum status key_move(struct gen *g, const char *id, const char *kind, int count,
			    const char *first, const char *last, const char *app_id,
			    const char *note, long long ms, int by, struct err *e)
{
	char at[21];
	iso_ms(ms, at);
	sqlite3_stmt *s = db_prep(g->db, "INSERT INTO key_moves (id, office_id, kind, count,"
					 " first_serial, last_serial, application_id, note, at, by_id,"
					 " version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", e);
	if (!s)
		return e->st;
	bind(s, 1, id);
	bind(s, 2, g->office_id);
	bind(s, 3, kind);
	sqlite3_bind_int(s, 4, count);
	bind(s, 5, first);
	bind(s, 6, last);
	bind(s, 7, app_id);
	bind(s, 8, note);
	bind(s, 9, at);
	bind(s, 10, g->actors[by].id);
	sqlite3_bind_int(s, 11, ms < g->sync_ms);
	return step(g, s, e);
}

static enum status key_item(struct gen *g, const char *move, const char *serial, const char *from,
			    struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "INSERT INTO key_move_items (move_id, serial, from_state)"
					 " VALUES (?1, ?2, ?3)", e);
	if (!s)
		return e->st;
	bind(s, 1, move);
	bind(s, 2, serial);
	bind(s, 3, from);
	return step(g, s, e);
}

/* Write the batch's KEYs as they stand. */
static enum status keys_flush(struct gen *g, struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "INSERT INTO key_stock (serial, office_id, state,"
					 " received_move, last_move, application_id, updated_at, version)"
					 " VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7, ?8)", e);
	if (!s)
		return e->st;
	for (int i = 0; i < g->nkeys; i++) {
		const struct keybatch *k = &g->keys[i];
		char at[21];
		iso_ms(k->updated, at);
		bind(s, 1, k->serial);
		bind(s, 2, g->office_id);
		bind(s, 3, stock_state_code(k->state));
		bind(s, 4, g->key_move);
		bind(s, 5, k->last_move);
		bind(s, 6, k->application_id);
		bind(s, 7, at);
		sqlite3_bind_int(s, 8, k->updated < g->sync_ms ? 1 : 0);
		enum status st = step(g, s, e);
		if (st != ST_OK)
			return st;
		g->st->keys++;
	}
	g->nkeys = g->next_key = 0;
	return ST_OK;
}

/* A batch of blank KEYs from the centre, received at `ms`. */
static enum status keys_receive(struct gen *g, long long ms, int clerk, struct err *e)
{
	enum status st = keys_flush(g, e);
	if (st != ST_OK)
		return st;
	if (!g->keys && !(g->keys = calloc(KEY_BATCH, sizeof *g->keys)))
		return err_status(e, ST_NOMEM);
	synth_uuid7(&g->rng, (uint64_t)ms, g->key_move);
	for (int i = 0; i < KEY_BATCH; i++) {
		struct keybatch *k = &g->keys[i];
		memset(k, 0, sizeof *k);
		snprintf(k->serial, sizeof k->serial, "FT%02d-%06ld", (int)(g->key_serial / 1000000 % 100),
			 g->key_serial % 1000000);
		g->key_serial += 1;
		k->state = STOCK_IN_STOCK;
		memcpy(k->last_move, g->key_move, sizeof k->last_move);
		k->updated = ms;
		if ((st = key_item(g, g->key_move, k->serial, "", e)) != ST_OK)
			return st;
	}
	g->nkeys = KEY_BATCH;
	char note[64];
	snprintf(note, sizeof note, "中心配发第 %ld 批", g->key_serial / KEY_BATCH);
	st = key_move(g, g->key_move, "receive", KEY_BATCH, g->keys[0].serial,
		      g->keys[KEY_BATCH - 1].serial, NULL, note, ms, clerk, e);
	if (st == ST_OK && g->p->every_command)
		st = gen_audit_add(&g->audit, ms, clerk, "stock.receive", "key", g->key_move, NULL,
				   gen_image_key_move("receive", KEY_BATCH, g->keys[0].serial,
						      g->keys[KEY_BATCH - 1].serial, note), e);
	return st;
}

/* Issue the next KEY to an application made at `ms` (created at
 * `created`: batches arrive in creation order, before any of theirs is
 * used). Now and then one is found damaged first. */
static enum status key_issue(struct gen *g, const struct application *a, long long created,
			     long long ms, int clerk, struct err *e)
{
	enum status st;
	for (;;) {
		if (g->next_key >= g->nkeys &&
		    (st = keys_receive(g, created - 5 * MIN_MS, clerk, e)) != ST_OK)
			return st;
		struct keybatch *k = &g->keys[g->next_key++];
		bool damaged = rng_chance(&g->rng, 0.005);
		char move[UUID_LEN + 1];
		long long at = damaged ? ms - MIN_MS : ms;
		synth_uuid7(&g->rng, (uint64_t)at, move);
		st = key_move(g, move, damaged ? "damage" : "issue", 1, k->serial, k->serial,
			      damaged ? NULL : a->id, damaged ? "插入后无法识别" : a->number, at, clerk, e);
		if (st == ST_OK)
			st = key_item(g, move, k->serial, "in_stock", e);
		if (st != ST_OK)
			return st;
		k->state = damaged ? STOCK_DAMAGED : STOCK_ISSUED;
		memcpy(k->last_move, move, sizeof move);
		k->updated = at;
		if (!damaged)
			memcpy(k->application_id, a->id, sizeof k->application_id);
		if (g->p->every_command)
			st = gen_audit_add(&g->audit, at, clerk, damaged ? "stock.damage" : "stock.issue",
					   "key", move, gen_image_key(k->serial, "in_stock", NULL, NULL),
					   gen_image_key(k->serial, stock_state_code(k->state),
							 damaged ? NULL : a->id,
							 damaged ? NULL : a->number), e);
		if (st != ST_OK || !damaged)
			return st;
	}
}

/* ---- certificates ---------------------------------------------------------------- */

#define YEAR_MS (365 * DAY_MS)
#define ISSUER "CN=SZCA SM2 CA, O=深圳市电子商务安全证书管理有限公司, C=CN"

/* One certificate bound to the applicant; revoked_ms 0: not revoked. */
static enum status certificate(struct gen *g, const struct application *a, const char *serial,
			       long long nb, long long na, long long bound, int by,
			       long long revoked_ms, const char *reason, struct err *e)
{
	struct rng *r = &g->rng;
	long long expired = na + 91 * DAY_MS;   /* the centre's revocation job */
	if (expired <= g->now_ms && (!revoked_ms || expired < revoked_ms)) {
		revoked_ms = expired;
		reason = LIFECYCLE_REVOKE_REASON;
	}
	if (revoked_ms > g->now_ms)
		revoked_ms = 0;
	char id[UUID_LEN + 1], sha[65], sm3[65], subject[400], nbs[21], nas[21], bat[21], rat[21];
	synth_uuid7(r, (uint64_t)bound, id);
	random_hex(r, 64, sha);
	random_hex(r, 64, sm3);
	for (char *c = sha; *c; c++)
		*c = (char)(*c >= 'a' ? *c - 32 : *c);
	for (char *c = sm3; *c; c++)
		*c = (char)(*c >= 'a' ? *c - 32 : *c);
	bool ent = a->subject == SUBJECT_ENTERPRISE;
	if (ent)
		snprintf(subject, sizeof subject, "CN=%s, O=%s, C=CN", a->holder_name, a->holder_name);
	else
		snprintf(subject, sizeof subject, "CN=%s, C=CN", a->holder_name);
	bool sm2 = rng_chance(r, 0.7);
	iso_ms(nb, nbs);
	iso_ms(na, nas);
	iso_ms(bound, bat);
	iso_ms(revoked_ms, rat);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO certificates (id, serial, subject, issuer, cn, org, algorithm, key_desc,"
		" sig_alg, not_before, not_after, sha256, sm3, slot, applicant_id, bound_at, bound_by,"
		" revoked_at, revoke_reason, created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'sign', ?14, ?15, ?16, nullif(?17, ''), ?18,"
		" ?15, ?15, ?19)", e);
	if (!s)
		return e->st;
	bind(s, 1, id);
	bind(s, 2, serial);
	bind(s, 3, subject);
	bind(s, 4, ISSUER);
	bind(s, 5, a->holder_name);
	bind(s, 6, ent ? a->holder_name : "");
	bind(s, 7, sm2 ? "SM2" : "RSA");
	bind(s, 8, sm2 ? "SM2" : "RSA 2048");
	bind(s, 9, sm2 ? "SM2-with-SM3" : "sha256WithRSAEncryption");
	bind(s, 10, nbs);
	bind(s, 11, nas);
	bind(s, 12, sha);
	bind(s, 13, sm3);
	bind(s, 14, a->applicant_id);
	bind(s, 15, bat);
	bind(s, 16, g->actors[by].id);
	bind(s, 17, revoked_ms ? rat : "");
	bind(s, 18, revoked_ms ? reason : "");
	sqlite3_bind_int(s, 19, bound < g->sync_ms);
	enum status st = step(g, s, e);
	if (st == ST_OK)
		g->st->certificates++;
	return st;
}

/* ---- one application ---------------------------------------------------------------- */

/* Live through the application's steps up to now: its state and columns,
 * and an audit entry for each step (all are commands). */
static enum status live(struct gen *g, struct application *a, const struct person *pp,
			const struct step *steps, int n, int clerk, int super, struct life *lf,
			struct err *e)
{
	static const char *const actions[S_DONE + 1] = {
		[S_CREATE] = "application.create", [S_SUBMIT] = "application.submit",
		[S_ACCEPT] = "application.accept", [S_RETURN] = "application.return",
		[S_CANCEL] = "application.cancel", [S_READY] = "application.make",
		[S_SHIP] = "application.ship",     [S_COLLECT] = "application.collect",
		[S_DONE] = "application.complete",
	};
	struct rng *r = &g->rng;
	a->status = APP_DRAFT;
	lf->updated = lf->created;
	for (int k = 0; k < n && steps[k].ms <= g->now_ms; k++) {
		const struct step *sp = &steps[k];
		const char *action = actions[sp->k];
		bool supervised = sp->k == S_READY || sp->k == S_SHIP || sp->k == S_COLLECT;
		char *before = sp->k == S_CREATE ? NULL : supervised ? gen_image_supervised(a)
						       : gen_image_application(a);
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
		case S_READY:
			a->status = APP_READY;
			synth_cert_serial(r, a->issued_serial);
			lf->made = sp->ms;
			break;
		case S_SHIP: {
			a->status = APP_SHIPPED;
			bool sf = rng_chance(r, 0.7);
			char digits[16];
			random_digits(r, 12, digits);
			snprintf(a->courier, sizeof a->courier, "%s", sf ? "顺丰速运" : "中国邮政EMS");
			snprintf(a->tracking_no, sizeof a->tracking_no, "%s%s", sf ? "SF" : "E", digits);
			lf->shipped = sp->ms;
			break;
		}
		case S_COLLECT: {
			a->status = APP_COLLECTED;
			snprintf(a->collector_name, sizeof a->collector_name, "%s", pp->name);
			if (pp->id_number[0]) {
				snprintf(a->collector_id_number, sizeof a->collector_id_number, "%s",
					 pp->id_number);
			} else if (a->subject == SUBJECT_PERSONAL) {
				snprintf(a->collector_name, sizeof a->collector_name, "%s", a->holder_name);
				snprintf(a->collector_id_number, sizeof a->collector_id_number, "%s",
					 a->holder_code);
			}
			lf->collected = sp->ms;
			break;
		}
		case S_DONE:
			a->status = APP_DONE;
			iso_ms(sp->ms, a->done_at);
			lf->done = sp->ms;
			break;
		}
		lf->updated = sp->ms;
		lf->changes++;
		lf->synced += sp->ms < g->sync_ms;
		/* An unlock is carried out at the counter with the KEY (application.unlock). */
		if (sp->k == S_DONE && a->kind == KIND_UNLOCK)
			action = "application.unlock";
		int actor = sp->k == S_CREATE || sp->k == S_SUBMIT || sp->k == S_CANCEL ||
			    strcmp(action, "application.unlock") == 0 ? clerk : super;
		if (!g->p->every_command && (supervised || sp->k == S_DONE)) {
			free(before);
			continue;
		}
		enum status st = gen_audit_add(&g->audit, sp->ms, actor, action, "application", a->id,
					       before, supervised ? gen_image_supervised(a)
								  : gen_image_application(a), e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

static enum status insert_application(struct gen *g, const struct application *a, int term,
				      int clerk, int super, const struct life *lf, struct err *e)
{
	char created_at[21], submitted_at[21], reviewed_at[21], updated_at[21], made[21],
		shipped[21], collected[21];
	iso_ms(lf->created, created_at);
	iso_ms(lf->submitted, submitted_at);
	iso_ms(lf->reviewed, reviewed_at);
	iso_ms(lf->updated, updated_at);
	iso_ms(lf->made, made);
	iso_ms(lf->shipped, shipped);
	iso_ms(lf->collected, collected);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO applications (id, number, kind, subject, status, applicant_id,"
		" enterprise_id, years, cert_serial, holder_name, holder_code, legal_rep, address,"
		" postal_code, email, phone, delivery, recipient, recipient_phone, recipient_address,"
		" recipient_postal, agreement_version, agreement_at, reason, office_id, terminal_id,"
		" created_by, submitted_at, reviewed_by, reviewed_at, created_at, updated_at, version,"
		" service_reason, issued_serial, courier, tracking_no, collector_name,"
		" collector_id_number, made_at, shipped_at, collected_at, done_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?23, ?31, ?32,"
		" ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, nullif(?42, ''))", e);
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
	/* The centre's version: the changes it has seen (pushed up to a day ago). */
	sqlite3_bind_int(s, 32, lf->synced);
	bind(s, 33, a->service_reason);
	bind(s, 34, a->issued_serial);
	bind(s, 35, a->courier);
	bind(s, 36, a->tracking_no);
	bind(s, 37, a->collector_name);
	bind(s, 38, a->collector_id_number);
	bind(s, 39, lf->made ? made : NULL);
	bind(s, 40, lf->shipped ? shipped : NULL);
	bind(s, 41, lf->collected ? collected : NULL);
	bind(s, 42, a->done_at);
	return step(g, s, e);
}

static const char *const service_reasons[KIND__COUNT][3] = {
	[KIND_CHANGE] = { "企业名称变更", "法定代表人变更", "注册地址变更" },
	[KIND_REISSUE] = { "KEY 遗失", "KEY 损坏无法识别", "KEY 被盗" },
	[KIND_REVOKE] = { "企业注销", "不再使用数字证书", "证书信息有误" },
};

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
	const struct person *pp = &g->people[person];
	details(g, &a, pp, org >= 0 ? &g->orgs[org] : NULL);
	if (service_reasons[a.kind][0])
		snprintf(a.service_reason, sizeof a.service_reason, "%s",
			 service_reasons[a.kind][rng_below(r, 3)]);

	struct step steps[16];
	int n = plan(g, lf.created, a.delivery == DELIVERY_POST, a.kind, steps);
	/* The review backlog: nothing reviewed since backlog_ms. */
	for (int k = 0; k < n; k++)
		if ((steps[k].k == S_ACCEPT || steps[k].k == S_RETURN) && steps[k].ms >= g->backlog_ms) {
			n = k;
			break;
		}
	long long paid;
	if ((st = app_attachments(g, &a, lf.created, clerk, e)) != ST_OK ||
	    (st = money(g, &a, pp, d, term, clerk, super, steps, &n, &paid, e)) != ST_OK ||
	    (st = live(g, &a, pp, steps, n, clerk, super, &lf, e)) != ST_OK ||
	    (st = insert_application(g, &a, term, clerk, super, &lf, e)) != ST_OK)
		return st;

	/* The certificate it renews, changes, replaces, revokes or unlocks, as
	 * read from the applicant's KEY; and the one made for it. */
	long long old_na = 0;
	if (a.kind != KIND_NEW) {
		old_na = lf.created + (a.kind == KIND_RENEWAL ? rng_range(r, -20, 60)
							      : rng_range(r, 30, 700)) * DAY_MS;
		long long nb = old_na - rng_range(r, 1, 3) * YEAR_MS;
		long long rev = a.kind == KIND_REVOKE ? lf.done
			      : a.kind == KIND_CHANGE || a.kind == KIND_REISSUE ? lf.made : 0;
		st = certificate(g, &a, a.cert_serial, nb, old_na, lf.created, clerk, rev,
				 a.kind == KIND_REVOKE ? a.service_reason : "已换发新证书", e);
	}
	if (st == ST_OK && lf.made) {
		long long na = a.years ? lf.made + a.years * YEAR_MS : old_na;
		st = certificate(g, &a, a.issued_serial, lf.made, na, lf.made, super, 0, "", e);
		if (st == ST_OK && (a.kind == KIND_NEW || a.kind == KIND_REISSUE))
			st = key_issue(g, &a, lf.created, lf.made, clerk, e);
	}
	if (st != ST_OK)
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
	for (int k = 0; k < 2; k++) {
		long last = k ? d->oseq[0] : d->seq[0];
		if (!last)
			continue;
		char scope[32];
		snprintf(scope, sizeof scope, "%s:%s", k ? "DD" : "SQ", d->ymd);
		sqlite3_stmt *s = db_prep(g->db, "INSERT OR REPLACE INTO counters (scope, next)"
						 " VALUES (?1, ?2)", e);
		if (!s)
			return e->st;
		bind(s, 1, scope);
		sqlite3_bind_int64(s, 2, last + 1);
		enum status st = step(g, s, e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
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
	/* The review backlog starts when the last BACKLOG share of the
	 * applications begins to come in. */
	double cum = 0;
	g->backlog_ms = g->now_ms;
	for (int k = 0; k <= days; k++) {
		cum += w[k];
		if (total > 0 && cum / total >= 1 - BACKLOG) {
			g->backlog_ms = (long long)day_start(first, k) * 1000;
			break;
		}
	}
	enum status st = db_begin(g->db, e);
	cum = 0;
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
		st = keys_flush(g, e);
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

/*
 * The secondary indexes are dropped for the load and made again after it
 * (sorted, as CREATE INDEX builds them): inserting millions of rows into
 * random-order indexes (holder codes, hashes, references) costs more than
 * the rows. They come out packed, as after a VACUUM, where two years of
 * inserts would leave them a third larger. The audit log keeps its indexes
 * during the load: its entries arrive in the order of three of them, and
 * rebuilding them would read its gigabytes once per index.
 */
static enum status drop_indexes(struct gen *g, struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "SELECT group_concat(sql, ';'), group_concat('DROP INDEX '"
					 " || name, ';') FROM sqlite_master WHERE type = 'index' AND"
					 " sql IS NOT NULL AND tbl_name <> 'audit_log'", e);
	if (!s)
		return e->st;
	enum status st = ST_OK;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
		g->index_sql = strdup((const char *)sqlite3_column_text(s, 0));
		char *drop = strdup((const char *)sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		st = !g->index_sql || !drop ? err_status(e, ST_NOMEM) : db_exec(g->db, drop, e);
		free(drop);
	}
	sqlite3_reset(s);
	return st;
}

static enum status make_indexes(struct gen *g, struct err *e)
{
	return g->index_sql ? db_exec(g->db, g->index_sql, e) : ST_OK;
}

/* The office's price list, as setup seeded it. */
static enum status load_prices(struct gen *g, struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "SELECT kind, subject, years, price_fen FROM price_list"
					 " WHERE active", e);
	if (!s)
		return e->st;
	while (sqlite3_step(s) == SQLITE_ROW) {
		enum app_kind k;
		enum app_subject sub;
		int y = sqlite3_column_int(s, 2);
		if (app_kind_parse((const char *)sqlite3_column_text(s, 0), &k) &&
		    app_subject_parse((const char *)sqlite3_column_text(s, 1), &sub) && y >= 0 &&
		    y <= APP_MAX_YEARS) {
			long long fen = sqlite3_column_int64(s, 3);
			if (y == 0) /* a service without a period: every period */
				for (int j = 0; j <= APP_MAX_YEARS; j++)
					g->price[k][sub][j] = fen;
			else
				g->price[k][sub][y] = fen;
		}
	}
	sqlite3_reset(s);
	return ST_OK;
}

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
	rng_seed(&g.audit_rng, p->seed ^ 0x6175646974ull);
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
	g.sync_ms = g.now_ms - DAY_MS;
	/* The office's setup and staff were pushed to the centre long ago. */
	if (st == ST_OK)
		st = db_exec(g.db, "DELETE FROM outbox", e);
	if (st == ST_OK)
		st = load_prices(&g, e);
	if (st == ST_OK)
		st = gen_audit_begin(&g.audit, g.db, &g.audit_rng, g.actors, g.now_ms, g.sync_ms, e);
	if (st == ST_OK)
		st = drop_indexes(&g, e);
	if (st == ST_OK)
		st = history(&g, e);
	if (st == ST_OK)
		st = make_indexes(&g, e);
	free(g.index_sql);
	struct err e2;
	enum status st2 = db_exec(g.db, restore, &e2);
	if (st == ST_OK && st2 != ST_OK) {
		*e = e2;
		st = st2;
	}
	out->audit = gen_audit_count(&g.audit);
	out->outbox = g.audit.outbox;
	gen_audit_done(&g.audit);
	free(g.keys);
	free(g.people);
	free(g.orgs);
	free(g.phones.v);
	free(g.ids.v);
	free(g.codes.v);
	out->seconds = (clock_ms() - t0) / 1000.0;
	return st;
}
