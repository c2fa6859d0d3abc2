#!/usr/bin/env bash
# Sync faults: the same batches delivered several times and out of order.
# Two copies of one centre (the second copied after the terminal enrolled,
# so both know its secret): the terminal syncs with the first through
# `certdesk sync`, one clean delivery; its outbox is then sent to the
# second by hand with curl and the terminal's credentials (from its
# settings table), in small batches, each batch several times, old batches
# arriving late after newer ones, everything again shuffled. The second
# centre must end identical to the first: every record, every version, the
# change feed, the op log. Batches whose ops do not depend on each other,
# delivered in the reverse order, leave the same records (versions aside:
# they are places in the centre's feed).
# Then the gaps server.sh leaves in what a terminal may send: a revoked or
# borrowed secret on the file routes, one op twice in one batch, bodies
# nested too deep, not UTF-8, with a NUL, payloads of the wrong types.
source "$(dirname "$0")/lib_sync_faults.sh"
t_begin=$(now_ms)

centre_init
centre_start
term_new a SZFT "$CURL_BASE"
# The second centre: a copy, on its own port and file directory.
cq ".backup '$T/centre2.db'"
PORT2=$(free_port)
URL2=http://127.0.0.1:$PORT2
"$CERTDESK_BIN/certdeskd" --db "$T/centre2.db" --data "$T/centre2-files" --listen "127.0.0.1:$PORT2" \
	2>>"$T/certdeskd.log" &
C2=$!
reap $C2
for i in $(seq 200); do curl -s -o /dev/null "$URL2/v1/health" && break; sleep 0.02; done
c2q() { sqlite3 -cmd '.timeout 5000' "$T/centre2.db" "$1"; }

# Work that builds on itself: imports, then edits made on the versions
# the centre gave back (base_version > 0).
work a 1 20
expect_rc 0 term a sync
# One edit per record per round: a second offline edit of the same record
# is refused as a conflict by the centre today (see the report of this test's
# author: base_version is the version last pulled, for every op).
for verb in agree "paper"; do
	for n in $(tq a "SELECT number FROM applications ORDER BY number LIMIT 4"); do
		if [ $verb = agree ]; then expect_rc 0 term a --user admin_a application agree "$n"
		else expect_rc 0 term a --user admin_a application paper "$n" holder_id; fi
	done
	expect_rc 0 term a sync
	has "冲突 0"
done
[ "$(tq a "SELECT count(*) FROM outbox WHERE base_version > 0")" -ge 8 ] || die "no edits on centre versions"
nops=$(tq a "SELECT count(*) FROM outbox")

AUTH="$(tq a "SELECT value FROM settings WHERE key = 'terminal_id'").$(tq a "SELECT value FROM settings WHERE key = 'sync_secret'")"
# The outbox as batches of the engine's envelopes (docs/SYNC.md, Push).
python3 - "$T/a/certdesk.db" "$T/batch" 7 <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT op_id, command, actor_id, entity, entity_id, base_version, created_at,"
                  " payload FROM outbox ORDER BY seq").fetchall()
ops = [{"op_id": r[0], "command": r[1], "actor_id": r[2], "entity": r[3], "entity_id": r[4],
        "base_version": r[5], "at": r[6], "payload": json.loads(r[7])} for r in rows]
size = int(sys.argv[3])
for k in range(0, len(ops), size):
    with open("%s.%d.json" % (sys.argv[2], k // size), "w") as f:
        json.dump({"ops": ops[k:k + size]}, f, ensure_ascii=False)
PY
nb=$(ls "$T"/batch.*.json | wc -l)
deliveries=0
# deliver K: send batch K to the second centre; STATUSES gets the answers.
deliver() {
	local code
	code=$(curl -s --max-time 30 -o "$T/answer.json" -w '%{http_code}' -H "Authorization: Bearer $AUTH" \
		-H 'Content-Type: application/json' --data-binary "@$T/batch.$1.json" "$URL2/v1/sync/push")
	[ "$code" = 200 ] || die "batch $1: HTTP $code: $(cat "$T/answer.json")"
	STATUSES=$(jq -r '[.results[].status] | unique | join(" ")' "$T/answer.json")
	deliveries=$((deliveries + 1))
}
RANDOM=$(( $(date +%s) % 32768 ))
for k in $(seq 0 $((nb - 1))); do
	deliver "$k"
	[ "$STATUSES" = applied ] || die "batch $k, first delivery: $STATUSES"
	deliver "$k"
	[ "$STATUSES" = duplicate ] || die "batch $k again: $STATUSES"
	if [ "$k" -gt 0 ]; then
		deliver $((RANDOM % k)) # an old batch arrives late
		[ "$STATUSES" = duplicate ] || die "a late batch: $STATUSES"
	fi
done
for round in 1; do
	for k in $(seq 0 $((nb - 1)) | shuf); do
		deliver "$k"
		[ "$STATUSES" = duplicate ] || die "shuffled batch $k: $STATUSES"
	done
done
# One batch made of every op, the way the engine itself would send it.
python3 -c "
import json, glob
ops = []
for k in range($nb): ops += json.load(open('$T/batch.%d.json' % k))['ops']
json.dump({'ops': ops}, open('$T/batch.all.json', 'w'), ensure_ascii=False)"
deliver all
[ "$STATUSES" = duplicate ] || die "everything at once: $STATUSES"

# dump DB [versions]: the centre's records, feed and op log, for comparison.
dump() {
	python3 - "$1" "${2:-with}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
versions = sys.argv[2] == "with"
skip = {"sync_ops": {"received_at"}, "sync_terminals": {"last_seen_at"}}
tables = ["offices", "terminals", "staff", "price_list", "applicants", "applications",
          "application_paper_docs", "attachments", "sync_ops"] + (["changes"] if versions else [])
for t in tables:
    cols = [r[1] for r in db.execute('PRAGMA table_info("%s")' % t)
            if r[1] not in skip.get(t, set()) and (versions or r[1] not in ("version", "seq"))]
    for row in sorted(db.execute('SELECT %s FROM "%s"' % (", ".join('"%s"' % c for c in cols), t)),
                      key=repr):
        print(t, row)
print("audit", list(db.execute("SELECT action, entity_id, actor_id, at FROM audit_log ORDER BY seq")))
PY
}
diff <(dump "$CDB") <(dump "$T/centre2.db") >"$T/diff.txt" ||
	{ head -30 "$T/diff.txt"; die "the centre fed by hand differs from the one fed once"; }
[ "$(c2q "SELECT count(*) FROM sync_ops WHERE op_id IN (SELECT op_id FROM sync_ops)")" = "$(cq "SELECT count(*) FROM sync_ops")" ] ||
	die "op counts differ"
ok "$nops ops in $nb batches, $deliveries deliveries (repeated, late, shuffled): identical to one delivery"

# Independent batches the other way round: ten applicants, each with its
# application, one batch per applicant, the last first.
work a 31 10
python3 - "$T/a/certdesk.db" "$T/ind" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT op_id, command, actor_id, entity, entity_id, base_version, created_at,"
                  " payload FROM outbox WHERE state = 'pending' ORDER BY seq").fetchall()
groups = {}
for r in rows:
    p = json.loads(r[7])
    owner = p.get("applicant_id") if r[3] == "application" else r[4]
    groups.setdefault(owner, []).append({"op_id": r[0], "command": r[1], "actor_id": r[2],
        "entity": r[3], "entity_id": r[4], "base_version": r[5], "at": r[6], "payload": p})
for i, ops in enumerate(groups.values()):
    json.dump({"ops": ops}, open("%s.%d.json" % (sys.argv[2], i), "w"), ensure_ascii=False)
assert len(groups) == 10, len(groups)
PY
expect_rc 0 term a sync
has "已推送 20、"
for k in 9 8 7 6 5 4 3 2 1 0; do
	cp "$T/ind.$k.json" "$T/batch.ind$k.json"
	deliver "ind$k"
	[ "$STATUSES" = applied ] || die "independent batch $k: $STATUSES"
done
for k in 0 5 9; do deliver "ind$k"; [ "$STATUSES" = duplicate ] || die "independent batch $k again"; done
diff <(dump "$CDB" without | grep -v '^audit') <(dump "$T/centre2.db" without | grep -v '^audit') >"$T/diff.txt" ||
	{ head -30 "$T/diff.txt"; die "independent batches in reverse order left other records"; }
ok "independent batches in reverse order: the same records"

# ---- what server.sh does not send ------------------------------------------------------
# call METHOD PATH AUTH [curl options]: CODE and BODY from the first centre.
call() {
	local m=$1 p=$2 auth=$3
	shift 3
	local h=()
	[ -n "$auth" ] && h=(-H "Authorization: Bearer $auth")
	CODE=$(curl -s --max-time 30 -o "$T/body" -w '%{http_code}' -X "$m" "${h[@]}" "$@" "$CURL_BASE$p")
	BODY=$(cat "$T/body")
}
refused() { # NAME CODE ERROR
	[ "$CODE" = "$2" ] || die "$1: HTTP $CODE, wanted $2: $BODY"
	jq -e "(.error == \"$3\") and (.message | test(\"[\\\\p{Han}]\"))" >/dev/null <<<"$BODY" ||
		die "$1: wanted error $3 with a Chinese message: $BODY"
	ok "$1: $2 $3"
}
alive() { curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$CURL_BASE/v1/health" | grep -q 200 || die "certdeskd died: $1"; }
snapshot() { sqlite3 -cmd '.timeout 5000' "$CDB" .dump | grep -v '^INSERT INTO sync_terminals' | sha256sum; }

TID=${AUTH%%.*}
# A second terminal: its secret with the first one's id is no key.
expect_rc 0 term_new b SZFT "$CURL_BASE"
AUTH_B="$(tq b "SELECT value FROM settings WHERE key = 'terminal_id'").$(tq b "SELECT value FROM settings WHERE key = 'sync_secret'")"
call GET "/v1/sync/pull?since=0&limit=1" "$TID.${AUTH_B#*.}"
refused "a terminal's id with another terminal's secret" 401 auth
call GET "/v1/sync/pull?since=0&limit=1" "$AUTH_B "
[ "$CODE" = 401 ] || [ "$CODE" = 200 ] || die "a trailing blank: HTTP $CODE"
call GET "/v1/sync/pull?since=0&limit=1" "" -H "Authorization: Basic $(printf 'x:y' | base64)"
[ "$CODE" = 401 ] || die "Basic credentials: HTTP $CODE"
ok "Basic credentials: 401"

before=$(snapshot)
python3 -c "import sys; sys.stdout.write('{\"ops\": ' + '[' * 100000 + ']' * 100000 + '}')" >"$T/deep.json"
call POST /v1/sync/push "$AUTH" -H 'Content-Type: application/json' --data-binary "@$T/deep.json"
refused "100,000 nested brackets in a batch" 400 bad_json
alive "nested brackets"
python3 -c "import sys; sys.stdout.write('{\"code\": ' + '{\"a\": ' * 50000 + '1' + '}' * 50000 + '}')" >"$T/deep2.json"
call POST /v1/enroll "" -H 'Content-Type: application/json' --data-binary "@$T/deep2.json"
[ "${CODE:0:1}" = 4 ] || die "50,000 nested objects to enrol: HTTP $CODE"
alive "nested objects"
printf '{"ops": [{"op_id": "\xff\xfe", "command": "applicant.register@1"}]}' >"$T/latin.json"
call POST /v1/sync/push "$AUTH" -H 'Content-Type: application/json' --data-binary "@$T/latin.json"
refused "a batch that is not UTF-8" 400 bad_json
printf '{"ops": [\0]}' >"$T/nul.json"
call POST /v1/sync/push "$AUTH" -H 'Content-Type: application/json' --data-binary "@$T/nul.json"
refused "a batch with a NUL byte" 400 bad_json
head -c 300000 /dev/urandom >"$T/noise.bin"
call POST /v1/sync/push "$AUTH" -H 'Content-Type: application/json' --data-binary "@$T/noise.bin"
refused "random bytes as a batch" 400 bad_json
[ "$(snapshot)" = "$before" ] || die "refused bodies changed the centre"
ok "refused bodies changed nothing"

# One op twice in one batch, and payloads of the wrong types.
STAFF=$(tq a "SELECT id FROM staff WHERE username = 'admin_a'")
OFFICE=$(tq a "SELECT value FROM settings WHERE key = 'office_id'")
python3 - "$T" "$STAFF" "$OFFICE" <<'PY'
import json, sys, uuid, time, random
t, staff, office = sys.argv[1:4]
def u7():
    ms = int(time.time() * 1000); r = random.getrandbits(74)
    return str(uuid.UUID(int=(ms << 80) | (0x7 << 76) | ((r >> 62) << 64) | (0x2 << 62) | (r & ((1 << 62) - 1))))
def reg(phone, **over):
    i = u7()
    p = {"id": i, "phone": phone, "name": "重复", "id_number": "11010519491231002X", "email": "",
         "address": "", "postal_code": "", "portal_pw_hash": "", "verified_at": "2026-11-20T08:59:00Z",
         "office_id": office}
    p.update(over)
    return {"op_id": u7(), "command": "applicant.register@1", "actor_id": staff, "entity": "applicant",
            "entity_id": i, "base_version": 0, "at": "2026-11-20T09:00:00Z", "payload": p}
op = reg("13600000001")
json.dump({"ops": [op, op]}, open(t + "/twice.json", "w"), ensure_ascii=False)
bad = [reg(13600000002), reg("13600000003", name={"x": 1}), reg("13600000004", name="长" * 100000),
       reg("13600000005", id_number=110105194912310020)]
bad[0]["payload"]["phone"] = 13600000002
bad.append(dict(reg("13600000006"), payload=[1, 2]))
bad.append(dict(reg("13600000007"), base_version="one"))
json.dump({"ops": bad}, open(t + "/types.json", "w"), ensure_ascii=False)
PY
call POST /v1/sync/push "$AUTH" -H 'Content-Type: application/json' --data-binary "@$T/twice.json"
[ "$CODE" = 200 ] || die "one op twice: HTTP $CODE"
[ "$(jq -r '[.results[].status] | join(" ")' <<<"$BODY")" = "applied duplicate" ] || die "one op twice: $BODY"
[ "$(cq "SELECT count(*) FROM applicants WHERE phone = '13600000001'")" = 1 ] || die "one op twice made two"
ok "one op twice in one batch: applied, then duplicate"
napp=$(cq "SELECT count(*) FROM applicants")
call POST /v1/sync/push "$AUTH" -H 'Content-Type: application/json' --data-binary "@$T/types.json"
[ "$CODE" = 200 ] || [ "$CODE" = 400 ] || die "wrong types: HTTP $CODE: $BODY"
if [ "$CODE" = 200 ]; then
	jq -e '[.results[] | .status == "rejected" and (.message | test("[\\p{Han}]"))] | all and length == 6' \
		>/dev/null <<<"$BODY" || die "wrong types: not each refused with a reason: $BODY"
fi
[ "$(cq "SELECT count(*) FROM applicants")" = "$napp" ] || die "a payload of the wrong types made an applicant"
alive "wrong types"
ok "payloads of the wrong types: each refused with a reason ($CODE), nothing made"

# A scan whose upload finished at the centre but was never marked done at
# the terminal (killed in between): the next round asks the centre (HEAD,
# whose Content-Length is the whole file) and goes on. It once failed every
# round with "应答过大": the adapter capped a HEAD's announced length.
number=$(tq a "SELECT number FROM applications ORDER BY number LIMIT 1")
{ printf '%%PDF-1.4\n'; head -c 400000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/scan.pdf"
expect_rc 0 term a --user admin_a application attach "$number" holder_id "$T/scan.pdf"
SCAN=$(sha256sum "$T/scan.pdf" | cut -c1-64)
SIZE=$(stat -c %s "$T/scan.pdf")
call PUT "/v1/blobs/$SCAN" "$AUTH" -H "Content-Range: bytes 0-$((SIZE - 1))/$SIZE" \
	-H 'Content-Type: application/octet-stream' --data-binary "@$T/scan.pdf"
[ "$CODE" = 201 ] || die "the scan by hand: HTTP $CODE: $BODY"
[ -z "$(tq a "SELECT pushed_at FROM blobs WHERE sha256 = '$SCAN'")" ] || die "the scan is marked uploaded"
expect_rc 0 term a sync
has "冲突 0"
[ "$(tq a "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 0 ] || die "the scan's op still waits"
[ "$(cq "SELECT count(*) FROM attachments WHERE sha256 = '$SCAN'")" = 1 ] || die "the scan's op is not at the centre"
ok "a scan already whole at the centre, its upload unrecorded: the next round goes on"

# A revoked terminal on the file routes.
"$CERTDESK_BIN/certdeskd" terminal revoke --db "$CDB" "$(tq b "SELECT value FROM settings WHERE key = 'terminal_id'")" >/dev/null
{ printf '%%PDF-1.4\n'; head -c 5000 /dev/urandom; } >"$T/r.pdf"
SHA=$(sha256sum "$T/r.pdf" | cut -c1-64)
call PUT "/v1/blobs/$SHA" "$AUTH_B" -H "Content-Range: bytes 0-$(( $(stat -c %s "$T/r.pdf") - 1 ))/$(stat -c %s "$T/r.pdf")" \
	-H 'Content-Type: application/octet-stream' --data-binary "@$T/r.pdf"
refused "a revoked terminal uploading a file" 401 revoked
CODE=$(curl -s --max-time 10 -I -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AUTH_B" "$CURL_BASE/v1/blobs/$SHA")
[ "$CODE" = 401 ] || die "a revoked terminal asking after a file: HTTP $CODE"
ok "a revoked terminal asking after a file: 401"
[ -z "$(find "$T/centre-files" -name "$SHA*" 2>/dev/null)" ] || die "a revoked terminal's upload was kept"
expect_rc 1 term b sync
has "拒绝"

centre_stop
kill -TERM $C2 && wait $C2 || die "the second certdeskd did not stop cleanly"
no_sanitizer_reports
echo "sync_faults: ok ($(( ($(now_ms) - t_begin) / 1000 )) s)"
