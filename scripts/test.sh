#!/usr/bin/env bash
# Run the test suite against one build tree.
#   scripts/test.sh rel|san [unit] [integration] [e2e]
# Each tests/integration/*.sh and tests/e2e/*.sh is a bash script that exits
# non-zero on failure. They find the programs through $CERTDESK_BIN and get a
# private scratch directory in $TEST_TMP. Logs: build/<tree>/test-logs/.
set -uo pipefail
tree=${1:?usage: scripts/test.sh rel|san [unit|integration|e2e]...}
shift
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(unit integration e2e)

root=$(cd "$(dirname "$0")/.." && pwd)
export CERTDESK_ROOT=$root
export CERTDESK_BIN=$root/build/$tree
export CERTDESK_TREE=$tree
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=Asia/Shanghai
unset CERTDESK_DATA CERTDESK_PASSWORD CERTDESK_NOW XDG_DATA_HOME
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
logs=$root/build/$tree/test-logs
mkdir -p "$logs"

pass=0 fail=0 failed=()
run() { # name, command...
	local name=$1; shift
	local log=$logs/${name//\//_}.log
	local t0=$EPOCHREALTIME
	export TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/certdesk-test.XXXXXX")
	# setsid: each test leads its own login session, one that is visible
	# even in a container whose session leader is outside its PID
	# namespace (the CLI's session tickets need one; svc/session.c).
	if setsid -w "$@" >"$log" 2>&1 </dev/null; then
		pass=$((pass + 1))
		printf '  ok    %-40s %6.1fs\n' "$name" "$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")"
		rm -rf "$TEST_TMP"
	else
		fail=$((fail + 1)); failed+=("$name")
		printf '  FAIL  %-40s (log: %s)\n' "$name" "${log#$root/}"
		tail -n 40 "$log" | sed 's/^/        /'
	fi
}

echo "== tests on build/$tree"
for kind in "${kinds[@]}"; do
	case $kind in
	unit)
		run unit "$CERTDESK_BIN/unit" ;;
	integration|e2e)
		for t in "$root"/tests/$kind/*.sh; do
			[ -e "$t" ] || continue
			case $(basename "$t") in lib*.sh) continue ;; esac
			run "$kind/$(basename "$t" .sh)" bash "$t"
		done ;;
	*)
		echo "unknown test kind: $kind" >&2; exit 2 ;;
	esac
done
echo "== build/$tree: $pass passed, $fail failed"
[ $fail -eq 0 ] || { printf '   failed: %s\n' "${failed[@]}"; exit 1; }
