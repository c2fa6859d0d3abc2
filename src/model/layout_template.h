#ifndef CERTDESK_MODEL_LAYOUT_TEMPLATE_H
#define CERTDESK_MODEL_LAYOUT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/layout.h"

/*
 * Internal to the layout parser: what layout_template.c knows about the
 * template syntax (layout.h) that the parser checks against. Expansion
 * and the keys a layout reads are public in layout.h.
 */

/*
 * Check one template: balanced braces, known filters, keys of allowed
 * characters, "[]" and "{#}" only in a table whose group the key names
 * (`group`: NULL outside tables), valid UTF-8. False with the reason in
 * msg, one Chinese clause for the parser to put after the line number.
 */
bool layout_template_check(const char *t, const char *group, char *msg, size_t msgsz);

/* Can c appear in a data key ("attachments[].name")? */
bool layout_key_char(char c);

#endif
