# tests/pg-lib.sh: a private PostgreSQL for a test, sourced after lib.sh.
#
# pg_start: Debian's server (the newest /usr/lib/postgresql/*/bin), a
# cluster made with initdb in $T/pg, listening on a Unix socket in that
# folder only (no TCP port to collide with anyone's), trust for the local
# user "as", fsync off; database "as". Run as nobody when we are root
# (initdb refuses root). Sets PG_URI (the postgresql:// URI the server
# takes) and PG_BIN. Stopped (immediate) when the test exits.

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR="$T/pg"
# Checked when sourced, before the test's plan: skipped, or under
# AS_NEED_ALL=yes (.ci/run) a failure.
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
	missing "PostgreSQL's server is not installed (apt-get install postgresql)"
need setpriv

# pg_as CMD...: run CMD as the cluster's owner.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else
		"$@"
	fi
}

pg_stop() {
	[ -f "$PG_DIR/data/postmaster.pid" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
		>/dev/null 2>&1
}

pg_start() {
	mkdir -p "$PG_DIR"
	if [ "$(id -u)" -eq 0 ]; then
		chmod 711 "$T"
		chown nobody:nogroup "$PG_DIR"
	fi
	trap 'pg_stop; _cleanup' EXIT
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U as -A trust -E UTF8 \
		--no-sync >"$T/initdb.log" 2>&1 ||
		{ sed 's/^/# initdb: /' "$T/initdb.log"; bail "initdb failed"; }
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
		-o "-k $PG_DIR -c listen_addresses= -c fsync=off -c max_connections=50" \
		start >"$T/pg_ctl.log" 2>&1 ||
		{ sed 's/^/# pg: /' "$PG_DIR/log"; bail "PostgreSQL did not start"; }
	pg_as "$PG_BIN/createdb" -h "$PG_DIR" -U as as ||
		bail "createdb failed"
	PG_URI="postgresql:///as?host=$PG_DIR&user=as"
}

# pg_sql SQL: run SQL in database "as", unaligned, tuples only.
pg_sql() {
	pg_as "$PG_BIN/psql" -X -q -A -t -h "$PG_DIR" -U as -d as -c "$1" 2>&1
}
