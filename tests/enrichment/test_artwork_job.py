"""The artwork step: candidates, per-album cache, fallback, embedding, slots (SPEC §8.3)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import mutagen
import pytest
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3
from mutagen.mp4 import MP4

from core.workers import leases
from downloads import artwork
from downloads.artwork import process_artwork
from downloads.enrichment_tasks import run_artwork
from downloads.models import Download
from tests.audio import make_flac, make_m4a, make_mp3, make_ogg
from tests.enrichment.audio import make_html
from tests.factories import WorkerLeaseFactory
from tests.fakes import FakeImageHost, FakeSpotify, fake_jpeg, tiny_png

COVER = fake_jpeg(640, 640, size=3000)


def album_with_cover(spotify: FakeSpotify, images: FakeImageHost) -> dict:
    big = images.add_image("/big.jpg", COVER)
    small = images.add_image("/small.jpg", fake_jpeg(64, 64))
    return spotify.add_album(
        "Discovery",
        "Daft Punk",
        images=[
            {"url": small, "width": 64, "height": 64},
            {"url": big, "width": 640, "height": 640},
        ],
    )


@pytest.mark.parametrize("maker", [make_mp3, make_flac, make_m4a, make_ogg])
def test_largest_spotify_image_is_cached_per_album_and_embedded(
    spotify: FakeSpotify,
    images: FakeImageHost,
    completed: Callable[..., Download],
    music_dir: Path,
    artwork_dir: Path,
    maker,
) -> None:
    album = album_with_cover(spotify, images)
    suffix = {"make_mp3": "mp3", "make_flac": "flac", "make_m4a": "m4a", "make_ogg": "ogg"}
    path = maker(music_dir / f"Daft Punk/Discovery/01 - One.{suffix[maker.__name__]}")
    download = completed(path, spotify_album_id=album["id"])

    status = process_artwork(download)

    download.refresh_from_db()
    cached = artwork_dir / f"{album['id']}_original.jpg"
    assert status == download.artwork_status == "done"
    assert download.has_artwork is True
    assert download.artwork_path == str(cached)
    assert download.artwork_url == images.url + "/big.jpg"
    assert cached.read_bytes() == COVER
    assert [r.path for r in images.requests] == ["/big.jpg"]
    assert _embedded(path) == COVER


def _embedded(path: Path) -> bytes:
    audio = mutagen.File(path)
    if isinstance(audio.tags, ID3):
        return audio.tags.getall("APIC")[0].data
    if isinstance(audio, FLAC):
        return audio.pictures[0].data
    if isinstance(audio, MP4):
        return bytes(audio["covr"][0])
    return Picture(base64.b64decode(audio["METADATA_BLOCK_PICTURE"][0])).data


def test_the_next_track_of_the_album_reuses_the_cache(
    spotify: FakeSpotify,
    images: FakeImageHost,
    completed: Callable[..., Download],
    music_dir: Path,
) -> None:
    album = album_with_cover(spotify, images)
    first = completed(make_mp3(music_dir / "a/1.mp3"), spotify_album_id=album["id"])
    second = completed(make_flac(music_dir / "a/2.flac"), spotify_album_id=album["id"])
    process_artwork(first)
    spotify.clear_requests()

    status = process_artwork(second)

    second.refresh_from_db()
    assert status == second.artwork_status == "cached"
    assert second.has_artwork is True
    assert second.artwork_path == first.artwork_path
    assert len(images.requests) == 1
    assert spotify.requests == []  # a cache hit needs no network at all
    assert _embedded(Path(second.organized_path)) == COVER


def test_a_forced_job_bypasses_the_cache(
    spotify: FakeSpotify,
    images: FakeImageHost,
    completed: Callable[..., Download],
    music_dir: Path,
    artwork_dir: Path,
) -> None:
    album = album_with_cover(spotify, images)
    download = completed(make_mp3(music_dir / "a/1.mp3"), spotify_album_id=album["id"])
    process_artwork(download)
    images.add_image("/big.jpg", tiny_png(16, 16), content_type="image/png")

    status = run_artwork(download.pk, True)

    download.refresh_from_db()
    assert status == "done"
    assert download.artwork_path == str(artwork_dir / f"{album['id']}_original.png")
    assert sorted(p.name for p in artwork_dir.iterdir()) == [f"{album['id']}_original.png"]
    assert _embedded(Path(download.organized_path)) == tiny_png(16, 16)


def test_the_album_is_found_through_the_spotify_track(
    spotify: FakeSpotify, images: FakeImageHost, completed, music_dir: Path
) -> None:
    album = album_with_cover(spotify, images)
    track = spotify.add_track("One More Time", "Daft Punk", "Discovery")
    download = completed(make_mp3(music_dir / "a/1.mp3"), spotify_track_id=track["id"])

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "done"
    assert download.spotify_album_id == album["id"]
    assert download.spotify_track_id == track["id"]


def test_the_payload_artwork_url_is_the_second_candidate(
    images: FakeImageHost, completed, music_dir: Path, artwork_dir: Path
) -> None:
    url = images.add_image("/payload.png", tiny_png(8, 8), content_type="image/png")
    path = make_mp3(music_dir / "a/1.mp3")
    download = completed(path, metadata={"artwork_url": url, "spotify_track_id": "trk1"})

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "done"
    assert download.artwork_path == str(artwork_dir / "trk1_original.png")
    assert download.artwork_url == url


def test_without_spotify_id_the_cache_key_is_the_download(
    images: FakeImageHost, completed, music_dir: Path, artwork_dir: Path
) -> None:
    url = images.add_image("/p.jpg", COVER)
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata={"artwork_url": url})

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_path == str(artwork_dir / f"download-{download.pk}_original.jpg")


def test_musicbrainz_and_cover_art_archive_are_the_fallback(
    musicbrainz, images: FakeImageHost, completed, music_dir: Path, artwork_dir: Path
) -> None:
    fake_mb, fake_caa = musicbrainz
    group = fake_mb.add_release_group("In Rainbows", "Radiohead")
    image_url = fake_caa.set_cover(group["id"])
    images.add_image(image_url.removeprefix(images.url), COVER)
    path = make_flac(music_dir / "Radiohead/In Rainbows/01 - Nude.flac")
    download = completed(path, metadata={"artist": "Radiohead", "album": "In Rainbows"})

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "done"
    assert download.artwork_path == str(artwork_dir / f"{group['id']}_original.jpg")
    assert download.artwork_url == f"{fake_caa.url}/release-group/{group['id']}/front"
    assert fake_mb.requests[0].header("User-Agent") == "Harmony/1.4.0 ( self-hosted )"
    query = fake_mb.requests[0].arg("query")
    assert query == 'releasegroup:"In Rainbows" AND artist:"Radiohead"'
    assert _embedded(path) == COVER


def test_the_fallback_redirect_must_stay_on_the_allow_list(
    musicbrainz, completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_mb, fake_caa = musicbrainz
    monkeypatch.setenv("ARTWORK_ALLOWED_HOSTS", "*.archive.org")  # the image host is not listed
    group = fake_mb.add_release_group("In Rainbows", "Radiohead")
    fake_caa.set_cover(group["id"])
    meta = {"artist": "Radiohead", "album": "In Rainbows"}
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=meta)

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "failed"
    assert "not on the artwork allow-list" in download.artwork_error
    assert download.has_artwork is False


def test_without_fallback_and_candidates_the_step_fails(completed, music_dir: Path) -> None:
    meta = {"artist": "Radiohead", "album": "In Rainbows"}
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=meta)

    status = process_artwork(download)

    download.refresh_from_db()
    assert status == download.artwork_status == "failed"
    assert download.artwork_error == "no artwork candidate"
    assert download.has_artwork is False


def test_a_refused_candidate_falls_through_to_the_next(
    fake_image_host: FakeImageHost, musicbrainz, completed, music_dir: Path
) -> None:
    fake_mb, fake_caa = musicbrainz
    group = fake_mb.add_release_group("Discovery", "Daft Punk")
    fake_image_host.add_image(fake_caa.set_cover(group["id"]).removeprefix(fake_image_host.url))
    meta = {
        "artist": "Daft Punk",
        "album": "Discovery",
        "artwork_url": "http://169.254.169.254/latest/meta-data/iam",
    }
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=meta)

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "done"
    assert download.artwork_path.endswith(f"{group['id']}_original.jpg")


def test_musicbrainz_requests_are_spaced_one_second_apart(monkeypatch) -> None:
    throttle = artwork.Throttle(1.0)
    now, slept = [100.0], []
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    monkeypatch.setattr(
        throttle, "sleep", lambda s: (slept.append(s), now.__setitem__(0, now[0] + s))
    )

    throttle.wait()
    now[0] += 0.25
    throttle.wait()

    assert slept == [0.75]


def test_an_oversized_cover_fails_the_step_and_caches_nothing(
    spotify: FakeSpotify,
    images: FakeImageHost,
    completed,
    music_dir: Path,
    artwork_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARTWORK_MAX_BYTES", "1000")
    url = images.add_image("/big.jpg", fake_jpeg(size=50_000), omit_length=True)
    album = spotify.add_album("A", "B", images=[{"url": url, "width": 640, "height": 640}])
    download = completed(make_mp3(music_dir / "a/1.mp3"), spotify_album_id=album["id"])

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "failed"
    assert download.artwork_error == "spotify: image larger than 1000 bytes"
    assert list(artwork_dir.iterdir()) == []


def test_a_corrupt_audio_file_keeps_the_cached_cover_and_says_why(
    images: FakeImageHost, completed, music_dir: Path
) -> None:
    url = images.add_image("/p.jpg", COVER)
    path = make_html(music_dir / "a/1.mp3")
    before = path.read_bytes()
    download = completed(path, metadata={"artwork_url": url})

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "done"
    assert download.has_artwork is True
    assert download.artwork_error.startswith("could not embed the cover: not a valid MP3 file")
    assert path.read_bytes() == before


def test_a_missing_audio_file_fails_without_fetching(
    images: FakeImageHost, completed, music_dir: Path
) -> None:
    url = images.add_image("/p.jpg", COVER)
    download = completed(music_dir / "a/gone.mp3", metadata={"artwork_url": url})

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "failed"
    assert download.artwork_error == "audio file missing"
    assert images.requests == []


def test_fetches_wait_for_a_free_artwork_slot(
    images: FakeImageHost, completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARTWORK_CONCURRENCY", "1")
    monkeypatch.setattr(artwork, "SLOT_WAIT", 0.0)
    WorkerLeaseFactory(name="artwork-slot:0", owner="other-cluster")
    url = images.add_image("/p.jpg", COVER)
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata={"artwork_url": url})

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "failed"
    assert download.artwork_error == "payload: every artwork slot stayed busy"
    assert images.requests == []


def test_a_slot_is_given_back_after_the_fetch(
    images: FakeImageHost, completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARTWORK_CONCURRENCY", "2")
    WorkerLeaseFactory(name="artwork-slot:0", owner="other-cluster")
    url = images.add_image("/p.jpg", COVER)
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata={"artwork_url": url})

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "done"
    assert leases.is_held("artwork-slot:0") is True
    assert leases.is_held("artwork-slot:1") is False


def test_an_unreachable_musicbrainz_is_named_in_the_error(
    musicbrainz, completed, music_dir: Path
) -> None:
    fake_mb, _caa = musicbrainz
    fake_mb.set_down()
    meta = {"artist": "Radiohead", "album": "In Rainbows"}
    download = completed(make_mp3(music_dir / "a/1.mp3"), metadata=meta)

    process_artwork(download)

    download.refresh_from_db()
    assert download.artwork_status == "failed"
    assert download.artwork_error == "musicbrainz: musicbrainz unreachable"
