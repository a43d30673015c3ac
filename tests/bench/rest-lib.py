#!/usr/bin/env python3
"""tests/bench/rest-lib.py SEED.mp3 DIR N: a library of N tagged MP3 files
for the Subsonic benchmark, made in seconds: every file is SEED's audio
(one short frame run) behind an ID3v2.3 tag of its own (title, artist,
album, track, year, genre). 100 artists of 10 albums of 10 tracks, and
so on for larger N. Tags matter to the benchmark; the audio does not."""
import os
import struct
import sys

seed, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(seed, "rb") as f:
    audio = f.read()
if audio[:3] == b"ID3":  # drop the seed's own tag
    size = audio[6:10]
    skip = (size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3]
    audio = audio[10 + skip:]

GENRES = ["Rock", "Jazz", "Pop", "Folk", "Blues", "Classical", "Electronic"]
WORDS = ["river", "stone", "light", "night", "glass", "paper", "winter",
         "garden", "silver", "echo", "harbor", "signal", "orbit", "ember"]


def frame(fid, text):
    body = b"\x03" + text.encode("utf-8")  # ID3v2.3 has no UTF-8; v2.4 does
    return fid.encode() + struct.pack(">I", len(body)) + b"\0\0" + body


def syncsafe(v):
    return bytes([(v >> 21) & 127, (v >> 14) & 127, (v >> 7) & 127, v & 127])


def tag(title, artist, album, track, year, genre):
    frames = (frame("TIT2", title) + frame("TPE1", artist) +
              frame("TALB", album) + frame("TRCK", str(track)) +
              frame("TDRC", str(year)) + frame("TCON", genre))
    return b"ID3\x04\0\0" + syncsafe(len(frames)) + frames


for i in range(n):
    a, al, t = i // 100, (i // 10) % 10, i % 10
    artist = "Artist %03d %s" % (a, WORDS[a % len(WORDS)].title())
    album = "%s %s %d" % (WORDS[(a + al) % len(WORDS)].title(),
                          WORDS[(a * 3 + al) % len(WORDS)], al)
    title = "%s %s %d" % (WORDS[(i * 7) % len(WORDS)].title(),
                          WORDS[(i * 5 + 3) % len(WORDS)], i)
    d = os.path.join(out, artist, album)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "%02d %s.mp3" % (t + 1, title)), "wb") as f:
        f.write(tag(title, artist, album, t + 1, 1960 + (a + al) % 60,
                    GENRES[(a + al) % len(GENRES)]))
        f.write(audio)
