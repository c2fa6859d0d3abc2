/* Sync and conflicts: the state of this terminal's sync, and the ops the
 * centre refused, each with its reason, the centre's record and the ways out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/audit_text.h"
#include "ui/ui.h"
#include "util/clock.h"
#include "util/jsonx.h"

struct sync_view {
	struct view v;
	struct ui *ui;
	struct sync_status st;
	struct sync_conflict *list;
	long n;
	int sel, top;
	char error[256];
	/* The worker's state when the list was read: a round that ends while
	 * the screen is open changes it, and the list is read again. */
	time_t seen_last_ok;
	long seen_conflicts, seen_pending;
	bool seen_running;
};

static void load(struct sync_view *sv)
{
	struct err e;
	err_clear(&e);
	sync_conflicts_free(sv->list, sv->n);
	sv->list = NULL;
	sv->n = 0;
	sv->error[0] = '\0';
	if (sync_status_read(sv->ui->app->db, &sv->st, &e) != ST_OK)
		snprintf(sv->error, sizeof sv->error, "%s", err_text(&e));
	sv->n = sync_conflicts(sv->ui->app->db, &sv->list, &e);
	if (sv->n < 0) {
		snprintf(sv->error, sizeof sv->error, "%s", err_text(&e));
		sv->n = 0;
	}
	if (sv->sel >= sv->n)
		sv->sel = sv->n ? (int)sv->n - 1 : 0;
	if (sv->ui->sync) {
		struct sync_snapshot snap;
		sync_worker_snapshot(sv->ui->sync, &snap);
		sv->seen_last_ok = snap.last_ok;
		sv->seen_conflicts = snap.conflicts;
		sv->seen_pending = snap.pending;
		sv->seen_running = snap.running;
	}
}

/* What a command does, for people: "登记申请人" for "applicant.register@2"
 * (the audit log's names); the command itself when it has none. */
static const char *what(const char *command, char buf[64])
{
	snprintf(buf, 64, "%s", command);
	char *at = strchr(buf, '@');
	if (at)
		*at = '\0';
	const char *label = audit_action_label(buf);
	return label ? label : command;
}

static void draw(struct view *v, struct ui *ui)
{
	struct sync_view *sv = (struct sync_view *)v;
	int y = ui_body_top() + 1;
	char line[600];
	if (!sv->st.enrolled) {
		ui_text(y, 2, COLS - 4, true, "本终端尚未登记到中心。管理员可用 certdesk sync --enroll URL 登记码 登记。");
		return;
	}
	struct sync_snapshot snap = { 0 };
	if (ui->sync) {
		sync_worker_snapshot(ui->sync, &snap);
		if (snap.last_ok != sv->seen_last_ok || snap.conflicts != sv->seen_conflicts ||
		    snap.pending != sv->seen_pending || snap.running != sv->seen_running) {
			load(sv);
			sync_worker_snapshot(ui->sync, &snap);
		}
	}
	char ok[17] = "从未";
	time_t t;
	if (snap.last_ok)
		clock_local(snap.last_ok, ok);
	else if (clock_parse_iso(sv->st.last_ok, &t))
		clock_local(t, ok);
	snprintf(line, sizeof line, "中心 %s · %s · 上次成功 %s", sv->st.host,
		 snap.running ? "同步中" : snap.online ? "在线" : "离线", ok);
	ui_text(y++, 2, COLS - 4, true, line);
	snprintf(line, sizeof line, "待同步 %ld · 冲突 %ld · 暂缓 %ld", ui->sync ? snap.pending : sv->st.pending,
		 sv->n, sv->st.deferred);
	ui_text(y++, 2, COLS - 4, true, line);
	/* The worker's error is the fresh one; after a good round there is none. */
	if (ui->sync ? snap.last_error[0] != '\0' : sv->st.last_error[0] != '\0') {
		attrset(ui_style(S_WARN));
		snprintf(line, sizeof line, "上次错误：%s", ui->sync ? snap.last_error : sv->st.last_error);
		ui_text(y++, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
	}
	y++;
	attrset(ui_style(S_HEADER));
	mvhline(y, 2, ' ', COLS - 4);
	ui_text(y++, 2, COLS - 4, true, sv->n ? "中心拒绝的操作（须逐条处理，不会被丢弃）" : "没有冲突");
	attrset(A_NORMAL);
	int rows = (LINES - 4 - y) / 2;
	if (sv->sel < sv->top)
		sv->top = sv->sel;
	if (rows > 0 && sv->sel >= sv->top + rows)
		sv->top = sv->sel - rows + 1;
	for (long i = sv->top; i < sv->n && y < LINES - 4; i++) {
		const struct sync_conflict *c = &sv->list[i];
		time_t at;
		char when[17] = "";
		if (clock_parse_iso(c->created_at, &at))
			clock_local(at, when);
		attrset(i == sv->sel ? ui_style(S_SELECT) : A_BOLD);
		mvhline(y, 2, ' ', COLS - 4);
		char name[64];
		snprintf(line, sizeof line, "%s  %s", when, what(c->command, name));
		ui_text(y++, 2, COLS - 4, true, line);
		attrset(ui_style(S_WARN));
		snprintf(line, sizeof line, "    中心：%s", c->message);
		ui_text(y++, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
	}
	if (sv->n && y < LINES - 3) {
		const struct sync_conflict *c = &sv->list[sv->sel];
		snprintf(line, sizeof line, "可选：%s%s放弃本机的操作（F7）", c->can_merge ? "合并到已有账户（F3）、" : "",
			 c->can_reapply ? "在中心新版本上重新办理（F2）、" : "");
		attrset(ui_style(S_DIM));
		ui_text(LINES - 3, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
	}
	if (sv->error[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(LINES - 4, 2, COLS - 4, true, sv->error);
		attrset(A_NORMAL);
	}
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct sync_view *sv = (struct sync_view *)v;
	if (k->fn && k->code == KEY_DOWN && sv->sel < sv->n - 1) {
		sv->sel++;
		return R_HANDLED;
	}
	if (k->fn && k->code == KEY_UP && sv->sel > 0) {
		sv->sel--;
		return R_HANDLED;
	}
	return R_NONE;
}

static const enum action *actions_now(struct view *v, struct ui *ui)
{
	struct sync_view *sv = (struct sync_view *)v;
	static enum action list[8];
	int n = 0;
	if (sv->n) {
		if (sv->list[sv->sel].can_reapply)
			list[n++] = ACT_REAPPLY;
		if (sv->list[sv->sel].can_merge)
			list[n++] = ACT_MERGE;
		list[n++] = ACT_DISCARD;
	}
	if (ui->sync)
		list[n++] = ACT_SYNC_NOW;
	list[n++] = ACT_BACK;
	list[n] = ACT_NONE;
	return list;
}

struct pending {
	char op_id[UUID_LEN + 1];
	enum sync_resolution how;
};

static int resolve_cb(struct ui *ui, void *ctx, bool yes)
{
	struct pending *p = ctx;
	if (yes) {
		struct err e;
		err_clear(&e);
		if (sync_resolve(ui->app->db, &ui->actor, p->op_id, p->how, &e) != ST_OK)
			dialog_message(ui, "无法处理", err_text(&e), true);
		else {
			ui_flash(ui, false, p->how == SYNC_DISCARD ? "已放弃本机的操作，下次同步将取回中心的记录。"
					    : p->how == SYNC_MERGE ? "已合并到中心已有的账户，将在下次同步时提交。"
								   : "已重新排队，将在下次同步时提交。");
			if (ui->sync)
				sync_worker_kick(ui->sync);
		}
	}
	free(p);
	return R_HANDLED;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct sync_view *sv = (struct sync_view *)v;
	bool offered = false;
	for (const enum action *x = actions_now(v, ui); *x; x++)
		offered |= *x == a;
	if (!offered)
		return R_NONE;
	if (a == ACT_BACK)
		return R_HANDLED | R_CLOSE;
	if (a == ACT_SYNC_NOW) {
		sync_worker_kick(ui->sync);
		ui_flash(ui, false, "已开始同步。");
		return R_HANDLED;
	}
	struct pending *p = calloc(1, sizeof *p);
	if (!p)
		return R_HANDLED;
	const struct sync_conflict *c = &sv->list[sv->sel];
	snprintf(p->op_id, sizeof p->op_id, "%s", c->op_id);
	const char *q;
	if (a == ACT_REAPPLY) {
		p->how = SYNC_REAPPLY;
		q = "在中心的新版本上重新提交这项操作吗？";
	} else if (a == ACT_MERGE) {
		p->how = SYNC_MERGE;
		q = "把本机登记的申请人及其申请单合并到中心已有的同一手机号账户吗？";
	} else {
		p->how = SYNC_DISCARD;
		q = "放弃本机的这项操作吗？本机的记录将由中心的记录取代（记入审计日志）。";
	}
	dialog_confirm(ui, "处理冲突", q, resolve_cb, p);
	return R_HANDLED;
}

static void resume(struct view *v, struct ui *ui)
{
	(void)ui;
	load((struct sync_view *)v);
}

static void destroy(struct view *v)
{
	struct sync_view *sv = (struct sync_view *)v;
	sync_conflicts_free(sv->list, sv->n);
	free(sv);
}

static const struct view_ops ops = {
	.name = "sync", .actions_now = actions_now, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_sync_open(struct ui *ui)
{
	struct sync_view *sv = calloc(1, sizeof *sv);
	if (!sv)
		return;
	sv->v.ops = &ops;
	sv->ui = ui;
	snprintf(sv->v.title, sizeof sv->v.title, "同步与冲突");
	load(sv);
	ui_push(ui, &sv->v);
}
