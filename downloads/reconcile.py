"""Reconciliation: settle reservations whose submission died, and re-queue expired claims
(RELIABILITY T44, T45, T52, §2.2).

A reservation (`Download.submitting_at` without `submitted_at`) means slskd may or may not
have the file. Only slskd's transfer list can tell: an existing transfer is adopted, never
enqueued a second time; a missing one releases the reservation so the job is submitted anew.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.errors import UpstreamError
from core.models import WorkerJob
from downloads.models import Download
from downloads.states import touch

logger = logging.getLogger(__name__)

RECONCILE_BATCH = 100


def transfer_fields(transfer: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "submitted_at": now,
        "slskd_transfer_id": str(transfer["id"]) if transfer.get("id") else None,
        "slskd_state": str(transfer.get("state") or "Requested")[:64],
        "slskd_missing_polls": 0,
        "last_error": None,
        "last_progress_at": now,
    }


def adopt(download: Download, transfer: dict[str, Any]) -> bool:
    """Take over a transfer slskd already has for a reserved download (T44: never re-enqueue)."""
    now = timezone.now()
    with transaction.atomic():
        adopted = Download.objects.filter(
            pk=download.pk, status=Download.Status.QUEUED, submitted_at__isnull=True
        ).update(**touch(now, **transfer_fields(transfer, now)))
        WorkerJob.objects.filter(
            download=download, state__in=(*WorkerJob.WAITING, WorkerJob.State.RUNNING)
        ).update(**touch(now, state=WorkerJob.State.COMPLETED, lease_until=None))
    if adopted:
        logger.info("download %s: adopted slskd transfer %s", download.pk, transfer.get("id"))
    return bool(adopted)


def reconcile_reservations(client: Any) -> int:
    """Adopt or release reservations whose submission is no longer running (T44).

    Runs at the start of every sync cycle, so also right after a restart. A reserved download
    whose file slskd has gets the transfer (never a second enqueue); one that slskd does not
    have is released and its job made claimable again.
    """
    now = timezone.now()
    live = WorkerJob.objects.filter(
        download=OuterRef("pk"), state=WorkerJob.State.RUNNING, lease_until__gt=now
    )
    reserved = (
        Download.objects.filter(
            status=Download.Status.QUEUED,
            submitting_at__isnull=False,
            submitted_at__isnull=True,
        )
        .exclude(Exists(live))
        .order_by("submitting_at", "id")[:RECONCILE_BATCH]
    )
    settled = 0
    for download in reserved:
        payload = download.request_payload or {}
        username = str(payload.get("username") or download.username)
        filename = str(payload.get("filename") or download.filename)
        try:
            transfer = client.find_download(username, filename, since=download.submitting_at)
        except UpstreamError as exc:
            logger.info("reconciliation postponed, slskd unavailable: %s", exc.detail)
            break
        if transfer:
            settled += adopt(download, transfer)
            continue
        with transaction.atomic():
            released = Download.objects.filter(
                pk=download.pk, submitting_at=download.submitting_at, submitted_at__isnull=True
            ).update(**touch(timezone.now(), submitting_at=None))
            # The dead claim's job goes back to the queue; it is submitted normally.
            WorkerJob.objects.filter(
                download=download, state=WorkerJob.State.RUNNING, lease_until__lte=now
            ).update(**touch(now, state=WorkerJob.State.QUEUED, claimed_by=None, lease_until=None))
        settled += released
    return settled


def recover_expired_claims() -> int:
    """Re-queue sync jobs whose claim expired before they reserved anything (T45, T52).

    Jobs of reserved downloads are left to `reconcile_reservations`, which must ask slskd
    first.
    """
    now = timezone.now()
    reserved = Download.objects.filter(
        pk=OuterRef("download_id"), submitting_at__isnull=False, submitted_at__isnull=True
    )
    return (
        WorkerJob.objects.filter(
            worker=WorkerJob.Worker.SYNC, state=WorkerJob.State.RUNNING, lease_until__lte=now
        )
        .exclude(Exists(reserved))
        .update(**touch(now, state=WorkerJob.State.QUEUED, claimed_by=None, lease_until=None))
    )
