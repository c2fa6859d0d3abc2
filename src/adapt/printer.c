/* The printer port: lp started without a shell, with a bounded wait. */
#include "adapt/printer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/utf8.h"

extern char **environ;

#define OUT_CAP 2048               /* bytes kept of lp's stdout and stderr each */

bool printer_name_valid(const char *name, struct err *e)
{
	if (!name || !*name)
		return err_set(e, ST_INVALID, "没有指定打印机"), false;
	size_t len = strlen(name);
	if (len >= PRINTER_NAME_MAX)
		return err_set(e, ST_INVALID, "打印机名称过长（最多 %d 字节）", PRINTER_NAME_MAX - 1), false;
	if (!utf8_valid(name, len))
		return err_set(e, ST_INVALID, "打印机名称不是有效的 UTF-8 文本"), false;
	if (name[0] == '-')
		return err_set(e, ST_INVALID, "打印机名称“%s”无效：不能以“-”开头", name), false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("/\\#?'\"", *p))
			return err_set(e, ST_INVALID,
				       "打印机名称“%s”无效：不能含有空格、控制字符或 / \\ # ? 引号", name),
			       false;
	return true;
}

/* The environment for lp: ours, with messages in English (so they can be
 * recognised) and text in UTF-8. Caller frees the array (not the strings). */
static char **child_env(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = calloc(n + 2, sizeof *env);
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LC_ALL=", 7) != 0 && strncmp(environ[i], "LANGUAGE=", 9) != 0)
			env[k++] = environ[i];
	env[k++] = "LC_ALL=C.UTF-8";
	env[k] = NULL;
	return env;
}

struct capture {
	char text[OUT_CAP];
	size_t len;
	bool open;
};

/* Read what is there (the descriptor is non-blocking); true when bytes
 * came, false when none are waiting or at the end (then c->open is false). */
static bool drain(int fd, struct capture *c)
{
	char buf[512];
	ssize_t r = read(fd, buf, sizeof buf);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (r <= 0) {
		c->open = false;
		return false;
	}
	size_t room = sizeof c->text - 1 - c->len;
	size_t take = (size_t)r < room ? (size_t)r : room;
	memcpy(c->text + c->len, buf, take);
	c->len += take;
	c->text[c->len] = '\0';
	return true;
}

/* The first non-empty line of lp's message, without "lp: " and
 * "Error - ", cut to fit a sentence; "" when there is none. */
static void first_line(const char *text, char *out, size_t outsz)
{
	out[0] = '\0';
	const char *p = text;
	while (*p == '\n' || *p == '\r' || *p == ' ')
		p++;
	size_t len = strcspn(p, "\r\n");
	char line[OUT_CAP];
	snprintf(line, sizeof line, "%.*s", (int)len, p);
	const char *s = line;
	if (strncmp(s, "lp: ", 4) == 0)
		s += 4;
	if (strncmp(s, "Error - ", 8) == 0)
		s += 8;
	if (!utf8_valid(s, strlen(s)))
		return;
	utf8_fit(s, 80, true, out, outsz);
}

/* Start argv[0] (found on PATH) with stdin from /dev/null and pipes for
 * stdout and stderr. *exec_errno is the errno of a failed exec (the child
 * has then exited), 0 when the program runs. */
static enum status start(char *const argv[], char **env, pid_t *pid, int *out_fd, int *err_fd,
			 int *exec_errno, struct err *e)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, ps[2] = { -1, -1 };
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0 ||
	    pipe2(ps, O_CLOEXEC) != 0) {
		int err = errno;
		for (int i = 0; i < 2; i++) {
			if (po[i] >= 0)
				close(po[i]);
			if (pe[i] >= 0)
				close(pe[i]);
			if (ps[i] >= 0)
				close(ps[i]);
		}
		if (null >= 0)
			close(null);
		return err_set(e, ST_INTERNAL, "无法启动打印命令：%s", strerror(err));
	}
	pid_t child = fork();
	if (child == 0) {
		/* Only async-signal-safe calls from here on. */
		dup2(null, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execvpe(argv[0], argv, env);
		int err = errno;
		ssize_t w = write(ps[1], &err, sizeof err);
		(void)w;
		_exit(127);
	}
	int fork_errno = errno;
	close(null);
	close(po[1]);
	close(pe[1]);
	close(ps[1]);
	if (child < 0) {
		close(po[0]);
		close(pe[0]);
		close(ps[0]);
		return err_set(e, ST_INTERNAL, "无法启动打印命令：%s", strerror(fork_errno));
	}
	/* The status pipe closes on a successful exec (O_CLOEXEC) or carries
	 * the errno of a failed one. */
	int err = 0;
	ssize_t r;
	do
		r = read(ps[0], &err, sizeof err);
	while (r < 0 && errno == EINTR);
	close(ps[0]);
	*exec_errno = r == (ssize_t)sizeof err ? err : 0;
	*pid = child;
	*out_fd = po[0];
	*err_fd = pe[0];
	return ST_OK;
}

enum outcome { RAN, TIMED_OUT, LOST };

/*
 * Collect lp's output and wait for it to end, until `deadline` (clock_ms).
 * Stops at the child's exit even if something it started still holds the
 * pipes; kills it (SIGKILL) when late. *status is its wait status when RAN.
 */
static enum outcome collect(pid_t pid, int out_fd, int err_fd, struct capture *out,
			    struct capture *err, double deadline, int *status)
{
	fcntl(out_fd, F_SETFL, O_NONBLOCK);
	fcntl(err_fd, F_SETFL, O_NONBLOCK);
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid) {
			while (out->open && drain(out_fd, out))
				;
			while (err->open && drain(err_fd, err))
				;
			return RAN;
		}
		if (r < 0 && errno != EINTR)
			return LOST; /* SIGCHLD ignored elsewhere: the status is gone */
		double left = deadline - clock_ms();
		if (left <= 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return TIMED_OUT;
		}
		int wait = left < 20 ? (int)left + 1 : 20;
		if (out->open || err->open) {
			struct pollfd pf[2] = { { out->open ? out_fd : -1, POLLIN, 0 },
						{ err->open ? err_fd : -1, POLLIN, 0 } };
			if (poll(pf, 2, wait) > 0) {
				if (pf[0].revents)
					drain(out_fd, out);
				if (pf[1].revents)
					drain(err_fd, err);
			}
		} else {
			struct timespec ts = { 0, (long)wait * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
}

enum status printer_send(const char *printer, const char *path, int timeout_ms,
			 char job[PRINTER_JOB_MAX], struct err *e)
{
	if (job)
		job[0] = '\0';
	if (!printer_name_valid(printer, e))
		return ST_INVALID;
	struct stat sb;
	if (!path || !*path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || access(path, R_OK) != 0)
		return err_set(e, ST_INVALID, "要打印的文件不存在或无法读取");
	if (timeout_ms <= 0)
		timeout_ms = PRINTER_TIMEOUT_MS;

	/* A file name starting with '-' would read as an option. */
	char file[4096 + 3];
	if (snprintf(file, sizeof file, "%s%s", path[0] == '-' ? "./" : "", path) >= (int)sizeof file)
		return err_set(e, ST_INVALID, "文件路径过长");
	char *argv[] = { "lp", "-d", (char *)printer, file, NULL };
	char **env = child_env();
	if (!env)
		return err_status(e, ST_NOMEM);
	pid_t pid = -1;
	int out_fd = -1, err_fd = -1, exec_errno = 0;
	double t0 = clock_ms(), deadline = t0 + timeout_ms;
	enum status st = start(argv, env, &pid, &out_fd, &err_fd, &exec_errno, e);
	free(env);
	if (st != ST_OK)
		return st;

	struct capture out = { .open = true }, err = { .open = true };
	int status = 0;
	enum outcome how = exec_errno ? RAN : collect(pid, out_fd, err_fd, &out, &err, deadline, &status);
	if (exec_errno)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	close(out_fd);
	close(err_fd);

	if (exec_errno == ENOENT || exec_errno == EACCES || exec_errno == ENOTDIR)
		return err_set(e, ST_UNSUPPORTED, "找不到打印命令 lp：本机没有安装 CUPS 打印客户端（cups-client）");
	if (exec_errno)
		return err_set(e, ST_INTERNAL, "无法启动打印命令 lp：%s", strerror(exec_errno));
	if (how == TIMED_OUT) {
		log_warn("lp killed after %d ms", timeout_ms);
		return err_set(e, ST_TIMEOUT, "打印命令 lp 在 %d 秒内没有完成，已终止", (timeout_ms + 999) / 1000);
	}
	if (how == LOST)
		return err_set(e, ST_INTERNAL, "无法得知打印命令 lp 的结果，请在打印机上确认");
	char why[256];
	first_line(err.text[0] ? err.text : out.text, why, sizeof why);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_warn("lp -d %s failed: %s", printer, why[0] ? why : "(no message)");
		if (strstr(err.text, "does not exist"))
			return err_set(e, ST_NOT_FOUND, "打印机“%s”不存在（CUPS 中没有这个名称的打印机）",
				       printer);
		if (strstr(err.text, "Scheduler Not Running") || strstr(err.text, "Unable to connect"))
			return err_set(e, ST_DEVICE, "打印服务（CUPS）没有运行，无法打印到“%s”", printer);
		if (!WIFEXITED(status))
			return err_set(e, ST_DEVICE, "打印命令 lp 异常退出（信号 %d）",
				       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		if (why[0])
			return err_set(e, ST_DEVICE, "打印机“%s”拒绝了打印任务：%s", printer, why);
		return err_set(e, ST_DEVICE, "打印命令 lp 失败（退出码 %d）", WEXITSTATUS(status));
	}
	/* "request id is 前台打印机-42 (1 file(s))" */
	const char *rid = strstr(out.text, "request id is ");
	if (job && rid) {
		rid += strlen("request id is ");
		size_t n = strcspn(rid, " \r\n");
		if (n < PRINTER_JOB_MAX)
			snprintf(job, PRINTER_JOB_MAX, "%.*s", (int)n, rid);
		if (!utf8_valid(job, strlen(job)))
			job[0] = '\0';
	}
	log_info("printed on %s as %s in %.0f ms", printer, job && job[0] ? job : "?", clock_ms() - t0);
	return ST_OK;
}
