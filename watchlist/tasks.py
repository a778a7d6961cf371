"""The watchlist worker: new releases of watched artists → missing tracks → downloads (SPEC §5.9)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from activity import catalogue as ev
from activity.models import ActivityEvent
from activity.recorder import record
from core import config
from core.errors import HarmonyError
from core.workers import heartbeat
from downloads.autosync.finder import Finder
from downloads.autosync.library import load_library
from downloads.autosync.wanted import entry_from_track
from downloads.intake import FileRequest
from downloads.models import Download
from downloads.services import create_downloads
from integrations.models import SoulseekSearch
from matching.engine import LibraryIndex
from watchlist.models import WatchlistArtist

logger = logging.getLogger(__name__)

BLOCKED_EVENT_EVERY = timedelta(hours=24)


def run_watchlist_cycle() -> dict[str, int] | None:
    """Check every watched artist, oldest `last_checked` first; per-artist errors don't stop it."""
    missing = config.missing_for("spotify", "soulseek")
    if missing:
        _blocked(missing)
        return None
    from integrations.clients.slskd import SlskdClient
    from integrations.clients.spotify import SpotifyClient

    started = time.monotonic()
    spotify, slskd = SpotifyClient.from_config(), SlskdClient.from_config()
    index = _library_index()
    timeout = float(config.get_int("SLSKD_SEARCH_TIMEOUT_SEC", 20))
    finder = Finder(
        lambda query, lane: (
            slskd.search(query, timeout=timeout, lane=lane, requested_by="watchlist").responses
        )
    )
    totals = {"artists": 0, "queued": 0}
    for artist in WatchlistArtist.objects.order_by("last_checked", "id"):
        heartbeat.beat("watchlist")
        queued = check_artist(artist, spotify, finder, index)
        totals["artists"] += 1
        totals["queued"] += queued
    heartbeat.count("watchlist", "queued_total", totals["queued"])
    heartbeat.metric("watchlist", "duration_ms", int((time.monotonic() - started) * 1000))
    return totals


def check_artist(
    artist: WatchlistArtist, spotify: Any, finder: Finder, index: LibraryIndex | None
) -> int:
    """One artist: releases after `last_checked`, their tracks, skip existing, queue the rest."""
    checked_at = timezone.now()
    try:
        releases = spotify.artist_releases(artist.spotify_artist_id, include_groups="album,single")
    except HarmonyError as exc:
        record(ev.WATCHLIST, ev.ARTIST_FAILED, _ref(artist, error=str(exc.detail)))
        return 0
    since = artist.last_checked or artist.created_at
    new = [r for r in releases if (released_at(r) or since) > since]
    stats = {"new_releases": len(new), "queued": 0, "skipped": 0, "no_match": 0}
    failed = False
    for release in new:
        try:
            tracks = spotify.album_tracks(release["id"])
        except HarmonyError as exc:
            record(ev.WATCHLIST, ev.ARTIST_FAILED, _ref(artist, error=str(exc.detail)))
            failed = True
            continue
        for track in tracks:
            album = {k: release.get(k) for k in ("id", "name", "release_date", "images", "artists")}
            entry = entry_from_track(
                {**track, "album": album}, base=0, lane=SoulseekSearch.Lane.WATCHLIST
            )
            if entry is None:
                continue
            entry["priority"] = 0
            outcome = _queue(entry, finder, index)
            if outcome == "error":
                failed = True
            else:
                stats[outcome] += 1
    if not failed:
        artist.last_checked = checked_at
        artist.last_error = None
        artist.save(update_fields=["last_checked", "last_error"])
    record(ev.WATCHLIST, ev.ARTIST_CHECKED, _ref(artist, **stats))
    return stats["queued"]


def _queue(
    entry: dict[str, Any], finder: Finder, index: LibraryIndex | None, shared: str | None = None
) -> str:
    """`skipped` (already downloaded/queued or in Plex), `queued`, `no_match` or `error`."""
    live = Download.objects.exclude(status__in=[Download.Status.FAILED, Download.Status.CANCELLED])
    if entry.get("spotify_id") and live.filter(spotify_track_id=entry["spotify_id"]).exists():
        return "skipped"
    if index is not None:
        from downloads.autosync.library import as_spotify

        if index.contains(as_spotify(entry)).present:
            return "skipped"
    outcome = finder.find(entry, shared)
    if outcome.reason == "search":
        return "error"
    if outcome.best is None:
        return "no_match"
    best = outcome.best
    metadata = {
        "title": entry["title"],
        "artist": entry["artist"],
        "album": entry.get("album"),
        "track_number": entry.get("track_number"),
        "disc_number": entry.get("disc_number"),
        "spotify_track_id": entry.get("spotify_id"),
        "spotify_album_id": entry.get("album_id"),
        "artwork_url": entry.get("artwork_url"),
    }
    create_downloads(
        best["username"],
        [
            FileRequest(
                filename=best["filename"],
                size=best.get("size"),
                priority=0,
                metadata={k: v for k, v in metadata.items() if v is not None},
                alternatives=outcome.alternatives,
            )
        ],
        source=Download.Source.WATCHLIST,
    )
    return "queued"


def released_at(release: dict[str, Any]) -> datetime | None:
    """`release_date` at its precision (day/month/year) → the first moment of that period, UTC."""
    value = str(release.get("release_date") or "")
    precision = release.get("release_date_precision") or {10: "day", 7: "month", 4: "year"}.get(
        len(value)
    )
    formats = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
    try:
        return datetime.strptime(value, formats[precision]).replace(tzinfo=UTC)
    except (KeyError, ValueError):
        return None


def _library_index() -> LibraryIndex | None:
    """The Plex library, loaded once per cycle; None when Plex is unconfigured or down."""
    if config.missing_for("plex"):
        return None
    try:
        return LibraryIndex.build(load_library())
    except HarmonyError:
        logger.warning("watchlist: Plex unavailable, presence check skipped this cycle")
        return None


def _blocked(missing: dict[str, list[str]]) -> None:
    """`watchlist_blocked` at most once per 24 h."""
    recent = ActivityEvent.objects.filter(
        type=ev.WATCHLIST,
        status=ev.WATCHLIST_BLOCKED,
        timestamp__gte=timezone.now() - BLOCKED_EVENT_EVERY,
    )
    if not recent.exists():
        record(ev.WATCHLIST, ev.WATCHLIST_BLOCKED, {"missing": missing})
    heartbeat.beat("watchlist")


def _ref(artist: WatchlistArtist, **extra: Any) -> dict[str, Any]:
    return {"artist_id": artist.spotify_artist_id, "name": artist.name, **extra}
