# A private PC/SC stack for integration tests: a real pcscd with vsmartcard's
# vpcd reader driver, and virtual PIV cards (tests/tools/vpiv). Sourced by
# bash test scripts, which get $CERTDESK_BIN and $TEST_TMP from scripts/test.sh.
#
#   pcsc_start [vpcd|none]     start pcscd: with vpcd's two readers (default),
#                              or with no reader at all
#   pcsc_stop                  stop it (and every card)
#   vpiv_start NAME 0|1 ARGS   insert a virtual card NAME into reader 0 or 1
#                              (ARGS go to vpiv) and wait until PC/SC sees it
#   vpiv_stop NAME [SIGNAL]    pull the card out (kill it), default SIGTERM
#   tc ARGS                    run tokencheck, bounded in time
#
# Isolation: pcsc-lite 1.9.9's daemon always uses /run/pcscd/pcscd.comm and
# /run/pcscd/pcscd.pid (it does not read PCSCLITE_CSOCK_NAME; only the client
# library does). So pcscd runs in a private mount namespace in which /run is
# a directory of this test, and the clients (tokencheck, vpiv's reader, OpenSC)
# find it through PCSCLITE_CSOCK_NAME=$PCSC_DIR/run/pcscd/pcscd.comm. A
# system pcscd, if any, is neither seen nor disturbed, and tests running at
# the same time each have their own.
#
# Sets and exports PCSCLITE_CSOCK_NAME; sets PCSC_DIR, PCSC_PORT (vpcd's
# TCP port: reader 0 listens on it, reader 1 on the next), PCSC_READER0 and
# PCSC_READER1 (the reader names). Everything started here is stopped by
# the EXIT trap, whatever happens.

TC=$CERTDESK_BIN/tools/tokencheck
VPIV=$CERTDESK_BIN/tools/vpiv
PCSCD=$(command -v pcscd || echo /usr/sbin/pcscd)
VPCD_LIB=
for f in /usr/lib/pcsc/drivers/serial/libifdvpcd.so /usr/lib/pcsc/drivers/serial/libifdvpcd.so.0.8; do
	[ -e "$f" ] && { VPCD_LIB=$f; break; }
done

PCSC_N=0
PCSC_DIR=
PCSC_PORT=
PCSCD_PID=
PCSC_READER0="Virtual PCD 00 00"
PCSC_READER1="Virtual PCD 00 01"
declare -A VPIV_PID=() VPIV_READER=()

pcsc_die() {
	echo "FAIL: $*" >&2
	exit 1
}

# tokencheck with a hard limit, so that a hang fails the test instead of
# blocking it. Its answers exit 0 or 1; anything else (a hang ended by
# timeout(1), a sanitizer's report, a crash, a usage error) is written to
# $PCSC_BAD for pcsc_check_clean.
PCSC_BAD=$TEST_TMP/pcsc-bad-exits
tc() {
	local rc=0
	timeout -k 2 20 "$TC" "$@" || rc=$?
	if [ $rc -gt 1 ]; then
		echo "tokencheck $* exited $rc" >>"$PCSC_BAD"
		echo "tokencheck $* exited $rc" >&2
	fi
	return $rc
}

# Fails (returns 1, with the reasons on stdout) when a tokencheck run ended
# badly, or a virtual card's log shows a crash or a sanitizer report.
pcsc_check_clean() {
	local bad=0 f
	if [ -s "$PCSC_BAD" ]; then
		cat "$PCSC_BAD"
		bad=1
	fi
	for f in "$TEST_TMP"/pcsc*/vpiv-*.log; do
		[ -e "$f" ] || continue
		if grep -qE 'Sanitizer|runtime error|vpiv:' "$f"; then
			echo "$f:"
			cat "$f"
			bad=1
		fi
	done
	return $bad
}

# Is anything listening on TCP port $1 (IPv4 or IPv6)?
pcsc_port_busy() {
	local hex
	printf -v hex ':%04X' "$1"
	awk -v p="$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Wait (at most $2 seconds) for file $1 to exist; fails early when process $3 dies.
pcsc_wait_file() {
	local file=$1 deadline=$((SECONDS + $2)) pid=${3:-}
	while [ ! -e "$file" ]; do
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && return 1
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
}

pcsc_isolated() {
	unshare --mount --propagation private true 2>/dev/null
}

_pcsc_try() {
	local mode=$1
	PCSC_N=$((PCSC_N + 1))
	PCSC_DIR=$TEST_TMP/pcsc$PCSC_N
	mkdir -p "$PCSC_DIR/run" "$PCSC_DIR/conf"
	if [ "$mode" = vpcd ]; then
		[ -n "$VPCD_LIB" ] || pcsc_die "vsmartcard-vpcd's driver libifdvpcd.so is not installed"
		local tries=0
		while :; do
			PCSC_PORT=$((20000 + (RANDOM % 20000) * 2))
			pcsc_port_busy $PCSC_PORT || pcsc_port_busy $((PCSC_PORT + 1)) || break
			tries=$((tries + 1))
			[ $tries -lt 50 ] || pcsc_die "no free TCP port pair for vpcd"
		done
		printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x%04X\nLIBPATH %s\nCHANNELID 0x%04X\n' \
			$PCSC_PORT "$VPCD_LIB" $PCSC_PORT >"$PCSC_DIR/conf/vpcd"
	fi
	if pcsc_isolated; then
		export PCSCLITE_CSOCK_NAME=$PCSC_DIR/run/pcscd/pcscd.comm
		unshare --mount --propagation private -- /bin/sh -c \
			'mount --bind "$1" /run && exec "$2" -f -c "$3"' \
			sh "$PCSC_DIR/run" "$PCSCD" "$PCSC_DIR/conf" >"$PCSC_DIR/pcscd.log" 2>&1 &
	else
		# No mount namespace here: share the fixed socket, but never
		# beside a system pcscd (ours would take over its pid file).
		[ -e /run/pcscd/pcscd.comm ] &&
			pcsc_die "cannot isolate a test pcscd (no mount namespace) and a system pcscd is running"
		export PCSCLITE_CSOCK_NAME=/run/pcscd/pcscd.comm
		"$PCSCD" -f -c "$PCSC_DIR/conf" >"$PCSC_DIR/pcscd.log" 2>&1 &
	fi
	PCSCD_PID=$!
	pcsc_wait_file "$PCSCLITE_CSOCK_NAME" 5 $PCSCD_PID || return 1
	# The readers are made before the socket, but wait for them through
	# PC/SC all the same (never by probing vpcd's port: vpcd would take
	# the probe for a card).
	if [ "$mode" = vpcd ]; then
		tc wait-readers --min 2 --timeout 5000 >/dev/null || return 1
		local list
		list=$(tc readers) || return 1
		grep -qF "$PCSC_READER0" <<<"$list" && grep -qF "$PCSC_READER1" <<<"$list" || return 1
	fi
	return 0
}

pcsc_start() {
	local mode=${1:-vpcd} attempt
	[ -x "$PCSCD" ] || pcsc_die "pcscd is not installed"
	[ -x "$TC" ] && [ -x "$VPIV" ] || pcsc_die "build the tools first: make $CERTDESK_BIN/tools/{tokencheck,vpiv}"
	for attempt in 1 2 3; do
		_pcsc_try "$mode" && return 0
		echo "pcscd attempt $attempt failed:" >&2
		cat "$PCSC_DIR/pcscd.log" >&2
		pcsc_stop
	done
	pcsc_die "could not start a private pcscd"
}

# Stop process $1 with $2 (default TERM), then KILL after 3 s; reap it.
pcsc_kill() {
	local pid=$1 sig=${2:-TERM} i
	kill -s "$sig" "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	for i in $(seq 60); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

pcsc_stop() {
	local name
	for name in "${!VPIV_PID[@]}"; do
		pcsc_kill "${VPIV_PID[$name]}"
		unset "VPIV_PID[$name]"
	done
	if [ -n "$PCSCD_PID" ]; then
		pcsc_kill $PCSCD_PID
		PCSCD_PID=
	fi
}

# vpiv_start NAME 0|1 ARGS...: insert a card and wait until PC/SC sees it.
vpiv_start() {
	local name=$1 slot=$2 reader
	shift 2
	[ -z "${VPIV_PID[$name]:-}" ] || pcsc_die "card $name is already in a reader"
	[ "$slot" = 0 ] && reader=$PCSC_READER0 || reader=$PCSC_READER1
	"$VPIV" --port $((PCSC_PORT + slot)) "$@" >>"$PCSC_DIR/vpiv-$name.log" 2>&1 &
	VPIV_PID[$name]=$!
	VPIV_READER[$name]=$reader
	tc wait-card --reader "$reader" --timeout 5000 >/dev/null ||
		pcsc_die "card $name did not appear in $reader: $(cat "$PCSC_DIR/vpiv-$name.log")"
}

# vpiv_stop NAME [SIGNAL]: pull the card out, and wait until PC/SC sees it gone.
vpiv_stop() {
	local name=$1 sig=${2:-TERM}
	[ -n "${VPIV_PID[$name]:-}" ] || return 0
	pcsc_kill "${VPIV_PID[$name]}" "$sig"
	unset "VPIV_PID[$name]"
	tc wait-removal --reader "${VPIV_READER[$name]}" --timeout 5000 >/dev/null ||
		pcsc_die "PC/SC still sees card $name after it was pulled out"
}

# The process ids of this file's children must not outlive the test.
pcsc_cleanup() {
	pcsc_stop
}
trap pcsc_cleanup EXIT
trap 'exit 130' INT TERM
