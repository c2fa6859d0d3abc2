/*
 * certdesk --user USER lifecycle run
 * certdesk --user USER lifecycle expiring [--days N | --expired] [--office CODE|all]
 *                                         [--contacted yes|no]
 * certdesk --user USER lifecycle contact SERIAL --note TEXT
 * certdesk --user USER lifecycle remind SERIAL
 *
 * The certificate lifecycle (svc/lifecycle.h). `run` revokes every
 * certificate expired for more than 90 days, one audited command each, and
 * says what it did; run again, it revokes nothing and says so (supervisors
 * and admins; for cron). `expiring` lists the worklist: by default the
 * expired certificates counting down to revocation and those expiring
 * within 90 days, of this office's applicants. `contact` marks a
 * certificate contacted; `remind` sends the applicant an SMS reminder
 * (at most one per certificate and day).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "svc/lifecycle.h"
#include "svc/stats.h"
#include "util/clock.h"
#include "util/utf8.h"

static const char *const usage_text =
	"用法：certdesk --user USER lifecycle run\n"
	"       certdesk --user USER lifecycle expiring [--days N | --expired] [--office CODE|all]"
	" [--contacted yes|no]\n"
	"       certdesk --user USER lifecycle contact SERIAL --note TEXT\n"
	"       certdesk --user USER lifecycle remind SERIAL";

static int usage(void)
{
	cli_error("%s", usage_text);
	return EXIT_USAGE;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]; *missing when the value is. */
static const char *option(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int flush_out(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("写出失败：%s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* s in exactly `cols` display columns (cut with "…" or padded), then two spaces. */
static void cell(const char *s, int cols)
{
	char buf[512];
	int w = utf8_fit(s, cols, true, buf, sizeof buf);
	fputs(buf, stdout);
	for (int i = w; i < cols + 2; i++)
		fputc(' ', stdout);
}

static void local_day_of(const char *iso, char out[LC_DAY_MAX])
{
	time_t t;
	if (clock_parse_iso(iso, &t))
		lifecycle_local_day(t, out);
	else
		snprintf(out, LC_DAY_MAX, "%.10s", iso);
}

/* "06-01 联系" / "06-01 短信" / "—". */
static void last_contact(const struct lc_row *r, char *out, size_t outsz)
{
	if (!r->last_contact_at[0]) {
		snprintf(out, outsz, "—");
		return;
	}
	char day[LC_DAY_MAX];
	local_day_of(r->last_contact_at, day);
	snprintf(out, outsz, "%s %s", day + 5, strcmp(r->last_contact_kind, "sms") == 0 ? "短信" : "联系");
}

/* ---- expiring ---- */

static void row_line(const struct lc_row *r, time_t now)
{
	char day[LC_DAY_MAX], standing[128], holder[CERT_ATTR_MAX], who[160], phone[32], last[48];
	local_day_of(r->not_after, day);
	lifecycle_standing(r->not_after_t, r->revoked_at, now, true, standing, sizeof standing);
	lifecycle_holder(r->cn, r->org, holder, sizeof holder);
	mask_mobile(r->applicant_phone, phone);
	snprintf(who, sizeof who, "%s %s", r->applicant_name, phone);
	last_contact(r, last, sizeof last);
	fputs("  ", stdout);
	cell(day, 10);
	cell(standing, 14);
	cell(r->serial, 20);
	cell(holder, 24);
	cell(who, 20);
	printf("%s\n", last);
}

/* Print one window; returns the rows printed, or -1 (e set). */
static long section(struct cli *c, const struct lc_filter *f, const char *title, struct err *e)
{
	time_t now = clock_now();
	printf("%s\n", title);
	fputs("  ", stdout);
	cell("到期日", 10);
	cell("状态", 14);
	cell("序列号", 20);
	cell("持证单位/人", 24);
	cell("申请人", 20);
	printf("最近联系\n");
	struct lc_row page[32];
	char key[LC_KEY_MAX] = "";
	enum page_dir dir = PAGE_FIRST;
	long rows = 0;
	int got;
	while ((got = svc_lifecycle_page(&c->app.svc, f, dir, key, page, 32, e)) > 0) {
		for (int i = 0; i < got; i++)
			row_line(&page[i], now);
		rows += got;
		lifecycle_repo_key(&page[got - 1], key);
		dir = PAGE_AFTER;
		if (got < 32)
			break;
	}
	if (got < 0)
		return -1;
	if (rows == 0)
		printf("  （没有）\n");
	printf("  共 %ld 张\n\n", rows);
	return rows;
}

static int expiring(struct cli *c, int argc, char **argv)
{
	const char *office = "", *contacted = "";
	int days = 0;
	bool expired = false;
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *s;
		if ((s = option(argc, argv, &i, "--days", &missing)) != NULL) {
			char *end;
			long d = strtol(s, &end, 10);
			if (*s < '0' || *s > '9' || *end || d < 1 || d > LIFECYCLE_DAYS_MAX)
				return cli_error("lifecycle expiring：--days 应为 1 到 %d 之间的天数",
						 LIFECYCLE_DAYS_MAX), EXIT_USAGE;
			days = (int)d;
		} else if (strcmp(argv[i], "--expired") == 0) {
			expired = true;
		} else if ((s = option(argc, argv, &i, "--office", &missing)) != NULL) {
			office = s;
		} else if ((s = option(argc, argv, &i, "--contacted", &missing)) != NULL) {
			if (strcmp(s, "yes") != 0 && strcmp(s, "no") != 0)
				return cli_error("lifecycle expiring：--contacted 应为 yes 或 no"), EXIT_USAGE;
			contacted = s;
		} else if (missing) {
			return cli_error("lifecycle expiring：选项 %s 需要一个值", argv[i]), EXIT_USAGE;
		} else {
			return cli_error("lifecycle expiring：未知参数 %s", argv[i]), EXIT_USAGE;
		}
	}
	if (days && expired)
		return cli_error("lifecycle expiring：--days 和 --expired 只能选一个"), EXIT_USAGE;
	if (!cli_login(c))
		return EXIT_FAIL;
	signal(SIGPIPE, SIG_IGN);
	struct err e;
	err_clear(&e);
	struct lc_filter f;
	memset(&f, 0, sizeof f);
	f.contacted = !*contacted ? LC_CONTACT_ANY
		    : strcmp(contacted, "yes") == 0 ? LC_CONTACT_DONE : LC_CONTACT_NOT;
	/* This office's applicants unless told otherwise. */
	bool all = false;
	struct office o;
	char where[160];
	if (*office) {
		if (stats_office(&c->app.svc, office, &all, &o, &e) != ST_OK)
			return cli_fail(&e);
		snprintf(f.office_id, sizeof f.office_id, "%s", all ? "" : o.id);
		snprintf(where, sizeof where, "%s", all ? "全部受理点" : o.name);
	} else {
		snprintf(f.office_id, sizeof f.office_id, "%s", c->actor.office_id);
		snprintf(where, sizeof where, "本受理点");
	}
	char now[17];
	clock_local(clock_now(), now);
	printf("到期提醒（%s的申请人%s），截至 %s\n\n", where,
	       f.contacted == LC_CONTACT_DONE ? "，已联系" : f.contacted == LC_CONTACT_NOT ? "，未联系" : "",
	       now);
	char title[160];
	long n = 0, got = 0;
	if (!days) {
		f.expired = true;
		snprintf(title, sizeof title, "已过期的证书（过期超过 %d 天的将被注销）", CERT_RENEW_GRACE_DAYS);
		if ((got = section(c, &f, title, &e)) < 0)
			return cli_fail(&e);
		n += got;
	}
	if (!expired) {
		f.expired = false;
		f.days = days ? days : 90;
		snprintf(title, sizeof title, "%d 天内到期的证书", f.days);
		if ((got = section(c, &f, title, &e)) < 0)
			return cli_fail(&e);
		n += got;
	}
	printf("合计 %ld 张证书。\n", n);
	return flush_out();
}

/* ---- run ---- */

static void on_revoked(void *ctx, const struct lc_row *r, enum status st, const char *msg)
{
	const struct lc_run *run = ctx;
	char day[LC_DAY_MAX], holder[CERT_ATTR_MAX];
	local_day_of(r->not_after, day);
	lifecycle_holder(r->cn, r->org, holder, sizeof holder);
	char gone[64];
	lifecycle_expired_text(r->not_after_t, run->now, gone, sizeof gone);
	if (st == ST_OK)
		printf("已注销  %s  %s  有效期至 %s（%s）\n", r->serial, holder, day, gone);
	else
		printf("未注销  %s  %s  有效期至 %s：%s\n", r->serial[0] ? r->serial : r->id, holder,
		       day, msg);
}

static int run_job(struct cli *c, int argc)
{
	if (argc != 2)
		return usage();
	if (!cli_login(c))
		return EXIT_FAIL;
	signal(SIGPIPE, SIG_IGN);
	struct lc_run run;
	struct err e;
	err_clear(&e);
	/* The callback reads run.now, which svc_lifecycle_run sets first. */
	enum status st = svc_lifecycle_run(&c->app.svc, &c->actor, 0, on_revoked, &run, &run, &e);
	if (st == ST_DENIED)
		return cli_fail(&e);
	char now[17];
	clock_local(run.now, now);
	if (run.revoked == 0 && run.failed == 0)
		printf("没有需要注销的证书：过期超过 %d 天的证书均已注销（截至 %s）。\n",
		       CERT_RENEW_GRACE_DAYS, now);
	else
		printf("共注销 %d 张证书（过期超过 %d 天，截至 %s）%s。\n", run.revoked,
		       CERT_RENEW_GRACE_DAYS, now, run.failed ? "，有证书未能注销" : "");
	int rc = flush_out();
	if (st != ST_OK)
		return cli_fail(&e);
	return rc;
}

/* ---- contact, remind ---- */

static int contact(struct cli *c, int argc, char **argv)
{
	const char *serial = NULL, *note = NULL;
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *s;
		if ((s = option(argc, argv, &i, "--note", &missing)) != NULL)
			note = s;
		else if (missing)
			return cli_error("lifecycle contact：选项 %s 需要一个值", argv[i]), EXIT_USAGE;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_error("lifecycle contact：未知参数 %s", argv[i]), EXIT_USAGE;
		else if (!serial)
			serial = argv[i];
		else
			return usage();
	}
	if (!serial || !note)
		return usage();
	if (!cli_login(c))
		return EXIT_FAIL;
	struct lc_row r;
	struct err e;
	err_clear(&e);
	if (svc_lifecycle_find(&c->app.svc, serial, &r, &e) != ST_OK ||
	    svc_lifecycle_contact(&c->app.svc, &c->actor, r.id, note, &e) != ST_OK)
		return cli_fail(&e);
	char holder[CERT_ATTR_MAX], phone[32];
	lifecycle_holder(r.cn, r.org, holder, sizeof holder);
	mask_mobile(r.applicant_phone, phone);
	printf("已记录联系：证书 %s（%s），申请人 %s %s\n", r.serial, holder, r.applicant_name, phone);
	return flush_out();
}

static int remind(struct cli *c, int argc, char **argv)
{
	if (argc != 3 || argv[2][0] == '-')
		return usage();
	if (!cli_login(c))
		return EXIT_FAIL;
	struct lc_row r;
	struct lc_reminder out;
	struct err e;
	err_clear(&e);
	if (svc_lifecycle_find(&c->app.svc, argv[2], &r, &e) != ST_OK)
		return cli_fail(&e);
	if (!c->app.sms)
		return cli_error("无法发送提醒短信：%s", c->app.sms_error[0] ? c->app.sms_error
									  : "未配置短信网关"), EXIT_FAIL;
	if (svc_lifecycle_remind(&c->app.svc, c->app.sms, &c->actor, r.id, &out, &e) != ST_OK)
		return cli_fail(&e);
	printf("提醒短信已发送到 %s（%s）：\n%s\n", out.phone_masked, r.applicant_name, out.text);
	return flush_out();
}

int cmd_lifecycle(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return run_job(c, argc);
	if (argc >= 2 && strcmp(argv[1], "expiring") == 0)
		return expiring(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "contact") == 0)
		return contact(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "remind") == 0)
		return remind(c, argc, argv);
	return usage();
}
