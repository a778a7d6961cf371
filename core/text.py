"""Text hygiene for values from clients and peers (RELIABILITY T11, T33)."""

from __future__ import annotations

from typing import Any


def strip_nul(value: Any) -> Any:
    """Remove NUL characters from every string in a JSON-like value.

    PostgreSQL cannot store U+0000 in text or jsonb; a peer's file name or tag with one would
    otherwise fail the whole write.
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {strip_nul(key): strip_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [strip_nul(item) for item in value]
    return value


def contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False
