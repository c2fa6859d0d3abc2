/* Statistics of a month or a day (统计): reading them, checking them. */
#include "svc/stats.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/validate.h"
#include "svc/report.h"
#include "svc/staff.h"
#include "util/clock.h"

static const char *const weekdays[] = { "星期日", "星期一", "星期二", "星期三",
					"星期四", "星期五", "星期六" };

/* As in the day report (svc/report.c): ids carry the real clock, stored
 * times the program's; while the two agree within an hour, an id bound
 * that much wider than the range holds every row of it. */
#define ID_SLACK 3600

/* ---- the period ---- */

/* The days of `month` (YYYY-MM) or the one `date`, with their bounds. */
static enum status period(struct stats_report *r, const struct stats_query *q, struct err *e)
{
	char first[11];
	int nd = 1;
	if (q->date && *q->date) {
		struct err why;
		if (!check_date(q->date, &why))
			return err_field(e, "date", ST_INVALID, "日期：%s", why.msg);
		snprintf(r->period, sizeof r->period, "%s", q->date);
		snprintf(first, sizeof first, "%s", q->date);
	} else {
		r->month = true;
		if (q->month && *q->month) {
			char probe[16];
			snprintf(probe, sizeof probe, "%s-01", q->month);
			if (strlen(q->month) != 7 || !check_date(probe, NULL))
				return err_field(e, "month", ST_INVALID, "月份应为 YYYY-MM，如 2025-06");
			snprintf(r->period, sizeof r->period, "%s", q->month);
		} else {
			struct tm tm;
			localtime_r(&r->made, &tm);
			strftime(r->period, sizeof r->period, "%Y-%m", &tm);
		}
		snprintf(first, sizeof first, "%s-01", r->period);
		/* The month has as many days as dates check_date accepts. */
		for (nd = 28; nd < 31; nd++) {
			char d[16];
			snprintf(d, sizeof d, "%s-%02d", r->period, nd + 1);
			if (!check_date(d, NULL))
				break;
		}
	}
	r->days = calloc((size_t)nd, sizeof *r->days);
	if (!r->days)
		return err_status(e, ST_NOMEM);
	r->ndays = nd;
	for (int i = 0; i < nd; i++) {
		struct stats_day *d = &r->days[i];
		if (r->month)
			snprintf(d->date, sizeof d->date, "%.7s-%02d", first, i + 1);
		else
			snprintf(d->date, sizeof d->date, "%s", first);
		if (!report_day_bounds(d->date, &d->from, &d->to))
			return err_field(e, r->month ? "month" : "date", ST_INVALID,
					 "日期 %s 在本地时区中不存在", d->date);
		struct tm tm;
		localtime_r(&d->from, &tm);
		d->weekday = weekdays[tm.tm_wday % 7];
	}
	r->from = r->days[0].from;
	r->to = r->days[nd - 1].to;
	return ST_OK;
}

enum status stats_office(struct svc *svc, const char *office, bool *all, struct office *out,
			 struct err *e)
{
	memset(out, 0, sizeof *out);
	*all = office && strcasecmp(office, "all") == 0;
	if (*all)
		return ST_OK;
	struct terminal_info ti;
	if (!office || !*office) {
		enum status st = svc_terminal_info(svc, &ti, e);
		if (st != ST_OK)
			return st;
		office = ti.office_code;
	}
	char code[OFFICE_CODE_MAX];
	if (strlen(office) >= sizeof code)
		return err_field(e, "office", ST_NOT_FOUND, "没有代码为 %s 的受理点", office);
	size_t i = 0;
	for (; office[i]; i++)
		code[i] = (char)(office[i] >= 'a' && office[i] <= 'z' ? office[i] - 'a' + 'A' : office[i]);
	code[i] = '\0';
	enum status st = report_repo_office(svc->db, code, out, e);
	if (st != ST_OK)
		snprintf(e->field, sizeof e->field, "office");
	return st;
}

/* ---- adding up ---- */

static void add_sum(struct report_sum *to, const struct report_sum *s)
{
	to->n += s->n;
	to->fen += s->fen;
}

/* One accepted application's wait, for the percentiles. */
struct wait {
	long long secs;
	int day;
	int group[STATS__BY];            /* -1: none */
};

struct reading {
	struct stats_report *r;
	struct db *db;
	long seen[STATS__EVENTS];        /* rows the queries gave */
	struct wait *waits;
	size_t nwaits, capwaits;
};

static int day_of(const struct stats_report *r, time_t t)
{
	int lo = 0, hi = r->ndays - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (r->days[mid].from <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return r->days[lo].from <= t && t < r->days[lo].to ? lo : -1;
}

/* The group with this id, added when new; -1 when out of memory. */
static int group_of(struct stats_report *r, enum stats_by by, const char *id)
{
	for (int i = 0; i < r->nby[by]; i++)
		if (strcmp(r->by[by][i].id, id) == 0)
			return i;
	struct stats_group *grown = realloc(r->by[by], sizeof *grown * (size_t)(r->nby[by] + 1));
	if (!grown)
		return -1;
	r->by[by] = grown;
	struct stats_group *g = &grown[r->nby[by]];
	memset(g, 0, sizeof *g);
	g->f.wait_p90 = -1;
	snprintf(g->id, sizeof g->id, "%s", id);
	return r->nby[by]++;
}

static enum status reason_add(struct stats_report *r, const char *text, struct err *e)
{
	for (int i = 0; i < r->nreasons; i++)
		if (strcmp(r->reasons[i].text, text) == 0) {
			r->reasons[i].n++;
			return ST_OK;
		}
	struct stats_reason *grown = realloc(r->reasons, sizeof *grown * (size_t)(r->nreasons + 1));
	if (!grown)
		return err_status(e, ST_NOMEM);
	r->reasons = grown;
	struct stats_reason *s = &grown[r->nreasons++];
	snprintf(s->text, sizeof s->text, "%s", text);
	s->n = 1;
	return ST_OK;
}

static void count_event(struct stats_figures *f, enum stats_event_kind k)
{
	switch (k) {
	case STATS_RECEIVED: f->received++; break;
	case STATS_ACCEPTED: f->accepted++; break;
	case STATS_RETURNED: f->returned++; break;
	case STATS_MADE: f->made++; break;
	case STATS_COLLECTED: f->collected++; break;
	case STATS__EVENTS: break;
	}
}

/* An event whose time cannot be read, or falls outside every day, is left
 * out on purpose: the totals then fall short of the rows the query gave
 * and the report is refused rather than shown wrong. */
static enum status on_event(void *ctx, const struct stats_event *ev, struct err *e)
{
	struct reading *rd = ctx;
	struct stats_report *r = rd->r;
	time_t t;
	int d;
	if ((unsigned)ev->kind < STATS__EVENTS)
		rd->seen[ev->kind]++;
	if (!clock_parse_iso(ev->at, &t) || (d = day_of(r, t)) < 0)
		return ST_OK;
	int g[STATS__BY] = { -1, -1, -1 };
	g[STATS_BY_OFFICE] = group_of(r, STATS_BY_OFFICE, ev->office_id);
	g[STATS_BY_CLERK] = group_of(r, STATS_BY_CLERK, ev->clerk_id);
	bool reviewed = ev->kind == STATS_ACCEPTED || ev->kind == STATS_RETURNED;
	if (reviewed)
		g[STATS_BY_REVIEWER] = group_of(r, STATS_BY_REVIEWER, ev->reviewer_id);
	if (g[STATS_BY_OFFICE] < 0 || g[STATS_BY_CLERK] < 0 || (reviewed && g[STATS_BY_REVIEWER] < 0))
		return err_status(e, ST_NOMEM);

	struct stats_figures *fs[2 + STATS__BY] = { &r->total, &r->days[d].f };
	int nf = 2;
	for (int b = 0; b < STATS__BY; b++)
		if (g[b] >= 0)
			fs[nf++] = &r->by[b][g[b]].f;
	for (int i = 0; i < nf; i++)
		count_event(fs[i], ev->kind);

	if (ev->kind == STATS_RETURNED)
		return reason_add(r, ev->reason, e);
	time_t sub;
	if (ev->kind != STATS_ACCEPTED || !clock_parse_iso(ev->submitted_at, &sub))
		return ST_OK;
	/* Submitted on one terminal, accepted on another whose clock is
	 * behind: no wait rather than a negative one. */
	long long secs = t > sub ? (long long)(t - sub) : 0;
	for (int i = 0; i < nf; i++) {
		fs[i]->timed++;
		fs[i]->wait_sum += secs;
	}
	if (rd->nwaits == rd->capwaits) {
		size_t cap = rd->capwaits ? 2 * rd->capwaits : 256;
		struct wait *grown = realloc(rd->waits, cap * sizeof *grown);
		if (!grown)
			return err_status(e, ST_NOMEM);
		rd->waits = grown;
		rd->capwaits = cap;
	}
	struct wait *w = &rd->waits[rd->nwaits++];
	w->secs = secs;
	w->day = d;
	memcpy(w->group, g, sizeof g);
	return ST_OK;
}

/* The money of one day, grouped. Unknown methods are left out (see
 * on_event): the day's check against the day report's sums then fails. */
struct money_day {
	struct reading *rd;
	int day;
};

static enum status on_money(void *ctx, const struct stats_money_group *m, struct err *e)
{
	struct money_day *md = ctx;
	struct stats_report *r = md->rd->r;
	int go = group_of(r, STATS_BY_OFFICE, m->office_id);
	int gc = group_of(r, STATS_BY_CLERK, m->staff_id);
	if (go < 0 || gc < 0)
		return err_status(e, ST_NOMEM);
	struct stats_figures *fs[] = { &r->total, &r->days[md->day].f, &r->by[STATS_BY_OFFICE][go].f,
				       &r->by[STATS_BY_CLERK][gc].f };
	enum pay_channel ch;
	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		if (strcmp(m->method, "transfer") == 0)
			add_sum(&fs[i]->transfers, &m->sum);
		else if (strcmp(m->method, "refund") == 0)
			add_sum(&fs[i]->refunds, &m->sum);
		else if (pay_channel_parse(m->method, &ch))
			add_sum(&fs[i]->online[ch], &m->sum);
	}
	return ST_OK;
}

static bool same_sum(const struct report_sum *a, const struct report_sum *b)
{
	return a->n == b->n && a->fen == b->fen;
}

/* The day's money, grouped, checked against the day report's own sums
 * over the same range (report_repo.h): the same rules, to the fen. */
static enum status money_of_day(struct reading *rd, const struct report_range *base, time_t slack,
				int d, struct err *e)
{
	struct stats_report *r = rd->r;
	struct report_range rg = *base;
	report_range_set(&rg, r->days[d].from, r->days[d].to, slack);
	struct report_sum verified, online, refunds;
	enum status st = report_repo_verified(rd->db, &rg, &verified, e);
	if (st == ST_OK)
		st = report_repo_payments_total(rd->db, &rg, PAYMENT_ONLINE, &online, e);
	if (st == ST_OK)
		st = report_repo_payments_total(rd->db, &rg, PAYMENT_REFUND, &refunds, e);
	struct money_day md = { rd, d };
	if (st == ST_OK)
		st = stats_repo_money(rd->db, &rg, on_money, &md, e);
	if (st != ST_OK)
		return st;
	const struct stats_figures *f = &r->days[d].f;
	struct report_sum on = { 0, 0 };
	for (int c = 0; c < CHANNEL__COUNT; c++)
		add_sum(&on, &f->online[c]);
	if (!same_sum(&f->transfers, &verified) || !same_sum(&on, &online) ||
	    !same_sum(&f->refunds, &refunds))
		return err_set(e, ST_INTERNAL, "统计合计不符，未出报表：%s 的收款与日结不一致",
			       r->days[d].date);
	return ST_OK;
}

static void net(struct stats_figures *f)
{
	f->net_fen = f->transfers.fen - f->refunds.fen;
	for (int c = 0; c < CHANNEL__COUNT; c++)
		f->net_fen += f->online[c].fen;
}

static int by_secs(const void *a, const void *b)
{
	const struct wait *x = a, *y = b;
	return x->secs < y->secs ? -1 : x->secs > y->secs;
}

/* ceil(0.9 n): the rank of the 90th percentile by nearest rank. */
static long p90_rank(long n)
{
	return (9 * n + 9) / 10;
}

/* The 90th percentiles of every scope, in one walk through the waits in
 * ascending order: a scope's percentile is its p90_rank-th wait. */
static enum status percentiles(struct reading *rd, struct err *e)
{
	struct stats_report *r = rd->r;
	if (rd->nwaits > 1)
		qsort(rd->waits, rd->nwaits, sizeof *rd->waits, by_secs);
	long *seen_day = calloc((size_t)r->ndays, sizeof *seen_day);
	long *seen[STATS__BY];
	bool ok = seen_day != NULL;
	for (int b = 0; b < STATS__BY; b++) {
		seen[b] = calloc((size_t)r->nby[b] + 1, sizeof *seen[b]);
		ok = ok && seen[b];
	}
	if (ok) {
		long total = 0;
		for (size_t i = 0; i < rd->nwaits; i++) {
			const struct wait *w = &rd->waits[i];
			if (++total == p90_rank(r->total.timed))
				r->total.wait_p90 = w->secs;
			struct stats_figures *df = &r->days[w->day].f;
			if (++seen_day[w->day] == p90_rank(df->timed))
				df->wait_p90 = w->secs;
			for (int b = 0; b < STATS__BY; b++) {
				if (w->group[b] < 0)
					continue;
				struct stats_figures *gf = &r->by[b][w->group[b]].f;
				if (++seen[b][w->group[b]] == p90_rank(gf->timed))
					gf->wait_p90 = w->secs;
			}
		}
	}
	free(seen_day);
	for (int b = 0; b < STATS__BY; b++)
		free(seen[b]);
	return ok ? ST_OK : err_status(e, ST_NOMEM);
}

static int by_code(const void *a, const void *b)
{
	const struct stats_group *x = a, *y = b;
	/* Those not known here (not yet synced, or no one named) last. */
	if (!x->code[0] != !y->code[0])
		return x->code[0] ? -1 : 1;
	int c = strcasecmp(x->code, y->code);
	return c ? c : strcmp(x->id, y->id);
}

static int by_count(const void *a, const void *b)
{
	const struct stats_reason *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->text, y->text);
}

static enum status read_all(struct svc *svc, struct stats_report *r, const struct report_range *base,
			    time_t slack, struct err *e)
{
	struct reading rd = { .r = r, .db = svc->db };
	enum status st = ST_OK;
	for (int k = 0; k < STATS__EVENTS && st == ST_OK; k++)
		st = stats_repo_events(svc->db, base, (enum stats_event_kind)k, on_event, &rd, e);
	for (int d = 0; d < r->ndays && st == ST_OK; d++)
		st = money_of_day(&rd, base, slack, d, e);
	if (st == ST_OK)
		st = percentiles(&rd, e);
	free(rd.waits);
	if (st != ST_OK)
		return st;
	const long got[STATS__EVENTS] = { r->total.received, r->total.accepted, r->total.returned,
					  r->total.made, r->total.collected };
	for (int k = 0; k < STATS__EVENTS; k++)
		if (got[k] != rd.seen[k])
			return err_set(e, ST_INTERNAL,
				       "统计合计不符，未出报表：有 %ld 条记录的时间无法识别",
				       rd.seen[k] - got[k]);

	net(&r->total);
	for (int d = 0; d < r->ndays; d++)
		net(&r->days[d].f);
	for (int b = 0; b < STATS__BY; b++) {
		for (int i = 0; i < r->nby[b]; i++) {
			struct stats_group *g = &r->by[b][i];
			net(&g->f);
			if (!g->id[0])
				continue;
			if (b == STATS_BY_OFFICE)
				stats_repo_office(svc->db, g->id, g->code, g->name);
			else
				stats_repo_staff(svc->db, g->id, g->code, g->name);
		}
		if (r->nby[b] > 1)
			qsort(r->by[b], (size_t)r->nby[b], sizeof *r->by[b], by_code);
	}
	if (r->nreasons > 1)
		qsort(r->reasons, (size_t)r->nreasons, sizeof *r->reasons, by_count);
	return ST_OK;
}

enum status svc_stats(struct svc *svc, const struct actor *a, const struct stats_query *q,
		      struct stats_report *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->total.wait_p90 = -1;
	if (!actor_can(a, ROLE_SUPERVISOR))
		return err_set(e, ST_DENIED, "只有审核员和管理员可以查看统计报表");
	out->made = clock_now();
	snprintf(out->reader, sizeof out->reader, "%s", a->name);
	snprintf(out->reader_username, sizeof out->reader_username, "%s", a->username);
	struct report_range base;
	memset(&base, 0, sizeof base);
	struct office o;
	enum status st = period(out, q, e);
	if (st == ST_OK)
		st = stats_office(svc, q->office, &out->all_offices, &o, e);
	if (st != ST_OK) {
		stats_report_done(out);
		return st;
	}
	if (out->all_offices) {
		snprintf(out->office_name, sizeof out->office_name, "全部受理点");
	} else {
		snprintf(base.office_id, sizeof base.office_id, "%s", o.id);
		snprintf(out->office_code, sizeof out->office_code, "%s", o.code);
		snprintf(out->office_name, sizeof out->office_name, "%s", o.name);
	}
	for (int d = 0; d < out->ndays; d++)
		out->days[d].f.wait_p90 = -1;
	time_t skew = out->made - time(NULL);
	time_t slack = skew <= ID_SLACK && skew >= -ID_SLACK ? ID_SLACK : -1;
	report_range_set(&base, out->from, out->to, slack);

	/* One read transaction, so that every figure is of the same moment. */
	st = db_begin_read(svc->db, e);
	if (st != ST_OK) {
		stats_report_done(out);
		return st;
	}
	st = read_all(svc, out, &base, slack, e);
	if (st == ST_OK)
		st = db_commit(svc->db, e);
	else
		db_rollback(svc->db);
	if (st == ST_OK && !stats_report_check(out, e))
		st = e->st;
	if (st == ST_OK) {
		char yuan[32];
		report_yuan(out->total.net_fen, yuan);
		json_t *detail = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "period", out->period,
					   "office", out->all_offices ? "all" : out->office_code,
					   "purpose", q->purpose ? q->purpose : "", "received",
					   (json_int_t)out->total.received, "accepted",
					   (json_int_t)out->total.accepted, "net", yuan);
		st = detail ? svc_audit_read(svc, a, out->month ? "report.month" : "report.stats",
					     "report", detail, e)
			    : err_status(e, ST_NOMEM);
		json_decref(detail);
	}
	if (st != ST_OK)
		stats_report_done(out);
	return st;
}

void stats_report_done(struct stats_report *r)
{
	free(r->days);
	for (int b = 0; b < STATS__BY; b++) {
		free(r->by[b]);
		r->by[b] = NULL;
		r->nby[b] = 0;
	}
	free(r->reasons);
	r->days = NULL;
	r->reasons = NULL;
	r->ndays = r->nreasons = 0;
}

/* ---- checking ---- */

/* a += b, field by field (the percentile is not a sum). */
static void add_figures(struct stats_figures *a, const struct stats_figures *b)
{
	a->received += b->received;
	a->accepted += b->accepted;
	a->returned += b->returned;
	a->made += b->made;
	a->collected += b->collected;
	a->timed += b->timed;
	a->wait_sum += b->wait_sum;
	add_sum(&a->transfers, &b->transfers);
	for (int c = 0; c < CHANNEL__COUNT; c++)
		add_sum(&a->online[c], &b->online[c]);
	add_sum(&a->refunds, &b->refunds);
	a->net_fen += b->net_fen;
}

/* Which figure of `parts` differs from `total`, or NULL. Reviewers hold
 * only what they reviewed. */
static const char *differs(const struct stats_figures *p, const struct stats_figures *t,
			   bool reviews_only)
{
	if (p->accepted != t->accepted)
		return "受理";
	if (p->returned != t->returned)
		return "退回";
	if (p->timed != t->timed || p->wait_sum != t->wait_sum)
		return "受理用时";
	if (reviews_only)
		return NULL;
	if (p->received != t->received)
		return "收件";
	if (p->made != t->made)
		return "制证";
	if (p->collected != t->collected)
		return "领取";
	if (!same_sum(&p->transfers, &t->transfers))
		return "对公转账";
	for (int c = 0; c < CHANNEL__COUNT; c++)
		if (!same_sum(&p->online[c], &t->online[c]))
			return pay_channel_label((enum pay_channel)c);
	if (!same_sum(&p->refunds, &t->refunds))
		return "退款";
	if (p->net_fen != t->net_fen)
		return "实收净额";
	return NULL;
}

bool stats_report_check(const struct stats_report *r, struct err *e)
{
	static const char *const by_label[STATS__BY] = { "各受理点", "各受理员", "各审核员" };
	const struct stats_figures *t = &r->total;
	long long nfen = t->transfers.fen - t->refunds.fen;
	for (int c = 0; c < CHANNEL__COUNT; c++)
		nfen += t->online[c].fen;
	if (nfen != t->net_fen)
		return err_set(e, ST_INTERNAL, "统计合计不符，未出报表：实收净额"), false;
	struct stats_figures s;
	memset(&s, 0, sizeof s);
	for (int d = 0; d < r->ndays; d++)
		add_figures(&s, &r->days[d].f);
	const char *what = differs(&s, t, false);
	if (what)
		return err_set(e, ST_INTERNAL, "统计合计不符，未出报表：各日%s之和不等于合计", what), false;
	for (int b = 0; b < STATS__BY; b++) {
		memset(&s, 0, sizeof s);
		for (int i = 0; i < r->nby[b]; i++)
			add_figures(&s, &r->by[b][i].f);
		if ((what = differs(&s, t, b == STATS_BY_REVIEWER)) != NULL)
			return err_set(e, ST_INTERNAL, "统计合计不符，未出报表：%s%s之和不等于合计",
				       by_label[b], what), false;
	}
	long n = 0;
	for (int i = 0; i < r->nreasons; i++)
		n += r->reasons[i].n;
	if (n != t->returned)
		return err_set(e, ST_INTERNAL, "统计合计不符，未出报表：各退回原因之和不等于退回数"),
		       false;
	return true;
}

/* ---- hours ---- */

/* seconds / div hours in hundredths, rounded half up. */
static void hours(long long seconds, long long div, char out[24])
{
	long long h = (seconds * 100 + div * 1800) / (div * 3600);
	snprintf(out, 24, "%lld.%02lld", h / 100, h % 100);
}

void stats_avg_hours(const struct stats_figures *f, char out[24])
{
	out[0] = '\0';
	if (f->timed > 0)
		hours(f->wait_sum, f->timed, out);
}

void stats_p90_hours(const struct stats_figures *f, char out[24])
{
	out[0] = '\0';
	if (f->timed > 0 && f->wait_p90 >= 0)
		hours(f->wait_p90, 1, out);
}
