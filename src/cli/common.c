#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/attachment.h"
#include "svc/attach_file.h"
#include "sync/sync.h"
#include "util/fs.h"
#include "svc/session.h"
#include "svc/staff.h"
#include "util/log.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("certdesk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_fail(const struct err *e)
{
	cli_error("%s", err_text(e));
	return EXIT_FAIL;
}

bool cli_open(struct cli *c)
{
	if (c->opened)
		return true;
	struct err e;
	err_clear(&e);
	if (app_open(&c->app, c->data, &e) != ST_OK) {
		cli_fail(&e);
		return false;
	}
	c->opened = true;
	return true;
}

bool cli_read_line(char *out, size_t n)
{
	if (!fgets(out, (int)n, stdin))
		return false;
	size_t len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return true;
}

bool cli_prompt_secret(const char *prompt, char *out, size_t n)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct termios old, quiet;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return false;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		return false;
	}
	tcsetattr(fd, TCSAFLUSH, &quiet);
	size_t len = 0;
	char ch;
	while (len + 1 < n && read(fd, &ch, 1) == 1 && ch != '\n' && ch != '\r')
		out[len++] = ch;
	out[len] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* nothing to do: the prompt line just stays unfinished */
	}
	close(fd);
	return true;
}

bool cli_login(struct cli *c)
{
	if (!cli_open(c))
		return false;
	if (!c->user || !*c->user) {
		cli_error("此子命令须以员工身份执行，请用 --user 指定员工账号");
		return false;
	}
	struct err e;
	err_clear(&e);
	const char *env = getenv("CERTDESK_PASSWORD");
	/* Without a password given, a ticket of this login session from an
	 * earlier password login (svc/session.h) stands in for it, like sudo's
	 * timestamp. A given password is always checked, and changing the
	 * password always asks for the old one. */
	if (!env && !c->password_change) {
		enum status st = svc_session_resume(&c->app, c->user, &c->actor, &e);
		if (st == ST_OK)
			return true;
		if (st == ST_AUTH)
			log_warn("session ticket of %s refused: %s", c->user, e.msg);
		err_clear(&e);
	}
	char pw[128];
	if (env)
		snprintf(pw, sizeof pw, "%s", env);
	else if (!cli_prompt_secret("密码：", pw, sizeof pw)) {
		cli_error("需要密码：请设置 CERTDESK_PASSWORD，或在终端上运行");
		return false;
	}
	bool must_change = false;
	enum status st = svc_login(&c->app.svc, c->user, pw, &c->actor, &must_change, &e);
	memset(pw, 0, sizeof pw);
	if (st != ST_OK) {
		cli_fail(&e);
		return false;
	}
	if (must_change && !c->password_change) {
		cli_error("管理员已重置您的密码，请先修改密码：certdesk --user %s staff passwd", c->user);
		return false;
	}
	if (!must_change) {
		struct err se;
		err_clear(&se);
		if (svc_session_issue(&c->app, &c->actor, &se) != ST_OK && se.st != ST_UNSUPPORTED)
			log_warn("session ticket not kept: %s", se.msg);
	}
	return true;
}

int cli_export_attachment(struct cli *c, const char *number, const struct attachment *a,
			  const char *output)
{
	struct err e;
	err_clear(&e);
	char path[PATH_MAX];
	/* No hooks: Ctrl-C ends the program, and a fetch cut short has
	 * written nothing (sync_blob_fetch). */
	enum status st = sync_attachment_copy(&c->app, &c->actor, number, a, ATTACH_EXPORT, NULL,
					      path, &e);
	if (st != ST_OK)
		return cli_fail(&e);
	if (output) {
		/* Moved, not copied: nothing is left behind under exports/. */
		char *data = NULL;
		size_t len = 0;
		st = fs_read_all(path, ATTACH_MAX_BYTES, &data, &len, &e);
		if (st == ST_OK)
			st = fs_write_atomic(output, data, len, &e);
		free(data);
		if (st != ST_OK)
			return cli_error("无法写入 %s：%s（文件已导出到 %s）", output, err_text(&e), path),
			       EXIT_FAIL;
		remove(path);
		snprintf(path, sizeof path, "%s", output);
	}
	printf("%s\n", path);
	return EXIT_OK;
}
