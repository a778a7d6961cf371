"""Tags and embedded covers, written with mutagen on a temporary copy (SPEC §8.2, §8.3 step 4).

Every write copies the audio file to a hidden temporary name in the same directory, fsyncs it,
lets mutagen edit the copy and replaces the original atomically (RELIABILITY T50): a crash, a
full disk or a mutagen error leaves the original byte for byte as it was. The container is
chosen by extension and must then parse as that container (T24: an HTML page saved as `.mp3`
is refused with a reason, never "tagged"). Formats outside the §8.2 table are left untouched.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen import File as open_any
from mutagen import FileType, MutagenError
from mutagen.aiff import AIFF
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TXXX, Frames, PictureType
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

ID3_KIND, VORBIS_KIND, MP4_KIND = "id3", "vorbis", "mp4"
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

# The §8.2 table. The ID3 producer is the user-defined text frame TXXX:PRODUCER.
ID3_FRAMES = {
    "genre": "TCON",
    "composer": "TCOM",
    "isrc": "TSRC",
    "copyright": "TCOP",
    "title": "TIT2",
    "artist": "TPE1",
    "album": "TALB",
    "track_number": "TRCK",
    "disc_number": "TPOS",
    "date": "TDRC",
}
PRODUCER_DESC = "PRODUCER"
VORBIS_KEYS = {
    "genre": "GENRE",
    "composer": "COMPOSER",
    "producer": "PRODUCER",
    "isrc": "ISRC",
    "copyright": "COPYRIGHT",
    "title": "TITLE",
    "artist": "ARTIST",
    "album": "ALBUM",
    "track_number": "TRACKNUMBER",
    "disc_number": "DISCNUMBER",
    "date": "DATE",
}
MP4_KEYS = {
    "genre": "\xa9gen",
    "composer": "\xa9wrt",
    "producer": "----:com.apple.iTunes:PRODUCER",
    "isrc": "----:com.apple.iTunes:ISRC",
    "copyright": "cprt",
    "title": "\xa9nam",
    "artist": "\xa9ART",
    "album": "\xa9alb",
    "track_number": "trkn",
    "disc_number": "disk",
    "date": "\xa9day",
}
PICTURE_BLOCK = "METADATA_BLOCK_PICTURE"
_NUMBER = re.compile(r"\s*(\d{1,4})")


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
        value = _read(audio, kind, name)
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
            changed |= _set(audio, kind, name, value)
        for name, value in basic.items():
            if not _read(audio, kind, name):
                changed |= _set(audio, kind, name, value)
        return changed

    return _edit(path, kind, change)


def embed_cover(path: Path, cover: Cover) -> bool:
    """Replace the embedded front cover (§8.3 step 4); True when the file changed."""
    kind = container(path)
    if kind is None:
        return False

    def change(audio: FileType) -> bool:
        if kind == ID3_KIND:
            return _embed_id3(audio, cover)
        if kind == MP4_KIND:
            fmt = MP4Cover.FORMAT_PNG if cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
            wanted = [MP4Cover(cover.data, imageformat=fmt)]
            tags = _ensure_tags(audio)
            current = tags.get("covr")
            if current == wanted and [c.imageformat for c in current] == [fmt]:
                return False
            tags["covr"] = wanted
            return True
        return _embed_vorbis(audio, cover)

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


def _ensure_tags(audio: FileType) -> Any:
    if audio.tags is None:
        audio.add_tags()
    return audio.tags


# Reading and setting one field


def _number(value: Any) -> int | None:
    found = _NUMBER.match(str(value))
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def _read(audio: FileType, kind: str, name: str) -> str | None:
    tags = audio.tags
    if tags is None:
        return None
    if kind == ID3_KIND:
        if name == "producer":
            frames = [f for f in tags.getall("TXXX") if f.desc.upper() == PRODUCER_DESC]
            texts = [str(t) for f in frames for t in f.text]
        else:
            frame = tags.get(ID3_FRAMES[name])
            texts = [str(t) for t in frame.text] if frame is not None else []
    elif kind == MP4_KIND:
        texts = [_mp4_text(v) for v in tags.get(MP4_KEYS[name], [])]
    else:
        texts = [str(t) for t in tags.get(VORBIS_KEYS[name], [])]
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        return None
    if name in ("track_number", "disc_number"):
        number = _number(texts[0])
        return str(number) if number else None
    return texts[0]


def _mp4_text(value: Any) -> str:
    if isinstance(value, tuple):
        return str(value[0]) if value and value[0] else ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _set(audio: FileType, kind: str, name: str, value: str) -> bool:
    """Set one field to `value`; False when it already holds exactly that."""
    if kind == ID3_KIND:
        return _set_id3(_ensure_tags(audio), name, value)
    tags = _ensure_tags(audio)
    if kind == MP4_KIND:
        key = MP4_KEYS[name]
        if name in ("track_number", "disc_number"):
            wanted: list[Any] = [(int(value), 0)]
        elif key.startswith("----:"):
            wanted = [MP4FreeForm(value.encode("utf-8"))]
        else:
            wanted = [value]
        if tags.get(key) == wanted:
            return False
        tags[key] = wanted
        return True
    key = VORBIS_KEYS[name]
    if tags.get(key) == [value]:
        return False
    tags[key] = [value]
    return True


def _set_id3(tags: ID3, name: str, value: str) -> bool:
    if name == "producer":
        current = [f for f in tags.getall("TXXX") if f.desc.upper() == PRODUCER_DESC]
        if len(current) == 1 and [str(t) for t in current[0].text] == [value]:
            return False
        for frame in current:
            del tags[frame.HashKey]
        tags.add(TXXX(encoding=3, desc=PRODUCER_DESC, text=[value]))
        return True
    frame_id = ID3_FRAMES[name]
    existing = tags.get(frame_id)
    if existing is not None and [str(t) for t in existing.text] == [value]:
        return False
    tags.delall(frame_id)
    tags.add(Frames[frame_id](encoding=3, text=[value]))
    return True


# Covers


def _embed_id3(audio: FileType, cover: Cover) -> bool:
    tags = _ensure_tags(audio)
    current = tags.getall("APIC")
    if (
        len(current) == 1
        and current[0].data == cover.data
        and current[0].type == PictureType.COVER_FRONT
    ):
        return False
    tags.delall("APIC")
    tags.add(
        APIC(
            encoding=3,
            mime=cover.mime,
            type=PictureType.COVER_FRONT,
            desc="Cover",
            data=cover.data,
        )
    )
    return True


def _picture(cover: Cover) -> Picture:
    picture = Picture()
    picture.type = PictureType.COVER_FRONT
    picture.mime = cover.mime
    picture.desc = "Cover"
    picture.width, picture.height = cover.width, cover.height
    picture.data = cover.data
    return picture


def _embed_vorbis(audio: FileType, cover: Cover) -> bool:
    if isinstance(audio, FLAC):
        pictures = audio.pictures
        if len(pictures) == 1 and pictures[0].data == cover.data and pictures[0].type == 3:
            return False
        audio.clear_pictures()
        audio.add_picture(_picture(cover))
        return True
    tags = _ensure_tags(audio)
    block = base64.b64encode(_picture(cover).write()).decode("ascii")
    if tags.get(PICTURE_BLOCK) == [block]:
        return False
    for legacy in ("COVERART", "COVERARTMIME"):
        if legacy in tags:
            del tags[legacy]
    tags[PICTURE_BLOCK] = [block]
    return True
