"""Transfer half of ``FakeSlskd``: records, the deterministic simulation and the routes.

Shapes: ``src/slskd/Transfers/Types/Transfer.cs`` (record), ``Transfers/API/DTO/{User,Directory}
Response.cs`` (grouping), ``Transfers/API/Controllers/TransfersController.cs`` (status codes),
``Transfers/Downloads/DownloadService.cs`` (duplicates, supersede, cancel), slskd 0.26.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .base import RecordedRequest, Response, empty_response, json_response, route

API = "/api/v0"
BUSY = "Only one concurrent operation is permitted. Wait until the previous request completes"
DIRECTION = r"(?P<direction>downloads|uploads)"
USER_ID = r"(?P<username>[^/]+)/(?P<id>[^/]+)"
CANCELLED = "The operation was canceled."
DEFAULT_EXCEPTIONS = {
    "Completed, Cancelled": CANCELLED,
    "Completed, TimedOut": "Transfer timed out",
    "Completed, Errored": "Transfer failed: Remote connection closed",
    "Completed, Rejected": "File not shared.",
    "Completed, Aborted": "Transfer aborted",
}
VANISH = "<vanish>"


def slsk_time(moment: datetime) -> str:
    """slskd timestamp as read back from its database: 7 fractional digits, no offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


def slsk_timespan(span: timedelta) -> str:
    """.NET ``TimeSpan`` JSON form, e.g. ``00:01:02.5000000``."""
    ticks = int(span.total_seconds() * 10_000_000)
    seconds, fraction = divmod(ticks, 10_000_000)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3600)
    prefix = f"{days}." if days else ""
    return f"{prefix}{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}.{fraction:07d}"


def slsk_message(message: str, status: int) -> Response:
    """slskd's error body: a bare JSON string."""
    return json_response(message, status)


def split_remote(filename: str) -> tuple[str, str, str]:
    """``(directory, last directory component, basename)`` of a ``\\`` or ``/`` remote path."""
    separator = "\\" if "\\" in filename else "/"
    directory, _, basename = filename.rpartition(separator)
    return directory, directory.rpartition(separator)[2], basename


def dotnet_ticks() -> int:
    """``DateTime.UtcNow.Ticks`` (100 ns since 0001-01-01), used by slskd's rename-on-conflict."""
    return time.time_ns() // 100 + 621_355_968_000_000_000


def _safe(segment: str) -> str:
    # FileSafety.SanitizeFilename on Unix replaces NUL and "/" with "_".
    return segment.replace("\0", "_").replace("/", "_")


def _traverses(filename: str) -> bool:
    return any(part in (".", "..") for part in filename.replace("\\", "/").split("/"))


def _guid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@dataclass
class Transfer:
    """One transfer record; ``plan`` is the list of states it will still go through."""

    id: str
    username: str
    filename: str
    size: int
    direction: str = "Download"
    state: str = "Queued, Locally"
    requested_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    enqueued_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    bytes_transferred: int = 0
    average_speed: float = 0.0
    place_in_queue: int | None = None
    exception: str | None = None
    removed: bool = False
    batch_id: str | None = None
    destination: str | None = None
    plan: list[str] = field(default_factory=list)
    failure: str | None = None
    write_file: bool = True
    local_path: Path | None = None

    @property
    def completed(self) -> bool:
        """Whether the state carries the ``Completed`` flag."""
        return self.state.startswith("Completed")

    def render(self) -> dict[str, Any]:
        """Wire form with nulls omitted, as slskd serialises it."""
        elapsed = None
        if self.started_at is not None:
            elapsed = slsk_timespan((self.ended_at or datetime.now(UTC)) - self.started_at)
        remaining = None
        if self.average_speed:
            seconds = (self.size - self.bytes_transferred) / self.average_speed
            remaining = slsk_timespan(timedelta(seconds=seconds))
        body = {
            "batchId": self.batch_id,
            "id": self.id,
            "username": self.username,
            "direction": self.direction,
            "filename": self.filename,
            "size": self.size,
            "state": self.state,
            "requestedAt": slsk_time(self.requested_at),
            "enqueuedAt": self.enqueued_at and slsk_time(self.enqueued_at),
            "startedAt": self.started_at and slsk_time(self.started_at),
            "endedAt": self.ended_at and slsk_time(self.ended_at),
            "bytesTransferred": self.bytes_transferred,
            "averageSpeed": self.average_speed,
            "placeInQueue": self.place_in_queue,
            "exception": self.exception,
            "attempts": 0,
            "removed": self.removed,
            "bytesRemaining": self.size - self.bytes_transferred,
            "elapsedTime": elapsed,
            "percentComplete": (self.bytes_transferred / self.size * 100) if self.size else 0.0,
            "remainingTime": remaining,
        }
        return {k: v for k, v in body.items() if v is not None}


class SlskdTransfersMixin:
    """Downloads/uploads routes and the simulation; state lives on ``FakeSlskd``."""

    downloads_dir: Path | None
    auto_advance: bool
    progress_steps: int
    payload_cap: int
    enqueue_body: str
    cancel_unknown_status: int
    transfers: dict[str, Transfer]
    batches: dict[str, dict[str, Any]]
    file_contents: dict[str, bytes]
    outcomes: dict[str, dict[str, Any]]
    enqueue_failures: dict[str, str]
    queue_positions: dict[str, int]
    lock: Any
    logged_in: bool
    server_state: str

    peer: Callable[[str], Any]
    number: Callable[..., Any]
    _acquire: Callable[[str], bool]
    _release: Callable[[str], None]

    # Test API

    def register_file_content(self, filename: str, content: bytes) -> None:
        """Bytes written to disk when ``filename`` (remote path or basename) completes."""
        with self.lock:
            self.file_contents[filename] = content

    def fail_with(
        self,
        filename: str,
        state: str = "Completed, Errored",
        exception: str | None = None,
        *,
        at: str = "InProgress",
    ) -> None:
        """End transfers of ``filename`` in ``state`` instead of entering ``at``."""
        with self.lock:
            self.outcomes[filename] = {
                "kind": "fail",
                "state": state,
                "at": at,
                "exception": exception or DEFAULT_EXCEPTIONS.get(state),
            }

    def stuck(self, filename: str, state: str = "Queued, Remotely") -> None:
        """Let transfers of ``filename`` progress up to ``state`` and stay there."""
        with self.lock:
            self.outcomes[filename] = {"kind": "stuck", "state": state}

    def vanish(self, filename: str, *, at: str = "Requested") -> None:
        """Drop transfers of ``filename`` from slskd entirely instead of entering ``at``."""
        with self.lock:
            self.outcomes[filename] = {"kind": "vanish", "at": at}

    def no_file(self, filename: str) -> None:
        """Report ``Completed, Succeeded`` for ``filename`` but write nothing to disk."""
        with self.lock:
            self.outcomes[filename] = {"kind": "no_file"}

    def reject_enqueue(self, filename: str, message: str = "Error: Transfer rejected") -> None:
        """Put ``filename`` into the enqueue response's ``failed`` list."""
        with self.lock:
            self.enqueue_failures[filename] = message

    def set_queue_position(self, filename: str, position: int) -> None:
        """Place in the remote queue reported for ``filename``."""
        with self.lock:
            self.queue_positions[filename] = position

    def clear_outcomes(self) -> None:
        """Forget every per-file override."""
        with self.lock:
            self.outcomes.clear()
            self.enqueue_failures.clear()

    def add_upload(
        self,
        username: str,
        filename: str,
        size: int = 5_000_000,
        *,
        state: str = "InProgress",
        bytes_transferred: int | None = None,
    ) -> Transfer:
        """Seed an upload record (uploads do not progress)."""
        done = size if state == "Completed, Succeeded" else size // 2
        transfer = Transfer(str(uuid.uuid4()), username, filename, size, "Upload", state)
        transfer.bytes_transferred = done if bytes_transferred is None else bytes_transferred
        if transfer.completed:
            transfer.ended_at = datetime.now(UTC)
        with self.lock:
            self.transfers[transfer.id] = transfer
        return transfer

    def downloads(self, username: str | None = None) -> list[Transfer]:
        """Every download record (removed ones included)."""
        with self.lock:
            return [
                t
                for t in self.transfers.values()
                if t.direction == "Download" and username in (None, t.username)
            ]

    def advance(self, steps: int = 1) -> None:
        """Move every unfinished download ``steps`` states along its plan."""
        with self.lock:
            for _ in range(steps):
                for transfer in self.downloads():
                    if not transfer.completed and transfer.plan:
                        self._enter(transfer, transfer.plan.pop(0))

    def settle(self, max_steps: int = 100) -> None:
        """Advance until no download can move any more."""
        for _ in range(max_steps):
            if not any(t.plan and not t.completed for t in self.downloads()):
                return
            self.advance()

    # Simulation

    def _outcome(self, filename: str) -> dict[str, Any]:
        return self.outcomes.get(filename) or self.outcomes.get(split_remote(filename)[2]) or {}

    def _plan(self, transfer: Transfer) -> list[str]:
        plan = ["Requested", "Queued, Remotely", "Initializing"]
        plan += ["InProgress"] * self.progress_steps + ["Completed, Succeeded"]
        outcome = self._outcome(transfer.filename)
        kind = outcome.get("kind")
        if kind == "stuck":
            state = outcome["state"]
            return plan[: plan.index(state) + 1] if state in plan else []
        if kind in ("fail", "vanish"):
            at = plan.index(outcome["at"]) if outcome["at"] in plan else 0
            transfer.failure = outcome.get("exception")
            return [*plan[:at], outcome["state"] if kind == "fail" else VANISH]
        transfer.write_file = kind != "no_file"
        return plan

    def _enter(self, transfer: Transfer, state: str) -> None:
        if state == VANISH:
            del self.transfers[transfer.id]
            return
        now = datetime.now(UTC)
        transfer.state = state
        if state == "Queued, Remotely":
            transfer.enqueued_at = now
            name = transfer.filename
            transfer.place_in_queue = self.queue_positions.get(
                name, self.queue_positions.get(split_remote(name)[2], 3)
            )
        elif state == "Initializing":
            transfer.started_at = now
        elif state == "InProgress":
            done = self.progress_steps - transfer.plan.count("InProgress")
            transfer.bytes_transferred = transfer.size * done // (self.progress_steps + 1)
            transfer.average_speed = 524288.0
        elif transfer.completed:
            transfer.ended_at = now
            if state == "Completed, Succeeded":
                transfer.bytes_transferred = transfer.size
                self._write(transfer)
            else:
                transfer.exception = transfer.failure or DEFAULT_EXCEPTIONS.get(state)

    def _write(self, transfer: Transfer) -> None:
        if self.downloads_dir is None or not transfer.write_file:
            return
        _, last_directory, basename = split_remote(transfer.filename)
        directory = self.downloads_dir / (transfer.destination or _safe(last_directory))
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / _safe(basename)
        while target.exists():
            target = directory / f"{Path(basename).stem}_{dotnet_ticks()}{Path(basename).suffix}"
        content = self.file_contents.get(transfer.filename, self.file_contents.get(basename))
        if content is None:
            content = (b"fake-slskd-payload:" + basename.encode())[: self.payload_cap]
            content = content.ljust(min(transfer.size, self.payload_cap), b"\0")
        target.write_bytes(content)
        transfer.local_path = target

    def _enqueue(
        self,
        username: str,
        files: list[tuple[str, int]],
        batch_id: str | None = None,
        destination: str | None = None,
    ) -> tuple[list[Transfer], list[dict[str, str]]]:
        enqueued, failed = [], []
        for filename, size in files:
            if filename in self.enqueue_failures:
                failed.append({"filename": filename, "message": self.enqueue_failures[filename]})
                continue
            existing = [t for t in self.downloads(username) if t.filename == filename]
            if any(not t.completed for t in existing):
                failed.append({"filename": filename, "message": "Skipped: Already in progress"})
                continue
            for old in existing:
                old.removed = True
            transfer = Transfer(
                str(uuid.uuid4()),
                username,
                filename,
                size,
                batch_id=batch_id,
                destination=destination,
            )
            transfer.plan = self._plan(transfer)
            self.transfers[transfer.id] = transfer
            enqueued.append(transfer)
        return enqueued, failed

    def _precheck(self, username: str) -> str | None:
        if not self.logged_in:
            return f"The server connection must be connected and logged in (currently: {self.server_state})"
        if self.peer(username).presence == "Offline":
            return f"User {username} appears to be offline"
        return None

    # Enqueue routes

    @route("POST", rf"{API}/transfers/downloads/batches", exclusive=False)
    def _enqueue_batch(self, request: RecordedRequest) -> Response:
        body = request.json if isinstance(request.json, dict) else {}
        username, files = body.get("username"), body.get("files")
        options = body.get("options") or {}
        if not isinstance(username, str) or not username.strip():
            return slsk_message("The Username field is required.", 400)
        if not isinstance(files, list) or not files:
            return slsk_message("The Files field is required.", 400)
        if any(not isinstance(f, dict) for f in files):
            return slsk_message("One or more files in the request are null", 400)
        if any(not f.get("filename") or f.get("size") is None for f in files):
            return slsk_message("The Filename and Size fields are required.", 400)
        if len({f["filename"] for f in files}) != len(files):
            return slsk_message("Two or more files in the request are repeated", 400)
        destination = options.get("destination")
        if any(_traverses(f["filename"]) for f in files) or (
            destination and (_traverses(destination) or destination.startswith(("/", "\\")))
        ):
            return slsk_message("The path contains a dangerous path traversal segment", 400)
        batch_id = _guid(body["id"]) if body.get("id") else str(uuid.uuid4())
        search_id = _guid(body["searchId"]) if body.get("searchId") else None
        if batch_id is None or (body.get("searchId") and search_id is None):
            return slsk_message("One or more provided identifiers is not a valid GUID/UUID", 400)
        if not self._acquire("enqueue"):
            return slsk_message(BUSY, 429)
        try:
            with self.lock:
                problem = self._precheck(username)
                if problem:
                    return slsk_message(problem, 404 if "offline" in problem else 500)
                if batch_id in self.batches:
                    return slsk_message(f"A batch with ID {batch_id} already exists", 409)
                self.batches[batch_id] = {
                    "searchId": search_id,
                    "id": batch_id,
                    "username": username,
                    "direction": "Download",
                    "createdAt": slsk_time(datetime.now(UTC)),
                    "options": {k: v for k, v in options.items() if v is not None},
                }
                pairs = [(f["filename"], self.number(f["size"])) for f in files]
                _, failed = self._enqueue(username, pairs, batch_id, destination)
                status = 200 if len(failed) == len(files) else 207 if failed else 201
                return json_response({"batch": self._batch(batch_id), "failures": failed}, status)
        finally:
            self._release("enqueue")

    def _batch(self, batch_id: str) -> dict[str, Any]:
        batch = {k: v for k, v in self.batches[batch_id].items() if v is not None}
        transfers = [t.render() for t in self.transfers.values() if t.batch_id == batch_id]
        return {**batch, "transfers": transfers}

    @route("GET", rf"{API}/transfers/downloads/batches/(?P<id>[^/]+)")
    def _get_batch(self, request: RecordedRequest) -> Response:
        batch_id = _guid(request.params["id"])
        if batch_id is None:
            return slsk_message(
                f"The specified id {request.params['id']} is not a valid GUID/UUID", 400
            )
        if batch_id not in self.batches:
            return empty_response(404)
        return json_response(self._batch(batch_id))

    @route("POST", rf"{API}/transfers/downloads/(?P<username>[^/]+)", exclusive=False)
    def _enqueue_files(self, request: RecordedRequest) -> Response:
        files = request.json
        if not isinstance(files, list):
            return slsk_message("A non-empty JSON array of files is required", 400)
        if not files:
            return slsk_message("At least one file is required", 400)
        if any(not isinstance(f, dict) for f in files):
            return slsk_message("One or more files in the request are null", 400)
        if any(not f.get("filename") for f in files):
            return slsk_message("The Filename field is required.", 400)
        if any(_traverses(f["filename"]) for f in files):
            message = "One or more files in the request contain a dangerous path traversal segment"
            return slsk_message(message, 400)
        if not self._acquire("enqueue"):
            return slsk_message(BUSY, 429)
        try:
            with self.lock:
                username = request.params["username"]
                problem = self._precheck(username)
                if problem:
                    return slsk_message(problem, 500)
                pairs = [(f["filename"], self.number(f.get("size"))) for f in files]
                if len(set(pairs)) != len(pairs):
                    message = "Two or more files in request are duplicated (Parameter 'files')"
                    return slsk_message(message, 500)
                enqueued, failed = self._enqueue(username, pairs)
        finally:
            self._release("enqueue")
        if self.enqueue_body == "empty":
            return empty_response(201)
        if self.enqueue_body == "opaque_failures":
            failed = [{} for _ in failed]  # type: ignore[misc]
        body = {"enqueued": [t.render() for t in enqueued], "failed": failed}
        return json_response(body, 201)

    # Listing, cancelling, clearing

    def _grouped(self, transfers: Iterable[Transfer]) -> list[dict[str, Any]]:
        users: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for transfer in transfers:
            directory = split_remote(transfer.filename)[0]
            users.setdefault(transfer.username, {}).setdefault(directory, []).append(
                transfer.render()
            )
        return [
            {
                "username": user,
                "directories": [
                    {"directory": name, "fileCount": len(files), "files": files}
                    for name, files in directories.items()
                ],
            }
            for user, directories in users.items()
        ]

    def _of(self, direction: str, include_removed: bool = False) -> list[Transfer]:
        kind = "Download" if direction == "downloads" else "Upload"
        return [
            t
            for t in self.transfers.values()
            if t.direction == kind and (include_removed or not t.removed)
        ]

    @route("GET", rf"{API}/transfers/{DIRECTION}")
    def _list(self, request: RecordedRequest) -> Response:
        if self.auto_advance and request.params["direction"] == "downloads":
            self.advance()
        include = (request.arg("includeRemoved") or "").lower() == "true"
        return json_response(self._grouped(self._of(request.params["direction"], include)))

    @route("DELETE", rf"{API}/transfers/{DIRECTION}/all/completed")
    def _clear_completed(self, request: RecordedRequest) -> Response:
        for transfer in self._of(request.params["direction"]):
            if transfer.completed:
                transfer.removed = True
        return empty_response(204)

    @route("GET", rf"{API}/transfers/{DIRECTION}/(?P<username>[^/]+)")
    def _list_user(self, request: RecordedRequest) -> Response:
        mine = [
            t
            for t in self._of(request.params["direction"])
            if t.username == request.params["username"]
        ]
        if not mine:
            return empty_response(404)
        return json_response(self._grouped(mine)[0])

    def _find(self, request: RecordedRequest) -> Transfer | Response:
        transfer_id = _guid(request.params["id"])
        if transfer_id is None:
            return empty_response(400)
        transfer = self.transfers.get(transfer_id)
        kind = "Download" if request.params["direction"] == "downloads" else "Upload"
        if transfer is None or transfer.direction != kind:
            return empty_response(404)
        return transfer

    @route("GET", rf"{API}/transfers/{DIRECTION}/{USER_ID}")
    def _get_transfer(self, request: RecordedRequest) -> Response:
        found = self._find(request)
        return found if isinstance(found, Response) else json_response(found.render())

    @route("DELETE", rf"{API}/transfers/{DIRECTION}/{USER_ID}")
    def _cancel(self, request: RecordedRequest) -> Response:
        found = self._find(request)
        if isinstance(found, Response):
            return empty_response(self.cancel_unknown_status) if found.status == 404 else found
        if not found.completed:
            found.state, found.plan = "Completed, Cancelled", []
            found.ended_at = datetime.now(UTC)
            found.exception = CANCELLED
        if (request.arg("remove") or "").lower() == "true":
            found.removed = True
        return empty_response(204)

    @route("GET", rf"{API}/transfers/(?P<direction>downloads)/{USER_ID}/position")
    def _position(self, request: RecordedRequest) -> Response:
        found = self._find(request)
        if isinstance(found, Response):
            return found
        name = found.filename
        position = self.queue_positions.get(name, self.queue_positions.get(split_remote(name)[2]))
        found.place_in_queue = position if position is not None else found.place_in_queue or 0
        return Response(
            200, json.dumps(found.place_in_queue).encode(), {"Content-Type": "application/json"}
        )
