#ifndef CERTDESK_MODEL_APDU_H
#define CERTDESK_MODEL_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Smart-card APDUs and BER-TLV (ISO/IEC 7816-4), as pure functions: no I/O.
 * The token layer (adapt/) builds its commands and reads the cards' answers
 * with these; they are unit-tested on their own.
 */

/* Largest short command APDU: header, Lc, 255 data bytes, Le. */
#define APDU_SHORT_MAX 261

/* A command APDU. `le` is the number of response bytes asked for:
 * APDU_NO_LE when none is expected, 1..256 otherwise (256 goes out as 00). */
#define APDU_NO_LE (-1)
struct apdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;   /* borrowed; NULL when lc is 0 */
	size_t lc;             /* 0..255 (short APDUs only) */
	int le;
};

/* Encode a short APDU into out (APDU_SHORT_MAX bytes of room is always
 * enough). Returns the length, or 0 when lc > 255 or le is out of range. */
size_t apdu_encode(const struct apdu *a, uint8_t *out, size_t outsz);

/* The status word of a response (its last two bytes); 0 when n < 2. */
uint16_t apdu_sw(const uint8_t *resp, size_t n);

/* What a status word means to the caller. */
enum sw_kind {
	SW_OK,            /* 9000 */
	SW_MORE,          /* 61xx: xx more bytes wait for GET RESPONSE (00 = 256 or more) */
	SW_WRONG_LE,      /* 6Cxx: send the same command again with Le = xx */
	SW_WARN,          /* 62xx/63xx other than 63Cx: warning, data may be partial */
	SW_RETRIES,       /* 63Cx: verification failed, x tries left */
	SW_BLOCKED,       /* 6983: authentication method blocked */
	SW_SECURITY,      /* 6982: security status not satisfied (PIN not verified) */
	SW_NOT_FOUND,     /* 6A82: file or application not found */
	SW_WRONG_DATA,    /* 6A80, 6700: wrong data or length */
	SW_UNSUPPORTED,   /* 6D00, 6E00, 6A81: instruction or class not supported */
	SW_CONDITIONS,    /* 6985: conditions of use not satisfied */
	SW_ERROR          /* anything else */
};
enum sw_kind apdu_sw_kind(uint16_t sw);
/* For SW_MORE and SW_WRONG_LE: the length the card announced (61/6C 00 = 256).
 * For SW_RETRIES: the tries left. Otherwise -1. */
int apdu_sw_count(uint16_t sw);
/* A short Chinese description of a status word, for error texts; never NULL. */
const char *apdu_sw_text(uint16_t sw);

/*
 * BER-TLV. Tags are kept as the big-endian number of their bytes
 * (0x5FC105, 0x53, 0x7F49); tags of 1 to 3 bytes and definite lengths of
 * 1 to 4 bytes are accepted.
 */
struct apdu_tlv {
	uint32_t tag;
	const uint8_t *value;  /* borrowed from the input */
	size_t len;
	size_t size;           /* tag + length + value bytes */
};

/* Read one TLV at the start of p[0..n). False when the input is truncated
 * or malformed (indefinite length, length past the end, tag too long). */
bool apdu_tlv_read(const uint8_t *p, size_t n, struct apdu_tlv *out);
/* Find the first TLV with `tag` among the TLVs that fill p[0..n) (one
 * level, no descent). False when absent or when the list is malformed
 * before the tag is reached. Padding bytes 00 and FF between TLVs are skipped. */
bool apdu_tlv_find(const uint8_t *p, size_t n, uint32_t tag, struct apdu_tlv *out);
/* Encode tag and length (not the value) into out (8 bytes room); returns
 * the header length, 0 when the tag or length cannot be encoded. */
size_t apdu_tlv_header(uint32_t tag, size_t len, uint8_t out[8]);

/* Upper-case hexadecimal of p[0..n) into out (2n+1 bytes); returns out. */
char *apdu_hex(const uint8_t *p, size_t n, char *out);
/* Parse hexadecimal (either case, spaces and colons allowed between bytes)
 * into out (room outsz); returns the number of bytes, or -1 when malformed
 * or too long. */
long apdu_unhex(const char *s, uint8_t *out, size_t outsz);

#endif
