# Shared by the sync fault tests (sync_faults*.sh) and scripts/soak-sync.sh:
# a real certdeskd on loopback, terminals enrolled with it, workloads made
# through `certdesk import`, and the comparisons of both sides.
#   source "$(dirname "$0")/lib_sync_faults.sh"
# Needs CERTDESK_BIN and TEST_TMP. Every process started here is stopped
# by its pid in the EXIT trap (add more with `reap PID`).
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'
export LANG=C.UTF-8 LC_ALL=C.UTF-8
export CERTDESK_PASSWORD=Adm1nPass
for tool in curl jq python3 sqlite3; do
	command -v $tool >/dev/null || { echo "FAIL: $tool is needed" >&2; exit 1; }
done

die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   - $*"; }
sanitizer_in() { grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$@" 2>/dev/null; }
# expect_rc RC COMMAND...: run, check the exit status; output in $out.
expect_rc() {
	local want=$1
	shift
	set +e
	out=$("$@" 2>&1)
	local rc=$?
	set -e
	[ "$rc" = "$want" ] || die "'$*' exited $rc, wanted $want: $out"
	if echo "$out" | grep -qE 'AddressSanitizer|LeakSanitizer|runtime error'; then die "sanitizer: $out"; fi
}
has() { echo "$out" | grep -qF -- "$1" || die "expected '$1' in: $out"; }
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }

PIDS=()
reap() { PIDS+=("$1"); }
_lib_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap _lib_cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---- the centre ----------------------------------------------------------------
CDB=$T/centre.db
cq() { sqlite3 -cmd '.timeout 5000' "$CDB" "$1"; }

# centre_init: HQ and two offices, SZFT and BJHD.
centre_init() {
	echo Root1234 | "$CERTDESK_BIN/certdeskd" init --db "$CDB" --office HQ --office-name 总部 --admin root >/dev/null
	"$CERTDESK_BIN/certdeskd" office add --db "$CDB" --code SZFT --name 深圳福田受理点 >/dev/null
	"$CERTDESK_BIN/certdeskd" office add --db "$CDB" --code BJHD --name 北京海淀受理点 >/dev/null
	CPORT=$(free_port)
	CURL_BASE=http://127.0.0.1:$CPORT
}

# centre_start [DB]: certdeskd on $CPORT (the same port after a restart);
# sets CPID.
centre_start() {
	local db=${1:-$CDB} i
	for i in $(seq 100); do
		"$CERTDESK_BIN/certdeskd" --db "$db" --data "$T/centre-files" --listen "127.0.0.1:$CPORT" \
			2>>"$T/certdeskd.log" &
		CPID=$!
		reap $CPID
		local j
		for j in $(seq 100); do
			curl -s --max-time 2 -o /dev/null "$CURL_BASE/v1/health" && return 0
			kill -0 $CPID 2>/dev/null || break
			sleep 0.02
		done
		# The port may still be held for a moment after a kill: try again.
		kill -KILL $CPID 2>/dev/null || true
		wait $CPID 2>/dev/null || true
		sleep 0.1
	done
	die "certdeskd did not start: $(tail -5 "$T/certdeskd.log")"
}
centre_kill() { kill -KILL $CPID 2>/dev/null || true; wait $CPID 2>/dev/null || true; }
centre_stop() {
	kill -TERM $CPID
	wait $CPID || die "certdeskd did not stop cleanly"
}
# enrol_code OFFICE NAME: a one-time enrolment code.
enrol_code() {
	"$CERTDESK_BIN/certdeskd" terminal add --db "$CDB" --office "$1" --name "$2" | sed -n 's/^登记码：//p'
}

# ---- terminals ------------------------------------------------------------------
term() { local d=$1; shift; "$CERTDESK_BIN/certdesk" --data "$T/$d" "$@"; }
tq() { sqlite3 -cmd '.timeout 5000' "$T/$1/certdesk.db" "$2"; }

# term_new DIR OFFICE URL [CONF_LINE...]: a terminal set up offline with
# admin "admin_DIR", its certdesk.conf, enrolled with the centre at URL.
term_new() {
	local d=$1 office=$2 url=$3
	shift 3
	mkdir -p "$T/$d"
	printf '%s\n' "sync.noproxy = *" "$@" >"$T/$d/certdesk.conf"
	echo Adm1nPass | term "$d" init --office "$office" --office-name "受理点$office" --terminal 1号窗口 \
		--admin "admin_$d" >/dev/null
	local code
	code=$(enrol_code "$office" "窗口$d")
	expect_rc 0 term "$d" --user "admin_$d" sync --enroll "$url" "$code"
}

# work DIR FIRST N [csv]: N applicants with phones from FIRST on, and a
# draft application for each (2N ops), through `certdesk import`; with
# "csv", only the files DIR/people.csv and DIR/apps.csv are written.
work() {
	local d=$1 first=$2 n=$3 only=${4:-}
	python3 - "$T/$d" "$first" "$n" <<'PY'
import sys
d, first, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ids = ["11010519491231002X", "320106198503124510", "110101200002290018"]
with open(d + "/people.csv", "w") as f:
    f.write("phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n")
    for i in range(first, first + n):
        f.write("138%08d,客户%d,%s,,深圳市福田区深南大道%d号,518000,,\n" % (i, i, ids[i % 3], i % 9000 + 1))
with open(d + "/apps.csv", "w") as f:
    f.write("phone,kind,subject,credit_code,years,cert_serial\n")
    for i in range(first, first + n):
        f.write("138%08d,new,personal,,%d,\n" % (i, i % 3 + 1))
PY
	[ "$only" != csv ] || return 0
	expect_rc 0 term "$d" --user "admin_$d" import applicants "$T/$d/people.csv"
	expect_rc 0 term "$d" --user "admin_$d" import applications "$T/$d/apps.csv"
}

# ---- both sides -------------------------------------------------------------------
# same WHAT CENTRE_SQL DIR TERMINAL_SQL: the two answers are equal.
same() {
	diff <(cq "$2") <(tq "$3" "$4") >"$T/diff.txt" ||
		{ head -20 "$T/diff.txt"; die "$1 differ between the centre and terminal $3"; }
}

# converged DIR: after a clean round, every op of the terminal is at the
# centre exactly once, the records are the same on both sides, the
# terminal's database and audit chain are whole.
converged() {
	local d=$1
	expect_rc 0 term "$d" sync
	has "冲突 0"
	local tid
	tid=$(tq "$d" "SELECT value FROM settings WHERE key = 'terminal_id'")
	[ "$(tq "$d" "SELECT count(*) FROM outbox WHERE state NOT IN ('applied', 'duplicate')")" = 0 ] ||
		die "$d: ops left in the outbox: $(tq "$d" "SELECT state, count(*) FROM outbox GROUP BY state")"
	# Every op once: the centre's record of the terminal's ops is its outbox.
	same "op ids" "SELECT op_id, command FROM sync_ops WHERE terminal_id = '$tid' ORDER BY op_id" \
		"$d" "SELECT op_id, command FROM outbox ORDER BY op_id"
	[ "$(cq "SELECT count(*) FROM sync_ops WHERE terminal_id = '$tid' AND status <> 'applied'")" = 0 ] ||
		die "$d: ops refused at the centre"
	local office
	office=$(tq "$d" "SELECT value FROM settings WHERE key = 'office_id'")
	same "applicants" "SELECT id, phone, name, id_number, address, created_at, version FROM applicants
		WHERE office_id = '$office' ORDER BY id" \
		"$d" "SELECT id, phone, name, id_number, address, created_at, version FROM applicants
		WHERE office_id = '$office' ORDER BY id"
	same "applications" "SELECT id, number, applicant_id, terminal_id, status, years, version
		FROM applications WHERE office_id = '$office' ORDER BY id" \
		"$d" "SELECT id, number, applicant_id, terminal_id, status, years, version FROM applications ORDER BY id"
	# Exactly once in the records too: one applicant per phone, one
	# application per number.
	[ "$(cq "SELECT count(*) - count(DISTINCT phone) FROM applicants")" = 0 ] || die "a phone twice at the centre"
	[ "$(cq "SELECT count(*) - count(DISTINCT number) FROM applications")" = 0 ] || die "a number twice at the centre"
	[ "$(tq "$d" "PRAGMA integrity_check")" = ok ] || die "$d: integrity_check"
	[ "$(tq "$d" "PRAGMA foreign_key_check" | wc -l)" = 0 ] || die "$d: foreign keys broken"
	expect_rc 0 term "$d" audit verify
	has "哈希链无断裂"
}

# centre_audit_ok: the centre's audit chain holds (checked on a copy).
centre_audit_ok() {
	rm -rf "$T/verify" && mkdir -p "$T/verify"
	cq ".backup '$T/verify/certdesk.db'"
	expect_rc 0 "$CERTDESK_BIN/certdesk" --data "$T/verify" audit verify
}

# no_sanitizer_reports: nothing from the sanitizers in certdeskd's log or
# the terminals' stderr files given.
no_sanitizer_reports() {
	if sanitizer_in "$T/certdeskd.log" "$@"; then
		grep -A20 -E 'AddressSanitizer|LeakSanitizer|runtime error' "$T/certdeskd.log" "$@" | head -60
		die "sanitizer reports"
	fi
}
