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
	st = db_open(app->db_path, &app->db, e);
	if (st != ST_OK) {
		log_close();
		return st;
	}
	app->svc.db = app->db;
	app->svc.centre = false;
	return ST_OK;
}

void app_close(struct app *app)
{
	db_close(app->db);
	app->db = NULL;
	log_close();
}
