# The checks of the scripts that report each check and count failures
# (key, crl, unlock, server, token, sms): ok/not_ok print one line each
# and add to $fails, which the script reports and exits with at its end.
# Sourced, not run: scripts/test.sh skips lib*.sh.

ok() { echo "ok   - $*"; }
not_ok() {
	echo "FAIL - $*"
	fails=$((fails + 1))
}
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got [$2], want [$3]"; fi; }
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
