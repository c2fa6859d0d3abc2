/* KEY PUKs at the centre: the release route and the admin commands. */
#include "server/puk.h"

#include <getopt.h>
#include <limits.h>
#include <microhttpd.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/centre.h"
#include "store/audit.h"
#include "svc/puk.h"
#include "util/jsonx.h"
#include "util/log.h"

/* ---- the route ---- */

void puk_release_route(struct route_request *rq, struct route_response *rs)
{
	json_t *body = route_json_body(rq, rs);
	if (!body)
		return;
	struct err e;
	err_clear(&e);
	struct puk_request r = { jx_cstr(body, "application_id"), jx_cstr(body, "card_id"),
				 jx_cstr(body, "actor_id") };
	struct db *db = request_db(rq, &e);
	if (!db) {
		json_decref(body);
		route_fail(rs, &e);
		return;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/puk.key", centre_data_dir());
	struct puk_key k;
	enum status st = puk_key_read(path, &k, &e);
	if (st != ST_OK) {
		log_error("puk: the key file cannot be used: %s", err_text(&e));
		json_decref(body);
		err_set(&e, ST_STATE, "中心尚未配置可用的 PUK 密钥文件，暂时无法提供 PUK，请联系中心管理员");
		route_fail(rs, &e);
		return;
	}
	struct svc svc = { .db = db, .centre = true };
	char puk[KEY_PUK_MAX], number[NUMBER_MAX];
	centre_write_lock();
	st = svc_puk_release(&svc, rq->peer, &r, &k, puk, number, &e);
	centre_write_unlock();
	puk_key_wipe(&k);
	if (st != ST_OK) {
		log_info("puk: refused to terminal %s: %s", rq->peer->terminal_id, status_code(st));
		json_decref(body);
		route_fail(rs, &e);
		return;
	}
	log_info("puk: released for %s to terminal %s", number, rq->peer->terminal_id);
	rs->code = MHD_HTTP_OK;
	rs->body = json_pack("{s:s, s:s}", "puk", puk, "number", number);
	route_header(rs, "Cache-Control", "no-store");
	sodium_memzero(puk, sizeof puk);
	json_decref(body);
}

/* ---- the admin commands ---- */

static int fail(const struct err *e)
{
	fprintf(stderr, "certdeskd: %s\n", err_text(e));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "用法：\n"
			"  certdeskd puk keygen --key FILE\n"
			"  certdeskd puk load --db FILE [--key FILE] [--replace] [清单文件]"
			"   （每行“KEY标识,PUK”；省略清单文件时从标准输入读取）\n"
			"  certdeskd puk list --db FILE\n"
			"--key 默认为数据库所在目录下的 puk.key（certdeskd 从 --data 目录读取 puk.key）。\n");
	return 2;
}

/* puk.key beside the database. */
static void default_key(const char *db_path, char out[PATH_MAX])
{
	const char *slash = strrchr(db_path, '/');
	if (slash)
		snprintf(out, PATH_MAX, "%.*s/puk.key", (int)(slash - db_path), db_path);
	else
		snprintf(out, PATH_MAX, "puk.key");
}

/* The console as an actor for the audit log: the centre's first active
 * admin account, named "中心控制台", with who ran it in the entry. */
static enum status console(struct db *db, struct actor *a, json_t **who, struct err *e)
{
	memset(a, 0, sizeof *a);
	sqlite3_stmt *s = db_prep(db, "SELECT id, office_id FROM staff WHERE role = 'admin'"
				      " AND disabled_at IS NULL ORDER BY created_at, rowid LIMIT 1", e);
	if (!s)
		return e->st;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, a->id, sizeof a->id);
		db_col_copy(s, 1, a->office_id, sizeof a->office_id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE
			       ? err_set(e, ST_STATE, "中心数据库还没有可用的管理员账户：请先运行 certdeskd init")
			       : db_fail(db, rc, e);
	snprintf(a->username, sizeof a->username, "中心控制台");
	snprintf(a->name, sizeof a->name, "中心控制台");
	a->role = ROLE_ADMIN;
	char host[256] = "", uid[32];
	gethostname(host, sizeof host - 1);
	struct passwd *pw = getpwuid(geteuid());
	snprintf(uid, sizeof uid, "uid %u", (unsigned)geteuid());
	*who = json_pack("{s:s, s:s, s:s}", "via", "certdeskd 命令行（未登录）", "os_user",
			 pw ? pw->pw_name : uid, "host", host);
	return *who ? ST_OK : err_status(e, ST_NOMEM);
}

/* Split one line of a list into card id and PUK; false for a blank or
 * comment line. */
static bool split_line(char *line, char **card, char **puk)
{
	line[strcspn(line, "\r\n")] = '\0';
	char *p = line + strspn(line, " \t");
	if (!*p || *p == '#')
		return false;
	*card = p;
	p += strcspn(p, ", \t");
	if (*p)
		*p++ = '\0';
	p += strspn(p, ", \t");
	*puk = p;
	p += strcspn(p, " \t");
	*p = '\0';
	return true;
}

static int do_load(const char *db_path, const char *key_path, bool replace, const char *list)
{
	struct err e;
	err_clear(&e);
	struct puk_key k;
	if (puk_key_read(key_path, &k, &e) != ST_OK)
		return fail(&e);
	FILE *in = list ? fopen(list, "r") : stdin;
	if (!in) {
		puk_key_wipe(&k);
		fprintf(stderr, "certdeskd: 无法打开清单文件 %s\n", list);
		return 1;
	}
	struct db *db = NULL;
	struct actor a;
	json_t *who = NULL;
	enum status st = centre_open(db_path, &db, &e);
	if (st == ST_OK)
		st = console(db, &a, &who, &e);
	if (st == ST_OK)
		st = db_begin(db, &e);
	long lines = 0, loaded = 0, bad = 0;
	char line[512];
	while (st == ST_OK && fgets(line, sizeof line, in)) {
		lines++;
		char *card, *puk;
		if (!split_line(line, &card, &puk))
			continue;
		struct err le;
		err_clear(&le);
		enum status ls = svc_puk_put(db, &k, card, puk, replace, &le);
		if (ls == ST_OK) {
			loaded++;
		} else if (ls == ST_INVALID || ls == ST_EXISTS) {
			/* The line number, never the PUK. */
			fprintf(stderr, "第 %ld 行：%s%s\n", lines, err_text(&le),
				ls == ST_EXISTS ? "（如需替换请加 --replace）" : "");
			bad++;
		} else {
			st = ls;
			e = le;
		}
	}
	sodium_memzero(line, sizeof line);
	puk_key_wipe(&k);
	if (list)
		fclose(in);
	if (st == ST_OK && bad)
		st = err_set(&e, ST_INVALID, "清单中有 %ld 行有误，未导入任何 PUK", bad);
	if (st == ST_OK && loaded == 0)
		st = err_set(&e, ST_INVALID, "清单中没有 PUK");
	if (st == ST_OK) {
		json_t *detail = json_pack("{s:I, s:b, s:O}", "count", (json_int_t)loaded, "replace",
					   replace, "console", who);
		char *after = jx_dump(detail);
		json_decref(detail);
		struct audit_rec rec = { .action = "key.puk_load", .entity = "key", .entity_id = "",
					 .after = after };
		st = audit_append(db, &a, &rec, &e);
		free(after);
	}
	if (st == ST_OK)
		st = db_commit(db, &e);
	else if (db)
		db_rollback(db);
	long total = st == ST_OK ? puk_repo_count(db) : 0;
	json_decref(who);
	db_close(db);
	if (st != ST_OK)
		return fail(&e);
	printf("已导入 %ld 个 KEY 的 PUK（中心共保存 %ld 个）。\n", loaded, total);
	return 0;
}

static int do_list(const char *db_path)
{
	struct err e;
	err_clear(&e);
	struct db *db;
	if (centre_open(db_path, &db, &e) != ST_OK)
		return fail(&e);
	sqlite3_stmt *s = db_prep(db, "SELECT card_id, loaded_at, released FROM key_puks"
				      " ORDER BY card_id", &e);
	if (!s) {
		db_close(db);
		return fail(&e);
	}
	printf("KEY标识\t导入时间\t已提供次数\n");
	while (sqlite3_step(s) == SQLITE_ROW)
		printf("%s\t%s\t%lld\n", db_col_text(s, 0), db_col_text(s, 1),
		       (long long)sqlite3_column_int64(s, 2));
	sqlite3_reset(s);
	db_close(db);
	return 0;
}

int puk_admin_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "replace", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	if (argc < 2)
		return usage();
	const char *verb = argv[1], *db = NULL, *key = NULL;
	bool replace = false;
	int ch;
	optind = 0; /* 0, not 1: GNU getopt then starts afresh */
	opterr = 0;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'k': key = optarg; break;
		case 'r': replace = true; break;
		default: return usage();
		}
	}
	int rest = argc - 1 - optind;
	char **av = argv + 1 + optind;
	char def[PATH_MAX];
	if (strcmp(verb, "keygen") == 0 && key && !db && rest == 0) {
		struct err e;
		err_clear(&e);
		if (puk_key_create(key, &e) != ST_OK)
			return fail(&e);
		printf("已生成 PUK 密钥文件 %s（权限 0600）。请妥善备份：丢失后已导入的 PUK 无法解开。\n", key);
		return 0;
	}
	if (strcmp(verb, "load") == 0 && db && rest <= 1) {
		if (!key)
			default_key(db, def), key = def;
		return do_load(db, key, replace, rest == 1 ? av[0] : NULL);
	}
	if (strcmp(verb, "list") == 0 && db && !key && rest == 0)
		return do_list(db);
	return usage();
}
