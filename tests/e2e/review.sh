#!/usr/bin/env bash
# The supervisor's day at 80x24: the queue oldest first, accept one, return
# one with a template reason (the clerk finds it in their returned list,
# edits it to be posted and resubmits), bulk-accept two of which one the
# supervisor entered (refused and reported), then made (with a blank KEY
# from stock: a damaged one refused in the form with nothing written),
# collected, posted.
source "$(dirname "$0")/lib.sh"

status_of() { q "select status from applications where number = '$1'"; }
pay() { # number: place an order and have it paid through the command line
	local order pay
	order=$(CERTDESK_PASSWORD=Pass5678 cd_cli --user li.si order place "$1" --contact 13812345678)
	CERTDESK_PASSWORD=Pass5678 cd_cli --user li.si order transfer "$order" --payer 张三 \
		--account 6222020012345678 --bank 工商银行 --ref "TX$RANDOM$RANDOM" --date 2026-11-25 \
		--amount 200 --slip "$TEST_TMP/slip.pdf" >/dev/null
	CERTDESK_PASSWORD=Pass5678 cd_cli --user zhao.liu order verify "$order" >/dev/null
}

# ---- set-up through the command line ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
for u in "li.si 李四 clerk" "wang.wu 王五 supervisor" "zhao.liu 赵六 supervisor"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13812345678,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,,\n' > "$TEST_TMP/people.csv"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13812345678,new,personal,,1,\n13812345678,new,personal,,1,\n13812345678,new,personal,,1,\n' > "$TEST_TMP/apps.csv"
printf '%%PDF-1.4\nslip\n%%%%EOF\n' > "$TEST_TMP/slip.pdf"
export CERTDESK_PASSWORD=Pass5678
cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null
submit() { # user: number
	cd_cli --user "$1" application agree "$2" >/dev/null
	cd_cli --user "$1" application paper "$2" holder_id >/dev/null
	cd_cli --user "$1" application submit "$2" >/dev/null
}
clerk_apps=$(cd_cli --user li.si import applications "$TEST_TMP/apps.csv" | sed -n 's/^line [0-9]*: //p')
for n in $clerk_apps; do submit li.si "$n"; done
printf 'phone,kind,subject,credit_code,years,cert_serial\n13812345678,new,personal,,1,\n' > "$TEST_TMP/own.csv"
own=$(cd_cli --user wang.wu import applications "$TEST_TMP/own.csv" | sed -n 's/^line [0-9]*: //p')
submit wang.wu "$own"
# blank KEYs in the office's stock, one of them broken
cd_cli --user li.si stock receive KS-0001..KS-0003 >/dev/null
cd_cli --user li.si stock damage KS-0003 --note 外壳破裂 >/dev/null
set -- $clerk_apps
a1=$1 a2=$2 a3=$3
printf '%%PDF-1.4\nid card scan\n%%%%EOF\n' > "$TEST_TMP/身份证.pdf"
CERTDESK_PASSWORD=Pass5678 cd_cli --user li.si application attach "$a1" holder_id "$TEST_TMP/身份证.pdf" >/dev/null \
	|| fail "attach to a submitted application"
# The viewer: a script that records what it was asked to open.
printf '#!/bin/sh\ncp "$1" "%s/viewed"\n' "$TEST_TMP" > "$TEST_TMP/viewer"
chmod +x "$TEST_TMP/viewer"
echo "viewer = $TEST_TMP/viewer" >> "$DATA/certdesk.conf"
printf '# 本受理点的常用退回原因\n请补交加盖公章的授权委托书\n持证人身份证复印件已过期\n' > "$DATA/reasons.txt"
echo "review.return_reasons = reasons.txt" >> "$DATA/certdesk.conf"
unset CERTDESK_PASSWORD

# ---- the supervisor's queue: accept the oldest, return the next ----
app_start
login wang.wu Pass5678
wait_for "待审核 4"
# A supervisor's menu is the longest; all of it fits at 80x24.
for item in 审计日志 月度统计 同步与冲突 退出程序; do
	screen | grep -q "$item" || { screen >&2; fail "menu item $item not on an 80x24 screen"; }
done
keys 5
wait_for "审核队列"
wait_for "$a1"
screen | grep -A1 "$a1" | grep -q "$a2" || fail "the queue is not oldest first"
keys Enter
wait_for "申请单 $a1"
# The scan: open it with the viewer, export it, both audited.
wait_for "身份证.pdf"
keys Down
keys o
for _ in $(seq 50); do [ -s "$TEST_TMP/viewed" ] && break; sleep 0.1; done
cmp -s "$TEST_TMP/viewed" "$TEST_TMP/身份证.pdf" || fail "the viewer did not get the scan"
keys x
wait_for "已导出到"
ls "$DATA"/exports/"$a1"-holder_id-身份证*.pdf >/dev/null 2>&1 || fail "export file missing"
[ "$(q "select count(*) from audit_log where action in ('attachment.view','attachment.export')")" = 2 ] \
	|| fail "view and export not audited"
keys h
wait_for "申请人 张三 的其他申请单"
wait_for "$a3"
keys Enter
keys F9
wait_for "审核申请单"
keys F2
wait_for "已受理"
keys Escape
wait_for "审核队列"
wait_for "待审核 3"
keys Enter                           # now the oldest is a2
wait_for "申请单 $a2"
keys F9
wait_for "审核申请单"
keys F6                              # a template reason, to edit: the office's own list
wait_for "常用退回原因 1/2"
wait_for "请补交加盖公章的授权委托书"
keys F6
wait_for "常用退回原因 2/2"
keys F2
wait_for "已退回"
[ "$(status_of "$a2")" = returned ] || fail "not returned"

# ---- bulk: a3 and the supervisor's own one ----
keys Escape
wait_for "待审核 2"
keys Space Space
wait_for "已选 2 份"
keys F2
wait_for "受理 1 份，未受理 1 份"
wait_for "不能审核自己录入的申请单"
keys Enter
[ "$(status_of "$a3")" = accepted ] || fail "a3 not accepted"
[ "$(status_of "$own")" = pending_review ] || fail "own entry accepted"
logout

# ---- the clerk finds the return, makes it a posted one and resubmits ----
login li.si Pass5678
wait_for "已退回 1"
keys r
wait_for "$a2"
keys Enter
wait_for "退回原因"
keys F4
wait_for "修改"
keys Down Down Down Down Right     # delivery: post
wait_for "收件人"
keys F2
wait_for "申请单已保存"
keys F2
wait_for "已提交审核"
logout

# ---- another supervisor accepts it; both are paid; made, collected, posted ----
login zhao.liu Pass5678
type "$a2"$'\r'
wait_for "申请单 $a2"
keys F9
wait_for "审核申请单"
keys F2
wait_for "已受理"
pay "$a1"
pay "$a2"
keys Escape
wait_for "主菜单"
keys 5
wait_for "审核队列"
keys Down Down Down Down Down Right  # into the list, then the next queue: to make
wait_for "待制证"
wait_for "$a1"
keys Enter
wait_for "申请单 $a1"
keys F2
wait_for "证书序列号"
wait_for "KEY 序列号"
type "4A3F0012"
keys Tab
# a damaged KEY: refused beside the field, nothing made, nothing moved
type "KS-0003"
keys F2
wait_for "KEY KS-0003 已登记为损坏，不能发放"
[ "$(status_of "$a1")" = accepted ] || fail "a1 made with a KEY that cannot be issued"
[ "$(q "select group_concat(serial || state, ',') from (select * from key_stock order by serial)")" = \
	"KS-0001in_stock,KS-0002in_stock,KS-0003damaged" ] || fail "the stock moved"
[ "$(q "select count(*) from audit_log where action in ('application.make', 'stock.issue')")" = 0 ] ||
	fail "a refused make was audited"
# the cursor is in the KEY's field: scan another
keys C-u
type "ks-0001"
keys F2
wait_for "已登记制证并发放 KEY KS-0001，申请单可领取。"
[ "$(status_of "$a1")" = ready ] || fail "a1 not made"
[ "$(q "select k.state from key_stock k join applications a on a.id = k.application_id where a.number = '$a1'")" = issued ] ||
	fail "KS-0001 not issued to a1"
[ "$(q "select count(*) from audit_log where action in ('application.make', 'stock.issue')")" = 2 ] ||
	fail "make and issue audited"
wait_for "新证书 4A3F0012  KEY KS-0001"
keys F5
wait_for "登记领取"
keys Tab
type "110105194912310021"
keys F2
wait_for "校验码"
keys C-u
type "11010519491231002X"
keys F2
wait_for "已登记领取"
[ "$(status_of "$a1")" = collected ] || fail "a1 not collected"
type "$a2"$'\r'
wait_for "申请单 $a2"
keys F2
wait_for "证书序列号"
type "77AA01"
keys F2
wait_for "已登记制证"
keys F3
wait_for "登记寄出"
type "顺丰速运"
keys Tab
type "SF1234567890"
keys F2
wait_for "已登记寄出"
[ "$(status_of "$a2")" = shipped ] || fail "a2 not shipped"
keys h
wait_for "办理记录"
wait_for "寄出 → 已寄出"
keys Enter

app_quit
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "review e2e: ok"
