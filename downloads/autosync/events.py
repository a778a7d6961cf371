"""Sync events: every one carries `trigger`, `mode` and `run_id` (SPEC §5.8, §6, §11 D23)."""

from __future__ import annotations

from typing import Any

from activity import catalogue as ev
from activity.recorder import record
from downloads.models import SyncRun

SOURCES = ["spotify", "plex", "soulseek", "beets"]


def sync_event(run: SyncRun, status: str, **details: Any) -> None:
    """Record `sync/<status>` with the run's trigger."""
    record(ev.SYNC, status, {"trigger": run.trigger, **details})


def run_event(run: SyncRun, status: str, **details: Any) -> None:
    """Record a run-level `sync/<status>` (started, partial, completed) with mode/sources/run_id."""
    record(
        ev.SYNC,
        status,
        {
            "trigger": run.trigger,
            "mode": run.trigger,
            "sources": SOURCES,
            **details,
            "run_id": run.pk,
        },
    )


def track_ref(entry: dict[str, Any]) -> dict[str, Any]:
    """The "track" object of sync events: `{"title", "artist", "spotify_id"?, "priority"?}`."""
    ref = {"title": entry.get("title"), "artist": entry.get("artist")}
    if entry.get("spotify_id"):
        ref["spotify_id"] = entry["spotify_id"]
    if entry.get("priority") is not None:
        ref["priority"] = entry["priority"]
    return ref
