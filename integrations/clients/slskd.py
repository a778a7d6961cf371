"""slskd REST API v0 client (SPEC §9.1; RELIABILITY T25, T26, T30, T33, T37, T44).

Built on `integrations.http.HttpClient` (deadlines, byte cap, retries of idempotent calls,
`429` + `Retry-After`, no redirects). On top of it:

* user names and ids travel as single, fully encoded path segments (T25);
* creates and enqueues (`POST /searches`, enqueue) hold the cross-process `slskd-write` lease,
  so at most one is in flight at slskd, which answers `429` to concurrent ones (T30);
* enqueue with an idempotency key never enqueues twice (T37, T44): `slskd_enqueue`;
* every search goes through the shared search budget (`integrations.search_budget`);
* payloads are validated here (T33): wrong types are dropped or defaulted, unknown transfer
  states are kept as strings, a listing that is not a list is a 502 (`slskd_payloads`).

Tests shrink `POLL_INTERVAL`, `STOP_GRACE` and `WRITE_LEASE_POLL` here; the code that reads them
therefore stays in this module.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import DatabaseError, OperationalError
from django.utils import timezone

from core import config
from core.errors import (
    HarmonyError,
    MissingCredentials,
    UpstreamError,
    UpstreamNotFound,
    UpstreamRateLimited,
)
from core.workers import leases
from integrations import http, search_budget
from integrations.clients.slskd_enqueue import (
    NOT_ENQUEUED,
    NOT_IN_BATCH,
    EnqueueMixin,
    EnqueueResult,
    _batchless,
    batch_id_for,
    segment,
)
from integrations.clients.slskd_payloads import (
    as_dict,
    as_list,
    flatten_transfers,
    normalise_transfer,
    requested_at,
    search_responses,
    search_state,
)
from integrations.http import HttpClient, Response, UpstreamClientError
from integrations.models import SoulseekSearch

logger = logging.getLogger("harmony.integrations.slskd")

SERVICE = "soulseek"
# Seconds between polls of a running search (SPEC §9.1); tests shrink it.
POLL_INTERVAL = 0.5
# After stopping a search at the deadline, how long slskd gets to store its responses.
STOP_GRACE = 2.0
WRITE_LEASE = "slskd-write"
WRITE_LEASE_POLL = 0.05
SEARCH_OPTIONS = {"filterResponses": True, "responseLimit": 100, "fileLimit": 10000}
# A transfer requested up to this long before the submission still counts as ours (SPEC §5.2).
FIND_SLACK = timedelta(seconds=60)
EPOCH = datetime.min.replace(tzinfo=UTC)

# Importers of this module use these names (tests clear `_batchless` between runs).
__all__ = [
    "NOT_ENQUEUED",
    "NOT_IN_BATCH",
    "EnqueueResult",
    "SearchResult",
    "SlskdClient",
    "_batchless",
    "batch_id_for",
    "segment",
]


@dataclass
class SearchResult:
    """A finished (or stopped) search and its peer responses."""

    search_id: str
    state: str
    is_complete: bool
    responses: list[dict[str, Any]]


class SlskdClient(EnqueueMixin):
    """slskd REST API v0 under `{SLSKD_URL}/api/v0` (SPEC §9.1); `enqueue()` is `EnqueueMixin`'s."""

    service = SERVICE

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.strip().rstrip("/")
        self.timeout = float(timeout)
        headers = {"Accept": "application/json"}
        if api_key:
            headers["X-API-Key"] = api_key
        self.http = HttpClient(SERVICE, self.base_url + "/api/v0", timeout=timeout, headers=headers)

    @classmethod
    def from_config(cls) -> SlskdClient:
        """Read the effective settings now; raises MissingCredentials (→ 503) without a URL."""
        values = config.get_many(["SLSKD_URL", "SLSKD_API_KEY"])
        url = (values["SLSKD_URL"] or "").strip()
        if not url:
            raise MissingCredentials({SERVICE: ["SLSKD_URL"]}, "Soulseek is not configured")
        timeout = config.get_float("UPSTREAM_TIMEOUT_SEC", 10.0)
        return cls(url, values["SLSKD_API_KEY"], timeout)

    # Plumbing

    def _call(self, method: str, path: str, **kwargs: Any) -> Response:
        try:
            return self.http.request(method, path, **kwargs)
        except UpstreamClientError as exc:
            # A 4xx from slskd is about slskd's state or our request, never the caller's input.
            raise UpstreamError(
                SERVICE, str(exc.detail), upstream_status=exc.upstream_status
            ) from exc
        except UpstreamError as exc:
            if exc.upstream_status not in (401, 403):
                raise
            # Name the credential to fix (SPEC §2.0); the key itself is never echoed.
            detail = f"soulseek rejected SLSKD_API_KEY (HTTP {exc.upstream_status})"
            raise UpstreamError(SERVICE, detail, upstream_status=exc.upstream_status) from exc

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._call(method, path, **kwargs).json()

    @contextmanager
    def _write_slot(self) -> Iterator[None]:
        """Hold `slskd-write` across processes: one create/enqueue in flight at a time (T30)."""
        owner = f"{leases.PROCESS_OWNER}:{uuid.uuid4().hex[:8]}"
        # Long enough for one call with all its retries and 429 waits; a dead holder expires.
        ttl = self.timeout * (len(http.BACKOFF) + 2) + http.MAX_RETRY_AFTER * 2
        give_up = time.monotonic() + max(2 * self.timeout, 5.0)
        while not _try_lease(ttl, owner):
            if time.monotonic() >= give_up:
                raise UpstreamRateLimited(
                    SERVICE, "soulseek: busy with another enqueue", retry_after=2.0
                )
            time.sleep(WRITE_LEASE_POLL)
        try:
            yield
        finally:
            try:
                leases.release(WRITE_LEASE, owner)
            except DatabaseError:
                logger.warning("could not release %s; it expires by itself", WRITE_LEASE)

    # Server

    def server(self) -> dict[str, Any]:
        """`GET /server`: connection and login state of the Soulseek server link."""
        return as_dict(self._json("GET", "/server"), "server")

    # Transfers: downloads (`enqueue()` comes from `EnqueueMixin`)

    def list_downloads(self, *, include_removed: bool = False) -> list[dict[str, Any]]:
        """`GET /transfers/downloads`, flattened: one dict per transfer, with `username`."""
        params = {"includeRemoved": "true"} if include_removed else None
        return flatten_transfers(self._json("GET", "/transfers/downloads", params=params))

    def get_download(self, username: str, transfer_id: str) -> dict[str, Any]:
        """One transfer; `UpstreamNotFound` if slskd does not know it."""
        path = f"/transfers/downloads/{segment(username)}/{segment(transfer_id)}"
        response = self._call("GET", path, ok=(400,))
        if response.status == 400:  # not a GUID: slskd cannot know it
            raise UpstreamNotFound("Download not found")
        transfer = normalise_transfer(response.json(), username)
        if transfer is None:
            raise UpstreamError(SERVICE, "soulseek: unexpected transfer payload")
        return transfer

    def find_download(
        self, username: str, filename: str, *, since: datetime | None = None
    ) -> dict[str, Any] | None:
        """The newest transfer of `username` for exactly `filename`, requested after `since`
        minus a minute of clock slack (SPEC §5.2); None when slskd has none."""
        try:
            body = self._json("GET", f"/transfers/downloads/{segment(username)}")
        except UpstreamNotFound:
            return None
        candidates = [
            transfer
            for transfer in flatten_transfers([as_dict(body, "transfer listing")])
            if transfer["filename"] == filename
        ]
        if since is not None:
            floor = since - FIND_SLACK
            candidates = [t for t in candidates if (requested_at(t) or EPOCH) >= floor]
        return max(candidates, key=lambda t: requested_at(t) or EPOCH, default=None)

    def cancel_download(self, username: str, transfer_id: str, *, remove: bool = False) -> None:
        """Cancel (and optionally forget) a transfer; 204 and 404 both confirm (SPEC §2.4)."""
        path = f"/transfers/downloads/{segment(username)}/{segment(transfer_id)}"
        self._call("DELETE", path, params={"remove": "true"} if remove else None, ok=(404,))

    def queue_position(self, username: str, transfer_id: str) -> int:
        """The transfer's place in the peer's queue."""
        path = f"/transfers/downloads/{segment(username)}/{segment(transfer_id)}/position"
        response = self._call("GET", path, ok=(400,))
        if response.status == 400:
            raise UpstreamNotFound("Download not found")
        position = response.json()
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise UpstreamError(SERVICE, "soulseek: unexpected queue position")
        return position

    def clear_completed_downloads(self) -> None:
        """`DELETE /transfers/downloads/all/completed`."""
        self._call("DELETE", "/transfers/downloads/all/completed")

    # Transfers: uploads

    def list_uploads(self, *, include_removed: bool = False) -> list[dict[str, Any]]:
        """`GET /transfers/uploads`, flattened like `list_downloads`."""
        params = {"includeRemoved": "true"} if include_removed else None
        return flatten_transfers(self._json("GET", "/transfers/uploads", params=params))

    def cancel_upload(self, username: str, transfer_id: str) -> None:
        """Cancel an upload; 204 and 404 both confirm."""
        path = f"/transfers/uploads/{segment(username)}/{segment(transfer_id)}"
        self._call("DELETE", path, ok=(404,))

    def clear_completed_uploads(self) -> None:
        """`DELETE /transfers/uploads/all/completed`."""
        self._call("DELETE", "/transfers/uploads/all/completed")

    # Searches

    def search(
        self,
        query: str,
        *,
        timeout: float,
        lane: int = SoulseekSearch.Lane.MANUAL,
        requested_by: str = "manual",
    ) -> SearchResult:
        """One search through the shared budget (SPEC §9.1).

        Waits up to `timeout` seconds for a budget slot, then gives the search itself up to
        `timeout` seconds. Harmony never sends `searchTimeout`: it stops the search itself.
        """
        deadline = timezone.now() + timedelta(seconds=timeout)
        row = search_budget.acquire_slot(query, lane, requested_by, deadline)
        search_id = str(uuid.uuid4())
        try:
            result = self._run_search(search_id, query, timeout)
        except HarmonyError as exc:
            search_budget.finish(row, error=str(exc.detail), search_id=search_id)
            raise
        except Exception as exc:
            search_budget.finish(row, error=type(exc).__name__, search_id=search_id)
            raise
        search_budget.finish(row, result_count=len(result.responses), search_id=search_id)
        return result

    def _run_search(self, search_id: str, query: str, timeout: float) -> SearchResult:
        body = {"id": search_id, "searchText": query, **SEARCH_OPTIONS}
        with self._write_slot():
            self._call("POST", "/searches", json_body=body, retry=False)
        try:
            state, complete = self._poll_search(search_id, time.monotonic() + timeout)
            if not complete:
                self._call("PUT", f"/searches/{search_id}", ok=(404,))
                state, complete = self._poll_search(search_id, time.monotonic() + STOP_GRACE)
            responses = search_responses(self._json("GET", f"/searches/{search_id}/responses"))
        finally:
            self._delete_search(search_id)
        return SearchResult(search_id, state, complete, responses)

    def _poll_search(self, search_id: str, deadline: float) -> tuple[str, bool]:
        while True:
            state, complete = search_state(self._json("GET", f"/searches/{search_id}"))
            remaining = deadline - time.monotonic()
            if complete or remaining <= 0:
                return state, complete
            time.sleep(min(POLL_INTERVAL, remaining))

    def _delete_search(self, search_id: str) -> None:
        try:
            self._call("DELETE", f"/searches/{search_id}", ok=(404,), retry=False)
        except HarmonyError:
            logger.warning("could not delete slskd search %s", search_id)

    # Users

    def user_endpoint(self, username: str) -> dict[str, Any]:
        """`GET /users/{username}/endpoint`; `UpstreamNotFound` when the user is offline."""
        body = as_dict(self._json("GET", f"/users/{segment(username)}/endpoint"), "endpoint")
        address, port = body.get("address"), body.get("port")
        if not isinstance(address, str) or isinstance(port, bool) or not isinstance(port, int):
            raise UpstreamError(SERVICE, "soulseek: unexpected endpoint payload")
        return body

    def browse(self, username: str) -> dict[str, Any]:
        """`GET /users/{username}/browse`: the user's shared directories."""
        body = as_dict(self._json("GET", f"/users/{segment(username)}/browse"), "browse")
        body["directories"] = [d for d in as_list(body.get("directories")) if isinstance(d, dict)]
        return body

    def directory(self, username: str, path: str) -> list[dict[str, Any]]:
        """`POST /users/{username}/directory` (a read: safe to retry)."""
        body = self._json(
            "POST",
            f"/users/{segment(username)}/directory",
            json_body={"directory": path},
            retry=True,
        )
        if not isinstance(body, list):
            raise UpstreamError(SERVICE, "soulseek: unexpected directory payload")
        return [entry for entry in body if isinstance(entry, dict)]

    def user_info(self, username: str) -> dict[str, Any]:
        """`GET /users/{username}/info`."""
        return as_dict(self._json("GET", f"/users/{segment(username)}/info"), "user info")

    def user_status(self, username: str) -> dict[str, Any]:
        """`GET /users/{username}/status`: `presence` and `isPrivileged`."""
        body = as_dict(self._json("GET", f"/users/{segment(username)}/status"), "user status")
        if not isinstance(body.get("presence"), str):
            body["presence"] = "Unknown"
        body["isPrivileged"] = body.get("isPrivileged") is True
        return body


def _try_lease(ttl: float, owner: str) -> bool:
    try:
        return leases.acquire(WRITE_LEASE, ttl, owner)
    except OperationalError as exc:
        # SQLite's "database is locked": another writer holds the database, poll again.
        if "locked" not in str(exc):
            raise
        return False
