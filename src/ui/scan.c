/* The scan folder: where the office scanner drops its files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/ui.h"

struct scan {
	char path[4096];
	time_t mtime;
};

static int by_newest(const void *a, const void *b)
{
	const struct scan *x = a, *y = b;
	return (y->mtime > x->mtime) - (y->mtime < x->mtime);
}

bool ui_scan_pick(struct ui *ui, int nth, char *out, size_t outsz, struct err *e)
{
	const char *dir = config_get(&ui->app->cfg, "scan.folder", NULL);
	if (!dir || !*dir)
		return err_set(e, ST_NOT_FOUND, "未设置扫描文件夹（certdesk.conf 中的 scan.folder）"), false;
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, ST_IO, "无法打开扫描文件夹 %s", dir), false;
	struct scan *files = calloc(256, sizeof *files);
	if (!files) {
		closedir(d);
		return err_status(e, ST_NOMEM), false;
	}
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 256) {
		if (de->d_name[0] == '.')
			continue;
		struct stat sb;
		snprintf(files[n].path, sizeof files[n].path, "%s/%s", dir, de->d_name);
		if (stat(files[n].path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			files[n].mtime = sb.st_mtime;
			n++;
		}
	}
	closedir(d);
	if (n == 0) {
		free(files);
		return err_set(e, ST_NOT_FOUND, "扫描文件夹是空的"), false;
	}
	qsort(files, (size_t)n, sizeof files[0], by_newest);
	int i = nth % n;
	snprintf(out, outsz, "%s", files[i].path);
	ui_flash(ui, false, "扫描文件夹中第 %d 新的文件（共 %d 个）；再按 F6 换一个。", i + 1, n);
	free(files);
	return true;
}
