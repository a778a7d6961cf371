"""Plex scan worker `scan` (SPEC §5.6) and the library status probe of `GET /plex/status`.

`refresh_and_count()` is steps 1–3 of §5.6; AutoSync's finalisation and the metadata refresh
call it too. `run_scan_cycle()` adds the credential check and the failure bookkeeping.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import HarmonyError
from core.models import Setting
from core.settings_store import write_system
from core.timefmt import iso_z
from core.workers import heartbeat
from integrations.clients.plex import LibraryCounts, PlexClient

logger = logging.getLogger(__name__)

WORKER = "scan"
FAILURES = "consecutive_failures"
# From this many consecutive failures on, each failure is an activity event (SPEC §5.6).
REPORT_FROM = 3


@dataclass(frozen=True)
class ScanResult:
    """What one scan found: counts summed over the target sections, and the refresh outcome."""

    artists: int
    albums: int
    tracks: int
    sections: list[str]
    refreshed: bool
    duration_ms: int


def refresh_and_count(*, refresh: bool | None = None) -> ScanResult:
    """Refresh the target sections (optional), count 8/9/10 and store the results (§5.6 1–3).

    `refresh=None` follows `scan_worker_incremental`. Raises MissingCredentials or an upstream
    error; nothing is written before every count has succeeded.
    """
    started = time.monotonic()
    if refresh is None:
        refresh = config.get_bool("scan_worker_incremental")
    client = PlexClient.from_config()
    section_ids = [section.key for section in client.music_sections()]
    refreshed = refresh and _refresh_sections(client, section_ids)
    counts = client.library_counts(section_ids)
    duration_ms = int((time.monotonic() - started) * 1000)
    _store(counts, refreshed, duration_ms)
    return ScanResult(
        counts.artists, counts.albums, counts.tracks, section_ids, refreshed, duration_ms
    )


def run_scan_cycle() -> ScanResult | None:
    """One scan cycle: heartbeat only without Plex credentials; failures are counted (§5.6)."""
    heartbeat.beat(WORKER)
    if config.missing_credentials("plex"):
        return None
    try:
        return refresh_and_count()
    except HarmonyError as exc:
        _record_failure(exc)
        return None


def library_status() -> dict[str, Any]:
    """`GET /plex/status`: never raises; reports connected, disconnected or unconfigured."""
    missing = config.missing_credentials("plex")
    if missing:
        return {"status": "unconfigured", "missing": missing}
    try:
        client = PlexClient.from_config()
        sessions = client.sessions()
        counts = client.library_counts(s.key for s in client.music_sections())
    except HarmonyError as exc:
        return {"status": "disconnected", "error": _message(exc)}
    return {"status": "connected", "sessions": sessions, "library": asdict(counts)}


def _refresh_sections(client: PlexClient, section_ids: list[str]) -> bool:
    """Ask Plex for an incremental scan of each section; True if at least one was accepted."""
    accepted = False
    for section_id in section_ids:
        try:
            client.refresh(section_id)
        except HarmonyError as exc:
            # Counting still tells the truth about the library; only the metric says "0".
            logger.warning("Plex refresh of section %s failed: %s", section_id, _message(exc))
        else:
            accepted = True
    return accepted


def _store(counts: LibraryCounts, refreshed: bool, duration_ms: int) -> None:
    write_system("plex_artist_count", counts.artists)
    write_system("plex_album_count", counts.albums)
    write_system("plex_track_count", counts.tracks)
    write_system("plex_last_scan", iso_z(timezone.now()))
    heartbeat.metric(WORKER, "duration_ms", duration_ms)
    heartbeat.metric(WORKER, "interval", config.get_int("scan_worker_interval_seconds", 600))
    heartbeat.metric(WORKER, "incremental", 1 if refreshed else 0)
    heartbeat.metric(WORKER, FAILURES, 0)


def _record_failure(exc: HarmonyError) -> None:
    heartbeat.count(WORKER, FAILURES)
    key = f"metrics.{WORKER}.{FAILURES}"
    value = Setting.objects.filter(key=key).values_list("value", flat=True).first()
    consecutive = int(float(value or 1))
    error = _message(exc)
    logger.warning("Plex scan failed (%d in a row): %s", consecutive, error)
    if consecutive >= REPORT_FROM:
        record(ev.METADATA, ev.SCAN_FAILED, {"error": error, "consecutive": consecutive})


def _message(exc: HarmonyError) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        detail = detail.get("message", detail)
    return str(detail)
