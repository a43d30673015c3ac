#!/bin/sh
# page: the HTML page in a real browser. Headless Chromium, driven over the
# DevTools protocol by tests/page.py, loads / from a running as_server:
# one row per track, no failed request, every format's duration as the
# browser reads it, play (currentTime advances, duration matches ffprobe),
# seek to the middle, the next track plays when one ends, the search box
# filters, no sideways scrolling at phone width. Screenshots (desktop and
# phone) are left in $top_builddir/tests/artifacts/ for people to look at.
#
# Needs Debian's chromium and python3-websocket (skipped without them).
. "$top_srcdir/tests/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
	missing "chromium is not installed (apt-get install chromium)"
PYTHON=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import websocket' 2>/dev/null; then
		PYTHON=$p
		break
	fi
done
[ -n "$PYTHON" ] ||
	missing "python3-websocket is not installed (apt-get install python3-websocket)"
need curl sox ffmpeg ffprobe
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
ARTIFACTS="$top_builddir/tests/artifacts"

# --- a small library: one tagged album, a folder of loose tracks ----------
L="$T/lib"
A="$L/Ärtist One/Album 日本"
mkdir -p "$A" "$L/misc" "$T/raw"
# tagged SECONDS SRC-EXT DST TITLE [ARTIST ALBUM TRACK]
tagged() {
	make_tone "$T/raw/t.$2" "$1" || bail "cannot make a .$2 file"
	ffmpeg -v error -nostdin -y -i "$T/raw/t.$2" -map 0 -c copy \
		-metadata title="$4" ${5:+-metadata artist="$5"} \
		${6:+-metadata album="$6"} ${7:+-metadata track="$7"} "$3" ||
		bail "cannot tag $3"
}
tagged 6 flac "$A/01 first.flac" "Café Ünïcödé first" "Ärtist One" "Album 日本" 1
tagged 6 mp3 "$A/02 second.mp3" "Second song" "Ärtist One" "Album 日本" 2
tagged 5 ogg "$A/03 third.ogg" 'Third <b>&amp;</b> "q"' "Ärtist One" "Album 日本" 3
make_tone "$L/misc/tone.wav" 4 || bail "cannot make a .wav file"
tagged 4 opus "$L/misc/voice.opus" "Opus voice"
tagged 4 m4a "$L/misc/aac.m4a" "AAC ÜNÏ"

start_server -l "$L" --state-dir "$T/state"
tagged_all() {
	curl_ -o "$T/list.json" "$URL/list?format=json" &&
		grep -q 'Third' "$T/list.json" && grep -q 'AAC' "$T/list.json" &&
		grep -q 'Café' "$T/list.json"
}
wait_for 20 tagged_all || bail "the server did not read the tags in 20 s"

# What page.py expects: every track with its label and ffprobe's duration,
# the two first tracks of the album (page order), searches and what each
# must show.
for f in "$A/01 first.flac" "$A/02 second.mp3" "$A/03 third.ogg" \
	"$L/misc/tone.wav" "$L/misc/voice.opus" "$L/misc/aac.m4a"; do
	printf '%s\t%s\n' "${f#"$L"/}" "$(ffprobe -v error -show_entries \
		format=duration -of csv=p=0 "$f")"
done >"$T/durations"
"$PYTHON" - "$T/list.json" "$T/durations" >"$T/expect.json" <<'EOF' ||
import json, sys
tracks = json.load(open(sys.argv[1], encoding="utf-8"))["tracks"]
dur = dict(l.rstrip("\n").split("\t") for l in
           open(sys.argv[2], encoding="utf-8"))
idx = {t["path"]: t["index"] for t in tracks}
album = "Ärtist One/Album 日本/"
print(json.dumps({
    "tracks": [{"index": t["index"], "path": t["path"],
                "label": t["title"] or t["path"],
                "duration": float(dur[t["path"]])} for t in tracks],
    "first": idx[album + "01 first.flac"],
    "second": idx[album + "02 second.mp3"],
    "searches": [
        ["title (any case)", "ünï",
         [idx[album + "01 first.flac"], idx["misc/aac.m4a"]], 2],
        ["artist", "ärtist one",
         [idx[album + p] for p in ("01 first.flac", "02 second.mp3",
                                   "03 third.ogg")], 1],
        ["album", "album 日本",
         [idx[album + p] for p in ("01 first.flac", "02 second.mp3",
                                   "03 third.ogg")], 1],
        ["path of an untagged track", "tone.wav", [idx["misc/tone.wav"]], 1],
        ["path of a tagged track", "voice.opus",
         [idx["misc/voice.opus"]], 1]]}))
EOF
	bail "cannot write what page.py expects"

# --- the browser ----------------------------------------------------------
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking \
	--disable-component-update --disable-sync \
	--user-data-dir="$T/chrome" --remote-debugging-port=0 \
	--autoplay-policy=no-user-gesture-required about:blank \
	>"$T/chrome.log" 2>&1 &
track $!
# DevToolsActivePort: the port, then the browser's path (no newline after
# it); complete once the path is there.
devtools_ready() { grep -q '^/devtools/' "$T/chrome/DevToolsActivePort"; }
if ! wait_for 30 devtools_ready; then
	sed 's/^/# chromium: /' "$T/chrome.log" | tail -20
	bail "chromium did not open its DevTools port in 30 s"
fi
DEVTOOLS=$(head -n 1 "$T/chrome/DevToolsActivePort")

# --- the checks (page.py prints "ok STATUS NAME" and "# ..." lines) -------
rc=0
timeout 75 "$PYTHON" "$top_srcdir/tests/page.py" "$DEVTOOLS" "$URL" \
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
sed 's/^/# page.py: /' "$T/page.err"
ok $rc "page.py ran to the end (status $rc)"
grep -q 'AddressSanitizer\|runtime error' "$SERVER_LOG" 2>/dev/null
ok $((!$?)) "the server logged no sanitizer error"
plan "$_tap_n"
finish
