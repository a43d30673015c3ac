"""page.py: drive headless Chromium over the DevTools protocol against a
running as_server's page. Run by tests/page.sh, never on its own.

    page.py DEVTOOLS_PORT SERVER_URL EXPECT_JSON ARTIFACT_DIR

EXPECT_JSON: {"tracks": [{"index": i, "path": p, "label": shown name,
"duration": ffprobe seconds}, ...], "query": a search word,
"searches": [[what, text typed, [indexes it must show], how many
group headings it must show], ...]}.

Prints one line per check, "ok 0 NAME" (pass) or "ok 1 NAME" (fail), and
"# ..." diagnostics; page.sh turns them into TAP. Every wait has a deadline.
"""
import base64
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import websocket  # Debian: python3-websocket


def say(status, name):
    print("ok %d %s" % (0 if status else 1, name), flush=True)


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line, flush=True)


class CDP:
    """A DevTools session on one page target."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=10,
                                              suppress_origin=True)
        self.next_id = 0
        self.events = []  # every event received, in order

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("DevTools: no message in time")
        self.ws.settimeout(left)
        msg = json.loads(self.ws.recv())
        if "method" in msg:
            self.events.append(msg)
        return msg

    def call(self, method, params=None, timeout=15):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method,
                                 "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            msg = self._recv(deadline)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def wait_event(self, method, timeout=15, start=0):
        """The first event named method from self.events[start:] on."""
        deadline = time.monotonic() + timeout
        i = start
        while True:
            while i < len(self.events):
                if self.events[i]["method"] == method:
                    return self.events[i]
                i += 1
            self._recv(deadline)

    def pump(self, seconds):
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self._recv(deadline)
        except (TimeoutError, websocket.WebSocketTimeoutException):
            pass

    def js(self, expr, timeout=15):
        """The value of expr (promises awaited); raises on exceptions."""
        r = self.call("Runtime.evaluate",
                      {"expression": expr, "returnByValue": True,
                       "awaitPromise": True, "timeout": timeout * 1000},
                      timeout=timeout + 5)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise RuntimeError("JS: %s" % d.get("exception", {}).get(
                "description", d.get("text")))
        return r["result"].get("value")

    def wait_js(self, expr, timeout=10):
        """Poll expr until truthy; its value, or None at the deadline."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = self.js(expr)
            if v:
                return v
            self.pump(0.1)
        return None


def finish(cdp):
    """The session's last check: no JavaScript or console error was seen;
    then the browser is closed."""
    errs = [e["params"] for e in cdp.events
            if e["method"] == "Runtime.exceptionThrown"
            or (e["method"] == "Log.entryAdded"
                and e["params"]["entry"]["level"] == "error")]
    say(not errs, "no JavaScript errors or console errors")
    for e in errs:
        diag(json.dumps(e)[:300])
    try:
        cdp.call("Browser.close", timeout=5)
    except Exception:  # the browser may go before it answers
        pass


def audio(i):
    """JS for the <audio> of track index i."""
    return "document.querySelector('audio[src=\"/stream/%d\"]')" % i


def main():
    port, base, expect_file, artifacts = sys.argv[1:5]
    with open(expect_file, encoding="utf-8") as f:
        expect = json.load(f)
    tracks = expect["tracks"]
    origin = urllib.parse.urlsplit(base)
    origin = "%s://%s" % (origin.scheme, origin.netloc)

    with urllib.request.urlopen("http://127.0.0.1:%s/json" % port,
                                timeout=10) as r:
        targets = json.load(r)
    page = [t for t in targets if t.get("type") == "page"]
    if not page:
        raise RuntimeError("no page target in %r" % targets)
    cdp = CDP(page[0]["webSocketDebuggerUrl"])
    for domain in ("Page", "Network", "Runtime", "Log"):
        cdp.call(domain + ".enable")
    cdp.call("Emulation.setDeviceMetricsOverride",
             {"width": 1280, "height": 900, "deviceScaleFactor": 1,
              "mobile": False})

    # --- load -------------------------------------------------------------
    mark = len(cdp.events)
    nav = cdp.call("Page.navigate", {"url": base + "/"})
    say("errorText" not in nav, "navigate to / (%s)" %
        nav.get("errorText", "ok"))
    cdp.wait_event("Page.loadEventFired", timeout=20, start=mark)
    cdp.pump(1.0)  # late requests (a favicon) show up here

    def responses():
        return [e["params"]["response"] for e in cdp.events
                if e["method"] == "Network.responseReceived"]

    def failures():
        # requests that never got an answer; a media load the browser
        # itself aborted (switching tracks) is not a failure of the server
        return [e["params"] for e in cdp.events
                if e["method"] == "Network.loadingFailed"
                and not e["params"].get("canceled")
                and e["params"].get("errorText") != "net::ERR_ABORTED"]

    load_resp = [r for r in responses() if r["url"].startswith(origin)]
    bad = ["%s %s" % (r["status"], r["url"]) for r in load_resp
           if not 200 <= r["status"] < 300]
    say(not bad and load_resp, "page load: every same-origin request is "
        "2xx (%d requests) %s" % (len(load_resp), " ".join(bad)))
    say(not failures(), "page load: no failed request %s" %
        [f.get("errorText") for f in failures()])
    fav = [r for r in responses() if "favicon" in r["url"]]
    say(not any(r["status"] >= 400 for r in fav),
        "no favicon request fails (%s)" %
        [(r["url"], r["status"]) for r in fav])

    srcs = cdp.js("Array.from(document.querySelectorAll('audio'))"
                  ".map(a => [a.getAttribute('src'), a.preload,"
                  " a.controls])")
    want = [["/stream/%d" % t["index"], "none", True] for t in tracks]
    say(sorted(srcs) == sorted(want), "one <audio controls preload=none "
        "src=/stream/i> per track (%d)" % len(srcs))
    if sorted(srcs) != sorted(want):
        diag("got %r" % srcs)
    dls = cdp.js("Array.from(document.querySelectorAll('a[href*=\"download=1\"]'))"
                 ".map(a => a.getAttribute('href'))")
    say(sorted(dls) == sorted("/stream/%d?download=1" % t["index"]
                              for t in tracks),
        "one download link per track")
    texts = cdp.js("Array.from(document.querySelectorAll('audio'))"
                   ".map(a => [a.getAttribute('src'),"
                   " a.closest('tr').textContent])")
    texts = dict(texts)
    missing = [t["label"] for t in tracks
               if t["label"] not in texts.get("/stream/%d" % t["index"], "")]
    say(not missing, "each row shows its title (or path) %s" % missing)

    # --- every format: the browser reads its duration -------------------
    bad = []
    for t in tracks:
        d = cdp.js("new Promise((ok, no) => { const a = %s;"
                   " if (a.readyState >= 1) return ok(a.duration);"
                   " a.addEventListener('loadedmetadata', () =>"
                   " ok(a.duration), {once: true});"
                   " a.addEventListener('error', () =>"
                   " ok('error ' + (a.error && a.error.code)), {once: true});"
                   " setTimeout(() => ok('timeout'), 8000);"
                   " a.preload = 'metadata'; a.load(); })"
                   % audio(t["index"]), timeout=12)
        if not isinstance(d, (int, float)) or \
                abs(d - t["duration"]) > 0.5:
            bad.append("%s: %s (ffprobe %.2f)" % (t["path"], d,
                                                  t["duration"]))
    say(not bad, "the browser reads every track's duration, within 0.5 s "
        "of ffprobe's %s" % bad)

    # --- play, seek ---------------------------------------------------------
    a, b = expect["first"], expect["second"]
    dur = next(t["duration"] for t in tracks if t["index"] == a)
    r = cdp.js("%s.play().then(() => 'playing', e => String(e))" % audio(a))
    say(r == "playing", "play() on the first track: %s" % r)
    t0 = cdp.wait_js("(() => { const a = %s; return !a.paused &&"
                     " a.currentTime > 0.3 && a.currentTime; })()"
                     % audio(a), timeout=10)
    say(t0, "currentTime advances (%s)" % t0)
    t1 = cdp.wait_js("(() => { const a = %s; return a.currentTime > %f &&"
                     " a.currentTime; })()" % (audio(a), (t0 or 0) + 0.3),
                     timeout=5)
    say(t1, "currentTime keeps advancing (%s -> %s)" % (t0, t1))
    d = cdp.js("%s.duration" % audio(a))
    say(isinstance(d, (int, float)) and abs(d - dur) <= 0.5,
        "audio.duration %s matches ffprobe's %.3f within 0.5 s" % (d, dur))
    say(cdp.js("%s.closest('tr').classList.contains('playing')" % audio(a)),
        "the playing row is highlighted")

    seek = "(target => new Promise(ok => { const a = %s;" \
        " a.addEventListener('seeked', () => ok(a.currentTime)," \
        " {once: true}); setTimeout(() => ok('timeout'), 8000);" \
        " a.currentTime = target; }))(%%f)" % audio(a)
    mid = (d if isinstance(d, (int, float)) else dur) / 2
    got = cdp.js(seek % mid, timeout=12)
    say(isinstance(got, (int, float)) and abs(got - mid) <= 0.5,
        "seek to the middle (%.2f): 'seeked' at %s" % (mid, got))
    cdp.pump(0.7)
    now = cdp.js("[%s.currentTime, %s.paused]" % (audio(a), audio(a)))
    say(not now[1] and mid <= now[0] <= mid + 2.5,
        "playback goes on from the middle (%s)" % now)

    # --- the next track starts when one ends ------------------------------
    got = cdp.js(seek % max(0, (d or dur) - 1.0), timeout=12)
    diag("seeked track %d to %s, waiting for track %d" % (a, got, b))
    nxt = cdp.wait_js("(() => { const b = %s; return !b.paused &&"
                      " b.currentTime > 0.2 && b.currentTime; })()"
                      % audio(b), timeout=10)
    say(nxt, "when track %d ends, track %d (next on the page) plays (%s)"
        % (a, b, nxt))
    say(cdp.js("%s.ended || %s.paused" % (audio(a), audio(a))),
        "the ended track stopped")
    say(cdp.js("%s.closest('tr').classList.contains('playing') && "
               "!%s.closest('tr').classList.contains('playing')"
               % (audio(b), audio(a))),
        "the highlight moved to the next row")
    cdp.js("document.querySelectorAll('audio')"
           ".forEach(a => a.pause())")

    # --- search ---------------------------------------------------------
    def visible():
        return sorted(cdp.js(
            "Array.from(document.querySelectorAll('audio'))"
            ".filter(a => a.closest('tr').offsetParent !== null)"
            ".map(a => +a.getAttribute('src').split('/')[2])"))

    everyone = sorted(t["index"] for t in tracks)

    def search(text):
        cdp.js("(q => { q.value = ''; q.dispatchEvent(new Event('input'));"
               " q.focus(); })(document.getElementById('q'))")
        cdp.call("Input.insertText", {"text": text})
        cdp.pump(0.3)
        heads = cdp.js("Array.from(document.querySelectorAll('tr'))"
                       ".filter(r => !r.querySelector('audio') &&"
                       " r.closest('tbody') && r.offsetParent !== null)"
                       ".map(r => r.textContent)")
        return visible(), heads

    for what, text, matches, groups in expect["searches"]:
        v, heads = search(text)
        say(v == sorted(matches), "search by %s: typing %r shows only the "
            "matching rows (%s, want %s)" % (what, text, v, sorted(matches)))
        say(len(heads) == groups, "search by %s: only the headings of "
            "groups with a match show (%r, want %d)" % (what, heads, groups))
    cdp.js("(q => { q.value = 'no such thing at all';"
           " q.dispatchEvent(new Event('input')); })"
           "(document.getElementById('q'))")
    say(visible() == [], "a query that matches nothing hides every row")
    cdp.js("(q => { q.value = ''; q.dispatchEvent(new Event('input')); })"
           "(document.getElementById('q'))")
    say(visible() == everyone, "an empty search shows every row again")

    # --- screenshots and layout -------------------------------------------
    os.makedirs(artifacts, exist_ok=True)

    def capture():
        r = cdp.call("Page.captureScreenshot",
                     {"format": "png", "captureBeyondViewport": True},
                     timeout=20)
        return base64.b64decode(r["data"])

    def png_size(png):
        """(width, height) from a PNG's IHDR; None if it is not a PNG."""
        if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
            return None
        return (int.from_bytes(png[16:20], "big"),
                int.from_bytes(png[20:24], "big"))

    def shot(name, what):
        """Save a screenshot as name and check it: a PNG as wide as the
        viewport in device pixels, at least as tall, and showing the page:
        the same capture with the page hidden (background only) must differ
        and compress to less than half its size."""
        png = capture()
        with open(os.path.join(artifacts, name), "wb") as f:
            f.write(png)
        vw, vh, dpr = cdp.js("[window.innerWidth, window.innerHeight,"
                             " window.devicePixelRatio]")
        dims = png_size(png)
        want_w = round(vw * dpr)
        say(dims is not None and dims[0] == want_w
            and dims[1] >= round(vh * dpr), "%s screenshot: a PNG of the "
            "viewport's width in device pixels, %s (want %d wide, >= %d)"
            % (what, dims, want_w, round(vh * dpr)))
        cdp.js("document.documentElement.style.visibility = 'hidden'")
        cdp.pump(0.2)
        blank = capture()
        cdp.js("document.documentElement.style.visibility = ''")
        cdp.pump(0.2)
        say(png != blank and len(blank) * 2 < len(png), "%s screenshot "
            "shows the page: %d bytes, %d with the page hidden; saved as "
            "%s/%s" % (what, len(png), len(blank), artifacts, name))

    cdp.js("window.scrollTo(0, 0)")
    shot("page.png", "desktop")
    cdp.call("Emulation.setDeviceMetricsOverride",
             {"width": 390, "height": 844, "deviceScaleFactor": 2,
              "mobile": True})
    cdp.pump(0.5)
    w = cdp.js("[document.documentElement.scrollWidth, window.innerWidth]")
    say(w[0] <= w[1], "phone width (390 px): no sideways scrolling "
        "(page %s px wide)" % w[0])
    sizes = cdp.js(
        "Array.from(document.querySelectorAll('audio, a[href*=\"download=1\"], #q'))"
        ".filter(e => e.offsetParent !== null)"
        ".map(e => [e.tagName, e.getBoundingClientRect().width,"
        " e.getBoundingClientRect().height])")
    # Chromium's <audio controls> drops its play button below ~100 px.
    players = [round(w) for tag, w, h in sizes if tag == "AUDIO"]
    say(players and min(players) >= 120, "phone width: every player is "
        "wide enough to show its play button (>= 120 px; widths %s)"
        % sorted(set(players)))
    box = [(round(w), round(h)) for tag, w, h in sizes if tag == "INPUT"]
    say(box and box[0][0] >= 200 and box[0][1] >= 24, "phone width: the "
        "search box is at least 200 x 24 px %s" % box)
    diag("phone width: download links %s px" % sorted(set(
        (round(w), round(h)) for tag, w, h in sizes if tag == "A")))
    shot("page-phone.png", "phone")

    # --- over the whole session ---------------------------------------------
    cdp.pump(0.3)
    bad = ["%s %s" % (r["status"], r["url"]) for r in responses()
           if r["url"].startswith(origin)
           and r["status"] not in (200, 206, 304)]
    say(not bad, "whole session: every same-origin answer is 200/206/304 %s"
        % bad)
    media = [r for r in responses() if "/stream/" in r["url"]]
    say(media and all(r["status"] == 206 for r in media),
        "the player's stream requests got 206 (%d)" % len(media))
    finish(cdp)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a broken session: page.sh reports it
        diag("page.py: %s: %s" % (type(e).__name__, e))
        sys.exit(1)
