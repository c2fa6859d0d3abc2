#!/usr/bin/env bash
# Orders and payments at 80x24: two applications of one enterprise in one
# order, a third of another enterprise refused, bank transfer only for new
# certificates (online not offered), a transfer with its slip, verification
# refused to the one who recorded it and done by another supervisor, the
# e-invoice (viewed and exported again from the order screen and the command
# line), a duplicate transfer reference refused, and finding orders by
# enterprise name and date.
source "$(dirname "$0")/lib.sh"


# ---- set-up through the command line ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
export CERTDESK_PASSWORD=Adm1nPass
for u in "li.si 李四 clerk" "wang.wu 王五 supervisor" "zhao.liu 赵六 supervisor"; do
	set -- $u
	echo Start123 | cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done
cat > "$TEST_TMP/people.csv" <<'CSV'
phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone
13812345678,张三,11010519491231002X,zhang@example.com,福州市鼓楼区五四路100号,350001,91350100M000100Y43,福州某某科技有限公司,林某,福州市鼓楼区五四路100号,0591-87654321
13912345678,李雷,,li@example.com,深圳市南山区科技园1号,518000,12440300MB2C92173E,深圳另一家公司,王某,深圳市南山区科技园1号,0755-12345678
CSV
cat > "$TEST_TMP/apps.csv" <<'CSV'
phone,kind,subject,credit_code,years,cert_serial
13812345678,new,enterprise,91350100M000100Y43,1,
13812345678,new,enterprise,91350100M000100Y43,2,
13812345678,new,enterprise,12440300MB2C92173E,1,
13912345678,new,enterprise,12440300MB2C92173E,1,
13912345678,new,enterprise,12440300MB2C92173E,2,
CSV
export CERTDESK_PASSWORD=Pass5678
cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null
numbers=$(cd_cli --user li.si import applications "$TEST_TMP/apps.csv" | sed -n 's/^line [0-9]*: //p')
for n in $numbers; do
	cd_cli --user li.si application agree "$n" >/dev/null
	for d in licence legal_rep_id agent_id authorisation; do
		cd_cli --user li.si application paper "$n" $d >/dev/null
	done
	cd_cli --user li.si application submit "$n" >/dev/null
done
set -- $numbers
a1=$1 a2=$2 b1=$3 b2=$4 b3=$5
printf '%%PDF-1.4\nslip\n%%%%EOF\n' > "$TEST_TMP/slip.pdf"
printf '%%PDF-1.4\ninvoice\n%%%%EOF\n' > "$TEST_TMP/invoice.pdf"
# The viewer: a script that records what it was asked to open.
printf '#!/bin/sh\ncp "$1" "%s/viewed"\n' "$TEST_TMP" > "$TEST_TMP/viewer"
chmod +x "$TEST_TMP/viewer"
echo "viewer = $TEST_TMP/viewer" >> "$DATA/certdesk.conf"
unset CERTDESK_PASSWORD

# ---- the clerk places an order for two applications of one enterprise ----
app_start
login li.si Pass5678
keys 2
wait_for "查找"
type "13812345678"
keys Enter
wait_for "张三   手机 138****5678"
keys F6
wait_for "空格选择申请单"
wait_for "$a1"
# The highlighted (newest) application comes pre-selected: one of 深圳另一家.
keys Down Space                         # add one of 福州某某: refused
wait_for "属于另一家企业（福州某某科技有限公司）"
keys Space                              # the other of 福州某某
keys Up Up Space                        # take 深圳另一家 back out
wait_for "已选 2 份，合计 ¥1,400.00"
wait_for "仅限对公转账"
keys F2
wait_for "订单信息"
screen | grep -q "在线支付" && fail "online payment offered for new certificates"
keys F2
wait_for "已生成，请缴费"
order=$(q "select number from orders")
[[ "$order" == DD-SZFT-01-*-0001 ]] || fail "order number: $order"
[ "$(q "select total_fen from orders")" = 140000 ] || fail "total"
screen | grep -q "F5在线支付" && fail "online payment offered on the order"
logout

# ---- a supervisor records the transfer with its slip, cannot verify it himself ----
login wang.wu Pass5678
type "$order"$'\r'
wait_for "订单 $order"
keys F3
wait_for "登记对公转账"
keys Tab
type "6222 0200 1234 5678"
keys Tab
type "中国工商银行福州分行"
keys Tab
type "TX20261125001"
keys Tab
type "2026-11-25"
keys Tab C-u
type "1400"
keys Tab Tab
type "$TEST_TMP/slip.pdf"
keys F2
wait_for "转账已登记，等待审核员核款"
wait_for "待核款"
keys F9
wait_for "不能核实自己登记的转账"
[ "$(q "select status from orders")" = awaiting_verification ] || fail "verified by the recorder"
logout

# ---- another supervisor verifies it and attaches the invoice ----
login zhao.liu Pass5678
keys v
wait_for "待核款转账"
wait_for "TX20261125001"
keys Enter
wait_for "订单 $order"
keys F9
wait_for "核款结果"
keys F2
wait_for "已核实到账，订单已缴费"
wait_for "已缴费"
keys F6
wait_for "上传电子发票"
type "$TEST_TMP/invoice.pdf"
keys F2
wait_for "电子发票已上传"
wait_for "已开票"
[ "$(q "select status from orders where number = '$order'")" = invoiced ] || fail "not invoiced"
# The invoice (the newest file, selected) opens in the viewer and exports;
# Up selects the slip. Each is an audited read.
wait_for "▶ 电子发票：invoice.pdf"
keys o
for _ in $(seq 50); do [ -s "$TEST_TMP/viewed" ] && break; sleep 0.1; done
cmp -s "$TEST_TMP/viewed" "$TEST_TMP/invoice.pdf" || fail "the viewer did not get the invoice"
keys x
wait_for "已导出到"
cmp -s "$DATA/exports/$order-invoice-invoice.pdf" "$TEST_TMP/invoice.pdf" || fail "invoice export: $(ls "$DATA/exports")"
keys Up
wait_for "▶ 汇款底单：slip.pdf"
keys x
for _ in $(seq 50); do [ -s "$DATA/exports/$order-remittance_slip-slip.pdf" ] && break; sleep 0.1; done
cmp -s "$DATA/exports/$order-remittance_slip-slip.pdf" "$TEST_TMP/slip.pdf" || fail "slip export"
[ "$(q "select count(*) from audit_log where action = 'attachment.view'")" = 1 ] || fail "view not audited"
[ "$(q "select count(*) from audit_log where action = 'attachment.export'")" = 2 ] || fail "exports not audited"

# ---- a second order of 1,400.00 for the other enterprise: the same transfer is refused ----
keys Escape Escape
wait_for "主菜单"
keys 2
wait_for "查找"
type "13912345678"
keys Enter
wait_for "李雷"
keys F6
wait_for "$b2"
keys Down Space                         # the newest is pre-selected; add the other
wait_for "已选 2 份，合计 ¥1,400.00"
keys F2
wait_for "订单信息"
keys F2
wait_for "已生成，请缴费"
keys F3
wait_for "登记对公转账"
keys Tab
type "6222020012345678"
keys Tab
type "招商银行"
keys Tab
type "TX20261125001"
keys Tab
type "2026-11-25"
keys Tab C-u
type "1400"
keys F2
wait_for "已于"
wait_for "登记过"
[ "$(q "select count(*) from payments")" = 1 ] || fail "a duplicate transfer was recorded"
order2=$(q "select number from orders where number <> '$order'")

# ---- finding orders by the enterprise's name and by the day placed ----
keys Escape Escape Escape Escape
wait_for "主菜单"
keys 4
wait_for "起始日期"
type "某某科技"
keys Enter
wait_for "$order"
screen | grep -q "$order2" && fail "the name search found the other enterprise's order"
keys F8
wait_for "起始日期"
keys C-u
type "另一家"
keys Enter
wait_for "$order2"
screen | grep -q "$order " && fail "the name search found 福州某某's order"
keys F8
keys Tab Tab
type "$(date -d tomorrow +%F)"
keys Enter
wait_for "没有符合条件的订单"
keys F8                                 # back in the bar, on the date
keys C-u Up Up C-u
type "福"
keys Enter
wait_for "至少 2 个字"

app_quit
# ---- the invoice again from the command line ----
export CERTDESK_PASSWORD=Pass5678
out=$(cd_cli --user li.si order export-invoice "$order" -o "$TEST_TMP/again.pdf") || fail "export-invoice: $out"
cmp -s "$TEST_TMP/again.pdf" "$TEST_TMP/invoice.pdf" || fail "export-invoice -o: not the invoice"
[ "$out" = "$TEST_TMP/again.pdf" ] || fail "export-invoice -o said: $out"
out=$(cd_cli --user li.si order export-invoice "$order") || fail "export-invoice: $out"
[ "$out" = "$DATA/exports/$order-invoice-invoice-2.pdf" ] ||
	fail "export-invoice default path: $out"       # never over the first export, the type kept
cmp -s "$out" "$TEST_TMP/invoice.pdf" || fail "export-invoice: not the invoice"
out=$(cd_cli --user li.si order export-invoice "$order2" -o "$TEST_TMP/none.pdf" 2>&1) && fail "no invoice, yet exported"
[[ "$out" == *"还没有上传电子发票"* ]] || fail "no invoice: $out"
[ -e "$TEST_TMP/none.pdf" ] && fail "a file was written without an invoice"
[ "$(q "select count(*) from audit_log where action = 'attachment.export'")" = 4 ] || fail "CLI exports not audited"
unset CERTDESK_PASSWORD
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "orders e2e: ok"
