#!/usr/bin/env bash
# tests/bench/run.sh: as_server against nginx on the same files, side by
# side, alternating, as ratios of medians (issue 4). Run by `make bench`,
# which builds an optimized as_server and the listener client first; by
# hand:
#   AS_SERVER=path/to/as_server BENCH_LISTENERS=path/to/listeners \
#   BENCH_WORK=/some/dir bash tests/bench/run.sh
# Knobs (environment): BENCH_REPS (3) runs per figure and server,
# BENCH_DURATION (10) seconds per wrk run, BENCH_LISTENERS_N (10000),
# BENCH_LISTEN_S (30), BENCH_TTFB_N (30), BENCH_SERVER_ARGS (more options
# for as_server, e.g. --conn-memory 16384), BENCH_ONLY (space-separated
# figure names: gib c64 c256 small list listeners rlisteners blisteners
# startup change ttfb; rlisteners ask for a range, as mpv and browsers do;
# blisteners play while a busy loop keeps one core).
# Everything runs on 127.0.0.1, every load is bounded in time, and every
# server started here is stopped on exit.
set -u

REPS=${BENCH_REPS:-3}
DUR=${BENCH_DURATION:-10}
NLISTEN=${BENCH_LISTENERS_N:-10000}
LISTEN_S=${BENCH_LISTEN_S:-30}
TTFB_N=${BENCH_TTFB_N:-30}
ONLY=${BENCH_ONLY:-gib c64 c256 small list listeners rlisteners blisteners startup change ttfb}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/as-bench}
AS_SERVER=${AS_SERVER:?set AS_SERVER to an as_server binary}
LISTENERS=${BENCH_LISTENERS:?set BENCH_LISTENERS to the listeners binary}
LIB=$WORK/lib
OUT=$WORK/results.txt
RAW=$WORK/raw.log

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

for tool in nginx wrk curl ffmpeg; do
	command -v "$tool" >/dev/null || die "$tool is missing (apt-get install nginx-light wrk curl ffmpeg)"
done
[ -x "$AS_SERVER" ] || die "no server at $AS_SERVER"
[ -x "$LISTENERS" ] || die "no listener client at $LISTENERS"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((NLISTEN + 100)) ] ||
	log "open file limit $(ulimit -n): $NLISTEN listeners may not fit"

mkdir -p "$WORK" || die "cannot create $WORK"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/as-bench.XXXXXX") || die "mktemp failed"
# Every server we run has its pid in one of these while it runs.
OURS_PID= LIST_PID= STARTED_PID= NGINX_PID=
stop() { # pid...
	local p
	for p in "$@"; do
		[ -n "$p" ] || continue
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}
cleanup() {
	stop "$OURS_PID" "$LIST_PID" "$STARTED_PID" "$NGINX_PID"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { echo "$EPOCHREALTIME"; }
# median of the numbers on stdin ("-" if none)
median() {
	sort -g | awk '{v[NR]=$1} END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'
}

### the library ##############################################################
gen_library() {
	local a b i t
	if [ -f "$LIB/.done" ]; then
		log "reusing the library in $LIB"
		return
	fi
	log "generating the library in $LIB (once)"
	rm -rf "$LIB"
	mkdir -p "$LIB/media/radio" "$LIB/list200" "$LIB/lib10k" \
		"$LIB/lib100k" || die "cannot create $LIB"
	# random bytes for throughput (the server never looks inside)
	head -c $((1024 * 1024 * 1024)) /dev/urandom >"$LIB/media/big.mp3"
	head -c $((4 * 1024 * 1024)) /dev/urandom >"$LIB/media/mid.mp3"
	head -c 4096 /dev/urandom >"$LIB/media/small.mp3"
	# real audio for the listeners: 60 s at 320 kbit/s (40 KB/s), 20
	# separate files (separate inodes: 20 shared descriptors)
	for t in 0 1 2 3; do
		ffmpeg -hide_banner -loglevel error -y -f lavfi \
			-i "sine=frequency=$((220 * (t + 1))):duration=60" \
			-ac 2 -ar 44100 -c:a libmp3lame -b:a 320k \
			"$LIB/media/radio/0$t.mp3" || die "ffmpeg failed"
	done
	for i in $(seq 4 19); do
		cp "$LIB/media/radio/0$((i % 4)).mp3" \
			"$LIB/media/radio/$(printf %02d "$i").mp3"
	done
	# 200 tracks for /list against nginx's autoindex
	for i in $(seq 1 200); do
		head -c $((1000 + i * 37)) /dev/urandom \
			>"$LIB/list200/$(printf 'Artist %02d - Song %03d.flac' $((i % 17)) "$i")"
	done
	# nested libraries of empty tracks for the startup figures
	for a in $(seq -w 0 9); do
		for b in $(seq -w 0 9); do
			mkdir -p "$LIB/lib10k/artist$a/album$b"
			(cd "$LIB/lib10k/artist$a/album$b" &&
				touch $(printf 'track%03d.mp3 ' $(seq 0 99)))
		done
	done
	for a in $(seq -w 0 99); do
		for b in $(seq -w 0 9); do
			mkdir -p "$LIB/lib100k/artist$a/album$b"
			(cd "$LIB/lib100k/artist$a/album$b" &&
				touch $(printf 'track%03d.mp3 ' $(seq 0 99)))
		done
	done
	touch "$LIB/.done"
}

### servers ##################################################################
# Start as_server on library $1; sets OURS_PID and OURS_PORT.
ours_start() {
	local pf=$TMP/ours.port i
	rm -f "$pf"
	"$AS_SERVER" -p 0 --port-file "$pf" -b 127.0.0.1 -l "$1" \
		--max-clients 15000 --access-log off ${BENCH_SERVER_ARGS:-} \
		>/dev/null 2>>"$TMP/ours.err" &
	OURS_PID=$!
	for i in $(seq 1 2000); do
		[ -s "$pf" ] && break
		kill -0 "$OURS_PID" 2>/dev/null ||
			die "as_server exited; see its log: $(tail -3 "$TMP/ours.err")"
		sleep 0.005
	done
	[ -s "$pf" ] || die "as_server wrote no port file"
	OURS_PORT=$(cat "$pf")
}
ours_stop() { stop "$OURS_PID"; OURS_PID=; }

# A port nobody listens on (nginx cannot be told port 0).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 10000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || break
	done
	echo "$p"
}

# nginx as a yardstick: Debian's defaults (sendfile, tcp_nopush), no access
# log, open_file_cache like our shared descriptors, the same backlog as
# as_server and no cap on keep-alive requests (as_server has none).
nginx_start() {
	local d=$TMP/nginx user=
	mkdir -p "$d"
	NGINX_PORT=$(free_port)
	[ "$(id -u)" = 0 ] && user="user root;"
	cat >"$d/nginx.conf" <<EOF
$user
worker_processes 2;
worker_rlimit_nofile 20000;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 15000; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	open_file_cache max=1000 inactive=60s;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT backlog=4096;
		root $LIB;
		autoindex on;
	}
}
EOF
	nginx -p "$d" -c "$d/nginx.conf" -g 'daemon off;' \
		>/dev/null 2>>"$d/error.log" &
	NGINX_PID=$!
	for i in $(seq 1 400); do
		curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/media/small.mp3" && return
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.01
	done
	die "nginx did not start: $(tail -3 "$d/error.log")"
}
nginx_stop() { stop "$NGINX_PID"; NGINX_PID=; }

# index of relative path $1 in our /list
index_of() {
	curl -sf "http://127.0.0.1:$OURS_PORT/list" |
		awk -v p="$1" '{i=index($0,":"); if (substr($0,i+1)==p) print substr($0,1,i-1)}'
}

# peak RSS in KiB since the last reset: as_server, or nginx's master and
# workers summed
pids_of() {
	if [ "$1" = ours ]; then echo "$OURS_PID"; else
		echo "$NGINX_PID"; ps -o pid= --ppid "$NGINX_PID"; fi
}
hwm_reset() {
	local p
	for p in $(pids_of "$1"); do echo 5 >"/proc/$p/clear_refs" 2>/dev/null; done
}
hwm() {
	local p s=0 v
	for p in $(pids_of "$1"); do
		v=$(awk '/^VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null)
		s=$((s + ${v:-0}))
	done
	echo "$s"
}

url() { # url ours|nginx what
	case "$1:$2" in
	ours:big) echo "http://127.0.0.1:$OURS_PORT/stream/$IDX_BIG" ;;
	ours:mid) echo "http://127.0.0.1:$OURS_PORT/stream/$IDX_MID" ;;
	ours:small) echo "http://127.0.0.1:$OURS_PORT/stream/$IDX_SMALL" ;;
	ours:radio) echo "http://127.0.0.1:$OURS_PORT/stream/$IDX_RADIO" ;;
	ours:list) echo "http://127.0.0.1:$LIST_PORT/list" ;;
	nginx:big) echo "http://127.0.0.1:$NGINX_PORT/media/big.mp3" ;;
	nginx:mid) echo "http://127.0.0.1:$NGINX_PORT/media/mid.mp3" ;;
	nginx:small) echo "http://127.0.0.1:$NGINX_PORT/media/small.mp3" ;;
	nginx:radio) echo "http://127.0.0.1:$NGINX_PORT/media/radio/00.mp3" ;;
	nginx:list) echo "http://127.0.0.1:$NGINX_PORT/list200/" ;;
	esac
}

### measurements #############################################################
# wrk: prints "req/s p99_ms"
wrk_run() { # conns url
	local out
	out=$(wrk -t2 -c"$1" -d"${DUR}s" --timeout 10s --latency "$2" 2>&1)
	echo "$out" >>"$RAW"
	echo "$out" | awk '
		/^Requests\/sec:/ {r=$2}
		$1 == "99%" { v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
			m = (u=="us") ? v/1000 : (u=="s") ? v*1000 : (u=="m") ? v*60000 : v }
		/Non-2xx|Socket errors/ {bad=1}
		END { if (bad) r = r "!"; print r, m }'
}

declare -A VAL # VAL[figure:server] = newline-separated samples
add() { VAL[$1:$2]+="$3"$'\n'; }
med() { printf '%s' "${VAL[$1:$2]:-}" | tr -d '!' | grep -E '^[0-9.]+$' | median; }

# Alternate ours and nginx REPS times, swapping who goes first.
alternate() { # fn
	local r
	for r in $(seq 1 "$REPS"); do
		if [ $((r % 2)) = 1 ]; then "$1" ours; "$1" nginx
		else "$1" nginx; "$1" ours; fi
	done
}

fig_gib() {
	local v
	v=$(curl -s -o /dev/null --max-time 60 -w '%{speed_download}' "$(url "$1" big)")
	echo "gib $1 $v" >>"$RAW"
	add gib "$1" "$(awk -v v="$v" 'BEGIN {printf "%.2f", v / 1e9}')"
}
fig_c64() {
	set -- "$1" $(wrk_run 64 "$(url "$1" mid)")
	add c64 "$1" "$2"; add c64p99 "$1" "$3"
}
fig_c256() {
	# fresh servers, so the peak is this load's
	restart_media
	hwm_reset "$1"
	set -- "$1" $(wrk_run 256 "$(url "$1" mid)")
	add c256 "$1" "$2"; add c256p99 "$1" "$3"
	add rss "$1" "$(( $(hwm "$1") / 1024 ))"
}
fig_small() {
	set -- "$1" $(wrk_run 64 "$(url "$1" small)")
	add small "$1" "$2"; add smallp99 "$1" "$3"
}
fig_list() {
	set -- "$1" $(wrk_run 16 "$(url "$1" list)")
	add list "$1" "$2"
}
fig_ttfb() {
	local v
	v=$(curl -s -o /dev/null --max-time 10 -w '%{time_starttransfer}' "$(url "$1" radio)")
	add ttfb "$1" "$(awk -v v="$v" 'BEGIN {printf "%.3f", v * 1000}')"
}

# ours|nginx [r: with Range: bytes=0-, as players ask; b: while a busy
# loop keeps one core to itself, as other work on the machine would]
fig_listeners() {
	local urls=$TMP/urls.$1 out i k=${2:-}lsn flag= busy=
	[ "${2:-}" = r ] && flag=-g
	: >"$urls"
	for i in $(seq 0 19); do
		if [ "$1" = ours ]; then echo "/stream/$((IDX_RADIO + i))"
		else printf '/media/radio/%02d.mp3\n' "$i"; fi >>"$urls"
	done
	restart_media
	hwm_reset "$1"
	if [ "${2:-}" = b ]; then # bounded: it ends by itself
		timeout $((LISTEN_S + 15)) sh -c 'while :; do :; done' &
		busy=$!
	fi
	log "$NLISTEN listeners${flag:+ with Range}${busy:+ beside a busy core} on $1 for ${LISTEN_S}s"
	out=$("$LISTENERS" -p "$([ "$1" = ours ] && echo "$OURS_PORT" || echo "$NGINX_PORT")" \
		-u "$urls" -n "$NLISTEN" -r 40000 -d "$LISTEN_S" -R 2 $flag 2>>"$RAW")
	[ -n "$busy" ] && stop "$busy"
	echo "listeners${flag:+ $flag}${busy:+ busy} $1 $out" >>"$RAW"
	add "$k" "$1" "$(echo "$out" | tr ' ' '\n' | awk -F= '
		{v[$1]=$2} END {printf "%s/%s,%s,%s", v["served"], v["listeners"],
		v["errors"], v["underruns"]}')"
	add "${k}wait" "$1" "$(echo "$out" | tr ' ' '\n' | awk -F= '$1 == "first_byte_ms_p99" {print $2}')"
	add "${k}rss" "$1" "$(( $(hwm "$1") / 1024 ))"
}

# Start as_server on library $1; STARTUP_S: seconds from exec to the
# first 200 from /list (or "timeout" after 20 s).
startup_once() { # library
	local t0 t1 pf=$TMP/start.port i
	rm -f "$pf"
	STARTUP_S=timeout
	t0=$(now)
	"$AS_SERVER" -p 0 --port-file "$pf" -b 127.0.0.1 -l "$1" \
		--access-log off >/dev/null 2>>"$TMP/start.err" &
	STARTED_PID=$!
	for i in $(seq 1 5000); do
		if [ -s "$pf" ] && curl -sf -o /dev/null "http://127.0.0.1:$(cat "$pf")/list"; then
			t1=$(now)
			STARTED_PORT=$(cat "$pf")
			STARTUP_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
			return
		fi
		sleep 0.002
	done
}
fig_startup() {
	local r lib
	for lib in 10k 100k; do
		for r in $(seq 1 "$REPS"); do
			startup_once "$LIB/lib$lib"
			add "start$lib" ours "$STARTUP_S"
			stop "$STARTED_PID"; STARTED_PID=
		done
	done
}

# A new file in one folder of the running 100k library: seconds until it
# shows in /list (ours) or in the folder's autoindex (nginx).
fig_change() {
	local r t0 t1 f rel i hit
	startup_once "$LIB/lib100k"
	for r in $(seq 1 "$REPS"); do
		rel=artist42/album3/new-$r-$RANDOM.mp3
		f=$LIB/lib100k/$rel
		sleep 1.5 # let the last rescan settle
		t0=$(now)
		touch "$f"
		hit=timeout
		for i in $(seq 1 1000); do
			if curl -s "http://127.0.0.1:$STARTED_PORT/list" | grep -q ":$rel\$"; then
				t1=$(now)
				hit=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
				break
			fi
			sleep 0.01
		done
		add change ours "$hit"
		t0=$(now)
		rm -f "$f"
		curl -s "http://127.0.0.1:$NGINX_PORT/lib100k/artist42/album3/" >/dev/null
		t1=$(now)
		add change nginx "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')"
	done
	stop "$STARTED_PID"; STARTED_PID=
}

restart_media() {
	ours_stop; ours_start "$LIB/media"
	nginx_stop; nginx_start
}

### run ######################################################################
gen_library
: >"$RAW"
log "as_server: $AS_SERVER"
log "nginx: $(nginx -v 2>&1 | sed 's/.*: //'), $(nproc) cores, reps $REPS, wrk ${DUR}s"
ours_start "$LIB/list200"
LIST_PORT=$OURS_PORT
LIST_PID=$OURS_PID
OURS_PID=
ours_start "$LIB/media"
nginx_start
IDX_BIG=$(index_of big.mp3)
IDX_MID=$(index_of mid.mp3)
IDX_SMALL=$(index_of small.mp3)
IDX_RADIO=$(index_of radio/00.mp3)
[ -n "$IDX_BIG" ] && [ -n "$IDX_MID" ] && [ -n "$IDX_SMALL" ] &&
	[ -n "$IDX_RADIO" ] || die "tracks missing from /list"

want gib && { log "one 1 GiB stream"; alternate fig_gib; }
want c64 && { log "wrk -c64 on 4 MiB"; alternate fig_c64; }
want c256 && { log "wrk -c256 on 4 MiB (+ peak RSS)"; alternate fig_c256; }
want small && { log "wrk -c64 on 4 KiB"; alternate fig_small; }
want list && { log "wrk -c16 on /list of 200"; alternate fig_list; }
want ttfb && { log "time to first byte"; REPS=$TTFB_N alternate fig_ttfb; }
want listeners && { fig_listeners ours; fig_listeners nginx; }
want rlisteners && { fig_listeners ours r; fig_listeners nginx r; }
want blisteners && { fig_listeners ours b; fig_listeners nginx b; }
stop "$LIST_PID"; LIST_PID=
want startup && { log "startup, 10k and 100k files"; fig_startup; }
want change && { log "change in a 100k library"; fig_change; }

# key | label: the three rows of a listeners figure.
listener_rows() {
	printf '| %s, 40 KB/s, %ss: served/n, errors, underruns | %s | %s | - | all served, no error |\n' \
		"$2" "$LISTEN_S" "$(printf '%s' "${VAL[$1:ours]:-}" | head -1)" \
		"$(printf '%s' "${VAL[$1:nginx]:-}" | head -1)"
	row "$2: peak RSS (MiB)" "${1}rss" "" "ours ≤ 200"
	row "$2: p99 connect to first byte (ms)" "${1}wait" "" "-"
}

# figure label | key | unit | higher is better? | goal text
row() {
	local o n ratio
	o=$(med "$2" ours)
	n=$(med "$2" nginx)
	ratio=$(awk -v o="$o" -v n="$n" 'BEGIN {
		if (o == "-" || n == "-" || n + 0 == 0) print "-";
		else printf "%.2f", o / n }')
	printf '| %s | %s | %s | %s | %s |\n' "$1" "$o$3" "$n$3" "$ratio" "$4"
}
{
	echo "| figure | ours | nginx | ours/nginx | goal |"
	echo "|---|---|---|---|---|"
	want gib && row "one 1 GiB stream (GB/s)" gib "" "≥ 1.0"
	want c64 && row "4 MiB, wrk -c64 (req/s)" c64 "" "≥ 1.0"
	want c64 && row "4 MiB, wrk -c64 p99 (ms)" c64p99 "" "≤ 1.0"
	want c256 && row "4 MiB, wrk -c256 (req/s)" c256 "" "≥ 1.0"
	want c256 && row "4 MiB, wrk -c256 p99 (ms)" c256p99 "" "≤ 1.0"
	want c256 && row "peak RSS during -c256 (MiB)" rss "" "≤ 1.0"
	want small && row "4 KiB, wrk -c64 (req/s)" small "" "≥ 1.0"
	want small && row "4 KiB, wrk -c64 p99 (ms)" smallp99 "" "-"
	want list && row "/list of 200 vs autoindex, wrk -c16 (req/s)" list "" "≥ 2.0"
	want listeners && listener_rows lsn "$NLISTEN listeners"
	want rlisteners && listener_rows rlsn "$NLISTEN listeners with Range"
	want blisteners && listener_rows blsn "$NLISTEN listeners beside a busy core"
	want startup && row "startup to first /list, 10k files (s)" start10k "" "ours ≤ 0.5"
	want startup && row "startup to first /list, 100k files (s)" start100k "" "ours ≤ 5"
	want change && row "new file in a 100k library visible (s)" change "" "ours ≤ 1"
	want ttfb && row "time to first byte, median of $TTFB_N (ms)" ttfb "" "≤ 1.0"
} >"$OUT"
{
	echo
	echo "samples (per server, in run order):"
	for k in "${!VAL[@]}"; do
		printf '  %s: %s\n' "$k" "$(printf '%s' "${VAL[$k]}" | tr '\n' ' ')"
	done | sort
} >>"$OUT"
cat "$OUT"
log "table in $OUT, raw wrk and listener output in $RAW"
