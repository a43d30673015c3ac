#!/usr/bin/env bash
# tests/bench/get.sh: `as_client get` of a 1 GiB track against `curl -o`
# from the same as_server, alternating, as a ratio of medians (issue 3;
# goal: ours >= 0.95x curl's throughput). Not a test. Run from the source
# tree:
#   bash tests/bench/get.sh
# It compiles an optimized as_server and as_client (-O2) into a temporary
# directory, serves one 1 GiB random-bytes .mp3 on 127.0.0.1 only, and
# prints the medians. Knobs (environment): BENCH_GET_REPS (9) runs of each,
# BENCH_GET_MIB (1024) track size, BENCH_GET_TIMEOUT (300) seconds per run,
# TMPDIR for the scratch space (about 2x the track size). Everything it
# starts is stopped and everything it writes is removed on exit.
set -u

REPS=${BENCH_GET_REPS:-9}
MIB=${BENCH_GET_MIB:-1024}
LIMIT=${BENCH_GET_TIMEOUT:-300}
SRC=$(cd "$(dirname "$0")/../.." && pwd)

die() {
	echo "bench-get: $*" >&2
	exit 1
}
log() { echo "bench-get: $*" >&2; }

for tool in cc pkg-config curl timeout; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done
if [ ! -f "$SRC/server/main.c" ] || [ ! -f "$SRC/client/main.c" ]; then
	die "cannot find the sources under $SRC"
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/as-bench-get.XXXXXX") || die "mktemp failed"
SERVER_PID=
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ------------------------------------------------------------
log "compiling as_server and as_client with -O2 into $DIR"
cd "$SRC" || die "cd $SRC"
# shellcheck disable=SC2046 # pkg-config output is meant to be split
cc -std=c11 -O2 -D_GNU_SOURCE -DPACKAGE_VERSION='"bench"' -Iserver \
	-pthread $(pkg-config --cflags libmicrohttpd jansson taglib_c) \
	-o "$DIR/as_server" server/*.c \
	$(pkg-config --libs libmicrohttpd jansson taglib_c) ||
	die "cannot compile as_server"
# shellcheck disable=SC2046
cc -std=c11 -O2 -D_GNU_SOURCE -DPACKAGE_VERSION='"bench"' -Iclient \
	-Iserver $(pkg-config --cflags libcurl jansson libedit) \
	-o "$DIR/as_client" client/*.c server/parse.c \
	$(pkg-config --libs libcurl jansson libedit) ||
	die "cannot compile as_client"

# --- the library and the server ----------------------------------------
mkdir "$DIR/lib" || die "mkdir"
log "writing a ${MIB} MiB random track"
head -c $((MIB * 1024 * 1024)) /dev/urandom >"$DIR/lib/big.mp3" ||
	die "cannot write the track"
SIZE=$(stat -c %s "$DIR/lib/big.mp3")
"$DIR/as_server" -b 127.0.0.1 -p 0 --port-file "$DIR/port" -l "$DIR/lib" \
	>"$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
	[ -s "$DIR/port" ] && break
	kill -0 "$SERVER_PID" 2>/dev/null || die "as_server exited: $(cat "$DIR/server.log")"
	sleep 0.05
done
[ -s "$DIR/port" ] || die "as_server wrote no port file within 30 s"
PORT=$(cat "$DIR/port")
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 1200); do
	curl -s --max-time 5 "$URL/list" | grep -q '^0:big.mp3$' && break
	sleep 0.05
done
curl -s --max-time 5 "$URL/list" | grep -q '^0:big.mp3$' ||
	die "the server did not list the track within 60 s"

# --- runs ---------------------------------------------------------------
# now: seconds since the epoch with microseconds (bash 5).
now() { echo "${EPOCHREALTIME/,/.}"; }
# elapsed START END: END - START, in seconds.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# run_ours: one `as_client get 0` into a fresh library; prints seconds.
run_ours() {
	local t0 t1 rc
	rm -rf "$DIR/cl"
	t0=$(now)
	timeout "$LIMIT" "$DIR/as_client" -a 127.0.0.1 -p "$PORT" \
		-l "$DIR/cl" get 0 >/dev/null 2>"$DIR/client.err"
	rc=$?
	t1=$(now)
	[ "$rc" -eq 0 ] || die "as_client get failed ($rc): $(cat "$DIR/client.err")"
	[ "$(stat -c %s "$DIR/cl/big.mp3")" = "$SIZE" ] ||
		die "as_client saved the wrong number of bytes"
	rm -rf "$DIR/cl"
	elapsed "$t0" "$t1"
}

# run_curl: one `curl -s -o FILE URL`; prints seconds.
run_curl() {
	local t0 t1 rc
	rm -f "$DIR/curl.out"
	t0=$(now)
	timeout "$LIMIT" curl -s -o "$DIR/curl.out" "$URL/stream/0"
	rc=$?
	t1=$(now)
	[ "$rc" -eq 0 ] || die "curl failed ($rc)"
	[ "$(stat -c %s "$DIR/curl.out")" = "$SIZE" ] ||
		die "curl saved the wrong number of bytes"
	rm -f "$DIR/curl.out"
	elapsed "$t0" "$t1"
}

median() { sort -n | awk '{ v[NR] = $1 } END {
	if (NR % 2) print v[(NR + 1) / 2];
	else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

OURS=()
CURL=()
log "warming up (one run of each, not counted)"
run_ours >/dev/null
run_curl >/dev/null
# Each run writes 1 GiB into the page cache, and on a VM the first touch
# of memory the host has taken back is dear: a run that meets it spends
# most of its time copying into fresh pages, whichever program it is. The
# two take turns going first, so that neither always follows the other's
# delete.
for i in $(seq 1 "$REPS"); do
	if [ $((i % 2)) -eq 1 ]; then
		OURS+=("$(run_ours)")
		CURL+=("$(run_curl)")
	else
		CURL+=("$(run_curl)")
		OURS+=("$(run_ours)")
	fi
	log "run $i/$REPS: as_client ${OURS[-1]} s, curl ${CURL[-1]} s"
done

MO=$(printf '%s\n' "${OURS[@]}" | median)
MC=$(printf '%s\n' "${CURL[@]}" | median)
awk -v mo="$MO" -v mc="$MC" -v size="$SIZE" -v reps="$REPS" 'BEGIN {
	mib = size / 1048576
	printf "get of a %.0f MiB track on 127.0.0.1, median of %d runs each\n", mib, reps
	printf "as_client get: %.3f s  %.0f MiB/s\n", mo, mib / mo
	printf "curl -o:       %.3f s  %.0f MiB/s\n", mc, mib / mc
	printf "ratio (as_client throughput / curl): %.2fx (goal >= 0.95x)\n", mc / mo
}'
