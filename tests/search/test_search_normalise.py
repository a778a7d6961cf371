"""Normalising upstream hits into search candidates (SPEC §3.2 step 3)."""

from __future__ import annotations

import hashlib

import pytest

from matching.search.candidates import from_plex, from_soulseek, from_spotify, soulseek_id
from matching.search.request import SearchRequest
from matching.search.sources import soulseek_seconds, spotify_query

SPOTIFY_TRACK = {
    "id": "2cGx",
    "uri": "spotify:track:2cGx",
    "name": "Weird Fishes/Arpeggi",
    "type": "track",
    "popularity": 78,
    "artists": [{"id": "rh", "name": "Radiohead"}, {"id": "x", "name": "Guest"}],
    "album": {"id": "ir", "name": "In Rainbows", "release_date": "2007-10-10"},
}


def test_spotify_track():
    candidate = from_spotify("track", SPOTIFY_TRACK, {"rh": ["Art Rock"], "x": ["Pop"]})

    assert candidate == {
        "type": "track",
        "id": "spotify:track:2cGx",
        "source": "spotify",
        "title": "Weird Fishes/Arpeggi",
        "artist": "Radiohead",
        "album": "In Rainbows",
        "year": 2007,
        "genres": ["Art Rock"],
        "bitrate": None,
        "format": None,
        "score": 0.0,
        "metadata": {"raw": SPOTIFY_TRACK, "artists": ["Radiohead", "Guest"]},
    }


def test_spotify_album_uses_its_own_name_and_release_year():
    album = {
        "id": "ir",
        "name": "In Rainbows",
        "release_date": "2007",
        "artists": [{"id": "rh", "name": "Radiohead"}],
    }

    candidate = from_spotify("album", album, {})

    assert (candidate["id"], candidate["album"], candidate["year"]) == (
        "spotify:album:ir",
        "In Rainbows",
        2007,
    )
    assert candidate["genres"] == []


def test_spotify_artist_has_its_own_genres_and_no_album():
    artist = {"id": "rh", "name": "Radiohead", "genres": ["art rock", "alternative rock"]}

    candidate = from_spotify("artist", artist, {})

    assert candidate["artist"] == "Radiohead"
    assert candidate["metadata"]["artists"] == ["Radiohead"]
    assert (candidate["album"], candidate["year"]) == (None, None)
    assert candidate["genres"] == ["art rock", "alternative rock"]
    assert candidate["id"] == "spotify:artist:rh"


def test_spotify_object_without_id_is_dropped_and_odd_fields_are_null():
    assert from_spotify("track", {"name": "x"}, {}) is None
    odd = from_spotify("track", {"id": "t", "artists": "Radiohead", "album": "x"}, {})
    assert (odd["title"], odd["artist"], odd["album"], odd["year"]) == ("", None, None, None)


def test_plex_track():
    entry = {
        "ratingKey": "1003",
        "type": "track",
        "title": "Nude",
        "grandparentTitle": "Radiohead",
        "parentTitle": "In Rainbows",
        "parentYear": 2007,
        "Genre": [{"tag": "Rock"}, {"tag": "Rock"}, {"nope": 1}],
        "Media": [{"bitrate": 1011, "audioCodec": "flac"}],
    }

    candidate = from_plex(entry)

    assert candidate["id"] == "plex:track:1003"
    assert (candidate["artist"], candidate["album"], candidate["year"]) == (
        "Radiohead",
        "In Rainbows",
        2007,
    )
    assert (candidate["genres"], candidate["bitrate"], candidate["format"]) == (
        ["Rock"],
        1011,
        "FLAC",
    )
    assert candidate["metadata"] == {"raw": entry, "artists": ["Radiohead"]}


def test_plex_track_falls_back_to_the_original_title_and_maps_vorbis_to_ogg():
    entry = {
        "ratingKey": 5,
        "type": "track",
        "title": "x",
        "originalTitle": "Guest",
        "Media": [{"audioCodec": "vorbis"}],
    }

    candidate = from_plex(entry)

    assert (candidate["artist"], candidate["format"], candidate["bitrate"]) == (
        "Guest",
        "OGG",
        None,
    )


def test_plex_album_and_artist():
    album = from_plex(
        {
            "ratingKey": "9",
            "type": "album",
            "title": "Kid A",
            "parentTitle": "Radiohead",
            "year": 2000,
        }
    )
    artist = from_plex({"ratingKey": "8", "type": "artist", "title": "Radiohead"})

    assert (album["id"], album["artist"], album["album"], album["year"]) == (
        "plex:album:9",
        "Radiohead",
        "Kid A",
        2000,
    )
    assert (artist["id"], artist["artist"], artist["album"]) == ("plex:artist:8", "Radiohead", None)


@pytest.mark.parametrize(
    "entry",
    [
        {"type": "track", "title": "no key"},
        {"ratingKey": "1", "type": "episode", "title": "x"},
        {"ratingKey": True, "type": "track"},
        {"ratingKey": "  ", "type": "track"},
    ],
)
def test_unusable_plex_entries_are_dropped(entry):
    assert from_plex(entry) is None


def test_soulseek_file():
    response = {
        "username": "user123",
        "hasFreeUploadSlot": True,
        "queueLength": 2,
        "uploadSpeed": 1000,
    }
    file = {
        "filename": "@@abcde\\Music\\Radiohead\\2007 - In Rainbows [320]\\04 - Radiohead - Weird Fishes.mp3",
        "size": 9423921,
        "bitRate": 320,
        "length": 318,
        "extension": "mp3",
    }

    candidate = from_soulseek(response, file)

    digest = hashlib.sha1(f"user123\n{file['filename']}".encode()).hexdigest()[:12]
    assert candidate["id"] == f"soulseek:file:{digest}"
    assert (candidate["type"], candidate["title"], candidate["artist"]) == (
        "track",
        "Weird Fishes",
        "Radiohead",
    )
    assert (candidate["album"], candidate["year"]) == ("In Rainbows", 2007)
    assert (candidate["bitrate"], candidate["format"], candidate["genres"]) == (320, "MP3", [])
    assert candidate["metadata"]["raw"] == {
        "username": "user123",
        "path": file["filename"],
        "size": 9423921,
        "bitrate": 320,
        "length": 318,
        "extension": "mp3",
        "has_free_upload_slot": True,
        "queue_length": 2,
        "upload_speed": 1000,
    }


@pytest.mark.parametrize(
    ("filename", "extension", "bitrate", "fmt"),
    [
        ("Artist\\Album\\01 - Song.flac", "", 1000, "FLAC"),
        ("Artist\\Album\\01 - Song.APE", None, 1000, "APE"),
        ("Artist\\Album [320]\\01 - Song.mp3", "mp3", 320, "MP3"),
        ("Artist\\Album 256kbps\\01 - Song.m4a", "m4a", 256, "M4A"),
        ("Artist\\Album\\01 - Song.mp3", "mp3", None, "MP3"),
        ("Artist\\Album\\Song", "", None, None),
    ],
)
def test_soulseek_bitrate_falls_back_to_lossless_then_the_path(filename, extension, bitrate, fmt):
    file = {"filename": filename}
    if extension is not None:
        file["extension"] = extension

    candidate = from_soulseek({"username": "u"}, file)

    assert (candidate["bitrate"], candidate["format"]) == (bitrate, fmt)


def test_soulseek_artist_from_the_grandparent_directory():
    candidate = from_soulseek(
        {"username": "u"}, {"filename": "Music\\Boards of Canada\\Geogaddi\\03 Music Is Math.flac"}
    )

    assert (candidate["artist"], candidate["album"], candidate["title"]) == (
        "Boards of Canada",
        "Geogaddi",
        "Music Is Math",
    )


def test_soulseek_id_depends_on_user_and_path():
    assert soulseek_id("a", "x.mp3") != soulseek_id("b", "x.mp3")
    assert len(soulseek_id("a", "x.mp3")) == len("soulseek:file:") + 12


def test_spotify_query_adds_genre_and_year_filters():
    assert spotify_query(SearchRequest("radiohead")) == "radiohead"
    assert (
        spotify_query(SearchRequest("radiohead", genre='art "rock"', year_from=1990, year_to=2024))
        == 'radiohead genre:"art rock" year:1990-2024'
    )
    assert spotify_query(SearchRequest("x", year_from=1990)) == "x year:1990-2099"
    assert spotify_query(SearchRequest("x", year_to=1999)) == "x year:1900-1999"


def test_soulseek_search_leaves_time_to_stop_and_collect():
    assert soulseek_seconds(8.0) < 8.0
    assert soulseek_seconds(1.0) > 0
