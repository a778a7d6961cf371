"""Normalising Spotify, Plex and Soulseek hits into one candidate shape (SPEC §3.2 step 3).

Upstream payloads are validated at the client boundary but may still lack fields or carry
odd types; a field that cannot be read is `null` (or `[]` for genres), and a hit without an id
is dropped, so one strange item never fails a whole source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, TypedDict

from matching.engine import LOSSLESS_EXTENSIONS, parse_soulseek_path


class Candidate(TypedDict):
    """One search item as `POST /api/search` returns it (SPEC §3.3); `score` is set later."""

    type: str
    id: str
    source: str
    title: str
    artist: str | None
    album: str | None
    year: int | None
    genres: list[str]
    bitrate: int | None
    format: str | None
    score: float
    metadata: dict[str, Any]


# Plex names some codecs differently from how users name the formats.
CODEC_FORMATS = {"VORBIS": "OGG"}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _count(value: Any) -> int | None:
    """A positive whole number (bitrates, years); floats with a fraction are rounded."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value in (float("inf"), float("-inf")) or value <= 0:
        return None
    return round(value)


def _year(value: Any) -> int | None:
    """A four-digit year from an integer or the start of a date string."""
    if isinstance(value, str):
        head = value.strip()[:4]
        return int(head) if len(head) == 4 and head.isdigit() else None
    year = _count(value)
    return year if year is not None and 1000 <= year <= 9999 else None


def _genres(values: Any) -> list[str]:
    tags = values if isinstance(values, list) else []
    names = (tag.get("tag") if isinstance(tag, Mapping) else tag for tag in tags)
    return list(dict.fromkeys(name.strip() for name in names if _text(name)))


def _candidate(
    kind: str,
    source: str,
    item_id: str,
    title: str | None,
    artists: list[str],
    album: str | None,
    year: int | None,
    genres: list[str],
    bitrate: int | None,
    fmt: str | None,
    raw: dict[str, Any],
) -> Candidate:
    return {
        "type": kind,
        "id": item_id,
        "source": source,
        "title": title or "",
        "artist": artists[0] if artists else None,
        "album": album,
        "year": year,
        "genres": genres,
        "bitrate": bitrate,
        "format": fmt,
        "score": 0.0,
        "metadata": {"raw": raw, "artists": artists},
    }


# Spotify


def spotify_primary_artist(item: Mapping[str, Any]) -> str | None:
    """Id of the first credited artist of a track or album object."""
    artists = item.get("artists")
    first = artists[0] if isinstance(artists, list) and artists else None
    return _text(first.get("id")) if isinstance(first, Mapping) else None


def from_spotify(
    kind: str, item: Mapping[str, Any], genres_by_artist: Mapping[str, list[str]]
) -> Candidate | None:
    """A Spotify track, album or artist object (`available_markets` already removed)."""
    item_id = _text(item.get("id"))
    if item_id is None:
        return None
    uri = _text(item.get("uri"))
    if uri is None or uri != f"spotify:{kind}:{item_id}":
        uri = f"spotify:{kind}:{item_id}"
    name = _text(item.get("name"))
    if kind == "artist":
        artists = [name] if name else []
        genres = _genres(item.get("genres")) or genres_by_artist.get(item_id, [])
        return _candidate(kind, "spotify", uri, name, artists, None, None, genres, None, None, item)
    credits = item.get("artists") if isinstance(item.get("artists"), list) else []
    artists = [n for n in (_text(a.get("name")) for a in credits if isinstance(a, Mapping)) if n]
    primary = spotify_primary_artist(item)
    genres = list(genres_by_artist.get(primary, [])) if primary else []
    if kind == "track":
        album_obj = item.get("album") if isinstance(item.get("album"), Mapping) else {}
        album, released = _text(album_obj.get("name")), album_obj.get("release_date")
    else:
        album, released = name, item.get("release_date")
    return _candidate(
        kind, "spotify", uri, name, artists, album, _year(released), genres, None, None, item
    )


# Plex


def _plex_people(kind: str, entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(artist, album) of a Plex entry by type (SPEC §3.2 step 3)."""
    title = _text(entry.get("title"))
    if kind == "track":
        artist = _text(entry.get("grandparentTitle")) or _text(entry.get("originalTitle"))
        return artist, _text(entry.get("parentTitle"))
    if kind == "album":
        return _text(entry.get("parentTitle")), title
    return title, None


def from_plex(entry: Mapping[str, Any]) -> Candidate | None:
    """A Plex hub `Metadata` entry of type track, album or artist."""
    kind = entry.get("type")
    rating_key = entry.get("ratingKey")
    if kind not in ("track", "album", "artist") or isinstance(rating_key, bool):
        return None
    if not isinstance(rating_key, str | int) or not str(rating_key).strip():
        return None
    artist, album = _plex_people(kind, entry)
    media = entry.get("Media")
    first = media[0] if isinstance(media, list) and media and isinstance(media[0], dict) else {}
    codec = _text(first.get("audioCodec"))
    fmt = CODEC_FORMATS.get(codec.upper(), codec.upper()) if codec else None
    return _candidate(
        kind,
        "plex",
        f"plex:{kind}:{str(rating_key).strip()}",
        _text(entry.get("title")),
        [artist] if artist else [],
        album,
        _year(entry.get("year")) or _year(entry.get("parentYear")),
        _genres(entry.get("Genre")),
        _count(first.get("bitrate")),
        fmt,
        dict(entry),
    )


# Soulseek


def soulseek_id(username: str, filename: str) -> str:
    """`soulseek:file:<first 12 hex of sha1(username + "\\n" + filename)>`."""
    digest = hashlib.sha1(f"{username}\n{filename}".encode(), usedforsecurity=False)
    return f"soulseek:file:{digest.hexdigest()[:12]}"


def from_soulseek(response: Mapping[str, Any], file: Mapping[str, Any]) -> Candidate | None:
    """One file of one slskd search response; the path is the only metadata (§3.2 step 3)."""
    username, filename = response.get("username"), file.get("filename")
    if not isinstance(username, str) or not isinstance(filename, str) or not filename.strip():
        return None
    parsed = parse_soulseek_path(filename)
    extension = (_text(file.get("extension")) or parsed.extension).lower().lstrip(".")
    bitrate = _count(file.get("bitRate"))
    if bitrate is None:
        bitrate = 1000 if extension in LOSSLESS_EXTENSIONS else parsed.path_bitrate
    raw = {
        "username": username,
        "path": filename,
        "size": file.get("size"),
        "bitrate": file.get("bitRate"),
        "length": file.get("length"),
        "extension": file.get("extension"),
        "has_free_upload_slot": response.get("hasFreeUploadSlot"),
        "queue_length": response.get("queueLength"),
        "upload_speed": response.get("uploadSpeed"),
    }
    return _candidate(
        "track",
        "soulseek",
        soulseek_id(username, filename),
        parsed.title,
        [parsed.artist] if parsed.artist else [],
        parsed.album,
        parsed.year,
        [],
        bitrate,
        extension.upper() or None,
        raw,
    )
