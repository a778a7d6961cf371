"""Streaming CSV/JSON exports in constant memory (SPEC §2.4–§2.5, T16, T18)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: cells starting with = + - @ TAB CR get a `'` (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer streaming."""

    def write(self, value: str) -> str:
        return value


def csv_rows(
    header: list[str],
    rows: Iterable[Any],
    to_cells: Callable[[Any], list[Any]],
    always_quote: Iterable[int] = (),
) -> Iterator[str]:
    """Yield the CSV text line by line; columns in `always_quote` are quoted even when plain."""
    quoted = set(always_quote)
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(header)
    for row in rows:
        cells = [safe_cell(cell) for cell in to_cells(row)]
        line = writer.writerow(cells)
        if quoted:
            line = _quote_columns(cells, quoted, writer)
        yield line


def _quote_columns(cells: list[Any], quoted: set[int], writer: Any) -> str:
    parts = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell)
        if index in quoted:
            parts.append('"' + text.replace('"', '""') + '"')
        else:
            parts.append(writer.writerow([cell]).rstrip("\n"))
    return ",".join(parts) + "\n"


def json_array(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield a JSON array one element at a time."""
    yield "["
    first = True
    for item in items:
        yield ("" if first else ",") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "]"


def iterate(queryset: QuerySet) -> Iterator[Any]:
    """Rows in chunks from a server-side cursor where the database has one."""
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def attachment(stream: Iterable[str], *, basename: str, fmt: str) -> StreamingHttpResponse:
    """A streamed attachment named `<basename>_YYYY-MM-DD.<fmt>` (UTC date; built by Harmony only)."""
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(stream, content_type=content_type)
    day = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{basename}_{day}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
