"""Querying the sources concurrently, each bounded by the search timeout (SPEC §3.2 step 2).

All sources start at once in a small thread pool and share one deadline, `SEARCH_TIMEOUT_MS`
after the start: the request waits at most that long, whatever the upstreams do. A source
still running then counts as `timeout`; its thread is abandoned (its own client timeouts end
it) and its late answer is ignored. Worker threads close their database connections.

Errors per source: missing credentials → `not_configured`; the deadline or an upstream
timeout → `timeout`; anything else → `unavailable`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.db import connections

from core.errors import HarmonyError, MissingCredentials, UpstreamError
from matching.search.candidates import Candidate
from matching.search.request import SearchRequest
from matching.search.sources import SOURCE_CLASSES, Source

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "not_configured"
TIMEOUT = "timeout"
UNAVAILABLE = "unavailable"


@dataclass
class SourceResult:
    """What one source returned, or why it failed (`error` code and a human `message`)."""

    source: str
    candidates: list[Candidate] = field(default_factory=list)
    error: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _prepare(name: str) -> Source:
    """Build a source's client in the request thread (reads settings, may raise)."""
    return SOURCE_CLASSES[name]()


def _in_thread(source: Source, request: SearchRequest, deadline: float) -> list[Candidate]:
    try:
        return source.fetch(request, max(0.0, deadline - time.monotonic()))
    finally:
        connections.close_all()  # this thread's own connections only


def _failure(name: str, exc: BaseException) -> SourceResult:
    if isinstance(exc, MissingCredentials):
        keys = ", ".join(key for keys in exc.missing.values() for key in keys)
        return SourceResult(name, error=NOT_CONFIGURED, message=f"{name} not configured ({keys})")
    if isinstance(exc, UpstreamError) and "timeout" in str(exc.detail).lower():
        return SourceResult(name, error=TIMEOUT, message=str(exc.detail))
    if isinstance(exc, HarmonyError):
        return SourceResult(name, error=UNAVAILABLE, message=str(exc.detail))
    logger.error("search source %s failed", name, exc_info=exc)
    return SourceResult(name, error=UNAVAILABLE, message=f"{name}: {type(exc).__name__}")


def gather(
    request: SearchRequest,
    timeout_ms: int,
    prepare: Callable[[str], Source] = _prepare,
) -> dict[str, SourceResult]:
    """Results of every requested source, keyed by name, after at most `timeout_ms`."""
    started = time.monotonic()
    deadline = started + timeout_ms / 1000
    results: dict[str, SourceResult] = {}
    prepared: dict[str, Source] = {}
    for name in request.sources:
        try:
            prepared[name] = prepare(name)
        except Exception as exc:
            results[name] = _failure(name, exc)
    if prepared:
        pool = ThreadPoolExecutor(max_workers=len(prepared), thread_name_prefix="harmony-search")
        futures: Mapping[Future[list[Candidate]], str] = {
            pool.submit(_in_thread, source, request, deadline): name
            for name, source in prepared.items()
        }
        done, _pending = wait(futures, timeout=max(0.0, deadline - time.monotonic()))
        # Never wait for a source past the deadline: late threads finish on their own.
        pool.shutdown(wait=False, cancel_futures=True)
        for future, name in futures.items():
            if future not in done:
                message = f"{name}: no answer within {timeout_ms} ms"
                results[name] = SourceResult(name, error=TIMEOUT, message=message)
            elif (error := future.exception()) is not None:
                results[name] = _failure(name, error)
            else:
                results[name] = SourceResult(name, candidates=future.result())
    return {name: results[name] for name in request.sources}
