/*
 * Readers and cards through PC/SC-Lite. The only file that includes
 * winscard.h; the drivers that speak to the card's application are
 * chosen in token.c.
 */
#include "adapt/token.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winscard.h>

#include "util/clock.h"
#include "util/log.h"

struct token_ctx {
	SCARDCONTEXT h;
	atomic_bool cancel;    /* set by token_cancel, consumed by one wait */
};

struct token_card {
	struct token_ctx *ctx;
	SCARDHANDLE h;
	DWORD proto;
	char reader[TOKEN_READER_MAX];
	uint8_t atr[TOKEN_ATR_MAX];
	size_t atr_len;
	const struct token_driver *driver;
	bool in_tx;
	bool gone;             /* the card was pulled out: fail fast from now on */
};

/* The pseudo-reader whose state changes when readers come and go. */
static const char pnp_reader[] = "\\\\?PnP?\\Notification";

/* ---- errors ---- */

static enum status pcsc_fail(LONG rv, const char *reader, struct err *e)
{
	log_warn("pcsc: %s (0x%08lX)", pcsc_stringify_error(rv), (unsigned long)rv);
	switch (rv) {
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		return err_set(e, ST_DEVICE, "智能卡服务（pcscd）未运行或已停止，无法读取 KEY。"
			       "请启动 pcscd 服务后重试。");
	case SCARD_E_NO_READERS_AVAILABLE:
		return err_set(e, ST_NOT_FOUND, "未检测到读卡器或 USB KEY，请插入后重试。");
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
		return err_set(e, ST_NOT_FOUND, "读卡器“%s”不存在或已被拔出。", reader ? reader : "");
	case SCARD_E_NO_SMARTCARD:
		return err_set(e, ST_DEVICE, "读卡器中没有 KEY，请插入 KEY 后重试。");
	case SCARD_W_REMOVED_CARD:
		return err_set(e, ST_DEVICE, "KEY 已被拔出，请重新插入后重试。");
	case SCARD_W_UNRESPONSIVE_CARD:
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_W_UNSUPPORTED_CARD:
		return err_set(e, ST_DEVICE, "KEY 无响应，请拔出后重新插入。");
	case SCARD_E_SHARING_VIOLATION:
		return err_set(e, ST_DEVICE, "KEY 正被其他程序使用，请关闭其他程序后重试。");
	case SCARD_W_RESET_CARD:
		return err_set(e, ST_DEVICE, "KEY 已被其他程序复位，请重试。");
	case SCARD_E_TIMEOUT:
		return err_set(e, ST_TIMEOUT, "等待 KEY 超时。");
	case SCARD_E_CANCELLED:
		return err_set(e, ST_CANCELLED, "已取消等待 KEY。");
	case SCARD_E_NO_MEMORY:
		return err_status(e, ST_NOMEM);
	case SCARD_E_NOT_TRANSACTED:
	case SCARD_E_COMM_DATA_LOST:
	case SCARD_F_COMM_ERROR:
	case SCARD_E_PROTO_MISMATCH:
		return err_set(e, ST_DEVICE, "与 KEY 通信失败，请拔出后重新插入 KEY 再试。");
	default:
		return err_set(e, ST_DEVICE, "智能卡服务出错：%s（0x%08lX）。",
			       pcsc_stringify_error(rv), (unsigned long)rv);
	}
}

/*
 * A failure of a call on the context (readers, waiting): no card is
 * involved, so a broken link is the service's.
 */
static enum status ctx_fail(LONG rv, struct err *e)
{
	switch (rv) {
	case SCARD_F_COMM_ERROR:
	case SCARD_E_NOT_TRANSACTED:
	case SCARD_E_INVALID_HANDLE:
		return pcsc_fail(SCARD_E_SERVICE_STOPPED, NULL, e);
	default:
		return pcsc_fail(rv, NULL, e);
	}
}

/* ---- context ---- */

enum status token_open(struct token_ctx **out, struct err *e)
{
	*out = NULL;
	struct token_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return err_status(e, ST_NOMEM);
	atomic_init(&ctx->cancel, false);
	LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx->h);
	if (rv != SCARD_S_SUCCESS) {
		free(ctx);
		return pcsc_fail(rv, NULL, e);
	}
	*out = ctx;
	return ST_OK;
}

void token_close(struct token_ctx *ctx)
{
	if (!ctx)
		return;
	SCardReleaseContext(ctx->h);
	free(ctx);
}

void token_cancel(struct token_ctx *ctx)
{
	atomic_store(&ctx->cancel, true);
	SCardCancel(ctx->h);
}

/* ---- readers ---- */

const char *token_state_code(enum token_reader_state s)
{
	static const char *const codes[] = { "empty", "card", "mute", "in_use", "unknown" };
	return (unsigned)s < sizeof codes / sizeof codes[0] ? codes[s] : "unknown";
}

const char *token_state_label(enum token_reader_state s)
{
	static const char *const labels[] = { "未插入 KEY", "已插入 KEY", "KEY 无响应",
					      "KEY 被其他程序占用", "状态未知" };
	return (unsigned)s < sizeof labels / sizeof labels[0] ? labels[s] : labels[TOKEN_UNKNOWN];
}

static enum token_reader_state state_of(DWORD ev)
{
	if (ev & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE))
		return TOKEN_UNKNOWN;
	if (ev & SCARD_STATE_PRESENT) {
		if (ev & SCARD_STATE_MUTE)
			return TOKEN_MUTE;
		if (ev & SCARD_STATE_EXCLUSIVE)
			return TOKEN_IN_USE;
		return TOKEN_PRESENT;
	}
	if (ev & SCARD_STATE_EMPTY)
		return TOKEN_EMPTY;
	return TOKEN_UNKNOWN;
}

/* The reader names as a multi-string (caller frees); *n counts them.
 * No reader: ST_OK, NULL, 0. */
static enum status reader_names(struct token_ctx *ctx, char **names, size_t *n, struct err *e)
{
	*names = NULL;
	*n = 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		DWORD len = 0;
		LONG rv = SCardListReaders(ctx->h, NULL, NULL, &len);
		if (rv == SCARD_E_NO_READERS_AVAILABLE)
			return ST_OK;
		if (rv != SCARD_S_SUCCESS)
			return ctx_fail(rv, e);
		char *buf = malloc(len + 1);
		if (!buf)
			return err_status(e, ST_NOMEM);
		rv = SCardListReaders(ctx->h, NULL, buf, &len);
		if (rv == SCARD_E_INSUFFICIENT_BUFFER) {   /* a reader came meanwhile */
			free(buf);
			continue;
		}
		if (rv == SCARD_E_NO_READERS_AVAILABLE) {  /* the last one went meanwhile */
			free(buf);
			return ST_OK;
		}
		if (rv != SCARD_S_SUCCESS) {
			free(buf);
			return ctx_fail(rv, e);
		}
		buf[len] = '\0';
		for (const char *p = buf; *p; p += strlen(p) + 1)
			(*n)++;
		*names = buf;
		return ST_OK;
	}
	return err_set(e, ST_DEVICE, "读卡器列表不断变化，请稍后重试。");
}

/* Reader states for every name (from the multi-string) plus the PnP
 * pseudo-reader last; caller frees. */
static SCARD_READERSTATE *states_new(const char *names, size_t n)
{
	SCARD_READERSTATE *rs = calloc(n + 1, sizeof *rs);
	if (!rs)
		return NULL;
	const char *p = names;
	for (size_t i = 0; i < n; i++, p += strlen(p) + 1) {
		rs[i].szReader = p;
		rs[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	rs[n].szReader = pnp_reader;
	/* pcsc-lite reports a change of the PnP reader when the count of
	 * readers differs from the one in the upper 16 bits. */
	rs[n].dwCurrentState = (DWORD)n << 16;
	return rs;
}

enum status token_list_readers(struct token_ctx *ctx, struct token_reader_list *out, struct err *e)
{
	out->items = NULL;
	out->n = 0;
	char *names;
	size_t n;
	enum status st = reader_names(ctx, &names, &n, e);
	if (st != ST_OK || n == 0)
		return st;
	SCARD_READERSTATE *rs = states_new(names, n);
	struct token_reader *items = calloc(n, sizeof *items);
	if (!rs || !items) {
		st = err_status(e, ST_NOMEM);
		goto done;
	}
	/* Every reader UNAWARE: the call returns at once with the states. */
	LONG rv = SCardGetStatusChange(ctx->h, 0, rs, (DWORD)n);
	if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
		st = ctx_fail(rv, e);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(items[i].name, sizeof items[i].name, "%s", rs[i].szReader);
		items[i].state = rv == SCARD_S_SUCCESS ? state_of(rs[i].dwEventState) : TOKEN_UNKNOWN;
		if (items[i].state != TOKEN_EMPTY && rs[i].cbAtr <= TOKEN_ATR_MAX) {
			memcpy(items[i].atr, rs[i].rgbAtr, rs[i].cbAtr);
			items[i].atr_len = rs[i].cbAtr;
		}
	}
	out->items = items;
	out->n = n;
	items = NULL;
done:
	free(items);
	free(rs);
	free(names);
	return st;
}

void token_reader_list_done(struct token_reader_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

enum status token_pick_reader(struct token_ctx *ctx, char out[TOKEN_READER_MAX], struct err *e)
{
	out[0] = '\0';
	struct token_reader_list l;
	enum status st = token_list_readers(ctx, &l, e);
	if (st != ST_OK)
		return st;
	size_t cards = 0;
	for (size_t i = 0; i < l.n; i++)
		if (l.items[i].state != TOKEN_EMPTY && l.items[i].state != TOKEN_UNKNOWN) {
			if (cards++ == 0)
				snprintf(out, TOKEN_READER_MAX, "%s", l.items[i].name);
		}
	if (l.n == 0)
		st = err_set(e, ST_NOT_FOUND, "未检测到读卡器或 USB KEY，请插入后重试。");
	else if (cards == 0)
		st = err_set(e, ST_NOT_FOUND, "读卡器中没有 KEY，请插入 KEY 后重试。");
	else if (cards > 1)
		st = err_field(e, "reader", ST_INVALID, "有 %zu 个读卡器插有 KEY，请选择要读取的一个。", cards);
	if (st != ST_OK)
		out[0] = '\0';
	token_reader_list_done(&l);
	return st;
}

/* ---- waiting ---- */

enum wait_kind { WAIT_READERS, WAIT_CARD, WAIT_REMOVAL };

struct wait_goal {
	enum wait_kind kind;
	size_t min;            /* WAIT_READERS */
	const char *reader;    /* WAIT_CARD (NULL: any), WAIT_REMOVAL */
	char *found;           /* WAIT_CARD: may be NULL */
};

/* Does the snapshot rs[0..n) satisfy the goal? */
static bool goal_met(const struct wait_goal *g, const SCARD_READERSTATE *rs, size_t n)
{
	switch (g->kind) {
	case WAIT_READERS:
		return n >= g->min;
	case WAIT_CARD:
		for (size_t i = 0; i < n; i++) {
			if (g->reader && strcmp(g->reader, rs[i].szReader) != 0)
				continue;
			enum token_reader_state s = state_of(rs[i].dwEventState);
			if (s == TOKEN_PRESENT || s == TOKEN_IN_USE) {
				if (g->found)
					snprintf(g->found, TOKEN_READER_MAX, "%s", rs[i].szReader);
				return true;
			}
		}
		return false;
	case WAIT_REMOVAL:
		for (size_t i = 0; i < n; i++)
			if (strcmp(g->reader, rs[i].szReader) == 0)
				return state_of(rs[i].dwEventState) == TOKEN_EMPTY ||
				       state_of(rs[i].dwEventState) == TOKEN_UNKNOWN;
		return true;   /* the reader itself is gone */
	}
	return false;
}

static bool take_cancel(struct token_ctx *ctx)
{
	return atomic_exchange(&ctx->cancel, false);
}

/* Longest single blocking call: a cancel that races with the start of a
 * call is still seen within this time. */
#define WAIT_SLICE_MS 500

static enum status wait_for(struct token_ctx *ctx, const struct wait_goal *g, int timeout_ms,
			    struct err *e)
{
	double end = timeout_ms < 0 ? -1 : clock_ms() + timeout_ms;
	int churn = 0;   /* readers that vanished between listing and asking */
	for (;;) {
		if (take_cancel(ctx))
			return err_set(e, ST_CANCELLED, "已取消等待 KEY。");
		char *names;
		size_t n;
		enum status st = reader_names(ctx, &names, &n, e);
		if (st != ST_OK)
			return st;
		SCARD_READERSTATE *rs = states_new(names ? names : "", n);
		if (!rs) {
			free(names);
			return err_status(e, ST_NOMEM);
		}
		/* Snapshot: the readers are UNAWARE, so this returns at once. */
		LONG rv = n ? SCardGetStatusChange(ctx->h, 0, rs, (DWORD)n) : SCARD_S_SUCCESS;
		bool done = false;
		if ((rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE) && ++churn < 10) {
			free(rs);
			free(names);
			continue;
		}
		if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
			st = ctx_fail(rv, e);
			done = true;
		} else if (goal_met(g, rs, n)) {
			done = true;
		}
		for (size_t i = 0; i < n; i++)
			rs[i].dwCurrentState = rs[i].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
		/* Then block until something changes, in slices. */
		while (!done) {
			double left = end < 0 ? WAIT_SLICE_MS : end - clock_ms();
			if (left <= 0) {
				st = err_set(e, ST_TIMEOUT, g->kind == WAIT_READERS
							    ? "等待读卡器超时：未检测到读卡器或 USB KEY。"
							    : g->kind == WAIT_CARD
							    ? "等待 KEY 超时：未检测到插入的 KEY。"
							    : "等待拔出 KEY 超时。");
				break;
			}
			DWORD slice = left > WAIT_SLICE_MS ? WAIT_SLICE_MS : (DWORD)left + 1;
			rv = SCardGetStatusChange(ctx->h, slice, rs, (DWORD)n + 1);
			if (take_cancel(ctx) || rv == SCARD_E_CANCELLED) {
				st = err_set(e, ST_CANCELLED, "已取消等待 KEY。");
				break;
			}
			if (rv == SCARD_E_TIMEOUT)
				continue;
			if (rv == SCARD_S_SUCCESS || rv == SCARD_E_UNKNOWN_READER ||
			    rv == SCARD_E_READER_UNAVAILABLE)
				break;   /* something changed: look again from the top */
			st = ctx_fail(rv, e);
			break;
		}
		free(rs);
		free(names);
		if (done || st != ST_OK)
			return st;
	}
}

enum status token_wait_readers(struct token_ctx *ctx, size_t min, int timeout_ms, struct err *e)
{
	struct wait_goal g = { .kind = WAIT_READERS, .min = min };
	return wait_for(ctx, &g, timeout_ms, e);
}

enum status token_wait_card(struct token_ctx *ctx, const char *reader, int timeout_ms,
			    char found[TOKEN_READER_MAX], struct err *e)
{
	struct wait_goal g = { .kind = WAIT_CARD, .reader = reader, .found = found };
	if (found)
		found[0] = '\0';
	return wait_for(ctx, &g, timeout_ms, e);
}

enum status token_wait_removal(struct token_ctx *ctx, const char *reader, int timeout_ms,
			       struct err *e)
{
	if (!reader || !*reader)
		return err_set(e, ST_INVALID, "未指定读卡器。");
	struct wait_goal g = { .kind = WAIT_REMOVAL, .reader = reader };
	return wait_for(ctx, &g, timeout_ms, e);
}

/* ---- cards ---- */

enum status token_connect(struct token_ctx *ctx, const char *reader, struct token_card **out,
			  struct err *e)
{
	*out = NULL;
	if (!reader || !*reader || strlen(reader) >= TOKEN_READER_MAX)
		return err_set(e, ST_INVALID, "读卡器名称无效。");
	struct token_card *c = calloc(1, sizeof *c);
	if (!c)
		return err_status(e, ST_NOMEM);
	c->ctx = ctx;
	snprintf(c->reader, sizeof c->reader, "%s", reader);
	LONG rv = SCardConnect(ctx->h, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
			       &c->h, &c->proto);
	if (rv != SCARD_S_SUCCESS) {
		free(c);
		return pcsc_fail(rv, reader, e);
	}
	char rname[TOKEN_READER_MAX];
	DWORD rlen = sizeof rname, state = 0, proto = 0, alen = sizeof c->atr;
	rv = SCardStatus(c->h, rname, &rlen, &state, &proto, c->atr, &alen);
	if (rv == SCARD_S_SUCCESS)
		c->atr_len = alen;
	*out = c;
	return ST_OK;
}

void token_disconnect(struct token_card *card)
{
	if (!card)
		return;
	if (card->in_tx)
		SCardEndTransaction(card->h, SCARD_LEAVE_CARD);
	SCardDisconnect(card->h, card->gone ? SCARD_LEAVE_CARD : SCARD_RESET_CARD);
	free(card);
}

const char *token_card_reader(const struct token_card *card)
{
	return card->reader;
}

const uint8_t *token_card_atr(const struct token_card *card, size_t *len)
{
	*len = card->atr_len;
	return card->atr;
}

/*
 * After a failed exchange: has the card left the reader? pcscd notices a
 * removal at its next poll of the reader, so watch the reader for a short
 * while before deciding.
 */
#define REMOVAL_GRACE_MS 1500

static bool card_gone(struct token_card *c)
{
	SCARD_READERSTATE rs;
	memset(&rs, 0, sizeof rs);
	rs.szReader = c->reader;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	double end = clock_ms() + REMOVAL_GRACE_MS;
	DWORD wait = 0;
	for (;;) {
		LONG rv = SCardGetStatusChange(c->ctx->h, wait, &rs, 1);
		if (rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE)
			return true;
		if (rv == SCARD_S_SUCCESS) {
			enum token_reader_state s = state_of(rs.dwEventState);
			if (s == TOKEN_EMPTY || s == TOKEN_UNKNOWN)
				return true;
			rs.dwCurrentState = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
		} else if (rv != SCARD_E_TIMEOUT) {
			return false;
		}
		double left = end - clock_ms();
		if (left <= 0)
			return false;
		wait = (DWORD)left + 1;
	}
}

static enum status card_fail(struct token_card *c, LONG rv, struct err *e)
{
	switch (rv) {
	case SCARD_W_REMOVED_CARD:
	case SCARD_E_NO_SMARTCARD:
		c->gone = true;
		break;
	case SCARD_E_NOT_TRANSACTED:
	case SCARD_E_COMM_DATA_LOST:
	case SCARD_F_COMM_ERROR:
	case SCARD_W_UNRESPONSIVE_CARD:
	case SCARD_W_UNPOWERED_CARD:
		c->gone = card_gone(c);
		break;
	default:
		break;
	}
	if (c->gone) {
		log_warn("pcsc: card removed during an exchange (0x%08lX)", (unsigned long)rv);
		return err_set(e, ST_DEVICE, "KEY 已被拔出，操作未完成。请重新插入 KEY 后重试。");
	}
	return pcsc_fail(rv, c->reader, e);
}

enum status token_transmit(struct token_card *card, const uint8_t *apdu, size_t n, uint8_t *resp,
			   size_t *resp_len, struct err *e)
{
	if (card->gone)
		return err_set(e, ST_DEVICE, "KEY 已被拔出，请重新插入后重试。");
	const SCARD_IO_REQUEST *pci = card->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0
				    : card->proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1
				    : SCARD_PCI_RAW;
	DWORD rl = (DWORD)*resp_len;
	LONG rv = SCardTransmit(card->h, pci, apdu, (DWORD)n, NULL, resp, &rl);
	if (rv != SCARD_S_SUCCESS) {
		*resp_len = 0;
		return card_fail(card, rv, e);
	}
	*resp_len = rl;
	return ST_OK;
}

/* Bounds the GET RESPONSE rounds of one command (64 KB in 256-byte pieces). */
#define MAX_CHUNKS 300

enum status token_command(struct token_card *card, const struct apdu *cmd, struct buf *data,
			  uint16_t *sw, struct err *e)
{
	uint8_t tx[APDU_SHORT_MAX];
	uint8_t rx[APDU_SHORT_MAX];
	struct apdu a = *cmd;
	int wrong_le = 0, chunks = 0;
	enum status st = ST_OK;
	*sw = 0;
	for (;;) {
		size_t n = apdu_encode(&a, tx, sizeof tx);
		if (n == 0) {
			st = err_set(e, ST_INTERNAL, "程序内部错误：APDU 无法编码。");
			break;
		}
		size_t rl = sizeof rx;
		st = token_transmit(card, tx, n, rx, &rl, e);
		if (st != ST_OK)
			break;
		if (rl < 2) {
			/* vpcd, for one, reports a card that vanished mid-exchange
			 * as an empty answer. */
			st = card_fail(card, SCARD_E_NOT_TRANSACTED, e);
			if (!card->gone)
				st = err_set(e, ST_DEVICE, "KEY 返回的数据不完整，请重新插入 KEY 后重试。");
			break;
		}
		uint16_t s = apdu_sw(rx, rl);
		enum sw_kind k = apdu_sw_kind(s);
		if (k == SW_WRONG_LE) {
			/* The data of this answer is void; ask again with the exact Le. */
			if (++wrong_le > 2) {
				st = err_set(e, ST_DEVICE, "KEY 反复要求改变读取长度（%04X），无法读取。", s);
				break;
			}
			a.le = apdu_sw_count(s);
			continue;
		}
		if (data && rl > 2 && !buf_add(data, rx, rl - 2)) {
			st = err_set(e, ST_DEVICE, "KEY 返回的数据过长，无法读取。");
			break;
		}
		if (k == SW_MORE) {
			if (++chunks > MAX_CHUNKS) {
				st = err_set(e, ST_DEVICE, "KEY 返回的数据过长，无法读取。");
				break;
			}
			/* GET RESPONSE on the same logical channel. */
			a = (struct apdu){ .cla = (uint8_t)(cmd->cla & 0x03), .ins = 0xC0,
					   .le = apdu_sw_count(s) };
			wrong_le = 0;
			continue;
		}
		*sw = s;
		break;
	}
	/* The command may have carried a PIN. */
	explicit_bzero(tx, sizeof tx);
	return st;
}

enum status token_begin(struct token_card *card, struct err *e)
{
	if (card->gone)
		return err_set(e, ST_DEVICE, "KEY 已被拔出，请重新插入后重试。");
	LONG rv = SCardBeginTransaction(card->h);
	if (rv == SCARD_W_RESET_CARD) {
		/* Another program reset the card: take it up again. */
		rv = SCardReconnect(card->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
				    SCARD_LEAVE_CARD, &card->proto);
		if (rv == SCARD_S_SUCCESS) {
			/* The application is no longer selected, a verified PIN
			 * no longer verified: the next operation detects again. */
			card->driver = NULL;
			return err_set(e, ST_DEVICE, "KEY 已被其他程序复位，请重试。");
		}
	}
	if (rv != SCARD_S_SUCCESS)
		return card_fail(card, rv, e);
	card->in_tx = true;
	return ST_OK;
}

void token_end(struct token_card *card)
{
	if (!card->in_tx)
		return;
	card->in_tx = false;
	if (!card->gone)
		SCardEndTransaction(card->h, SCARD_LEAVE_CARD);
}

/* ---- the card's driver (token.c finds it) ---- */

const struct token_driver *token_card_driver(const struct token_card *card)
{
	return card->driver;
}

void token_card_set_driver(struct token_card *card, const struct token_driver *driver)
{
	card->driver = driver;
}
