#ifndef CERTDESK_BENCH_BENCH_PRINT_H
#define CERTDESK_BENCH_BENCH_PRINT_H

/*
 * The printing figures (issue 9; docs/benchmarks.md): the application form
 * and agreement as a whole `certdesk print application` process, with the
 * session ticket and with a password login; its size; the form alone
 * rendered in this process; a batch of 100 in one command; and, for scale,
 * the program's start-up alone. Prints are audited, so these add about 150
 * audit entries to the database: the suite runs them after audit.verify.
 */
#include "bench/bench.h"

void fig_print(struct bench *b);

#endif
