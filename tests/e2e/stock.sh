#!/usr/bin/env bash
# The KEY stock screen at 80x24: the ledger at the top, a batch received by
# range and another from a scanner's list file, a repeat refused in the
# form with nothing written, a search by the beginning of a serial, a KEY
# taken back damaged from the selected row, a KEY's details, and a return
# to the centre by a supervisor (not offered to a clerk).
source "$(dirname "$0")/lib.sh"

q() { sqlite3 "$DATA/certdesk.db" "$1"; }
login() {
	wait_for "请输入员工账号和密码"
	keys Up Up C-u
	type "$1"
	keys Tab C-u
	type "$2"
	keys Enter
	wait_for "主菜单"
}
logout() {
	keys Escape Escape Escape Escape Escape
	wait_for "主菜单"
	keys 9
	wait_for "确定要注销登录吗"
	keys Enter
}
fits() { # every line of the screen within 80 columns of display width
	screen >"$TEST_TMP/screen.txt"
	python3 - "$TEST_TMP/screen.txt" <<'EOF' || fail "a line is wider than 80 columns"
import sys, unicodedata
for line in open(sys.argv[1], encoding="utf-8"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip("\n"))
    if w > 80:
        sys.exit(f"{w}: {line}")
EOF
}

# ---- set-up through the command line ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
for u in "li.si 李四 clerk" "wang.wu 王五 supervisor"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done
printf '# 第二箱\nKS-0101\nKS-0102\nKS-0103\n' >"$TEST_TMP/box2.txt"

# ---- a clerk ----
app_start
login li.si Pass5678
keys x
wait_for "KEY 库存"
wait_for "在库 0 · 已发放 0 · 已损坏 0 · 已退回 0 · 合计 0"
wait_for "本受理点的台账上还没有 KEY：按 F3 入库"
screen | grep -q "F3入库" || fail "F3 not on the key bar"
screen | grep -q "F7退回中心" && fail "a clerk is offered the return to the centre"
fits

# a batch by range
keys F3
wait_for "KEY 入库"
type "ks-0001"
keys Tab
type "KS-0012"
keys Tab Tab
type "入库单 A-01"
keys F2
wait_for "已入库 12 个 KEY：KS-0001 至 KS-0012"
wait_for "在库 12 · 已发放 0 · 已损坏 0 · 已退回 0 · 合计 12"
wait_for "今日：入库 12"
wait_for "共 12 条"
fits

# a repeat: refused in the form, nothing written
keys F3
wait_for "KEY 入库"
type "KS-0010"
keys Tab
type "KS-0013"
keys F2
wait_for "KEY KS-0010 已在受理点 SZFT 的台账上"
[ "$(q "SELECT count(*) FROM key_stock")" = 12 ] || fail "a refused batch was written"
# ... and a range that is not one
keys BTab C-u
type "KT-0001"
keys F2
wait_for "前缀相同"
keys Escape
wait_for "合计 12"

# a scanner's list file
keys F3
wait_for "KEY 入库"
keys Tab Tab
type "$TEST_TMP/box2.txt"
keys F2
wait_for "已入库 3 个 KEY：KS-0101 至 KS-0103"
wait_for "合计 15"

# search by the beginning of a serial; damage the selected KEY
keys F8
type "ks-001"
keys Enter
wait_for "共 3 条"
screen | grep -q "KS-0001 " && fail "the search did not narrow the list"
keys F5
wait_for "登记 KEY 损坏"
wait_for "KS-0010"
keys Tab
type "USB 接口损坏"
keys F2
wait_for "已登记 KEY KS-0010 损坏"
wait_for "已损坏 1"
[ "$(q "SELECT state FROM key_stock WHERE serial = 'KS-0010'")" = damaged ] || fail "KS-0010 not damaged"
keys Enter
wait_for "KEY KS-0010"
wait_for "状态：已损坏"
wait_for "（USB 接口损坏）"
keys Enter
wait_gone "状态：已损坏"
fits
logout

# ---- a supervisor returns the damaged KEY and two others ----
login wang.wu Pass5678
keys x
wait_for "KEY 库存"
wait_for "F7退回中心"
keys F7
wait_for "KEY 退回中心"
type "KS-0010"
keys F2
wait_for "请填写退回说明"
[ "$(q "SELECT count(*) FROM key_moves WHERE kind = 'return'")" = 0 ] || fail "a return without a note"
# the message is beside the note, and the cursor with it
type "顺丰 SF1234567890"
keys F2
wait_for "已退回中心 KEY KS-0010"
wait_for "已退回 1"
keys F7
wait_for "KEY 退回中心"
type "KS-0011"
keys Tab
type "KS-0012"
keys Tab Tab
type "顺丰 SF1234567891"
keys F2
wait_for "已退回中心 2 个 KEY"
wait_for "在库 12 · 已发放 0 · 已损坏 0 · 已退回 3 · 合计 15"
fits
[ "$(q "SELECT count(*) FROM audit_log WHERE action LIKE 'stock.%'")" = 5 ] || fail "audit entries"
[ "$(q "SELECT count(*) FROM outbox WHERE command LIKE 'stock.%'")" = 5 ] || fail "outbox entries"

app_quit
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "stock e2e: ok"
