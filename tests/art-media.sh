#!/bin/sh
# tests/art-media.sh DIR: make the tracks and pictures tests/art.sh serves,
# with ffmpeg and python3 (for the Ogg picture block, which ffmpeg's Ogg
# muxer cannot write from an image stream). Exits non-zero if any fails.
#
#   emb/01 front.mp3   a back cover (100x100) then a front cover (600x400)
#   emb/02.flac emb/03.m4a emb/04.ogg emb/05.opus: the front cover only
#   folder/01.wav      no picture inside; folder/COVER.Png (320x240) beside
#   tall/01.wav        tall/front.jpg, 300x900 (scaled by the longer side)
#   small/01.wav       small/Album.jpeg, 40x30 (never enlarged)
#   none/01.wav        no picture anywhere
#   corrupt/01.wav     corrupt/cover.jpg: a JPEG cut short
#   .src/front.jpg     the front cover's bytes, to compare (a hidden
#                      folder: not part of the library)
set -eu
d=$1
mkdir -p "$d/emb" "$d/folder" "$d/tall" "$d/small" "$d/none" "$d/corrupt" \
	"$d/.src"
s=$d/.src
ff() { ffmpeg -nostdin -v error -y "$@"; }

ff -f lavfi -i sine=frequency=440:duration=0.2 -ac 1 -ar 8000 "$s/in.wav"
ff -f lavfi -i testsrc=size=600x400 -frames:v 1 -q:v 4 "$s/front.jpg"
ff -f lavfi -i color=red:size=100x100 -frames:v 1 -q:v 4 "$s/back.jpg"

ff -i "$s/in.wav" -i "$s/back.jpg" -i "$s/front.jpg" -map 0 -map 1 -map 2 \
	-c:v copy -disposition:v attached_pic \
	-metadata:s:v:0 comment="Cover (back)" \
	-metadata:s:v:1 comment="Cover (front)" "$d/emb/01 front.mp3"
ff -i "$s/in.wav" -i "$s/front.jpg" -map 0 -map 1 -c:v copy \
	-disposition:v attached_pic "$d/emb/02.flac"
ff -i "$s/in.wav" -i "$s/front.jpg" -map 0 -map 1 -c:a aac -c:v copy \
	-disposition:v attached_pic "$d/emb/03.m4a"

# METADATA_BLOCK_PICTURE: a FLAC picture block (type 3, front cover),
# base64, as a Vorbis comment, through an ffmetadata file.
python3 - "$s/front.jpg" "$s/meta.txt" <<'EOF'
import base64, struct, sys
img = open(sys.argv[1], 'rb').read()
mime = b'image/jpeg'
blk = struct.pack('>II', 3, len(mime)) + mime + struct.pack('>I', 0)
blk += struct.pack('>IIIII', 600, 400, 24, 0, len(img)) + img
b64 = base64.b64encode(blk).decode().replace('=', '\\=')
open(sys.argv[2], 'w').write(
    ';FFMETADATA1\nMETADATA_BLOCK_PICTURE=' + b64 + '\n')
EOF
ff -i "$s/in.wav" -f ffmetadata -i "$s/meta.txt" -map 0 -map_metadata 1 \
	-c:a libvorbis "$d/emb/04.ogg"
ff -i "$s/in.wav" -f ffmetadata -i "$s/meta.txt" -map 0 -map_metadata 1 \
	-c:a libopus "$d/emb/05.opus"

for a in folder tall small none corrupt; do
	cp "$s/in.wav" "$d/$a/01.wav"
done
ff -f lavfi -i testsrc=size=320x240 -frames:v 1 "$d/folder/COVER.Png"
ff -f lavfi -i testsrc=size=300x900 -frames:v 1 -q:v 4 "$d/tall/front.jpg"
ff -f lavfi -i testsrc=size=40x30 -frames:v 1 -q:v 4 "$d/small/Album.jpeg"
head -c 2000 "$s/front.jpg" >"$d/corrupt/cover.jpg"
rm -f "$s/in.wav" "$s/back.jpg" "$s/meta.txt"
