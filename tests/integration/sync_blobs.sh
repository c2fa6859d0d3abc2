#!/usr/bin/env bash
# Files that move on demand (src/sync/fetch.c, sync_blob_fetch): terminal A
# of an office attaches a scan and an e-invoice and syncs; terminal C, the
# centre's own (enrolled with --all-offices), pulls the rows but not the
# files, and fetches a file when it is first asked for, through the CLI
# path the screens' O/X keys take (sync_attachment_copy):
# `order export-invoice` and `application export`. A file the centre does not have yet is a clear
# message; an answer whose bytes do not hash to the name (a damaged file at
# the centre) is refused and nothing is written: no blob, no export, no -o
# file, no audit entry. Once the centre's file is sound again the fetch
# succeeds, byte for byte, and a second export needs no network.
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
export LANG=C.UTF-8 LC_ALL=C.UTF-8
. "$(dirname "$0")/lib_die.sh"
term() { local d=$1; shift; "$CERTDESK_BIN/certdesk" --data "$T/$d" "$@"; }
as() { local d=$1 u=$2; shift 2; CERTDESK_PASSWORD=Passw0rd1 term "$d" --user "$u" "$@"; }
cq() { sqlite3 "$T/centre.db" "$1"; }
tq() { sqlite3 "$T/$1/certdesk.db" "$2"; }
blob_of() { echo "$1/blobs/${2:0:2}/${2:2:2}/$2"; } # dir sha

# ---- the centre: an office, its terminal, and the centre's own ----
echo Root1234 | "$CERTDESK_BIN/certdeskd" init --db "$T/centre.db" --office HQ --office-name 总部 --admin root >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$T/centre.db" --code SZFT --name 深圳福田受理点 >/dev/null
code_a=$("$CERTDESK_BIN/certdeskd" terminal add --db "$T/centre.db" --office SZFT --name 一号窗口 | sed -n 's/^登记码：//p')
code_c=$("$CERTDESK_BIN/certdeskd" terminal add --db "$T/centre.db" --office HQ --name 审核席 --all-offices |
	sed -n 's/^登记码：//p')
[ -n "$code_a" ] && [ -n "$code_c" ] || die "no enrolment codes"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CERTDESK_BIN/certdeskd" --db "$T/centre.db" --data "$T/centre-files" --listen "127.0.0.1:$port" \
	2>"$T/certdeskd.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
url=http://127.0.0.1:$port
for i in $(seq 200); do curl -s --noproxy '*' "$url/v1/health" >/dev/null && break; sleep 0.05; done
export no_proxy='*' NO_PROXY='*'

# ---- terminal A: a scan and an e-invoice, synced ----
echo Adm1nPass | term a init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin_a >/dev/null
for u in "clerk_a 受理员 clerk" "super_a 审核员 supervisor"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass term a --user admin_a staff add "$1" "$2" "$3" >/dev/null
	echo Passw0rd1 | CERTDESK_PASSWORD=Start123 term a --user "$1" staff passwd >/dev/null
done
CERTDESK_PASSWORD=Adm1nPass expect_rc 0 term a --user admin_a sync --enroll "$url" "$code_a"
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13800000001,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,,\n' >"$T/people.csv"
expect_rc 0 as a clerk_a import applicants "$T/people.csv"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13800000001,new,personal,,1,\n' >"$T/apps.csv"
expect_rc 0 as a clerk_a import applications "$T/apps.csv"
N=$(sed -n 's/^line [0-9]*: //p' <<<"$out")
[ -n "$N" ] || die "no application: $out"
{ printf '%%PDF-1.4\n%% scan of an ID card\n'; head -c 300000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/scan.pdf"
expect_rc 0 as a clerk_a application attach "$N" holder_id "$T/scan.pdf"
expect_rc 0 as a clerk_a application agree "$N"
expect_rc 0 as a clerk_a application submit "$N"
expect_rc 0 as a super_a application accept "$N"
expect_rc 0 as a clerk_a order place "$N" --contact 13800000001
O=$(tail -n 1 <<<"$out")
printf '%%PDF-1.4\nslip\n%%%%EOF\n' >"$T/slip.pdf"
expect_rc 0 as a clerk_a order transfer "$O" --payer 张三 --account 6222020012345678 --bank 工商银行 \
	--ref TX0001 --date 2026-11-25 --amount 200 --slip "$T/slip.pdf"
expect_rc 0 as a super_a order verify "$O"
{ printf '%%PDF-1.4\n%% e-invoice\n'; head -c 200000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/invoice.pdf"
expect_rc 0 as a clerk_a order invoice "$O" "$T/invoice.pdf"
expect_rc 0 term a sync
has "冲突 0"
[ "$(tq a "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 0 ] || die "ops left on A"
inv=$(sha256sum "$T/invoice.pdf" | cut -d' ' -f1)
scan=$(sha256sum "$T/scan.pdf" | cut -d' ' -f1)
for s in "$inv" "$scan"; do
	f=$(blob_of "$T/centre-files" "$s")
	[ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$s" ] || die "file $s not at the centre"
done

# ---- terminal C: the centre's own, every office ----
echo Adm1nPass | term c init --office HQ --office-name 总部 --terminal 审核席 --admin admin_c >/dev/null
export CERTDESK_PASSWORD=Adm1nPass
expect_rc 0 term c --user admin_c sync --enroll "$url" "$code_c"
expect_rc 0 term c sync
[ "$(tq c "SELECT status FROM orders WHERE number = '$O'")" = invoiced ] || die "the order did not come down"
[ "$(tq c "SELECT count(*) FROM attachments WHERE sha256 IN ('$inv', '$scan')")" = 2 ] ||
	die "the attachments' rows did not come down"
# Rows, not files: nothing of either file on C yet.
[ ! -e "$(blob_of "$T/c" "$inv")" ] && [ ! -e "$(blob_of "$T/c" "$scan")" ] || die "a pull carried a file"
exports() { find "$T/c/exports" -type f 2>/dev/null | wc -l; }
audits() { tq c "SELECT count(*) FROM audit_log WHERE action <> 'staff.login'"; }
c_blob=$(blob_of "$T/c" "$inv")
centre_blob=$(blob_of "$T/centre-files" "$inv")

# The centre without the file: a clear message, nothing written.
mv "$centre_blob" "$T/invoice.away"
a0=$(audits)
expect_rc 1 term c --user admin_c order export-invoice "$O" -o "$T/out.pdf"
has "中心还没有这个附件文件"
[ ! -e "$c_blob" ] && [ ! -e "$T/out.pdf" ] && [ "$(exports)" = 0 ] && [ "$(audits)" = "$a0" ] ||
	die "a missing file left something behind"

# A damaged file at the centre: same size, one byte changed. Its bytes do
# not hash to the name: refused, and nothing is written.
cp "$T/invoice.away" "$centre_blob"
printf 'X' | dd of="$centre_blob" bs=1 seek=100 conv=notrunc status=none
[ "$(sha256sum "$centre_blob" | cut -d' ' -f1)" != "$inv" ] || die "the damage did not take"
expect_rc 1 term c --user admin_c order export-invoice "$O" -o "$T/out.pdf"
has "与其摘要不符，已丢弃"
[ ! -e "$c_blob" ] || die "the damaged file was stored"
[ -z "$(find "$T/c/blobs" -type f 2>/dev/null)" ] || die "something under blobs/: $(find "$T/c/blobs" -type f)"
[ ! -e "$T/out.pdf" ] && [ "$(exports)" = 0 ] && [ "$(audits)" = "$a0" ] || die "a refused fetch left something behind"

# Sound again: fetched, checked, stored under its name, exported.
cp "$T/invoice.away" "$centre_blob"
expect_rc 0 term c --user admin_c order export-invoice "$O" -o "$T/out.pdf"
cmp -s "$T/out.pdf" "$T/invoice.pdf" || die "the exported invoice differs"
[ -f "$c_blob" ] && [ "$(sha256sum "$c_blob" | cut -d' ' -f1)" = "$inv" ] || die "the fetched file was not stored"
[ "$(audits)" -gt "$a0" ] || die "the export was not audited"
# The application's scan, the same way (the O/X keys' path for scans).
expect_rc 2 term c --user admin_c application export "$N"
expect_rc 1 term c --user admin_c application export "$N" licence
has "没有“营业执照副本复印件”的扫描件"
expect_rc 0 term c --user admin_c application export "$N" holder_id -o "$T/scan-out.pdf"
cmp -s "$T/scan-out.pdf" "$T/scan.pdf" || die "the exported scan differs"
[ -f "$(blob_of "$T/c" "$scan")" ] || die "the fetched scan was not stored"
# Now local: no network needed (the centre is stopped).
kill $pid
wait $pid 2>/dev/null || true
expect_rc 0 term c --user admin_c order export-invoice "$O"
cmp -s "$(tail -n 1 <<<"$out")" "$T/invoice.pdf" || die "the second export differs: $out"
echo "ok: files fetched on demand, checked, refused when damaged"
