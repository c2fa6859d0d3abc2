#include "util/uuid.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <stdlib.h>
#include <time.h>

#include "util/clock.h"

void random_bytes(void *buf, unsigned n)
{
	unsigned char *p = buf;
	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r <= 0)
			continue; /* EINTR; getrandom never fails otherwise once seeded */
		p += r;
		n -= (unsigned)r;
	}
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t last_ms;
static uint16_t last_seq;

void uuid_v7(char out[UUID_LEN + 1])
{
	unsigned char b[16];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	/* A pinned clock (tests) pins ids too, so that an id and the time
	 * recorded beside it agree; the counter below keeps them in order. */
	const char *pin = getenv("CERTDESK_NOW");
	if (pin && *pin)
		ms = (uint64_t)clock_now() * 1000;
	random_bytes(b, sizeof b);

	/* 12-bit counter in rand_a keeps ids of one millisecond in order. */
	pthread_mutex_lock(&lock);
	if (ms <= last_ms) {
		ms = last_ms;
		last_seq++;
		if (last_seq > 0xFFF) {
			ms = ++last_ms;
			last_seq = 0;
		}
	} else {
		last_ms = ms;
		last_seq = (uint16_t)((b[6] << 8 | b[7]) & 0x3FF); /* room to grow */
	}
	uint16_t seq = last_seq;
	pthread_mutex_unlock(&lock);

	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | ((seq >> 8) & 0x0F));
	b[7] = (unsigned char)(seq & 0xFF);
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3F));
	snprintf(out, UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}

bool uuid_valid(const char *s)
{
	if (!s || strlen(s) != UUID_LEN)
		return false;
	for (int i = 0; i < UUID_LEN; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
	return true;
}
