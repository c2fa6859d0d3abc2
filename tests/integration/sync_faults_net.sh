#!/usr/bin/env bash
# Sync faults: the network. The terminal reaches certdeskd through
# tests/tools/cutproxy, a loopback proxy that breaks the line on command:
#  - a black hole (connected, never answered): `certdesk sync` gives up at
#    its configured total timeout, says so in Chinese, keeps every op;
#  - SYNs dropped (the proxy's accept queue full): it gives up at the
#    connect timeout;
#  - connections reset, a push cut in the middle of its body (nothing
#    applied), a push whose answer is cut (applied, the answer lost: sent
#    again, answered duplicate);
#  - the background worker behind the screen (certdesk in tmux): each
#    request ends within the timeout, the rounds back off (5 s then 10 s,
#    each with jitter in [half, whole]), the status line says offline, and
#    after the line heals the next round converges on its own;
#  - quitting the screen while a request hangs in a black hole ends the
#    program at once, not at the request's timeout.
# Every op ends at the centre exactly once (both sides compared).
source "$(dirname "$0")/lib_sync_faults.sh"
command -v tmux >/dev/null || die "tmux is needed"
t_begin=$(now_ms)

centre_init
centre_start
mkfifo "$T/ctl"
PLOG=$T/proxy.log
"$CERTDESK_BIN/tools/cutproxy" --to "$CPORT" --control "$T/ctl" --log "$PLOG" --lifetime 600 >"$T/proxy.port" &
reap $!
for i in $(seq 100); do [ -s "$T/proxy.port" ] && break; sleep 0.02; done
PURL=http://127.0.0.1:$(cat "$T/proxy.port")
ncmd=0
# ctl COMMAND: send it to the proxy and wait until it is done.
ctl() {
	ncmd=$((ncmd + 1))
	echo "$1" >"$T/ctl"
	local i
	for i in $(seq 200); do grep -q "^[0-9]* cmd $ncmd " "$PLOG" 2>/dev/null && return 0; sleep 0.01; done
	die "the proxy did not take '$1'"
}

TIMEOUT_MS=2000
CONNECT_MS=1000
term_new a SZFT "$PURL" "sync.timeout_ms = $TIMEOUT_MS" "sync.connect_timeout_ms = $CONNECT_MS" \
	"sync.interval = 5" "sync.pull_limit = 20"
expect_rc 0 term a sync
work a 1 50
pending() { tq a "SELECT count(*) FROM outbox WHERE state = 'pending'"; }
centre_ops() { cq "SELECT count(*) FROM sync_ops"; }
[ "$(pending)" = 100 ] || die "the workload"
c0=$(centre_ops)
# Slack for starting the program (the sanitizer build is slower).
SLACK=1500

# timed_sync: run `certdesk sync`, which must fail; ELAPSED in ms.
timed_sync() {
	local t0
	t0=$(now_ms)
	expect_rc 1 term a sync
	ELAPSED=$(( $(now_ms) - t0 ))
}

ctl blackhole
timed_sync
has "超时（2.0 秒内未收到完整应答）"
[ $ELAPSED -ge $TIMEOUT_MS ] && [ $ELAPSED -lt $((TIMEOUT_MS + SLACK)) ] ||
	die "a black hole: gave up after $ELAPSED ms, the limit is $TIMEOUT_MS ms"
[ "$(pending)" = 100 ] && [ "$(centre_ops)" = "$c0" ] || die "a black hole changed something"
expect_rc 0 term a sync --status
has "上次错误：连接 127.0.0.1"
ok "a black hole: the round gives up after $ELAPSED ms (limit $TIMEOUT_MS), every op kept"

ctl drop
timed_sync
has "超时（1.0 秒内未能连通）"
[ $ELAPSED -ge $CONNECT_MS ] && [ $ELAPSED -lt $((CONNECT_MS + SLACK)) ] ||
	die "no SYN-ACK: gave up after $ELAPSED ms, the connect limit is $CONNECT_MS ms"
ok "no answer to connects: gives up after $ELAPSED ms (connect limit $CONNECT_MS)"

ctl reset
timed_sync
# curl sees the reset on connect or on the first read, as it comes.
echo "$out" | grep -qE "无法连接 127.0.0.1|与 127.0.0.1:[0-9]+ 的连接中断" || die "a reset: $out"
[ "$(pending)" = 100 ] && [ "$(centre_ops)" = "$c0" ] || die "a reset changed something"
ok "connections reset at once: a clear message, nothing changed"

# The push (about 100 KB) cut after 20,000 bytes of its body went out.
ctl pass
ctl "cut-up 20000"
timed_sync
has "连接中断"
grep -q "cut [0-9]* up=20000 " "$PLOG" || die "the proxy did not cut the push at 20000 bytes"
[ "$(pending)" = 100 ] && [ "$(centre_ops)" = "$c0" ] || die "half a push applied something"
ok "a push cut mid-body: nothing applied, every op kept"

# The push goes through, its answer is cut after 200 bytes.
ctl pass
ctl "cut-down 200"
timed_sync
has "连接中断"
[ "$(pending)" = 100 ] || die "the terminal took an answer it never got whole"
[ "$(centre_ops)" = $((c0 + 100)) ] || die "the centre did not apply the push whose answer was cut"
ctl pass
expect_rc 0 term a sync
has "已推送 100、"
[ "$(tq a "SELECT count(*) FROM outbox WHERE state = 'duplicate'")" = 100 ] ||
	die "the ops sent again were not answered duplicate"
converged a
ok "an answer lost: applied once, sent again, answered duplicate, both sides equal"

# ---- the background worker: timeouts, back-off, convergence ----------------------
work a 51 50
SOCK=$T/tmux.sock
tm() { tmux -S "$SOCK" "$@"; }
reap_tmux() { tm kill-server 2>/dev/null || true; }
trap 'reap_tmux; _lib_cleanup' EXIT
screen() { tm capture-pane -p -t app 2>/dev/null || true; }
ui_start() {
	tm kill-server 2>/dev/null || true
	tm -f /dev/null new-session -d -s app -x 100 -y 30 \
		"env TERM=screen $CERTDESK_BIN/certdesk --data '$T/a' 2>>'$T/ui.stderr'; echo \$? >'$T/ui.exit'"
	tm set-option -t app remain-on-exit on >/dev/null
}
# events KIND: the proxy log's times (ms) of accepts or client closes of
# black-holed connections made after line $from.
events() {
	tail -n +"$from" "$PLOG" | awk -v k="$1" '
		k == "accept" && $2 == "accept" { print $1 }
		k == "close" && $2 == "close" && $4 == "by" && $5 == "client" { print $1 }'
}
wait_events() { # KIND N SECONDS
	local deadline=$(( $(now_ms) + $3 * 1000 ))
	while [ "$(events "$1" | wc -l)" -lt "$2" ]; do
		[ "$(now_ms)" -lt $deadline ] || { cat "$PLOG" | tail -20; screen; die "waited $3 s for $2 $1 events"; }
		sleep 0.1
	done
}

ctl blackhole
from=$(( $(wc -l <"$PLOG") + 1 ))
rm -f "$T/ui.exit"
ui_start
wait_events close 2 25
mapfile -t acc < <(events accept)
mapfile -t clo < <(events close)
ctl pass
d1=$(( clo[0] - acc[0] )) d2=$(( clo[1] - acc[1] ))
g1=$(( acc[1] - clo[0] ))
for d in $d1 $d2; do
	[ $d -ge $((TIMEOUT_MS - 100)) ] && [ $d -le $((TIMEOUT_MS + 800)) ] ||
		die "a request of the worker lasted $d ms in a black hole, the limit is $TIMEOUT_MS ms"
done
[ $g1 -ge 2400 ] && [ $g1 -le 5500 ] || die "the first back-off was $g1 ms, not within 2.5-5 s"
for i in $(seq 100); do screen | grep -q "离线" && break; sleep 0.05; done
screen | grep -q "离线" || { screen; die "the status line does not say offline"; }
# The cut heals: the next round, after a longer back-off, sends everything.
wait_events accept 3 15
mapfile -t acc < <(events accept)
g2=$(( acc[2] - clo[1] ))
[ $g2 -ge 4900 ] && [ $g2 -le 10500 ] || die "the second back-off was $g2 ms, not within 5-10 s"
for i in $(seq 100); do [ "$(pending)" = 0 ] && break; sleep 0.1; done
[ "$(pending)" = 0 ] || die "the worker did not send the ops after the line healed"
for i in $(seq 100); do screen | grep -q "在线" && break; sleep 0.05; done
screen | grep -q "在线 上次" || { screen; die "the status line does not say online"; }
ok "the worker: requests end at the timeout ($d1, $d2 ms), back-off $g1 then $g2 ms, converged after the heal"

# Quitting while a request hangs: the program ends at once. The limit is
# raised to 20 s so that waiting for it would show.
tm kill-server 2>/dev/null || true
printf '%s\n' "sync.noproxy = *" "sync.timeout_ms = 20000" "sync.interval = 5" >"$T/a/certdesk.conf"
work a 101 5
ctl blackhole
from=$(( $(wc -l <"$PLOG") + 1 ))
rm -f "$T/ui.exit"
ui_start
wait_events accept 1 10
sleep 0.3
t0=$(now_ms)
tm send-keys -t app F10
for i in $(seq 200); do [ -s "$T/ui.exit" ] && break; sleep 0.05; done
quit_ms=$(( $(now_ms) - t0 ))
[ -s "$T/ui.exit" ] || die "certdesk did not end within 10 s of F10 while a request hung"
[ "$(cat "$T/ui.exit")" = 0 ] || die "certdesk ended with $(cat "$T/ui.exit")"
[ $quit_ms -lt 2000 ] || die "quitting took $quit_ms ms while a request hung (it waited for the request)"
ok "quitting while a request hangs: ended in $quit_ms ms"
ctl pass
converged a
ok "every op at the centre once after all the cuts"

# ---- a slow line: a scan fetched from the centre outlasts the request timeout ----
# A file comes down within the timeout plus its size at 64 KiB/s, not the
# bare timeout: 400 KB at 100 KB/s takes 4 s, twice the 2 s limit.
printf '%s\n' "sync.noproxy = *" "sync.timeout_ms = $TIMEOUT_MS" >"$T/a/certdesk.conf"
N=$(tq a "SELECT number FROM applications ORDER BY number LIMIT 1")
{ printf '%%PDF-1.4\n%% scan\n'; head -c 400000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/slow-scan.pdf"
expect_rc 0 term a --user admin_a application attach "$N" holder_id "$T/slow-scan.pdf"
expect_rc 0 term a sync
sha=$(sha256sum "$T/slow-scan.pdf" | cut -d' ' -f1)
rm -f "$T/a/blobs/${sha:0:2}/${sha:2:2}/$sha"
ctl "slow 100000"
t0=$(now_ms)
expect_rc 0 term a --user admin_a application export "$N" holder_id -o "$T/slow-out.pdf"
slow_ms=$(( $(now_ms) - t0 ))
cmp -s "$T/slow-out.pdf" "$T/slow-scan.pdf" || die "the scan fetched over the slow line differs"
[ $slow_ms -gt $TIMEOUT_MS ] || die "the slow line was not slow ($slow_ms ms): the test proves nothing"
ok "a 400 KB scan over a 100 KB/s line: fetched in $slow_ms ms, past the ${TIMEOUT_MS} ms request timeout"
ctl pass

centre_stop
no_sanitizer_reports "$T/ui.stderr"
echo "sync_faults_net: ok ($(( ($(now_ms) - t_begin) / 1000 )) s)"
