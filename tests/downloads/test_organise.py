"""Locating finished files and moving them into the library (SPEC §8.1, RELIABILITY T20, T23,
T34, T49)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from downloads.organise import (
    OrganiseError,
    TargetTaken,
    locate,
    move_into_library,
    plan_target,
)
from downloads.paths import library_name

REMOTE = "@@abcde\\Music\\Daft Punk\\Discovery\\04 Harder.mp3"


def write(path: Path, data: bytes = b"audio") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_locate_uses_the_documented_layout_first(downloads_dir):
    expected = write(downloads_dir / "Discovery" / "04 Harder.mp3")
    write(downloads_dir / "elsewhere" / "04 Harder.mp3")

    assert locate(downloads_dir, REMOTE, 5) == expected.resolve()


def test_locate_falls_back_to_the_newest_file_with_that_name(downloads_dir):
    older = write(downloads_dir / "a" / "04 Harder.mp3")
    newer = write(downloads_dir / "b" / "c" / "04 Harder.mp3")
    os.utime(older, (1, 1))

    assert locate(downloads_dir, REMOTE, 5) == newer.resolve()


def test_locate_finds_a_renamed_file_by_stem_extension_and_size(downloads_dir):
    renamed = write(downloads_dir / "Discovery" / "04 Harder_638000000000000000.mp3", b"x" * 7)
    write(downloads_dir / "Discovery" / "04 Harder_1.mp3", b"x" * 3)

    assert locate(downloads_dir, REMOTE, 7) == renamed.resolve()
    assert locate(downloads_dir, REMOTE, 99) is None


def test_locate_ignores_symlinks(downloads_dir, tmp_path):
    secret = write(tmp_path / "secret" / "id_rsa")
    (downloads_dir / "Discovery").mkdir()
    (downloads_dir / "Discovery" / "04 Harder.mp3").symlink_to(secret)

    assert locate(downloads_dir, REMOTE, None) is None


@pytest.mark.parametrize(
    "remote", ["@@abcde\\..\\..", "..\\..\\x.mp3", "/etc/passwd", "C:\\Windows\\..\\..\\passwd"]
)
def test_locate_never_leaves_the_downloads_dir(downloads_dir, tmp_path, remote):
    write(tmp_path / "x.mp3")
    write(tmp_path / "passwd")

    assert locate(downloads_dir, remote, None) is None


def test_plan_target_appends_suffixes_on_collisions(music_dir):
    name = library_name(
        "x.flac", {"artist": "A", "album": "B", "title": "Anthem", "track_number": 1}
    )
    write(music_dir / "A" / "B" / "01 - Anthem.flac")
    write(music_dir / "A" / "B" / "01 - anthem_1.FLAC")

    assert plan_target(music_dir, name) == music_dir / "A" / "B" / "01 - Anthem_2.flac"


def test_move_places_the_file_and_removes_the_source(downloads_dir, music_dir):
    source = write(downloads_dir / "Discovery" / "04 Harder.mp3", b"payload")
    target = music_dir / "Daft Punk" / "Discovery" / "04 - Harder.mp3"
    target.parent.mkdir(parents=True)

    result = move_into_library(source, target, music_dir)

    assert result.moved
    assert target.read_bytes() == b"payload"
    assert not source.exists()
    assert not list(target.parent.glob(".*harmony-part"))


def test_move_copies_when_a_hard_link_is_impossible(downloads_dir, music_dir, monkeypatch):
    source = write(downloads_dir / "x.mp3", b"payload")
    target = music_dir / "A" / "B" / "x.mp3"
    target.parent.mkdir(parents=True)

    def no_links(*args, **kwargs):
        raise OSError("cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    move_into_library(source, target, music_dir)

    assert target.read_bytes() == b"payload"
    assert not source.exists()


def test_failed_move_keeps_the_source(downloads_dir, music_dir, monkeypatch):
    source = write(downloads_dir / "x.mp3", b"payload")
    target = music_dir / "A" / "B" / "x.mp3"
    target.parent.mkdir(parents=True)

    def disk_full(self, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(OrganiseError, match="No space left on device"):
        move_into_library(source, target, music_dir)

    assert source.read_bytes() == b"payload"
    assert not target.exists()
    assert not list(target.parent.glob(".*harmony-part"))


def test_rerun_after_a_crash_following_the_rename_only_removes_the_source(downloads_dir, music_dir):
    source = write(downloads_dir / "x.mp3", b"payload")
    target = write(music_dir / "A" / "B" / "x.mp3", b"payload")

    result = move_into_library(source, target, music_dir)

    assert not result.moved
    assert target.read_bytes() == b"payload"
    assert not source.exists()


def test_rerun_with_the_file_already_in_place_does_nothing(music_dir):
    target = write(music_dir / "A" / "B" / "x.mp3")

    assert not move_into_library(None, target, music_dir).moved
    assert target.exists()


def test_a_different_file_at_the_planned_name_is_not_overwritten(downloads_dir, music_dir):
    source = write(downloads_dir / "x.mp3", b"new payload")
    target = write(music_dir / "A" / "B" / "x.mp3", b"old")

    with pytest.raises(TargetTaken):
        move_into_library(source, target, music_dir)
    assert target.read_bytes() == b"old"


def test_target_outside_the_library_is_refused(downloads_dir, music_dir, tmp_path):
    source = write(downloads_dir / "x.mp3")

    with pytest.raises(OrganiseError, match="outside MUSIC_DIR"):
        move_into_library(source, tmp_path / "elsewhere" / "x.mp3", music_dir)
    assert source.exists()


def test_symlinked_album_folder_pointing_outside_is_refused(music_dir, tmp_path):
    (music_dir / "A").mkdir()
    (music_dir / "A" / "B").symlink_to(tmp_path)
    name = library_name("x.mp3", {"artist": "A", "album": "B"})

    with pytest.raises(OrganiseError, match="outside MUSIC_DIR"):
        plan_target(music_dir, name)
