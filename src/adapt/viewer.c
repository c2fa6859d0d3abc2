#include "adapt/viewer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VIEWER_ARGS 16

/* Is `prog` an executable, directly or through PATH? */
static bool findable(const char *prog)
{
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char dir[PATH_MAX], full[PATH_MAX];
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		if (n && n < sizeof dir) {
			memcpy(dir, p, n);
			dir[n] = '\0';
			snprintf(full, sizeof full, "%s/%s", dir, prog);
			if (access(full, X_OK) == 0)
				return true;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

enum status viewer_open(const char *command, const char *path, struct err *e)
{
	char words[512];
	snprintf(words, sizeof words, "%s", command && *command ? command : "xdg-open");
	char *argv[VIEWER_ARGS + 2];
	int argc = 0;
	for (char *save = NULL, *w = strtok_r(words, " \t", &save); w && argc < VIEWER_ARGS;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	if (argc == 0)
		return err_set(e, ST_INVALID, "设置项 viewer 为空");
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	if (!findable(argv[0]))
		return err_set(e, ST_NOT_FOUND, "找不到查看程序 %s，请在 certdesk.conf 中设置 viewer",
			       argv[0]);
	/* Fork twice: the grandchild runs the viewer and is adopted by init,
	 * the child exits at once and is reaped here. */
	pid_t child = fork();
	if (child < 0)
		return err_set(e, ST_IO, "无法启动查看程序：%s", strerror(errno));
	if (child == 0) {
		if (setsid() < 0)
			_exit(1);
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0 ? 1 : 0);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, ST_IO, "无法启动查看程序 %s", argv[0]);
	return ST_OK;
}
