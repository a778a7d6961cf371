"""Finding a file for each missing track on Soulseek, politely (issue 7 point 2, SPEC §4.7).

Every search goes through the shared search budget (inside `SlskdClient.search`). Tracks that
share an album are served by one album search where possible, results are cached for the run
chunk, and when "<artist> <title>" finds nothing the finder falls back to "<title> <album>",
then "<title>" alone with a strict post-filter: the Soulseek server silently drops some
artist names from queries, so the artist may be the very word that hides the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core import config
from core.errors import HarmonyError
from downloads.autosync.library import as_spotify
from downloads.peers import rank_alternatives
from matching.engine import core_album, core_title, select_candidate

# A title-only search returns many unrelated files: demand a near-certain match.
STRICT_THRESHOLD = 0.85


@dataclass
class Outcome:
    """What the finder decided for one track."""

    reason: str | None = None  # None (found) | "search" | "no_results" | "quality"
    best: dict[str, Any] | None = None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    queries: list[str] = field(default_factory=list)


class Finder:
    """Searches with a per-chunk cache; `search` is `SlskdClient.search`-like (query, lane) → responses."""

    def __init__(self, search: Callable[[str, int], list[dict[str, Any]]]) -> None:
        self.search = search
        self.cache: dict[str, list[dict[str, Any]] | HarmonyError] = {}
        self.threshold = config.get_float("matching_confidence_threshold", 0.65)
        self.min_bitrate = config.get_int("autosync_min_bitrate", 192)
        formats = config.get("autosync_preferred_formats") or "mp3,flac"
        self.formats = [f.strip().lower() for f in formats.split(",") if f.strip()]

    def responses(self, query: str, lane: int) -> list[dict[str, Any]]:
        """Search once per distinct query (normalised whitespace/case); errors are cached too."""
        key = " ".join(query.lower().split())
        if key not in self.cache:
            try:
                self.cache[key] = self.search(query, lane)
            except HarmonyError as exc:
                self.cache[key] = exc
        cached = self.cache[key]
        if isinstance(cached, HarmonyError):
            raise cached
        return cached

    def find(self, entry: dict[str, Any], album_query: str | None = None) -> Outcome:
        """Album search first (when shared), then the query fallbacks (issue 7 point 2)."""
        outcome = Outcome()
        saw_quality = False
        attempts = []
        if album_query:
            attempts.append((album_query, self.threshold))
        attempts += self.queries(entry)
        errors = 0
        for query, threshold in attempts:
            outcome.queries.append(query)
            try:
                responses = self.responses(query, entry.get("lane") or 20)
            except HarmonyError as exc:
                errors += 1
                outcome.error = str(exc.detail)
                continue
            selection = select_candidate(
                as_spotify(entry),
                responses,
                threshold=threshold,
                min_bitrate=self.min_bitrate,
                preferred_formats=self.formats,
            )
            if selection.best is not None:
                files = [selection.best, *selection.alternatives]
                ranked = rank_alternatives([_file(f) for f in files])
                outcome.best, outcome.alternatives = ranked[0], ranked[1:5]
                outcome.reason, outcome.error = None, None
                return outcome
            saw_quality |= selection.reason == "quality"
        if errors == len(attempts):
            outcome.reason = "search"
        else:
            outcome.reason = "quality" if saw_quality else "no_results"
            outcome.error = None
        return outcome

    def queries(self, entry: dict[str, Any]) -> list[tuple[str, float]]:
        """`<artist> <title>` → `<title> <album>` → `<title>` (strict), without duplicates."""
        title = core_title(entry["title"]) or entry["title"]
        album = core_album(entry.get("album") or "")
        candidates = [
            (f"{entry['artist']} {title}", self.threshold),
            (f"{title} {album}" if album else "", self.threshold),
            (title, max(self.threshold, STRICT_THRESHOLD)),
        ]
        seen: set[str] = set()
        result = []
        for query, threshold in candidates:
            query = " ".join(query.split())
            if query and query.lower() not in seen:
                seen.add(query.lower())
                result.append((query, threshold))
        return result


def album_query(entries: list[dict[str, Any]]) -> str | None:
    """One `<artist> <album>` query for a group of tracks that share an album."""
    first = entries[0]
    album = core_album(first.get("album") or "")
    if len(entries) < 2 or not album:
        return None
    return " ".join(f"{first['artist']} {album}".split())


def _file(candidate: Any) -> dict[str, Any]:
    return {
        "username": candidate.username,
        "filename": candidate.filename,
        "size": candidate.size,
        "bitrate": candidate.bitrate,
        "extension": candidate.extension,
        "confidence": candidate.confidence,
    }
