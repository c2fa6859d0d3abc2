#!/usr/bin/env bash
# Printing from the order screen at 80x24: the receipt (P) and the payment
# receipt (S), through the screens' one print path (ui/print_ui.c): the PDF
# is made and saved at once, its facts shown, and with a printer configured
# Enter sends it (a fake lp records the call) while Esc keeps the PDF only;
# a payment receipt before the money is verified is refused with the
# reason, and a printer that does not exist is said plainly, the PDF kept.
source "$(dirname "$0")/lib.sh"

# ---- set-up through the command line ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
export CERTDESK_PASSWORD=Adm1nPass
for u in "li.si 李四 clerk" "zhao.liu 赵六 supervisor"; do
	set -- $u
	echo Start123 | cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done
cat > "$TEST_TMP/people.csv" <<'CSV'
phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone
13812345678,张三,11010519491231002X,zhang@example.com,福州市鼓楼区五四路100号,350001,91350100M000100Y43,福州某某科技有限公司,林某,福州市鼓楼区五四路100号,0591-87654321
CSV
printf 'phone,kind,subject,credit_code,years,cert_serial\n13812345678,new,enterprise,91350100M000100Y43,2,\n' > "$TEST_TMP/apps.csv"
export CERTDESK_PASSWORD=Pass5678
cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null
n=$(cd_cli --user li.si import applications "$TEST_TMP/apps.csv" | sed -n 's/^line [0-9]*: //p')
cd_cli --user li.si application agree "$n" >/dev/null
for d in licence legal_rep_id agent_id authorisation; do
	cd_cli --user li.si application paper "$n" $d >/dev/null
done
cd_cli --user li.si application submit "$n" >/dev/null
order=$(cd_cli --user li.si order place "$n" --contact 13812345678 | tail -n 1)
cat >> "$DATA/certdesk.conf" <<'EOF'
authority.name = 福建省数字安全证书管理有限公司
authority.address = 福建省福州市鼓楼区五四路158号环球广场18层（邮编 350001）
printer = 前台打印机
EOF
mkdir -p "$TEST_TMP/bin"
cat > "$TEST_TMP/bin/lp" <<EOF
#!/bin/sh
# fake CUPS lp: records its arguments, knows one queue
printf '%s\n' "\$@" >> "$TEST_TMP/lp.calls"
[ "\$2" = 前台打印机 ] || { echo 'lp: The printer or class does not exist.' >&2; exit 1; }
echo "request id is \$2-7 (1 file(s))"
EOF
chmod +x "$TEST_TMP/bin/lp"
unset CERTDESK_PASSWORD
receipt=$DATA/print/$order-receipt.pdf
payment=$DATA/print/$order-payment.pdf

# ---- the receipt from the order screen: facts, then to the printer ----
EXTRA_ENV="PATH=$TEST_TMP/bin:$PATH"
app_start
login li.si Pass5678
type "$order"$'\r'
wait_for "订单 $order"
wait_for "打印回执"
keys s                                  # nothing received yet: refused, said why
wait_for "尚未缴费"
[ -e "$payment" ] && fail "a payment receipt was made before any payment"
keys p
wait_for "数字证书业务回执 已生成"
wait_for "receipt.pdf"
wait_for "送打印机 前台打印机 吗"
[ -s "$receipt" ] || fail "the receipt was not saved before the question"
keys Enter
wait_for "已送打印机 前台打印机（任务 前台打印机-7）"
keys Enter
grep -qF "$receipt" "$TEST_TMP/lp.calls" || fail "lp was not given the receipt: $(cat "$TEST_TMP/lp.calls")"
pdftotext "$receipt" - | tr -d ' \n' | grep "订单号：$order" >/dev/null || fail "the order number is not on the receipt"
pdftotext "$receipt" - | tr -d ' \n' | grep "福建省福州市鼓楼区五四路158号环球广场18层" >/dev/null ||
	fail "the postal address is not on the receipt"
# Esc keeps the PDF only
rm -f "$receipt" "$TEST_TMP/lp.calls"
keys p
wait_for "送打印机 前台打印机 吗"
keys Escape
wait_for "未送打印机；PDF 已保存在"
[ -s "$receipt" ] || fail "Esc did not keep the PDF"
[ -e "$TEST_TMP/lp.calls" ] && fail "Esc sent it to the printer"
[ "$(q "select count(*) from audit_log where action = 'order.print_receipt'")" = 2 ] || fail "receipts not audited"
logout

# ---- the money is verified at the command line; the payment receipt ----
export CERTDESK_PASSWORD=Pass5678
printf '%%PDF-1.4\nslip\n%%%%EOF\n' > "$TEST_TMP/slip.pdf"
total=$(q "select printf('%.2f', total_fen / 100.0) from orders where number = '$order'")
cd_cli --user li.si order transfer "$order" --payer 福州某某科技有限公司 --account 6222020012345678 \
	--bank 中国工商银行 --ref TX20261125001 --date 2026-11-25 --amount "$total" --slip "$TEST_TMP/slip.pdf" >/dev/null
cd_cli --user zhao.liu order verify "$order" >/dev/null
unset CERTDESK_PASSWORD
# a printer that does not exist: said plainly, the PDF kept
sed -i 's/^printer = .*/printer = 后台打印机/' "$DATA/certdesk.conf"
app_start
login li.si Pass5678
type "$order"$'\r'
wait_for "订单 $order"
wait_for "收款凭证"
keys s
wait_for "数字证书服务费收款凭证 已生成"
keys Enter
wait_for "后台打印机”不存在"
wait_for "PDF 已保存在"
keys Enter
[ -s "$payment" ] || fail "the payment receipt was not kept"
pdftotext "$payment" - | tr -d ' \n' | grep "TX20261125001" >/dev/null || fail "the reference is not on the payment receipt"
logout
check_stderr
echo "all print_order checks passed"
