"""Activity filters shared by the API, the export and the page (SPEC §2.5)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Sum

from activity.models import ActivityCount, ActivityEvent, ActivityEventQuerySet
from core.timefmt import iso_z


def filtered(params: dict[str, Any]) -> ActivityEventQuerySet:
    """Events matching `type`, `status`, `from`, `to` (exact / inclusive), newest first."""
    queryset = ActivityEvent.objects.all()
    if params.get("type"):
        queryset = queryset.filter(type=params["type"])
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("from"):
        queryset = queryset.filter(timestamp__gte=params["from"])
    if params.get("to"):
        queryset = queryset.filter(timestamp__lte=params["to"])
    return queryset.newest_first()


def as_item(event: ActivityEvent) -> dict[str, Any]:
    """The item shape: exactly timestamp, type, status, details."""
    return {
        "timestamp": iso_z(event.timestamp),
        "type": event.type,
        "status": event.status,
        "details": event.details or {},
    }


def csv_cells(event: ActivityEvent) -> list[Any]:
    details = json.dumps(event.details or {}, ensure_ascii=False, separators=(",", ":"))
    return [event.pk, iso_z(event.timestamp), event.type, event.status, details]


def total_count(params: dict[str, Any]) -> int:
    """Rows matching `type`/`status`, from the counters (exact: events are append-only)."""
    counters = ActivityCount.objects.all()
    if params.get("type"):
        counters = counters.filter(type=params["type"])
    if params.get("status"):
        counters = counters.filter(status=params["status"])
    return counters.aggregate(total=Sum("count"))["total"] or 0
