"""Waking workers: the job row is the record, the broker only wakes (STYLE §5, T45–T48)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def workers_disabled() -> bool:
    """`HARMONY_DISABLE_WORKERS=1`: nothing is enqueued (rows are still persisted)."""
    return bool(settings.HARMONY_DISABLE_WORKERS)


def enqueue(func: str, *args: Any, task_name: str | None = None) -> None:
    """`async_task(func, *args)` after the surrounding transaction commits; no-op when disabled."""
    if workers_disabled():
        return

    def send() -> None:
        from django_q.tasks import async_task

        try:
            async_task(func, *args, task_name=task_name)
        except Exception:
            # The durable row stays; the dispatcher's next due cycle picks the work up.
            logger.exception("could not enqueue %s", func)

    transaction.on_commit(send)


def nudge(worker: str) -> None:
    """Run a worker's cycle soon (e.g. the sync worker after `POST /api/download`)."""
    from core.workers.registry import WORKERS

    spec = WORKERS.get(worker)
    if spec is not None:
        enqueue("core.workers.registry.run_cycle", worker, task_name=f"harmony:{worker}")
