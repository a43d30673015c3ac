#!/bin/sh
# tests/dlna.sh: --dlna (APPS.md, "UPnP AV / DLNA media server") with real
# control points, in two network namespaces this test makes: a "server
# host" and a "renderer host" joined by one veth pair on link-local
# addresses (libupnp refuses loopback), never the machine's interfaces.
# gssdp-discover (gupnp-tools) finds the server; tests/dlna.py browses the
# whole tree over SOAP and streams every item, comparing its bytes with
# the files; a file added changes SystemUpdateID and shows up; hostile SOAP
# gets a UPnP error or silence, and the server keeps serving; shutdown says
# ssdp:byebye. The same discovery and walk run against Debian's minidlna
# on the same library, to show the test itself is right.
#
# Needs root (network namespaces): CI runs as root. A missing tool is a
# failure, not a skip: .ci/deps installs them all.
. "${top_srcdir:-.}/tests/lib.sh"

plan 31

MS=urn:schemas-upnp-org:device:MediaServer:1
NS_S=as-dlna-s-$$
NS_C=as-dlna-c-$$
ADDR_S=169.254.77.1
PY="python3 $top_srcdir/tests/dlna.py"

[ "$(id -u)" = 0 ] || bail "needs root for network namespaces (CI runs as root)"
for c in ip nsenter gssdp-discover minidlnad python3 curl; do
	command -v "$c" >/dev/null ||
		bail "$c is missing: run .ci/deps (iproute2 gupnp-tools minidlna)"
done

cleanup() {
	_cleanup
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
}
trap cleanup EXIT

# in_s/in_c CMD...: run CMD on the server host / the renderer host.
in_s() { netns "$NS_S" "$@"; }
in_c() { netns "$NS_C" "$@"; }

# Two hosts, one link; no duplicate address detection, so the IPv6
# link-local addresses libupnp binds are usable at once.
# netns NAME CMD...: CMD in namespace NAME's network only. nsenter, not
# `ip netns exec` or `ip -n`, which also remount /sys and so fail where /
# is not a mount point (a chroot, some containers). What runs in the
# background calls nsenter itself, so that $! is the program.
netns() {
	_ns=$1
	shift
	nsenter --net="/var/run/netns/$_ns" -- "$@"
}
ip netns add "$NS_S" && ip netns add "$NS_C" || bail "cannot make namespaces"
for n in "$NS_S" "$NS_C"; do
	netns "$n" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_dad=0 || bail "sysctl in $n"
done
ip link add name vS netns "$NS_S" type veth peer name vC netns "$NS_C" ||
	bail "cannot make the veth pair"
netns "$NS_S" ip addr add "$ADDR_S/16" dev vS
netns "$NS_C" ip addr add 169.254.77.2/16 dev vC
for n in "$NS_S" "$NS_C"; do netns "$n" ip link set lo up; done
netns "$NS_S" ip link set vS up
netns "$NS_C" ip link set vC up
# SSDP's group is reached through the veth (the only way out anyway).
netns "$NS_S" ip route add 224.0.0.0/4 dev vS
netns "$NS_C" ip route add 224.0.0.0/4 dev vC

links() { netns "$1" ip -o link | awk -F': ' '{print $2}' | sed 's/@.*//' |
	sort | tr '\n' ' '; }
addrs() { netns "$1" ip -o -4 addr | awk '{print $4}' | sort | tr '\n' ' '; }
is "$(links "$NS_S")$(addrs "$NS_S")$(ip netns pids "$NS_S")|$(links \
	"$NS_C")$(addrs "$NS_C")$(ip netns pids "$NS_C")" \
	"lo vS 127.0.0.1/8 169.254.77.1/16 |lo vC 127.0.0.1/8 169.254.77.2/16 " \
	"the two namespaces hold lo, one veth end and nothing else"

# A library of our own (a file is added to it below) and a token.
LIB=$T/library
mkdir -p "$LIB"
cp -R "$top_srcdir/library/." "$LIB/"
echo dlna-token-123 >"$T/token"

# discover WHO: the Location of the MediaServer gssdp-discover finds.
discover() {
	in_c gssdp-discover -i vC -n 2 -t "$MS" 2>/dev/null |
		awk -v who="$1" '/USN:/ {hit = index($0, who) > 0}
			hit && /Location:/ {print $2; exit}'
}

# --- ours -----------------------------------------------------------------
# Bad options: a clear message, no server.
in_s "$AS_SERVER" -l "$LIB" -p 0 --state-dir "$T/state" --dlna \
	--dlna-interface nosuch0 >"$T/bad.log" 2>&1
r=$?
[ $r = 1 ] && grep -q 'dlna.*nosuch0\|--dlna-interface: a network interface' \
	"$T/bad.log"
ok $? "--dlna-interface with no such interface: exit 1 and why ($r)"
in_s "$AS_SERVER" -l "$LIB" -p 0 --dlna-name x >"$T/bad.log" 2>&1
r=$?
[ $r = 2 ] && grep -q 'add --dlna' "$T/bad.log"
ok $? "--dlna-name without --dlna: exit 2 and why ($r)"

nsenter --net="/var/run/netns/$NS_S" -- "$AS_SERVER" -l "$LIB" -p 0 --port-file "$T/port" \
	--state-dir "$T/state" --token-file "$T/token" --dlna \
	--dlna-interface vS --dlna-name 'as test & co' >"$T/server.log" 2>&1 &
SERVER_PID=$!
track "$SERVER_PID"
wait_for 10 test -s "$T/port" || {
	sed 's/^/# log: /' "$T/server.log"
	bail "as_server --dlna did not start"
}
PORT=$(cat "$T/port")
UDN=$(sed -n 's/.*dlna: .* (\(uuid:[^)]*\)).*/\1/p' "$T/server.log")
[ -n "$UDN" ]
ok $? "as_server --dlna starts and says its UDN ($UDN)"

LOC=$(discover "$UDN")
case $LOC in http://$ADDR_S:*/*) r=0 ;; *) r=1 ;; esac
ok $r "gssdp-discover finds our MediaServer:1 ($LOC)"
in_c curl -sS --max-time 5 "$LOC" >"$T/desc.xml"
grep -q '<friendlyName>as test &amp; co</friendlyName>' "$T/desc.xml"
ok $? "the description has the --dlna-name, escaped"

CTL=$(in_c $PY control "$LOC")
ok $? "the ContentDirectory's SCPD parses; control URL $CTL"

in_c $PY walk "$CTL" "$LIB" 2 >"$T/walk1" 2>&1
r=$?
sed 's/^/# /' "$T/walk1"
ok $r "Browse walks the whole tree, 2 objects a call"
grep -q ' art 0 .*files 6 matched 6$' "$T/walk1"
ok $? "every item streams the bytes of its file, and all 6 files are there"

# A renderer's own request for an item's URL: sized, with DLNA headers.
in_c curl -sS --max-time 5 -o /dev/null -D "$T/dlna.hdr" \
	-H 'transferMode.dlna.org: Streaming' \
	-H 'getcontentFeatures.dlna.org: 1' \
	"http://$ADDR_S:$PORT/stream/4?token=dlna-token-123"
tr -d '\r' <"$T/dlna.hdr" >"$T/dlna.h"
grep -q '^Content-Length: [0-9]' "$T/dlna.h" &&
	! grep -qi '^Transfer-Encoding' "$T/dlna.h"
ok $? "/stream answers a DLNA request with its length, not chunked"
grep -q '^transferMode.dlna.org: Streaming' "$T/dlna.h" &&
	grep -q '^contentFeatures.dlna.org: DLNA.ORG_PN=MP3;DLNA.ORG_OP=01' \
		"$T/dlna.h"
ok $? "/stream answers transferMode.dlna.org and contentFeatures.dlna.org"

# soap ACTION [ARGS]: POST that ContentDirectory action with curl (a
# second client, and quicker to start than Python); prints the body.
soap() {
	{
		printf '<?xml version="1.0"?><s:Envelope xmlns:s="http://'
		printf 'schemas.xmlsoap.org/soap/envelope/"><s:Body><u:%s ' "$1"
		printf 'xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1">'
		printf '%s</u:%s></s:Body></s:Envelope>' "${2:-}" "$1"
	} >"$T/soap.xml"
	in_c curl -sS --max-time 5 -H 'Content-Type: text/xml; charset="utf-8"' \
		-H "SOAPACTION: \"urn:schemas-upnp-org:service:ContentDirectory:1#$1\"" \
		--data-binary @"$T/soap.xml" "$CTL"
}
soap GetSortCapabilities | grep -q '<SortCaps></SortCaps>' &&
	soap GetSearchCapabilities | grep -q '<SearchCaps></SearchCaps>'
ok $? "GetSortCapabilities and GetSearchCapabilities answer"

update_id() { soap GetSystemUpdateID | sed -n 's/.*<Id>\([0-9]*\)<.*/\1/p'; }
ID1=$(update_id)
case $ID1 in [0-9]*) r=0 ;; *) r=1 ;; esac
ok $r "GetSystemUpdateID says $ID1"

# A file added: the watcher (or SIGHUP) rescans, SystemUpdateID changes.
# A control point subscribed to the ContentDirectory's events (GENA).
nsenter --net="/var/run/netns/$NS_C" -- python3 "$top_srcdir/tests/dlna.py" events "$LOC" \
	169.254.77.2 "$T/events" 30 >"$T/events.err" 2>&1 &
EV=$!
track "$EV"
subscribed() { grep -q '^SystemUpdateID [0-9]' "$T/events"; }
wait_for 10 subscribed
ok $? "SUBSCRIBE gets the SystemUpdateID at once"
E0=$(sed -n 's/^SystemUpdateID //p' "$T/events" | head -n 1)

# An MP3 with a cover picture (so albumArtURI is there to fetch).
mkdir -p "$LIB/Added"
ffmpeg -nostdin -v error -f lavfi -i testsrc=size=200x200 -frames:v 1 \
	"$T/cover.jpg" &&
	ffmpeg -nostdin -v error -i "$LIB/The Sine Waves/Café Tones/01 Espresso.mp3" \
		-i "$T/cover.jpg" -map 0 -map 1 -c copy \
		-disposition:v attached_pic -metadata title='With a cover' \
		"$T/new one.mp3" || bail "ffmpeg cannot make the added track"
mv "$T/new one.mp3" "$LIB/Added/"
kill -HUP "$SERVER_PID"
id_changed() { ID2=$(update_id) && [ -n "$ID2" ] && [ "$ID2" != "$ID1" ]; }
wait_for 10 id_changed
ok $? "a file added changes SystemUpdateID ($ID1 -> $(update_id))"
# (one event per poll of the library: a later ID may stand for ID2)
evented() { sed -n 's/^SystemUpdateID //p' "$T/events" | grep -qvx "$E0"; }
wait_for 10 evented
ok $? "a new SystemUpdateID is evented to the subscriber"
sed 's/^/# event: /' "$T/events"
kill "$EV" 2>/dev/null
# Its tags (and picture) are read in the background: walk until in.
walk2() {
	in_c $PY walk "$CTL" "$LIB" 50 >"$T/walk2" 2>&1 &&
		grep -q ' art [1-9].*files 7 matched 7$' "$T/walk2"
}
wait_for 15 walk2
r=$?
sed 's/^/# /' "$T/walk2"
ok $r "the file added shows up, streams right, and its albumArtURI is an image"

# The UPnP stack's web server holds the descriptions and nothing else.
UBASE=${LOC%/description.xml}
bad=
for u in /etc/passwd /description.xml/../etc/passwd /scpd/../etc/passwd \
	"/$(basename "$LIB")/README.md" /README.md; do
	c=$(in_c curl -s --max-time 5 --path-as-is -o /dev/null \
		-w '%{http_code}' "$UBASE$u")
	[ "$c" = 200 ] && bad="$bad $u"
done
is "$bad" "" "libupnp's web server serves no file (only the descriptions)"

# Hostile SOAP: a UPnP error (or a refusal, or silence), never a crash.
soap_env() {
	printf '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.'
	printf 'xmlsoap.org/soap/envelope/"><s:Body><u:Browse xmlns:u="urn:'
	printf 'schemas-upnp-org:service:ContentDirectory:1">%s</u:Browse>' "$1"
	printf '</s:Body></s:Envelope>'
}
args() { printf '<ObjectID>%s</ObjectID><BrowseFlag>%s</BrowseFlag>' "$1" "$2"
	printf '<Filter>*</Filter><StartingIndex>%s</StartingIndex>' "$3"
	printf '<RequestedCount>%s</RequestedCount><SortCriteria/>' "$4"; }
# raw FILE: POST FILE as a Browse; prints the status and the UPnP error
# code, or "closed" when the server hung up.
raw() {
	in_c curl -s --max-time 5 -o "$T/raw.out" -w '%{http_code}' \
		-H 'Content-Type: text/xml; charset="utf-8"' \
		-H 'SOAPACTION: "urn:schemas-upnp-org:service:ContentDirectory:1#Browse"' \
		--data-binary @"$1" "$CTL" >"$T/raw.code" 2>/dev/null ||
		{ echo closed; return; }
	echo "$(cat "$T/raw.code") $(sed -n \
		's/.*<errorCode>\([0-9]*\)<.*/\1/p' "$T/raw.out")"
}
soap_env "$(args 0 BrowseDirectChildren 0 0)" >"$T/good.xml"
is "$(raw "$T/good.xml")" "200 " "a well-formed Browse, raw, is answered"
soap_env "$(args 0 BrowseAll 0 0)" >"$T/flag.xml"
is "$(raw "$T/flag.xml")" "500 402" "a wrong BrowseFlag: 402 Invalid Args"
soap_env "$(args 0 BrowseDirectChildren -1 0)" >"$T/neg.xml"
is "$(raw "$T/neg.xml")" "500 402" "StartingIndex -1: 402 Invalid Args"
soap_env "$(args no-such-thing BrowseMetadata 0 0)" >"$T/noobj.xml"
is "$(raw "$T/noobj.xml")" "500 701" "an unknown ObjectID: 701 No such object"
soap_env "$(args "all/tr-0123456789abcdef" BrowseMetadata 0 0)" >"$T/noitem.xml"
is "$(raw "$T/noitem.xml")" "500 701" "an unknown track ID: 701"
soap_env "$(args all BrowseDirectChildren 4294967295 4294967295)" >"$T/big.xml"
is "$(raw "$T/big.xml")" "200 " "StartingIndex and RequestedCount at ui4's top"
head -c 300 "$T/good.xml" >"$T/trunc.xml"
got=$(raw "$T/trunc.xml")
case $got in 200*) r=1 ;; *) r=0 ;; esac
ok $r "a truncated body gets an error or silence ($got)"
{ printf '<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body>'
	printf '<u:Browse><ObjectID>'
	head -c 1048576 /dev/zero | tr '\0' 'A'
	printf '</ObjectID></u:Browse></s:Body></s:Envelope>'; } >"$T/huge.xml"
got=$(raw "$T/huge.xml")
case $got in 200*) r=1 ;; *) r=0 ;; esac
ok $r "a 1 MiB body gets an error or silence ($got)"
{ printf '\x00\xff<<<&&&'; head -c 4000 /dev/urandom; } >"$T/junk.xml"
junk=$(raw "$T/junk.xml")
# SSDP junk too: datagrams any device on the link may send.
in_c python3 -c '
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for m in [b"M-SEARCH * HTTP/1.1\r\n" + b"ST: " + b"x" * 4000 + b"\r\n\r\n",
          b"M-SEARCH * HTTP/1.1\r\nMX: -99999999999\r\nST: ssdp:all\r\n\r\n",
          b"NOTIFY * HTTP/1.1\r\n\r\n", os.urandom(1400), b""]:
    s.sendto(m, ("239.255.255.250", 1900))
    s.sendto(m, ("169.254.77.1", 1900))
'
kill -0 "$SERVER_PID" 2>/dev/null && [ "$(update_id)" -ge 0 ] 2>/dev/null &&
	[ "$(raw "$T/good.xml")" = "200 " ]
ok $? "after junk SOAP ($junk) and junk SSDP the server is up and answers"

# Shutdown: ssdp:byebye, seen by a control point that knew the server
# (GSSDP reports a byebye only for a resource it has seen).
nsenter --net="/var/run/netns/$NS_C" -- stdbuf -oL gssdp-discover -i vC -n 20 -m all \
	-t "$MS" >"$T/bye" 2>&1 &
BYE=$!
track "$BYE"
wait_for 10 grep -q "USN: *$UDN" "$T/bye" || diag "gssdp-discover saw nothing"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
ok $? "as_server --dlna stops cleanly on SIGTERM"
byebye() { awk -v u="$UDN" '/resource unavailable/ {f = 1; next}
	f && /USN:/ && index($0, u) {found = 1} {f = 0}
	END {exit !found}' "$T/bye"; }
wait_for 5 byebye
r=$?
kill "$BYE" 2>/dev/null
ok $r "ssdp:byebye on shutdown"
[ $r = 0 ] || sed 's/^/# bye: /' "$T/bye"

# --- minidlna on the same library: the test itself is right -------------
mkdir -p "$T/mdb"
cat >"$T/minidlna.conf" <<EOF
media_dir=A,$LIB
db_dir=$T/mdb
log_dir=$T/mdb
network_interface=vS
port=8200
friendly_name=minidlna under test
inotify=no
EOF
nsenter --net="/var/run/netns/$NS_S" -- minidlnad -d -f "$T/minidlna.conf" -P "$T/mdb/pid" >"$T/mdb/out" 2>&1 &
track $!
mloc() { MLOC=$(discover uuid:) && [ -n "$MLOC" ]; }
wait_for 10 mloc
ok $? "gssdp-discover finds minidlna ($MLOC)"
MCTL=$(in_c $PY control "$MLOC")
# minidlna scans in the background; it has no .opus support (1.3.0).
mwalk() {
	in_c $PY walk "$MCTL" "$LIB" 7 >"$T/mwalk" 2>&1 &&
		grep -q 'files 7 matched 6$' "$T/mwalk" # no .opus
}
wait_for 15 mwalk
ok $? "the same walk over minidlna: every item streams its file's bytes"
sed 's/^/# /' "$T/mwalk"

finish
