#!/usr/bin/env bash
# The pickup slip from the application screen at 80x24: an application
# whose certificate is made and waits to be collected offers L (领取单);
# the slip is made through the screens' print path, saved, its facts
# shown, audited; an application still in review does not offer it.
source "$(dirname "$0")/lib.sh"

# ---- set-up through the command line: paid, accepted, made ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
export CERTDESK_PASSWORD=Adm1nPass
for u in "li.si 李四 clerk" "zhao.liu 赵六 supervisor"; do
	set -- $u
	echo Start123 | cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13812345678,张三,11010519491231002X,,福州市鼓楼区五四路100号,350001,,\n' > "$TEST_TMP/people.csv"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13812345678,new,personal,,1,\n13812345678,new,personal,,2,\n' > "$TEST_TMP/apps.csv"
export CERTDESK_PASSWORD=Pass5678
cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null
set -- $(cd_cli --user li.si import applications "$TEST_TMP/apps.csv" | sed -n 's/^line [0-9]*: //p')
made=$1 waiting=$2
for n in "$made" "$waiting"; do
	cd_cli --user li.si application agree "$n" >/dev/null
	cd_cli --user li.si application paper "$n" holder_id >/dev/null
	cd_cli --user li.si application submit "$n" >/dev/null
done
order=$(cd_cli --user li.si order place "$made" --contact 13812345678 | tail -n 1)
printf '%%PDF-1.4\nslip\n%%%%EOF\n' > "$TEST_TMP/slip.pdf"
total=$(q "select printf('%.2f', total_fen / 100.0) from orders where number = '$order'")
cd_cli --user li.si order transfer "$order" --payer 张三 --account 6222020012345678 --bank 中国工商银行 \
	--ref TX20261125009 --date 2026-11-25 --amount "$total" --slip "$TEST_TMP/slip.pdf" >/dev/null
cd_cli --user zhao.liu order verify "$order" >/dev/null
cd_cli --user zhao.liu application accept "$made" >/dev/null
cd_cli --user zhao.liu application make "$made" 5A3F0098C1D2 >/dev/null || fail "make $made"
[ "$(q "select status from applications where number = '$made'")" = ready ] || fail "not ready to collect"
unset CERTDESK_PASSWORD
slip=$DATA/print/$made-pickup.pdf

# ---- still in review: no slip offered ----
app_start
login li.si Pass5678
type "$waiting"$'\r'
wait_for "申请单 $waiting"
screen | grep -q 'L领取单' && fail "a pickup slip offered for an application in review"
keys Escape
wait_for "主菜单"

# ---- made: L prints the slip ----
type "$made"$'\r'
wait_for "申请单 $made"
wait_for "L领取单"
keys l
wait_for "数字证书领取单 已生成"
wait_for "未设置打印机"
keys Enter
[ -s "$slip" ] || fail "the slip was not saved"
flat=$(pdftotext "$slip" - | tr -d ' \n')
case $flat in *"$made"*) ;; *) fail "the application number is not on the slip" ;; esac
case $flat in *5A3F0098C1D2*) ;; *) fail "the certificate serial is not on the slip" ;; esac
case $flat in *13812345678*) fail "the whole mobile number on the slip" ;; esac
[ "$(q "select count(*) from audit_log where action like '%pickup%'")" -ge 1 ] || fail "the slip was not audited"
logout
check_stderr
echo "print_pickup e2e: ok"
