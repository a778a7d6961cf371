"""The completion pipeline (SPEC §5.4, §8.1, RELIABILITY T20–T23, T34)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from activity.models import ActivityEvent
from downloads import pipeline
from downloads.models import Download
from downloads.paths import split_remote
from downloads.pipeline import recover_pipelines, run_completion
from tests.factories import DownloadFactory

pytestmark = pytest.mark.django_db

REMOTE = "@@abcde\\Music\\Daft Punk\\Discovery\\04 Harder.mp3"


def completed(filename=REMOTE, metadata=None, **fields):
    payload = {"username": "dj_user", "filename": filename, "size": 5, "metadata": metadata or {}}
    return DownloadFactory(
        filename=filename,
        size=5,
        status="completed",
        progress=100.0,
        completed_at=timezone.now(),
        request_payload=payload,
        **fields,
    )


def finished_file(downloads_dir: Path, remote: str, data: bytes = b"audio") -> Path:
    directories, basename = split_remote(remote)
    folder = downloads_dir / (directories[-1] if directories else "")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / basename).write_bytes(data)
    return folder / basename


def no_sleep(_seconds):
    return None


def test_pipeline_organises_the_file_and_reports_completion(downloads_dir, music_dir):
    download = completed(
        metadata={"artist": "Daft Punk", "album": "Discovery", "title": "Harder", "track_number": 4}
    )
    source = finished_file(downloads_dir, REMOTE)

    assert run_completion(download.pk, sleep=no_sleep) == "done"

    download.refresh_from_db()
    target = (music_dir / "Daft Punk" / "Discovery" / "04 - Harder.mp3").resolve()
    assert download.organized_path == str(target)
    assert download.local_path == str(source.resolve())
    assert (download.status, download.progress) == ("completed", 100.0)
    assert (download.pipeline_status, download.import_status) == ("done", "skipped")
    assert target.read_bytes() == b"audio"
    assert not source.exists()
    event = ActivityEvent.objects.get(type="download", status="completed")
    assert event.details == {
        "download_id": download.pk,
        "filename": REMOTE,
        "username": "dj_user",
        "organized_path": str(target),
        "has_artwork": False,
        "import_status": "skipped",
    }


def test_pipeline_runs_once(downloads_dir):
    download = completed()
    finished_file(downloads_dir, REMOTE)

    assert run_completion(download.pk, sleep=no_sleep) == "done"
    assert run_completion(download.pk, sleep=no_sleep) is None
    assert ActivityEvent.objects.filter(status="completed").count() == 1


def test_pipeline_needs_a_completed_download():
    download = DownloadFactory(status="running")

    assert run_completion(download.pk, sleep=no_sleep) is None
    assert Download.objects.get(pk=download.pk).pipeline_status == "pending"


def test_missing_file_is_looked_for_a_bounded_time_then_fails():
    download = completed()
    waits = []

    assert run_completion(download.pk, sleep=waits.append) == "failed"

    assert waits == [2.0, 2.0, 2.0, 2.0]
    download.refresh_from_db()
    assert download.pipeline_status == "failed"
    assert download.last_error == "completed file not found locally"
    assert download.organized_path is None
    event = ActivityEvent.objects.get(status="completed")
    assert event.details["organized_path"] is None


def test_file_appearing_during_the_wait_is_found(downloads_dir):
    download = completed()

    def slskd_moves_it(_seconds):
        finished_file(downloads_dir, REMOTE)

    assert run_completion(download.pk, sleep=slskd_moves_it) == "done"


def test_enrichment_runs_between_organise_and_import_and_cannot_break_it(
    downloads_dir, monkeypatch
):
    download = completed()
    finished_file(downloads_dir, REMOTE)
    seen = []

    def broken_enrichment(d):
        seen.append(Path(d.organized_path).is_file())
        raise RuntimeError("tagger crashed")

    monkeypatch.setattr(pipeline, "run_enrichment", broken_enrichment)

    assert run_completion(download.pk, sleep=no_sleep) == "done"
    assert seen == [True]
    assert Download.objects.get(pk=download.pk).import_status == "skipped"


def test_failing_beets_import_is_recorded(downloads_dir, monkeypatch, tmp_path):
    script = tmp_path / "beet"
    script.write_text("#!/bin/sh\necho 'import error: no luck' >&2\nexit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("BEETS_COMMAND", str(script))
    download = completed()
    finished_file(downloads_dir, REMOTE)

    assert run_completion(download.pk, sleep=no_sleep) == "done"

    download.refresh_from_db()
    assert download.import_status == "failed"
    assert download.last_error.startswith("beets import failed")


def test_rerun_after_a_crash_mid_move_finishes_the_same_move(downloads_dir, music_dir):
    download = completed(metadata={"artist": "A", "album": "B", "title": "T"})
    source = finished_file(downloads_dir, REMOTE)
    planned = music_dir / "A" / "B" / "T.mp3"
    planned.parent.mkdir(parents=True)
    planned.write_bytes(source.read_bytes())  # the rename happened, the source removal did not
    Download.objects.filter(pk=download.pk).update(organized_path=str(planned))

    assert run_completion(download.pk, sleep=no_sleep) == "done"

    assert sorted(p.name for p in planned.parent.iterdir()) == ["T.mp3"]
    assert not source.exists()


def test_stuck_pipelines_are_recovered():
    stale = completed(
        pipeline_status="running", pipeline_started_at=timezone.now() - timedelta(minutes=11)
    )
    fresh = completed(pipeline_status="running", pipeline_started_at=timezone.now())
    lost = completed()
    Download.objects.filter(pk=lost.pk).update(completed_at=timezone.now() - timedelta(minutes=5))

    assert recover_pipelines() == 2

    assert Download.objects.get(pk=stale.pk).pipeline_status == "pending"
    assert Download.objects.get(pk=fresh.pk).pipeline_status == "running"


HOSTILE = [
    "..\\..\\x.mp3",
    "/etc/passwd",
    "C:\\Windows\\x",
    "\\\\server\\share\\x",
    "%2e%2e%2f",
    "．．／．．／y.mp3",
    "CON.mp3",
    "Music\\" + "é" * 120 + ".mp3",
    "Music\\<script>alert(1)</script>.mp3",
]


@pytest.mark.parametrize("remote", HOSTILE)
def test_hostile_peer_names_end_up_inside_the_library_with_sane_names(
    remote, downloads_dir, music_dir
):
    hostile_tags = {"artist": "../../..", "album": "/abs", "title": None}
    download = completed(filename=remote, metadata=hostile_tags)
    _, basename = split_remote(remote)
    # Where slskd would put it: its own sanitising keeps it inside its downloads directory.
    (downloads_dir / "incoming").mkdir(exist_ok=True)
    (downloads_dir / "incoming" / basename).write_bytes(b"audio")

    assert run_completion(download.pk, sleep=no_sleep) == "done"

    target = Path(Download.objects.get(pk=download.pk).organized_path)
    assert target.resolve().is_relative_to(music_dir.resolve())
    assert target.relative_to(music_dir.resolve()).parts[:2] == ("Unknown Artist", "abs")
    assert target.name not in ("", ".", "..")
    assert target.name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    assert len(target.name.encode("utf-8")) <= 255


def test_traversal_only_name_fails_with_a_reason():
    download = completed(filename="@@abcde\\..\\..")

    assert run_completion(download.pk, sleep=no_sleep) == "failed"
    assert Download.objects.get(pk=download.pk).last_error == "completed file not found locally"
