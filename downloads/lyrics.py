"""Lyrics as a `.lrc` file next to the organised track, from LRCLIB (product owner's request,
beyond SPEC §5.11; the issue "Enrichment of finished downloads" puts it in scope).

LRCLIB (`GET {LRCLIB_URL}/api/get?artist_name&track_name&album_name&duration`) needs no
credentials, only a meaningful User-Agent. Synchronised lyrics are preferred. When LRCLIB only
has plain lyrics, they are written to the same `.lrc` name as unsynchronised lines: players
that read `.lrc` show them as static text, and one file name per track keeps the API and the
library layout simple (`synced` in the API tells the two apart by looking for time tags).
Status: `done` (file written), `skipped` (disabled, no artist/title, not found, instrumental),
`failed` (audio file missing, LRCLIB unreachable or broken, file not writable).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core import config
from core.errors import Conflict, HarmonyError
from core.workers import queue
from downloads import tags
from downloads.artwork_fetch import USER_AGENT
from downloads.metadata import TrackMetadata, audio_path, collect, update_fields
from downloads.models import Download
from integrations.http import HttpClient

logger = logging.getLogger(__name__)

SERVICE = "lrclib"
MAX_BYTES = 512 * 1024
TIME_TAG = re.compile(r"^\s*\[\d{1,3}:\d{2}(?:[.:]\d{1,3})?\]", re.MULTILINE)


@dataclass(frozen=True)
class Lyrics:
    """Lyrics text and whether it carries LRC time tags."""

    text: str
    synced: bool


def is_synced(text: str) -> bool:
    """True when at least one line starts with an LRC time tag (`[mm:ss.xx]`)."""
    return TIME_TAG.search(text) is not None


def _clean(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    keep = (
        "".join(c for c in line if c == "\t" or unicodedata.category(c) not in ("Cc", "Cf"))
        for line in lines
    )
    return "\n".join(line.rstrip() for line in keep).strip("\n") + "\n"


class LrclibClient:
    """LRCLIB's lyrics lookup (`/api/get`)."""

    service = SERVICE

    def __init__(self, base_url: str, timeout: float) -> None:
        self.http = HttpClient(
            SERVICE,
            base_url,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            max_bytes=MAX_BYTES,
        )

    @classmethod
    def from_config(cls) -> LrclibClient:
        timeout = max(1, config.get_int("UPSTREAM_TIMEOUT_SEC", 10))
        return cls(config.get("LRCLIB_URL") or "https://lrclib.net", timeout)

    def get(
        self, artist: str, title: str, album: str | None, duration: float | None
    ) -> Lyrics | None:
        """The best lyrics LRCLIB has for the track; None when it has none (or instrumental)."""
        params: dict[str, str | int] = {"artist_name": artist, "track_name": title}
        if album:
            params["album_name"] = album
        if duration:
            params["duration"] = round(duration)
        response = self.http.request("GET", "/api/get", params=params, ok=(404,))
        if response.status == 404:
            return None
        body = response.json()
        if not isinstance(body, dict) or body.get("instrumental") is True:
            return None
        synced, plain = body.get("syncedLyrics"), body.get("plainLyrics")
        if isinstance(synced, str) and is_synced(synced):
            return Lyrics(_clean(synced), True)
        if isinstance(plain, str) and plain.strip():
            return Lyrics(_clean(plain), False)
        return None


def lyrics_file(audio: Path) -> Path:
    """Where the lyrics of `audio` live: same folder, same stem, `.lrc`."""
    return audio.with_suffix(".lrc")


def _write(target: Path, text: str) -> None:
    handle, name = tempfile.mkstemp(
        prefix=f".{target.stem[:40]}.", suffix=".lrc-part", dir=target.parent
    )
    temp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        temp.replace(target)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def fetch_lyrics(download: Download, meta: TrackMetadata | None = None) -> str:
    """Look the track up on LRCLIB and write its `.lrc`; returns the new `lyrics_status`."""
    if not config.get_bool("LYRICS_ENABLED"):
        return _finish(download, Download.Enrichment.SKIPPED)
    path = audio_path(download)
    if path is None:
        return _finish(download, Download.Enrichment.FAILED, "audio file missing")
    update_fields(download, lyrics_status=Download.Enrichment.RUNNING)
    if meta is None:
        meta = collect(download, path)
    if not meta.artist or not meta.title:
        return _finish(download, Download.Enrichment.SKIPPED, "artist or title unknown")
    # The measured length of this very file: synced lines must fit this recording.
    try:
        found = LrclibClient.from_config().get(
            meta.artist, meta.title, meta.album, tags.duration(path) or meta.duration
        )
    except HarmonyError as exc:
        return _finish(download, Download.Enrichment.FAILED, f"LRCLIB: {exc.detail}")
    if found is None:
        return _finish(download, Download.Enrichment.SKIPPED, "no lyrics on LRCLIB")
    target = lyrics_file(path)
    try:
        _write(target, found.text)
    except OSError as exc:
        return _finish(download, Download.Enrichment.FAILED, f"could not write lyrics: {exc}")
    update_fields(
        download,
        lyrics_status=Download.Enrichment.DONE,
        lyrics_path=str(target),
        has_lyrics=True,
        lyrics_error=None,
    )
    return Download.Enrichment.DONE


def _finish(download: Download, status: str, reason: str | None = None) -> str:
    if reason:
        logger.info("lyrics of download %s: %s (%s)", download.pk, status, reason)
    update_fields(
        download,
        lyrics_status=status,
        lyrics_path=None,
        has_lyrics=False,
        lyrics_error=(reason or "")[:512] or None,
    )
    return status


def read_lyrics(download: Download) -> Lyrics | None:
    """The stored lyrics of a download (`GET …/lyrics`), or None when there are none."""
    if not download.has_lyrics or not download.lyrics_path:
        return None
    path = Path(download.lyrics_path)
    try:
        with path.open("rb") as handle:
            text = handle.read(MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    return Lyrics(text, is_synced(text))


def request_refresh(download: Download) -> None:
    """`POST …/lyrics/refresh`: 409 without a local file, else enqueue the lyrics step."""
    if audio_path(download) is None:
        raise Conflict("Audio file not found on disk")
    update_fields(download, lyrics_status=Download.Enrichment.PENDING)
    queue.enqueue("downloads.enrichment_tasks.run_lyrics", download.pk)
