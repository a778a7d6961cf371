"""Validation of slskd payloads at the client boundary (SPEC §9.1; RELIABILITY T33).

slskd is trusted to speak its format, but a broken or hostile instance may not: wrong types are
defaulted or the item dropped, unknown transfer states are kept as strings (and logged), and a
payload whose outer shape is wrong is a 502 naming the service. Nothing here raises anything else.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from typing import Any

from core.errors import UpstreamError

logger = logging.getLogger("harmony.integrations.slskd")

SERVICE = "soulseek"
UNKNOWN_STATE = "Unknown"
# Flag names slskd joins with ", " into transfer states (SPEC §9.1).
STATE_FLAGS = frozenset(
    {
        "None",
        "Requested",
        "Queued",
        "Locally",
        "Remotely",
        "Initializing",
        "InProgress",
        "Completed",
        "Succeeded",
        "Cancelled",
        "TimedOut",
        "Errored",
        "Rejected",
        "Aborted",
    }
)
_TIMESTAMPS = ("requestedAt", "enqueuedAt", "startedAt", "endedAt")


def as_dict(value: Any, what: str) -> dict[str, Any]:
    """`value` if it is a JSON object, else a 502."""
    if not isinstance(value, dict):
        raise UpstreamError(SERVICE, f"soulseek: unexpected {what} payload")
    return value


def as_list(value: Any) -> list[Any]:
    """`value` if it is a JSON array, else an empty list (for nested, optional arrays)."""
    return value if isinstance(value, list) else []


def count(value: Any) -> int | None:
    """A non-negative whole number, or None (booleans, NaN, `"big"` and negatives are not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def percent(value: Any) -> float:
    """A progress percentage clamped to 0–100; garbage is 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return min(100.0, max(0.0, float(value)))


def transfer_state(value: Any) -> str:
    """The state string as slskd sent it; non-strings become `Unknown`, odd flags are logged."""
    if not isinstance(value, str) or not value.strip():
        return UNKNOWN_STATE
    flags = {flag.strip() for flag in value.split(",")}
    if not flags <= STATE_FLAGS:
        logger.warning("unknown slskd transfer state %r", value[:100])
    return value


def normalise_transfer(raw: Any, username: Any = None) -> dict[str, Any] | None:
    """A transfer with sane types, or None when it has no usable id or filename."""
    if not isinstance(raw, dict):
        return None
    transfer_id, filename = raw.get("id"), raw.get("filename")
    if not isinstance(transfer_id, str) or not transfer_id or not isinstance(filename, str):
        return None
    owner = username if isinstance(username, str) and username else raw.get("username")
    transfer = dict(raw)
    transfer["username"] = owner if isinstance(owner, str) else ""
    transfer["state"] = transfer_state(raw.get("state"))
    transfer["size"] = count(raw.get("size"))
    transfer["bytesTransferred"] = count(raw.get("bytesTransferred")) or 0
    transfer["percentComplete"] = percent(raw.get("percentComplete"))
    transfer["placeInQueue"] = count(raw.get("placeInQueue"))
    transfer["removed"] = raw.get("removed") is True
    exception = raw.get("exception")
    transfer["exception"] = exception[:512] if isinstance(exception, str) else None
    for key in _TIMESTAMPS:
        if not isinstance(raw.get(key), str):
            transfer[key] = None
    return transfer


def flatten_transfers(body: Any) -> list[dict[str, Any]]:
    """slskd's users → directories → files listing as one list; duplicate ids kept once."""
    if not isinstance(body, list):
        raise UpstreamError(SERVICE, "soulseek: unexpected transfer listing")
    transfers, seen = [], set()
    for user in body:
        if not isinstance(user, dict):
            continue
        for directory in as_list(user.get("directories")):
            if not isinstance(directory, dict):
                continue
            for raw in as_list(directory.get("files")):
                transfer = normalise_transfer(raw, user.get("username"))
                if transfer is not None and transfer["id"] not in seen:
                    seen.add(transfer["id"])
                    transfers.append(transfer)
    return transfers


def requested_at(transfer: dict[str, Any]) -> datetime | None:
    """`requestedAt` as an aware datetime (slskd writes UTC without an offset)."""
    text = transfer.get("requestedAt")
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def unique_files(files: Any) -> list[dict[str, Any]]:
    """`[{"filename", "size"}]` with each filename once (slskd rejects repeats, T26)."""
    items, seen = [], set()
    for entry in as_list(files):
        filename = entry.get("filename") if isinstance(entry, dict) else None
        if not isinstance(filename, str) or not filename or filename in seen:
            continue
        seen.add(filename)
        items.append({"filename": filename, "size": count(entry.get("size")) or 0})
    return items


def search_state(body: Any) -> tuple[str, bool]:
    """`(state, is_complete)` of a polled search."""
    search = as_dict(body, "search")
    state = search.get("state")
    state = state if isinstance(state, str) and state else UNKNOWN_STATE
    complete = search.get("isComplete")
    if not isinstance(complete, bool):
        complete = state.startswith("Completed")
    return state, complete


def search_responses(body: Any) -> list[dict[str, Any]]:
    """Peer responses with a user name and list-typed `files`; anything else is dropped."""
    if not isinstance(body, list):
        raise UpstreamError(SERVICE, "soulseek: unexpected search responses")
    responses = []
    for raw in body:
        if not isinstance(raw, dict) or not isinstance(raw.get("username"), str):
            continue
        response = dict(raw)
        for key in ("files", "lockedFiles"):
            if key in raw or key == "files":
                response[key] = [
                    f
                    for f in as_list(raw.get(key))
                    if isinstance(f, dict) and isinstance(f.get("filename"), str)
                ]
        response["fileCount"] = len(response["files"])
        responses.append(response)
    return responses
