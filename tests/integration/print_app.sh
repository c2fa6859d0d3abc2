#!/usr/bin/env bash
# certdesk print application: the application form and the agreement of
# real applications made through the program (certdesk import, scans added
# with tests/tools/mkapp), checked with poppler: the values are there
# (pdftotext), the font is an embedded subset (pdffonts), every page
# renders (pdftoppm), a long enterprise name wraps inside its box and ten
# attachments flow cleanly (pdftotext -bbox); the reprint rule, the audit
# entry, and sending to a printer with lp (a fake lp records its arguments).
set -uo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
D=$T/data
B=$CERTDESK_BIN/certdesk
MK=$CERTDESK_BIN/tools/mkapp
export CERTDESK_NOW=2026-11-25T08:00:00Z TZ=Asia/Shanghai
failures=0
. "$(dirname "$0")/lib_pdf.sh"

for tool in pdftotext pdffonts pdftoppm pdfinfo sqlite3; do
	command -v $tool >/dev/null || die "$tool is missing"
done
[ -x "$B" ] && [ -x "$MK" ] || die "build first: $B, $MK"


# the value cell (mm) of a full-width field of page 1 found by its label
# (label 32 mm wide at x 15): "x y w h", so the check follows the layout
field_box() { # words-file label h-mm
	awk -v lab="$2" -v h="$3" 'BEGIN { k = 72 / 25.4 }
		$1 == 1 && $6 == lab && !done { c = ($3 + $5) / 2 / k; printf "47 %.2f 148 %.2f\n", c - h / 2, h; done = 1 }' "$1"
}

# ---- a data directory, a clerk, applicants and applications ---------------
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null ||
	die "init"
echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_ --user admin staff add li.si 李四 clerk >/dev/null || die "staff add"
echo Clerk1234 | CERTDESK_PASSWORD=Start123 cd_ --user li.si staff passwd >/dev/null || die "staff passwd"
export CERTDESK_PASSWORD=Clerk1234
as_clerk() { cd_ --user li.si "$@"; }
AUTHORITY=福建省数字安全证书管理有限公司
cat >"$D/certdesk.conf" <<EOF
authority.name = $AUTHORITY
authority.address = 福建省福州市鼓楼区五四路158号环球广场18层
EOF

# 61 characters (the limit is 64) and 90: both wrap in a 148 mm box.
LONG_NAME='福建省福州市鼓楼区某某某某信息技术股份有限公司第一分公司（中国（福建）自由贸易试验区福州片区）电子政务与数字证书应用服务部'
LONG_ADDR='福建省福州市鼓楼区五四路158号环球广场A座18层1801、1802、1803、1805单元及B座3层301室（软件园东门对面，地铁1号线东街口站B出口向北300米）'
{
	echo 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone'
	echo "13700000001,张三,11010519491231002X,zhang@example.com,深圳市南山区科技园1号,518057,91350100M000100Y43,$LONG_NAME,王五,$LONG_ADDR,0591-87654321"
	echo '13700000002,李娜,110101200002290018,li@example.com,厦门市思明区湖滨南路1号,361000,,,,,'
	echo '13700000003,赵六,320106198503124510,,深圳市福田区深南大道1号,518000,91110108MA00000070,深圳市某某科技有限公司,赵大,深圳市福田区福华路1号,0755-12345678'
	echo '13700000004,𠮷四,440524198001010013,,广州市天河区天河路1号,510000,,,,,'
} >"$T/people.csv"
run 0 as_clerk import applicants "$T/people.csv" || die "import applicants"
{
	echo 'phone,kind,subject,credit_code,years,cert_serial'
	echo '13700000001,new,enterprise,91350100M000100Y43,2,'
	echo '13700000002,new,personal,,1,'
	echo '13700000003,new,enterprise,91110108MA00000070,1,'
	echo '13700000002,new,personal,,1,'
	echo '13700000002,new,personal,,1,'
	echo '13700000004,new,personal,,1,'
} >"$T/apps.csv"
run 0 as_clerk import applications "$T/apps.csv" || die "import applications"
mapfile -t NO < <(sed -n 's/^line [0-9]*: \(SQ-[A-Z0-9-]*\)$/\1/p' <<<"$out")
[ ${#NO[@]} -eq 6 ] || die "six application numbers expected: $out"
N_ENT=${NO[0]} N_PER=${NO[1]} N_TEN=${NO[2]} N_READY=${NO[3]} N_CANCEL=${NO[4]} N_BAD=${NO[5]}
[ "$N_ENT" = SQ-SZFT-01-20261125-0001 ] || fail "first number is $N_ENT"

# ---- usage and refusals before anything is printed ------------------------
run 2 as_clerk print
run 2 as_clerk print application
run 2 as_clerk print bogus "$N_ENT"
has "print bogus" "application、receipt、payment、pickup"
run 2 as_clerk print application "$N_ENT" --bogus
run 1 cd_ print application "$N_ENT" -o "$T/nouser.pdf" && has "no --user" "--user"
[ -e "$T/nouser.pdf" ] && fail "printed without a staff login"
run 1 as_clerk print application SQ-SZFT-01-20000101-0099 -o "$T/none.pdf" && has "unknown number" "没有申请单 SQ-SZFT-01-20000101-0099"

# ---- the enterprise form and its agreement --------------------------------
prints() { sq "SELECT count(*) FROM audit_log WHERE action = 'application.print'"; }
audits=$(prints)
outbox=$(sq "SELECT count(*) FROM outbox")
run 0 as_clerk print application "$N_ENT" -o "$T/ent.pdf" || die "print $N_ENT"
has "print output" "已生成：数字证书申请表（企业证书）及数字证书服务协议" "文件：$T/ent.pdf" \
	"页数：$(pages_of "$T/ent.pdf")，" "（$(stat -c %s "$T/ent.pdf") 字节）"
grep -q '注意' <<<"$out" && fail "a plain form reported unprintable characters: $out"
flat "$T/ent.pdf" >"$T/ent.flat"
flat_name=$(printf '%s' "$LONG_NAME" | tr -d ' ')
flat_addr=$(printf '%s' "$LONG_ADDR" | tr -d ' ')
has_text "$T/ent.flat" enterprise "数字证书申请表（企业证书）" "$AUTHORITY" "申请单号：$N_ENT" "申请日期：2026年11月25日" \
	"$flat_name" "91350100M000100Y43" "王五" "0591-87654321" "张三" "zhang@example.com" \
	"13700000001" "11010519491231002X" "受理点：深圳福田受理点" "受理员：李四" "营业执照副本复印件" "尚未提交" \
	"数字证书服务协议" "甲方（证书申请人）：$flat_name" "乙方（电子认证服务机构）：$AUTHORITY" \
	"签订日期：2026年11月25日" "甲方（签字或盖章）"
pass "enterprise form: values and agreement present"
# The applicant's own numbers are printed in full, never masked.
grep -q '\*\*\*\*' "$T/ent.flat" && fail "a masked number on the applicant's own form"
[ "$(pages_of "$T/ent.pdf")" -ge 2 ] || fail "form and agreement on $(pages_of "$T/ent.pdf") page(s)"
# The agreement starts on its own sheet, after the form.
pdftotext -f 2 -l 2 "$T/ent.pdf" - 2>/dev/null | tr -d ' \n' | grep '^数字证书服务协议' >/dev/null ||
	fail "page 2 does not start the agreement"
one_subset_font "$T/ent.pdf" enterprise
renders "$T/ent.pdf" enterprise
words "$T/ent.pdf" >"$T/ent.words"
no_overlap "$T/ent.words" enterprise
# the value cells of 单位名称 and 单位地址 (x 47..195 mm, 11 mm high)
name_box=$(field_box "$T/ent.words" 单位名称 11)
addr_box=$(field_box "$T/ent.words" 单位地址 11)
got=$(text_in_box "$T/ent.words" $name_box)
[ "$got" = "$flat_name" ] && pass "the long enterprise name wraps inside its box" ||
	fail "the enterprise name box ($name_box) holds \"$got\""
[ "$(lines_in_box "$T/ent.words" $name_box)" -ge 2 ] || fail "the long name is not wrapped"
got=$(text_in_box "$T/ent.words" $addr_box)
[ "$got" = "$flat_addr" ] && pass "the long address wraps inside its box" || fail "the address box ($addr_box) holds \"$got\""
# Audited once, with the number and no personal numbers; nothing for the centre.
[ "$(prints)" = $((audits + 1)) ] || fail "not one audit entry"
[ "$(sq "SELECT count(*) FROM audit_log a JOIN applications p ON p.id = a.entity_id
	 WHERE a.action = 'application.print' AND p.number = '$N_ENT' AND a.after LIKE '%$N_ENT%'")" = 1 ] ||
	fail "no application.print audit entry for $N_ENT"
[ "$(sq "SELECT count(*) FROM audit_log WHERE after LIKE '%13700000001%' OR after LIKE '%11010519491231002X%'")" = 0 ] ||
	fail "personal numbers in the audit log"
[ "$(sq "SELECT count(*) FROM outbox")" = "$outbox" ] || fail "printing wrote to the outbox"

# ---- the personal form, saved to the data directory -----------------------
run 0 as_clerk print application "$N_PER" || die "print $N_PER"
has "default path" "文件：$D/print/$N_PER.pdf"
[ -s "$D/print/$N_PER.pdf" ] || fail "no $D/print/$N_PER.pdf"
flat "$D/print/$N_PER.pdf" >"$T/per.flat"
has_text "$T/per.flat" personal "数字证书申请表（个人证书）" "李娜" "110101200002290018" "13700000002" \
	"li@example.com" "厦门市思明区湖滨南路1号" "361000" "持证人身份证复印件" \
	"数字证书服务协议" "甲方（证书申请人）：李娜" "乙方（电子认证服务机构）：$AUTHORITY"
one_subset_font "$D/print/$N_PER.pdf" personal
renders "$D/print/$N_PER.pdf" personal

# ---- ten attachments: the table fits or flows, every row once -------------
for i in $(seq -w 1 10); do printf '\x89PNG\r\n\x1a\nscan %s\n' "$i" >"$T/scan$i.png"; done
run 0 "$MK" --data "$D" --user li.si attach "$N_TEN" licence "$T"/scan0{1..5}.png || die "attach"
run 0 "$MK" --data "$D" --user li.si attach "$N_TEN" agent_id "$T"/scan0{6..8}.png || die "attach"
run 0 "$MK" --data "$D" --user li.si attach "$N_TEN" other "$T/scan09.png" "$T/scan10.png" || die "attach"
run 0 "$MK" --data "$D" --user li.si paper "$N_TEN" authorisation || die "paper"
run 0 as_clerk print application "$N_TEN" -o "$T/ten.pdf" || die "print ten"
pages=$(pages_of "$T/ten.pdf")
pdftotext "$T/ten.pdf" - 2>/dev/null | tr -d ' ' >"$T/ten.txt"
for i in $(seq -w 1 10); do
	n=$(grep -c "scan$i.png" "$T/ten.txt")
	[ "$n" -eq 1 ] || fail "ten: scan$i.png printed $n times"
done
grep -q '纸质件' "$T/ten.txt" || fail "ten: the paper document is not listed"
[ "$(grep -c '经办人签字' "$T/ten.txt")" -eq 1 ] || fail "ten: the signature box is not printed once"
grep -q "第1页共" "$T/ten.txt" || fail "ten: no page numbers"
words "$T/ten.pdf" >"$T/ten.words"
no_overlap "$T/ten.words" ten
low=$(awk 'BEGIN { k = 72 / 25.4 } $5 > 281 * k && $6 !~ /^(第|页|共|[0-9])/' "$T/ten.words")
[ -z "$low" ] || fail "ten: text below the flow area: $low"
[ "$(awk '/五、申请单位声明|经办人签字|以下由受理机构填写/ { print $1 }' "$T/ten.words" | sort -u | wc -l)" -eq 1 ] ||
	fail "ten: the declaration is split across sheets"
if awk '$1 == 2' "$T/ten.words" | grep 'scan' >/dev/null; then
	awk '$1 == 2' "$T/ten.words" | grep '材料名称' >/dev/null || fail "ten: no table heading on the continuation"
fi
renders "$T/ten.pdf" ten
pass "ten attachments: $pages page(s), every row once"

# ---- a character the font cannot print: a warning, not a failure ---------
run 0 as_clerk print application "$N_BAD" -o "$T/bad.pdf" || die "print $N_BAD"
has "unprintable" "注意：以下字符无法打印，已印为□：𠮷（U+20BB7，申请人姓名）"
[ -s "$T/bad.pdf" ] || fail "the PDF with an unprintable character was not written"
flat "$T/bad.pdf" | grep '□四' >/dev/null || fail "the unprintable character is not marked □"

# ---- too late to print: once the certificate is made; cancelled ---------
audits=$(prints)
for status in ready shipped collected; do
	sq "UPDATE applications SET status = '$status' WHERE number = '$N_READY'"
	run 1 as_clerk print application "$N_READY" -o "$T/late.pdf" &&
		has "$status" "证书已制作" "不再提供打印" "$N_READY"
	[ -e "$T/late.pdf" ] && fail "$status: a PDF was written"
done
has "ready label" "（已领取）"
sq "UPDATE applications SET status = 'cancelled' WHERE number = '$N_CANCEL'"
run 1 as_clerk print application "$N_CANCEL" -o "$T/cancelled.pdf" && has cancelled "已取消，不能打印申请表"
[ -e "$T/cancelled.pdf" ] && fail "cancelled: a PDF was written"
[ "$(prints)" = "$audits" ] || fail "a refused print was audited"
# accepted is still before the certificate is made
sq "UPDATE applications SET status = 'accepted' WHERE number = '$N_READY'"
run 0 as_clerk print application "$N_READY" -o "$T/accepted.pdf" || fail "an accepted application could not be printed"

# ---- to a printer: lp -d NAME FILE, no shell in between -------------------
mkdir -p "$T/fakebin" "$T/nobin"
cat >"$T/fakebin/lp" <<EOF
#!/bin/sh
# fake CUPS lp: records its arguments, knows one queue
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T/lp-args"
if [ "\$2" != 前台打印机 ]; then
	echo 'lp: Error - The printer or class does not exist.' >&2
	exit 1
fi
echo "request id is \$2-17 (1 file(s))"
EOF
chmod +x "$T/fakebin/lp"
with_fake() { PATH="$T/fakebin:$PATH" "$@"; }
run 0 with_fake as_clerk print application "$N_ENT" -o "$T/p1.pdf" --printer 前台打印机
has "--printer" "已送打印机 前台打印机（任务 前台打印机-17）"
[ "$(cat "$T/lp-args" 2>/dev/null)" = "$(printf -- '-d\n前台打印机\n%s' "$T/p1.pdf")" ] ||
	fail "lp was run with: $(cat "$T/lp-args" 2>/dev/null)"
# the configured printer, and the default place of the PDF
echo 'printer = 前台打印机' >>"$D/certdesk.conf"
rm -f "$T/lp-args"
run 0 with_fake as_clerk print application "$N_PER"
has "configured printer" "已送打印机 前台打印机"
[ "$(cat "$T/lp-args" 2>/dev/null)" = "$(printf -- '-d\n前台打印机\n%s' "$D/print/$N_PER.pdf")" ] ||
	fail "lp (configured) was run with: $(cat "$T/lp-args" 2>/dev/null)"
# --printer wins over the configuration; an unknown printer keeps the PDF
run 1 with_fake as_clerk print application "$N_ENT" -o "$T/p3.pdf" --printer 后台打印机
has "unknown printer" "打印机“后台打印机”不存在" "PDF 已保存在 $T/p3.pdf"
[ "$(sed -n 2p "$T/lp-args")" = 后台打印机 ] || fail "--printer did not win over the configuration"
[ "$(pages_of "$T/p3.pdf")" -ge 2 ] || fail "the PDF was not kept after the printer failed"
# no lp on the machine at all
run 1 env PATH="$T/nobin" "$B" --data "$D" --user li.si print application "$N_ENT" -o "$T/p4.pdf"
has "no lp" "找不到打印命令 lp" "cups-client" "PDF 已保存在 $T/p4.pdf"
[ "$(pages_of "$T/p4.pdf")" -ge 2 ] || fail "the PDF was not kept without lp"
# CUPS' own lp, where installed, for a queue that does not exist
if command -v lp >/dev/null; then
	run 1 as_clerk print application "$N_ENT" -o "$T/p5.pdf" --printer certdesk-no-such-printer
	grep -qE '打印机“certdesk-no-such-printer”不存在|打印服务（CUPS）没有运行' <<<"$out" ||
		fail "real lp: unclear message: $out"
	has "real lp" "PDF 已保存在 $T/p5.pdf"
	[ "$(pages_of "$T/p5.pdf")" -ge 2 ] || fail "real lp: the PDF was not kept"
	pass "real lp: $(grep '^certdesk:' <<<"$out")"
fi
# a printer name that would be an option
run 1 with_fake as_clerk print application "$N_ENT" -o "$T/p6.pdf" --printer=-x
has "bad printer name" "不能以“-”开头"
[ -e "$T/p6.pdf" ] && fail "printed before refusing a bad printer name"
printf 'printer = 前台 打印机\n' >>"$D/certdesk.conf"
run 1 with_fake as_clerk print application "$N_ENT" -o "$T/p7.pdf"
has "bad configured printer" "certdesk.conf 的 printer 设置有误" "不能含有空格"
[ -e "$T/p7.pdf" ] && fail "printed before refusing a bad configured printer"
sed -i '/^printer = /d' "$D/certdesk.conf"
pass "printer: lp -d NAME FILE, failures keep the PDF"

run 0 as_clerk audit verify
has "audit" "审计日志完整"

# ---- figures (for the record: tests do not pass or fail on time) ----------
t0=$EPOCHREALTIME
as_clerk print application "$N_ENT" -o "$T/one.pdf" >/dev/null 2>&1
t1=$EPOCHREALTIME
as_clerk audit verify >/dev/null 2>&1
t2=$EPOCHREALTIME
# the password login above left a session ticket: the same without Argon2id
env -u CERTDESK_PASSWORD "$B" --data "$D" --user li.si print application "$N_ENT" -o "$T/two.pdf" </dev/null >/dev/null 2>&1
t3=$EPOCHREALTIME
echo "figures: certdesk print application (form + agreement, $(pages_of "$T/one.pdf") pages) as a process:" \
	"$(awk "BEGIN { printf \"%.1f\", ($t1 - $t0) * 1000 }") ms with the password checked," \
	"$(awk "BEGIN { printf \"%.1f\", ($t3 - $t2) * 1000 }") ms with the session ticket, $(stat -c %s "$T/one.pdf") bytes;" \
	"render $(grep -o 'printed from [^:]*: [^,]*, [0-9]* bytes, [0-9.]* ms' "$D/certdesk.log" | tail -n 1 | awk '{ print $(NF - 1) }') ms;" \
	"a subcommand with no login and no print: $(awk "BEGIN { printf \"%.1f\", ($t2 - $t1) * 1000 }") ms"

if [ $failures -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all print_app checks passed"
