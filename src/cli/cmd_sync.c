/* certdesk sync: one round with the centre, enrolment, status, conflicts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svc/staff.h"
#include "sync/sync.h"
#include "util/clock.h"
#include "util/jsonx.h"

/* A bar is worth drawing from this many ops on. */
#define BAR_FROM 200

static const char usage_text[] =
	"用法：\n"
	"  certdesk sync                              与中心同步一次（无需登录：推送员工已办理的操作）\n"
	"  certdesk sync --status                     显示同步状态\n"
	"  certdesk sync --conflicts                  列出被中心拒绝、待处理的操作\n"
	"  certdesk --user 管理员 sync --enroll URL 登记码 [--force]\n"
	"                                             把本终端登记到中心（尚未初始设置的终端无需 --user）\n"
	"  certdesk --user 员工 sync --resolve 操作编号 discard|reapply|merge\n"
	"                                             处理冲突：放弃本机修改、在中心新版本上重新提交、\n"
	"                                             或合并到中心已有的申请人\n";

struct bar {
	bool tty;
	bool shown;
	long total;
};

static void on_progress(const struct sync_progress *p, void *ctx)
{
	struct bar *b = ctx;
	if (!b->tty)
		return;
	if (p->phase != SYNC_PHASE_PULL && p->total < BAR_FROM && !p->bytes)
		return;
	char line[160];
	if (p->phase == SYNC_PHASE_PULL) {
		snprintf(line, sizeof line, "拉取：%ld 条", p->done);
	} else {
		int width = 30, fill = p->total > 0 ? (int)(p->done * width / p->total) : 0;
		char bar[64];
		for (int i = 0; i < width; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[width] = '\0';
		snprintf(line, sizeof line, "推送：[%s] %ld/%ld  附件 %.1f MB", bar, p->done, p->total,
			 (double)p->bytes / 1048576.0);
	}
	fprintf(stderr, "\r%s\033[K", line);
	b->shown = true;
}

static int run_round(struct cli *c)
{
	struct bar b = { .tty = isatty(STDERR_FILENO) != 0 };
	struct sync_stats s;
	struct err e;
	err_clear(&e);
	enum status st = sync_round(&c->app, on_progress, &b, &s, &e);
	if (b.shown)
		fputc('\n', stderr);
	if (st == ST_STATE && !sync_is_enrolled(c->app.db))
		return cli_fail(&e);
	printf("已推送 %ld、已拉取 %ld、冲突 %ld\n", s.pushed, s.pulled, s.conflicts);
	if (s.blobs)
		printf("已上传附件 %ld 个（%.1f MB）\n", s.blobs, (double)s.blob_bytes / 1048576.0);
	if (s.pending)
		printf("待推送 %ld（%s）\n", s.pending,
		       st == ST_OK ? "中心要求稍后重试，如附件尚未到达" : "下次同步时继续");
	if (s.deferred)
		printf("暂缓写入的中心记录 %ld 条（本机还有相关操作未完成或有冲突待处理）\n", s.deferred);
	if (s.conflicts)
		printf("有 %ld 个操作被中心拒绝，请用 certdesk sync --conflicts 查看并处理\n", s.conflicts);
	return st == ST_OK ? EXIT_OK : cli_fail(&e);
}

static void local_time(const char *iso, char out[17])
{
	time_t t;
	if (iso[0] && clock_parse_iso(iso, &t))
		clock_local(t, out);
	else
		snprintf(out, 17, "从未");
}

static int show_status(struct cli *c)
{
	struct sync_status s;
	struct err e;
	err_clear(&e);
	if (sync_status_read(c->app.db, &s, &e) != ST_OK)
		return cli_fail(&e);
	char ok[17], tried[17];
	local_time(s.last_ok, ok);
	local_time(s.last_try, tried);
	if (s.enrolled)
		printf("中心：%s\n", s.host);
	else
		printf("中心：未登记（由管理员运行 certdesk sync --enroll URL 登记码）\n");
	printf("待推送：%ld\n冲突：%ld\n暂缓写入：%ld\n同步位置：%lld\n上次成功：%s\n上次尝试：%s\n",
	       s.pending, s.conflicts, s.deferred, s.cursor, ok, tried);
	if (s.last_error[0])
		printf("上次错误：%s\n", s.last_error);
	if (!s.enrolled && s.pending > 0)
		printf("注意：本终端尚未在中心登记，已办理的业务只保存在本机；登记前编出的单号"
		       "可能与同一受理点的其他终端重复，请尽快登记（docs/SYNC.md）。\n");
	return EXIT_OK;
}

static int list_conflicts(struct cli *c)
{
	struct sync_conflict *list;
	struct err e;
	err_clear(&e);
	long n = sync_conflicts(c->app.db, &list, &e);
	if (n < 0)
		return cli_fail(&e);
	if (n == 0)
		printf("没有待处理的冲突。\n");
	for (long i = 0; i < n; i++) {
		const struct sync_conflict *k = &list[i];
		char when[17];
		local_time(k->created_at, when);
		printf("%s  %s  %s  %s\n", k->op_id, when, k->command, k->code);
		printf("    中心：%s", k->message);
		if (k->field[0])
			printf("（字段 %s）", k->field);
		putchar('\n');
		json_t *row = k->centre_row ? json_loads(k->centre_row, 0, NULL) : NULL;
		json_t *v = json_object_get(row, "version");
		if (json_is_integer(v))
			printf("    中心版本 %lld（本机修改基于版本 %ld），更新于 %s\n",
			       (long long)json_integer_value(v), k->base_version,
			       jx_cstr(row, "updated_at") ? jx_cstr(row, "updated_at") : "?");
		json_decref(row);
		printf("    可选处理：discard%s%s\n", k->can_reapply ? " reapply" : "",
		       k->can_merge ? " merge" : "");
	}
	sync_conflicts_free(list, n);
	return EXIT_OK;
}

static int enroll(struct cli *c, const char *url, const char *code, bool force)
{
	const struct actor *admin = NULL;
	if (!svc_needs_setup(&c->app.svc)) {
		if (!cli_login(c))
			return EXIT_FAIL;
		admin = &c->actor;
	}
	struct sync_enrollment en;
	struct err e;
	err_clear(&e);
	if (sync_enroll(&c->app, admin, url, code, force, &en, &e) != ST_OK)
		return cli_fail(&e);
	printf("已登记到中心：受理点 %s（%s），终端 %s", en.office_code, en.office_name,
	       en.terminal_code);
	if (en.moved_ops)
		printf("；%ld 个待推送的操作已改为中心分配的身份", en.moved_ops);
	printf("。\n请运行 certdesk sync 取得中心的员工、价目表等数据。\n");
	return EXIT_OK;
}

static int resolve(struct cli *c, const char *op_id, const char *how_s)
{
	enum sync_resolution how;
	if (!sync_resolution_parse(how_s, &how)) {
		cli_error("sync --resolve：处理方式应为 discard、reapply 或 merge");
		return EXIT_USAGE;
	}
	if (!cli_login(c))
		return EXIT_FAIL;
	struct err e;
	err_clear(&e);
	if (sync_resolve(c->app.db, &c->actor, op_id, how, &e) != ST_OK)
		return cli_fail(&e);
	static const char *const done[] = {
		"已放弃本机的修改，以中心的记录为准",
		"已在中心的新版本上重新排队，下次同步时提交",
		"已合并到中心已有的申请人，相关申请单和操作已转过去",
	};
	printf("%s。\n", done[how]);
	return EXIT_OK;
}

int cmd_sync(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "enroll", no_argument, NULL, 'e' },
		{ "force", no_argument, NULL, 'f' },
		{ "status", no_argument, NULL, 's' },
		{ "conflicts", no_argument, NULL, 'c' },
		{ "resolve", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int mode = 0, ch;
	bool force = false;
	optind = 0; /* GNU: start over, main() parsed its own options */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			force = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		case 'e': case 's': case 'c': case 'r':
			if (mode && mode != ch) {
				cli_error("sync：--enroll、--status、--conflicts、--resolve 只能选一个");
				return EXIT_USAGE;
			}
			mode = ch;
			break;
		default:
			cli_error("sync：未知选项 %s（用 certdesk sync --help 查看用法）", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	int args = argc - optind, want = mode == 'e' || mode == 'r' ? 2 : 0;
	if (args != want || (force && mode != 'e')) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!cli_open(c))
		return EXIT_FAIL;
	switch (mode) {
	case 'e': return enroll(c, argv[optind], argv[optind + 1], force);
	case 's': return show_status(c);
	case 'c': return list_conflicts(c);
	case 'r': return resolve(c, argv[optind], argv[optind + 1]);
	default: return run_round(c);
	}
}
