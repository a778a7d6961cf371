"""Polling: one `GET /transfers/downloads` per cycle refreshes every submitted download
(SPEC §5.2 "Poll"), and per-state deadlines make sure none stays stuck (RELIABILITY T35).

Every write is a conditional update on (`status` active, same `submitted_at`), so a cancel or
a failure handled meanwhile is never overwritten by a stale transfer state (T57).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import UpstreamError
from core.workers import queue
from downloads import states
from downloads.failures import handle_failure
from downloads.models import Download
from downloads.states import entered, touch

logger = logging.getLogger(__name__)

MISSING_POLLS = 3
MISSING_GRACE = timedelta(seconds=30)
CORRELATION_SLACK = timedelta(seconds=60)


@dataclass(frozen=True)
class Deadlines:
    """Per-state time limits (`DOWNLOAD_*_TIMEOUT_SEC`), read once per poll."""

    queued: int
    initializing: int
    stalled: int

    @classmethod
    def current(cls) -> Deadlines:
        return cls(
            config.get_int("DOWNLOAD_QUEUED_TIMEOUT_SEC", 21600),
            config.get_int("DOWNLOAD_INIT_TIMEOUT_SEC", 300),
            config.get_int("DOWNLOAD_STALL_TIMEOUT_SEC", 600),
        )

    def exceeded(self, state: str, idle: timedelta) -> str | None:
        """The failure reason when `state` has lasted too long without progress."""
        seconds = idle.total_seconds()
        if state in states.QUEUED_STATES and seconds > self.queued:
            return f"queued too long: {state} for more than {self.queued} s"
        if state == "Initializing" and seconds > self.initializing:
            return f"stuck initializing for more than {self.initializing} s"
        if state == "InProgress" and seconds > self.stalled:
            return f"stalled: no bytes for {self.stalled} s"
        return None


def parse_slskd_time(value: Any) -> datetime | None:
    """slskd timestamps carry seven fractional digits and no offset; they are UTC."""
    if not isinstance(value, str) or not value:
        return None
    text = value.rstrip("Z")
    head, dot, fraction = text.partition(".")
    try:
        moment = datetime.fromisoformat(head + (dot + fraction[:6] if dot else ""))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(value: Any) -> float:
    """A finite, non-negative number from an upstream field (T33: garbage becomes 0)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


class TransferIndex:
    """slskd's transfers by id and by (username, filename) for correlation (SPEC §5.2)."""

    def __init__(self, transfers: list[dict[str, Any]], claimed: set[str]) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_file: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.claimed = claimed
        for transfer in transfers:
            if not isinstance(transfer, dict) or not transfer.get("id"):
                continue
            self.by_id[str(transfer["id"]).lower()] = transfer
            key = (str(transfer.get("username") or ""), str(transfer.get("filename") or ""))
            self.by_file[key].append(transfer)

    def find(self, download: Download) -> dict[str, Any] | None:
        if download.slskd_transfer_id:
            return self.by_id.get(download.slskd_transfer_id.lower())
        earliest = (download.submitted_at or timezone.now()) - CORRELATION_SLACK
        candidates = [
            (parse_slskd_time(t.get("requestedAt")), t)
            for t in self.by_file.get((download.username, download.filename), [])
            if str(t["id"]).lower() not in self.claimed
        ]
        candidates = [(at, t) for at, t in candidates if at is None or at >= earliest]
        if not candidates:
            return None
        floor = datetime.min.replace(tzinfo=UTC)
        return max(candidates, key=lambda pair: pair[0] or floor)[1]


@dataclass
class PollStats:
    seen: int = 0
    completed: int = 0
    failed: int = 0
    error: bool = False


def poll(client: Any) -> PollStats:
    """Refresh every submitted active download from one transfer list (SPEC §5.2)."""
    stats = PollStats()
    tracked = list(
        Download.objects.filter(
            status__in=Download.ACTIVE_STATUSES, submitted_at__isnull=False
        ).defer("request_payload")
    )
    if not tracked:
        return stats
    try:
        transfers = client.list_downloads()
    except UpstreamError as exc:
        # An outage changes nothing: no download fails because slskd is briefly away (T29).
        logger.warning("poll skipped, slskd unavailable: %s", exc.detail)
        stats.error = True
        return stats
    claimed = {d.slskd_transfer_id.lower() for d in tracked if d.slskd_transfer_id}
    index = TransferIndex(transfers, claimed)
    deadlines = Deadlines.current()
    for download in tracked:
        transfer = index.find(download)
        if transfer is None:
            stats.failed += _missing(download, client)
            continue
        stats.seen += 1
        outcome = _apply(download, transfer, deadlines, client)
        stats.completed += outcome == "completed"
        stats.failed += outcome == "failed"
    return stats


def _same(download: Download) -> Any:
    """The row as this poll saw it: still active and still the same submission."""
    return Download.objects.filter(
        pk=download.pk,
        status__in=Download.ACTIVE_STATUSES,
        submitted_at=download.submitted_at,
    )


def _missing(download: Download, client: Any) -> int:
    """Not in slskd's list: fail after 3 polls and 30 s (SPEC §5.2)."""
    polls = download.slskd_missing_polls + 1
    now = timezone.now()
    if polls >= MISSING_POLLS and now - download.submitted_at > MISSING_GRACE:
        handle_failure(download.pk, "transfer not found in slskd", client=client)
        return 1
    _same(download).update(**touch(now, slskd_missing_polls=polls))
    return 0


def _apply(download: Download, transfer: dict[str, Any], deadlines: Deadlines, client: Any) -> str:
    now = timezone.now()
    state = str(transfer.get("state") or "")
    received = int(_number(transfer.get("bytesTransferred")))
    fields: dict[str, Any] = {"slskd_state": state[:64], "slskd_missing_polls": 0}
    if not download.slskd_transfer_id:
        fields["slskd_transfer_id"] = str(transfer["id"])
    if state != download.slskd_state or received > download.bytes_transferred:
        fields["last_progress_at"] = now
    if received > download.bytes_transferred:
        fields["bytes_transferred"] = received
    if state == states.SUCCEEDED:
        return _completed(download, fields, now)
    if state == states.CANCELLED:
        return _cancelled_outside(download, fields, now)
    if state in states.FAILED_STATES:
        handle_failure(download.pk, str(transfer.get("exception") or state), client=client)
        return "failed"
    status = states.harmony_status(state)
    if status is None:
        logger.warning("download %s: unknown slskd state %r", download.pk, state)
        _same(download).update(**touch(now, **fields))
        return "unknown"
    fields["progress"] = round(min(100.0, _number(transfer.get("percentComplete"))), 1)
    if status != download.status:
        fields.update(entered(status, now))
    _same(download).update(**touch(now, **fields))
    since = fields.get("last_progress_at") or download.last_progress_at or download.submitted_at
    reason = deadlines.exceeded(state, now - since)
    if reason:
        handle_failure(download.pk, reason, client=client)
        return "failed"
    return status


def _completed(download: Download, fields: dict[str, Any], now: datetime) -> str:
    """`Completed, Succeeded` → completed, progress 100; the completion pipeline starts."""
    with transaction.atomic():
        updated = _same(download).update(
            **entered(
                Download.Status.COMPLETED,
                now,
                progress=100.0,
                completed_at=now,
                pipeline_status=Download.Pipeline.PENDING,
                next_retry_at=None,
                **fields,
            )
        )
        if updated:
            queue.enqueue("downloads.tasks.run_completion", download.pk)
    return "completed" if updated else "raced"


def _cancelled_outside(download: Download, fields: dict[str, Any], now: datetime) -> str:
    """`Completed, Cancelled` by someone else (slskd UI) → cancelled + event (SPEC §5.2)."""
    with transaction.atomic():
        updated = _same(download).update(
            **entered(Download.Status.CANCELLED, now, next_retry_at=None, **fields)
        )
        if updated:
            record(
                ev.DOWNLOAD,
                ev.DOWNLOAD_CANCELLED,
                {"download_id": download.pk, "filename": download.filename, "source": "slskd"},
            )
    return "cancelled" if updated else "raced"
