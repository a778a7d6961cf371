"""Library presence corrected by operators' decisions (SPEC §4.6, §1.6).

`LibraryIndex` (§4.6) says which Spotify tracks are in the Plex library; a `confirmed` or
`rejected` `spotify-to-plex` match overrides it. Sync and watchlist workers ask
`missing_from_library` (or `library_presence` for the per-track detail).

This module sits below `matching.services`, which imports `plex_target` and `MANUAL_DECISIONS`
from here and re-exports the presence functions: importing the other way round would be a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matching.engine import LibraryIndex, MatchScore, PresenceResult, score_track_vs_plex
from matching.models import Match

# The operator's verdicts: no automatic update overwrites them, and they steer presence.
MANUAL_DECISIONS = (Match.Decision.CONFIRMED, Match.Decision.REJECTED)
# SQLite allows 999 variables per statement on old builds: chunk `IN (…)` lookups.
_IN_CHUNK = 500


def plex_target(candidate: Mapping[str, Any]) -> str | None:
    """A Plex candidate's id: `ratingKey`, else `id` (strings or integers)."""
    for key in ("ratingKey", "id"):
        value = candidate.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return None


def library_presence(
    spotify_tracks: Sequence[Mapping[str, Any]], plex_tracks: Sequence[Mapping[str, Any]]
) -> list[PresenceResult]:
    """`LibraryIndex` presence (§4.6) corrected by operators' decisions, in input order.

    A confirmed `spotify-to-plex` match makes a track present (method `exact`; candidate None
    and confidence 1.0 when the target is not among `plex_tracks`); a rejected target never
    makes it present — such tracks are checked again against the library without their
    rejected targets.
    """
    results = LibraryIndex.build(plex_tracks).find(spotify_tracks)
    ids = [_track_id(track) for track in spotify_tracks]
    confirmed, rejected = _decisions_by_track(i for i in ids if i)
    if not confirmed and not rejected:
        return results
    by_key = {plex_target(t): t for t in plex_tracks if plex_target(t) is not None}
    retry: dict[frozenset[str], list[int]] = {}
    for i, track_id in enumerate(ids):
        if track_id in confirmed:
            results[i] = _confirmed_presence(spotify_tracks[i], by_key.get(confirmed[track_id]))
            continue
        found = results[i].candidate
        if track_id in rejected and found is not None and plex_target(found) in rejected[track_id]:
            retry.setdefault(frozenset(rejected[track_id]), []).append(i)
    for excluded, indices in retry.items():
        allowed = [t for t in plex_tracks if plex_target(t) not in excluded]
        again = LibraryIndex.build(allowed).find([spotify_tracks[i] for i in indices])
        for i, result in zip(indices, again, strict=True):
            results[i] = result
    return results


def missing_from_library(
    spotify_tracks: Sequence[Mapping[str, Any]], plex_tracks: Sequence[Mapping[str, Any]]
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Split Spotify tracks into (present in Plex, missing), honouring confirmed/rejected."""
    present: list[Mapping[str, Any]] = []
    missing: list[Mapping[str, Any]] = []
    for track, result in zip(
        spotify_tracks, library_presence(spotify_tracks, plex_tracks), strict=True
    ):
        (present if result.present else missing).append(track)
    return present, missing


def _decisions_by_track(track_ids: Iterable[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Confirmed target and rejected targets of `spotify-to-plex` matches per track id."""
    confirmed: dict[str, str] = {}
    rejected: dict[str, set[str]] = {}
    ids = sorted(set(track_ids))
    for start in range(0, len(ids), _IN_CHUNK):
        rows = (
            Match.objects.filter(
                source=Match.Source.SPOTIFY_TO_PLEX,
                spotify_track_id__in=ids[start : start + _IN_CHUNK],
                decision__in=MANUAL_DECISIONS,
            )
            .order_by("decided_at", "id")
            .values_list("spotify_track_id", "target_id", "decision")
        )
        for track_id, target, decision in rows:
            if decision == Match.Decision.CONFIRMED:
                confirmed[track_id] = target  # ordered by decided_at: the latest wins
            else:
                rejected.setdefault(track_id, set()).add(target)
    return confirmed, rejected


def _confirmed_presence(
    track: Mapping[str, Any], target: Mapping[str, Any] | None
) -> PresenceResult:
    """Present by an operator's word; scored against the target when the library has it."""
    if target is None:
        score = MatchScore(confidence=1.0, notes=("confirmed by an operator",))
        return PresenceResult(True, None, 1.0, score, "exact")
    score = score_track_vs_plex(track, target)
    return PresenceResult(True, target, score.confidence, score, "exact")


def _track_id(track: Mapping[str, Any]) -> str | None:
    """The Spotify track's id, or None when it has none to look decisions up by."""
    value = track.get("id")
    return value if isinstance(value, str) and value else None
