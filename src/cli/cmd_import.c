/*
 * certdesk import applicants|applications FILE.csv [--partial]
 * certdesk import --help      (the columns of each file, below in help_text)
 *
 * Every row goes through the checks of the screen's form (form_check) and
 * then through the use case itself, inside one batch (svc_batch_begin): a
 * row that fails is undone alone and reported as "line N: column: reason"
 * on stderr; at the end the batch is committed (no bad row, or --partial)
 * or rolled back whole. A broken file (not UTF-8, an open quote) or a
 * failure of the store (disk full) stops the import with nothing written.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/form.h"
#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "util/csv.h"
#include "util/utf8.h"

/* A column of an import file. */
struct column {
	const char *id;          /* its name in the header */
	bool in_header;          /* must be in the header (else it may be left out) */
	const char *form;        /* the form whose field checks it, or NULL */
	const char *field;
	bool may_be_empty;       /* an empty value skips the form's check */
};

enum { A_PHONE, A_NAME, A_ID_NUMBER, A_EMAIL, A_ADDRESS, A_POSTAL, A_CODE, A_ENAME,
       A_REP, A_EADDRESS, A_EPHONE, A__N };
static const struct column applicant_cols[A__N] = {
	{ "phone", true, "applicant_register", "phone", false },
	{ "name", true, "applicant_register", "name", false },
	{ "id_number", true, "applicant_register", "id_number", true },
	{ "email", true, "applicant_register", "email", true },
	{ "address", true, "applicant_register", "address", true },
	{ "postal_code", true, "applicant_register", "postal_code", true },
	{ "credit_code", true, "application_enterprise", "credit_code", true },
	{ "enterprise_name", true, "application_enterprise", "holder_name", true },
	/* Optional: an enterprise's record needs these before an application
	 * can be imported for it. */
	{ "legal_rep", false, "application_enterprise", "legal_rep", true },
	{ "enterprise_address", false, "application_enterprise", "address", true },
	{ "enterprise_phone", false, "application_enterprise", "phone", true },
};

enum { P_PHONE, P_KIND, P_SUBJECT, P_CODE, P_YEARS, P_SERIAL, P_REASON, P__N };
static const struct column application_cols[P__N] = {
	{ "phone", true, "applicant_register", "phone", false },
	{ "kind", true, NULL, NULL, false },
	{ "subject", true, NULL, NULL, false },
	{ "credit_code", true, "application_enterprise", "credit_code", true },
	{ "years", true, NULL, NULL, false },
	{ "cert_serial", true, "application_enterprise", "cert_serial", true },
	/* Optional: why (change, reissue, revoke). */
	{ "reason", false, "application_enterprise", "service_reason", true },
};

#define MAX_COLS 16

/* Phones seen in the file (11 digits as a number), for duplicates. */
struct phone_set {
	uint64_t *keys;          /* 0 = empty slot */
	long *lines;
	size_t cap, n;
};

struct import {
	struct cli *c;
	bool applications;       /* else applicants */
	const struct column *cols;
	int ncols;
	int at[MAX_COLS];        /* column -> index in the file's records, -1 when absent */
	int nfile;               /* fields in the header */
	char val[MAX_COLS][CSV_FIELD_MAX + 1];
	long line;
	bool row_bad;
	long good, bad;
	bool stop;               /* a failure that ends the import */
	struct err stop_err;
	struct phone_set phones;
	char (*numbers)[NUMBER_MAX + 24];   /* applications made: "line N: number" */
	size_t nnumbers, cap_numbers;
};

static void problem(struct import *im, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct import *im, const char *column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "line %ld: %s: ", im->line, column);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	im->row_bad = true;
}

/* ---- phones seen ---- */

static bool phones_add(struct phone_set *s, uint64_t key, long line, long *first)
{
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *keys = calloc(cap, sizeof *keys);
		long *lines = calloc(cap, sizeof *lines);
		if (!keys || !lines) {
			free(keys);
			free(lines);
			return false;
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->keys[i]) {
				size_t j = (size_t)(s->keys[i] * 0x9E3779B97F4A7C15ull) & (cap - 1);
				while (keys[j])
					j = (j + 1) & (cap - 1);
				keys[j] = s->keys[i];
				lines[j] = s->lines[i];
			}
		free(s->keys);
		free(s->lines);
		s->keys = keys;
		s->lines = lines;
		s->cap = cap;
	}
	size_t j = (size_t)(key * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
	while (s->keys[j] && s->keys[j] != key)
		j = (j + 1) & (s->cap - 1);
	*first = 0;
	if (s->keys[j]) {
		*first = s->lines[j];
		return true;
	}
	s->keys[j] = key;
	s->lines[j] = line;
	s->n++;
	return true;
}

/* ---- reading a row ---- */

static const char *v(struct import *im, int col)
{
	return im->val[col];
}

/* Copy the row's values (trimmed; absent columns "") and run each column's
 * form check, reporting every problem. */
static void check_fields(struct import *im, struct csv_reader *r)
{
	for (int i = 0; i < im->ncols; i++) {
		char *s = im->val[i];
		snprintf(s, sizeof im->val[i], "%s", im->at[i] >= 0 ? csv_field(r, im->at[i]) : "");
		utf8_trim(s);
		const struct column *col = &im->cols[i];
		if (strpbrk(s, "\r\n")) {
			problem(im, col->id, "含有换行：请把这一格改成一行");
			continue;
		}
		if (!col->form || (col->may_be_empty && !*s))
			continue;
		const struct form_field *f = form_field(form_find(col->form), col->field);
		/* As the screen's field does while typing. */
		for (char *p = s; *p; p++)
			if (f->type == FT_CODE)
				*p = (char)toupper((unsigned char)*p);
			else if (f->type == FT_LOWER)
				*p = (char)tolower((unsigned char)*p);
		struct err e;
		err_clear(&e);
		if (!form_check(f, s, &e))
			problem(im, col->id, "%s", err_text(&e));
	}
}

/* A refusal of a use case: a problem of the row, or the end of the import
 * when the store itself failed. */
static void refused(struct import *im, const char *column, const char *prefix,
		    const struct err *e)
{
	switch (e->st) {
	case ST_INVALID:
	case ST_EXISTS:
	case ST_NOT_FOUND:
	case ST_STATE:
	case ST_CONFLICT:
		problem(im, column, "%s%s", prefix, err_text(e));
		return;
	default:
		im->stop = true;
		im->stop_err = *e;
		return;
	}
}

/* ---- applicants ---- */

static bool applicant_column(const char *field)
{
	for (int i = 0; i < A__N; i++)
		if (strcmp(applicant_cols[i].id, field) == 0)
			return true;
	return false;
}

static void import_applicant(struct import *im)
{
	/* A phone twice in the file is a mistake whichever row is right. */
	struct err e;
	if (check_mobile(v(im, A_PHONE), NULL)) {
		long first;
		if (!phones_add(&im->phones, strtoull(v(im, A_PHONE), NULL, 10), im->line, &first)) {
			im->stop = true;
			err_set(&im->stop_err, ST_NOMEM, "内存不足");
			return;
		}
		if (first) {
			char masked[32];
			mask_mobile(v(im, A_PHONE), masked);
			problem(im, "phone", "手机号 %s 与第 %ld 行重复，一个手机号只能注册一个账户",
				masked, first);
		}
	}
	if (im->row_bad)
		return;
	struct applicant_input in = {
		v(im, A_PHONE), v(im, A_NAME), v(im, A_ID_NUMBER), v(im, A_EMAIL),
		v(im, A_ADDRESS), v(im, A_POSTAL), "",
	};
	struct enterprise_input en = {
		v(im, A_CODE), v(im, A_ENAME), v(im, A_REP), v(im, A_EADDRESS), v(im, A_EPHONE),
	};
	err_clear(&e);
	if (svc_applicant_import(&im->c->app.svc, &im->c->actor, &in, &en, NULL, &e) != ST_OK)
		refused(im, applicant_column(e.field) ? e.field : "phone", "", &e);
}

/* ---- applications ---- */

static bool remember_number(struct import *im, const char *number)
{
	if (im->nnumbers == im->cap_numbers) {
		size_t cap = im->cap_numbers ? im->cap_numbers * 2 : 64;
		void *p = realloc(im->numbers, cap * sizeof *im->numbers);
		if (!p)
			return false;
		im->numbers = p;
		im->cap_numbers = cap;
	}
	snprintf(im->numbers[im->nnumbers++], sizeof *im->numbers, "line %ld: %s", im->line, number);
	return true;
}

static void import_application(struct import *im)
{
	struct svc *svc = &im->c->app.svc;
	struct err e;
	err_clear(&e);
	struct application_input in;
	memset(&in, 0, sizeof in);
	in.delivery = DELIVERY_PICKUP;
	const char *kind = v(im, P_KIND), *subject = v(im, P_SUBJECT), *years = v(im, P_YEARS);
	bool kind_ok = app_kind_parse(kind, &in.kind), subject_ok = true;
	if (!kind_ok)
		problem(im, "kind", "业务类型应为 new（新办）、renewal（续费）、change（变更）、reissue（补办）、"
			"revoke（注销）或 unlock（解锁）");
	if (strcmp(subject, "enterprise") == 0)
		in.subject = SUBJECT_ENTERPRISE;
	else if (strcmp(subject, "personal") == 0)
		in.subject = SUBJECT_PERSONAL;
	else
		subject_ok = false,
		problem(im, "subject", "证书类型应为 enterprise（企业证书）或 personal（个人证书）");
	if (kind_ok && !app_kind_has_years(in.kind)) {
		/* Services without a validity period: 0 or left empty. */
		if (years[0] && strcmp(years, "0") != 0)
			problem(im, "years", "%s不分有效期，years 应为 0 或留空", app_kind_label(in.kind));
	} else if (strlen(years) == 1 && years[0] >= '1' && years[0] <= '0' + APP_MAX_YEARS) {
		in.years = years[0] - '0';
	} else {
		problem(im, "years", "有效期应为 1 到 %d 的整数（年）", APP_MAX_YEARS);
	}
	in.cert_serial = v(im, P_SERIAL);
	if (kind_ok && in.kind == KIND_NEW && in.cert_serial[0])
		problem(im, "cert_serial", "新办证书不填写原证书序列号");
	in.service_reason = v(im, P_REASON);
	if (kind_ok && !app_kind_takes_reason(in.kind) && in.service_reason[0])
		problem(im, "reason", "%s不填写原因", app_kind_label(in.kind));

	struct applicant ap;
	memset(&ap, 0, sizeof ap);
	bool registered = false;
	if (check_mobile(v(im, P_PHONE), NULL)) {
		if (svc_applicant_by_phone(svc, v(im, P_PHONE), &ap, &e) == ST_OK) {
			registered = true;
		} else if (e.st == ST_NOT_FOUND) {
			char masked[32];
			mask_mobile(v(im, P_PHONE), masked);
			problem(im, "phone", "手机号 %s 尚未注册：请先登记或导入申请人", masked);
		} else {
			refused(im, "phone", "", &e);
			return;
		}
	}
	struct enterprise en;
	const char *code = v(im, P_CODE);
	if (subject_ok && in.subject == SUBJECT_ENTERPRISE) {
		if (!code[0]) {
			problem(im, "credit_code", "企业证书须填写统一社会信用代码");
		} else if (check_credit_code(code, NULL)) {
			err_clear(&e);
			if (svc_enterprise_by_code(svc, code, &en, &e) == ST_OK) {
				in.credit_code = en.credit_code;
				in.holder_name = en.name;
				in.legal_rep = en.legal_rep;
				in.address = en.address;
				in.phone = en.phone;
			} else if (e.st == ST_NOT_FOUND) {
				problem(im, "credit_code",
					"统一社会信用代码 %s 尚未登记：请先导入带此代码的申请人"
					"（certdesk import applicants），或在界面上为该企业录入一份申请单", code);
			} else {
				refused(im, "credit_code", "", &e);
				return;
			}
		}
	} else if (subject_ok) {
		if (code[0])
			problem(im, "credit_code", "个人证书不填写统一社会信用代码");
		if (registered && !ap.id_number[0])
			problem(im, "phone", "申请人资料中没有身份证号，不能办理个人证书：请先补充申请人资料");
		if (registered && !ap.address[0])
			problem(im, "phone", "申请人资料中没有通讯地址，不能办理个人证书：请先补充申请人资料");
		in.address = ap.address;
		in.postal_code = ap.postal_code;
		in.email = ap.email;
	}
	if (im->row_bad)
		return;

	/* What the use case checks beyond the columns is about the records
	 * behind them: the enterprise's (credit_code) or the applicant's (phone). */
	const char *other = in.subject == SUBJECT_ENTERPRISE ? "credit_code" : "phone";
	const char *other_prefix = in.subject == SUBJECT_ENTERPRISE ? "该企业登记的资料不全或有误："
								    : "申请人资料：";
	char number[NUMBER_MAX];
	err_clear(&e);
	enum status st = svc_application_precheck(svc, ap.id, &in, &e);
	if (st == ST_OK)
		st = svc_application_import(svc, &im->c->actor, ap.id, &in, NULL, number, &e);
	if (st != ST_OK) {
		bool own = strcmp(e.field, "years") == 0 || strcmp(e.field, "cert_serial") == 0 ||
			   strcmp(e.field, "credit_code") == 0;
		if (strcmp(e.field, "service_reason") == 0)
			refused(im, "reason", "", &e);
		else
			refused(im, own ? e.field : other, own ? "" : other_prefix, &e);
		return;
	}
	if (!remember_number(im, number)) {
		im->stop = true;
		err_set(&im->stop_err, ST_NOMEM, "内存不足");
	}
}

/* ---- the file ---- */

/* Match the header to the columns; reports what is wrong. */
static bool read_header(struct import *im, struct csv_reader *r)
{
	bool ok = true;
	im->nfile = csv_count(r);
	for (int i = 0; i < im->ncols; i++)
		im->at[i] = -1;
	for (int j = 0; j < im->nfile; j++) {
		char name[64];
		snprintf(name, sizeof name, "%s", csv_field(r, j));
		utf8_trim(name);
		int i = 0;
		while (i < im->ncols && strcmp(im->cols[i].id, name) != 0)
			i++;
		if (i == im->ncols) {
			char all[256] = "";
			for (int k = 0; k < im->ncols; k++)
				snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", k ? "," : "",
					 im->cols[k].id);
			problem(im, name[0] ? name : "(空)", "未知的列；列名应为 %s", all);
			ok = false;
		} else if (im->at[i] >= 0) {
			problem(im, name, "这一列出现了两次");
			ok = false;
		} else {
			im->at[i] = j;
		}
	}
	for (int i = 0; i < im->ncols; i++)
		if (im->cols[i].in_header && im->at[i] < 0) {
			problem(im, im->cols[i].id, "表头缺少这一列");
			ok = false;
		}
	return ok;
}

static bool blank_row(struct csv_reader *r)
{
	for (int i = 0; i < csv_count(r); i++) {
		char s[CSV_FIELD_MAX + 1];
		snprintf(s, sizeof s, "%s", csv_field(r, i));
		if (*utf8_trim(s))
			return false;
	}
	return true;
}

/* Read and import every row inside the open batch. False when the file
 * itself is unusable (reported). */
static bool import_rows(struct import *im, struct csv_reader *r)
{
	struct err e;
	err_clear(&e);
	enum csv_result res = csv_read(r, &e);
	im->line = csv_line(r);
	if (res == CSV_END) {
		cli_error("文件是空的：第一行应是表头");
		return false;
	}
	if (res == CSV_ERROR) {
		fprintf(stderr, "line %ld: %s\n", csv_line(r), err_text(&e));
		return false;
	}
	if (!read_header(im, r))
		return false;
	while (!im->stop && (res = csv_read(r, &e)) == CSV_RECORD) {
		im->line = csv_line(r);
		im->row_bad = false;
		if (blank_row(r))
			continue; /* Excel's rows of empty cells */
		if (csv_count(r) != im->nfile) {
			problem(im, "row", "这一行有 %d 个字段，表头有 %d 个", csv_count(r), im->nfile);
		} else {
			check_fields(im, r);
			if (im->applications)
				import_application(im);
			else
				import_applicant(im);
		}
		if (im->stop)
			break;
		if (im->row_bad)
			im->bad++;
		else
			im->good++;
	}
	if (res == CSV_ERROR) {
		fprintf(stderr, "line %ld: %s\n", csv_line(r), err_text(&e));
		return false;
	}
	return true;
}

static int usage(void)
{
	cli_error("用法：certdesk --user USER import applicants|applications FILE.csv [--partial]"
		  "（certdesk import --help 列出各列）");
	return EXIT_USAGE;
}

/* Keep in step with applicant_cols and application_cols. */
static const char *const help_text =
	"用法：certdesk --user USER import applicants|applications FILE.csv [--partial]\n"
	"\n"
	"从 CSV 文件（UTF-8，可带 BOM；FILE 为 - 时读标准输入）导入。第一行是表头，列的顺序不限。\n"
	"每一行都按界面上的规则检查；有任何一行出错时不导入任何记录，并逐行列出\n"
	"“line 行号: 列名: 原因”，退出状态为 1。--partial 只导入正确的行，出错的行照样列出。\n"
	"\n"
	"import applicants：登记申请人（经办人），并关联其代办的企业。\n"
	"  必须有的列：\n"
	"    phone            手机号（11 位，一个手机号只能注册一个账户）\n"
	"    name             姓名\n"
	"    id_number        身份证号（可留空；办理个人证书时必填）\n"
	"    email            电子邮箱（可留空）\n"
	"    address          通讯地址（可留空；办理个人证书时必填）\n"
	"    postal_code      邮政编码（6 位，可留空）\n"
	"    credit_code      企业的统一社会信用代码（可留空：不关联企业）\n"
	"    enterprise_name  企业名称（企业尚未登记时必填；已登记时须与登记的一致）\n"
	"  可选的列（企业尚未登记时三项都必须填写，否则以后不能为该企业导入申请单）：\n"
	"    legal_rep           法定代表人\n"
	"    enterprise_address  企业地址（营业执照上的住所）\n"
	"    enterprise_phone    企业电话（座机或手机）\n"
	"  企业已登记而缺少其中某项时，文件中给出的值会补进企业资料；已有的值不会被改写。\n"
	"\n"
	"import applications：为已登记的申请人创建申请单草稿（须在柜台阅读并同意协议书后提交）。\n"
	"  必须有的列：\n"
	"    phone        申请人的手机号（须已登记）\n"
	"    kind         new（新办）、renewal（续费）、change（变更）、reissue（补办）、\n"
	"                 revoke（注销）或 unlock（解锁）\n"
	"    subject      enterprise（企业证书）或 personal（个人证书）\n"
	"    credit_code  企业证书：已登记企业的统一社会信用代码；个人证书留空\n"
	"    years        有效期（年）；变更、补办、注销、解锁为 0 或留空\n"
	"    cert_serial  原证书序列号（新办留空）\n"
	"  可选的列：\n"
	"    reason       办理原因（变更、补办、注销；补办和注销必填）\n";

int cmd_import(struct cli *c, int argc, char **argv)
{
	const char *what = NULL, *path = NULL;
	bool partial = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(help_text, stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--partial") == 0)
			partial = true;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_error("import：未知选项 %s", argv[i]), EXIT_USAGE;
		else if (!what)
			what = argv[i];
		else if (!path)
			path = argv[i];
		else
			return usage();
	}
	if (!what || !path)
		return usage();
	bool applications = strcmp(what, "applications") == 0;
	if (!applications && strcmp(what, "applicants") != 0)
		return cli_error("import：应为 applicants 或 applications，而不是 %s", what), EXIT_USAGE;

	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		cli_error("无法打开 %s：%s", path, strerror(errno));
		return EXIT_FAIL;
	}
	struct csv_reader *r = csv_reader_new(f, 0, 0);
	static struct import im; /* large: the row's values */
	memset(&im, 0, sizeof im);
	im.c = c;
	im.applications = applications;
	im.cols = applications ? application_cols : applicant_cols;
	im.ncols = applications ? P__N : A__N;

	int rc = EXIT_FAIL;
	struct err e;
	err_clear(&e);
	if (!r) {
		cli_error("内存不足");
		goto out;
	}
	if (!cli_login(c))
		goto out;
	struct svc *svc = &c->app.svc;
	if (svc_batch_begin(svc, &e) != ST_OK) {
		cli_fail(&e);
		goto out;
	}
	bool file_ok = import_rows(&im, r);
	const char *things = applications ? "份申请单草稿" : "个申请人";
	if (!file_ok) {
		svc_batch_rollback(svc);
		cli_error("文件有误，没有导入任何记录");
		goto out;
	}
	if (im.stop) {
		svc_batch_rollback(svc);
		cli_error("导入中止（第 %ld 行），没有导入任何记录：%s", im.line, err_text(&im.stop_err));
		goto out;
	}
	if (im.bad && !partial) {
		svc_batch_rollback(svc);
		cli_error("%ld 行有误，没有导入任何记录。请改正后重新导入，或用 --partial 只导入正确的 %ld 行",
			  im.bad, im.good);
		goto out;
	}
	if (svc_batch_commit(svc, &e) != ST_OK) {
		cli_error("导入失败，没有导入任何记录：%s", err_text(&e));
		goto out;
	}
	for (size_t i = 0; i < im.nnumbers; i++)
		puts(im.numbers[i]);
	if (im.bad)
		printf("已导入 %ld %s；%ld 行有误，未导入\n", im.good, things, im.bad);
	else
		printf("已导入 %ld %s\n", im.good, things);
	if (applications && im.good)
		printf("导入的申请单是草稿：申请人须在柜台阅读并同意协议书后才能提交\n");
	rc = im.bad ? EXIT_FAIL : EXIT_OK;
out:
	csv_reader_free(r);
	if (f != stdin)
		fclose(f);
	free(im.phones.keys);
	free(im.phones.lines);
	free(im.numbers);
	return rc;
}
