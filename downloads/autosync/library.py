"""The Plex side of a run: one paged library read, then a bulk presence check (SPEC §4.6, §5.8 step 5–6)."""

from __future__ import annotations

from typing import Any

from integrations.clients.plex import PlexClient
from matching.engine import LibraryIndex
from matching.models import Match


def as_spotify(entry: dict[str, Any]) -> dict[str, Any]:
    """A plan entry in the Spotify track shape the matching engine reads."""
    return {
        "id": entry.get("spotify_id"),
        "name": entry["title"],
        "artists": [{"name": name} for name in entry.get("artists") or [entry["artist"]]],
        "album": {"name": entry.get("album") or ""},
        "duration_ms": entry.get("duration_ms"),
    }


# What presence checks and reports need of a Plex track; the rest (Media, Guid …) is dropped
# so a 50,000-track library stays small in memory for the whole run.
KEPT_FIELDS = ("ratingKey", "title", "grandparentTitle", "originalTitle", "parentTitle", "duration")


def load_library() -> list[dict[str, Any]]:
    """All tracks of the target music sections, read once per run in pages of 500."""
    client = PlexClient.from_config()
    sections = [section.key for section in client.music_sections()]
    return [
        {key: track[key] for key in KEPT_FIELDS if key in track}
        for track in client.all_tracks(sections)
    ]


def split_present(
    entries: list[dict[str, Any]], plex_tracks: list[dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]]]:
    """(present entries with their Plex track, missing entries), vectorised over the library.

    Operator decisions win (the review band, issue 5): a confirmed spotify-to-plex match counts
    as present, a rejected pair never makes a track present. One query loads them all.
    """
    index = LibraryIndex.build(plex_tracks)
    results = index.find([as_spotify(entry) for entry in entries])
    by_key = {str(t.get("ratingKey")): t for t in plex_tracks}
    confirmed, rejected = _decisions([e["spotify_id"] for e in entries if e.get("spotify_id")])
    present, missing = [], []
    for entry, result in zip(entries, results, strict=True):
        spotify_id = entry.get("spotify_id") or ""
        candidate = dict(result.candidate) if result.candidate is not None else None
        target = confirmed.get(spotify_id)
        if target in by_key:
            present.append((entry, by_key[target]))
        elif (
            candidate is None
            or not result.present
            or (spotify_id, str(candidate.get("ratingKey"))) in rejected
        ):
            missing.append(entry)
        else:
            present.append((entry, candidate))
    return present, missing


def _decisions(spotify_ids: list[str]) -> tuple[dict[str, str], set[tuple[str, str]]]:
    rows = Match.objects.filter(
        source=Match.Source.SPOTIFY_TO_PLEX,
        spotify_track_id__in=spotify_ids,
        decision__in=[Match.Decision.CONFIRMED, Match.Decision.REJECTED],
    ).values_list("spotify_track_id", "target_id", "decision")
    confirmed = {s: t for s, t, d in rows if d == Match.Decision.CONFIRMED}
    rejected = {(s, t) for s, t, d in rows if d == Match.Decision.REJECTED}
    return confirmed, rejected
