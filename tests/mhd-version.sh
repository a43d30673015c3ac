#!/bin/sh
# mhd-version: the programs load the libmicrohttpd they were compiled
# against. A build against a private 1.0.x (.ci/run: PKG_CONFIG_PATH plus an
# rpath) that silently loaded Debian 12's 0.9.75 at run time, both being
# libmicrohttpd.so.12, would test the wrong library; so would a server that
# loads another libmicrohttpd file than tests/mhdver does.
. "$top_srcdir/tests/lib.sh"

need ldd
MHDVER="$top_builddir/tests/mhdver"
[ -x "$MHDVER" ] || bail "no tests/mhdver at $MHDVER"
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

"$MHDVER" >"$T/ver"
ok $? "tests/mhdver runs"
header=$(sed -n 's/^header //p' "$T/ver")
runtime=$(sed -n 's/^runtime //p' "$T/ver")
diag "libmicrohttpd: compiled against $header, loaded $runtime"
is "$runtime" "$header" "the library loaded is the version compiled against"
is "$header" "${AS_MHD_VERSION:-unset}" \
	"the headers are the version configure found (AS_MHD_VERSION)"

# The file each program loads, as the dynamic linker resolves it.
mhd_file() {
	ldd "$1" | awk '$1 ~ /^libmicrohttpd\.so/ { print $3 }'
}
srv=$(mhd_file "$AS_SERVER")
ver=$(mhd_file "$MHDVER")
diag "as_server loads ${srv:-nothing}"
[ -n "$srv" ] && [ "$srv" = "$ver" ]
ok $? "as_server loads the same libmicrohttpd file as tests/mhdver"
plan "$_tap_n"
finish
