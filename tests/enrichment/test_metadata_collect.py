"""Metadata collection order and the metadata step on real files (SPEC §8.2, §5.4 step 3)."""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import ID3

from downloads.metadata import collect, refresh_metadata
from tests.audio import make_flac, make_mp3
from tests.enrichment.audio import make_html
from tests.fakes import FakePlex, FakeSpotify


def test_spotify_track_album_and_artist_fill_the_gaps(
    spotify: FakeSpotify, completed, music_dir: Path
) -> None:
    spotify.add_artist("Daft Punk", genres=["french house", "electro"])
    album = spotify.add_album(
        "Discovery",
        "Daft Punk",
        copyrights=[{"text": "(P) 2001 Daft Life Ltd.", "type": "P"}],
        release_date="2001-03-12",
    )
    track = spotify.add_track(
        "Harder, Better, Faster, Stronger",
        "Daft Punk",
        "Discovery",
        isrc="GBDUW0000059",
        track_number=4,
    )
    path = make_mp3(music_dir / "a/1.mp3")
    download = completed(path, metadata={"spotify_track_id": track["id"], "title": "Harder"})

    meta = collect(download, path)

    assert meta.title == "Harder"  # the payload comes first
    assert meta.artist == "Daft Punk"
    assert meta.album == "Discovery"
    assert meta.spotify_album_id == album["id"]
    assert (meta.track_number, meta.disc_number, meta.date) == (4, 1, "2001-03-12")
    assert meta.isrc == "GBDUW0000059"
    assert meta.copyright == "(P) 2001 Daft Life Ltd."
    assert meta.genre == "french house"  # the album has none: the artist's first genre
    assert meta.composer is None and meta.producer is None  # Spotify has no credits


def test_album_genres_win_over_artist_genres(
    spotify: FakeSpotify, completed, music_dir: Path
) -> None:
    spotify.add_artist("Radiohead", genres=["art rock"])
    album = spotify.add_album("In Rainbows", "Radiohead", genres=["alternative"])
    path = make_mp3(music_dir / "a/1.mp3")
    download = completed(path, spotify_album_id=album["id"])

    meta = collect(download, path)

    assert meta.genre == "alternative"
    assert spotify.requests_to(r"/artists/") == []


def test_plex_item_gives_genre_credits_and_isrc(plex: FakePlex, completed, music_dir: Path) -> None:
    plex.add_section("Music", key="1")
    item = plex.add_track(
        "Nude", "Radiohead", "In Rainbows", genres=["Alternative"], guids=["isrc://GBAYE0700123"]
    )
    item["Composer"] = [{"tag": "Thom Yorke"}]
    item["Producer"] = [{"tag": "Nigel Godrich"}]
    path = make_flac(music_dir / "a/1.flac")
    download = completed(path, metadata={"plex_rating_key": item["ratingKey"]})

    meta = collect(download, path)

    assert (meta.title, meta.artist, meta.album) == ("Nude", "Radiohead", "In Rainbows")
    assert meta.genre == "Alternative"
    assert meta.composer == "Thom Yorke"
    assert meta.producer == "Nigel Godrich"
    assert meta.isrc == "GBAYE0700123"


def test_file_tags_then_the_file_name_come_last(completed, music_dir: Path) -> None:
    path = make_mp3(music_dir / "a/1.mp3", album="Tagged Album")
    download = completed(path, filename="Music\\Daft Punk - Discovery - 03 - Digital Love.mp3")

    meta = collect(download, path)

    assert meta.album == "Tagged Album"
    assert (meta.artist, meta.title, meta.track_number) == ("Daft Punk", "Digital Love", 3)


def test_an_unreachable_spotify_is_skipped(
    spotify: FakeSpotify, completed, music_dir: Path
) -> None:
    spotify.set_down()
    path = make_mp3(music_dir / "a/1.mp3")
    download = completed(
        path, spotify_track_id="4tZwfgrHOc3mvqYlEYSvVi", filename="Daft Punk - Harder.mp3"
    )

    meta = collect(download, path)

    assert (meta.artist, meta.title) == ("Daft Punk", "Harder")


def test_peer_supplied_values_are_cleaned(completed, music_dir: Path) -> None:
    path = make_mp3(music_dir / "a/1.mp3")
    # (NUL never reaches the database: the API and the intake strip it; see test_errors.)
    payload = {"genre": "House\x07\x1b[31m" + "x" * 600, "isrc": "gb-duw-00-00059", "year": 2001}
    download = completed(path, metadata=payload)

    meta = collect(download, path)

    assert meta.genre.startswith("House[31m") and len(meta.genre) == 255
    assert meta.isrc == "GBDUW0000059"
    assert meta.date == "2001"


def test_the_metadata_step_writes_tags_and_stores_the_rich_fields(
    spotify: FakeSpotify, completed, music_dir: Path
) -> None:
    album = spotify.add_album("Discovery", "Daft Punk", genres=["house"])
    track = spotify.add_track("One More Time", "Daft Punk", "Discovery", isrc="GBDUW0000053")
    path = make_mp3(music_dir / "a/1.mp3", title="Peer Title")
    payload = {"spotify_track_id": track["id"], "composer": "Thomas Bangalter", "producer": "DP"}
    download = completed(path, metadata=payload)

    refresh_metadata(download)

    download.refresh_from_db()
    assert download.metadata_status == "done"
    assert download.metadata_error is None
    assert (download.genre, download.isrc) == ("house", "GBDUW0000053")
    assert (download.composer, download.producer) == ("Thomas Bangalter", "DP")
    assert download.copyright == "(P) 2001 Fake Records"
    assert (download.spotify_track_id, download.spotify_album_id) == (track["id"], album["id"])
    id3 = ID3(path)
    assert str(id3["TIT2"]) == "Peer Title"
    assert str(id3["TALB"]) == "Discovery"
    assert str(id3["TCON"]) == "house"
    assert str(id3["TCOM"]) == "Thomas Bangalter"
    assert str(id3["TXXX:PRODUCER"]) == "DP"
    assert str(id3["TSRC"]) == "GBDUW0000053"


def test_a_corrupt_file_fails_the_step_keeps_the_values_and_the_bytes(
    completed, music_dir: Path
) -> None:
    path = make_html(music_dir / "a/1.mp3")
    before = path.read_bytes()
    download = completed(path, metadata={"genre": "House"})

    refresh_metadata(download)

    download.refresh_from_db()
    assert download.metadata_status == "failed"
    assert download.metadata_error.startswith("not a valid MP3 file")
    assert download.genre == "House"
    assert download.status == "completed"
    assert path.read_bytes() == before


def test_other_formats_store_values_and_leave_the_file_alone(completed, music_dir: Path) -> None:
    path = music_dir / "a/1.wma"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"WMA bytes")
    download = completed(path, metadata={"genre": "Jazz"})

    refresh_metadata(download)

    download.refresh_from_db()
    assert (download.metadata_status, download.genre) == ("done", "Jazz")
    assert path.read_bytes() == b"WMA bytes"


def test_a_missing_file_fails_the_step(completed, music_dir: Path) -> None:
    download = completed(music_dir / "a/gone.flac", metadata={"genre": "Jazz"})

    refresh_metadata(download)

    download.refresh_from_db()
    assert (download.metadata_status, download.metadata_error) == ("failed", "audio file missing")
    assert download.genre == "Jazz"
    assert not (music_dir / "a/gone.flac").exists()
