#!/usr/bin/env python3
"""tests/rest/check.py URL XSD USER PASSWORD OTHER_USER OTHER_PASSWORD PHASE

Drives the Subsonic API of a running as_server (started by tests/rest.sh
on a small tagged library) and prints one result line per check: "0 NAME"
(pass) or "1 NAME" (fail), "# ..." for details. Every XML answer is
validated against our copy of the API's schema with xmllint.

PHASE "main" runs every method; "restart" checks what must survive a
restart (stars, ratings, plays, playlists made in "main").
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

URL, XSD, USER, PASSWORD, OTHER, OTHER_PW, PHASE = sys.argv[1:8]
NS = "{http://subsonic.org/restapi}"
failed = 0


def result(ok, name, detail=None):
    global failed
    print("%d %s" % (0 if ok else 1, name))
    if not ok:
        failed += 1
        if detail:
            for line in str(detail).splitlines()[:20]:
                print("#   " + line)
    sys.stdout.flush()


def auth(user=USER, password=PASSWORD, salt="c19b2d"):
    token = hashlib.md5((password + salt).encode()).hexdigest()
    return {"u": user, "t": token, "s": salt, "v": "1.16.1", "c": "check"}


def call(method, params=None, how="get", fmt=None, creds=None, raw=False):
    """(status, headers, body bytes) of one API call."""
    q = list((creds if creds is not None else auth()).items())
    for k, v in (params or {}).items():
        for x in v if isinstance(v, list) else [v]:
            q.append((k, str(x)))
    if fmt:
        q.append(("f", fmt))
    data = None
    url = URL + "/rest/" + method
    if how == "post":
        data = urllib.parse.urlencode(q).encode()
    else:
        url += "?" + urllib.parse.urlencode(q)
    req = urllib.request.Request(url, data=data)
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def valid_xml(body):
    """None when body validates against the schema, else xmllint's words."""
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as f:
        f.write(body)
        name = f.name
    try:
        p = subprocess.run(["xmllint", "--noout", "--schema", XSD, name],
                           capture_output=True, timeout=30)
        return None if p.returncode == 0 else p.stderr.decode(errors="replace")
    finally:
        os.unlink(name)


# --- JSON: the XML answer, converted by the schema's rules ---------------
XS = "{http://www.w3.org/2001/XMLSchema}"
SCHEMA = {t.get("name"): t for t in
          ET.parse(XSD).getroot().findall(XS + "complexType")}
# simple types: the xs: type each restricts
SIMPLE = {t.get("name"): t.find(XS + "restriction").get("base") for t in
          ET.parse(XSD).getroot().findall(XS + "simpleType")}
# Calls whose answer changes from one call to the next, or that change the
# state (unless they fail): their JSON form is not compared to the XML's.
UNREPEATABLE = {"getRandomSongs", "createPlaylist", "updatePlaylist",
                "deletePlaylist", "star", "unstar", "setRating", "scrobble"}


def schema_type(name):
    """(attributes {name: type}, child elements {name: (type, repeated)},
    has text) of the schema's complex type name, its base's included."""
    ct = SCHEMA[name]
    attrs, elems = {}, {}
    body = ct
    ext = ct.find(XS + "complexContent/" + XS + "extension")
    if ext is not None:
        attrs, elems, _ = schema_type(ext.get("base").split(":")[1])
        body = ext
    for a in body.iter(XS + "attribute"):
        attrs[a.get("name")] = a.get("type")
    for e in body.iter(XS + "element"):
        elems[e.get("name")] = (e.get("type"),
                                e.get("maxOccurs") == "unbounded")
    return attrs, elems, ct.get("mixed") == "true"


def typed(v, t):
    while t.startswith("sub:"):
        t = SIMPLE[t[4:]]
    if t in ("xs:int", "xs:long"):
        return int(v)
    if t == "xs:boolean":
        return v == "true"
    return v


def to_json(el, name):
    """The API's JSON form of el, an element of complex type name: members
    for attributes (typed), arrays for repeatable elements, "value" for
    text."""
    attrs, elems, mixed = schema_type(name)
    out = {k: typed(v, attrs.get(k, "xs:string"))
           for k, v in el.attrib.items()}
    for child in el:
        tag = child.tag[len(NS):]
        t, many = elems[tag]
        v = (typed(child.text or "", t) if t.startswith("xs:")
             else to_json(child, t.split(":")[1]))
        if many:
            out.setdefault(tag, []).append(v)
        else:
            out[tag] = v
    if mixed and (el.text or "").strip():
        out["value"] = el.text
    return out


def drop_empty(v):
    """v without its empty arrays (XML cannot show them)."""
    if isinstance(v, dict):
        return {k: drop_empty(x) for k, x in v.items() if x != []}
    if isinstance(v, list):
        return [drop_empty(x) for x in v]
    return v


def first_difference(a, b, path="$"):
    """Where a and b first differ, as "path: a != b", or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            d = first_difference(a.get(k), b.get(k), path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r != %r" % (path, a, b)


def same_as_json(method, params, name, how, creds, root):
    """Check that the JSON answer is the XML one in the API's JSON form."""
    status, headers, body = call(method, params, how, fmt="json",
                                 creds=creds)
    try:
        got = json.loads(body)["subsonic-response"]
    except (ValueError, KeyError):
        got = body[:300]
    want = to_json(root, "Response")
    ok = drop_empty(got) == want and \
        headers.get("Content-Type", "").startswith("application/json")
    result(ok, name + ": the JSON answer is the XML one",
           "%s (JSON, then XML); %s" % (
               first_difference(drop_empty(got), want),
               headers.get("Content-Type")))


def xml(method, params=None, name=None, how="get", want="ok", creds=None):
    """Call method as XML; check HTTP 200, the schema and the status; and
    the JSON answer the same (for a call that can be repeated)."""
    name = name or method
    status, headers, body = call(method, params, how, creds=creds)
    why = valid_xml(body) if status == 200 else "HTTP %d" % status
    result(why is None, name + ": valid against the schema", why)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        result(False, name + ": parses", e)
        return None
    got = root.get("status")
    result(got == want, "%s: status %s" % (name, want),
           body.decode(errors="replace")[:400])
    bare = method[:-5] if method.endswith(".view") else method
    if got == "failed" or (bare not in UNREPEATABLE and
                           (params or {}).get("type") != "random"):
        same_as_json(method, params, name, how, creds, root)
    return root


def jcall(method, params=None, how="get", creds=None):
    status, headers, body = call(method, params, how, fmt="json",
                                 creds=creds)
    try:
        return json.loads(body)["subsonic-response"]
    except (ValueError, KeyError) as e:
        result(False, method + ": JSON answer", body[:300])
        return {}


def error_code(root):
    e = root.find(NS + "error") if root is not None else None
    return int(e.get("code")) if e is not None else None


def expect_error(method, params, code, name, creds=None, how="get"):
    root = xml(method, params, name, how=how, want="failed", creds=creds)
    got = error_code(root)
    result(got == code, "%s: error code %s" % (name, code), "got %s" % got)
    return root


def find_all(root, path):
    """root's descendants along path ("a/b"), in the API's namespace."""
    if root is None:
        return []
    return root.findall("/".join(NS + p for p in path.split("/")))


# --- authentication -------------------------------------------------------
def check_auth():
    xml("ping")
    xml("ping.view", name="ping.view")
    xml("ping", how="post", name="ping as a form POST")
    plain = {"u": USER, "p": PASSWORD, "v": "1.16.1", "c": "check"}
    xml("ping", creds=plain, name="ping with a plain password")
    enc = dict(plain, p="enc:" + PASSWORD.encode().hex())
    xml("ping", creds=enc, name="ping with enc: hex")
    expect_error("ping", {}, 40, "wrong token",
                 creds=auth(password="wrong-secret-42"))
    expect_error("ping", {}, 40, "wrong password",
                 creds=dict(plain, p="wrong-secret-42"))
    expect_error("ping", {}, 40, "unknown user",
                 creds=dict(plain, u="mallory"))
    expect_error("ping", {}, 10, "no u",
                 creds={"p": PASSWORD, "v": "1.16.1", "c": "x"})
    expect_error("ping", {}, 10, "no v",
                 creds={"u": USER, "p": PASSWORD, "c": "x"})
    expect_error("ping", {}, 10, "no c",
                 creds={"u": USER, "p": PASSWORD, "v": "1.16.1"})
    expect_error("ping", {}, 10, "a token without its salt",
                 creds={k: v for k, v in auth().items() if k != "s"})
    status, headers, body = call("ping")
    result(headers.get("Cache-Control") == "private",
           "answers are Cache-Control: private", headers.get("Cache-Control"))
    result(headers.get("Content-Type", "").startswith("text/xml"),
           "XML by default", headers.get("Content-Type"))
    r = jcall("ping")
    result(r.get("status") == "ok" and r.get("version") == "1.16.1" and
           r.get("type") == "as" and r.get("openSubsonic") is True and
           isinstance(r.get("serverVersion"), str),
           "JSON ping: typed attributes", r)
    status, headers, body = call("ping", {"callback": "cb"}, fmt="jsonp")
    result(body.startswith(b"cb({") and body.rstrip().endswith(b");"),
           "JSONP wraps the answer in the callback", body[:80])
    expect_error("noSuchMethod", {}, 70, "an unknown method")


# --- browsing ---------------------------------------------------------------
def check_browse(lib):
    xml("getLicense")
    root = xml("getOpenSubsonicExtensions")
    r = jcall("getOpenSubsonicExtensions")
    result(isinstance(r.get("openSubsonicExtensions"), list),
           "openSubsonicExtensions is an array in JSON", r)
    xml("getMusicFolders")
    root = xml("getIndexes")
    names = [a.get("name") for a in find_all(root, "indexes/index/artist")]
    result("Alpha Band" in names and "The Zeta" in names and
           "[Unknown Artist]" in names, "getIndexes lists the artists",
           names)
    root = xml("getArtists")
    idx = {i.get("name"): [a.get("name") for a in i.findall(NS + "artist")]
           for i in find_all(root, "artists/index")}
    result(idx.get("Z") == ["The Zeta"] and "Alpha Band" in idx.get("A", []),
           "getArtists groups by initial past 'The'", idx)
    r = jcall("getArtists")
    a = r["artists"]["index"][0]["artist"][0]
    result(isinstance(r["artists"]["index"], list) and
           isinstance(a["albumCount"], int), "getArtists JSON: arrays, "
           "integer albumCount", a)
    artists = {a["name"]: a for i in r["artists"]["index"]
               for a in i["artist"]}
    alpha = artists["Alpha Band"]["id"]
    root = xml("getArtist", {"id": alpha})
    albums = find_all(root, "artist/album")
    result([x.get("name") for x in albums] == ["First Light"],
           "getArtist: the artist's albums", [x.get("name") for x in albums])
    album = albums[0].get("id")
    lib["album"] = album
    lib["artist"] = alpha
    root = xml("getAlbum", {"id": album})
    songs = find_all(root, "album/song")
    result([s.get("title") for s in songs] == ["Dawn", "Rock & <Roll>"],
           "getAlbum: songs in track order, titles unescaped right",
           [s.get("title") for s in songs])
    s = songs[0]
    want = {"album": "First Light", "artist": "Alpha Band", "track": "1",
            "year": "2001", "genre": "Rock", "suffix": "mp3",
            "contentType": "audio/mpeg", "type": "music", "isDir": "false",
            "albumId": album, "artistId": alpha, "parent": album,
            "path": "Alpha Band/First Light/01 Dawn.mp3"}
    bad = {k: (s.get(k), v) for k, v in want.items() if s.get(k) != v}
    result(not bad, "a song's fields", bad)
    result(all(s.get(k) is not None for k in
               ("id", "size", "duration", "bitRate", "coverArt", "created")),
           "a song has id, size, duration, bitRate, coverArt, created",
           s.attrib)
    lib["song"] = s.get("id")
    lib["song2"] = songs[1].get("id")
    lib["size"] = int(s.get("size"))
    r = jcall("getAlbum", {"id": album})
    js = r["album"]["song"][0]
    result(isinstance(js["duration"], int) and isinstance(js["size"], int)
           and js["isDir"] is False and isinstance(js["year"], int),
           "getAlbum JSON: numbers and booleans typed", js)
    root = xml("getSong", {"id": lib["song"]})
    result(root.find(NS + "song").get("title") == "Dawn", "getSong")
    root = xml("getMusicDirectory", {"id": alpha}, "getMusicDirectory "
               "(artist)")
    kids = find_all(root, "directory/child")
    result(len(kids) == 1 and kids[0].get("isDir") == "true",
           "an artist folder holds its albums", [k.attrib for k in kids])
    root = xml("getMusicDirectory", {"id": album}, "getMusicDirectory "
               "(album)")
    result(len(find_all(root, "directory/child")) == 2,
           "an album folder holds its songs")
    root = xml("getGenres")
    g = {x.text: x.get("songCount") for x in find_all(root, "genres/genre")}
    result(g.get("Rock") == "2" and g.get("Jazz") == "1", "getGenres", g)
    expect_error("getAlbum", {}, 10, "getAlbum without id")
    expect_error("getAlbum", {"id": "al-0000000000000000"}, 70,
                 "getAlbum of an unknown id")
    expect_error("getSong", {"id": alpha}, 70, "getSong of an artist id")
    expect_error("getMusicDirectory", {"id": "nope"}, 70,
                 "getMusicDirectory of an unknown id")


# --- lists and search -------------------------------------------------------
def check_lists(lib):
    for t in ("random", "newest", "frequent", "recent", "starred",
              "alphabeticalByName", "alphabeticalByArtist"):
        xml("getAlbumList", {"type": t}, "getAlbumList " + t)
        xml("getAlbumList2", {"type": t}, "getAlbumList2 " + t)
    root = xml("getAlbumList2", {"type": "byYear", "fromYear": 1990,
                                 "toYear": 2000}, "getAlbumList2 byYear")
    result([a.get("name") for a in find_all(root, "albumList2/album")] ==
           ["Late"], "byYear keeps the years asked for")
    root = xml("getAlbumList2", {"type": "byGenre", "genre": "Rock"},
               "getAlbumList2 byGenre")
    result([a.get("name") for a in find_all(root, "albumList2/album")] ==
           ["First Light"], "byGenre keeps the genre asked for")
    root = xml("getAlbumList2", {"type": "alphabeticalByName", "size": 1,
                                 "offset": 1}, "getAlbumList2 size/offset")
    result(len(find_all(root, "albumList2/album")) == 1, "size and offset")
    expect_error("getAlbumList2", {"type": "bogus"}, 0, "an unknown type")
    expect_error("getAlbumList2", {}, 10, "getAlbumList2 without type")
    expect_error("getAlbumList2", {"type": "newest", "size": "x"}, 0,
                 "a size that is not a number")
    root = xml("getRandomSongs", {"size": 3})
    result(len(find_all(root, "randomSongs/song")) == 3, "getRandomSongs "
           "size")
    root = xml("getSongsByGenre", {"genre": "Rock"})
    result(len(find_all(root, "songsByGenre/song")) == 2, "getSongsByGenre")
    root = xml("search2", {"query": "dawn"})
    result([s.get("title") for s in find_all(root, "searchResult2/song")] ==
           ["Dawn"], "search2 finds a title")
    root = xml("search3", {"query": "zeta"})
    result([a.get("name") for a in find_all(root, "searchResult3/artist")]
           == ["The Zeta"], "search3 finds an artist")
    root = xml("search3", {"query": "alpha light"}, "search3 two words")
    result(len(find_all(root, "searchResult3/album")) == 1,
           "search3: every word must match")
    seen = []
    for off in range(0, 10, 2):
        root = xml("search3", {"query": "", "songCount": 2,
                               "songOffset": off, "artistCount": 0,
                               "albumCount": 0}, "search3 page %d" % off)
        seen += [s.get("id") for s in find_all(root, "searchResult3/song")]
    result(len(seen) == lib["tracks"] and len(set(seen)) == len(seen),
           "search3 with an empty query pages through every song",
           "%d of %d" % (len(seen), lib["tracks"]))
    root = xml("search3", {"query": '""'}, "search3 query \"\"")
    result(len(find_all(root, "searchResult3/song")) == lib["tracks"],
           "search3 query \"\" lists everything")


# --- the user's own state ---------------------------------------------------
def check_annotations(lib):
    xml("star", {"id": lib["song"], "albumId": lib["album"],
                 "artistId": lib["artist"]})
    root = xml("getStarred2")
    result(len(find_all(root, "starred2/song")) == 1 and
           len(find_all(root, "starred2/album")) == 1 and
           len(find_all(root, "starred2/artist")) == 1,
           "getStarred2 has the starred song, album and artist")
    root = xml("getStarred")
    result(len(find_all(root, "starred/song")) == 1, "getStarred")
    other = auth(OTHER, OTHER_PW)
    root = xml("getStarred2", creds=other, name="getStarred2 of another "
               "user")
    result(len(find_all(root, "starred2/song")) == 0,
           "stars are per user")
    root = xml("getSong", {"id": lib["song"]}, "getSong after star")
    result(root.find(NS + "song").get("starred") is not None,
           "a starred song says when")
    xml("star", {"id": lib["song2"]}, "star a second song")
    xml("unstar", {"id": lib["song2"]})
    root = xml("getStarred2", name="getStarred2 after unstar")
    result(len(find_all(root, "starred2/song")) == 1, "unstar")
    expect_error("star", {}, 10, "star without an id")
    expect_error("star", {"id": "tr-0000000000000000"}, 70,
                 "star of an unknown id")
    xml("setRating", {"id": lib["song"], "rating": 4})
    root = xml("getSong", {"id": lib["song"]}, "getSong after setRating")
    result(root.find(NS + "song").get("userRating") == "4", "userRating")
    expect_error("setRating", {"id": lib["song"], "rating": 6}, 0,
                 "a rating past 5")
    xml("scrobble", {"id": lib["song"], "submission": "false"},
        "scrobble (now playing)")
    root = xml("getSong", {"id": lib["song"]}, "getSong after now playing")
    result(root.find(NS + "song").get("playCount") == "0",
           "now playing counts no play")
    xml("scrobble", {"id": lib["song"]}, "scrobble (submission)")
    root = xml("getSong", {"id": lib["song"]}, "getSong after scrobble")
    result(root.find(NS + "song").get("playCount") == "1",
           "a submission counts a play")
    root = xml("getAlbumList2", {"type": "frequent"},
               "getAlbumList2 frequent after a play")
    result([a.get("id") for a in find_all(root, "albumList2/album")] ==
           [lib["album"]], "frequent lists the played album")
    root = xml("getAlbumList2", {"type": "starred"},
               "getAlbumList2 starred after star")
    result([a.get("id") for a in find_all(root, "albumList2/album")] ==
           [lib["album"]], "starred lists the starred album")


def check_playlists(lib):
    root = xml("createPlaylist", {"name": "Road & trip",
                                  "songId": [lib["song"], lib["song2"]]})
    pl = root.find(NS + "playlist")
    pid = pl.get("id")
    result(pl.get("name") == "Road & trip" and pl.get("songCount") == "2"
           and pl.get("owner") == USER, "createPlaylist answers the list",
           pl.attrib)
    lib["playlist"] = pid
    xml("updatePlaylist", {"playlistId": pid, "songIndexToRemove": 0,
                           "songIdToAdd": lib["song"], "name": "Road",
                           "comment": "summer"}, how="post")
    root = xml("getPlaylist", {"id": pid})
    ids = [e.get("id") for e in find_all(root, "playlist/entry")]
    result(ids == [lib["song2"], lib["song"]], "updatePlaylist removes and "
           "adds in order", ids)
    result(root.find(NS + "playlist").get("comment") == "summer",
           "updatePlaylist sets the comment")
    root = xml("getPlaylists")
    result([p.get("name") for p in find_all(root, "playlists/playlist")] ==
           ["Road"], "getPlaylists")
    other = auth(OTHER, OTHER_PW)
    root = xml("getPlaylists", creds=other, name="getPlaylists of another "
               "user")
    result(find_all(root, "playlists/playlist") == [],
           "a private playlist is not shown to others")
    expect_error("deletePlaylist", {"id": pid}, 70, "another user cannot "
                 "delete a private playlist", creds=other)
    xml("updatePlaylist", {"playlistId": pid, "public": "true"},
        "make the playlist public")
    expect_error("deletePlaylist", {"id": pid}, 50, "another user cannot "
                 "delete a public playlist", creds=other)
    root = xml("createPlaylist", {"name": "Gone"}, "createPlaylist empty")
    gone = root.find(NS + "playlist").get("id")
    xml("deletePlaylist", {"id": gone})
    expect_error("getPlaylist", {"id": gone}, 70, "a deleted playlist")
    expect_error("createPlaylist", {"songId": lib["song"]}, 10,
                 "createPlaylist without name or playlistId")
    expect_error("createPlaylist", {"name": "x", "songId": "tr-nope"}, 70,
                 "createPlaylist with an unknown song")


def check_media(lib, path):
    status, headers, body = call("stream", {"id": lib["song"]})
    with open(path, "rb") as f:
        want = f.read()
    result(status == 200 and body == want, "stream: the file's bytes",
           "%d, %d bytes" % (status, len(body)))
    req = urllib.request.Request(URL + "/rest/stream.view?" +
                                 urllib.parse.urlencode(
                                     dict(auth(), id=lib["song"])))
    req.add_header("Range", "bytes=10-19")
    with urllib.request.urlopen(req, timeout=20) as r:
        result(r.status == 206 and r.read() == want[10:20],
               "stream: a range")
    status, headers, body = call("download", {"id": lib["song"]})
    result(status == 200 and body == want and "attachment" in
           headers.get("Content-Disposition", ""), "download")
    status, headers, body = call("stream", {"id": lib["song"],
                                            "maxBitRate": 320,
                                            "format": "mp3"})
    result(status == 200 and body == want, "stream: an mp3 that fits "
           "maxBitRate is sent as it is")
    status, headers, body = call("stream", {"id": lib["song"],
                                            "maxBitRate": 8,
                                            "format": "mp3"})
    result(status == 200 and headers.get("Content-Type") == "audio/mpeg"
           and headers.get("Accept-Ranges") == "none" and body != want,
           "stream: maxBitRate below the file's transcodes")
    expect_error("stream", {"id": "tr-0000000000000000"}, 70,
                 "stream of an unknown id")
    expect_error("stream", {}, 10, "stream without id")
    expect_error("getCoverArt", {"id": lib["album"]}, 70,
                 "getCoverArt of an album without a picture")
    expect_error("getCoverArt", {}, 10, "getCoverArt without id")


def picture_size(body):
    """(width, height) of a PNG or baseline/progressive JPEG, else None."""
    if body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR":
        return (int.from_bytes(body[16:20], "big"),
                int.from_bytes(body[20:24], "big"))
    i = 2
    while body[:2] == b"\xff\xd8" and i + 9 < len(body):
        if body[i] != 0xFF:
            return None
        marker, n = body[i + 1], int.from_bytes(body[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return (int.from_bytes(body[i + 7:i + 9], "big"),
                    int.from_bytes(body[i + 5:i + 7], "big"))
        i += 2 + n
    return None


def check_cover_art(lib, cover, track_path):
    """getCoverArt answers the picture of the album in cover's folder,
    scaled with size, with the same bytes and ETag as /art/<index>."""
    with open(cover, "rb") as f:
        want = f.read()
    r = jcall("search3", {"query": "Dusk"})
    song = r["searchResult3"]["song"][0]
    with urllib.request.urlopen(URL + "/list", timeout=20) as resp:
        index = [ln.split(":", 1)[0] for ln in resp.read().decode()
                 .splitlines() if ln.split(":", 1)[1:] == [track_path]]
    ids = {"album": song["coverArt"], "song": song["id"],
           "artist": song["artistId"]}
    for kind, cid in ids.items():
        status, headers, body = call("getCoverArt", {"id": cid})
        result(status == 200 and body == want and
               headers.get("Content-Type") == "image/png",
               "getCoverArt of a%s %s: the picture's own bytes" %
               ("n" if kind[0] in "a" else "", kind),
               "%d %s, %d bytes" % (status, headers.get("Content-Type"),
                                    len(body)))
    status, headers, body = call("getCoverArt.view",
                                 {"id": ids["album"], "size": 100})
    result(status == 200 and headers.get("Content-Type") == "image/jpeg" and
           picture_size(body) == (100, 75),
           "getCoverArt size=100: a JPEG of 100x75",
           "%d %s %s" % (status, headers.get("Content-Type"),
                         picture_size(body)))
    result(len(index) == 1, "the track is in /list", index)
    if index:
        with urllib.request.urlopen("%s/art/%s?size=100" % (URL, index[0]),
                                    timeout=20) as resp:
            art, art_etag = resp.read(), resp.headers.get("ETag")
        result(art == body and art_etag == headers.get("ETag") and
               art_etag, "getCoverArt answers what /art/<index> does, "
               "ETag included", "%s %s" % (art_etag, headers.get("ETag")))
    req = urllib.request.Request(URL + "/rest/getCoverArt?" +
                                 urllib.parse.urlencode(
                                     dict(auth(), id=ids["album"],
                                          size=100)))
    req.add_header("If-None-Match", headers.get("ETag") or "x")
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            got = resp.status
    except urllib.error.HTTPError as e:
        got = e.code
    result(got == 304, "getCoverArt: 304 for its ETag", got)
    status, headers, body = call("getCoverArt", {"id": ids["album"],
                                                 "size": 5000})
    result(status == 200 and picture_size(body) == (400, 300),
           "getCoverArt size=5000: never enlarged", picture_size(body))
    status, headers, body = call("getCoverArt", {"id": ids["album"],
                                                 "size": 8})
    result(status == 200 and picture_size(body) == (16, 12),
           "getCoverArt size=8: the smallest size, 16", picture_size(body))
    expect_error("getCoverArt", {"id": ids["album"], "size": "big"}, 0,
                 "getCoverArt with a size that is no number")
    expect_error("getCoverArt", {"id": "al-0000000000000000"}, 70,
                 "getCoverArt of an unknown id")
    r = jcall("getCoverArt", {"id": "nope"})
    result(r.get("status") == "failed" and r["error"]["code"] == 70,
           "getCoverArt JSON error", r)


def check_user():
    root = xml("getUser", {"username": USER})
    u = root.find(NS + "user")
    result(u.get("username") == USER and u.get("streamRole") == "true",
           "getUser: the caller", u.attrib)
    expect_error("getUser", {"username": OTHER}, 50, "getUser of another "
                 "user")


def check_restart(lib):
    root = xml("getStarred2", name="getStarred2 after a restart")
    result(len(find_all(root, "starred2/song")) == 1,
           "stars survive a restart")
    root = xml("getSong", {"id": lib["song"]}, "getSong after a restart")
    s = root.find(NS + "song")
    result(s.get("userRating") == "4" and s.get("playCount") == "1",
           "rating and plays survive a restart", s.attrib)
    root = xml("getPlaylists", name="getPlaylists after a restart")
    result([p.get("name") for p in find_all(root, "playlists/playlist")] ==
           ["Road"], "playlists survive a restart")
    root = xml("getArtists", name="getArtists after a restart")
    ids = sorted(a.get("id") for a in find_all(root, "artists/index/artist"))
    result(lib["artist"] in ids, "IDs are the same after a restart")


def main():
    state = os.environ["REST_STATE"]
    lib = {"tracks": int(os.environ["REST_TRACKS"])}
    if PHASE == "main":
        check_auth()
        check_browse(lib)
        check_lists(lib)
        check_annotations(lib)
        check_playlists(lib)
        check_media(lib, os.environ["REST_SONG_FILE"])
        check_cover_art(lib, os.environ["REST_COVER_FILE"],
                        os.environ["REST_COVER_TRACK"])
        check_user()
        with open(state, "w") as f:
            json.dump(lib, f)
    else:
        with open(state) as f:
            lib = json.load(f)
        check_restart(lib)


main()
