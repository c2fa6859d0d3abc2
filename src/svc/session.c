/* Session tickets for the command line (svc/session.h). */
#include "svc/session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/settings.h"
#include "store/staff_repo.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/log.h"

#define TICKET_MAX 1024
#define MAGIC "certdesk-session 1"

/* ---- where and who ------------------------------------------------------ */

/*
 * This process's login session as text: "SID.START.BOOT", the session id,
 * its leader's start time (clock ticks since boot) and the boot id. False
 * when there is no leader we can see (a session made outside this PID
 * namespace, or /proc missing): then tickets are not used.
 */
static bool login_session(char *out, size_t outsz)
{
	pid_t sid = getsid(0);
	if (sid <= 0)
		return false;
	char path[64], stat[1024], boot[64] = "";
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)sid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(stat, 1, sizeof stat - 1, f);
	fclose(f);
	stat[n] = '\0';
	/* field 22, counted after the command name, which may hold spaces */
	const char *p = strrchr(stat, ')');
	unsigned long long start = 0;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1 || start == 0)
		return false;
	f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (!fgets(boot, sizeof boot, f))
			boot[0] = '\0';
		fclose(f);
	}
	boot[strcspn(boot, "\n")] = '\0';
	if (!boot[0])
		return false;
	snprintf(out, outsz, "%ld.%llu.%s", (long)sid, start, boot);
	return true;
}

/* DATA/sessions, made 0700 when missing; refused when it is not ours or
 * others may enter it. */
static enum status ticket_dir(const struct app *app, char *out, size_t outsz, bool create,
			      struct err *e)
{
	if (snprintf(out, outsz, "%s/sessions", app->data_dir) >= (int)outsz)
		return err_set(e, ST_INVALID, "数据目录路径过长");
	if (create && mkdir(out, 0700) != 0 && errno != EEXIST)
		return err_set(e, fs_status_of_errno(errno), "无法创建 %s：%s", out, strerror(errno));
	struct stat st;
	if (lstat(out, &st) != 0)
		return err_set(e, ST_NOT_FOUND, "没有会话目录");
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077))
		return err_set(e, ST_DENIED, "会话目录 %s 的属主或权限不对（应为本用户、0700），不使用免密会话",
			       out);
	return ST_OK;
}

/* The file of one session: UID+USERNAME+H, H a short hash of the session
 * ('+' cannot be in a user name, so one user's prefix is never another's). */
static void ticket_path(const char *dir, const char *username, const char *session, char *out,
			size_t outsz)
{
	unsigned char h[8];
	crypto_generichash(h, sizeof h, (const unsigned char *)session, strlen(session), NULL, 0);
	char hex[17];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(out, outsz, "%s/%ld+%s+%s", dir, (long)getuid(), username, hex);
}

/* The per-database key, made on first use (in its own transaction). */
static enum status session_key(struct db *db, bool create, unsigned char key[32], struct err *e)
{
	char hex[65];
	struct err nf;
	if (settings_get(db, "session_key", hex, sizeof hex, &nf) == ST_OK &&
	    sodium_hex2bin(key, 32, hex, strlen(hex), NULL, NULL, NULL) == 0)
		return ST_OK;
	if (!create)
		return err_set(e, ST_NOT_FOUND, "没有会话密钥");
	randombytes_buf(key, 32);
	sodium_bin2hex(hex, sizeof hex, key, 32);
	enum status st = db_begin(db, e);
	if (st != ST_OK)
		return st;
	st = settings_set(db, "session_key", hex, e);
	if (st == ST_OK)
		return db_commit(db, e);
	db_rollback(db);
	return st;
}

/* A stamp of the password hash: another password, another stamp. */
static void pw_stamp(const struct staff *s, char out[33])
{
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)s->pw_hash, strlen(s->pw_hash), NULL, 0);
	sodium_bin2hex(out, 33, h, sizeof h);
}

static void mac_hex(const unsigned char key[32], const char *text, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(mac, (const unsigned char *)text, strlen(text), key);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

struct ticket {
	char staff_id[UUID_LEN + 1];
	char username[USERNAME_MAX];
	long uid;
	char session[160];
	long long issued, used;
	char stamp[33];
};

static int ticket_body(const struct ticket *t, char *out, size_t outsz)
{
	return snprintf(out, outsz, "%s %s %s %ld %s %lld %lld %s", MAGIC, t->staff_id, t->username, t->uid,
			t->session, t->issued, t->used, t->stamp);
}

/* Write the ticket with its MAC: temp file 0600, then rename. No fsync: a
 * ticket lost in a crash only means typing the password again. */
static enum status ticket_write(const char *path, const struct ticket *t, const unsigned char key[32],
				struct err *e)
{
	char body[TICKET_MAX], mac[65], line[TICKET_MAX + 80], tmp[PATH_MAX + 16];
	if (ticket_body(t, body, sizeof body) >= (int)sizeof body)
		return err_set(e, ST_INVALID, "会话信息过长");
	mac_hex(key, body, mac);
	int len = snprintf(line, sizeof line, "%s %s\n", body, mac);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, fs_status_of_errno(errno), "无法写入会话文件：%s", strerror(errno));
	bool ok = write(fd, line, (size_t)len) == len;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int errnum = errno;
		unlink(tmp);
		return err_set(e, fs_status_of_errno(errnum), "无法写入会话文件：%s", strerror(errnum));
	}
	return ST_OK;
}

/* Read and check a ticket file: ours, 0600, a well-formed line whose MAC
 * verifies. ST_NOT_FOUND when absent; ST_AUTH (with why) otherwise. */
static enum status ticket_read(const char *path, const unsigned char key[32], struct ticket *t,
			       struct err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? err_set(e, ST_NOT_FOUND, "没有会话") : err_set(e, ST_AUTH, "会话文件无法读取");
	struct stat st;
	char line[TICKET_MAX + 80];
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == getuid() && !(st.st_mode & 077))
		n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n <= 0)
		return err_set(e, ST_AUTH, "会话文件的属主或权限不对");
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	char *sp = strrchr(line, ' ');
	if (!sp)
		return err_set(e, ST_AUTH, "会话文件格式不对");
	*sp = '\0';
	char want[65];
	mac_hex(key, line, want);
	if (strlen(sp + 1) != 64 || sodium_memcmp(want, sp + 1, 64) != 0)
		return err_set(e, ST_AUTH, "会话文件校验不符");
	memset(t, 0, sizeof *t);
	char magic1[20], magic2[8];
	if (sscanf(line, "%19s %7s %36s %32s %ld %159s %lld %lld %32s", magic1, magic2, t->staff_id,
		   t->username, &t->uid, t->session, &t->issued, &t->used, t->stamp) != 9 ||
	    strcmp(magic1, "certdesk-session") != 0 ||
	    strcmp(magic2, "1") != 0)
		return err_set(e, ST_AUTH, "会话文件格式不对");
	return ST_OK;
}

/* ---- the use cases ------------------------------------------------------ */

static void actor_from(const struct staff *s, const char *terminal_id, struct actor *a)
{
	memset(a, 0, sizeof *a);
	memcpy(a->id, s->id, sizeof a->id);
	memcpy(a->username, s->username, sizeof a->username);
	memcpy(a->name, s->name, sizeof a->name);
	memcpy(a->office_id, s->office_id, sizeof a->office_id);
	snprintf(a->terminal_id, sizeof a->terminal_id, "%s", terminal_id);
	a->role = s->role;
}

enum status svc_session_issue(struct app *app, const struct actor *a, struct err *e)
{
	char session[160], dir[PATH_MAX], path[PATH_MAX + 96];
	if (!login_session(session, sizeof session))
		return err_set(e, ST_UNSUPPORTED, "无法识别登录会话，不保存免密会话");
	struct staff s;
	enum status st = staff_repo_get(app->svc.db, a->id, &s, e);
	if (st != ST_OK)
		return st;
	unsigned char key[32];
	if ((st = ticket_dir(app, dir, sizeof dir, true, e)) != ST_OK ||
	    (st = session_key(app->svc.db, true, key, e)) != ST_OK)
		return st;
	struct ticket t;
	memset(&t, 0, sizeof t);
	snprintf(t.staff_id, sizeof t.staff_id, "%s", s.id);
	snprintf(t.username, sizeof t.username, "%s", s.username);
	t.uid = (long)getuid();
	snprintf(t.session, sizeof t.session, "%s", session);
	t.issued = t.used = (long long)clock_now();
	pw_stamp(&s, t.stamp);
	ticket_path(dir, s.username, session, path, sizeof path);
	st = ticket_write(path, &t, key, e);
	sodium_memzero(key, sizeof key);
	return st;
}

enum status svc_session_resume(struct app *app, const char *username, struct actor *out,
			       struct err *e)
{
	char session[160], dir[PATH_MAX], path[PATH_MAX + 96];
	struct err nf;
	if (!username || !*username || !check_username(username, &nf))
		return err_set(e, ST_NOT_FOUND, "没有会话");
	if (!login_session(session, sizeof session))
		return err_set(e, ST_UNSUPPORTED, "无法识别登录会话");
	enum status st = ticket_dir(app, dir, sizeof dir, false, e);
	if (st != ST_OK)
		return st == ST_DENIED ? err_set(e, ST_AUTH, "%s", e->msg) : err_set(e, ST_NOT_FOUND, "没有会话");
	ticket_path(dir, username, session, path, sizeof path);
	unsigned char key[32];
	if (session_key(app->svc.db, false, key, &nf) != ST_OK)
		return err_set(e, ST_NOT_FOUND, "没有会话");
	struct ticket t;
	st = ticket_read(path, key, &t, e);
	if (st == ST_NOT_FOUND)
		goto out;
	long long now = (long long)clock_now();
	struct staff s;
	char stamp[33] = "";
	if (st != ST_OK) {
		/* e says why */
	} else if (strcmp(t.username, username) != 0 || t.uid != (long)getuid() ||
		   strcmp(t.session, session) != 0) {
		st = err_set(e, ST_AUTH, "会话不属于本用户或本登录会话");
	} else if (now < t.used || now < t.issued) {
		st = err_set(e, ST_AUTH, "时钟倒退，会话作废");
	} else if (now - t.used > SESSION_IDLE_S || now - t.issued > SESSION_MAX_S) {
		st = err_set(e, ST_NOT_FOUND, "会话已过期");
	} else if (staff_repo_get(app->svc.db, t.staff_id, &s, &nf) != ST_OK ||
		   strcmp(s.username, username) != 0) {
		st = err_set(e, ST_AUTH, "会话的员工账户不存在");
	} else if (s.disabled || s.locked || s.must_change) {
		st = err_set(e, ST_AUTH, "账户已停用、锁定或须修改密码，会话作废");
	} else if (pw_stamp(&s, stamp), strcmp(stamp, t.stamp) != 0) {
		st = err_set(e, ST_AUTH, "密码已修改，会话作废");
	} else {
		char tid[UUID_LEN + 1] = "";
		settings_get(app->svc.db, "terminal_id", tid, sizeof tid, &nf);
		actor_from(&s, tid, out);
		t.used = now;
		struct err we;
		if (ticket_write(path, &t, key, &we) != ST_OK)
			log_warn("session ticket not refreshed: %s", we.msg);
		st = ST_OK;
	}
	if (st != ST_OK)
		unlink(path);
out:
	sodium_memzero(key, sizeof key);
	return st;
}

enum status svc_session_end(struct app *app, const char *username, int *removed, struct err *e)
{
	char dir[PATH_MAX], prefix[USERNAME_MAX + 32];
	struct err nf;
	if (removed)
		*removed = 0;
	if (!username || !check_username(username, &nf))
		return err_set(e, ST_INVALID, "无效的用户名");
	enum status st = ticket_dir(app, dir, sizeof dir, false, e);
	if (st == ST_NOT_FOUND)
		return ST_OK;
	if (st != ST_OK)
		return st;
	snprintf(prefix, sizeof prefix, "%ld+%s+", (long)getuid(), username);
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, ST_IO, "无法读取 %s：%s", dir, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		char path[PATH_MAX + 300];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (unlink(path) == 0 && removed && !strstr(de->d_name, ".tmp"))
			(*removed)++;
	}
	closedir(d);
	return ST_OK;
}
