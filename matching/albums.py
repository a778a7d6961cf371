"""Spotify album vs Plex album confidence (SPEC §4.5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from matching.fields import number, spotify_artists, text
from matching.normalize import analyse_title, artist_key, core_album, numbers_conflict
from matching.scoring import DIFFERENT_RECORDING_FACTOR

ALBUM_WEIGHTS = {"name": 0.40, "artist": 0.40, "tracks": 0.10, "year": 0.10}


def _year(value: Any) -> int | None:
    raw = str(value)[:4] if isinstance(value, str | int) and not isinstance(value, bool) else ""
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


def _track_count(album: Mapping[str, Any]) -> float | None:
    """`total_tracks`, else the length of `tracks` (`{"items": [...]}` or a list)."""
    total = number(album.get("total_tracks"))
    if total:
        return total
    tracks = album.get("tracks")
    if isinstance(tracks, Mapping):
        tracks = tracks.get("items")
    if isinstance(tracks, list) and tracks:
        return float(len(tracks))
    return None


def album_components(
    spotify_album: Mapping[str, Any], plex_album: Mapping[str, Any]
) -> dict[str, float]:
    """The four §4.5 components (0–1; an absent value scores 0)."""
    name_a = core_album(text(spotify_album.get("name")))
    name_b = core_album(text(plex_album.get("title")))
    artists_a = spotify_artists(spotify_album)
    artist_a = artist_key(artists_a[0]) if artists_a else ""
    artists_b = [
        artist_key(text(plex_album.get(key)))
        for key in ("parentTitle", "grandparentTitle", "artist")
    ]
    count_a, count_b = _track_count(spotify_album), number(plex_album.get("leafCount"))
    year_a = _year(spotify_album.get("release_date"))
    year_b = _year(plex_album.get("year")) or _year(plex_album.get("originallyAvailableAt"))
    gap = abs(year_a - year_b) if year_a and year_b else None
    return {
        "name": fuzz.token_sort_ratio(name_a, name_b) / 100 if name_a and name_b else 0.0,
        "artist": max(
            (fuzz.token_set_ratio(artist_a, b) / 100 for b in artists_b if b and artist_a),
            default=0.0,
        ),
        "tracks": 1 - abs(count_a - count_b) / max(count_a, count_b)
        if count_a and count_b
        else 0.0,
        "year": {0: 1.0, 1: 0.5}.get(gap, 0.0) if gap is not None else 0.0,
    }


def score_album_vs_plex(spotify_album: Mapping[str, Any], plex_album: Mapping[str, Any]) -> float:
    """Album confidence, rounded to 4 decimals (SPEC §4.5).

    Absent components count 0 (no renormalisation), so an album without track count and year
    caps at 0.8. Conflicting volume/part numbers ("Vol. 1" vs "Vol. 2") apply the version
    rule's factor, as for tracks.
    """
    parts = album_components(spotify_album, plex_album)
    confidence = sum(ALBUM_WEIGHTS[name] * value for name, value in parts.items())
    numbers_a = analyse_title(text(spotify_album.get("name"))).numbers
    numbers_b = analyse_title(text(plex_album.get("title"))).numbers
    if numbers_conflict(numbers_a, numbers_b):
        confidence *= DIFFERENT_RECORDING_FACTOR
    return round(min(confidence, 1.0), 4)


def best_album_match(
    spotify_album: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, float]:
    """Highest-confidence Plex album; ties keep input order; `(None, 0.0)` when empty."""
    best: Mapping[str, Any] | None = None
    best_confidence = 0.0
    for candidate in candidates:
        confidence = score_album_vs_plex(spotify_album, candidate)
        if best is None or confidence > best_confidence:
            best, best_confidence = candidate, confidence
    return best, best_confidence
