"""Timestamp formatting and parsing for JSON/CSV (SPEC §0.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.utils.dateparse import parse_date, parse_datetime


def iso_z(value: datetime | None) -> str | None:
    """ISO 8601 UTC with second precision and a `Z` suffix, e.g. `2025-03-18T12:15:00Z`."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_offset(value: datetime) -> str:
    """ISO 8601 with `+00:00`, the heartbeat format of `/status` (SPEC §0.2)."""
    return value.astimezone(UTC).isoformat()


def parse_bound(text: str, *, end: bool) -> datetime | None:
    """Parse an ISO date or datetime filter bound (naive = UTC). A date `to` covers the whole day."""
    text = text.strip()
    if not text:
        return None
    try:
        day: date | None = parse_date(text)
    except ValueError:
        day = None
    if day is not None:
        parsed = datetime.combine(day, time.max if end else time.min)
    else:
        try:
            # A `+` in a query string arrives as a space: "12:00:00 01:00" means "+01:00".
            parsed = parse_datetime(text.replace(" ", "+") if "T" in text else text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
