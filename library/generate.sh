#!/bin/sh
# generate.sh: make the default library of as, next to this script.
#
# Synthesizes six short music-like tracks with sox (plucked strings, sine,
# triangle and square leads, strummed chords, a bit of reverb) and encodes
# them with ffmpeg, tagged with title, artist, album and track number:
#
#   Pluck Theory/Open Strings/01 Tuning Up.wav        6 s, PCM, LIST INFO tags
#   Pluck Theory/Open Strings/02 Harmonics.flac       8 s, FLAC, Vorbis comments
#   Square Circle/Geometry/01 Triangle Waltz.ogg     15 s, Vorbis, Vorbis comments
#   Square Circle/Geometry/02 Square Dance.opus      16 s, Opus, Vorbis comments
#   The Sine Waves/Café Tones/01 Espresso.mp3        12 s, MP3, ID3v2.3 tags
#   The Sine Waves/Café Tones/02 Slow Pour.m4a       14 s, AAC, MP4 tags
#
# The music is made here from nothing, so it is free of any rights (CC0).
# Running the script again rewrites the same files, byte for byte: sox runs
# in repeatable mode (-R) and ffmpeg with bitexact flags, without any source
# metadata and without encoder or time stamps.
#
# Needs sox and ffmpeg (with libmp3lame, libvorbis and libopus).
set -eu
set -f # note lists are split on blanks and must never be globbed

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
# Work in a hidden folder (a server over this library skips it), so that
# finished files are moved into place atomically.
tmp=$(mktemp -d "$here/.generate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

rate=44100 # sample rate of the synthesized masters
beat=0.5   # seconds per beat, set by tempo
artist=
album=

# mul A B: print A * B.
mul() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a * b }'
}

# release LEN: the fade-out of a note LEN seconds long (0.1 s, or half of
# shorter notes), so that notes end without a click.
release() {
	awk -v l="$1" 'BEGIN { printf "%.4f", l < 0.2 ? l / 2 : 0.1 }'
}

# rep N TOKENS: print TOKENS N times, to repeat a bar.
rep() {
	n=0
	while [ "$n" -lt "$1" ]; do
		printf '%s ' "$2"
		n=$((n + 1))
	done
}

# tempo SECONDS: the length of one beat for the voices that follow.
tempo() {
	beat=$1
}

# record ARTIST ALBUM: the artist and album of the songs that follow.
record() {
	artist=$1
	album=$2
}

# voice NAME TYPE NOTES: render one instrument line to $tmp/NAME.wav (mono).
# TYPE is a sox synth type (pluck, sine, triangle, square, ...). NOTES are
# blank-separated tokens PITCH[:BEATS] (BEATS defaults to 1): PITCH is a
# note name (A4, F#3, Bb2), up to four of them joined by + (a chord,
# strummed), or r (a rest). Each note is one sox effects chain; the chains,
# separated by ":", are played one after another.
voice() {
	name=$1 type=$2 notes=$3
	set --
	for tok in $notes; do
		case $tok in
		*:*) pitches=${tok%%:*} beats=${tok#*:} ;;
		*) pitches=$tok beats=1 ;;
		esac
		len=$(mul "$beats" "$beat")
		[ $# -eq 0 ] || set -- "$@" :
		if [ "$pitches" = r ]; then
			set -- "$@" synth "$len" sine 20 vol 0 remix -
			continue
		fi
		# One channel per chord note, each started a little later (the
		# strum), then mixed down to mono and cut to the note's length.
		set -- "$@" synth "$len"
		delays='' k=0
		IFS=+
		for p in $pitches; do
			set -- "$@" "$type" "$p"
			delays="$delays $(mul "$k" 0.025)"
			k=$((k + 1))
		done
		unset IFS
		# shellcheck disable=SC2086 # $delays is a list of numbers
		set -- "$@" delay $delays remix - trim 0 "$len" \
			fade q 0.005 "$len" "$(release "$len")"
	done
	sox -R -c 4 -r "$rate" -n -b 32 "$tmp/$name.wav" "$@"
}

# master SECONDS: mix the voices lead, bass and chords into the stereo
# $tmp/master.wav (lead a little left, chords a little right), add reverb,
# cut it to SECONDS with a fade-out and normalize it to -1 dBFS.
master() {
	sox -R -M "$tmp/lead.wav" "$tmp/bass.wav" "$tmp/chords.wav" \
		-b 32 "$tmp/master.wav" \
		remix 1v0.45,2v0.35,3v0.2 1v0.25,2v0.35,3v0.4 \
		gain -3 reverb 35 50 60 trim 0 "$1" fade q 0.02 "$1" 1.5 norm -1
}

# encode NUMBER TITLE EXT: encode $tmp/master.wav into
# "$artist/$album/NN TITLE.EXT" next to this script, with the codec that
# EXT calls for and only the tags given here.
encode() {
	number=$1 title=$2 ext=$3
	case $ext in
	wav) set -- -c:a pcm_s16le -ar 22050 -ac 1 -metadata ITRK="$number" ;;
	flac) set -- -c:a flac -compression_level 8 -sample_fmt s16 \
		-ar 22050 -ac 1 ;;
	mp3) set -- -c:a libmp3lame -b:a 96k -id3v2_version 3 \
		-write_id3v1 0 ;;
	ogg) set -- -c:a libvorbis -q:a 2 ;;
	opus) set -- -c:a libopus -b:a 64k ;;
	m4a) set -- -c:a aac -b:a 96k -movflags +faststart ;;
	*) echo "generate.sh: no encoder for .$ext" >&2 && exit 1 ;;
	esac
	dest="$artist/$album/$(printf %02d "$number") $title.$ext"
	ffmpeg -nostdin -hide_banner -loglevel error -y \
		-i "$tmp/master.wav" -map 0:a -map_metadata -1 "$@" \
		-fflags +bitexact -flags:a +bitexact \
		-metadata title="$title" -metadata artist="$artist" \
		-metadata album="$album" -metadata track="$number" \
		"$tmp/out.$ext"
	mkdir -p "$here/$artist/$album"
	mv -f "$tmp/out.$ext" "$here/$dest"
	echo "$dest"
}

# song NUMBER TITLE EXT SECONDS: mix the voices rendered last into a track.
song() {
	master "$4"
	encode "$1" "$2" "$3"
}

# Chords, four notes each (guitar-like or close voicings).
G=G2+B2+D3+G3 C=C3+E3+G3+C4 D=D3+F#3+A3+D4
Am=A2+E3+A3+C4 F=F2+C3+F3+A3 Cg=C3+G3+C4+E4 Gd=G2+D3+G3+B3
Dmaj7=D3+F#3+A3+C#4 Em7=E3+G3+B3+D4 A7=A2+E3+G3+C#4 Bm7=B2+D3+F#3+A3
Fmaj7=F3+A3+C4+E4 Dm7=D3+F3+A3+C4 Gm7=G2+F3+Bb3+D4 C7=C3+E3+G3+Bb3
Bbmaj7=Bb2+D3+F3+A3
Ct=C4+E4+G4 G7t=B3+F4+G4 Ft=A3+C4+F4

record "Pluck Theory" "Open Strings"

# A strummed G - C - D - G with a plucked arpeggio on top.
tempo 0.25
voice lead pluck "G4 B4 D5 B4 G4 B4 D5 B4 C5 E5 G5 E5 C5 E5 G5 E5
	D5 F#5 A5 F#5 G5:4"
voice bass triangle "G2:4 G2:4 C3:4 C3:4 D3:4 G2:4"
voice chords pluck "$G:8 $C:8 $D:4 $G:4"
song 1 "Tuning Up" wav 6

# Slow A minor - F - C - G, a high sine melody over plucked chords.
tempo 0.4
voice lead sine "E5 A5 C6 B5 A5:2 F5 A5 G5 E5 C6 G5 D5:2 B4 D5 A4:4"
voice bass triangle "A2:4 F2:4 C3:4 G2:4 A2:4"
voice chords pluck "$Am:4 $F:4 $Cg:4 $Gd:4 $Am:4"
song 2 "Harmonics" flac 8

record "Square Circle" "Geometry"

# A waltz in C: bass on one, chords on two and three.
tempo 0.42
voice lead triangle "G4 C5 E5 G5:2 E5 F5:2 D5 B4:3 D5 F5 G5 B5:2 G5
	E5 G5 C6 C6:2 G5 A5:2 F5 G5:2 E5 D5 B4 G4 C5:3"
voice bass triangle "$(rep 2 C3:3) $(rep 4 G2:3) $(rep 2 C3:3)
	F2:3 C3:3 G2:3 C3:3"
voice chords triangle "$(rep 2 "r $Ct $Ct") $(rep 4 "r $G7t $G7t")
	$(rep 2 "r $Ct $Ct") r $Ft $Ft r $Ct $Ct r $G7t $G7t r $Ct $Ct"
song 1 "Triangle Waltz" ogg 15

# A square-wave fiddle tune in G over boom-chuck bass and off-beat chops.
tempo 0.25
voice lead square "G4 B4 D5 B4 G4 B4 D5 G5 F#5 G5 A5 G5 F#5 E5 D5 B4
	C5 E5 G5 E5 C5 E5 G5 C6 B5 A5 G5 F#5 G5:2 D5:2
	G4 B4 D5 B4 G4 B4 D5 G5 F#5 A5 D6 A5 F#5 A5 D6 A5
	E5 F#5 G5 A5 B5 A5 G5 F#5 G5:4 G4:4"
voice bass pluck "$(rep 4 "G2:2 D3:2") $(rep 2 "C3:2 G2:2")
	$(rep 4 "G2:2 D3:2") $(rep 4 "D3:2 A2:2") $(rep 2 "G2:2 D3:2")"
voice chords pluck "$(rep 8 "r $G") $(rep 4 "r $C") $(rep 8 "r $G")
	$(rep 8 "r $D") $(rep 4 "r $G")"
song 2 "Square Dance" opus 16

record "The Sine Waves" "Café Tones"

# Bossa-like D major: Dmaj7 Dmaj7 Em7 A7 Dmaj7 Bm7 Em7 A7 Dmaj7 Dmaj7.
tempo 0.3
voice lead sine "F#5:1.5 E5:0.5 D5 A4 B4:1.5 C#5:0.5 D5:2
	G5:1.5 F#5:0.5 E5 B4 C#5:1.5 D5:0.5 E5:2
	F#5:1.5 A5:0.5 F#5 D5 B4:1.5 D5:0.5 F#5:2
	E5 G5 B5 G5 A5:1.5 G5:0.5 E5 C#5 D5:4 r:4"
voice bass triangle "$(rep 2 "D2:1.5 A2:0.5 A2:1.5 D2:0.5")
	E2:1.5 B2:0.5 B2:1.5 E2:0.5 A2:1.5 E2:0.5 E2:1.5 A2:0.5
	D2:1.5 A2:0.5 A2:1.5 D2:0.5 B2:1.5 F#2:0.5 F#2:1.5 B2:0.5
	E2:1.5 B2:0.5 B2:1.5 E2:0.5 A2:1.5 E2:0.5 E2:1.5 A2:0.5
	$(rep 2 "D2:1.5 A2:0.5 A2:1.5 D2:0.5")"
voice chords sine "$(rep 2 "$Dmaj7:1.5 $Dmaj7:1 $Dmaj7:1.5")
	$Em7:1.5 $Em7:1 $Em7:1.5 $A7:1.5 $A7:1 $A7:1.5
	$Dmaj7:1.5 $Dmaj7:1 $Dmaj7:1.5 $Bm7:1.5 $Bm7:1 $Bm7:1.5
	$Em7:1.5 $Em7:1 $Em7:1.5 $A7:1.5 $A7:1 $A7:1.5 $Dmaj7:8"
song 1 "Espresso" mp3 12

# Slow F major: Fmaj7 Dm7 Gm7 C7 Fmaj7 Bbmaj7 Fmaj7, held sine chords.
tempo 0.5
voice lead sine "A4:2 C5 E5 F5:3 E5 D5:2 Bb4 D5 E5:3 G4 A4:2 C5 A4
	D5:2 F5 D5 C5:4"
voice bass triangle "F2:2 C3:2 D2:2 A2:2 G2:2 D3:2 C2:2 G2:2 F2:2 C3:2
	Bb2:2 F2:2 F2:4"
voice chords sine "$Fmaj7:4 $Dm7:4 $Gm7:4 $C7:4 $Fmaj7:4 $Bbmaj7:4 $Fmaj7:4"
song 2 "Slow Pour" m4a 14
