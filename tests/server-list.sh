#!/bin/sh
# server-list: /list in its four formats, chosen by ?format= and by Accept
# (q-values, browsers), Vary: Accept, /list.m3u with URLs built from a
# validated Host, the HTML page at / (self-contained, every link resolves),
# the JSON shape, bytewise order, and --cors.
. "$top_srcdir/tests/lib.sh"

# The system python3 when there is one: a pyenv shim costs seconds a call.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

need curl python3 sox
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

# ctype NAME: the media type alone, lower case.
ctype() {
	hdr "$1" Content-Type | sed 's/;.*//' | tr A-Z a-z
}

FIREFOX='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
CHROME='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'

### the library ###############################################################

LIB="$T/library"
mkdir -p "$LIB/Z" "$LIB/a b" "$LIB/_u" "$LIB/é"
make_tone "$LIB/B.wav" 0.3 || bail "sox failed"
for p in a.wav "Z/x.wav" "_u/y.wav" "a b/c.wav" "é/è.wav" "Ä.wav" \
	'odd "q" <&> #1 %20 ?x.wav' "a.WAV" "a-b.wav" "a0.wav"; do
	cp "$LIB/B.wav" "$LIB/$p"
done
make_tone "$LIB/t.flac" 0.3 || bail "sox failed"
make_tone "$LIB/t.ogg" 0.3 || bail "sox failed"
echo nope >"$LIB/readme.txt"

(cd "$LIB" && find . -type f ! -name '*.txt' | sed 's|^\./||') |
	LC_ALL=C sort | awk '{ print NR - 1 ":" $0 }' >"$T/want.list"
N=$(wc -l <"$T/want.list" | tr -d ' ')

start_server -l "$LIB"

### text ######################################################################

is "$(fetch l "$URL/list")" 200 "GET /list: 200"
is "$(hdr l Content-Type)" "text/plain; charset=utf-8" \
	"curl's Accept: */* gets text/plain; charset=utf-8"
cmp -s "$T/l.body" "$T/want.list"
r=$?
ok $r "text: <index>:<path> per line, bytewise sorted ($N tracks)"
[ $r -eq 0 ] || diff "$T/want.list" "$T/l.body" | sed 's/^/# /'
vary_accept l
ok $? "text: Vary: Accept"
is "$(fetch l "$URL/list" -H 'Accept:')" 200 "no Accept at all: 200"
is "$(ctype l)" text/plain "no Accept at all: text"
is "$(fetch l "$URL/list?format=text" -H 'Accept: application/json')" 200 \
	"?format=text: 200"
is "$(ctype l)" text/plain "?format=text wins over Accept: application/json"
cmp -s "$T/l.body" "$T/want.list"
ok $? "?format=text: the same listing"

### content negotiation #######################################################

# negotiate WANT-TYPE NAME [CURL ARGS...]
negotiate() {
	_want=$1
	_name=$2
	shift 2
	is "$(fetch n "$@")" 200 "$_name: 200"
	is "$(ctype n)" "$_want" "$_name: $_want"
	vary_accept n
	ok $? "$_name: Vary: Accept"
}

negotiate application/json "?format=json" "$URL/list?format=json"
negotiate text/html "?format=html" "$URL/list?format=html"
negotiate audio/x-mpegurl "?format=m3u" "$URL/list?format=m3u"
negotiate application/json "Accept: application/json" "$URL/list" \
	-H 'Accept: application/json'
negotiate audio/x-mpegurl "Accept: audio/x-mpegurl" "$URL/list" \
	-H 'Accept: audio/x-mpegurl'
negotiate text/html "Accept: text/html" "$URL/list" -H 'Accept: text/html'
negotiate text/html "Firefox's Accept" "$URL/list" -H "Accept: $FIREFOX"
negotiate text/html "Chrome's Accept" "$URL/list" -H "Accept: $CHROME"
negotiate text/plain "Accept: text/plain" "$URL/list" -H 'Accept: text/plain'
negotiate text/html "q: html 0.9 over json 0.5" "$URL/list" \
	-H 'Accept: application/json;q=0.5, text/html;q=0.9'
negotiate application/json "q: json 1 over html 0.1" "$URL/list" \
	-H 'Accept: text/html;q=0.1, application/json'
negotiate audio/x-mpegurl "q: m3u 0.8 over text 0.2" "$URL/list" \
	-H 'Accept: text/plain;q=0.2, audio/x-mpegurl;q=0.8'
negotiate text/plain "q=0 excludes json" "$URL/list" \
	-H 'Accept: application/json;q=0, */*'
negotiate application/json "q=0 excludes text" "$URL/list" \
	-H 'Accept: text/plain;q=0, application/json;q=0.5'
negotiate text/plain "nothing acceptable: text" "$URL/list" \
	-H 'Accept: image/png'
negotiate text/plain "garbage Accept: text" "$URL/list" \
	-H 'Accept: ;;;,,garbage'
negotiate application/json "?format=json wins over a browser" \
	"$URL/list?format=json" -H "Accept: $FIREFOX"
negotiate text/html "?format=html wins over JSON" \
	"$URL/list?format=html" -H 'Accept: application/json'
negotiate audio/x-mpegurl "?format=m3u wins over text/html" \
	"$URL/list?format=m3u" -H 'Accept: text/html'

curl -sS --max-time 20 -I -D "$T/hl.hdr" -o /dev/null "$URL/list"
vary_accept hl
ok $? "HEAD /list: Vary: Accept"
no_hdr hl Transfer-Encoding
ok $? "HEAD /list: not chunked"

### JSON ######################################################################

fetch j "$URL/list?format=json" >/dev/null
"$PYTHON" - "$T/j.body" "$T/want.list" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
want = [l.split(":", 1)[1] for l in
        open(sys.argv[2], encoding="utf-8").read().splitlines()]
assert set(d) >= {"count", "tracks"}, d.keys()
assert d["count"] == len(want) == len(d["tracks"]), d["count"]
keys = {"index", "path", "size", "type", "mtime", "duration", "title",
        "artist", "album"}
for i, t in enumerate(d["tracks"]):
    assert keys <= set(t), (i, set(t))
    assert t["index"] == i and t["path"] == want[i], (i, t)
    assert isinstance(t["size"], int) and t["size"] > 0, t
    assert t["type"] in ("audio/wav", "audio/flac", "audio/ogg"), t
    assert len(t["mtime"]) == 20 and t["mtime"].endswith("Z"), t
    for k in ("title", "artist", "album"):
        assert t[k] is None or isinstance(t[k], str), t
    assert t["duration"] is None or isinstance(t["duration"], (int, float))
paths = [t["path"].encode() for t in d["tracks"]]
assert paths == sorted(paths), "not bytewise sorted"
PY
ok $? "JSON: parses, count, every key, index = position, bytewise order"
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); [print(t["index"], t["size"]) for t in d["tracks"]]' \
	"$T/j.body" >"$T/j.sizes"
r=0
while read -r i s; do
	p=$(sed -n "$((i + 1))p" "$T/want.list" | cut -d: -f2-)
	[ "$(wc -c <"$LIB/$p" | tr -d ' ')" = "$s" ] || r=1
done <"$T/j.sizes"
ok $r "JSON: sizes are the files' sizes"

### m3u #######################################################################

# m3u_check FILE HOST: #EXTM3U, then #EXTINF and http://HOST/stream/i.
m3u_check() {
	"$PYTHON" - "$1" "$2" "$T/want.list" <<'PY'
import sys
body = open(sys.argv[1], "rb").read().decode("utf-8")
host = sys.argv[2]
want = [l.split(":", 1)[1] for l in
        open(sys.argv[3], encoding="utf-8").read().splitlines()]
lines = body.replace("\r\n", "\n").split("\n")
if lines and lines[-1] == "":
    lines.pop()
assert lines[0] == "#EXTM3U", lines[0]
assert len(lines) == 1 + 2 * len(want), len(lines)
for i, p in enumerate(want):
    inf, url = lines[1 + 2 * i], lines[2 + 2 * i]
    assert inf.startswith("#EXTINF:"), inf
    secs, _, label = inf[8:].partition(",")
    assert secs == "-1" or secs.isdigit(), inf
    assert label == p or " - " in label, (label, p)
    assert url == "http://%s/stream/%d" % (host, i), url
PY
}

is "$(fetch m "$URL/list.m3u")" 200 "/list.m3u: 200"
is "$(ctype m)" audio/x-mpegurl "/list.m3u: audio/x-mpegurl"
m3u_check "$T/m.body" "127.0.0.1:$PORT"
ok $? "/list.m3u: #EXTM3U, #EXTINF and http://127.0.0.1:$PORT/stream/i"
fetch m2 "$URL/list?format=m3u" >/dev/null
cmp -s "$T/m.body" "$T/m2.body"
ok $? "?format=m3u is the same playlist"

for h in example.com:8080 localhost "[::1]:3456" 10.0.0.1 My-Host.Example; do
	is "$(fetch m "$URL/list.m3u" -H "Host: $h")" 200 "Host: $h: 200"
	m3u_check "$T/m.body" "$h"
	ok $? "Host: $h: the URLs use it"
done

# Every track in the playlist plays.
fetch m "$URL/list.m3u" >/dev/null
r=0
for u in $(grep '^http://' "$T/m.body" | tr -d '\r'); do
	[ "$(http_code "$u" -r 0-0)" = 206 ] || r=1
done
ok $r "every URL of the playlist answers"

for h in 'evil<script>' 'a"b' "a b" "x:99999999" "a/b" "a@b" "[::1" \
	"zz-host:" "a\\b"; do
	for p in /list.m3u "/list?format=m3u"; do
		c=$(fetch bh "$URL$p" -H "Host: $h")
		is "$c" 400 "bad Host '$h' on $p: 400"
		! grep -qF "$h" "$T/bh.body"
		ok $? "bad Host '$h' on $p: not echoed"
	done
done
c=$(fetch bh "$URL/list.m3u" -H 'Host:')
is "$c" 400 "no Host on HTTP/1.1: 400"
c=$(fetch bh "$URL/list.m3u" -H 'Host: a<b' -H 'Accept: application/json')
is "$c" 400 "bad Host, JSON caller: 400"
! grep -qF 'a<b' "$T/bh.body"
ok $? "bad Host, JSON caller: not echoed"
is "$(http_code "$URL/health")" 200 "the server still answers"

### HTML ######################################################################

is "$(fetch root "$URL/")" 200 "GET /: 200"
is "$(ctype root)" text/html "GET /: text/html"
case $(hdr root Content-Type | tr A-Z a-z) in *charset=utf-8*) r=0 ;;
*) r=1 ;; esac
ok $r "GET /: charset=utf-8"
fetch html "$URL/list?format=html" >/dev/null
cmp -s "$T/root.body" "$T/html.body"
ok $? "/ is the same page as /list?format=html"

"$PYTHON" - "$T/html.body" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
low = h.lower()
assert "<script src" not in low and not re.search(r"<script[^>]+src", low)
for tag in re.findall(r"<link\b[^>]*>", low):
    assert "stylesheet" not in tag and "preload" not in tag, tag
    m = re.search(r"href\s*=\s*[\"']?([^\"'\s>]+)", tag)
    assert not m or m.group(1).startswith("data:") or \
        m.group(1).startswith("/"), tag
assert "@import" not in low
for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", low):
    assert u.startswith("data:"), u
assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", low)
PY
ok $? "HTML: self-contained (no script src, stylesheet, @import, url())"

# html_has FORMAT: every track i has the tag FORMAT % i, verbatim.
html_has() {
	"$PYTHON" - "$T/html.body" "$N" "$1" <<'PY'
import sys
h = open(sys.argv[1], encoding="utf-8").read()
for i in range(int(sys.argv[2])):
    tag = sys.argv[3] % i
    assert tag in h, tag
PY
}
html_has '<audio controls preload="none" src="/stream/%d">'
ok $? "HTML: <audio controls preload=\"none\" src=\"/stream/i\"> per track"
html_has '<a href="/stream/%d?download=1">'
ok $? "HTML: <a href=\"/stream/i?download=1\"> per track"

"$PYTHON" - "$T/html.body" <<'PY'
import sys
h = open(sys.argv[1], encoding="utf-8").read()
assert 'odd "q" <&> #1' not in h
assert "&lt;&amp;&gt;" in h
assert "é/è.wav" in h and "Ä.wav" in h
PY
ok $? "HTML: names are escaped, UTF-8 kept"

# Every same-origin link of the page resolves.
"$PYTHON" - "$T/html.body" >"$T/links" <<'PY'
import html, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
for u in sorted(set(re.findall(r"(?:src|href|action)\s*=\s*\"([^\"]*)\"", h))):
    u = html.unescape(u)
    if not u.startswith(("data:", "#", "javascript:")):
        print(u)
PY
r=0
n=0
while IFS= read -r u; do
	n=$((n + 1))
	case $u in
	/*) full="$URL$u" ;;
	*) full="$URL/$u" ;;
	esac
	c=$(http_code "$full" -r 0-0)
	case $c in 200 | 206) ;; *)
		r=1
		diag "link $u: $c"
		;;
	esac
done <"$T/links"
ok $r "HTML: all $n same-origin links resolve"

### CORS ######################################################################

for p in /list /stream/0 /list.m3u /; do
	fetch co "$URL$p" -H 'Origin: https://evil.example' >/dev/null
	no_hdr co Access-Control-Allow-Origin
	ok $? "no --cors: no Access-Control-Allow-Origin on $p"
done
stop_server

start_server -l "$LIB" --cors https://app.example
for p in /list /stream/0; do
	fetch co "$URL$p" -H 'Origin: https://app.example' >/dev/null
	is "$(hdr co Access-Control-Allow-Origin)" https://app.example \
		"--cors https://app.example: the header on $p"
done
stop_server

start_server -l "$LIB" --cors '*'
fetch co "$URL/list" -H 'Origin: https://x.example' >/dev/null
is "$(hdr co Access-Control-Allow-Origin)" '*' "--cors '*': the header is *"

plan "$_tap_n"
finish
