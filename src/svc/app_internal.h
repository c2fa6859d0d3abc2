#ifndef CERTDESK_SVC_APP_INTERNAL_H
#define CERTDESK_SVC_APP_INTERNAL_H

/* Shared by the application use cases (application.c, review.c); not for
 * other layers. */
#include <jansson.h>

#include "model/application.h"
#include "svc/svc.h"

/* The audit image of an application (the holder's ID number masked). */
json_t *app_json(const struct application *a);
/* Load the application the payload's "id" names and register it with the
 * run (entity, before image, base version). */
enum status app_load(struct svc_run *run, json_t *p, struct application *a, struct err *e);

#endif
