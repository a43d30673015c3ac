#!/bin/sh
# radio: the station of --radio (APPS.md, "Radio") through the real server:
# ffprobe and mpv decode it, a round plays each track once, ICY metadata
# carries the current title (read by hand, by ffprobe and by mpv), two
# listeners get the same bytes, a listener who stops reading slows no
# other, /radio/now and /radio.m3u, an Ogg Opus station that a late
# listener still decodes, a library of which nothing plays (no busy loop),
# and the options' errors.
. "$top_srcdir/tests/lib.sh"

need curl ffmpeg ffprobe mpv python3
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
PYTHON=python3

L=$T/lib
mkdir -p "$L" || bail "cannot make the library"
n=0
for t in Alpha Beta Gamma; do
	n=$((n + 1))
	ffmpeg -v error -nostdin -f lavfi -i "sine=f=$((n * 220)):d=3" \
		-ac 2 -ar 44100 -metadata title="$t" -metadata artist="Band" \
		-metadata album="Tests" "$L/0$n $t.flac" ||
		bail "ffmpeg failed"
done

# --- the options -------------------------------------------------------------
"$AS_SERVER" -l "$L" --radio --radio-format aac >"$T/bad.out" 2>&1
is $? 2 "--radio-format aac: exit 2"
grep -q "expected mp3 or opus" "$T/bad.out"
ok $? "... saying what is accepted"
"$AS_SERVER" -l "$L" --radio --radio-bitrate 500 >"$T/bad.out" 2>&1
is $? 2 "--radio-bitrate 500: exit 2"

start_server -l "$L" --state-dir "$T/s0"
is "$(http_code "$URL/radio")" 404 "without --radio: /radio is 404"
stop_server

start_server -l "$L" --state-dir "$T/s1" --radio
tagged() {
	curl_ "$URL/list?format=json" >"$T/list.json" &&
		grep -q '"title": *"Alpha"' "$T/list.json" &&
		grep -q '"title": *"Beta"' "$T/list.json" &&
		grep -q '"title": *"Gamma"' "$T/list.json"
}
wait_for 20 tagged || bail "tags not read within 20 s"
is "$(curl_ "$URL/radio/now" | "$PYTHON" -c '
import json, sys; print(json.load(sys.stdin)["listeners"])')" 0 \
	"/radio/now before anyone listens: 0 listeners"

# icy SECONDS OUT: listen with Icy-MetaData: 1; OUT gets the metaint, then
# each title sent, one a line; OUT.audio the audio alone.
icy() {
	"$PYTHON" - "$PORT" "$1" "$2" <<'PY'
import socket, sys, time
port, secs, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"GET /radio HTTP/1.1\r\nHost: 127.0.0.1\r\nIcy-MetaData: 1\r\n\r\n")
data = b""
end = time.time() + secs
while time.time() < end:
    b = s.recv(65536)
    if not b:
        break
    data += b
head, _, body = data.partition(b"\r\n\r\n")
meta = 0
for line in head.split(b"\r\n"):
    if line.lower().startswith(b"icy-metaint:"):
        meta = int(line.split(b":")[1])
# undo the chunked coding
raw, i = b"", 0
while True:
    j = body.find(b"\r\n", i)
    if j < 0:
        break
    size = int(body[i:j].split(b";")[0], 16)
    if size == 0 or j + 2 + size > len(body):
        raw += body[j + 2:j + 2 + size]
        break
    raw += body[j + 2:j + 2 + size]
    i = j + 2 + size + 2
titles, audio, i = [], b"", 0
while meta and i + meta < len(raw):
    audio += raw[i:i + meta]
    i += meta
    n = raw[i] * 16
    text = raw[i + 1:i + 1 + n].rstrip(b"\0").decode()
    i += 1 + n
    if text:
        titles.append(text)
with open(out, "w") as f:
    f.write("%d\n" % meta)
    for t in titles:
        f.write(t + "\n")
with open(out + ".audio", "wb") as f:
    f.write(audio)
PY
}

# --- a round, with ICY titles; a second listener alongside -------------------
icy 11 "$T/icy" &
icyp=$!
track $icyp
curl -s --max-time 4 -o "$T/b.body" "$URL/radio"
now=$(curl_ "$URL/radio/now")
wait $icyp
is "$(head -n 1 "$T/icy")" 16000 "Icy-MetaData: 1 gets icy-metaint: 16000"
grep -q "^StreamTitle='Band - " "$T/icy"
ok $? "... and StreamTitle='Band - ...' blocks"
sed -n "s/^StreamTitle='Band - \(.*\)';$/\1/p" "$T/icy" >"$T/titles"
[ "$(sort -u "$T/titles" | grep -cxE 'Alpha|Beta|Gamma')" -ge 2 ]
ok $? "... the title changes with the track ($(tr '\n' ' ' <"$T/titles"))"
sed -n 's/.*radio: now playing //p' "$SERVER_LOG" >"$T/played"
[ "$(head -n 3 "$T/played" | sort -u | wc -l)" -eq 3 ]
ok $? "the first round plays each of the 3 tracks once"
is "$(ffprobe -v error -show_entries stream=codec_name,bit_rate \
	-of csv=p=0 "$T/b.body")" "mp3,128000" "ffprobe: mp3 at 128 kbit/s"
"$PYTHON" - "$T/icy.audio" "$T/b.body" <<'PY'
import sys
a = open(sys.argv[1], "rb").read()
b = open(sys.argv[2], "rb").read()
# b may have joined first: its end, 4 s in, is surely in a's 11 s.
sys.exit(0 if len(b) > 20000 and b[-8000:] in a else 1)
PY
ok $? "two listeners get the same bytes"
echo "$now" | "$PYTHON" -c '
import json, re, sys
j = json.load(sys.stdin)
ok = (set(j) == {"index", "path", "title", "artist", "album", "started",
                 "listeners"} and j["artist"] == "Band" and
      j["album"] == "Tests" and j["title"] in ("Alpha", "Beta", "Gamma") and
      j["path"].endswith(j["title"] + ".flac") and j["listeners"] >= 1 and
      re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", j["started"]))
sys.exit(0 if ok else 1)'
st=$?
ok $st "/radio/now: index, path, title, artist, album, started, listeners"
[ $st -eq 0 ] || diag "$now"

# --- players -------------------------------------------------------------------
timeout 30 mpv --no-config --no-video --ao=pcm --ao-pcm-file="$T/mpv.wav" \
	--length=3 "$URL/radio" >"$T/mpv.out" 2>&1 </dev/null
ok $? "mpv plays the station"
grep -q "icy-title: Band - " "$T/mpv.out"
ok $? "... and shows the title"
s=$(wc -c <"$T/mpv.wav")
[ "$s" -gt $((44100 * 4 * 2)) ]
ok $? "... decoding audio ($s bytes of PCM)"
timeout 30 ffprobe -v error -show_entries format_tags=StreamTitle \
	-of csv=p=0 "$URL/radio" >"$T/probe.out" 2>&1
grep -q "^Band - " "$T/probe.out"
ok $? "ffprobe shows the title"
curl_ "$URL/radio.m3u" >"$T/m3u"
grep -qx "$URL/radio" "$T/m3u"
ok $? "/radio.m3u holds the station's URL"

# --- a listener who stops reading --------------------------------------------
"$PYTHON" - "$PORT" >"$T/stall.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"GET /radio HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
s.recv(100)
print("reading no more", flush=True)
time.sleep(30)
PY
staller=$!
track $staller
wait_for 10 grep -q "reading no more" "$T/stall.out"
# The staller holds its place in the ring (a minute of it); the others
# flow at the station's pace meanwhile.
curl -s --max-time 5 -o "$T/c.body" "$URL/radio"
s=$(wc -c <"$T/c.body")
[ "$s" -ge $((16000 * 4)) ]
ok $? "another listener meanwhile gets real time: $s bytes in 5 s"
kill "$staller"
stop_server

# --- Ogg Opus ------------------------------------------------------------------
start_server -l "$L" --state-dir "$T/s2" --radio --radio-format opus \
	--radio-bitrate 64
curl -s --max-time 6 -o "$T/o1.body" "$URL/radio" &
first=$!
track $first
started() { [ "$(wc -c <"$T/o1.body" 2>/dev/null || echo 0)" -gt 20000 ]; }
wait_for 10 started
fetch o2 "$URL/radio" --max-time 3 >/dev/null
is "$(hdr o2 Content-Type)" "audio/ogg; codecs=opus" \
	"opus station: audio/ogg; codecs=opus"
wait $first
is "$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 \
	"$T/o1.body")" opus "ffprobe: the first listener hears opus"
is "$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 \
	"$T/o2.body")" opus "ffprobe: a listener who joined later too"
ffmpeg -v error -nostdin -i "$T/o2.body" -f s16le - 2>"$T/o2.err" |
	wc -c >"$T/o2.pcm"
[ "$(cat "$T/o2.pcm")" -gt 100000 ]
ok $? "... and it decodes ($(cat "$T/o2.pcm") bytes of PCM)"
stop_server

# --- a library of which nothing plays ----------------------------------------------
mkdir -p "$T/badlib"
head -c 50000 /dev/urandom >"$T/badlib/noise.mp3"
before=$(wc -l <"$SERVER_LOG") # the log holds every server's lines
start_server -l "$T/badlib" --state-dir "$T/s3" --radio
curl -s --max-time 3 -o /dev/null "$URL/radio"
tail -n +$((before + 1)) "$SERVER_LOG" >"$T/bad.log"
grep -q "no track of the library plays" "$T/bad.log"
ok $? "a library of which nothing plays: said so"
tries=$(grep -c "now playing" "$T/bad.log")
[ "$tries" -le 5 ]
ok $? "... and tried about once a second, not in a loop ($tries in 3 s)"
is "$(http_code "$URL/health")" 200 "... the server lives on"
stop_server

plan "$_tap_n"
finish
