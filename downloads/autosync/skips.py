"""Skip records: tracks AutoSync failed to fetch, skipped for good past a threshold (SPEC §1.3, §5.8)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from downloads.autosync.wanted import skip_key
from downloads.models import AutoSyncSkippedTrack


def is_permanent(entry: dict[str, Any], threshold: int) -> bool:
    row = AutoSyncSkippedTrack.objects.filter(track_key=skip_key(entry)).first()
    return row is not None and row.failure_count >= threshold


def note_failure(entry: dict[str, Any], reason: str) -> None:
    """One more failure with this reason (upsert)."""
    with transaction.atomic():
        row, _ = AutoSyncSkippedTrack.objects.select_for_update().get_or_create(
            track_key=skip_key(entry),
            defaults={"spotify_id": entry.get("spotify_id"), "failure_reason": reason},
        )
        row.failure_count += 1
        row.failure_reason = reason
        row.last_attempt_at = timezone.now()
        row.save()


def clear(entry: dict[str, Any]) -> None:
    """The track arrived: forget its failures."""
    AutoSyncSkippedTrack.objects.filter(track_key=skip_key(entry)).delete()
