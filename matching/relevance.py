"""Search relevance of a candidate for a free-text query (SPEC §4.4, base score of §3.2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from rapidfuzz import fuzz

from matching.fields import text
from matching.normalize import norm

Kind = Literal["track", "album", "artist"]

# Weights of (title, artist, album, composite) per candidate type (SPEC §4.4).
RELEVANCE_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "track": (0.55, 0.25, 0.15, 0.05),
    "album": (0.35, 0.15, 0.40, 0.10),
    "artist": (0.15, 0.65, 0.10, 0.10),
}


def candidate_artists(candidate: Mapping[str, Any]) -> list[str]:
    """`artist` plus `metadata.artists` (or `artists`), de-duplicated, order kept."""
    names: list[str] = []
    metadata = candidate.get("metadata")
    extra = metadata.get("artists") if isinstance(metadata, Mapping) else None
    for value in (candidate.get("artist"), *(extra or candidate.get("artists") or [])):
        name = text(value.get("name") if isinstance(value, Mapping) else value)
        if name and name not in names:
            names.append(name)
    return names


def search_relevance(query: str, candidate: Mapping[str, Any], kind: str) -> float:
    """Relevance 0–1 of a normalised search candidate (SPEC §4.4).

    `kind` is the candidate's type (`track`, `album`, `artist`); other values raise
    ValueError. Field similarity is `token_set_ratio`, the composite (title + album +
    artists) `partial_ratio`; missing fields score 0. Bonus +0.10 for a title equal to the
    query, else +0.05 for an equal album. Rounded to 4 decimals.
    """
    try:
        w_title, w_artist, w_album, w_composite = RELEVANCE_WEIGHTS[kind]
    except KeyError:
        raise ValueError(f"unknown candidate kind: {kind!r}") from None
    q = norm(query)
    if not q:
        return 0.0
    title = norm(text(candidate.get("title")))
    album = norm(text(candidate.get("album")))
    artists = [norm(name) for name in candidate_artists(candidate)]

    def similarity(field: str) -> float:
        return fuzz.token_set_ratio(q, field) / 100 if field else 0.0

    composite = " ".join(part for part in (title, album, *artists) if part)
    score = (
        w_title * similarity(title)
        + w_artist * max((similarity(a) for a in artists), default=0.0)
        + w_album * similarity(album)
        + w_composite * (fuzz.partial_ratio(q, composite) / 100 if composite else 0.0)
    )
    if title == q:
        score += 0.10
    elif album == q:
        score += 0.05
    return round(min(1.0, score), 4)
