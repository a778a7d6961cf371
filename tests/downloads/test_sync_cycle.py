"""The sync worker's cycle: dispatch and polling (SPEC §5.2, D28, RELIABILITY T29, T30)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.models import ActivityEvent
from core.models import Setting, WorkerJob
from downloads.models import Download
from downloads.submission import claim_jobs
from downloads.tasks import run_sync_cycle
from tests.downloads.support import cycle_until, enqueue_requests, post_download, status_of
from tests.factories import DownloadFactory, WorkerJobFactory

pytestmark = pytest.mark.django_db


def metric(name):
    return (
        Setting.objects.filter(key=f"metrics.sync.{name}").values_list("value", flat=True).first()
    )


def test_without_credentials_the_cycle_only_heartbeats():
    job = WorkerJobFactory()

    assert run_sync_cycle() == {"blocked": True}

    assert WorkerJob.objects.get(pk=job.pk).state == "queued"
    assert Setting.objects.get(key="worker:sync:status").value == "running"


def test_jobs_are_claimed_by_priority_then_fifo():
    low = WorkerJobFactory(priority=0)
    high = WorkerJobFactory(priority=5)
    low_later = WorkerJobFactory(priority=0)
    negative = WorkerJobFactory(priority=-2)
    not_yet = WorkerJobFactory(priority=99, scheduled_at=timezone.now() + timedelta(minutes=1))

    claimed = [job.pk for job in claim_jobs(10)]

    assert claimed == [high.pk, low.pk, low_later.pk, negative.pk]
    assert WorkerJob.objects.get(pk=not_yet.pk).state == "queued"
    job = WorkerJob.objects.get(pk=high.pk)
    assert (job.state, job.attempts) == ("running", 1)
    assert job.claimed_by and job.lease_until > timezone.now()


def test_a_claimed_job_is_not_claimed_again():
    WorkerJobFactory()

    assert len(claim_jobs(5)) == 1
    assert claim_jobs(5) == []


def test_submission_sends_the_file_and_marks_the_download_submitted(api, slskd):
    download_id = post_download(api, filename="Music\\A\\01 x.mp3", size=1234)["download_id"]

    summary = run_sync_cycle()

    assert summary["submitted"] == 1
    [request] = enqueue_requests(slskd)
    files = request.json["files"] if isinstance(request.json, dict) else request.json
    assert files == [{"filename": "Music\\A\\01 x.mp3", "size": 1234}]
    download = Download.objects.get(pk=download_id)
    [transfer] = slskd.downloads()
    assert download.slskd_transfer_id == transfer.id
    assert download.submitted_at is not None
    assert download.status == "queued"
    assert WorkerJob.objects.get(download=download).state == "completed"
    assert metric("jobs_completed") == "1"
    assert metric("active_downloads") == "1"


def test_each_round_submits_at_most_the_concurrency_and_repeats(api, slskd):
    for n in range(5):
        post_download(api, filename=f"Music\\A\\{n:02d}.mp3")

    run_sync_cycle()

    assert len(slskd.downloads()) == 5
    assert not WorkerJob.objects.exclude(state="completed").exists()


def test_poll_maps_slskd_states_and_progress(api, slskd):
    download_id = post_download(api, size=3000)["download_id"]
    run_sync_cycle()
    seen = []

    for _ in range(6):
        slskd.advance()
        run_sync_cycle()
        download = Download.objects.get(pk=download_id)
        seen.append((download.slskd_state, download.status, download.progress))

    assert seen == [
        ("Requested", "queued", 0.0),
        ("Queued, Remotely", "queued", 0.0),
        ("Initializing", "running", 0.0),
        ("InProgress", "running", 33.3),
        ("InProgress", "running", 66.7),
        ("Completed, Succeeded", "completed", 100.0),
    ]
    download = Download.objects.get(pk=download_id)
    assert download.completed_at is not None
    assert download.pipeline_status == "pending"
    assert metric("active_downloads") == "0"


def test_poll_records_state_changes_for_seconds_in_state(api, slskd):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        download_id = post_download(api)["download_id"]
        run_sync_cycle()
    slskd.advance(3)
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        run_sync_cycle()
        item = api.get(f"/api/download/{download_id}").json()
        assert (item["status"], item["seconds_in_state"]) == ("running", 0)
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        item = api.get(f"/api/download/{download_id}").json()

    assert item["seconds_in_state"] == 30


def test_rate_limit_reschedules_the_job_without_failing(api, slskd):
    download_id = post_download(api)["download_id"]
    slskd.busy_next("enqueue", 3)
    now = timezone.now()

    with time_machine.travel(now, tick=False):
        run_sync_cycle()

    job = WorkerJob.objects.get(download_id=download_id)
    assert job.state == "retrying"
    assert job.scheduled_at == now + timedelta(seconds=2)
    download = Download.objects.get(pk=download_id)
    assert (download.status, download.retry_count, download.submitting_at) == ("queued", 0, None)
    assert slskd.downloads() == []
    with time_machine.travel(now + timedelta(seconds=3), tick=False):
        run_sync_cycle()
    assert len(slskd.downloads()) == 1
    assert WorkerJob.objects.get(download_id=download_id).state == "completed"


def test_slskd_outage_during_submission_is_not_a_download_failure(api, slskd):
    download_id = post_download(api)["download_id"]
    slskd.set_down("/transfers")

    run_sync_cycle()

    job = WorkerJob.objects.get(download_id=download_id)
    assert job.state == "retrying"
    download = Download.objects.get(pk=download_id)
    assert (download.status, download.retry_count) == ("queued", 0)
    assert download.submitting_at is not None  # slskd may have it: read back before resending
    slskd.clear_faults()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        run_sync_cycle()
    assert len(slskd.downloads()) == 1
    assert Download.objects.get(pk=download_id).submitted_at is not None


def test_poll_error_changes_nothing(api, slskd):
    download_id = post_download(api)["download_id"]
    run_sync_cycle()
    before = Download.objects.get(pk=download_id)
    slskd.set_down("/transfers/downloads$", method="GET")

    run_sync_cycle()

    after = Download.objects.get(pk=download_id)
    assert (after.status, after.slskd_missing_polls, after.updated_at) == (
        before.status,
        0,
        before.updated_at,
    )


def test_file_rejected_by_slskd_goes_through_failure_handling(api, slskd):
    download_id = post_download(api, filename="Music\\x.mp3")["download_id"]
    slskd.reject_enqueue("Music\\x.mp3", "File not shared.")

    run_sync_cycle()

    download = Download.objects.get(pk=download_id)
    assert (download.status, download.retry_count) == ("failed", 1)
    assert download.last_error == "File not shared."
    assert WorkerJob.objects.get(download=download).state == "failed"
    assert metric("jobs_failed") == "1"


def test_missing_payload_is_dead_lettered_with_event():
    job = WorkerJobFactory(download=DownloadFactory(request_payload={}))

    from downloads.submission import submit_job

    claim_jobs(1)
    submit_job(WorkerJob.objects.get(pk=job.pk), client=None)

    download = Download.objects.get(pk=job.download_id)
    assert (download.status, download.dead_letter) == ("failed", True)
    assert download.last_error == "missing request payload"
    assert WorkerJob.objects.get(pk=job.pk).state == "failed"
    event = ActivityEvent.objects.get(status="failed")
    assert event.details == {
        "download_id": download.pk,
        "filename": download.filename,
        "error": "missing request payload",
    }


def test_cancelled_download_job_is_skipped(api, slskd):
    download_id = post_download(api)["download_id"]
    Download.objects.filter(pk=download_id).update(status="cancelled")

    run_sync_cycle()

    assert enqueue_requests(slskd) == []
    assert WorkerJob.objects.get(download_id=download_id).state == "completed"


def test_unexpected_error_fails_the_job_with_event(api, slskd, monkeypatch):
    download_id = post_download(api)["download_id"]

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("integrations.clients.slskd.SlskdClient.enqueue", explode)
    run_sync_cycle()

    job = WorkerJob.objects.get(download_id=download_id)
    assert job.state == "failed"
    event = ActivityEvent.objects.get(status="sync_job_failed")
    assert event.details == {"job_id": job.pk, "error": "RuntimeError: boom"}
    assert status_of(download_id) == "failed"  # and retried like any failure


def test_transfer_cancelled_outside_harmony_is_cancelled(api, slskd):
    download_id = post_download(api)["download_id"]
    run_sync_cycle()
    transfer = slskd.downloads()[0]
    transfer.state, transfer.plan = "Completed, Cancelled", []

    run_sync_cycle()

    assert status_of(download_id) == "cancelled"
    event = ActivityEvent.objects.get(status="download_cancelled")
    assert event.details["source"] == "slskd"


def test_unknown_transfer_state_is_not_terminal(api, slskd):
    download_id = post_download(api)["download_id"]
    run_sync_cycle()
    slskd.downloads()[0].state = "Teleporting"

    run_sync_cycle()

    download = Download.objects.get(pk=download_id)
    assert (download.status, download.slskd_state) == ("queued", "Teleporting")


def test_transfer_correlated_by_name_when_id_unknown(api, slskd):
    download_id = post_download(api)["download_id"]
    run_sync_cycle()
    Download.objects.filter(pk=download_id).update(slskd_transfer_id=None)
    slskd.advance()

    run_sync_cycle()

    assert Download.objects.get(pk=download_id).slskd_transfer_id == slskd.downloads()[0].id


def test_retry_completed_event_after_a_retried_submission(api, slskd):
    download_id = post_download(api, filename="Music\\x.mp3")["download_id"]
    slskd.reject_enqueue("Music\\x.mp3")
    run_sync_cycle()
    slskd.clear_outcomes()

    with time_machine.travel(timezone.now() + timedelta(seconds=6), tick=False):
        run_sync_cycle()

    assert Download.objects.get(pk=download_id).submitted_at is not None
    event = ActivityEvent.objects.get(status="download_retry_completed")
    assert event.details == {"downloads": [{"download_id": download_id, "attempts": 2}]}


def test_empty_enqueue_answer_of_older_slskd_still_correlates(api, slskd):
    slskd.enqueue_body = "empty"
    download_id = post_download(api)["download_id"]

    cycle_until(lambda: status_of(download_id) == "completed", slskd)

    assert Download.objects.get(pk=download_id).slskd_transfer_id == slskd.downloads()[0].id


@pytest.mark.parametrize("username", ["../x", "a/b", "%2F..", "<script>alert(1)</script>", "ü ser"])
def test_hostile_usernames_stay_one_path_segment(api, slskd, username):
    download_id = post_download(api, username=username)["download_id"]

    run_sync_cycle()

    [transfer] = slskd.downloads()
    assert transfer.username == username
    assert Download.objects.get(pk=download_id).slskd_transfer_id == transfer.id
