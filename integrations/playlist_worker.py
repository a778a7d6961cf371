"""Playlist worker: keeps the `Playlist` cache in step with the user's Spotify playlists
(SPEC §5.7, §1.5).

One cycle reads `GET /me/playlists` to the end, then upserts and deletes in one transaction.
Any failure (upstream error, revoked authorisation, malformed listing) records
`sync/playlist_sync_failed` and leaves every row as it was.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import HarmonyError
from core.workers import heartbeat
from integrations import spotify_auth
from integrations.clients.spotify import SpotifyClient
from integrations.models import Playlist

logger = logging.getLogger(__name__)

WORKER = "playlist"


@dataclass(frozen=True)
class PlaylistInfo:
    """The fields of one Spotify playlist that the cache keeps."""

    id: str
    name: str
    owner: str | None
    snapshot_id: str | None
    track_count: int


class MalformedListing(ValueError):
    """`GET /me/playlists` returned something that is not a playlist listing."""


def run_playlist_cycle() -> None:
    """One cycle; heartbeat only without Spotify credentials or user authorisation."""
    heartbeat.beat(WORKER)
    if config.missing_credentials("spotify") or not spotify_auth.has_user_authorisation():
        return
    started = time.monotonic()
    try:
        listing = [_parse(raw) for raw in SpotifyClient.from_config().all_playlists()]
    except (HarmonyError, MalformedListing) as exc:
        error = _error_text(exc)
        logger.warning("playlist sync failed: %s", error)
        record(ev.SYNC, ev.PLAYLIST_SYNC_FAILED, {"error": error})
        return
    save_listing(listing)
    heartbeat.metric(WORKER, "count", len(listing))
    heartbeat.metric(WORKER, "duration_ms", round((time.monotonic() - started) * 1000))


@transaction.atomic
def save_listing(listing: list[PlaylistInfo]) -> None:
    """Upsert a complete listing; `updated_at` moves only when name, snapshot or count changed,
    and playlists missing from the listing are deleted."""
    now = timezone.now()
    existing = {row.id: row for row in Playlist.objects.select_for_update()}
    for info in {info.id: info for info in listing}.values():
        row = existing.get(info.id)
        if row is None:
            Playlist.objects.create(**vars(info), updated_at=now)
            continue
        changed = (row.name, row.snapshot_id, row.track_count) != (
            info.name,
            info.snapshot_id,
            info.track_count,
        )
        if changed:
            Playlist.objects.filter(pk=row.pk).update(**vars(info), updated_at=now)
        elif row.owner != info.owner:
            Playlist.objects.filter(pk=row.pk).update(owner=info.owner)
    gone = set(existing) - {info.id for info in listing}
    if gone:
        Playlist.objects.filter(pk__in=gone).delete()


def _parse(raw: Any) -> PlaylistInfo:
    """One simplified playlist object: `items.total` (2026) or the older `tracks.total`."""
    if not isinstance(raw, dict):
        raise MalformedListing("playlist entry is not an object")
    playlist_id, name = raw.get("id"), raw.get("name")
    if not isinstance(playlist_id, str) or not playlist_id or len(playlist_id) > 64:
        raise MalformedListing("playlist without a valid id")
    owner = raw.get("owner") if isinstance(raw.get("owner"), dict) else {}
    owner_name = owner.get("display_name") or owner.get("id")
    snapshot = raw.get("snapshot_id")
    return PlaylistInfo(
        id=playlist_id,
        name=(name if isinstance(name, str) else "")[:512],
        owner=owner_name[:255] if isinstance(owner_name, str) else None,
        snapshot_id=snapshot[:128] if isinstance(snapshot, str) else None,
        track_count=_count(raw),
    )


def _count(raw: dict[str, Any]) -> int:
    for key in ("items", "tracks"):
        ref = raw.get(key)
        total = ref.get("total") if isinstance(ref, dict) else None
        if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
            return total
    return 0


def _error_text(exc: Exception) -> str:
    detail = getattr(exc, "detail", None) or str(exc)
    if isinstance(detail, dict):
        detail = detail.get("message") or str(detail)
    return str(detail)
