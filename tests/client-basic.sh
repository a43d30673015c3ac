#!/bin/sh
# client-basic: as_client against a real as_server: list, get, help and
# quit in one-shot and shell mode; saved bytes equal the server's files;
# nested folders and their modes; .part resume and no refetch; exit codes
# for bad indexes; a server that is down or killed in the middle of a get.
. "$top_srcdir/tests/lib.sh"

need sox curl
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
[ -x "$AS_CLIENT" ] || bail "no as_client at $AS_CLIENT"

plan 75

LIB=$T/lib
mkdir -p "$LIB/Artist/Album" "$LIB/deep/er/still" || bail "mkdir"
make_tone "$LIB/tone.wav" 1 || bail "make_tone"
make_tone "$LIB/Artist/Album/01 song.flac" 1 || bail "make_tone"
make_tone "$LIB/deep/er/still/x.wav" 1 || bail "make_tone"
make_tone "$LIB/resume.wav" 3 || bail "make_tone"
touch -d '2020-01-02 03:04:05' "$LIB/resume.wav"
ACCESS=$T/access.log
start_server -l "$LIB" --access-log "$ACCESS"

# client ARGS...: as_client on this server; stdout in $T/out, stderr in
# $T/err; sets RC. Always bounded by timeout(1).
client() {
	timeout 60 "$AS_CLIENT" -a 127.0.0.1 -p "$PORT" "$@" \
		>"$T/out" 2>"$T/err" </dev/null
	RC=$?
}

# shell SCRIPT ARGS...: the shell mode with SCRIPT on stdin.
shell() {
	_script=$1
	shift
	printf '%s' "$_script" | timeout 60 "$AS_CLIENT" -a 127.0.0.1 \
		-p "$PORT" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# requests PATTERN: how many access-log lines match PATTERN.
requests() {
	grep -c "$1" "$ACCESS" 2>/dev/null || true
}

# --- list ------------------------------------------------------------
wait_for 10 listed resume.wav ||
	bail "the server did not list the library"
curl_ "$URL/list" | sed 's/:/: /' >"$T/want-list"
client list
is "$RC" 0 "list exits 0"
sed 's/  (.*)$//' "$T/out" >"$T/got-list"
cmp -s "$T/got-list" "$T/want-list"
ok $? "list prints 'index: path' for every track, in order"
is "$(wc -l <"$T/out")" 4 "list prints one line per track"
grep -q '^[0-9]*: .*  (.*KiB)$' "$T/out"
ok $? "list shows the size"

shell "list
"
is "$RC" 0 "shell: list exits 0 at end of input"
sed 's/  (.*)$//' "$T/out" | cmp -s - "$T/want-list"
ok $? "shell: list output without prompt noise"

# --- help, quit, version, options --------------------------------------
client help
is "$RC" 0 "help exits 0"
n=0
for c in list get stream stream+ help quit; do
	grep -q "^  $c[ <]" "$T/out" && n=$((n + 1))
done
is "$n" 6 "help names all six commands"
client quit
is "$RC" 0 "quit one-shot exits 0"
shell "help
quit
list
"
is "$RC" 0 "shell: quit exits 0"
grep -q tone.wav "$T/out"
is "$?" 1 "shell: nothing runs after quit"
client --version
is "$RC" 0 "--version exits 0"
grep -q '^as_client ' "$T/out"
ok $? "--version names the program"
client -h
is "$RC" 0 "-h exits 0"
client --bogus list
is "$RC" 2 "an unknown option is a usage error"
client --buffer-max 12Q list
is "$RC" 2 "a bad --buffer-max is a usage error"

# --- get: bytes, folders, modes ----------------------------------------
CL=$T/cl
before=$(requests 'GET /stream/')
for p in tone.wav "Artist/Album/01 song.flac" deep/er/still/x.wav; do
	i=$(index_of "$p")
	client -l "$CL" get "$i"
	is "$RC" 0 "get $p exits 0"
	cmp -s "$CL/$p" "$LIB/$p"
	ok $? "get $p saves the server's bytes"
	[ ! -e "$CL/$p.part" ]
	ok $? "get $p leaves no .part"
done
is "$(stat -c %a "$CL")" 700 "the library directory is created 0700"
is "$(stat -c %a "$CL/deep/er/still")" 700 "new folders take its mode"

(umask 000 && "$AS_CLIENT" -a 127.0.0.1 -p "$PORT" -l "$T/cl0" \
	get "$(index_of deep/er/still/x.wav)" >/dev/null 2>&1)
is "$(stat -c %a "$T/cl0"):$(stat -c %a "$T/cl0/deep/er")" 700:700 \
	"umask 000: library and folders still 0700"
mkdir -m 0750 "$T/cl750"
chmod 0750 "$T/cl750"
client -l "$T/cl750" get "$(index_of deep/er/still/x.wav)"
is "$(stat -c %a "$T/cl750/deep"):$(stat -c %a "$T/cl750/deep/er/still")" \
	750:750 "folders copy an existing library's mode (0750)"

shell "get $(index_of tone.wav)
quit
" -l "$T/cl-shell"
is "$RC" 0 "shell: get exits 0"
cmp -s "$T/cl-shell/tone.wav" "$LIB/tone.wav"
ok $? "shell: get saves the server's bytes"

# --- no refetch ---------------------------------------------------------
before=$(requests 'GET /stream/')
client -l "$CL" get "$(index_of tone.wav)"
is "$RC" 0 "get of a complete file exits 0"
is "$(requests 'GET /stream/')" "$before" "a complete file is not fetched again"
grep -q 'already complete' "$T/out"
ok $? "get says the file is already there"

# --- resume -------------------------------------------------------------
ri=$(index_of resume.wav)
size=$(stat -c %s "$LIB/resume.wav")
half=$((size / 2))
head -c "$half" "$LIB/resume.wav" >"$CL/resume.wav.part"
touch -r "$LIB/resume.wav" "$CL/resume.wav.part"
before=$(requests "GET /stream/$ri .* 206 ")
client -l "$CL" get "$ri"
is "$RC" 0 "get resumes a .part"
cmp -s "$CL/resume.wav" "$LIB/resume.wav"
ok $? "the resumed file equals the server's"
is "$(requests "GET /stream/$ri .* 206 ")" "$((before + 1))" \
	"the resume asked for a range (206)"
[ ! -e "$CL/resume.wav.part" ]
ok $? "no .part is left after the resume"

rm -f "$CL/resume.wav"
head -c "$half" /dev/urandom >"$CL/resume.wav.part"
client -l "$CL" get "$ri"
is "$RC" 0 "get with a stale .part (other date) exits 0"
cmp -s "$CL/resume.wav" "$LIB/resume.wav"
ok $? "a stale .part is replaced, not spliced"

rm -f "$CL/resume.wav"
head -c "$((size + 100))" /dev/urandom >"$CL/resume.wav.part"
client -l "$CL" get "$ri"
cmp -s "$CL/resume.wav" "$LIB/resume.wav"
ok $? "a .part longer than the track is started over"

# --- bad indexes --------------------------------------------------------
before=$(wc -l <"$ACCESS")
for a in "get" "get 1x" "get -1" "get +1" "get 1 2" "bogus" "get ''"; do
	eval "client -l '$T/none' $a"
	is "$RC" 2 "'$a' is a usage error (2)"
done
is "$(wc -l <"$ACCESS")" "$before" "usage errors send no request"
[ ! -e "$T/none" ]
ok $? "usage errors create nothing"
client -l "$T/none" get 5
is "$RC" 1 "an index past the end exits 1"
grep -q 'has 4 tracks' "$T/err"
ok $? "the message says how many tracks there are"
client -l "$T/none" get 18446744073709551616
is "$RC" 1 "an index past UINT64_MAX exits 1 (out of range)"
shell "get 1x
get 99
bogus
list
" -l "$T/none"
is "$RC" 0 "shell: errors do not end the shell"
is "$(wc -l <"$T/out")" 4 "shell: list still runs after errors"

# --- a hostile server ---------------------------------------------------
# A static server whose /list names a track outside the library, then one
# whose listing has the wrong types.
if command -v python3 >/dev/null; then
	mkdir -p "$T/evil"
	printf '%s' '{"count":2,"tracks":[{"index":0,"path":"../escaped.wav","size":4,"type":null,"mtime":null,"duration":null,"title":null,"artist":null,"album":null},{"index":1,"path":"/tmp/abs.wav","size":4,"type":null,"mtime":null,"duration":null,"title":null,"artist":null,"album":null}]}' >"$T/evil/list"
	(cd "$T/evil" && exec python3 -u -m http.server --bind 127.0.0.1 0 \
		>"$T/evil.log" 2>&1) &
	track $!
	wait_for 10 grep -q 'port [0-9]' "$T/evil.log" ||
		bail "python3 http.server did not start"
	EPORT=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$T/evil.log" | head -1)
	evil() {
		timeout 60 "$AS_CLIENT" -a 127.0.0.1 -p "$EPORT" "$@" \
			>"$T/out" 2>"$T/err" </dev/null
		RC=$?
	}
	evil -l "$T/evil-cl" get 0
	is "$RC" 1 "a track path with '..' is refused (exit 1)"
	grep -q 'unsafe' "$T/err" && [ ! -e "$T/escaped.wav" ] &&
		[ ! -e "$T/escaped.wav.part" ]
	ok $? "the refusal is explained and nothing is written outside"
	evil -l "$T/evil-cl" get 1
	is "$RC" 1 "an absolute track path is refused (exit 1)"
	printf '%s' '{"count":1,"tracks":[{"index":"0","path":"a.wav"}]}' \
		>"$T/evil/list"
	evil list
	is "$RC" 1 "a listing with wrong types is rejected (exit 1)"
	grep -q 'listing' "$T/err"
	ok $? "the rejection says what is wrong with the listing"
else
	for n in 1 2 3 4 5; do
		ok 0 "# SKIP python3 is not installed"
	done
fi

# --- server down --------------------------------------------------------
stop_server
client -l "$T/none" list
is "$RC" 1 "server down: list exits 1"
grep -q "127.0.0.1.*$PORT" "$T/err"
ok $? "server down: the message names address and port"
client -l "$T/none" get 0
is "$RC" 1 "server down: get exits 1"
# An IPv6 address, bare or in brackets as in a URL: one pair of brackets.
for a in ::1 '[::1]'; do
	timeout 60 "$AS_CLIENT" -a "$a" -p "$PORT" -l "$T/none" list \
		>"$T/out" 2>"$T/err" </dev/null
	is "$?" 1 "server down, -a $a: list exits 1"
	grep -qF "(http://[::1]:$PORT)" "$T/err"
	ok $? "server down, -a $a: the URL is http://[::1]:$PORT"
done
timeout 60 "$AS_CLIENT" -a 'user@host' -p "$PORT" list >"$T/out" \
	2>"$T/err" </dev/null
is "$?" 2 "-a user@host: a usage error (exit 2)"
grep -q "host name or an IP address" "$T/err"
ok $? "-a user@host: the message says what -a takes"
timeout 60 "$AS_CLIENT" -u "ftp://127.0.0.1:$PORT" list >"$T/out" \
	2>"$T/err" </dev/null
is "$?" 2 "-u ftp://...: a usage error (exit 2)"
grep -q "http:// or https:// URL" "$T/err"
ok $? "-u ftp://...: the message says what -u takes"

# --- server killed in the middle of a get -------------------------------
BIG=$T/big
mkdir -p "$BIG"
truncate -s 2G "$BIG/huge.wav" || bail "truncate"
start_server -l "$BIG"
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" -l "$T/clbig" get 0 \
	>"$T/out" 2>"$T/err" </dev/null &
CPID=$!
track "$CPID"
wait_for 20 test -s "$T/clbig/huge.wav.part"
ok $? "get writes to the .part"
kill -STOP "$CPID"
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
kill -CONT "$CPID"
wait_for 20 sh -c "! kill -0 $CPID"
ok $? "get ends after the server died"
wait "$CPID"
is "$?" 1 "get exits 1 when the server dies"
[ ! -e "$T/clbig/huge.wav" ] && [ -e "$T/clbig/huge.wav.part" ]
ok $? "only the .part exists, never the final path"
rm -rf "$T/clbig"

finish
