#include "server/parse.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Crockford's base32: no I, L, O, U, so that a code read aloud or copied
 * by hand survives. */
static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Digits at *p up to a non-digit, into *out; false on none or overflow. */
static bool digits(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;
	if (!s || !digits(&s, &v) || *s || v > max)
		return false;
	*out = v;
	return true;
}

bool parse_content_range(const char *s, uint64_t max_total, uint64_t *from, uint64_t *to,
			 uint64_t *total)
{
	uint64_t f, t, n;
	if (!s || strncasecmp(s, "bytes ", 6) != 0)
		return false;
	s += 6;
	if (!digits(&s, &f) || *s++ != '-' || !digits(&s, &t) || *s++ != '/' || !digits(&s, &n) ||
	    *s)
		return false;
	if (f > t || t >= n || n > max_total)
		return false;
	*from = f;
	*to = t;
	*total = n;
	return true;
}

bool parse_bearer(const char *h, char id[UUID_LEN + 1], char secret[SECRET_HEX])
{
	id[0] = secret[0] = '\0';
	if (!h || strncasecmp(h, "Bearer", 6) != 0 || h[6] != ' ')
		return false;
	h += 6;
	while (*h == ' ')
		h++;
	const char *dot = strchr(h, '.');
	if (!dot || dot - h != UUID_LEN || strlen(dot + 1) != SECRET_HEX - 1)
		return false;
	char tid[UUID_LEN + 1], sec[SECRET_HEX];
	memcpy(tid, h, UUID_LEN);
	tid[UUID_LEN] = '\0';
	for (int i = 0; i < SECRET_HEX - 1; i++) {
		unsigned char c = (unsigned char)dot[1 + i];
		if (!isxdigit(c))
			return false;
		sec[i] = (char)tolower(c);
	}
	sec[SECRET_HEX - 1] = '\0';
	if (!uuid_valid(tid))
		return false;
	memcpy(id, tid, sizeof tid);
	memcpy(secret, sec, sizeof sec);
	return true;
}

bool sha256_hex_valid(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

bool enroll_code_normalize(const char *in, char out[ENROLL_SYMBOLS + 1])
{
	size_t n = 0;
	out[0] = '\0';
	for (; in && *in; in++) {
		char c = (char)toupper((unsigned char)*in);
		if (c == '-' || c == ' ')
			continue;
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (!strchr(b32, c) || n == ENROLL_SYMBOLS)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == ENROLL_SYMBOLS;
}

void enroll_code_from_bytes(const unsigned char bytes[10], char out[ENROLL_SYMBOLS + 1])
{
	for (int i = 0; i < ENROLL_SYMBOLS; i++) {
		int bit = i * 5, v = 0;
		for (int k = 0; k < 5; k++, bit++)
			v = (v << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
		out[i] = b32[v];
	}
	out[ENROLL_SYMBOLS] = '\0';
}

void enroll_code_show(const char code[ENROLL_SYMBOLS + 1], char out[ENROLL_SHOWN])
{
	size_t n = 0;
	for (int i = 0; i < ENROLL_SYMBOLS; i++) {
		if (i && i % 4 == 0)
			out[n++] = '-';
		out[n++] = code[i];
	}
	out[n] = '\0';
}
