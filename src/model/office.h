#ifndef CERTDESK_MODEL_OFFICE_H
#define CERTDESK_MODEL_OFFICE_H

#include "model/staff.h"
#include "util/uuid.h"

/* A service point (受理点) and one of its terminals. */
struct office {
	char id[UUID_LEN + 1];
	char code[OFFICE_CODE_MAX];   /* "SZFT", part of readable numbers */
	char name[NAME_MAX_BYTES];
	long version;
};

#define TERMINAL_CODE_MAX 3       /* "01".."99" */

struct terminal {
	char id[UUID_LEN + 1];
	char office_id[UUID_LEN + 1];
	char code[TERMINAL_CODE_MAX];
	char name[NAME_MAX_BYTES];
	long version;
};

#endif
