#!/usr/bin/env bash
# The two report screens at 80x24: the day-end report (日结) and the month's
# figures (月度统计) are longer than the window; PgDn/PgUp and the arrows
# past the form scroll them, the title bar says which rows are shown, F6
# exports the CSV.
source "$(dirname "$0")/lib.sh"

echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
for u in "li.si 李四 clerk" "wang.wu 王五 supervisor"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done

# shown: the "a-b/n 行" of the title bar
shown() { screen | grep -o '[0-9]*-[0-9]*/[0-9]* 行' | head -n 1; }
wait_for_change() { # old "shown"
	local i
	for i in $(seq 50); do [ "$(shown)" != "$1" ] && return 0; sleep 0.1; done
	return 1
}

app_start
login wang.wu Pass5678

# ---- the month: a row per day, more than the window holds ----
keys t
wait_for "月度统计"
wait_for "行 PgUp/PgDn"
first=$(shown)
case $first in 1-*) ;; *) screen >&2; fail "the month does not start at its first row: $first" ;; esac
keys NPage
wait_for_change "$first" || { screen >&2; fail "PgDn did not scroll the month"; }
second=$(shown)
[ "${second%%-*}" -gt 1 ] || fail "PgDn: still at the first row ($second)"
keys PPage
wait_for_change "$second" || fail "PgUp did not scroll back"
[ "$(shown)" = "$first" ] || fail "PgUp: $(shown), want $first"
# Up on the first field scrolls up (nothing above: stays); Down past the last field scrolls.
keys Down Down Down Down
wait_for_change "$first" || { screen >&2; fail "Down past the form did not scroll"; }
keys F6
wait_for "已导出"
ls "$DATA"/reports/*.csv >/dev/null 2>&1 || fail "no CSV exported"
keys Escape
wait_for "主菜单"

# ---- the day-end report ----
keys 6
wait_for "日结 "
if screen | grep -q '行 PgUp/PgDn'; then
	d1=$(shown)
	keys NPage
	wait_for_change "$d1" || { screen >&2; fail "PgDn did not scroll the day report"; }
fi
keys Escape
wait_for "主菜单"
app_quit
check_stderr
echo "reports e2e: ok"
