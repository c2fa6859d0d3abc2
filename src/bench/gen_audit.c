/* The audit log of a generated history: see gen_audit.h. */
#include "bench/gen_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "util/buf.h"
#include "util/clock.h"

struct gen_event {
	long long ms;
	unsigned long long order;
	int actor;
	const char *action, *entity;
	char entity_id[UUID_LEN + 1];
	char *before, *after;    /* owned */
};

/* ---- the images ---------------------------------------------------------- */

/* A JSON string as jansson writes it. */
static void json_str(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\b': buf_adds(b, "\\b"); break;
		case '\f': buf_adds(b, "\\f"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default: buf_printf(b, "\\u%04X", c); break;
		}
	}
	buf_add(b, run, (size_t)(s - run));
	buf_addc(b, '"');
}

static void json_kv(struct buf *b, const char *k, const char *v)
{
	json_str(b, k);
	buf_addc(b, ':');
	json_str(b, v);
	buf_addc(b, ',');
}

char *gen_image_applicant(const char *phone, const char *name, const char *id_number,
			  bool portal_password)
{
	char mphone[32], midn[32] = "";
	mask_mobile(phone, mphone);
	if (id_number[0])
		mask_id_number(id_number, midn);
	struct buf b;
	buf_init(&b, 4096);
	buf_addc(&b, '{');
	json_kv(&b, "id_number", midn);
	json_kv(&b, "name", name);
	json_kv(&b, "phone", mphone);
	buf_printf(&b, "\"portal_password\":%s,\"verified\":true}",
		   portal_password ? "true" : "false");
	return buf_steal(&b);
}

static void json_kb(struct buf *b, const char *k, bool v)
{
	json_str(b, k);
	buf_printf(b, ":%s,", v ? "true" : "false");
}

static void json_ki(struct buf *b, const char *k, long long v)
{
	json_str(b, k);
	buf_printf(b, ":%lld,", v);
}

/* Close an object whose last member ends with ','. */
static char *json_end(struct buf *b)
{
	if (b->len && b->data[b->len - 1] == ',')
		b->data[b->len - 1] = '}';
	else
		buf_addc(b, '}');
	return buf_steal(b);
}

static char *app_image(const struct application *a, bool supervised)
{
	char code[32], rphone[32] = "";
	if (a->subject == SUBJECT_PERSONAL)
		mask_id_number(a->holder_code, code);
	else
		snprintf(code, sizeof code, "%s", a->holder_code);
	if (a->recipient_phone[0])
		mask_mobile(a->recipient_phone, rphone);
	struct buf b;
	buf_init(&b, 4096);
	buf_addc(&b, '{');
	json_kv(&b, "address", a->address);
	json_kv(&b, "cert_serial", a->cert_serial);
	if (supervised) {
		char masked[32] = "";
		if (a->collector_id_number[0])
			mask_id_number(a->collector_id_number, masked);
		buf_adds(&b, "\"collector\":{");
		json_kv(&b, "id_number", masked);
		json_str(&b, "name");
		buf_addc(&b, ':');
		json_str(&b, a->collector_name);
		buf_adds(&b, "},");
		json_kv(&b, "courier", a->courier);
	}
	json_kv(&b, "delivery", delivery_code(a->delivery));
	if (a->done_at[0])
		json_kv(&b, "done_at", a->done_at);
	json_kv(&b, "holder_code", code);
	json_kv(&b, "holder_name", a->holder_name);
	if (supervised)
		json_kv(&b, "issued_serial", a->issued_serial);
	json_kv(&b, "kind", app_kind_code(a->kind));
	json_kv(&b, "number", a->number);
	json_kv(&b, "reason", a->reason);
	json_kv(&b, "recipient", a->recipient);
	json_kv(&b, "recipient_phone", rphone);
	if (a->service_reason[0])
		json_kv(&b, "service_reason", a->service_reason);
	json_kv(&b, "status", app_status_code(a->status));
	json_kv(&b, "subject", app_subject_code(a->subject));
	if (supervised)
		json_kv(&b, "tracking_no", a->tracking_no);
	buf_printf(&b, "\"years\":%d}", a->years);
	return buf_steal(&b);
}

char *gen_image_application(const struct application *a)
{
	return app_image(a, false);
}

char *gen_image_supervised(const struct application *a)
{
	return app_image(a, true);
}

char *gen_image_order(const struct order *o)
{
	char fen[32];
	format_fen(o->total_fen, fen);
	struct buf b;
	buf_init(&b, 4096);
	buf_addc(&b, '{');
	json_kv(&b, "delivery", delivery_code(o->delivery));
	json_kv(&b, "holder_name", o->holder_name);
	json_kb(&b, "invoice", o->invoice_wanted);
	json_kv(&b, "method", pay_method_code(o->method));
	json_kv(&b, "number", o->number);
	json_kv(&b, "reason", o->reason);
	json_kv(&b, "status", order_status_code(o->status));
	json_kv(&b, "total", fen);
	return json_end(&b);
}

char *gen_image_payment(const struct payment *p, const char *state, const char *reason, int slip,
			const char *refund_of)
{
	char fen[32];
	format_fen(p->amount_fen, fen);
	struct buf b;
	buf_init(&b, 4096);
	buf_addc(&b, '{');
	json_kv(&b, "amount", fen);
	json_kv(&b, "channel", p->channel);
	json_kv(&b, "kind", payment_kind_code(p->kind));
	json_kv(&b, "payer_name", p->payer_name);
	json_kv(&b, "reason", reason);
	json_kv(&b, "reference", p->reference);
	if (refund_of)
		json_kv(&b, "refund_of", refund_of);
	if (slip >= 0)
		json_kb(&b, "slip", slip);
	json_kv(&b, "state", state);
	return json_end(&b);
}

char *gen_image_attachment(const char *owner_id, const char *doc_type, const char *name,
			   const char *sha256, const char *mime, long long size)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_addc(&b, '{');
	json_kv(&b, "doc_type", doc_type);
	json_kv(&b, "mime", mime);
	json_kv(&b, "name", name);
	json_kv(&b, "owner_id", owner_id);
	json_kv(&b, "sha256", sha256);
	json_ki(&b, "size", size);
	return json_end(&b);
}

char *gen_image_key(const char *serial, const char *state, const char *application_id,
		    const char *number)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_addc(&b, '{');
	if (application_id)
		json_kv(&b, "application_id", application_id);
	json_kv(&b, "key_serial", serial);
	if (number)
		json_kv(&b, "number", number);
	json_kv(&b, "state", state);
	return json_end(&b);
}

char *gen_image_key_move(const char *kind, int count, const char *first, const char *last,
			 const char *note)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_addc(&b, '{');
	json_ki(&b, "count", count);
	json_kv(&b, "first_serial", first);
	json_kv(&b, "kind", kind);
	json_kv(&b, "last_serial", last);
	json_kv(&b, "note", note);
	return json_end(&b);
}

/* ---- the queue: a binary heap on (ms, order) ------------------------------ */

static bool ev_less(const struct gen_event *a, const struct gen_event *b)
{
	return a->ms < b->ms || (a->ms == b->ms && a->order < b->order);
}

static bool heap_push(struct gen_audit *ga, struct gen_event *ev)
{
	if (ga->n == ga->cap) {
		size_t cap = ga->cap ? ga->cap * 2 : 4096;
		struct gen_event **v = realloc(ga->heap, cap * sizeof *v);
		if (!v)
			return false;
		ga->heap = v;
		ga->cap = cap;
	}
	size_t i = ga->n++;
	while (i > 0 && ev_less(ev, ga->heap[(i - 1) / 2])) {
		ga->heap[i] = ga->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	ga->heap[i] = ev;
	return true;
}

static struct gen_event *heap_pop(struct gen_audit *ga)
{
	struct gen_event **h = ga->heap, *top = h[0], *last = h[--ga->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= ga->n)
			break;
		if (c + 1 < ga->n && ev_less(h[c + 1], h[c]))
			c++;
		if (!ev_less(h[c], last))
			break;
		h[i] = h[c];
		i = c;
	}
	if (ga->n)
		h[i] = last;
	return top;
}

static void event_free(struct gen_event *ev)
{
	if (ev) {
		free(ev->before);
		free(ev->after);
		free(ev);
	}
}

/* ---- the log ------------------------------------------------------------------ */

enum status gen_audit_begin(struct gen_audit *ga, struct db *db, struct rng *rng,
			    const struct actor *actors, long long now_ms, long long sync_ms,
			    struct err *e)
{
	memset(ga, 0, sizeof *ga);
	ga->rng = rng;
	ga->actors = actors;
	ga->now_ms = now_ms;
	ga->sync_ms = sync_ms;
	return audit_bulk_begin(db, &ga->bulk, e);
}

void gen_audit_done(struct gen_audit *ga)
{
	while (ga->n)
		event_free(heap_pop(ga));
	free(ga->heap);
	ga->heap = NULL;
	ga->cap = 0;
}

enum status gen_audit_add(struct gen_audit *ga, long long ms, int actor, const char *action,
			  const char *entity, const char *entity_id, char *before, char *after,
			  struct err *e)
{
	if (ms > ga->now_ms) {
		free(before);
		free(after);
		return ST_OK;
	}
	struct gen_event *ev = malloc(sizeof *ev);
	if (!ev) {
		free(before);
		free(after);
		return err_status(e, ST_NOMEM);
	}
	*ev = (struct gen_event){ .ms = ms, .order = ga->order++, .actor = actor,
				  .action = action, .entity = entity, .before = before,
				  .after = after };
	snprintf(ev->entity_id, sizeof ev->entity_id, "%s", entity_id);
	if (!heap_push(ga, ev)) {
		event_free(ev);
		return err_status(e, ST_NOMEM);
	}
	return ST_OK;
}

/* The op a command left for the centre, not pushed yet. */
static enum status outbox_add(struct gen_audit *ga, const struct gen_event *ev, const char *at,
			      struct err *e)
{
	char op[UUID_LEN + 1], command[64], payload[64];
	synth_uuid7(ga->rng, (uint64_t)ev->ms, op);
	snprintf(command, sizeof command, "%s@1", ev->action);
	snprintf(payload, sizeof payload, "{\"id\":\"%s\"}", ev->entity_id);
	sqlite3_stmt *s = db_prep(ga->bulk.db, "INSERT INTO outbox (op_id, command, actor_id, entity,"
					       " entity_id, payload, created_at) VALUES (?1, ?2, ?3,"
					       " ?4, ?5, ?6, ?7)", e);
	if (!s)
		return e->st;
	sqlite3_bind_text(s, 1, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, command, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ga->actors[ev->actor].id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, ev->entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, ev->entity_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, payload, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, at, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(ga->bulk.db, rc, e);
	ga->outbox++;
	return ST_OK;
}

enum status gen_audit_write(struct gen_audit *ga, long long until, struct err *e)
{
	while (ga->n && ga->heap[0]->ms <= until) {
		struct gen_event *ev = heap_pop(ga);
		long long ms = ev->ms > ga->last_ms ? ev->ms : ga->last_ms + 1;
		ga->last_ms = ms;
		char id[UUID_LEN + 1], at[21];
		synth_uuid7(ga->rng, (uint64_t)ms, id);
		clock_iso((time_t)(ev->ms / 1000), at);
		struct audit_rec r = { ev->action, ev->entity, ev->entity_id, ev->before, ev->after };
		enum status st = audit_bulk_add(&ga->bulk, &ga->actors[ev->actor], &r, id, at, e);
		if (st == ST_OK && ev->ms >= ga->sync_ms)
			st = outbox_add(ga, ev, at, e);
		event_free(ev);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

enum status gen_audit_flush(struct gen_audit *ga, struct err *e)
{
	return audit_bulk_flush(&ga->bulk, e);
}

long gen_audit_count(const struct gen_audit *ga)
{
	return (long)ga->bulk.seq;
}
