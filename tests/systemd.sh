#!/bin/sh
# systemd: the unit `make install` installs is clean for systemd-analyze
# verify and sandboxed to an exposure of 2.0 or less (systemd-analyze
# security), and the server speaks sd_notify for real: a datagram socket
# of our own as NOTIFY_SOCKET sees READY=1 once /list works, WATCHDOG=1
# every half WATCHDOG_USEC (none without it), RELOADING=1 then READY=1
# again on SIGHUP, and STOPPING=1 on SIGTERM.
. "$top_srcdir/tests/lib.sh"

PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
need curl systemd-analyze python3 make sox
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

plan 15

# --- the unit, as make install installs it --------------------------------
make -s -C "$top_builddir" install DESTDIR="$T/dest" >"$T/install.log" 2>&1
ok $? "make install DESTDIR=... succeeds"
unit=$(find "$T/dest" -name as_server.service -path '*/systemd/system/*')
[ -n "$unit" ] && [ -f "$unit" ]
ok $? "it installs as_server.service under lib/systemd/system"
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ -x "$T/dest$exe" ] && ! grep -q '@[a-z]*@' "$unit"
ok $? "ExecStart names the installed as_server ($exe)"
find "$T/dest" -name nginx.conf.example | grep -q .
ok $? "the example nginx configuration is installed with it"

# systemd-analyze needs the binary where ExecStart says: the same unit,
# pointed at the built one. --man=no: the manual is not installed here.
sed "s|^ExecStart=[^ ]*|ExecStart=$AS_SERVER|" "$unit" >"$T/as_server.service"
systemd-analyze verify --man=no "$T/as_server.service" >"$T/verify.out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$T/verify.out" ]
ok $? "systemd-analyze verify: clean"
sed 's/^/# verify: /' "$T/verify.out"
systemd-analyze security --offline=true "$T/as_server.service" \
	>"$T/security.out" 2>&1
level=$(sed -n 's/.*Overall exposure level for as_server.service: \([0-9.]*\).*/\1/p' \
	"$T/security.out")
diag "exposure level: ${level:-none}"
awk -v l="${level:-99}" 'BEGIN { exit !(l + 0 <= 2.0) }'
ok $? "systemd-analyze security: exposure $level <= 2.0"
for k in Type=notify DynamicUser=yes StateDirectory=as_server \
	ProtectSystem=strict WatchdogSec= 'ExecReload=/bin/kill -HUP $MAINPID'; do
	grep -qF -- "$k" "$unit" || echo "missing $k" >>"$T/keys"
done
[ ! -s "$T/keys" ]
ok $? "notify, watchdog, reload = SIGHUP, dynamic user, strict protection"

# --- sd_notify, for real --------------------------------------------------
LIB="$T/lib"
mkdir -p "$LIB"
make_tone "$LIB/a.wav" 1
"$PYTHON" "$top_srcdir/tests/notify.py" "$T/notify.sock" "$T/notify.log" &
track $!
wait_for 5 test -S "$T/notify.sock" || bail "notify.py did not bind"
: >"$T/notify.log"

NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=400000 \
	start_server -l "$LIB" --access-log off
wait_for 10 grep -q '^READY=1' "$T/notify.log"
ok $? "READY=1 arrives"
curl -sSf --max-time 5 -o "$T/list" "$URL/list" && grep -q 'a.wav' "$T/list"
ok $? "and /list works as soon as it did"
grep '^READY=1' "$T/notify.log" | head -1 | grep -q 'STATUS=serving 1 tracks'
ok $? "its STATUS says how many tracks"
# Half of 400 ms: five keep-alives take about a second.
wait_for 5 sh -c "[ \$(grep -c '^WATCHDOG=1' '$T/notify.log') -ge 5 ]"
ok $? "WATCHDOG=1 comes every half WATCHDOG_USEC"

kill -HUP "$SERVER_PID"
wait_for 5 sh -c "sed -n '/^RELOADING=1/,\$p' '$T/notify.log' | grep -q '^READY=1'"
ok $? "SIGHUP: RELOADING=1, then READY=1 once the rescan is done"
grep '^RELOADING=1' "$T/notify.log" | grep -q 'MONOTONIC_USEC=[0-9]'
ok $? "RELOADING=1 carries MONOTONIC_USEC"

kill -TERM "$SERVER_PID"
wait_for 5 grep -q '^STOPPING=1' "$T/notify.log"
ok $? "SIGTERM: STOPPING=1"
wait "$SERVER_PID" 2>/dev/null

# Without a watchdog: no keep-alives.
: >"$T/notify.log"
NOTIFY_SOCKET="$T/notify.sock" start_server -l "$LIB" --access-log off
wait_for 10 grep -q '^READY=1' "$T/notify.log"
sleep 1 # the absence of keep-alives takes a while to show
! grep -q '^WATCHDOG=1' "$T/notify.log"
ok $? "without WATCHDOG_USEC: READY=1 and no WATCHDOG=1 in a second"

finish
