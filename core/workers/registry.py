"""Worker registry: name → cycle function and interval (SPEC §5.0).

Every cycle is a plain importable function (tests call them directly). `run_cycle` wraps one
in the `cycle:<worker>` lease so a cycle never overlaps with itself across clusters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from core import config
from core.workers import leases

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSpec:
    """A periodic worker: its cycle (dotted path), interval source and maximum cycle time."""

    name: str
    cycle: str
    interval: Callable[[float | None], float]
    max_cycle_seconds: float = 300.0
    run_at_start: bool = True


def _setting_seconds(key: str, fallback: float) -> Callable[[float | None], float]:
    return lambda _previous: max(0.5, float(config.get_int(key, int(fallback))))


def _every(seconds: float) -> Callable[[float | None], float]:
    return lambda _previous: seconds


def _sync_interval(previous: float | None) -> float:
    """Base interval while downloads are active; idle cycles back off ×1.5 up to the idle value."""
    from downloads.models import Download

    base = max(0.5, float(config.get_int("SYNC_POLL_INTERVAL_SEC", 2)))
    idle = max(base, float(config.get_int("SYNC_IDLE_POLL_INTERVAL_SEC", 30)))
    if previous is None or Download.objects.active().exists():
        return base
    return min(idle, previous * 1.5)


WORKERS: dict[str, WorkerSpec] = {}

# Run once when a cluster takes the dispatcher lease (SPEC §5.0 "Restart recovery"): work that
# a dead cluster left half done is picked up again. Jobs, downloads and sync runs recover in
# their own cycles; one-off runs (metadata refresh) need a nudge.
RECOVERY_HOOKS = ("downloads.refresh.resume_interrupted",)


def run_recovery_hooks() -> None:
    for path in RECOVERY_HOOKS:
        module_name, _, func_name = path.rpartition(".")
        try:
            getattr(import_module(module_name), func_name)()
        except Exception:
            logger.exception("recovery hook %s failed", path)


def register(spec: WorkerSpec) -> None:
    WORKERS[spec.name] = spec


def load_cycle(spec: WorkerSpec) -> Callable[[], object] | None:
    """Import a cycle function; None (logged) when its module is not importable."""
    module_name, _, func_name = spec.cycle.rpartition(".")
    try:
        return getattr(import_module(module_name), func_name)
    except (ImportError, AttributeError):
        logger.exception("worker %s: cycle %s is not importable", spec.name, spec.cycle)
        return None


def run_cycle(worker: str) -> object:
    """django-q2 entry point: run one cycle of `worker` under its lease; skip if it runs elsewhere."""
    spec = WORKERS[worker]
    func = load_cycle(spec)
    if func is None:
        return None
    with leases.held(f"cycle:{worker}", ttl=spec.max_cycle_seconds) as acquired:
        if not acquired:
            return None
        return func()


def default_workers() -> list[WorkerSpec]:
    """The product's periodic workers (SPEC §5.0 table)."""
    return [
        WorkerSpec("sync", "downloads.tasks.run_sync_cycle", _sync_interval, 120),
        WorkerSpec(
            "retry",
            "downloads.tasks.run_retry_cycle",
            _setting_seconds("RETRY_SCAN_INTERVAL_SEC", 60),
            120,
        ),
        WorkerSpec("matching", "matching.tasks.run_matching_cycle", _every(5.0), 300),
        WorkerSpec(
            "scan",
            "integrations.scan_worker.run_scan_cycle",
            _setting_seconds("scan_worker_interval_seconds", 600),
            300,
        ),
        WorkerSpec(
            "playlist",
            "integrations.playlist_worker.run_playlist_cycle",
            _setting_seconds("PLAYLIST_SYNC_INTERVAL_SECONDS", 900),
            300,
        ),
        WorkerSpec("autosync", "downloads.autosync.cycle.run_autosync_cycle", _every(5.0), 550),
        WorkerSpec(
            "watchlist",
            "watchlist.tasks.run_watchlist_cycle",
            _setting_seconds("WATCHLIST_INTERVAL", 86400),
            550,
        ),
    ]


for _spec in default_workers():
    register(_spec)
