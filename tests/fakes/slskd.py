"""Fake slskd REST API v0 (SPEC §9.1), shaped after slskd 0.26 (github.com/slskd/slskd @ 5770c7e).

Sources of each shape:

* ``src/slskd/Core/API/Controllers/ServerController.cs`` + ``Core/State.cs`` (``ServerState``):
  ``GET /server`` → ``address, ipEndPoint, state, isConnected, isConnecting, isLoggedIn,
  isLoggingIn, isTransitioning``.
* ``Search/API/Controllers/SearchesController.cs``, ``Search/Types/{Search,Response,File}.cs``:
  one search creation at a time (429 otherwise), 409 when not logged in; responses are only
  stored when the search ends, so ``/responses`` is ``[]`` while ``InProgress``.
* ``Transfers/API/Controllers/TransfersController.cs``, ``Transfers/Types/Transfer.cs``,
  ``Transfers/Downloads/DownloadService.cs``: enqueue answers 201 ``{"enqueued", "failed"}``
  (since 0.24.0); files already in progress fail with "Skipped: Already in progress"; a
  finished record of the same file is superseded (``removed: true``); new transfers start as
  ``Queued, Locally``; offline users and in-request duplicates are 500; at most 2 concurrent
  enqueues (429). ``POST /transfers/downloads/batches`` (0.26.0) takes a caller-supplied id.
* Completed files land in ``<downloads>/<last remote directory>/<basename>``
  (``Destination.Subdirectory = "${SOURCE_DIRECTORY}"``); an existing file gets
  ``<stem>_<ticks><ext>`` (``Files/FileService.cs`` ``MoveFile``).
* JSON: camelCase, enums as strings (flags joined by ", "), nulls omitted
  (``JsonIgnoreCondition.WhenWritingNull`` in ``Program.cs``), timestamps from the database
  carry seven fractional digits and no offset.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ._slskd_transfers import SlskdTransfersMixin, Transfer, slsk_message, slsk_time, split_remote
from .base import FakeServer, RecordedRequest, Response, empty_response, json_response, route

BUSY = "Only one concurrent operation is permitted. Wait until the previous request completes"
API = "/api/v0"


def slsk_file(
    filename: str,
    size: int = 5_000_000,
    *,
    bit_rate: int | None = 320,
    length: int | None = 240,
    extension: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A search-result file in slskd's wire format (``Search/Types/File.cs``)."""
    basename = split_remote(filename)[2]
    suffix = basename.rpartition(".")[2].lower() if "." in basename else ""
    body: dict[str, Any] = {
        "code": 1,
        "extension": suffix if extension is None else extension,
        "filename": filename,
        "size": size,
        "isLocked": False,
        "bitRate": bit_rate,
        "length": length,
        **extra,
    }
    return {k: v for k, v in body.items() if v is not None}


@dataclass
class SearchResult:
    """A seeded peer response, offered to every search whose text it matches."""

    match: str | Callable[[str], bool]
    username: str
    files: list[dict[str, Any]]
    has_free_upload_slot: bool = True
    queue_length: int = 0
    upload_speed: int = 1_048_576
    locked_files: list[dict[str, Any]] = field(default_factory=list)

    def applies_to(self, text: str) -> bool:
        """Whether a search for ``text`` gets this response."""
        if callable(self.match):
            return bool(self.match(text))
        return self.match.lower() in text.lower()


@dataclass
class Peer:
    """A Soulseek user as ``/users/{username}/…`` sees it."""

    presence: str = "Online"
    address: str = "203.0.113.7"
    port: int = 2234
    description: str = "A fake peer"
    upload_slots: int = 2
    queue_length: int = 0
    has_free_upload_slot: bool = True
    is_privileged: bool = False
    directories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Search:
    """A search and the responses it will report once complete."""

    id: str
    text: str
    started_at: datetime
    token: int
    responses: list[dict[str, Any]]
    options: dict[str, Any]
    state: str = "InProgress"
    ended_at: datetime | None = None
    polls: int = 0

    def render(self, include_responses: bool = False) -> dict[str, Any]:
        """Wire form (``Search/Types/Search.cs``)."""
        done = self.state.startswith("Completed")
        body: dict[str, Any] = {
            "fileCount": sum(r["fileCount"] for r in self.responses),
            "id": self.id,
            "isComplete": done,
            "lockedFileCount": sum(r["lockedFileCount"] for r in self.responses),
            "responseCount": len(self.responses),
            "responses": self.responses if include_responses and done else [],
            "searchText": self.text,
            "startedAt": slsk_time(self.started_at),
            "state": self.state,
            "token": self.token,
        }
        if self.ended_at is not None:
            body["endedAt"] = slsk_time(self.ended_at)
        return body


class FakeSlskd(SlskdTransfersMixin, FakeServer):
    """slskd under ``/api/v0``; the transfer simulation lives in ``SlskdTransfersMixin``.

    Switches: ``api_key`` (401 without a matching ``X-API-Key``), ``search_polls_to_complete``,
    ``concurrency_429`` (real overlap → 429, like slskd's semaphores: 1 search creation, 2
    enqueues) with ``operation_delay`` or ``hold_operations``/``release_operations``,
    ``busy_next(kind, n)`` (deterministic 429s), ``set_server_state``, ``set_user_offline``.
    """

    name = "slskd"

    def __init__(
        self,
        downloads_dir: Path | str | None = None,
        *,
        api_key: str | None = None,
        auto_advance: bool = False,
        search_polls_to_complete: int = 2,
        progress_steps: int = 2,
        payload_cap: int = 4096,
        concurrency_429: bool = False,
        operation_delay: float = 0.0,
        enqueue_body: Literal["full", "empty", "opaque_failures"] = "full",
        cancel_unknown_status: int = 404,
    ) -> None:
        super().__init__()
        self.downloads_dir = Path(downloads_dir) if downloads_dir is not None else None
        self.api_key = api_key
        self.auto_advance = auto_advance
        self.search_polls_to_complete = search_polls_to_complete
        self.progress_steps = progress_steps
        self.payload_cap = payload_cap
        self.concurrency_429 = concurrency_429
        self.operation_delay = operation_delay
        self.enqueue_body = enqueue_body
        self.cancel_unknown_status = cancel_unknown_status
        self.server_state = "Connected, LoggedIn"
        self.searches: dict[str, Search] = {}
        self.search_results: list[SearchResult] = []
        self.peers: dict[str, Peer] = {}
        self.transfers: dict[str, Transfer] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.file_contents: dict[str, bytes] = {}
        self.outcomes: dict[str, dict[str, Any]] = {}
        self.enqueue_failures: dict[str, str] = {}
        self.queue_positions: dict[str, int] = {}
        self._gate = threading.Event()
        self._gate.set()
        self._busy_next = {"search": 0, "enqueue": 0}
        self._in_flight = {"search": 0, "enqueue": 0}
        self._token = 1000

    # Seeding and switches

    def add_search_result(
        self,
        match: str | Callable[[str], bool],
        username: str,
        files: Sequence[dict[str, Any] | str],
        *,
        has_free_upload_slot: bool = True,
        queue_length: int = 0,
        upload_speed: int = 1_048_576,
        locked_files: Sequence[dict[str, Any] | str] = (),
    ) -> SearchResult:
        """Offer ``files`` from ``username`` to searches whose text contains ``match``
        (case-insensitive) or satisfies it; the files also become browsable."""
        result = SearchResult(
            match,
            username,
            [f if isinstance(f, dict) else slsk_file(f) for f in files],
            has_free_upload_slot,
            queue_length,
            upload_speed,
            [f if isinstance(f, dict) else slsk_file(f) for f in locked_files],
        )
        with self.lock:
            self.search_results.append(result)
            peer = self.peer(username)
            for item in result.files:
                directory, _, _ = split_remote(item["filename"])
                peer.directories.setdefault(directory, []).append(item)
        return result

    def add_user(self, username: str, **values: Any) -> Peer:
        """Create or update a peer (``presence``, ``address``, ``directories`` …)."""
        with self.lock:
            peer = self.peer(username)
            for key, value in values.items():
                setattr(peer, key, value)
            return peer

    def peer(self, username: str) -> Peer:
        """The peer record, created online on first use."""
        with self.lock:
            return self.peers.setdefault(username, Peer())

    def set_user_offline(self, username: str, offline: bool = True) -> None:
        """Offline users: endpoint/info/browse 404, enqueue 500, status ``Offline``."""
        self.add_user(username, presence="Offline" if offline else "Online")

    def set_server_state(self, state: str) -> None:
        """E.g. ``"Disconnected"``; searches then 409 and enqueues 500, like slskd."""
        self.server_state = state

    def busy_next(self, kind: Literal["search", "enqueue"], count: int = 1) -> None:
        """Answer the next ``count`` search creations or enqueues with 429."""
        with self.lock:
            self._busy_next[kind] += count

    def hold_operations(self) -> None:
        """Keep search creations and enqueues "in flight" until ``release_operations``."""
        self._gate.clear()

    def release_operations(self) -> None:
        """Let held operations finish."""
        self._gate.set()

    @property
    def in_flight(self) -> dict[str, int]:
        """Search creations and enqueues currently being processed."""
        with self.lock:
            return dict(self._in_flight)

    def complete_search(self, search_id: str, state: str = "Completed, TimedOut") -> None:
        """End a search now."""
        with self.lock:
            self._finish_search(self.searches[search_id], state)

    # Hooks

    def authorize(self, request: RecordedRequest) -> Response | None:
        """``X-API-Key`` must match when an API key is configured."""
        if self.api_key is not None and request.header("X-API-Key") != self.api_key:
            return empty_response(401)
        return None

    def error_response(self, status: int, message: str) -> Response:
        """slskd answers errors with a JSON string, plain 404s with no body."""
        return empty_response(status) if status == 404 else slsk_message(message, status)

    # Concurrency limiter (SearchesController / TransfersController semaphores)

    def _acquire(self, kind: str) -> bool:
        limit = 1 if kind == "search" else 2
        with self.lock:
            if self._busy_next[kind] > 0:
                self._busy_next[kind] -= 1
                return False
            if self.concurrency_429 and self._in_flight[kind] >= limit:
                return False
            self._in_flight[kind] += 1
        if self.operation_delay:
            self._stopping.wait(self.operation_delay)
        while not self._gate.wait(0.02) and not self._stopping.is_set():
            pass
        return True

    def _release(self, kind: str) -> None:
        with self.lock:
            self._in_flight[kind] -= 1

    @property
    def logged_in(self) -> bool:
        """Whether the (fake) Soulseek server connection is usable."""
        return "LoggedIn" in self.server_state and "Connected" in self.server_state

    # Server

    @route("GET", rf"{API}/server")
    def _server(self, request: RecordedRequest) -> Response:
        state = self.server_state
        return json_response(
            {
                "address": "vps.slsknet.org:2271",
                "ipEndPoint": "208.76.170.59:2271",
                "state": state,
                "isConnected": "Connected" in state and "Disconnected" not in state,
                "isConnecting": "Connecting" in state,
                "isLoggedIn": "LoggedIn" in state,
                "isLoggingIn": "LoggingIn" in state,
                "isTransitioning": any(
                    s in state for s in ("Connecting", "Disconnecting", "LoggingIn")
                ),
            }
        )

    # Searches

    @route("POST", rf"{API}/searches", exclusive=False)
    def _create_search(self, request: RecordedRequest) -> Response:
        body = request.json if isinstance(request.json, dict) else {}
        text = body.get("searchText")
        if not isinstance(text, str) or not text.strip():
            message = "The field SearchText can not be null, empty, or consist of only whitespace"
            return slsk_message(message, 400)
        if not self._acquire("search"):
            return slsk_message(BUSY, 429)
        try:
            with self.lock:
                return self._start_search(body, text)
        finally:
            self._release("search")

    def _start_search(self, body: dict[str, Any], text: str) -> Response:
        try:
            search_id = str(uuid.UUID(str(body["id"]))) if body.get("id") else str(uuid.uuid4())
        except ValueError:
            return slsk_message("The value is not a valid GUID", 400)
        if search_id in self.searches:
            return slsk_message(f"A search with ID {search_id} already exists", 409)
        if not self.logged_in:
            message = "The server connection must be connected and logged in to search"
            return slsk_message(f"{message} (currently: {self.server_state})", 409)
        options = {k: v for k, v in body.items() if k not in ("id", "searchText")}
        self._token += 1
        search = Search(
            search_id, text, datetime.now(UTC), self._token, self._responses(text, options), options
        )
        self.searches[search_id] = search
        if self.search_polls_to_complete <= 0:
            self._finish_search(search)
        return json_response(search.render())

    def _responses(self, text: str, options: dict[str, Any]) -> list[dict[str, Any]]:
        filtering = options.get("filterResponses", True)
        max_queue = options.get("maximumPeerQueueLength", 1_000_000)
        min_speed = options.get("minimumPeerUploadSpeed", 0)
        min_files = options.get("minimumResponseFileCount", 1)
        responses = []
        for result in self.search_results:
            if not result.applies_to(text):
                continue
            if filtering and (
                len(result.files) < min_files
                or result.queue_length > max_queue
                or result.upload_speed < min_speed
            ):
                continue
            self._token += 1
            responses.append(
                {
                    "fileCount": len(result.files),
                    "files": result.files,
                    "hasFreeUploadSlot": result.has_free_upload_slot,
                    "lockedFileCount": len(result.locked_files),
                    "lockedFiles": result.locked_files,
                    "queueLength": result.queue_length,
                    "token": self._token,
                    "uploadSpeed": result.upload_speed,
                    "username": result.username,
                }
            )
        return responses[: options.get("responseLimit") or 250]

    def _finish_search(self, search: Search, state: str | None = None) -> None:
        if search.state.startswith("Completed"):
            return
        if state is None:
            files = sum(r["fileCount"] for r in search.responses)
            state = "Completed, TimedOut"
            if len(search.responses) >= (search.options.get("responseLimit") or 250):
                state = "Completed, ResponseLimitReached"
            elif files >= (search.options.get("fileLimit") or 10_000):
                state = "Completed, FileLimitReached"
        search.state = state
        search.ended_at = datetime.now(UTC)

    def _search(self, request: RecordedRequest) -> Search | None:
        return self.searches.get(request.params["id"].lower())

    @route("GET", rf"{API}/searches")
    def _list_searches(self, request: RecordedRequest) -> Response:
        return json_response([s.render() for s in self.searches.values()])

    @route("GET", rf"{API}/searches/(?P<id>[^/]+)")
    def _get_search(self, request: RecordedRequest) -> Response:
        search = self._search(request)
        if search is None:
            return empty_response(404)
        search.polls += 1
        if search.polls >= self.search_polls_to_complete:
            self._finish_search(search)
        include = (request.arg("includeResponses") or "").lower() == "true"
        return json_response(search.render(include))

    @route("GET", rf"{API}/searches/(?P<id>[^/]+)/responses")
    def _search_responses(self, request: RecordedRequest) -> Response:
        search = self._search(request)
        if search is None:
            return empty_response(404)
        return json_response(search.render(True)["responses"])

    @route("PUT", rf"{API}/searches/(?P<id>[^/]+)")
    def _stop_search(self, request: RecordedRequest) -> Response:
        search = self._search(request)
        if search is None:
            return empty_response(404)
        self._finish_search(search, "Completed, Cancelled")
        return empty_response(200)

    @route("DELETE", rf"{API}/searches/(?P<id>[^/]+)")
    def _delete_search(self, request: RecordedRequest) -> Response:
        search = self._search(request)
        if search is None:
            return empty_response(404)
        del self.searches[search.id]
        return empty_response(204)

    # Users

    def _online_peer(self, request: RecordedRequest) -> Peer | Response:
        peer = self.peer(request.params["username"])
        if peer.presence == "Offline":
            return slsk_message(f"User {request.params['username']} appears to be offline", 404)
        return peer

    @route("GET", rf"{API}/users/(?P<username>[^/]+)/endpoint")
    def _user_endpoint(self, request: RecordedRequest) -> Response:
        peer = self._online_peer(request)
        if isinstance(peer, Response):
            return peer
        return json_response(
            {"addressFamily": "InterNetwork", "address": peer.address, "port": peer.port}
        )

    def _directory(self, name: str, files: Iterable[dict[str, Any]]) -> dict[str, Any]:
        # Browse results name files relative to their directory.
        items = [{**f, "filename": split_remote(f["filename"])[2]} for f in files]
        return {"name": name, "fileCount": len(items), "files": items}

    @route("GET", rf"{API}/users/(?P<username>[^/]+)/browse")
    def _browse(self, request: RecordedRequest) -> Response:
        peer = self._online_peer(request)
        if isinstance(peer, Response):
            return peer
        directories = [self._directory(n, f) for n, f in peer.directories.items()]
        return json_response(
            {
                "directoryCount": len(directories),
                "directories": directories,
                "lockedDirectoryCount": 0,
                "lockedDirectories": [],
            }
        )

    @route("POST", rf"{API}/users/(?P<username>[^/]+)/directory")
    def _user_directory(self, request: RecordedRequest) -> Response:
        body = request.json if isinstance(request.json, dict) else {}
        name = body.get("directory")
        if not isinstance(name, str) or not name:
            return empty_response(400)
        peer = self._online_peer(request)
        if isinstance(peer, Response):
            return peer
        return json_response([self._directory(name, peer.directories.get(name, []))])

    @route("GET", rf"{API}/users/(?P<username>[^/]+)/info")
    def _user_info(self, request: RecordedRequest) -> Response:
        peer = self._online_peer(request)
        if isinstance(peer, Response):
            return peer
        return json_response(
            {
                "description": peer.description,
                "hasFreeUploadSlot": peer.has_free_upload_slot,
                "hasPicture": False,
                "queueLength": peer.queue_length,
                "uploadSlots": peer.upload_slots,
            }
        )

    @route("GET", rf"{API}/users/(?P<username>[^/]+)/status")
    def _user_status(self, request: RecordedRequest) -> Response:
        peer = self.peer(request.params["username"])
        return json_response({"isPrivileged": peer.is_privileged, "presence": peer.presence})


__all__ = ["FakeSlskd", "Peer", "SearchResult", "slsk_file", "slsk_message"]
