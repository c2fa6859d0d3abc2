# Helpers of the print tests (print.sh, print_app.sh, print_docs.sh):
# running certdesk and checking what it printed with poppler's tools.
# The caller sets T (scratch), and for the command helpers B (certdesk) and
# D (its data directory), and counts failures in $failures.
# Sourced, not run: scripts/test.sh skips lib*.sh.

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
die() { echo "FAIL: $*"; exit 1; }
cd_() { "$B" --data "$D" "$@"; }
# run RC command...: run it, keep its output (both streams) in $out, check
# the exit status and that no sanitizer spoke.
run() {
	local want=$1
	shift
	out=$("$@" 2>&1)
	local rc=$?
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' <<<"$out"; then
		fail "sanitizer report from '$*': $out"
	fi
	if [ "$rc" != "$want" ]; then
		fail "'$*' exited $rc, wanted $want: $out"
		return 1
	fi
	return 0
}
has() { # label string...: each string is in $out
	local label=$1 s
	shift
	for s in "$@"; do grep -qF -- "$s" <<<"$out" || fail "$label: \"$s\" not in: $out"; done
}
sq() { sqlite3 "$D/certdesk.db" "$1"; }
pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
flat() { pdftotext "$1" - 2>/dev/null | tr -d ' \n'; }
has_text() { # flat-file label string...
	local f=$1 label=$2 s
	shift 2
	for s in "$@"; do grep -qF -- "$s" "$f" || fail "$label: text \"$s\" not in the PDF"; done
}
# words of a PDF with their boxes: "page xMin yMin xMax yMax text", points
words() {
	pdftotext -bbox "$1" - 2>/dev/null | awk '
		/<page / { p++ }
		/<word / {
			match($0, /xMin="[0-9.]+"/); x0 = substr($0, RSTART + 6, RLENGTH - 7)
			match($0, /yMin="[0-9.]+"/); y0 = substr($0, RSTART + 6, RLENGTH - 7)
			match($0, /xMax="[0-9.]+"/); x1 = substr($0, RSTART + 6, RLENGTH - 7)
			match($0, /yMax="[0-9.]+"/); y1 = substr($0, RSTART + 6, RLENGTH - 7)
			t = $0; sub(/^.*">/, "", t); sub(/<\/word>.*$/, "", t)
			print p, x0, y0, x1, y1, t
		}'
}
no_overlap() { # words-file label
	local bad
	bad=$(awk '
		{ n++; P[n] = $1; X0[n] = $2; Y0[n] = $3; X1[n] = $4; Y1[n] = $5; W[n] = $6 }
		END {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
				if (P[i] != P[j]) continue
				ox = (X1[i] < X1[j] ? X1[i] : X1[j]) - (X0[i] > X0[j] ? X0[i] : X0[j])
				oy = (Y1[i] < Y1[j] ? Y1[i] : Y1[j]) - (Y0[i] > Y0[j] ? Y0[i] : Y0[j])
				if (ox > 0.6 && oy > 0.6) print "page " P[i] ": " W[i] " / " W[j]
			}
		}' "$1")
	[ -z "$bad" ] && pass "$2: no overlapping words" || fail "$2: overlapping words: $bad"
}
# the text inside a box (mm) of page 1, in reading order
text_in_box() { # words-file x y w h
	awk -v x="$2" -v y="$3" -v w="$4" -v h="$5" '
		BEGIN { k = 72 / 25.4; X0 = x * k - 0.8; Y0 = y * k - 0.8; X1 = (x + w) * k + 0.8; Y1 = (y + h) * k + 0.8 }
		$1 == 1 && $2 >= X0 && $4 <= X1 && $3 >= Y0 && $5 <= Y1 { printf "%s", $6 }' "$1"
}
lines_in_box() { # words-file x y w h: distinct baselines
	awk -v x="$2" -v y="$3" -v w="$4" -v h="$5" '
		BEGIN { k = 72 / 25.4; X0 = x * k - 0.8; Y0 = y * k - 0.8; X1 = (x + w) * k + 0.8; Y1 = (y + h) * k + 0.8 }
		$1 == 1 && $2 >= X0 && $4 <= X1 && $3 >= Y0 && $5 <= Y1 { b[int($5)] = 1 }
		END { n = 0; for (i in b) n++; print n }' "$1"
}
# every page renders, and not blank
renders() { # pdf label
	local pages n files ink
	pages=$(pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	rm -f "$T"/r-*.pgm
	pdftoppm -r 30 -gray "$1" "$T/r" 2>/dev/null || { fail "$2: pdftoppm failed"; return; }
	files=("$T"/r-*.pgm)
	n=${#files[@]}
	[ -e "${files[0]}" ] || n=0
	if [ "$n" != "$pages" ] || [ "$pages" -lt 1 ]; then
		fail "$2: pdftoppm rendered $n of $pages pages"
		return
	fi
	for f in "${files[@]}"; do
		# dark pixels in the page (the header of a PGM is skipped by tail)
		ink=$(tail -c +20 "$f" | od -An -v -tu1 | tr -s ' ' '\n' | awk '$1 != "" && $1 < 100 { n++ } END { print n + 0 }')
		[ "$ink" -gt 200 ] || { fail "$2: $(basename "$f") is blank"; return; }
	done
	pass "$2: $pages page(s) render"
}
one_subset_font() { # pdf label
	pdffonts "$1" >"$T/fonts.txt" 2>&1
	if awk 'NR > 2 && $1 ~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+WenQuanYiZenHei$/ && / yes +yes +yes / { ok = 1 } END { exit !ok }' "$T/fonts.txt" &&
		[ "$(awk 'NR > 2' "$T/fonts.txt" | wc -l)" -eq 1 ]; then
		pass "$2: one font, WenQuanYi Zen Hei embedded as a subset"
	else
		fail "$2: font not embedded as one subset: $(cat "$T/fonts.txt")"
	fi
}
