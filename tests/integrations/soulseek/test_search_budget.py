"""The shared, persistent Soulseek search budget (SPEC §9.1; RELIABILITY T53).

A fake clock drives time: `sleep` advances it, so waiting 220 s takes no real time.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from core.errors import UpstreamRateLimited
from integrations import search_budget
from integrations.models import SoulseekSearch
from tests.factories import SoulseekSearchFactory

Lane = SoulseekSearch.Lane
T0 = datetime(2025, 3, 18, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.moment = start
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def acquire(clock: FakeClock, lane: int = Lane.MANUAL, wait: float = 0.0, query: str = "q"):
    deadline = clock.now() + timedelta(seconds=wait)
    return search_budget.acquire_slot(
        query, lane, "test", deadline, clock=clock.now, sleep=clock.sleep
    )


def seed_started(count: int, at: datetime) -> None:
    for _ in range(count):
        SoulseekSearchFactory(state=SoulseekSearch.State.DONE, started_at=at, created_at=at)


def seed_waiting(lane: int, created_at: datetime, gives_up: datetime) -> SoulseekSearch:
    return SoulseekSearchFactory(
        state=SoulseekSearch.State.WAITING, lane=lane, created_at=created_at, finished_at=gives_up
    )


def test_a_full_budget_is_admitted_at_once(db, clock):
    rows = [acquire(clock) for _ in range(34)]

    assert {row.state for row in rows} == {SoulseekSearch.State.RUNNING}
    assert {row.started_at for row in rows} == {T0}
    assert clock.slept == []


def test_the_35th_search_waits_until_the_oldest_leaves_the_window(db, clock):
    seed_started(34, T0)

    row = acquire(clock, wait=300)

    assert row.state == SoulseekSearch.State.RUNNING
    assert T0 + timedelta(seconds=220) <= row.started_at <= T0 + timedelta(seconds=221)
    window = SoulseekSearch.objects.filter(
        started_at__gt=row.started_at - timedelta(seconds=220), started_at__lte=row.started_at
    )
    assert window.count() == 1


def test_a_search_that_cannot_start_before_its_deadline_fails(db, clock):
    seed_started(34, T0)

    with pytest.raises(UpstreamRateLimited) as caught:
        acquire(clock, wait=10, query="daft punk")

    assert caught.value.body() == {
        "detail": "soulseek: search budget exhausted",
        "service": "soulseek",
    }
    row = SoulseekSearch.objects.get(query="daft punk")
    assert (row.state, row.started_at) == (SoulseekSearch.State.FAILED, None)
    assert row.error == "soulseek: search budget exhausted"


def test_the_budget_settings_are_read_at_use_time(db, clock, monkeypatch):
    monkeypatch.setenv("SOULSEEK_SEARCH_BUDGET", "2")
    monkeypatch.setenv("SOULSEEK_SEARCH_WINDOW_SEC", "30")
    acquire(clock)
    acquire(clock)

    third = acquire(clock, wait=60)

    assert third.started_at == T0 + timedelta(seconds=30)


def test_searches_keep_the_minimum_gap(db, clock, monkeypatch):
    monkeypatch.setenv("SOULSEEK_SEARCH_MIN_GAP_SEC", "2")

    first = acquire(clock, wait=10)
    second = acquire(clock, wait=10)

    assert second.started_at - first.started_at >= timedelta(seconds=2)
    assert second.started_at - first.started_at < timedelta(seconds=3)


@pytest.mark.parametrize(
    ("ahead", "behind"),
    [
        (Lane.MANUAL, Lane.SAVED),
        (Lane.SAVED, Lane.PLAYLIST),
        (Lane.PLAYLIST, Lane.WATCHLIST),
        (Lane.MANUAL, Lane.WATCHLIST),
    ],
)
def test_a_higher_lane_goes_first_even_when_younger(db, clock, ahead, behind):
    seed_waiting(behind, T0 - timedelta(seconds=30), gives_up=T0 + timedelta(minutes=5))

    row = acquire(clock, lane=ahead)

    assert row.state == SoulseekSearch.State.RUNNING


@pytest.mark.parametrize(
    ("waiting_lane", "own_lane"),
    [
        (Lane.MANUAL, Lane.SAVED),
        (Lane.SAVED, Lane.WATCHLIST),
        (Lane.PLAYLIST, Lane.PLAYLIST),
    ],
)
def test_a_search_waits_behind_higher_lanes_and_older_searches_of_its_lane(
    db, clock, waiting_lane, own_lane
):
    seed_waiting(waiting_lane, T0 - timedelta(seconds=1), gives_up=T0 + timedelta(minutes=5))

    with pytest.raises(UpstreamRateLimited):
        acquire(clock, lane=own_lane, wait=5)


def test_a_waiting_row_of_a_dead_process_does_not_block_the_queue(db, clock):
    dead = seed_waiting(Lane.MANUAL, T0 - timedelta(minutes=2), gives_up=T0 - timedelta(minutes=1))

    row = acquire(clock, lane=Lane.WATCHLIST)

    assert row.state == SoulseekSearch.State.RUNNING
    dead.refresh_from_db()
    assert dead.state == SoulseekSearch.State.FAILED
    assert dead.error == search_budget.ABANDONED


def test_finish_records_the_outcome_and_keeps_the_window(db, clock):
    done, failed = acquire(clock), acquire(clock)

    search_budget.finish(done, result_count=7, search_id="abc", clock=clock.now)
    search_budget.finish(failed, error="soulseek unreachable", clock=clock.now)

    done.refresh_from_db()
    failed.refresh_from_db()
    assert (done.state, done.result_count, done.search_id) == ("done", 7, "abc")
    assert (failed.state, failed.error) == ("failed", "soulseek unreachable")
    assert search_budget.queue_stats(clock=clock.now)["window_used"] == 2


def test_queue_stats_of_an_idle_budget(db, clock):
    assert search_budget.queue_stats(clock=clock.now) == {
        "waiting": 0,
        "running": 0,
        "window_used": 0,
        "budget": 34,
        "estimated_finish": None,
    }


def test_queue_stats_estimate_when_the_waiting_searches_can_start(db, clock, monkeypatch):
    monkeypatch.setenv("SOULSEEK_SEARCH_MIN_GAP_SEC", "2")
    seed_started(33, T0 - timedelta(seconds=200))
    SoulseekSearchFactory(
        state=SoulseekSearch.State.RUNNING, started_at=T0 - timedelta(seconds=100)
    )
    for lane in (Lane.MANUAL, Lane.WATCHLIST, Lane.SAVED):
        seed_waiting(lane, T0, gives_up=T0 + timedelta(minutes=10))

    stats = search_budget.queue_stats(clock=clock.now)

    # The window is full: the first waiter starts when the 33 oldest leave it (T0 + 20 s),
    # the next two keep the 2 s gap.
    assert stats == {
        "waiting": 3,
        "running": 1,
        "window_used": 34,
        "budget": 34,
        "estimated_finish": "2025-03-18T12:00:24Z",
    }


@pytest.mark.django_db(transaction=True)
def test_two_processes_never_admit_past_the_budget(monkeypatch):
    monkeypatch.setenv("SOULSEEK_SEARCH_BUDGET", "5")
    monkeypatch.setenv("SOULSEEK_SEARCH_WINDOW_SEC", "600")
    # Lock errors of the in-memory test database (below) strand leases and waiting rows
    # like a crashed process would: let them expire quickly.
    monkeypatch.setattr(search_budget, "ADMISSION_LEASE_TTL", 0.5)
    monkeypatch.setattr(search_budget, "ABANDON_GRACE", timedelta(0))
    stop = time.monotonic() + 2.5

    def process() -> None:
        try:
            while time.monotonic() < stop:
                deadline = timezone.now() + timedelta(seconds=0.2)
                try:
                    search_budget.acquire_slot("q", Lane.PLAYLIST, "thread", deadline)
                except UpstreamRateLimited:
                    continue
                except OperationalError:
                    # The in-memory test database (shared cache) answers "table is locked" at
                    # once where a file database waits for its busy timeout: try again.
                    continue
        finally:
            connection.close()

    threads = [threading.Thread(target=process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert SoulseekSearch.objects.filter(started_at__isnull=False).count() == 5
    assert SoulseekSearch.objects.filter(error=search_budget.EXHAUSTED).exists()
