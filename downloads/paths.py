"""The one path builder: peer-supplied names → safe local names (SPEC §8.1, RELIABILITY T20–T22,
§2 item 4).

A Soulseek peer controls remote paths and tags. Nothing it sends is used as a path directly:
every component goes through `sanitize_component`, the result is resolved and must lie inside
its root, or the step fails with a reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_COMPONENT_BYTES = 200
UNKNOWN = "Unknown"
UNKNOWN_ARTIST = "Unknown Artist"
UNKNOWN_ALBUM = "Unknown Album"
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
_SEPARATOR_RUNS = re.compile(r"[\s._\-]+")
_REMOTE_SEPARATORS = re.compile(r"[\\/]")
_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")


class UnsafePath(ValueError):
    """A resolved path left the root it must stay in."""


def _allowed(char: str) -> bool:
    return char.isalnum() or char in " _.-"


def _truncate_utf8(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut on a character boundary."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def sanitize_component(value: Any, fallback: str = UNKNOWN) -> str:
    """One safe path component (SPEC §8.1 sanitising, plus the RELIABILITY T22 extras).

    NFKD folds look-alikes (fullwidth `．．／` becomes `../`) and drops accents; control
    characters go; `/` and `\\` are removed; other characters that are not letters, digits,
    space, `_`, `.` or `-` become `_`; runs of whitespace, `.`, `_`, `-` collapse into one space,
    so `..` can never survive; the result is stripped, cut to 200 bytes of UTF-8, recomposed
    to NFC (Hangul syllables, for instance) and, if it names a Windows device, suffixed `_`.
    """
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    text = text.replace("/", "").replace("\\", "")
    text = "".join(c if _allowed(c) else "_" for c in text)
    text = _SEPARATOR_RUNS.sub(" ", text).strip(" .-")
    text = _truncate_utf8(text, MAX_COMPONENT_BYTES).strip(" .-")
    text = unicodedata.normalize("NFC", text)
    if not text:
        return fallback
    return reserved_safe(text)


def reserved_safe(name: str) -> str:
    """`CON`, `com1`, `LPT9.txt` … get a `_` after the device name (T22)."""
    stem, dot, rest = name.partition(".")
    if stem.strip().upper() in WINDOWS_RESERVED:
        return f"{stem}_{dot}{rest}"
    return name


def split_remote(filename: str) -> tuple[list[str], str]:
    """(directory components, basename) of a remote path using `\\` or `/` (SPEC §8.1)."""
    parts = _REMOTE_SEPARATORS.split(filename or "")
    return [p for p in parts[:-1] if p], parts[-1] if parts else ""


def extension_of(basename: str) -> str:
    """The lower-cased extension when it is short and alphanumeric, else `""`."""
    stem, dot, ext = basename.rpartition(".")
    if not dot or not stem:
        return ""
    ext = unicodedata.normalize("NFKC", ext).lower()
    return ext if _EXTENSION.match(ext) else ""


def stem_of(basename: str) -> str:
    return basename[: -len(extension_of(basename)) - 1] if extension_of(basename) else basename


def guess_album(stem: str) -> str | None:
    """`"Artist - Album - 01 - Title"` → `"Album"`; an empty middle part → None (SPEC §8.1)."""
    parts = [part.strip() for part in stem.split(" - ")]
    if len(parts) >= 3 and parts[1]:
        return parts[1]
    return None


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().partition("/")[0]
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@dataclass(frozen=True)
class LibraryName:
    """Where a download belongs below `MUSIC_DIR`: `<Artist>/<Album>/<NN - Title>.<ext>`."""

    artist: str
    album: str
    stem: str
    extension: str

    def filename(self, suffix: str = "") -> str:
        name = f"{self.stem}{suffix}"
        return reserved_safe(f"{name}.{self.extension}" if self.extension else name)

    def relative(self) -> Path:
        return Path(self.artist) / self.album / self.filename()


def _text(metadata: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if value not in (None, "") and str(value).strip():
            return str(value)
    return None


def library_name(remote_filename: str, metadata: dict[str, Any]) -> LibraryName:
    """The target name from metadata, else guesses from the remote file name (SPEC §8.1)."""
    _, basename = split_remote(remote_filename)
    stem = stem_of(basename)
    artist = sanitize_component(_text(metadata, "artist", "album_artist"), UNKNOWN_ARTIST)
    album_value = _text(metadata, "album") or guess_album(stem)
    album = sanitize_component(album_value, UNKNOWN_ALBUM)
    disc, discs = (
        _positive_int(metadata.get("disc_number")),
        _positive_int(metadata.get("total_discs") or metadata.get("disc_total")),
    )
    if disc and ((discs and discs > 1) or (discs is None and disc > 1)):
        album = f"{album} (Disc {disc})"
    title = sanitize_component(_text(metadata, "title") or stem, UNKNOWN)
    track = _positive_int(metadata.get("track_number"))
    name = f"{track:02d} - {title}" if track else title
    name = _truncate_utf8(name, MAX_COMPONENT_BYTES).strip(" .-") or UNKNOWN
    return LibraryName(artist, album, name, extension_of(basename))


def inside(path: Path, root: Path) -> Path:
    """`path` resolved (symlinks followed); raises `UnsafePath` unless it lies below `root`."""
    resolved_root = root.resolve()
    resolved = path.resolve()
    if resolved != resolved_root and resolved_root not in resolved.parents:
        raise UnsafePath(f"{path} is outside {resolved_root}")
    return resolved
