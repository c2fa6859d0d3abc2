#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum status fs_status_of_errno(int errnum)
{
	return (errnum == ENOSPC || errnum == EDQUOT) ? ST_FULL : ST_IO;
}

enum status fs_mkdir_p(const char *path, struct err *e)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
		return err_set(e, ST_INVALID, "路径过长：%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return err_set(e, ST_IO, "无法创建目录 %s：%s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return err_set(e, ST_IO, "无法创建目录 %s：%s", tmp, strerror(errno));
	return ST_OK;
}

enum status fs_read_all(const char *path, size_t cap, char **out, size_t *len, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno == ENOENT ? ST_NOT_FOUND : ST_IO, "无法打开文件 %s：%s",
			       path, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, ST_INVALID, "%s 不是普通文件", path);
	}
	if ((size_t)sb.st_size > cap) {
		close(fd);
		return err_set(e, ST_INVALID, "文件 %s 过大（%lld 字节，上限 %zu 字节）", path,
			       (long long)sb.st_size, cap);
	}
	size_t want = (size_t)sb.st_size, got = 0;
	char *data = malloc(want + 1);
	if (!data) {
		close(fd);
		return err_status(e, ST_NOMEM);
	}
	while (got < want) {
		ssize_t r = read(fd, data + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != want) {
		free(data);
		return err_set(e, ST_IO, "读取文件 %s 失败", path);
	}
	data[got] = '\0';
	*out = data;
	if (len)
		*len = got;
	return ST_OK;
}

enum status fs_write_atomic(const char *path, const void *data, size_t len, struct err *e)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return err_set(e, ST_INVALID, "路径过长：%s", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, fs_status_of_errno(errno), "无法写入 %s：%s", path, strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int saved = errno;
			close(fd);
			unlink(tmp);
			return err_set(e, fs_status_of_errno(saved), "写入 %s 失败：%s", path,
				       strerror(saved));
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) != 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		return err_set(e, fs_status_of_errno(saved), "写入 %s 失败：%s", path, strerror(saved));
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		int saved = errno;
		unlink(tmp);
		return err_set(e, ST_IO, "写入 %s 失败：%s", path, strerror(saved));
	}
	return ST_OK;
}

bool fs_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}
