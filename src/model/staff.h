#ifndef CERTDESK_MODEL_STAFF_H
#define CERTDESK_MODEL_STAFF_H

#include <stdbool.h>

#include "util/status.h"
#include "util/uuid.h"

/* Staff roles (DOMAIN.md). Each role can do everything of the roles before it. */
#define ROLE_LIST(X) \
	X(CLERK,      "clerk",      "受理员") \
	X(SUPERVISOR, "supervisor", "审核员") \
	X(ADMIN,      "admin",      "管理员")

enum role {
#define X(name, code, label) ROLE_##name,
	ROLE_LIST(X)
#undef X
	ROLE__COUNT
};

const char *role_code(enum role r);    /* "clerk" */
const char *role_label(enum role r);   /* "受理员" */
/* Parse "clerk"/"supervisor"/"admin"; false when unknown. */
bool role_parse(const char *code, enum role *out);

/* Wrong passwords in a row that lock an account. */
#define STAFF_MAX_FAILED_LOGINS 5

/* Field sizes in bytes, NUL included. */
#define USERNAME_MAX 33
#define NAME_MAX_BYTES 97     /* 32 Chinese characters */
#define OFFICE_CODE_MAX 17
#define PW_HASH_MAX 128

struct staff {
	char id[UUID_LEN + 1];
	char username[USERNAME_MAX];
	char name[NAME_MAX_BYTES];
	enum role role;
	char office_id[UUID_LEN + 1];
	char pw_hash[PW_HASH_MAX];
	bool must_change;
	int failed_logins;
	bool locked;
	bool disabled;
	long version;
};

/*
 * Who runs a command. Filled at login (or from the centre's
 * authentication) and passed, borrowed, to every use case.
 */
struct actor {
	char id[UUID_LEN + 1];
	char username[USERNAME_MAX];
	char name[NAME_MAX_BYTES];
	enum role role;
	char office_id[UUID_LEN + 1];
	char terminal_id[UUID_LEN + 1];
};

/* True when the actor's role is at least `need`. */
bool actor_can(const struct actor *a, enum role need);

/* Username rule: 3-32 of a-z, 0-9, '.', '_', '-', starting with a letter. */
bool check_username(const char *s, struct err *e);
/* Staff password rule: 8-64 bytes, at least one letter and one digit. */
bool check_staff_password(const char *s, struct err *e);
/* Office code: 2-16 of A-Z and 0-9 (it is part of readable numbers). */
bool check_office_code(const char *s, struct err *e);
/* A person's or place's name: 1-32 characters, printable, no control chars. */
bool check_name(const char *s, struct err *e);

#endif
