#include "util/csv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

enum { C_EOF = -1, C_ERR = -2 };

struct csv_reader {
	FILE *f;
	unsigned char in[16384];
	size_t in_len, in_pos;
	bool eof;
	int read_errno;          /* errno of a failed read, 0 when none */
	bool started;            /* the byte order mark has been looked for */
	bool bom;
	size_t field_max, record_max;
	char *rec;               /* the record's fields, each NUL-terminated */
	size_t rec_len, rec_cap;
	size_t start[CSV_FIELDS_MAX];
	int nfields;
	long line;               /* line of the next byte */
	long rec_line;           /* line where the current record starts */
	bool failed;
	struct err fail;         /* repeated by every call after a refusal */
};

struct csv_reader *csv_reader_new(FILE *f, size_t field_max, size_t record_max)
{
	struct csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->f = f;
	r->field_max = field_max ? field_max : CSV_FIELD_MAX;
	r->record_max = record_max ? record_max : CSV_RECORD_MAX;
	r->line = 1;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->rec);
	free(r);
}

int csv_count(const struct csv_reader *r)
{
	return r->nfields;
}

const char *csv_field(const struct csv_reader *r, int i)
{
	return i >= 0 && i < r->nfields ? r->rec + r->start[i] : "";
}

long csv_line(const struct csv_reader *r)
{
	return r->rec_line;
}

bool csv_had_bom(const struct csv_reader *r)
{
	return r->bom;
}

/* Make at least `need` bytes available; false when the input ends first. */
static bool fill(struct csv_reader *r, size_t need)
{
	if (r->in_len - r->in_pos >= need)
		return true;
	memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
	r->in_len -= r->in_pos;
	r->in_pos = 0;
	while (r->in_len < need && !r->eof) {
		size_t got = fread(r->in + r->in_len, 1, sizeof r->in - r->in_len, r->f);
		if (got == 0) {
			r->eof = true;
			if (ferror(r->f))
				r->read_errno = errno ? errno : EIO;
		}
		r->in_len += got;
	}
	return r->in_len - r->in_pos >= need;
}

static int get(struct csv_reader *r)
{
	if (!fill(r, 1))
		return r->read_errno ? C_ERR : C_EOF;
	return r->in[r->in_pos++];
}

static int peek(struct csv_reader *r)
{
	if (!fill(r, 1))
		return r->read_errno ? C_ERR : C_EOF;
	return r->in[r->in_pos];
}

/* Refuse at `line`; every later call repeats it. */
static enum csv_result refuse(struct csv_reader *r, long line, struct err *e, enum status st,
			      const char *msg)
{
	r->failed = true;
	r->rec_line = line;
	r->nfields = 0;
	err_set(&r->fail, st, "%s", msg);
	if (e)
		*e = r->fail;
	return CSV_ERROR;
}

static enum csv_result read_failed(struct csv_reader *r, struct err *e)
{
	char msg[200];
	snprintf(msg, sizeof msg, "读取文件失败：%s", strerror(r->read_errno));
	return refuse(r, r->line, e, ST_IO, msg);
}

/* Room for one more byte in the record buffer. */
static bool room(struct csv_reader *r, struct err *e)
{
	if (r->rec_len + 1 < r->rec_cap)
		return true;
	size_t cap = r->rec_cap ? r->rec_cap * 2 : 1024;
	char *p = realloc(r->rec, cap);
	if (!p) {
		refuse(r, r->line, e, ST_NOMEM, "内存不足，无法读取文件");
		return false;
	}
	r->rec = p;
	r->rec_cap = cap;
	return true;
}

/* Append one byte to the field that starts at field_start; false when a
 * cap is reached (then e is set). */
static bool add(struct csv_reader *r, int c, size_t field_start, struct err *e)
{
	if (r->rec_len - field_start >= r->field_max) {
		char msg[160];
		snprintf(msg, sizeof msg, "字段超过 %zu 字节：这不像是导入用的 CSV 文件", r->field_max);
		refuse(r, r->line, e, ST_INVALID, msg);
		return false;
	}
	/* The record's bytes less one NUL per field already closed. */
	if (r->rec_len - (size_t)r->nfields >= r->record_max) {
		char msg[160];
		snprintf(msg, sizeof msg, "一条记录超过 %zu 字节：这不像是导入用的 CSV 文件",
			 r->record_max);
		refuse(r, r->rec_line, e, ST_INVALID, msg);
		return false;
	}
	if (!room(r, e))
		return false;
	r->rec[r->rec_len++] = (char)c;
	return true;
}

/* A line break inside the field data counts a line: LF, or CR not before LF. */
static bool breaks_line(const char *s, size_t i, size_t n)
{
	return s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'));
}

/* Close the field that started at field_start on field_line: check its
 * UTF-8, terminate it, count it. */
static bool end_field(struct csv_reader *r, size_t field_start, long field_line, struct err *e)
{
	const char *s = r->rec + field_start;
	size_t n = r->rec_len - field_start;
	long line = field_line;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (l == 0 || cp == 0) {
			refuse(r, line, e, ST_INVALID,
			       s[i] == '\0' ? "含有 NUL 字节：文件可能是 UTF-16 编码，请另存为 UTF-8 编码的 CSV"
					    : "不是有效的 UTF-8 文本：文件可能是 GBK 编码，请在 Excel 中另存为"
					      "“CSV UTF-8（逗号分隔）”");
			return false;
		}
		if (breaks_line(s, i, n))
			line++;
		i += l;
	}
	if (r->nfields >= CSV_FIELDS_MAX) {
		char msg[120];
		snprintf(msg, sizeof msg, "一行超过 %d 个字段", CSV_FIELDS_MAX);
		refuse(r, field_line, e, ST_INVALID, msg);
		return false;
	}
	if (!room(r, e))
		return false;
	r->rec[r->rec_len++] = '\0';
	r->start[r->nfields++] = field_start;
	return true;
}

/* Look for a byte order mark at the very start. */
static enum csv_result start(struct csv_reader *r, struct err *e)
{
	r->started = true;
	fill(r, 3);
	const unsigned char *p = r->in + r->in_pos;
	size_t n = r->in_len - r->in_pos;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		r->bom = true;
		r->in_pos += 3;
	} else if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
		return refuse(r, 1, e, ST_INVALID,
			      "文件是 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8（逗号分隔）”");
	}
	if (r->read_errno)
		return read_failed(r, e);
	return CSV_RECORD;
}

/* The end of a line after c (CR or LF); eats the LF of a CRLF. */
static void end_line(struct csv_reader *r, int c)
{
	if (c == '\r' && peek(r) == '\n')
		get(r);
	r->line++;
}

enum csv_result csv_read(struct csv_reader *r, struct err *e)
{
	if (r->failed) {
		if (e)
			*e = r->fail;
		return CSV_ERROR;
	}
	if (!r->started && start(r, e) == CSV_ERROR)
		return CSV_ERROR;
	r->nfields = 0;
	r->rec_len = 0;
	int c;
	/* Blank lines are not records. */
	while ((c = peek(r)) == '\n' || c == '\r')
		end_line(r, get(r));
	if (c == C_ERR)
		return read_failed(r, e);
	if (c == C_EOF)
		return CSV_END;
	r->rec_line = r->line;
	for (;;) {
		size_t field_start = r->rec_len;
		long field_line = r->line;
		c = get(r);
		if (c == '"') {
			for (;;) {
				c = get(r);
				if (c == C_ERR)
					return read_failed(r, e);
				if (c == C_EOF)
					return refuse(r, field_line, e, ST_INVALID,
						      "从这一行开始的带引号字段直到文件末尾都没有结束（缺少右引号）");
				if (c == '"') {
					if (peek(r) != '"')
						break;
					get(r);
				} else if (c == '\n' || (c == '\r' && peek(r) != '\n')) {
					r->line++;
				}
				if (!add(r, c, field_start, e))
					return CSV_ERROR;
			}
			c = get(r);
			if (c != ',' && c != '\n' && c != '\r' && c != C_EOF) {
				if (c == C_ERR)
					return read_failed(r, e);
				return refuse(r, r->line, e, ST_INVALID,
					      "右引号后面应是逗号或行尾：字段内的双引号须写作两个（\"\"）");
			}
		} else {
			while (c != ',' && c != '\n' && c != '\r' && c != C_EOF) {
				if (c == C_ERR)
					return read_failed(r, e);
				if (c == '"')
					return refuse(r, r->line, e, ST_INVALID,
						      "未加引号的字段中有双引号：含双引号的字段须整个用双引号括起，"
						      "字段内的双引号写作两个（\"\"）");
				if (!add(r, c, field_start, e))
					return CSV_ERROR;
				c = get(r);
			}
			if (c == C_ERR)
				return read_failed(r, e);
		}
		if (!end_field(r, field_start, field_line, e))
			return CSV_ERROR;
		if (c == ',')
			continue;
		if (c != C_EOF)
			end_line(r, c);
		return CSV_RECORD;
	}
}

/* ---- writing ---- */

bool csv_write_bom(FILE *f)
{
	return fwrite("\xEF\xBB\xBF", 1, 3, f) == 3;
}

/* Digits that Excel would read as a number and damage: a leading zero
 * (dropped) or 12 digits and more (shown as 1.1E+17, beyond 15 lost). */
static bool excel_would_mangle(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || strspn(s, "0123456789") != n)
		return false;
	return s[0] == '0' || n >= 12;
}

bool csv_write_record(FILE *f, const char *const *fields, int n, unsigned flags)
{
	for (int i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";
		const char *prefix = "";
		if (flags & CSV_EXCEL) {
			if (excel_would_mangle(s))
				prefix = "\t";
			else if (s[0] && strchr("=+-@", s[0]))
				prefix = "'";
		}
		if (i)
			fputc(',', f);
		if (!strpbrk(s, ",\"\r\n")) {
			fputs(prefix, f);
			fputs(s, f);
			continue;
		}
		fputc('"', f);
		fputs(prefix, f);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	fputs("\r\n", f);
	return !ferror(f);
}
