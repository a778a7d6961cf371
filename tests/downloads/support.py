"""Helpers shared by the downloads tests."""

from __future__ import annotations

from typing import Any

from downloads.models import Download
from downloads.tasks import run_sync_cycle
from tests.fakes.slskd import FakeSlskd


def enqueue_requests(fake: FakeSlskd) -> list[Any]:
    """Every enqueue request the fake received (per-user and batch endpoint)."""
    return fake.requests_to(r"^/api/v0/transfers/downloads/[^/]+$", "POST")


def post_download(api: Any, username: str = "dj_user", **file: Any) -> dict[str, Any]:
    """`POST /api/download` with one file; returns the 202 body."""
    file.setdefault("filename", "Music\\Daft Punk\\Discovery\\04 Harder.mp3")
    response = api.post("/api/download", {"username": username, "files": [file]}, format="json")
    assert response.status_code == 202, response.content
    return response.json()


def cycle_until(predicate: Any, fake: FakeSlskd, *, rounds: int = 20) -> None:
    """Run sync cycles, advancing the fake one state between them, until `predicate()`."""
    for _ in range(rounds):
        run_sync_cycle()
        if predicate():
            return
        fake.advance()
    raise AssertionError("condition not reached within the sync cycles")


def status_of(download_id: int) -> str:
    return Download.objects.values_list("status", flat=True).get(pk=download_id)
