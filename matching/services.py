"""Stored matches: scoring requests, upserts with the review band, manual decisions (SPEC §1.6, §2.9).

Every state change of a `Match` goes through here: the `/matching` endpoints, the matching
worker (§5.5) and the admin-like API actions. Rules:

* Only matches at or above `matching_confidence_threshold` are stored. A stored match gets the
  decision `auto` from `matching_auto_accept_threshold` (0.85) up and `review` below it.
* A repeated match updates `confidence`, `scores` and `updated_at` in place (unique key of
  §1.6) and never overwrites an operator's `confirmed` or `rejected` decision.
* A rejected (track, target) pair is never reported as a best match; a confirmed target that is
  among the candidates is the best match, whatever its confidence.

Other workers ask `rejected_targets`, `confirmed_target` and `missing_from_library` (library
presence lives in `matching.presence` and is re-exported here for existing importers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.utils import timezone

from core import config
from core.errors import NotFound
from matching.engine import (
    AUTO_ACCEPT,
    MATCH_THRESHOLD,
    MatchScore,
    classify,
    score_album_vs_plex,
    score_track_vs_plex,
    score_track_vs_soulseek,
)
from matching.models import Match
from matching.presence import MANUAL_DECISIONS, plex_target

# Presence has its own module; callers of `services.missing_from_library` keep working.
from matching.presence import library_presence as library_presence
from matching.presence import missing_from_library as missing_from_library

Source = Match.Source
Decision = Match.Decision


@dataclass(frozen=True)
class Thresholds:
    """The effective matching threshold and auto-accept bound (SPEC §7.1), read at use time."""

    threshold: float
    auto_accept: float

    @classmethod
    def current(cls) -> Thresholds:
        return cls(
            threshold=config.get_float("matching_confidence_threshold", MATCH_THRESHOLD),
            auto_accept=config.get_float("matching_auto_accept_threshold", AUTO_ACCEPT),
        )

    def decision(self, confidence: float) -> str:
        """`auto` at or above auto-accept, else `review` (callers store only passing matches)."""
        band = classify(confidence, self.threshold, self.auto_accept)
        return Decision.AUTO if band == "accepted" else Decision.REVIEW


@dataclass
class MatchResult:
    """Outcome of one §2.9 request: the best candidate as sent, its confidence, stored rows."""

    best: Mapping[str, Any] | None
    confidence: float
    scores: dict[str, Any] = field(default_factory=dict)
    stored: list[Match] = field(default_factory=list)


# Lookups for other workers


def _decided(
    source: str, decision: str, spotify_track_id: str | None, context_id: str | None
) -> QuerySet[Match]:
    rows = Match.objects.filter(source=source, decision=decision)
    if spotify_track_id is not None:
        rows = rows.filter(spotify_track_id=spotify_track_id)
    if context_id is not None:
        rows = rows.filter(context_id=context_id)
    return rows


def rejected_targets(
    source: str, spotify_track_id: str | None, *, context_id: str | None = None
) -> set[str]:
    """Targets an operator rejected for this track (and context): never a best match again."""
    rows = _decided(source, Decision.REJECTED, spotify_track_id, context_id)
    return set(rows.values_list("target_id", flat=True))


def confirmed_target(
    source: str, spotify_track_id: str | None, *, context_id: str | None = None
) -> str | None:
    """The target an operator confirmed for this track (the latest decision wins), or None."""
    rows = _decided(source, Decision.CONFIRMED, spotify_track_id, context_id)
    return rows.order_by("-decided_at", "-id").values_list("target_id", flat=True).first()


def get_match(match_id: int | str) -> Match:
    """One match by id; unknown or non-numeric ids are 404 (SPEC §0.2)."""
    try:
        return Match.objects.get(pk=int(str(match_id)))
    except (ValueError, OverflowError, Match.DoesNotExist):
        raise NotFound("Match not found") from None


def list_matches(
    *, decision: str | None = None, source: str | None = None, spotify_track_id: str | None = None
) -> QuerySet[Match]:
    """Stored matches, newest first, optionally filtered (the review queue: `decision=review`)."""
    rows = Match.objects.all()
    if decision:
        rows = rows.filter(decision=decision)
    if source:
        rows = rows.filter(source=source)
    if spotify_track_id:
        rows = rows.filter(spotify_track_id=spotify_track_id)
    return rows.order_by("-updated_at", "-id")


# State changes


def upsert_match(
    source: str,
    spotify_track_id: str,
    target_id: str,
    confidence: float,
    *,
    scores: Mapping[str, Any] | None = None,
    context_id: str = "",
    thresholds: Thresholds | None = None,
) -> Match:
    """Insert or update one match (SPEC §1.6); a manual decision survives every update."""
    thresholds = thresholds or Thresholds.current()
    decision = thresholds.decision(confidence)
    key = {
        "source": source,
        "spotify_track_id": spotify_track_id,
        "target_id": target_id,
        "context_id": context_id,
    }
    values = {"confidence": confidence, "scores": dict(scores or {})}
    if not _update(key, values, decision):
        try:
            with transaction.atomic():  # a savepoint: a lost race must not spoil the caller
                return Match.objects.create(**key, **values, decision=decision)
        except IntegrityError:
            _update(key, values, decision)  # another process inserted it first
    return Match.objects.get(**key)


def _update(key: Mapping[str, str], values: Mapping[str, Any], decision: str) -> int:
    keep_manual = Case(
        When(decision__in=MANUAL_DECISIONS, then=F("decision")),
        default=Value(decision),
        output_field=CharField(),
    )
    return Match.objects.filter(**key).update(
        **values, decision=keep_manual, updated_at=timezone.now()
    )


def decide_match(match_id: int | str, decision: str, decided_by: str) -> Match:
    """Record an operator's verdict (`confirmed` or `rejected`) with who and when."""
    match = get_match(match_id)
    decide_matches([match.pk], decision, decided_by)
    match.refresh_from_db()
    return match


def decide_matches(match_ids: Iterable[int], decision: str, decided_by: str) -> int:
    """Record one verdict for many matches at once (the admin's bulk actions)."""
    if decision not in MANUAL_DECISIONS:
        raise ValueError(f"not a manual decision: {decision!r}")
    # A QuerySet stays a subquery: an admin "select all" over many rows must not turn into
    # more `IN (…)` variables than SQLite allows.
    ids = match_ids if isinstance(match_ids, QuerySet) else list(match_ids)
    now = timezone.now()
    return Match.objects.filter(pk__in=ids).update(
        decision=decision, decided_by=decided_by[:150], decided_at=now, updated_at=now
    )


def confirm_match(match_id: int | str, decided_by: str) -> Match:
    """Confirm a match: it is the right target, later syncs use it."""
    return decide_match(match_id, Decision.CONFIRMED, decided_by)


def reject_match(match_id: int | str, decided_by: str) -> Match:
    """Reject a match: this target is never reported as the track's best match again."""
    return decide_match(match_id, Decision.REJECTED, decided_by)


# Scoring requests (SPEC §2.9)


def soulseek_target(candidate: Mapping[str, Any]) -> str | None:
    """A Soulseek file's target id: its remote `filename`."""
    value = candidate.get("filename")
    return value if isinstance(value, str) and value.strip() else None


def _pick(
    confidences: Sequence[float],
    targets: Sequence[str | None],
    rejected: set[str],
    confirmed: str | None,
) -> int | None:
    """Index of the best candidate: a confirmed target wins, rejected ones never do.

    Otherwise the highest confidence; ties keep input order (SPEC §4.2).
    """
    best: int | None = None
    for i, (confidence, target) in enumerate(zip(confidences, targets, strict=True)):
        if target is not None and target in rejected:
            continue
        if confirmed is not None and target == confirmed:
            return i
        if best is None or confidence > confidences[best]:
            best = i
    return best


Scorer = Callable[[Mapping[str, Any], Mapping[str, Any]], MatchScore]
TargetOf = Callable[[Mapping[str, Any]], str | None]
# How each track source scores a candidate (§4.2 / §4.3) and what a match points at.
TRACK_SCORERS: dict[str, tuple[Scorer, TargetOf]] = {
    Source.SPOTIFY_TO_PLEX: (score_track_vs_plex, plex_target),
    Source.SPOTIFY_TO_SOULSEEK: (score_track_vs_soulseek, soulseek_target),
}


def match_track(
    source: str, spotify_track: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]]
) -> MatchResult:
    """`POST /matching/spotify-to-plex` and `…/spotify-to-soulseek`: the best candidate,
    stored when it passes the threshold. A candidate without an id can be reported, but
    there is nothing to store a match to."""
    score, target_of = TRACK_SCORERS[source]
    track_id = str(spotify_track["id"])
    scored = [score(spotify_track, candidate) for candidate in candidates]
    targets = [target_of(candidate) for candidate in candidates]
    best = _pick(
        [s.confidence for s in scored],
        targets,
        rejected_targets(source, track_id),
        confirmed_target(source, track_id),
    )
    if best is None:
        return MatchResult(None, 0.0)
    result = MatchResult(candidates[best], scored[best].confidence, dict(scored[best].as_dict()))
    thresholds = Thresholds.current()
    target = targets[best]
    if target is not None and result.confidence >= thresholds.threshold:
        stored = upsert_match(
            source, track_id, target, result.confidence, scores=result.scores, thresholds=thresholds
        )
        result.stored.append(stored)
    return result


def album_track_ids(spotify_album: Mapping[str, Any]) -> list[str]:
    """Ids of the album's tracks (`tracks.items` or a `tracks` list), once each, in order."""
    tracks = spotify_album.get("tracks")
    if isinstance(tracks, Mapping):
        tracks = tracks.get("items")
    ids: dict[str, None] = {}
    for track in tracks if isinstance(tracks, list) else []:
        value = track.get("id") if isinstance(track, Mapping) else None
        if isinstance(value, str) and value.strip():
            ids.setdefault(value.strip(), None)
    return list(ids)


def match_album_to_plex(
    spotify_album: Mapping[str, Any],
    candidates: Sequence[Mapping[str, Any]],
    *,
    persist: bool = False,
) -> MatchResult:
    """`POST /matching/spotify-to-plex-album`: best Plex album (§4.5).

    With `persist` and a best match at or above the threshold, one match per album track
    (target = album ratingKey, context = Spotify album id) is stored in one transaction: a
    database failure stores none of them. Decisions are looked up per album (context).
    """
    album_id = str(spotify_album["id"])
    source = Source.SPOTIFY_TO_PLEX_ALBUM
    confidences = [score_album_vs_plex(spotify_album, candidate) for candidate in candidates]
    targets = [plex_target(candidate) for candidate in candidates]
    best = _pick(
        confidences,
        targets,
        rejected_targets(source, None, context_id=album_id),
        confirmed_target(source, None, context_id=album_id),
    )
    if best is None:
        return MatchResult(None, 0.0)
    result = MatchResult(candidates[best], confidences[best], {"confidence": confidences[best]})
    thresholds = Thresholds.current()
    target = targets[best]
    if persist and target is not None and result.confidence >= thresholds.threshold:
        with transaction.atomic():
            for track_id in album_track_ids(spotify_album):
                result.stored.append(
                    upsert_match(
                        source,
                        track_id,
                        target,
                        result.confidence,
                        scores=result.scores,
                        context_id=album_id,
                        thresholds=thresholds,
                    )
                )
    return result
