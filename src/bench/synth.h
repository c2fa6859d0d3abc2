#ifndef CERTDESK_BENCH_SYNTH_H
#define CERTDESK_BENCH_SYNTH_H

/*
 * Synthetic but realistic records for the benchmark's database: a seeded
 * random generator, Chinese names with real surname frequencies, mainland
 * mobiles, resident ID numbers and unified social credit codes with their
 * check characters, enterprise names, addresses. The same seed gives the
 * same values on every machine. No I/O.
 */
#include <stdbool.h>
#include <stdint.h>

#include "util/uuid.h"

/* xoshiro256** seeded through splitmix64. */
struct rng {
	uint64_t s[4];
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), n > 0. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);
/* True with probability p. */
bool rng_chance(struct rng *r, double p);
/* Uniform in [lo, hi]. */
long rng_range(struct rng *r, long lo, long hi);

/* A person's name: a surname drawn by its frequency in China, then a
 * given name of one character (about one name in four) or two, drawn from
 * pools for the person's sex. out needs 32 bytes. */
void synth_person_name(struct rng *r, bool male, char out[32]);
/* A mainland mobile in a real operator's number segment. */
void synth_mobile(struct rng *r, char out[12]);
/*
 * A resident ID number (GB 11643-1999) of someone born in [year_lo,
 * year_hi]: a real region code (people at a Shenzhen counter come from all
 * over the country), a real birth date, a sequence whose parity is the
 * sex, the MOD 11-2 check character.
 */
void synth_id_number(struct rng *r, bool male, int year_lo, int year_hi, char out[19]);
/* The check character of the 17 digits at s. */
char synth_id_check(const char *s);
/* A unified social credit code (GB 32100-2015) with a valid authority and
 * type, a Shenzhen region, an organisation code with its GB 11714 check
 * and the MOD 31 check character; *kind receives the type ("91", "92",
 * "93", "12", "52"). */
void synth_credit_code(struct rng *r, char out[19], char kind[3]);
/* The MOD 31 check character of the 17 characters at s. */
char synth_credit_check(const char *s);
/* An organisation's name that fits the kind of its credit code, such as
 * 深圳市华信达电子科技有限公司. out needs 192 bytes. */
void synth_org_name(struct rng *r, const char kind[3], char out[192]);
/* A Shenzhen street address and its postal code. */
void synth_address(struct rng *r, char out[192], char postal[7]);
/* An e-mail address as people at the counter give them (QQ, 163...). */
void synth_email(struct rng *r, char out[48]);
/* A landline (0755-8xxxxxxx) or mobile, as an enterprise's phone. */
void synth_org_phone(struct rng *r, char out[24]);
/* A certificate serial: 16 to 20 upper-case hex digits. */
void synth_cert_serial(struct rng *r, char out[48]);
/* A UUIDv7 made at Unix milliseconds `ms`, its random bits from r. Ids
 * with a larger ms sort after; callers keep ms strictly increasing. */
void synth_uuid7(struct rng *r, uint64_t ms, char out[UUID_LEN + 1]);
/* A 2-character string that is no one's name (for searches that miss). */
void synth_miss_name(struct rng *r, char out[8]);

#endif
