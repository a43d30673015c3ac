#!/usr/bin/env python3
"""A UPnP AV control point for tests/dlna.sh and tests/bench/dlna.sh.

  dlna.py control LOCATION            the ContentDirectory's control URL
  dlna.py call CONTROL ACTION [K=V..] one action; prints its out arguments
  dlna.py walk CONTROL LIBRARY [PAGE] Browse the whole tree (PAGE objects a
                                      call), check it, stream every item
                                      and compare its bytes with the files
  dlna.py raw CONTROL FILE            POST FILE's bytes as a Browse; prints
                                      the HTTP status and the UPnP error
  dlna.py events LOCATION ADDR OUT SECS
                                      SUBSCRIBE to the ContentDirectory's
                                      events with a callback on ADDR; one
                                      line "SystemUpdateID N" in OUT for
                                      each NOTIFY, for SECS seconds
  dlna.py bench CONTROL ID START COUNT N
                                      N Browse calls of COUNT children of
                                      container ID from START, one at a
                                      time; prints the median and max ms

Standard library only. Every request has a timeout. Exit status 1 with a
message on the first thing that is wrong.
"""
import hashlib
import http.server
import threading
import os
import sys
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
NS = {
    "d": "urn:schemas-upnp-org:device-1-0",
    "didl": "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "upnp": "urn:schemas-upnp-org:metadata-1-0/upnp/",
    "e": "urn:schemas-upnp-org:control-1-0",
}
TIMEOUT = 10
MAX_OBJECTS = 20000  # a bound on the walk
TRACK_EXT = (".wav", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a")


def die(msg):
    print("dlna.py: " + msg, file=sys.stderr)
    sys.exit(1)


def control_url(location):
    with urllib.request.urlopen(location, timeout=TIMEOUT) as r:
        doc = ET.fromstring(r.read())
    base = doc.findtext("d:URLBase", default=location, namespaces=NS)
    for s in doc.iter("{%s}service" % NS["d"]):
        if s.findtext("d:serviceType", namespaces=NS) == CDS:
            scpd = urllib.parse.urljoin(base, s.findtext("d:SCPDURL",
                                                         namespaces=NS))
            with urllib.request.urlopen(scpd, timeout=TIMEOUT) as r:
                ET.fromstring(r.read())  # the SCPD parses
            return urllib.parse.urljoin(
                base, s.findtext("d:controlURL", namespaces=NS))
    die("no ContentDirectory in " + location)


def event_url(location):
    with urllib.request.urlopen(location, timeout=TIMEOUT) as r:
        doc = ET.fromstring(r.read())
    base = doc.findtext("d:URLBase", default=location, namespaces=NS)
    for s in doc.iter("{%s}service" % NS["d"]):
        if s.findtext("d:serviceType", namespaces=NS) == CDS:
            return urllib.parse.urljoin(
                base, s.findtext("d:eventSubURL", namespaces=NS))
    die("no ContentDirectory in " + location)


def cmd_events(location, addr, out, secs):
    """A GENA subscriber: what the server events, line by line."""
    sink = open(out, "a", buffering=1)

    class Notify(http.server.BaseHTTPRequestHandler):
        def do_NOTIFY(self):
            n = int(self.headers.get("Content-Length", "0"))
            doc = ET.fromstring(self.rfile.read(n))
            for el in doc.iter():
                if el.tag.split("}")[-1] == "SystemUpdateID":
                    sink.write("SystemUpdateID %s\n" % el.text)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    srv = http.server.HTTPServer((addr, 0), Notify)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    rq = urllib.request.Request(event_url(location), method="SUBSCRIBE")
    rq.add_header("CALLBACK", "<http://%s:%d/>" % (addr,
                                                   srv.server_address[1]))
    rq.add_header("NT", "upnp:event")
    rq.add_header("TIMEOUT", "Second-300")
    with urllib.request.urlopen(rq, timeout=TIMEOUT) as r:
        if not r.headers.get("SID"):
            die("SUBSCRIBE: no SID")
    sink.write("subscribed\n")
    time.sleep(secs)


def envelope(action, args):
    body = "".join("<%s>%s</%s>" % (k, xml_escape(v), k) for k, v in args)
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
            ' s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
            '<s:Body><u:%s xmlns:u="%s">%s</u:%s></s:Body></s:Envelope>'
            % (action, CDS, body, action)).encode()


def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def post(control, action, data):
    rq = urllib.request.Request(control, data=data, method="POST")
    rq.add_header("Content-Type", 'text/xml; charset="utf-8"')
    rq.add_header("SOAPACTION", '"%s#%s"' % (CDS, action))
    try:
        with urllib.request.urlopen(rq, timeout=TIMEOUT) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def call(control, action, args):
    status, body = post(control, action, envelope(action, args))
    if status != 200:
        die("%s %s: HTTP %d: %s" % (action, args, status, body[:300]))
    doc = ET.fromstring(body)
    for el in doc.iter():
        if el.tag.endswith(action + "Response"):
            return {c.tag.split("}")[-1]: (c.text or "") for c in el}
    die("%s: no %sResponse" % (action, action))


def browse(control, oid, flag, start=0, count=0):
    out = call(control, "Browse", [
        ("ObjectID", oid), ("BrowseFlag", flag), ("Filter", "*"),
        ("StartingIndex", str(start)), ("RequestedCount", str(count)),
        ("SortCriteria", "")])
    didl = ET.fromstring(out["Result"])
    objs = list(didl)
    if int(out["NumberReturned"]) != len(objs):
        die("Browse %s: NumberReturned %s but %d objects"
            % (oid, out["NumberReturned"], len(objs)))
    return objs, int(out["TotalMatches"])


def children(control, oid, page):
    got, start, total = [], 0, None
    while total is None or start < total:
        objs, total = browse(control, oid, "BrowseDirectChildren", start,
                             page)
        if not objs:
            break
        got += objs
        start += len(objs)
        if len(got) > MAX_OBJECTS:
            die("more than %d objects" % MAX_OBJECTS)
    if len(got) != total:
        die("container %s: TotalMatches %d but %d children"
            % (oid, total, len(got)))
    return got


def walk(control, page):
    """Every item of the tree: (id, title, res URL, size, protocolInfo)."""
    items, todo, seen = [], ["0"], set()
    meta, _ = browse(control, "0", "BrowseMetadata")
    if len(meta) != 1 or meta[0].get("id") != "0":
        die("BrowseMetadata 0: not the root")
    while todo:
        oid = todo.pop()
        if oid in seen:
            die("container %s twice" % oid)
        seen.add(oid)
        kids = children(control, oid, page)
        for o in kids:
            if o.get("parentID") != oid:
                die("%s: parentID %s, browsed from %s"
                    % (o.get("id"), o.get("parentID"), oid))
            tag = o.tag.split("}")[-1]
            if tag == "container":
                cc = o.get("childCount")
                todo.append(o.get("id"))
                if cc is not None:
                    o.set("_cc", cc)
            else:
                res = o.find("didl:res", NS)
                if res is None:
                    die("item %s without res" % o.get("id"))
                items.append((o.get("id"), o.findtext("dc:title", "",
                                                      NS),
                              res.text.strip(), res.get("size"),
                              res.get("protocolInfo", ""),
                              o.findtext("upnp:albumArtURI", None, NS)))
        if kids:  # one item or container of each, by itself
            m, _ = browse(control, kids[0].get("id"), "BrowseMetadata")
            if len(m) != 1 or m[0].get("id") != kids[0].get("id"):
                die("BrowseMetadata %s" % kids[0].get("id"))
    return items, len(seen)


def library_hashes(root):
    h = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.lower().endswith(TRACK_EXT) and not f.startswith("."):
                with open(os.path.join(d, f), "rb") as fh:
                    h[hashlib.sha256(fh.read()).hexdigest()] = \
                        os.path.relpath(os.path.join(d, f), root)
    return h


def fetch(url, mode="Streaming"):
    """GET url as a renderer does (DLNA transfer mode Streaming for audio,
    Interactive for pictures)."""
    rq = urllib.request.Request(url)
    rq.add_header("transferMode.dlna.org", mode)
    if mode == "Streaming":
        rq.add_header("getcontentFeatures.dlna.org", "1")
    with urllib.request.urlopen(rq, timeout=TIMEOUT) as r:
        return r.read(), r.headers


def cmd_walk(control, library, page):
    items, containers = walk(control, page)
    files = library_hashes(library)
    matched, urls, arts = set(), {}, set()
    for oid, title, url, size, pinfo, art in items:
        if art is not None and art not in arts:
            body, headers = fetch(art, "Interactive")
            if not headers.get("Content-Type", "").startswith("image/") \
                    or not body:
                die("item %s: albumArtURI %s is no image" % (oid, art))
            arts.add(art)
        if not pinfo.startswith("http-get:*:audio/"):
            die("item %s: protocolInfo %r" % (oid, pinfo))
        if url in urls:
            continue
        body, headers = fetch(url)
        digest = hashlib.sha256(body).hexdigest()
        if digest not in files:
            die("item %s (%s): %s streams bytes of no library file"
                % (oid, title, url))
        if size is not None and int(size) != len(body):
            die("item %s: size %s, streamed %d" % (oid, size, len(body)))
        urls[url] = files[digest]
        matched.add(files[digest])
    print("containers %d items %d art %d urls %d files %d matched %d"
          % (containers, len(items), len(arts), len(urls), len(files),
             len(matched)))
    for f in sorted(set(files.values()) - matched):
        print("unreached " + f)


def cmd_raw(control, path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        status, body = post(control, "Browse", data)
    except OSError as e:  # a refused or cut-off request: silence
        print("closed %s" % type(e).__name__)
        return
    code = ""
    try:
        el = ET.fromstring(body).find(".//e:errorCode", NS)
        code = el.text if el is not None else ""
    except ET.ParseError:
        pass
    print("%d %s" % (status, code))


def cmd_bench(control, oid, start, count, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        objs, _ = browse(control, oid, "BrowseDirectChildren", start,
                         count)
        times.append((time.perf_counter() - t) * 1000)
        if len(objs) != count:
            die("bench: %d objects, wanted %d" % (len(objs), count))
    times.sort()
    print("%.2f %.2f" % (times[len(times) // 2], times[-1]))


def main(argv):
    if len(argv) >= 2 and argv[0] == "control":
        print(control_url(argv[1]))
    elif len(argv) >= 3 and argv[0] == "call":
        out = call(argv[1], argv[2], [a.split("=", 1) for a in argv[3:]])
        for k, v in out.items():
            print("%s=%s" % (k, v))
    elif len(argv) >= 3 and argv[0] == "walk":
        cmd_walk(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 7)
    elif len(argv) == 3 and argv[0] == "raw":
        cmd_raw(argv[1], argv[2])
    elif len(argv) == 5 and argv[0] == "events":
        cmd_events(argv[1], argv[2], argv[3], float(argv[4]))
    elif len(argv) == 6 and argv[0] == "bench":
        cmd_bench(argv[1], argv[2], int(argv[3]), int(argv[4]),
                  int(argv[5]))
    else:
        die(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
