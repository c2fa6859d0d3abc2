#ifndef CERTDESK_MODEL_PRICE_H
#define CERTDESK_MODEL_PRICE_H

/* One item of the price list: what a kind of certificate for a subject and
 * a number of years costs, in fen. Prices are never typed on orders. */
#include <stdbool.h>

#include "model/application.h"

struct price {
	char id[UUID_LEN + 1];
	enum app_kind kind;
	enum app_subject subject;
	int years;
	long long fen;
	bool active;
	long version;
};

#endif
