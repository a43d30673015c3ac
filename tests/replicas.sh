#!/bin/sh
# replicas: three as_server over the same files behind nginx (Debian's
# nginx-light, with the example configuration dist/nginx.conf.example
# pointed at them; the third replica on a copy of the files), users' state in a private PostgreSQL (tests/pg-lib.sh).
# Shows: one listing and one ETag per track on every replica; nginx
# serving listings from its cache (X-Cache-Status HIT, then REVALIDATED
# with the replicas' 304); a replica SIGKILLed in the middle of a stream
# through nginx without a failed request (as_client resumes with Range and
# If-Range on another replica; the player gets every byte once); a star
# made through one replica seen through another; curl --retry through
# nginx with another replica killed under it still gets the whole file.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/pg-lib.sh"

NGINX=/usr/sbin/nginx
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
need curl sox cmp python3
[ -x "$NGINX" ] || missing "nginx is not installed (apt-get install nginx-light)"
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
[ -x "$AS_CLIENT" ] || bail "no as_client at $AS_CLIENT"

plan 19

pg_start

LIB="$T/lib"
mkdir -p "$LIB/Some Artist/An Album"
make_tone "$LIB/Some Artist/An Album/01 one.wav" 1
make_tone "$LIB/Some Artist/An Album/02 two.wav" 2
make_tone "$LIB/big.wav" 60 # 10 MB: more than every buffer on the way
printf 'alice:wonderland\n' >"$T/users"
chmod 600 "$T/users"
API="u=alice&p=wonderland&v=1.16.1&c=replicas&f=json"

# Three replicas, each on its own port and state folder, one database.
# The third serves a copy (cp -a: other inodes, the same sizes and
# mtimes), as a replica on another machine with synced files would.
cp -a "$LIB" "$T/lib-copy"
for i in 1 2 3; do
	l="$LIB"
	[ $i -eq 3 ] && l="$T/lib-copy"
	start_server -l "$l" --users "$T/users" --database "$PG_URI" \
		--state-dir "$T/state$i" --access-log "$T/access$i.log"
	eval "PID$i=\$SERVER_PID PORT$i=\$PORT URL$i=\$URL"
done

# nginx: the example configuration with our ports and folders.
NG="$T/nginx"
mkdir -p "$NG/cache"
NGPORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "/server 127.0.0.1:345[78]/d" \
	-e "s|server 127.0.0.1:3456 \(.*\);|server 127.0.0.1:$PORT1 \1;\n\tserver 127.0.0.1:$PORT2 \1;\n\tserver 127.0.0.1:$PORT3 \1;|" \
	-e "s|/var/cache/nginx/as|$NG/cache|" \
	-e "s|listen 8080;|listen 127.0.0.1:$NGPORT;|" \
	"$top_srcdir/dist/nginx.conf.example" >"$NG/as.conf"
cat >"$NG/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/error.log;
$([ "$(id -u)" -eq 0 ] && echo 'user root;')
events { worker_connections 256; }
http {
	access_log $NG/access.log;
	client_body_temp_path $NG/body;
	proxy_temp_path $NG/proxy;
	fastcgi_temp_path $NG/fastcgi;
	uwsgi_temp_path $NG/uwsgi;
	scgi_temp_path $NG/scgi;
	include $NG/as.conf;
}
EOF
"$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" \
	>"$NG/stdout" 2>&1 &
track $!
NGURL="http://127.0.0.1:$NGPORT"
wait_for 10 curl -sf --max-time 2 -o /dev/null "$NGURL/health" ||
	{ sed 's/^/# nginx: /' "$NG/error.log" "$NG/stdout"; bail "nginx did not start"; }

# --- one listing, one ETag ------------------------------------------------
H='Host: music.example'
for i in 1 2 3; do
	eval "u=\$URL$i"
	curl_ -H "$H" -o "$T/list$i" "$u/list"
	curl_ -H "$H" -o "$T/json$i" "$u/list?format=json"
	curl_ -H "$H" -o "$T/m3u$i" "$u/list.m3u"
	curl_ -sI -H "$H" "$u/list" | sed -n 's/^[Ee][Tt]ag: *//p' >"$T/letag$i"
	curl_ -sI "$u/stream/0" | sed -n 's/^[Ee][Tt]ag: *//p' >"$T/setag$i"
done
cmp -s "$T/list1" "$T/list2" && cmp -s "$T/list1" "$T/list3" &&
	cmp -s "$T/json1" "$T/json2" && cmp -s "$T/json1" "$T/json3" &&
	cmp -s "$T/m3u1" "$T/m3u2" && cmp -s "$T/m3u1" "$T/m3u3"
ok $? "the three replicas give the same listings, every format"
[ -s "$T/letag1" ] && cmp -s "$T/letag1" "$T/letag2" &&
	cmp -s "$T/letag1" "$T/letag3"
ok $? "and the same listing ETag"
[ -s "$T/setag1" ] && cmp -s "$T/setag1" "$T/setag2" &&
	cmp -s "$T/setag1" "$T/setag3"
ok $? "and the same ETag for a track (the copy's too: no inode in it)"

# --- the cache ------------------------------------------------------------
fetch n1 "$NGURL/list" -H "$H" >/dev/null
fetch n2 "$NGURL/list" -H "$H" >/dev/null
cmp -s "$T/n1.body" "$T/list1"
ok $? "through nginx: the same listing"
is "$(hdr n1 X-Cache-Status) $(hdr n2 X-Cache-Status)" "MISS HIT" \
	"the first listing is a miss, the next one a hit from nginx's cache"
is "$(hdr n2 Cache-Control)" "max-age=1" "which the server allowed (max-age=1)"
revalidated() {
	fetch n3 "$NGURL/list" -H "$H" >/dev/null &&
		[ "$(hdr n3 X-Cache-Status)" = REVALIDATED ]
}
wait_for 5 revalidated
ok $? "a second on: REVALIDATED (If-None-Match, a replica's 304)"
grep -c ' 304 ' "$T"/access?.log | grep -qv ':0$'
ok $? "the replicas' access logs show the 304"

# --- a replica killed mid-stream ------------------------------------------
# The player takes 1 MiB, then waits for $T/go: the transfer pauses with
# the stream open on one replica, which metrics name. It is SIGKILLed; the
# client resumes through nginx, which sends it to a live one.
BIG=$(awk -F: '$2 == "big.wav" { print $1 }' "$T/list1")
GATE="dd bs=65536 count=16 iflag=fullblock 2>/dev/null; touch $T/paused; \
while [ ! -e $T/go ]; do sleep 0.05; done; cat"
"$AS_CLIENT" -u "$NGURL" --buffer-max 1M --player "{ $GATE; } >$T/played" \
	stream "$BIG" >"$T/s.out" 2>"$T/s.err" </dev/null &
CPID=$!
track $CPID
wait_for 20 test -e "$T/paused" || bail "the gated player did not start"
streaming() {
	for i in 1 2 3; do
		eval "u=\$URL$i"
		curl -s --max-time 2 "$u/metrics" |
			grep -q '^as_streams_open{kind="file"} 1$' &&
			{ VICTIM=$i; return 0; }
	done
	return 1
}
VICTIM=
wait_for 10 streaming
ok $? "the stream is open on replica ${VICTIM:-none} (its /metrics)"
[ -n "$VICTIM" ] || bail "no replica streams"
eval "kill -KILL \$PID$VICTIM"
touch "$T/go"
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_for 60 gone $CPID
wait $CPID
RC=$?
sed 's/^/# stderr: /' "$T/s.err"
is "$RC" 0 "the client's stream through nginx ends well (exit 0)"
cmp -s "$T/played" "$LIB/big.wav"
ok $? "the player got every byte once: no repeat, no gap (cmp)"
rest=0
for i in 1 2 3; do
	[ "$i" = "$VICTIM" ] && continue
	n=$(grep "GET /stream/$BIG " "$T/access$i.log" | grep -c '" 206 ')
	rest=$((rest + n))
done
is "$rest" 1 "the rest came as one 206 from another replica (If-Range held)"

# --- users' state, shared -------------------------------------------------
others=""
for i in 1 2 3; do [ "$i" = "$VICTIM" ] || others="$others $i"; done
set -- $others
eval "A=\$URL$1 B=\$URL$2"
id=$(curl_ "$A/rest/getRandomSongs?$API&size=1" |
	sed -n 's/.*"id":"\(tr-[^"]*\)".*/\1/p')
[ -n "$id" ] &&
	curl_ "$B/rest/getSong?$API&id=$id" | grep -q '"status":"ok"'
ok $? "a song ID from one replica is the same song on another ($id)"
curl_ "$A/rest/star?$API&id=$id" | grep -q '"status":"ok"'
ok $? "starred through replica $1"
curl_ "$B/rest/getStarred2?$API" | grep -q "\"id\":\"$id\""
ok $? "and replica $2 lists it in getStarred2"
curl_ "$NGURL/rest/getStarred2?$API" | grep -q "\"id\":\"$id\""
ok $? "so does whichever nginx picks"

# --- a stock client: curl --retry through nginx, another replica killed ----
# curl 7.88 starts a retried transfer over (a 200) rather than resuming;
# either way the request does not fail and the file is whole.
curl -sS --max-time 60 --limit-rate 6M --retry 3 --retry-all-errors \
	--retry-delay 1 -C - -o "$T/curl.out" "$NGURL/stream/$BIG" \
	2>"$T/curl.err" &
CPID=$!
track $CPID
VICTIM=
wait_for 10 streaming
ok $? "curl's stream is open on replica ${VICTIM:-none}"
[ -n "$VICTIM" ] && eval "kill -KILL \$PID$VICTIM"
wait_for 60 gone $CPID
wait $CPID
RC=$?
sed 's/^/# curl: /' "$T/curl.err"
is "$RC" 0 "curl --retry through nginx ends well (exit 0)"
cmp -s "$T/curl.out" "$LIB/big.wav"
ok $? "and its file is byte-identical to the track (cmp)"

finish
