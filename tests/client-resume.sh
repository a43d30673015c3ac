#!/bin/sh
# client-resume: nothing is lost when `get` breaks. Against the real
# as_server: the resume paths themselves (a .part that no longer fits: the
# 416 starts it over; a 206 that starts elsewhere: the .part is left
# alone; bodies that end short without a framing error: never the final
# file, and all tries failing: exit 1, a clear message, the .part and its
# ETag kept, a later get finishes it), then the server SIGKILLed in the
# middle of a get and replaced by a new one on the same port over the same
# library: the client resumes with Range and If-Range (the ETag it kept
# beside the .part) and the saved file is byte-identical. tests/shim.py
# bends answers where the real server would not.
. "$top_srcdir/tests/lib.sh"

need curl python3 cmp sox
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
[ -x "$AS_CLIENT" ] || bail "no as_client at $AS_CLIENT"

plan 38

. "$top_srcdir/tests/resume-lib.sh"

# --- 1. 416: a .part as long as the track does not fit: start over -------
CL=$T/c416
mkdir -p "$CL" && chmod 700 "$CL"
head -c "$MIDSIZE" /dev/urandom >"$CL/mid.wav.part"
# The ETag of the track, as if the .part had been saved from it: the
# server finds nothing past the end, a 416.
curl_ -sI "$URL/stream/$MID" | sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p' \
	>"$CL/mid.wav.part.etag"
grep -q '^".*"$' "$CL/mid.wav.part.etag" || bail "no ETag from the server"
before=$(requests "GET /stream/$MID .* 416 ")
client -l "$CL" get "$MID"
is "$RC" 0 "416 on resume: get exits 0"
is "$(requests "GET /stream/$MID .* 416 ")" "$((before + 1))" \
	"416 on resume: the server did answer 416"
cmp -s "$CL/mid.wav" "$LIB/mid.wav"
ok $? "416 on resume: the download restarted from zero (cmp)"
[ ! -e "$CL/mid.wav.part" ] && [ ! -e "$CL/mid.wav.part.etag" ]
ok $? "416 on resume: no .part and no .part.etag left"

# --- 2. a 206 that does not start at the .part's size ---------------------
python3 "$top_srcdir/tests/shim.py" "$T/shim.port" "$PORT" shift 1000 \
	>"$T/shim.log" 2>&1 &
track $!
wait_for 10 test -s "$T/shim.port" || bail "shim.py did not start"
SHIM=$(cat "$T/shim.port")
CL=$T/cshift
mkdir -p "$CL" && chmod 700 "$CL"
head -c 1000000 "$LIB/mid.wav" >"$CL/mid.wav.part"
cp "$CL/mid.wav.part" "$T/part.before"
curl_ -sI "$URL/stream/$MID" | sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p' \
	>"$CL/mid.wav.part.etag"
CPORT=$SHIM client -l "$CL" get "$MID"
is "$RC" 1 "206 at the wrong byte: get exits 1"
sed 's/^/# stderr: /' "$T/err"
grep -q 'does not start at byte 1000000' "$T/err"
ok $? "206 at the wrong byte: the message says where it should start"
grep -q 'range=bytes=1000000-' "$T/shim.log"
ok $? "206 at the wrong byte: the client asked from the .part's end"
cmp -s "$CL/mid.wav.part" "$T/part.before"
ok $? "206 at the wrong byte: nothing was appended to the .part"
[ ! -e "$CL/mid.wav" ]
ok $? "206 at the wrong byte: nothing at the final path"
client -l "$CL" get "$MID"
is "$RC" 0 "then a get from the real server completes it"
cmp -s "$CL/mid.wav" "$LIB/mid.wav"
ok $? "and the file is byte-identical"

# --- 3. bodies that end short: never the final file; all tries fail -------
python3 "$top_srcdir/tests/shim.py" "$T/cut.port" "$PORT" cut 100000 \
	>"$T/cut.log" 2>&1 &
track $!
wait_for 10 test -s "$T/cut.port" || bail "shim.py did not start"
CUT=$(cat "$T/cut.port")
CL=$T/ccut
t0=$(date +%s)
CPORT=$CUT client -l "$CL" get "$MID"
t1=$(date +%s)
is "$RC" 1 "short bodies: get exits 1 when every try ends short"
sed 's/^/# stderr: /' "$T/err"
[ ! -e "$CL/mid.wav" ]
ok $? "short bodies: a short body never becomes the final file"
is "$(grep -c '^GET /stream/' "$T/cut.log")" 5 "short bodies: five tries"
is "$(sed -n 's/^GET \/stream.*range=//p' "$T/cut.log" | tr '\n' ' ')" \
	"bytes=0- bytes=100000- bytes=200000- bytes=300000- bytes=400000- " \
	"short bodies: each try asks from where the last one ended"
is "$(size "$CL/mid.wav.part")" 500000 "short bodies: the .part keeps all"
grep -q "ended at byte 500000 of $MIDSIZE" "$T/err" &&
	grep -q 'gave up after 5 tries' "$T/err" &&
	grep -q 'mid.wav.part' "$T/err"
ok $? "short bodies: the last message says what, how often, what is kept"
grep -q "127.0.0.1 port $CUT" "$T/err"
ok $? "short bodies: the message names the server"
[ $((t1 - t0)) -ge 7 ] && [ $((t1 - t0)) -le 20 ]
ok $? "short bodies: the tries back off (0.5+1+2+4 s; took $((t1 - t0)) s)"
before=$(requests "GET /stream/$MID .* 206 ")
client -l "$CL" get "$MID"
is "$RC" 0 "short bodies: a later get finishes the .part"
is "$(requests "GET /stream/$MID .* 206 ")" "$((before + 1))" \
	"short bodies: ... with one ranged request (the ETag matched)"
cmp -s "$CL/mid.wav" "$LIB/mid.wav"
ok $? "short bodies: the file is byte-identical"
[ ! -e "$CL/mid.wav.part.etag" ]
ok $? "short bodies: the .part.etag went with the .part"

# --- 4. get: the server killed mid-transfer and replaced -----------------
# The client is stopped while the server dies and a new one starts on the
# same port: what the dead one sent is in the socket, then the end.
CL=$T/ckill
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" -l "$CL" get "$BIG" \
	>"$T/out4" 2>"$T/err4" </dev/null &
CPID=$!
track "$CPID"
started "$CL/big.wav.part" || bail "get wrote nothing in 20 s"
[ "$(size "$CL/big.wav.part")" -lt 134217728 ] && ! gone "$CPID"
ok $? "get: in the middle of the transfer ($(size "$CL/big.wav.part") bytes)"
before=$(requests "GET /stream/$BIG .* 206 ")
kill_server
start_same_port
kill -CONT "$CPID"
wait_for 40 gone "$CPID"
ok $? "get: the client ends"
kill -KILL "$CPID" 2>/dev/null
wait "$CPID"
is "$?" 0 "get: exits 0 after the server was replaced on the same port"
sed 's/^/# stderr: /' "$T/err4"
cmp -s "$CL/big.wav" "$LIB/big.wav"
ok $? "get: the saved file is byte-identical"
grep -q 'trying again from byte' "$T/err4"
ok $? "get: the break is reported, with the byte it resumes from"
is "$(requests "GET /stream/$BIG .* 206 ")" "$((before + 1))" \
	"get: the new server got one ranged request and answered 206"
[ ! -e "$CL/big.wav.part" ] && [ ! -e "$CL/big.wav.part.etag" ]
ok $? "get: no .part and no .part.etag left"
rm -rf "$CL"

# --- 5. get: every try fails; the .part stays for a later get -------------
CL=$T/cfail
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" -l "$CL" get "$BIG" \
	>"$T/out5" 2>"$T/err5" </dev/null &
CPID=$!
track "$CPID"
started "$CL/big.wav.part" || bail "get wrote nothing in 20 s"
kill_server
kill -CONT "$CPID"
wait_for 40 gone "$CPID"
ok $? "all tries fail: the client ends"
kill -KILL "$CPID" 2>/dev/null
wait "$CPID"
is "$?" 1 "all tries fail: exit 1"
sed 's/^/# stderr: /' "$T/err5"
tail -n 1 "$T/err5" | grep -q "127.0.0.1 port $PORT" &&
	tail -n 1 "$T/err5" | grep -q 'gave up after 5 tries' &&
	tail -n 1 "$T/err5" | grep -q 'kept in .*big.wav.part'
ok $? "all tries fail: the message names the server, the tries, the .part"
tail -n 1 "$T/err5" | grep -q 'first broke with: .*transfer closed'
ok $? "all tries fail: the message says what broke first"
[ ! -e "$CL/big.wav" ] && [ -s "$CL/big.wav.part" ] &&
	[ -s "$CL/big.wav.part.etag" ]
ok $? "all tries fail: the .part and its ETag stay, nothing at the final path"
start_same_port
before=$(requests "GET /stream/$BIG .* 206 ")
client -l "$CL" get "$BIG"
is "$RC" 0 "all tries fail: a later get exits 0"
is "$(requests "GET /stream/$BIG .* 206 ")" "$((before + 1))" \
	"all tries fail: the later get resumes (one 206)"
cmp -s "$CL/big.wav" "$LIB/big.wav"
ok $? "all tries fail: the file is then byte-identical"
rm -rf "$CL"

finish
