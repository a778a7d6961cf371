"""`POST /api/search` end to end: events, fan-out, filters, ranking, answer (SPEC §3.2, §3.3)."""

from __future__ import annotations

from typing import Any

from activity import catalogue as ev
from activity.recorder import record
from core import config
from core.errors import HarmonyError
from matching.search.fanout import SourceResult, gather
from matching.search.ranking import keep, page, rank
from matching.search.request import SearchRequest

DEFAULT_TIMEOUT_MS = 8000


class AllSourcesFailed(HarmonyError):
    """Every requested source failed → 503 with the body at top level (SPEC §3.3, D11)."""

    status_code = 503

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("All search sources failed")
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {
            "ok": False,
            "code": "DEPENDENCY_ERROR",
            "message": "All search sources failed",
            "errors": self.errors,
        }


def run_search(request: SearchRequest) -> dict[str, Any]:
    """Search every requested source and answer `{"ok", "total", "limit", "offset", "items"}`.

    Raises `AllSourcesFailed` when no source answered. Records `search/search_started`, then
    `search/search_completed` (some source answered) and/or `search/search_failed` (some
    source failed).
    """
    sources = sorted(request.sources)
    started: dict[str, Any] = {"query": request.query, "sources": sources, "type": request.type}
    if filters := request.filters():
        started["filters"] = filters
    record(ev.SEARCH, ev.SEARCH_STARTED, started)

    timeout_ms = max(1, config.get_int("SEARCH_TIMEOUT_MS", DEFAULT_TIMEOUT_MS))
    results = gather(request, timeout_ms)
    kept = {name: [c for c in r.candidates if keep(c, request)] for name, r in results.items()}
    failed = [r for r in results.values() if not r.ok]
    _record_outcome(request, sources, results, kept, failed)
    if len(failed) == len(results):
        raise AllSourcesFailed({r.source: r.error or "unavailable" for r in failed})

    ranked = rank((c for name in request.sources for c in kept[name]), request)
    return {
        "ok": not failed,
        "total": len(ranked),
        "limit": request.limit,
        "offset": request.offset,
        "items": page(ranked, request),
    }


def _record_outcome(
    request: SearchRequest,
    sources: list[str],
    results: dict[str, SourceResult],
    kept: dict[str, list[Any]],
    failed: list[SourceResult],
) -> None:
    if len(failed) < len(results):
        matches = {name: len(kept[name]) if results[name].ok else 0 for name in sources}
        record(
            ev.SEARCH,
            ev.SEARCH_COMPLETED,
            {"query": request.query, "sources": sources, "matches": matches},
        )
    if failed:
        errors = [{"source": r.source, "message": r.message or r.error} for r in failed]
        record(
            ev.SEARCH,
            ev.SEARCH_FAILED,
            {"query": request.query, "sources": sources, "errors": errors},
        )
