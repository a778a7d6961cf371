"""The completion pipeline's enrichment (SPEC §5.4 steps 3–4): every step on real files, each
failure isolated — the download stays `completed`, the step's status says what failed, the
worker never crashes and the audio file is never left truncated."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import ID3

from downloads import artwork
from downloads.enrichment_hook import run_enrichment
from downloads.models import Download
from downloads.pipeline import run_completion
from tests.audio import make_mp3
from tests.enrichment.audio import make_html
from tests.factories import DownloadFactory
from tests.fakes import FakeImageHost, FakeLrclib, FakeSpotify, fake_jpeg

COVER = fake_jpeg(600, 600, size=2500)
SYNCED = "[00:00.50] One more time"


@pytest.fixture
def everything(spotify: FakeSpotify, images: FakeImageHost, lrclib: FakeLrclib) -> dict[str, str]:
    """A Spotify track whose album has a cover on the image host, and its lyrics on LRCLIB."""
    cover = images.add_image("/discovery.jpg", COVER)
    spotify.add_artist("Daft Punk", genres=["french house"])
    album = spotify.add_album(
        "Discovery", "Daft Punk", images=[{"url": cover, "width": 600, "height": 600}]
    )
    track = spotify.add_track(
        "One More Time", "Daft Punk", "Discovery", isrc="GBDUW0000053", track_number=1
    )
    lrclib.add_lyrics("One More Time", "Daft Punk", "Discovery", duration=1, synced=SYNCED)
    return {"track": track["id"], "album": album["id"], "cover": cover}


def test_a_finished_download_gets_tags_cover_and_lyrics(
    everything: dict[str, str], completed, music_dir: Path
) -> None:
    path = make_mp3(music_dir / "Daft Punk/Discovery/01 - One More Time.mp3")
    download = completed(path, metadata={"spotify_track_id": everything["track"]})

    run_enrichment(download)

    download.refresh_from_db()
    assert download.status == "completed"
    assert (download.metadata_status, download.artwork_status, download.lyrics_status) == (
        "done",
        "done",
        "done",
    )
    assert (download.genre, download.isrc) == ("french house", "GBDUW0000053")
    assert download.spotify_album_id == everything["album"]
    assert download.has_artwork and download.artwork_url == everything["cover"]
    assert download.has_lyrics
    id3 = ID3(path)
    assert str(id3["TCON"]) == "french house"
    assert str(id3["TALB"]) == "Discovery"
    assert id3.getall("APIC")[0].data == COVER
    assert path.with_suffix(".lrc").read_text() == SYNCED + "\n"


def test_the_real_pipeline_organises_then_enriches(
    everything: dict[str, str], tmp_path: Path, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEETS_COMMAND", str(tmp_path / "no-beets-here"))
    make_mp3(tmp_path / "slskd-downloads/Shared/01 - One More Time.mp3")
    download = DownloadFactory(
        filename="@@peer\\Shared\\01 - One More Time.mp3",
        size=None,
        status=Download.Status.COMPLETED,
        request_payload={
            "metadata": {
                "artist": "Daft Punk",
                "album": "Discovery",
                "title": "One More Time",
                "track_number": 1,
                "spotify_track_id": everything["track"],
            }
        },
    )

    result = run_completion(download.pk, sleep=lambda _s: None)

    download.refresh_from_db()
    target = music_dir / "Daft Punk/Discovery/01 - One More Time.mp3"
    assert result == "done"
    assert download.status == "completed"
    assert download.organized_path == str(target)
    assert (download.metadata_status, download.artwork_status, download.lyrics_status) == (
        "done",
        "done",
        "done",
    )
    assert ID3(target).getall("APIC")[0].data == COVER


def test_a_corrupt_file_fails_only_what_needs_a_valid_file(
    everything: dict[str, str], completed, music_dir: Path
) -> None:
    path = make_html(music_dir / "Daft Punk/Discovery/01 - One More Time.mp3")
    before = path.read_bytes()
    download = completed(path, metadata={"spotify_track_id": everything["track"]})

    run_enrichment(download)

    download.refresh_from_db()
    assert download.status == "completed"
    assert download.metadata_status == "failed"
    assert download.metadata_error.startswith("not a valid MP3 file")
    assert download.genre == "french house"  # collected values are kept
    assert download.artwork_status == "done"  # cover cached and served …
    assert download.artwork_error.startswith("could not embed the cover")  # … not embedded
    assert path.read_bytes() == before


def test_a_file_removed_meanwhile_fails_every_step_with_a_reason(
    everything: dict[str, str], completed, music_dir: Path
) -> None:
    path = make_mp3(music_dir / "a/1.mp3")
    download = completed(path, metadata={"spotify_track_id": everything["track"]})
    path.unlink()

    run_enrichment(download)

    download.refresh_from_db()
    assert download.status == "completed"
    assert (download.metadata_status, download.metadata_error) == ("failed", "audio file missing")
    assert (download.artwork_status, download.artwork_error) == ("failed", "audio file missing")
    assert download.lyrics_status == "failed"
    assert (download.has_artwork, download.has_lyrics) == (False, False)
    assert list((music_dir / "a").iterdir()) == []


def test_an_unexpected_error_in_one_step_does_not_stop_the_others(
    everything: dict[str, str], completed, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("bug in artwork")

    monkeypatch.setattr(artwork, "process_artwork", broken)
    path = make_mp3(music_dir / "a/1.mp3")
    download = completed(path, metadata={"spotify_track_id": everything["track"]})

    run_enrichment(download)

    download.refresh_from_db()
    assert download.artwork_status == "failed"
    assert download.artwork_error == "artwork step failed: bug in artwork"
    assert (download.metadata_status, download.lyrics_status) == ("done", "done")


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"declared_length": 50_000_000}, "image larger than"),
        ({"omit_length": True, "content": fake_jpeg(size=300_000)}, "image larger than"),
        ({"drip_delay": 0.1, "chunk_size": 5}, "timed out"),
        ({"redirect_to": "http://169.254.169.254/latest/meta-data/"}, "non-public address"),
    ],
    ids=["declared-too-big", "undeclared-too-big", "drip", "redirect-to-metadata-ip"],
)
def test_hostile_image_servers_fail_the_artwork_step_only(
    spotify: FakeSpotify,
    images: FakeImageHost,
    completed,
    music_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: dict,
    reason: str,
) -> None:
    monkeypatch.setenv("ARTWORK_MAX_BYTES", "100000")
    monkeypatch.setenv("ARTWORK_TIMEOUT_SEC", "1")
    monkeypatch.setenv("ARTWORK_ALLOWED_HOSTS", "127.0.0.1,*")
    content = options.pop("content", fake_jpeg(size=2000))
    url = images.add_image("/cover.jpg", content, **options)
    album = spotify.add_album("A", "B", images=[{"url": url, "width": 640, "height": 640}])
    path = make_mp3(music_dir / "a/1.mp3", title="Kept")
    download = completed(path, spotify_album_id=album["id"])

    run_enrichment(download)

    download.refresh_from_db()
    assert download.status == "completed"
    assert download.metadata_status == "done"
    assert download.artwork_status == "failed"
    assert reason in download.artwork_error
    assert not download.has_artwork
    assert ID3(path).getall("APIC") == []
    assert str(ID3(path)["TIT2"]) == "Kept"
