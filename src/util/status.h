#ifndef CERTDESK_UTIL_STATUS_H
#define CERTDESK_UTIL_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One status enum for the whole program. Functions that can fail return it
 * and fill a `struct err` whose text can be shown to the user as it is
 * (Chinese, one sentence). The X-list gives the enum, a stable code name
 * (used in logs, the sync protocol and tests) and the default message.
 */
#define STATUS_LIST(X) \
	X(OK,        "ok",        "成功") \
	X(INVALID,   "invalid",   "输入有误") \
	X(NOT_FOUND, "not_found", "未找到记录") \
	X(EXISTS,    "exists",    "记录已存在") \
	X(DENIED,    "denied",    "无权执行此操作") \
	X(AUTH,      "auth",      "用户名或密码错误") \
	X(LOCKED,    "locked",    "账户已锁定") \
	X(STATE,     "state",     "当前状态不允许此操作") \
	X(CONFLICT,  "conflict",  "记录已被他人修改") \
	X(DB,        "db",        "数据库错误") \
	X(SCHEMA,    "schema",    "数据库版本不兼容") \
	X(IO,        "io",        "读写文件失败") \
	X(FULL,      "full",      "磁盘空间不足") \
	X(NOMEM,     "nomem",     "内存不足") \
	X(NET,       "net",       "网络错误") \
	X(TIMEOUT,   "timeout",   "操作超时") \
	X(CANCELLED, "cancelled", "操作已取消") \
	X(DEVICE,    "device",    "设备错误") \
	X(UNSUPPORTED, "unsupported", "不支持的操作") \
	X(INTERNAL,  "internal",  "程序内部错误")

enum status {
#define X(name, code, msg) ST_##name,
	STATUS_LIST(X)
#undef X
	ST__COUNT
};

/* The stable code name ("not_found"); never NULL. */
const char *status_code(enum status st);
/* The default Chinese message; never NULL. */
const char *status_message(enum status st);
/* The status whose code name is `code`, or ST_INTERNAL when unknown. */
enum status status_from_code(const char *code);

/*
 * An error as the user will read it. `field` names the input field the
 * message belongs to ("" when none), so a form can show it beside the field.
 */
struct err {
	enum status st;
	char field[32];
	char msg[256];
};

/* Reset to ST_OK with empty texts. */
void err_clear(struct err *e);
/* Set status and message (printf format); returns `st` so callers can
 * `return err_set(e, ST_INVALID, "...")`. `e` may be NULL. */
enum status err_set(struct err *e, enum status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* As err_set, and names the field the message belongs to. */
enum status err_field(struct err *e, const char *field, enum status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Set with the status's default message. */
enum status err_status(struct err *e, enum status st);
/* The message to show: e->msg, or the default message of e->st. */
const char *err_text(const struct err *e);

#endif
