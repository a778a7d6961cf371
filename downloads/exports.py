"""`GET /api/downloads/export` bodies, streamed in constant memory (SPEC §2.4, T16, T18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from core import exports
from core.timefmt import iso_z
from downloads.api.serializers import serialize
from downloads.models import Download

CSV_HEADER = ["id", "filename", "status", "progress", "username", "created_at", "updated_at"]
FILENAME_COLUMN = 1  # always quoted (SPEC §2.4)
BATCH = 500


def csv_cells(download: Download) -> list[Any]:
    return [
        download.pk,
        download.filename,
        download.status,
        round(float(download.progress or 0.0), 1),
        download.username,
        iso_z(download.created_at),
        iso_z(download.updated_at),
    ]


def _json_items(rows: Iterator[Download]) -> Iterator[dict[str, Any]]:
    """Download JSON objects, rendered in batches that share one `now`."""
    batch: list[Download] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield from serialize(batch)
            batch = []
    if batch:
        yield from serialize(batch)


def stream(queryset: QuerySet, fmt: str) -> Iterator[str]:
    """The export body for `fmt` (`csv` or `json`), rows fetched in chunks."""
    if fmt == "csv":
        rows = exports.iterate(queryset.only(*_CSV_FIELDS))
        return exports.csv_rows(CSV_HEADER, rows, csv_cells, always_quote=[FILENAME_COLUMN])
    rows = exports.iterate(queryset.defer("request_payload"))
    return exports.json_array(_json_items(rows))


_CSV_FIELDS = ("id", "filename", "status", "progress", "username", "created_at", "updated_at")
