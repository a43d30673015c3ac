#!/bin/sh
# client-secure: as_client against a real as_server with access control
# (issue 5): https:// URLs with --cacert and a throwaway certificate; a
# missing or wrong CA fails with a clear message; the shared token from
# --token-file or AS_TOKEN (the option wins) on every request, a clear hint
# on 401, never printed and never handed to the player.
. "$top_srcdir/tests/lib.sh"

need openssl curl
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
[ -x "$AS_CLIENT" ] || bail "no as_client at $AS_CLIENT"

plan 57

LIB=$T/lib
mkdir -p "$LIB/Artist/Album" || bail "mkdir"
head -c 300000 /dev/urandom >"$LIB/a.mp3" || bail "a.mp3"
head -c 200000 /dev/urandom >"$LIB/Artist/Album/01 b.mp3" || bail "b.mp3"

# cert NAME: a throwaway self-signed certificate, $T/NAME.crt and .key.
cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
		-keyout "$T/$1.key" -out "$T/$1.crt" -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
		>/dev/null 2>&1 || bail "openssl could not make a certificate"
}
cert server
cert other

TOKEN=t0k-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$TOKEN" >"$T/token"
printf '  %s \r\nsecond line\n' "$TOKEN" >"$T/token-spaced"
printf 'not-the-token\n' >"$T/token-wrong"
printf 'two words\n' >"$T/token-bad"

# client ARGS...: as_client against $SURL, bounded; stdout in $T/out,
# stderr in $T/err; sets RC. Every output is kept in $T/all for the
# "never printed" check.
client() {
	timeout 60 "$AS_CLIENT" -u "$SURL" "$@" >"$T/out" 2>"$T/err" \
		</dev/null
	RC=$?
	cat "$T/out" "$T/err" >>"$T/all"
}

# one_line: stderr holds exactly one line.
one_line() {
	is "$(wc -l <"$T/err")" 1 "$1: one line on stderr"
}

# idx PATH: the index of PATH in the listing in $T/out.
idx() { sed -n "s|^\\([0-9]*\\): $1  (.*)\$|\\1|p" "$T/out"; }

: >"$T/all"

### HTTPS ####################################################################
start_server -l "$LIB" --cert "$T/server.crt" --key "$T/server.key"
SURL="https://127.0.0.1:$PORT"
wait_for 10 sh -c "curl -s --cacert '$T/server.crt' '$SURL/list' |
	grep -q 'b.mp3'" || bail "the server did not list the library"
CA="--cacert=$T/server.crt"

client "$CA" list
is "$RC" 0 "https: list with --cacert exits 0"
is "$(wc -l <"$T/out")" 2 "https: list prints both tracks"
IA=$(idx a.mp3)
IB=$(idx "Artist/Album/01 b.mp3")
[ -n "$IA" ] && [ -n "$IB" ]
ok $? "https: list names both paths"

client "$CA" -l "$T/cl" get "$IB"
is "$RC" 0 "https: get exits 0"
cmp -s "$T/cl/Artist/Album/01 b.mp3" "$LIB/Artist/Album/01 b.mp3"
ok $? "https: get saves the server's bytes"
[ ! -e "$T/cl/Artist/Album/01 b.mp3.part" ]
ok $? "https: get leaves no .part"

SURL="https://localhost:$PORT"
client "$CA" -l "$T/cl" get "$IA"
is "$RC" 0 "https: get by host name (localhost) exits 0"
cmp -s "$T/cl/a.mp3" "$LIB/a.mp3"
ok $? "https: get by host name saves the server's bytes"
SURL="https://127.0.0.1:$PORT"

client "$CA" -l "$T/cl2" --player "cat >'$T/played'" stream+ "$IA"
is "$RC" 0 "https: stream+ exits 0"
cmp -s "$T/played" "$LIB/a.mp3"
ok $? "https: stream+ gives the player the server's bytes"
cmp -s "$T/cl2/a.mp3" "$LIB/a.mp3"
ok $? "https: stream+ saves the server's bytes"

rm -f "$T/played"
client "$CA" --player "cat >'$T/played'" stream "$IB"
is "$RC" 0 "https: stream exits 0"
cmp -s "$T/played" "$LIB/Artist/Album/01 b.mp3"
ok $? "https: stream gives the player the server's bytes"

printf 'list\nget %s\nquit\n' "$IA" |
	timeout 60 "$AS_CLIENT" -u "$SURL" "$CA" -l "$T/cl3" >"$T/out" 2>"$T/err"
is "$?" 0 "https: the shell runs list and get"
cmp -s "$T/cl3/a.mp3" "$LIB/a.mp3"
ok $? "https: the shell's get saves the server's bytes"

# --- a missing, wrong or unreadable CA ------------------------------------
client -l "$T/nocl" list
is "$RC" 1 "https: no --cacert for a self-signed server: exit 1"
grep -q 'cannot verify the server at https://127.0.0.1:' "$T/err" &&
	grep -q -- '--cacert' "$T/err"
ok $? "https: no --cacert: the message says to pass --cacert"
one_line "https: no --cacert"

client --cacert "$T/other.crt" -l "$T/nocl" get "$IA"
is "$RC" 1 "https: the wrong CA: exit 1"
grep -q "cannot verify the server at .* with the CA file $T/other.crt" \
	"$T/err"
ok $? "https: the wrong CA: the message names the CA file"
one_line "https: the wrong CA"
[ ! -e "$T/nocl/a.mp3" ]
ok $? "https: the wrong CA: nothing is saved"

client --cacert "$T/missing.crt" list
is "$RC" 1 "https: a missing CA file: exit 1"
grep -q "cannot use the CA file $T/missing.crt given with --cacert" \
	"$T/err"
ok $? "https: a missing CA file: the message names it"

SURL="http://127.0.0.1:$PORT"
client list
is "$RC" 1 "http:// to the HTTPS port: exit 1"
grep -q 'https://' "$T/err"
ok $? "http:// to the HTTPS port: the message suggests https://"
stop_server

### the shared token (plain HTTP) #############################################
start_server -l "$LIB" --token-file "$T/token" --access-log "$T/access.log"
SURL="http://127.0.0.1:$PORT"
wait_for 10 sh -c "curl -s -H 'Authorization: Bearer $TOKEN' '$SURL/list' |
	grep -q 'b.mp3'" || bail "the server did not list the library"

client list
is "$RC" 1 "token: list without it: exit 1"
grep -q 'needs its token (HTTP 401): pass --token-file FILE or set AS_TOKEN' \
	"$T/err"
ok $? "token: without it: the hint names --token-file and AS_TOKEN"
one_line "token: without it"
client -l "$T/tcl0" get "$IA"
is "$RC" 1 "token: get without it: exit 1"
[ ! -e "$T/tcl0/a.mp3" ]
ok $? "token: get without it saves nothing"

client --token-file "$T/token" list
is "$RC" 0 "token: list with --token-file exits 0"
is "$(wc -l <"$T/out")" 2 "token: list with --token-file prints both"
client --token-file "$T/token" -l "$T/tcl1" get "$IA"
is "$RC" 0 "token: get with --token-file exits 0"
cmp -s "$T/tcl1/a.mp3" "$LIB/a.mp3"
ok $? "token: get with --token-file saves the server's bytes"

AS_TOKEN=$TOKEN
export AS_TOKEN
client -l "$T/tcl2" get "$IB"
is "$RC" 0 "token: get with AS_TOKEN exits 0"
cmp -s "$T/tcl2/Artist/Album/01 b.mp3" "$LIB/Artist/Album/01 b.mp3"
ok $? "token: get with AS_TOKEN saves the server's bytes"

rm -f "$T/played" "$T/penv"
client -l "$T/tcl3" --player "env >'$T/penv'; cat >'$T/played'" \
	stream+ "$IA"
is "$RC" 0 "token: stream+ with AS_TOKEN exits 0"
cmp -s "$T/played" "$LIB/a.mp3" && cmp -s "$T/tcl3/a.mp3" "$LIB/a.mp3"
ok $? "token: stream+ plays and saves the server's bytes"
[ -s "$T/penv" ] && ! grep -q -e AS_TOKEN -e "$TOKEN" "$T/penv"
ok $? "token: the player does not inherit AS_TOKEN"

AS_TOKEN=not-the-token
client --token-file "$T/token-spaced" list
is "$RC" 0 "token: --token-file wins over AS_TOKEN (and spaces, CRLF go)"

client list
is "$RC" 1 "token: a wrong AS_TOKEN: exit 1"
grep -q 'refused the token from AS_TOKEN (HTTP 401)' "$T/err"
ok $? "token: a wrong AS_TOKEN: the message says it was refused"
unset AS_TOKEN

client --token-file "$T/token-wrong" list
is "$RC" 1 "token: a wrong --token-file: exit 1"
grep -q 'refused the token from --token-file' "$T/err"
ok $? "token: a wrong --token-file: the message says so"

client --token-file "$T/missing-token" list
is "$RC" 1 "token: a missing token file: exit 1"
grep -q "cannot read token file $T/missing-token" "$T/err"
ok $? "token: a missing token file: the message names it"

client --token-file "$T/token-bad" list
is "$RC" 1 "token: a malformed token file: exit 1"
grep -q "token file $T/token-bad: the token must be" "$T/err"
ok $? "token: a malformed token file: the message says why"
grep -q '"GET /stream/[0-9]* HTTP/1.1" 20[06] ' "$T/access.log" &&
	! grep -q 'token=' "$T/access.log"
ok $? "token: it travels in a header, never in the URL"
stop_server

### HTTPS and the token together ##############################################
start_server -l "$LIB" --cert "$T/server.crt" --key "$T/server.key" \
	--token-file "$T/token"
SURL="https://localhost:$PORT"
wait_for 10 sh -c "curl -s --cacert '$T/server.crt' \
	-H 'Authorization: Bearer $TOKEN' '$SURL/list' | grep -q b.mp3" ||
	bail "the server did not list the library"

client "$CA" list
is "$RC" 1 "https+token: without the token: exit 1"
grep -q 'pass --token-file FILE or set AS_TOKEN' "$T/err"
ok $? "https+token: without the token: the hint"
client "$CA" --token-file "$T/token" -l "$T/both" get "$IA"
is "$RC" 0 "https+token: get exits 0"
cmp -s "$T/both/a.mp3" "$LIB/a.mp3"
ok $? "https+token: get saves the server's bytes"
rm -f "$T/played"
AS_TOKEN=$TOKEN
export AS_TOKEN
client "$CA" --player "cat >'$T/played'" stream "$IB"
unset AS_TOKEN
is "$RC" 0 "https+token: stream with AS_TOKEN exits 0"
cmp -s "$T/played" "$LIB/Artist/Album/01 b.mp3"
ok $? "https+token: stream gives the player the server's bytes"
stop_server

# --- never printed ---------------------------------------------------------
! grep -q "$TOKEN" "$T/all"
ok $? "the token never appears in the client's output"

finish
