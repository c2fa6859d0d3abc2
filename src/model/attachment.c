#include "model/attachment.h"

#include <stdio.h>
#include <string.h>

const char *attach_sniff(const unsigned char *d, size_t n, struct err *e)
{
	if (n == 0) {
		err_set(e, ST_INVALID, "文件是空的");
		return NULL;
	}
	if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	err_set(e, ST_INVALID, "文件内容不是 PDF、JPEG 或 PNG（只看内容，不看扩展名）");
	return NULL;
}

void attach_size_text(long long b, char out[32])
{
	if (b >= 1024 * 1024)
		snprintf(out, 32, "%.1f MB", (double)b / (1024.0 * 1024.0));
	else if (b >= 1024)
		snprintf(out, 32, "%lld KB", (b + 1023) / 1024);
	else
		snprintf(out, 32, "%lld B", b);
}

const char *attach_type_label(const char *mime)
{
	if (strcmp(mime, "application/pdf") == 0)
		return "PDF";
	if (strcmp(mime, "image/jpeg") == 0)
		return "JPEG";
	if (strcmp(mime, "image/png") == 0)
		return "PNG";
	return "?";
}
