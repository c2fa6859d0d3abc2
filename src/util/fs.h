#ifndef CERTDESK_UTIL_FS_H
#define CERTDESK_UTIL_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/* Create a directory and its parents (mode 0700 for new ones). */
enum status fs_mkdir_p(const char *path, struct err *e);
/* Read a whole file, at most `cap` bytes. *out is NUL-terminated, caller
 * frees. A larger file is ST_INVALID with a message naming the limit. */
enum status fs_read_all(const char *path, size_t cap, char **out, size_t *len, struct err *e);
/* Write a file atomically: temp file in the same directory, fsync, rename. */
enum status fs_write_atomic(const char *path, const void *data, size_t len, struct err *e);
bool fs_exists(const char *path);
/* The status for an errno from a failed write: ST_FULL for ENOSPC/EDQUOT. */
enum status fs_status_of_errno(int errnum);

#endif
