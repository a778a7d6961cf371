"""From a validated download request to rows: priorities, payloads, job keys (SPEC §1.3, §2.4).

Shared by `POST /api/download`, `POST /soulseek/download`, AutoSync and the watchlist, so every
entry point persists the same `request_payload` and the same `WorkerJob` payload.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.models import WorkerJob
from core.text import strip_nul
from downloads.models import Download

FAVOURITE_FLAGS = (
    "is_favorite",
    "favorite",
    "liked",
    "is_saved_track",
    "spotify_saved",
    "spotify_like",
)
FAVOURITE_SOURCES = frozenset({"spotify_likes", "spotify_saved", "favorites"})
FAVOURITE_PRIORITY = 10
# Keys of a file dict that are transfer parameters, not metadata (aliases included).
TRANSFER_KEYS = frozenset({"filename", "name", "size", "filesize", "file_size", "priority"})
# Metadata that maps onto Download columns (SPEC §1.3).
ID_COLUMNS = ("spotify_track_id", "spotify_album_id")
ALTERNATIVE_KEYS = ("username", "filename", "size", "bitrate", "extension", "confidence")


@dataclass
class FileRequest:
    """One file of a download request after validation and alias resolution."""

    filename: str
    size: int | None = None
    priority: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    alternatives: list[dict[str, Any]] = field(default_factory=list)


def is_favourite(values: dict[str, Any]) -> bool:
    """A truthy favourite flag, or a Spotify-likes `source` (SPEC §2.4)."""
    if any(values.get(flag) for flag in FAVOURITE_FLAGS):
        return True
    source = values.get("source")
    return isinstance(source, str) and source.strip().lower() in FAVOURITE_SOURCES


def effective_priority(file: FileRequest, top_level: int | None, request: dict[str, Any]) -> int:
    """Explicit file priority → top-level priority → 10 for favourites → 0 (SPEC §2.4, D6)."""
    if file.priority is not None:
        return file.priority
    if top_level is not None:
        return top_level
    if is_favourite(file.metadata) or is_favourite(request):
        return FAVOURITE_PRIORITY
    return 0


def request_payload(username: str, file: FileRequest, priority: int) -> dict[str, Any]:
    """Everything needed to (re)submit the file (SPEC §1.3 `request_payload`)."""
    original = {"filename": file.filename, "size": file.size, **file.metadata}
    if file.priority is not None:
        original["priority"] = file.priority
    # Peer and Spotify values may carry NUL, which PostgreSQL cannot store (T33).
    return strip_nul(
        {
            "username": username,
            "filename": file.filename,
            "size": file.size,
            "priority": priority,
            "file": original,
            "metadata": dict(file.metadata),
        }
    )


def column_values(metadata: dict[str, Any]) -> dict[str, Any]:
    """Spotify ids from the metadata that fit their columns (anything else stays in the payload)."""
    values = {}
    for key in ID_COLUMNS:
        value = metadata.get(key)
        if isinstance(value, str) and 0 < len(value.strip()) <= 64:
            values[key] = value.strip()
    return values


def clean_alternatives(items: Any) -> list[dict[str, Any]]:
    """Ranked alternative sources: dicts with a non-blank username and filename, de-duplicated."""
    if not isinstance(items, list):
        return []
    seen: set[tuple[str, str]] = set()
    result = []
    for item in items:
        if not isinstance(item, dict):
            continue
        username, filename = item.get("username"), item.get("filename")
        if not (isinstance(username, str) and username.strip()):
            continue
        if not (isinstance(filename, str) and filename.strip()):
            continue
        if (username, filename) in seen:
            continue
        seen.add((username, filename))
        result.append({key: item.get(key) for key in ALTERNATIVE_KEYS if key in item})
    return result


def job_payload(download_id: int, payload: dict[str, Any], priority: int) -> dict[str, Any]:
    """A sync job's payload; `priority` is mirrored in `files[*]` for the PATCH rule (SPEC §2.4)."""
    file = {"filename": payload.get("filename"), "size": payload.get("size"), "priority": priority}
    return {
        "download_id": download_id,
        "username": payload.get("username"),
        "filename": payload.get("filename"),
        "size": payload.get("size"),
        "priority": priority,
        "files": [file],
    }


def attempt_tag(payload: dict[str, Any], retry_count: int) -> str:
    """`<peer index>.<retry count>`: unique over a download's life, also across peer switches."""
    return f"{len(payload.get('previous_peers') or [])}.{retry_count}"


def submission_key(download_id: int, attempt: str, username: str, filename: str) -> str:
    """The idempotency key of one submission attempt (RELIABILITY T44).

    The peer and remote path are hashed (`<username>\\n<filename>`, never ambiguous since
    neither contains a newline); the download id and attempt tag keep keys unique over time,
    so the unique column lets at most one job exist per attempt, even when two retry scheduler
    runs race.
    """
    digest = hashlib.sha256(f"{username}\n{filename}".encode()).hexdigest()[:32]
    return f"sync:{download_id}:{attempt}:{digest}"


def queue_job(download: Download, now: datetime) -> WorkerJob:
    """A claimable sync job for the download's current attempt (SPEC §2.4, §5.3)."""
    payload = download.request_payload or {}
    username = str(payload.get("username") or download.username)
    filename = str(payload.get("filename") or download.filename)
    key = submission_key(
        download.pk, attempt_tag(payload, download.retry_count), username, filename
    )
    return WorkerJob.objects.create(
        worker=WorkerJob.Worker.SYNC,
        download=download,
        payload=job_payload(download.pk, payload, download.priority),
        priority=download.priority,
        idempotency_key=key,
        scheduled_at=now,
    )
