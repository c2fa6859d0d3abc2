#include "svc/price.h"

#include "store/price_repo.h"

int svc_price_options(struct svc *svc, enum app_kind k, enum app_subject s, struct price *out,
		      int max, struct err *e)
{
	return price_repo_options(svc->db, k, s, out, max, e);
}

enum status svc_price_find(struct svc *svc, enum app_kind k, enum app_subject s, int years,
			   struct price *out, struct err *e)
{
	return price_repo_find(svc->db, k, s, years, out, e);
}

int svc_price_all(struct svc *svc, struct price *out, int max, struct err *e)
{
	return price_repo_all(svc->db, out, max, e);
}
