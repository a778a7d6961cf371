"""Tags and embedded covers, written with mutagen on a temporary copy (SPEC §8.2, §8.3 step 4).

Every write copies the audio file to a hidden temporary name in the same directory, fsyncs it,
lets mutagen edit the copy and replaces the original atomically (RELIABILITY T50): a crash, a
full disk or a mutagen error leaves the original byte for byte as it was. The container is
chosen by extension and must then parse as that container (T24: an HTML page saved as `.mp3`
is refused with a reason, never "tagged"). Formats outside the §8.2 table are left untouched.
Reading and changing fields and covers per container is `downloads.tag_writers`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mutagen import File as open_any
from mutagen import FileType, MutagenError
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

# The per-container code and its §8.2 tables live in `downloads.tag_writers`; the tables are
# re-exported (`X as X`) so `tags.ID3_FRAMES` and friends keep working.
from downloads.tag_writers import ID3_FRAMES as ID3_FRAMES
from downloads.tag_writers import (
    ID3_KIND,
    MP4_KIND,
    VORBIS_KIND,
    embed_front_cover,
    read_field,
    set_field,
)
from downloads.tag_writers import MP4_KEYS as MP4_KEYS
from downloads.tag_writers import PICTURE_BLOCK as PICTURE_BLOCK
from downloads.tag_writers import PRODUCER_DESC as PRODUCER_DESC
from downloads.tag_writers import VORBIS_KEYS as VORBIS_KEYS

ID3_TYPES: dict[str, type[FileType]] = {"mp3": MP3, "wav": WAVE, "aif": AIFF, "aiff": AIFF}
ID3_TYPES["aifc"] = AIFF
VORBIS_TYPES: dict[str, tuple[type[FileType], ...]] = {
    "flac": (FLAC,),
    "ogg": (OggVorbis, OggOpus),
    "oga": (OggVorbis, OggOpus),
    "opus": (OggOpus,),
}
MP4_EXTENSIONS = frozenset({"m4a", "m4b", "mp4"})
COPY_CHUNK = 1024 * 1024
MAX_TAG_VALUE = 1024

RICH = ("genre", "composer", "producer", "isrc", "copyright")
BASIC = ("title", "artist", "album", "track_number", "disc_number", "date")


class TagError(Exception):
    """The audio file is missing, is not what its extension says, or could not be written."""


@dataclass(frozen=True)
class TagValues:
    """What to write: rich fields always, basic fields only where the file lacks them (§8.2)."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    track_number: int | None = None
    disc_number: int | None = None
    date: str | None = None
    genre: str | None = None
    composer: str | None = None
    producer: str | None = None
    isrc: str | None = None
    copyright: str | None = None

    def known(self, names: tuple[str, ...]) -> dict[str, str]:
        """The non-empty values among `names`, as text."""
        values = {name: getattr(self, name) for name in names}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


@dataclass(frozen=True)
class Cover:
    """An image to embed; `mime` is `image/jpeg`, `image/png` or `image/webp`."""

    data: bytes
    mime: str
    width: int = 0
    height: int = 0


def container(path: Path) -> str | None:
    """`id3`, `vorbis` or `mp4` for the formats of the §8.2 table; None for every other one."""
    ext = path.suffix.lower().lstrip(".")
    if ext in ID3_TYPES:
        return ID3_KIND
    if ext in VORBIS_TYPES:
        return VORBIS_KIND
    if ext in MP4_EXTENSIONS:
        return MP4_KIND
    return None


def open_audio(path: Path) -> FileType:
    """Parse `path` as the container its extension names; TagError when it is something else."""
    ext = path.suffix.lower().lstrip(".")
    if not path.is_file():
        raise TagError("audio file missing")
    try:
        if ext in ID3_TYPES:
            return ID3_TYPES[ext](path)
        if ext in MP4_EXTENSIONS:
            return MP4(path)
        if ext in VORBIS_TYPES:
            audio = open_any(path, options=list(VORBIS_TYPES[ext]))
            if audio is not None:
                return audio
    except FileNotFoundError as exc:
        raise TagError("audio file missing") from exc
    except Exception as exc:
        # mutagen parses peer-supplied bytes: any parser error means "not that format" (T24).
        raise TagError(f"not a valid {ext.upper()} file: {exc}") from exc
    raise TagError(f"not a valid {ext.upper()} file")


def read_tags(path: Path) -> dict[str, str]:
    """Basic and rich values already in the file (§8.2 "existing file tags"); {} for formats
    outside the table. Raises TagError for missing or corrupt files."""
    kind = container(path)
    if kind is None:
        return {}
    audio = open_audio(path)
    found: dict[str, str] = {}
    for name in (*BASIC, *RICH):
        value = read_field(audio, kind, name)
        if value:
            found[name] = value[:MAX_TAG_VALUE]
    return found


def duration(path: Path) -> float | None:
    """Playing time in seconds as mutagen measures it; None when unknown or unreadable."""
    try:
        audio = open_any(path)
    except Exception:
        return None  # unreadable: the tag step reports why
    length = getattr(getattr(audio, "info", None), "length", None)
    return float(length) if isinstance(length, int | float) and length > 0 else None


def write_tags(path: Path, values: TagValues) -> bool:
    """Write rich fields (always) and missing basic fields; True when the file changed.

    Formats outside the §8.2 table are not touched (False). Raises TagError.
    """
    kind = container(path)
    if kind is None:
        return False
    rich, basic = values.known(RICH), values.known(BASIC)

    def change(audio: FileType) -> bool:
        changed = False
        for name, value in rich.items():
            changed |= set_field(audio, kind, name, value)
        for name, value in basic.items():
            if not read_field(audio, kind, name):
                changed |= set_field(audio, kind, name, value)
        return changed

    return _edit(path, kind, change)


def embed_cover(path: Path, cover: Cover) -> bool:
    """Replace the embedded front cover (§8.3 step 4); True when the file changed."""
    kind = container(path)
    if kind is None:
        return False

    def change(audio: FileType) -> bool:
        return embed_front_cover(audio, kind, cover)

    return _edit(path, kind, change)


# Editing a temporary copy


def _edit(path: Path, kind: str, change: Callable[[FileType], bool]) -> bool:
    """Copy, edit the copy, fsync, then replace the original atomically (T50)."""
    if not path.is_file():
        raise TagError("audio file missing")
    handle, name = tempfile.mkstemp(
        prefix=f".{path.stem[:40]}.", suffix=f".harmony-tags{path.suffix}", dir=path.parent
    )
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out, path.open("rb") as source:
            shutil.copyfileobj(source, out, COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(path, temp)
        audio = open_audio(temp)
        if not change(audio):
            return False
        if kind == ID3_KIND:
            audio.save(v2_version=4)
        else:
            audio.save()
        _fsync_file(temp)
        # A file deleted meanwhile stays deleted: the replace must not bring it back.
        if not path.is_file():
            raise TagError("audio file missing")
        temp.replace(path)
        _fsync_directory(path.parent)
        return True
    except TagError:
        raise
    except FileNotFoundError as exc:
        raise TagError("audio file missing") from exc
    except (MutagenError, ValueError, EOFError) as exc:
        raise TagError(f"could not write tags: {exc}") from exc
    except OSError as exc:
        raise TagError(f"could not write tags: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
