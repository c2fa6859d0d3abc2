/* A real certdeskd for the sync figures (bench/bench_sync.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "adapt/http.h"
#include "bench/bench_sync.h"
#include "svc/staff.h"
#include "sync/sync.h"
#include "util/clock.h"
#include "util/fs.h"

extern char **environ;

/* Run argv with `in` on its standard input; its standard output into out
 * (NUL-terminated). Returns the exit status, or -1. */
static int spawn_io(char *const argv[], const char *in, char *out, size_t outsz)
{
	int ip[2], op[2];
	if (pipe2(ip, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(op, O_CLOEXEC) != 0) {
		close(ip[0]);
		close(ip[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ip[0], 0);
	posix_spawn_file_actions_adddup2(&fa, op[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(ip[0]);
	close(op[1]);
	if (rc == 0 && in && write(ip[1], in, strlen(in)) < 0)
		rc = errno;
	close(ip[1]);
	size_t len = 0;
	for (;;) {
		char sink[512];
		char *dst = len + 1 < outsz ? out + len : sink;
		size_t room = len + 1 < outsz ? outsz - 1 - len : sizeof sink;
		ssize_t r = read(op[0], dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst != sink)
			len += (size_t)r;
	}
	close(op[0]);
	if (outsz)
		out[len] = '\0';
	if (rc != 0)
		return -1;
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int port = -1;
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static bool healthy(const char *url)
{
	struct http_options o = { .connect_timeout_ms = 200, .timeout_ms = 1000, .noproxy = "*" };
	struct http_client *h;
	struct err e;
	if (http_client_new(&o, &h, &e) != ST_OK)
		return false;
	char u[128];
	snprintf(u, sizeof u, "%s/v1/health", url);
	struct http_request rq = { .url = u };
	long code = 0;
	bool ok = http_perform(h, &rq, NULL, &code, &e) == ST_OK && code == 200;
	http_client_free(h);
	return ok;
}

bool bench_centre_start(const struct bench *b, const char *dir, struct bench_centre *c,
			struct err *e)
{
	memset(c, 0, sizeof *c);
	snprintf(c->dir, sizeof c->dir, "%s", dir);
	snprintf(c->db, sizeof c->db, "%s/centre.db", dir);
	snprintf(c->log, sizeof c->log, "%s/certdeskd.log", dir);
	snprintf(c->certdeskd, sizeof c->certdeskd, "%s", b->bin);
	char *slash = strrchr(c->certdeskd, '/');
	if (!slash || (size_t)(slash - c->certdeskd) + 11 >= sizeof c->certdeskd)
		return err_set(e, ST_NOT_FOUND, "找不到 certdeskd"), false;
	strcpy(slash + 1, "certdeskd");
	if (access(c->certdeskd, X_OK) != 0)
		return err_set(e, ST_NOT_FOUND, "%s 不存在（先 make rel）", c->certdeskd), false;
	if (fs_mkdir_p(dir, e) != ST_OK)
		return false;
	char out[512];
	char *init[] = { c->certdeskd, "init", "--db", c->db, "--office", "HQ", "--office-name",
			 "总部", "--admin", "root", NULL };
	if (spawn_io(init, BENCH_CENTRE_PASSWORD "\n", out, sizeof out) != 0)
		return err_set(e, ST_INTERNAL, "certdeskd init 失败"), false;
	int port = free_port();
	if (port <= 0)
		return err_set(e, ST_NET, "没有空闲端口"), false;
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(c->url, sizeof c->url, "http://%s", listen);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, c->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	char *argv[] = { c->certdeskd, "--db", c->db, "--listen", listen, NULL };
	int rc = posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		c->pid = 0;
		return err_set(e, ST_INTERNAL, "无法启动 certdeskd"), false;
	}
	for (int i = 0; i < 200; i++) {
		if (healthy(c->url))
			return true;
		struct timespec ts = { 0, 50000000 };
		nanosleep(&ts, NULL);
	}
	bench_centre_stop(c);
	return err_set(e, ST_NET, "certdeskd 没有启动（见 %s）", c->log), false;
}

void bench_centre_stop(struct bench_centre *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGTERM);
	int ws;
	while (waitpid(c->pid, &ws, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
}

bool bench_centre_terminal(struct bench_centre *c, const char *name, char code[40], struct err *e)
{
	char out[1024];
	char *argv[] = { c->certdeskd, "terminal", "add", "--db", c->db, "--office", "HQ", "--name",
			 (char *)name, NULL };
	code[0] = '\0';
	if (spawn_io(argv, NULL, out, sizeof out) != 0)
		return err_set(e, ST_INTERNAL, "certdeskd terminal add 失败"), false;
	const char *p = strstr(out, "登记码：");
	if (p)
		sscanf(p + strlen("登记码："), "%39s", code);
	return code[0] ? true : (err_set(e, ST_INTERNAL, "certdeskd 没有给出登记码"), false);
}

bool bench_terminal_open(struct bench_centre *c, const char *dir, const char *code,
			 struct app *app, struct actor *root, struct err *e)
{
	char conf[PATH_MAX + 32];
	snprintf(conf, sizeof conf, "%s/certdesk.conf", dir);
	static const char text[] = "sync.noproxy = *\nsync.timeout_ms = 600000\nsync.pull_limit = 1000\n";
	if (fs_mkdir_p(dir, e) != ST_OK || fs_write_atomic(conf, text, sizeof text - 1, e) != ST_OK ||
	    app_open(app, dir, e) != ST_OK)
		return false;
	struct sync_stats st;
	bool must_change;
	if (sync_enroll(app, NULL, c->url, code, false, NULL, e) != ST_OK ||
	    sync_round(app, NULL, NULL, &st, e) != ST_OK ||
	    svc_login(&app->svc, "root", BENCH_CENTRE_PASSWORD, root, &must_change, e) != ST_OK) {
		app_close(app);
		return false;
	}
	return true;
}

void bench_id_number(long i, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	snprintf(out, 19, "440304%04ld%02ld%02ld%03ld", 1960 + i % 40, 1 + (i / 40) % 12,
		 1 + (i / 480) % 28, i % 1000);
	int sum = 0;
	for (int k = 0; k < 17; k++)
		sum += (out[k] - '0') * w[k];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}
