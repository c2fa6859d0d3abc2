/*
 * vpiv: a virtual PIV card for the tests. It connects to vsmartcard's vpcd
 * reader driver (inside a real pcscd) as the card, and answers its
 * messages: a 2-byte big-endian length, then the payload; a 1-byte payload
 * is a control code (0 power off, 1 power on, 2 reset, 4 send the ATR),
 * anything longer is a command APDU, answered with a response APDU.
 *
 * It holds certificates (DER files, stored as given, so a test can hand it
 * a corrupt or compressed one), a CHUID, a PIN and a PUK with their retry
 * counters, and it speaks enough of NIST SP 800-73-4 for certdesk and for
 * OpenSC's PIV driver: SELECT, GET DATA, GET RESPONSE (61xx chaining),
 * VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER.
 *
 *   vpiv --port PORT [--host 127.0.0.1]
 *        [--cert 9a|9c|9d|9e=FILE]... [--certinfo SLOT=HEXBYTE]...
 *        [--guid HEX32] [--fascn HEX50]
 *        [--pin 111111] [--puk 12345678] [--pin-tries 3] [--puk-tries 3]
 *        [--pin-left N] [--puk-left N]
 *                          tries left at the start (0: blocked), default all
 *        [--not-piv]       a card without the PIV application (SELECT: 6A82)
 *        [--exact-le]      answer 6Cxx when Le differs from a short answer (as T=0 cards do)
 *        [--stall INS:N --stall-file PATH]
 *                          on the Nth command with instruction INS (hex), create
 *                          PATH and stop answering (the test then kills the card)
 *        [--log PATH]      one line per command: header, lengths, status word (never data)
 *
 * It exits 0 when the reader closes the connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_OBJ 70000
#define MAX_MSG 0xFFFF

static const uint8_t atr[] = { 0x3B, 0x84, 0x01, 'v', 'P', 'I', 'V', 0xBC };
static const uint8_t piv_aid[] = { 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00 };

struct slot {
	uint8_t id;          /* 9A, 9C, 9D, 9E */
	uint32_t tag;        /* its data object */
	uint8_t *cert;       /* NULL: empty */
	size_t len;
	uint8_t info;        /* CertInfo */
};

static struct {
	struct slot slots[4];
	uint8_t guid[16];
	uint8_t fascn[25];
	char pin[9], puk[9];
	int pin_tries, puk_tries, pin_max, puk_max;
	bool not_piv, exact_le;
	/* state */
	bool selected, verified;
	uint8_t *pending;    /* answer waiting for GET RESPONSE */
	size_t pending_len, pending_off;
	/* test hooks */
	int stall_ins, stall_n, stall_seen;
	const char *stall_file;
	FILE *log;
} card = {
	.slots = { { 0x9A, 0x5FC105, NULL, 0, 0 }, { 0x9C, 0x5FC10A, NULL, 0, 0 },
		   { 0x9D, 0x5FC10B, NULL, 0, 0 }, { 0x9E, 0x5FC101, NULL, 0, 0 } },
	.pin = "111111", .puk = "12345678",
	.pin_max = 3, .puk_max = 3,
	.stall_ins = -1,
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "vpiv: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---- building answers ---- */

struct out {
	uint8_t b[MAX_OBJ];
	size_t n;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->n + n > sizeof o->b)
		die("object too large");
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put_byte(struct out *o, uint8_t b)
{
	put(o, &b, 1);
}

static void put_hdr(struct out *o, uint32_t tag, size_t len)
{
	if (tag > 0xFFFF)
		put_byte(o, (uint8_t)(tag >> 16));
	if (tag > 0xFF)
		put_byte(o, (uint8_t)(tag >> 8));
	put_byte(o, (uint8_t)tag);
	if (len < 0x80) {
		put_byte(o, (uint8_t)len);
	} else if (len < 0x100) {
		put_byte(o, 0x81);
		put_byte(o, (uint8_t)len);
	} else {
		put_byte(o, 0x82);
		put_byte(o, (uint8_t)(len >> 8));
		put_byte(o, (uint8_t)len);
	}
}

static void put_tlv(struct out *o, uint32_t tag, const void *p, size_t len)
{
	put_hdr(o, tag, len);
	put(o, p, len);
}

/* ---- the answer to one command ---- */

struct rapdu {
	uint8_t b[MAX_MSG];
	size_t n;
};

static void sw(struct rapdu *r, uint16_t s)
{
	r->b[r->n++] = (uint8_t)(s >> 8);
	r->b[r->n++] = (uint8_t)s;
}

/* Send the next piece of the pending answer, for a command asking `le`
 * bytes (0: no Le field). */
static void answer_pending(struct rapdu *r, size_t le)
{
	size_t rem = card.pending_len - card.pending_off;
	if (le == 0) {
		/* No Le: say how much is there, as a T=0 card does. */
		sw(r, rem ? (uint16_t)(0x6100 | (rem >= 256 ? 0 : rem)) : 0x9000);
		return;
	}
	if (card.exact_le && rem <= 256 && le != rem) {
		sw(r, (uint16_t)(0x6C00 | (rem & 0xFF)));
		return;
	}
	size_t chunk = rem < le ? rem : le;
	if (chunk > MAX_MSG - 2)
		chunk = MAX_MSG - 2;
	memcpy(r->b, card.pending + card.pending_off, chunk);
	r->n = chunk;
	card.pending_off += chunk;
	rem -= chunk;
	if (rem)
		sw(r, (uint16_t)(0x6100 | (rem >= 256 ? 0 : rem)));
	else
		sw(r, 0x9000);
}

static void answer(struct rapdu *r, const struct out *o, size_t le)
{
	free(card.pending);
	card.pending = malloc(o->n ? o->n : 1);
	if (!card.pending)
		die("out of memory");
	memcpy(card.pending, o->b, o->n);
	card.pending_len = o->n;
	card.pending_off = 0;
	answer_pending(r, le);
}

static void clear_pending(void)
{
	free(card.pending);
	card.pending = NULL;
	card.pending_len = card.pending_off = 0;
}

/* ---- commands ---- */

static void cmd_select(struct rapdu *r, uint8_t p1, const uint8_t *d, size_t lc, size_t le)
{
	if (p1 != 0x04) {
		sw(r, 0x6A86);
		return;
	}
	card.selected = false;
	if (card.not_piv || lc < 5 || lc > sizeof piv_aid || memcmp(d, piv_aid, lc) != 0) {
		sw(r, 0x6A82);
		return;
	}
	card.selected = true;
	/* Application property template: PIX, authority, label. */
	static const char label[] = "certdesk vPIV";
	struct out *o = calloc(1, sizeof *o), *in = calloc(1, sizeof *in);
	if (!o || !in)
		die("out of memory");
	put_tlv(in, 0x4F, piv_aid + 5, 6);
	uint8_t auth[7] = { 0x4F, 0x05 };
	memcpy(auth + 2, piv_aid, 5);
	put_tlv(in, 0x79, auth, sizeof auth);
	put_tlv(in, 0x50, label, sizeof label - 1);
	put_tlv(o, 0x61, in->b, in->n);
	answer(r, o, le);
	free(o);
	free(in);
}

static struct slot *slot_of_tag(uint32_t tag)
{
	for (int i = 0; i < 4; i++)
		if (card.slots[i].tag == tag)
			return &card.slots[i];
	return NULL;
}

static void cmd_get_data(struct rapdu *r, uint8_t p1, uint8_t p2, const uint8_t *d, size_t lc,
			 size_t le)
{
	if (p1 != 0x3F || p2 != 0xFF) {
		sw(r, 0x6A86);
		return;
	}
	if (lc < 3 || d[0] != 0x5C || d[1] != lc - 2 || lc - 2 > 3) {
		sw(r, 0x6A80);
		return;
	}
	uint32_t tag = 0;
	for (size_t i = 2; i < lc; i++)
		tag = tag << 8 | d[i];

	struct out *o = calloc(1, sizeof *o), *in = calloc(1, sizeof *in);
	if (!o || !in)
		die("out of memory");
	struct slot *s = slot_of_tag(tag);
	if (tag == 0x7E) {
		/* Discovery object: the AID, and the PIV PIN as the only PIN. */
		static const uint8_t policy[] = { 0x40, 0x00 };
		put_tlv(in, 0x4F, piv_aid, sizeof piv_aid);
		put_tlv(in, 0x5F2F, policy, sizeof policy);
		put_tlv(o, 0x7E, in->b, in->n);
		answer(r, o, le);
	} else if (tag == 0x5FC102) {
		static const char expiry[] = "20301231";
		put_tlv(in, 0x30, card.fascn, sizeof card.fascn);
		put_tlv(in, 0x34, card.guid, sizeof card.guid);
		put_tlv(in, 0x35, expiry, 8);
		put_tlv(in, 0x3E, "", 0);
		put_tlv(in, 0xFE, "", 0);
		put_tlv(o, 0x53, in->b, in->n);
		answer(r, o, le);
	} else if (s && s->cert) {
		put_tlv(in, 0x70, s->cert, s->len);
		put_tlv(in, 0x71, &s->info, 1);
		put_tlv(in, 0xFE, "", 0);
		put_tlv(o, 0x53, in->b, in->n);
		answer(r, o, le);
	} else {
		sw(r, 0x6A82);
	}
	free(o);
	free(in);
}

/* A reference as sent: 6..8 characters padded with FF to 8 bytes. */
static bool unpad(const uint8_t *d, char out[9], bool digits)
{
	size_t n = 0;
	while (n < 8 && d[n] != 0xFF)
		n++;
	for (size_t i = n; i < 8; i++)
		if (d[i] != 0xFF)
			return false;
	if (n < 6)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (digits ? (d[i] < '0' || d[i] > '9') : (d[i] < 0x21 || d[i] > 0x7E))
			return false;
		out[i] = (char)d[i];
	}
	out[n] = '\0';
	return true;
}

static uint16_t tries_sw(int tries)
{
	return (uint16_t)(0x63C0 | (tries & 0x0F));
}

/* Check `given` against a reference with its counter; 0 when it matches. */
static uint16_t check_ref(const uint8_t *given, const char *ref, int *tries, int max)
{
	if (*tries == 0)
		return 0x6983;
	char g[9];
	if (!unpad(given, g, false) || strcmp(g, ref) != 0) {
		(*tries)--;
		return tries_sw(*tries);
	}
	*tries = max;
	return 0;
}

static void cmd_verify(struct rapdu *r, uint8_t p1, uint8_t p2, const uint8_t *d, size_t lc)
{
	if (p2 != 0x80) {
		sw(r, 0x6A81);
		return;
	}
	if (p1 == 0xFF) {
		card.verified = false;
		sw(r, 0x9000);
		return;
	}
	if (card.pin_tries == 0) {
		sw(r, 0x6983);
		return;
	}
	if (lc == 0) {
		sw(r, card.verified ? 0x9000 : tries_sw(card.pin_tries));
		return;
	}
	if (lc != 8) {
		sw(r, 0x6A80);
		return;
	}
	uint16_t s = check_ref(d, card.pin, &card.pin_tries, card.pin_max);
	card.verified = s == 0;
	sw(r, s ? s : 0x9000);
}

static void cmd_change_ref(struct rapdu *r, uint8_t p2, const uint8_t *d, size_t lc)
{
	bool is_pin = p2 == 0x80;
	if (p2 != 0x80 && p2 != 0x81) {
		sw(r, 0x6A81);
		return;
	}
	if (lc != 16) {
		sw(r, 0x6A80);
		return;
	}
	char fresh[9];
	if (!unpad(d + 8, fresh, is_pin)) {
		sw(r, 0x6A80);
		return;
	}
	uint16_t s = is_pin ? check_ref(d, card.pin, &card.pin_tries, card.pin_max)
			    : check_ref(d, card.puk, &card.puk_tries, card.puk_max);
	if (s) {
		if (is_pin)
			card.verified = false;
		sw(r, s);
		return;
	}
	strcpy(is_pin ? card.pin : card.puk, fresh);
	sw(r, 0x9000);
}

static void cmd_reset_retry(struct rapdu *r, uint8_t p2, const uint8_t *d, size_t lc)
{
	if (p2 != 0x80) {
		sw(r, 0x6A81);
		return;
	}
	if (lc != 16) {
		sw(r, 0x6A80);
		return;
	}
	char fresh[9];
	if (!unpad(d + 8, fresh, true)) {
		sw(r, 0x6A80);
		return;
	}
	uint16_t s = check_ref(d, card.puk, &card.puk_tries, card.puk_max);
	if (s) {
		sw(r, s);
		return;
	}
	strcpy(card.pin, fresh);
	card.pin_tries = card.pin_max;
	card.verified = false;
	sw(r, 0x9000);
}

static void stall(void)
{
	FILE *f = fopen(card.stall_file, "w");
	if (f) {
		fputs("stalled\n", f);
		fclose(f);
	}
	for (;;)
		pause();
}

/* Parse a command APDU (short or extended) and answer it. */
static void apdu(const uint8_t *a, size_t n, struct rapdu *r)
{
	r->n = 0;
	size_t lc = 0, le = 0;
	const uint8_t *d = NULL;
	bool ok = true;
	if (n == 4) {
		/* case 1 */
	} else if (n == 5) {
		le = a[4] ? a[4] : 256;
	} else if (a[4] != 0) {
		lc = a[4];
		d = a + 5;
		if (n == 6 + lc)
			le = a[5 + lc] ? a[5 + lc] : 256;
		else if (n != 5 + lc)
			ok = false;
	} else if (n == 7) {
		le = (size_t)(a[5] << 8 | a[6]);
		le = le ? le : 65536;
	} else if (n >= 7) {
		lc = (size_t)(a[5] << 8 | a[6]);
		d = a + 7;
		if (n == 9 + lc) {
			le = (size_t)(a[7 + lc] << 8 | a[8 + lc]);
			le = le ? le : 65536;
		} else if (n != 7 + lc) {
			ok = false;
		}
	} else {
		ok = false;
	}
	uint8_t cla = a[0], ins = a[1], p1 = a[2], p2 = a[3];

	if (card.stall_ins == ins && ++card.stall_seen == card.stall_n)
		stall();
	/* Any command but GET RESPONSE drops what was left to fetch. */
	if (ins != 0xC0)
		clear_pending();

	if (!ok)
		sw(r, 0x6700);
	else if (cla != 0x00)
		sw(r, 0x6E00);
	else if (ins == 0xC0 && card.pending && card.pending_off < card.pending_len)
		answer_pending(r, le ? le : 256);
	else if (ins == 0xA4)
		cmd_select(r, p1, d, lc, le);
	else if (!card.selected)
		sw(r, ins == 0xC0 ? 0x6985 : 0x6D00);
	else if (ins == 0xCB)
		cmd_get_data(r, p1, p2, d, lc, le);
	else if (ins == 0x20)
		cmd_verify(r, p1, p2, d, lc);
	else if (ins == 0x24)
		cmd_change_ref(r, p2, d, lc);
	else if (ins == 0x2C)
		cmd_reset_retry(r, p2, d, lc);
	else if (ins == 0xC0)
		sw(r, 0x6985);
	else
		sw(r, 0x6D00);

	if (card.log) {
		fprintf(card.log, "apdu %02X %02X %02X %02X lc=%zu le=%zu sw=%02X%02X\n", cla, ins, p1,
			p2, lc, le, r->b[r->n - 2], r->b[r->n - 1]);
		fflush(card.log);
	}
}

/* ---- the link to vpcd ---- */

/*
 * vpcd writes the length and the payload of a message with two send()s.
 * Under Nagle's algorithm its second write waits for our ACK of the first,
 * which delayed ACK holds back for up to 40 ms: acknowledge at once.
 * (TCP_QUICKACK does not stick, so it is set before every read.)
 */
static void quickack(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

static bool read_all(int fd, void *p, size_t n)
{
	uint8_t *b = p;
	while (n) {
		quickack(fd);
		ssize_t k = recv(fd, b, n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		b += k;
		n -= (size_t)k;
	}
	return true;
}

/* One write for length and payload, so that Nagle never splits them. */
static bool send_msg(int fd, const uint8_t *p, size_t n)
{
	static uint8_t b[2 + MAX_MSG];
	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	memcpy(b + 2, p, n);
	size_t off = 0;
	while (off < n + 2) {
		ssize_t k = send(fd, b + off, n + 2 - off, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		off += (size_t)k;
	}
	return true;
}

static void power_cycle(void)
{
	card.selected = false;
	card.verified = false;
	clear_pending();
}

static int connect_to(const char *host, int port)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("bad host %s", host);
	/* The reader exists before the card is started (the test waits for it
	 * through PC/SC), but give its socket a moment. */
	for (int i = 0; i < 100; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			return fd;
		}
		close(fd);
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	die("cannot connect to the reader on %s:%d", host, port);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open %s", path);
	uint8_t *b = malloc(MAX_OBJ);
	if (!b)
		die("out of memory");
	*len = fread(b, 1, MAX_OBJ - 64, f);
	fclose(f);
	return b;
}

static struct slot *slot_arg(const char *s, const char **rest)
{
	static const char *const ids[] = { "9a", "9c", "9d", "9e" };
	for (int i = 0; i < 4; i++)
		if (s[0] == '9' && s[1] && (s[1] | 0x20) == ids[i][1] && s[2] == '=') {
			*rest = s + 3;
			return &card.slots[i];
		}
	die("bad slot in %s (want 9a=, 9c=, 9d= or 9e=)", s);
}

static void hex_arg(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		die("bad hex length: %s", s);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			die("bad hex: %s", s);
		out[i] = (uint8_t)v;
	}
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1";
	int port = 0, pin_left = -1, puk_left = -1;
	/* Default identifiers: a fixed GUID and a FASC-N of zeros' encoding. */
	hex_arg("C3D1E5A0000000000000000000000001", card.guid, 16);
	memset(card.fascn, 0, sizeof card.fascn);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char *rest;
		if (strcmp(a, "--not-piv") == 0) {
			card.not_piv = true;
			continue;
		}
		if (strcmp(a, "--exact-le") == 0) {
			card.exact_le = true;
			continue;
		}
		if (!v)
			die("missing value after %s", a);
		i++;
		if (strcmp(a, "--port") == 0) {
			port = atoi(v);
		} else if (strcmp(a, "--host") == 0) {
			host = v;
		} else if (strcmp(a, "--cert") == 0) {
			struct slot *s = slot_arg(v, &rest);
			free(s->cert);
			s->cert = read_file(rest, &s->len);
		} else if (strcmp(a, "--certinfo") == 0) {
			struct slot *s = slot_arg(v, &rest);
			hex_arg(rest, &s->info, 1);
		} else if (strcmp(a, "--guid") == 0) {
			hex_arg(v, card.guid, 16);
		} else if (strcmp(a, "--fascn") == 0) {
			hex_arg(v, card.fascn, 25);
		} else if (strcmp(a, "--pin") == 0 || strcmp(a, "--puk") == 0) {
			size_t n = strlen(v);
			if (n < 6 || n > 8)
				die("PIN and PUK are 6 to 8 characters: %s", a);
			strcpy(a[3] == 'i' ? card.pin : card.puk, v);
		} else if (strcmp(a, "--pin-tries") == 0) {
			card.pin_max = atoi(v);
		} else if (strcmp(a, "--puk-tries") == 0) {
			card.puk_max = atoi(v);
		} else if (strcmp(a, "--pin-left") == 0) {
			pin_left = atoi(v);
		} else if (strcmp(a, "--puk-left") == 0) {
			puk_left = atoi(v);
		} else if (strcmp(a, "--stall") == 0) {
			unsigned ins;
			if (sscanf(v, "%x:%d", &ins, &card.stall_n) != 2 || card.stall_n < 1)
				die("bad --stall %s (want INS:N, e.g. c0:2)", v);
			card.stall_ins = (int)ins;
		} else if (strcmp(a, "--stall-file") == 0) {
			card.stall_file = v;
		} else if (strcmp(a, "--log") == 0) {
			card.log = fopen(v, "a");
			if (!card.log)
				die("cannot open %s", v);
		} else {
			die("unknown option %s", a);
		}
	}
	if (port <= 0 || port > 65535)
		die("--port PORT is required");
	if (card.stall_ins >= 0 && !card.stall_file)
		die("--stall needs --stall-file");
	if (card.pin_max < 1 || card.pin_max > 15 || card.puk_max < 1 || card.puk_max > 15)
		die("tries must be 1 to 15");
	if (pin_left > card.pin_max || puk_left > card.puk_max)
		die("tries left cannot exceed the tries");
	card.pin_tries = pin_left >= 0 ? pin_left : card.pin_max;
	card.puk_tries = puk_left >= 0 ? puk_left : card.puk_max;
	signal(SIGPIPE, SIG_IGN);

	int fd = connect_to(host, port);
	static uint8_t msg[MAX_MSG];
	static struct rapdu r;
	for (;;) {
		uint8_t hdr[2];
		if (!read_all(fd, hdr, 2))
			break;
		size_t n = (size_t)(hdr[0] << 8 | hdr[1]);
		if (n == 0 || !read_all(fd, msg, n))
			break;
		if (n == 1) {
			switch (msg[0]) {
			case 0: /* power off */
			case 2: /* reset */
				power_cycle();
				break;
			case 1: /* power on */
				break;
			case 4:
				if (!send_msg(fd, atr, sizeof atr))
					goto out;
				break;
			default:
				break;
			}
			continue;
		}
		if (n < 4) {
			uint8_t bad[2] = { 0x67, 0x00 };
			if (!send_msg(fd, bad, 2))
				break;
			continue;
		}
		apdu(msg, n, &r);
		if (!send_msg(fd, r.b, r.n))
			break;
	}
out:
	close(fd);
	for (int i = 0; i < 4; i++)
		free(card.slots[i].cert);
	clear_pending();
	if (card.log)
		fclose(card.log);
	return 0;
}
