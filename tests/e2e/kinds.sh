#!/usr/bin/env bash
# A change and a reissue from the screen at 80x24, from entry to
# collection: the clerk enters each from the applicant's screen (the kind
# chosen, the old serial typed by hand, the reason; a reissue without one is
# refused), marks the papers, submits and prints the form; the supervisor
# accepts it, and once the fee is verified marks the new certificate made
# and collected. Revoke and unlock are driven in e2e/unlock.sh.
source "$(dirname "$0")/lib.sh"

echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
for u in "li.si 李四 clerk" "wang.wu 王五 supervisor" "zhao.liu 赵六 supervisor"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13812345678,张三,11010519491231002X,,福州市鼓楼区五四路100号,350001,,\n' > "$TEST_TMP/people.csv"
CERTDESK_PASSWORD=Pass5678 cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null
# Two certificates bound to the applicant (as `key bind` does once a KEY's PIN
# is verified; the KEY itself is tested in e2e/key.sh and e2e/unlock.sh).
for s in 4A3F00C1D2 4A3F00C1D3; do
	CERTDESK_PASSWORD=Pass5678 "$CERTDESK_BIN/tools/mkcert" --data "$DATA" --user li.si 13812345678 "$s" \
		2027-08-01T15:59:59Z 张三 >/dev/null || fail "bind $s"
done
printf '%%PDF-1.4\nslip\n%%%%EOF\n' > "$TEST_TMP/slip.pdf"
status_of() { q "select status from applications where number = '$1'"; }

# enter KIND_RIGHTS OLD_SERIAL REASON TITLE: a personal application of a kind
# (Right presses from 新办 in the kind field), entered and submitted by the
# clerk; prints its number
enter() {
	local rights=$1 serial=$2 reason=$3 title=$4 i number
	keys 2 >&2
	wait_for "查找" >&2
	type "13812345678"
	keys Enter
	wait_for "张三   手机 138****5678" >&2
	keys F3
	wait_for "新建申请单" >&2
	for i in $(seq "$rights"); do keys Right; done
	keys F2
	wait_for "数字证书服务协议书" >&2
	keys F2
	wait_for "$title" >&2
	screen | grep -q "有效期" && fail "$title offers a validity"
	for i in 1 2 3 4; do                  # pick the certificate among those bound
		screen | grep -q "◀ $serial" && break
		keys Right
		sleep 0.2
	done
	screen | grep -q "◀ $serial" || fail "$title: certificate $serial not offered"
	keys F2
	if [ -n "$reason" ]; then
		wait_for "须写明" >&2           # refused without a reason, the cursor on it
		[ "$(q "select count(*) from applications where cert_serial = '$serial'")" = 0 ] ||
			fail "$title saved without a reason"
		type "$reason"
		keys F2
	fi
	wait_for "已保存为草稿" >&2
	wait_for "持证人身份证复印件" >&2
	keys F5                               # the ID card copy: on paper
	wait_for "已标记为已交纸质件" >&2
	for i in 1 2 3; do                    # and the kind's own documents
		screen | grep -q '✗' || break
		keys Down F5
		sleep 0.3
	done
	screen | grep -q '✗' && fail "$title: documents still missing"
	keys F2
	wait_for "已提交审核" >&2
	number=$(q "select number from applications where cert_serial = '$serial'")
	keys p
	wait_for "已生成" >&2
	keys Enter
	local pdf=$DATA/print/$number.pdf
	[ -s "$pdf" ] || pdf=$(ls -t "$DATA"/print/*.pdf | head -n 1)
	pdftotext -layout "$pdf" - | tr -d ' ' | grep "$serial" >/dev/null || fail "$title: the old serial is not on the form"
	pdftotext -layout "$pdf" - | tr -d ' ' | grep "同原证书" >/dev/null || fail "$title: the term is not the certificate's own"
	keys Escape Escape Escape
	wait_for "主菜单" >&2
	echo "$number"
}

app_start
login li.si Pass5678
change=$(enter 2 4A3F00C1D2 "" "个人证书变更申请表")
reissue=$(enter 3 4A3F00C1D3 "KEY 遗失" "个人证书补办申请表")
[ "$(q "select kind || ' ' || status || ' ' || years from applications where number = '$change'")" = "change pending_review 0" ] ||
	fail "the change: $(q "select kind, status, years from applications where number = '$change'")"
[ "$(q "select kind || ' ' || service_reason from applications where number = '$reissue'")" = "reissue KEY 遗失" ] ||
	fail "the reissue's reason"
logout

# ---- the fees, paid and verified at the command line ----
export CERTDESK_PASSWORD=Pass5678
for n in "$change" "$reissue"; do
	order=$(cd_cli --user li.si order place "$n" --contact 13812345678 | tail -n 1)
	total=$(q "select printf('%.2f', total_fen / 100.0) from orders where number = '$order'")
	cd_cli --user li.si order transfer "$order" --payer 张三 --account 6222020012345678 --bank 中国工商银行 \
		--ref "TX$RANDOM$RANDOM" --date 2026-11-25 --amount "$total" --slip "$TEST_TMP/slip.pdf" >/dev/null
	cd_cli --user zhao.liu order verify "$order" >/dev/null
done
unset CERTDESK_PASSWORD

# ---- the supervisor: accept, make, collect, each from the screen ----
login wang.wu Pass5678
k=0
for n in "$change" "$reissue"; do
	k=$((k + 1))
	type "$n"$'\r'
	wait_for "申请单 $n"
	keys F9
	wait_for "审核申请单"
	keys F2
	wait_for "已受理"
	[ "$(status_of "$n")" = accepted ] || fail "$n not accepted"
	keys F2
	wait_for "证书序列号"
	type "77AB0${k}AA"
	keys F2
	wait_for "已登记制证"
	[ "$(status_of "$n")" = ready ] || fail "$n not made"
	keys F5
	wait_for "登记领取"
	keys Tab
	type "11010519491231002X"
	keys F2
	wait_for "已登记领取"
	[ "$(status_of "$n")" = collected ] || fail "$n not collected"
	keys Escape
	wait_for "主菜单"
done
[ "$(q "select count(*) from audit_log where action in ('application.accept', 'application.make', 'application.collect')")" = 6 ] ||
	fail "accept, make and collect not audited for both"
app_quit
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "kinds e2e: ok"
