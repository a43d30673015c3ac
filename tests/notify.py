"""notify.py SOCKET LOG: a service manager's end of sd_notify, for tests.

Binds a datagram socket at SOCKET and appends each message to LOG as one
line (its newlines turned into '|'), flushed at once, until killed.
"""
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", encoding="utf-8") as log:
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        log.write(msg.strip("\n").replace("\n", "|") + "\n")
        log.flush()
