"""Lyrics from LRCLIB as `.lrc` next to the track, and the lyrics endpoints (product owner's
issue "Enrichment of finished downloads" point 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads.enrichment_tasks import run_lyrics
from downloads.lyrics import fetch_lyrics
from tests.audio import make_flac, make_mp3
from tests.fakes import FakeLrclib

META = {"artist": "Radiohead", "title": "Nude", "album": "In Rainbows"}
SYNCED = "[00:01.00] Don't get any big ideas\n[00:05.50] They're not gonna happen"


def test_synced_lyrics_are_written_next_to_the_track(
    lrclib: FakeLrclib, completed, music_dir: Path
) -> None:
    lrclib.add_lyrics("Nude", "Radiohead", "In Rainbows", duration=1, synced=SYNCED)
    path = make_flac(music_dir / "Radiohead/In Rainbows/03 - Nude.flac")
    download = completed(path, metadata=META)

    status = fetch_lyrics(download)

    download.refresh_from_db()
    lrc = music_dir / "Radiohead/In Rainbows/03 - Nude.lrc"
    assert status == download.lyrics_status == "done"
    assert (download.has_lyrics, download.lyrics_path) == (True, str(lrc))
    assert lrc.read_text() == SYNCED + "\n"
    request = lrclib.requests[0]
    assert request.arg("artist_name") == "Radiohead"
    assert request.arg("track_name") == "Nude"
    assert request.arg("album_name") == "In Rainbows"
    assert request.arg("duration") == "1"
    assert request.header("User-Agent") == "Harmony/1.4.0 ( self-hosted )"


def test_plain_lyrics_are_the_fallback(lrclib: FakeLrclib, completed, music_dir: Path) -> None:
    lrclib.add_lyrics("Nude", "Radiohead", "In Rainbows", duration=1, synced=None, plain="A\nB")
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=META)

    fetch_lyrics(download)

    download.refresh_from_db()
    assert download.lyrics_status == "done"
    assert Path(download.lyrics_path).read_text() == "A\nB\n"


@pytest.mark.parametrize("instrumental", [False, True])
def test_no_lyrics_on_lrclib_skips(
    lrclib: FakeLrclib, completed, music_dir: Path, instrumental: bool
) -> None:
    if instrumental:
        lrclib.add_lyrics("Nude", "Radiohead", "In Rainbows", duration=1, instrumental=True)
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=META)

    fetch_lyrics(download)

    download.refresh_from_db()
    assert (download.lyrics_status, download.has_lyrics) == ("skipped", False)
    assert sorted(p.name for p in (music_dir / "a").iterdir()) == ["1.mp3"]


def test_disabled_lyrics_skip_without_a_request(
    lrclib: FakeLrclib, completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LYRICS_ENABLED", "false")
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=META)

    fetch_lyrics(download)

    download.refresh_from_db()
    assert download.lyrics_status == "skipped"
    assert lrclib.requests == []


def test_an_unreachable_lrclib_fails_the_step(
    lrclib: FakeLrclib, completed, music_dir: Path
) -> None:
    lrclib.set_down()
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=META)

    fetch_lyrics(download)

    download.refresh_from_db()
    assert (download.lyrics_status, download.has_lyrics) == ("failed", False)
    assert download.status == "completed"


def test_get_lyrics_returns_text_and_whether_it_is_synced(
    api, lrclib: FakeLrclib, completed, music_dir: Path
) -> None:
    lrclib.add_lyrics("Nude", "Radiohead", "In Rainbows", duration=1, synced=SYNCED)
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=META)
    fetch_lyrics(download)

    response = api.get(f"/soulseek/download/{download.pk}/lyrics")

    assert response.status_code == 200
    assert response.json() == {
        "id": download.pk,
        "status": "done",
        "synced": True,
        "lyrics": SYNCED + "\n",
        "path": str(music_dir / "a/1.lrc"),
    }


@pytest.mark.parametrize("status", ["pending", "running"])
def test_get_lyrics_while_pending_is_202(api, completed, music_dir: Path, status: str) -> None:
    download = completed(make_mp3(music_dir / "a/1.mp3"), lyrics_status=status)

    response = api.get(f"/soulseek/download/{download.pk}/lyrics")

    assert response.status_code == 202
    assert response.json() == {"status": "pending"}


@pytest.mark.parametrize("status", ["failed", "skipped", "done"])
def test_get_lyrics_without_lyrics_is_404(api, completed, music_dir: Path, status: str) -> None:
    # "done" with a vanished file is not available either.
    lyrics_path = str(music_dir / "a/1.lrc") if status == "done" else None
    download = completed(
        make_mp3(music_dir / "a/1.mp3"),
        lyrics_status=status,
        has_lyrics=status == "done",
        lyrics_path=lyrics_path,
    )

    response = api.get(f"/soulseek/download/{download.pk}/lyrics")

    assert response.status_code == 404
    assert response.json() == {"detail": "Lyrics not available"}


def test_refresh_queues_a_lyrics_job(api, lrclib: FakeLrclib, completed, music_dir: Path) -> None:
    lrclib.add_lyrics("Nude", "Radiohead", "In Rainbows", duration=1, synced=None, plain="x")
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=META, lyrics_status="skipped")

    response = api.post(f"/soulseek/download/{download.pk}/lyrics/refresh")

    assert response.status_code == 202
    assert response.json() == {"status": "pending"}
    assert api.get(f"/soulseek/download/{download.pk}/lyrics").status_code == 202
    assert run_lyrics(download.pk) == "done"
    body = api.get(f"/soulseek/download/{download.pk}/lyrics").json()
    assert (body["synced"], body["lyrics"]) == (False, "x\n")


def test_refresh_without_a_local_file_is_409_and_unknown_is_404(
    api, completed, music_dir: Path
) -> None:
    download = completed(music_dir / "a/gone.mp3")

    assert api.post(f"/soulseek/download/{download.pk}/lyrics/refresh").status_code == 409
    assert api.post("/soulseek/download/424242/lyrics/refresh").status_code == 404
    assert api.get("/soulseek/download/424242/lyrics").status_code == 404
