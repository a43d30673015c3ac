"""page_art.py: the album pictures on as_server's page, in headless
Chromium over the DevTools protocol (the session of tests/page.py). Run by
tests/page-art.sh, never on its own.

    page_art.py DEVTOOLS_PORT SERVER_URL EXPECT_JSON ARTIFACT_DIR

EXPECT_JSON: {"pictures": [{"index": i, "w": px, "h": px}, ...] (the
track whose picture heads each group, and the size /art/i?size=96 has),
"none": the index of a track whose folder has no picture}.

Prints "ok 0 NAME" (pass) or "ok 1 NAME" (fail) per check and "# ..."
diagnostics, as page.py does. Every wait has a deadline.
"""
import base64
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from page import CDP, diag, finish, say  # noqa: E402  (tests/page.py)

IMGS = ("Array.from(document.querySelectorAll('tr.g img'))"
        ".map(i => ({src: i.getAttribute('src'), complete: i.complete,"
        " w: i.naturalWidth, h: i.naturalHeight, loading: i.loading,"
        " box: [i.getBoundingClientRect().width,"
        " i.getBoundingClientRect().height]}))")

# The heading row (tr.g) of the group of track i's row.
HEADING = ("(() => { let r = document.querySelector("
           "'audio[src=\"/stream/%d\"]').closest('tr');"
           " while (r && !r.classList.contains('g'))"
           " r = r.previousElementSibling;"
           " return r && [r.textContent, r.querySelectorAll('img').length];"
           " })()")


def main():
    port, base, expect_file, artifacts = sys.argv[1:5]
    with open(expect_file, encoding="utf-8") as f:
        expect = json.load(f)
    want = {"/art/%d?size=96" % p["index"]: (p["w"], p["h"])
            for p in expect["pictures"]}

    with urllib.request.urlopen("http://127.0.0.1:%s/json" % port,
                                timeout=10) as r:
        page = [t for t in json.load(r) if t.get("type") == "page"]
    if not page:
        raise RuntimeError("no page target")
    cdp = CDP(page[0]["webSocketDebuggerUrl"])
    for domain in ("Page", "Network", "Runtime", "Log"):
        cdp.call(domain + ".enable")
    cdp.call("Emulation.setDeviceMetricsOverride",
             {"width": 1280, "height": 900, "deviceScaleFactor": 1,
              "mobile": False})
    mark = len(cdp.events)
    nav = cdp.call("Page.navigate", {"url": base + "/"})
    say("errorText" not in nav, "navigate to / (%s)" %
        nav.get("errorText", "ok"))
    cdp.wait_event("Page.loadEventFired", timeout=20, start=mark)

    # Lazy pictures load once near the viewport: scroll through the page.
    cdp.js("window.scrollTo(0, document.body.scrollHeight)")
    cdp.pump(0.2)
    cdp.js("window.scrollTo(0, 0)")
    done = cdp.wait_js("(() => { const a = %s; return a.length > 0 &&"
                       " a.every(i => i.complete) && a; })()" % IMGS,
                       timeout=15)
    imgs = done or cdp.js(IMGS)
    say(done, "every picture on the page finished loading within 15 s")
    srcs = sorted(i["src"] for i in imgs)
    say(srcs == sorted(want), "one picture per group that has one, from "
        "/art/<index>?size=96 (%s, want %s)" % (srcs, sorted(want)))
    bad = [i for i in imgs if i["w"] <= 0]
    say(imgs and not bad, "every picture loads: naturalWidth > 0 %s"
        % [i["src"] for i in bad])
    bad = ["%s %sx%s" % (i["src"], i["w"], i["h"]) for i in imgs
           if (i["w"], i["h"]) != tuple(want.get(i["src"], (0, 0)))]
    say(imgs and not bad, "each picture has the size ?size=96 scales its "
        "image to, never enlarged %s" % bad)
    bad = ["%s %s" % (i["src"], i["box"]) for i in imgs
           if [round(x) for x in i["box"]] != [48, 48]]
    say(imgs and not bad, "each is shown in a 48x48 box %s" % bad)
    say(imgs and all(i["loading"] == "lazy" for i in imgs),
        "each is loaded lazily")

    none = expect["none"]
    head = cdp.js(HEADING % none)
    say(head is not None and head[1] == 0, "the group of the track "
        "without art shows no picture (%r)" % head)
    cdp.pump(0.5)
    responses = [e["params"]["response"] for e in cdp.events
                 if e["method"] == "Network.responseReceived"]
    art = [r for r in responses if "/art/" in r["url"]]
    asked = [r["url"] for r in art if "/art/%d?" % none in r["url"] or
             r["url"].endswith("/art/%d" % none)]
    say(not asked, "nothing asks for the picture of the track without "
        "art %s" % asked)
    bad = ["%s %s %s" % (r["status"], r["mimeType"], r["url"]) for r in art
           if r["status"] != 200 or r["mimeType"] != "image/jpeg"]
    say(art and not bad, "every /art answer is a 200 JPEG (%d) %s"
        % (len(art), bad))
    failed = [e["params"].get("errorText") for e in cdp.events
              if e["method"] == "Network.loadingFailed"]
    say(not failed, "no request failed %s" % failed)

    os.makedirs(artifacts, exist_ok=True)
    shot = cdp.call("Page.captureScreenshot", {"format": "png"},
                    timeout=20)
    png = base64.b64decode(shot["data"])
    with open(os.path.join(artifacts, "page-art.png"), "wb") as f:
        f.write(png)
    say(png[:8] == b"\x89PNG\r\n\x1a\n", "screenshot saved as %s/"
        "page-art.png (%d bytes)" % (artifacts, len(png)))
    finish(cdp)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a broken session: page-art.sh reports it
        diag("page_art.py: %s: %s" % (type(e).__name__, e))
        sys.exit(1)
