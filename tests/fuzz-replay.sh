#!/bin/sh
# fuzz-replay: every fuzz target (tests/fuzz/fuzz_*.c), built with the
# ordinary compiler around tests/fuzz/replay.c as tests/fuzz/<t>_replay,
# runs each input of its seed corpus tests/fuzz/corpus/<t>/ once: one test
# point per target. A target without a replay program or a corpus, an
# empty corpus, or an input that makes the target abort (its own checks,
# or ASan/UBSan in the sanitizer build) fails its point.
. "$top_srcdir/tests/lib.sh"

FUZZ="$top_srcdir/tests/fuzz"
set -- "$FUZZ"/fuzz_*.c
[ -f "$1" ] || bail "no fuzz target under $FUZZ"
plan $#

for src; do
	t=$(basename "$src" .c)
	bin="$top_builddir/tests/fuzz/${t}_replay"
	corpus="$FUZZ/corpus/$t"
	if [ ! -x "$bin" ]; then
		ok 1 "$t: no replay program $bin (add tests/fuzz/${t}_replay to Makefile.am)"
		continue
	fi
	if [ ! -d "$corpus" ]; then
		ok 1 "$t: no seed corpus $corpus"
		continue
	fi
	seeds=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' | wc -l)
	timeout 60 "$bin" "$corpus" >"$T/$t.out" 2>"$T/$t.err"
	rc=$?
	sed 's/^/# /' "$T/$t.err" | tail -n 40
	[ "$rc" -eq 0 ] && [ "$seeds" -gt 0 ] &&
		[ "$(cat "$T/$t.out")" = "replayed $seeds inputs" ]
	ok $? "$t: its $seeds seeds replayed (status $rc: $(cat "$T/$t.out"))"
done

finish
