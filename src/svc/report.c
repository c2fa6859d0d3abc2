/* The day-end report (日结): reading it, checking it, CSV. */
#include "svc/report.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/validate.h"
#include "store/stock_repo.h"
#include "svc/staff.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/fs.h"

/* ---- the day ---- */

static const char *const weekdays[] = { "星期日", "星期一", "星期二", "星期三",
					"星期四", "星期五", "星期六" };

/* Local midnight starting y-m-d plus `days` days; mktime normalises the
 * day of the month and finds the offset (DST) in force then. Where a
 * change of clocks skips midnight, the day starts at its first moment. */
static time_t local_midnight(int y, int m, int d, int days, int *wday)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + days, .tm_isdst = -1 };
	time_t t = mktime(&tm);
	if (wday)
		*wday = tm.tm_wday;
	return t;
}

bool report_day_bounds(const char *date, time_t *from, time_t *to)
{
	int y, m, d;
	if (!date || !check_date(date, NULL) || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	*from = local_midnight(y, m, d, 0, NULL);
	*to = local_midnight(y, m, d, 1, NULL);
	return *from != (time_t)-1 && *to != (time_t)-1 && *to > *from;
}

/* Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
static long day_number(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long local_day(time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	return day_number(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* ---- reading ---- */

static void add(struct report_sum *to, const struct report_sum *s)
{
	to->n += s->n;
	to->fen += s->fen;
}

static bool same(const struct report_sum *a, const struct report_sum *b)
{
	return a->n == b->n && a->fen == b->fen;
}

static struct report_clerk *clerk_of(struct day_report *r, const struct report_group *g,
				     struct err *e)
{
	for (int i = 0; i < r->nclerks; i++)
		if (strcmp(r->clerks[i].staff_id, g->staff_id) == 0)
			return &r->clerks[i];
	struct report_clerk *grown = realloc(r->clerks, sizeof *grown * (size_t)(r->nclerks + 1));
	if (!grown) {
		err_status(e, ST_NOMEM);
		return NULL;
	}
	r->clerks = grown;
	struct report_clerk *c = &r->clerks[r->nclerks++];
	memset(c, 0, sizeof *c);
	snprintf(c->staff_id, sizeof c->staff_id, "%s", g->staff_id);
	snprintf(c->username, sizeof c->username, "%s", g->username);
	snprintf(c->name, sizeof c->name, "%s", g->name);
	return c;
}

/* A group whose code this program does not know is left out of its
 * breakdown on purpose: the breakdown then no longer adds up to the total
 * counted by its own query, and day_report_check refuses the report. */
static enum status on_orders(void *ctx, const struct report_group *g, struct err *e)
{
	struct day_report *r = ctx;
	enum order_status s;
	enum pay_method m;
	if (order_status_parse(g->k1, &s))
		add(&r->orders_by_status[s], &g->sum);
	if (pay_method_parse(g->k2, &m) && m != PAY_NONE)
		add(&r->orders_by_method[m], &g->sum);
	struct report_clerk *c = clerk_of(r, g, e);
	if (!c)
		return e->st;
	add(&c->orders, &g->sum);
	return ST_OK;
}

static enum status on_payments(void *ctx, const struct report_group *g, struct err *e)
{
	struct day_report *r = ctx;
	enum payment_kind k;
	if (!payment_kind_parse(g->k1, &k))
		return ST_OK;
	struct report_clerk *c = clerk_of(r, g, e);
	if (!c)
		return e->st;
	if (k == PAYMENT_TRANSFER) {
		enum transfer_state s;
		if (transfer_state_parse(g->k2, &s))
			add(&r->transfers_by_state[s], &g->sum);
		add(&c->payments, &g->sum);
	} else if (k == PAYMENT_ONLINE) {
		enum pay_channel ch;
		if (pay_channel_parse(g->k2, &ch))
			add(&r->online_by_channel[ch], &g->sum);
		add(&c->payments, &g->sum);
	} else {
		add(&c->refunds, &g->sum);
	}
	return ST_OK;
}

static int by_username(const void *a, const void *b)
{
	const struct report_clerk *x = a, *y = b;
	/* Accounts not known here (made at another terminal, not yet synced) last. */
	if (!x->username[0] != !y->username[0])
		return x->username[0] ? -1 : 1;
	int c = strcasecmp(x->username, y->username);
	return c ? c : strcmp(x->staff_id, y->staff_id);
}

/* Everything read inside one transaction. */
static enum status read_all(struct db *db, struct day_report *r, struct err *e)
{
	struct report_range *rg = &r->range;
	enum status st = report_repo_orders_total(db, rg, &r->orders, e);
	if (st == ST_OK)
		st = report_repo_orders(db, rg, on_orders, r, e);
	if (st == ST_OK)
		st = report_repo_payments_total(db, rg, PAYMENT_TRANSFER, &r->transfers, e);
	if (st == ST_OK)
		st = report_repo_payments_total(db, rg, PAYMENT_ONLINE, &r->online, e);
	if (st == ST_OK)
		st = report_repo_payments_total(db, rg, PAYMENT_REFUND, &r->refunds, e);
	if (st == ST_OK)
		st = report_repo_payments(db, rg, on_payments, r, e);
	if (st == ST_OK)
		st = report_repo_verified(db, rg, &r->received_transfers, e);
	if (st == ST_OK)
		st = report_repo_pending_total(db, rg, &r->waiting, e);
	/* The KEY stock: the day's movements by the same office and person,
	 * and the office's ledger as it stands. */
	if (st == ST_OK)
		st = stock_repo_moved(db, rg->office_id, rg->staff_id, rg->from, rg->to, r->stock_moved,
				      e);
	if (st == ST_OK)
		st = stock_repo_counts(db, rg->office_id, r->stock_state, e);
	if (st == ST_OK)
		st = stock_repo_total(db, rg->office_id, &r->stock_total, e);
	if (st != ST_OK)
		return st;
	r->net_fen = r->received_transfers.fen + r->online.fen - r->refunds.fen;

	int want = r->waiting.n < REPORT_WAITING_MAX ? (int)r->waiting.n : REPORT_WAITING_MAX;
	if (want > 0) {
		struct report_pending *rows = calloc((size_t)want, sizeof *rows);
		r->waiting_rows = calloc((size_t)want, sizeof *r->waiting_rows);
		if (!rows || !r->waiting_rows) {
			free(rows);
			return err_status(e, ST_NOMEM);
		}
		int n = report_repo_pending(db, rg, rows, want, e);
		long today = local_day(r->made);
		for (int i = 0; i < n; i++) {
			time_t t;
			r->waiting_rows[i].t = rows[i];
			r->waiting_rows[i].age_days = clock_parse_iso(rows[i].recorded_at, &t)
							      ? (int)(today - local_day(t)) : 0;
		}
		free(rows);
		if (n < 0)
			return e->st;
		r->nwaiting = n;
	}
	if (r->nclerks > 1)
		qsort(r->clerks, (size_t)r->nclerks, sizeof r->clerks[0], by_username);
	return ST_OK;
}

/* Ids carry the real clock (uuid_v7); stored times carry the program's
 * (clock_now, which tests pin with CERTDESK_NOW). While the two agree
 * within ID_SLACK, an id range that much wider than the day holds every
 * row of the day: an hour is far beyond any wait between making an id and
 * writing its row (a busy database waits seconds). When they do not (a
 * pinned clock), the queries go without id bounds. */
#define ID_SLACK 3600

static enum status resolve_office(struct svc *svc, const char *office, struct day_report *r,
				  struct err *e)
{
	struct terminal_info ti;
	struct office o;
	char code[OFFICE_CODE_MAX];
	if (office && strcasecmp(office, "all") == 0) {
		r->all_offices = true;
		snprintf(r->office_name, sizeof r->office_name, "全部受理点");
		return ST_OK;
	}
	if (!office || !*office) {
		enum status st = svc_terminal_info(svc, &ti, e);
		if (st != ST_OK)
			return st;
		office = ti.office_code;
	}
	if (strlen(office) >= sizeof code)
		return err_field(e, "office", ST_NOT_FOUND, "没有代码为 %s 的受理点", office);
	size_t i = 0;
	for (; office[i]; i++)
		code[i] = (char)(office[i] >= 'a' && office[i] <= 'z' ? office[i] - 'a' + 'A' : office[i]);
	code[i] = '\0';
	enum status st = report_repo_office(svc->db, code, &o, e);
	if (st != ST_OK) {
		snprintf(e->field, sizeof e->field, "office");
		return st;
	}
	memcpy(r->range.office_id, o.id, sizeof r->range.office_id);
	snprintf(r->office_code, sizeof r->office_code, "%s", o.code);
	snprintf(r->office_name, sizeof r->office_name, "%s", o.name);
	return ST_OK;
}

enum status svc_report_day(struct svc *svc, const struct actor *a, const struct report_query *q,
			   struct day_report *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!actor_can(a, ROLE_CLERK))
		return err_status(e, ST_DENIED);
	out->made = clock_now();
	if (q->date && *q->date) {
		struct err why;
		if (!check_date(q->date, &why))
			return err_field(e, "date", ST_INVALID, "日期：%s", why.msg);
		snprintf(out->date, sizeof out->date, "%s", q->date);
	} else {
		struct tm tm;
		localtime_r(&out->made, &tm);
		strftime(out->date, sizeof out->date, "%Y-%m-%d", &tm);
	}
	int y, m, d, wday = 0;
	if (sscanf(out->date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    !report_day_bounds(out->date, &out->from, &out->to))
		return err_field(e, "date", ST_INVALID, "日期 %s 在本地时区中不存在", out->date);
	local_midnight(y, m, d, 0, &wday);
	out->weekday = weekdays[wday % 7];
	time_t skew = out->made - time(NULL);
	report_range_set(&out->range, out->from, out->to,
			 skew <= ID_SLACK && skew >= -ID_SLACK ? ID_SLACK : -1);
	enum status st = resolve_office(svc, q->office, out, e);
	if (st != ST_OK)
		return st;
	out->own_only = !actor_can(a, ROLE_SUPERVISOR);
	if (out->own_only)
		snprintf(out->range.staff_id, sizeof out->range.staff_id, "%s", a->id);
	snprintf(out->reader, sizeof out->reader, "%s", a->name);
	snprintf(out->reader_username, sizeof out->reader_username, "%s", a->username);

	/* One read transaction, so that every figure is of the same moment;
	 * writers at other terminals or the sync worker are not kept waiting. */
	st = db_begin_read(svc->db, e);
	if (st != ST_OK)
		return st;
	st = read_all(svc->db, out, e);
	if (st == ST_OK)
		st = db_commit(svc->db, e);
	else
		db_rollback(svc->db);
	if (st == ST_OK && !day_report_check(out, e))
		st = e->st;
	if (st == ST_OK) {
		char net[32];
		report_yuan(out->net_fen, net);
		json_t *detail = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "date", out->date, "office",
					   out->all_offices ? "all" : out->office_code, "scope",
					   out->own_only ? "own" : "all", "purpose",
					   q->purpose ? q->purpose : "", "orders", (json_int_t)out->orders.n,
					   "net", net);
		st = detail ? svc_audit_read(svc, a, "report.day", "report", detail, e)
			    : err_status(e, ST_NOMEM);
		json_decref(detail);
	}
	if (st != ST_OK)
		day_report_done(out);
	return st;
}

void day_report_done(struct day_report *r)
{
	free(r->clerks);
	free(r->waiting_rows);
	r->clerks = NULL;
	r->waiting_rows = NULL;
	r->nclerks = r->nwaiting = 0;
}

/* ---- checking ---- */

static bool check_sum(const struct report_sum *parts, const struct report_sum *total,
		      const char *what, struct err *e)
{
	if (same(parts, total))
		return true;
	char a[32], b[32];
	format_fen(parts->fen, a);
	format_fen(total->fen, b);
	err_set(e, ST_INTERNAL, "日结合计不符，未出报表：%s小计 %ld 笔 ¥%s，合计 %ld 笔 ¥%s", what,
		parts->n, a, total->n, b);
	return false;
}

bool day_report_check(const struct day_report *r, struct err *e)
{
	struct report_sum s = { 0, 0 }, t = { 0, 0 }, u = { 0, 0 };
	for (int i = 0; i < ORDER__COUNT; i++)
		add(&s, &r->orders_by_status[i]);
	if (!check_sum(&s, &r->orders, "当日下单按状态", e))
		return false;
	s = (struct report_sum){ 0, 0 };
	for (int i = 0; i < REPORT_METHODS; i++)
		add(&s, &r->orders_by_method[i]);
	if (!check_sum(&s, &r->orders, "当日下单按缴费方式", e))
		return false;
	s = (struct report_sum){ 0, 0 };
	for (int i = 0; i < REPORT_TRANSFER_STATES; i++)
		add(&s, &r->transfers_by_state[i]);
	if (!check_sum(&s, &r->transfers, "当日登记的对公转账按状态", e))
		return false;
	s = (struct report_sum){ 0, 0 };
	for (int i = 0; i < CHANNEL__COUNT; i++)
		add(&s, &r->online_by_channel[i]);
	if (!check_sum(&s, &r->online, "当日在线支付按渠道", e))
		return false;
	s = (struct report_sum){ 0, 0 };
	for (int i = 0; i < r->nclerks; i++) {
		add(&s, &r->clerks[i].orders);
		add(&t, &r->clerks[i].payments);
		add(&u, &r->clerks[i].refunds);
	}
	struct report_sum paid = r->transfers;
	add(&paid, &r->online);
	if (!check_sum(&s, &r->orders, "各受理员下单", e) ||
	    !check_sum(&t, &paid, "各受理员登记款项", e) ||
	    !check_sum(&u, &r->refunds, "各受理员退款", e))
		return false;
	if (r->net_fen != r->received_transfers.fen + r->online.fen - r->refunds.fen)
		return err_set(e, ST_INTERNAL, "日结合计不符，未出报表：实收净额"), false;
	s = (struct report_sum){ 0, 0 };
	for (int i = 0; i < r->nwaiting; i++)
		add(&s, &(struct report_sum){ 1, r->waiting_rows[i].t.fen });
	if (r->waiting.n <= REPORT_WAITING_MAX && !check_sum(&s, &r->waiting, "待核款转账", e))
		return false;
	if (r->waiting.n > REPORT_WAITING_MAX && r->nwaiting != REPORT_WAITING_MAX)
		return err_set(e, ST_INTERNAL, "日结合计不符，未出报表：待核款转账"), false;
	long keys = 0;
	for (int i = 0; i < STOCK_STATE__COUNT; i++)
		keys += r->stock_state[i];
	if (keys != r->stock_total)
		return err_set(e, ST_INTERNAL, "日结合计不符，未出报表：KEY 库存按状态 %ld 个，合计 %ld 个",
			       keys, r->stock_total), false;
	return true;
}

int day_report_stock_lines(const struct day_report *r, struct report_count *out, int max)
{
	static const char mv[] = "stock_moves", mvl[] = "当日 KEY 出入";
	static const char now[] = "stock_now", nowl[] = "KEY 库存（制表时）";
	static const char *const move_labels[MOVE__COUNT] = {
		[MOVE_RECEIVE] = "入库", [MOVE_ISSUE] = "发放", [MOVE_DAMAGE] = "收回损坏",
		[MOVE_RETURN] = "退回中心",
	};
	int n = 0;
	for (int i = 0; i < MOVE__COUNT && n < max; i++)
		out[n++] = (struct report_count){ mv, mvl, stock_move_code((enum stock_move)i),
						  move_labels[i], r->stock_moved[i], false };
	for (int i = 0; i < STOCK_STATE__COUNT && n < max; i++)
		out[n++] = (struct report_count){ now, nowl, stock_state_code((enum stock_state)i),
						  stock_state_label((enum stock_state)i),
						  r->stock_state[i], false };
	if (n < max)
		out[n++] = (struct report_count){ now, nowl, "total", "合计", r->stock_total, true };
	return n;
}

/* ---- lines ---- */

int day_report_lines(const struct day_report *r, struct report_line *out, int max)
{
	int n = 0;
#define LINE(sec, seclabel, it, lab, s, tot)                                              \
	do {                                                                              \
		if (n < max)                                                              \
			out[n++] = (struct report_line){ sec, seclabel, it, lab, s, tot }; \
	} while (0)
	static const char os[] = "orders_status", osl[] = "当日下单（按当前状态）";
	for (int i = 0; i < ORDER__COUNT; i++)
		LINE(os, osl, order_status_code((enum order_status)i),
		     order_status_label((enum order_status)i), r->orders_by_status[i], false);
	LINE(os, osl, "total", "合计", r->orders, true);

	static const char om[] = "orders_method", oml[] = "当日下单（按缴费方式）";
	for (int i = PAY_TRANSFER; i <= PAY_ONLINE; i++)
		LINE(om, oml, pay_method_code((enum pay_method)i),
		     pay_method_label((enum pay_method)i), r->orders_by_method[i], false);
	LINE(om, oml, "total", "合计", r->orders, true);

	static const char tr[] = "transfers", trl[] = "当日登记的对公转账（按当前状态）";
	for (int i = 0; i < REPORT_TRANSFER_STATES; i++)
		LINE(tr, trl, transfer_state_code((enum transfer_state)i),
		     transfer_state_label((enum transfer_state)i), r->transfers_by_state[i], false);
	LINE(tr, trl, "total", "合计", r->transfers, true);

	static const char on[] = "online", onl[] = "当日登记的在线支付";
	for (int i = 0; i < CHANNEL__COUNT; i++)
		LINE(on, onl, pay_channel_code((enum pay_channel)i),
		     pay_channel_label((enum pay_channel)i), r->online_by_channel[i], false);
	LINE(on, onl, "total", "合计", r->online, true);

	LINE("refunds", "当日退款", "total", "退款", r->refunds, true);

	/* Received: the refunds go out, so they count negative. */
	static const char rc[] = "received", rcl[] = "当日实收";
	LINE(rc, rcl, "transfer", "对公转账（当日核实）", r->received_transfers, false);
	for (int i = 0; i < CHANNEL__COUNT; i++)
		LINE(rc, rcl, pay_channel_code((enum pay_channel)i),
		     pay_channel_label((enum pay_channel)i), r->online_by_channel[i], false);
	struct report_sum out_ = { r->refunds.n, -r->refunds.fen };
	LINE(rc, rcl, "refund", "退款", out_, false);
	struct report_sum net = { r->received_transfers.n + r->online.n + r->refunds.n, r->net_fen };
	LINE(rc, rcl, "net", "实收净额", net, true);
#undef LINE
	return n;
}

/* ---- CSV ---- */

void report_yuan(long long fen, char out[32])
{
	/* Through unsigned, so that the most negative value has a magnitude. */
	unsigned long long mag = fen < 0 ? 0ull - (unsigned long long)fen : (unsigned long long)fen;
	snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", mag / 100, mag % 100);
}

/*
 * Text as CSV_EXCEL writes it (util/csv.h): a value Excel would run as a
 * formula gets a leading apostrophe, a long or zero-led string of digits a
 * leading tab. Done here for the text columns only, so that an amount such
 * as -150.00 (a refund, a negative net) stays a number Excel can add up.
 */
static const char *excel_text(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s);
	bool digits = len >= 2 && strspn(s, "0123456789") == len;
	if (digits && (s[0] == '0' || len >= 12))
		snprintf(buf, n, "\t%s", s);
	else if (s[0] && strchr("=+-@", s[0]))
		snprintf(buf, n, "'%s", s);
	else
		return s;
	return buf;
}

static bool row(FILE *f, const char *section, const char *item, const char *label, long n,
		long long fen, const char *note)
{
	char count[24], yuan[32], b1[128], b2[256], b3[512];
	snprintf(count, sizeof count, "%ld", n);
	report_yuan(fen, yuan);
	const char *fields[] = { section, excel_text(item, b1, sizeof b1),
				 excel_text(label, b2, sizeof b2), count, yuan,
				 excel_text(note, b3, sizeof b3) };
	return csv_write_record(f, fields, 6, 0);
}

static bool meta(FILE *f, const char *item, const char *label, const char *value)
{
	char b[512];
	const char *fields[] = { "report", item, label, "", "", excel_text(value, b, sizeof b) };
	return csv_write_record(f, fields, 6, 0);
}

bool day_report_csv(const struct day_report *r, FILE *f)
{
	static const char *const header[] = { "section", "item", "label", "count", "amount_yuan",
					       "note" };
	char text[256], from[17], to[17], made[17];
	clock_local(r->from, from);
	clock_local(r->to, to);
	clock_local(r->made, made);
	if (!csv_write_bom(f) || !csv_write_record(f, header, 6, 0) ||
	    !meta(f, "date", "日期", r->date))
		return false;
	snprintf(text, sizeof text, "%s 至 %s（本地时间）", from, to);
	if (!meta(f, "period", "统计时段", text))
		return false;
	if (r->all_offices)
		snprintf(text, sizeof text, "all %s", r->office_name);
	else
		snprintf(text, sizeof text, "%s %s", r->office_code, r->office_name);
	if (!meta(f, "office", "受理点", text))
		return false;
	snprintf(text, sizeof text, r->own_only ? "仅本人（%s）" : "全部员工", r->reader_username);
	if (!meta(f, "scope", "范围", text))
		return false;
	snprintf(text, sizeof text, "%s %s（%s）", made, r->reader, r->reader_username);
	if (!meta(f, "made", "制表", text))
		return false;

	struct report_line lines[REPORT_LINES_MAX];
	int n = day_report_lines(r, lines, REPORT_LINES_MAX);
	for (int i = 0; i < n; i++)
		if (!row(f, lines[i].section, lines[i].item, lines[i].label, lines[i].sum.n,
			 lines[i].sum.fen, ""))
			return false;
	for (int i = 0; i < r->nclerks; i++) {
		const struct report_clerk *c = &r->clerks[i];
		const char *who = c->username[0] ? c->username : c->staff_id;
		const char *name = c->name[0] ? c->name : "（本机未知的账户）";
		if (!row(f, "clerk_orders", who, name, c->orders.n, c->orders.fen, "下单") ||
		    !row(f, "clerk_payments", who, name, c->payments.n, c->payments.fen, "登记款项") ||
		    !row(f, "clerk_refunds", who, name, c->refunds.n, c->refunds.fen, "退款"))
			return false;
	}
	if (!row(f, "waiting", "total", "待核款转账合计", r->waiting.n, r->waiting.fen,
		 r->waiting.n > r->nwaiting ? "仅列出最早登记的部分" : ""))
		return false;
	for (int i = 0; i < r->nwaiting; i++) {
		const struct report_waiting *w = &r->waiting_rows[i];
		char at[17] = "";
		time_t t;
		if (clock_parse_iso(w->t.recorded_at, &t))
			clock_local(t, at);
		snprintf(text, sizeof text, "订单 %s%s；%s 由%s登记；已等待 %d 天；汇款底单%s",
			 w->t.first_order, w->t.norders > 1 ? " 等" : "", at,
			 w->t.recorded_by[0] ? w->t.recorded_by : "（未知）", w->age_days,
			 w->t.slip ? "已上传" : "未上传");
		if (!row(f, "waiting", w->t.reference, w->t.payer_name, 1, w->t.fen, text))
			return false;
	}
	struct report_count k[REPORT_STOCK_LINES_MAX];
	int nk = day_report_stock_lines(r, k, REPORT_STOCK_LINES_MAX);
	for (int i = 0; i < nk; i++) {
		char count[24];
		snprintf(count, sizeof count, "%ld", k[i].n);
		const char *fields[] = { k[i].section, k[i].item, k[i].label, count, "",
					 strcmp(k[i].section, "stock_moves") == 0 && r->own_only
						 ? "本人经手" : "" };
		if (!csv_write_record(f, fields, 6, 0))
			return false;
	}
	return true;
}

enum status svc_report_export(struct app *app, const struct actor *a, const struct day_report *r,
			      char path_out[PATH_MAX], struct err *e)
{
	char dir[PATH_MAX], suffix[48] = "", ymd[9];
	snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", r->date, r->date + 5, r->date + 8);
	if (r->all_offices) {
		snprintf(suffix, sizeof suffix, "-ALL");
	} else {
		struct terminal_info ti;
		struct err ignore;
		if (svc_terminal_info(&app->svc, &ti, &ignore) != ST_OK ||
		    strcmp(ti.office_code, r->office_code) != 0)
			snprintf(suffix, sizeof suffix, "-%s", r->office_code);
	}
	if (r->own_only)
		snprintf(suffix + strlen(suffix), sizeof suffix - strlen(suffix), "-%s",
			 r->reader_username);
	snprintf(dir, sizeof dir, "%s/reports", app->data_dir);
	int len = snprintf(path_out, PATH_MAX, "%s/day-%s%s.csv", dir, ymd, suffix);
	if (len < 0 || len >= PATH_MAX)
		return err_set(e, ST_IO, "数据目录的路径太长");
	enum status st = fs_mkdir_p(dir, e);
	if (st != ST_OK)
		return st;

	char *data = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&data, &size);
	if (!mem)
		return err_status(e, ST_NOMEM);
	bool ok = day_report_csv(r, mem);
	if (fclose(mem) != 0)
		ok = false;
	if (!ok) {
		free(data);
		return err_status(e, ST_NOMEM);
	}
	/* On record before the file exists: an export that cannot be audited
	 * does not happen. */
	json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "date", r->date, "office",
				   r->all_offices ? "all" : r->office_code, "scope",
				   r->own_only ? "own" : "all", "file", path_out);
	st = detail ? svc_audit_read(&app->svc, a, "report.export", "report", detail, e)
		    : err_status(e, ST_NOMEM);
	json_decref(detail);
	if (st == ST_OK)
		st = fs_write_atomic(path_out, data, size, e);
	free(data);
	return st;
}
