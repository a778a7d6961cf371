"""The matching worker (SPEC §5.5): batches, metrics, events, failures, restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from activity.models import ActivityEvent
from core.models import Setting, WorkerJob
from core.workers.dispatcher import recover_stale_claims
from matching import services, tasks
from matching.models import Match
from matching.tasks import enqueue_matching_job, run_matching_cycle
from tests.factories import MatchFactory
from tests.matching_api.conftest import EXACT_PLEX, HBFS, LIVE_PLEX, OTHER_PLEX

pytestmark = pytest.mark.django_db


def job(candidates=None, **payload):
    body = {"type": "spotify-to-plex", "spotify_track": HBFS, "candidates": candidates}
    if candidates is None:
        body["candidates"] = [EXACT_PLEX, LIVE_PLEX, OTHER_PLEX]
    return enqueue_matching_job({**body, **payload})


def metric(name: str) -> str | None:
    row = Setting.objects.filter(key=f"metrics.matching.{name}").first()
    return row.value if row else None


def events(status: str) -> list[dict]:
    rows = ActivityEvent.objects.filter(type="matching", status=status).order_by("id")
    return [e.details for e in rows]


def test_enqueue_persists_a_queued_matching_job():
    created = job()

    created.refresh_from_db()
    assert created.worker == "matching"
    assert created.state == "queued"
    assert created.payload["spotify_track"]["id"] == HBFS["id"]


def test_cycle_stores_every_candidate_above_the_threshold():
    created = job()

    result = run_matching_cycle()

    created.refresh_from_db()
    assert created.state == "completed"
    assert created.last_error is None
    assert set(Match.objects.values_list("target_id", "decision")) == {
        ("501", "auto"),
        ("502", "review"),
    }
    assert result["count"] == 2
    assert result["discarded"] == 1


def test_batch_writes_metrics_and_one_batch_saved_event():
    job()
    job(candidates=[EXACT_PLEX])

    run_matching_cycle()

    assert metric("last_average_confidence") == str(round((1.0 + 0.6734 + 1.0) / 3, 4))
    assert metric("last_discarded") == "1"
    assert metric("discarded_total") == "1"
    assert metric("saved_total") == "3"
    assert events("batch_saved") == [
        {"count": 3, "batch_size": 2, "discarded": 1, "average_confidence": 0.8911}
    ]


def test_totals_accumulate_over_batches():
    job()
    run_matching_cycle()
    job(candidates=[OTHER_PLEX])

    run_matching_cycle()

    assert metric("saved_total") == "2"
    assert metric("discarded_total") == "2"
    assert metric("last_discarded") == "1"
    assert metric("last_average_confidence") == "0.0"


def test_cycle_claims_at_most_the_batch_size_oldest_first():
    Setting.objects.update_or_create(key="matching_worker_batch_size", defaults={"value": "2"})
    jobs = [job(candidates=[EXACT_PLEX]) for _ in range(3)]

    first = run_matching_cycle()

    states = [WorkerJob.objects.get(pk=j.pk).state for j in jobs]
    assert states == ["completed", "completed", "queued"]
    assert first["batch_size"] == 2
    second = run_matching_cycle()
    assert second["batch_size"] == 1
    assert WorkerJob.objects.get(pk=jobs[2].pk).state == "completed"


def test_empty_queue_only_beats():
    result = run_matching_cycle()

    assert result["batch_size"] == 0
    assert not ActivityEvent.objects.filter(type="matching").exists()
    assert Setting.objects.get(key="worker:matching:status").value == "running"
    assert metric("saved_total") is None


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "spotify-to-plex", "spotify_track": {"name": "x"}, "candidates": [EXACT_PLEX]},
        {"type": "spotify-to-plex", "spotify_track": {"id": ""}, "candidates": [EXACT_PLEX]},
        {"type": "spotify-to-plex", "spotify_track": {"id": 5}, "candidates": [EXACT_PLEX]},
        {"type": "spotify-to-plex", "spotify_track": HBFS, "candidates": []},
        {"type": "spotify-to-plex", "spotify_track": HBFS},
        {"type": "spotify-to-plex", "spotify_track": HBFS, "candidates": ["501"]},
        {"type": "spotify-to-plex", "spotify_track": "abc", "candidates": [EXACT_PLEX]},
        {"type": "spotify-to-beets", "spotify_track": HBFS, "candidates": [EXACT_PLEX]},
        {"spotify_track": HBFS, "candidates": [EXACT_PLEX]},
        {
            "type": "spotify-to-plex",
            "spotify_track": HBFS,
            "candidates": [EXACT_PLEX],
            "context_id": 7,
        },
    ],
)
def test_unusable_payload_fails_the_job_as_invalid_payload(payload):
    created = enqueue_matching_job(payload)

    run_matching_cycle()

    created.refresh_from_db()
    assert (created.state, created.last_error) == ("failed", "invalid_payload")
    assert not Match.objects.exists()
    assert not events("matching_job_failed")


def test_payload_that_is_not_an_object_is_invalid():
    created = WorkerJob.objects.create(worker="matching", payload=["x"])

    run_matching_cycle()

    created.refresh_from_db()
    assert created.last_error == "invalid_payload"


def test_no_candidate_above_the_threshold_fails_with_no_match():
    created = job(candidates=[OTHER_PLEX])

    run_matching_cycle()

    created.refresh_from_db()
    assert (created.state, created.last_error) == ("failed", "no_match")
    assert events("batch_saved") == [
        {"count": 0, "batch_size": 1, "discarded": 1, "average_confidence": 0.0}
    ]


def test_soulseek_jobs_store_the_file_path_with_the_context():
    filename = "Music\\Daft Punk\\Discovery\\04 - Harder, Better, Faster, Stronger.flac"
    created = enqueue_matching_job(
        {
            "type": "spotify-to-soulseek",
            "spotify_track": HBFS,
            "candidates": [{"filename": filename, "length": 224}, {"size": 1}],
            "context_id": "run-7",
        }
    )

    run_matching_cycle()

    created.refresh_from_db()
    assert created.state == "completed"
    match = Match.objects.get()
    assert (match.source, match.target_id, match.context_id) == (
        "spotify-to-soulseek",
        filename,
        "run-7",
    )


def test_an_exception_fails_the_job_records_the_event_and_the_batch_goes_on(monkeypatch):
    def boom(track, candidate):
        raise RuntimeError("scorer exploded")

    broken = job(candidates=[EXACT_PLEX])
    fine = job(candidates=[{"filename": "Daft Punk - Harder, Better, Faster, Stronger.flac"}])
    fine.payload["type"] = "spotify-to-soulseek"
    fine.save()
    monkeypatch.setitem(services.TRACK_SCORERS, "spotify-to-plex", (boom, services.plex_target))

    run_matching_cycle()

    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.state == "failed"
    assert broken.last_error == "RuntimeError: scorer exploded"
    assert events("matching_job_failed") == [
        {"job_id": broken.pk, "error": "RuntimeError: scorer exploded"}
    ]
    assert fine.state == "completed"
    assert len(events("batch_saved")) == 1


def test_a_job_failing_midway_stores_none_of_its_matches(monkeypatch):
    calls = []
    real = tasks.upsert_match

    def second_fails(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "upsert_match", second_fails)
    created = job()

    run_matching_cycle()

    created.refresh_from_db()
    assert created.state == "failed"
    assert not Match.objects.exists()


def test_upserts_respect_manual_decisions():
    MatchFactory(spotify_track_id=HBFS["id"], target_id="501", decision="rejected", confidence=0.1)
    job(candidates=[EXACT_PLEX])

    run_matching_cycle()

    match = Match.objects.get()
    assert (match.decision, match.confidence) == ("rejected", 1.0)


def test_running_the_same_job_again_is_idempotent():
    created = job()
    run_matching_cycle()
    before = sorted(Match.objects.values_list("pk", "target_id", "confidence", "decision"))
    WorkerJob.objects.filter(pk=created.pk).update(state="queued")

    run_matching_cycle()

    after = sorted(Match.objects.values_list("pk", "target_id", "confidence", "decision"))
    assert after == before
    created.refresh_from_db()
    assert created.state == "completed"
    assert created.attempts == 2


def test_job_left_running_by_a_dead_cluster_is_recovered_and_run_once():
    created = job()
    stale = timezone.now() - timedelta(minutes=30)
    WorkerJob.objects.filter(pk=created.pk).update(
        state="running", claimed_by="dead-host:1:abc", claimed_at=stale, lease_until=stale
    )

    assert run_matching_cycle()["batch_size"] == 0
    recovered = recover_stale_claims()
    result = run_matching_cycle()

    assert recovered == 1
    assert result["batch_size"] == 1
    created.refresh_from_db()
    assert created.state == "completed"
    assert Match.objects.count() == 2


def test_a_job_claimed_elsewhere_is_not_taken():
    created = job()
    WorkerJob.objects.filter(pk=created.pk).update(
        state="running", claimed_by="other-host", claimed_at=timezone.now()
    )

    assert tasks.claim_jobs(10) == []


def test_sync_jobs_are_left_alone():
    from tests.factories import WorkerJobFactory

    sync_job = WorkerJobFactory()

    assert run_matching_cycle()["batch_size"] == 0
    sync_job.refresh_from_db()
    assert sync_job.state == "queued"
