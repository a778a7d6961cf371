"""Leases, heartbeats, lifecycle events and the dispatcher (SPEC §5.0–§5.1, T45–T47, T52)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from activity.models import ActivityEvent
from core.management.commands.qcluster import install_schedules
from core.models import Setting, WorkerJob, WorkerLease
from core.workers import heartbeat, leases, registry
from core.workers.dispatcher import Dispatcher, recover_stale_claims
from tests.factories import WorkerJobFactory, WorkerLeaseFactory

pytestmark = pytest.mark.django_db


def test_lease_is_exclusive_until_it_expires():
    assert leases.acquire("cycle:sync", 30, owner="a")
    assert not leases.acquire("cycle:sync", 30, owner="b")
    assert leases.acquire("cycle:sync", 30, owner="a")  # renewing our own

    WorkerLease.objects.filter(name="cycle:sync").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert leases.acquire("cycle:sync", 30, owner="b")


def test_released_lease_can_be_taken_at_once():
    with leases.held("cycle:scan", 30, owner="a") as ok:
        assert ok
        assert not leases.acquire("cycle:scan", 30, owner="b")

    assert leases.acquire("cycle:scan", 30, owner="b")


def test_run_cycle_skips_when_another_cluster_runs_it(monkeypatch):
    calls = []
    monkeypatch.setitem(
        registry.WORKERS,
        "probe",
        registry.WorkerSpec("probe", "tests.core.test_workers_frame.probe_cycle", lambda p: 1.0),
    )
    monkeypatch.setattr("tests.core.test_workers_frame.CALLS", calls)
    WorkerLeaseFactory(name="cycle:probe", owner="other-cluster")

    registry.run_cycle("probe")
    WorkerLease.objects.filter(name="cycle:probe").delete()
    registry.run_cycle("probe")

    assert calls == ["ran"]


CALLS: list[str] = []


def probe_cycle() -> None:
    CALLS.append("ran")


def test_dispatcher_enqueues_due_cycles_once_per_interval():
    sent: list[str] = []
    dispatcher = Dispatcher(enqueue=sent.append, owner="cluster-1")

    dispatcher.tick(now=1000.0)
    first = sorted(sent)
    dispatcher.tick(now=1000.5)

    assert first == sorted(registry.WORKERS)
    assert sorted(sent) == first  # nothing due half a second later


def test_only_the_lease_holder_dispatches():
    sent_a: list[str] = []
    sent_b: list[str] = []
    Dispatcher(enqueue=sent_a.append, owner="cluster-a").tick(now=1.0)

    Dispatcher(enqueue=sent_b.append, owner="cluster-b").tick(now=1.0)

    assert sent_a and not sent_b


def test_lease_acquisition_records_started_then_restarted():
    Dispatcher(enqueue=lambda w: None, owner="c1").tick(now=1.0)
    started = ActivityEvent.objects.filter(type="worker", status="started").count()
    dispatcher = Dispatcher(enqueue=lambda w: None, owner="c1")
    dispatcher.holding = True
    dispatcher.shutdown()

    Dispatcher(enqueue=lambda w: None, owner="c2").tick(now=2.0)

    assert started == len(set(heartbeat.STATUS_WORKERS) | set(registry.WORKERS))
    restarted = ActivityEvent.objects.filter(type="worker", status="restarted")
    assert restarted.count() == started
    assert restarted.first().details["previous_status"] == "stopped"


def test_graceful_shutdown_marks_workers_stopped():
    dispatcher = Dispatcher(enqueue=lambda w: None, owner="c1")
    dispatcher.tick(now=1.0)

    dispatcher.shutdown()

    assert Setting.objects.get(key="worker:sync:status").value == "stopped"
    assert Setting.objects.filter(key="worker.sync.last_stop").exists()
    stopped = ActivityEvent.objects.filter(type="worker", status="stopped").first()
    assert stopped.details["reason"] == "shutdown"
    assert not leases.is_held("dispatcher")


def test_heartbeats_are_written_every_interval():
    dispatcher = Dispatcher(enqueue=lambda w: None, owner="c1")
    dispatcher.tick(now=0.0)
    Setting.objects.filter(key="worker:scan:last_seen").update(value="old")

    dispatcher.tick(now=16.0)

    assert Setting.objects.get(key="worker:scan:last_seen").value != "old"


def test_stale_claims_are_requeued():
    job = WorkerJobFactory(
        state=WorkerJob.State.RUNNING, claimed_at=timezone.now() - timedelta(minutes=11)
    )
    fresh = WorkerJobFactory(state=WorkerJob.State.RUNNING, claimed_at=timezone.now())

    assert recover_stale_claims() == 1

    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.state == WorkerJob.State.QUEUED
    assert fresh.state == WorkerJob.State.RUNNING


def test_schedules_are_installed_idempotently():
    install_schedules()
    install_schedules()

    assert Schedule.objects.filter(name="harmony:watchdog").count() == 1


def test_metrics_increment_atomically():
    heartbeat.count("sync", "jobs_completed")
    heartbeat.count("sync", "jobs_completed", 2)

    assert Setting.objects.get(key="metrics.sync.jobs_completed").value == "3"


def test_worker_writes_never_create_history():
    heartbeat.beat("sync")
    heartbeat.metric("scan", "duration_ms", 12)

    assert not Setting.objects.filter(source="user").exists()
    from core.models import SettingHistory

    assert not SettingHistory.objects.exists()
