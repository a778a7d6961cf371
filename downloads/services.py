"""Every state change a client asks for: queue, re-prioritise, cancel (SPEC §2.4, §2.8).

`/api/download*` and `/soulseek/download*` call these same functions (STYLE §2). Manual retry
lives in `downloads.retry`, automatic failure handling in `downloads.failures`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import (
    Conflict,
    MissingCredentials,
    NotFound,
    UpstreamError,
)
from core.models import WorkerJob
from core.text import strip_nul
from core.workers import queue
from downloads import intake
from downloads.models import Download, SyncRun
from downloads.states import entered, touch
from integrations.clients.slskd import SlskdClient

logger = logging.getLogger(__name__)

MAX_PK = 2**63 - 1
GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def get_download(pk: Any) -> Download:
    """The download with id `pk`; non-numeric, negative or out-of-range ids are 404 too."""
    text = str(pk)
    if not text.isascii() or not text.isdigit() or int(text) > MAX_PK:
        raise NotFound("Download not found")
    try:
        return Download.objects.get(pk=int(text))
    except Download.DoesNotExist:
        raise NotFound("Download not found") from None


def require_soulseek(username: str | None = None) -> None:
    """503 + `download/download_blocked` when Soulseek credentials are missing (SPEC §2.4)."""
    missing = config.missing_for("soulseek")
    if missing:
        details: dict[str, Any] = {"missing": missing}
        if username is not None:
            details["username"] = username
        record(ev.DOWNLOAD, ev.DOWNLOAD_BLOCKED, details)
        raise MissingCredentials(missing, "Download blocked")


def create_downloads(
    username: str,
    files: list[intake.FileRequest],
    *,
    priority: int | None = None,
    source: str = Download.Source.API,
    request: dict[str, Any] | None = None,
    sync_run: SyncRun | None = None,
) -> list[Download]:
    """Persist one queued Download + one sync WorkerJob per file, and the `download/queued`
    event, in one transaction; the sync worker is nudged after commit (SPEC §2.4, T48).

    Callers check credentials first (`require_soulseek`); AutoSync and the watchlist call this
    directly with metadata and ranked `alternatives`.
    """
    now = timezone.now()
    created: list[Download] = []
    with transaction.atomic():
        for file in files:
            file_priority = intake.effective_priority(file, priority, request or {})
            payload = intake.request_payload(username, file, file_priority)
            download = Download.objects.create(
                filename=file.filename,
                username=username,
                size=file.size,
                priority=file_priority,
                source=source,
                request_payload=payload,
                alternatives=strip_nul(intake.clean_alternatives(file.alternatives)),
                sync_run=sync_run,
                state_changed_at=now,
                created_at=now,
                **intake.column_values(file.metadata),
            )
            intake.queue_job(download, now)
            created.append(download)
        record(
            ev.DOWNLOAD,
            ev.QUEUED,
            {"download_ids": [d.pk for d in created], "username": username},
        )
        queue.nudge("sync")
    return created


def set_priority(pk: Any, priority: int) -> Download:
    """Set the priority of a download, its payload and its waiting jobs (SPEC §2.4).

    Waiting jobs (`queued`, `retrying`) get the new priority in the row and in the payload, so
    the next claim uses it; a `retrying` job keeps its `scheduled_at` (no bypassing backoff).
    """
    download = get_download(pk)
    now = timezone.now()
    with transaction.atomic():
        # Locked so a concurrent peer switch (which rewrites the payload) is not lost (T57).
        download = Download.objects.select_for_update().get(pk=download.pk)
        payload = dict(download.request_payload or {})
        payload["priority"] = priority
        Download.objects.filter(pk=download.pk).update(
            **touch(now, priority=priority, request_payload=payload)
        )
        jobs = WorkerJob.objects.select_for_update().filter(download=download)
        for job in jobs:
            if job.state not in WorkerJob.WAITING:
                logger.info("priority of job %s (%s) left alone", job.pk, job.state)
                continue
            job_payload = dict(job.payload or {})
            job_payload["priority"] = priority
            job_payload["files"] = [
                {**item, "priority": priority} if isinstance(item, dict) else item
                for item in job_payload.get("files") or []
            ]
            WorkerJob.objects.filter(pk=job.pk, state__in=WorkerJob.WAITING).update(
                priority=priority, payload=job_payload, updated_at=now
            )
    download.refresh_from_db()
    return download


def cancel_download(pk: Any, *, source: str = "api") -> Download:
    """Cancel a queued or running download (SPEC §2.4, D7).

    Not yet at slskd: its waiting jobs are cancelled locally. Submitted (or possibly submitted,
    after a crash mid-submission): slskd must confirm first; a 502 leaves the DB untouched.
    """
    download = get_download(pk)
    if not download.can_cancel():
        raise Conflict("Download cannot be cancelled in its current state")
    if download.submitted_at is None:
        if _submission_in_flight(download):
            raise Conflict("Download is being submitted; try again")
        if download.submitting_at is None:
            return _mark_cancelled(download, source, submitted=False)
    # Submitted, or reserved by a submission that died: only slskd knows whether it has it.
    client = SlskdClient.from_config()
    transfer_id = download.slskd_transfer_id or _lookup_transfer_id(client, download)
    if transfer_id:
        try:
            # 204 and 404 both confirm: a transfer slskd no longer knows is stopped.
            client.cancel_download(download.username, transfer_id)
        except UpstreamError as exc:
            raise _cancel_failed() from exc
    return _mark_cancelled(download, source, submitted=True)


def _cancel_failed() -> UpstreamError:
    return UpstreamError(SlskdClient.service, "Failed to cancel download via slskd")


def _submission_in_flight(download: Download) -> bool:
    """A sync job of the download is running under a live claim."""
    now = timezone.now()
    return (
        download.jobs.filter(state=WorkerJob.State.RUNNING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__gt=now))
        .exists()
    )


def _lookup_transfer_id(client: SlskdClient, download: Download) -> str | None:
    """The transfer of a submitted download whose GUID Harmony has not learnt yet (SPEC §5.2)."""
    # The client allows a minute of clock slack before `since` (SPEC §5.2).
    since = download.submitted_at or download.submitting_at
    try:
        transfer = client.find_download(download.username, download.filename, since=since)
    except UpstreamError as exc:
        raise _cancel_failed() from exc
    return str(transfer["id"]) if transfer and transfer.get("id") else None


def _mark_cancelled(download: Download, source: str, *, submitted: bool) -> Download:
    """Conditional updates decide against a racing claim, poll or second cancel (T57, T58)."""
    now = timezone.now()
    with transaction.atomic():
        rows = Download.objects.filter(pk=download.pk, status__in=Download.CANCELLABLE)
        if not submitted:
            # A claim that reserved the download in the meantime wins: slskd may have it now.
            rows = rows.filter(submitted_at__isnull=True, submitting_at__isnull=True)
        updated = rows.update(**entered(Download.Status.CANCELLED, now, next_retry_at=None))
        if updated != 1:
            if (
                not submitted
                and Download.objects.filter(
                    pk=download.pk, status__in=Download.CANCELLABLE
                ).exists()
            ):
                raise Conflict("Download is being submitted; try again")
            raise Conflict("Download cannot be cancelled in its current state")
        WorkerJob.objects.filter(download=download, state__in=WorkerJob.WAITING).update(
            state=WorkerJob.State.CANCELLED, updated_at=now
        )
        record(
            ev.DOWNLOAD,
            ev.DOWNLOAD_CANCELLED,
            {"download_id": download.pk, "filename": download.filename, "source": source},
        )
    download.refresh_from_db()
    return download


def cancel_by_reference(reference: str) -> None:
    """`DELETE /soulseek/download/{id}`: a Harmony id, or a slskd transfer GUID (SPEC §2.8).

    A GUID that belongs to a Harmony download cancels that download; a GUID without one is
    only cancelled at slskd (its username found via the transfer list).
    """
    if not GUID_RE.match(reference):
        cancel_download(reference)
        return
    transfer_id = reference.lower()
    owned = Download.objects.filter(slskd_transfer_id__iexact=transfer_id).first()
    if owned is not None:
        cancel_download(owned.pk)
        return
    client = SlskdClient.from_config()
    try:
        transfers = client.list_downloads(include_removed=True)
    except UpstreamError as exc:
        raise _cancel_failed() from exc
    match = next((t for t in transfers if str(t.get("id", "")).lower() == transfer_id), None)
    if match is None:
        raise NotFound("Download not found")
    try:
        client.cancel_download(str(match["username"]), str(match["id"]))
    except UpstreamError as exc:
        raise _cancel_failed() from exc
