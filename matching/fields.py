"""Read Spotify and Plex dicts into comparable facts (SPEC §4.2, §2.9 field names).

Payloads arrive in several shapes (Spotify API objects, the §2.9 request bodies, Plex
Metadata entries), so field access is tolerant: missing, null or ill-typed values simply make
a component absent, which the scoring formula accounts for through `coverage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from matching.normalize import TitleInfo, album_is_live, analyse_title, artist_key, core_album


@dataclass(frozen=True, slots=True)
class TrackFacts:
    """One side of a track comparison, normalised once and reused for every candidate."""

    title: TitleInfo
    artists: tuple[str, ...]  # artist_key of every credited artist, first = primary
    album: str  # core_album, "" when unknown
    album_live: bool
    duration_ms: float | None


def text(value: Any) -> str | None:
    """A non-empty stripped string, or None for anything else."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def number(value: Any) -> float | None:
    """A positive finite number (bools and numeric strings excluded from guessing)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value <= 0 or value == float("inf"):
        return None
    return float(value)


def _names(value: Any) -> list[str]:
    """Names from `"A"`, `["A", "B"]` or `[{"name": "A"}, …]`."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Mapping):
        name = text(value.get("name"))
        return [name] if name else []
    if isinstance(value, Iterable):
        out: list[str] = []
        for item in value:
            out.extend(_names(item))
        return out
    return []


def _keys(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name in names:
        key = artist_key(name)
        if key:
            seen.setdefault(key, None)
    return tuple(seen)


def spotify_artists(track: Mapping[str, Any]) -> list[str]:
    """All artist names of a Spotify track (`artists[*].name`, else `artist`)."""
    return _names(track.get("artists")) or _names(track.get("artist"))


def spotify_album(track: Mapping[str, Any]) -> str | None:
    """`album.name` or an `album` string."""
    album = track.get("album")
    if isinstance(album, Mapping):
        return text(album.get("name"))
    return text(album)


def plex_artists(candidate: Mapping[str, Any]) -> list[str]:
    """Every artist credit of a Plex track: `artist`, `grandparentTitle`, `originalTitle`.

    `originalTitle` carries the track artist on compilations whose album artist
    (`grandparentTitle`) is "Various Artists", so all of them are compared.
    """
    names = [text(candidate.get(key)) for key in ("artist", "grandparentTitle", "originalTitle")]
    return [name for name in names if name]


def plex_album(candidate: Mapping[str, Any]) -> str | None:
    """`album`, else `parentTitle`."""
    return text(candidate.get("album")) or text(candidate.get("parentTitle"))


def track_key(track: Mapping[str, Any]) -> tuple[str, str]:
    """`(norm(primary artist), core_title)` of a Spotify track (SPEC §4.6, §5.8 de-duplication).

    The artist part is `artist_key` (article and featuring guests dropped), so "The Beatles"
    and "Beatles" share a key.
    """
    artists = spotify_artists(track)
    title = analyse_title(text(track.get("name")) or text(track.get("title")))
    return (artist_key(artists[0]) if artists else "", title.core)


def spotify_facts(track: Mapping[str, Any]) -> TrackFacts:
    """Facts of a Spotify track (`name`, `artists`, `album`, `duration_ms`)."""
    album = spotify_album(track)
    return TrackFacts(
        title=analyse_title(text(track.get("name")) or text(track.get("title"))),
        artists=_keys(spotify_artists(track)),
        album=core_album(album),
        album_live=album_is_live(album),
        duration_ms=number(track.get("duration_ms")),
    )


def plex_facts(candidate: Mapping[str, Any]) -> TrackFacts:
    """Facts of a Plex track (`title`, artist fields, `album`/`parentTitle`, `duration` ms)."""
    album = plex_album(candidate)
    return TrackFacts(
        title=analyse_title(text(candidate.get("title"))),
        artists=_keys(plex_artists(candidate)),
        album=core_album(album),
        album_live=album_is_live(album),
        duration_ms=number(candidate.get("duration")),
    )
