/*
 * certdesk --user NAME stock list [--state STATE] [--serial PREFIX] [--limit N]
 * certdesk --user NAME stock receive SERIAL|FIRST..LAST... [--file FILE] [--note TEXT]
 * certdesk --user NAME stock issue NUMBER SERIAL
 * certdesk --user NAME stock damage SERIAL --note REASON
 * certdesk --user NAME stock return SERIAL|FIRST..LAST... [--file FILE] --note TEXT
 *
 * The office's stock of blank KEYs (svc/stock.h), always the stock of the
 * office of the member of staff named by --user. A list file has one
 * serial a line, as a scanner types them, or a range FIRST..LAST a line;
 * "-" reads standard input. Each movement is one command: audited, in the
 * outbox, and refused whole when any KEY of it cannot move.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/application.h"
#include "svc/stock.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/utf8.h"

static const char usage_text[] =
	"用法：certdesk --user NAME stock list [--state in_stock|issued|damaged|returned]"
	" [--serial PREFIX] [--limit N]\n"
	"      certdesk --user NAME stock receive SERIAL|FIRST..LAST... [--file FILE] [--note TEXT]\n"
	"      certdesk --user NAME stock issue NUMBER SERIAL\n"
	"      certdesk --user NAME stock damage SERIAL --note REASON\n"
	"      certdesk --user NAME stock return SERIAL|FIRST..LAST... [--file FILE] --note TEXT";

static int usage(void)
{
	fprintf(stderr, "%s\n", usage_text);
	return EXIT_USAGE;
}

static void cell(const char *s, int cols)
{
	char buf[256];
	int w = utf8_fit(s, cols, true, buf, sizeof buf);
	fputs(buf, stdout);
	for (int i = w; i < cols; i++)
		fputc(' ', stdout);
}

static void local(const char *iso, char out[17])
{
	time_t t;
	if (iso && *iso && clock_parse_iso(iso, &t))
		clock_local(t, out);
	else
		snprintf(out, 17, "-");
}

/* Options shared by the subcommands; positional arguments stay in argv. */
struct opts {
	const char *file, *note, *state, *serial;
	long limit;
	const char *args[64];
	int nargs;
};

static int parse(const char *sub, int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->limit = 200;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--file") == 0   ? &o->file
				    : strcmp(a, "--note") == 0   ? &o->note
				    : strcmp(a, "--state") == 0  ? &o->state
				    : strcmp(a, "--serial") == 0 ? &o->serial
								 : NULL;
		if (slot || strcmp(a, "--limit") == 0) {
			if (i + 1 >= argc)
				return cli_error("stock %s：选项 %s 需要一个值", sub, a), EXIT_USAGE;
			const char *v = argv[++i];
			if (slot) {
				*slot = v;
				continue;
			}
			char *end;
			o->limit = strtol(v, &end, 10);
			if (!*v || *end || o->limit < 1 || o->limit > 100000)
				return cli_error("stock %s：--limit 应为 1 到 100000 的整数", sub), EXIT_USAGE;
		} else if (a[0] == '-' && a[1] == '-') {
			return cli_error("stock %s：未知选项 %s", sub, a), EXIT_USAGE;
		} else if (o->nargs < 64) {
			o->args[o->nargs++] = a;
		} else {
			return cli_error("stock %s：参数太多，请用 --file", sub), EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/* The serials of the arguments and of --file, finished (sorted, no repeats). */
static int gather(const char *sub, const struct opts *o, struct key_list *l)
{
	struct err e;
	err_clear(&e);
	key_list_init(l);
	for (int i = 0; i < o->nargs; i++) {
		const char *dots = strstr(o->args[i], "..");
		char first[96];
		enum status st;
		if (dots && (size_t)(dots - o->args[i]) < sizeof first) {
			snprintf(first, sizeof first, "%.*s", (int)(dots - o->args[i]), o->args[i]);
			st = key_list_add_range(l, first, dots + 2, STOCK_BATCH_MAX, &e);
		} else {
			st = key_list_add_range(l, o->args[i], o->args[i], STOCK_BATCH_MAX, &e);
		}
		if (st != ST_OK) {
			cli_error("stock %s：%s", sub, err_text(&e));
			return EXIT_USAGE;
		}
	}
	if (o->file) {
		char *text = NULL;
		size_t len = 0;
		enum status st = ST_OK;
		if (strcmp(o->file, "-") == 0) {
			FILE *mem = open_memstream(&text, &len);
			char buf[4096];
			size_t n;
			while (mem && (n = fread(buf, 1, sizeof buf, stdin)) > 0 && len < (1u << 20))
				fwrite(buf, 1, n, mem);
			if (!mem || fclose(mem) != 0)
				st = err_status(&e, ST_NOMEM);
		} else {
			st = fs_read_all(o->file, 1u << 20, &text, &len, &e);
			if (st == ST_NOT_FOUND)
				err_set(&e, st, "找不到文件");
		}
		if (st == ST_OK && text && strlen(text) != len)
			st = err_set(&e, ST_INVALID, "清单文件含有空字节，不是文本文件");
		if (st == ST_OK)
			st = key_list_parse(l, text ? text : "", STOCK_BATCH_MAX, &e);
		free(text);
		if (st != ST_OK) {
			cli_error("stock %s：清单 %s：%s", sub, o->file, err_text(&e));
			key_list_done(l);
			return EXIT_FAIL;
		}
	}
	if (l->n == 0) {
		cli_error("stock %s：请给出 KEY 序列号、序列号段 FIRST..LAST 或 --file 清单", sub);
		key_list_done(l);
		return EXIT_USAGE;
	}
	if (key_list_finish(l, &e) != ST_OK) {
		cli_error("stock %s：%s", sub, err_text(&e));
		key_list_done(l);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static void print_ledger(const struct stock_ledger *g)
{
	printf("台账：在库 %ld，已发放 %ld，已损坏 %ld，已退回 %ld，合计 %ld\n",
	       g->state[STOCK_IN_STOCK], g->state[STOCK_ISSUED], g->state[STOCK_DAMAGED],
	       g->state[STOCK_RETURNED], g->total);
	printf("累计：入库 %ld，发放 %ld，损坏 %ld，退回 %ld\n", g->moved[MOVE_RECEIVE],
	       g->moved[MOVE_ISSUE], g->moved[MOVE_DAMAGE], g->moved[MOVE_RETURN]);
}

static int stock_list(struct cli *c, const struct opts *o)
{
	int state = -1;
	if (o->nargs)
		return cli_error("stock list：多余的参数 %s", o->args[0]), EXIT_USAGE;
	if (o->state) {
		for (int i = 0; i < STOCK_STATE__COUNT; i++)
			if (strcmp(o->state, stock_state_code((enum stock_state)i)) == 0 ||
			    strcmp(o->state, stock_state_label((enum stock_state)i)) == 0)
				state = i;
		if (state < 0)
			return cli_error("stock list：状态应为 in_stock（在库）、issued（已发放）、"
					 "damaged（已损坏）或 returned（已退回）"),
			       EXIT_USAGE;
	}
	if (!cli_login(c))
		return EXIT_FAIL;
	struct svc *svc = &c->app.svc;
	struct err e;
	err_clear(&e);
	struct stock_ledger g;
	if (svc_stock_ledger(svc, &c->actor, NULL, &g, &e) != ST_OK)
		return cli_fail(&e);
	print_ledger(&g);
	long total = svc_stock_count(svc, &c->actor, state, o->serial ? o->serial : "");
	putchar('\n');
	cell("KEY 序列号", 24), cell("状态", 10), cell("入库时间", 18), cell("申请单", 30);
	puts("备注");
	struct stock_key page[100];
	char key[KEY_SERIAL_MAX] = "";
	long shown = 0;
	enum page_dir dir = PAGE_FIRST;
	while (shown < o->limit) {
		int want = o->limit - shown < 100 ? (int)(o->limit - shown) : 100;
		int n = svc_stock_page(svc, &c->actor, state, o->serial ? o->serial : "", dir, key, page,
				       want, &e);
		if (n < 0)
			return cli_fail(&e);
		for (int i = 0; i < n; i++) {
			char at[17];
			local(page[i].received_at, at);
			cell(page[i].serial, 24);
			cell(stock_state_label(page[i].state), 10);
			cell(at, 18);
			cell(page[i].app_number[0] ? page[i].app_number : "-", 30);
			/* why damaged, where returned; an issue's is the number beside */
			bool noted = page[i].state == STOCK_DAMAGED || page[i].state == STOCK_RETURNED;
			puts(noted ? page[i].last_note : "");
		}
		shown += n;
		if (n < want)
			break;
		snprintf(key, sizeof key, "%s", page[n - 1].serial);
		dir = PAGE_AFTER;
	}
	if (total == 0)
		puts("（没有符合条件的 KEY）");
	else if (total > shown)
		printf("……共 %ld 个，只列出前 %ld 个（--limit）\n", total, shown);
	return EXIT_OK;
}

static int stock_receive(struct cli *c, const struct opts *o)
{
	struct key_list l;
	int rc = gather("receive", o, &l);
	if (rc != EXIT_OK)
		return rc;
	if (!cli_login(c)) {
		key_list_done(&l);
		return EXIT_FAIL;
	}
	struct err e;
	err_clear(&e);
	enum status st = svc_stock_receive(&c->app.svc, &c->actor, &l, o->note, NULL, &e);
	if (st == ST_OK && l.n == 1)
		printf("已入库 KEY %s\n", l.serial[0]);
	else if (st == ST_OK)
		printf("已入库 %d 个 KEY：%s 至 %s\n", l.n, l.serial[0], l.serial[l.n - 1]);
	key_list_done(&l);
	return st == ST_OK ? EXIT_OK : cli_fail(&e);
}

static int stock_return(struct cli *c, const struct opts *o)
{
	struct key_list l;
	int rc = gather("return", o, &l);
	if (rc != EXIT_OK)
		return rc;
	if (!o->note || !*o->note) {
		key_list_done(&l);
		return cli_error("stock return：请用 --note 写明退回说明（运单号或交接人）"), EXIT_USAGE;
	}
	if (!cli_login(c)) {
		key_list_done(&l);
		return EXIT_FAIL;
	}
	struct err e;
	err_clear(&e);
	enum status st = svc_stock_return(&c->app.svc, &c->actor, &l, o->note, &e);
	if (st == ST_OK)
		printf("已退回中心 %d 个 KEY：%s 至 %s\n", l.n, l.serial[0], l.serial[l.n - 1]);
	key_list_done(&l);
	return st == ST_OK ? EXIT_OK : cli_fail(&e);
}

static int stock_issue(struct cli *c, const struct opts *o)
{
	if (o->nargs != 2)
		return cli_error("用法：certdesk --user NAME stock issue NUMBER SERIAL"), EXIT_USAGE;
	if (!cli_login(c))
		return EXIT_FAIL;
	struct err e;
	err_clear(&e);
	struct application a;
	if (svc_application_by_number(&c->app.svc, o->args[0], &a, &e) != ST_OK)
		return cli_fail(&e);
	if (svc_stock_issue(&c->app.svc, &c->actor, a.id, o->args[1], &e) != ST_OK)
		return cli_fail(&e);
	struct stock_key k;
	if (svc_stock_of_application(&c->app.svc, a.id, &k, &e) == ST_OK)
		printf("已发放 KEY %s 给申请单 %s\n", k.serial, a.number);
	return EXIT_OK;
}

static int stock_damage(struct cli *c, const struct opts *o)
{
	if (o->nargs != 1)
		return cli_error("用法：certdesk --user NAME stock damage SERIAL --note REASON"),
		       EXIT_USAGE;
	if (!o->note || !*o->note)
		return cli_error("stock damage：请用 --note 写明损坏原因"), EXIT_USAGE;
	if (!cli_login(c))
		return EXIT_FAIL;
	struct err e;
	err_clear(&e);
	if (svc_stock_damage(&c->app.svc, &c->actor, o->args[0], o->note, &e) != ST_OK)
		return cli_fail(&e);
	struct stock_key k;
	if (svc_stock_get(&c->app.svc, o->args[0], &k, &e) != ST_OK)
		return cli_fail(&e);
	if (k.app_number[0])
		printf("已登记 KEY %s 损坏（原发放给申请单 %s）\n", k.serial, k.app_number);
	else
		printf("已登记 KEY %s 损坏\n", k.serial);
	return EXIT_OK;
}

int cmd_stock(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *sub = argv[1];
	struct opts o;
	int rc = parse(sub, argc, argv, &o);
	if (rc != EXIT_OK)
		return rc;
	if (strcmp(sub, "list") == 0)
		return stock_list(c, &o);
	if (strcmp(sub, "receive") == 0)
		return stock_receive(c, &o);
	if (strcmp(sub, "issue") == 0)
		return stock_issue(c, &o);
	if (strcmp(sub, "damage") == 0)
		return stock_damage(c, &o);
	if (strcmp(sub, "return") == 0)
		return stock_return(c, &o);
	return usage();
}
