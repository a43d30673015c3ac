#!/bin/sh
# tags-fields: the tags the catalogue reads (album artist, year, genre,
# track and disc numbers), written by ffmpeg into every container (a WAV
# file's RIFF INFO chunk included), shown by /list?format=json with null
# for what is unknown; kept across a restart by the tag cache; and a tag
# cache of the old format (version 1) read as empty, never misread.
. "$top_srcdir/tests/lib.sh"

PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

need curl python3 sox ffmpeg
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

plan 20

# --- fixtures -------------------------------------------------------------
L="$T/lib"
mkdir -p "$L/full" "$L/plain" "$L/wav" "$T/raw"
for e in mp3 ogg opus flac m4a wav; do
	make_tone "$T/raw/tone.$e" 2 || bail "cannot make a .$e file"
done
make_tone "$T/raw/tone.oga" 2 || bail "cannot make a .oga file"
# full EXT SRC: every tag the catalogue reads, the stream copied as is
full() {
	ffmpeg -v error -nostdin -y -i "$2" -map 0 -c copy \
		-metadata title="Title $1" -metadata artist="Ärtist $1" \
		-metadata album_artist="Album Ärtist" -metadata album="Älbum" \
		-metadata date=1999-05-01 -metadata genre="Génre $1" \
		-metadata track=3/12 -metadata disc=2/3 \
		"$L/full/full.$1" || bail "cannot tag full.$1"
}
for e in mp3 ogg opus flac m4a oga; do
	full "$e" "$T/raw/tone.$e"
done
# A WAV file tagged by ffmpeg: a RIFF LIST/INFO chunk (INAM, IART, IPRD,
# IGNR, ICRD, ITRK), which has no album artist or disc.
ffmpeg -v error -nostdin -y -i "$T/raw/tone.wav" -map 0 -c copy \
	-metadata title="Wäv title" -metadata artist="Wäv artist" \
	-metadata album="Wäv album" -metadata genre="Wäv genre" \
	-metadata date=2004 -metadata track=7 "$L/wav/info.wav" ||
	bail "cannot tag info.wav"
grep -q INAM "$L/wav/info.wav" || bail "ffmpeg wrote no RIFF INFO"
# Only some tags: an album artist and a year, but no numbers.
ffmpeg -v error -nostdin -y -i "$T/raw/tone.flac" -map 0 -c copy \
	-metadata title="Some" -metadata date=2010 \
	"$L/plain/some.flac" || bail "cannot tag some.flac"
cp "$T/raw/tone.mp3" "$L/plain/none.mp3"

# show JSON: one line per track, path then the catalogue's tags
cat >"$T/show.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
keys = ["title", "artist", "album", "album_artist", "year", "genre",
        "track", "disc"]
for t in d["tracks"]:
    missing = [k for k in keys if k not in t]
    order = list(t)[:14]
    print("%s|%s" % (t["path"], "|".join(
        "MISSING" if k not in t else "null" if t[k] is None else str(t[k])
        for k in keys)))
    if order[9:] != ["album_artist", "year", "genre", "track", "disc"]:
        print("%s: key order %s" % (t["path"], order))
PY
show() { "$PYTHON" "$T/show.py" "$1"; }

list() {
	curl_ -o "$T/list.json" "$URL/list?format=json" &&
		show "$T/list.json" >"$T/list.txt"
}
line() { grep "^$1|" "$T/list.txt"; }
# all_read: every file's title has arrived, and the cache is written
all_read() {
	list || return 1
	for _p in full/full.mp3 full/full.ogg full/full.opus full/full.flac \
		full/full.m4a full/full.oga wav/info.wav plain/some.flac; do
		line "$_p" | grep -qv '^[^|]*|null|' || return 1
	done
	ls "$T/state"/tags-* >/dev/null 2>&1
}

# --- every container -----------------------------------------------------
start_server -l "$L" --state-dir "$T/state"
wait_for 30 all_read
ok $? "every file's tags are read in 30 s"
cp "$T/list.txt" "$T/first.txt"
for e in mp3 ogg opus flac m4a oga; do
	is "$(line "full/full.$e")" \
		"full/full.$e|Title $e|Ärtist $e|Älbum|Album Ärtist|1999|Génre $e|3|2" \
		"full.$e: album artist, year, genre, track, disc"
done
is "$(line wav/info.wav)" \
	"wav/info.wav|Wäv title|Wäv artist|Wäv album|null|2004|Wäv genre|7|null" \
	"info.wav: title, artist, album, genre, year, track from RIFF INFO"
is "$(line plain/some.flac)" \
	"plain/some.flac|Some|null|null|null|2010|null|null|null" \
	"some.flac: what is not tagged is null"
is "$(line plain/none.mp3)" \
	"plain/none.mp3|null|null|null|null|null|null|null|null" \
	"none.mp3: no tags, every key null"
is "$(grep -c 'key order' "$T/list.txt")" 0 \
	"the new keys follow the documented ones, in order"

# --- a restart: the cache holds every field --------------------------------
stop_server
cache=$(ls "$T/state"/tags-* | head -n 1)
is "$(head -n 1 "$cache")" "as-tags 3" "the cache file is of format 3"
grep -q "Album Ärtist" "$cache" && grep -q "Génre flac" "$cache"
ok $? "the cache holds album artists and genres"
start_server -l "$L" --state-dir "$T/state"
list
is "$(cat "$T/list.txt")" "$(cat "$T/first.txt")" \
	"restart: the first listing has every field"
stop_server
# Proof that they come from the cache: a cached value changed by hand (same
# size and mtime, so the cache entry stands) is what a restart shows, as a
# tagged track is never read again.
sed -i 's/Génre flac/Génre cached/' "$cache"
start_server -l "$L" --state-dir "$T/state"
list
is "$(line full/full.flac | cut -d'|' -f7)" "Génre cached" \
	"restart: full.flac's genre is the cache's"
stop_server

# --- a cache of the old format is not misread --------------------------------
# Format 1 had 8 fields: path size mtime_ns duration number title artist
# album. A line for a file with its real size and mtime, and junk tags.
cat >"$T/old.py" <<'PY'
import os, sys
lib, cache = sys.argv[1], sys.argv[2]
with open(cache, "w", encoding="utf-8") as f:
    f.write("as-tags 1\n")
    for p in ("full/full.mp3", "wav/info.wav"):
        st = os.stat(os.path.join(lib, p))
        f.write("%s\t%d\t%d\t2\t9\tOLD\tOLD\tOLD\n" % (p, st.st_size,
                                                    st.st_mtime_ns))
PY
"$PYTHON" "$T/old.py" "$L" "$cache" || bail "cannot write an old cache"
start_server -l "$L" --state-dir "$T/state"
list
is "$(grep -c OLD "$T/list.txt")" 0 \
	"old cache: its tags are not shown in the first listing"
wait_for 30 all_read
ok $? "old cache: the tags are read again"
is "$(line full/full.mp3)" \
	"full/full.mp3|Title mp3|Ärtist mp3|Älbum|Album Ärtist|1999|Génre mp3|3|2" \
	"old cache: full.mp3 right after reading"
wait_for 10 sh -c "head -n 1 '$cache' | grep -qx 'as-tags 3'"
ok $? "old cache: rewritten in format 3"
stop_server

# --- a new file appears: its tags reach the listing -----------------------
start_server -l "$L" --state-dir "$T/state"
cp "$L/full/full.flac" "$T/new.flac"
mv "$T/new.flac" "$L/plain/new.flac"
new_read() {
	list && line plain/new.flac | grep -q '|Album Ärtist|1999|'
}
wait_for 20 new_read
ok $? "a new file's album artist and year arrive without a restart"
stop_server

finish
