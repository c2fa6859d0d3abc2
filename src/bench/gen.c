/* The benchmark's database generator: see gen.h. */
#include "bench/gen_int.h"

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

/* ---- small helpers ---------------------------------------------------- */

void gen_iso_ms(long long ms, char out[21])
{
	clock_iso((time_t)(ms / 1000), out);
}

int gen_bind(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

enum status gen_step(struct gen *g, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return db_fail(g->db, rc, e);
	sqlite3_reset(s);
	return ST_OK;
}

/* ---- the office and the staff, through the real use cases --------------- */

enum status gen_make_staff(struct gen *g, struct err *e)
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
		gen_bind(s, 1, g->terminal_id[t]);
		gen_bind(s, 2, g->office_id);
		gen_bind(s, 3, code);
		gen_bind(s, 4, name);
		gen_bind(s, 5, at);
		if ((st = gen_step(g, s, e)) != ST_OK)
			return st;
	}
	return ST_OK;
}

/* ---- one application's life --------------------------------------------- */

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
		if ((st = gen_new_person(g, reg, clerk, person, e)) != ST_OK)
			return st;
		if (personal && !g->people[*person].id_number[0])
			personal = false;
	}
	if (personal)
		return ST_OK;
	if (want_org || g->norgs == 0) {
		if (*person < 0)
			*person = (long)rng_below(r, (uint32_t)g->npeople);
		return gen_new_org(g, t, *person, org, e);
	}
	*org = (long)rng_below(r, (uint32_t)g->norgs);
	if (*person < 0)
		*person = rng_chance(r, 0.85) ? g->orgs[*org].agent
					      : (long)rng_below(r, (uint32_t)g->npeople);
	if (*person == g->orgs[*org].agent)
		return ST_OK;
	if ((st = gen_link_agent(g, *person, *org, t, e)) != ST_OK)
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

void gen_random_hex(struct rng *r, int n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		out[i] = hex[rng_below(r, 16)];
	out[n] = '\0';
}

void gen_random_digits(struct rng *r, int n, char *out)
{
	out[0] = (char)('1' + rng_below(r, 9));
	for (int i = 1; i < n; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	out[n] = '\0';
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
			gen_random_digits(r, 12, digits);
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
			gen_iso_ms(sp->ms, a->done_at);
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
	gen_iso_ms(lf->created, created_at);
	gen_iso_ms(lf->submitted, submitted_at);
	gen_iso_ms(lf->reviewed, reviewed_at);
	gen_iso_ms(lf->updated, updated_at);
	gen_iso_ms(lf->made, made);
	gen_iso_ms(lf->shipped, shipped);
	gen_iso_ms(lf->collected, collected);
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
	gen_bind(s, 1, a->id);
	gen_bind(s, 2, a->number);
	gen_bind(s, 3, app_kind_code(a->kind));
	gen_bind(s, 4, app_subject_code(a->subject));
	gen_bind(s, 5, app_status_code(a->status));
	gen_bind(s, 6, a->applicant_id);
	gen_bind(s, 7, a->enterprise_id[0] ? a->enterprise_id : NULL);
	sqlite3_bind_int(s, 8, a->years);
	gen_bind(s, 9, a->cert_serial);
	gen_bind(s, 10, a->holder_name);
	gen_bind(s, 11, a->holder_code);
	gen_bind(s, 12, a->legal_rep);
	gen_bind(s, 13, a->address);
	gen_bind(s, 14, a->postal_code);
	gen_bind(s, 15, a->email);
	gen_bind(s, 16, a->phone);
	gen_bind(s, 17, delivery_code(a->delivery));
	gen_bind(s, 18, a->recipient);
	gen_bind(s, 19, a->recipient_phone);
	gen_bind(s, 20, a->recipient_address);
	gen_bind(s, 21, a->recipient_postal);
	gen_bind(s, 22, a->agreement_version);
	gen_bind(s, 23, created_at);
	gen_bind(s, 24, a->reason);
	gen_bind(s, 25, g->office_id);
	gen_bind(s, 26, g->terminal_id[term]);
	gen_bind(s, 27, g->actors[clerk].id);
	gen_bind(s, 28, lf->submitted ? submitted_at : NULL);
	gen_bind(s, 29, lf->reviewed ? g->actors[super].id : NULL);
	gen_bind(s, 30, lf->reviewed ? reviewed_at : NULL);
	gen_bind(s, 31, updated_at);
	/* The centre's version: the changes it has seen (pushed up to a day ago). */
	sqlite3_bind_int(s, 32, lf->synced);
	gen_bind(s, 33, a->service_reason);
	gen_bind(s, 34, a->issued_serial);
	gen_bind(s, 35, a->courier);
	gen_bind(s, 36, a->tracking_no);
	gen_bind(s, 37, a->collector_name);
	gen_bind(s, 38, a->collector_id_number);
	gen_bind(s, 39, lf->made ? made : NULL);
	gen_bind(s, 40, lf->shipped ? shipped : NULL);
	gen_bind(s, 41, lf->collected ? collected : NULL);
	gen_bind(s, 42, a->done_at);
	return gen_step(g, s, e);
}

static const char *const service_reasons[KIND__COUNT][3] = {
	[KIND_CHANGE] = { "企业名称变更", "法定代表人变更", "注册地址变更" },
	[KIND_REISSUE] = { "KEY 遗失", "KEY 损坏无法识别", "KEY 被盗" },
	[KIND_REVOKE] = { "企业注销", "不再使用数字证书", "证书信息有误" },
};

/* The i-th application (0-based), created at t (ms) on day d. */
enum status gen_application(struct gen *g, long long t, struct day *d, long i, struct err *e)
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
	if ((st = gen_app_attachments(g, &a, lf.created, clerk, e)) != ST_OK ||
	    (st = gen_money(g, &a, pp, d, term, clerk, super, steps, &n, &paid, e)) != ST_OK ||
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
		st = gen_certificate(g, &a, a.cert_serial, nb, old_na, lf.created, clerk, rev,
				 a.kind == KIND_REVOKE ? a.service_reason : "已换发新证书", e);
	}
	if (st == ST_OK && lf.made) {
		long long na = a.years ? lf.made + a.years * YEAR_MS : old_na;
		st = gen_certificate(g, &a, a.issued_serial, lf.made, na, lf.made, super, 0, "", e);
		if (st == ST_OK && (a.kind == KIND_NEW || a.kind == KIND_REISSUE))
			st = gen_key_issue(g, &a, lf.created, lf.made, clerk, e);
	}
	if (st != ST_OK)
		return st;
	g->st->applications++;
	g->st->by_status[a.status]++;
	if (a.subject == SUBJECT_PERSONAL)
		g->st->personal++;
	return ST_OK;
}
