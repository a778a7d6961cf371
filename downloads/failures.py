"""Failure handling: the one place a failed transfer or submission is retried, moved to
another peer or given up (SPEC §5.2 "Failure handling", §5.3, issue: quick retries, peers).

Per peer, the first three failures are retried quickly (5 s, 15 s, 30 s). Then the download
moves to its best remaining alternative source and starts over there. Without alternatives
it is retried with exponential backoff and jitter until `RETRY_MAX_ATTEMPTS`, then it is
dead-lettered.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import HarmonyError
from core.models import WorkerJob
from core.timefmt import iso_z
from core.workers import queue
from downloads import intake
from downloads.models import Download
from downloads.peers import rank_alternatives
from downloads.states import clip, entered, touch

logger = logging.getLogger(__name__)

QUICK_DELAYS: tuple[float, ...] = (5.0, 15.0, 30.0)
MAX_EXPONENT = 6


@dataclass(frozen=True)
class RetryPolicy:
    """The effective `RETRY_*` settings (SPEC §5.2, D3)."""

    max_attempts: int
    base_seconds: float
    jitter: float

    @classmethod
    def current(cls) -> RetryPolicy:
        jitter = min(1.0, max(0.0, config.get_float("RETRY_JITTER_PCT", 0.2)))
        return cls(
            max(1, config.get_int("RETRY_MAX_ATTEMPTS", 10)),
            float(max(1, config.get_int("RETRY_BASE_SECONDS", 60))),
            jitter,
        )

    @property
    def quick_retries(self) -> int:
        return min(len(QUICK_DELAYS), self.max_attempts)

    @property
    def max_delay(self) -> float:
        """The longest delay any retry can get; also the clamp against clock jumps (T55)."""
        exponential = self.base_seconds * 2**MAX_EXPONENT * (1 + self.jitter)
        return max(exponential, *QUICK_DELAYS)

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds before retry `attempt` (1-based) at the same peer."""
        if attempt <= self.quick_retries:
            return QUICK_DELAYS[attempt - 1]
        spread = (rng or random).uniform(1 - self.jitter, 1 + self.jitter)
        return self.base_seconds * 2 ** min(attempt, MAX_EXPONENT) * spread


def handle_failure(download_id: int, error: str, *, client: Any = None) -> str | None:
    """Record a failed attempt and decide what happens next.

    Returns `"scheduled"`, `"switched"`, `"dead_letter"`, or None when the download is no
    longer active (cancelled or finished meanwhile: nothing to do). The old transfer is then
    removed from slskd, best effort, so that a retry of the same file is not refused as
    "already in progress".
    """
    now = timezone.now()
    policy = RetryPolicy.current()
    error = clip(error)
    with transaction.atomic():
        download = (
            Download.objects.select_for_update()
            .filter(pk=download_id, status__in=Download.ACTIVE_STATUSES)
            .first()
        )
        if download is None:
            return None
        old_username, old_transfer = download.username, download.slskd_transfer_id
        attempt = download.retry_count + 1
        reset = {
            "progress": 0.0,
            "submitted_at": None,
            "submitting_at": None,
            "slskd_transfer_id": None,
            "slskd_missing_polls": 0,
            "bytes_transferred": 0,
            "last_progress_at": None,
        }
        # A stale waiting job must not submit the old attempt next to the new one.
        WorkerJob.objects.filter(download=download, state__in=WorkerJob.WAITING).update(
            state=WorkerJob.State.CANCELLED, updated_at=now
        )
        if attempt <= policy.quick_retries:
            outcome = _schedule(download, attempt, policy.delay(attempt), error, now, reset)
        elif download.alternatives:
            outcome = _switch_peer(download, attempt, error, now, reset)
        elif attempt <= policy.max_attempts:
            outcome = _schedule(download, attempt, policy.delay(attempt), error, now, reset)
        else:
            outcome = _dead_letter(download, attempt, error, now, reset)
    if old_transfer:
        _remove_transfer(client, old_username, old_transfer)
    return outcome


def _schedule(
    download: Download,
    attempt: int,
    delay: float,
    error: str,
    now: datetime,
    reset: dict[str, Any],
) -> str:
    next_retry_at = now + timedelta(seconds=delay)
    Download.objects.filter(pk=download.pk).update(
        **entered(
            Download.Status.FAILED,
            now,
            retry_count=attempt,
            last_error=error,
            next_retry_at=next_retry_at,
            **reset,
        )
    )
    record(
        ev.DOWNLOAD,
        ev.DOWNLOAD_RETRY_SCHEDULED,
        {
            "downloads": [
                {
                    "download_id": download.pk,
                    "attempt": attempt,
                    "delay_seconds": round(delay, 1),
                    "next_retry_at": iso_z(next_retry_at),
                }
            ],
            "username": download.username,
            "error": error,
        },
    )
    return "scheduled"


def _switch_peer(
    download: Download, attempt: int, error: str, now: datetime, reset: dict[str, Any]
) -> str:
    """Move the download to its best remaining alternative source and queue it at once."""
    ranked = rank_alternatives(download.alternatives)
    chosen = ranked[0]
    remaining = [alt for alt in download.alternatives if alt is not chosen]
    payload = dict(download.request_payload or {})
    previous = list(payload.get("previous_peers") or [])
    previous.append(
        {
            "username": download.username,
            "filename": download.filename,
            "size": download.size,
            "failures": attempt,
            "error": error,
        }
    )
    size = chosen.get("size") if isinstance(chosen.get("size"), int) else None
    payload.update(
        {
            "username": chosen["username"],
            "filename": chosen["filename"],
            "size": size,
            "file": {**chosen, "size": size},
            "previous_peers": previous,
        }
    )
    message = clip(
        f"switched to alternative peer {chosen['username']} after {attempt} failed attempts "
        f"at {download.username}: {error}"
    )
    Download.objects.filter(pk=download.pk).update(
        **entered(
            Download.Status.QUEUED,
            now,
            username=chosen["username"],
            filename=chosen["filename"],
            size=size,
            request_payload=payload,
            alternatives=remaining,
            retry_count=0,
            last_error=message,
            next_retry_at=None,
            **reset,
        )
    )
    download.refresh_from_db()
    intake.queue_job(download, now)
    record(
        ev.DOWNLOAD,
        ev.DOWNLOAD_RETRY_SCHEDULED,
        {
            "downloads": [
                {
                    "download_id": download.pk,
                    "attempt": attempt,
                    "delay_seconds": 0.0,
                    "next_retry_at": iso_z(now),
                }
            ],
            "username": download.username,
            "error": message,
        },
    )
    queue.nudge("sync")
    return "switched"


def _dead_letter(
    download: Download, attempt: int, error: str, now: datetime, reset: dict[str, Any]
) -> str:
    Download.objects.filter(pk=download.pk).update(
        **entered(
            Download.Status.FAILED,
            now,
            retry_count=attempt,
            last_error=error,
            next_retry_at=None,
            dead_letter=True,
            **reset,
        )
    )
    record(
        ev.DOWNLOAD,
        ev.DOWNLOAD_RETRY_FAILED,
        {
            "downloads": [{"download_id": download.pk, "attempts": attempt}],
            "username": download.username,
            "error": error,
        },
    )
    return "dead_letter"


def dead_letter_unusable(download: Download, error: str, now: datetime) -> bool:
    """Give up on a download whose payload cannot be submitted (no retry can help)."""
    updated = Download.objects.filter(pk=download.pk, dead_letter=False).update(
        **entered(
            Download.Status.FAILED,
            now,
            dead_letter=True,
            last_error=clip(error),
            next_retry_at=None,
            progress=0.0,
        )
    )
    return bool(updated)


def clamp_future_retries(policy: RetryPolicy | None = None) -> int:
    """Pull retries scheduled beyond now + the maximum backoff back to it (clock jumps, T55)."""
    policy = policy or RetryPolicy.current()
    now = timezone.now()
    limit = now + timedelta(seconds=policy.max_delay)
    return Download.objects.filter(
        status=Download.Status.FAILED, dead_letter=False, next_retry_at__gt=limit
    ).update(**touch(now, next_retry_at=limit))


def _remove_transfer(client: Any, username: str, transfer_id: str) -> None:
    """`DELETE …/transfers/downloads/{username}/{id}?remove=true`, best effort (SPEC §5.2)."""
    try:
        if client is None:
            from integrations.clients.slskd import SlskdClient

            client = SlskdClient.from_config()
        client.cancel_download(username, transfer_id, remove=True)
    except HarmonyError as exc:
        logger.info("could not remove transfer %s of %s: %s", transfer_id, username, exc)
