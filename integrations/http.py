"""The one outbound HTTP helper every upstream client is built on (SPEC §9, RELIABILITY §2.3).

Rules: a total deadline per attempt (also against bodies dripped byte by byte) and, for clients
built with `deadline=True`, one per call that every retry, backoff and `429` wait shares; a byte
cap while reading, retries with backoff only for idempotent methods, `429` with `Retry-After`
honoured and capped, no redirects for credentialed calls, and errors reduced to
`{detail, service}` without URLs or query strings (which could carry secrets).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from core.errors import UpstreamError, UpstreamNotFound, UpstreamRateLimited

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
BACKOFF: tuple[float, ...] = (0.5, 1.0, 2.0)
MAX_RETRY_AFTER = 30.0
RATE_LIMIT_ATTEMPTS = 3
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
CHUNK = 64 * 1024
# An attempt with less of the call's budget left than this could not get an answer in time, so
# it is not started (and no backoff is slept that would leave less than this for the next one).
MIN_ATTEMPT = 0.05


class UpstreamTimeout(UpstreamError):
    """The call's deadline passed; not retried, so a slow upstream costs one timeout (T31)."""


class UpstreamClientError(UpstreamError):
    """The upstream refused the request with a 4xx other than 401/403/404/429."""

    def __init__(self, service: str, status: int, detail: str) -> None:
        super().__init__(service, detail, upstream_status=status)
        self.status_code = 422 if status in (400, 422) else 409 if status == 409 else 502


@dataclass
class Response:
    """A fully read upstream response."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    reason: str = ""
    service: str = ""
    path: str = ""
    _json: Any = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The parsed body; garbage becomes a 502 naming the service (T33)."""
        if self._json is None:
            if not self.content.strip():
                return None
            try:
                self._json = json.loads(self.content)
            except (ValueError, RecursionError) as exc:
                raise UpstreamError(
                    self.service, f"{self.service}: invalid JSON from {self.path}"
                ) from exc
        return self._json


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class HttpClient:
    """A `requests.Session` for one service with Harmony's outbound rules.

    `deadline=True` makes `timeout` bound each `request()` call as a whole (T31): a user waiting
    on a proxy endpoint gets the error within the timeout however many retries were allowed.
    Without it each attempt has its own timeout, so a `Retry-After` longer than the timeout is
    still honoured (up to `MAX_RETRY_AFTER`), as background clients rely on.
    """

    sleep: Callable[[float], None] = staticmethod(time.sleep)
    # The clock the deadlines are measured on; tests replace it together with `sleep`.
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        timeout: float,
        headers: Mapping[str, str] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        session: requests.Session | None = None,
        deadline: bool = False,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.session = session or requests.Session()
        if headers:
            self.session.headers.update(headers)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        ok: tuple[int, ...] = (),
        retry: bool | None = None,
    ) -> Response:
        """Send one request (with the allowed retries) and return the read response.

        Statuses listed in `ok` are returned instead of raised (e.g. a tolerated 404).
        `timeout` (else the client's) bounds each attempt; on a client with `deadline=True` it
        bounds the whole call instead: no attempt, backoff or `429` wait starts that would end
        after it, and when the budget is spent the last error is raised (`UpstreamTimeout` if
        there was none).
        """
        method = method.upper()
        may_retry = (method in IDEMPOTENT) if retry is None else retry
        budget = self.timeout if timeout is None else float(timeout)
        ends = self.clock() + budget if self.deadline else None
        attempt, rate_limited = 0, 0
        error: UpstreamError | None = None
        while True:
            limit = budget
            if ends is not None:
                limit = ends - self.clock()
                if limit < MIN_ATTEMPT:
                    raise error or UpstreamTimeout(self.service, f"{self.service}: timeout")
            try:
                response = self._send(method, path, params, json_body, data, headers, limit)
            except UpstreamTimeout:
                raise
            except UpstreamError as exc:
                if not may_retry or attempt >= len(BACKOFF):
                    raise
                error, wait = exc, BACKOFF[attempt]
                attempt += 1
            else:
                status = response.status
                if status in ok or 200 <= status < 300:
                    return response
                if status == 429:
                    wait = _retry_after(response.headers)
                    rate_limited += 1
                    if wait is None:
                        wait = BACKOFF[min(rate_limited - 1, len(BACKOFF) - 1)]
                    error = UpstreamRateLimited(
                        self.service, f"{self.service}: rate limited (HTTP 429)", wait
                    )
                    if wait > MAX_RETRY_AFTER or rate_limited >= RATE_LIMIT_ATTEMPTS:
                        raise error
                elif status >= 500 and may_retry and attempt < len(BACKOFF):
                    error, wait = self._error(response), BACKOFF[attempt]
                    attempt += 1
                else:
                    raise self._error(response)
            if ends is not None and self.clock() + wait > ends - MIN_ATTEMPT:
                # The wait would end too late for another attempt: fail now, not after it.
                raise error
            self.sleep(wait)

    def _send(
        self,
        method: str,
        path: str,
        params: Any,
        json_body: Any,
        data: Any,
        headers: Mapping[str, str] | None,
        timeout: float | None,
    ) -> Response:
        limit = self.timeout if timeout is None else float(timeout)
        deadline = self.clock() + limit
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        try:
            raw = self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                data=data,
                headers=headers,
                timeout=(min(limit, 10.0), limit),
                allow_redirects=False,
                stream=True,
            )
        except requests.Timeout as exc:
            raise UpstreamTimeout(self.service, f"{self.service}: timeout") from exc
        except requests.RequestException as exc:
            raise UpstreamError(self.service, f"{self.service} unreachable") from exc
        try:
            content = self._read(raw, deadline)
        finally:
            raw.close()
        return Response(raw.status_code, raw.headers, content, raw.reason or "", self.service, path)

    def _read(self, raw: requests.Response, deadline: float) -> bytes:
        """Read the body under the total deadline and the byte cap (T31, T32)."""
        declared = raw.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise UpstreamError(self.service, f"{self.service}: response too large")
        chunks, size = [], 0
        try:
            for chunk in raw.iter_content(CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    raise UpstreamError(self.service, f"{self.service}: response too large")
                if self.clock() > deadline:
                    raise UpstreamTimeout(self.service, f"{self.service}: timeout")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise UpstreamError(self.service, f"{self.service}: connection broken") from exc
        return b"".join(chunks)

    def _error(self, response: Response) -> UpstreamError:
        status = response.status
        if 300 <= status < 400:
            # Credentials must not follow a redirect to another origin (T09).
            return UpstreamError(
                self.service, f"{self.service}: unexpected redirect (HTTP {status})"
            )
        if status in (401, 403):
            return UpstreamError(
                self.service,
                f"{self.service} rejected the credentials (HTTP {status})",
                upstream_status=status,
            )
        if status == 404:
            return UpstreamNotFound(f"Not found at {self.service}")
        if status >= 500:
            return UpstreamError(
                self.service, f"{self.service}: HTTP {status}", upstream_status=status
            )
        return UpstreamClientError(
            self.service, status, f"{self.service}: HTTP {status} {_message(response)}".strip()
        )


def _message(response: Response) -> str:
    """A short, safe message from an upstream error body (never the whole body)."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            error = error.get("message")
        message = error or body.get("message") or body.get("detail") or body.get("title")
        if isinstance(message, str):
            return message[:200]
    if isinstance(body, str):
        return body[:200]
    return ""
