"""Safe fetching of cover images from URLs that upstream JSON and payloads supply (SPEC §8.3
step 3, RELIABILITY T24, T27, T31, T32).

http/https only; each hop (≤ 5 redirects) must be on the allow-list (`ARTWORK_ALLOWED_HOSTS` plus
the configured MusicBrainz, Cover Art Archive and Plex origins) and must not resolve to a
private, loopback or link-local address unless exactly that host is listed; one total deadline
covers all hops and the body, so a dripping server cannot hold the worker; the byte limit
applies to `Content-Length` and while streaming; the body must be a PNG, JPEG or WebP of at most
`MAX_PIXELS`, read from its header without decoding (pixel bombs never expand).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

import harmony
from core import config

USER_AGENT = f"Harmony/{harmony.__version__} ( self-hosted )"
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_PIXELS = 40_000_000
CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


class ArtworkRefused(Exception):
    """One candidate failed; the message says why (never contains the whole URL's query)."""


@dataclass(frozen=True)
class Limits:
    """Total deadline (seconds) and byte cap of one fetch (SPEC §8.3 step 3)."""

    timeout: float
    max_bytes: int

    @classmethod
    def primary(cls) -> Limits:
        timeout = config.get_int("ARTWORK_TIMEOUT_SEC", 15)
        return cls(timeout, config.get_int("ARTWORK_MAX_BYTES", DEFAULT_MAX_BYTES))

    @classmethod
    def fallback(cls) -> Limits:
        timeout = config.get_int("ARTWORK_FALLBACK_TIMEOUT_SEC", 12)
        return cls(timeout, config.get_int("ARTWORK_FALLBACK_MAX_BYTES", DEFAULT_MAX_BYTES))


# The allow-list


def _origin(url: str | None) -> tuple[str, int] | None:
    if not url:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return (parts.hostname.lower(), port) if parts.hostname else None


@dataclass(frozen=True)
class AllowList:
    """`ARTWORK_ALLOWED_HOSTS` patterns (`host`, `*.domain`, `*`) plus configured origins."""

    patterns: tuple[str, ...]
    origins: frozenset[tuple[str, int]]

    @classmethod
    def from_config(cls) -> AllowList:
        raw = config.get("ARTWORK_ALLOWED_HOSTS") or ""
        patterns = tuple(p.strip().lower().rstrip(".") for p in raw.split(",") if p.strip())
        urls = config.get_many(["MUSICBRAINZ_URL", "COVERART_URL", "PLEX_BASE_URL"]).values()
        origins = frozenset(o for o in (_origin(u) for u in urls) if o is not None)
        return cls(patterns, origins)

    def match(self, host: str, port: int) -> str | None:
        """`exact` (listed by name or origin), `pattern` (a wildcard), or None."""
        if host in self.patterns or (host, port) in self.origins:
            return "exact"
        for pattern in self.patterns:
            if pattern == "*":
                return "pattern"
            if pattern.startswith("*.") and (host == pattern[2:] or host.endswith(pattern[1:])):
                return "pattern"
        return None


def check_url(url: str, allow: AllowList) -> None:
    """Refuse anything but http(s) to an allowed host with public addresses (T27)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ArtworkRefused(f"scheme {parts.scheme or '(none)'!r} not allowed")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username or parts.password:
        raise ArtworkRefused("malformed artwork URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ArtworkRefused("malformed artwork URL") from exc
    how = allow.match(host, port)
    if how is None:
        raise ArtworkRefused(f"host {host} is not on the artwork allow-list")
    if how == "exact":
        return  # the operator named this very host: LAN addresses are allowed by design
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ArtworkRefused(f"host {host} does not resolve") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global or address.is_multicast:
            raise ArtworkRefused(f"host {host} resolves to a non-public address")


# Image headers (no decoding: pixel bombs are refused before anything expands)


def image_info(data: bytes) -> tuple[str, int, int]:
    """(MIME type, width, height) of a PNG, JPEG or WebP; ArtworkRefused for anything else."""
    size = None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        mime, size = "image/png", struct.unpack(">II", data[16:24])
    elif data.startswith(b"\xff\xd8"):
        mime, size = "image/jpeg", _jpeg_size(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        mime, size = "image/webp", _webp_size(data)
    else:
        raise ArtworkRefused("not a PNG, JPEG or WebP image")
    if not size or not size[0] or not size[1]:
        raise ArtworkRefused(f"unreadable {mime} header")
    width, height = size
    if width * height > MAX_PIXELS:
        raise ArtworkRefused(f"image too large ({width}x{height} pixels)")
    return mime, width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 9 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        return width, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


# Fetching


@dataclass(frozen=True)
class Fetched:
    """A downloaded image in a temporary file of `ARTWORK_DIR`."""

    temp: Path
    mime: str
    url: str


def fetch(url: str, limits: Limits, allow: AllowList, directory: Path) -> Fetched:
    """GET an image under the rules of the module docstring; ArtworkRefused on any failure."""
    deadline = time.monotonic() + limits.timeout
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc credentials from the environment
    headers = {"User-Agent": USER_AGENT, "Accept": "image/*", "Accept-Encoding": "identity"}
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(url, allow)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ArtworkRefused("timed out")
            try:
                response = session.get(
                    url,
                    headers=headers,
                    stream=True,
                    allow_redirects=False,
                    timeout=(min(remaining, 10.0), remaining),
                )
            except requests.Timeout as exc:
                raise ArtworkRefused("timed out") from exc
            except requests.RequestException as exc:
                raise ArtworkRefused(f"{urlsplit(url).hostname} unreachable") from exc
            with contextlib.closing(response):
                location = response.headers.get("Location")
                if response.status_code in REDIRECTS and location:
                    url = urljoin(url, location)
                    continue
                if response.status_code != 200:
                    raise ArtworkRefused(f"HTTP {response.status_code}")
                return _receive(response, url, limits, deadline, directory)
        raise ArtworkRefused(f"more than {MAX_REDIRECTS} redirects")
    finally:
        session.close()


def _receive(
    response: requests.Response, url: str, limits: Limits, deadline: float, directory: Path
) -> Fetched:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not content_type.startswith("image/"):
        raise ArtworkRefused(f"not an image ({content_type or 'no content type'})")
    if response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
        raise ArtworkRefused("encoded image bodies are refused")
    declared = response.headers.get("Content-Length", "").strip()
    too_large = f"image larger than {limits.max_bytes} bytes"
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise ArtworkRefused(too_large)
    handle, name = tempfile.mkstemp(dir=directory, prefix=".artwork-", suffix=".part")
    temp, size = Path(name), 0
    try:
        with os.fdopen(handle, "wb") as out:
            while True:
                if time.monotonic() > deadline:
                    raise ArtworkRefused("timed out while receiving the image")
                # read1 returns what has arrived: a drip cannot stretch one read past the deadline.
                chunk = response.raw.read1(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limits.max_bytes:
                    raise ArtworkRefused(too_large)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        mime, _width, _height = image_info(temp.read_bytes())
        return Fetched(temp, mime, url)
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
        temp.unlink(missing_ok=True)
        raise ArtworkRefused("timed out while receiving the image") from exc
    except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
        temp.unlink(missing_ok=True)
        raise ArtworkRefused("connection broken while receiving the image") from exc
    except ArtworkRefused:
        temp.unlink(missing_ok=True)
        raise
