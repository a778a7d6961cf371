"""Retries: the manual `POST /api/download/{id}/retry` and the re-queueing of due automatic
retries by the retry scheduler and the sync cycle (SPEC §2.4, §5.3, RELIABILITY T58)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core.errors import Conflict, UpstreamError
from core.workers import heartbeat, leases, queue
from downloads import intake
from downloads.failures import QUICK_DELAYS, dead_letter_unusable
from downloads.models import Download
from downloads.services import get_download
from downloads.states import entered, touch
from integrations.clients.slskd import SlskdClient

logger = logging.getLogger(__name__)

RETRY_GUARD_TTL = 120.0
MISSING_PAYLOAD = "Download cannot be retried: original request data missing"


def _check_retryable(download: Download) -> tuple[str, str]:
    """The (username, filename) to retry with, or the 409 that explains why not."""
    if not download.can_retry():
        raise Conflict(f"Download cannot be retried in its current state ({download.status})")
    if download.superseded_by_id is not None:
        raise Conflict("Download was already retried", retry_download_id=download.superseded_by_id)
    payload = download.request_payload or {}
    username = str(payload.get("username") or download.username or "").strip()
    filename = str(payload.get("filename") or download.filename or "")
    if not username or not filename.strip():
        raise Conflict(MISSING_PAYLOAD)
    return username, filename


def retry_download(pk: Any) -> Download:
    """Start a new transfer for a failed or cancelled download as a new Download row.

    One winner among parallel requests: a per-download guard lease admits one request at a
    time, and the state-conditional update of the original (`superseded_by IS NULL`) makes
    the result final (T58). slskd is called before anything is written, so a 502 leaves the
    database untouched.
    """
    original = get_download(pk)
    _check_retryable(original)
    client = SlskdClient.from_config()
    guard, owner = f"retry:{original.pk}", f"{leases.PROCESS_OWNER}:{uuid.uuid4().hex}"
    if not leases.acquire(guard, RETRY_GUARD_TTL, owner):
        raise Conflict("Download retry already in progress")
    try:
        original.refresh_from_db()
        username, filename = _check_retryable(original)
        size = (original.request_payload or {}).get("size", original.size)
        _remove_old_transfer(client, original, username, filename)
        result = client.enqueue(
            username,
            [{"filename": filename, "size": size}],
            idempotency_key=f"retry:{original.pk}:{uuid.uuid4().hex}",
        )
        refused = next((f for f in result.failed if f.get("filename") == filename), None)
        if refused is not None:
            message = refused.get("message") or "refused"
            raise UpstreamError(SlskdClient.service, f"slskd refused the file: {message}")
        transfer = next((t for t in result.enqueued if t.get("filename") == filename), None)
        return _record_retry(original, username, filename, size, transfer)
    finally:
        leases.release(guard, owner)


def _remove_old_transfer(
    client: SlskdClient, original: Download, username: str, filename: str
) -> None:
    """Step 1: cancel and remove the original's transfer, if slskd still has one."""
    transfer_id = original.slskd_transfer_id
    if not transfer_id:
        found = client.find_download(username, filename)
        transfer_id = str(found["id"]) if found and found.get("id") else None
    if transfer_id:
        # 204 and 404 both confirm (the client tolerates the 404).
        client.cancel_download(username, transfer_id, remove=True)


def _record_retry(
    original: Download,
    username: str,
    filename: str,
    size: Any,
    transfer: dict[str, Any] | None,
) -> Download:
    now = timezone.now()
    payload = {**(original.request_payload or {}), "username": username, "filename": filename}
    payload["retry_of"] = original.pk
    with transaction.atomic():
        new = Download.objects.create(
            filename=filename,
            username=username,
            size=size if isinstance(size, int) else None,
            priority=original.priority,
            source=Download.Source.RETRY,
            request_payload=payload,
            alternatives=list(original.alternatives or []),
            retry_of=original,
            sync_run=original.sync_run,
            spotify_track_id=original.spotify_track_id,
            spotify_album_id=original.spotify_album_id,
            track_key=original.track_key,
            slskd_transfer_id=str(transfer["id"]) if transfer and transfer.get("id") else None,
            slskd_state="Requested",
            submitting_at=now,
            submitted_at=now,
            last_progress_at=now,
            state_changed_at=now,
            created_at=now,
        )
        won = Download.objects.filter(
            pk=original.pk, status__in=Download.RETRYABLE, superseded_by__isnull=True
        ).update(**touch(now, superseded_by=new, next_retry_at=None))
        if won != 1:
            # Only reachable when the guard lease expired mid-request: the first result stands.
            raise Conflict("Download was already retried")
        record(
            ev.DOWNLOAD,
            ev.DOWNLOAD_RETRIED,
            {
                "original_download_id": original.pk,
                "retry_download_id": new.pk,
                "filename": filename,
                "username": username,
            },
        )
    return new


def requeue_due(limit: int, *, quick_only: bool = False) -> int:
    """Put due automatic retries back into the sync queue (SPEC §5.3).

    Each download is claimed with a conditional update (`status=failed`, same
    `next_retry_at`), so two clusters never requeue one row; the winner gets a fresh sync job.
    `quick_only` restricts to the 5/15/30 s retries, which the sync cycle requeues itself so
    they do not wait for the retry scheduler's interval.
    """
    now = timezone.now()
    due = Download.objects.filter(
        status=Download.Status.FAILED, dead_letter=False, next_retry_at__lte=now
    )
    if quick_only:
        due = due.filter(retry_count__lte=len(QUICK_DELAYS))
    candidates = list(due.order_by("next_retry_at", "id")[:limit])
    requeued = 0
    for download in candidates:
        if _requeue_one(download, now):
            requeued += 1
    if requeued:
        heartbeat.count("retry", "requeued_total", requeued)
        queue.nudge("sync")
    return requeued


def _requeue_one(download: Download, now: Any) -> bool:
    payload = download.request_payload or {}
    with transaction.atomic():
        if not payload.get("username") or not payload.get("filename"):
            if dead_letter_unusable(download, "missing request payload for retry", now):
                record(
                    ev.DOWNLOAD,
                    ev.DOWNLOAD_RETRY_FAILED,
                    {
                        "downloads": [
                            {"download_id": download.pk, "attempts": download.retry_count}
                        ],
                        "username": download.username,
                        "error": "missing request payload for retry",
                    },
                )
            return False
        claimed = Download.objects.filter(
            pk=download.pk,
            status=Download.Status.FAILED,
            dead_letter=False,
            next_retry_at=download.next_retry_at,
        ).update(**entered(Download.Status.QUEUED, now, next_retry_at=None, progress=0.0))
        if claimed != 1:
            return False  # another cluster (or a manual retry) got there first
        download.refresh_from_db()
        intake.queue_job(download, now)
    return True
