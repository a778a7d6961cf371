"""The dispatcher: enqueues due worker cycles and writes heartbeats (SPEC §5.0–§5.1).

It runs as a thread in the `qcluster` main process. Only the holder of the `dispatcher` lease
acts; other clusters stand by and take over when the holder's lease expires.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone

from core import config
from core.workers import heartbeat, leases
from core.workers.registry import WORKERS, WorkerSpec, run_recovery_hooks

logger = logging.getLogger(__name__)

LEASE = "dispatcher"
LEASE_TTL = 10.0
TICK_SECONDS = 0.5
STALE_CLAIM = timedelta(minutes=10)


class Dispatcher:
    """Decides what is due; `tick()` is one step (tests call it directly)."""

    def __init__(self, enqueue=None, owner: str = leases.PROCESS_OWNER) -> None:
        self.owner = owner
        self.enqueue = enqueue or _async_cycle
        self.holding = False
        self.next_run: dict[str, float] = {}
        self.intervals: dict[str, float | None] = {}
        self.last_beat = 0.0

    def tick(self, now: float | None = None) -> None:
        """Renew or take the lease; when held, enqueue due cycles and heartbeat."""
        now = time.monotonic() if now is None else now
        if not leases.acquire(LEASE, LEASE_TTL, self.owner):
            self.holding = False
            return
        if not self.holding:
            self.holding = True
            self._on_lease_acquired(now)
        for spec in WORKERS.values():
            if now >= self.next_run.get(spec.name, now):
                self._dispatch(spec, now)
        if now - self.last_beat >= config.get_int("WORKER_HEARTBEAT_SECONDS", 15):
            for name in _heartbeat_workers():
                heartbeat.beat(name)
            self.last_beat = now

    def _dispatch(self, spec: WorkerSpec, now: float) -> None:
        self.enqueue(spec.name)
        interval = spec.interval(self.intervals.get(spec.name))
        self.intervals[spec.name] = interval
        self.next_run[spec.name] = now + interval

    def _on_lease_acquired(self, now: float) -> None:
        """Lifecycle events and restart recovery (SPEC §5.0 "Restart recovery")."""
        for name in _heartbeat_workers():
            heartbeat.mark_started(name)
        self.last_beat = now
        recover_stale_claims()
        run_recovery_hooks()
        for spec in WORKERS.values():
            first = now if spec.run_at_start else now + spec.interval(None)
            self.next_run.setdefault(spec.name, first)

    def shutdown(self) -> None:
        """Graceful stop: mark every worker stopped and give the lease up."""
        if not self.holding:
            return
        for name in _heartbeat_workers():
            heartbeat.mark_stopped(name)
        leases.release(LEASE, self.owner)
        self.holding = False


def _heartbeat_workers() -> list[str]:
    return list(dict.fromkeys([*heartbeat.STATUS_WORKERS, *WORKERS]))


def _async_cycle(worker: str) -> None:
    from django_q.tasks import async_task

    async_task("core.workers.registry.run_cycle", worker, task_name=f"harmony:{worker}")


def recover_stale_claims() -> int:
    """Re-queue jobs whose claim is older than 10 min or whose lease expired (T45, T52)."""
    from core.models import WorkerJob

    now = timezone.now()
    stale = WorkerJob.objects.filter(state=WorkerJob.State.RUNNING).filter(
        claimed_at__lt=now - STALE_CLAIM
    ) | WorkerJob.objects.filter(state=WorkerJob.State.RUNNING, lease_until__lt=now)
    return stale.update(state=WorkerJob.State.QUEUED, claimed_by=None, lease_until=None)


def run_watchdog() -> None:
    """Safety-net schedule: dispatch due cycles when no dispatcher has held the lease for 60 s."""
    expired = leases.expired_for(LEASE)
    if expired is not None and expired <= 60:
        return
    for spec in WORKERS.values():
        _async_cycle(spec.name)


class DispatcherThread(threading.Thread):
    """Runs `Dispatcher.tick` every 0.5 s until stopped."""

    def __init__(self) -> None:
        super().__init__(name="harmony-dispatcher", daemon=True)
        self.dispatcher = Dispatcher()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.dispatcher.tick()
            except Exception:
                logger.exception("dispatcher tick failed")
            finally:
                close_old_connections()
            self.stopping.wait(TICK_SECONDS)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
        try:
            self.dispatcher.shutdown()
        finally:
            close_old_connections()
