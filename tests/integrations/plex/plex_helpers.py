"""Assertions about what Harmony sent to Plex, DB snapshots and SSE frame parsing."""

from __future__ import annotations

import json
import time
from typing import Any

from activity.models import ActivityEvent
from core.models import Setting
from integrations.clients.plex import client_identifier
from tests.fakes import FakePlex, RecordedRequest


def assert_sent_by_harmony(request: RecordedRequest, fake: FakePlex) -> None:
    """The headers of SPEC §2.7, and the token in no query string (T08)."""
    assert request.header("X-Plex-Token") == fake.token
    assert request.header("Accept") == "application/json"
    assert request.header("X-Plex-Product") == "Harmony"
    assert request.header("X-Plex-Client-Identifier") == client_identifier()
    assert not any(key.lower() == "x-plex-token" for key in request.query)


def only(fake: FakePlex, path: str, method: str = "GET") -> RecordedRequest:
    """The single request Harmony made to `path` (a regex, matched in full)."""
    hits = fake.requests_to(f"^{path}$", method)
    assert len(hits) == 1, [(r.method, r.path) for r in fake.requests]
    assert_sent_by_harmony(hits[0], fake)
    return hits[0]


def db_state() -> tuple[list[tuple[str, str | None]], int]:
    """Every settings row and the number of activity events (a failed call changes neither)."""
    rows = list(Setting.objects.order_by("key").values_list("key", "value"))
    return rows, ActivityEvent.objects.count()


def parse_frames(raw: bytes) -> list[tuple[str, Any]]:
    """SSE frames as `(event, data)`; comments become `(":", text)`."""
    frames = []
    for block in raw.decode().split("\n\n"):
        if not block.strip():
            continue
        if block.startswith(":"):
            frames.append((":", block[1:].strip()))
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        frames.append((fields["event"], json.loads(fields["data"])))
    return frames


class FrameReader:
    """Reads SSE frames from an iterator of byte chunks until one matches."""

    def __init__(self, chunks: Any) -> None:
        self.chunks = chunks
        self.buffer = b""

    def next_frame(self, name: str | None = None, timeout: float = 5.0) -> tuple[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\n\n" in self.buffer:
                block, self.buffer = self.buffer.split(b"\n\n", 1)
                frames = parse_frames(block + b"\n\n")
                if frames and (name is None or frames[0][0] == name):
                    return frames[0]
            chunk = next(self.chunks)
            self.buffer += chunk
        raise AssertionError(f"no {name or 'frame'} within {timeout}s")
