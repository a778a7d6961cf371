"""Per-container tag fields and front covers: ID3, Vorbis comments and MP4 atoms (SPEC §8.2).

`downloads.tags` opens the file, picks the container by extension and edits a temporary copy;
the functions here read or change one field, or the cover, on an already parsed mutagen file
and say whether anything changed. They never save: saving belongs to the caller's atomic
replace (RELIABILITY T50).
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from mutagen import FileType
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TXXX, Frames, PictureType
from mutagen.mp4 import MP4Cover, MP4FreeForm

if TYPE_CHECKING:
    # Only for hints: `downloads.tags` imports this module, so a runtime import would cycle.
    from downloads.tags import Cover

ID3_KIND, VORBIS_KIND, MP4_KIND = "id3", "vorbis", "mp4"

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


# Reading and setting one field


def read_field(audio: FileType, kind: str, name: str) -> str | None:
    """The field's first non-blank value (numbers normalised), or None when the file lacks it."""
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


def set_field(audio: FileType, kind: str, name: str, value: str) -> bool:
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


def _ensure_tags(audio: FileType) -> Any:
    """The file's tag block, created empty when the file has none yet."""
    if audio.tags is None:
        audio.add_tags()
    return audio.tags


def _number(value: Any) -> int | None:
    """The leading positive number of `value` ("3/12" → 3), or None."""
    found = _NUMBER.match(str(value))
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def _mp4_text(value: Any) -> str:
    """One MP4 atom value as text: number pairs give their first part, free-form is UTF-8."""
    if isinstance(value, tuple):
        return str(value[0]) if value and value[0] else ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _set_id3(tags: ID3, name: str, value: str) -> bool:
    """Replace one ID3 text frame (or the TXXX:PRODUCER frames) with a single UTF-8 value."""
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


def embed_front_cover(audio: FileType, kind: str, cover: Cover) -> bool:
    """Make `cover` the only embedded front cover (§8.3 step 4); True when the file changed."""
    if kind == ID3_KIND:
        return _embed_id3(audio, cover)
    if kind == MP4_KIND:
        return _embed_mp4(audio, cover)
    return _embed_vorbis(audio, cover)


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


def _embed_mp4(audio: FileType, cover: Cover) -> bool:
    # MP4 knows only JPEG and PNG covers; anything else is stored under the JPEG format code.
    fmt = MP4Cover.FORMAT_PNG if cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
    wanted = [MP4Cover(cover.data, imageformat=fmt)]
    tags = _ensure_tags(audio)
    current = tags.get("covr")
    if current == wanted and [c.imageformat for c in current] == [fmt]:
        return False
    tags["covr"] = wanted
    return True


def _picture(cover: Cover) -> Picture:
    """A FLAC picture block for `cover`, also the payload of Ogg's METADATA_BLOCK_PICTURE."""
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
    # Older players wrote COVERART; leaving it would keep a second, stale cover around.
    for legacy in ("COVERART", "COVERARTMIME"):
        if legacy in tags:
            del tags[legacy]
    tags[PICTURE_BLOCK] = [block]
    return True
