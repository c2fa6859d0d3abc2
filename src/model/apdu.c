#include "model/apdu.h"

#include <string.h>

size_t apdu_encode(const struct apdu *a, uint8_t *out, size_t outsz)
{
	if (a->lc > 255 || (a->lc && !a->data))
		return 0;
	if (a->le != APDU_NO_LE && (a->le < 1 || a->le > 256))
		return 0;
	size_t need = 4 + (a->lc ? 1 + a->lc : 0) + (a->le != APDU_NO_LE ? 1 : 0);
	if (need > outsz)
		return 0;
	size_t n = 0;
	out[n++] = a->cla;
	out[n++] = a->ins;
	out[n++] = a->p1;
	out[n++] = a->p2;
	if (a->lc) {
		out[n++] = (uint8_t)a->lc;
		memcpy(out + n, a->data, a->lc);
		n += a->lc;
	}
	if (a->le != APDU_NO_LE)
		out[n++] = (uint8_t)(a->le == 256 ? 0 : a->le);
	return n;
}

uint16_t apdu_sw(const uint8_t *resp, size_t n)
{
	if (n < 2)
		return 0;
	return (uint16_t)(resp[n - 2] << 8 | resp[n - 1]);
}

enum sw_kind apdu_sw_kind(uint16_t sw)
{
	uint8_t hi = sw >> 8;
	if (sw == 0x9000)
		return SW_OK;
	if (hi == 0x61)
		return SW_MORE;
	if (hi == 0x6C)
		return SW_WRONG_LE;
	if ((sw & 0xFFF0) == 0x63C0)
		return SW_RETRIES;
	if (hi == 0x62 || hi == 0x63)
		return SW_WARN;
	switch (sw) {
	case 0x6983:
		return SW_BLOCKED;
	case 0x6982:
		return SW_SECURITY;
	case 0x6A82:
	case 0x6A88:
		return SW_NOT_FOUND;
	case 0x6A80:
	case 0x6700:
		return SW_WRONG_DATA;
	case 0x6D00:
	case 0x6E00:
	case 0x6A81:
		return SW_UNSUPPORTED;
	case 0x6985:
		return SW_CONDITIONS;
	default:
		return SW_ERROR;
	}
}

int apdu_sw_count(uint16_t sw)
{
	switch (apdu_sw_kind(sw)) {
	case SW_MORE:
	case SW_WRONG_LE:
		return (sw & 0xFF) ? (sw & 0xFF) : 256;
	case SW_RETRIES:
		return sw & 0x0F;
	default:
		return -1;
	}
}

const char *apdu_sw_text(uint16_t sw)
{
	switch (apdu_sw_kind(sw)) {
	case SW_OK:
		return "成功";
	case SW_MORE:
		return "还有数据待取";
	case SW_WRONG_LE:
		return "期望长度有误";
	case SW_RETRIES:
		return "验证失败";
	case SW_WARN:
		return "卡片返回警告";
	case SW_BLOCKED:
		return "已锁定";
	case SW_SECURITY:
		return "安全状态不满足（未验证 PIN）";
	case SW_NOT_FOUND:
		return "未找到文件或应用";
	case SW_WRONG_DATA:
		return sw == 0x6700 ? "长度有误" : "数据有误";
	case SW_UNSUPPORTED:
		return "卡片不支持此指令";
	case SW_CONDITIONS:
		return "使用条件不满足";
	case SW_ERROR:
		break;
	}
	if (sw == 0x6581)
		return "卡片存储器故障";
	if (sw == 0x6F00)
		return "卡片内部错误";
	return "卡片返回错误";
}

bool apdu_tlv_read(const uint8_t *p, size_t n, struct apdu_tlv *out)
{
	size_t i = 0;
	if (n < 2 || p[0] == 0x00 || p[0] == 0xFF)
		return false;
	uint32_t tag = p[i++];
	if ((tag & 0x1F) == 0x1F) {
		/* Multi-byte tag: more bytes while bit 8 is set; three bytes at most. */
		do {
			if (i >= n || i >= 3)
				return false;
			tag = tag << 8 | p[i];
		} while (p[i++] & 0x80);
	}
	if (i >= n)
		return false;
	size_t len = p[i++];
	if (len & 0x80) {
		size_t nb = len & 0x7F;
		if (nb == 0 || nb > 4 || n - i < nb)
			return false;
		len = 0;
		for (size_t k = 0; k < nb; k++)
			len = len << 8 | p[i++];
	}
	if (len > n - i)
		return false;
	out->tag = tag;
	out->value = p + i;
	out->len = len;
	out->size = i + len;
	return true;
}

bool apdu_tlv_find(const uint8_t *p, size_t n, uint32_t tag, struct apdu_tlv *out)
{
	size_t off = 0;
	while (off < n) {
		if (p[off] == 0x00 || p[off] == 0xFF) {
			off++;
			continue;
		}
		struct apdu_tlv t;
		if (!apdu_tlv_read(p + off, n - off, &t))
			return false;
		if (t.tag == tag) {
			*out = t;
			return true;
		}
		off += t.size;
	}
	return false;
}

size_t apdu_tlv_header(uint32_t tag, size_t len, uint8_t out[8])
{
	size_t n = 0;
	if (tag > 0xFFFFFF || tag == 0)
		return 0;
	if (tag > 0xFFFF)
		out[n++] = (uint8_t)(tag >> 16);
	if (tag > 0xFF)
		out[n++] = (uint8_t)(tag >> 8);
	out[n++] = (uint8_t)tag;
	if (len < 0x80) {
		out[n++] = (uint8_t)len;
	} else if (len <= 0xFF) {
		out[n++] = 0x81;
		out[n++] = (uint8_t)len;
	} else if (len <= 0xFFFF) {
		out[n++] = 0x82;
		out[n++] = (uint8_t)(len >> 8);
		out[n++] = (uint8_t)len;
	} else if (len <= 0xFFFFFF) {
		out[n++] = 0x83;
		out[n++] = (uint8_t)(len >> 16);
		out[n++] = (uint8_t)(len >> 8);
		out[n++] = (uint8_t)len;
	} else {
		return 0;
	}
	return n;
}

char *apdu_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long apdu_unhex(const char *s, uint8_t *out, size_t outsz)
{
	size_t n = 0;
	while (*s) {
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		int hi = hex_value(s[0]);
		int lo = hi < 0 ? -1 : hex_value(s[1]);
		if (lo < 0 || n >= outsz)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (long)n;
}
