#!/usr/bin/env bash
# Applicants and applications at 80x24: register with a Chinese name and an
# SMS code (file gateway), refusals that save nothing (bad ID number, wrong
# code, duplicate phone, a renamed text file), an enterprise application
# with attachments, submit, find by phone and by name, edit while pending,
# a supervisor accepts (by scanning the number), the clerk cannot edit any
# more.
source "$(dirname "$0")/lib.sh"

sms_code() { grep -o "验证码 [0-9]\{6\}" "$DATA/sms-spool.txt" | tail -1 | cut -d' ' -f2; }

# ---- set-up through the command line ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
export CERTDESK_PASSWORD=Adm1nPass
echo Clerk1234 | cd_cli --user admin staff add li.si 李四 clerk >/dev/null
echo Super1234 | cd_cli --user admin staff add wang.wu 王五 supervisor >/dev/null
echo Clerk5678 | CERTDESK_PASSWORD=Clerk1234 cd_cli --user li.si staff passwd >/dev/null
echo Super5678 | CERTDESK_PASSWORD=Super1234 cd_cli --user wang.wu staff passwd >/dev/null
unset CERTDESK_PASSWORD
printf '%%PDF-1.4\n1 0 obj <<>> endobj\n%%%%EOF\n' > "$TEST_TMP/licence.pdf"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > "$TEST_TMP/id-card.png"
echo "not a scan, only text" > "$TEST_TMP/renamed.pdf"

app_start
login li.si Clerk5678

# ---- register an applicant ----
keys 1
wait_for "登记申请人"
type "13812345678"
keys F5
wait_for "验证码已发送到 138****5678"
grep -q "13812345678" "$DATA/sms-spool.txt" || fail "no message in the spool"
code=$(sms_code)
wrong=$(printf '%06d' $(( (10#$code + 1) % 1000000 )))
type "$wrong"
keys Tab
type "张三"
keys Tab
type "110105194912310021"          # wrong check character
keys F2
wait_for "校验码应为 X"
[ "$(q 'select count(*) from applicants')" = 0 ] || fail "a bad ID number saved an applicant"
keys C-u
type "11010519491231002x"
keys F2
wait_for "验证码不正确，还可尝试 4 次"
[ "$(q 'select count(*) from applicants')" = 0 ] || fail "a wrong code saved an applicant"
type "$code"                       # the focus is back on the code, emptied
keys F2
wait_for "申请人已登记"
wait_for "张三   手机 138****5678"
screen | grep -q "13812345678" && fail "the phone must be masked outside the edit field"

# ---- a second registration of the same number is refused ----
keys Escape
wait_for "主菜单"
keys 1
wait_for "登记申请人"
type "13812345678"
keys Tab
wait_for "要打开这位申请人的资料吗"
keys Enter
wait_for "张三   手机 138****5678"
[ "$(q 'select count(*) from applicants')" = 1 ] || fail "duplicate phone"

# ---- an enterprise application with attachments ----
keys F3
wait_for "新建申请单"
keys Down Left                      # subject: enterprise
wait_for "企业证书"
keys F2
wait_for "数字证书服务协议书"
wait_for "甲方（证书申请人）：张三"
keys F2
wait_for "企业证书新办申请表"
keys Down                           # from years to the credit code
type "91350100M000100Y43"
keys Tab
type "福州某某科技有限公司"
keys Tab
type "林某"
keys Tab
type "福州市鼓楼区五四路100号"
keys Tab Tab
type "0591-87654321"
keys F2
wait_for "已保存为草稿"
number=$(q "select number from applications")
[[ "$number" == SQ-SZFT-01-*-0001 ]] || fail "number: $number"
wait_for "营业执照副本复印件"
keys F3
wait_for "添加扫描件"
type "$TEST_TMP/renamed.pdf"
keys F2
wait_for "文件内容不是 PDF、JPEG 或 PNG"
[ "$(q 'select count(*) from attachments')" = 0 ] || fail "a text file was attached"
keys C-u
type "$TEST_TMP/licence.pdf"
keys F2
wait_for "扫描件已添加到“营业执照副本复印件”"
wait_for "└ licence.pdf"
keys F2                             # submit: refused, documents missing
wait_for "以下材料尚未提供"
keys Enter
keys Down Down                      # legal representative's ID
keys F3
wait_for "添加扫描件"
type "$TEST_TMP/id-card.png"
keys Enter
wait_for "扫描件已添加到“法定代表人身份证复印件”"
keys Down Down                      # agent's ID: on paper
keys F5
wait_for "已标记为已交纸质件"
keys Down                           # authorisation letter: on paper
keys F5
wait_for "“授权委托书”已标记为已交纸质件"
keys F2
wait_for "已提交审核"
wait_for "待审核"
[ "$(q "select status from applications")" = pending_review ] || fail "not pending review"

# ---- print the form and the agreement ----
keys p
wait_for "已生成"
keys Enter
pdftotext "$DATA/print/$number.pdf" - > "$TEST_TMP/form.txt" || fail "pdftotext"
grep -q "$number" "$TEST_TMP/form.txt" || fail "the number is not on the form"
grep -q "福州某某科技有限公司" "$TEST_TMP/form.txt" || fail "the enterprise is not on the form"
grep -q "数字证书服务协议" "$TEST_TMP/form.txt" || fail "the agreement is not printed"

# ---- edit while pending review ----
keys F4
wait_for "企业证书新办申请表（修改）"
keys Right                          # 2 years
keys F2
wait_for "申请单已保存"
wait_for "2 年"

# ---- find it by phone and by name ----
keys Escape Escape Escape
wait_for "主菜单"
keys 3
wait_for "查找"
type "13812345678"
keys Enter
wait_for "$number"
keys /
keys C-u
type "某某"
keys Enter
wait_for "$number"
keys Enter
wait_for "福州某某科技有限公司（91350100M000100Y43）"

# ---- the supervisor accepts it, opening it by scanning the number ----
logout
login wang.wu Super5678
type "$number"$'\r'                 # a scanner types the number and Enter at once
wait_for "申请单 $number"
keys F9
wait_for "审核申请单"
keys F2
wait_for "已受理"
wait_for "申请受理中"

# ---- the clerk can no longer edit it ----
logout
login li.si Clerk5678
type "$number"$'\r'
wait_for "申请受理中"
screen | grep -q "F4修改" && fail "edit offered after acceptance"
keys F4
wait_for "只有审核员可以修改"
[ "$(q "select years from applications")" = 2 ] || fail "changed after acceptance"

app_quit
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "applications e2e: ok"
