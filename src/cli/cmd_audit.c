/*
 * certdesk audit verify
 * certdesk --user USER audit list [--user U] [--record NUMBER] [--from D --to D] [--limit N]
 * certdesk --user USER audit retention [--office CODE|all]
 *
 * verify walks the hash chain. list shows the audit log newest first (who,
 * what, when, which record, the before and after images as recorded, with
 * personal data masked); supervisors and admins. retention lists the
 * records old enough to archive (svc/stats.h); it deletes nothing.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "store/audit.h"
#include "svc/audit_text.h"
#include "svc/auditlog.h"
#include "svc/retention.h"
#include "svc/stats.h"
#include "util/clock.h"
#include "util/utf8.h"

static const char *const usage_text =
	"用法：certdesk audit verify\n"
	"       certdesk --user USER audit list [--user 用户名] [--record 单号] [--from YYYY-MM-DD]"
	" [--to YYYY-MM-DD] [--limit N]\n"
	"       certdesk --user USER audit retention [--office CODE|all]";

#define LIST_DEFAULT 50
#define LIST_MAX 100000
#define PAGE 100

static void progress(long done, void *ctx)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r已检查 %ld 条……", done);
}

static int verify(struct cli *c)
{
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

/* "--name value" or "--name=value" at argv[*i]; NULL when it is not --name. */
static const char *option(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static bool copy(char *out, size_t n, const char *s, const char *what)
{
	if (strlen(s) >= n) {
		cli_error("audit list：%s太长", what);
		return false;
	}
	snprintf(out, n, "%s", s);
	return true;
}

static void print_entry(const struct audit_row *r)
{
	char when[17] = "", record[64];
	time_t t;
	if (clock_parse_iso(r->at, &t))
		clock_local(t, when);
	else
		snprintf(when, sizeof when, "%.16s", r->at);
	const char *what = audit_action_label(r->action), *entity = audit_entity_label(r->entity);
	audit_record_name(r, record);
	printf("#%lld  %s  %s  %s%s%s%s", r->seq, when, r->actor_name, r->action, what ? "（" : "",
	       what ? what : "", what ? "）" : "");
	if (record[0])
		printf("  %s %s", entity ? entity : r->entity, record);
	fputc('\n', stdout);
	if (r->before)
		printf("  之前：%s\n", r->before);
	if (r->after)
		printf("  之后：%s\n", r->after);
}

static int list(struct cli *c, int argc, char **argv)
{
	struct auditlog_filter f;
	memset(&f, 0, sizeof f);
	long limit = LIST_DEFAULT;
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *s;
		if ((s = option(argc, argv, &i, "--user", &missing)) != NULL) {
			if (!copy(f.actor, sizeof f.actor, s, "用户名"))
				return EXIT_USAGE;
		} else if ((s = option(argc, argv, &i, "--record", &missing)) != NULL) {
			if (!copy(f.record, sizeof f.record, s, "单号"))
				return EXIT_USAGE;
		} else if ((s = option(argc, argv, &i, "--from", &missing)) != NULL) {
			if (!check_date(s, NULL))
				return cli_error("audit list：--from 应为 YYYY-MM-DD"), EXIT_USAGE;
			snprintf(f.from, sizeof f.from, "%s", s);
		} else if ((s = option(argc, argv, &i, "--to", &missing)) != NULL) {
			if (!check_date(s, NULL))
				return cli_error("audit list：--to 应为 YYYY-MM-DD"), EXIT_USAGE;
			snprintf(f.to, sizeof f.to, "%s", s);
		} else if ((s = option(argc, argv, &i, "--limit", &missing)) != NULL) {
			char *end;
			errno = 0;
			limit = strtol(s, &end, 10);
			if (errno || *end || end == s || limit < 1 || limit > LIST_MAX)
				return cli_error("audit list：--limit 应为 1 到 %d 的整数", LIST_MAX),
				       EXIT_USAGE;
		} else if (missing) {
			return cli_error("audit list：选项 %s 需要一个值", argv[i]), EXIT_USAGE;
		} else {
			cli_error("audit list：未知参数 %s", argv[i]);
			cli_error("%s", usage_text);
			return EXIT_USAGE;
		}
	}
	if (f.from[0] && f.to[0] && strcmp(f.from, f.to) > 0)
		return cli_error("audit list：起始日期晚于截止日期"), EXIT_USAGE;
	if (!cli_login(c))
		return EXIT_FAIL;
	signal(SIGPIPE, SIG_IGN);

	struct audit_row rows[PAGE];
	struct err e;
	err_clear(&e);
	long shown = 0;
	long long key = 0;
	enum page_dir dir = PAGE_FIRST;
	bool more = false;
	for (;;) {
		/* Past the limit, one row says whether older entries remain. */
		long want = shown < limit ? limit - shown : 1;
		int max = want < PAGE ? (int)want : PAGE;
		int n = svc_auditlog_page(&c->app.svc, &c->actor, &f, dir, key, rows, max, &e);
		if (n < 0)
			return cli_fail(&e);
		if (shown >= limit) {
			more = n > 0;
			audit_rows_done(rows, n);
			break;
		}
		for (int i = 0; i < n; i++)
			print_entry(&rows[i]);
		shown += n;
		if (n > 0)
			key = rows[n - 1].seq;
		audit_rows_done(rows, n);
		if (n < max)
			break;
		dir = PAGE_AFTER;
	}
	if (shown == 0)
		printf("没有符合条件的审计记录。\n");
	else
		printf("共 %ld 条（最新的在前）%s\n", shown,
		       more ? "；还有更早的记录，可用 --limit 列出更多" : "");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("写出失败：%s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* s in exactly `cols` display columns (cut with "…" or padded), then two spaces. */
static void cell(const char *s, int cols)
{
	char buf[256];
	int w = utf8_fit(s, cols, true, buf, sizeof buf);
	fputs(buf, stdout);
	for (int i = w; i < cols + 2; i++)
		fputc(' ', stdout);
}

static void retention_row(const char *number, const char *office, const char *kind,
			  const char *status, const char *ended, const char *invalid,
			  const char *archivable)
{
	fputs("  ", stdout);
	cell(number, 26);
	cell(office, 8);
	cell(kind, 4);
	cell(status, 6);
	cell(ended, 10);
	cell(invalid, 10);
	printf("%s\n", archivable);
}

static void retention_head(void)
{
	char now[17];
	clock_local(clock_now(), now);
	printf("可归档记录清单（证书失效已满 %d 年）  截至 %s\n", RETENTION_YEARS, now);
	printf("本程序从不删除任何记录：此清单只列出可以归档的申请单，归档须另行办理，数据库中的记录保持不变。\n");
	printf("失效时间：本机有证书记录的，按证书到期日（已注销的按注销时间）；没有证书记录的新办、续费"
	       "按制证时间加有效期年数；注销按办结时间；已取消的按取消时间。"
	       "其余证书有效期本机不知道，不列出。\n\n");
	retention_row("申请单号", "受理点", "业务", "状态", "办结/取消", "失效", "可归档自");
}

/* The head goes out with the first row, so that a refusal prints nothing. */
static void print_item(void *ctx, const struct retention_item *it)
{
	bool *head = ctx;
	if (!*head)
		retention_head();
	*head = true;
	char ended[11], invalid[11], archivable[11];
	snprintf(ended, sizeof ended, "%.10s", it->app.ended_at);
	snprintf(invalid, sizeof invalid, "%.10s", it->invalid_at);
	snprintf(archivable, sizeof archivable, "%.10s", it->archivable_at);
	retention_row(it->app.number, it->office_code[0] ? it->office_code : "?",
		      it->app.kind < KIND__COUNT ? app_kind_label(it->app.kind) : "?",
		      it->app.status < APP__COUNT ? app_status_label(it->app.status) : "?", ended,
		      invalid, archivable);
}

static int retention(struct cli *c, int argc, char **argv)
{
	const char *office = "";
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *s;
		if ((s = option(argc, argv, &i, "--office", &missing)) != NULL)
			office = s;
		else if (missing)
			return cli_error("audit retention：选项 %s 需要一个值", argv[i]), EXIT_USAGE;
		else
			return cli_error("audit retention：未知参数 %s", argv[i]), EXIT_USAGE;
	}
	if (!cli_login(c))
		return EXIT_FAIL;
	signal(SIGPIPE, SIG_IGN);
	struct retention_summary sum;
	struct err e;
	err_clear(&e);
	bool head = false;
	if (svc_retention(&c->app.svc, &c->actor, office, print_item, &head, &sum, &e) != ST_OK)
		return cli_fail(&e);
	if (!head) {
		retention_head();
		printf("  （没有可归档的记录）\n");
	}
	printf("\n共 %ld 份申请单可归档。", sum.listed);
	if (sum.unknown > 0)
		printf("另有 %ld 份办结已满 %d 年但证书失效时间未知，未列出。", sum.unknown,
		       RETENTION_YEARS);
	printf("未删除任何记录。\n");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("写出失败：%s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "verify") == 0)
		return verify(c);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return list(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "retention") == 0)
		return retention(c, argc, argv);
	cli_error("%s", usage_text);
	return EXIT_USAGE;
}
