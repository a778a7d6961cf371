"""System status, credential health and host statistics (SPEC §2.1)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import harmony
from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import ServiceUnavailable
from core.keys import CREDENTIALS
from core.models import Setting, WorkerJob
from core.timefmt import iso_z
from core.workers import leases
from core.workers.heartbeat import STATUS_WORKERS, last_seen_key, status_key

STARTED_AT = time.monotonic()


def _queue_size(worker: str) -> Any:
    from downloads.models import Download, SyncRun

    if worker == "sync":
        return Download.objects.active().count()
    if worker == "matching":
        return WorkerJob.objects.filter(
            worker=WorkerJob.Worker.MATCHING,
            state__in=[WorkerJob.State.QUEUED, WorkerJob.State.RUNNING],
        ).count()
    if worker == "autosync":
        scheduled = SyncRun.objects.filter(status=SyncRun.Status.QUEUED).count()
        if not settings.HARMONY_DISABLE_WORKERS and leases.is_held("dispatcher"):
            scheduled += 1
        running = SyncRun.objects.filter(
            status__in=[SyncRun.Status.RUNNING, SyncRun.Status.WAITING]
        ).count()
        return {"scheduled": scheduled, "running": running}
    return "n/a"


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def worker_status(worker: str, rows: dict[str, str | None]) -> dict[str, Any]:
    """Resolve one worker: stopped → stopped; never seen → stopped; too old → stale (§2.1)."""
    stored = rows.get(status_key(worker))
    last_seen_raw = rows.get(last_seen_key(worker))
    last_seen = _parse(last_seen_raw)
    if stored == "stopped" or last_seen is None:
        status = "stopped"
    else:
        threshold = float(config.get_int("WORKER_STALE_SECONDS", 60))
        elapsed = (timezone.now() - last_seen).total_seconds()
        status = "stale" if elapsed > threshold else (stored or "running")
        if status == "stale" and stored != "stale":
            _mark_stale(worker, last_seen_raw or "", threshold, elapsed)
    return {"status": status, "last_seen": last_seen_raw, "queue_size": _queue_size(worker)}


def _mark_stale(worker: str, last_seen: str, threshold: float, elapsed: float) -> None:
    """Store `stale` and record the event once per stale episode (conditional update)."""
    with transaction.atomic():
        changed = (
            Setting.objects.filter(key=status_key(worker))
            .exclude(value__in=["stale", "stopped"])
            .update(value="stale", updated_at=timezone.now())
        )
        if changed:
            record(
                ev.WORKER,
                ev.STALE,
                {
                    "worker": worker,
                    "timestamp": iso_z(timezone.now()),
                    "last_seen": last_seen,
                    "threshold_seconds": threshold,
                    "elapsed_seconds": round(elapsed, 1),
                },
            )


def system_status() -> dict[str, Any]:
    """The body of `GET /status` (no network calls)."""
    keys = [k(w) for w in STATUS_WORKERS for k in (status_key, last_seen_key)]
    rows = dict(Setting.objects.filter(key__in=keys).values_list("key", "value"))
    return {
        "status": "ok",
        "version": harmony.__version__,
        "uptime_seconds": round(time.monotonic() - STARTED_AT, 2),
        "workers": {worker: worker_status(worker, rows) for worker in STATUS_WORKERS},
        "connections": {
            service: "ok" if not config.missing_credentials(service) else "fail"
            for service in CREDENTIALS
        },
        # Beyond the user's document (issue 7): the shared Soulseek search budget's queue.
        "search_queue": _search_queue(),
    }


def _search_queue() -> dict[str, Any]:
    from integrations.search_budget import queue_stats

    return dict(queue_stats())


def health(service: str) -> dict[str, Any]:
    """`GET /api/health/<service>`: credential presence only, no network calls."""
    missing = config.missing_credentials(service)
    return {
        "service": service,
        "status": "ok" if not missing else "fail",
        "missing": missing,
        "optional_missing": config.optional_missing(service),
    }


def system_stats() -> dict[str, Any]:
    """A psutil snapshot: CPU (non-blocking), memory, disk of MUSIC_DIR, network."""
    import psutil

    try:
        times = psutil.cpu_times_percent(interval=None)
        memory = psutil.virtual_memory()
        music_dir = config.get_path("MUSIC_DIR")
        disk = psutil.disk_usage(str(music_dir if music_dir.exists() else Path(settings.BASE_DIR)))
        net = psutil.net_io_counters()
        return {
            "cpu": {
                "percent": psutil.cpu_percent(interval=None),
                "cores": psutil.cpu_count(logical=True),
                "idle": times.idle,
                "user": times.user,
                "system": times.system,
            },
            "memory": {
                "total": memory.total,
                "available": memory.available,
                "percent": memory.percent,
                "used": memory.used,
                "free": memory.free,
            },
            "disk": {
                "total": disk.total,
                "used": disk.used,
                "free": disk.free,
                "percent": disk.percent,
            },
            "network": {
                "bytes_sent": net.bytes_sent if net else 0,
                "bytes_recv": net.bytes_recv if net else 0,
                "packets_sent": net.packets_sent if net else 0,
                "packets_recv": net.packets_recv if net else 0,
            },
        }
    except Exception as exc:
        raise ServiceUnavailable("System statistics unavailable") from exc
