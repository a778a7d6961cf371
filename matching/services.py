"""Stored matches: scoring requests, upserts with the review band, manual decisions (SPEC §1.6, §2.9).

Every state change of a `Match` goes through here: the `/matching` endpoints, the matching
worker (§5.5) and the admin-like API actions. Rules:

* Only matches at or above `matching_confidence_threshold` are stored. A stored match gets the
  decision `auto` from `matching_auto_accept_threshold` (0.85) up and `review` below it.
* A repeated match updates `confidence`, `scores` and `updated_at` in place (unique key of
  §1.6) and never overwrites an operator's `confirmed` or `rejected` decision.
* A rejected (track, target) pair is never reported as a best match; a confirmed target that is
  among the candidates is the best match, whatever its confidence.

Other workers ask `rejected_targets`, `confirmed_target` and `missing_from_library`.
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
    LibraryIndex,
    MatchScore,
    PresenceResult,
    classify,
    score_album_vs_plex,
    score_track_vs_plex,
    score_track_vs_soulseek,
)
from matching.models import Match

Source = Match.Source
Decision = Match.Decision
MANUAL_DECISIONS = (Decision.CONFIRMED, Decision.REJECTED)
# SQLite allows 999 variables per statement on old builds: chunk `IN (…)` lookups.
_IN_CHUNK = 500


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
    now = timezone.now()
    return Match.objects.filter(pk__in=list(match_ids)).update(
        decision=decision, decided_by=decided_by[:150], decided_at=now, updated_at=now
    )


def confirm_match(match_id: int | str, decided_by: str) -> Match:
    """Confirm a match: it is the right target, later syncs use it."""
    return decide_match(match_id, Decision.CONFIRMED, decided_by)


def reject_match(match_id: int | str, decided_by: str) -> Match:
    """Reject a match: this target is never reported as the track's best match again."""
    return decide_match(match_id, Decision.REJECTED, decided_by)


# Scoring requests (SPEC §2.9)


def plex_target(candidate: Mapping[str, Any]) -> str | None:
    """A Plex candidate's id: `ratingKey`, else `id` (strings or integers)."""
    for key in ("ratingKey", "id"):
        value = candidate.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return None


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


# Library presence with manual decisions (SPEC §4.6)


def _decisions_by_track(track_ids: Iterable[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Confirmed target and rejected targets of `spotify-to-plex` matches per track id."""
    confirmed: dict[str, str] = {}
    rejected: dict[str, set[str]] = {}
    ids = sorted(set(track_ids))
    for start in range(0, len(ids), _IN_CHUNK):
        rows = (
            Match.objects.filter(
                source=Source.SPOTIFY_TO_PLEX,
                spotify_track_id__in=ids[start : start + _IN_CHUNK],
                decision__in=MANUAL_DECISIONS,
            )
            .order_by("decided_at", "id")
            .values_list("spotify_track_id", "target_id", "decision")
        )
        for track_id, target, decision in rows:
            if decision == Decision.CONFIRMED:
                confirmed[track_id] = target  # ordered by decided_at: the latest wins
            else:
                rejected.setdefault(track_id, set()).add(target)
    return confirmed, rejected


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


def _confirmed_presence(
    track: Mapping[str, Any], target: Mapping[str, Any] | None
) -> PresenceResult:
    if target is None:
        score = MatchScore(confidence=1.0, notes=("confirmed by an operator",))
        return PresenceResult(True, None, 1.0, score, "exact")
    score = score_track_vs_plex(track, target)
    return PresenceResult(True, target, score.confidence, score, "exact")


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


def _track_id(track: Mapping[str, Any]) -> str | None:
    value = track.get("id")
    return value if isinstance(value, str) and value else None
