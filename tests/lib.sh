# tests/lib.sh: shared by the shell tests. Sourced, never run.
#
# - TAP output: plan N, ok COND-STATUS NAME, is GOT WANT NAME, finish.
# - A private work directory $T, removed by the EXIT trap with every
#   process this test started.
# - start_server [ARGS...]: the real as_server on 127.0.0.1 --port 0; the
#   port is learned from --port-file with a deadline, never guessed.
#
# Environment (set by make check): AS_SERVER, AS_CLIENT, top_srcdir,
# top_builddir. Run by hand: top_builddir=$PWD top_srcdir=$PWD sh tests/x.sh

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${AS_SERVER:=$top_builddir/server/as_server}"
: "${AS_CLIENT:=$top_builddir/client/as_client}"
# The sanitizer run: other projects' leaks are not ours (tests/lsan.supp).
LSAN_OPTIONS="suppressions=$top_srcdir/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

T=$(mktemp -d "${TMPDIR:-/tmp}/as-test.XXXXXX")
_tap_n=0
_tap_failed=0
_pids=""

_cleanup() {
	for p in $_pids; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $_pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 99' INT TERM

plan() { echo "1..$1"; }

# ok STATUS NAME: pass when STATUS (an exit code) is 0.
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $2"
	fi
}

# is GOT WANT NAME: pass when the two strings are equal; show both if not.
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

# timed STATUS NAME: as ok, for a time bound. Under valgrind (make
# check-valgrind sets AS_VALGRIND), which slows the server tens of times,
# it is skipped.
timed() {
	if [ -n "${AS_VALGRIND:-}" ]; then
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n - $2 # SKIP time bound under valgrind"
	else
		ok "$1" "$2"
	fi
}

diag() { printf '# %s\n' "$*"; }

# bail REASON: stop the whole test file (a broken fixture, not a failure).
bail() {
	echo "Bail out! $*"
	exit 99
}

# skip NAME REASON: one test point that cannot be judged here.
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

# sanitized: is this build instrumented (ASan keeps freed memory in
# quarantine, so memory figures mean nothing)?
sanitized() { [ "${AS_SANITIZED:-no}" = yes ]; }

# need CMD...: skip the whole file, saying which, when a command is missing;
# with AS_NEED_ALL=yes (.ci/run, where .ci/deps installed everything) a
# missing command is an error instead, so that CI never passes by skipping.
need() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null || missing "$_c is not installed"
	done
}

# missing REASON: a tool this file needs is not installed: skip it all, or
# bail out under AS_NEED_ALL=yes.
missing() {
	[ "${AS_NEED_ALL:-no}" = yes ] && bail "$* (.ci/deps must install it)"
	skip_all "$*"
}

# skip_all REASON: nothing here can run on this machine.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

finish() {
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

# tap_from FILE: a helper program's results as TAP: lines "0 NAME" (pass)
# or "1 NAME" (fail) become test points, "# ..." lines pass through.
tap_from() {
	while IFS= read -r _line; do
		case $_line in
		'#'*) echo "$_line" ;;
		[01]' '*) ok "${_line%% *}" "${_line#* }" ;;
		esac
	done <"$1"
}

# track PID: kill it in cleanup.
track() { _pids="$_pids $1"; }

# wait_for SECONDS COMMAND...: poll COMMAND every 0.05 s until it succeeds
# or the deadline passes (status 1).
wait_for() {
	_deadline=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_deadline" ] && return 1
		sleep 0.05
	done
	return 0
}

# start_server [ARGS...]: start as_server; sets SERVER_PID, PORT, URL and
# SERVER_LOG. Extra arguments (e.g. -l DIR) follow the defaults.
start_server() {
	_pf="$T/port.$$.$_tap_n.$(date +%s%N)"
	SERVER_LOG="$T/server.log"
	"$AS_SERVER" -b 127.0.0.1 -p 0 --port-file "$_pf" "$@" \
		>>"$SERVER_LOG" 2>&1 &
	SERVER_PID=$!
	track "$SERVER_PID"
	if ! wait_for 10 test -s "$_pf"; then
		cat "$SERVER_LOG" | sed 's/^/# log: /'
		bail "as_server did not write its port file within 10 s"
	fi
	PORT=$(cat "$_pf")
	URL="http://127.0.0.1:$PORT"
}

stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
}

# curl_ [ARGS...]: the curl command with a deadline always set.
curl_() { curl -sS --max-time 20 "$@"; }

# http_code URL [ARGS...]: the status code alone.
http_code() {
	_u=$1
	shift
	curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$@" "$_u"
}

# make_tone FILE SECONDS: a real audio file of that length in the format of
# FILE's extension (sox for wav/flac/ogg, ffmpeg for the rest).
make_tone() {
	case "$1" in
	*.wav | *.flac | *.ogg)
		sox -n -r 44100 -c 2 "$1" synth "$2" sine 440 vol 0.3 2>/dev/null
		;;
	*.mp3)
		ffmpeg -v error -nostdin -y -f lavfi -i "sine=f=440:d=$2" \
			-ac 2 -ar 44100 -b:a 128k "$1"
		;;
	*.opus | *.oga)
		ffmpeg -v error -nostdin -y -f lavfi -i "sine=f=440:d=$2" \
			-ac 2 -c:a libopus -f ogg "$1"
		;;
	*.m4a)
		ffmpeg -v error -nostdin -y -f lavfi -i "sine=f=440:d=$2" \
			-ac 2 -c:a aac "$1"
		;;
	esac
}

# --- HTTP helpers shared by the server tests -------------------------------

# fetch NAME URL [CURL ARGS...]: body in $T/NAME.body, headers in
# $T/NAME.hdr; prints the status code.
fetch() {
	_n=$1
	_u=$2
	shift 2
	rm -f "$T/$_n.hdr" "$T/$_n.body"
	curl -sS --max-time 20 -D "$T/$_n.hdr" -o "$T/$_n.body" \
		-w '%{http_code}' "$@" "$_u" 2>"$T/$_n.err"
	[ -f "$T/$_n.body" ] || : >"$T/$_n.body"
	[ -f "$T/$_n.hdr" ] || : >"$T/$_n.hdr"
}

# listed PATH [BASE] / unlisted PATH [BASE]: is PATH in BASE/list (default
# $URL) right now? Both fail when /list cannot be fetched, so a server that
# does not answer never looks like one that dropped a track. The listing
# they saw stays in $T/list.body, as `fetch list` leaves it.
list_now() { curl -sSf --max-time 5 "${1:-$URL}/list" >"$T/list.body"; }
in_list() { cut -d: -f2- "$T/list.body" | grep -qxF -- "$1"; }
listed() { list_now "${2:-}" && in_list "$1"; }
unlisted() { list_now "${2:-}" && ! in_list "$1"; }

# index_of PATH: PATH's index in the last listing seen ($T/list.body, as
# list_now, listed, unlisted and `fetch list` leave it); empty if absent.
index_of() {
	awk -v p="$1" '{ i = index($0, ":")
		if (substr($0, i + 1) == p) print substr($0, 1, i - 1) }' \
		"$T/list.body"
}

# hdr NAME FIELD: the first value of response header FIELD, trimmed.
hdr() {
	awk -v k="$2" 'BEGIN { k = tolower(k) }
		{ sub(/\r$/, ""); i = index($0, ":")
		  if (i > 1 && tolower(substr($0, 1, i - 1)) == k) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v)
			sub(/[ \t]+$/, "", v); print v; exit } }' "$T/$1.hdr"
}

# vary_accept NAME: the response's Vary names Accept.
vary_accept() {
	hdr "$1" Vary | tr A-Z a-z | tr ',' '\n' | tr -d ' ' | grep -qx accept
}

# no_hdr NAME FIELD: status 0 when the response has no such header.
no_hdr() {
	awk -v k="$2" 'BEGIN { k = tolower(k) ":"; r = 0 }
		tolower(substr($0, 1, length(k))) == k { r = 1 }
		END { exit r }' "$T/$1.hdr"
}

# error_body NAME: one line "error: <message>\n" as text/plain.
error_body() {
	[ "$(wc -l <"$T/$1.body")" -eq 1 ] &&
		[ "$(wc -c <"$T/$1.body")" -gt 8 ] &&
		head -c 7 "$T/$1.body" | grep -q '^error: ' &&
		[ "$(tail -c 1 "$T/$1.body" | od -An -c | tr -d ' ')" = '\n' ] &&
		[ "$(hdr "$1" Content-Type)" = "text/plain; charset=utf-8" ]
}

# size_of FILE: its size in bytes.
size_of() {
	_s=$(wc -c <"$1")
	echo $((_s))
}

# stop_within SIGNAL: send it, wait up to 5 s (120 s under valgrind) for
# the exit, then KILL; STOP_MS is how long it took, STOP_RC the exit
# status. Polls /proc for the zombie instead of a watchdog subshell: a
# subshell would inherit this file's traps, and its cleanup would run when
# the watchdog ends. (Not in $(...): wait needs this shell.)
stop_within() {
	_grace=5
	[ -n "${AS_VALGRIND:-}" ] && _grace=120
	_t0=$(date +%s%N)
	kill -"$1" "$SERVER_PID"
	_end=$((_t0 + _grace * 1000000000))
	while [ "$(date +%s%N)" -lt "$_end" ]; do
		case $(awk '{ print $3 }' "/proc/$SERVER_PID/stat" 2>/dev/null) in
		Z | X | "") break ;;
		esac
		sleep 0.02
	done
	_t1=$(date +%s%N)
	kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
	STOP_RC=$?
	STOP_MS=$(((_t1 - _t0) / 1000000))
}
