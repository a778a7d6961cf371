"""`GET /soulseek/download/{id}/metadata`, `POST …/metadata/refresh` (SPEC §2.8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.flac import FLAC

from downloads.enrichment_tasks import run_metadata
from tests.audio import make_flac
from tests.factories import DownloadFactory


def test_metadata_of_a_download_comes_from_the_database(api) -> None:
    download = DownloadFactory(
        filename="Daft Punk - Harder.mp3",
        genre="House",
        composer="Thomas Bangalter",
        producer="Daft Punk",
        isrc="GBDUW0000059",
        copyright="(P) 2001 Daft Life Ltd.",
    )

    response = api.get(f"/soulseek/download/{download.pk}/metadata")

    assert response.status_code == 200
    assert response.json() == {
        "id": download.pk,
        "filename": "Daft Punk - Harder.mp3",
        "genre": "House",
        "composer": "Thomas Bangalter",
        "producer": "Daft Punk",
        "isrc": "GBDUW0000059",
        "copyright": "(P) 2001 Daft Life Ltd.",
    }


@pytest.mark.parametrize("pk", ["999999", "abc", "-1"])
def test_metadata_of_an_unknown_download_is_404(api, pk: str) -> None:
    response = api.get(f"/soulseek/download/{pk}/metadata")

    assert response.status_code == 404
    assert response.json() == {"detail": "Download not found"}


def test_refresh_queues_the_step_and_the_task_writes_the_tags(
    api, completed, music_dir: Path
) -> None:
    path = make_flac(music_dir / "a/1.flac")
    download = completed(path, metadata={"genre": "Techno", "isrc": "GBDUW0000059"})

    response = api.post(f"/soulseek/download/{download.pk}/metadata/refresh")

    assert response.status_code == 202
    assert response.json() == {"status": "queued"}
    download.refresh_from_db()
    assert download.metadata_status == "pending"

    assert run_metadata(download.pk) == "done"

    download.refresh_from_db()
    assert (download.genre, download.isrc) == ("Techno", "GBDUW0000059")
    assert FLAC(path)["GENRE"] == ["Techno"]


def test_refresh_without_a_local_file_is_409(api, completed, music_dir: Path) -> None:
    download = completed(music_dir / "a/gone.flac")

    response = api.post(f"/soulseek/download/{download.pk}/metadata/refresh")

    assert response.status_code == 409
    assert response.json() == {"detail": "Audio file not found on disk"}
    download.refresh_from_db()
    assert download.metadata_status == "pending"


def test_refresh_of_an_unknown_download_is_404(api) -> None:
    response = api.post("/soulseek/download/424242/metadata/refresh")

    assert response.status_code == 404


def test_the_task_for_a_deleted_download_returns_quietly() -> None:
    assert run_metadata(424242) is None
