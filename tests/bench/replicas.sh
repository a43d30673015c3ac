#!/bin/sh
# tests/bench/replicas.sh: requests per second through nginx in front of
# 1, 2 and 3 as_server replicas (issue 19), with dist/nginx.conf.example
# as it is installed (the listing cached for a second, streams passed
# through). Never part of make check; by hand, from the build folder:
#   make bench-programs && AS_SERVER=bench-build/as_server sh tests/bench/replicas.sh
# For the replicas' own figure for /list, this bench adds one thing to the
# example: requests carrying X-Bench-Bypass skip the cache.
# Knobs: BENCH_DURATION (5) seconds per wrk run, BENCH_CONNS (32),
# BENCH_THREADS (1) worker loops per replica, BENCH_REPS (3) rounds, the
# order of the replica counts reversed every other round; the table gives
# the medians, the rounds' figures follow it. Every load is bounded in
# time, on 127.0.0.1; everything started here is stopped on exit.
set -u

DUR=${BENCH_DURATION:-5}
REPS=${BENCH_REPS:-3}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-1}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
AS_SERVER=${AS_SERVER:-./server/as_server}
NGINX=/usr/sbin/nginx

die() { echo "bench: $*" >&2; exit 1; }
for tool in wrk curl python3 sox; do
	command -v "$tool" >/dev/null || die "$tool is missing (sh .ci/deps)"
done
[ -x "$NGINX" ] || die "nginx is missing (apt-get install nginx-light)"
[ -x "$AS_SERVER" ] || die "no as_server at $AS_SERVER"

W=$(mktemp -d "${TMPDIR:-/tmp}/as-bench-replicas.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The library: 200 one-second tracks and one of 60 s for the ranges.
mkdir -p "$W/lib/many"
sox -n -r 44100 -c 2 "$W/lib/long.wav" synth 60 sine 440 vol 0.3
sox -n -r 8000 -c 1 "$W/one.wav" synth 1 sine 440 vol 0.3
i=0
while [ $i -lt 200 ]; do
	cp "$W/one.wav" "$W/lib/many/t$i.wav"
	i=$((i + 1))
done

PORTS=""
for r in 1 2 3; do
	"$AS_SERVER" -b 127.0.0.1 -p 0 --port-file "$W/port$r" -l "$W/lib" \
		--threads "$THREADS" --access-log off --state-dir "$W/st$r" \
		>"$W/server$r.log" 2>&1 &
	PIDS="$PIDS $!"
	n=0
	while [ ! -s "$W/port$r" ]; do
		n=$((n + 1))
		[ $n -gt 200 ] && die "replica $r did not start"
		sleep 0.05
	done
	PORTS="$PORTS $(cat "$W/port$r")"
done
LONG=$(curl -sf "http://127.0.0.1:$(cat "$W/port1")/list" |
	awk -F: '$2 == "long.wav" { print $1 }')

# nginx with the example configuration in front of the first n replicas.
start_nginx() {
	_n=$1
	NG="$W/nginx$_n"
	mkdir -p "$NG/cache"
	NGPORT=$(free_port)
	ups=""
	_c=0
	for p in $PORTS; do
		_c=$((_c + 1))
		[ $_c -le "$_n" ] || break
		ups="$ups\\n\\tserver 127.0.0.1:$p max_fails=1 fail_timeout=5s;"
	done
	sed -e "/server 127.0.0.1:345[78]/d" \
		-e "s|^\tserver 127.0.0.1:3456 .*;|$ups|" \
		-e "s|/var/cache/nginx/as|$NG/cache|" \
		-e "s|listen 8080;|listen 127.0.0.1:$NGPORT backlog=4096;|" \
		-e "s|proxy_cache as;|proxy_cache as; proxy_cache_bypass \$http_x_bench_bypass; proxy_no_cache \$http_x_bench_bypass;|" \
		"$top_srcdir/dist/nginx.conf.example" >"$NG/as.conf"
	cat >"$NG/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $NG/nginx.pid;
error_log $NG/error.log;
$([ "$(id -u)" -eq 0 ] && echo 'user root;')
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $NG/body;
	proxy_temp_path $NG/proxy;
	fastcgi_temp_path $NG/fastcgi;
	uwsgi_temp_path $NG/uwsgi;
	scgi_temp_path $NG/scgi;
	include $NG/as.conf;
}
EOF
	"$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" &
	NGPID=$!
	_w=0
	until curl -sf -o /dev/null "http://127.0.0.1:$NGPORT/health"; do
		_w=$((_w + 1))
		[ $_w -gt 200 ] && die "nginx did not start"
		sleep 0.05
	done
}

# rps URL [HEADER]: wrk's requests per second (and its non-2xx count).
rps() {
	if [ $# -gt 1 ]; then
		out=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 10s -H "$2" "$1" 2>&1)
	else
		out=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 10s "$1" 2>&1)
	fi
	_r=$(echo "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
	bad=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
	[ -z "$bad" ] || echo "bench: $bad non-2xx answers" >&2
	echo "${_r:-0}"
}

# One round: the three figures for n replicas, appended to $W/fig.<n>.
round() {
	start_nginx "$1"
	u="http://127.0.0.1:$NGPORT"
	curl -s -o /dev/null -D - -H "X-Bench-Bypass: 1" "$u/list" |
		grep -qi '^X-Cache-Status: BYPASS' || die "the bypass does not work"
	l=$(rps "$u/list")
	# The same listing past the cache (a header this bench adds to the
	# example's cache: proxy_cache_bypass), answered by the replicas.
	d=$(rps "$u/list" "X-Bench-Bypass: 1")
	s=$(rps "$u/stream/$LONG" "Range: bytes=1000000-1065535")
	echo "$l $d $s" >>"$W/fig.$1"
	echo "bench: $1 replica(s): $l $d $s" >&2
	kill "$NGPID"
	wait "$NGPID" 2>/dev/null
}

# median COLUMN FILE: the median of a column of numbers.
median() {
	cut -d' ' -f"$1" "$2" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

r=1
while [ $r -le "$REPS" ]; do
	if [ $((r % 2)) -eq 1 ]; then order="1 2 3"; else order="3 2 1"; fi
	for n in $order; do round "$n"; done
	r=$((r + 1))
done

# Without nginx: one replica straight, for what the proxy costs.
P1=$(cat "$W/port1")
dl=$(rps "http://127.0.0.1:$P1/list")
ds=$(rps "http://127.0.0.1:$P1/stream/$LONG" "Range: bytes=1000000-1065535")

echo "| replicas | /list, nginx's cache | /list past the cache | stream, 64 KiB range |"
echo "|---|---|---|---|"
echo "| 1, no nginx | - | $dl | $ds |"
for n in 1 2 3; do
	echo "| $n | $(median 1 "$W/fig.$n") | $(median 2 "$W/fig.$n") | $(median 3 "$W/fig.$n") |"
done
echo
echo "Requests/s, medians of $REPS rounds (wrk -t2 -c$CONNS -d${DUR}s each);"
echo "$(nproc) cores; as_server --threads $THREADS each; $($NGINX -v 2>&1 | sed 's/.*: //')."
echo "Rounds (list, list past the cache, range):"
for n in 1 2 3; do echo "- $n: $(tr '\n' ';' <"$W/fig.$n")"; done
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
