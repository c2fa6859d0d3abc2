/* The records old enough to archive (归档清单). Reads only. */
#include "svc/retention.h"

#include <stdio.h>
#include <string.h>

#include "store/lifecycle_repo.h"
#include "svc/stats.h"
#include "util/clock.h"

bool retention_add_years(const char *iso, int years, char out[21])
{
	time_t t;
	if (!clock_parse_iso(iso, &t))
		return false;
	struct tm tm;
	gmtime_r(&t, &tm);
	tm.tm_year += years;
	tm.tm_isdst = 0;
	time_t later = timegm(&tm);
	if (later == (time_t)-1)
		return false;
	clock_iso(later, out);
	return true;
}

void retention_cert_invalid(const char *ended_at, const char *not_after, const char *revoked_at,
			    char out[21])
{
	/* The earliest of the times given: ISO text compares as time. */
	const char *t = not_after;
	if (revoked_at && *revoked_at && strcmp(revoked_at, t) < 0)
		t = revoked_at;
	if (ended_at && *ended_at && strcmp(ended_at, t) < 0)
		t = ended_at;
	snprintf(out, 21, "%s", t);
}

struct retention_walk {
	struct svc *svc;
	char now[21];
	retention_item_fn fn;
	void *ctx;
	struct retention_summary *sum;
};

static enum status on_retention(void *ctx, const struct retention_row *row, struct err *e)
{
	(void)e;
	struct retention_walk *w = ctx;
	struct retention_item it;
	memset(&it, 0, sizeof it);
	it.app = *row;
	bool known = true;
	char not_after[21], revoked_at[21];
	if (row->status == APP_CANCELLED)
		snprintf(it.invalid_at, sizeof it.invalid_at, "%s", row->ended_at);
	else if (lifecycle_repo_app_cert(w->svc->db, row->id, not_after, revoked_at))
		retention_cert_invalid(row->kind == KIND_REVOKE ? row->ended_at : "", not_after,
				       revoked_at, it.invalid_at);
	else if (row->kind == KIND_REVOKE)
		snprintf(it.invalid_at, sizeof it.invalid_at, "%s", row->ended_at);
	else if ((row->kind == KIND_NEW || row->kind == KIND_RENEWAL) && row->years > 0)
		known = retention_add_years(row->ended_at, row->years, it.invalid_at);
	else
		known = false;   /* change, reissue, unlock: validity not known here */
	if (!known) {
		w->sum->unknown++;
		return ST_OK;
	}
	if (!retention_add_years(it.invalid_at, RETENTION_YEARS, it.archivable_at)) {
		w->sum->unknown++;
		return ST_OK;
	}
	if (strcmp(it.archivable_at, w->now) > 0)
		return ST_OK;
	char name[NAME_MAX_BYTES];
	if (!stats_repo_office(w->svc->db, row->office_id, it.office_code, name))
		it.office_code[0] = '\0';
	w->sum->listed++;
	if (w->fn)
		w->fn(w->ctx, &it);
	return ST_OK;
}

enum status svc_retention(struct svc *svc, const struct actor *a, const char *office,
			  retention_item_fn fn, void *ctx, struct retention_summary *out,
			  struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!actor_can(a, ROLE_SUPERVISOR))
		return err_set(e, ST_DENIED, "只有审核员和管理员可以查看归档清单");
	bool all;
	struct office o;
	enum status st = stats_office(svc, office, &all, &o, e);
	if (st != ST_OK)
		return st;
	out->as_of = clock_now();
	struct retention_walk w = { .svc = svc, .fn = fn, .ctx = ctx, .sum = out };
	clock_iso(out->as_of, w.now);
	/* Nothing made or cancelled within the last RETENTION_YEARS can be
	 * old enough: the query looks at the older ones only. */
	char before[21];
	if (!retention_add_years(w.now, -RETENTION_YEARS, before))
		return err_status(e, ST_INTERNAL);
	return stats_repo_retention(svc->db, before, all ? "" : o.id, on_retention, &w, e);
}
