"""Library presence: is a Spotify track already in Plex? In bulk (SPEC §4.6).

A track is present when a Plex track has the same `(norm(primary artist), core_title)` key
(`track_key`: the artist without article, so "The Beatles" finds "Beatles"), or when the best
§4.2 confidence among Plex tracks whose artist similarity is ≥ 0.85 reaches
`PRESENCE_THRESHOLD`. A key hit on a live album does not count for a studio track (version
rule of `matching.scoring`). Checking N Spotify tracks against M Plex tracks pair by pair is N×M
confidence computations (10,000 × 50,000 = 5·10⁸); instead:

1. exact keys: one dict lookup per track;
2. blocking: the distinct Spotify artist keys are compared with the distinct library artist
   keys in one vectorised `rapidfuzz.process.cdist` call (chunked), giving each track the
   library tracks of its similar artists;
3. within a block, titles are scored with `cdist` per group of tracks sharing that block;
   only titles ≥ 0.7 can reach 0.85 (title weighs 0.5 and the rest at most 0.5, so
   0.5·t + 0.5 ≥ 0.85 needs t ≥ 0.7), so lower ones are dropped before any full scoring;
4. the full §4.2 confidence runs only for the best `TOP_K` titles of each track.

Blocking and title cut-offs are slightly looser than the final test, which is then applied
exactly (artist ≥ 0.85, confidence ≥ 0.85), so results equal the pairwise definition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz, process

from matching.fields import TrackFacts, plex_facts, spotify_facts
from matching.scoring import MatchScore, score_facts

PRESENCE_THRESHOLD = 0.85
ARTIST_BLOCK_THRESHOLD = 0.85
TOP_K = 10
_ARTIST_CUTOFF = 84  # percent, a little below 85 so float rounding never loses a pair
_TITLE_CUTOFF = 69  # percent, below the 70 that the 0.85 bound requires
_CHUNK_ROWS = 1024  # rows per artist cdist call: bounds memory at 1024 × distinct artists
_PARALLEL_CELLS = 20_000  # below this, thread start-up costs more than it saves

Method = Literal["exact", "fuzzy", "none"]


@dataclass(frozen=True, slots=True)
class PresenceResult:
    """Presence of one Spotify track (SPEC §4.6).

    `candidate` is the best library track found (also when not present, to show why not),
    `method` how presence was decided: `exact` key, `fuzzy` confidence, or `none`.
    """

    present: bool
    candidate: Mapping[str, Any] | None
    confidence: float
    score: MatchScore
    method: Method


_ABSENT = PresenceResult(False, None, 0.0, MatchScore(confidence=0.0), "none")


class LibraryIndex:
    """Plex tracks prepared for repeated presence checks; build once per run/cycle."""

    def __init__(self, tracks: Sequence[Mapping[str, Any]], facts: list[TrackFacts]) -> None:
        self.tracks = tracks
        self.facts = facts
        self.titles = [f.title.core for f in facts]
        self.exact: dict[tuple[str, str], list[int]] = {}
        artist_ids: dict[str, int] = {}
        members: list[list[int]] = []
        for i, f in enumerate(facts):
            for key in f.artists:  # every credit: album artist, track artist, "artist"
                if f.title.core:
                    self.exact.setdefault((key, f.title.core), []).append(i)
                if key not in artist_ids:
                    artist_ids[key] = len(members)
                    members.append([])
                members[artist_ids[key]].append(i)
        self.artist_names = list(artist_ids)
        self.artist_members = [np.asarray(m, dtype=np.int64) for m in members]

    @classmethod
    def build(cls, plex_tracks: Sequence[Mapping[str, Any]]) -> LibraryIndex:
        """Index Plex track dicts (`title`, artist fields, album, `duration`)."""
        return cls(plex_tracks, [plex_facts(t) for t in plex_tracks])

    def __len__(self) -> int:
        return len(self.tracks)

    def contains(self, spotify_track: Mapping[str, Any]) -> PresenceResult:
        """Presence of a single track (same rules as `find`)."""
        return self.find([spotify_track])[0]

    def find(self, spotify_tracks: Sequence[Mapping[str, Any]]) -> list[PresenceResult]:
        """Presence of every Spotify track, in input order (SPEC §4.6)."""
        queries = [spotify_facts(t) for t in spotify_tracks]
        results: list[PresenceResult] = [_ABSENT] * len(queries)
        pending: list[int] = []
        for i, facts in enumerate(queries):
            if not facts.artists or not facts.title.core:
                continue
            exact = self._exact(facts)
            if exact:
                results[i] = exact
            else:
                pending.append(i)
        similar = self._similar_artists(sorted({a for i in pending for a in queries[i].artists}))
        groups: dict[tuple[int, ...], list[int]] = {}
        for i in pending:
            ids = sorted({a for key in queries[i].artists for a in similar.get(key, ())})
            if ids:
                groups.setdefault(tuple(ids), []).append(i)
        for artist_group, members in groups.items():
            self._score_block(artist_group, members, queries, results)
        return results

    def _similar_artists(self, keys: list[str]) -> dict[str, list[int]]:
        """Library artist ids with `token_set_ratio` ≥ ~85 for each Spotify artist key."""
        similar: dict[str, list[int]] = {}
        if not keys or not self.artist_names:
            return similar
        for start in range(0, len(keys), _CHUNK_ROWS):
            chunk = keys[start : start + _CHUNK_ROWS]
            matrix = process.cdist(
                chunk,
                self.artist_names,
                scorer=fuzz.token_set_ratio,
                score_cutoff=_ARTIST_CUTOFF,
                dtype=np.uint8,
                workers=-1,
            )
            for key, row in zip(chunk, matrix, strict=True):
                similar[key] = np.flatnonzero(row).tolist()
        return similar

    def _score_block(
        self,
        artist_group: tuple[int, ...],
        members: list[int],
        queries: list[TrackFacts],
        results: list[PresenceResult],
    ) -> None:
        """Vectorised title scores of one block, full §4.2 for the top titles of each track."""
        block = np.unique(np.concatenate([self.artist_members[a] for a in artist_group]))
        choices = [self.titles[j] for j in block]
        titles = [queries[i].title.core for i in members]
        workers = -1 if len(titles) * len(choices) >= _PARALLEL_CELLS else 1
        matrix = process.cdist(
            titles,
            choices,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=_TITLE_CUTOFF,
            dtype=np.uint8,
            workers=workers,
        )
        for row, i in zip(matrix, members, strict=True):
            columns = np.flatnonzero(row)
            if not columns.size:
                continue
            # Best titles first; equal titles keep library order (stable sort).
            top = columns[np.argsort(-row[columns].astype(np.int16), kind="stable")[:TOP_K]]
            results[i] = self._decide(queries[i], block[top].tolist())

    def _decide(self, facts: TrackFacts, indices: Sequence[int]) -> PresenceResult:
        """Fuzzy presence among a few candidates: best confidence of those by a similar artist.

        When none qualifies, the best candidate overall is still reported (why not present).
        """
        scored = [(j, score_facts(facts, self.facts[j])) for j in sorted(indices)]
        eligible = [
            (j, s) for j, s in scored if s.artist is not None and s.artist >= ARTIST_BLOCK_THRESHOLD
        ]
        # max() keeps the first of equal confidences: library order decides ties.
        j, score = max(eligible or scored, key=lambda item: item[1].confidence)
        present = bool(eligible) and score.confidence >= PRESENCE_THRESHOLD
        method: Method = "fuzzy" if present else "none"
        return PresenceResult(present, self.tracks[j], score.confidence, score, method)

    def _exact(self, facts: TrackFacts) -> PresenceResult | None:
        """Presence by equal key, best §4.2 confidence among the hits reported.

        Equal keys mean equal titles, so equal version markers and parts; only a live album
        can still make a hit another recording ("Creep" on "Live at the Astoria"). Such hits
        are left to the fuzzy path, where the version rule keeps them below the threshold.
        """
        hits = self.exact.get((facts.artists[0], facts.title.core), ())
        scored = [(j, score_facts(facts, self.facts[j])) for j in sorted(hits)]
        same_recording = [(j, s) for j, s in scored if not s.different_recording]
        if not same_recording:
            return None
        j, score = max(same_recording, key=lambda item: item[1].confidence)
        return PresenceResult(True, self.tracks[j], score.confidence, score, "exact")
