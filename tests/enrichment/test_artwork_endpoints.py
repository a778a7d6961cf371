"""`GET /soulseek/download/{id}/artwork` and `POST …/artwork/refresh` (SPEC §2.8, §8.3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads.enrichment_tasks import run_artwork
from tests.audio import make_mp3
from tests.factories import DownloadFactory
from tests.fakes import FakeImageHost, fake_jpeg, tiny_png
from tests.helpers import body


def test_the_cached_cover_is_served_with_its_content_type(api, artwork_dir: Path) -> None:
    cover = artwork_dir / "album1_original.png"
    cover.write_bytes(tiny_png(4, 4))
    download = DownloadFactory(has_artwork=True, artwork_path=str(cover), artwork_status="done")

    response = api.get(f"/soulseek/download/{download.pk}/artwork", HTTP_ACCEPT="image/*")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body(response) == tiny_png(4, 4)


@pytest.mark.parametrize(
    "fields",
    [
        {"has_artwork": False},
        {"has_artwork": True, "artwork_path": None},
        {"has_artwork": True, "artwork_path": "MISSING"},
        {"has_artwork": True, "artwork_path": "/etc/passwd"},
    ],
    ids=["no-artwork", "no-path", "file-gone", "outside-cache"],
)
def test_artwork_not_available_is_404(api, artwork_dir: Path, fields: dict) -> None:
    if fields.get("artwork_path") == "MISSING":
        fields["artwork_path"] = str(artwork_dir / "gone_original.jpg")
    download = DownloadFactory(**fields)

    response = api.get(f"/soulseek/download/{download.pk}/artwork")

    assert response.status_code == 404
    assert response.json() == {"detail": "Artwork not available"}


def test_artwork_of_an_unknown_download_is_404(api) -> None:
    response = api.get("/soulseek/download/abc/artwork")

    assert response.status_code == 404
    assert response.json() == {"detail": "Artwork not available"}


def test_refresh_resets_the_fields_and_the_forced_job_fetches_again(
    api, images: FakeImageHost, completed, music_dir: Path, artwork_dir: Path
) -> None:
    url = images.add_image("/p.jpg", fake_jpeg(size=900))
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata={"artwork_url": url})
    run_artwork(download.pk)
    images.clear_requests()

    response = api.post(f"/soulseek/download/{download.pk}/artwork/refresh")

    assert response.status_code == 202
    assert response.json() == {"status": "pending"}
    download.refresh_from_db()
    assert (download.artwork_status, download.artwork_path, download.has_artwork) == (
        "pending",
        None,
        False,
    )

    assert run_artwork(download.pk, True) == "done"

    download.refresh_from_db()
    assert download.has_artwork is True
    assert [r.path for r in images.requests] == ["/p.jpg"]  # cache bypassed


def test_refresh_without_the_audio_file_is_409(api, completed, music_dir: Path) -> None:
    download = completed(music_dir / "a/gone.mp3", has_artwork=True, artwork_status="done")

    response = api.post(f"/soulseek/download/{download.pk}/artwork/refresh")

    assert response.status_code == 409
    download.refresh_from_db()
    assert download.artwork_status == "done"


def test_refresh_of_an_unknown_download_is_404(api) -> None:
    response = api.post("/soulseek/download/424242/artwork/refresh")

    assert response.status_code == 404
    assert response.json() == {"detail": "Download not found"}
