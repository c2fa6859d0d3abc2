#include "svc/app.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fs.h"
#include "util/log.h"

enum status app_data_dir(const char *override, char out[PATH_MAX], struct err *e)
{
	const char *env = getenv("CERTDESK_DATA"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;
	if (override && *override)
		n = snprintf(out, PATH_MAX, "%s", override);
	else if (env && *env)
		n = snprintf(out, PATH_MAX, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(out, PATH_MAX, "%s/certdesk", xdg);
	else if (home && *home)
		n = snprintf(out, PATH_MAX, "%s/.local/share/certdesk", home);
	else
		return err_set(e, ST_INVALID, "找不到数据目录：请用 --data 指定，或设置 CERTDESK_DATA");
	if (n < 0 || n >= PATH_MAX)
		return err_set(e, ST_INVALID, "数据目录路径过长");
	return ST_OK;
}

static void open_sms(struct app *app)
{
	struct sms_config sc;
	struct err e;
	err_clear(&e);
	memset(&sc, 0, sizeof sc);
	snprintf(sc.driver, sizeof sc.driver, "%s", config_get(&app->cfg, "sms.driver", "file"));
	const char *spool = config_get(&app->cfg, "sms.spool", NULL);
	if (spool)
		snprintf(sc.spool, sizeof sc.spool, "%s", spool);
	else
		snprintf(sc.spool, sizeof sc.spool, "%s/sms-spool.txt", app->data_dir);
	snprintf(sc.url, sizeof sc.url, "%s", config_get(&app->cfg, "sms.url", ""));
	snprintf(sc.token, sizeof sc.token, "%s", config_get(&app->cfg, "sms.token", ""));
	long v = 5000;
	if (config_get_long(&app->cfg, "sms.timeout_ms", 5000, 100, 120000, &v, &e) == ST_OK)
		sc.timeout_ms = v;
	v = 2;
	if (config_get_long(&app->cfg, "sms.retries", 2, 0, 10, &v, &e) == ST_OK)
		sc.retries = (int)v;
	if (sms_open(&sc, &app->sms, &e) != ST_OK) {
		app->sms = NULL;
		snprintf(app->sms_error, sizeof app->sms_error, "短信网关不可用：%s", err_text(&e));
		log_warn("sms gateway unusable (%s)", status_code(e.st));
	}
}

enum status app_open(struct app *app, const char *override, struct err *e)
{
	memset(app, 0, sizeof *app);
	if (sodium_init() < 0)
		return err_set(e, ST_INTERNAL, "无法初始化加密库");
	enum status st = app_data_dir(override, app->data_dir, e);
	if (st == ST_OK)
		st = fs_mkdir_p(app->data_dir, e);
	if (st != ST_OK)
		return st;
	char log_path[PATH_MAX + 16];
	snprintf(log_path, sizeof log_path, "%s/certdesk.log", app->data_dir);
	log_open(log_path, 0);
	if (snprintf(app->db_path, sizeof app->db_path, "%s/certdesk.db", app->data_dir) >=
	    (int)sizeof app->db_path)
		return err_set(e, ST_INVALID, "数据目录路径过长");
	char conf[PATH_MAX + 16];
	snprintf(conf, sizeof conf, "%s/certdesk.conf", app->data_dir);
	config_init(&app->cfg);
	st = config_load(conf, &app->cfg, e);
	if (st != ST_OK) {
		config_done(&app->cfg);
		log_close();
		return st;
	}
	for (size_t i = 0; i < app->cfg.nwarnings; i++)
		log_warn("%s", app->cfg.warnings[i]);
	st = db_open(app->db_path, &app->db, e);
	if (st != ST_OK) {
		config_done(&app->cfg);
		log_close();
		return st;
	}
	app->svc.db = app->db;
	app->svc.centre = false;
	open_sms(app);
	return ST_OK;
}

void app_close(struct app *app)
{
	sms_free(app->sms);
	app->sms = NULL;
	config_done(&app->cfg);
	db_close(app->db);
	app->db = NULL;
	log_close();
}
