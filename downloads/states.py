"""slskd transfer states and the field-level updates every status change shares (SPEC §1.3, §5.2).

Workers and endpoints never `save()` a whole Download: they issue conditional `update()`s of
the fields they own (RELIABILITY T57), so a priority PATCH and a progress poll cannot overwrite
each other. `update()` bypasses `auto_now`, hence `touch()` and `entered()` below.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from downloads.models import Download

# slskd state strings are flag names joined by ", " (SPEC §9.1).
QUEUED_STATES = frozenset({"Requested", "Queued", "Queued, Locally", "Queued, Remotely"})
RUNNING_STATES = frozenset({"Initializing", "InProgress"})
SUCCEEDED = "Completed, Succeeded"
CANCELLED = "Completed, Cancelled"
FAILED_STATES = frozenset(
    {"Completed, TimedOut", "Completed, Errored", "Completed, Rejected", "Completed, Aborted"}
)
KNOWN_STATES = QUEUED_STATES | RUNNING_STATES | FAILED_STATES | {SUCCEEDED, CANCELLED}

MAX_ERROR = 512


def harmony_status(slskd_state: str) -> str | None:
    """The Harmony status a non-terminal slskd state maps to; None for terminal or unknown."""
    if slskd_state in QUEUED_STATES:
        return Download.Status.QUEUED
    if slskd_state in RUNNING_STATES:
        return Download.Status.RUNNING
    return None


def clip(message: object, limit: int = MAX_ERROR) -> str:
    """An error text cut to the column size with `…` (SPEC §1.3 `last_error`)."""
    text = str(message)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def touch(now: datetime, **fields: Any) -> dict[str, Any]:
    """`fields` plus `updated_at`, which `QuerySet.update()` would not set by itself."""
    return {**fields, "updated_at": now}


def entered(status: str, now: datetime, **fields: Any) -> dict[str, Any]:
    """A status change: also stamps `state_changed_at`, shown as `seconds_in_state` in the API."""
    return touch(now, status=status, state_changed_at=now, **fields)
