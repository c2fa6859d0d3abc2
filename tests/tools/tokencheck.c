/*
 * tokencheck: drives the token API (adapt/token.h) for the integration
 * tests, and prints what it finds in a stable text format:
 *
 *   tokencheck [--reader NAME] COMMAND [OPTIONS]
 *     readers                         "readers N", then per reader
 *                                     "reader<TAB>STATE<TAB>ATR<TAB>NAME"
 *     wait-readers [--min N] [--timeout MS]            "readers N"
 *     wait-card [--timeout MS] [--cancel-after MS]     "card NAME"
 *     wait-removal --reader NAME [--timeout MS]        "removed"
 *     info                            "reader", "atr", "driver", "id" lines
 *     certs [--slot auth|sign|keymgmt|cardauth]
 *                                     "SLOT.FIELD: VALUE" lines per certificate,
 *                                     or "SLOT.error CODE: MESSAGE"
 *     pin-status                      "pin tries=N verified=yes|no"
 *     verify                          PIN on stdin; "pin ok"
 *     change-pin                      old and new PIN on stdin, one a line
 *     unblock                         PUK and new PIN on stdin
 *     change-puk                      old and new PUK on stdin
 *
 * Failures print "error CODE: MESSAGE" (and "tries N" first when the card
 * said how many tries are left) and exit 1; usage errors exit 2.
 * Without --reader, card commands use the only reader that holds a card.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapt/token.h"
#include "adapt/x509.h"
#include "model/apdu.h"
#include "model/cert.h"
#include "util/clock.h"

static int usage(void)
{
	fputs("usage: tokencheck [--reader NAME] readers|wait-readers|wait-card|wait-removal|info|"
	      "certs|pin-status|verify|change-pin|unblock|change-puk [options]\n",
	      stderr);
	return 2;
}

static int fail(const struct err *e)
{
	printf("error %s: %s\n", status_code(e->st), err_text(e));
	return 1;
}

static int fail_tries(const struct err *e, int tries)
{
	if (tries >= 0)
		printf("tries %d\n", tries);
	return fail(e);
}

/* ---- options ---- */

struct opts {
	const char *reader;
	const char *cmd;
	const char *slot;
	int timeout_ms;
	int cancel_after_ms;
	long min;
};

static int parse(int argc, char **argv, struct opts *o)
{
	o->timeout_ms = 5000;
	o->cancel_after_ms = -1;
	o->min = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-') {
			if (o->cmd)
				return usage();
			o->cmd = a;
			continue;
		}
		if (i + 1 >= argc)
			return usage();
		const char *v = argv[++i];
		if (strcmp(a, "--reader") == 0)
			o->reader = v;
		else if (strcmp(a, "--timeout") == 0)
			o->timeout_ms = atoi(v);
		else if (strcmp(a, "--cancel-after") == 0)
			o->cancel_after_ms = atoi(v);
		else if (strcmp(a, "--min") == 0)
			o->min = atol(v);
		else if (strcmp(a, "--slot") == 0)
			o->slot = v;
		else
			return usage();
	}
	return o->cmd ? 0 : usage();
}

/* One line of standard input without its newline; false at EOF. */
static bool read_secret(char *out, size_t n)
{
	if (!fgets(out, (int)n, stdin))
		return false;
	out[strcspn(out, "\r\n")] = '\0';
	return true;
}

/* ---- commands without a card ---- */

static int cmd_readers(struct token_ctx *ctx)
{
	struct token_reader_list l;
	struct err e;
	err_clear(&e);
	if (token_list_readers(ctx, &l, &e) != ST_OK)
		return fail(&e);
	printf("readers %zu\n", l.n);
	for (size_t i = 0; i < l.n; i++) {
		char atr[2 * TOKEN_ATR_MAX + 1];
		apdu_hex(l.items[i].atr, l.items[i].atr_len, atr);
		printf("reader\t%s\t%s\t%s\n", token_state_code(l.items[i].state), atr[0] ? atr : "-",
		       l.items[i].name);
	}
	token_reader_list_done(&l);
	return 0;
}

struct canceller {
	struct token_ctx *ctx;
	int after_ms;
};

static void *cancel_later(void *arg)
{
	const struct canceller *c = arg;
	struct timespec ts = { c->after_ms / 1000, (long)(c->after_ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	token_cancel(c->ctx);
	return NULL;
}

static int cmd_wait(struct token_ctx *ctx, const struct opts *o)
{
	struct err e;
	err_clear(&e);
	pthread_t t;
	struct canceller c = { ctx, o->cancel_after_ms };
	bool threaded = o->cancel_after_ms >= 0 && pthread_create(&t, NULL, cancel_later, &c) == 0;
	char found[TOKEN_READER_MAX] = "";
	enum status st;
	if (strcmp(o->cmd, "wait-readers") == 0)
		st = token_wait_readers(ctx, o->min > 0 ? (size_t)o->min : 1, o->timeout_ms, &e);
	else if (strcmp(o->cmd, "wait-card") == 0)
		st = token_wait_card(ctx, o->reader, o->timeout_ms, found, &e);
	else if (o->reader)
		st = token_wait_removal(ctx, o->reader, o->timeout_ms, &e);
	else
		st = err_set(&e, ST_INVALID, "wait-removal needs --reader");
	if (threaded)
		pthread_join(t, NULL);
	if (st != ST_OK)
		return fail(&e);
	if (strcmp(o->cmd, "wait-readers") == 0) {
		struct token_reader_list l;
		if (token_list_readers(ctx, &l, &e) != ST_OK)
			return fail(&e);
		printf("readers %zu\n", l.n);
		token_reader_list_done(&l);
	} else if (strcmp(o->cmd, "wait-card") == 0) {
		printf("card %s\n", found);
	} else {
		printf("removed\n");
	}
	return 0;
}

/* ---- commands on a card ---- */

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

static void print_cert(const char *slot, const struct cert *c, time_t now)
{
	printf("%s.subject: %s\n", slot, c->subject);
	printf("%s.subject.cn: %s\n", slot, c->subject_cn);
	printf("%s.subject.o: %s\n", slot, c->subject_o);
	printf("%s.issuer: %s\n", slot, c->issuer);
	printf("%s.issuer.cn: %s\n", slot, c->issuer_cn);
	printf("%s.serial: %s\n", slot, c->serial);
	printf("%s.not_before: %s\n", slot, c->not_before_iso);
	printf("%s.not_after: %s\n", slot, c->not_after_iso);
	printf("%s.key: %s\n", slot, c->key_desc);
	printf("%s.key_alg: %s\n", slot, cert_key_alg_label(c->key_alg));
	printf("%s.key_bits: %d\n", slot, c->key_bits);
	printf("%s.sig_alg: %s\n", slot, c->sig_alg);
	printf("%s.sha256: %s\n", slot, c->sha256);
	printf("%s.sm3: %s\n", slot, c->sm3);
	printf("%s.days_left: %ld\n", slot, cert_days_left(c, now));
	printf("%s.days_expired: %ld\n", slot, cert_days_expired(c, now));
	printf("%s.expired: %s\n", slot, yes(cert_expired(c, now)));
	printf("%s.past_renewal: %s\n", slot, yes(cert_past_renewal(c, now)));
}

/* Per-slot outcomes that leave the card usable: printed, and the next slot read. */
static bool slot_error(enum status st)
{
	return st == ST_NOT_FOUND || st == ST_INVALID || st == ST_UNSUPPORTED || st == ST_DENIED;
}

static int cmd_certs(struct token_card *card, const struct opts *o)
{
	struct err e;
	err_clear(&e);
	enum token_slot only = TOKEN_SLOT_AUTH;
	if (o->slot && !token_slot_parse(o->slot, &only))
		return usage();
	time_t now = clock_now();
	for (int i = 0; i < TOKEN_SLOT__COUNT; i++) {
		enum token_slot s = (enum token_slot)i;
		if (o->slot && s != only)
			continue;
		const char *code = token_slot_code(s);
		uint8_t *der = NULL;
		size_t len = 0;
		enum status st = token_read_cert(card, s, &der, &len, &e);
		if (st == ST_OK) {
			struct cert c;
			st = x509_parse(der, len, &c, &e);
			free(der);
			if (st == ST_OK) {
				printf("slot %s\n", code);
				print_cert(code, &c, now);
				continue;
			}
		}
		if (!slot_error(st))
			return fail(&e);
		printf("%s.error %s: %s\n", code, status_code(st), err_text(&e));
	}
	return 0;
}

static int cmd_pin(struct token_card *card, const char *cmd)
{
	struct err e;
	err_clear(&e);
	int tries = -1;
	char a[64] = "", b[64] = "";
	enum status st;
	if (strcmp(cmd, "pin-status") == 0) {
		bool verified = false;
		st = token_pin_status(card, &tries, &verified, &e);
		if (st != ST_OK)
			return fail_tries(&e, tries);
		printf("pin tries=%d verified=%s\n", tries, yes(verified));
		return 0;
	}
	bool two = strcmp(cmd, "verify") != 0;
	if (!read_secret(a, sizeof a) || (two && !read_secret(b, sizeof b))) {
		fputs("tokencheck: the PIN (or PUK) lines are missing on standard input\n", stderr);
		return 2;
	}
	if (strcmp(cmd, "verify") == 0)
		st = token_verify_pin(card, a, &tries, &e);
	else if (strcmp(cmd, "change-pin") == 0)
		st = token_change_pin(card, a, b, &tries, &e);
	else if (strcmp(cmd, "unblock") == 0)
		st = token_unblock_pin(card, a, b, &tries, &e);
	else
		st = token_change_puk(card, a, b, &tries, &e);
	explicit_bzero(a, sizeof a);
	explicit_bzero(b, sizeof b);
	if (st != ST_OK)
		return fail_tries(&e, tries);
	printf("%s ok\n", strcmp(cmd, "change-puk") == 0 || strcmp(cmd, "unblock") == 0 ? "puk" : "pin");
	return 0;
}

static int with_card(struct token_ctx *ctx, const struct opts *o)
{
	struct err e;
	err_clear(&e);
	char reader[TOKEN_READER_MAX];
	if (o->reader)
		snprintf(reader, sizeof reader, "%s", o->reader);
	else if (token_pick_reader(ctx, reader, &e) != ST_OK)
		return fail(&e);
	struct token_card *card;
	if (token_connect(ctx, reader, &card, &e) != ST_OK)
		return fail(&e);
	int rc;
	if (token_detect(card, &e) != ST_OK) {
		rc = fail(&e);
	} else if (strcmp(o->cmd, "info") == 0) {
		size_t n;
		const uint8_t *atr = token_card_atr(card, &n);
		char hex[2 * TOKEN_ATR_MAX + 1], id[TOKEN_ID_MAX];
		printf("reader %s\n", token_card_reader(card));
		printf("atr %s\n", apdu_hex(atr, n, hex));
		printf("driver %s\n", token_card_driver(card)->name);
		if (token_card_id(card, id, &e) == ST_OK)
			printf("id %s\n", id);
		else
			printf("id.error %s: %s\n", status_code(e.st), err_text(&e));
		rc = e.st == ST_OK || e.st == ST_NOT_FOUND ? 0 : 1;
	} else if (strcmp(o->cmd, "certs") == 0) {
		rc = cmd_certs(card, o);
	} else {
		rc = cmd_pin(card, o->cmd);
	}
	token_disconnect(card);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	memset(&o, 0, sizeof o);
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	static const char *const card_cmds[] = { "info", "certs", "pin-status", "verify",
						 "change-pin", "unblock", "change-puk" };
	bool card_cmd = false;
	for (size_t i = 0; i < sizeof card_cmds / sizeof card_cmds[0]; i++)
		card_cmd |= strcmp(o.cmd, card_cmds[i]) == 0;
	bool wait_cmd = strcmp(o.cmd, "wait-readers") == 0 || strcmp(o.cmd, "wait-card") == 0 ||
			strcmp(o.cmd, "wait-removal") == 0;
	if (!card_cmd && !wait_cmd && strcmp(o.cmd, "readers") != 0)
		return usage();

	setvbuf(stdout, NULL, _IOLBF, 0);
	struct token_ctx *ctx;
	struct err e;
	err_clear(&e);
	if (token_open(&ctx, &e) != ST_OK)
		return fail(&e);
	if (card_cmd)
		rc = with_card(ctx, &o);
	else if (wait_cmd)
		rc = cmd_wait(ctx, &o);
	else
		rc = cmd_readers(ctx);
	token_close(ctx);
	return rc;
}
