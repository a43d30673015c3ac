#!/bin/sh
# server-options: the secrets given on the command line. --cert without
# --key (and the reverse) is a usage error (exit 2); a key or certificate
# that is missing, empty, junk, swapped or of another pair stops the server
# with a clear line (exit 1); a --token-file that is empty, too long, has a
# character outside A-Z a-z 0-9 - . _ ~, a NUL byte, is over 1 MiB, missing,
# unreadable or a folder does the same. A server that refuses to start
# writes no port file. The limits hold at their edges: a 256-character
# token and one of every allowed character are accepted.
. "$top_srcdir/tests/lib.sh"

need curl openssl
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

plan 88

LIB="$T/library"
mkdir -p "$LIB"
: >"$LIB/a.wav"

# run_fail NAME STATUS ARGS...: the server, given ARGS, must exit with
# STATUS within 10 s, say why in one line on stderr (info and debug lines
# aside) and leave no port file; sets MSG (that line).
run_fail() {
	_n=$1
	_want=$2
	shift 2
	rm -f "$T/port"
	timeout 10 "$AS_SERVER" -b 127.0.0.1 -p 0 --port-file "$T/port" \
		-l "$LIB" "$@" >"$T/$_n.out" 2>"$T/$_n.err" </dev/null
	_rc=$?
	grep -vE '^[^ ]*: (info|debug): ' "$T/$_n.err" >"$T/$_n.msg"
	MSG=$(head -n 1 "$T/$_n.msg")
	is "$_rc" "$_want" "$_n: exit status $_want"
	is "$(wc -l <"$T/$_n.msg" | tr -d ' ')" 1 "$_n: one line: $MSG"
	[ ! -e "$T/port" ]
	ok $? "$_n: no port file"
}

# says NAME TEXT...: MSG holds every TEXT (fixed strings).
says() {
	_n=$1
	shift
	_r=0
	for _s in "$@"; do
		case $MSG in *"$_s"*) ;; *) _r=1 ;; esac
	done
	ok $_r "$_n: the line says so"
}

### --cert and --key ##########################################################

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout "$T/key.pem" \
	-out "$T/cert.pem" -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
		-keyout "$T/key2.pem" -out "$T/cert2.pem" -subj /CN=localhost \
		>/dev/null 2>&1 || bail "openssl could not make a certificate"
: >"$T/empty.pem"
printf 'not a key\n' >"$T/junk.pem"

run_fail "--cert alone" 2 --cert "$T/cert.pem"
says "--cert alone" "--cert and --key go together"
run_fail "--key alone" 2 --key "$T/key.pem"
says "--key alone" "--cert and --key go together"

run_fail "a missing key" 1 --cert "$T/cert.pem" --key "$T/nokey.pem"
says "a missing key" "cannot read key $T/nokey.pem: No such file"
run_fail "a missing certificate" 1 --cert "$T/nocert.pem" --key "$T/key.pem"
says "a missing certificate" "cannot read certificate $T/nocert.pem: No such file"

# What libmicrohttpd (GnuTLS) refuses: one hint for all of them.
for c in "junk key:$T/cert.pem:$T/junk.pem" \
	"empty key:$T/cert.pem:$T/empty.pem" \
	"the certificate as key:$T/cert.pem:$T/cert.pem" \
	"the key as certificate:$T/key.pem:$T/key.pem" \
	"a key of another pair:$T/cert.pem:$T/key2.pem"; do
	n=${c%%:*}
	c=${c#*:}
	run_fail "$n" 1 --cert "${c%%:*}" --key "${c#*:}"
	says "$n" "certificate and key pair"
done

# The control: the pair itself starts and serves HTTPS.
start_server -l "$LIB" --cert "$T/cert.pem" --key "$T/key.pem"
is "$(http_code "https://127.0.0.1:$PORT/health" --cacert "$T/cert.pem")" 200 \
	"the right pair: HTTPS /health 200"
stop_server

### --token-file ##############################################################

: >"$T/tok-empty"
printf '\n' >"$T/tok-newline"
printf '   \t \r\nsecond-line-token\n' >"$T/tok-blank-first"
head -c 257 /dev/zero | tr '\0' a >"$T/tok-257"
printf 'two words\n' >"$T/tok-space"
printf 'caf\303\251\n' >"$T/tok-utf8"
printf 'a/b\n' >"$T/tok-slash"
printf 'ab\000cd\n' >"$T/tok-nul"
head -c 1100000 /dev/zero | tr '\0' a >"$T/tok-huge"
mkdir -p "$T/tok-dir"

TOKEN_RULE="the token must be 1 to 256 characters of A-Z a-z 0-9 - . _ ~"
for t in empty newline blank-first 257 space utf8 slash; do
	run_fail "token file $t" 1 --token-file "$T/tok-$t"
	says "token file $t" "token file $T/tok-$t: $TOKEN_RULE"
done
run_fail "token file with a NUL" 1 --token-file "$T/tok-nul"
says "token file with a NUL" "cannot read token file $T/tok-nul"
run_fail "token file over 1 MiB" 1 --token-file "$T/tok-huge"
says "token file over 1 MiB" "cannot read token file $T/tok-huge: File too large"
run_fail "missing token file" 1 --token-file "$T/tok-none"
says "missing token file" "cannot read token file $T/tok-none: No such file"
run_fail "token file a folder" 1 --token-file "$T/tok-dir"
says "token file a folder" "cannot read token file $T/tok-dir: Is a directory"

# Unreadable: mode 000. Root reads it anyway, so as root the server runs
# as nobody (setpriv), from a copy nobody may execute.
printf 'secret\n' >"$T/tok-locked"
chmod 000 "$T/tok-locked"
RUN_AS=""
if [ "$(id -u)" -ne 0 ]; then
	RUN_AS="env"
	LOCKED_SERVER=$AS_SERVER
elif command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 &&
	[ "$(head -c 4 "$AS_SERVER" | tail -c 3)" = ELF ]; then
	RUN_AS="setpriv --reuid nobody --regid $(id -g nobody) --clear-groups"
	mkdir -p "$T/nobody"
	chmod 711 "$T"
	chmod 755 "$T/nobody"
	cp "$AS_SERVER" "$T/nobody/as_server"
	chmod 755 "$T/nobody/as_server"
	LOCKED_SERVER="$T/nobody/as_server"
fi
if [ -z "$RUN_AS" ]; then
	for i in 1 2 3; do
		skip "unreadable token file" "root without setpriv or a nobody user (or as_server is a wrapper script)"
	done
else
	timeout 10 $RUN_AS "$LOCKED_SERVER" -b 127.0.0.1 -p 0 -l "$LIB" \
		--token-file "$T/tok-locked" >/dev/null 2>"$T/locked.err" </dev/null
	is "$?" 1 "unreadable token file: exit status 1"
	grep -vE '^[^ ]*: (info|debug): ' "$T/locked.err" >"$T/locked.msg"
	MSG=$(head -n 1 "$T/locked.msg")
	is "$(wc -l <"$T/locked.msg" | tr -d ' ')" 1 "unreadable token file: one line: $MSG"
	says "unreadable token file" \
		"cannot read token file $T/tok-locked: Permission denied"
fi

# The edges that hold: 256 characters; every allowed character, with
# blanks around it and a second line after it.
head -c 256 /dev/zero | tr '\0' a >"$T/tok-256"
printf ' \t A-Za-z0-9._~Z \r\nignored second line\n' >"$T/tok-chars"
for t in 256:"$(cat "$T/tok-256")" chars:A-Za-z0-9._~Z; do
	f=${t%%:*}
	tok=${t#*:}
	start_server -l "$LIB" --token-file "$T/tok-$f"
	is "$(http_code "$URL/list")" 401 "token file $f: accepted; /list without it 401"
	is "$(http_code "$URL/list" -H "Authorization: Bearer $tok")" 200 \
		"token file $f: the token as read (trimmed, first line): 200"
	stop_server
done

finish
