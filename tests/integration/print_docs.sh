#!/usr/bin/env bash
# certdesk print receipt | payment | pickup, and print application for a
# batch: real orders and payments made through the program (certdesk
# import, order, application; scans and paper with tests/tools/mkorders and
# mkapp), checked with poppler: the values and labels are there
# (pdftotext), the font is an embedded subset (pdffonts), every page
# renders (pdftoppm), long names and addresses wrap inside their boxes and
# an order of ten applications flows onto a second sheet cleanly
# (pdftotext -bbox); each document's refusals say why and write nothing;
# each print is audited.
set -uo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
D=$T/data
B=$CERTDESK_BIN/certdesk
MO=$CERTDESK_BIN/tools/mkorders
MK=$CERTDESK_BIN/tools/mkapp
export CERTDESK_NOW=2026-11-25T08:00:00Z TZ=Asia/Shanghai
failures=0
. "$(dirname "$0")/lib_pdf.sh"

for tool in pdftotext pdffonts pdftoppm pdfinfo sqlite3; do
	command -v $tool >/dev/null || die "$tool is missing"
done
[ -x "$B" ] && [ -x "$MO" ] && [ -x "$MK" ] || die "build first: $B, $MO, $MK"

# the value cell (mm) of a full-width field of page 1 found by its label:
# "x y w h" for a label lw mm wide at x 15, a cell h mm high
field_box() { # words-file label lw-mm h-mm
	awk -v lab="$2" -v lw="$3" -v h="$4" 'BEGIN { k = 72 / 25.4 }
		$1 == 1 && $6 == lab && !done { c = ($3 + $5) / 2 / k; printf "%.2f %.2f %.2f %.2f\n", 15 + lw, c - h / 2, 180 - lw, h; done = 1 }' "$1"
}
audits() { sq "SELECT count(*) FROM audit_log WHERE action = '$1'"; }

# ---- a data directory: a clerk and two supervisors ------------------------
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null ||
	die "init"
for u in "li.si 李四 clerk" "zhao.liu 赵六 supervisor" "wang.wu 王五 supervisor"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_ --user admin staff add "$1" "$2" "$3" >/dev/null || die "staff add $1"
	echo Staff1234 | CERTDESK_PASSWORD=Start123 cd_ --user "$1" staff passwd >/dev/null || die "staff passwd $1"
done
export CERTDESK_PASSWORD=Staff1234
as_clerk() { cd_ --user li.si "$@"; }
as_super() { cd_ --user zhao.liu "$@"; }
as_super2() { cd_ --user wang.wu "$@"; }
AUTHORITY=福建省数字安全证书管理有限公司
# long on purpose: it must wrap inside the receipt's address cell
ADDRESS='福建省福州市鼓楼区五四路158号环球广场A座18层1801室 数字证书受理部 收（邮编 350001，电话 0591-87000000，工作日 8:30-17:30）'
cat >"$D/certdesk.conf" <<EOF
authority.name = $AUTHORITY
authority.address = $ADDRESS
EOF

LONG_NAME='福建省福州市鼓楼区某某某某信息技术股份有限公司第一分公司（中国（福建）自由贸易试验区福州片区）电子政务与数字证书应用服务部'
LONG_ADDR='福建省福州市鼓楼区五四路158号环球广场A座18层1801、1802、1803、1805单元及B座3层301室（软件园东门对面，地铁1号线东街口站B出口向北300米）'
{
	echo 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone'
	echo "13700000001,张三,11010519491231002X,zhang@example.com,深圳市南山区科技园1号,518057,91350100M000100Y43,$LONG_NAME,王五,$LONG_ADDR,0591-87654321"
	echo '13700000002,李娜,110101200002290018,li@example.com,厦门市思明区湖滨南路1号,361000,,,,,'
} >"$T/people.csv"
run 0 as_clerk import applicants "$T/people.csv" || die "import applicants"
{
	echo 'phone,kind,subject,credit_code,years,cert_serial'
	for i in $(seq 1 9); do echo "13700000001,new,enterprise,91350100M000100Y43,$((i % 3 + 1)),"; done
	echo '13700000001,renewal,enterprise,91350100M000100Y43,1,5A3F0098C1D2'
	echo '13700000002,new,personal,,1,'
	echo '13700000002,new,personal,,2,'
} >"$T/apps.csv"
run 0 as_clerk import applications "$T/apps.csv" || die "import applications"
mapfile -t NO < <(sed -n 's/^line [0-9]*: \(SQ-[A-Z0-9-]*\)$/\1/p' <<<"$out")
[ ${#NO[@]} -eq 12 ] || die "twelve application numbers expected: $out"
ENT=("${NO[@]:0:10}")
P1=${NO[10]} P2=${NO[11]}
# the first has its licence as a scan (to be stamped and posted); the
# others have every required document marked as handed in on paper
printf '\x89PNG\r\n\x1a\nlicence\n' >"$T/licence.png"
run 0 "$MK" --data "$D" --user li.si attach "${ENT[0]}" licence "$T/licence.png" || die "attach"
run 0 as_clerk application agree "${ENT[0]}" || die "agree"
run 0 "$MK" --data "$D" --user li.si paper "${ENT[0]}" agent_id || die "paper"
run 0 "$MK" --data "$D" --user li.si paper "${ENT[0]}" legal_rep_id || die "paper"
run 0 "$MK" --data "$D" --user li.si paper "${ENT[0]}" authorisation || die "paper"
run 0 as_clerk application submit "${ENT[0]}" || die "submit ${ENT[0]}: $out"
run 0 "$MO" --data "$D" --user li.si submit "${ENT[@]:1}" "$P1" "$P2" || die "submit the others"

# ---- orders: ten enterprise applications, posted, with an invoice ---------
# post needs a postal code (the fourth part): without one, or a bad one, nothing is placed
run 2 as_clerk order place "${ENT[@]}" --contact 13700000001 --post "张三,13700000001,$LONG_ADDR" &&
	has "post without postal code" "收件人,手机,地址,邮政编码"
run 1 as_clerk order place "${ENT[@]}" --contact 13700000001 --post "张三,13700000001,$LONG_ADDR,35001" &&
	has "post with a bad postal code" "邮政编码"
[ "$(sq 'SELECT count(*) FROM orders')" = 0 ] || fail "an order was placed without a valid postal code"
run 0 as_clerk order place "${ENT[@]}" --contact 13700000001 --invoice "$LONG_NAME,91350100M000100Y43,fin@example.com" \
	--post "张三,13700000001,$LONG_ADDR,350003" || die "order place: $out"
[ "$(sq 'SELECT recipient_address || "|" || recipient_postal FROM orders')" = "$LONG_ADDR|350003" ] ||
	fail "post: $(sq 'SELECT recipient_address, recipient_postal FROM orders')"
O1=$(tail -n 1 <<<"$out")
run 0 as_clerk order place "$P1" --contact 13700000002 || die "order place personal: $out"
O2=$(tail -n 1 <<<"$out")
run 0 as_clerk order place "$P2" --contact 13700000002 || die "order place personal 2: $out"
O3=$(tail -n 1 <<<"$out")
TOTAL=$(sq "SELECT total_fen FROM orders WHERE number = '$O1'")
YUAN=$(awk "BEGIN { printf \"%.2f\", $TOTAL / 100 }")

# ---- the receipt of ten applications --------------------------------------
before=$(audits order.print_receipt)
run 0 as_clerk print receipt "$O1" -o "$T/receipt.pdf" || die "print receipt"
has "receipt output" "已生成：数字证书业务回执" "文件：$T/receipt.pdf" "页数：$(pages_of "$T/receipt.pdf")，"
flat "$T/receipt.pdf" >"$T/receipt.flat"
flat_name=$(printf '%s' "$LONG_NAME" | tr -d ' ')
flat_addr=$(printf '%s' "$ADDRESS" | tr -d ' ')
has_text "$T/receipt.flat" receipt "数字证书业务回执" "$AUTHORITY" "订单号：$O1" "下单日期：2026年11月25日" \
	"$flat_name" "91350100M000100Y43" "张三137****0001" "对公转账（待缴费）" "二、请提交的材料" \
	"申请表和服务协议：经办人签字，加盖单位公章" "营业执照副本复印件：加盖单位公章" \
	"经办人身份证复印件：纸质件已收到，无需再交" "原证书所在的USBKEY（证书序列号5A3F0098C1D2）" \
	"三、材料寄送地址" "$flat_addr" "邮寄" "fin@example.com" 2>/dev/null
has_text "$T/receipt.flat" "receipt amount" "¥$(printf '%s' "$YUAN" | sed ':a;s/\B[0-9]\{3\}\>\./,&/;ta')"
for n in "${ENT[@]}"; do
	c=$(grep -o -- "$n" "$T/receipt.flat" | wc -l)
	[ "$c" -eq 1 ] || fail "receipt: $n printed $c times"
done
grep -q '13700000001' "$T/receipt.flat" && fail "receipt: the mobile number is not masked"
one_subset_font "$T/receipt.pdf" receipt
renders "$T/receipt.pdf" receipt
words "$T/receipt.pdf" >"$T/receipt.words"
no_overlap "$T/receipt.words" receipt
pages=$(pages_of "$T/receipt.pdf")
[ "$pages" -ge 2 ] && pass "receipt: ten applications flow onto $pages sheets" || fail "receipt: ten applications on $pages sheet"
awk '$1 == 2' "$T/receipt.words" | grep '需要提交的材料' >/dev/null || fail "receipt: no table heading on sheet 2"
awk '$1 == 2' "$T/receipt.words" | grep '（续）' >/dev/null || fail "receipt: no continuation caption on sheet 2"
low=$(awk 'BEGIN { k = 72 / 25.4 } $5 > 281 * k && $6 !~ /^(第|页|共|[0-9])/' "$T/receipt.words")
[ -z "$low" ] || fail "receipt: text below the flow area: $low"
# a table row is never split across sheets: every number sits on one sheet
for n in "${ENT[@]}"; do
	[ "$(awk -v n="$n" 'index($6, n) { print $1 }' "$T/receipt.words" | sort -u | wc -l)" -eq 1 ] ||
		fail "receipt: $n split across sheets"
done
# the address section stays together on one sheet
[ "$(awk '/三、材料寄送地址|收件单位|四、证书领取与发票|发票抬头/ { print $1 }' "$T/receipt.words" | sort -u | wc -l)" -eq 1 ] ||
	fail "receipt: the address section is split across sheets"
# the long payer name wraps inside its cell on sheet 1 (label 28 mm)
box=$(field_box "$T/receipt.words" 缴费单位/个人 28 11)
got=$(text_in_box "$T/receipt.words" $box)
[ "$got" = "$flat_name" ] && pass "receipt: the long payer name wraps inside its box" ||
	fail "receipt: payer box ($box) holds \"$got\""
[ "$(lines_in_box "$T/receipt.words" $box)" -ge 2 ] || fail "receipt: the payer name is not wrapped"
# the authority's long address wraps inside its cell, wherever it lands
page=$(awk '$6 == "收件地址" { print $1; exit }' "$T/receipt.words")
got=$(awk -v p="$page" 'BEGIN { k = 72 / 25.4 }
	$1 == p && $6 == "收件地址" { c = ($3 + $5) / 2; top = c - 6 * k - 0.8; bot = c + 6 * k + 0.8 }
	$1 == p && top && $2 >= 43 * k - 0.8 && $4 <= 195 * k + 0.8 && $3 >= top && $5 <= bot { printf "%s", $6 }' "$T/receipt.words")
[ "$got" = "$flat_addr" ] && pass "receipt: the long postal address wraps inside its box" ||
	fail "receipt: address box holds \"$got\""
# the return postal code in its own box beside the return address, wherever they land
in_cell() { # words-file label x0-mm x1-mm h-mm: the text right of the label, within the cell
	awk -v lab="$2" -v x0="$3" -v x1="$4" -v h="$5" 'BEGIN { k = 72 / 25.4 }
		{ w[NR] = $0 }
		$6 == lab && !p { p = $1; c = ($3 + $5) / 2 }
		END { for (i = 1; i <= NR; i++) { split(w[i], f, " ");
			if (f[1] == p && f[2] >= x0 * k - 0.8 && f[4] <= x1 * k + 0.8 &&
			    f[3] >= c - h / 2 * k - 0.8 && f[5] <= c + h / 2 * k + 0.8) printf "%s", f[6] } }' "$1"
}
got=$(in_cell "$T/receipt.words" 邮政编码 173 195 9)
[ "$got" = 350003 ] && pass "receipt: the postal code is in its own box" ||
	fail "receipt: the postal code box holds \"$got\""
got=$(in_cell "$T/receipt.words" 回寄地址 43 155 9)
[ "$got" = "$(printf '%s' "$LONG_ADDR" | tr -d ' ')" ] && pass "receipt: the return address fits its box" ||
	fail "receipt: the return address box holds \"$got\""
[ "$(audits order.print_receipt)" = $((before + 1)) ] || fail "receipt: not audited once"
[ "$(sq "SELECT count(*) FROM audit_log WHERE action = 'order.print_receipt' AND after LIKE '%$O1%'")" = 1 ] ||
	fail "receipt: the audit entry does not name the order"

# the default place, and a personal order
run 0 as_clerk print receipt "$O2" || fail "print receipt $O2"
has "receipt default path" "文件：$D/print/$O2-receipt.pdf"
flat "$D/print/$O2-receipt.pdf" >"$T/receipt2.flat"
has_text "$T/receipt2.flat" "personal receipt" "李娜" "申请表和服务协议：本人签字" "现场领取" "不开发票" "$P1"
[ "$(pages_of "$D/print/$O2-receipt.pdf")" = 1 ] || fail "personal receipt: not one sheet"

# refusals: unknown, cancelled, no postal address configured
run 1 as_clerk print receipt DD-SZFT-01-20000101-0009 -o "$T/none.pdf" && has "unknown order" "没有订单 DD-SZFT-01-20000101-0009"
run 0 as_clerk order cancel "$O3" --reason 申请人改期办理 || fail "cancel $O3"
run 1 as_clerk print receipt "$O3" -o "$T/cancelled.pdf" && has "cancelled order" "订单 $O3 已取消，不再打印回执"
mv "$D/certdesk.conf" "$T/conf.saved"
echo "authority.name = $AUTHORITY" >"$D/certdesk.conf"
run 1 as_clerk print receipt "$O1" -o "$T/noaddr.pdf" && has "no address" "authority.address" "材料寄送地址"
mv "$T/conf.saved" "$D/certdesk.conf"
for f in none cancelled noaddr; do [ -e "$T/$f.pdf" ] && fail "a refused receipt was written: $f.pdf"; done
[ "$(audits order.print_receipt)" = $((before + 2)) ] || fail "a refused receipt was audited"

# ---- the payment receipt --------------------------------------------------
before=$(audits payment.print_receipt)
run 1 as_clerk print payment "$O1" -o "$T/pay.pdf" && has "unpaid" "订单 $O1 尚未缴费（待缴费）"
printf '%%PDF-1.4\nslip\n%%%%EOF\n' >"$T/slip.pdf"
run 0 as_clerk order transfer "$O1" --payer 福州某某科技 --account 6222020012345678 --bank 中国工商银行 \
	--ref HK2026112501 --date 2026-11-25 --amount "$YUAN" --slip "$T/slip.pdf" || die "transfer: $out"
PAY1=$(tail -n 1 <<<"$out")
run 1 as_clerk print payment "$O1" -o "$T/pay.pdf" && has "awaiting verification" "尚未核款" "HK2026112501"
run 1 as_clerk print payment "$PAY1" -o "$T/pay.pdf" && has "awaiting (by id)" "尚未核款"
run 0 as_super order reject "$O1" --reason 银行未到账 || die "reject: $out"
run 1 as_clerk print payment "$O1" -o "$T/pay.pdf" && has "rejected" "已被驳回" "银行未到账" "不能出具收款凭证"
run 0 as_clerk order transfer "$O1" --payer 福州某某科技 --account 6222020012345678 --bank 中国工商银行 \
	--ref HK2026112502 --date 2026-11-25 --amount "$YUAN" --slip "$T/slip.pdf" || die "transfer 2: $out"
PAY2=$(tail -n 1 <<<"$out")
run 0 as_super order verify "$O1" || die "verify: $out"
[ -e "$T/pay.pdf" ] && fail "a refused payment receipt was written"
[ "$(audits payment.print_receipt)" = "$before" ] || fail "a refused payment receipt was audited"
run 0 as_clerk print payment "$O1" -o "$T/pay.pdf" || die "print payment"
has "payment output" "已生成：数字证书服务费收款凭证"
flat "$T/pay.pdf" >"$T/pay.flat"
has_text "$T/pay.flat" payment "数字证书服务费收款凭证" "$AUTHORITY" "凭证编号：$PAY2" "$O1" "对公转账" \
	"HK2026112502" "中国工商银行，账号尾号5678" "核款人：赵六" "收款日期：2026年11月25日" "${ENT[0]}" "${ENT[9]}"
grep -q 'HK2026112501' "$T/pay.flat" && fail "payment: the rejected transfer is on the receipt"
one_subset_font "$T/pay.pdf" payment
renders "$T/pay.pdf" payment
words "$T/pay.pdf" >"$T/pay.words"
no_overlap "$T/pay.words" payment
# by the payment's id: the same receipt
run 0 as_clerk print payment "$PAY2" -o "$T/pay2.pdf" || fail "print payment by id"
[ "$(flat "$T/pay2.pdf")" = "$(cat "$T/pay.flat")" ] || fail "payment by id differs from by order"
# the rejected one, by id
run 1 as_clerk print payment "$PAY1" -o "$T/pay3.pdf" && has "rejected by id" "已被驳回"
# a refund is noted on the receipt, and is no receipt itself
run 0 "$MO" --data "$D" --user zhao.liu refund "$PAY2" 100.00 多收费用退回 || die "refund: $out"
REF=$(tail -n 1 <<<"$out")
run 0 as_clerk print payment "$O1" -o "$T/pay4.pdf" || fail "print payment after a refund"
flat "$T/pay4.pdf" | grep '其中¥100.00已退款' >/dev/null || fail "payment: the refund is not noted"
run 1 as_clerk print payment "$REF" -o "$T/pay5.pdf" && has "refund" "退款记录，不出具收款凭证"
[ "$(audits payment.print_receipt)" = $((before + 3)) ] || fail "payment receipts not audited once each"

# ---- the pickup slip ------------------------------------------------------
before=$(audits application.print_pickup)
run 1 as_clerk print pickup "${ENT[0]}" -o "$T/pick.pdf" && has "not made" "尚未制作（待审核）"
k=0
for n in "${ENT[@]:0:3}"; do
	k=$((k + 1))
	run 0 as_super application accept "$n" || die "accept $n: $out"
	run 0 as_super2 application make "$n" "5A3F00A0C1D$k" || die "make $n: $out"
done
run 0 as_clerk application authorise "${ENT[0]}" 王小明 110101199003070011 || die "authorise: $out"
run 0 as_clerk print pickup "${ENT[0]}" -o "$T/pick.pdf" || die "print pickup"
has "pickup output" "已生成：数字证书领取单"
flat "$T/pick.pdf" >"$T/pick.flat"
has_text "$T/pick.flat" pickup "数字证书领取单" "单号：${ENT[0]}" "5A3F00A0C1D1" "企业证书新办" \
	"经办人张三；授权领取人王小明（凭授权委托书）" "领取人签字" "发放：深圳福田受理点" "李四" "2026-11-25"
one_subset_font "$T/pick.pdf" pickup
renders "$T/pick.pdf" pickup
words "$T/pick.pdf" >"$T/pick.words"
no_overlap "$T/pick.words" pickup
box=$(field_box "$T/pick.words" 领取单位/个人 28 11)
got=$(text_in_box "$T/pick.words" $box)
[ "$got" = "$flat_name" ] && pass "pickup: the long holder name wraps inside its box" ||
	fail "pickup: holder box ($box) holds \"$got\""
# the order: only the certificates waiting at the counter
run 0 as_clerk print pickup "$O1" -o "$T/pick_order.pdf" || die "print pickup order: $out"
flat "$T/pick_order.pdf" >"$T/pick_order.flat"
for k in 1 2 3; do grep -qF "5A3F00A0C1D$k" "$T/pick_order.flat" || fail "pickup order: certificate $k missing"; done
grep -qF "${ENT[5]}" "$T/pick_order.flat" && fail "pickup order: an application not made is listed"
[ "$(audits application.print_pickup)" = $((before + 4)) ] || fail "pickup: not one audit entry per certificate"
# refusals: posted, shipped, collected, cancelled, an order with none waiting
sq "UPDATE applications SET delivery = 'post', recipient = '张三' WHERE number = '${ENT[1]}'"
run 1 as_clerk print pickup "${ENT[1]}" -o "$T/x.pdf" && has "posted" "选择了邮寄" "不打印领取单"
run 0 as_super application ship "${ENT[1]}" 顺丰 SF1234567890 || fail "ship: $out"
run 1 as_clerk print pickup "${ENT[1]}" -o "$T/x.pdf" && has "shipped" "已寄出" "SF1234567890"
run 0 as_super application collect "${ENT[2]}" 张三 11010519491231002X || fail "collect: $out"
run 1 as_clerk print pickup "${ENT[2]}" -o "$T/x.pdf" && has "collected" "已于" "由 张三 领取"
run 1 as_clerk print pickup "$O2" -o "$T/x.pdf" && has "order none waiting" "订单 $O2 中没有等待领取的证书" "尚未制作"
run 1 as_clerk print pickup "$O3" -o "$T/x.pdf" && has "cancelled order" "已取消"
[ -e "$T/x.pdf" ] && fail "a refused pickup slip was written"

# ---- a batch of application forms: one PDF, or nothing --------------------
before=$(audits application.print)
printf '# today\n%s\n\n%s\n' "$P1" "${ENT[5]}" >"$T/batch.txt"
run 0 as_clerk print application "${ENT[3]}" "${ENT[4]}" --from "$T/batch.txt" -o "$T/batch.pdf" || die "batch: $out"
has "batch output" "份" "文件：$T/batch.pdf"
pdftotext "$T/batch.pdf" - 2>/dev/null | tr -d ' ' >"$T/batch.txt.out"
for n in "${ENT[3]}" "${ENT[4]}" "$P1" "${ENT[5]}"; do
	grep -q "申请单号：$n" "$T/batch.txt.out" || fail "batch: $n missing"
done
# in the order given, each form followed by its agreement
order=$(grep -o '申请单号：SQ-[A-Z0-9-]*' "$T/batch.txt.out" | uniq | sed 's/申请单号：//' | tr '\n' ' ')
[ "$order" = "${ENT[3]} ${ENT[4]} $P1 ${ENT[5]} " ] || fail "batch: order is $order"
[ "$(grep -c '甲方（证书申请人）' "$T/batch.txt.out")" -eq 4 ] || fail "batch: not four agreements"
grep -q '数字证书申请表（个人证书）' "$T/batch.txt.out" || fail "batch: the personal form is missing"
one_subset_font "$T/batch.pdf" batch
renders "$T/batch.pdf" batch
[ "$(audits application.print)" = $((before + 4)) ] || fail "batch: not one audit entry per application"
# all or nothing: an unknown number, one made already and one twice
run 1 as_clerk print application "${ENT[3]}" SQ-SZFT-01-20000101-0001 "${ENT[0]}" "${ENT[3]}" -o "$T/nobatch.pdf"
has "batch refused" "SQ-SZFT-01-20000101-0001：没有申请单" "${ENT[0]}：" "证书已制作" "重复" "4 份申请单中有 3 份不能打印，全部未打印"
[ -e "$T/nobatch.pdf" ] && fail "a refused batch wrote a PDF"
[ "$(audits application.print)" = $((before + 4)) ] || fail "a refused batch was audited"
run 2 as_clerk print application --from "$T/nothing.txt"
printf '# none\n\n' >"$T/empty.txt"
run 2 as_clerk print application --from "$T/empty.txt" && has "empty list" "没有申请单号"
run 2 as_clerk print receipt "$O1" --from "$T/batch.txt" && has "--from receipt" "--from 只用于"
run 2 as_clerk print receipt && has "usage" "print receipt ORDER"
run 2 as_clerk print bogus "$O1" && has "unknown document" "application、receipt、payment、pickup"

run 0 as_clerk audit verify
has "audit" "审计日志完整"
[ "$(sq "SELECT count(*) FROM audit_log WHERE action LIKE '%print%' AND (after LIKE '%13700000001%' OR after LIKE '%11010519491231002X%')")" = 0 ] ||
	fail "personal numbers in print audit entries"

if [ $failures -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all print_docs checks passed"
