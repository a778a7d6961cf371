"""The `autosync` worker cycle: start due runs, advance the active one (SPEC §5.0, §5.8)."""

from __future__ import annotations

import logging

from django.utils import timezone

from downloads.autosync import reporting, runner, triggers
from downloads.models import SyncRun

logger = logging.getLogger(__name__)


def run_autosync_cycle() -> SyncRun | None:
    """One step: maybe create the scheduled run, then move the active run one step forward."""
    if triggers.schedule_due():
        triggers.trigger_scheduled()
    run = SyncRun.objects.filter(status__in=SyncRun.ACTIVE_STATUSES).order_by("created_at").first()
    if run is None:
        return None
    step(run)
    return run


def step(run: SyncRun) -> None:
    """queued → start; running → next chunk (or resume an interrupted start); waiting → check."""
    try:
        if run.status == SyncRun.Status.QUEUED:
            runner.start_run(run)
        elif run.status == SyncRun.Status.RUNNING:
            if "wanted" not in (run.counters or {}):
                # The start was interrupted (crash/restart): it is safe to repeat, because
                # tracks with a live download are excluded from the plan.
                runner.start_run(run)
            else:
                runner.advance_run(run)
        elif run.status == SyncRun.Status.WAITING:
            runner.check_waiting(run)
    except Exception as exc:
        logger.exception("sync run %s failed", run.pk)
        run.refresh_from_db()
        run.status = SyncRun.Status.FAILED
        run.errors = [*(run.errors or []), {"source": "harmony", "message": type(exc).__name__}]
        run.save(update_fields=["status", "errors"])
        reporting.finalise(run)


def drive(run: SyncRun, *, until_waiting: bool = True) -> SyncRun:
    """Run steps in-process until the run waits for downloads (or finished): `manage.py sync`."""
    while True:
        run.refresh_from_db()
        if run.status not in SyncRun.ACTIVE_STATUSES:
            return run
        if run.status == SyncRun.Status.WAITING and until_waiting:
            return run
        step(run)
        if run.status == SyncRun.Status.WAITING and run.deadline and timezone.now() > run.deadline:
            return run
