"""`POST /api/metadata/update|stop`, `GET /api/metadata/status` and the refresh job (SPEC §2.2,
§5.10, D26): phases, batches, persisted progress, stop, restart, events."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from mutagen.flac import FLAC

from activity.models import ActivityEvent
from core.models import Setting, WorkerJob
from downloads import refresh
from downloads.enrichment_tasks import run_metadata_refresh
from downloads.models import MetadataRefreshRun
from tests.audio import make_flac
from tests.factories import DownloadFactory, MetadataRefreshRunFactory, WorkerJobFactory
from tests.fakes import FakePlex

IDLE = {
    "status": "idle",
    "phase": "Idle",
    "processed": 0,
    "matching_queue": 0,
    "started_at": None,
    "completed_at": None,
    "error": None,
}


def events(status: str) -> list[dict]:
    return list(
        ActivityEvent.objects.filter(type="metadata", status=status).values_list(
            "details", flat=True
        )
    )


def library(completed, music_dir: Path, count: int) -> list:
    return [
        completed(make_flac(music_dir / f"a/{n}.flac"), metadata={"genre": f"Genre {n}"})
        for n in range(count)
    ]


def run_to_end(run_id: int) -> int:
    tasks = 1
    while run_metadata_refresh(run_id):
        tasks += 1
    return tasks


@time_machine.travel("2025-03-18T12:00:00Z", tick=False)
def test_update_starts_a_run_and_answers_202(api) -> None:
    response = api.post("/api/metadata/update")

    state = {
        **IDLE,
        "status": "running",
        "phase": "Preparing",
        "started_at": "2025-03-18T12:00:00Z",
    }
    assert response.status_code == 202
    assert response.json() == {"message": "Metadata update started", "state": state}
    assert MetadataRefreshRun.objects.get().status == "running"
    assert events("started") == [{"state": state}]


@pytest.mark.parametrize("status", ["running", "stopping"])
def test_update_while_a_run_is_active_is_409(api, status: str) -> None:
    MetadataRefreshRunFactory(status=status)

    response = api.post("/api/metadata/update")

    assert response.status_code == 409
    assert response.json() == {"detail": "Metadata update already running"}
    assert MetadataRefreshRun.objects.count() == 1
    assert events("already_running") == [{}]


def test_status_without_any_run_is_idle(api) -> None:
    response = api.get("/api/metadata/status")

    assert response.status_code == 200
    assert response.json() == IDLE


def test_status_reports_the_matching_queue_live(api) -> None:
    MetadataRefreshRunFactory(status="completed", phase="Completed", processed=4)
    WorkerJobFactory(worker=WorkerJob.Worker.MATCHING, download=None)
    WorkerJobFactory(worker=WorkerJob.Worker.MATCHING, download=None, state="running")
    WorkerJobFactory(worker=WorkerJob.Worker.MATCHING, download=None, state="completed")

    body = api.get("/api/metadata/status").json()

    assert (body["status"], body["processed"], body["matching_queue"]) == ("completed", 4, 2)


def test_a_run_scans_refreshes_every_organised_download_and_completes(
    api, completed, music_dir: Path
) -> None:
    tagged = library(completed, music_dir, 3)
    gone = completed(music_dir / "a/gone.flac")
    DownloadFactory(status="running", organized_path=None)
    api.post("/api/metadata/update")
    run = MetadataRefreshRun.objects.get()

    assert run_metadata_refresh(run.pk) is False

    run.refresh_from_db()
    assert (run.status, run.phase, run.processed) == ("completed", "Completed", 4)
    assert run.completed_at is not None
    assert [FLAC(d.organized_path)["GENRE"] for d in tagged] == [
        ["Genre 0"],
        ["Genre 1"],
        ["Genre 2"],
    ]
    gone.refresh_from_db()
    assert gone.metadata_status == "pending"  # no file: not a unit of work
    completed_events = events("completed")
    assert len(completed_events) == 1
    assert completed_events[0]["processed"] == 4
    assert completed_events[0]["duration_ms"] >= 0
    status = api.get("/api/metadata/status").json()
    assert (status["status"], status["phase"], status["processed"]) == ("completed", "Completed", 4)


def test_the_scan_phase_runs_one_plex_scan_cycle(plex: FakePlex, completed, music_dir) -> None:
    plex.add_section("Music", key="1")
    plex.add_track("Nude", "Radiohead", "In Rainbows")
    run = MetadataRefreshRunFactory()

    run_metadata_refresh(run.pk)

    assert Setting.objects.get(key="plex_track_count").value == "1"


def test_work_is_split_into_batches_with_progress_on_the_row(
    completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh, "BATCH", 2)
    downloads = library(completed, music_dir, 5)
    run = MetadataRefreshRunFactory()

    assert run_metadata_refresh(run.pk) is True

    run.refresh_from_db()
    assert (run.status, run.phase, run.processed) == ("running", "Refreshing downloads", 3)
    assert run.cursor == downloads[1].pk
    assert run_to_end(run.pk) == 2  # two more tasks: downloads 3–4, then 5 and the end
    run.refresh_from_db()
    assert (run.status, run.processed) == ("completed", 6)


def test_a_run_left_running_by_a_dead_worker_continues_from_its_cursor(
    completed, music_dir: Path
) -> None:
    downloads = library(completed, music_dir, 4)
    run = MetadataRefreshRunFactory(
        phase="Refreshing downloads", processed=3, total=5, cursor=downloads[1].pk
    )

    run_metadata_refresh(run.pk)

    run.refresh_from_db()
    assert (run.status, run.processed) == ("completed", 5)
    statuses = [type(d).objects.get(pk=d.pk).metadata_status for d in downloads]
    assert statuses == ["pending", "pending", "done", "done"]


def test_resume_interrupted_finds_active_runs() -> None:
    MetadataRefreshRunFactory(status="running")
    MetadataRefreshRunFactory(status="stopping")
    MetadataRefreshRunFactory(status="completed")

    assert refresh.resume_interrupted() == 2


def test_stop_flags_the_run_and_the_job_stops_before_the_next_unit(
    api, completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh, "BATCH", 2)
    library(completed, music_dir, 5)
    api.post("/api/metadata/update")
    run = MetadataRefreshRun.objects.get()
    run_metadata_refresh(run.pk)

    response = api.post("/api/metadata/stop")

    assert response.status_code == 202
    body = response.json()
    assert body["message"] == "Stop signal issued"
    assert (body["state"]["status"], body["state"]["phase"]) == (
        "stopping",
        "Stopping current task",
    )
    assert events("stopped") == [{"state": body["state"]}]
    assert api.post("/api/metadata/update").status_code == 409

    assert run_metadata_refresh(run.pk) is False

    run.refresh_from_db()
    assert (run.status, run.phase, run.processed) == ("stopped", "Stopped by user", 3)
    assert run.completed_at is not None
    assert api.post("/api/metadata/update").status_code == 202


def test_a_stop_between_two_downloads_is_honoured_at_once(
    completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library(completed, music_dir, 3)
    run = MetadataRefreshRunFactory()
    real = refresh.enrich_metadata

    def refresh_then_stop(download):
        real(download)
        refresh.stop_refresh()

    monkeypatch.setattr(refresh, "enrich_metadata", refresh_then_stop)

    run_metadata_refresh(run.pk)

    run.refresh_from_db()
    assert (run.status, run.phase, run.processed) == ("stopped", "Stopped by user", 2)


def test_stop_without_an_active_run_reports_the_last_state(api) -> None:
    MetadataRefreshRunFactory(status="completed", phase="Completed")

    response = api.post("/api/metadata/stop")

    assert response.status_code == 202
    assert response.json()["state"]["status"] == "completed"
    assert events("stopped") == []


def test_an_unexpected_error_ends_the_run_as_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import integrations.scan_worker

    def boom() -> None:
        raise RuntimeError("scan exploded")

    monkeypatch.setattr(integrations.scan_worker, "run_scan_cycle", boom)
    run = MetadataRefreshRunFactory()

    assert run_metadata_refresh(run.pk) is False

    run.refresh_from_db()
    assert (run.status, run.phase, run.error) == ("error", "Error", "scan exploded")
    assert events("failed") == [{"error": "scan exploded"}]


def test_a_task_for_a_run_held_by_another_worker_does_nothing() -> None:
    run = MetadataRefreshRunFactory()
    from tests.factories import WorkerLeaseFactory

    WorkerLeaseFactory(name=f"metadata-refresh:{run.pk}", owner="other-cluster")

    assert run_metadata_refresh(run.pk) is False

    run.refresh_from_db()
    assert (run.status, run.phase) == ("running", "Preparing")


def test_tasks_for_finished_or_unknown_runs_return_quietly() -> None:
    run = MetadataRefreshRunFactory(status="completed", phase="Completed", processed=7)

    assert run_metadata_refresh(run.pk) is False
    assert run_metadata_refresh(424242) is False
    run.refresh_from_db()
    assert run.processed == 7
