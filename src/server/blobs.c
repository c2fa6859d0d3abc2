/* HEAD/GET/PUT /v1/blobs/{sha256}: resumable, checked uploads (docs/SYNC.md). */
#include "server/blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/attachment.h"
#include "server/centre.h"
#include "server/parse.h"
#include "server/routes.h"
#include "store/attach_repo.h"
#include "util/fs.h"
#include "util/log.h"

/* An upload nobody resumed for this long is removed at start. */
#define PART_STALE_S (7L * 24 * 3600)

static void tmp_dir(const char *data_dir, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/blobs/tmp", data_dir);
}

static void part_path(const char *sha, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/blobs/tmp/%s.part", centre_data_dir(), sha);
}

enum status blobs_prepare(const char *data_dir, struct err *e)
{
	char dir[PATH_MAX];
	tmp_dir(data_dir, dir, sizeof dir);
	enum status st = fs_mkdir_p(dir, e);
	if (st != ST_OK)
		return st;
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, ST_IO, "无法读取目录 %s", dir);
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char path[PATH_MAX];
		struct stat sb;
		if (n < 6 || strcmp(de->d_name + n - 5, ".part") != 0 ||
		    snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path ||
		    stat(path, &sb) != 0 || now - sb.st_mtime < PART_STALE_S)
			continue;
		if (unlink(path) == 0)
			log_info("removed abandoned upload %s", de->d_name);
	}
	closedir(d);
	return ST_OK;
}

bool blobs_have(const char *sha256, void *ctx)
{
	(void)ctx;
	char path[PATH_MAX];
	struct stat sb;
	if (!sha256_hex_valid(sha256))
		return false;
	blob_path(centre_data_dir(), sha256, path, sizeof path);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static bool sha_arg(struct route_request *rq, struct route_response *rs)
{
	if (sha256_hex_valid(rq->arg))
		return true;
	route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_sha", "文件名应为 64 位小写十六进制的 SHA-256 摘要");
	return false;
}

/* The complete file as the answer; false when it is not there. */
static bool send_file(const char *sha, struct route_response *rs)
{
	char path[PATH_MAX];
	blob_path(centre_data_dir(), sha, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return false;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return false;
	}
	rs->code = MHD_HTTP_OK;
	rs->fd = fd;
	rs->fd_size = (uint64_t)sb.st_size;
	return true;
}

/* Bytes of an upload in progress (0 when none). */
static long long part_size(const char *sha)
{
	char path[PATH_MAX];
	struct stat sb;
	part_path(sha, path, sizeof path);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

void blobs_head(struct route_request *rq, struct route_response *rs)
{
	if (!sha_arg(rq, rs) || send_file(rq->arg, rs))
		return;
	long long n = part_size(rq->arg);
	if (n > 0) {
		rs->code = MHD_HTTP_PARTIAL_CONTENT;
		rs->body = json_pack("{s:b, s:I}", "complete", 0, "received", (json_int_t)n);
	} else {
		route_error(rs, MHD_HTTP_NOT_FOUND, "not_found", "中心还没有这个文件");
	}
	route_header(rs, "X-Received", "%lld", n);
}

/* A terminal that does not see every office gets only the files of its
 * office's records. */
static bool in_scope(struct route_request *rq, struct route_response *rs)
{
	if (rq->peer->all_offices)
		return true;
	struct err e;
	err_clear(&e);
	struct db *db = request_db(rq, &e);
	sqlite3_stmt *s = db ? db_prep(db,
		"SELECT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = ?1 AND"
		" CASE a.owner_type WHEN 'application'"
		" THEN (SELECT office_id FROM applications WHERE id = a.owner_id)"
		" ELSE (SELECT office_id FROM orders WHERE id = a.owner_id) END = ?2)", &e) : NULL;
	if (!s) {
		route_fail(rs, &e);
		return false;
	}
	db_bind_text(s, 1, rq->arg);
	db_bind_text(s, 2, rq->peer->office_id);
	int rc = sqlite3_step(s);
	bool yes = rc == SQLITE_ROW && sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		db_fail(db, rc, &e);
		route_fail(rs, &e);
		return false;
	}
	if (!yes)
		route_error(rs, MHD_HTTP_NOT_FOUND, "not_found", "本受理点的记录中没有这个文件");
	return yes;
}

void blobs_get(struct route_request *rq, struct route_response *rs)
{
	if (!sha_arg(rq, rs) || !in_scope(rq, rs) || send_file(rq->arg, rs))
		return;
	route_error(rs, MHD_HTTP_NOT_FOUND, "not_found", "中心还没有这个文件（或尚未传完）");
}

/* ---- PUT ------------------------------------------------------------------- */

struct upload {
	char sha[SHA256_HEX];
	char part[PATH_MAX];
	int fd;                /* the part file, locked */
	uint64_t from, span, total;
	uint64_t got;          /* bytes of this request written */
};

static void answer_received(struct route_response *rs, unsigned code, const char *error,
			    const char *message, long long received)
{
	route_error(rs, code, error, message);
	json_object_set_new(rs->body, "received", json_integer(received));
	route_header(rs, "X-Received", "%lld", received);
}

static void io_error(struct route_response *rs, int errnum, const char *what)
{
	struct err e;
	err_set(&e, fs_status_of_errno(errnum), "中心%s失败：%s", what,
		fs_status_of_errno(errnum) == ST_FULL ? "磁盘空间不足" : strerror(errnum));
	log_error("blob store: %s: %s", what, strerror(errnum));
	route_fail(rs, &e);
}

/* The range this request covers, from Content-Range, or the whole file
 * when only Content-Length is given. */
static bool upload_range(struct route_request *rq, struct upload *u, struct route_response *rs)
{
	const char *cr = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Content-Range");
	const char *cl = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Content-Length");
	uint64_t len = 0, to;
	bool has_len = cl && parse_uint(cl, UINT64_MAX, &len);
	if (cr) {
		if (!parse_content_range(cr, UINT64_MAX, &u->from, &to, &u->total)) {
			route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_range",
				    "Content-Range 应为 bytes 起点-终点/总长");
			return false;
		}
		u->span = to - u->from + 1;
	} else if (has_len && len > 0) {
		u->from = 0;
		u->span = u->total = len;
	} else {
		route_error(rs, MHD_HTTP_LENGTH_REQUIRED, "bad_range",
			    "上传文件需要 Content-Range（或整份文件的 Content-Length）");
		return false;
	}
	if (u->total > ATTACH_MAX_BYTES) {
		char msg[96];
		snprintf(msg, sizeof msg, "文件过大（上限 %u MB）", ATTACH_MAX_BYTES >> 20);
		route_error(rs, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", msg);
		return false;
	}
	if (has_len && len != u->span) {
		route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_range",
			    "Content-Length 与 Content-Range 声明的长度不一致");
		return false;
	}
	return true;
}

static bool put_open(struct route_request *rq, struct route_response *rs)
{
	if (!sha_arg(rq, rs))
		return false;
	if (blobs_have(rq->arg, NULL)) {
		/* Already here, whole and checked: nothing to send. */
		rs->code = MHD_HTTP_OK;
		rs->body = json_pack("{s:b}", "complete", 1);
		return false;
	}
	struct upload u = { .fd = -1 };
	if (!upload_range(rq, &u, rs))
		return false;
	snprintf(u.sha, sizeof u.sha, "%s", rq->arg);
	part_path(u.sha, u.part, sizeof u.part);
	u.fd = open(u.part, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (u.fd < 0) {
		io_error(rs, errno, "创建上传文件");
		return false;
	}
	if (flock(u.fd, LOCK_EX | LOCK_NB) != 0) {
		close(u.fd);
		route_error(rs, MHD_HTTP_CONFLICT, "busy", "这个文件正由另一个连接上传，请稍后再试");
		return false;
	}
	struct stat sb;
	if (fstat(u.fd, &sb) != 0) {
		io_error(rs, errno, "读取上传文件");
		close(u.fd);
		return false;
	}
	uint64_t have = (uint64_t)sb.st_size;
	if (have >= u.total && have > 0) {
		/* Left from an upload of another length: it can never complete. */
		if (ftruncate(u.fd, 0) != 0) {
			io_error(rs, errno, "清理上传文件");
			close(u.fd);
			return false;
		}
		have = 0;
	}
	if (have != u.from) {
		char msg[160];
		snprintf(msg, sizeof msg, "中心已收到 %llu 字节，本次应从第 %llu 字节续传",
			 (unsigned long long)have, (unsigned long long)have);
		answer_received(rs, MHD_HTTP_RANGE_NOT_SATISFIABLE, "offset", msg, (long long)have);
		close(u.fd);
		return false;
	}
	if (lseek(u.fd, (off_t)u.from, SEEK_SET) < 0) {
		io_error(rs, errno, "定位上传文件");
		close(u.fd);
		return false;
	}
	struct upload *state = malloc(sizeof *state);
	if (!state) {
		close(u.fd);
		route_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, "nomem", "内存不足");
		return false;
	}
	*state = u;
	rq->state = state;
	return true;
}

static bool put_data(struct route_request *rq, const char *p, size_t n, struct route_response *rs)
{
	struct upload *u = rq->state;
	if (u->got + n > u->span) {
		/* More than the range said: nothing of this request is kept. */
		if (ftruncate(u->fd, (off_t)u->from) != 0)
			log_warn("blob %.12s: cannot cut back an overlong part", u->sha);
		route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_range", "上传内容超出 Content-Range 声明的长度");
		return false;
	}
	while (n) {
		ssize_t w = write(u->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			io_error(rs, w < 0 ? errno : EIO, "保存上传文件");
			return false;
		}
		p += w;
		n -= (size_t)w;
		u->got += (uint64_t)w;
	}
	return true;
}

/* SHA-256 of the whole part file, and its first bytes for the type. */
static bool hash_file(int fd, char hex[SHA256_HEX], unsigned char *head, size_t *head_len)
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	unsigned char b[65536];
	off_t at = 0;
	*head_len = 0;
	for (;;) {
		ssize_t r = pread(fd, b, sizeof b, at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (r == 0)
			break;
		if (at == 0) {
			*head_len = (size_t)r < 16 ? (size_t)r : 16;
			memcpy(head, b, *head_len);
		}
		crypto_hash_sha256_update(&h, b, (unsigned long long)r);
		at += r;
	}
	unsigned char out[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, out);
	sodium_bin2hex(hex, SHA256_HEX, out, sizeof out);
	return true;
}

/* The last part is in: check the whole file and move it into place. */
static void put_complete(struct upload *u, struct route_response *rs)
{
	char hex[SHA256_HEX], dest[PATH_MAX];
	unsigned char head[16];
	size_t head_len;
	if (!hash_file(u->fd, hex, head, &head_len)) {
		io_error(rs, errno, "读取上传文件");
		return;
	}
	if (strcmp(hex, u->sha) != 0) {
		unlink(u->part);
		log_warn("blob %.12s: content hashes to %.12s, discarded", u->sha, hex);
		route_error(rs, MHD_HTTP_UNPROCESSABLE_CONTENT, "hash_mismatch",
			    "文件内容与其 SHA-256 摘要不符，中心已丢弃，请重新上传");
		return;
	}
	struct err e;
	if (!attach_sniff(head, head_len, &e)) {
		unlink(u->part);
		route_error(rs, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "type", err_text(&e));
		return;
	}
	blob_path(centre_data_dir(), u->sha, dest, sizeof dest);
	char *slash = strrchr(dest, '/');
	*slash = '\0';
	enum status st = fs_mkdir_p(dest, &e);
	int dfd = st == ST_OK ? open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	*slash = '/';
	if (st != ST_OK) {
		route_fail(rs, &e);
		return;
	}
	if (rename(u->part, dest) != 0) {
		io_error(rs, errno, "保存文件");
		if (dfd >= 0)
			close(dfd);
		return;
	}
	/* The name must survive a crash as well as the content. */
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	log_info("blob %.12s stored (%llu bytes)", u->sha, (unsigned long long)u->total);
	rs->code = MHD_HTTP_CREATED;
	rs->body = json_pack("{s:b, s:I}", "complete", 1, "size", (json_int_t)u->total);
}

static void put_finish(struct route_request *rq, struct route_response *rs)
{
	struct upload *u = rq->state;
	if (u->got != u->span) {
		answer_received(rs, MHD_HTTP_BAD_REQUEST, "bad_range",
				"上传内容短于 Content-Range 声明的长度",
				(long long)(u->from + u->got));
		return;
	}
	if (fsync(u->fd) != 0) {
		io_error(rs, errno, "保存上传文件");
		return;
	}
	if (u->from + u->span == u->total) {
		put_complete(u, rs);
		return;
	}
	rs->code = MHD_HTTP_OK;
	rs->body = json_pack("{s:b, s:I}", "complete", 0, "received",
			     (json_int_t)(u->from + u->span));
	route_header(rs, "X-Received", "%llu", (unsigned long long)(u->from + u->span));
}

static void put_close(struct route_request *rq, bool whole)
{
	struct upload *u = rq->state;
	if (!u)
		return;
	/* A cut upload keeps what arrived: the terminal resumes from there. */
	if (!whole && fsync(u->fd) != 0)
		log_warn("blob %.12s: part not synced: %s", u->sha, strerror(errno));
	close(u->fd);
	free(u);
	rq->state = NULL;
}

const struct route_stream blobs_put = { put_open, put_data, put_finish, put_close };
