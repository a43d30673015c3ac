#!/bin/sh
# tests/bench/dlna.sh (issue 20): ContentDirectory Browse of a page of 100
# (RequestedCount 100, StartingIndex 5000) of a 10,000-track container,
# as_server --dlna ("All tracks") against Debian's minidlna ("All Music",
# 1$4) on the same files, REPS calls one at a time from a control point
# (tests/dlna.py, whose time is in the figure: the SOAP round trip as a
# renderer sees it); median and max in ms. Goal: < 20 ms.
#
# Needs root: both servers run in a network namespace of the bench's own,
# reached over a veth pair on link-local addresses (libupnp refuses
# loopback), as in tests/dlna.sh. Not part of make check; results go in
# tests/bench/RESULTS.md by hand.
#
#   AS_SERVER=bench-build/as_server sh tests/bench/dlna.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${AS_SERVER:=$top_srcdir/server/as_server}"
N=${N:-10000}
REPS=${REPS:-50}
W=$(mktemp -d "${TMPDIR:-/tmp}/as-dlna-bench.XXXXXX")
NS_S=as-dlnab-s-$$
NS_C=as-dlnab-c-$$
PY="python3 $top_srcdir/tests/dlna.py"
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null && wait "$p"; done
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_for() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.2
	done
}

[ "$(id -u)" = 0 ] || { echo "dlna bench: needs root" >&2; exit 1; }
# netns NAME CMD...: CMD in namespace NAME's network only. nsenter, not
# `ip netns exec` or `ip -n`, which also remount /sys and so fail where /
# is not a mount point (a chroot, some containers). What runs in the
# background calls nsenter itself, so that $! is the program.
netns() {
	_ns=$1
	shift
	nsenter --net="/var/run/netns/$_ns" -- "$@"
}
ip netns add "$NS_S" && ip netns add "$NS_C" || exit 1
for n in "$NS_S" "$NS_C"; do
	netns "$n" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_dad=0
	netns "$n" ip link set lo up
done
ip link add name vS netns "$NS_S" type veth peer name vC netns "$NS_C"
netns "$NS_S" ip addr add 169.254.78.1/16 dev vS
netns "$NS_C" ip addr add 169.254.78.2/16 dev vC
netns "$NS_S" ip link set vS up
netns "$NS_C" ip link set vC up
netns "$NS_S" ip route add 224.0.0.0/4 dev vS
netns "$NS_C" ip route add 224.0.0.0/4 dev vC

# 10,000 small real MP3s (0.2 s each), tagged, in 100 albums of 100.
echo "dlna bench: making $N tracks" >&2
mkdir -p "$W/lib"
ffmpeg -v error -nostdin -f lavfi -i "sine=f=440:d=0.2" -ac 1 -ar 22050 \
	-b:a 32k "$W/seed.mp3" || exit 1
i=0
while [ $i -lt "$N" ]; do
	a=$((i / 100))
	d="$W/lib/Artist $((a / 10))/Album $a"
	mkdir -p "$d"
	cp "$W/seed.mp3" "$d/$(printf '%03d' $((i % 100))) Track $i.mp3"
	i=$((i + 1))
done

# page SERVER CONTROL ID: REPS Browse calls; prints "SERVER median max".
page() {
	echo "$1 $(netns "$NS_C" $PY bench "$2" "$3" 5000 100 "$REPS")"
}

nsenter --net="/var/run/netns/$NS_S" -- "$AS_SERVER" -l "$W/lib" -p 0 --port-file "$W/port" \
	--state-dir "$W/state" --access-log off --dlna --dlna-interface vS \
	>"$W/as.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 60 test -s "$W/port" || { cat "$W/as.log"; exit 1; }
LOC=$(netns "$NS_C" gssdp-discover -i vC -n 2 \
	-t urn:schemas-upnp-org:device:MediaServer:1 2>/dev/null |
	sed -n 's/.*Location: *//p' | head -n 1)
CTL=$(netns "$NS_C" $PY control "$LOC") || exit 1
full() { netns "$NS_C" $PY call "$CTL" Browse ObjectID=all \
	BrowseFlag=BrowseDirectChildren Filter='*' StartingIndex=0 \
	RequestedCount=1 SortCriteria= | grep -q "^TotalMatches=$N\$"; }
wait_for 120 full || { echo "dlna bench: ours never had $N" >&2; exit 1; }
OURS=$(page as_server "$CTL" all)
kill $PIDS && wait
PIDS=

cat >"$W/minidlna.conf" <<EOC
media_dir=A,$W/lib
db_dir=$W/mdb
log_dir=$W/mdb
network_interface=vS
port=8200
inotify=no
EOC
nsenter --net="/var/run/netns/$NS_S" -- minidlnad -d -f "$W/minidlna.conf" -P "$W/mdb.pid" \
	>"$W/minidlna.log" 2>&1 &
PIDS="$PIDS $!"
MCTL=http://169.254.78.1:8200/ctl/ContentDir
mfull() { netns "$NS_C" $PY call "$MCTL" Browse ObjectID='1$4' \
	BrowseFlag=BrowseDirectChildren Filter='*' StartingIndex=0 \
	RequestedCount=1 SortCriteria= | grep -q "^TotalMatches=$N\$"; }
wait_for 300 mfull || { echo "dlna bench: minidlna never had $N" >&2; exit 1; }
THEIRS=$(page minidlna "$MCTL" '1$4')

echo "Browse, 100 of $N from 5000, $REPS calls: server median_ms max_ms"
echo "$OURS"
echo "$THEIRS"
