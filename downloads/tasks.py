"""django-q2 entry points of the downloads app (SPEC §5.0, §5.2–§5.4).

Plain functions, safe to run twice; the dispatcher calls the cycles under their
`cycle:<worker>` lease, tests call them directly.
"""

from __future__ import annotations

import logging
from typing import Any

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.workers import heartbeat
from downloads import pipeline
from downloads.failures import clamp_future_retries
from downloads.models import Download
from downloads.polling import poll
from downloads.reconcile import reconcile_reservations, recover_expired_claims
from downloads.retry import requeue_due
from downloads.submission import dispatch
from integrations.clients.slskd import SlskdClient

logger = logging.getLogger(__name__)


def run_sync_cycle() -> dict[str, Any]:
    """One sync cycle: reconcile reservations, requeue quick retries, dispatch queued jobs,
    poll slskd once, write metrics (SPEC §5.2). Without Soulseek credentials it only beats."""
    if config.missing_for("soulseek"):
        heartbeat.beat("sync")
        return {"blocked": True}
    client = SlskdClient.from_config()
    recover_expired_claims()
    reconciled = reconcile_reservations(client)
    requeued = requeue_due(config.get_int("RETRY_SCAN_BATCH_LIMIT", 100), quick_only=True)
    stats = dispatch(client, config.get_int("sync_worker_concurrency", 1))
    if stats.submitted:
        heartbeat.count("sync", "jobs_completed", stats.submitted)
    if stats.failed:
        heartbeat.count("sync", "jobs_failed", stats.failed)
    if stats.retried:
        record(ev.DOWNLOAD, ev.DOWNLOAD_RETRY_COMPLETED, {"downloads": stats.retried})
    polled = poll(client)
    active = Download.objects.active().count()
    heartbeat.metric("sync", "active_downloads", active)
    return {
        "reconciled": reconciled,
        "requeued": requeued,
        "submitted": stats.submitted,
        "failed": stats.failed + polled.failed,
        "completed": polled.completed,
        "active": active,
    }


def run_retry_cycle() -> dict[str, Any]:
    """The retry scheduler (SPEC §5.3): clamp retries pushed far out by a clock jump (T55),
    requeue due retries, and recover completion pipelines that got stuck or lost."""
    clamped = clamp_future_retries()
    requeued = requeue_due(config.get_int("RETRY_SCAN_BATCH_LIMIT", 100))
    recovered = pipeline.recover_pipelines()
    return {"clamped": clamped, "requeued": requeued, "pipelines_recovered": recovered}


def run_completion(download_id: int) -> str | None:
    """One-off task: the completion pipeline of one download (SPEC §5.4)."""
    return pipeline.run_completion(download_id)
