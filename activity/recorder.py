"""The one function that records an activity event (SPEC §1.4)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from activity.catalogue import CATALOGUE
from activity.models import ActivityCount, ActivityEvent
from core.timefmt import iso_z

logger = logging.getLogger(__name__)


def json_safe(value: Any) -> Any:
    """Datetimes → ISO `Z`, sets → sorted lists, other objects → `str` (SPEC §1.4)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((json_safe(item) for item in value), key=str)
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return str(value)


def record(type_: str, status: str, details: dict[str, Any] | None = None) -> ActivityEvent | None:
    """Store one event. Never raises into the caller: a failed write is logged and dropped."""
    if status not in CATALOGUE.get(type_, ()):
        logger.warning("activity event %s/%s is not in the catalogue", type_, status)
    try:
        # A savepoint keeps a failed insert from breaking the caller's transaction.
        with transaction.atomic():
            event = ActivityEvent.objects.create(
                type=type_, status=status, details=json_safe(details or {})
            )
            bump_count(type_, status, 1)
            return event
    except Exception:
        logger.exception("could not record activity event %s/%s", type_, status)
        return None


def bump_count(type_: str, status: str, by: int) -> None:
    """Add to the (type, status) counter, creating it on first use."""
    updated = ActivityCount.objects.filter(type=type_, status=status).update(count=F("count") + by)
    if not updated:
        _, created = ActivityCount.objects.get_or_create(
            type=type_, status=status, defaults={"count": by}
        )
        if not created:
            ActivityCount.objects.filter(type=type_, status=status).update(count=F("count") + by)


def rebuild_counts() -> None:
    """Recount from the events table (after bulk imports that bypassed `record()`)."""
    from django.db.models import Count

    with transaction.atomic():
        ActivityCount.objects.all().delete()
        rows = ActivityEvent.objects.values("type", "status").annotate(n=Count("id"))
        ActivityCount.objects.bulk_create(
            ActivityCount(type=r["type"], status=r["status"], count=r["n"]) for r in rows
        )
