#ifndef CERTDESK_STORE_MIGRATIONS_H
#define CERTDESK_STORE_MIGRATIONS_H

#include <stddef.h>

/* The files of db/migrations/, compiled in by scripts/embed.sh, in order. */
struct migration {
	int version;        /* NNNN of NNNN_name.sql */
	const char *name;   /* "0001_init" */
	const char *sql;
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
