/* certdesk audit verify: walk the hash chain. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/audit.h"

static void progress(long done, void *ctx)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r已检查 %ld 条……", done);
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		cli_error("用法：certdesk audit verify");
		return EXIT_USAGE;
	}
	if (!cli_open(c))
		return EXIT_FAIL;
	struct audit_check chk;
	struct err e;
	err_clear(&e);
	if (audit_verify(c->app.db, &chk, progress, NULL, &e) != ST_OK)
		return cli_fail(&e);
	if (isatty(STDERR_FILENO) && chk.entries >= 65536)
		fputc('\n', stderr);
	if (chk.bad_seq) {
		printf("审计日志已被篡改：第 %ld 条记录%s。此前 %ld 条记录完好。\n", chk.bad_seq,
		       chk.reason, chk.entries);
		return EXIT_FAIL;
	}
	printf("审计日志完整：共 %ld 条记录，哈希链无断裂。\n", chk.entries);
	return EXIT_OK;
}
