"""The on-demand metadata refresh (SPEC §2.2, §5.10, §11 D26).

`POST /api/metadata/update` creates a `MetadataRefreshRun` and enqueues its task; each task run
does one batch and re-enqueues itself until the run ends: `Preparing` → `Scanning library`
(one Plex scan cycle) → `Refreshing downloads` (the §8.2 collect + tag write for every
completed download whose organised file exists, 25 per task) → `Reconciling matches` →
`Completed`. Progress (`processed`, `cursor`, `phase`) is written to the row after every unit,
so the status survives a page reload and a run left `running` by a dead worker continues from
its cursor when its task runs again. A stop request is honoured before the next unit.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, TypedDict

from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core.errors import Conflict
from core.models import WorkerJob
from core.timefmt import iso_z
from core.workers import leases, queue
from downloads.enrichment_hook import enrich_metadata
from downloads.models import Download, MetadataRefreshRun

logger = logging.getLogger(__name__)

TASK = "downloads.enrichment_tasks.run_metadata_refresh"
BATCH = 25
RUN_LEASE_TTL = 600.0
START_LEASE = "metadata-refresh:start"

IDLE = "Idle"
PREPARING = "Preparing"
SCANNING = "Scanning library"
REFRESHING = "Refreshing downloads"
RECONCILING = "Reconciling matches"
STOPPING = "Stopping current task"
STOPPED = "Stopped by user"
COMPLETED = "Completed"
ERROR = "Error"

Run = MetadataRefreshRun


class RefreshState(TypedDict):
    """The state object of SPEC §2.2."""

    status: str
    phase: str
    processed: int
    matching_queue: int
    started_at: str | None
    completed_at: str | None
    error: str | None


def matching_queue() -> int:
    """Matching jobs waiting or running right now (live, SPEC §2.2)."""
    waiting = (*WorkerJob.WAITING, WorkerJob.State.RUNNING)
    return WorkerJob.objects.filter(worker=WorkerJob.Worker.MATCHING, state__in=waiting).count()


def latest_run() -> MetadataRefreshRun | None:
    return Run.objects.order_by("-started_at", "-id").first()


def state_of(run: MetadataRefreshRun | None) -> RefreshState:
    """The run's state object; the idle object when there is no run."""
    if run is None:
        return RefreshState(
            status="idle",
            phase=IDLE,
            processed=0,
            matching_queue=matching_queue(),
            started_at=None,
            completed_at=None,
            error=None,
        )
    return RefreshState(
        status=run.status,
        phase=run.phase,
        processed=run.processed,
        matching_queue=matching_queue(),
        started_at=iso_z(run.started_at),
        completed_at=iso_z(run.completed_at),
        error=run.error,
    )


def current_state() -> RefreshState:
    """`GET /api/metadata/status`."""
    return state_of(latest_run())


def start_refresh() -> RefreshState:
    """`POST /api/metadata/update`: 409 + `metadata/already_running` while a run is active."""
    owner = f"{leases.PROCESS_OWNER}:{uuid.uuid4().hex[:8]}"
    with leases.held(START_LEASE, ttl=30, owner=owner) as ours:
        if not ours or Run.objects.filter(status__in=Run.ACTIVE_STATUSES).exists():
            record(ev.METADATA, ev.ALREADY_RUNNING, {})
            raise Conflict("Metadata update already running")
        run = Run.objects.create(status=Run.Status.RUNNING, phase=PREPARING)
    state = state_of(run)
    queue.enqueue(TASK, run.pk, task_name=f"harmony:metadata-refresh:{run.pk}")
    record(ev.METADATA, ev.STARTED, {"state": state})
    return state


def stop_refresh() -> RefreshState:
    """`POST /api/metadata/stop`: flag the active run; the task stops before its next unit."""
    run = Run.objects.filter(status__in=Run.ACTIVE_STATUSES).order_by("-started_at", "-id").first()
    if run is not None:
        stopped = Run.objects.filter(pk=run.pk, status__in=Run.ACTIVE_STATUSES).update(
            stop_requested=True, status=Run.Status.STOPPING, phase=STOPPING
        )
        if stopped:
            run.refresh_from_db()
            state = state_of(run)
            record(ev.METADATA, ev.STOPPED, {"state": state})
            return state
    return current_state()


def resume_interrupted() -> int:
    """Re-enqueue every active run (restart recovery, SPEC §5.0); returns how many."""
    ids = list(Run.objects.filter(status__in=Run.ACTIVE_STATUSES).values_list("pk", flat=True))
    for run_id in ids:
        queue.enqueue(TASK, run_id, task_name=f"harmony:metadata-refresh:{run_id}")
    return len(ids)


# The task


def run_batch(run_id: int) -> bool:
    """One task's worth of work on run `run_id`; True when it re-enqueued itself for more.

    A lease per run keeps two workers off the same run; a task for a finished or unknown run
    returns at once.
    """
    name, owner = f"metadata-refresh:{run_id}", f"{leases.PROCESS_OWNER}:{uuid.uuid4().hex[:8]}"
    if not leases.acquire(name, RUN_LEASE_TTL, owner):
        return False
    try:
        more = _advance(run_id, lambda: leases.renew(name, RUN_LEASE_TTL, owner))
    except Exception as exc:
        logger.exception("metadata refresh %s failed", run_id)
        _fail(run_id, str(exc) or type(exc).__name__)
        more = False
    finally:
        leases.release(name, owner)
    if more:
        queue.enqueue(TASK, run_id, task_name=f"harmony:metadata-refresh:{run_id}")
    return more


def _eligible() -> Any:
    return (
        Download.objects.filter(status=Download.Status.COMPLETED, organized_path__isnull=False)
        .exclude(organized_path="")
        .order_by("pk")
    )


def _save(run: MetadataRefreshRun, **fields: Any) -> bool:
    """Persist progress; False when a stop request arrived meanwhile."""
    for name, value in fields.items():
        setattr(run, name, value)
    if Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING, stop_requested=False).update(
        **fields
    ):
        return True
    counters = {k: v for k, v in fields.items() if k in ("processed", "cursor", "total")}
    if counters:
        Run.objects.filter(pk=run.pk).update(**counters)
    return False


def _stop_requested(run: MetadataRefreshRun) -> bool:
    return Run.objects.filter(pk=run.pk, stop_requested=True).exists()


def _advance(run_id: int, renew: Any) -> bool:
    run = Run.objects.filter(pk=run_id).first()
    if run is None or run.status not in Run.ACTIVE_STATUSES:
        return False
    if run.stop_requested:
        return _stopped(run)
    if run.phase == PREPARING and not _save(run, phase=SCANNING, total=1 + _eligible().count()):
        return _stopped(run)
    if run.phase == SCANNING:
        from integrations.scan_worker import run_scan_cycle

        run_scan_cycle()  # records its own failures (SPEC §5.6); the refresh goes on
        if not _save(run, processed=run.processed + 1, phase=REFRESHING, cursor=0):
            return _stopped(run)
    if run.phase == REFRESHING:
        batch = list(_eligible().filter(pk__gt=run.cursor)[:BATCH])
        for download in batch:
            if _stop_requested(run):
                return _stopped(run)
            processed = run.processed
            if download.organized_path and Path(download.organized_path).is_file():
                enrich_metadata(download)
                processed += 1
            if not _save(run, processed=processed, cursor=download.pk):
                return _stopped(run)
            renew()
        if len(batch) == BATCH:
            return True
        if not _save(run, phase=RECONCILING):
            return _stopped(run)
    if run.phase == RECONCILING:
        _complete(run)
    return False


def _stopped(run: MetadataRefreshRun) -> bool:
    Run.objects.filter(pk=run.pk, status__in=Run.ACTIVE_STATUSES).update(
        status=Run.Status.STOPPED, phase=STOPPED, completed_at=timezone.now()
    )
    return False


def _complete(run: MetadataRefreshRun) -> None:
    now = timezone.now()
    done = Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING, stop_requested=False).update(
        status=Run.Status.COMPLETED,
        phase=COMPLETED,
        matching_queue=matching_queue(),
        completed_at=now,
    )
    if not done:
        _stopped(run)
        return
    duration_ms = int((now - run.started_at).total_seconds() * 1000)
    record(ev.METADATA, ev.COMPLETED, {"processed": run.processed, "duration_ms": duration_ms})


def _fail(run_id: int, error: str) -> None:
    Run.objects.filter(pk=run_id, status__in=Run.ACTIVE_STATUSES).update(
        status=Run.Status.ERROR, phase=ERROR, error=error[:2000], completed_at=timezone.now()
    )
    record(ev.METADATA, ev.FAILED, {"error": error[:500]})
