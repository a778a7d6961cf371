"""Heartbeats, lifecycle events and metrics of workers (SPEC §5.1)."""

from __future__ import annotations

from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core.models import Setting
from core.settings_store import increment_metric, write_system
from core.timefmt import iso_offset, iso_z

# The five workers `/status` reports, in the documented order (SPEC §2.1).
STATUS_WORKERS = ("sync", "matching", "scan", "playlist", "autosync")


def status_key(worker: str) -> str:
    return f"worker:{worker}:status"


def last_seen_key(worker: str) -> str:
    return f"worker:{worker}:last_seen"


def beat(worker: str, status: str = "running") -> None:
    """Write `worker:<name>:last_seen` (ISO `+00:00`) and `worker:<name>:status`."""
    write_system(last_seen_key(worker), iso_offset(timezone.now()))
    write_system(status_key(worker), status)


def stored_status(worker: str) -> str | None:
    return Setting.objects.filter(key=status_key(worker)).values_list("value", flat=True).first()


def mark_started(worker: str) -> None:
    """Record `worker/started`, or `worker/restarted` after a stop or a stale episode."""
    now = timezone.now()
    previous = stored_status(worker)
    if previous in ("stopped", "stale"):
        record(
            ev.WORKER,
            ev.RESTARTED,
            {"worker": worker, "timestamp": iso_z(now), "previous_status": previous},
        )
    else:
        record(ev.WORKER, ev.STARTED, {"worker": worker, "timestamp": iso_z(now)})
    write_system(f"worker.{worker}.last_start", iso_offset(now))
    beat(worker)


def mark_stopped(worker: str, reason: str = "shutdown") -> None:
    """Graceful shutdown: status `stopped`, `last_stop`, event `worker/stopped`."""
    now = timezone.now()
    write_system(status_key(worker), "stopped")
    write_system(f"worker.{worker}.last_stop", iso_offset(now))
    record(ev.WORKER, ev.STOPPED, {"worker": worker, "timestamp": iso_z(now), "reason": reason})


def metric(worker: str, name: str, value: object) -> None:
    """Set `metrics.<worker>.<name>`."""
    write_system(f"metrics.{worker}.{name}", value)


def count(worker: str, name: str, by: float = 1) -> None:
    """Atomically increment `metrics.<worker>.<name>`."""
    increment_metric(f"metrics.{worker}.{name}", by)
