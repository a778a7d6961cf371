"""Filtering, scoring, sorting and paging of search candidates (SPEC §3.2 steps 4–7).

Scores are rounded to 2 decimals before sorting, so the secondary keys (format priority,
bitrate, year, title, id) decide between items that show the same score.
"""

from __future__ import annotations

from collections.abc import Iterable

from matching.engine import norm, search_relevance
from matching.search.candidates import Candidate
from matching.search.request import SearchRequest

MAX_RANKED = 1000
FORMAT_BOOSTS = {"FLAC": 0.15, "ALAC": 0.12, "AAC": 0.03, "OGG": 0.03}
TYPE_BOOST = 0.10
YEAR_BOOST = 0.05


def bitrate_boost(bitrate: int | None) -> float:
    """≥ 1000 kbps +0.10, ≥ 320 +0.05, ≥ 256 +0.02, else 0 (unknown too)."""
    if bitrate is None:
        return 0.0
    if bitrate >= 1000:
        return 0.10
    if bitrate >= 320:
        return 0.05
    if bitrate >= 256:
        return 0.02
    return 0.0


def _in_years(year: int | None, request: SearchRequest) -> bool:
    if year is None:
        return False
    if request.year_from is not None and year < request.year_from:
        return False
    return request.year_to is None or year <= request.year_to


def keep(candidate: Candidate, request: SearchRequest) -> bool:
    """The filters of SPEC §3.2 step 4 (type, genre, years, minimum bitrate)."""
    if request.type != "mixed" and candidate["type"] != request.type:
        return False
    if request.genre:
        wanted = norm(request.genre)
        if not any(wanted in norm(genre) for genre in candidate["genres"]):
            return False
    if request.has_year_bound and not _in_years(candidate["year"], request):
        return False
    bitrate = candidate["bitrate"]
    return request.min_bitrate is None or bitrate is None or bitrate >= request.min_bitrate


def score(candidate: Candidate, request: SearchRequest) -> float:
    """Relevance (§4.4) plus format, bitrate, type and year boosts, clamped to 0–1."""
    total = search_relevance(request.query, candidate, candidate["type"])
    total += FORMAT_BOOSTS.get(candidate["format"] or "", 0.0)
    total += bitrate_boost(candidate["bitrate"])
    if request.type != "mixed" and candidate["type"] == request.type:
        total += TYPE_BOOST
    if request.has_year_bound and _in_years(candidate["year"], request):
        total += YEAR_BOOST
    return round(min(1.0, max(0.0, total)), 2)


def sort_key(candidate: Candidate, request: SearchRequest) -> tuple:
    """Score desc → format-priority index → bitrate desc → year desc → title → id."""
    priority = request.format_priority
    fmt = candidate["format"]
    index = priority.index(fmt) if fmt in priority else len(priority)
    return (
        -candidate["score"],
        index,
        -(candidate["bitrate"] or 0),
        -(candidate["year"] or 0),
        norm(candidate["title"]),
        candidate["id"],
    )


def rank(candidates: Iterable[Candidate], request: SearchRequest) -> list[Candidate]:
    """Score and sort already filtered candidates; the list is capped at 1,000 (step 7)."""
    ranked = []
    for candidate in candidates:
        candidate["score"] = score(candidate, request)
        ranked.append(candidate)
    ranked.sort(key=lambda c: sort_key(c, request))
    return ranked[:MAX_RANKED]


def page(ranked: list[Candidate], request: SearchRequest) -> list[Candidate]:
    """`items = capped[offset:offset + limit]`."""
    return ranked[request.offset : request.offset + request.limit]
