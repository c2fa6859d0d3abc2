#!/usr/bin/env bash
# Sync faults: kill -9. A terminal's `certdesk sync` is killed at random
# moments (SYNC_FAULT_TRIALS, default 50) while it uploads scans, pushes its
# outbox (workloads of SYNC_FAULT_CHUNK ops, default 60, piling up while
# kills come early) and pulls the centre's rows in pages of 10; then
# certdeskd is killed in the middle of pushes (SYNC_FAULT_CENTRE_KILLS,
# default 6) and started again on the same port. After every kill: nothing
# of the terminal's work is lost, its database is whole, and the centre
# holds whole batches only (each applied op with its record, no record
# without its op). At the end, one clean round: every op is at the centre
# exactly once (op ids, counts and records compared on both sides), the
# outbox is drained and both audit chains hold. scripts/soak-sync.sh runs
# this with a thousand kills of rounds of 300 ops.
#
# The kill moments are drawn over the time an uninterrupted round of the
# same size takes on this build (measured first, then adjusted as kills
# land before or after the rounds), so that the sanitizer build, slower,
# is cut at the same phases as the optimised one. Where each kill landed
# is counted from both sides (before the push, the centre's answer lost,
# in the pull, after the round). The seed is printed; SYNC_FAULT_SEED=N
# repeats a run.
source "$(dirname "$0")/lib_sync_faults.sh"

TRIALS=${SYNC_FAULT_TRIALS:-50}
CENTRE_KILLS=${SYNC_FAULT_CENTRE_KILLS:-6}
CHUNK=${SYNC_FAULT_CHUNK:-60}         # ops per workload
SEED=${SYNC_FAULT_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "seed $SEED, $TRIALS terminal kills, $CENTRE_KILLS certdeskd kills, $CHUNK ops per workload"
t_begin=$(now_ms)

centre_init
centre_start
term_new a SZFT "$CURL_BASE" "sync.pull_limit = 10"
expect_rc 0 term a sync
made=$(tq a "SELECT count(*) FROM outbox")
next_phone=1

# more_work: one import of CHUNK rows (one op each), applicants and then
# applications for them by turns: one program run per workload keeps the
# trials cheap on the sanitizer build.
kind=applicants
more_work() {
	if [ $kind = applicants ]; then
		work a $next_phone $CHUNK csv
		expect_rc 0 term a --user admin_a import applicants "$T/a/people.csv"
		kind=applications
	else
		expect_rc 0 term a --user admin_a import applications "$T/a/apps.csv"
		next_phone=$((next_phone + CHUNK))
		kind=applicants
	fi
	made=$((made + CHUNK))
}

# A scan now and then: its upload (in 1 MiB parts) is killed too.
scans=0
attach_scan() {
	local number
	number=$(tq a "SELECT number FROM applications ORDER BY random() LIMIT 1")
	{ printf '%%PDF-1.4\n'; head -c $((1500000 + RANDOM)) /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/scan.pdf"
	expect_rc 0 term a --user admin_a application attach "$number" holder_id "$T/scan.pdf"
	made=$((made + 1))
	scans=$((scans + 1))
}

# The calibration: an uninterrupted round of one workload (no scan).
more_work
t0=$(now_ms)
expect_rc 0 term a sync
round_ms=$(( $(now_ms) - t0 ))
span=$(( round_ms * 11 / 10 ))
span0=$span
ok "a round of $CHUNK ops takes ${round_ms} ms: kills drawn in 0-${span} ms"

tid=$(tq a "SELECT value FROM settings WHERE key = 'terminal_id'")
office=$(tq a "SELECT value FROM settings WHERE key = 'office_id'")
# Both sides at once (the centre's file attached, read only): the
# terminal's ops (all, pending, answered), the centre's ops of this
# terminal, the pull cursor and the end of the centre's feed, applied
# imports against the records at the centre, the terminal's quick_check.
look() {
	sqlite3 -cmd '.timeout 5000' -separator ' ' "$T/a/certdesk.db" "ATTACH 'file:$CDB?mode=ro' AS c;
	SELECT (SELECT count(*) FROM outbox),
	       (SELECT count(*) FROM outbox WHERE state = 'pending'),
	       (SELECT count(*) FROM outbox WHERE state IN ('applied', 'duplicate')),
	       (SELECT count(*) FROM c.sync_ops WHERE terminal_id = '$tid'),
	       (SELECT value FROM settings WHERE key = 'sync_cursor'),
	       (SELECT max(seq) FROM c.changes),
	       (SELECT count(*) FROM c.sync_ops WHERE terminal_id = '$tid' AND status = 'applied'
	        AND command LIKE 'applicant.import@%'),
	       (SELECT count(*) FROM c.applicants WHERE office_id = '$office'),
	       (SELECT count(*) FROM c.sync_ops WHERE terminal_id = '$tid' AND status = 'applied'
	        AND command LIKE 'application.import@%'),
	       (SELECT count(*) FROM c.applications),
	       (SELECT group_concat(quick_check) FROM pragma_quick_check)"
}
# Checked after every kill: nothing lost at the terminal, its database
# whole; the centre holds only ops the terminal made, and for each applied
# import its record, no more, no less (whole batches or nothing). Sets
# WHERE to the phase the kill landed in.
check_after() {
	local what=$1 before=$2
	local n pend answered centre cursor end ap_ops ap_rows app_ops app_rows qc
	read -r n pend answered centre cursor end ap_ops ap_rows app_ops app_rows qc <<<"$(look)"
	[ "$qc" = ok ] || die "$what: the terminal's database is damaged: $qc"
	[ "$n" = "$made" ] || die "$what: the outbox holds $n ops, $made were made"
	[ "$centre" -le "$made" ] || die "$what: the centre has $centre ops, the terminal made $made"
	[ "$ap_ops" = "$ap_rows" ] || die "$what: $ap_ops applicant ops applied at the centre, $ap_rows applicants there"
	[ "$app_ops" = "$app_rows" ] || die "$what: $app_ops application ops applied at the centre, $app_rows applications there"
	if [ "$centre" -gt "$answered" ]; then
		WHERE=answer-lost
	elif [ "$pend" -gt 0 ] && [ "$pend" = "$before" ]; then
		WHERE=start
	elif [ "$pend" -gt 0 ]; then
		WHERE=push
	elif [ "$cursor" -lt "$end" ]; then
		WHERE=pull
	else
		WHERE=done
	fi
}

declare -A landed=([start]=0 [push]=0 [answer-lost]=0 [pull]=0 [done]=0)
t_kills=$(now_ms)
for trial in $(seq "$TRIALS"); do
	pending=$(tq a "SELECT count(*) FROM outbox WHERE state = 'pending'")
	if [ "$pending" -lt 20 ]; then
		more_work
		[ $((trial % 10)) != 5 ] || attach_scan
		pending=$(tq a "SELECT count(*) FROM outbox WHERE state = 'pending'")
	fi
	delay=$(( (RANDOM * 32768 + RANDOM) % (span + 1) ))
	# The program itself, not a function: $! must be certdesk's pid.
	"$CERTDESK_BIN/certdesk" --data "$T/a" sync >"$T/kill.out" 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' $((delay % 1000)))"
	[ $delay -lt 1000 ] || sleep $((delay / 1000))
	kill -KILL $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	sanitizer_in "$T/kill.out" && { cat "$T/kill.out"; die "sanitizer report in trial $trial"; }
	check_after "terminal killed after ${delay} ms (trial $trial)" "$pending"
	landed[$WHERE]=$((landed[$WHERE] + 1))
	# Rounds vary with the machine's load: the span follows them, so that
	# the kills keep landing inside rounds.
	case $WHERE in
	done) span=$(( span * 9 / 10 > 10 ? span * 9 / 10 : 10 )) ;;
	start) span=$(( span * 11 / 10 + 1 < span0 * 4 ? span * 11 / 10 + 1 : span0 * 4 )) ;;
	esac
done
ok "$TRIALS kills of the terminal in $(( ($(now_ms) - t_kills) / 1000 )) s: ${landed[start]} before the push, ${landed[push]} in the push," \
	"${landed[answer-lost]} with the centre's answer lost, ${landed[pull]} in the pull, ${landed[done]} after the round" \
	"(span at the end: $span ms)"
[ $((landed[push] + landed[answer-lost] + landed[pull])) -gt 0 ] || die "no kill landed inside a round"
converged a
ok "after the terminal kills: every op at the centre once, records equal, outbox drained, audit chain whole"

# ---- certdeskd killed in the middle of pushes -----------------------------------------
lost=0
t_kills=$(now_ms)
for trial in $(seq "$CENTRE_KILLS"); do
	more_work
	pending=$(tq a "SELECT count(*) FROM outbox WHERE state = 'pending'")
	delay=$(( RANDOM % (span / 2 + 1) ))
	"$CERTDESK_BIN/certdesk" --data "$T/a" sync >"$T/ckill.out" 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	centre_kill
	rc=0
	wait $pid || rc=$?
	sanitizer_in "$T/ckill.out" && { cat "$T/ckill.out"; die "sanitizer report"; }
	if [ $rc != 0 ]; then
		lost=$((lost + 1))
		grep -qE '无法连接|连接中断|超时|出错' "$T/ckill.out" || die "the round says nothing clear: $(cat "$T/ckill.out")"
	fi
	check_after "certdeskd killed after ${delay} ms (trial $trial)" "$pending"
	centre_start
done
ok "$CENTRE_KILLS kills of certdeskd in $(( ($(now_ms) - t_kills) / 1000 )) s ($lost rounds cut short, each with a clear message)"
converged a
ok "after the certdeskd kills: every op at the centre once, records equal, outbox drained, audit chain whole"
n_apps=$(cq "SELECT count(*) FROM applications")
[ "$n_apps" = $((next_phone - 1)) ] || die "$n_apps applications at the centre, $((next_phone - 1)) were made"

# The scans: every file at the centre, whole.
[ "$(tq a "SELECT count(*) FROM blobs WHERE pushed_at IS NULL")" = 0 ] || die "a scan was not uploaded"
for sha in $(tq a "SELECT sha256 FROM attachments"); do
	f=$T/centre-files/blobs/${sha:0:2}/${sha:2:2}/$sha
	[ -f "$f" ] && [ "$(sha256sum "$f" | cut -c1-64)" = "$sha" ] || die "scan $sha not whole at the centre"
done
same "attachments" "SELECT id, owner_id, sha256, size, version FROM attachments ORDER BY id" \
	a "SELECT id, owner_id, sha256, size, version FROM attachments ORDER BY id"
ok "$scans scans whole at the centre"
centre_audit_ok
centre_stop
no_sanitizer_reports
echo "sync_faults_kill: ok ($TRIALS + $CENTRE_KILLS kills, $made ops, $(( ($(now_ms) - t_begin) / 1000 )) s)"
