"""The shared, persistent Soulseek search budget (SPEC §9.1 searches; RELIABILITY T53).

The Soulseek server bans an account for 30 minutes after about 35 searches in 220 seconds, so
every search of every worker and endpoint, in every process, takes a slot here first. Each
search is a `SoulseekSearch` row:

* `waiting` rows queue by lane (manual > saved > playlist > watchlist), then age. While a row
  waits, `finished_at` holds the moment its waiter gives up; a waiting row past that moment
  belongs to a process that died and is reaped, so it cannot block the queue.
* A waiting row is admitted (`running`, `started_at = now`) when it is the head of the queue,
  fewer than `SOULSEEK_SEARCH_BUDGET` rows started within the last
  `SOULSEEK_SEARCH_WINDOW_SEC`, and the last start is at least `SOULSEEK_SEARCH_MIN_GAP_SEC`
  ago. The `started_at` values are the sliding window, whatever the row's later state.
* Admission is a conditional UPDATE in a short transaction under a database lease, so two
  clusters (PostgreSQL under READ COMMITTED included) never both admit past the budget.

Time comes from the `clock` and `sleep` parameters, so tests drive it without sleeping.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from django.db import DatabaseError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core import config
from core.errors import UpstreamRateLimited
from core.timefmt import iso_z
from core.workers import leases
from integrations.models import SoulseekSearch

logger = logging.getLogger("harmony.integrations.search_budget")

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]

ADMISSION_LEASE = "soulseek-search-admission"
ADMISSION_LEASE_TTL = 10.0
# Waiters re-check at least this often (a higher lane may arrive) and at most this often.
POLL_MIN = 0.05
POLL_MAX = 1.0
# A waiting row this long past its waiter's deadline belongs to a dead process.
ABANDON_GRACE = timedelta(seconds=2 * POLL_MAX)
# A running search older than this belongs to a dead process; it only leaves `running`.
STALE_RUNNING = timedelta(hours=1)
EXHAUSTED = "soulseek: search budget exhausted"
ABANDONED = "abandoned: the waiting process is gone"
_WAITING = SoulseekSearch.State.WAITING
_RUNNING = SoulseekSearch.State.RUNNING


class QueueStats(TypedDict):
    """Budget snapshot for `/status` and the dashboard."""

    waiting: int
    running: int
    window_used: int
    budget: int
    estimated_finish: str | None


@dataclass(frozen=True)
class Limits:
    """The effective budget settings, read at use time (SPEC §7.1)."""

    budget: int
    window: timedelta
    gap: timedelta

    @classmethod
    def current(cls) -> Limits:
        return cls(
            budget=max(1, config.get_int("SOULSEEK_SEARCH_BUDGET", 34)),
            window=timedelta(seconds=max(1, config.get_int("SOULSEEK_SEARCH_WINDOW_SEC", 220))),
            gap=timedelta(seconds=max(0, config.get_int("SOULSEEK_SEARCH_MIN_GAP_SEC", 2))),
        )


def acquire_slot(
    query: str,
    lane: int,
    requested_by: str,
    deadline: datetime,
    *,
    clock: Clock = timezone.now,
    sleep: Sleep = time.sleep,
) -> SoulseekSearch:
    """Queue a search and block until the budget admits it; returns the `running` row.

    Raises `UpstreamRateLimited` (→ 502, workers re-schedule) when `deadline` (an aware
    datetime) passes first; the row is then `failed` with the reason. Call it outside any
    transaction: the other processes must see the waiting row.
    """
    row = SoulseekSearch.objects.create(
        query=query[:1024],
        lane=lane,
        requested_by=requested_by[:64],
        created_at=clock(),
        finished_at=deadline,
    )
    try:
        while True:
            wait = _try_admit(row.pk, clock)
            if wait is None:
                row.refresh_from_db()
                return row
            remaining = (deadline - clock()).total_seconds()
            if remaining <= 0:
                raise UpstreamRateLimited("soulseek", EXHAUSTED, retry_after=max(wait, POLL_MIN))
            sleep(min(max(wait, POLL_MIN), POLL_MAX, remaining))
    except BaseException as exc:
        # Leave no waiting row behind to block the queue (a timeout, a DB error, Ctrl-C).
        _give_up(row.pk, EXHAUSTED if isinstance(exc, UpstreamRateLimited) else ABANDONED, clock)
        raise


def _give_up(pk: int, reason: str, clock: Clock) -> None:
    try:
        SoulseekSearch.objects.filter(pk=pk, state=_WAITING).update(
            state=SoulseekSearch.State.FAILED, error=reason, finished_at=clock()
        )
    except DatabaseError:
        logger.warning("could not withdraw waiting Soulseek search %s", pk, exc_info=True)


def finish(
    row: SoulseekSearch,
    *,
    result_count: int = 0,
    error: str | None = None,
    search_id: str | None = None,
    clock: Clock = timezone.now,
) -> None:
    """Close an admitted search: `done` with its result count, or `failed` with the error.

    Its `started_at` stays, so it keeps counting against the window either way.
    """
    row.state = SoulseekSearch.State.FAILED if error else SoulseekSearch.State.DONE
    row.result_count = max(0, result_count)
    row.error = error[:512] if error else None
    row.finished_at = clock()
    fields = ["state", "result_count", "error", "finished_at"]
    if search_id:
        row.search_id = search_id[:64]
        fields.append("search_id")
    SoulseekSearch.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in fields})


def queue_stats(*, clock: Clock = timezone.now) -> QueueStats:
    """Waiting and running searches, the window's use and when the queue should be empty."""
    now = clock()
    limits = Limits.current()
    waiting = _live_waiting(now).count()
    running = SoulseekSearch.objects.filter(
        state=_RUNNING, started_at__gt=now - STALE_RUNNING
    ).count()
    starts = list(
        SoulseekSearch.objects.filter(started_at__gt=now - limits.window)
        .order_by("started_at")
        .values_list("started_at", flat=True)
    )
    finish_at = _estimate_finish(now, starts, waiting, limits) if waiting else None
    return {
        "waiting": waiting,
        "running": running,
        "window_used": len(starts),
        "budget": limits.budget,
        "estimated_finish": iso_z(finish_at),
    }


def _live_waiting(now: datetime, keep: int | None = None) -> QuerySet[SoulseekSearch]:
    """Waiting rows whose waiter is still there (`keep`: the caller's own row, always live)."""
    alive = Q(finished_at__isnull=True) | Q(finished_at__gte=now - ABANDON_GRACE)
    if keep is not None:
        alive |= Q(pk=keep)
    return SoulseekSearch.objects.filter(alive, state=_WAITING)


def _try_admit(pk: int, clock: Clock) -> float | None:
    """Admit row `pk` if the budget allows it now: None when admitted, else seconds to wait.

    A contended database ("locked") counts as "not now": the waiter simply polls again.
    """
    owner = f"{leases.PROCESS_OWNER}:{uuid.uuid4().hex[:8]}"
    try:
        if not leases.acquire(ADMISSION_LEASE, ADMISSION_LEASE_TTL, owner):
            return POLL_MIN
    except OperationalError as exc:
        if not _contended(exc):
            raise
        return POLL_MIN
    try:
        return _admit_if_due(pk, clock)
    except OperationalError as exc:
        if not _contended(exc):
            raise
        return POLL_MIN
    finally:
        try:
            leases.release(ADMISSION_LEASE, owner)
        except DatabaseError:
            logger.warning("could not release %s; it expires by itself", ADMISSION_LEASE)


def _admit_if_due(pk: int, clock: Clock) -> float | None:
    with transaction.atomic():
        now = clock()
        _reap(now, keep=pk)
        head = (
            _live_waiting(now, keep=pk)
            .order_by("-lane", "created_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if head != pk:
            return POLL_MAX / 2
        wait = _seconds_until_room(now, Limits.current())
        if wait > 0:
            return wait
        admitted = SoulseekSearch.objects.filter(pk=pk, state=_WAITING).update(
            state=_RUNNING, started_at=now, finished_at=None
        )
        return None if admitted else POLL_MIN


def _contended(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "database table is locked": another writer is busy."""
    return "locked" in str(exc)


def _reap(now: datetime, keep: int) -> None:
    """Fail rows whose process died: waiting past their deadline, running for too long."""
    SoulseekSearch.objects.filter(state=_WAITING, finished_at__lt=now - ABANDON_GRACE).exclude(
        pk=keep
    ).update(state=SoulseekSearch.State.FAILED, error=ABANDONED)
    SoulseekSearch.objects.filter(state=_RUNNING, started_at__lte=now - STALE_RUNNING).update(
        state=SoulseekSearch.State.FAILED, error=ABANDONED, finished_at=now
    )


def _seconds_until_room(now: datetime, limits: Limits) -> float:
    """0 when a search may start now; else how long until the window and the gap allow one."""
    recent = list(
        SoulseekSearch.objects.filter(started_at__gt=now - limits.window)
        .order_by("-started_at")
        .values_list("started_at", flat=True)[: limits.budget]
    )
    wait = 0.0
    if recent and limits.gap:
        wait = max(wait, (recent[0] + limits.gap - now).total_seconds())
    if len(recent) >= limits.budget:
        wait = max(wait, (recent[limits.budget - 1] + limits.window - now).total_seconds())
    return wait


def _estimate_finish(
    now: datetime, starts: list[datetime], waiting: int, limits: Limits
) -> datetime:
    """When the last of `waiting` searches would start, admitting each as early as allowed."""
    starts = sorted(starts)
    moment = now
    for _ in range(waiting):
        if starts:
            moment = max(moment, starts[-1] + limits.gap)
        if len(starts) >= limits.budget:
            moment = max(moment, starts[-limits.budget] + limits.window)
        starts.append(moment)
    return moment
