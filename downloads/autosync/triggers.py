"""Starting runs: `POST /api/sync`, `manage.py sync` and the AutoSync schedule (SPEC §2.3, §5.8)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import Conflict, MissingCredentials
from core.models import Setting
from core.settings_store import write_system
from core.workers import leases, queue
from downloads.models import SyncRun

SERVICES = ("spotify", "plex", "soulseek")
NEXT_RUN_KEY = "worker.autosync.next_run_at"


def trigger_manual() -> SyncRun:
    """Create a manual run; 503 + `sync_blocked` without credentials, 409 while one is active."""
    missing = config.missing_for(*SERVICES)
    if missing:
        record(ev.SYNC, ev.SYNC_BLOCKED, {"missing": missing})
        raise MissingCredentials(missing, "Sync blocked")
    run = _create(SyncRun.Trigger.MANUAL)
    queue.nudge("autosync")
    return run


def _create(trigger: str) -> SyncRun:
    """At most one active run: the check and the insert happen under a short lease (T58)."""
    with leases.held("sync-trigger", ttl=30) as acquired:
        if not acquired:
            raise Conflict("Sync already running")
        active = SyncRun.objects.filter(status__in=SyncRun.ACTIVE_STATUSES).first()
        if active is not None:
            raise Conflict("Sync already running", run_id=active.pk)
        with transaction.atomic():
            return SyncRun.objects.create(trigger=trigger, status=SyncRun.Status.QUEUED)


def schedule_due(now: datetime | None = None) -> bool:
    """True when the periodic run is due; the first one comes one interval after start."""
    now = now or timezone.now()
    interval = timedelta(seconds=config.get_int("AUTOSYNC_INTERVAL_SECONDS", 86400))
    stored = Setting.objects.filter(key=NEXT_RUN_KEY).values_list("value", flat=True).first()
    due_at = _parse(stored)
    if due_at is None:
        write_system(NEXT_RUN_KEY, (now + interval).isoformat())
        return False
    if now < due_at:
        return False
    # One run per due time, also after long downtime (no catch-up bursts, T53).
    write_system(NEXT_RUN_KEY, (now + interval).isoformat())
    return True


def trigger_scheduled() -> SyncRun | None:
    """The periodic run: blocked without credentials, skipped while another run is active."""
    missing = config.missing_for(*SERVICES)
    if missing:
        run = SyncRun.objects.create(
            trigger=SyncRun.Trigger.SCHEDULED,
            status=SyncRun.Status.BLOCKED,
            finished_at=timezone.now(),
        )
        record(ev.AUTOSYNC, ev.AUTOSYNC_BLOCKED, {"trigger": "scheduled", "missing": missing})
        return run
    try:
        return _create(SyncRun.Trigger.SCHEDULED)
    except Conflict:
        return None


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
