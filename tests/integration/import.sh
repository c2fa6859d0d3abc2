#!/usr/bin/env bash
# certdesk import and export: all-or-nothing, --partial, the CSV dialects
# people produce (BOM or not, CRLF or LF, quotes, GBK by mistake), a disk
# that fills half-way, exports that Excel opens, their filters and audit.
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
D=$TEST_TMP/data
T=$TEST_TMP
cd_() { "$CERTDESK_BIN/certdesk" --data "$D" "$@"; }
die() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { # rc command... : run, check the exit status, keep output in $out
	local want=$1; shift
	set +e; out=$("$@" 2>&1); local rc=$?; set -e
	[ "$rc" = "$want" ] || die "'$*' exited $rc, wanted $want: $out"
	if echo "$out" | grep -qE 'AddressSanitizer|LeakSanitizer|runtime error'; then die "sanitizer: $out"; fi
}
has() { echo "$out" | grep -qF -- "$1" || die "expected '$1' in: $out"; }
hasnt() { ! echo "$out" | grep -qF -- "$1" || die "did not expect '$1' in: $out"; }
sq() { sqlite3 "$D/certdesk.db" "$1"; }
imports() { sq "SELECT count(*) FROM audit_log WHERE action = '$1'"; }

# ---- a data directory with a clerk ----
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
export CERTDESK_PASSWORD=Adm1nPass
echo Start123 | cd_ --user admin staff add li.si 李四 clerk >/dev/null
echo Clerk1234 | CERTDESK_PASSWORD=Start123 cd_ --user li.si staff passwd >/dev/null
export CERTDESK_PASSWORD=Clerk1234
as_clerk() { cd_ --user li.si "$@"; }

HEAD='phone,name,id_number,email,address,postal_code,credit_code,enterprise_name'

# ---- usage ----
expect_rc 2 as_clerk import
expect_rc 2 as_clerk import people "$T/x.csv"
has "applicants 或 applications"
expect_rc 2 as_clerk import applicants "$T/x.csv" --all
expect_rc 1 as_clerk import applicants "$T/nonexistent.csv"
has "无法打开"
printf '%s\n' "$HEAD" >"$T/header-only.csv"
CERTDESK_PASSWORD= expect_rc 1 cd_ import applicants "$T/header-only.csv"
has "--user"

# ---- one bad row: nothing is imported, every problem is named ----
# UTF-8 with BOM and CRLF, as Excel's "CSV UTF-8" writes it.
printf '\xEF\xBB\xBF%s\r\n' "$HEAD" >"$T/a.csv"
printf '13800000001,张三,11010519491231002X,zhang@example.com,深圳市福田区深南大道1号,518000,,\r\n' >>"$T/a.csv"
printf '13800000002,李四,320106198503124510,,,,,\r\n' >>"$T/a.csv"
printf '13800000003,王五,110105194912310022,not-mail,深圳市福田区,5180,,\r\n' >>"$T/a.csv"
printf '13800000004,欧阳娜娜,440524198001010013,,,,,\r\n' >>"$T/a.csv"
expect_rc 1 as_clerk import applicants "$T/a.csv"
has "line 4: id_number: 身份证号第 18 位校验码应为 X"
has "line 4: email: "
has "line 4: postal_code: 邮政编码"
has "没有导入任何记录"
hasnt "line 2:"
[ "$(sq 'SELECT count(*) FROM applicants')" = 0 ] || die "a refused file imported rows"
[ "$(imports applicant.import)" = 0 ] || die "a refused file left audit entries"
[ "$(sq "SELECT count(*) FROM outbox WHERE command = 'applicant.import@1'")" = 0 ] || die "outbox entries"

# ---- --partial: the good rows go in, the bad ones are still reported ----
expect_rc 1 as_clerk import applicants "$T/a.csv" --partial
has "line 4: id_number:"
has "已导入 3 个申请人；1 行有误"
[ "$(sq 'SELECT count(*) FROM applicants')" = 3 ] || die "--partial: $(sq 'SELECT count(*) FROM applicants') rows"
[ "$(sq "SELECT name FROM applicants WHERE phone = '13800000004'")" = 欧阳娜娜 ] || die "name"
# Counter imports are registered without an SMS check.
[ "$(sq 'SELECT count(*) FROM applicants WHERE phone_verified_at IS NULL')" = 3 ] || die "verified_at"
[ "$(imports applicant.import)" = 3 ] || die "one audit entry per row"
[ "$(sq "SELECT count(*) FROM outbox WHERE command = 'applicant.import@1'")" = 3 ] || die "one outbox entry per row"
# The BOM did not stick to the first column name.
[ "$(sq "SELECT count(*) FROM applicants WHERE phone = '13800000001'")" = 1 ] || die "BOM"

# ---- duplicates: already registered, and twice in the file ----
printf '%s\n13800000001,张三丰,,,,,,\n13900000001,周一,,,,,,\n13900000001,周一一,,,,,,\n' "$HEAD" >"$T/dup.csv"
expect_rc 1 as_clerk import applicants "$T/dup.csv"
has "line 2: phone: 手机号 138****0001 已注册（张三）"
has "line 4: phone: 手机号 139****0001 与第 3 行重复"
[ "$(sq "SELECT count(*) FROM applicants WHERE phone = '13900000001'")" = 0 ] || die "dup file imported"

# ---- no BOM, LF, quotes: commas, doubled quotes, a line break in a cell ----
{
	printf '%s,legal_rep,enterprise_address,enterprise_phone\n' "$HEAD"
	printf '13700000001,"赵,六",11010519491231002X,,"深圳市南山区, 科技园1号",518057,91350100M000100Y43,"福州""某某""科技有限公司",林某,福州市鼓楼区五四路100号,0591-87654321\n'
	printf '13700000002,钱七,,,"第一行\n第二行",,,,,,\n'
	printf '13700000003,孙八,110101200002290018,,深圳市南山区科技园2号,,91350100M000100Y43,,,,\n'
	printf '13700000004,,,,,,,,,,\n'
} >"$T/quoted.csv"
expect_rc 1 as_clerk import applicants "$T/quoted.csv" --partial
has "line 3: address: 含有换行"
has "line 6: name: 请输入姓名"   # numbered after the two-line record
has "已导入 2 个申请人；2 行有误"
[ "$(sq "SELECT name || '|' || address FROM applicants WHERE phone = '13700000001'")" = "赵,六|深圳市南山区, 科技园1号" ] \
	|| die "quoted fields: $(sq "SELECT name, address FROM applicants WHERE phone = '13700000001'")"
[ "$(sq "SELECT name FROM enterprises WHERE credit_code = '91350100M000100Y43'")" = '福州"某某"科技有限公司' ] \
	|| die "doubled quotes"
# Both people act for the enterprise: the second row found the record the first made.
[ "$(sq "SELECT count(*) FROM applicant_enterprises ae JOIN enterprises e ON e.id = ae.enterprise_id
	 WHERE e.credit_code = '91350100M000100Y43'")" = 2 ] || die "enterprise links"
# Refused half-way through (the person was fine, the enterprise not):
# nothing of that row stays, the rows around it do.
{
	printf '%s\n' "$HEAD"
	printf '13700000005,李五,,,,,91350100M000100Y43,厦门某某有限公司\n'
	printf '13700000006,李六,,,,,91350100M000100Y43,\n'
} >"$T/clash.csv"
expect_rc 1 as_clerk import applicants "$T/clash.csv" --partial
has "line 2: enterprise_name: 统一社会信用代码 91350100M000100Y43 已登记为"
[ "$(sq "SELECT count(*) FROM applicants WHERE phone = '13700000005'")" = 0 ] || die "half a row stayed"
[ "$(sq "SELECT count(*) FROM applicants WHERE phone = '13700000006'")" = 1 ] || die "the good row went"

# ---- an enterprise an application could not be made for (issue 3) ----
# New code without its legal representative: refused, naming the column,
# and nothing of the file is imported; so is a file without those columns.
n_before=$(sq 'SELECT count(*) FROM applicants')
e_before=$(sq 'SELECT count(*) FROM enterprises')
{
	printf '%s,legal_rep,enterprise_address,enterprise_phone\n' "$HEAD"
	printf '13700000007,周七,,,,,91350200MA0000001W,厦门某某有限公司,,厦门市思明区某路1号,0592-1234567\n'
	printf '13700000008,周八,,,,,,,,,\n'
} >"$T/norep.csv"
expect_rc 1 as_clerk import applicants "$T/norep.csv"
has "line 2: legal_rep: 企业 91350200MA0000001W 尚未登记，须同时填写法定代表人（legal_rep 列）"
has "没有导入任何记录"
printf '%s\n13700000007,周七,,,,,91350200MA0000001W,厦门某某有限公司\n' "$HEAD" >"$T/nocols.csv"
expect_rc 1 as_clerk import applicants "$T/nocols.csv"
has "line 2: legal_rep: "
sed -i 's/,厦门市思明区某路1号,0592-1234567$/,厦门市思明区某路1号,/; s/,,厦门市/,周某,厦门市/' "$T/norep.csv"
expect_rc 1 as_clerk import applicants "$T/norep.csv"
has "line 2: enterprise_phone: "
[ "$(sq 'SELECT count(*) FROM applicants')" = "$n_before" ] || die "an incomplete enterprise's file imported people"
[ "$(sq 'SELECT count(*) FROM enterprises')" = "$e_before" ] || die "an incomplete enterprise was recorded"
# Complete, it goes in, and an application for it can then be imported.
sed -i 's/,厦门市思明区某路1号,$/,厦门市思明区某路1号,0592-1234567/' "$T/norep.csv"
expect_rc 0 as_clerk import applicants "$T/norep.csv"
has "已导入 2 个申请人"
# The help names the optional columns and when they are needed.
expect_rc 0 cd_ import --help
has "legal_rep"
has "enterprise_address"
has "enterprise_phone"
has "企业尚未登记时三项都必须填写"
expect_rc 2 as_clerk import
has "import --help"

# ---- not UTF-8: refused with its line, even with --partial ----
n_before=$(sq 'SELECT count(*) FROM applicants')
{
	printf '%s\n13600000001,陈一,,,,,,\n' "$HEAD"
	printf '13600000002,\xd5\xc5\xc8\xfd,,,,,,\n'   # 张三 in GBK
	printf '13600000003,陈三,,,,,,\n'
} >"$T/gbk.csv"
expect_rc 1 as_clerk import applicants "$T/gbk.csv" --partial
has "line 3: 不是有效的 UTF-8 文本"
has "没有导入任何记录"
[ "$(sq 'SELECT count(*) FROM applicants')" = "$n_before" ] || die "a GBK file imported rows"
printf '%s\n"13600000001,陈一\n' "$HEAD" >"$T/open.csv"
expect_rc 1 as_clerk import applicants "$T/open.csv"
has "line 2: 从这一行开始的带引号字段"

# ---- from stdin, and a header that is not ours ----
printf '%s\n13600000009,陈九,,,,,,\n' "$HEAD" >"$T/stdin.csv"
expect_rc 0 as_clerk import applicants - <"$T/stdin.csv"
has "已导入 1 个申请人"
printf 'phnoe,name\n13600000008,陈八\n' >"$T/typo.csv"
expect_rc 1 as_clerk import applicants "$T/typo.csv"
has "line 1: phnoe: 未知的列"
has "line 1: phone: 表头缺少这一列"

# ---- applications: drafts for registered people, all or nothing ----
APPS='phone,kind,subject,credit_code,years,cert_serial'
{
	printf '%s\r\n' "$APPS"
	printf '13700000001,new,enterprise,91350100M000100Y43,2,\r\n'
	printf '13800000001,new,personal,,1,\r\n'
	printf '13700000003,renewal,personal,,1,4a:3f:00:12\r\n'
	printf '13800000002,new,personal,,1,\r\n'              # no address on record
	printf '13500000000,new,personal,,1,\r\n'              # not registered
	printf '13700000001,new,enterprise,91110108MA00000070,1,\r\n' # unknown enterprise
	printf '13700000001,renewal,enterprise,91350100M000100Y43,2,\r\n' # renewal without serial
} >"$T/apps.csv"
expect_rc 1 as_clerk import applications "$T/apps.csv"
has "line 5: phone: 申请人资料中没有通讯地址"
has "line 6: phone: 手机号 135****0000 尚未注册"
has "line 7: credit_code: 统一社会信用代码 91110108MA00000070 尚未登记"
has "line 8: cert_serial: "
has "4 行有误，没有导入任何记录"
[ "$(sq 'SELECT count(*) FROM applications')" = 0 ] || die "a refused applications file imported rows"
expect_rc 1 as_clerk import applications "$T/apps.csv" --partial
has "已导入 3 份申请单草稿；4 行有误"
has "阅读并同意协议书"
echo "$out" | grep -qE '^line 2: SQ-SZFT-01-[0-9]{8}-0001$' || die "numbers: $out"
[ "$(sq "SELECT count(*) FROM applications WHERE status = 'draft' AND agreement_version = '' AND agreement_at IS NULL")" = 3 ] \
	|| die "imported drafts must wait for the agreement"
[ "$(sq "SELECT holder_name || '|' || legal_rep FROM applications WHERE subject = 'enterprise'")" = '福州"某某"科技有限公司|林某' ] \
	|| die "the enterprise's record fills the application"
[ "$(sq "SELECT holder_code FROM applications WHERE kind = 'renewal'")" = 110101200002290018 ] || die "personal holder"
[ "$(sq "SELECT count(*) FROM outbox WHERE command = 'application.import@1'")" = 3 ] || die "outbox"

# ---- a disk that fills half-way: nothing of the file stays ----
{
	printf '%s\n' "$HEAD"
	for i in $(seq 1 3000); do printf '135%08d,测试%d,,user%d@example.com,深圳市南山区科技园某某大厦%d号,518000,,\n' "$i" "$i" "$i" "$i"; done
} >"$T/big.csv"
n_before=$(sq 'SELECT count(*) FROM applicants')
a_before=$(imports applicant.import)
set +e
out=$(trap '' XFSZ; ulimit -f 600; as_clerk import applicants "$T/big.csv" 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] || die "import on a full disk exited $rc: $out"
has "没有导入任何记录"
[ "$(sq 'SELECT count(*) FROM applicants')" = "$n_before" ] || die "a half-written import stayed"
[ "$(imports applicant.import)" = "$a_before" ] || die "audit entries of a half-written import stayed"
expect_rc 0 as_clerk audit verify
# With room, the same file goes in whole.
expect_rc 0 as_clerk import applicants "$T/big.csv"
has "已导入 3000 个申请人"

# ---- export applicants: BOM, header, CRLF, every row, Chinese intact ----
n_people=$(sq 'SELECT count(*) FROM applicants')
outbox_before=$(sq 'SELECT count(*) FROM outbox')
as_clerk export applicants >"$T/people.csv" 2>"$T/people.err" || die "export applicants: $(cat "$T/people.err")"
grep -q "已导出 $n_people 行" "$T/people.err" || die "export count: $(cat "$T/people.err")"
[ "$(head -c 3 "$T/people.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || die "no BOM"
[ "$(head -n 1 "$T/people.csv")" = $'\xEF\xBB\xBFphone,name,id_number,email,address,postal_code,sms_verified,created_at,enterprises\r' ] \
	|| die "header: $(head -n 1 "$T/people.csv" | od -c | head)"
[ "$(grep -c $'\r$' "$T/people.csv")" = "$((n_people + 1))" ] || die "CRLF line ends"
python3 - "$T/people.csv" "$D/certdesk.db" <<'EOF' || die "export applicants content"
import csv, sqlite3, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
head, body = rows[0], rows[1:]
db = sqlite3.connect(sys.argv[2])
want = sorted(db.execute("SELECT phone, name, id_number, address FROM applicants"))
# Long digit strings carry a leading tab so that Excel keeps them as text.
got = sorted((r[0], r[1], r[2].lstrip('\t'), r[4]) for r in body)
assert got == want, (got[:3], want[:3])
r = {x[0]: x for x in body}
assert r['13700000001'][1] == '赵,六' and r['13700000001'][4] == '深圳市南山区, 科技园1号'
assert r['13800000002'][2] == '\t320106198503124510', repr(r['13800000002'][2])
assert r['13800000004'][1] == '欧阳娜娜' and r['13800000004'][6] == '否'
assert r['13700000001'][8] == '91350100M000100Y43 福州"某某"科技有限公司', r['13700000001'][8]
EOF
[ "$(imports applicant.export)" = 1 ] || die "export not audited"
sq "SELECT after FROM audit_log WHERE action = 'applicant.export'" | grep "\"rows\":$n_people" >/dev/null || die "audit rows"
[ "$(sq 'SELECT count(*) FROM outbox')" = "$outbox_before" ] || die "an export wrote to the outbox"

# An export that cannot be written out fails, and is on record all the same
# (the entry is written before the first row goes out).
export_to_full() { as_clerk export applicants >/dev/full; }
expect_rc 1 export_to_full
has "写出失败"
[ "$(imports applicant.export)" = 2 ] || die "a failed export was not audited"

# ---- export applications: columns, status and date filters ----
as_clerk export applications >"$T/apps-out.csv" 2>/dev/null
python3 - "$T/apps-out.csv" <<'EOF' || die "export applications content"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
assert rows[0] == ['number', 'kind', 'kind_label', 'subject', 'subject_label', 'status', 'status_label',
                   'holder_name', 'holder_code', 'years', 'created_at', 'applicant_phone'], rows[0]
body = rows[1:]
assert len(body) == 3, body
by = {r[0][-4:]: r for r in body}
assert by['0001'][1:8] == ['new', '新办', 'enterprise', '企业证书', 'draft', '草稿', '福州"某某"科技有限公司'], by['0001']
assert by['0001'][9] == '2' and by['0001'][11] == '13700000001', by['0001']
assert by['0003'][1] == 'renewal' and by['0003'][8] == '\t110101200002290018', by['0003']
assert body[0][0] > body[-1][0]  # newest first
EOF
count_rows() { as_clerk export applications "$@" 2>/dev/null | tail -n +2 | wc -l; }
today=$(date +%F) tomorrow=$(date -d tomorrow +%F) yesterday=$(date -d yesterday +%F)
[ "$(count_rows --status draft)" = 3 ] || die "status draft"
[ "$(count_rows --status accepted)" = 0 ] || die "status accepted"
[ "$(count_rows --from "$today" --to "$today")" = 3 ] || die "today"
[ "$(count_rows --from "$tomorrow")" = 0 ] || die "from tomorrow"
[ "$(count_rows --to "$yesterday")" = 0 ] || die "to yesterday"
[ "$(count_rows --status=draft --from="$yesterday")" = 3 ] || die "--opt=value"
expect_rc 2 as_clerk export applications --status bogus
has "未知的状态 bogus"
expect_rc 2 as_clerk export applications --from "$today" --to "$yesterday"
has "截止日期不能早于起始日期"
expect_rc 2 as_clerk export applications --from 2026-02-30
expect_rc 2 as_clerk export applicants --status draft
sq "SELECT after FROM audit_log WHERE action = 'application.export' ORDER BY seq DESC LIMIT 1" \
	| grep "\"status\":\"draft\"" >/dev/null || die "export filter not audited"
[ "$(imports application.export)" = 7 ] || die "one audit entry per export, $(imports application.export)"
[ "$(sq 'SELECT count(*) FROM outbox')" = "$outbox_before" ] || die "an export wrote to the outbox"

# ---- the enterprise imported complete above takes an application (issue 3) ----
APPS='phone,kind,subject,credit_code,years,cert_serial'
printf '%s\n13700000007,new,enterprise,91350200MA0000001W,1,\n' "$APPS" >"$T/xm-apps.csv"
expect_rc 0 as_clerk import applications "$T/xm-apps.csv"
has "已导入 1 份申请单草稿"
[ "$(sq "SELECT legal_rep || '|' || phone FROM applications WHERE holder_code = '91350200MA0000001W'")" = '周某|0592-1234567' ] \
	|| die "the completed enterprise's record fills the application"

# ---- the audit chain still holds ----
expect_rc 0 as_clerk audit verify
has "审计日志完整"
echo "import: ok"
