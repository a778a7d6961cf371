"""Track confidence against Plex candidates, and the shared scoring rules (SPEC §4.2).

Confidence is the spec's weighted mean over the components both sides have, scaled by
coverage: `round(raw × (0.8 + 0.2 × coverage), 4)`.

Version rule (added to §4.2/§4.3, the spec's "Pt. 2 must not be mistaken for Pt. 1" made
general): when the two sides are *different recordings* the confidence is multiplied by
`DIFFERENT_RECORDING_FACTOR` (0.8), so it can never reach `AUTO_ACCEPT` (0.85) and lands in
the review band at best. Different recordings are:

* different version markers in the titles — live, remix, acoustic, instrumental, a cappella,
  demo, edit/radio edit, extended, reprise, session, orchestral, alternate take, sped-up or
  slowed — including a marker on one side only ("Creep" vs "Creep (Live)");
* a live album on one side only, when both sides name an album ("Live at Wembley");
* conflicting part or catalogue numbers ("Pt. 1" vs "Pt. 2", "Op. 9 No. 1" vs "No. 2").

Re-releases are *not* different recordings: remaster notes, deluxe/anniversary editions,
single/album version, explicit/clean and featuring credits are removed by `core_title` and
`core_album` before anything is compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from rapidfuzz import fuzz

from matching.fields import TrackFacts, plex_facts, spotify_facts
from matching.normalize import numbers_conflict

AUTO_ACCEPT = 0.85
MATCH_THRESHOLD = 0.65  # default of `matching_confidence_threshold` (SPEC §7.1)
DIFFERENT_RECORDING_FACTOR = 0.8

PLEX_WEIGHTS = {"title": 0.50, "artist": 0.30, "album": 0.15, "duration": 0.05}

Band = Literal["rejected", "review", "accepted"]


class MatchScoreDict(TypedDict):
    """JSON form of a MatchScore (stored in `Match.scores`, shown as "why matched")."""

    confidence: float
    raw: float
    coverage: float
    penalty: float
    title: float | None
    artist: float | None
    album: float | None
    duration: float | None
    quality: float | None
    notes: list[str]


@dataclass(frozen=True, slots=True)
class MatchScore:
    """Confidence of one comparison plus its parts, so a UI can say why it (did not) match.

    Component scores are 0–1, or None when one side lacks the value. `penalty` is the factor
    applied for different recordings (1.0 when none); `notes` say what triggered it.
    """

    confidence: float
    title: float | None = None
    artist: float | None = None
    album: float | None = None
    duration: float | None = None
    quality: float | None = None
    coverage: float = 0.0
    raw: float = 0.0
    penalty: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def different_recording(self) -> bool:
        """True when the version rule fired (see module docstring)."""
        return self.penalty < 1.0

    def as_dict(self) -> MatchScoreDict:
        """JSON-ready dict, values rounded to 4 decimals."""

        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "confidence": self.confidence,
            "raw": round(self.raw, 4),
            "coverage": round(self.coverage, 4),
            "penalty": self.penalty,
            "title": r(self.title),
            "artist": r(self.artist),
            "album": r(self.album),
            "duration": r(self.duration),
            "quality": r(self.quality),
            "notes": list(self.notes),
        }


NO_MATCH = MatchScore(confidence=0.0, notes=("no title to compare",))


def duration_similarity(a_ms: float | None, b_ms: float | None) -> float | None:
    """1.0 within 2 s, 0.0 from 20 s apart, linear between (SPEC §4.2); None if unknown."""
    if a_ms is None or b_ms is None:
        return None
    delta = abs(a_ms - b_ms)
    if delta <= 2000:
        return 1.0
    if delta >= 20000:
        return 0.0
    return (20000 - delta) / 18000


def artist_similarity(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Best `token_set_ratio` over all pairs of artist keys (SPEC §4.2); None if a side has none."""
    if not a or not b:
        return None
    return max(fuzz.token_set_ratio(x, y) for x in a for y in b) / 100


def combine(
    components: Mapping[str, float | None], weights: Mapping[str, float], penalty: float = 1.0
) -> tuple[float, float, float]:
    """Return (confidence, raw, coverage) of the present components (SPEC §4.2 formula)."""
    present = [(weights[name], value) for name, value in components.items() if value is not None]
    if not present:
        return 0.0, 0.0, 0.0
    coverage = math.fsum(w for w, _ in present)
    raw = math.fsum(w * v for w, v in present) / coverage
    confidence = raw * (0.8 + 0.2 * min(coverage, 1.0)) * penalty
    return round(min(confidence, 1.0), 4), raw, coverage


def recording_differences(a: TrackFacts, b: TrackFacts) -> tuple[str, ...]:
    """Why two tracks are different recordings (empty when they may be the same one)."""
    notes: list[str] = []
    versions_a, versions_b = set(a.title.versions), set(b.title.versions)
    if a.album and b.album:
        # Live albums often carry plain titles; the album then marks the version.
        if a.album_live:
            versions_a.add("live")
        if b.album_live:
            versions_b.add("live")
    if versions_a != versions_b:
        left = ", ".join(sorted(versions_a)) or "original"
        right = ", ".join(sorted(versions_b)) or "original"
        notes.append(f"different version: {left} vs {right}")
    conflict = numbers_conflict(a.title.numbers, b.title.numbers)
    if conflict:
        notes.append(f"different part: {conflict}")
    return tuple(notes)


def score_facts(a: TrackFacts, b: TrackFacts) -> MatchScore:
    """§4.2 confidence between two prepared tracks (Spotify side first)."""
    if not a.title.core or not b.title.core:
        return NO_MATCH
    components = {
        "title": fuzz.token_sort_ratio(a.title.core, b.title.core) / 100,
        "artist": artist_similarity(a.artists, b.artists),
        "album": fuzz.token_set_ratio(a.album, b.album) / 100 if a.album and b.album else None,
        "duration": duration_similarity(a.duration_ms, b.duration_ms),
    }
    notes = recording_differences(a, b)
    penalty = DIFFERENT_RECORDING_FACTOR if notes else 1.0
    confidence, raw, coverage = combine(components, PLEX_WEIGHTS, penalty)
    return MatchScore(
        confidence=confidence,
        coverage=coverage,
        raw=raw,
        penalty=penalty,
        notes=notes,
        **components,
    )


def score_track_vs_plex(
    spotify_track: Mapping[str, Any], candidate: Mapping[str, Any]
) -> MatchScore:
    """Confidence that a Plex track is the Spotify track (SPEC §4.2 + version rule)."""
    return score_facts(spotify_facts(spotify_track), plex_facts(candidate))


def best_plex_match(
    spotify_track: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, MatchScore]:
    """Highest-confidence Plex candidate; ties keep input order; `(None, 0.0)` when empty."""
    facts = spotify_facts(spotify_track)
    best: Mapping[str, Any] | None = None
    best_score = MatchScore(confidence=0.0)
    for candidate in candidates:
        score = score_facts(facts, plex_facts(candidate))
        if best is None or score.confidence > best_score.confidence:
            best, best_score = candidate, score
    return best, best_score


def classify(
    confidence: float, threshold: float = MATCH_THRESHOLD, auto_accept: float = AUTO_ACCEPT
) -> Band:
    """Review band of a confidence: below `threshold` rejected, from `auto_accept` accepted.

    A threshold above `auto_accept` leaves no review band: whatever passes is accepted.
    """
    if confidence < threshold:
        return "rejected"
    if confidence >= auto_accept:
        return "accepted"
    return "review"
