/*
 * O and X on an attachment (a scan, a slip, an invoice), from any screen
 * that lists them: fetched from the centre when another office took it in,
 * then opened with the configured viewer or copied to exports/ (both
 * audited reads, svc_attachment_copy). The download runs on the screen's
 * thread: the status line says which file and how much has come (redrawn
 * at most five times a second), Esc stops it, other keys typed meanwhile
 * are dropped.
 */
#include <stdio.h>

#include "adapt/viewer.h"
#include "model/attachment.h"
#include "sync/sync.h"
#include "ui/ui.h"
#include "util/clock.h"
#include "util/utf8.h"

struct ui_fetching {
	struct ui *ui;
	const char *name;
	double drawn_ms;             /* when the progress was last drawn; 0: never */
	long long drawn_got;
};

/* Flash head + name + tail, the name shortened so that the rest (sizes,
 * the Esc hint, "nothing changed") always fits the status line. */
static void flash_name(struct ui *ui, const char *head, const char *name, const char *tail)
{
	char fit[256];
	int room = COLS - 1 - utf8_width(head) - utf8_width(tail);
	utf8_fit(name, room > 8 ? room : 8, true, fit, sizeof fit);
	ui_flash(ui, false, "%s%s%s", head, fit, tail);
}

/* The download's line; `sizes` may be "". */
static void say_fetching(struct ui_fetching *f, const char *sizes)
{
	char tail[128];
	snprintf(tail, sizeof tail, "”%s%s，按 Esc 停止", sizes[0] ? "：" : "", sizes);
	flash_name(f->ui, "正在从中心下载“", f->name, tail);
	ui_draw_now(f->ui);
}

static void fetch_start(void *ctx)
{
	say_fetching(ctx, "");
}

#define FETCH_REDRAW_MS 200.0  /* progress redrawn at most 5 times a second */

/* Esc typed since the last look? Reads everything typed, without waiting;
 * other keys are dropped (the screen is busy), a resize is redrawn. */
static bool esc_typed(struct ui *ui)
{
	bool esc = false, resized = false;
	wint_t ch;
	int r, delay = wgetdelay(stdscr);
	timeout(0);
	while ((r = get_wch(&ch)) != ERR) {
		if (r == KEY_CODE_YES && ch == KEY_RESIZE)
			resized = true;
		else if (r != KEY_CODE_YES && ch == 27)
			esc = true;
	}
	timeout(delay);
	if (resized && !esc)
		ui_draw_now(ui);
	return esc;
}

static bool fetch_progress(void *ctx, long long got, long long total)
{
	struct ui_fetching *f = ctx;
	if (esc_typed(f->ui))
		return true;
	double now = clock_ms();
	if (got == f->drawn_got || (f->drawn_ms > 0 && now - f->drawn_ms < FETCH_REDRAW_MS))
		return false;
	char a[32], b[32], sizes[72];
	attach_size_text(got, a);
	if (total > 0) {
		attach_size_text(total, b);
		snprintf(sizes, sizeof sizes, "%s / %s", a, b);
	} else {
		snprintf(sizes, sizeof sizes, "%s", a);
	}
	say_fetching(f, sizes);
	f->drawn_ms = now;
	f->drawn_got = got;
	return false;
}

static struct sync_fetch_hooks fetch_hooks(struct ui_fetching *f)
{
	return (struct sync_fetch_hooks){ .start = fetch_start, .progress = fetch_progress,
					  .ctx = f };
}

static void fetch_stopped(struct ui_fetching *f)
{
	flash_name(f->ui, "已停止下载“", f->name, "”，未做任何更改。");
}

void ui_take_attachment(struct ui *ui, const char *number, const struct attachment *t,
			enum attach_use use)
{
	struct err e;
	err_clear(&e);
	char path[PATH_MAX];
	struct ui_fetching f = { .ui = ui, .name = t->name };
	struct sync_fetch_hooks hooks = fetch_hooks(&f);
	enum status st = sync_attachment_copy(ui->app, &ui->actor, number, t, use, &hooks, path, &e);
	if (st == ST_OK && use == ATTACH_VIEW)
		st = viewer_open(config_get(&ui->app->cfg, "viewer", "xdg-open"), path, &e);
	if (st == ST_CANCELLED) {
		/* Esc during the download: said on the status line, no dialog. */
		fetch_stopped(&f);
		return;
	}
	if (st != ST_OK) {
		dialog_message(ui, use == ATTACH_VIEW ? "无法打开" : "无法导出", err_text(&e), true);
		return;
	}
	if (use == ATTACH_VIEW)
		ui_flash(ui, false, "已用查看程序打开“%s”。", t->name);
	else
		ui_flash(ui, false, "已导出到 %s", path);
}
