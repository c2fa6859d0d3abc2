#include "util/utf8.h"

#include <string.h>

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if ((u[0] & 0xE0) == 0xC0) {
		len = 2, c = u[0] & 0x1F, min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3, c = u[0] & 0x0F, min = 0x800;
	} else if ((u[0] & 0xF8) == 0xF0) {
		len = 4, c = u[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	while (i < n) {
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (!l || cp == 0)
			return false;
		i += l;
	}
	return true;
}

long utf8_count(const char *s)
{
	size_t n = strlen(s), i = 0;
	long count = 0;
	uint32_t cp;
	while (i < n) {
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (!l)
			return -1;
		i += l;
		count++;
	}
	return count;
}

struct range {
	uint32_t lo, hi;
};

/* Zero-width: combining marks and format characters most likely in names. */
static const struct range zero[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x0610, 0x061A },
	{ 0x064B, 0x065F }, { 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x2064 },
	{ 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
	{ 0xE0100, 0xE01EF },
};

/* East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W/F). */
static const struct range wide[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A }, { 0x23E9, 0x23EC },
	{ 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 }, { 0x25FD, 0x25FE }, { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 }, { 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 }, { 0x26CE, 0x26CE },
	{ 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA }, { 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 },
	{ 0x26FA, 0x26FA }, { 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
	{ 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E }, { 0x2753, 0x2755 },
	{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF },
	{ 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
	{ 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF },
	{ 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 },
	{ 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
	{ 0x17000, 0x18CFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 }, { 0x1F0CF, 0x1F0CF },
	{ 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F200, 0x1F251 }, { 0x1F300, 0x1F64F },
	{ 0x1F680, 0x1F6FF }, { 0x1F900, 0x1F9FF }, { 0x1FA70, 0x1FAFF }, { 0x20000, 0x2FFFD },
	{ 0x30000, 0x3FFFD },
};

static bool in(const struct range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int utf8_cp_width(uint32_t cp)
{
	if (cp == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (in(zero, sizeof zero / sizeof zero[0], cp))
		return 0;
	if (in(wide, sizeof wide / sizeof wide[0], cp))
		return 2;
	return 1;
}

int utf8_width(const char *s)
{
	size_t n = strlen(s), i = 0;
	int w = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (!l) {
			w++, i++;
			continue;
		}
		w += utf8_cp_width(cp);
		i += l;
	}
	return w;
}

int utf8_fit(const char *s, int cols, bool ellipsis, char *out, size_t outsz)
{
	size_t n = strlen(s), i = 0, o = 0;
	int w = 0;
	if (outsz == 0)
		return 0;
	if (ellipsis && utf8_width(s) <= cols)
		ellipsis = false;
	int limit = ellipsis ? cols - 1 : cols;
	while (i < n) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		bool bad = l == 0;
		int cw = bad ? 1 : utf8_cp_width(cp);
		if (bad)
			l = 1;
		if (w + cw > limit || o + l + 4 >= outsz)
			break;
		if (bad)
			out[o++] = '?';
		else
			memcpy(out + o, s + i, l), o += l;
		w += cw;
		i += l;
	}
	if (ellipsis && i < n && o + 3 < outsz) {
		memcpy(out + o, "\xE2\x80\xA6", 3); /* U+2026 */
		o += 3;
		w += 1;
	}
	out[o] = '\0';
	return w;
}

char *utf8_trim(char *s)
{
	char *p = s;
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		else if (strncmp(p, "\xE3\x80\x80", 3) == 0)
			p += 3;
		else
			break;
	}
	size_t n = strlen(p);
	for (;;) {
		if (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
			n--;
		else if (n >= 3 && strncmp(p + n - 3, "\xE3\x80\x80", 3) == 0)
			n -= 3;
		else
			break;
	}
	memmove(s, p, n);
	s[n] = '\0';
	return s;
}
