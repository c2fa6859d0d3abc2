/* The agreement (协议书): read with the applicant, accepted before the form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc/applicant.h"
#include "svc/application.h"
#include "util/clock.h"
#include "ui/views.h"

struct agreement_view {
	struct view v;
	int top;                      /* first line shown */
	char (*lines)[256];
	int nlines;
	int wrapped_cols;             /* the width the lines were wrapped for */
	char applicant_id[UUID_LEN + 1];
	char enterprise_id[UUID_LEN + 1];
	char app_id[UUID_LEN + 1];    /* an existing draft (imported) to agree for, or "" */
	enum app_kind kind;
	enum app_subject subject;
	char applicant_name[PERSON_NAME_MAX];
	char enterprise_name[ORG_NAME_MAX];
	char authority[128];
	char today[32];
};

/* The value of one placeholder alternative ("applicant.name", "today",
 * "=literal"), or NULL when unknown or empty. */
static const char *lookup(const struct agreement_view *av, const char *key, size_t n)
{
	char k[64];
	snprintf(k, sizeof k, "%.*s", (int)n, key);
	char *colon = strchr(k, ':');
	if (colon)
		*colon = '\0'; /* filters are for paper */
	if (k[0] == '=')
		return key + 1; /* not NUL-terminated: the caller copies n - 1 bytes */
	if (strcmp(k, "applicant.name") == 0)
		return av->applicant_name[0] ? av->applicant_name : NULL;
	if (strcmp(k, "enterprise.name") == 0)
		return av->enterprise_name[0] ? av->enterprise_name : NULL;
	if (strcmp(k, "authority.name") == 0)
		return av->authority[0] ? av->authority : NULL;
	if (strcmp(k, "today") == 0 || strcmp(k, "agreement.date") == 0)
		return av->today;
	return NULL;
}

/* The text with its placeholders filled as far as known now
 * ({a|b|=literal}: the first known), the rest left as blanks. */
static void text_for_screen(const struct agreement_view *av, char *out, size_t n)
{
	const char *src = svc_agreement_text();
	size_t o = 0;
	for (const char *p = src; *p && o + 1 < n; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			out[o++] = *p;
			continue;
		}
		const char *fill = "________";
		size_t fill_len = strlen(fill);
		for (const char *alt = p + 1; alt < end;) {
			const char *bar = memchr(alt, '|', (size_t)(end - alt));
			size_t len = (size_t)((bar ? bar : end) - alt);
			const char *v = lookup(av, alt, len);
			if (v) {
				fill = v;
				fill_len = alt[0] == '=' ? len - 1 : strlen(v);
				break;
			}
			alt += len + (bar ? 1 : 0);
		}
		if (o + fill_len < n) {
			memcpy(out + o, fill, fill_len);
			o += fill_len;
		}
		p = end;
	}
	out[o] = '\0';
}

static void wrap_all(struct agreement_view *av)
{
	free(av->lines);
	size_t n = strlen(svc_agreement_text()) + 256;
	char *text = malloc(n);
	av->nlines = 0;
	av->lines = NULL;
	if (!text)
		return;
	text_for_screen(av, text, n);
	int cap = 512;
	av->wrapped_cols = COLS;
	av->lines = calloc((size_t)cap, sizeof *av->lines);
	if (av->lines)
		av->nlines = ui_wrap(text, COLS - 8 > 20 ? COLS - 8 : 20, av->lines, cap);
	free(text);
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct agreement_view *av = (struct agreement_view *)v;
	if (av->wrapped_cols != COLS)
		wrap_all(av);
	int y = ui_body_top() + 1;
	attrset(ui_style(S_HEADER));
	ui_text_center(y++, 0, COLS, "数字证书服务协议书");
	attrset(A_NORMAL);
	int rows = LINES - 4 - y;
	if (av->top > av->nlines - rows)
		av->top = av->nlines - rows > 0 ? av->nlines - rows : 0;
	for (int i = 0; i < rows && av->top + i < av->nlines; i++)
		ui_text(y + i, 4, COLS - 8, false, av->lines[av->top + i]);
	char foot[160];
	snprintf(foot, sizeof foot, "请申请人阅读全文（↑↓ PgUp PgDn 翻看，第 %d/%d 行）。同意后按 F2 继续。",
		 av->top + rows < av->nlines ? av->top + rows : av->nlines, av->nlines);
	attrset(ui_style(S_DIM));
	ui_text(LINES - 3, 4, COLS - 8, true, foot);
	attrset(A_NORMAL);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct agreement_view *av = (struct agreement_view *)v;
	int page = LINES - 8 > 1 ? LINES - 8 : 1;
	if (!k->fn)
		return R_NONE;
	switch (k->code) {
	case KEY_DOWN: av->top++; break;
	case KEY_UP: av->top = av->top > 0 ? av->top - 1 : 0; break;
	case KEY_NPAGE: av->top += page; break;
	case KEY_PPAGE: av->top = av->top > page ? av->top - page : 0; break;
	case KEY_HOME: av->top = 0; break;
	case KEY_END: av->top = av->nlines; break;
	default: return R_NONE;
	}
	return R_HANDLED;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct agreement_view *av = (struct agreement_view *)v;
	if (a == ACT_AGREE && av->app_id[0]) {
		/* A draft made without the applicant (an import): record the
		 * agreement, then submit as the clerk asked. */
		struct err e;
		err_clear(&e);
		if (svc_application_agree(&ui->app->svc, &ui->actor, av->app_id,
					  svc_agreement_version(), &e) != ST_OK ||
		    svc_application_submit(&ui->app->svc, &ui->actor, av->app_id, &e) != ST_OK) {
			ui_close(ui, v);
			dialog_message(ui, "不能提交", err_text(&e), true);
			return R_HANDLED;
		}
		ui_flash(ui, false, "申请人已同意协议书，申请单已提交审核。");
		return R_HANDLED | R_CLOSE;
	}
	if (a == ACT_AGREE) {
		ui_close(ui, v);
		view_app_form_open(ui, av->applicant_id, NULL,
				   av->enterprise_id[0] ? av->enterprise_id : NULL, av->kind,
				   av->subject);
		return R_HANDLED;
	}
	if (a == ACT_BACK) {
		ui_flash(ui, false, av->app_id[0] ? "申请人未同意协议书，申请单未提交。"
						 : "申请人未同意协议书，未建立申请单。");
		return R_HANDLED | R_CLOSE;
	}
	return R_NONE;
}

static void destroy(struct view *v)
{
	struct agreement_view *av = (struct agreement_view *)v;
	free(av->lines);
	free(av);
}

static const enum action actions[] = { ACT_AGREE, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "agreement", .actions = actions, .draw = draw, .key = key, .action = action,
	.free = destroy,
};

static struct agreement_view *agreement_new(struct ui *ui, const char *applicant_id,
					     const char *enterprise_id, enum app_kind kind,
					     enum app_subject subject);

void view_agreement_open(struct ui *ui, const char *applicant_id, const char *enterprise_id,
			 enum app_kind kind, enum app_subject subject)
{
	struct agreement_view *av = agreement_new(ui, applicant_id, enterprise_id, kind, subject);
	if (av)
		ui_push(ui, &av->v);
}

void view_agreement_for(struct ui *ui, const struct application *app)
{
	struct agreement_view *av = agreement_new(ui, app->applicant_id,
						  app->enterprise_id[0] ? app->enterprise_id : NULL,
						  app->kind, app->subject);
	if (!av)
		return;
	snprintf(av->app_id, sizeof av->app_id, "%s", app->id);
	ui_push(ui, &av->v);
}

static struct agreement_view *agreement_new(struct ui *ui, const char *applicant_id,
					     const char *enterprise_id, enum app_kind kind,
					     enum app_subject subject)
{
	struct agreement_view *av = calloc(1, sizeof *av);
	if (!av)
		return NULL;
	av->v.ops = &ops;
	snprintf(av->v.title, sizeof av->v.title, "协议书（%s%s）", app_subject_label(subject),
		 app_kind_label(kind));
	snprintf(av->applicant_id, sizeof av->applicant_id, "%s", applicant_id);
	snprintf(av->enterprise_id, sizeof av->enterprise_id, "%s", enterprise_id ? enterprise_id : "");
	av->kind = kind;
	av->subject = subject;
	struct applicant a;
	struct err e;
	if (svc_applicant_get(&ui->app->svc, applicant_id, &a, &e) == ST_OK)
		snprintf(av->applicant_name, sizeof av->applicant_name, "%s", a.name);
	if (subject == SUBJECT_ENTERPRISE && enterprise_id) {
		struct enterprise list[8];
		int n = svc_applicant_enterprises(&ui->app->svc, applicant_id, list, 8, &e);
		for (int i = 0; i < n; i++)
			if (strcmp(list[i].id, enterprise_id) == 0)
				snprintf(av->enterprise_name, sizeof av->enterprise_name, "%s", list[i].name);
	}
	snprintf(av->authority, sizeof av->authority, "%s",
		 config_get(&ui->app->cfg, "authority.name", ""));
	time_t now = clock_now();
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(av->today, sizeof av->today, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday);
	wrap_all(av);
	return av;
}
