"""One sync run from start to report: start → advance (chunks) → wait → finalise (SPEC §5.8)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import HarmonyError
from core.workers import heartbeat
from downloads.autosync import reporting, skips
from downloads.autosync.events import run_event, sync_event, track_ref
from downloads.autosync.finder import Finder, album_query
from downloads.autosync.library import load_library, split_present
from downloads.autosync.wanted import load_wanted
from downloads.intake import FileRequest
from downloads.models import Download, SyncRun
from downloads.services import create_downloads

logger = logging.getLogger(__name__)

CHUNK = 10
FINISHED_PIPELINE = (Download.Pipeline.DONE, Download.Pipeline.FAILED)


def start_run(run: SyncRun) -> None:
    """Load Spotify and Plex, diff, store the plan (SPEC §5.8 "Start" steps 2–7)."""
    started = time.monotonic()
    run.status, run.started_at = SyncRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    record(ev.AUTOSYNC, ev.STARTED, {"source": run.trigger, "run_id": run.pk})
    run_event(run, ev.SYNC_STARTED)
    if run.trigger == SyncRun.Trigger.MANUAL:
        _refresh_caches(run)
    from integrations.clients.spotify import SpotifyClient

    try:
        wanted = load_wanted(SpotifyClient.from_config())
    except HarmonyError as exc:
        sync_event(run, ev.SPOTIFY_UNAVAILABLE, error=_message(exc))
        _add_error(run, "spotify", _message(exc))
        return finalise(run)
    sync_event(
        run,
        ev.SPOTIFY_LOADED,
        playlists=wanted.playlists,
        tracks=len(wanted.tracks),
        saved_tracks=wanted.saved_tracks,
    )
    try:
        library = load_library()
    except HarmonyError as exc:
        sync_event(run, ev.PLEX_UNAVAILABLE, error=_message(exc))
        _add_error(run, "plex", _message(exc))
        return finalise(run)
    sync_event(run, ev.PLEX_CHECKED, tracks=len(library))
    present, missing = split_present(wanted.tracks, library)
    _enqueue_matching(present)
    plan, already = _without_existing(missing)
    plan.sort(
        key=lambda e: (-e["priority"], e["artist"].lower(), e["album"].lower(), e["title"].lower())
    )
    run.plan = plan
    run.missing_count = len(plan)
    run.counters = {
        "wanted": len(wanted.tracks),
        "in_plex": len(present),
        "already_queued": already["queued"],
        "already_downloaded": already["downloaded"],
        "filtered_by_preferences": wanted.filtered_out,
        "plan_ms": int((time.monotonic() - started) * 1000),
    }
    run.save(update_fields=["plan", "missing_count", "counters"])
    sync_event(run, ev.DOWNLOADS_REQUESTED, count=run.missing_count)
    if not plan:
        return finalise(run)
    return None


def advance_run(run: SyncRun) -> None:
    """Process the next chunk of the plan; never splits an album group (SPEC §5.8 "Advance")."""
    from integrations.clients.slskd import SlskdClient

    plan = list(run.plan or [])
    chunk = _next_chunk(plan)
    client = SlskdClient.from_config()
    timeout = float(config.get_int("SLSKD_SEARCH_TIMEOUT_SEC", 20))
    finder = Finder(
        lambda query, lane: (
            client.search(
                query, timeout=timeout, lane=lane, requested_by=f"sync-run-{run.pk}"
            ).responses
        )
    )
    threshold = config.get_int("autosync_skip_threshold", 3)
    shared = album_query(chunk) if _same_album(chunk) else None
    for entry in chunk:
        heartbeat.beat("autosync")
        _process(run, entry, finder, shared, threshold)
        # The plan shrinks in the same step that created the download: a crash here and a
        # re-run cannot create it twice (and `_without_existing` guards the rest).
        plan.remove(entry)
        SyncRun.objects.filter(pk=run.pk).update(plan=plan)
    run.plan = plan
    if plan:
        return
    if run.downloads.exists():
        run.status = SyncRun.Status.WAITING
        run.deadline = timezone.now() + timedelta(
            seconds=config.get_int("autosync_wait_timeout_seconds", 3600)
        )
        run.save(update_fields=["status", "deadline", "plan"])
    else:
        finalise(run)


def _process(
    run: SyncRun, entry: dict[str, Any], finder: Finder, shared: str | None, threshold: int
) -> None:
    existing = _live_download(entry)
    if existing is not None:
        # Created before a crash (same run: already counted) or meanwhile by someone else.
        if existing.sync_run_id != run.pk:
            reporting.count(run, "already_queued", None)
        return
    if skips.is_permanent(entry, threshold):
        sync_event(run, ev.SOULSEEK_SKIPPED, track=track_ref(entry), reason="permanent")
        reporting.count(run, "skipped", "permanent")
        return
    outcome = finder.find(entry, shared)
    if outcome.best is None:
        if outcome.reason == "search":
            sync_event(run, ev.SOULSEEK_ERROR, track=track_ref(entry), error=outcome.error)
        elif outcome.reason == "quality":
            sync_event(
                run,
                ev.SOULSEEK_LOW_QUALITY,
                track=track_ref(entry),
                min_bitrate=finder.min_bitrate,
            )
        else:
            sync_event(run, ev.SOULSEEK_NO_RESULTS, track=track_ref(entry))
        skips.note_failure(entry, outcome.reason or "no_results")
        reporting.count(run, "skipped", outcome.reason or "no_results")
        return
    best = outcome.best
    metadata = {
        "title": entry["title"],
        "artist": entry["artist"],
        "album": entry.get("album"),
        "track_number": entry.get("track_number"),
        "disc_number": entry.get("disc_number"),
        "year": (entry.get("release_date") or "")[:4] or None,
        "spotify_track_id": entry.get("spotify_id"),
        "spotify_album_id": entry.get("album_id"),
        "artwork_url": entry.get("artwork_url"),
        "isrc": entry.get("isrc"),
        "duration_ms": entry.get("duration_ms"),
    }
    request = FileRequest(
        filename=best["filename"],
        size=best.get("size"),
        priority=entry["priority"],
        metadata={k: v for k, v in metadata.items() if v is not None},
        alternatives=outcome.alternatives,
    )
    with transaction.atomic():
        download = create_downloads(
            best["username"], [request], source=Download.Source.AUTOSYNC, sync_run=run
        )[0]
        Download.objects.filter(pk=download.pk).update(track_key=entry["key"])
    sync_event(
        run,
        ev.DOWNLOAD_ENQUEUED,
        track=track_ref(entry),
        username=best["username"],
        download_id=download.pk,
    )
    reporting.count(run, "queued", None)


def _live_download(entry: dict[str, Any]) -> Download | None:
    live = Download.objects.exclude(status__in=[Download.Status.FAILED, Download.Status.CANCELLED])
    if entry.get("spotify_id"):
        found = live.filter(spotify_track_id=entry["spotify_id"]).first()
        if found is not None:
            return found
    return live.filter(track_key=entry["key"]).first()


def check_waiting(run: SyncRun) -> None:
    """Finalise once every run download is finished, or the deadline passed (SPEC §5.8 "Wait")."""
    downloads = run.downloads.all()
    done = all(_finished(d) for d in downloads)
    if done or (run.deadline and timezone.now() >= run.deadline):
        finalise(run)


def _finished(download: Download) -> bool:
    if download.status == Download.Status.COMPLETED:
        return download.pipeline_status in FINISHED_PIPELINE
    if download.status == Download.Status.FAILED:
        return download.dead_letter or download.next_retry_at is None
    return download.status == Download.Status.CANCELLED


def finalise(run: SyncRun) -> None:
    """Report per download, refresh Plex, then `beets_imported`, `sync_partial`, `sync_completed`."""
    reporting.finalise(run)


def _next_chunk(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Up to CHUNK entries; an album group at the head is taken whole (one search serves it)."""
    if not plan:
        return []
    head = plan[0]
    group = [e for e in plan if _album_key(e) == _album_key(head)]
    if len(group) > 1:
        return group[: max(CHUNK, 1) * 5]
    return plan[:CHUNK]


def _album_key(entry: dict[str, Any]) -> tuple[str, str]:
    return (entry["artist"].lower(), (entry.get("album_id") or entry.get("album") or "").lower())


def _same_album(chunk: list[dict[str, Any]]) -> bool:
    return len(chunk) > 1 and len({_album_key(e) for e in chunk}) == 1


def _without_existing(
    missing: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Drop tracks that already have a download not failed/cancelled (by Spotify id or key)."""
    live = Download.objects.exclude(status__in=[Download.Status.FAILED, Download.Status.CANCELLED])
    ids = set(
        live.filter(
            spotify_track_id__in=[e["spotify_id"] for e in missing if e.get("spotify_id")]
        ).values_list("spotify_track_id", flat=True)
    )
    statuses = dict(live.filter(spotify_track_id__in=ids).values_list("spotify_track_id", "status"))
    keys = dict(
        live.filter(track_key__in=[e["key"] for e in missing]).values_list("track_key", "status")
    )
    plan, already = [], Counter()
    for entry in missing:
        status = statuses.get(entry.get("spotify_id") or "") or keys.get(entry["key"])
        if status:
            already["downloaded" if status == Download.Status.COMPLETED else "queued"] += 1
        else:
            plan.append(entry)
    return plan, already


def _enqueue_matching(present: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """One spotify-to-plex matching job per present track, so Match rows accumulate (SPEC §5.5)."""
    try:
        from matching.tasks import enqueue_matching_jobs
    except ImportError:
        return
    enqueue_matching_jobs(
        [
            {
                "type": "spotify-to-plex",
                "spotify_track": {
                    "id": entry["spotify_id"],
                    "name": entry["title"],
                    "artists": [{"name": a} for a in entry["artists"]],
                    "album": {"name": entry.get("album")},
                    "duration_ms": entry.get("duration_ms"),
                },
                "candidates": [plex],
            }
            for entry, plex in present
            if entry.get("spotify_id")
        ]
    )


def _refresh_caches(run: SyncRun) -> None:
    """Manual runs: one playlist cycle and one scan cycle first (SPEC §5.8 step 3)."""
    from integrations.playlist_worker import run_playlist_cycle
    from integrations.scan_worker import refresh_and_count

    for source, step in (("playlists", run_playlist_cycle), ("plex", refresh_and_count)):
        try:
            step()
        except HarmonyError as exc:
            _add_error(run, source, _message(exc))
        except Exception as exc:  # a broken cache refresh must not stop the run
            logger.exception("sync run %s: %s refresh failed", run.pk, source)
            _add_error(run, source, type(exc).__name__)


def _add_error(run: SyncRun, source: str, message: str) -> None:
    run.errors = [*(run.errors or []), {"source": source, "message": message}]
    SyncRun.objects.filter(pk=run.pk).update(errors=run.errors)


def _message(exc: HarmonyError) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        return str(detail.get("message") or detail)
    return str(detail)
