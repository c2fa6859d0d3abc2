/*
 * certdesk --user USER print application NUMBER... [--from FILE]
 *                            receipt ORDER | payment ORDER|PAYMENT | pickup NUMBER|ORDER
 *                            [-o FILE.pdf] [--printer NAME]
 *
 * The printed documents (svc/print.h), as a staff member (--user):
 *   application  form and agreement; several numbers (or --from FILE, one
 *                number a line, "-" for standard input) make ONE PDF with
 *                every application in the order given, or nothing at all
 *                when any of them cannot be printed (each reason is listed)
 *   receipt      the order's receipt (回执)
 *   payment      the receipt for money received (收款凭证), by order or payment
 *   pickup       the pickup slip (领取单) of an application or an order
 * Without -o the PDF goes to DATA/print/. With --printer, or a `printer` in
 * certdesk.conf, it is also sent to that CUPS printer; if that fails the
 * PDF is kept and the message says where.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/attachment.h"
#include "svc/print.h"

static const char *const usage_text =
	"用法：certdesk --user USER print application NUMBER... [--from FILE] [-o FILE.pdf] [--printer NAME]\n"
	"       certdesk --user USER print receipt ORDER [-o FILE.pdf] [--printer NAME]\n"
	"       certdesk --user USER print payment ORDER|PAYMENT [-o FILE.pdf] [--printer NAME]\n"
	"       certdesk --user USER print pickup NUMBER|ORDER [-o FILE.pdf] [--printer NAME]";

static int usage(void)
{
	cli_error("%s", usage_text);
	return EXIT_USAGE;
}

/* The numbers of --from FILE ("-": standard input), one a line; blank
 * lines and lines starting with '#' are skipped, spaces around dropped. */
static bool read_numbers(const char *file, char ***list, int *n, int *cap)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (!f) {
		cli_error("print：无法打开 %s", file);
		return false;
	}
	char line[256];
	int lineno = 0;
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			cli_error("print：%s 第 %d 行过长", file, lineno);
			ok = false;
			break;
		}
		char *s = line, *end = line + len;
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
			*--end = '\0';
		if (!*s || *s == '#')
			continue;
		if (*n >= PRINT_BATCH_MAX) {
			cli_error("print：一次最多打印 %d 份申请单", PRINT_BATCH_MAX);
			ok = false;
			break;
		}
		if (*n == *cap) {
			int nc = *cap ? *cap * 2 : 64;
			char **more = realloc(*list, (size_t)nc * sizeof *more);
			if (!more) {
				ok = false;
				break;
			}
			*list = more;
			*cap = nc;
		}
		(*list)[*n] = strdup(s);
		if (!(*list)[*n])
			ok = false;
		else
			(*n)++;
	}
	if (f != stdin)
		fclose(f);
	if (ok && *n == 0) {
		cli_error("print：%s 中没有申请单号", file);
		ok = false;
	}
	return ok;
}

int cmd_print(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "printer", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *printer_opt = NULL, *from = NULL;
	optind = 0; /* GNU: start over, main() parsed its own options */
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (!*optarg)
				return cli_error("print：-o 需要文件名"), EXIT_USAGE;
			output = optarg;
			break;
		case 'p':
			if (!*optarg)
				return cli_error("print：--printer 需要打印机名称"), EXIT_USAGE;
			printer_opt = optarg;
			break;
		case 'f':
			if (!*optarg)
				return cli_error("print：--from 需要文件名（- 表示标准输入）"), EXIT_USAGE;
			from = optarg;
			break;
		default:
			if (optopt == 'o' || optopt == 'p' || optopt == 'f')
				cli_error("print：选项 %s 需要一个值", argv[optind - 1]);
			else
				cli_error("print：未知选项 %s", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 1)
		return usage();
	const char *what = argv[optind];
	int nrefs = argc - optind - 1;
	bool is_app = strcmp(what, "application") == 0;
	if (!is_app && strcmp(what, "receipt") != 0 && strcmp(what, "payment") != 0 &&
	    strcmp(what, "pickup") != 0) {
		cli_error("print：未知的文件类型 %s（可打印：application、receipt、payment、pickup）", what);
		return EXIT_USAGE;
	}
	if (from && !is_app) {
		cli_error("print：--from 只用于批量打印申请表（print application）");
		return EXIT_USAGE;
	}
	if (is_app ? (nrefs < 1 && !from) : nrefs != 1)
		return usage();

	char **list = NULL;
	int n = 0, cap = 0, rc = EXIT_FAIL;
	for (int i = 0; i < nrefs; i++) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **more = realloc(list, (size_t)cap * sizeof *more);
			if (!more)
				goto out;
			list = more;
		}
		list[n++] = strdup(argv[optind + 1 + i]);
		if (!list[n - 1]) {
			n--;
			goto out;
		}
	}
	if (from && !read_numbers(from, &list, &n, &cap)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (n > PRINT_BATCH_MAX) {
		cli_error("print：一次最多打印 %d 份申请单（给出了 %d 份）", PRINT_BATCH_MAX, n);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!cli_login(c))
		goto out;

	struct err e;
	err_clear(&e);
	/* A printer name that cannot be right is refused before printing. */
	const char *printer = svc_print_printer(&c->app, printer_opt);
	if (printer && !printer_name_valid(printer, &e)) {
		if (printer_opt)
			rc = cli_fail(&e);
		else
			cli_error("certdesk.conf 的 printer 设置有误：%s", err_text(&e));
		goto out;
	}
	struct print_result r;
	enum status st;
	if (is_app && n == 1) {
		st = svc_print_application(&c->app, &c->actor, list[0], output, &r, &e);
	} else if (is_app) {
		enum { SHOWN = 50 };
		struct print_refusal refused[SHOWN];
		int nr = 0;
		st = svc_print_applications(&c->app, &c->actor, (const char *const *)list, n, output, &r,
					    refused, SHOWN, &nr, &e);
		if (st != ST_OK && nr > 0) {
			for (int i = 0; i < nr && i < SHOWN; i++)
				cli_error("%s：%s", refused[i].ref, refused[i].msg);
			if (nr > SHOWN)
				cli_error("另有 %d 份未列出", nr - SHOWN);
			cli_error("%d 份申请单中有 %d 份不能打印，全部未打印", n, nr);
			goto out;
		}
	} else if (strcmp(what, "receipt") == 0) {
		st = svc_print_receipt(&c->app, &c->actor, list[0], output, &r, &e);
	} else if (strcmp(what, "payment") == 0) {
		st = svc_print_payment(&c->app, &c->actor, list[0], output, &r, &e);
	} else {
		st = svc_print_pickup(&c->app, &c->actor, list[0], output, &r, &e);
	}
	if (st != ST_OK) {
		rc = cli_fail(&e);
		goto out;
	}
	char size[32];
	attach_size_text((long long)r.bytes, size);
	if (r.count > 1 && is_app)
		printf("已生成：%s，%d 份\n", r.document, r.count);
	else
		printf("已生成：%s\n", r.document);
	printf("文件：%s\n", r.path);
	printf("页数：%d，大小：%s（%zu 字节）\n", r.pages, size, r.bytes);
	if (r.n_bad)
		cli_error("注意：%s。请核对这些字段，或在纸上手写补全", r.warning);

	rc = EXIT_OK;
	if (printer) {
		char job[PRINTER_JOB_MAX];
		if (svc_print_send(printer, r.path, job, &e) != ST_OK) {
			rc = cli_fail(&e);
		} else if (job[0]) {
			printf("已送打印机 %s（任务 %s）\n", printer, job);
		} else {
			printf("已送打印机 %s\n", printer);
		}
	}
out:
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}
