"""Fake artwork and lyrics upstreams (SPEC §8.3, §9.5).

* ``FakeMusicBrainz``: ``GET /ws/2/release-group/?query=…&fmt=json&limit=1`` (Lucene-style
  ``releasegroup:"…" AND artist:"…"``), needs a real ``User-Agent``, optional 1 req/s limit (503).
* ``FakeCoverArt``: ``GET /release-group/{mbid}/front`` → 307 to an image URL (optionally via
  ``/release/{mbid}/front`` like the real Cover Art Archive), 404 without a cover.
* ``FakeImageHost``: registered bytes with any content type, lying/missing ``Content-Length``,
  oversized or endless bodies, slow drip, redirects anywhere.
* ``FakeLrclib``: ``GET /api/get?artist_name&track_name&album_name&duration`` (duration ±2 s),
  ``GET /api/get/{id}``, ``GET /api/search``; 404 ``TrackNotFound``.
"""

from __future__ import annotations

import re
import struct
import time
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .base import (
    FakeServer,
    RecordedRequest,
    Response,
    Stream,
    empty_response,
    json_response,
    route,
    text_response,
)

LUCENE_RE = re.compile(r'(\w+):"((?:[^"\\]|\\.)*)"|(\w+):(\S+)')
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def tiny_png(width: int = 1, height: int = 1) -> bytes:
    """A valid RGB PNG; above one megapixel only the header is real (pixel-bomb tests)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\0" + b"\x80\x40\x20" * width for _ in range(height))
    data = zlib.compress(pixels) if width * height <= 1_000_000 else b""
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def fake_jpeg(width: int = 640, height: int = 640, size: int | None = None) -> bytes:
    """JPEG-looking bytes (SOI, JFIF, SOF0 with the given dimensions, EOI), padded to ``size``.

    Not decodable, but magic-byte sniffers and SOF-based dimension readers accept it.
    """
    jfif = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3)
    sof += b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    body = b"\xff\xd8" + jfif + sof
    padding = max(0, (size or 0) - len(body) - 2)
    return body + b"\0" * padding + b"\xff\xd9"


class FakeMusicBrainz(FakeServer):
    """MusicBrainz web service v2, release-group search only."""

    name = "musicbrainz"

    def __init__(
        self, *, enforce_rate_limit: bool = False, reject_generic_user_agent: bool = True
    ) -> None:
        super().__init__()
        self.enforce_rate_limit = enforce_rate_limit
        self.reject_generic_user_agent = reject_generic_user_agent
        self.release_groups: list[dict[str, Any]] = []
        self._last_request = 0.0

    def add_release_group(
        self,
        title: str,
        artist: str,
        *,
        mbid: str | None = None,
        primary_type: str = "Album",
        first_release_date: str = "2007-10-10",
    ) -> dict[str, Any]:
        """Seed a release group; returns it (``id`` is the MBID)."""
        group = {
            "id": mbid or str(uuid.uuid5(uuid.NAMESPACE_URL, f"rg:{artist}:{title}")),
            "type-id": "f529b476-6e62-324f-b0aa-1f3e33d313fc",
            "primary-type-id": "f529b476-6e62-324f-b0aa-1f3e33d313fc",
            "count": 1,
            "title": title,
            "first-release-date": first_release_date,
            "primary-type": primary_type,
            "artist-credit": [
                {
                    "name": artist,
                    "artist": {
                        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"artist:{artist}")),
                        "name": artist,
                        "sort-name": artist,
                    },
                }
            ],
            "releases": [],
            "tags": [],
        }
        with self.lock:
            self.release_groups.append(group)
        return group

    @route("GET", r"/ws/2/release-group/?")
    def _search(self, request: RecordedRequest) -> Response:
        agent = request.header("User-Agent") or ""
        if not agent or (self.reject_generic_user_agent and agent.startswith("python-requests")):
            return json_response({"error": "A meaningful User-Agent header is required"}, 403)
        now = time.monotonic()
        too_fast = now - self._last_request < 1.0
        self._last_request = now
        if self.enforce_rate_limit and too_fast:
            message = "Your requests are exceeding the allowable rate limit."
            return json_response({"error": message}, 503)
        query = request.arg("query")
        if not query:
            return json_response({"error": "Invalid query"}, 400)
        fields = {
            (name or bare_name).lower(): re.sub(r"\\(.)", r"\1", value or bare).lower()
            for name, value, bare_name, bare in LUCENE_RE.findall(query)
        }
        title = fields.get("releasegroup") or fields.get("release")
        artist = fields.get("artist") or fields.get("artistname")
        hits = []
        for group in self.release_groups:
            names = [c["name"].lower() for c in group["artist-credit"]]
            if title and title not in group["title"].lower():
                continue
            if artist and not any(artist in n for n in names):
                continue
            score = 100 if title is None or title == group["title"].lower() else 90
            hits.append({**group, "score": score})
        hits.sort(key=lambda g: -g["score"])
        limit = self.number(request.arg("limit"), 25)
        offset = self.number(request.arg("offset"))
        window = hits[offset : offset + limit]
        if request.arg("fmt") != "json" and "json" not in (request.header("Accept") or ""):
            xml = f'<?xml version="1.0" encoding="UTF-8"?><metadata><release-group-list count="{len(hits)}"/></metadata>'
            return text_response(xml, 200, "application/xml; charset=UTF-8")
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        body = {"created": created, "count": len(hits), "offset": offset, "release-groups": window}
        return json_response(body)


class FakeCoverArt(FakeServer):
    """Cover Art Archive redirects; ``image_base_url`` is where covers live by default."""

    name = "coverart"

    def __init__(
        self,
        image_base_url: str | None = None,
        *,
        redirect_status: int = 307,
        via_release: bool = False,
    ) -> None:
        super().__init__()
        self.image_base_url = image_base_url
        self.redirect_status = redirect_status
        self.via_release = via_release
        self.covers: dict[str, str] = {}

    def set_cover(self, mbid: str, url: str | None = None) -> str:
        """Make ``mbid`` redirect to ``url`` (default ``{image_base_url}/covers/{mbid}.jpg``)."""
        if url is None and self.image_base_url is None:
            raise ValueError("set_cover needs a url when the fake has no image_base_url")
        target = url or f"{self.image_base_url}/covers/{mbid}.jpg"
        with self.lock:
            self.covers[mbid] = target
        return target

    @route("GET", r"/(?P<kind>release-group|release)/(?P<mbid>[^/]+)/front(?:-\d+)?")
    def _front(self, request: RecordedRequest) -> Response:
        mbid = request.params["mbid"]
        if not UUID_RE.fullmatch(mbid):
            return text_response("invalid MBID specified", 400)
        if mbid not in self.covers:
            return text_response(f"No cover art found for {request.params['kind']} {mbid}", 404)
        location = self.covers[mbid]
        if self.via_release and request.params["kind"] == "release-group":
            location = f"{self.url}/release/{mbid}/front"
        response = empty_response(self.redirect_status)
        response.headers["Location"] = location
        return response

    @route("GET", r"/release-group/(?P<mbid>[^/]+)/?")
    def _listing(self, request: RecordedRequest) -> Response:
        mbid = request.params["mbid"]
        if mbid not in self.covers:
            return text_response(f"No cover art found for release group {mbid}", 404)
        image = self.covers[mbid]
        thumbs = {"250": image, "500": image, "1200": image, "small": image, "large": image}
        entry = {
            "approved": True,
            "front": True,
            "back": False,
            "id": 1,
            "image": image,
            "thumbnails": thumbs,
            "types": ["Front"],
            "comment": "",
            "edit": 1,
        }
        return json_response(
            {"images": [entry], "release": f"https://musicbrainz.org/release/{mbid}"}
        )


@dataclass
class HostedImage:
    """How the image host answers one path."""

    content: bytes = b""
    content_type: str = "image/jpeg"
    status: int = 200
    declared_length: int | None = None
    omit_length: bool = False
    drip_delay: float | None = None
    chunk_size: int = 1024
    endless: bool = False
    redirect_to: str | None = None
    redirect_status: int = 302


class FakeImageHost(FakeServer):
    """Serves registered images; hostile variants via ``add_image`` options."""

    name = "images"

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, HostedImage] = {}

    def add_image(
        self, path: str = "/cover.jpg", content: bytes | None = None, **options: Any
    ) -> str:
        """Serve ``content`` at ``path`` (default: a 640×640 JPEG-looking body); returns the URL
        (so the host must be running).

        Options (``HostedImage``): ``content_type``, ``status``, ``declared_length``,
        ``omit_length``, ``drip_delay``, ``chunk_size``, ``endless``, ``redirect_to``.
        """
        image = HostedImage(**options)
        if content is not None:
            image.content = content
        elif image.content_type == "image/png":
            image.content = tiny_png(8, 8)
        else:
            image.content = fake_jpeg()
        with self.lock:
            self.images[path] = image
        return self.url + path

    def add_redirect(self, path: str, location: str, status: int = 302) -> str:
        """Redirect ``path`` to ``location`` (any URL, e.g. an internal address)."""
        return self.add_image(path, b"", redirect_to=location, redirect_status=status)

    @route("GET", r"(?P<path>/.*)", exclusive=False)
    def _serve(self, request: RecordedRequest) -> Response:
        with self.lock:
            image = self.images.get(request.raw_path)
        if image is None:
            return text_response("Not Found", 404)
        if image.redirect_to is not None:
            return Response(image.redirect_status, headers={"Location": image.redirect_to})
        headers = {"Content-Type": image.content_type}
        slow = image.drip_delay is not None or image.endless
        if image.declared_length is not None:
            headers["Content-Length"] = str(image.declared_length)
        elif not (image.omit_length or image.endless):
            headers["Content-Length"] = str(len(image.content))
        if not slow:
            return Response(image.status, image.content, headers)

        def stream(out: Stream) -> None:
            data, step = image.content, max(1, image.chunk_size)
            position = 0
            while image.endless or position < len(data):
                piece = data[position : position + step] if position < len(data) else b"\0" * step
                position += step
                if not out.write(piece) or not out.wait(image.drip_delay or 0):
                    return

        return Response(image.status, headers=headers, stream=stream)


class FakeLrclib(FakeServer):
    """LRCLIB lyrics API (``lrclib.net/api``)."""

    name = "lrclib"

    def __init__(self) -> None:
        super().__init__()
        self.lyrics: list[dict[str, Any]] = []

    def add_lyrics(
        self,
        track: str,
        artist: str,
        album: str = "",
        duration: float = 240,
        *,
        plain: str | None = "First line\nSecond line",
        synced: str | None = "[00:01.00] First line\n[00:05.00] Second line",
        instrumental: bool = False,
        id: int | None = None,
    ) -> dict[str, Any]:
        """Seed a lyrics record (instrumental records carry no lyrics)."""
        record = {
            "id": id or len(self.lyrics) + 1,
            "name": track,
            "trackName": track,
            "artistName": artist,
            "albumName": album,
            "duration": duration,
            "instrumental": instrumental,
            "plainLyrics": None if instrumental else plain,
            "syncedLyrics": None if instrumental else synced,
        }
        with self.lock:
            self.lyrics.append(record)
        return record

    @staticmethod
    def _not_found() -> Response:
        body = {"code": 404, "name": "TrackNotFound", "message": "Failed to find specified track"}
        return json_response(body, 404)

    @route("GET", r"/api/get")
    def _get(self, request: RecordedRequest) -> Response:
        track, artist = request.arg("track_name"), request.arg("artist_name")
        if not track or not artist:
            body = {
                "code": 400,
                "name": "ValidationError",
                "message": "track_name and artist_name are required",
            }
            return json_response(body, 400)
        album, duration = request.arg("album_name"), request.arg("duration")
        for record in self.lyrics:
            if record["trackName"].lower() != track.lower():
                continue
            if record["artistName"].lower() != artist.lower():
                continue
            if album and record["albumName"].lower() != album.lower():
                continue
            if duration and abs(self.number(duration, kind=float) - record["duration"]) > 2:
                continue
            return json_response(record)
        return self._not_found()

    @route("GET", r"/api/get/(?P<id>\d+)")
    def _get_by_id(self, request: RecordedRequest) -> Response:
        found = [r for r in self.lyrics if str(r["id"]) == request.params["id"]]
        return json_response(found[0]) if found else self._not_found()

    @route("GET", r"/api/search")
    def _search(self, request: RecordedRequest) -> Response:
        text = (request.arg("q") or request.arg("track_name") or "").lower()
        artist = (request.arg("artist_name") or "").lower()
        if not text:
            body = {"code": 400, "name": "ValidationError", "message": "q or track_name required"}
            return json_response(body, 400)
        hits = [
            r
            for r in self.lyrics
            if text in f"{r['trackName']} {r['artistName']} {r['albumName']}".lower()
            and artist in r["artistName"].lower()
        ]
        return json_response(hits)


__all__ = [
    "FakeCoverArt",
    "FakeImageHost",
    "FakeLrclib",
    "FakeMusicBrainz",
    "HostedImage",
    "fake_jpeg",
    "tiny_png",
]
