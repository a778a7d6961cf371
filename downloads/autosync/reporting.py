"""The run's truthful report: counters that reconcile, the final events (SPEC §5.8 "Finalise", issue 7 point 3).

wanted = in_plex + already_queued + already_downloaded
         + imported + downloaded + Σ failed[reason] + Σ skipped[reason]
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from activity import catalogue as ev
from core.errors import HarmonyError
from core.workers import heartbeat
from downloads.autosync import skips
from downloads.autosync.events import run_event, sync_event, track_ref
from downloads.models import Download, SyncRun


def count(run: SyncRun, bucket: str, reason: str | None) -> None:
    """Add one track to a bucket (`queued`, or `skipped`/`failed` by reason) and persist it."""
    counters = dict(run.counters or {})
    if reason is None:
        counters[bucket] = counters.get(bucket, 0) + 1
    else:
        reasons = dict(counters.get(bucket) or {})
        reasons[reason] = reasons.get(reason, 0) + 1
        counters[bucket] = reasons
    run.counters = counters
    SyncRun.objects.filter(pk=run.pk).update(counters=counters)


def finalise(run: SyncRun) -> None:
    """Classify every run download, refresh Plex when something arrived, emit the report."""
    imported = 0
    for download in run.downloads.order_by("id"):
        imported += _classify(run, download)
    if imported:
        _refresh_plex(run)
    counters = dict(run.counters or {})
    skipped = counters.get("skipped") or {}
    failed = counters.get("failed") or {}
    # A permanently skipped track is a known state, not a new error of this run.
    reasons = sorted({*skipped, *failed} - {"permanent"})
    sync_event(
        run,
        ev.BEETS_IMPORTED,
        imported=imported,
        skipped=sum(skipped.values()) + sum(failed.values()),
        errors=reasons,
    )
    errors = [*(run.errors or []), *({"source": "soulseek", "message": r} for r in reasons)]
    counters.update(
        {
            "tracks_synced": imported,
            "tracks_skipped": sum(skipped.values()) + sum(failed.values()),
            "errors": len(errors),
        }
    )
    duration_ms = _duration_ms(run)
    run.errors, run.counters = errors, counters
    if errors:
        run_event(
            run,
            ev.SYNC_PARTIAL,
            missing=run.missing_count,
            counters=counters,
            errors=errors,
        )
    if run.status != SyncRun.Status.FAILED:
        run.status = SyncRun.Status.PARTIAL if errors else SyncRun.Status.COMPLETED
    run.finished_at = timezone.now()
    run.plan = []
    run.save(update_fields=["errors", "counters", "status", "finished_at", "plan"])
    heartbeat.metric("autosync", "downloaded", imported)
    heartbeat.metric("autosync", "skipped", counters["tracks_skipped"])
    heartbeat.metric("autosync", "duration_ms", duration_ms)
    run_event(
        run,
        ev.SYNC_COMPLETED,
        missing=run.missing_count,
        counters=counters,
        duration_ms=duration_ms,
    )


def _classify(run: SyncRun, download: Download) -> int:
    """One run download into imported / downloaded / failed[reason]; returns 1 when imported."""
    entry = _entry(download)
    if download.status == Download.Status.COMPLETED and download.import_status == "imported":
        sync_event(
            run,
            ev.TRACK_IMPORTED,
            track=track_ref(entry),
            path=download.organized_path,
            download_id=download.pk,
        )
        skips.clear(entry)
        count(run, "imported", None)
        return 1
    if download.status == Download.Status.COMPLETED and download.import_status == "skipped":
        # beets is not installed: the file is organised but not imported.
        count(run, "downloaded", None)
        return 0
    if download.status == Download.Status.COMPLETED:
        reason, error = "import", download.last_error or "import failed"
        sync_event(run, ev.IMPORT_FAILED, track=track_ref(entry), error=error)
    elif download.status in (Download.Status.FAILED, Download.Status.CANCELLED) and (
        download.dead_letter or download.next_retry_at is None
    ):
        reason, error = "download", download.last_error or download.status
        sync_event(run, ev.DOWNLOAD_FAILED, track=track_ref(entry), error=error)
    else:
        reason = "timeout"
        sync_event(
            run, ev.DOWNLOAD_FAILED, track=track_ref(entry), error="timeout waiting for download"
        )
    skips.note_failure(entry, reason)
    count(run, "failed", reason)
    return 0


def _entry(download: Download) -> dict[str, Any]:
    metadata = (download.request_payload or {}).get("metadata") or {}
    return {
        "title": metadata.get("title") or download.filename,
        "artist": metadata.get("artist") or "",
        "spotify_id": download.spotify_track_id,
        "priority": download.priority,
    }


def _refresh_plex(run: SyncRun) -> None:
    from integrations.scan_worker import refresh_and_count

    try:
        result = refresh_and_count(refresh=True)
    except HarmonyError as exc:
        message = str(exc.detail)
        sync_event(run, ev.PLEX_UPDATE_FAILED, error=message)
        run.errors = [
            *(run.errors or []),
            {"source": "plex", "message": f"update_failed: {message}"},
        ]
        return
    sync_event(run, ev.PLEX_UPDATED, tracks=result.tracks)


def _duration_ms(run: SyncRun) -> int:
    if not run.started_at:
        return 0
    return int((timezone.now() - run.started_at).total_seconds() * 1000)


def reconciles(counters: dict[str, Any]) -> bool:
    """The report's invariant (issue 7 point 3)."""
    parts = (
        counters.get("in_plex", 0)
        + counters.get("already_queued", 0)
        + counters.get("already_downloaded", 0)
        + counters.get("imported", 0)
        + counters.get("downloaded", 0)
        + sum((counters.get("failed") or {}).values())
        + sum((counters.get("skipped") or {}).values())
    )
    return parts == counters.get("wanted", 0)
