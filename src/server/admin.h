#ifndef CERTDESK_SERVER_ADMIN_H
#define CERTDESK_SERVER_ADMIN_H

/*
 * certdeskd's admin subcommands on the centre's database: offices and
 * terminals. Each opens the database (with its change feed), does its work
 * in one transaction with one audit entry, prints the outcome on standard
 * output (errors on standard error) and returns the exit status: 0 done,
 * 1 refused or failed.
 *
 * Who acts: the console has no login. The audit entry names the centre's
 * first active admin account (the audit log needs a staff id), with the
 * actor name "中心控制台" and the operating-system user and host in its
 * detail, so that nobody reads it as that admin having signed in.
 */
#include <stdbool.h>

int admin_office_add(const char *db_path, const char *code, const char *name);
/* Prints the terminal's code and its one-time enrolment code. */
int admin_terminal_add(const char *db_path, const char *office_code, const char *name,
		       bool all_offices);
int admin_terminal_list(const char *db_path);
/* `which`: the terminal's id, or OFFICE:CODE ("HQ:02"). */
int admin_terminal_revoke(const char *db_path, const char *which);

#endif
