#!/bin/sh
# page-art: the album pictures on the HTML page in a real browser.
# Headless Chromium, driven over the DevTools protocol by
# tests/page_art.py, loads / from as_server over the library of
# tests/art-media.sh (embedded and folder pictures, a tall one, a small
# one, a folder with none): every group heading's picture loads
# (naturalWidth > 0) at the size /art/<index>?size=96 scales it to
# (never enlarged), shown in a 48x48 box and lazily loaded; the folder
# without a picture shows none and nothing asks for it; every /art answer
# is a 200 JPEG; no JavaScript error. A screenshot is left in
# $top_builddir/tests/artifacts/page-art.png.
#
# Needs Debian's chromium and python3-websocket (skipped without them,
# except in CI).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/chromium-lib.sh"

find_chromium
need curl ffmpeg
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
ARTIFACTS="$top_builddir/tests/artifacts"

L=$T/lib
sh "$top_srcdir/tests/art-media.sh" "$L" || bail "cannot make the media"
rm -r "$L/corrupt" # tests/art.sh checks a picture that does not decode
start_server -l "$L" --state-dir "$T/state"
# "art" is known once the tags are read, in the background.
tagged() {
	curl_ "$URL/list?format=json" | "$PYTHON" -c '
import json, sys
t = [t for t in json.load(sys.stdin)["tracks"] if t["path"] == "emb/05.opus"]
sys.exit(0 if t and t[0]["art"] else 1)'
}
wait_for 20 tagged || bail "the server did not read the tags in 20 s"
list_now || bail "no listing"

# What page_art.py expects: each group's picture (the first track of the
# folder with one) and the size ?size=96 makes of it; the track without.
pic() { printf '{"index": %s, "w": %s, "h": %s}' "$(index_of "$1")" "$2" "$3"; }
cat >"$T/expect.json" <<EOF2
{"pictures": [$(pic "emb/01 front.mp3" 96 64), $(pic folder/01.wav 96 72),
              $(pic tall/01.wav 32 96), $(pic small/01.wav 40 30)],
 "none": $(index_of none/01.wav)}
EOF2
[ -n "$(index_of none/01.wav)" ] || bail "none/01.wav is not listed"

start_chromium
rc=0
timeout 60 "$PYTHON" "$top_srcdir/tests/page_art.py" "$DEVTOOLS" "$URL" \
	"$T/expect.json" "$ARTIFACTS" >"$T/results" 2>"$T/page.err" || rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*)
		rest=${line#ok }
		ok "${rest%% *}" "${rest#* }"
		;;
	*) echo "$line" ;;
	esac
done <"$T/results"
sed 's/^/# page_art.py: /' "$T/page.err"
ok $rc "page_art.py ran to the end (status $rc)"
plan "$_tap_n"
finish
