"""Submission: claim sync jobs and hand their files to slskd exactly once (SPEC §5.2 "Dispatch",
RELIABILITY T44–T47, §2.2).

Reserve → call slskd → confirm. Before slskd is called, `Download.submitting_at` is written
and committed. Any later attempt that finds a reservation without a confirmation (the process
died, or the call timed out and may have reached slskd) first reads slskd's transfer list and
adopts the transfer it finds instead of enqueueing the file again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import UpstreamError, UpstreamRateLimited
from core.models import WorkerJob
from core.workers import heartbeat, leases
from downloads.failures import dead_letter_unusable, handle_failure
from downloads.models import Download
from downloads.reconcile import adopt, transfer_fields
from downloads.states import clip, touch

logger = logging.getLogger(__name__)

# A claim outlives the longest submission (client timeout plus its 429 waits) by a margin.
CLAIM_LEASE = timedelta(seconds=120)
RATE_LIMIT_DELAY = 2.0
OUTAGE_DELAY_MAX = 60.0


@dataclass
class Outcome:
    """What happened to one claimed job."""

    kind: str  # submitted | adopted | skipped | rate_limited | unreachable | busy | failed | error
    download_id: int | None = None
    retry_count: int = 0


@dataclass
class DispatchStats:
    """Totals of one dispatch, for metrics and the `download_retry_completed` event."""

    submitted: int = 0
    failed: int = 0
    unreachable: bool = False
    retried: list[dict[str, int]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.kind in ("submitted", "adopted"):
            self.submitted += 1
            if outcome.retry_count > 0 and outcome.download_id is not None:
                self.retried.append(
                    {"download_id": outcome.download_id, "attempts": outcome.retry_count + 1}
                )
        elif outcome.kind in ("failed", "error"):
            self.failed += 1
        elif outcome.kind in ("unreachable", "busy"):
            # slskd or the database is away: leave the rest of the queue for the next cycle.
            self.unreachable = True


def _claimable(now: datetime) -> Any:
    return WorkerJob.objects.filter(
        worker=WorkerJob.Worker.SYNC, state__in=WorkerJob.CLAIMABLE, scheduled_at__lte=now
    )


def claim_jobs(limit: int, owner: str = leases.PROCESS_OWNER) -> list[WorkerJob]:
    """Claim up to `limit` due sync jobs, highest priority first, FIFO within a priority.

    PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent clusters take disjoint jobs.
    SQLite: a conditional `UPDATE … WHERE state IN (queued, retrying) AND scheduled_at <= now`
    per candidate; a zero row count means another cluster got there first (T47).
    """
    now = timezone.now()
    ordered = _claimable(now).order_by("-priority", "created_at", "id")
    claim = {
        "state": WorkerJob.State.RUNNING,
        "claimed_by": owner,
        "claimed_at": now,
        "lease_until": now + CLAIM_LEASE,
        "updated_at": now,
    }
    claimed: list[WorkerJob] = []
    if connection.vendor == "postgresql":
        with transaction.atomic():
            candidates = list(ordered.select_for_update(skip_locked=True)[:limit])
            WorkerJob.objects.filter(id__in=[job.pk for job in candidates]).update(
                attempts=F("attempts") + 1, **claim
            )
            claimed = candidates
    else:
        for job in list(ordered[: limit * 4]):
            try:
                won = _claimable(now).filter(pk=job.pk).update(attempts=F("attempts") + 1, **claim)
            except OperationalError:
                # Locked beyond the busy timeout: keep what is claimed, the rest waits.
                logger.warning("sync job claim stopped: database busy")
                break
            if won:
                claimed.append(job)
            if len(claimed) >= limit:
                break
    # The rows read before the update are returned as claimed: no second query that could
    # fail after the claim and leave the jobs orphaned until their lease expires.
    for job in claimed:
        for key, value in claim.items():
            setattr(job, key, value)
        job.attempts += 1
    return claimed


def _finish(job: WorkerJob, state: str, error: str | None = None) -> None:
    fields: dict[str, Any] = {"state": state, "lease_until": None}
    if error is not None:
        fields["last_error"] = clip(error)
    WorkerJob.objects.filter(pk=job.pk).update(**touch(timezone.now(), **fields))


def _reschedule(job: WorkerJob, seconds: float, error: str) -> None:
    """Back to the queue later: a transient condition, not a failure of the download."""
    now = timezone.now()
    WorkerJob.objects.filter(pk=job.pk).update(
        **touch(
            now,
            state=WorkerJob.State.RETRYING,
            scheduled_at=now + timedelta(seconds=seconds),
            claimed_by=None,
            lease_until=None,
            last_error=clip(error),
        )
    )


def submit_job(job: WorkerJob, client: Any) -> Outcome:
    """Submit one claimed job's file to slskd (SPEC §5.2 steps 1–3)."""
    download = Download.objects.filter(pk=job.download_id).first()
    if (
        download is None
        or download.status != Download.Status.QUEUED
        or download.submitted_at is not None
    ):
        _finish(job, WorkerJob.State.COMPLETED)
        return Outcome("skipped", job.download_id)
    payload = download.request_payload or {}
    username, filename = payload.get("username"), payload.get("filename")
    if not (isinstance(username, str) and username) or not (isinstance(filename, str) and filename):
        return _unusable(job, download)
    if download.submitting_at is not None:
        since = download.submitting_at  # the client allows a minute of slack
        try:
            existing = client.find_download(username, filename, since=since)
        except UpstreamError as exc:
            _reschedule(job, RATE_LIMIT_DELAY, str(exc.detail))
            return Outcome("unreachable", download.pk)
        if existing:
            adopt(download, existing)
            return Outcome("adopted", download.pk, download.retry_count)
    now = timezone.now()
    reserved = Download.objects.filter(
        pk=download.pk, status=Download.Status.QUEUED, submitted_at__isnull=True
    ).update(**touch(now, submitting_at=now))
    if not reserved:  # cancelled between claim and reservation
        _finish(job, WorkerJob.State.COMPLETED)
        return Outcome("skipped", download.pk)
    return _enqueue(job, download, client, username, filename, payload.get("size"))


def _enqueue(
    job: WorkerJob, download: Download, client: Any, username: str, filename: str, size: Any
) -> Outcome:
    try:
        result = client.enqueue(
            username,
            [{"filename": filename, "size": size if isinstance(size, int) else 0}],
            idempotency_key=job.idempotency_key,
        )
    except UpstreamRateLimited as exc:
        # A 429 means the request was not performed: the reservation can go.
        Download.objects.filter(pk=download.pk, submitted_at__isnull=True).update(
            submitting_at=None
        )
        _reschedule(job, exc.retry_after or RATE_LIMIT_DELAY, str(exc.detail))
        return Outcome("rate_limited", download.pk)
    except UpstreamError as exc:
        if exc.upstream_status is None:
            # Unreachable or timed out: slskd may have the file. The reservation stays, so
            # the next attempt reads the transfer list first. An outage is not the
            # download's fault (T29): the job waits instead of failing.
            delay = min(OUTAGE_DELAY_MAX, RATE_LIMIT_DELAY * 2 ** min(job.attempts, 5))
            _reschedule(job, delay, str(exc.detail))
            return Outcome("unreachable", download.pk)
        return _failed(job, download, str(exc.detail), client)
    refused = next((f for f in result.failed if f.get("filename") == filename), None)
    if refused is not None:
        return _failed(job, download, str(refused.get("message") or "rejected by slskd"), client)
    transfer = next((t for t in result.enqueued if t.get("filename") == filename), None) or {}
    now = timezone.now()
    Download.objects.filter(
        pk=download.pk, status=Download.Status.QUEUED, submitted_at__isnull=True
    ).update(**touch(now, **transfer_fields({**transfer, "state": "Requested"}, now)))
    _finish(job, WorkerJob.State.COMPLETED)
    return Outcome("submitted", download.pk, download.retry_count)


def _failed(job: WorkerJob, download: Download, error: str, client: Any) -> Outcome:
    _finish(job, WorkerJob.State.FAILED, error)
    handle_failure(download.pk, error, client=client)
    return Outcome("failed", download.pk)


def _unusable(job: WorkerJob, download: Download) -> Outcome:
    """Step 2: no username/filename to submit → dead letter + `download/failed`."""
    error = "missing request payload"
    with transaction.atomic():
        dead_letter_unusable(download, error, timezone.now())
        _finish(job, WorkerJob.State.FAILED, error)
        record(
            ev.DOWNLOAD,
            ev.FAILED,
            {"download_id": download.pk, "filename": download.filename, "error": error},
        )
    return Outcome("failed", download.pk)


def fail_unexpectedly(job: WorkerJob, exc: BaseException, client: Any) -> Outcome:
    """A bug or an unexpected answer: the job fails visibly, the download is retried."""
    error = f"{type(exc).__name__}: {exc}"
    logger.exception("sync job %s failed unexpectedly", job.pk)
    _finish(job, WorkerJob.State.FAILED, error)
    record(ev.DOWNLOAD, ev.SYNC_JOB_FAILED, {"job_id": job.pk, "error": clip(error)})
    if job.download_id is not None:
        Download.objects.filter(pk=job.download_id, submitted_at__isnull=True).update(
            submitting_at=None
        )
        handle_failure(job.download_id, clip(error), client=client)
    return Outcome("error", job.download_id)


def _submit_safely(job: WorkerJob, client: Any) -> Outcome:
    try:
        return submit_job(job, client)
    except OperationalError:
        # The database was busy or away: not the download's fault. A reservation written
        # before the error is settled by the read-back of the next attempt.
        logger.warning("sync job %s postponed: database unavailable", job.pk, exc_info=True)
        # If even that fails, the claim's lease expires and recovery re-queues the job.
        with contextlib.suppress(OperationalError):
            _reschedule(job, RATE_LIMIT_DELAY, "database busy")
        return Outcome("busy", job.download_id)
    except Exception as exc:
        return fail_unexpectedly(job, exc, client)


def _submit_in_thread(job: WorkerJob, client: Any) -> Outcome:
    try:
        return _submit_safely(job, client)
    finally:
        # Pool threads open their own connection; give it back after each job.
        connection.close()


def dispatch(
    client: Any,
    concurrency: int,
    *,
    budget_seconds: float = 60.0,
    owner: str = leases.PROCESS_OWNER,
) -> DispatchStats:
    """Claim and submit rounds of up to `concurrency` jobs until none is claimable (SPEC §5.2,
    D28). Stops early when slskd is unreachable or the time budget is spent; the next cycle
    continues, so a cycle stays a short task."""
    stats = DispatchStats()
    deadline = time.monotonic() + budget_seconds
    beat_every = max(1, config.get_int("WORKER_HEARTBEAT_SECONDS", 15))
    last_beat = time.monotonic()
    concurrency = max(1, concurrency)
    pool = ThreadPoolExecutor(concurrency, "harmony-submit") if concurrency > 1 else None
    try:
        while time.monotonic() < deadline and not stats.unreachable:
            jobs = claim_jobs(concurrency, owner)
            if not jobs:
                break
            if pool is None:
                outcomes = [_submit_safely(job, client) for job in jobs]
            else:
                outcomes = list(pool.map(lambda job: _submit_in_thread(job, client), jobs))
            for outcome in outcomes:
                stats.add(outcome)
            leases.renew("cycle:sync", CLAIM_LEASE.total_seconds(), owner)
            if time.monotonic() - last_beat >= beat_every:
                # A long dispatch keeps its worker visibly alive (SPEC §5.1).
                heartbeat.beat("sync")
                last_beat = time.monotonic()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return stats
