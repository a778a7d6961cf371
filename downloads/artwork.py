"""Cover art of finished downloads: candidates, cache, embedding (SPEC §8.3, §9.5).

Candidates in order: the largest image of the Spotify album, the payload's `artwork_url`, then
(when enabled) MusicBrainz → Cover Art Archive. Covers are cached once per album as
`ARTWORK_DIR/<key>_original.<ext>` and reused (`cached`) unless the job is forced. Every fetch
goes through `downloads.artwork_fetch` (allow-list, redirects, deadline, byte and pixel caps);
at most `ARTWORK_CONCURRENCY` fetches run at once across the cluster (`artwork-slot:<n>`).
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import config
from core.errors import Conflict, HarmonyError, NotFound
from core.workers import leases, queue
from downloads import tags
from downloads.artwork_fetch import (
    EXTENSIONS,
    USER_AGENT,
    AllowList,
    ArtworkRefused,
    Fetched,
    Limits,
    fetch,
    image_info,
)
from downloads.metadata import TrackMetadata, audio_path, collect, update_fields
from downloads.models import Download
from downloads.paths import UnsafePath, inside
from downloads.states import clip
from integrations.http import HttpClient

logger = logging.getLogger(__name__)

CACHED_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
SLOT_WAIT = 120.0
SLOT_POLL = 0.25
MBID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


# MusicBrainz (1 request per second per process, SPEC §8.3 step 3)


class Throttle:
    """Spaces calls at least `interval` seconds apart within this process."""

    clock: Callable[[], float] = staticmethod(time.monotonic)
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.lock = threading.Lock()
        self.last: float | None = None

    def wait(self) -> None:
        with self.lock:
            now = self.clock()
            if self.last is not None and now - self.last < self.interval:
                self.sleep(self.interval - (now - self.last))
                now = self.clock()
            self.last = now


MUSICBRAINZ_THROTTLE = Throttle(1.0)


def _lucene(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def release_group_mbid(artist: str, album: str, timeout: float) -> str | None:
    """The MBID of the best-matching release group (SPEC §9.5), or None."""
    client = HttpClient(
        "musicbrainz",
        config.get("MUSICBRAINZ_URL") or "",
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        max_bytes=1024 * 1024,
    )
    query = f'releasegroup:"{_lucene(album)}" AND artist:"{_lucene(artist)}"'
    MUSICBRAINZ_THROTTLE.wait()
    params = {"query": query, "fmt": "json", "limit": 1}
    body = client.request("GET", "/ws/2/release-group/", params=params, retry=False).json()
    groups = body.get("release-groups") if isinstance(body, dict) else None
    for group in groups if isinstance(groups, list) else []:
        mbid = str(group.get("id", "")) if isinstance(group, dict) else ""
        if MBID_RE.fullmatch(mbid):
            return mbid
    return None


# Candidates, cache, job


@dataclass
class Candidate:
    """One place a cover may come from; `resolve()` returns the URL (network only if needed)."""

    source: str
    key: str
    limits: Limits
    resolve: Callable[[], str]
    url: str | None = None


def cache_key(value: str) -> str:
    return _KEY_UNSAFE.sub("_", value)[:120] or "unknown"


def _largest(images: Any) -> str:
    usable = [i for i in images or [] if isinstance(i, dict) and isinstance(i.get("url"), str)]
    if not usable:
        raise ArtworkRefused("the Spotify album has no images")

    def area(image: dict[str, Any]) -> int:
        w, h = image.get("width"), image.get("height")
        return w * h if isinstance(w, int) and isinstance(h, int) else 0

    return max(usable, key=area)["url"]


def _spotify_images(meta: TrackMetadata) -> Any:
    if meta.album_images:
        return meta.album_images
    from integrations.clients.spotify import SpotifyClient

    return SpotifyClient.from_config().album(meta.spotify_album_id or "").get("images")


def candidates(
    download: Download, meta: TrackMetadata, errors: list[str] | None = None
) -> Iterator[Candidate]:
    """The candidates of §8.3 step 1 with their cache keys (step 2), lazily; a failed
    MusicBrainz lookup is appended to `errors`."""
    primary = Limits.primary()
    if meta.spotify_album_id:
        yield Candidate(
            "spotify",
            cache_key(meta.spotify_album_id),
            primary,
            lambda: _largest(_spotify_images(meta)),
        )
    fallback_key = cache_key(meta.spotify_track_id or f"download-{download.pk}")
    if meta.artwork_url:
        url = meta.artwork_url
        yield Candidate("payload", fallback_key, primary, lambda: url, url)
    enabled = config.get_bool("ARTWORK_FALLBACK_ENABLED")
    provider = (config.get("ARTWORK_FALLBACK_PROVIDER") or "").strip().lower()
    if enabled and provider == "musicbrainz" and meta.artist and meta.album:
        limits = Limits.fallback()
        try:
            mbid = release_group_mbid(meta.artist, meta.album, limits.timeout)
        except HarmonyError as exc:
            if errors is not None:
                errors.append(f"musicbrainz: {exc.detail}")
            mbid = None
        if mbid:
            url = f"{(config.get('COVERART_URL') or '').rstrip('/')}/release-group/{mbid}/front"
            yield Candidate("musicbrainz", mbid, limits, lambda: url, url)


def cached_cover(directory: Path, key: str, max_bytes: int) -> Path | None:
    """A valid `<key>_original.<ext>` in the cache, if there is one."""
    for ext in CACHED_EXTENSIONS:
        path = directory / f"{key}_original.{ext}"
        try:
            if path.is_file() and path.stat().st_size <= max_bytes:
                image_info(path.read_bytes())
                return path
        except (ArtworkRefused, OSError):
            continue
    return None


def _store(fetched: Fetched, directory: Path, key: str) -> Path:
    target = directory / f"{key}_original.{EXTENSIONS[fetched.mime]}"
    fetched.temp.replace(target)
    for ext in CACHED_EXTENSIONS:  # one file per key: drop a cover of another type
        other = directory / f"{key}_original.{ext}"
        if other != target:
            other.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def artwork_slot(ttl: float) -> Iterator[None]:
    """Hold one of the `ARTWORK_CONCURRENCY` cluster-wide `artwork-slot:<n>` leases."""
    owner = f"{leases.PROCESS_OWNER}:{uuid.uuid4().hex[:8]}"
    slots = max(1, config.get_int("ARTWORK_CONCURRENCY", 2))
    deadline = time.monotonic() + SLOT_WAIT
    while True:
        for number in range(slots):
            name = f"artwork-slot:{number}"
            if leases.acquire(name, ttl, owner):
                try:
                    yield
                finally:
                    leases.release(name, owner)
                return
        if time.monotonic() > deadline:
            raise ArtworkRefused("every artwork slot stayed busy")
        time.sleep(SLOT_POLL)


def process_artwork(
    download: Download, *, force: bool = False, meta: TrackMetadata | None = None
) -> str:
    """Find, cache and embed the cover of `download`; returns the new `artwork_status`."""
    path = audio_path(download)
    if path is None:
        return _failed(download, "audio file missing")
    directory = config.get_path("ARTWORK_DIR")
    directory.mkdir(parents=True, exist_ok=True)
    if meta is None:
        album_id = download.spotify_album_id
        # A later track of a cached album needs no upstream call at all.
        if not force and album_id:
            limit = Limits.primary().max_bytes
            cached = cached_cover(directory, cache_key(album_id), limit)
            if cached is not None:
                known = TrackMetadata(
                    spotify_track_id=download.spotify_track_id, spotify_album_id=album_id
                )
                return _finish(download, path, known, cached, None, Download.Artwork.CACHED)
        meta = collect(download, path)
    allow, errors = AllowList.from_config(), []
    for candidate in candidates(download, meta, errors):
        cached = (
            None if force else cached_cover(directory, candidate.key, candidate.limits.max_bytes)
        )
        if cached is not None:
            return _finish(download, path, meta, cached, candidate.url, Download.Artwork.CACHED)
        try:
            url = candidate.resolve()
            with artwork_slot(candidate.limits.timeout + 30):
                fetched = fetch(url, candidate.limits, allow, directory)
            stored = _store(fetched, directory, candidate.key)
        except (ArtworkRefused, HarmonyError, OSError) as exc:
            reason = exc.detail if isinstance(exc, HarmonyError) else str(exc)
            errors.append(f"{candidate.source}: {reason}")
            continue
        return _finish(download, path, meta, stored, url, Download.Artwork.DONE)
    return _failed(download, "; ".join(errors) or "no artwork candidate")


def _finish(
    download: Download,
    audio: Path,
    meta: TrackMetadata,
    cover: Path,
    url: str | None,
    status: str,
) -> str:
    error = None
    try:
        data = cover.read_bytes()
        mime, width, height = image_info(data)
        tags.embed_cover(audio, tags.Cover(data, mime, width, height))
    except (tags.TagError, ArtworkRefused, OSError) as exc:
        # The cover is cached and served; only embedding into this file failed.
        error = f"could not embed the cover: {exc}"
        logger.warning("artwork of download %s: %s", download.pk, error)
    ids = {"spotify_track_id": meta.spotify_track_id, "spotify_album_id": meta.spotify_album_id}
    source_url = url or download.artwork_url
    update_fields(
        download,
        **{k: v[:64] for k, v in ids.items() if v},
        artwork_status=status,
        artwork_path=str(cover),
        artwork_url=clip(source_url, 2048) if source_url else None,
        has_artwork=True,
        artwork_error=clip(error) if error else None,
    )
    return status


def _failed(download: Download, reason: str) -> str:
    logger.info("artwork of download %s failed: %s", download.pk, reason)
    update_fields(
        download,
        artwork_status=Download.Artwork.FAILED,
        artwork_path=None,
        has_artwork=False,
        artwork_error=clip(reason),
    )
    return Download.Artwork.FAILED


def request_refresh(download: Download) -> None:
    """`POST …/artwork/refresh`: 409 without the audio file, else reset and enqueue a forced job."""
    if audio_path(download) is None:
        raise Conflict("Audio file not found on disk")
    update_fields(
        download,
        artwork_status=Download.Artwork.PENDING,
        artwork_path=None,
        has_artwork=False,
        artwork_error=None,
    )
    queue.enqueue("downloads.enrichment_tasks.run_artwork", download.pk, True)


CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


def cover_file(download: Download) -> tuple[Path, str]:
    """The cached cover of a download and its content type; NotFound when there is none."""
    missing = NotFound("Artwork not available")
    if not download.has_artwork or not download.artwork_path:
        raise missing
    path = Path(download.artwork_path)
    content_type = CONTENT_TYPES.get(path.suffix.lower().lstrip("."))
    try:
        # Only files of the artwork cache are ever served.
        inside(path, config.get_path("ARTWORK_DIR"))
    except (UnsafePath, OSError):
        raise missing from None
    if content_type is None or not path.is_file():
        raise missing
    return path, content_type
