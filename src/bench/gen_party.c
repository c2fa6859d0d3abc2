/* The generated people and enterprises: applicants with unique mobiles and
 * ID numbers, enterprises with unique credit codes, and who acts for whom
 * (gen_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen_int.h"
#include "util/clock.h"

/* ---- uniqueness: 64-bit hashes in an open-addressing set ---- */

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

/* ---- people and enterprises ---- */

enum status gen_new_person(struct gen *g, long long ms, int clerk, long *out, struct err *e)
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
	gen_iso_ms(t, at);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO applicants (id, phone, name, id_number, email, address, postal_code,"
		" portal_pw_hash, phone_verified_at, office_id, created_by, created_at, updated_at,"
		" version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?9, ?9, ?12)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, pp->id);
	gen_bind(s, 2, pp->phone);
	gen_bind(s, 3, pp->name);
	gen_bind(s, 4, pp->id_number);
	gen_bind(s, 5, pp->email);
	gen_bind(s, 6, pp->address);
	gen_bind(s, 7, pp->postal);
	gen_bind(s, 8, portal ? g->pw_hash : "");
	gen_bind(s, 9, at);
	gen_bind(s, 10, g->office_id);
	gen_bind(s, 11, g->actors[clerk].id);
	sqlite3_bind_int(s, 12, t < g->now_ms - HOUR_MS ? 1 : 0);
	enum status st = gen_step(g, s, e);
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

enum status gen_link_agent(struct gen *g, long person, long org, long long ms, struct err *e)
{
	char at[21];
	gen_iso_ms(ms, at);
	sqlite3_stmt *s = db_prep(g->db, "INSERT OR IGNORE INTO applicant_enterprises (applicant_id,"
					 " enterprise_id, created_at) VALUES (?1, ?2, ?3)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, g->people[person].id);
	gen_bind(s, 2, g->orgs[org].id);
	gen_bind(s, 3, at);
	enum status st = gen_step(g, s, e);
	if (st == ST_OK && sqlite3_changes(db_handle(g->db)))
		g->st->links++;
	return st;
}

enum status gen_new_org(struct gen *g, long long ms, long agent, long *out, struct err *e)
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
	gen_iso_ms(ms, at);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO enterprises (id, credit_code, name, legal_rep, address, phone,"
		" created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, o->id);
	gen_bind(s, 2, o->code);
	gen_bind(s, 3, o->name);
	gen_bind(s, 4, o->legal_rep);
	gen_bind(s, 5, o->address);
	gen_bind(s, 6, o->phone);
	gen_bind(s, 7, at);
	sqlite3_bind_int(s, 8, ms < g->now_ms - HOUR_MS ? 1 : 0);
	enum status st = gen_step(g, s, e);
	if (st != ST_OK)
		return st;
	*out = g->norgs++;
	g->st->enterprises++;
	return gen_link_agent(g, agent, *out, ms, e);
}
