/* certdeskd: the central store every terminal syncs with. */
#include <getopt.h>
#include <stdint.h>
#include <locale.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/form.h"
#include "server/admin.h"
#include "server/centre.h"
#include "server/http.h"
#include "server/parse.h"
#include "server/puk.h"
#include "store/db.h"
#include "svc/staff.h"
#include "util/log.h"

static void usage(FILE *out)
{
	fprintf(out,
		"用法：\n"
		"  certdeskd --db FILE --listen ADDR:PORT [--data DIR] [--tls-cert FILE --tls-key FILE]\n"
		"            [--max-body BYTES] [--max-connections N] [--timeout SECONDS] [--threads N]\n"
		"            [--lifecycle-interval SECONDS]\n"
		"  certdeskd init --db FILE --office CODE --office-name NAME --admin USER\n"
		"            [--admin-name NAME]      （管理员密码从标准输入第一行读取）\n"
		"  certdeskd office add --db FILE --code CODE --name NAME\n"
		"  certdeskd terminal add --db FILE --office CODE --name NAME [--all-offices]\n"
		"  certdeskd terminal list --db FILE\n"
		"  certdeskd terminal revoke --db FILE 终端编号|受理点代码:终端号\n"
		"  certdeskd puk keygen --key FILE\n"
		"  certdeskd puk load --db FILE [--key FILE] [--replace] [清单文件]   （每行“KEY标识,PUK”）\n"
		"  certdeskd puk list --db FILE\n"
		"\n"
		"certdesk 的中心服务：各终端与之同步的 SQLite 数据库与 HTTP(S) 接口。\n"
		"  --data DIR     附件文件目录（默认为数据库文件所在目录）\n"
		"  --lifecycle-interval SECONDS\n"
		"                 证书注销任务的运行间隔（默认 3600 秒，0 为不运行）\n"
		"  -h, --help     显示本帮助\n"
		"  -V, --version  显示版本\n"
		"详见 certdeskd(1)。\n");
}

static void err_out(const char *fmt, const char *arg)
{
	fputs("certdeskd: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

static int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "office", required_argument, NULL, 'o' },
		{ "office-name", required_argument, NULL, 'n' },
		{ "admin", required_argument, NULL, 'a' },
		{ "admin-name", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbp = NULL, *office = NULL, *office_name = NULL, *admin = NULL, *name = NULL;
	int ch;
	optind = 0; /* 0, not 1: GNU getopt then forgets the main parse's "+" mode */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbp = optarg; break;
		case 'o': office = optarg; break;
		case 'n': office_name = optarg; break;
		case 'a': admin = optarg; break;
		case 'm': name = optarg; break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!dbp || !office || !office_name || !admin || optind != argc) {
		usage(stderr);
		return 2;
	}
	char pw[128];
	if (!fgets(pw, sizeof pw, stdin)) {
		err_out("%s", "请在标准输入第一行提供管理员密码");
		return 2;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	const struct form_def *def = form_find("setup");
	const char *values[][2] = { { "office_code", office }, { "office_name", office_name },
				    { "username", admin }, { "name", name ? name : admin },
				    { "password", pw } };
	struct err e;
	err_clear(&e);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		const struct form_field *f = form_field(def, values[i][0]);
		if (!form_check(f, values[i][1], &e)) {
			fprintf(stderr, "certdeskd: %s：%s\n", f->label, err_text(&e));
			return 1;
		}
	}
	struct db *db;
	/* With the change feed in place before the first row, so that
	 * terminals pull the office, the admin and the prices. */
	if (centre_open(dbp, &db, &e) != ST_OK) {
		err_out("%s", err_text(&e));
		return 1;
	}
	struct svc svc = { .db = db, .centre = true };
	if (!svc_needs_setup(&svc)) {
		db_close(db);
		err_out("%s", "该数据库已经初始化过");
		return 1;
	}
	/* The centre's own console is its terminal 00. */
	struct setup_input in = { office, office_name, "中心控制台", admin, name ? name : admin, pw };
	struct actor a;
	enum status st = svc_setup(&svc, &in, &a, &e);
	memset(pw, 0, sizeof pw);
	db_close(db);
	if (st != ST_OK) {
		err_out("%s", err_text(&e));
		return 1;
	}
	printf("中心数据库已初始化：受理点 %s（%s），管理员 %s\n", office, office_name, admin);
	return 0;
}

/* The options of an admin subcommand; which ones it takes is its table. */
struct sub_args {
	const char *db, *code, *name, *office;
	bool all_offices;
	int first_arg;        /* index of the first operand */
};

static bool parse_sub(int argc, char **argv, const struct option *opts, struct sub_args *a)
{
	memset(a, 0, sizeof *a);
	int ch;
	optind = 0; /* 0, not 1: GNU getopt then starts afresh */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': a->db = optarg; break;
		case 'c': a->code = optarg; break;
		case 'n': a->name = optarg; break;
		case 'o': a->office = optarg; break;
		case 'A': a->all_offices = true; break;
		default:
			err_out("无效的选项 %s（用 --help 查看用法）", argv[optind - 1]);
			return false;
		}
	}
	a->first_arg = optind;
	return true;
}

static int cmd_office(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "code", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct sub_args a;
	if (argc < 2 || strcmp(argv[1], "add") != 0 || !parse_sub(argc - 1, argv + 1, opts, &a) ||
	    !a.db || !a.code || !a.name || a.first_arg != argc - 1) {
		usage(stderr);
		return 2;
	}
	return admin_office_add(a.db, a.code, a.name);
}

static int cmd_terminal(int argc, char **argv)
{
	static const struct option add_opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "office", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "all-offices", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option db_opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb = argc > 1 ? argv[1] : "";
	int n = argc - 1;
	char **v = argv + 1;
	struct sub_args a;
	if (strcmp(verb, "add") == 0) {
		if (parse_sub(n, v, add_opts, &a) && a.db && a.office && a.name && a.first_arg == n)
			return admin_terminal_add(a.db, a.office, a.name, a.all_offices);
	} else if (strcmp(verb, "list") == 0) {
		if (parse_sub(n, v, db_opts, &a) && a.db && a.first_arg == n)
			return admin_terminal_list(a.db);
	} else if (strcmp(verb, "revoke") == 0) {
		if (parse_sub(n, v, db_opts, &a) && a.db && a.first_arg == n - 1)
			return admin_terminal_revoke(a.db, v[a.first_arg]);
	}
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* Many request threads allocate at once: SQLite's memory statistics
	 * would put one global mutex on every allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sodium_init() < 0) {
		err_out("%s", "无法初始化加密库");
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "office") == 0)
		return cmd_office(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "terminal") == 0)
		return cmd_terminal(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "puk") == 0)
		return puk_admin_main(argc - 1, argv + 1);

	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "data", required_argument, NULL, 'D' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, 'T' },
		{ "lifecycle-interval", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct server_config cfg = {
		.max_body = 8u << 20, .max_connections = 256, .timeout_s = 30,
		.lifecycle_s = 3600,
	};
	int ch;
	uint64_t v;
	bool bad = false;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': cfg.db_path = optarg; break;
		case 'D': cfg.data_dir = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'c': cfg.tls_cert = optarg; break;
		case 'k': cfg.tls_key = optarg; break;
		case 'b':
			bad |= !parse_uint(optarg, SIZE_MAX, &v);
			cfg.max_body = (size_t)v;
			break;
		case 'n':
			bad |= !parse_uint(optarg, 65535, &v);
			cfg.max_connections = (unsigned)v;
			break;
		case 't':
			bad |= !parse_uint(optarg, 86400, &v);
			cfg.timeout_s = (unsigned)v;
			break;
		case 'T':
			bad |= !parse_uint(optarg, 256, &v) || v == 0;
			cfg.threads = (unsigned)v;
			break;
		case 'L':
			bad |= !parse_uint(optarg, 7 * 86400, &v);
			cfg.lifecycle_s = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("certdeskd %s\n", CERTDESK_VERSION);
			return 0;
		default:
			err_out("未知选项 %s（用 --help 查看用法）", argv[optind - 1]);
			return 2;
		}
	}
	if (bad || !cfg.db_path || !cfg.listen || optind != argc || (!cfg.tls_cert != !cfg.tls_key) ||
	    cfg.max_body == 0 || cfg.max_connections == 0) {
		usage(stderr);
		return 2;
	}
	/* One write per log line, not one per piece of it. */
	setvbuf(stderr, NULL, _IOLBF, 0);
	log_open(NULL, 1);
	return server_run(&cfg);
}
