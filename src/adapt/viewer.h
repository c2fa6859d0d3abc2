#ifndef CERTDESK_ADAPT_VIEWER_H
#define CERTDESK_ADAPT_VIEWER_H

/* Opening a file with the desktop's viewer (xdg-open, evince...), detached
 * from the terminal program: the viewer's window outlives nothing of ours,
 * its output never reaches the screen, and no zombie is left behind. */
#include "util/status.h"

/*
 * Run `command` (words separated by blanks, no shell: "xdg-open",
 * "evince --preview") with `path` as its last argument. The program is
 * looked up in PATH first so that a missing viewer is said plainly
 * (ST_NOT_FOUND: "找不到查看程序 X，请在 certdesk.conf 中设置 viewer");
 * once started it runs on its own and its exit status is not waited for.
 */
enum status viewer_open(const char *command, const char *path, struct err *e);

#endif
