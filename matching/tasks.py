"""The matching worker (SPEC §5.5): persistent jobs scored in batches, matches stored.

`run_matching_cycle()` is the registry's cycle (a plain function, tests call it directly). One
cycle claims up to `matching_worker_batch_size` queued jobs (FIFO) and processes them:

* a payload without `spotify_track.id` or without candidates → job `failed`, `invalid_payload`;
* otherwise every candidate is scored (§4.2 / §4.3) and each one at or above
  `matching_confidence_threshold` is upserted (`matching.services.upsert_match`); the job is
  `completed` when at least one match was stored, else `failed` with `no_match`;
* an exception → job `failed` and `matching/matching_job_failed` `{"job_id", "error"}`.

A job's matches and its final state commit together, and an upsert is idempotent, so a job
that is run again after a crash (stale claims are re-queued by
`core.workers.dispatcher.recover_stale_claims`) leaves the same rows. Metrics and the
`matching/batch_saved` event are written after the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.models import WorkerJob
from core.workers import heartbeat, leases, queue
from matching.services import TRACK_SCORERS, Thresholds, upsert_match

logger = logging.getLogger(__name__)

WORKER = "matching"
INVALID_PAYLOAD = "invalid_payload"
NO_MATCH = "no_match"
# A claimed job whose cluster died is re-queued once this lease runs out (SPEC §5.0).
CLAIM_LEASE = timedelta(minutes=10)
MAX_CANDIDATES = 1000
_MAX_ID = 64  # Match.spotify_track_id
_MAX_TARGET = 1024  # Match.target_id
_MAX_CONTEXT = 128  # Match.context_id


class InvalidPayload(ValueError):
    """The job cannot be processed as given (SPEC §5.5 `invalid_payload`)."""


@dataclass
class JobOutcome:
    """Stored confidences and the number of discarded candidates of one job."""

    stored: list[float] = field(default_factory=list)
    discarded: int = 0


@dataclass
class BatchStats:
    """What one cycle did; returned to django-q2 and used for metrics."""

    batch_size: int = 0
    completed: int = 0
    failed: int = 0
    stored: list[float] = field(default_factory=list)
    discarded: int = 0

    @property
    def average_confidence(self) -> float:
        return round(sum(self.stored) / len(self.stored), 4) if self.stored else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_size": self.batch_size,
            "completed": self.completed,
            "failed": self.failed,
            "count": len(self.stored),
            "discarded": self.discarded,
            "average_confidence": self.average_confidence,
        }


def enqueue_matching_job(payload: Mapping[str, Any]) -> WorkerJob:
    """Persist a matching job and wake the worker after commit (STYLE §5, SPEC §5.5)."""
    job = WorkerJob.objects.create(worker=WorkerJob.Worker.MATCHING, payload=dict(payload))
    queue.nudge(WORKER)
    return job


def run_matching_cycle() -> dict[str, Any]:
    """Claim one batch of matching jobs and process it (SPEC §5.5); empty queue → heartbeat."""
    heartbeat.beat(WORKER)
    jobs = claim_jobs(max(1, config.get_int("matching_worker_batch_size", 10)))
    stats = BatchStats(batch_size=len(jobs))
    if not jobs:
        return stats.as_dict()
    thresholds = Thresholds.current()
    for job in jobs:
        _run_job(job, thresholds, stats)
    _write_metrics(stats)
    return stats.as_dict()


def _claimable() -> Any:
    return WorkerJob.objects.filter(
        worker=WorkerJob.Worker.MATCHING,
        state__in=WorkerJob.CLAIMABLE,
        scheduled_at__lte=timezone.now(),
    )


def claim_jobs(limit: int, owner: str = leases.PROCESS_OWNER) -> list[WorkerJob]:
    """Claim up to `limit` queued matching jobs, oldest first.

    PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent clusters take disjoint jobs.
    Elsewhere: a conditional `UPDATE … WHERE state IN (queued, retrying)` per candidate; zero
    rows updated means another cluster got there first.
    """
    now = timezone.now()
    claim = {
        "state": WorkerJob.State.RUNNING,
        "claimed_by": owner,
        "claimed_at": now,
        "lease_until": now + CLAIM_LEASE,
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }
    ordered = _claimable().order_by("created_at", "id")
    claimed: list[int] = []
    if connection.vendor == "postgresql":
        with transaction.atomic():
            claimed = list(
                ordered.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit]
            )
            WorkerJob.objects.filter(id__in=claimed).update(**claim)
    else:
        for candidate in ordered.values_list("id", flat=True)[: limit * 4]:
            if _claimable().filter(pk=candidate).update(**claim) == 1:
                claimed.append(candidate)
            if len(claimed) >= limit:
                break
    return list(WorkerJob.objects.filter(id__in=claimed).order_by("created_at", "id"))


def _run_job(job: WorkerJob, thresholds: Thresholds, stats: BatchStats) -> None:
    try:
        with transaction.atomic():
            outcome = process_payload(job.payload, thresholds)
            state = WorkerJob.State.COMPLETED if outcome.stored else WorkerJob.State.FAILED
            _finish(job, state, None if outcome.stored else NO_MATCH)
    except InvalidPayload as exc:
        logger.info("matching job %s: invalid payload (%s)", job.pk, exc)
        _finish(job, WorkerJob.State.FAILED, INVALID_PAYLOAD)
        stats.failed += 1
        return
    except Exception as exc:
        logger.exception("matching job %s failed", job.pk)
        error = f"{type(exc).__name__}: {exc}"[:500]
        _finish(job, WorkerJob.State.FAILED, error)
        record(ev.MATCHING, ev.MATCHING_JOB_FAILED, {"job_id": job.pk, "error": error})
        stats.failed += 1
        return
    stats.stored.extend(outcome.stored)
    stats.discarded += outcome.discarded
    if outcome.stored:
        stats.completed += 1
    else:
        stats.failed += 1


def _finish(job: WorkerJob, state: str, error: str | None) -> None:
    # Only our own claim: a job re-queued and claimed elsewhere meanwhile is not ours to close.
    WorkerJob.objects.filter(pk=job.pk, claimed_by=job.claimed_by).update(
        state=state, last_error=error, lease_until=None, updated_at=timezone.now()
    )


def process_payload(payload: Any, thresholds: Thresholds) -> JobOutcome:
    """Score a job's candidates and upsert those that pass (raises `InvalidPayload`)."""
    kind, track, candidates, context_id = _validated(payload)
    score, target_of = TRACK_SCORERS[kind]
    outcome = JobOutcome()
    for candidate in candidates:
        target = target_of(candidate)
        scored = score(track, candidate)
        storable = target is not None and len(target) <= _MAX_TARGET
        if not storable or scored.confidence < thresholds.threshold:
            outcome.discarded += 1
            continue
        upsert_match(
            kind,
            track["id"].strip(),
            target,
            scored.confidence,
            scores=scored.as_dict(),
            context_id=context_id,
            thresholds=thresholds,
        )
        outcome.stored.append(scored.confidence)
    return outcome


def _validated(payload: Any) -> tuple[str, Mapping[str, Any], list[Mapping[str, Any]], str]:
    if not isinstance(payload, Mapping):
        raise InvalidPayload("payload is not an object")
    kind = payload.get("type")
    if kind not in TRACK_SCORERS:
        raise InvalidPayload("unknown type")
    track = payload.get("spotify_track")
    track_id = track.get("id") if isinstance(track, Mapping) else None
    if not isinstance(track_id, str) or not track_id.strip() or len(track_id.strip()) > _MAX_ID:
        raise InvalidPayload("spotify_track.id missing")
    candidates = payload.get("candidates")
    if not isinstance(candidates, list) or not candidates or len(candidates) > MAX_CANDIDATES:
        raise InvalidPayload("no candidates")
    if not all(isinstance(c, Mapping) for c in candidates):
        raise InvalidPayload("a candidate is not an object")
    context_id = payload.get("context_id") or ""
    if not isinstance(context_id, str) or len(context_id) > _MAX_CONTEXT:
        raise InvalidPayload("context_id is not a short string")
    return kind, track, candidates, context_id


def _write_metrics(stats: BatchStats) -> None:
    """`metrics.matching.*` and `matching/batch_saved` after a batch (SPEC §5.5)."""
    heartbeat.metric(WORKER, "last_average_confidence", stats.average_confidence)
    heartbeat.metric(WORKER, "last_discarded", stats.discarded)
    heartbeat.count(WORKER, "discarded_total", stats.discarded)
    heartbeat.count(WORKER, "saved_total", len(stats.stored))
    record(
        ev.MATCHING,
        ev.BATCH_SAVED,
        {
            "count": len(stats.stored),
            "batch_size": stats.batch_size,
            "discarded": stats.discarded,
            "average_confidence": stats.average_confidence,
        },
    )
