"""Locate a finished file under `SLSKD_DOWNLOADS_DIR` and move it into `MUSIC_DIR`
(SPEC §8.1, RELIABILITY T20, T23, T34, T49).

Only regular files are touched (`lstat`, symlinks never followed). The move goes through a
hidden temporary name in the target directory, is fsynced and renamed atomically; the source
is removed only after the target is complete. The target path is recorded before the move, so
a re-run after a crash finishes the same move instead of creating a duplicate.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from downloads.paths import LibraryName, UnsafePath, inside, split_remote

logger = logging.getLogger(__name__)

COPY_CHUNK = 1024 * 1024
MAX_COLLISIONS = 1000


class OrganiseError(Exception):
    """The file cannot be placed; the message is stored as the download's `last_error`."""


class TargetTaken(OrganiseError):
    """Another file took the planned name meanwhile; plan a new one."""


def is_regular_file(path: Path) -> bool:
    """A regular file itself, not a symlink to one (T23)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _candidate(root: Path, *parts: str) -> Path | None:
    path = root.joinpath(*parts)
    try:
        inside(path, root)
    except (UnsafePath, OSError):
        return None
    return path if is_regular_file(path) else None


def locate(root: Path, remote_filename: str, size: int | None) -> Path | None:
    """The finished file of a transfer (SPEC §8.1 "Locate"), or None.

    (1) slskd's default layout `<root>/<last remote directory>/<basename>`; (2) the newest
    regular file below `root` with the same basename, or with the same extension and size
    whose name starts with the basename's stem (slskd renames on conflicts). Every candidate
    must resolve inside `root`.
    """
    directories, basename = split_remote(remote_filename)
    if not basename or basename in (".", ".."):
        return None
    # slskd's FileSafety replaces NUL and "/" in names; Harmony only looks, never builds.
    clean = basename.replace("\0", "_")
    if directories:
        found = _candidate(root, directories[-1].replace("\0", "_"), clean)
        if found is not None:
            return found
    found = _candidate(root, clean)
    if found is not None:
        return found
    return _search(root, clean, size)


def _search(root: Path, basename: str, size: int | None) -> Path | None:
    stem, dot, ext = basename.rpartition(".")
    if not dot:
        stem, ext = basename, ""
    best: tuple[float, Path] | None = None
    for directory, _dirs, files in os.walk(root, followlinks=False):
        for name in files:
            same_name = name == basename
            renamed = (
                size is not None and name.startswith(stem) and (not ext or name.endswith("." + ext))
            )
            if not (same_name or renamed):
                continue
            path = Path(directory) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if not same_name and info.st_size != size:
                continue
            if best is None or info.st_mtime > best[0]:
                best = (info.st_mtime, path)
    if best is None:
        return None
    try:
        return inside(best[1], root)
    except UnsafePath:
        return None


def plan_target(music_root: Path, name: LibraryName) -> Path:
    """A free target path for `name`: `_1`, `_2`, … on collisions (case-insensitive, T22)."""
    directory = _target_directory(music_root, name)
    taken = {entry.casefold() for entry in _listdir(directory)}
    for index in range(MAX_COLLISIONS):
        candidate = name.filename(f"_{index}" if index else "")
        if candidate.casefold() not in taken:
            return directory / candidate
    raise OrganiseError(f"too many files named {name.filename()} in {directory}")


def _listdir(directory: Path) -> list[str]:
    try:
        return [entry.name for entry in directory.iterdir()]
    except FileNotFoundError:
        return []


def _target_directory(music_root: Path, name: LibraryName) -> Path:
    directory = music_root / name.artist / name.album
    try:
        music_root.mkdir(parents=True, exist_ok=True)
        directory.mkdir(parents=True, exist_ok=True)
        inside(directory, music_root)
    except UnsafePath as exc:
        raise OrganiseError(f"target outside MUSIC_DIR: {exc}") from exc
    except OSError as exc:
        raise OrganiseError(f"cannot create {directory}: {exc.strerror or exc}") from exc
    return directory


@dataclass
class MoveResult:
    target: Path
    moved: bool  # False when a re-run found the move already done


def move_into_library(source: Path | None, target: Path, music_root: Path) -> MoveResult:
    """Move `source` to the planned `target` (temp name + fsync + rename; source deleted last).

    Idempotent: a target that already holds the file (a crash after the rename) is kept and
    only the leftover source is removed.
    """
    try:
        inside(target.parent, music_root)
    except UnsafePath as exc:
        raise OrganiseError(f"target outside MUSIC_DIR: {exc}") from exc
    if is_regular_file(target):
        if source is None or not source.exists():
            return MoveResult(target, moved=False)
        if not _same_size(source, target):
            raise TargetTaken(f"{target.name} exists")
        # The rename happened before a crash; only the source is left to remove.
        source.unlink()
        return MoveResult(target, moved=False)
    if source is None or not is_regular_file(source):
        raise OrganiseError("completed file not found locally")
    temp = target.parent / f".{target.name}.harmony-part"
    try:
        _place(source, temp)
        temp.replace(target)
        _fsync_directory(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise OrganiseError(f"move failed: {exc.strerror or exc}") from exc
    source.unlink()
    return MoveResult(target, moved=True)


def _same_size(source: Path, target: Path) -> bool:
    try:
        return source.lstat().st_size == target.lstat().st_size
    except OSError:
        return False


def _place(source: Path, temp: Path) -> None:
    """Put the bytes at `temp`: a hard link on the same filesystem, else copy + fsync."""
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    if source.lstat().st_dev == temp.parent.stat().st_dev:
        try:
            os.link(source, temp, follow_symlinks=False)
            return
        except OSError:
            logger.info("hard link not possible for %s, copying", source)
    with source.open("rb") as reader, temp.open("xb") as writer:
        shutil.copyfileobj(reader, writer, COPY_CHUNK)
        writer.flush()
        os.fsync(writer.fileno())


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
