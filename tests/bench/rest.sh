#!/bin/sh
# tests/bench/rest.sh: the Subsonic API on a library of 10,000 tagged
# tracks: getArtists, a search3 page (a word, 20 of each kind) and a
# search3 sync page (empty query, 500 songs), as_server against supysonic
# from Debian (apt-get install --no-install-recommends supysonic
# python3-waitress: the bench needs both, make check neither) on the same
# files, each request REPS times in a row over loopback; median and 95th
# percentile in ms. Not part of make check. Results go in
# tests/bench/RESULTS.md by hand.
#
#   make bench-rest    (builds the -O2 copy of make bench and runs this)
#   AS_SERVER=bench-build/as_server sh tests/bench/rest.sh   (the default
#   is the tree's own build)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${AS_SERVER:=$top_srcdir/server/as_server}"
N=${N:-10000}
REPS=${REPS:-50}
W=$(mktemp -d "${TMPDIR:-/tmp}/as-rest-bench.XXXXXX")
AS_PID=
SUPY_PID=
# Each server runs in a session of its own (setsid), so that stopping it
# stops its whole process group (supysonic's workers too), quietly.
stop() {
	[ -n "$1" ] || return 0
	kill -TERM "-$1" 2>/dev/null
	_end=$(($(date +%s) + 10))
	while kill -0 "-$1" 2>/dev/null; do
		[ "$(date +%s)" -ge "$_end" ] && kill -KILL "-$1" 2>/dev/null
		sleep 0.1
	done
	wait "$1" 2>/dev/null
	return 0
}
cleanup() {
	stop "$AS_PID"
	stop "$SUPY_PID"
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for SECONDS COMMAND...
wait_for() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.2
	done
}

# measure NAME URL: REPS requests, one at a time; prints NAME median p95.
measure() {
	curl -sS --max-time 60 -o "$W/first" "$2" || return 1
	grep -q 'status="ok"\|"status":"ok"' "$W/first" ||
		{ echo "$1: not ok: $(head -c 300 "$W/first")"; return 1; }
	i=0
	while [ $i -lt "$REPS" ]; do
		curl -sS --max-time 60 -o /dev/null -w '%{time_total}\n' "$2"
		i=$((i + 1))
	done | sort -n | awk -v name="$1" -v bytes="$(wc -c <"$W/first")" '
		{ t[NR] = $1 * 1000 }
		END { printf "%-28s median %7.1f ms  p95 %7.1f ms  (%d bytes)\n",
		      name, t[int((NR + 1) / 2)], t[int(NR * 0.95)], bytes }'
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

echo "# library: $N tracks"
ffmpeg -v error -nostdin -y -f lavfi -i "sine=f=440:d=0.1" -ac 1 \
	-ar 22050 -b:a 32k "$W/seed.mp3" || exit 1
python3 "$top_srcdir/tests/bench/rest-lib.py" "$W/seed.mp3" "$W/lib" "$N" ||
	exit 1
LAST=$(ls "$W/lib"/*/*/* | tail -n 1 | sed 's|.*/[0-9][0-9] ||; s|\.mp3$||')
Q='u=bench&p=bench-pw&v=1.16.1&c=bench'

# --- as_server ---------------------------------------------------------------
printf 'bench:bench-pw\n' >"$W/users"
chmod 600 "$W/users"
setsid "$AS_SERVER" -b 127.0.0.1 -p 0 --port-file "$W/port" -l "$W/lib" \
	--state-dir "$W/state" --users "$W/users" --access-log off \
	>"$W/as.log" 2>&1 &
AS_PID=$!
wait_for 30 test -s "$W/port" || { cat "$W/as.log"; exit 1; }
AS="http://127.0.0.1:$(cat "$W/port")/rest"
t0=$(date +%s)
tagged() {
	curl -sS "$AS/search3?$Q&query=$(echo "$LAST" | sed 's/ /%20/g')" |
		grep -q "title=\"$LAST\""
}
wait_for 600 tagged || { echo "as_server never read the tags"; exit 1; }
echo "# as_server: tags of $N tracks read in $(($(date +%s) - t0)) s"
echo "as_server ($(basename "$AS_SERVER")), load $(cut -d' ' -f1-3 /proc/loadavg):"
measure getArtists "$AS/getArtists?$Q"
measure "search3 'river'" "$AS/search3?$Q&query=river"
measure "search3 '' songCount=500" \
	"$AS/search3?$Q&query=&songCount=500&artistCount=0&albumCount=0"
measure "getArtists f=json" "$AS/getArtists?$Q&f=json"
stop "$AS_PID"
AS_PID=

# --- supysonic ---------------------------------------------------------------
command -v supysonic-server >/dev/null ||
	{ echo "supysonic: not installed (apt-get install supysonic python3-waitress)"; exit 0; }
mkdir -p "$W/supy/cache"
cat >"$W/supy/supysonic.conf" <<CONF
[base]
database_uri = sqlite:///$W/supy/s.db
[webapp]
cache_dir = $W/supy/cache
log_level = WARNING
[daemon]
socket = $W/supy/sock
run_watcher = no
CONF
cd "$W/supy" || exit 1
supysonic-cli user add bench -p bench-pw >/dev/null 2>&1
supysonic-cli folder add lib "$W/lib" >/dev/null 2>&1
t0=$(date +%s)
supysonic-cli folder scan --foreground lib >"$W/supy/scan.log" 2>&1
echo "# supysonic: scan of $N tracks took $(($(date +%s) - t0)) s"
PORT=$(free_port)
setsid supysonic-server -S waitress -h 127.0.0.1 -p "$PORT" \
	>"$W/supy/server.log" 2>&1 &
SUPY_PID=$!
SU="http://127.0.0.1:$PORT/rest"
wait_for 60 curl -sf "$SU/ping.view?$Q" || { tail "$W/supy/server.log"; exit 1; }
echo "supysonic $(dpkg-query -W -f '${Version}' supysonic 2>/dev/null)" \
	"(waitress), load $(cut -d' ' -f1-3 /proc/loadavg):"
measure getArtists "$SU/getArtists.view?$Q"
measure "search3 'river'" "$SU/search3.view?$Q&query=river"
measure "search3 '' songCount=500" \
	"$SU/search3.view?$Q&query=&songCount=500&artistCount=0&albumCount=0"
measure "getArtists f=json" "$SU/getArtists.view?$Q&f=json"
