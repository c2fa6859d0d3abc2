#ifndef CERTDESK_SVC_COMMANDS_H
#define CERTDESK_SVC_COMMANDS_H

#include "svc/svc.h"

/* Every command the terminal can run and the centre can replay. Adding a
 * command: define `const struct command cmd_x` in its use-case file and
 * list it here. */
#define COMMAND_LIST(X) \
	X(cmd_setup_init) \
	X(cmd_staff_create) \
	X(cmd_staff_update) \
	X(cmd_staff_disable) \
	X(cmd_staff_unlock) \
	X(cmd_staff_lock) \
	X(cmd_staff_reset_password) \
	X(cmd_staff_change_password)

#define COMMAND_DECLARE(sym) extern const struct command sym;
COMMAND_LIST(COMMAND_DECLARE)
#undef COMMAND_DECLARE

#endif
