"""Exactly once: reservations, reconciliation and claims (RELIABILITY T44–T47, §2.1–§2.2)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone

from core.models import Setting, WorkerJob
from core.workers.dispatcher import recover_stale_claims
from downloads.models import Download
from downloads.submission import claim_jobs
from downloads.tasks import run_sync_cycle
from integrations.clients.slskd import SlskdClient
from tests.downloads.support import cycle_until, enqueue_requests, post_download, status_of
from tests.factories import WorkerJobFactory

FILE = "Music\\Daft Punk\\Discovery\\04 Harder.mp3"


def crash_after_enqueue(api):
    """A cluster claims the job, reserves, gets the file into slskd and dies before confirming."""
    download_id = post_download(api, filename=FILE, size=100)["download_id"]
    [job] = claim_jobs(1, owner="dead-cluster")
    Download.objects.filter(pk=download_id).update(submitting_at=timezone.now())
    SlskdClient.from_config().enqueue(
        "dj_user", [{"filename": FILE, "size": 100}], idempotency_key=job.idempotency_key
    )
    return download_id, job


@pytest.mark.django_db
def test_restart_adopts_the_transfer_instead_of_enqueueing_again(api, slskd):
    download_id, job = crash_after_enqueue(api)

    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        run_sync_cycle()

    [transfer] = slskd.downloads()
    download = Download.objects.get(pk=download_id)
    assert download.slskd_transfer_id == transfer.id
    assert download.submitted_at is not None
    assert WorkerJob.objects.get(pk=job.pk).state == "completed"
    assert len(enqueue_requests(slskd)) == 1
    cycle_until(lambda: status_of(download_id) == "completed", slskd)
    assert len(enqueue_requests(slskd)) == 1


@pytest.mark.django_db
def test_recovered_claim_reads_back_before_resubmitting(api, slskd):
    download_id, job = crash_after_enqueue(api)

    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        recover_stale_claims()  # the dispatcher of the restarted cluster
        assert WorkerJob.objects.get(pk=job.pk).state == "queued"
        run_sync_cycle()

    assert len(enqueue_requests(slskd)) == 1
    assert len(slskd.downloads()) == 1
    assert Download.objects.get(pk=download_id).slskd_transfer_id == slskd.downloads()[0].id


@pytest.mark.django_db
def test_reservation_that_never_reached_slskd_is_released_and_submitted_once(api, slskd):
    download_id = post_download(api, filename=FILE)["download_id"]
    [job] = claim_jobs(1, owner="dead-cluster")
    Download.objects.filter(pk=download_id).update(submitting_at=timezone.now())

    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        run_sync_cycle()

    assert len(enqueue_requests(slskd)) == 1
    assert Download.objects.get(pk=download_id).submitted_at is not None
    assert WorkerJob.objects.get(pk=job.pk).state == "completed"


@pytest.mark.django_db
def test_claim_that_died_before_reserving_is_requeued_and_submitted_once(api, slskd):
    download_id = post_download(api, filename=FILE)["download_id"]
    [job] = claim_jobs(1, owner="dead-cluster")

    run_sync_cycle()
    assert enqueue_requests(slskd) == []  # the claim is still live
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        run_sync_cycle()

    assert len(enqueue_requests(slskd)) == 1
    assert Download.objects.get(pk=download_id).submitted_at is not None
    assert WorkerJob.objects.get(pk=job.pk).attempts == 2


@pytest.mark.django_db
def test_death_after_confirming_but_before_closing_the_job_submits_nothing_more(api, slskd):
    download_id = post_download(api, filename=FILE)["download_id"]
    run_sync_cycle()
    WorkerJob.objects.filter(download_id=download_id).update(
        state="running", claimed_by="dead-cluster", lease_until=timezone.now()
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        run_sync_cycle()

    assert len(enqueue_requests(slskd)) == 1
    assert WorkerJob.objects.get(download_id=download_id).state == "completed"


@pytest.mark.django_db
def test_a_live_submission_is_left_alone(api, slskd):
    download_id = post_download(api, filename=FILE)["download_id"]
    claim_jobs(1, owner="busy-cluster")
    Download.objects.filter(pk=download_id).update(submitting_at=timezone.now())

    run_sync_cycle()

    assert enqueue_requests(slskd) == []
    assert slskd.requests_to(r"/transfers/downloads/dj_user$", "GET") == []
    download = Download.objects.get(pk=download_id)
    assert download.submitting_at is not None and download.submitted_at is None


@pytest.mark.django_db
def test_lost_answer_is_not_enqueued_twice(api, slskd, monkeypatch):
    """slskd got the request but the answer never arrived (timeout): the resend with the
    same idempotency key finds the batch instead of creating a second transfer (T37)."""
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    download_id = post_download(api, filename=FILE)["download_id"]
    slskd.set_slow(1.5, r"/transfers/downloads/batches$", method="POST", count=1)

    run_sync_cycle()
    from tests.helpers import wait_until

    wait_until(lambda: len(enqueue_requests(slskd)) >= 2 and len(slskd.batches) == 1, 5)
    run_sync_cycle()

    assert len(slskd.downloads()) == 1
    assert Download.objects.get(pk=download_id).submitted_at is not None


def _claim_all(owner: str, out: list[int], errors: list[BaseException]) -> None:
    try:
        while True:
            try:
                jobs = claim_jobs(3, owner)
            except OperationalError:
                continue  # SQLite's shared-cache test database reports contention eagerly
            if not jobs:
                return
            out.extend(job.pk for job in jobs)
    except BaseException as exc:
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_clusters_never_claim_the_same_job():
    jobs = {WorkerJobFactory().pk for _ in range(60)}
    results: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_claim_all, args=(f"cluster-{name}", results[name], errors))
        for name in results
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert not set(results["a"]) & set(results["b"])
    assert sorted(results["a"] + results["b"]) == sorted(jobs)
    assert set(WorkerJob.objects.values_list("attempts", flat=True)) == {1}
    owners = dict(WorkerJob.objects.values_list("pk", "claimed_by"))
    assert {owners[pk] for pk in results["a"]} <= {"cluster-a"}
    assert {owners[pk] for pk in results["b"]} <= {"cluster-b"}


@pytest.mark.django_db(transaction=True)
def test_parallel_submission_rounds_submit_every_file_once(slskd, monkeypatch):
    from downloads import intake, services, submission

    Setting.objects.update_or_create(
        key="sync_worker_concurrency", defaults={"value": "3", "source": "user"}
    )
    rounds: list[int] = []
    real_claim = submission.claim_jobs

    def recording_claim(limit, owner=submission.leases.PROCESS_OWNER):
        jobs = real_claim(limit, owner)
        rounds.append(len(jobs))
        return jobs

    monkeypatch.setattr(submission, "claim_jobs", recording_claim)
    files = [intake.FileRequest(f"Music\\A\\{n:02d}.mp3", 10) for n in range(7)]
    services.create_downloads("dj_user", files)

    for _ in range(10):  # the in-memory test database may report contention: go again
        run_sync_cycle()
        if not WorkerJob.objects.exclude(state="completed").exists():
            break
        WorkerJob.objects.filter(state="retrying").update(scheduled_at=timezone.now())

    assert max(rounds) == 3
    assert sorted(t.filename for t in slskd.downloads()) == sorted(f.filename for f in files)
    assert Download.objects.filter(submitted_at__isnull=False).count() == 7
