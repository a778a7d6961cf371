"""From `POST /api/download` to an organised, imported file (issue point 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads.models import Download
from downloads.tasks import run_completion
from tests.audio import make_mp3
from tests.downloads.support import cycle_until, enqueue_requests, post_download

pytestmark = pytest.mark.django_db


def test_download_travels_from_request_to_library(api, slskd, music_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("BEETS_COMMAND")
    remote = "@@abcde\\Music\\Daft Punk\\Discovery\\04 - Harder, Better.mp3"
    audio = make_mp3(tmp_path / "source.mp3", title="Harder", artist="Daft Punk")
    slskd.register_file_content(remote, audio.read_bytes())

    created = post_download(
        api,
        filename=remote,
        size=audio.stat().st_size,
        title="Harder, Better, Faster, Stronger",
        artist="Daft Punk",
        album="Discovery",
        track_number=4,
    )
    download_id = created["download_id"]
    cycle_until(lambda: Download.objects.get(pk=download_id).status == "completed", slskd)
    result = run_completion(download_id)

    assert result == "done"
    download = Download.objects.get(pk=download_id)
    expected = music_dir / "Daft Punk" / "Discovery" / "04 - Harder Better Faster Stronger.mp3"
    assert Path(download.organized_path) == expected.resolve()
    assert expected.is_file()
    assert not any(p.is_file() for p in slskd.downloads_dir.rglob("*"))  # moved, not copied
    assert download.progress == 100.0
    assert download.pipeline_status == "done"
    assert download.import_status == "imported"
    assert len(enqueue_requests(slskd)) == 1
    events = api.get("/api/activity?type=download&limit=200").json()["items"]
    assert [e["status"] for e in reversed(events)] == ["queued", "completed"]
    assert events[0]["details"] == {
        "download_id": download_id,
        "filename": remote,
        "username": "dj_user",
        "organized_path": str(expected.resolve()),
        "has_artwork": False,
        "import_status": "imported",
    }
