#include "model/crl.h"

#include <ctype.h>
#include <string.h>

static const struct {
	int code;
	const char *name, *label;
} reasons[] = {
	{ 0, "unspecified", "未说明" },
	{ 1, "keyCompromise", "密钥泄露" },
	{ 2, "cACompromise", "CA 密钥泄露" },
	{ 3, "affiliationChanged", "隶属关系改变" },
	{ 4, "superseded", "已被取代" },
	{ 5, "cessationOfOperation", "停止使用" },
	{ 6, "certificateHold", "暂停使用" },
	{ 8, "removeFromCRL", "解除暂停" },
	{ 9, "privilegeWithdrawn", "权限撤销" },
	{ 10, "aACompromise", "属性机构密钥泄露" },
};
#define NREASONS (sizeof reasons / sizeof reasons[0])

const char *crl_reason_code(int code)
{
	for (size_t i = 0; i < NREASONS; i++)
		if (reasons[i].code == code)
			return reasons[i].name;
	return "";
}

const char *crl_reason_label(const char *name)
{
	for (size_t i = 0; name && i < NREASONS; i++)
		if (strcmp(reasons[i].name, name) == 0)
			return reasons[i].label;
	return "未说明";
}

bool crl_serial_canonical(const char *in, char *out, size_t outsz)
{
	char hex[48];
	size_t n = 0;
	if (outsz < 43)
		return false;
	out[0] = '\0';
	const char *p = in;
	while (*p == ' ')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; *p; p++) {
		if (*p == ':' || *p == ' ' || *p == '-')
			continue;
		if (!isxdigit((unsigned char)*p) || n >= 40)
			return false;
		hex[n++] = (char)toupper((unsigned char)*p);
	}
	size_t z = 0;
	while (z < n && hex[z] == '0')
		z++;
	if (n == 0)
		return false;
	if (z == n) {
		strcpy(out, "0");
		return true;
	}
	size_t len = n - z, o = 0;
	if (len % 2)
		out[o++] = '0';
	memcpy(out + o, hex + z, len);
	out[o + len] = '\0';
	return true;
}
