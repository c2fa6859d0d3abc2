/* The benchmark's generator at small scale: every value it makes passes
 * the program's own checks, the audit chain it builds verifies, the rows
 * hold together, and the same seed makes the same data. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "model/order.h"
#include "model/party.h"
#include "model/stock.h"
#include "model/validate.h"
#include "store/audit.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"
#include "util/jsonx.h"

#include "bench/gen.h"
#include "bench/gen_audit.h"
#include "bench/synth.h"

#define N 2000

static struct db *db;
static struct gen_stats stats;
static time_t now;

static long scalar(struct db *d, const char *sql)
{
	sqlite3_stmt *s;
	long v = -1;
	if (sqlite3_prepare_v2(db_handle(d), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static enum status generate_as(struct db **out, long n, uint64_t seed, bool every,
			       struct gen_stats *st)
{
	struct err e;
	enum status rc = db_open(":memory:", out, &e);
	if (rc != ST_OK)
		return rc;
	struct svc svc = { .db = *out };
	struct gen_params p = { .applications = n, .seed = seed, .now = now, .every_command = every };
	return gen_run(&svc, &p, st, &e);
}

static enum status generate(struct db **out, long n, uint64_t seed, struct gen_stats *st)
{
	return generate_as(out, n, seed, true, st);
}

static int setup(void)
{
	if (!clock_parse_iso("2026-06-15T07:30:00Z", &now)) /* 15:30 in Shenzhen */
		return 1;
	return generate(&db, N, 7, &stats) != ST_OK;
}

static int teardown(void)
{
	db_close(db);
	return 0;
}

static void test_counts(void)
{
	CU_ASSERT_EQUAL(stats.applications, N);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications"), N);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applicants"), N * 3 / 10);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM enterprises"), N / 10);
	CU_ASSERT_EQUAL(stats.applicants, N * 3 / 10);
	CU_ASSERT_EQUAL(stats.enterprises, N / 10);
	/* Every status of a busy counter shows up, most applications are done;
	 * the review backlog holds a tenth (the queue issue 8 scrolls). */
	long done = stats.by_status[APP_COLLECTED] + stats.by_status[APP_SHIPPED] +
		    stats.by_status[APP_DONE];
	CU_ASSERT(done > N * 7 / 10);
	CU_ASSERT(stats.by_status[APP_PENDING_REVIEW] >= N / 10);
	CU_ASSERT(stats.by_status[APP_PENDING_REVIEW] < N * 15 / 100);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE status = 'pending_review'"),
			stats.by_status[APP_PENDING_REVIEW]);
	CU_ASSERT(stats.by_status[APP_DONE] > 0);
	CU_ASSERT(stats.by_status[APP_READY] > 0);
	CU_ASSERT(stats.by_status[APP_RETURNED] > 0);
	/* Most applications are in an order, most orders paid by transfer,
	 * some online, a few refunded; 2 to 4 scans per application. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM orders"), stats.orders);
	CU_ASSERT(stats.orders > N * 8 / 10 && stats.orders < N);
	long transfer = scalar(db, "SELECT count(*) FROM orders WHERE method = 'transfer'");
	long online = scalar(db, "SELECT count(*) FROM orders WHERE method = 'online'");
	CU_ASSERT(transfer > stats.orders * 3 / 4);
	CU_ASSERT(online > stats.orders / 20 && online < stats.orders / 4);
	CU_ASSERT(stats.refunds > 0 && stats.refunds < stats.orders / 20);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM payments WHERE kind = 'refund'"), stats.refunds);
	CU_ASSERT(stats.by_order_status[ORDER_PAID] + stats.by_order_status[ORDER_INVOICED] >
		  stats.orders * 8 / 10);
	/* The last days' orders wait for money or its verification. */
	CU_ASSERT(stats.by_order_status[ORDER_UNPAID] +
		  stats.by_order_status[ORDER_AWAITING_VERIFICATION] > 0);
	CU_ASSERT(stats.by_order_status[ORDER_CANCELLED] > 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT min(n) >= 2 AND max(n) <= 4 AND count(*) = (SELECT count(*)"
				   " FROM applications) FROM (SELECT count(*) AS n FROM attachments WHERE"
				   " owner_type = 'application' GROUP BY owner_id)"), 1);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM attachments"), stats.attachments);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM blobs"), stats.attachments);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM certificates"), stats.certificates);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM key_stock"), stats.keys);
	CU_ASSERT(stats.certificates > N && stats.keys > N / 5);
	CU_ASSERT(stats.by_status[APP_CANCELLED] > 0);
	CU_ASSERT(stats.by_status[APP_DRAFT] > 0);
	CU_ASSERT(stats.personal > N / 10 && stats.personal < N * 4 / 10);
	/* About a quarter of the people have a 2-character name. */
	long two = scalar(db, "SELECT count(*) FROM applicants WHERE length(name) = 2");
	CU_ASSERT(two > N * 3 / 10 / 6 && two < N * 3 / 10 / 2);
}

/* Every value passes the checks the forms use. */
static void test_values_valid(void)
{
	sqlite3_stmt *s;
	int bad = 0, n = 0;
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(db), "SELECT phone, id_number, name FROM applicants",
					   -1, &s, NULL) == SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *phone = (const char *)sqlite3_column_text(s, 0);
		const char *idn = (const char *)sqlite3_column_text(s, 1);
		const char *name = (const char *)sqlite3_column_text(s, 2);
		bad += !check_mobile(phone, NULL) || (idn[0] && !check_id_number(idn, NULL)) ||
		       !check_name(name, NULL);
		n++;
	}
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(n, N * 3 / 10);

	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(db), "SELECT credit_code, name, phone FROM enterprises",
					   -1, &s, NULL) == SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		bad += !check_credit_code((const char *)sqlite3_column_text(s, 0), NULL) ||
		       !check_org_name((const char *)sqlite3_column_text(s, 1), NULL) ||
		       !check_tel((const char *)sqlite3_column_text(s, 2), NULL);
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL(bad, 0);

	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(db),
		"SELECT id, number, subject, holder_code, address, postal_code, email, created_at,"
		" cert_serial, kind FROM applications ORDER BY id", -1, &s, NULL) == SQLITE_OK);
	char prev[21] = "";
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *code = (const char *)sqlite3_column_text(s, 3);
		const char *email = (const char *)sqlite3_column_text(s, 6);
		const char *created = (const char *)sqlite3_column_text(s, 7);
		const char *serial = (const char *)sqlite3_column_text(s, 8);
		bool personal = strcmp((const char *)sqlite3_column_text(s, 2), "personal") == 0;
		bad += !uuid_valid(id) || !number_looks_valid((const char *)sqlite3_column_text(s, 1));
		bad += personal ? !check_id_number(code, NULL) : !check_credit_code(code, NULL);
		bad += !check_address((const char *)sqlite3_column_text(s, 4), NULL) ||
		       !check_postal_code((const char *)sqlite3_column_text(s, 5), NULL) ||
		       (email[0] && !check_email(email, NULL));
		bad += strcmp((const char *)sqlite3_column_text(s, 9), "new") == 0
		       ? serial[0] != '\0' : !check_cert_serial(serial, NULL);
		/* Ids are UUIDv7 of the creation time: id order is time order. */
		unsigned long long ms = strtoull(id, NULL, 16) << 16 | strtoull(id + 9, NULL, 16);
		char iso[21];
		clock_iso((time_t)(ms / 1000), iso);
		bad += strcmp(iso, created) != 0 || strcmp(created, prev) < 0 ||
		       (time_t)(ms / 1000) > now;
		memcpy(prev, created, sizeof prev);
	}
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL(bad, 0);
}

/* Numbers, references, accounts and serials pass the program's checks. */
static void test_money_values_valid(void)
{
	sqlite3_stmt *s;
	int bad = 0, n = 0;
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(db), "SELECT number, holder_code, subject FROM orders",
					   -1, &s, NULL) == SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(s, 1);
		bad += !number_looks_valid((const char *)sqlite3_column_text(s, 0)) ||
		       strncmp((const char *)sqlite3_column_text(s, 0), "DD-SZFT-", 8) != 0;
		bad += strcmp((const char *)sqlite3_column_text(s, 2), "personal") == 0
		       ? !check_id_number(code, NULL) : !check_credit_code(code, NULL);
		n++;
	}
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(n, stats.orders);
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(db), "SELECT kind, reference, payer_account, paid_on"
					   " FROM payments", -1, &s, NULL) == SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(s, 0);
		const char *paid_on = (const char *)sqlite3_column_text(s, 3);
		if (strcmp(kind, "refund") == 0)
			continue;
		bad += !check_reference((const char *)sqlite3_column_text(s, 1), NULL);
		if (strcmp(kind, "transfer") == 0) {
			time_t t;
			char iso[32];
			snprintf(iso, sizeof iso, "%sT00:00:00Z", paid_on);
			bad += !check_account((const char *)sqlite3_column_text(s, 2), NULL) ||
			       strlen(paid_on) != 10 || !clock_parse_iso(iso, &t);
		}
	}
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(db), "SELECT serial FROM key_stock UNION ALL"
					   " SELECT serial FROM certificates UNION ALL SELECT issued_serial"
					   " FROM applications WHERE issued_serial <> ''", -1, &s,
					   NULL) == SQLITE_OK);
	n = 0;
	for (; sqlite3_step(s) == SQLITE_ROW; n++) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		bad += n < stats.keys ? !check_key_serial(v, NULL) : !check_cert_serial(v, NULL);
	}
	sqlite3_finalize(s);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(n > stats.keys);
}

/* Numbers carry the local creation date, and each day's counter is ready
 * for the next application entered on this terminal. */
static void test_numbers(void)
{
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE substr(number, 12, 8)"
				   " <> strftime('%Y%m%d', created_at, '+8 hours')"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(DISTINCT substr(number, 9, 2)) FROM applications"), 3);
	/* This terminal (01) numbers on from each day's last number. */
	CU_ASSERT(scalar(db, "SELECT count(*) FROM counters WHERE scope LIKE 'SQ:%'") > 100);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM (SELECT substr(number, 12, 8) AS d,"
				   " max(CAST(substr(number, 21) AS INTEGER)) AS m FROM applications"
				   " WHERE number LIKE 'SQ-SZFT-01-%' GROUP BY d) x LEFT JOIN counters c"
				   " ON c.scope = 'SQ:' || x.d WHERE c.next IS NOT x.m + 1"), 0);
}

static void test_rows_hold_together(void)
{
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	CU_ASSERT_EQUAL(scalar(db, "PRAGMA foreign_keys"), 1); /* the program's settings are back */
	/* The review columns follow the state. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE status = 'draft'"
				   " AND (submitted_at IS NOT NULL OR reviewed_at IS NOT NULL)"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE status IN ('accepted',"
				   " 'ready', 'shipped', 'collected') AND (reviewed_by IS NULL OR"
				   " reviewed_by = created_by OR submitted_at IS NULL)"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE status IN ('returned',"
				   " 'cancelled') AND reason = ''"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE subject = 'enterprise'"
				   " AND enterprise_id IS NULL"), 0);
	/* The supervisor's columns follow the state; done is for revoke and
	 * unlock only; certificates are made once the order is paid (or for
	 * nothing). */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE (status IN ('ready',"
				   " 'shipped', 'collected')) <> (made_at IS NOT NULL AND issued_serial <> '')"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE (status = 'shipped') <>"
				   " (shipped_at IS NOT NULL AND tracking_no <> '' AND delivery = 'post')"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE (status = 'collected') <>"
				   " (collected_at IS NOT NULL AND collector_name <> '')"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE (status = 'done') <>"
				   " (done_at IS NOT NULL AND kind IN ('revoke', 'unlock'))"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications a WHERE made_at IS NOT NULL AND"
				   " kind NOT IN ('revoke', 'unlock') AND NOT EXISTS (SELECT 1 FROM"
				   " order_lines l JOIN orders o ON o.id = l.order_id WHERE"
				   " l.application_id = a.id AND o.status IN ('paid', 'invoiced')"
				   " AND o.paid_at < a.made_at)"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE made_at < reviewed_at OR"
				   " shipped_at < made_at OR collected_at < made_at OR reviewed_at < submitted_at"),
			0);
	/* Orders: one line each, of a submitted application; the total is the
	 * line's price; online only for renewals; paid ones have the money. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM"
				   " order_lines l WHERE l.order_id = o.id) <> 1 OR total_fen <> (SELECT"
				   " price_fen FROM order_lines l WHERE l.order_id = o.id)"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM order_lines l JOIN applications a ON"
				   " a.id = l.application_id WHERE a.submitted_at IS NULL OR"
				   " a.number <> l.number OR a.holder_code <> (SELECT holder_code FROM orders"
				   " WHERE id = l.order_id)"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM orders o JOIN order_lines l ON"
				   " l.order_id = o.id WHERE o.method = 'online' AND l.kind <> 'renewal'"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM orders o WHERE (o.status IN ('paid',"
				   " 'invoiced')) <> (o.paid_at IS NOT NULL) OR (o.status IN ('paid',"
				   " 'invoiced') AND NOT EXISTS (SELECT 1 FROM payment_orders po JOIN payments"
				   " p ON p.id = po.payment_id WHERE po.order_id = o.id AND po.amount_fen ="
				   " o.total_fen AND (p.state = 'verified' OR (p.kind = 'online' AND"
				   " p.state = 'done'))))"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM orders o WHERE status = 'awaiting_verification'"
				   " AND NOT EXISTS (SELECT 1 FROM payment_orders po JOIN payments p ON"
				   " p.id = po.payment_id WHERE po.order_id = o.id AND p.state = 'recorded')"),
			0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id ="
				   " o.id JOIN applications a ON a.id = l.application_id WHERE o.status ="
				   " 'cancelled' AND a.status <> 'cancelled'"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM orders WHERE status = 'invoiced' AND NOT EXISTS"
				   " (SELECT 1 FROM attachments WHERE owner_id = orders.id AND doc_type ="
				   " 'invoice')"), 0);
	/* Payments: a verified or rejected transfer has its slip and was
	 * reviewed by a supervisor other than the clerk who recorded it; a
	 * refund returns a verified transfer or an online payment. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM payments p WHERE kind = 'transfer' AND state IN"
				   " ('verified', 'rejected') AND (verified_at < recorded_at OR NOT EXISTS"
				   " (SELECT 1 FROM staff s WHERE s.id = p.verified_by AND s.role ="
				   " 'supervisor') OR verified_by = recorded_by OR NOT EXISTS (SELECT 1 FROM"
				   " payment_orders po JOIN attachments t ON t.owner_id = po.order_id AND"
				   " t.doc_type = 'remittance_slip' WHERE po.payment_id = p.id))"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM payments r LEFT JOIN payments p ON"
				   " p.id = r.refund_of WHERE r.kind = 'refund' AND (p.id IS NULL OR NOT"
				   " (p.state = 'verified' OR p.kind = 'online') OR r.amount_fen > p.amount_fen)"),
			0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM payments WHERE kind = 'transfer' AND state ="
				   " 'rejected' AND reason = ''"), 0);
	/* KEYs: each issued one to a made new or reissued application, one each. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM key_stock k LEFT JOIN applications a ON"
				   " a.id = k.application_id WHERE k.state = 'issued' AND (a.made_at IS NULL"
				   " OR a.kind NOT IN ('new', 'reissue'))"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications a WHERE made_at IS NOT NULL AND"
				   " kind IN ('new', 'reissue') AND (SELECT count(*) FROM key_stock k WHERE"
				   " k.application_id = a.id AND k.state = 'issued') <> 1"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM key_move_items i JOIN key_moves m ON"
				   " m.id = i.move_id"), scalar(db, "SELECT sum(count) FROM key_moves"));
	/* Certificates: one made for every made application, bound to its
	 * applicant; the worklist's windows have some. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications a WHERE made_at IS NOT NULL AND"
				   " NOT EXISTS (SELECT 1 FROM certificates c WHERE c.serial = a.issued_serial"
				   " AND c.applicant_id = a.applicant_id AND c.not_before = a.made_at)"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM certificates WHERE not_after <= not_before"), 0);
	CU_ASSERT(scalar(db, "SELECT count(*) FROM certificates WHERE revoked_at IS NULL AND not_after"
			     " BETWEEN strftime('%Y-%m-%dT%H:%M:%SZ', '2026-06-15T07:30:00Z') AND"
			     " strftime('%Y-%m-%dT%H:%M:%SZ', '2026-06-15T07:30:00Z', '+90 days')") > 10);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM certificates WHERE revoked_at IS NULL AND"
				   " not_after < '2026-03-16T07:30:00Z'"), 0); /* the 90-day job ran */
	/* Every applicant came with an application; agents are linked. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applicants p WHERE NOT EXISTS"
				   " (SELECT 1 FROM applications a WHERE a.applicant_id = p.id)"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications a WHERE a.enterprise_id IS NOT NULL"
				   " AND NOT EXISTS (SELECT 1 FROM applicant_enterprises l WHERE"
				   " l.applicant_id = a.applicant_id AND l.enterprise_id = a.enterprise_id)"), 0);
}

static void test_audit_chain(void)
{
	struct audit_check chk;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(audit_verify(db, &chk, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(chk.bad_seq, 0);
	CU_ASSERT_EQUAL(chk.entries, stats.audit);
	/* At least one entry per registration and per application created. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'applicant.register'"),
			N * 3 / 10);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'application.create'"), N);
	CU_ASSERT(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'application.submit'") > N * 9 / 10);
	/* The last day's commands wait in the outbox, in order; none before. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM outbox"), stats.outbox);
	CU_ASSERT(stats.outbox > 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log WHERE at >= '2026-06-14T07:30:00Z'"),
			stats.outbox);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM outbox WHERE state <> 'pending' OR created_at <"
				   " '2026-06-14T07:30:00Z' OR command NOT LIKE '%.%@1'"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM (SELECT created_at, lag(created_at) OVER"
				   " (ORDER BY seq) AS p FROM outbox) WHERE created_at < p"), 0);
	/* Rows changed since then are not at the centre's version yet. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM applications WHERE created_at >="
				   " '2026-06-14T07:30:00Z' AND version <> 0"), 0);
	/* Written in time order, each action by someone allowed to. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM (SELECT at, lag(at) OVER (ORDER BY seq) AS p"
				   " FROM audit_log) WHERE at < p"), 0);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log l JOIN staff s ON s.id = l.actor_id"
				   " WHERE l.action IN ('application.accept', 'application.return',"
				   " 'application.make', 'application.ship', 'application.collect',"
				   " 'application.complete', 'payment.verify', 'payment.reject',"
				   " 'payment.refund') AND s.role <> 'supervisor'"), 0);
	/* One entry per command: every scan, order, payment and KEY issued. */
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'attachment.add'"),
			scalar(db, "SELECT count(*) FROM attachments WHERE owner_type = 'application'"));
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'order.place'"),
			stats.orders);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log WHERE action IN ('payment.transfer',"
				   " 'payment.online', 'payment.refund')"), stats.payments);
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'stock.issue'"),
			scalar(db, "SELECT count(*) FROM key_moves WHERE kind = 'issue'"));
	/* The appended chain goes on: a command after the load verifies too. */
	struct actor a;
	bool must;
	CU_ASSERT_EQUAL_FATAL(svc_login(&(struct svc){ .db = db }, GEN_ADMIN, GEN_PASSWORD, &a, &must, &e),
			      ST_OK);
	CU_ASSERT_FALSE(must);
	CU_ASSERT_EQUAL(audit_verify(db, &chk, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(chk.bad_seq, 0);
	CU_ASSERT_EQUAL(chk.entries, stats.audit + 1);
}

/* The images are byte for byte what jansson writes for the commands. */
static void test_audit_images(void)
{
	sqlite3_stmt *s;
	int n = 0, bad = 0;
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(db), "SELECT before, after FROM (SELECT before,"
					   " after, row_number() OVER (PARTITION BY action ORDER BY seq DESC)"
					   " AS k FROM audit_log) WHERE k <= 60", -1, &s, NULL) == SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		for (int c = 0; c < 2; c++) {
			const char *text = (const char *)sqlite3_column_text(s, c);
			if (!text)
				continue;
			json_t *v = json_loads(text, 0, NULL);
			char *again = jx_dump(v);
			bad += !again || strcmp(again, text) != 0;
			free(again);
			json_decref(v);
			n++;
		}
	sqlite3_finalize(s);
	CU_ASSERT(n >= 500);
	CU_ASSERT_EQUAL(bad, 0);
}

/* The same seed gives the same records; another seed others. */
static void test_reproducible(void)
{
	static const char sql[] = "SELECT group_concat(number || holder_name || holder_code || status"
				  " || created_at, ',') || (SELECT group_concat(number || status || total_fen"
				  " || created_at, ',') FROM (SELECT * FROM orders ORDER BY number)) ||"
				  " (SELECT group_concat(reference || state || recorded_at, ',') FROM (SELECT"
				  " * FROM payments ORDER BY recorded_at, reference)) || (SELECT"
				  " group_concat(serial || not_after, ',') FROM (SELECT * FROM certificates"
				  " ORDER BY serial, not_after)) FROM (SELECT * FROM applications ORDER BY id)";
	struct db *a, *b, *c;
	struct gen_stats sa, sb, sc;
	CU_ASSERT_EQUAL_FATAL(generate(&a, 300, 42, &sa), ST_OK);
	CU_ASSERT_EQUAL_FATAL(generate(&b, 300, 42, &sb), ST_OK);
	CU_ASSERT_EQUAL_FATAL(generate(&c, 300, 43, &sc), ST_OK);
	sqlite3_stmt *s[3];
	struct db *dbs[3] = { a, b, c };
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(dbs[i]), sql, -1, &s[i], NULL) == SQLITE_OK);
		CU_ASSERT_FATAL(sqlite3_step(s[i]) == SQLITE_ROW);
	}
	const char *ta = (const char *)sqlite3_column_text(s[0], 0);
	const char *tb = (const char *)sqlite3_column_text(s[1], 0);
	const char *tc = (const char *)sqlite3_column_text(s[2], 0);
	CU_ASSERT(ta && tb && tc && strcmp(ta, tb) == 0 && strcmp(ta, tc) != 0);
	CU_ASSERT_EQUAL(sa.audit, sb.audit);
	/* certdesk bench's lighter log: the same rows, fewer entries, a chain
	 * that verifies, the outbox in step. */
	struct db *d;
	struct gen_stats sd;
	CU_ASSERT_EQUAL_FATAL(generate_as(&d, 300, 42, false, &sd), ST_OK);
	sqlite3_stmt *s4;
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db_handle(d), sql, -1, &s4, NULL) == SQLITE_OK);
	CU_ASSERT_FATAL(sqlite3_step(s4) == SQLITE_ROW);
	const char *td = (const char *)sqlite3_column_text(s4, 0);
	CU_ASSERT(td && ta && strcmp(ta, td) == 0);
	sqlite3_finalize(s4);
	CU_ASSERT(sd.audit < sa.audit * 2 / 3);
	CU_ASSERT_EQUAL(scalar(d, "SELECT count(*) FROM audit_log WHERE action IN ('attachment.add',"
				  " 'application.make', 'application.collect', 'stock.issue')"), 0);
	CU_ASSERT_EQUAL(scalar(d, "SELECT count(*) FROM audit_log WHERE action = 'order.place'"), sd.orders);
	struct audit_check chk;
	struct err e;
	CU_ASSERT_EQUAL(audit_verify(d, &chk, NULL, NULL, &e), ST_OK);
	CU_ASSERT_EQUAL(chk.bad_seq, 0);
	CU_ASSERT_EQUAL(scalar(d, "SELECT count(*) FROM outbox"), sd.outbox);
	db_close(d);
	for (int i = 0; i < 3; i++) {
		sqlite3_finalize(s[i]);
		db_close(dbs[i]);
	}
}

/* The check characters agree with the validators on many draws. */
static void test_synth_checks(void)
{
	struct rng r;
	rng_seed(&r, 99);
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		char idn[19], code[19], kind[3], phone[12], email[48];
		synth_id_number(&r, i % 2, 1930, 2005, idn);
		synth_credit_code(&r, code, kind);
		synth_mobile(&r, phone);
		synth_email(&r, email);
		bad += !check_id_number(idn, NULL) || !check_credit_code(code, NULL) ||
		       !check_mobile(phone, NULL) || !check_email(email, NULL);
		bad += (idn[16] - '0') % 2 != i % 2; /* the sequence's parity is the sex */
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* A published example code (GB 32100-2015 shape) checks the same way. */
	CU_ASSERT_EQUAL(synth_credit_check("91350100M000100Y4"), '3');
	CU_ASSERT_EQUAL(synth_id_check("11010519491231002"), 'X');
}

void suite_bench(void)
{
	UNIT_SUITE("bench", setup, teardown,
		   { "generated counts and mix", test_counts },
		   { "every value passes the checks", test_values_valid },
		   { "money and serials pass the checks", test_money_values_valid },
		   { "numbers and today's counter", test_numbers },
		   { "rows hold together", test_rows_hold_together },
		   { "audit chain verifies", test_audit_chain },
		   { "audit images are jansson's bytes", test_audit_images },
		   { "same seed, same data", test_reproducible },
		   { "check characters", test_synth_checks });
}
