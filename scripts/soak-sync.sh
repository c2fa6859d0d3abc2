#!/usr/bin/env bash
# The sync fault tests at length, against build/rel (make soak):
#   scripts/soak-sync.sh [TRIALS]
# kills the terminal TRIALS times (default 1000, or $SOAK_TRIALS) and
# certdeskd TRIALS/10 times in the middle of syncs of $SOAK_CHUNK ops
# (default 300): tests/integration/sync_faults_kill.sh with bigger counts.
# Then the other fault tests (duplicates and reordering, the network cuts,
# the full disk, a demoted supervisor) run $SOAK_ROUNDS times (default 3).
# Stops at the first failure; the scratch directory of a failed run is kept
# and named. SYNC_FAULT_SEED=N repeats a run of the kills.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
trials=${1:-${SOAK_TRIALS:-1000}}
rounds=${SOAK_ROUNDS:-3}
export CERTDESK_ROOT=$root CERTDESK_BIN=$root/build/rel CERTDESK_TREE=rel
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=Asia/Shanghai
unset CERTDESK_DATA CERTDESK_PASSWORD CERTDESK_NOW XDG_DATA_HOME
[ -x "$CERTDESK_BIN/certdeskd" ] && [ -x "$CERTDESK_BIN/tools/cutproxy" ] ||
	{ echo "soak: build/rel is not built (make rel)" >&2; exit 2; }
logs=$root/build/rel/soak-logs
mkdir -p "$logs"

run() { # NAME SCRIPT [ENV=V...]
	local name=$1 script=$2
	shift 2
	export TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/certdesk-soak.XXXXXX")
	local t0=$EPOCHREALTIME log=$logs/$name.log
	if env "$@" bash "$root/tests/integration/$script" >"$log" 2>&1; then
		printf '  ok    %-28s %7.1fs\n' "$name" "$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")"
		grep -E '^ok   - [0-9]+ kills|^seed' "$log" | sed 's/^/        /'
		rm -rf "$TEST_TMP"
	else
		printf '  FAIL  %-28s (log: %s, files: %s)\n' "$name" "${log#$root/}" "$TEST_TMP"
		tail -n 30 "$log" | sed 's/^/        /'
		exit 1
	fi
}

echo "== sync soak on build/rel: $trials terminal kills, $((trials / 10)) certdeskd kills, $rounds rounds of the rest"
t0=$EPOCHREALTIME
run kill sync_faults_kill.sh SYNC_FAULT_TRIALS="$trials" SYNC_FAULT_CENTRE_KILLS=$((trials / 10)) \
	SYNC_FAULT_CHUNK="${SOAK_CHUNK:-300}"
for r in $(seq "$rounds"); do
	run "replay.$r" sync_faults.sh
	run "net.$r" sync_faults_net.sh
	run "disk.$r" sync_faults_disk.sh
	run "role.$r" sync_faults_role.sh
done
printf '== soak passed in %.0f s\n' "$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")"
