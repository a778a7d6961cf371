"""Failure handling, quick retries, backoff, dead letter and the retry scheduler
(SPEC §5.2 "Failure handling", §5.3, D3, RELIABILITY T55)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.models import ActivityEvent
from core.models import Setting, WorkerJob
from downloads.failures import RetryPolicy, handle_failure
from downloads.models import Download
from downloads.tasks import run_retry_cycle, run_sync_cycle
from tests.downloads.support import enqueue_requests, post_download, status_of
from tests.factories import DownloadFactory

pytestmark = pytest.mark.django_db

FILE = "Music\\Daft Punk\\Discovery\\04 Harder.mp3"


def scheduled_events():
    return [
        e.details
        for e in ActivityEvent.objects.filter(status="download_retry_scheduled").order_by("id")
    ]


def test_failed_transfer_is_scheduled_for_a_quick_retry(api, slskd):
    slskd.fail_with(FILE, "Completed, Errored", "Transfer failed: Remote connection closed")
    download_id = post_download(api, filename=FILE, size=100)["download_id"]
    run_sync_cycle()
    transfer_id = slskd.downloads()[0].id
    slskd.settle()
    now = timezone.now()

    with time_machine.travel(now, tick=False):
        run_sync_cycle()

    download = Download.objects.get(pk=download_id)
    assert download.status == "failed"
    assert download.retry_count == 1
    assert download.next_retry_at == now + timedelta(seconds=5)
    assert download.last_error == "Transfer failed: Remote connection closed"
    assert (download.progress, download.submitted_at, download.slskd_transfer_id) == (
        0.0,
        None,
        None,
    )
    assert scheduled_events() == [
        {
            "downloads": [
                {
                    "download_id": download_id,
                    "attempt": 1,
                    "delay_seconds": 5.0,
                    "next_retry_at": (now + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            ],
            "username": "dj_user",
            "error": "Transfer failed: Remote connection closed",
        }
    ]
    removal = slskd.requests_to(f"/transfers/downloads/dj_user/{transfer_id}", "DELETE")
    assert [r.arg("remove") for r in removal] == ["true"]
    api_item = api.get(f"/api/download/{download_id}").json()
    assert (api_item["retry_count"], api_item["last_error"]) == (1, download.last_error)
    assert api_item["next_retry_at"] is not None


def test_quick_retries_then_exponential_backoff_with_jitter():
    download = DownloadFactory()
    delays = []
    for _ in range(5):
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            handle_failure(download.pk, "boom")
        download.refresh_from_db()
        delays.append((download.next_retry_at - now).total_seconds())
        Download.objects.filter(pk=download.pk).update(status="queued")

    assert delays[:3] == [5.0, 15.0, 30.0]
    assert 60 * 16 * 0.8 <= delays[3] <= 60 * 16 * 1.2
    assert 60 * 32 * 0.8 <= delays[4] <= 60 * 32 * 1.2


def test_backoff_exponent_is_capped():
    policy = RetryPolicy(max_attempts=20, base_seconds=60, jitter=0.0)

    assert policy.delay(7) == policy.delay(15) == 60 * 64
    assert policy.max_delay == 60 * 64


def test_sync_cycle_requeues_a_quick_retry_when_it_is_due(api, slskd):
    download_id = post_download(api, filename=FILE)["download_id"]
    slskd.reject_enqueue(FILE)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        run_sync_cycle()
    slskd.clear_outcomes()

    with time_machine.travel(start + timedelta(seconds=4), tick=False):
        run_sync_cycle()
        assert status_of(download_id) == "failed"
    with time_machine.travel(start + timedelta(seconds=6), tick=False):
        run_sync_cycle()

    download = Download.objects.get(pk=download_id)
    assert (download.status, download.next_retry_at) == ("queued", None)
    assert download.submitted_at is not None
    assert len(enqueue_requests(slskd)) == 2


def test_retries_are_dead_lettered_after_the_maximum(monkeypatch):
    monkeypatch.setenv("RETRY_MAX_ATTEMPTS", "4")
    download = DownloadFactory()

    outcomes = []
    for _ in range(5):
        outcomes.append(handle_failure(download.pk, "timeout"))
        Download.objects.filter(pk=download.pk, dead_letter=False).update(status="queued")

    assert outcomes == ["scheduled"] * 4 + ["dead_letter"]
    download.refresh_from_db()
    assert (download.status, download.dead_letter, download.next_retry_at) == ("failed", True, None)
    assert download.retry_count == 5
    event = ActivityEvent.objects.get(status="download_retry_failed")
    assert event.details == {
        "downloads": [{"download_id": download.pk, "attempts": 5}],
        "username": "dj_user",
        "error": "timeout",
    }
    assert api_visible_dead_letter(download.pk)


def api_visible_dead_letter(pk):
    return Download.objects.get(pk=pk).dead_letter is True


def test_failure_of_an_inactive_download_changes_nothing():
    download = DownloadFactory(status="cancelled")

    assert handle_failure(download.pk, "late") is None
    assert Download.objects.get(pk=download.pk).retry_count == 0


def test_retry_scheduler_requeues_due_downloads_with_a_fresh_job():
    due = DownloadFactory(
        status="failed",
        retry_count=5,
        next_retry_at=timezone.now() - timedelta(seconds=1),
        priority=4,
    )
    later = DownloadFactory(status="failed", next_retry_at=timezone.now() + timedelta(hours=1))
    dead = DownloadFactory(status="failed", dead_letter=True, next_retry_at=None)

    result = run_retry_cycle()
    again = run_retry_cycle()

    assert result["requeued"] == 1 and again["requeued"] == 0
    due.refresh_from_db()
    assert (due.status, due.next_retry_at, due.progress) == ("queued", None, 0.0)
    [job] = WorkerJob.objects.filter(download=due)
    assert (job.state, job.priority, job.worker) == ("queued", 4, "sync")
    assert status_of(later.pk) == status_of(dead.pk) == "failed"
    assert Setting.objects.get(key="metrics.retry.requeued_total").value == "1"


def test_retry_scheduler_dead_letters_unusable_payloads():
    download = DownloadFactory(
        status="failed", request_payload={}, next_retry_at=timezone.now() - timedelta(seconds=1)
    )

    run_retry_cycle()

    download.refresh_from_db()
    assert (download.dead_letter, download.next_retry_at) == (True, None)
    event = ActivityEvent.objects.get(status="download_retry_failed")
    assert event.details["error"] == "missing request payload for retry"
    assert not WorkerJob.objects.exists()


def test_retry_scheduler_respects_the_batch_limit(monkeypatch):
    monkeypatch.setenv("RETRY_SCAN_BATCH_LIMIT", "2")
    for _ in range(3):
        DownloadFactory(status="failed", next_retry_at=timezone.now() - timedelta(seconds=1))

    assert run_retry_cycle()["requeued"] == 2


def test_clock_jump_retries_are_clamped_to_the_maximum_backoff():
    far = DownloadFactory(status="failed", next_retry_at=timezone.now() + timedelta(days=400))
    now = timezone.now()

    with time_machine.travel(now, tick=False):
        run_retry_cycle()

    far.refresh_from_db()
    limit = now + timedelta(seconds=RetryPolicy.current().max_delay)
    assert far.next_retry_at == limit
