# tests/resume-lib.sh: the setup and helpers shared by client-resume.sh
# and client-stream-resume.sh. Sourced after tests/lib.sh and the plan.
#
# A library of three tracks (big.wav, 128 MiB; mid.wav, 3 MB; tone.wav,
# 120 s of sine), a server on it with an access log, and the helpers that
# kill that server and start a new one on the same port, as a replica or
# a restart would.

LIB=$T/lib
mkdir -p "$LIB" || bail "mkdir"
# big.wav: 128 MiB, sparse, with 64 KiB of random bytes every 2 MiB, so a
# byte in the wrong place shows in cmp and the file costs no time to make.
truncate -s 128M "$LIB/big.wav" || bail "truncate"
i=0
while [ $i -lt 64 ]; do
	dd if=/dev/urandom of="$LIB/big.wav" bs=65536 count=1 \
		seek=$((i * 32 + i % 7)) conv=notrunc 2>/dev/null ||
		bail "dd"
	i=$((i + 1))
done
head -c 3000000 /dev/urandom >"$LIB/mid.wav" || bail "mid.wav"
make_tone "$LIB/tone.wav" 120 || bail "make_tone" # 21 MB
BIG=0
MID=1
TONE=2
ACCESS=$T/access.log
start_server -l "$LIB" --access-log "$ACCESS"
PF=$_pf # the port file start_server gave it
wait_for 10 listed tone.wav && [ "$(index_of mid.wav)" = "$MID" ] &&
	[ "$(index_of tone.wav)" = "$TONE" ] ||
	bail "the server did not list the library as expected"
MIDSIZE=$(stat -c %s "$LIB/mid.wav")

# client ARGS...: as_client on $CPORT (default: the server), bounded.
client() {
	timeout 60 "$AS_CLIENT" -a 127.0.0.1 -p "${CPORT:-$PORT}" "$@" \
		>"$T/out" 2>"$T/err" </dev/null
	RC=$?
}

# requests PATTERN: how many access-log lines match PATTERN.
requests() { grep -c "$1" "$ACCESS" 2>/dev/null || true; }

# size FILE: its size, 0 if missing.
size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# gone PID: the process has exited (or is a zombie waiting for wait).
gone() {
	case $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) in
	Z | X | "") return 0 ;;
	esac
	return 1
}

# kill_server: SIGKILL it, and reap it.
kill_server() {
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
}

# started FILE: wait (up to 20 s) until FILE exists and is not empty,
# without a fork per look: a transfer over loopback is far along in the
# 50 ms wait_for sleeps. Then stop the client (CPID) at once.
started() {
	_deadline=$(($(date +%s) + 20))
	_n=0
	while [ ! -s "$1" ]; do
		_n=$((_n + 1))
		if [ $((_n % 1000)) -eq 0 ] &&
			[ "$(date +%s)" -ge "$_deadline" ]; then
			return 1
		fi
	done
	kill -STOP "$CPID"
}

# start_same_port: a new server on the port the first one wrote to its
# port file, over the same library.
start_same_port() {
	_port=$(cat "$PF")
	"$AS_SERVER" -b 127.0.0.1 -p "$_port" -l "$LIB" \
		--access-log "$ACCESS" >>"$SERVER_LOG" 2>&1 &
	SERVER_PID=$!
	track "$SERVER_PID"
	wait_for 10 listed tone.wav || bail "no new server on port $_port"
	[ "$PORT" = "$_port" ] || bail "the port changed"
}

