#!/bin/sh
# metrics: GET /metrics is the Prometheus text format (promtool check
# metrics, Debian's prometheus package), and its counters and gauges move
# as real requests, streams, connections, rescans and read errors happen.
# Behind the token when the server has one.
. "$top_srcdir/tests/lib.sh"

need curl promtool sox
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

plan 24

LIB="$T/lib"
mkdir -p "$LIB"
make_tone "$LIB/a.wav" 1
make_tone "$LIB/b.wav" 60 # 21 MB: more than every buffer on the way

# scrape: the exposition into $T/m.
scrape() { curl -sSf --max-time 5 "$URL/metrics" >"$T/m"; }

# val SERIES: the value of one series (name with labels) in $T/m.
val() {
	awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print "none" }' "$T/m"
}

# becomes SERIES VALUE: a fresh scrape shows it (polled, 5 s deadline).
becomes() { scrape && [ "$(val "$1")" = "$2" ]; }

start_server -l "$LIB" --rescan 3600 --access-log off

code=$(fetch m0 "$URL/metrics")
is "$code" 200 "GET /metrics answers 200"
is "$(hdr m0 Content-Type)" "text/plain; version=0.0.4; charset=utf-8" \
	"in the text format 0.0.4"
is "$(hdr m0 Cache-Control)" "no-store" "never cached"
promtool check metrics <"$T/m0.body" >"$T/promtool.out" 2>&1
ok $? "promtool check metrics finds nothing wrong"
sed 's/^/# promtool: /' "$T/promtool.out"
cp "$T/m0.body" "$T/m"
is "$(val as_library_tracks)" 2 "as_library_tracks counts the tracks"
is "$(val as_library_scans_total)" 1 "the first scan is counted"
grep -q '^as_build_info{version="[^"]*",libmicrohttpd="[^"]*"} 1$' "$T/m"
ok $? "as_build_info names the version and libmicrohttpd's"
grep -q '^process_resident_memory_bytes [1-9]' "$T/m" &&
	grep -q '^process_open_fds [1-9]' "$T/m" &&
	grep -q '^process_start_time_seconds [1-9]' "$T/m"
ok $? "the standard process_* figures are there"

# Real requests, then the counters they moved.
l0=$(val 'as_requests_total{route="/list",code="2xx"}')
n0=$(val 'as_requests_total{route="none",code="4xx"}')
s0=$(val 'as_requests_total{route="/stream/",code="2xx"}')
b0=$(val 'as_response_bytes_total{route="/stream/"}')
c0=$(val as_connections_total)
for i in 1 2 3; do curl_ -o /dev/null "$URL/list"; done
curl_ -o /dev/null "$URL/no-such-page"
curl_ -o /dev/null -r 0-999 "$URL/stream/0"
curl_ -o /dev/null -r 1000-1999 "$URL/stream/0"
scrape
is "$(val 'as_requests_total{route="/list",code="2xx"}')" $((l0 + 3)) \
	"three listings: /list 2xx up by 3"
is "$(val 'as_requests_total{route="none",code="4xx"}')" $((n0 + 1)) \
	"an unknown page: 4xx without a route up by 1"
is "$(val 'as_requests_total{route="/stream/",code="2xx"}')" $((s0 + 2)) \
	"two ranges: /stream/ 2xx up by 2"
is "$(val 'as_response_bytes_total{route="/stream/"}')" $((b0 + 2000)) \
	"their 2000 bytes are counted as sent"
is "$(val as_connections_total)" $((c0 + 7)) \
	"seven new connections (one per curl, the scrape's own) counted"
is "$(val 'as_streams_total{kind="file"}')" 2 "two file streams started"

# A slow stream in flight: the gauges go up, then back down.
curl -s --max-time 30 --limit-rate 4M -o /dev/null "$URL/stream/1" &
slow=$!
track $slow
wait_for 5 becomes 'as_streams_open{kind="file"}' 1
ok $? "a stream in flight: as_streams_open{kind=\"file\"} is 1"
is "$(val 'as_requests_in_flight{route="/stream/"}')" 1 \
	"and /stream/ has one request in flight"
conns=$(val as_connections_open)
[ "$conns" -ge 2 ] 2>/dev/null
ok $? "as_connections_open counts it with the scrape's own ($conns)"

# The file shrinks under the stream: a read error, counted.
e0=$(val as_read_errors_total)
: >"$LIB/b.wav"
wait_for 10 becomes as_read_errors_total $((e0 + 1))
ok $? "a track cut short under a stream: as_read_errors_total up by 1"
wait_for 10 becomes 'as_streams_open{kind="file"}' 0
ok $? "the stream ended: as_streams_open back to 0"
wait "$slow" 2>/dev/null

# SIGHUP: a rescan, counted, with its duration.
kill -HUP "$SERVER_PID"
wait_for 5 becomes as_library_scans_total 2
ok $? "SIGHUP's rescan: as_library_scans_total is 2"
awk '$1 == "as_library_last_scan_duration_seconds" && $2 > 0 && $2 < 5 { f = 1 }
	END { exit !f }' "$T/m"
ok $? "the last scan's duration is there, in seconds"
stop_server

# Behind the token when the server has one.
printf 'sekrit-42\n' >"$T/token"
start_server -l "$LIB" --token-file "$T/token" --access-log off
is "$(http_code "$URL/metrics")" 401 "with --token-file, no token: 401"
is "$(http_code "$URL/metrics" -H 'Authorization: Bearer sekrit-42')" 200 \
	"with the token: 200"
curl_ -o "$T/m" -H 'Authorization: Bearer sekrit-42' "$URL/metrics"
promtool check metrics <"$T/m" >/dev/null 2>&1
ok $? "and promtool finds that one clean too"

finish
