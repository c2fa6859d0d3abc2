#!/usr/bin/env bash
# certdesk stock against a real certdeskd and two offices' terminals: a
# batch received as a range and as a scanner's list file (a repeat refused
# whole), one KEY issued to an accepted application, the same KEY issued
# again (refused), damaged, returned; every movement audited and pushed;
# the centre's rows equal the terminal's; the other office neither sees
# nor can issue them: its offline receipt of one of them is refused at the
# centre (a conflict, nothing lost), and an issue from another office's
# stock is refused by the centre even when the terminal let it through.
# A certificate made with a KEY (`application make ... --key`) is made and
# issued in one transaction: a KEY that cannot be issued leaves the
# application unmade, the stock and the audit log as they were.
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
export LANG=C.UTF-8 LC_ALL=C.UTF-8
. "$(dirname "$0")/lib_die.sh"
term() { local d=$1; shift; "$CERTDESK_BIN/certdesk" --data "$T/$d" "$@"; }
as() { local d=$1 u=$2; shift 2; CERTDESK_PASSWORD=Passw0rd1 term "$d" --user "$u" "$@"; }
cq() { sqlite3 "$T/centre.db" "$1"; }
tq() { sqlite3 "$T/$1/certdesk.db" "$2"; }
snapshot() { tq "$1" "SELECT (SELECT count(*) FROM key_stock) || '|' || (SELECT count(*) FROM key_moves) || '|' ||
	(SELECT count(*) FROM key_move_items) || '|' || (SELECT count(*) FROM audit_log WHERE action LIKE 'stock.%') || '|' || (SELECT count(*) FROM outbox) || '|' ||
	(SELECT coalesce(group_concat(serial || state || coalesce(application_id, ''), ','), '') FROM (SELECT * FROM key_stock ORDER BY serial))"; }

# ---- the centre, two offices ----
echo Root1234 | "$CERTDESK_BIN/certdeskd" init --db "$T/centre.db" --office HQ --office-name 总部 --admin root >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$T/centre.db" --code SZFT --name 深圳福田受理点 >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$T/centre.db" --code BJHD --name 北京海淀受理点 >/dev/null
code_for() { "$CERTDESK_BIN/certdeskd" terminal add --db "$T/centre.db" --office "$1" --name "$2" | sed -n 's/^登记码：//p'; }
code_a=$(code_for SZFT 一号窗口)
code_b=$(code_for BJHD 一号窗口)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CERTDESK_BIN/certdeskd" --db "$T/centre.db" --data "$T/centre-files" --listen "127.0.0.1:$port" \
	2>"$T/certdeskd.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
url=http://127.0.0.1:$port
for i in $(seq 200); do curl -s --noproxy '*' "$url/v1/health" >/dev/null && break; sleep 0.05; done
export no_proxy='*' NO_PROXY='*'

# A terminal of an office: an admin, a clerk and a supervisor; an accepted
# application (entered by the clerk, accepted by the supervisor) and one
# still waiting.
setup() { # dir office name
	echo Adm1nPass | term "$1" init --office "$2" --office-name "$3" --terminal 1号窗口 --admin "admin_$1" >/dev/null
	for u in "clerk_$1 受理员 clerk" "super_$1 审核员 supervisor"; do
		set -- "$1" $u
		echo Start123 | CERTDESK_PASSWORD=Adm1nPass term "$1" --user "admin_$1" staff add "$2" "$3" "$4" >/dev/null
		echo Passw0rd1 | CERTDESK_PASSWORD=Start123 term "$1" --user "$2" staff passwd >/dev/null
	done
}
new_app() { # dir phone name id_number: a submitted personal application; prints its number
	printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n%s,%s,%s,,某市某区某路1号,518000,,\n' \
		"$2" "$3" "$4" >"$T/$1-people.csv"
	as "$1" "clerk_$1" import applicants "$T/$1-people.csv" >/dev/null 2>&1 || true
	printf 'phone,kind,subject,credit_code,years,cert_serial\n%s,new,personal,,1,\n' "$2" >"$T/$1-apps.csv"
	local n
	n=$(as "$1" "clerk_$1" import applications "$T/$1-apps.csv" | sed -n 's/^line [0-9]*: //p')
	as "$1" "clerk_$1" application agree "$n" >/dev/null
	as "$1" "clerk_$1" application paper "$n" holder_id >/dev/null
	as "$1" "clerk_$1" application submit "$n" >/dev/null
	echo "$n"
}

# ---- office A (SZFT) ----
setup a SZFT 深圳福田受理点
a1=$(new_app a 13800000001 张三 11010519491231002X)
a2=$(new_app a 13800000002 王五 320106198503124510)
as a super_a application accept "$a1" >/dev/null
as a super_a application accept "$a2" >/dev/null
waiting=$(new_app a 13800000003 赵六 110101200002290018)
CERTDESK_PASSWORD=Adm1nPass expect_rc 0 term a --user admin_a sync --enroll "$url" "$code_a"

# usage
expect_rc 2 as a clerk_a stock
expect_rc 2 as a clerk_a stock count
expect_rc 2 as a clerk_a stock receive
expect_rc 2 as a clerk_a stock receive KA-0009..KA-0001
has "起始序列号大于结束序列号"
expect_rc 2 as a clerk_a stock receive KA-0001..KB-0009
has "前缀相同"
expect_rc 2 as a clerk_a stock list --state lost
expect_rc 2 as a clerk_a stock issue "$a1"
expect_rc 2 as a clerk_a stock damage KA-0001
has "--note"
expect_rc 2 as a super_a stock return KA-0001
has "--note"
expect_rc 1 term a stock list
has "--user"

# receive: a range, then a scanner's list (CRLF, a comment, a range line)
expect_rc 0 as a clerk_a stock receive KA-0001..KA-0010 --note 入库单2026-01
has "已入库 10 个 KEY：KA-0001 至 KA-0010"
printf '# 第二箱\r\nka-0101\r\nKA-0102\r\n\r\nKA-0103..KA-0105\r\n' >"$T/box2.txt"
expect_rc 0 as a clerk_a stock receive --file "$T/box2.txt"
has "已入库 5 个 KEY"
printf 'KA-0201\nKA-0202\n' | { expect_rc 0 as a clerk_a stock receive --file -; }
before=$(snapshot a)
expect_rc 1 as a clerk_a stock receive KA-0008..KA-0012
has "KEY KA-0008 已在受理点 SZFT 的台账上（在库），不能再入库；这一批都没有入库"
printf 'KA-0301\nKA 0302\n' >"$T/bad.txt"
expect_rc 1 as a clerk_a stock receive --file "$T/bad.txt"
has "第 2 行"
printf 'KA-0301\nKA-0301\n' >"$T/twice.txt"
expect_rc 2 as a clerk_a stock receive --file "$T/twice.txt"
has "出现了不止一次"
[ "$(snapshot a)" = "$before" ] || die "a refused receipt changed something"

# issue, and a double issue
expect_rc 0 as a super_a stock issue "$a1" KA-0001
has "已发放 KEY KA-0001 给申请单 $a1"
before=$(snapshot a)
expect_rc 1 as a super_a stock issue "$a2" KA-0001
has "KEY KA-0001 已经发放给申请单 $a1，不能重复发放"
expect_rc 1 as a super_a stock issue "$a1" KA-0002
has "已发放 KEY KA-0001"
expect_rc 1 as a super_a stock issue "$waiting" KA-0002
has "待审核"
expect_rc 1 as a super_a stock issue "$a2" KZ-9999
has "库存中没有序列号为 KZ-9999 的 KEY"
[ "$(snapshot a)" = "$before" ] || die "a refused issue changed something"

# damage, reissue, return
expect_rc 0 as a clerk_a stock damage ka-0001 --note USB接口损坏
has "已登记 KEY KA-0001 损坏（原发放给申请单 $a1）"
expect_rc 0 as a super_a stock issue "$a1" KA-0002
expect_rc 1 as a clerk_a stock return KA-0001 --note 顺丰SF100
has "审核员"
expect_rc 1 as a super_a stock return KA-0001 KA-0002 --note 顺丰SF100
has "KEY KA-0002 已发放给申请人"
has "这一批都没有退回"
expect_rc 0 as a super_a stock return KA-0001 KA-0009..KA-0010 --note 顺丰SF100
has "已退回中心 3 个 KEY"

expect_rc 0 as a clerk_a stock list
has "台账：在库 13，已发放 1，已损坏 0，已退回 3，合计 17"
has "累计：入库 17，发放 2，损坏 1，退回 3"
grep -qE '^KA-0002 +已发放 +[0-9-]+ [0-9:]+ +'"$a1"' *$' <<<"$out" || die "issued row: $out"
expect_rc 0 as a clerk_a stock list --state returned
has "KA-0001"
has "顺丰SF100"
[ "$(grep -c '^KA-' <<<"$out")" = 3 ] || die "three returned: $out"
expect_rc 0 as a clerk_a stock list --serial ka-01 --limit 2
[ "$(grep -c '^KA-01' <<<"$out")" = 2 ] || die "limit: $out"
has "共 5 个，只列出前 2 个"
for c in receive issue damage return; do
	n=$(tq a "SELECT count(*) FROM outbox WHERE command = 'stock.$c@1'")
	m=$(tq a "SELECT count(*) FROM audit_log WHERE action = 'stock.$c'")
	[ "$n" = "$m" ] && [ "$n" -gt 0 ] || die "stock.$c: $n outbox, $m audit entries"
done

# ---- the certificate made with a KEY: one transaction ----
# `application make NUMBER SERIAL --key KEY` marks the application made and
# issues the KEY together; when the KEY cannot be issued (unknown, issued
# before, damaged, not a serial) neither happens.
a3=$(new_app a 13800000004 周九 110101199003070011)
as a super_a application accept "$a3" >/dev/null
printf '%%PDF-1.4\nslip\n%%%%EOF\n' >"$T/slip.pdf"
pay() { # number phone: an order for it, paid by a transfer verified
	expect_rc 0 as a clerk_a order place "$1" --contact "$2"
	local o
	o=$(tail -n 1 <<<"$out")
	expect_rc 0 as a clerk_a order transfer "$o" --payer 付款人 --account 6222020012345678 --bank 工商银行 \
		--ref "TX$2" --date 2026-11-25 --amount 200 --slip "$T/slip.pdf"
	expect_rc 0 as a super_a order verify "$o"
}
pay "$a3" 13800000004
expect_rc 0 as a clerk_a stock damage KA-0105 --note 外壳破裂
app_row() { tq a "SELECT status || '|' || issued_serial || '|' || coalesce(made_at, '') || '|' || version FROM applications WHERE number = '$a3'"; }
audits() { tq a "SELECT count(*) FROM audit_log WHERE action IN ('application.make', 'stock.issue')"; }
before=$(snapshot a); app_before=$(app_row); audits_before=$(audits)
[ "${app_before%%|*}" = accepted ] || die "a3 not accepted: $app_before"
expect_rc 2 as a super_a application make "$a3" 5A3F01 --key
expect_rc 2 as a super_a application make "$a3" 5A3F01 --key ""
has "--key 需要 KEY 的序列号"
expect_rc 2 as a super_a application ship "$a3" 顺丰 SF1 --key KA-0103
has "--key 只用于 application make"
expect_rc 1 as a super_a application make "$a3" 5A3F01 --key KZ-9999
has "库存中没有序列号为 KZ-9999 的 KEY"
expect_rc 1 as a super_a application make "$a3" 5A3F01 --key KA-0002
has "KEY KA-0002 已经发放给申请单 $a1，不能重复发放"
expect_rc 1 as a super_a application make "$a3" 5A3F01 --key KA-0105
has "KA-0105 已登记为损坏，不能发放"
expect_rc 1 as a super_a application make "$a3" 5A3F01 --key "KA 0103"
[ "$(snapshot a)" = "$before" ] || die "a refused make with a KEY changed the stock"
[ "$(app_row)" = "$app_before" ] || die "a refused make with a KEY marked the application: $(app_row)"
[ "$(audits)" = "$audits_before" ] || die "a refused make with a KEY was audited"
expect_rc 0 as a super_a application show "$a3"
has "状态      申请受理中（accepted）"
hasnt "KEY "
# a KEY given in lower case, with blanks: normalised, issued, made
expect_rc 0 as a super_a application make "$a3" 5A3F01 --key " ka-0103 "
has "已发放 KEY KA-0103 给申请单 $a3"
has "完成：application make $a3"
[ "$(app_row | cut -d'|' -f1,2)" = "ready|5A3F01" ] || die "a3 not made: $(app_row)"
a3_id=$(tq a "SELECT id FROM applications WHERE number = '$a3'")
[ "$(tq a "SELECT state || '|' || application_id FROM key_stock WHERE serial = 'KA-0103'")" = "issued|$a3_id" ] ||
	die "KA-0103 not issued to a3"
[ "$(tq a "SELECT count(*) FROM key_moves WHERE kind = 'issue' AND application_id = '$a3_id' AND note = '$a3'")" = 1 ] ||
	die "no issue movement for a3"
[ "$(audits)" = $((audits_before + 2)) ] || die "make and issue not audited once each"
# the make first, then the issue, in the outbox as in the audit log
[ "$(tq a "SELECT group_concat(command, ' ') FROM (SELECT command FROM outbox ORDER BY seq DESC LIMIT 2)")" = "stock.issue@1 application.make@1" ] ||
	die "outbox order: $(tq a "SELECT command FROM outbox ORDER BY seq DESC LIMIT 2")"
expect_rc 0 as a super_a application show "$a3"
has "状态      可领取（ready）"
has "KEY       KA-0103（已发放）"
# made already: refused, the KEY untouched
before=$(snapshot a)
expect_rc 1 as a super_a application make "$a3" 5A3F02 --key KA-0104
[ "$(snapshot a)" = "$before" ] || die "a second make changed the stock"
# without --key, as before: made, no KEY
a4=$(new_app a 13800000005 吴十 110101199003074258)
as a super_a application accept "$a4" >/dev/null
pay "$a4" 13800000005
before=$(snapshot a)
expect_rc 0 as a super_a application make "$a4" 5A3F03
hasnt "已发放 KEY"
[ "$(tq a "SELECT status FROM applications WHERE number = '$a4'")" = ready ] || die "a4 not made"
[ "$(snapshot a | cut -d'|' -f1-4,6)" = "$(cut -d'|' -f1-4,6 <<<"$before")" ] || die "a make without a KEY moved the stock"

# ---- to the centre, and back ----
expect_rc 0 term a sync
has "冲突 0"
same() { # what, query (the same at both ends), terminal
	diff <(cq "$2") <(tq "$3" "$2") >"$T/diff.txt" || { cat "$T/diff.txt"; die "$1 differ between the centre and $3"; }
}
same "KEYs" "SELECT serial, state, coalesce(application_id, ''), received_move, last_move, version FROM key_stock ORDER BY serial" a
same "movements" "SELECT id, kind, count, first_serial, last_serial, note, version FROM key_moves ORDER BY id" a
same "lines" "SELECT move_id, serial, from_state FROM key_move_items ORDER BY move_id, serial" a
# the make and the issue of one transaction, replayed in order
[ "$(cq "SELECT a.status || '|' || k.state FROM applications a JOIN key_stock k ON k.application_id = a.id
	WHERE a.number = '$a3'")" = "ready|issued" ] || die "a3 and KA-0103 at the centre"
[ "$(cq "SELECT count(*) FROM key_stock k JOIN offices o ON o.id = k.office_id WHERE o.code = 'SZFT'")" = 17 ] ||
	die "the centre's ledger"
[ "$(tq a "PRAGMA foreign_key_check" | wc -l)" = 0 ] || die "foreign keys broken on A"
# Two movements of one KEY between syncs (issued, then brought back
# broken): the second does not collide with the version the first changed.
[ "$(tq a "SELECT version > 0 FROM key_stock WHERE serial = 'KA-0003'")" = 1 ] || die "versions not pulled"
expect_rc 0 as a super_a stock issue "$a2" KA-0003
expect_rc 0 as a clerk_a stock damage KA-0003 --note 当场损坏
expect_rc 0 term a sync
has "冲突 0"
[ "$(cq "SELECT state || '|' || application_id FROM key_stock WHERE serial = 'KA-0003'")" = "damaged|$(cq "SELECT id FROM applications WHERE number = '$a2'")" ] ||
	die "KA-0003 at the centre: $(cq "SELECT state FROM key_stock WHERE serial = 'KA-0003'")"

# ---- office B (BJHD) ----
setup b BJHD 北京海淀受理点
b1=$(new_app b 13900000001 钱七 110101200002290018)
b2=$(new_app b 13900000002 孙八 11010519491231002X)
[ -n "$b1" ] && [ -n "$b2" ] || die "no applications at B"
as b super_b application accept "$b1" >/dev/null
as b super_b application accept "$b2" >/dev/null
CERTDESK_PASSWORD=Adm1nPass expect_rc 0 term b --user admin_b sync --enroll "$url" "$code_b"
expect_rc 0 term b sync
[ "$(tq b "SELECT count(*) FROM key_stock")" = 0 ] || die "B sees SZFT's KEYs"
expect_rc 0 as b clerk_b stock receive KB-0001..KB-0003
expect_rc 1 as b super_b stock issue "$b1" KA-0003
has "库存中没有序列号为 KA-0003 的 KEY"
# B receives one of A's KEYs offline: fine here, refused at the centre.
expect_rc 0 as b clerk_b stock receive KA-0004 --note 误收
expect_rc 0 term b sync
has "冲突 1"
expect_rc 0 term b sync --conflicts
has "KA-0004"
has "SZFT"
[ "$(cq "SELECT o.code FROM key_stock k JOIN offices o ON o.id = k.office_id WHERE serial = 'KA-0004'")" = SZFT ] ||
	die "the centre gave A's KEY to B"
[ "$(cq "SELECT count(*) FROM key_stock k JOIN offices o ON o.id = k.office_id WHERE o.code = 'BJHD'")" = 3 ] ||
	die "B's own batch at the centre"
# A terminal that believes it holds A's KEY (its database edited) issues it:
# the centre refuses, naming the KEY's office.
tq b "INSERT INTO key_stock (serial, office_id, state, received_move, last_move, updated_at)
	SELECT 'KA-0005', office_id, 'in_stock', received_move, received_move, updated_at FROM key_stock WHERE serial = 'KB-0001'"
expect_rc 0 as b super_b stock issue "$b1" KA-0005
expect_rc 0 term b sync
has "冲突 2"   # this one and the receipt above, still to be resolved
expect_rc 0 term b sync --conflicts
has "KEY KA-0005 属于受理点 SZFT 的库存，不能在本受理点办理"
[ "$(cq "SELECT state || coalesce(application_id, '-') FROM key_stock WHERE serial = 'KA-0005'")" = "in_stock-" ] ||
	die "the centre issued A's KEY to B's application"
expect_rc 0 as b super_b stock issue "$b2" KB-0002
expect_rc 0 term b sync
[ "$(cq "SELECT state FROM key_stock WHERE serial = 'KB-0002'")" = issued ] || die "B's issue at the centre"
# A still sees only its own.
expect_rc 0 term a sync
[ "$(tq a "SELECT count(*) FROM key_stock WHERE serial LIKE 'KB-%'")" = 0 ] || die "A sees BJHD's KEYs"
for d in a b; do
	expect_rc 0 term "$d" audit verify
	has "审计日志完整"
done
echo "ok: stock"
