/* The benchmark's generator: what goes with an application (its scans,
 * its order and payments, its blank KEY, its certificates); gen.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen_int.h"
#include "svc/application.h"
#include "svc/lifecycle.h"
#include "util/clock.h"

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
	gen_random_hex(r, 64, sha);
	gen_iso_ms(ms, at);
	gen_iso_ms(ms + MIN_MS, pushed);
	const char *mime = pdf ? "application/pdf" : "image/jpeg";
	long long size = pdf ? rng_range(r, 60000, 900000) : rng_range(r, 180000, 2600000);
	sqlite3_stmt *s = db_prep(g->db, "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at,"
					 " pushed_at) VALUES (?1, ?2, ?3, ?4, ?5)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, sha);
	sqlite3_bind_int64(s, 2, size);
	gen_bind(s, 3, mime);
	gen_bind(s, 4, at);
	gen_bind(s, 5, ms + MIN_MS < g->sync_ms ? pushed : NULL);
	enum status st = gen_step(g, s, e);
	if (st != ST_OK)
		return st;
	if (!(s = db_prep(g->db, "INSERT INTO attachments (id, owner_type, owner_id, doc_type, sha256,"
				 " name, mime, size, created_by, created_at, version) VALUES (?1, ?2, ?3,"
				 " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", e)))
		return e->st;
	gen_bind(s, 1, id);
	gen_bind(s, 2, owner_type);
	gen_bind(s, 3, owner_id);
	gen_bind(s, 4, doc_type_code(doc));
	gen_bind(s, 5, sha);
	gen_bind(s, 6, name);
	gen_bind(s, 7, mime);
	sqlite3_bind_int64(s, 8, size);
	gen_bind(s, 9, g->actors[clerk].id);
	gen_bind(s, 10, at);
	sqlite3_bind_int(s, 11, ms < g->sync_ms);
	if ((st = gen_step(g, s, e)) != ST_OK)
		return st;
	g->st->attachments++;
	if (!action)
		return ST_OK;
	return gen_audit_add(&g->audit, ms, clerk, action, "attachment", id, NULL,
			     gen_image_attachment(owner_id, doc_type_code(doc), name, sha, mime, size), e);
}

/* The scans a clerk adds while the applicant waits: the required documents
 * (at least two: an ID card may come as both sides), each a photo or PDF. */
enum status gen_app_attachments(struct gen *g, const struct application *a, long long t,
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
	gen_iso_ms(placed, at);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO orders (id, number, status, subject, holder_code, holder_name, applicant_id,"
		" method, total_fen, invoice_wanted, invoice_title, invoice_taxpayer_id, invoice_email,"
		" delivery, recipient, recipient_phone, recipient_address, recipient_postal,"
		" contact_phone, reason, office_id, terminal_id, created_by, created_at, updated_at,"
		" paid_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		" ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, nullif(?26, ''), ?27)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, o->id);
	gen_bind(s, 2, o->number);
	gen_bind(s, 3, order_status_code(o->status));
	gen_bind(s, 4, app_subject_code(o->subject));
	gen_bind(s, 5, o->holder_code);
	gen_bind(s, 6, o->holder_name);
	gen_bind(s, 7, o->applicant_id);
	gen_bind(s, 8, pay_method_code(o->method));
	sqlite3_bind_int64(s, 9, o->total_fen);
	sqlite3_bind_int(s, 10, o->invoice_wanted);
	gen_bind(s, 11, o->invoice_title);
	gen_bind(s, 12, o->invoice_taxpayer_id);
	gen_bind(s, 13, o->invoice_email);
	gen_bind(s, 14, delivery_code(o->delivery));
	gen_bind(s, 15, o->recipient);
	gen_bind(s, 16, o->recipient_phone);
	gen_bind(s, 17, o->recipient_address);
	gen_bind(s, 18, o->recipient_postal);
	gen_bind(s, 19, o->contact_phone);
	gen_bind(s, 20, o->reason);
	gen_bind(s, 21, g->office_id);
	gen_bind(s, 22, o->terminal_id);
	gen_bind(s, 23, o->created_by);
	gen_bind(s, 24, at);
	gen_bind(s, 25, o->created_at);   /* the last change */
	gen_bind(s, 26, o->paid_at);
	sqlite3_bind_int(s, 27, synced);
	enum status st = gen_step(g, s, e);
	if (st != ST_OK)
		return st;
	if (!(s = db_prep(g->db, "INSERT INTO order_lines (order_id, application_id, number, kind,"
				 " subject, years, price_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", e)))
		return e->st;
	gen_bind(s, 1, o->id);
	gen_bind(s, 2, a->id);
	gen_bind(s, 3, a->number);
	gen_bind(s, 4, app_kind_code(a->kind));
	gen_bind(s, 5, app_subject_code(a->subject));
	sqlite3_bind_int(s, 6, a->years);
	sqlite3_bind_int64(s, 7, o->total_fen);
	return gen_step(g, s, e);
}

static enum status insert_payment(struct gen *g, const struct payrec *pr, const char *order_id,
				  long long link_fen, struct err *e)
{
	const struct payment *p = &pr->p;
	char at[21], vat[21];
	gen_iso_ms(pr->recorded, at);
	gen_iso_ms(pr->reviewed, vat);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO payments (id, kind, state, amount_fen, payer_name, payer_account, bank,"
		" reference, channel, paid_on, reason, refund_of, office_id, terminal_id, recorded_by,"
		" recorded_at, verified_by, verified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, nullif(?12, ''), ?13, ?14, ?15, ?16, nullif(?17, ''),"
		" nullif(?18, ''), ?19)", e);
	if (!s)
		return e->st;
	bool reviewed = p->verified_by[0] != '\0';
	gen_bind(s, 1, p->id);
	gen_bind(s, 2, payment_kind_code(p->kind));
	gen_bind(s, 3, p->state);
	sqlite3_bind_int64(s, 4, p->amount_fen);
	gen_bind(s, 5, p->payer_name);
	gen_bind(s, 6, p->payer_account);
	gen_bind(s, 7, p->bank);
	gen_bind(s, 8, p->reference);
	gen_bind(s, 9, p->channel);
	gen_bind(s, 10, p->paid_on);
	gen_bind(s, 11, p->reason);
	gen_bind(s, 12, p->refund_of);
	gen_bind(s, 13, g->office_id);
	gen_bind(s, 14, g->terminal_id[0]);
	gen_bind(s, 15, p->recorded_by);
	gen_bind(s, 16, at);
	gen_bind(s, 17, p->verified_by);
	gen_bind(s, 18, reviewed ? vat : "");
	sqlite3_bind_int(s, 19, (pr->recorded < g->sync_ms) + (reviewed && pr->reviewed < g->sync_ms));
	enum status st = gen_step(g, s, e);
	if (st != ST_OK)
		return st;
	if (!(s = db_prep(g->db, "INSERT INTO payment_orders (payment_id, order_id, amount_fen)"
				 " VALUES (?1, ?2, ?3)", e)))
		return e->st;
	gen_bind(s, 1, p->id);
	gen_bind(s, 2, order_id);
	sqlite3_bind_int64(s, 3, link_fen);
	if ((st = gen_step(g, s, e)) == ST_OK)
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
enum status gen_money(struct gen *g, const struct application *a, const struct person *pp,
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
			gen_random_digits(r, 18, digits);
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
			gen_random_digits(r, 12 + (int)rng_below(r, 8), p->p.payer_account);
			snprintf(p->p.bank, sizeof p->p.bank, "%s", banks[rng_below(r, 8)]);
			char digits[32];
			gen_random_digits(r, 16, digits);
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
		gen_iso_ms(*paid, o.paid_at);
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
	gen_iso_ms(last, o.created_at);   /* its updated_at */
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
	gen_iso_ms(ms, at);
	sqlite3_stmt *s = db_prep(g->db, "INSERT INTO key_moves (id, office_id, kind, count,"
					 " first_serial, last_serial, application_id, note, at, by_id,"
					 " version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, id);
	gen_bind(s, 2, g->office_id);
	gen_bind(s, 3, kind);
	sqlite3_bind_int(s, 4, count);
	gen_bind(s, 5, first);
	gen_bind(s, 6, last);
	gen_bind(s, 7, app_id);
	gen_bind(s, 8, note);
	gen_bind(s, 9, at);
	gen_bind(s, 10, g->actors[by].id);
	sqlite3_bind_int(s, 11, ms < g->sync_ms);
	return gen_step(g, s, e);
}

static enum status key_item(struct gen *g, const char *move, const char *serial, const char *from,
			    struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "INSERT INTO key_move_items (move_id, serial, from_state)"
					 " VALUES (?1, ?2, ?3)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, move);
	gen_bind(s, 2, serial);
	gen_bind(s, 3, from);
	return gen_step(g, s, e);
}

/* Write the batch's KEYs as they stand. */
enum status gen_keys_flush(struct gen *g, struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "INSERT INTO key_stock (serial, office_id, state,"
					 " received_move, last_move, application_id, updated_at, version)"
					 " VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7, ?8)", e);
	if (!s)
		return e->st;
	for (int i = 0; i < g->nkeys; i++) {
		const struct keybatch *k = &g->keys[i];
		char at[21];
		gen_iso_ms(k->updated, at);
		gen_bind(s, 1, k->serial);
		gen_bind(s, 2, g->office_id);
		gen_bind(s, 3, stock_state_code(k->state));
		gen_bind(s, 4, g->key_move);
		gen_bind(s, 5, k->last_move);
		gen_bind(s, 6, k->application_id);
		gen_bind(s, 7, at);
		sqlite3_bind_int(s, 8, k->updated < g->sync_ms ? 1 : 0);
		enum status st = gen_step(g, s, e);
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
	enum status st = gen_keys_flush(g, e);
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
enum status gen_key_issue(struct gen *g, const struct application *a, long long created,
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

#define ISSUER "CN=SZCA SM2 CA, O=深圳市电子商务安全证书管理有限公司, C=CN"

/* One certificate bound to the applicant; revoked_ms 0: not revoked. */
enum status gen_certificate(struct gen *g, const struct application *a, const char *serial,
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
	gen_random_hex(r, 64, sha);
	gen_random_hex(r, 64, sm3);
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
	gen_iso_ms(nb, nbs);
	gen_iso_ms(na, nas);
	gen_iso_ms(bound, bat);
	gen_iso_ms(revoked_ms, rat);
	sqlite3_stmt *s = db_prep(g->db,
		"INSERT INTO certificates (id, serial, subject, issuer, cn, org, algorithm, key_desc,"
		" sig_alg, not_before, not_after, sha256, sm3, slot, applicant_id, bound_at, bound_by,"
		" revoked_at, revoke_reason, created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'sign', ?14, ?15, ?16, nullif(?17, ''), ?18,"
		" ?15, ?15, ?19)", e);
	if (!s)
		return e->st;
	gen_bind(s, 1, id);
	gen_bind(s, 2, serial);
	gen_bind(s, 3, subject);
	gen_bind(s, 4, ISSUER);
	gen_bind(s, 5, a->holder_name);
	gen_bind(s, 6, ent ? a->holder_name : "");
	gen_bind(s, 7, sm2 ? "SM2" : "RSA");
	gen_bind(s, 8, sm2 ? "SM2" : "RSA 2048");
	gen_bind(s, 9, sm2 ? "SM2-with-SM3" : "sha256WithRSAEncryption");
	gen_bind(s, 10, nbs);
	gen_bind(s, 11, nas);
	gen_bind(s, 12, sha);
	gen_bind(s, 13, sm3);
	gen_bind(s, 14, a->applicant_id);
	gen_bind(s, 15, bat);
	gen_bind(s, 16, g->actors[by].id);
	gen_bind(s, 17, revoked_ms ? rat : "");
	gen_bind(s, 18, revoked_ms ? reason : "");
	sqlite3_bind_int(s, 19, bound < g->sync_ms);
	enum status st = gen_step(g, s, e);
	if (st == ST_OK)
		g->st->certificates++;
	return st;
}
