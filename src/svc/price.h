#ifndef CERTDESK_SVC_PRICE_H
#define CERTDESK_SVC_PRICE_H

/* The price list as the screens and orders read it. */
#include "model/price.h"
#include "svc/svc.h"

/* Active items for a kind and subject, by years; returns count or -1. */
int svc_price_options(struct svc *svc, enum app_kind k, enum app_subject s, struct price *out,
		      int max, struct err *e);
/* Every item, active or not, by kind, subject and years; count or -1. */
int svc_price_all(struct svc *svc, struct price *out, int max, struct err *e);
/* The active price for kind, subject and years. */
enum status svc_price_find(struct svc *svc, enum app_kind k, enum app_subject s, int years,
			   struct price *out, struct err *e);

#endif
