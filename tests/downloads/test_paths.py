"""The path builder: sanitising and library names (SPEC §8.1, RELIABILITY T20–T22)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from downloads.paths import (
    UnsafePath,
    guess_album,
    inside,
    library_name,
    sanitize_component,
    split_remote,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("AC/DC: Greatest Hits!", "ACDC Greatest Hits"),
        ("   ", "Unknown"),
        ("", "Unknown"),
        (None, "Unknown"),
        ("坂本龍一", "坂本龍一"),
        ("Björk", "Bjork"),
        ("Sigur Rós", "Sigur Ros"),
        ("..", "Unknown"),
        ("../../..", "Unknown"),
        ("．．／", "Unknown"),
        ("‥", "Unknown"),
        ("a/b\\c", "abc"),
        ("tab\there\nnew\x00line\x1b", "tabherenewline"),
        ("trailing dots...", "trailing dots"),
        ("-dash-", "dash"),
        ("a__b--c..d", "a b c d"),
        ("%2e%2e%2f", "2e 2e 2f"),
        ("CON", "CON_"),
        ("con", "con_"),
        ("LPT9", "LPT9_"),
        ("COM¹", "COM1_"),
        ("CONSOLE", "CONSOLE"),
        ("한국어", "한국어"),
    ],
)
def test_sanitize_component(raw, clean):
    assert sanitize_component(raw) == clean


def test_sanitized_names_are_nfc_and_at_most_200_bytes():
    name = sanitize_component("é" * 300 + "ü" * 10)

    assert len(name.encode("utf-8")) <= 200
    assert unicodedata.is_normalized("NFC", name)
    assert len(sanitize_component("坂" * 100).encode("utf-8")) <= 200


def test_split_remote_handles_both_separators():
    assert split_remote("@@abcde\\Music\\A/B\\x.mp3") == (["@@abcde", "Music", "A", "B"], "x.mp3")
    assert split_remote("x.mp3") == ([], "x.mp3")


@pytest.mark.parametrize(
    ("stem", "album"),
    [
        ("Artist - Album - 01 - Title", "Album"),
        ("Artist -  - 01 - Title", None),
        ("Artist - Title", None),
        ("Title", None),
    ],
)
def test_album_guessed_from_the_file_name(stem, album):
    assert guess_album(stem) == album


def test_library_name_from_metadata():
    name = library_name(
        "Music\\x\\04 Harder.MP3",
        {"artist": "Daft Punk", "album": "Discovery", "title": "Harder", "track_number": 4},
    )

    assert name.relative() == Path("Daft Punk/Discovery/04 - Harder.mp3")


def test_library_name_without_metadata_uses_the_file_name():
    name = library_name("Music\\Artist - Best Of - 07 - Song.flac", {})

    assert name.relative() == Path("Unknown Artist/Best Of/Artist Best Of 07 Song.flac")


def test_library_name_markers_for_missing_values():
    assert library_name("Song.ogg", {}).relative() == Path("Unknown Artist/Unknown Album/Song.ogg")


@pytest.mark.parametrize(
    ("metadata", "folder"),
    [
        ({"album": "Box", "disc_number": 2}, "Box (Disc 2)"),
        ({"album": "Box", "disc_number": 1, "total_discs": 3}, "Box (Disc 1)"),
        ({"album": "Box", "disc_number": 1}, "Box"),
        ({"album": "Box", "disc_number": "2/2"}, "Box (Disc 2)"),
    ],
)
def test_multi_disc_albums_get_a_disc_folder(metadata, folder):
    assert library_name("x.mp3", metadata).album == folder


@pytest.mark.parametrize(("number", "prefix"), [(1, "01 - "), (12, "12 - "), (123, "123 - ")])
def test_track_numbers_are_padded(number, prefix):
    assert library_name("x.mp3", {"title": "T", "track_number": number}).stem == f"{prefix}T"


@pytest.mark.parametrize(
    "remote",
    [
        "..\\..\\x.mp3",
        "../../etc/cron.d/x",
        "/etc/passwd",
        "C:\\Windows\\x",
        "\\\\server\\share\\x",
        "@@abcde\\..\\..",
        "%2e%2e%2f",
        "．．／．．／x.mp3",
        "foo/./../../x",
        "CON.mp3",
        "aux",
        "x" * 300 + ".mp3",
        "é" * 300 + ".mp3",
        "name.mp3/../../../x",
    ],
)
def test_hostile_remote_names_stay_inside_the_library(remote, tmp_path):
    hostile_tags = {"artist": "../../..", "album": "/abs", "title": "a/b\\c"}
    for metadata in ({}, hostile_tags):
        name = library_name(remote, metadata)
        target = tmp_path / name.relative()

        assert inside(target, tmp_path)
        assert all(part not in ("", ".", "..") for part in name.relative().parts)
        assert len(name.relative().parts) == 3
        for part in name.relative().parts:
            assert len(part.encode("utf-8")) <= 255
            assert part.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}


def test_inside_rejects_escapes(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path)

    with pytest.raises(UnsafePath):
        inside(tmp_path / "root" / ".." / "x", tmp_path / "root")
    with pytest.raises(UnsafePath):
        inside(tmp_path / "root" / "link" / "x", tmp_path / "root")
    assert inside(tmp_path / "root" / "a" / "b", tmp_path / "root")
