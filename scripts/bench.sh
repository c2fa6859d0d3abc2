#!/usr/bin/env bash
# make bench: build the release binaries, then `certdesk bench` on a
# generated database of 1,000,000 applications (docs/benchmarks.md).
# Prints every figure beside its target and writes bench/results.json; it
# reports and never fails on a figure (exit 0 unless it could not run).
#
#   BENCH_APPS=100000 make bench    a quicker run on a smaller database
#   BENCH_SEED=S                    another reproducible data set (default 1)
#   BENCH_OUT=FILE.json             where the JSON goes
#   BENCH_KEEP=DIR                  keep the data directory in DIR (and reuse
#                                   it next time with the same size and seed)
#   TMPDIR                          where the scratch directory goes otherwise
#                                   (about 14 GB at a million applications)
#   BENCH_ONLY=PREFIX               only the figures whose ids start so
#   BENCH_SYNC=push,load,week       which sync figures run (default all)
#   BENCH_SYNC_KEEP=1               keep the sync centres' databases and logs
#
#   BENCH_APPS=100 BENCH_ONLY=sync make bench     the sync figures alone
#                                   (they make their own data: ~1 minute)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/deps.sh --test            # tmux, for the screen figures
make --no-print-directory rel

# The counter's clock and locale, whatever the shell that runs us.
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=${TZ:-Asia/Shanghai}
unset CERTDESK_DATA CERTDESK_NOW CERTDESK_PASSWORD XDG_DATA_HOME

args=(--applications "${BENCH_APPS:-1000000}" --seed "${BENCH_SEED:-1}"
      --out "${BENCH_OUT:-bench/results.json}")
[ -n "${BENCH_KEEP:-}" ] && args+=(--keep "$BENCH_KEEP")
[ -n "${BENCH_ONLY:-}" ] && args+=(--only "$BENCH_ONLY")

t0=$SECONDS
build/rel/certdesk bench "${args[@]}"
echo "make bench: $((SECONDS - t0)) s"
