/*
 * The PIV card application (NIST SP 800-73-4) as a token driver: SELECT,
 * GET DATA for the certificates (gzip-compressed ones inflated) and the
 * CHUID, and the PIN commands (VERIFY, CHANGE REFERENCE DATA, RESET RETRY
 * COUNTER), all by APDU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "adapt/token.h"
#include "adapt/x509.h"
#include "util/log.h"

static const uint8_t piv_aid[] = { 0xA0, 0x00, 0x00, 0x03, 0x08 };

/* PIV key references */
#define PIV_REF_PIN 0x80
#define PIV_REF_PUK 0x81

/* Data objects */
#define PIV_OBJ_CHUID 0x5FC102

/* Object tags of the certificate slots, in the order of enum token_slot. */
static const uint32_t slot_tags[TOKEN_SLOT__COUNT] = {
	0x5FC105,   /* 9A authentication */
	0x5FC10A,   /* 9C digital signature */
	0x5FC10B,   /* 9D key management */
	0x5FC101,   /* 9E card authentication */
};

/* A PIV object is at most a few KB; leave room for large certificates. */
#define PIV_OBJECT_MAX (X509_CERT_MAX + 64)

/* Largest certificate inflated from a compressed one: no larger than any
 * certificate read as it is, so that a few hundred bytes on the card
 * cannot expand into megabytes here (a zip bomb). */
#define PIV_INFLATE_MAX X509_CERT_MAX

static enum status piv_probe(struct token_card *card, struct err *e)
{
	struct apdu sel = { .cla = 0x00, .ins = 0xA4, .p1 = 0x04, .p2 = 0x00,
			    .data = piv_aid, .lc = sizeof piv_aid, .le = 256 };
	struct buf b;
	buf_init(&b, 1024);
	uint16_t sw;
	enum status st = token_command(card, &sel, &b, &sw, e);
	buf_done(&b);
	if (st != ST_OK)
		return st;
	if (apdu_sw_kind(sw) == SW_OK)
		return ST_OK;
	log_info("piv: SELECT answered %04X", sw);
	return err_set(e, ST_UNSUPPORTED, "此 KEY 不是 PIV 卡（选择 PIV 应用失败：%s，%04X）。",
		       apdu_sw_text(sw), sw);
}

/*
 * GET DATA of one object; on ST_OK, *val and *len point into `b` at the content
 * of the object's 53 template. *sw is the card's answer, for the caller to
 * tell "absent" from other refusals.
 */
static enum status get_object(struct token_card *card, uint32_t tag, struct buf *b,
			      const uint8_t **val, size_t *len, uint16_t *sw, struct err *e)
{
	uint8_t q[5] = { 0x5C, 0x03, (uint8_t)(tag >> 16), (uint8_t)(tag >> 8), (uint8_t)tag };
	struct apdu get = { .cla = 0x00, .ins = 0xCB, .p1 = 0x3F, .p2 = 0xFF,
			    .data = q, .lc = sizeof q, .le = 256 };
	enum status st = token_command(card, &get, b, sw, e);
	if (st != ST_OK)
		return st;
	if (apdu_sw_kind(*sw) != SW_OK)
		return ST_OK;
	struct apdu_tlv t;
	if (!apdu_tlv_read((const uint8_t *)b->data, b->len, &t) || t.tag != 0x53)
		return err_set(e, ST_INVALID, "KEY 上的数据对象 %06X 格式有误，无法读取。", (unsigned)tag);
	*val = t.value;
	*len = t.len;
	return ST_OK;
}

static enum status get_fail(uint16_t sw, const char *what, struct err *e)
{
	switch (apdu_sw_kind(sw)) {
	case SW_NOT_FOUND:
		return err_set(e, ST_NOT_FOUND, "KEY 上没有%s。", what);
	case SW_SECURITY:
		return err_set(e, ST_DENIED, "读取%s需要先验证 PIN。", what);
	default:
		return err_set(e, ST_DEVICE, "读取%s失败：%s（%04X）。", what, apdu_sw_text(sw), sw);
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static enum status piv_card_id(struct token_card *card, char out[TOKEN_ID_MAX], struct err *e)
{
	struct buf b;
	buf_init(&b, 4096);
	const uint8_t *v = NULL;
	size_t n = 0;
	uint16_t sw;
	enum status st = get_object(card, PIV_OBJ_CHUID, &b, &v, &n, &sw, e);
	if (st == ST_OK && apdu_sw_kind(sw) != SW_OK)
		st = get_fail(sw, "卡片标识（CHUID）", e);
	if (st == ST_OK) {
		struct apdu_tlv guid, fascn;
		/* The GUID names the card; FASC-N is the older identifier. */
		if (apdu_tlv_find(v, n, 0x34, &guid) && guid.len == 16 && !all_zero(guid.value, 16))
			apdu_hex(guid.value, 16, out);
		else if (apdu_tlv_find(v, n, 0x30, &fascn) && fascn.len == 25)
			apdu_hex(fascn.value, 25, out);
		else
			st = err_set(e, ST_NOT_FOUND, "KEY 的卡片标识（CHUID）中没有 GUID 或 FASC-N。");
	}
	buf_done(&b);
	return st;
}

/*
 * Inflate a gzip-compressed certificate (one gzip member, its CRC checked)
 * into *out, caller frees, at most PIV_INFLATE_MAX bytes. ST_INVALID with
 * a message naming `what` when the data is corrupt, cut short, followed by
 * other bytes, or inflates past the limit; ST_NOMEM.
 */
static enum status gunzip(const uint8_t *in, size_t n, const char *what, uint8_t **out, size_t *len,
			  struct err *e)
{
	*out = NULL;
	*len = 0;
	/* One byte past the limit tells "exactly the limit" from "more". */
	uint8_t *b = malloc(PIV_INFLATE_MAX + 1);
	if (!b)
		return err_status(e, ST_NOMEM);
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 16 + MAX_WBITS: gzip framing only, not zlib or raw deflate. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(b);
		return err_status(e, ST_NOMEM);
	}
	z.next_in = in;
	z.avail_in = (uInt)n;
	z.next_out = b;
	z.avail_out = PIV_INFLATE_MAX + 1;
	int rc = inflate(&z, Z_FINISH);
	size_t got = z.total_out;
	bool rest = z.avail_in > 0, full = z.avail_out == 0;
	if (rc != Z_STREAM_END && rc != Z_BUF_ERROR)
		log_warn("piv: inflate %d: %s", rc, z.msg ? z.msg : "?");
	inflateEnd(&z);

	enum status st = ST_OK;
	if (rc == Z_MEM_ERROR)
		st = err_status(e, ST_NOMEM);
	else if (full && got > PIV_INFLATE_MAX)
		st = err_set(e, ST_INVALID, "KEY 上的%s解压后超过 %d KB，不是正常的证书，已拒绝读取。", what,
			     PIV_INFLATE_MAX / 1024);
	else if (rc == Z_BUF_ERROR)
		st = err_set(e, ST_INVALID, "KEY 上的%s压缩数据不完整，无法解压。", what);
	else if (rc != Z_STREAM_END || rest)
		st = err_set(e, ST_INVALID, "KEY 上的%s压缩数据已损坏，无法解压。", what);
	if (st != ST_OK) {
		free(b);
		return st;
	}
	uint8_t *fit = realloc(b, got ? got : 1);
	*out = fit ? fit : b;
	*len = got;
	return ST_OK;
}

static enum status piv_read_cert(struct token_card *card, enum token_slot slot, uint8_t **der,
				 size_t *len, struct err *e)
{
	const char *what = token_slot_label(slot);
	struct buf b;
	buf_init(&b, PIV_OBJECT_MAX);
	const uint8_t *v = NULL;
	size_t n = 0;
	uint16_t sw;
	enum status st = get_object(card, slot_tags[slot], &b, &v, &n, &sw, e);
	if (st == ST_OK && apdu_sw_kind(sw) != SW_OK)
		st = get_fail(sw, what, e);
	struct apdu_tlv cert, info;
	if (st == ST_OK && !apdu_tlv_find(v, n, 0x70, &cert))
		st = err_set(e, ST_INVALID, "KEY 上的%s数据格式有误（缺少证书内容）。", what);
	if (st == ST_OK && cert.len == 0)
		st = err_set(e, ST_NOT_FOUND, "KEY 上没有%s。", what);
	/* CertInfo bit 0: the certificate is gzip-compressed. A DER
	 * certificate starts with 30, so gzip's magic 1F 8B tells it too. */
	bool gz = st == ST_OK &&
		  ((apdu_tlv_find(v, n, 0x71, &info) && info.len >= 1 && (info.value[0] & 0x01)) ||
		   (cert.len >= 2 && cert.value[0] == 0x1F && cert.value[1] == 0x8B));
	if (gz) {
		st = gunzip(cert.value, cert.len, what, der, len, e);
	} else if (st == ST_OK) {
		*der = malloc(cert.len);
		if (!*der) {
			st = err_status(e, ST_NOMEM);
		} else {
			memcpy(*der, cert.value, cert.len);
			*len = cert.len;
		}
	}
	buf_done(&b);
	return st;
}

/*
 * A PIN or PUK as PIV wants it: the characters, padded to 8 bytes with FF.
 * PINs are 6 to 8 digits; PUKs 6 to 8 printable characters.
 */
static bool pad_ref(const char *s, bool digits_only, uint8_t out[8])
{
	size_t n = s ? strlen(s) : 0;
	if (n < 6 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (digits_only ? (c < '0' || c > '9') : (c < 0x21 || c > 0x7E))
			return false;
	}
	memset(out, 0xFF, 8);
	memcpy(out, s, n);
	return true;
}

/* The meaning of the card's answer to a PIN (or PUK) command. */
static enum status ref_result(uint16_t sw, const char *what, int *tries_left, struct err *e)
{
	switch (apdu_sw_kind(sw)) {
	case SW_OK:
		*tries_left = -1;
		return ST_OK;
	case SW_RETRIES:
		*tries_left = apdu_sw_count(sw);
		if (*tries_left > 0)
			return err_set(e, ST_AUTH, "%s 错误，还可尝试 %d 次。", what, *tries_left);
		return err_set(e, ST_LOCKED, "%s 错误次数过多，%s 已被锁定，不能再尝试。%s", what, what,
			       strcmp(what, "PIN") == 0 ? "请用 PUK 解锁，或联系发证机构。"
							: "请联系发证机构。");
	case SW_BLOCKED:
		*tries_left = 0;
		return err_set(e, ST_LOCKED, "%s 已被锁定，不能再尝试。%s", what,
			       strcmp(what, "PIN") == 0 ? "请用 PUK 解锁，或联系发证机构。"
							: "请联系发证机构。");
	case SW_WRONG_DATA:
		return err_set(e, ST_INVALID, "KEY 不接受此 %s 的格式。", what);
	default:
		return err_set(e, ST_DEVICE, "KEY 拒绝了 %s 操作：%s（%04X）。", what, apdu_sw_text(sw), sw);
	}
}

/* Send a PIN command with up to two padded references as data. */
static enum status ref_command(struct token_card *card, uint8_t ins, uint8_t ref,
			       const uint8_t *data, size_t n, const char *what, int *tries_left,
			       struct err *e)
{
	struct apdu a = { .cla = 0x00, .ins = ins, .p1 = 0x00, .p2 = ref, .data = data, .lc = n,
			  .le = APDU_NO_LE };
	uint16_t sw;
	enum status st = token_command(card, &a, NULL, &sw, e);
	if (st != ST_OK)
		return st;
	return ref_result(sw, what, tries_left, e);
}

static enum status piv_pin_status(struct token_card *card, int *tries_left, bool *verified,
				  struct err *e)
{
	/* VERIFY without data asks for the state and spends no try. */
	struct apdu a = { .cla = 0x00, .ins = 0x20, .p1 = 0x00, .p2 = PIV_REF_PIN, .le = APDU_NO_LE };
	uint16_t sw;
	enum status st = token_command(card, &a, NULL, &sw, e);
	if (st != ST_OK)
		return st;
	*verified = false;
	switch (apdu_sw_kind(sw)) {
	case SW_OK:
		*verified = true;
		*tries_left = -1;
		return ST_OK;
	case SW_RETRIES:
		*tries_left = apdu_sw_count(sw);
		if (*tries_left == 0)
			return ref_result(0x6983, "PIN", tries_left, e);
		return ST_OK;
	case SW_BLOCKED:
		return ref_result(sw, "PIN", tries_left, e);
	default:
		return err_set(e, ST_DEVICE, "无法读取 PIN 状态：%s（%04X）。", apdu_sw_text(sw), sw);
	}
}

static enum status piv_verify_pin(struct token_card *card, const char *pin, int *tries_left,
				  struct err *e)
{
	uint8_t d[8];
	if (!pad_ref(pin, true, d))
		return err_field(e, "pin", ST_INVALID, "PIN 应为 6 到 8 位数字。");
	enum status st = ref_command(card, 0x20, PIV_REF_PIN, d, sizeof d, "PIN", tries_left, e);
	explicit_bzero(d, sizeof d);
	return st;
}

/* CHANGE REFERENCE DATA / RESET RETRY COUNTER: two references as data. */
static enum status two_refs(struct token_card *card, uint8_t ins, uint8_t ref, const char *a,
			    bool a_digits, const char *a_field, const char *b, bool b_digits,
			    const char *b_field, const char *what, int *tries_left, struct err *e)
{
	uint8_t d[16];
	if (!pad_ref(a, a_digits, d))
		return err_field(e, a_field, ST_INVALID, a_digits ? "PIN 应为 6 到 8 位数字。"
								  : "PUK 应为 6 到 8 个字符。");
	if (!pad_ref(b, b_digits, d + 8)) {
		explicit_bzero(d, sizeof d);
		return err_field(e, b_field, ST_INVALID, b_digits ? "新 PIN 应为 6 到 8 位数字。"
								  : "新 PUK 应为 6 到 8 个字符。");
	}
	enum status st = ref_command(card, ins, ref, d, sizeof d, what, tries_left, e);
	explicit_bzero(d, sizeof d);
	return st;
}

static enum status piv_change_pin(struct token_card *card, const char *old_pin, const char *new_pin,
				  int *tries_left, struct err *e)
{
	return two_refs(card, 0x24, PIV_REF_PIN, old_pin, true, "pin", new_pin, true, "new_pin",
			"PIN", tries_left, e);
}

static enum status piv_unblock_pin(struct token_card *card, const char *puk, const char *new_pin,
				   int *tries_left, struct err *e)
{
	return two_refs(card, 0x2C, PIV_REF_PIN, puk, false, "puk", new_pin, true, "new_pin",
			"PUK", tries_left, e);
}

static enum status piv_change_puk(struct token_card *card, const char *old_puk, const char *new_puk,
				  int *tries_left, struct err *e)
{
	return two_refs(card, 0x24, PIV_REF_PUK, old_puk, false, "puk", new_puk, false, "new_puk",
			"PUK", tries_left, e);
}

const struct token_driver token_driver_piv = {
	.name = "piv",
	.label = "PIV",
	.probe = piv_probe,
	.card_id = piv_card_id,
	.read_cert = piv_read_cert,
	.pin_status = piv_pin_status,
	.verify_pin = piv_verify_pin,
	.change_pin = piv_change_pin,
	.unblock_pin = piv_unblock_pin,
	.change_puk = piv_change_puk,
};
