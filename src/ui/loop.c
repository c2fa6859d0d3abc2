/* The view stack, the screen's frame (title, status line, key bar) and the
 * event loop. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/application.h"
#include "model/attachment.h"
#include "ui/ui.h"
#include "ui/views.h"
#include "ui/views_order.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/utf8.h"

void term_styles(bool color);

#define MIN_COLS 80
#define MIN_ROWS 24

static int cursor_y = -1, cursor_x = -1;

void ui_cursor(int y, int x)
{
	cursor_y = y;
	cursor_x = x;
}

void ui_push(struct ui *ui, struct view *v)
{
	v->below = ui->top;
	ui->top = v;
}

static void view_free(struct view *v)
{
	if (v->ops->free)
		v->ops->free(v);
	else
		free(v);
}

/* Views leave the stack at once but are freed after the event that closed
 * them has been handled, so a handler may replace the whole stack (login,
 * logout) and still return normally. */
static struct view *graveyard;

static void stack_remove(struct ui *ui, struct view *v)
{
	for (struct view **p = &ui->top; *p; p = &(*p)->below)
		if (*p == v) {
			*p = v->below;
			v->below = graveyard;
			graveyard = v;
			return;
		}
}

static void bury(void)
{
	while (graveyard) {
		struct view *v = graveyard;
		graveyard = v->below;
		view_free(v);
	}
}

void ui_close(struct ui *ui, struct view *v)
{
	stack_remove(ui, v);
}

void ui_pop(struct ui *ui)
{
	if (ui->top)
		stack_remove(ui, ui->top);
	if (ui->top && ui->top->ops->resume)
		ui->top->ops->resume(ui->top, ui);
}

void ui_replace_all(struct ui *ui, struct view *v)
{
	while (ui->top)
		stack_remove(ui, ui->top);
	ui_push(ui, v);
}

void ui_flash(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->flash, sizeof ui->flash, fmt, ap);
	va_end(ap);
	ui->flash_error = error;
}

static void draw_title(struct ui *ui)
{
	const char *title = "";
	for (struct view *v = ui->top; v; v = v->below)
		if (!v->ops->overlay) {
			title = v->title;
			break;
		}
	char buf[256];
	snprintf(buf, sizeof buf, " certdesk 数字证书受理台  │  %s", title);
	attrset(ui_style(S_TITLE));
	ui_text_pad(0, 0, COLS, buf);
	attrset(A_NORMAL);
}

/* The status line: who and where on the left (cut first when the window
 * is narrow), the sync state and the clock on the right, whole. */
static void draw_status(struct ui *ui)
{
	int y = LINES - 2;
	char now[17], right[160] = "", left[256];
	clock_local(clock_now(), now);
	attrset(ui_style(S_BAR));
	ui_text_pad(y, 0, COLS, "");
	if (ui->flash[0]) {
		attrset(ui->flash_error ? ui_style(S_ERROR) | A_REVERSE : ui_style(S_BAR));
		ui_text_pad(y, 0, COLS, ui->flash);
		attrset(A_NORMAL);
		return;
	}
	if (ui->logged_in)
		snprintf(left, sizeof left, " %s %s（%s） · %s · %s", role_label(ui->actor.role),
			 ui->actor.name, ui->actor.username, ui->term.office_name,
			 ui->term.terminal_name);
	else if (ui->term.office_name[0])
		snprintf(left, sizeof left, " 未登录 · %s · %s", ui->term.office_name,
			 ui->term.terminal_name);
	else
		snprintf(left, sizeof left, " 未登录 · 本机尚未设置");
	if (ui->sync) {
		struct sync_snapshot snap;
		sync_worker_snapshot(ui->sync, &snap);
		/* The last good sync: its time today, its date and time before
		 * ("11-20 09:00"), so days offline do not look like minutes. */
		char when[17] = "", last[32] = "";
		if (snap.last_ok) {
			clock_local(snap.last_ok, when);
			snprintf(last, sizeof last, " 上次 %s",
				 strncmp(when, now, 10) == 0 ? when + 11 : when + 5);
		}
		size_t l = (size_t)snprintf(right, sizeof right, "%s%s 待同步 %ld",
					    snap.running ? "同步中" : snap.online ? "在线" : "离线",
					    last, snap.pending);
		if (snap.conflicts)
			l += (size_t)snprintf(right + l, sizeof right - l, " 冲突 %ld", snap.conflicts);
		snprintf(right + l, sizeof right - l, " · ");
	}
	size_t l = strlen(right);
	snprintf(right + l, sizeof right - l, "%s", now);
	int rw = utf8_width(right) + 1;
	if (rw > COLS)
		rw = COLS;
	ui_text(y, 0, COLS - rw - 1, true, left);
	ui_text(y, COLS - rw, rw, false, right);
	attrset(A_NORMAL);
}

const enum action *view_actions(struct view *v, struct ui *ui)
{
	if (!v)
		return NULL;
	return v->ops->actions_now ? v->ops->actions_now(v, ui) : v->ops->actions;
}

static void draw_keys(struct ui *ui)
{
	int y = LINES - 1, x = 0;
	move(y, 0);
	clrtoeol();
	enum action shown[24];
	int n = 0;
	shown[n++] = ACT_HELP;
	for (const enum action *a = view_actions(ui->top, ui); a && *a && n < 22; a++)
		if (*a != ACT_HELP && *a != ACT_QUIT)
			shown[n++] = *a;
	shown[n++] = ACT_QUIT;
	for (int i = 0; i < n && x < COLS; i++) {
		const char *k = action_key_label(shown[i]), *l = action_label(shown[i]);
		int need = utf8_width(k) + utf8_width(l) + 2;
		if (x + need > COLS)
			break;
		attrset(ui_style(S_KEY));
		x += ui_text(y, x, COLS - x, false, k);
		attrset(A_NORMAL);
		x += ui_text(y, x, COLS - x, false, l);
		x += 1;
	}
}

static void draw_all(struct ui *ui)
{
	erase();
	cursor_y = cursor_x = -1;
	if (COLS < MIN_COLS || LINES < MIN_ROWS) {
		char msg[128];
		snprintf(msg, sizeof msg, "窗口太小：至少需要 %d×%d，当前 %d×%d", MIN_COLS, MIN_ROWS,
			 COLS, LINES);
		ui_text(0, 0, COLS, true, msg);
		curs_set(0);
		refresh();
		return;
	}
	/* Draw the nearest full-screen view, then the dialogs above it. */
	struct view *chain[32];
	int n = 0;
	for (struct view *v = ui->top; v && n < 32; v = v->below) {
		chain[n++] = v;
		if (!v->ops->overlay)
			break;
	}
	draw_title(ui);
	for (int i = n - 1; i >= 0; i--) {
		if (i > 0)
			cursor_y = -1; /* only the top view places the cursor */
		attrset(A_NORMAL);
		chain[i]->ops->draw(chain[i], ui);
	}
	attrset(A_NORMAL);
	draw_status(ui);
	draw_keys(ui);
	if (cursor_y >= 0) {
		curs_set(1);
		move(cursor_y, cursor_x);
	} else {
		curs_set(0);
	}
	refresh();
}

void ui_draw_now(struct ui *ui)
{
	draw_all(ui);
}

static int quit_cb(struct ui *ui, void *ctx, bool yes)
{
	(void)ctx;
	if (yes)
		ui->quit = true;
	return R_HANDLED | R_REDRAW;
}

int ui_ask_quit(struct ui *ui)
{
	if (!ui->logged_in)
		return R_HANDLED | R_QUIT;
	dialog_confirm(ui, "退出", "确定要退出 certdesk 吗？", quit_cb, NULL);
	return R_HANDLED | R_REDRAW;
}

static int global_action(struct ui *ui, enum action a)
{
	switch (a) {
	case ACT_HELP:
		help_open(ui);
		return R_HANDLED | R_REDRAW;
	case ACT_QUIT:
		return ui_ask_quit(ui);
	default:
		return R_NONE;
	}
}

static void dispatch(struct ui *ui, const struct key *k)
{
	struct view *v = ui->top;
	if (!v)
		return;
	int rx = v->ops->key ? v->ops->key(v, ui, k) : R_NONE;
	if (!(rx & R_HANDLED)) {
		enum action a = action_for_key(k, view_actions(v, ui));
		if (a != ACT_NONE) {
			rx = v->ops->action ? v->ops->action(v, ui, a) : R_NONE;
			if (!(rx & R_HANDLED))
				rx = global_action(ui, a);
		}
	}
	if (rx & R_QUIT)
		ui->quit = true;
	if (rx & R_CLOSE) {
		struct view *below = v->below;
		stack_remove(ui, v);
		if (ui->top && ui->top == below && ui->top->ops->resume)
			ui->top->ops->resume(ui->top, ui);
	}
}

/*
 * A barcode scanner types like a keyboard, but all at once: a number and
 * Enter within a few milliseconds. Keys that arrive together are read as
 * one burst; a burst that is a number (SQ-..., DD-...) and Enter opens that
 * record from any screen. Any other burst (tmux, a paste) is replayed key
 * by key, so nothing typed is lost.
 */
#define BURST_MAX 64
#define BURST_GAP_MS 8

static int read_burst(struct key *first, struct key *keys)
{
	int n = 0;
	keys[n++] = *first;
	if (first->fn)
		return n;
	timeout(BURST_GAP_MS);
	while (n < BURST_MAX) {
		wint_t ch;
		int r = get_wch(&ch);
		if (r == ERR)
			break;
		keys[n++] = (struct key){ .fn = r == KEY_CODE_YES, .code = ch };
		if (r == KEY_CODE_YES || ch == '\r' || ch == '\n')
			break;
	}
	timeout(1000);
	return n;
}

/* The number a burst spells, if it is a scanned number followed by Enter. */
static bool scanned_number(const struct key *keys, int n, char out[NUMBER_MAX])
{
	if (n < 12 || keys[n - 1].fn || (keys[n - 1].code != '\r' && keys[n - 1].code != '\n'))
		return false;
	int o = 0;
	for (int i = 0; i < n - 1; i++) {
		if (keys[i].fn || keys[i].code > 0x7E || keys[i].code < 0x20 || o >= NUMBER_MAX - 1)
			return false;
		out[o++] = (char)keys[i].code;
	}
	out[o] = '\0';
	return number_looks_valid(out);
}

static void scan_open(struct ui *ui, const char *number)
{
	if (!ui->logged_in) {
		ui_flash(ui, true, "请先登录，再扫描单号 %s。", number);
		return;
	}
	if (strncmp(number, "SQ-", 3) == 0 && view_app_open_number(ui, number))
		return;
	if (strncmp(number, "DD-", 3) == 0 && view_order_open_number(ui, number))
		return;
	ui_flash(ui, true, "没有找到单号 %s 的记录。", number);
}

int ui_run(struct app *app)
{
	struct ui ui;
	memset(&ui, 0, sizeof ui);
	ui.app = app;

	if (!initscr())
		return 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	const char *no_color = getenv("NO_COLOR");
	ui.color = has_colors() && !(no_color && *no_color);
	term_styles(ui.color);
	timeout(1000); /* wake once a second for the clock */

	struct err e;
	err_clear(&e);
	if (sync_is_enrolled(app->db) && sync_worker_start(app, &ui.sync, &e) != ST_OK) {
		ui.sync = NULL;
		log_warn("sync worker not started: %s", status_code(e.st));
	}
	if (svc_needs_setup(&app->svc)) {
		view_setup_open(&ui);
	} else {
		svc_terminal_info(&app->svc, &ui.term, &e);
		view_login_open(&ui);
	}

	char shown_time[32] = "";
	long sync_seen = 0;
	bool redraw = true;
	while (!ui.quit && ui.top) {
		if (redraw) {
			clock_local(clock_now(), shown_time);
			draw_all(&ui);
			redraw = false;
		}
		wint_t ch;
		int r = get_wch(&ch);
		if (r == ERR) {
			char now[32];
			clock_local(clock_now(), now);
			redraw = strcmp(now, shown_time) != 0;
			if (ui.sync) {
				/* The status line follows the sync worker. */
				struct sync_snapshot snap;
				sync_worker_snapshot(ui.sync, &snap);
				long sig = snap.pending * 7919 + snap.conflicts * 31 + snap.running * 3 +
					   snap.online + (long)(snap.last_ok % 100000) * 104729;
				redraw |= sig != sync_seen;
				sync_seen = sig;
			}
			continue;
		}
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			redraw = true;
			continue;
		}
		long long changes = db_total_changes(app->db);
		struct key k = { .fn = r == KEY_CODE_YES, .code = ch };
		struct key burst[BURST_MAX];
		int n = read_burst(&k, burst);
		char number[NUMBER_MAX];
		ui.flash[0] = '\0';
		if (COLS < MIN_COLS || LINES < MIN_ROWS) {
			/* nothing to do until the window is large enough */
		} else if (scanned_number(burst, n, number)) {
			scan_open(&ui, number);
		} else {
			for (int i = 0; i < n && !ui.quit && ui.top; i++) {
				if (burst[i].fn && burst[i].code == KEY_RESIZE)
					continue;
				dispatch(&ui, &burst[i]);
				bury();
			}
		}
		bury();
		/* A write on this terminal wakes the worker so the centre hears it soon. */
		if (ui.sync && db_total_changes(app->db) != changes)
			sync_worker_kick(ui.sync);
		redraw = true;
	}
	while (ui.top)
		stack_remove(&ui, ui.top);
	bury();
	endwin();
	if (ui.sync)
		sync_worker_stop(ui.sync);
	return 0;
}
