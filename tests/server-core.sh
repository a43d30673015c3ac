#!/bin/sh
# server-core: the core's design choices seen from outside (issue 16).
# - A stream whose file shrinks under a slow listener ends within a second,
#   chunked 200 and sendfile'd 206 alike (tests/short.py).
# - Sized answers are shared file responses: many listeners of the same
#   range hold one descriptor, and they get the same bytes.
# - --content-length and DLNA requests get a sized 200, which GStreamer
#   finds seekable with a duration; aria2 downloads it in ranged segments.
# - ?download=1 carries an ASCII filename= that curl -OJ saves under.
# - TLS offers only TLS 1.2 and 1.3 with AEAD suites (openssl s_client).
# - Neither program defines a libc function for the whole process.
. "$top_srcdir/tests/lib.sh"

PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
need python3 curl sox openssl aria2c gst-discoverer-1.0 nm
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

plan 36

LIB="$T/library"
mkdir -p "$LIB"
make_tone "$LIB/a-tone.flac" 8
head -c 24M /dev/urandom >"$T/big"
cp "$T/big" "$LIB/b-big.wav"
start_server -l "$LIB" --access-log "$T/access.log"
wait_for 10 listed b-big.wav || bail "the library was not listed within 10 s"

# --- a file that shrinks ----------------------------------------------------
# short NAME [RANGE]: a slow listener of /stream/0 while the file shrinks.
short() {
	cp "$T/big" "$T/short.wav"
	rm -f "$LIB/0-short.wav"
	mv "$T/short.wav" "$LIB/0-short.wav"
	wait_for 10 listed 0-short.wav || return 1
	"$PYTHON" "$top_srcdir/tests/short.py" "$PORT" "$LIB/0-short.wav" \
		"$@" >"$T/short.out" 2>&1
}
for r in "" "bytes=0-"; do
	name=${r:-chunked 200}
	name=${name#bytes=0-}
	[ -n "$name" ] || name="206 (sendfile)"
	short $r
	read -r state secs bytes <"$T/short.out"
	is "$state" closed "$name: the answer ends when the file comes up short"
	ok "$(awk -v s="${secs:-99}" 'BEGIN { print (s < 1.5) ? 0 : 1 }')" \
		"$name: within a second or so of the short read (${secs:-?} s)"
	ok "$([ "${bytes:-0}" -lt $((24 << 20)) ] && echo 0 || echo 1)" \
		"$name: fewer bytes than promised (${bytes:-?})"
done
grep -q 'the file is shorter than when opened' "$SERVER_LOG"
ok $? "the log says why the answers ended early"
rm -f "$LIB/0-short.wav"
wait_for 10 unlisted 0-short.wav || bail "0-short.wav still listed"

# --- shared file responses --------------------------------------------------
# fds NAME: the server's open descriptors of the library file NAME.
fds() {
	ls -l "/proc/$SERVER_PID/fd" 2>/dev/null | grep -c "$LIB/$1\$"
}
pids=""
i=0
while [ $i -lt 20 ]; do
	curl -s --max-time 30 --limit-rate 200k -r 0- -o "$T/l$i" \
		"$URL/stream/1" &
	pids="$pids $!"
	i=$((i + 1))
done
wait_for 10 sh -c "[ \$(ls -l /proc/$SERVER_PID/fd | grep -c 'b-big.wav\$') -ge 1 ]"
sleep 1 # let all twenty be under way: what is counted is a steady state
n=$(fds b-big.wav)
ok "$([ "$n" -ge 1 ] && [ "$n" -le 2 ] && echo 0 || echo 1)" \
	"20 listeners of bytes=0- share the file: $n descriptors (1 or 2)"
kill $pids 2>/dev/null
wait $pids 2>/dev/null
fetch one "$URL/stream/1" -r 1000-1999 >/dev/null
dd if="$LIB/b-big.wav" bs=1000 skip=1 count=1 2>/dev/null >"$T/want"
cmp -s "$T/one.body" "$T/want"
ok $? "a shared 206 sends the bytes asked for"
fetch two "$URL/stream/1" -r 1000-1999 >/dev/null
cmp -s "$T/two.body" "$T/want"
ok $? "and the same again to the next request"
fetch head "$URL/stream/1" -I >/dev/null
grep -qi "^Content-Length: $((24 << 20))" "$T/head.hdr"
ok $? "HEAD: the file's length"

# --- a sized 200: --content-length and DLNA ---------------------------------
is "$(fetch plain "$URL/stream/0")" 200 "no --content-length: 200"
grep -qi '^Transfer-Encoding: chunked' "$T/plain.hdr"
ok $? "no --content-length: chunked"
gst-discoverer-1.0 -t 20 "$URL/stream/0" >"$T/gst0" 2>&1
grep -q 'Seekable: no' "$T/gst0"
ok $? "GStreamer cannot seek the chunked 200 (what --content-length is for)"
is "$(fetch dlna "$URL/stream/0" -H 'getcontentFeatures.dlna.org: 1' \
	-H 'transferMode.dlna.org: Streaming')" 200 "a DLNA request: 200"
size=$(stat -c %s "$LIB/a-tone.flac")
grep -qi "^Content-Length: $size" "$T/dlna.hdr"
ok $? "a DLNA request gets Content-Length, not chunked"
grep -qi '^contentFeatures.dlna.org: DLNA.ORG_OP=01' "$T/dlna.hdr"
ok $? "a DLNA request gets contentFeatures.dlna.org"
grep -qi '^transferMode.dlna.org: Streaming' "$T/dlna.hdr"
ok $? "a DLNA request gets transferMode.dlna.org"
cmp -s "$T/dlna.body" "$LIB/a-tone.flac"
ok $? "a DLNA request gets the whole file"
stop_server

start_server -l "$LIB" --access-log "$T/access2.log" --content-length
wait_for 10 listed b-big.wav || bail "the library was not listed within 10 s"
fetch sized "$URL/stream/0" >/dev/null
grep -qi "^Content-Length: $size" "$T/sized.hdr"
ok $? "--content-length: a 200 with Content-Length"
grep -qi '^Transfer-Encoding: chunked' "$T/sized.hdr"
ok $((!$?)) "--content-length: not chunked"
cmp -s "$T/sized.body" "$LIB/a-tone.flac"
ok $? "--content-length: the whole file"
gst-discoverer-1.0 -t 20 "$URL/stream/0" >"$T/gst1" 2>&1
grep -q 'Seekable: yes' "$T/gst1"
ok $? "--content-length: GStreamer finds the stream seekable"
grep -q 'Duration: 0:00:08' "$T/gst1"
ok $? "--content-length: GStreamer finds its duration (8 s)"
rm -f "$T/aria.wav"
aria2c -q -x4 -s4 -k1M --allow-overwrite=true -d "$T" -o aria.wav \
	"$URL/stream/1" >"$T/aria.out" 2>&1
cmp -s "$T/aria.wav" "$LIB/b-big.wav"
ok $? "aria2c -x4: the file arrives whole"
n=$(grep -c '"GET /stream/1 HTTP/1.1" 206 ' "$T/access2.log")
ok "$([ "$n" -ge 2 ] && echo 0 || echo 1)" \
	"aria2c -x4 fetched it in ranged segments ($n 206 answers)"

# --- ?download=1 and curl -OJ -----------------------------------------------
mkdir -p "$T/oj"
cp "$LIB/a-tone.flac" "$LIB/c Café \"tone\".flac"
wait_for 10 listed 'c Café "tone".flac' || bail "the copy was not listed"
(cd "$T/oj" && curl -sS --max-time 20 -OJ "$URL/stream/2?download=1")
ok $? "curl -OJ saves the download"
ls "$T/oj" >"$T/oj.ls"
is "$(cat "$T/oj.ls")" 'c Caf__ _tone_.flac' \
	"curl -OJ names it from the ASCII fallback filename="
cmp -s "$T/oj/c Caf__ _tone_.flac" "$LIB/a-tone.flac"
ok $? "curl -OJ: the file whole"
fetch dl "$URL/stream/2?download=1" -I >/dev/null
grep -qF "filename*=UTF-8''c%20Caf%C3%A9%20%22tone%22.flac" "$T/dl.hdr"
ok $? "filename* keeps the UTF-8 name"
stop_server

# --- TLS: only TLS 1.2 and 1.3, AEAD suites --------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 ||
	bail "openssl could not make a certificate"
start_server -l "$LIB" --cert "$T/cert.pem" --key "$T/key.pem"
wait_for 10 curl -ksf --max-time 5 "https://127.0.0.1:$PORT/health" ||
	bail "the TLS server did not answer within 10 s"
# tls ARGS...: does openssl s_client complete a handshake with those?
tls() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "$@" \
		>"$T/tls.out" 2>&1 && grep -q '^New, TLS' "$T/tls.out"
}
tls -tls1_2
ok $? "TLS 1.2 is offered"
tls -tls1_3
ok $? "TLS 1.3 is offered"
tls -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
ok $((!$?)) "TLS 1.1 is refused"
tls -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
ok $((!$?)) "TLS 1.0 is refused"
tls -tls1_2 -cipher 'AES128-SHA:AES256-SHA:AES128-SHA256'
ok $((!$?)) "TLS 1.2 with CBC or static-RSA suites only is refused"
stop_server

# --- no run-time patching ---------------------------------------------------
libc='mmap|mmap64|munmap|mremap|madvise|memset|memcpy|memmove|malloc|free'
libc="$libc|calloc|realloc|read|write|pread|send|recv|close|open"
defined=$(nm -D --defined-only "$AS_SERVER" "$AS_CLIENT" 2>/dev/null |
	awk '{ print $NF }' | sed 's/@.*//' | grep -xE "$libc" | tr '\n' ' ')
is "$defined" "" "neither program defines a libc function"
finish
