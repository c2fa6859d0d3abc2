# End-to-end harness: the real certdesk in a private tmux server.
#   source "$(dirname "$0")/lib.sh"
#   app_start [certdesk args...]     start in a fresh window (COLS x ROWS, default 80x24)
#   keys KEY...                      tmux key names: Enter Tab BTab Escape F2 Up Down ...
#   type TEXT                        literal text, Chinese included
#   wait_for TEXT [SECONDS]          poll the screen until TEXT shows (default 10 s)
#   wait_gone TEXT [SECONDS]         poll until TEXT is no longer on screen
#   screen                           print the screen
#   app_wait_exit [SECONDS]          wait for the program to end; prints its exit status
#   app_quit                         F10, confirm, and the program ends with status 0
#   fail MESSAGE                     print the screen and stop the test
# Every test gets its own data directory ($DATA) and tmux socket; all is
# cleaned up on exit. stderr of the program (sanitizer reports) goes to
# $TEST_TMP/stderr.N and is checked at the end.
set -euo pipefail

: "${CERTDESK_BIN:?run through scripts/test.sh}"
: "${TEST_TMP:=$(mktemp -d)}"
COLS=${COLS:-80}
ROWS=${ROWS:-24}
DATA=$TEST_TMP/data
SOCK=$TEST_TMP/tmux.sock
RUN=0
export LANG=C.UTF-8 LC_ALL=C.UTF-8

tm() { tmux -S "$SOCK" "$@"; }

cleanup() {
	tm kill-server 2>/dev/null || true
}
trap cleanup EXIT

screen() { tm capture-pane -p -t app 2>/dev/null || true; }

fail() {
	echo "FAIL: $*" >&2
	echo "---- screen ----" >&2
	screen >&2
	echo "----------------" >&2
	for f in "$TEST_TMP"/stderr.*; do
		[ -s "$f" ] && { echo "---- $f ----" >&2; cat "$f" >&2; }
	done
	exit 1
}

app_start() {
	RUN=$((RUN + 1))
	local cmd="$CERTDESK_BIN/certdesk --data '$DATA'"
	for a in "$@"; do cmd="$cmd '$a'"; done
	tm kill-server 2>/dev/null || true
	# A new session must not reach the server that is still going away.
	local i
	for i in $(seq 50); do [ -S "$SOCK" ] || break; sleep 0.05; done
	rm -f "$SOCK"
	rm -f "$TEST_TMP/exit.$RUN"
	# The shell records the exit status itself: tmux may report a pane dead
	# before it has reaped the process.
	tm -f /dev/null new-session -d -s app -x "$COLS" -y "$ROWS" \
		"env TERM=screen ${EXTRA_ENV:-} $cmd 2>'$TEST_TMP/stderr.$RUN'; echo \$? > '$TEST_TMP/exit.$RUN'"
	tm set-option -t app remain-on-exit on >/dev/null
}

keys() { tm send-keys -t app "$@"; }
type() { tm send-keys -t app -l "$1"; }

wait_for() {
	local text=$1 limit=${2:-10}
	local deadline=$((SECONDS + limit))
	while [ $SECONDS -le $deadline ]; do
		screen | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	fail "did not see '$text' within ${limit}s"
}

wait_gone() {
	local text=$1 limit=${2:-10}
	local deadline=$((SECONDS + limit))
	while [ $SECONDS -le $deadline ]; do
		screen | grep -qF -- "$text" || return 0
		sleep 0.05
	done
	fail "'$text' still on screen after ${limit}s"
}

app_wait_exit() {
	local limit=${1:-10}
	local deadline=$((SECONDS + limit))
	while [ $SECONDS -le $deadline ]; do
		if [ -s "$TEST_TMP/exit.$RUN" ]; then
			cat "$TEST_TMP/exit.$RUN"
			return 0
		fi
		sleep 0.05
	done
	fail "program did not exit within ${limit}s"
}

# F10 from any screen, confirm, and the program must end with status 0.
app_quit() {
	keys F10
	wait_for "确定要退出 certdesk 吗"
	keys Enter
	local st
	st=$(app_wait_exit)
	[ "$st" = 0 ] || fail "certdesk did not exit cleanly (status $st)"
}

# Sanitizer reports or crashes in any run fail the test.
check_stderr() {
	for f in "$TEST_TMP"/stderr.*; do
		[ -e "$f" ] || continue
		if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error|Segmentation' "$f"; then
			cat "$f" >&2
			echo "FAIL: sanitizer report in $f" >&2
			exit 1
		fi
	done
}

# Run certdesk as a command (not in tmux), against the same data directory.
cd_cli() { "$CERTDESK_BIN/certdesk" --data "$DATA" "$@"; }

# Query the program's database.
q() { sqlite3 "$DATA/certdesk.db" "$1"; }

# Log in at the login screen and wait for the main menu: user password.
login() {
	wait_for "请输入员工账号和密码"
	keys Up Up C-u
	type "$1"
	keys Tab C-u
	type "$2"
	keys Enter
	wait_for "主菜单"
}

# Back to the main menu from any depth, then log out.
logout() {
	keys Escape Escape Escape Escape Escape
	wait_for "主菜单"
	keys 9
	wait_for "确定要注销登录吗"
	keys Enter
}
