#ifndef CERTDESK_CLI_CLI_H
#define CERTDESK_CLI_CLI_H

/*
 * The subcommands: the same use cases as the screens, for admins, cron jobs
 * and tests. Exit status: 0 done, 1 refused or failed (message on stderr),
 * 2 wrong usage.
 */
#include <stdbool.h>
#include <stdio.h>

#include "model/staff.h"
#include "svc/app.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli {
	const char *data;        /* --data, or NULL */
	const char *user;        /* --user, or NULL */
	struct app app;
	bool opened;
	struct actor actor;      /* after cli_login */
	bool password_change;    /* the subcommand changes the password: a reset one is fine */
};

struct subcommand {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);   /* argv[0] is the name */
	const char *usage;       /* one line: "init --office CODE ..." */
	const char *help;        /* what it does, one line */
};

/* Open the data directory (once). Prints the error and returns false. */
bool cli_open(struct cli *c);
/* Log in as --user with the password from $CERTDESK_PASSWORD or a prompt
 * on the terminal. A password an admin reset must be changed first (with
 * `staff passwd`, which sets password_change). Prints the error and
 * returns false. */
bool cli_login(struct cli *c);
/* Print "certdesk: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print an err to stderr and return the exit status for it. */
int cli_fail(const struct err *e);
/* An attachment's file out of the store (fetched from the centre when it
 * is not on this terminal), audited as an export: to `output` when given,
 * else under DATA/exports/; prints where. An exit status. */
struct attachment;
int cli_export_attachment(struct cli *c, const char *number, const struct attachment *a,
			  const char *output);
/* Read one line from stdin without its newline into out (size n); false
 * at end of input. */
bool cli_read_line(char *out, size_t n);
/* Prompt on the terminal without echo (for passwords); false without a tty. */
bool cli_prompt_secret(const char *prompt, char *out, size_t n);

/* The subcommands. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_staff(struct cli *c, int argc, char **argv);
int cmd_application(struct cli *c, int argc, char **argv);
int cmd_order(struct cli *c, int argc, char **argv);
int cmd_key(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_bench(struct cli *c, int argc, char **argv);
int cmd_sync(struct cli *c, int argc, char **argv);
int cmd_print(struct cli *c, int argc, char **argv);
int cmd_price(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_lifecycle(struct cli *c, int argc, char **argv);
int cmd_crl(struct cli *c, int argc, char **argv);
int cmd_stock(struct cli *c, int argc, char **argv);
int cmd_logout(struct cli *c, int argc, char **argv);

#endif
