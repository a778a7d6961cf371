"""The completion pipeline: locate → organise → enrichment → beets import → done (SPEC §5.4).

Gated by a conditional update `pipeline_status pending → running`, so running it twice is
harmless. Steps are failure-isolated: a failing step is logged and recorded on the download,
and the next step runs where it can.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import HarmonyError, ServiceUnavailable
from core.workers import queue
from downloads.enrichment_hook import run_enrichment
from downloads.models import Download
from downloads.organise import (
    OrganiseError,
    TargetTaken,
    is_regular_file,
    locate,
    move_into_library,
    plan_target,
)
from downloads.paths import UnsafePath, inside, library_name
from downloads.states import clip, touch

logger = logging.getLogger(__name__)

# slskd may report success a moment before it moves the file out of its incomplete folder.
LOCATE_ATTEMPTS = 5
LOCATE_DELAY = 2.0
NOT_FOUND = "completed file not found locally"
STALE_RUNNING = timedelta(minutes=10)
LOST_PENDING = timedelta(minutes=2)


def run_completion(download_id: int, *, sleep: Callable[[float], None] = time.sleep) -> str | None:
    """Run the pipeline for one completed download; returns its final `pipeline_status`, or
    None when the gate was closed (not completed, already running or finished)."""
    now = timezone.now()
    started = Download.objects.filter(
        pk=download_id,
        status=Download.Status.COMPLETED,
        pipeline_status=Download.Pipeline.PENDING,
    ).update(**touch(now, pipeline_status=Download.Pipeline.RUNNING, pipeline_started_at=now))
    if not started:
        return None
    download = Download.objects.get(pk=download_id)
    try:
        return _run(download, sleep)
    except Exception as exc:
        logger.exception("completion pipeline of download %s failed", download_id)
        return _finish(download, Download.Pipeline.FAILED, error=f"pipeline error: {exc}")


def _update(download: Download, **fields: Any) -> None:
    Download.objects.filter(pk=download.pk).update(**touch(timezone.now(), **fields))
    for key, value in fields.items():
        setattr(download, key, value)


def _run(download: Download, sleep: Callable[[float], None]) -> str:
    music_root = config.get_path("MUSIC_DIR")
    downloads_root = config.get_path("SLSKD_DOWNLOADS_DIR")
    done_before = _already_organised(download, music_root)
    if done_before:
        # Re-run: the file is in place; a leftover source (crash before its removal) is
        # looked up once so the move can finish by deleting it.
        source = locate(downloads_root, download.filename, download.size)
    else:
        source = _locate(download, downloads_root, sleep)
    if not done_before and source is None:
        return _finish(download, Download.Pipeline.FAILED, error=NOT_FOUND, organised=False)
    if source is not None:
        _update(download, local_path=str(source))
    try:
        target = _organise(download, source, music_root)
    except OrganiseError as exc:
        _update(download, organized_path=None)
        error = str(exc) if str(exc) == NOT_FOUND else f"organise failed: {exc}"
        return _finish(download, Download.Pipeline.FAILED, error=error, organised=False)
    _update(download, organized_path=str(target), progress=100.0)
    _enrich(download)
    _import(download, target)
    return _finish(download, Download.Pipeline.DONE)


def _already_organised(download: Download, music_root: Path) -> bool:
    """A re-run whose file already sits at its organised place (SPEC §8.1: not moved again)."""
    if not download.organized_path:
        return False
    path = Path(download.organized_path)
    try:
        inside(path, music_root)
    except (UnsafePath, OSError):
        return False
    return is_regular_file(path)


def _locate(download: Download, root: Path, sleep: Callable[[float], None]) -> Path | None:
    for attempt in range(LOCATE_ATTEMPTS):
        found = locate(root, download.filename, download.size)
        if found is not None:
            return found
        if attempt + 1 < LOCATE_ATTEMPTS:
            sleep(LOCATE_DELAY)
    logger.warning("download %s: %s (%s)", download.pk, NOT_FOUND, download.filename)
    return None


def _metadata(download: Download) -> dict[str, Any]:
    payload = download.request_payload or {}
    file = payload.get("file") if isinstance(payload.get("file"), dict) else {}
    metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
    return {**file, **metadata}


def _organise(download: Download, source: Path | None, music_root: Path) -> Path:
    """Plan (and record) the target before moving, so a crashed move is finished, not doubled."""
    name = library_name(download.filename, _metadata(download))
    for _ in range(2):
        if download.organized_path:
            target = Path(download.organized_path)
        else:
            target = plan_target(music_root, name)
            _update(download, organized_path=str(target))
        try:
            return move_into_library(source, target, music_root).target
        except TargetTaken:
            _update(download, organized_path=None)
    raise OrganiseError("target name keeps being taken")


def _enrich(download: Download) -> None:
    try:
        run_enrichment(download)
    except Exception:
        # The plug point must not stop the import (SPEC §5.4 failure isolation).
        logger.exception("enrichment of download %s failed", download.pk)


def _import(download: Download, target: Path) -> None:
    """beets singleton import: imported / skipped (beets unavailable) / failed (SPEC §5.4)."""
    try:
        from integrations.clients.beets import import_file
    except ImportError:
        logger.warning("beets client not installed; import of download %s skipped", download.pk)
        _update(download, import_status=Download.Import.SKIPPED)
        return
    try:
        result = import_file(str(target))
    except ServiceUnavailable:
        _update(download, import_status=Download.Import.SKIPPED)
        return
    except HarmonyError as exc:
        _import_failed(download, exc.detail if isinstance(exc.detail, str) else "rejected")
        return
    except Exception as exc:
        logger.exception("beets import of download %s failed", download.pk)
        _import_failed(download, str(exc))
        return
    if getattr(result, "success", True):
        _update(download, import_status=Download.Import.IMPORTED)
    else:
        _import_failed(download, getattr(result, "message", "") or "beets reported a failure")


def _import_failed(download: Download, detail: str) -> None:
    _update(
        download,
        import_status=Download.Import.FAILED,
        last_error=clip(f"beets import failed: {detail}"),
    )


def _finish(
    download: Download, status: str, *, error: str | None = None, organised: bool = True
) -> str:
    fields: dict[str, Any] = {"pipeline_status": status}
    if error is not None:
        fields["last_error"] = clip(error)
    _update(download, **fields)
    download.refresh_from_db()
    record(
        ev.DOWNLOAD,
        ev.COMPLETED,
        {
            "download_id": download.pk,
            "filename": download.filename,
            "username": download.username,
            "organized_path": download.organized_path if organised else None,
            "has_artwork": download.has_artwork,
            "import_status": download.import_status,
        },
    )
    return status


def recover_pipelines(limit: int = 100) -> int:
    """Re-enqueue pipelines stuck `running` for 10 min or never started (SPEC §5.0 recovery)."""
    now = timezone.now()
    stale = Download.objects.filter(
        status=Download.Status.COMPLETED,
        pipeline_status=Download.Pipeline.RUNNING,
        pipeline_started_at__lt=now - STALE_RUNNING,
    )
    stale_ids = list(stale.values_list("pk", flat=True)[:limit])
    Download.objects.filter(pk__in=stale_ids, pipeline_status=Download.Pipeline.RUNNING).update(
        **touch(now, pipeline_status=Download.Pipeline.PENDING)
    )
    lost_ids = list(
        Download.objects.filter(
            status=Download.Status.COMPLETED,
            pipeline_status=Download.Pipeline.PENDING,
            completed_at__lt=now - LOST_PENDING,
        ).values_list("pk", flat=True)[:limit]
    )
    ids = sorted(set(stale_ids) | set(lost_ids))
    for download_id in ids:
        queue.enqueue("downloads.tasks.run_completion", download_id)
    return len(ids)
