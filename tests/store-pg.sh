#!/bin/sh
# store-pg: the users' state in PostgreSQL (--database postgresql://...),
# on a private cluster (tests/pg-lib.sh). The store's unit tests
# (tests/unit/test_store) pass against it as they do against SQLite; the
# server opens it and creates its schema; a bad URI is a clear error
# naming PostgreSQL, never a crash; and state written through the server
# lands in the database and survives a restart.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/pg-lib.sh"

need curl sox
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
STORE_TEST="$top_builddir/tests/unit/test_store"
[ -x "$STORE_TEST" ] || bail "no $STORE_TEST (make check builds it)"

plan 8

pg_start

AS_TEST_STORE_URI="$PG_URI" CMOCKA_MESSAGE_OUTPUT=TAP "$STORE_TEST" \
	>"$T/unit.out" 2>&1
ok $? "tests/unit/test_store passes against PostgreSQL"
sed 's/^/# unit: /' "$T/unit.out" | grep -v '^# unit: ok' | head -20

LIB="$T/lib"
mkdir -p "$LIB"
make_tone "$LIB/a.wav" 1
printf 'alice:wonderland\n' >"$T/users"
chmod 600 "$T/users"
API="u=alice&p=wonderland&v=1.16.1&c=store-pg&f=json"

start_server -l "$LIB" --users "$T/users" --database "$PG_URI" \
	--state-dir "$T/state" --access-log off
is "$(pg_sql 'SELECT max(version) FROM as_schema')" 1 \
	"the server made its schema (version 1)"
ls "$T/state"/*.db >/dev/null 2>&1
ok $((!$?)) "and no SQLite file beside it"

id=$(curl_ "$URL/rest/getRandomSongs?$API&size=1" |
	sed -n 's/.*"id":"\(tr-[^"]*\)".*/\1/p')
[ -n "$id" ]
ok $? "a song ID from the Subsonic API ($id)"
curl_ -o "$T/star.json" "$URL/rest/star?$API&id=$id"
grep -q '"status":"ok"' "$T/star.json"
ok $? "star it"
is "$(pg_sql "SELECT count(*) FROM annotation WHERE username = 'alice' AND id = '$id' AND starred IS NOT NULL")" \
	1 "the star is a row in PostgreSQL"
stop_server

# The restart names the scheme by its other name, postgres://.
start_server -l "$LIB" --users "$T/users" \
	--database "postgres:${PG_URI#postgresql:}" --access-log off
curl_ "$URL/rest/getStarred2?$API" | grep -q "\"id\":\"$id\""
ok $? "after a restart (as postgres://) the server still sees the star"
stop_server

# A database that is not there: a clear error, the server refuses to start.
"$AS_SERVER" -b 127.0.0.1 -p 0 -l "$LIB" --users "$T/users" \
	--database "postgresql:///nope?host=$PG_DIR&user=as" \
	>"$T/bad.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'postgresql: .*"nope" does not exist' "$T/bad.out"
ok $? "a missing database: exit $rc, and a message naming it"
sed 's/^/# /' "$T/bad.out"

finish
