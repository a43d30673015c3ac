"""pcmcorr: how alike two recordings sound, without numpy.

usage: pcmcorr.py SOURCE COPY SKIP SECONDS

Decodes SECONDS of SOURCE from SKIP seconds on, and of COPY from its start,
to 4 kHz mono with ffmpeg, and prints the best normalized correlation of
the two over lags of up to 50 ms either way (an MP3 stream without a
gapless header starts with the encoder's delay, 25 ms), then that lag in
samples: "0.9873 -2". 1 is the same sound; unrelated sounds give about 0.
"""
import array
import math
import operator
import subprocess
import sys

RATE = 4000
MAX_LAG = RATE // 20


def pcm(path, skip, secs):
    cmd = ["ffmpeg", "-nostdin", "-v", "error"]
    if skip > 0:
        cmd += ["-ss", "%.3f" % skip]
    cmd += ["-i", path, "-t", "%.3f" % secs, "-ac", "1", "-ar", str(RATE),
            "-f", "s16le", "-"]
    a = array.array("h")
    a.frombytes(subprocess.run(cmd, check=True, capture_output=True,
                               timeout=60).stdout)
    return a


def main():
    src, copy = sys.argv[1], sys.argv[2]
    skip, secs = float(sys.argv[3]), float(sys.argv[4])
    a = pcm(src, skip, secs)
    b = pcm(copy, 0, secs)
    n = min(len(a), len(b)) - 2 * MAX_LAG
    if n <= RATE // 2:
        print("0 0")
        return
    x = a[MAX_LAG:MAX_LAG + n]
    ex = math.sqrt(sum(map(operator.mul, x, x))) or 1
    best = (-2.0, 0)
    for lag in range(-MAX_LAG, MAX_LAG + 1):
        y = b[MAX_LAG + lag:MAX_LAG + lag + n]
        ey = math.sqrt(sum(map(operator.mul, y, y))) or 1
        c = sum(map(operator.mul, x, y)) / (ex * ey)
        if c > best[0]:
            best = (c, lag)
    print("%.4f %d" % best)


main()
