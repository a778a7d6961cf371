"""Domain errors, mapped to HTTP once in `core.api.exceptions` (STYLE §2)."""

from __future__ import annotations

from typing import Any


class HarmonyError(Exception):
    """Base class of every error Harmony maps to an HTTP answer."""

    status_code = 500

    def __init__(self, detail: Any = None) -> None:
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail}


class NotFound(HarmonyError):
    """Unknown row or resource → 404."""

    status_code = 404


class Conflict(HarmonyError):
    """The resource is in a state that forbids the action → 409."""

    status_code = 409

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, **self.extra}


class ValidationFailed(HarmonyError):
    """Bad input found by a service → 422 `{"detail": {field: [messages]}}`."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        super().__init__(errors)


class MissingCredentials(HarmonyError):
    """A needed service is not configured → 503 with the missing keys (CONTRACT §6)."""

    status_code = 503

    def __init__(self, missing: dict[str, list[str]], message: str = "Missing credentials") -> None:
        super().__init__({"message": message, "missing": missing})
        self.missing = missing
        self.message = message


class ServiceUnavailable(HarmonyError):
    """A local dependency is unavailable (beets not installed, psutil failing) → 503."""

    status_code = 503


class UpstreamError(HarmonyError):
    """An upstream is unreachable, timed out, answered 5xx or garbage → 502 naming the service."""

    status_code = 502

    def __init__(self, service: str, detail: str, *, upstream_status: int | None = None) -> None:
        super().__init__(detail)
        self.service = service
        self.upstream_status = upstream_status

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "service": self.service}


class UpstreamNotFound(NotFound):
    """The upstream answered 404 for the requested object."""


class UpstreamRateLimited(UpstreamError):
    """The upstream answered 429 and the retry budget is spent (→ 502, jobs re-schedule)."""

    def __init__(self, service: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(service, detail, upstream_status=429)
        self.retry_after = retry_after
