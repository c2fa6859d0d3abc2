/* certdeskd: the central store every terminal syncs with. */
#include <getopt.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/form.h"
#include "server/http.h"
#include "store/db.h"
#include "svc/staff.h"
#include "util/log.h"

static void usage(FILE *out)
{
	fprintf(out,
		"用法：\n"
		"  certdeskd --db FILE --listen ADDR:PORT [--tls-cert FILE --tls-key FILE]\n"
		"            [--max-body BYTES] [--max-connections N] [--timeout SECONDS]\n"
		"  certdeskd init --db FILE --office CODE --office-name NAME --admin USER\n"
		"            [--admin-name NAME]      （管理员密码从标准输入第一行读取）\n"
		"\n"
		"certdesk 的中心服务：各终端与之同步的 SQLite 数据库与 HTTP(S) 接口。\n"
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
	optind = 1;
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
	if (db_open(dbp, &db, &e) != ST_OK) {
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

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (sodium_init() < 0) {
		err_out("%s", "无法初始化加密库");
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);

	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct server_config cfg = {
		.max_body = 8u << 20, .max_connections = 256, .timeout_s = 30,
	};
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': cfg.db_path = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'c': cfg.tls_cert = optarg; break;
		case 'k': cfg.tls_key = optarg; break;
		case 'b': cfg.max_body = strtoull(optarg, NULL, 10); break;
		case 'n': cfg.max_connections = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': cfg.timeout_s = (unsigned)strtoul(optarg, NULL, 10); break;
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
	if (!cfg.db_path || !cfg.listen || optind != argc || (!cfg.tls_cert != !cfg.tls_key) ||
	    cfg.max_body == 0 || cfg.max_connections == 0) {
		usage(stderr);
		return 2;
	}
	log_open(NULL, 1);
	return server_run(&cfg);
}
