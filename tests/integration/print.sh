#!/usr/bin/env bash
# The print engine end to end: tests/tools/printdemo renders the layouts of
# print/ with data, and poppler's tools check the PDFs: the Chinese text is
# there (pdftotext), the font is an embedded subset (pdffonts), every page
# renders (pdftoppm), long values wrap inside their boxes and no two words
# overlap (pdftotext -bbox), a long table flows onto a second sheet, and
# characters the font cannot print are reported.
set -uo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
demo=$CERTDESK_BIN/tools/printdemo
T=$TEST_TMP
export CERTDESK_NOW=2026-11-25T08:00:00Z TZ=Asia/Shanghai
failures=0
. "$(dirname "$0")/lib_pdf.sh"

for tool in pdftotext pdffonts pdftoppm pdfinfo; do
	command -v $tool >/dev/null || { echo "FAIL: $tool is missing (poppler-utils)"; exit 1; }
done
[ -x "$demo" ] || { echo "FAIL: $demo not built"; exit 1; }

LONG_NAME='福建省福州市鼓楼区某某某某信息技术股份有限公司第一分公司（中国（福建）自由贸易试验区福州片区）电子政务与数字证书应用服务部'
LONG_ADDR='福建省福州市鼓楼区五四路158号环球广场A座18层1801、1802、1803、1805单元及B座3层301室（软件园东门对面，地铁1号线东街口站B出口向北300米）'

cat >"$T/form.txt" <<EOF
authority.name=福建省数字安全证书管理有限公司
application.number=FZ01-T03-20261125-0007
application.date=2026-11-25
application.kind=new
application.years=2
application.term_fee=2 年　900.00 元
application.algorithm=SM2
enterprise.name=$LONG_NAME
enterprise.credit_code=91350102MA2Y4XXL3K
enterprise.legal_rep=王五
enterprise.address=$LONG_ADDR
enterprise.postal_code=350001
enterprise.phone=0591-87654321
applicant.name=张三
applicant.mobile=13812345678
applicant.id_number=350102199003071234
applicant.email=zhangsan@example.com
attachments[0].name=营业执照副本复印件（加盖公章）
attachments[1].name=经办人身份证复印件
attachments[2].name=授权委托书（加盖公章）
office.name=鼓楼受理点
clerk.name=李四
agreement.date=2026-11-25
EOF




# the value cell (mm) of a full-width field of page 1, found by its label,
# so that the check follows the layout when rows move: "x y w h"
field_box() { # words-file label height-mm
	awk -v lab="$2" -v h="$3" 'BEGIN { k = 72 / 25.4 }
		$1 == 1 && $6 == lab && !done { c = ($3 + $5) / 2 / k; printf "47 %.2f 148 %.2f\n", c - h / 2, h; done = 1 }' "$1"
}



# ---- the enterprise application form -------------------------------------
out=$("$demo" -o "$T/form.pdf" -d "$T/form.txt" application_enterprise) || fail "printdemo application_enterprise"
echo "$out"
pdftotext "$T/form.pdf" "$T/form.raw" 2>"$T/pdftotext.err"
[ -s "$T/pdftotext.err" ] && fail "pdftotext complained: $(head -3 "$T/pdftotext.err")"
tr -d ' \n' <"$T/form.raw" >"$T/form.flat"
has_text "$T/form.flat" form "数字证书申请表（企业证书）" "申请单号：FZ01-T03-20261125-0007" "申请日期：2026年11月25日" \
	"一、申请事项" "业务类型" "新办" "续费" "有效期" "2年" "密码算法" "二、单位信息" "单位名称" \
	"统一社会信用代码" "91350102MA2Y4XXL3K" "法定代表人" "王五" "单位地址" "邮政编码" "350001" \
	"三、经办人信息" "张三" "13812345678" "350102199003071234" "zhangsan@example.com" \
	"四、提交材料" "营业执照副本复印件（加盖公章）" "授权委托书（加盖公章）" "五、申请单位声明" \
	"经办人签字" "单位盖章（公章）" "以下由受理机构填写" "鼓楼受理点" "李四" "第1页共1页"
pass "form: labels and values present"

pdffonts "$T/form.pdf" >"$T/fonts.txt" 2>&1
if awk 'NR > 2 && $1 ~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+WenQuanYiZenHei$/ && / yes +yes +yes / { ok = 1 } END { exit !ok }' "$T/fonts.txt" \
	&& [ "$(awk 'NR > 2' "$T/fonts.txt" | wc -l)" -eq 1 ]; then
	pass "form: one font, WenQuanYi Zen Hei embedded as a subset with ToUnicode"
else
	fail "form: font not embedded as a subset: $(cat "$T/fonts.txt")"
fi
size=$(stat -c %s "$T/form.pdf")
[ "$size" -lt 60000 ] || fail "form: $size bytes: the font is not subset"
renders "$T/form.pdf" form

words "$T/form.pdf" >"$T/form.words"
no_overlap "$T/form.words" form
# the value cells of 单位名称 and 单位地址 (x 47..195 mm, 11 mm high)
flat_name=$(printf '%s' "$LONG_NAME" | tr -d ' ')
flat_addr=$(printf '%s' "$LONG_ADDR" | tr -d ' ')
name_box=$(field_box "$T/form.words" 单位名称 11)
addr_box=$(field_box "$T/form.words" 单位地址 11)
[ -n "$name_box" ] && [ -n "$addr_box" ] || fail "form: the labels 单位名称 / 单位地址 were not found"
got=$(text_in_box "$T/form.words" $name_box)
[ "$got" = "$flat_name" ] && pass "form: the long enterprise name wraps inside its box" \
	|| fail "form: enterprise name box ($name_box) holds \"$got\""
got=$(text_in_box "$T/form.words" $addr_box)
[ "$got" = "$flat_addr" ] && pass "form: the long address wraps inside its box" \
	|| fail "form: address box ($addr_box) holds \"$got\""
lines=$(awk -v box="$name_box" 'BEGIN { k = 72 / 25.4; split(box, b, " ") }
	$1 == 1 && $2 >= b[1] * k - 1 && $3 >= b[2] * k - 1 && $5 <= (b[2] + b[4]) * k + 1 { n[int($5)] = 1 }
	END { c = 0; for (i in n) c++; print c }' "$T/form.words")
[ "$lines" -ge 2 ] || fail "form: the long name is not wrapped ($lines line)"
grep -q 'clipped=0' <<<"$out" || fail "form: text was clipped: $out"

# ---- ten attachments: fit or flow cleanly ---------------------------------
cp "$T/form.txt" "$T/ten.txt"
for i in $(seq 0 9); do echo "attachments[$i].name=第$((i + 1))份材料：营业执照副本复印件（加盖公章）"; done >>"$T/ten.txt"
"$demo" -o "$T/ten.pdf" -d "$T/ten.txt" application_enterprise >/dev/null || fail "printdemo ten attachments"
pages=$(pdfinfo "$T/ten.pdf" | awk '/^Pages:/ { print $2 }')
pdftotext "$T/ten.pdf" - 2>/dev/null | tr -d ' ' >"$T/ten.txt.out"
for i in $(seq 1 10); do
	n=$(grep -c "第${i}份材料" "$T/ten.txt.out")
	[ "$n" -eq 1 ] || fail "ten: attachment $i printed $n times"
done
[ "$(grep -c '经办人签字' "$T/ten.txt.out")" -eq 1 ] || fail "ten: the signature section is not printed once"
grep -q "第1页共${pages}页" "$T/ten.txt.out" || fail "ten: no page numbers"
words "$T/ten.pdf" >"$T/ten.words"
no_overlap "$T/ten.words" ten
# nothing below the flow area (280 mm) but the page number
low=$(awk 'BEGIN { k = 72 / 25.4 } $5 > 281 * k && $6 !~ /^(第|页|共|[0-9])/' "$T/ten.words")
[ -z "$low" ] || fail "ten: text below the flow area: $low"
if awk '$1 == 2' "$T/ten.words" | grep '份材料' >/dev/null; then
	# rows continued: the sheet repeats the table heading and names itself
	awk '$1 == 2' "$T/ten.words" | grep '材料名称' >/dev/null || fail "ten: no table heading on page 2"
	awk '$1 == 2' "$T/ten.words" | grep '（续）' >/dev/null || fail "ten: no continuation caption on page 2"
fi
# the declaration and its signature boxes stay together on one sheet
[ "$(awk '/五、申请单位声明|经办人签字|以下由受理机构填写/ { print $1 }' "$T/ten.words" | sort -u | wc -l)" -eq 1 ] \
	|| fail "ten: the declaration is split across sheets"
# forty rows do continue: heading and caption on the next sheet

renders "$T/ten.pdf" ten
pass "ten attachments: $pages page(s), every row once"

# forty attachments: three sheets' worth, rows in order
cp "$T/form.txt" "$T/forty.txt"
for i in $(seq 0 39); do echo "attachments[$i].name=材料$((i + 1))号"; done >>"$T/forty.txt"
"$demo" -o "$T/forty.pdf" -d "$T/forty.txt" application_enterprise >/dev/null || fail "printdemo forty"
order=$(pdftotext "$T/forty.pdf" - 2>/dev/null | grep -o '材料[0-9]*号' | tr -d '材料号' | tr '\n' ' ')
[ "$order" = "$(seq -s ' ' 1 40) " ] || fail "forty: rows out of order or missing: $order"
[ "$(pdfinfo "$T/forty.pdf" | awk '/^Pages:/ { print $2 }')" -ge 2 ] || fail "forty: did not flow"
words "$T/forty.pdf" >"$T/forty.words"
no_overlap "$T/forty.words" forty
awk '$1 == 2' "$T/forty.words" | grep '材料名称' >/dev/null || fail "forty: no table heading on page 2"
awk '$1 == 2' "$T/forty.words" | grep '（续）' >/dev/null || fail "forty: no continuation caption on page 2"
renders "$T/forty.pdf" forty

# ---- characters that cannot be printed are reported -----------------------
out=$("$demo" -o "$T/bad.pdf" -d "$T/form.txt" application_enterprise \
	"applicant.name=𠮷三" "enterprise.legal_rep=王鿌" 2>&1) || fail "printdemo with unprintable characters"
echo "$out"
grep -q '^bad U+20BB7 outside_bmp applicant.name$' <<<"$out" || fail "U+20BB7 (outside the BMP) not reported"
grep -q '^bad U+9FCC no_glyph enterprise.legal_rep$' <<<"$out" || fail "U+9FCC (not in the font) not reported"
grep -q '以下字符无法打印' <<<"$out" || fail "no message for the unprintable characters"
pdftotext "$T/bad.pdf" - 2>/dev/null | tr -d ' ' | grep '□三' >/dev/null || fail "the unprintable character is not marked □"
out=$("$demo" -o "$T/good.pdf" -d "$T/form.txt" application_enterprise)
grep -q 'bad=0' <<<"$out" || fail "plain data reported as unprintable: $out"
pass "unprintable characters reported"

# ---- the personal form -----------------------------------------------------
"$demo" -o "$T/personal.pdf" -d "$T/form.txt" application_personal applicant.organization=某某大学 \
	applicant.address=福州市仓山区 >/dev/null || fail "printdemo application_personal"
pdftotext "$T/personal.pdf" - 2>/dev/null | tr -d ' \n' >"$T/personal.flat"
has_text "$T/personal.flat" personal "数字证书申请表（个人证书）" "二、申请人信息" "个人证书" "某某大学" "福州市仓山区" \
	"申请人签字" "350102199003071234"
renders "$T/personal.pdf" personal

# ---- the agreement, alone and with the form --------------------------------
"$demo" -o "$T/agreement.pdf" -d "$T/form.txt" agreement >/dev/null || fail "printdemo agreement"
pdftotext "$T/agreement.pdf" - 2>/dev/null | tr -d ' \n' >"$T/agreement.flat"
has_text "$T/agreement.flat" agreement "数字证书服务协议" "甲方（证书申请人）：$flat_name" \
	"乙方（电子认证服务机构）：福建省数字安全证书管理有限公司" "签订日期：2026年11月25日" "第十条" "USBKEY" \
	"口令（PIN）" "九十日" "甲方（签字或盖章）"
"$demo" -o "$T/agreement2.pdf" -d "$T/form.txt" agreement enterprise.name= applicant.name=张三 agreement.date= >/dev/null
pdftotext "$T/agreement2.pdf" - 2>/dev/null | tr -d ' \n' >"$T/agreement2.flat"
has_text "$T/agreement2.flat" "agreement (personal, today)" "甲方（证书申请人）：张三" "签订日期：2026年11月25日"
renders "$T/agreement.pdf" agreement
"$demo" -o "$T/both.pdf" -d "$T/form.txt" application_enterprise+agreement >/dev/null || fail "form + agreement"
[ "$(pdfinfo "$T/both.pdf" | awk '/^Pages:/ { print $2 }')" -ge 2 ] || fail "form + agreement: one page"
[ "$(pdffonts "$T/both.pdf" | awk 'NR > 2' | wc -l)" -eq 1 ] || fail "form + agreement: more than one font"

# ---- receipt, payment receipt, pickup slip ---------------------------------
cat >"$T/order.txt" <<EOF
authority.name=福建省数字安全证书管理有限公司
authority.address=福建省福州市鼓楼区五四路158号环球广场18层 数字证书受理部（邮编 350001）
order.number=FZ01-T03-20261125-D0003
order.date=2026-11-25
order.payer=$LONG_NAME
order.payer_code=91350102MA2Y4XXL3K
order.amount=128050
order.payment=对公转账
order.status=待缴费
applicant.name=张三
applicant.mobile=138****5678
applications[0].number=FZ01-T03-20261125-0007
applications[0].kind=新办
applications[0].subject=企业证书
applications[0].years=2年
applications[0].holder=福州市鼓楼区某某信息技术有限公司
applications[0].materials=1. 申请表和服务协议：经办人签字，加盖单位公章\n2. 营业执照副本复印件：加盖单位公章\n3. 经办人身份证复印件：加盖单位公章
applications[0].amount=80000
applications[1].number=FZ01-T03-20261125-0008
applications[1].kind=续费
applications[1].subject=企业证书
applications[1].years=1年
applications[1].holder=福州市鼓楼区某某信息技术有限公司
applications[1].materials=1. 申请表和服务协议：经办人签字，加盖单位公章\n2. 原证书所在的 USB KEY
applications[1].amount=48050
delivery.method=邮寄
delivery.recipient=张三
delivery.phone=138****5678
delivery.address=$LONG_ADDR
invoice.title=福州市鼓楼区某某信息技术有限公司
invoice.tax_id=91350102MA2Y4XXL3K
payment.number=0190a4c0-0000-7000-8000-000000000123
payment.date=2026-11-26
payment.method=对公转账
payment.bank=中国银行，账号尾号 6789
payment.reference=HK20261126001
payment.amount=128050
payment.verifier=赵六
payment.note=
slip.number=FZ01-T03-20261125-0007
slip.payer=福州市鼓楼区某某信息技术有限公司
pickup.holders=经办人 张三；授权领取人 王五（凭授权委托书）
certificates[0].application=FZ01-T03-20261125-0007
certificates[0].what=企业证书 新办
certificates[0].years=2年
certificates[0].holder=福州市鼓楼区某某信息技术有限公司
certificates[0].serial=5A3F0098C1D2
certificates[0].made=2026-11-25
office.name=鼓楼受理点
clerk.name=李四
EOF
for doc in receipt payment_receipt pickup_slip; do
	"$demo" -o "$T/$doc.pdf" -d "$T/order.txt" $doc >"$T/$doc.out" || fail "printdemo $doc"
	grep -q 'clipped=0' "$T/$doc.out" || fail "$doc: text was clipped: $(cat "$T/$doc.out")"
	pdftotext "$T/$doc.pdf" - 2>/dev/null | tr -d ' \n' >"$T/$doc.flat"
	renders "$T/$doc.pdf" $doc
	words "$T/$doc.pdf" >"$T/$doc.words"
	no_overlap "$T/$doc.words" $doc
done
has_text "$T/receipt.flat" receipt "数字证书业务回执" "订单号：FZ01-T03-20261125-D0003" "¥1,280.50（壹仟贰佰捌拾元伍角整）" \
	"对公转账（待缴费）" "FZ01-T03-20261125-0008" "原证书所在的USBKEY" "经办人身份证复印件：加盖单位公章" \
	"三、材料寄送地址" "福建省福州市鼓楼区五四路158号环球广场18层数字证书受理部（邮编350001）" "$flat_name" "$flat_addr"
has_text "$T/payment_receipt.flat" payment_receipt "数字证书服务费收款凭证" "¥1,280.50" "壹仟贰佰捌拾元伍角整" \
	"800.00" "480.50" "HK20261126001" "赵六" "中国银行，账号尾号6789"
has_text "$T/pickup_slip.flat" pickup_slip "数字证书领取单" "5A3F0098C1D2" "领取人签字" "打印日期：2026年11月25日" \
	"经办人张三；授权领取人王五（凭授权委托书）"
# the receipt's long payer wraps inside its cell (label 28 mm wide: x 43..195)
box=$(field_box "$T/receipt.words" 缴费单位/个人 11 | awk '{ print 43, $2, 152, $4 }')
got=$(text_in_box "$T/receipt.words" $box)
[ "$got" = "$flat_name" ] && pass "receipt: the long payer wraps inside its box" || fail "receipt: payer box ($box) holds \"$got\""

# ---- a bad layout is refused with its line number -------------------------
printf 'page\ntext 10 10 "ok"\ntxet 10 20 "typo"\n' >"$T/bad.layout"
if msg=$("$demo" -o "$T/x.pdf" "$T/bad.layout" 2>&1); then
	fail "a bad layout was accepted"
else
	grep -q '第 3 行' <<<"$msg" || fail "bad layout message has no line number: $msg"
fi

# ---- figures (for the record: tests do not pass or fail on time) ----------
t0=$EPOCHREALTIME
"$demo" -o "$T/one.pdf" -d "$T/form.txt" application_enterprise >/dev/null
t1=$EPOCHREALTIME
"$demo" -o "$T/batch.pdf" -d "$T/form.txt" -n 100 application_enterprise >"$T/batch.out"
t2=$EPOCHREALTIME
echo "figures: one form $(awk "BEGIN { printf \"%.1f\", ($t1 - $t0) * 1000 }") ms as a process," \
	"$(stat -c %s "$T/one.pdf") bytes; 100 forms in one call $(awk "BEGIN { printf \"%.1f\", ($t2 - $t1) * 1000 }") ms," \
	"$(stat -c %s "$T/batch.pdf") bytes, $(cat "$T/batch.out")"
[ "$(pdfinfo "$T/batch.pdf" | awk '/^Pages:/ { print $2 }')" -eq 100 ] || fail "batch: not 100 pages"

if [ $failures -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all print checks passed"
