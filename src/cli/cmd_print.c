/*
 * certdesk print application NUMBER [-o FILE.pdf] [--printer NAME]
 *
 * The application form and the agreement of one application, in one PDF
 * (svc/print.h), as a staff member (--user). Without -o the PDF goes to
 * DATA/print/NUMBER.pdf. With --printer, or a `printer` in certdesk.conf,
 * it is also sent to that CUPS printer; if that fails the PDF is kept and
 * the message says where.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/attachment.h"
#include "svc/print.h"

static int usage(void)
{
	cli_error("用法：certdesk --user USER print application NUMBER [-o FILE.pdf] [--printer NAME]");
	return EXIT_USAGE;
}

int cmd_print(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "printer", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *printer_opt = NULL;
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
		default:
			if (optopt == 'o' || optopt == 'p')
				cli_error("print：选项 %s 需要一个值", argv[optind - 1]);
			else
				cli_error("print：未知选项 %s", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return usage();
	if (strcmp(argv[optind], "application") != 0) {
		cli_error("print：未知的文件类型 %s（目前可打印：application）", argv[optind]);
		return EXIT_USAGE;
	}
	const char *number = argv[optind + 1];
	if (!cli_login(c))
		return EXIT_FAIL;

	struct err e;
	err_clear(&e);
	/* A printer name that cannot be right is refused before printing. */
	const char *printer = svc_print_printer(&c->app, printer_opt);
	if (printer && !printer_name_valid(printer, &e)) {
		if (printer_opt)
			return cli_fail(&e);
		cli_error("certdesk.conf 的 printer 设置有误：%s", err_text(&e));
		return EXIT_FAIL;
	}
	struct print_result r;
	if (svc_print_application(&c->app, &c->actor, number, output, &r, &e) != ST_OK)
		return cli_fail(&e);
	char size[32];
	attach_size_text((long long)r.bytes, size);
	printf("已生成：%s\n", r.document);
	printf("文件：%s\n", r.path);
	printf("页数：%d，大小：%s（%zu 字节）\n", r.pages, size, r.bytes);
	if (r.n_bad)
		cli_error("注意：%s。请核对这些字段，或在纸上手写补全", r.warning);

	if (!printer)
		return EXIT_OK;
	char job[PRINTER_JOB_MAX];
	if (svc_print_send(printer, r.path, job, &e) != ST_OK)
		return cli_fail(&e);
	if (job[0])
		printf("已送打印机 %s（任务 %s）\n", printer, job);
	else
		printf("已送打印机 %s\n", printer);
	return EXIT_OK;
}
