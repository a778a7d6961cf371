"""Fixtures that point Harmony at a `FakeSlskd` (SPEC §9.1) and keep time out of the tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from activity.models import ActivityEvent
from core.models import Setting
from downloads.models import Download
from integrations import http
from integrations.clients import slskd as slskd_client
from tests.fakes.slskd import FakeSlskd

API_KEY = "slskd-test-api-key"


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """No backoff or Retry-After waits (the waits asked for are recorded), fast search polls,
    a 1 s upstream timeout, and no batch-support memory from an earlier test."""
    waits: list[float] = []
    monkeypatch.setattr(http, "BACKOFF", (0.0, 0.0, 0.0))
    monkeypatch.setattr(http.HttpClient, "sleep", staticmethod(waits.append))
    monkeypatch.setattr(slskd_client, "POLL_INTERVAL", 0.01)
    monkeypatch.setattr(slskd_client, "STOP_GRACE", 0.5)
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    monkeypatch.setenv("SOULSEEK_SEARCH_MIN_GAP_SEC", "0")
    slskd_client._batchless.clear()
    yield waits
    slskd_client._batchless.clear()


@pytest.fixture
def waits(_fast: list[float]) -> list[float]:
    """The seconds Harmony asked `HttpClient.sleep` for (429 waits, backoff)."""
    return _fast


@pytest.fixture
def slskd(db: None, fake_slskd: FakeSlskd, monkeypatch: pytest.MonkeyPatch) -> FakeSlskd:
    """Harmony configured for the fake: `SLSKD_URL` and an API key the fake insists on."""
    fake_slskd.api_key = API_KEY
    monkeypatch.setenv("SLSKD_URL", fake_slskd.url)
    monkeypatch.setenv("SLSKD_API_KEY", API_KEY)
    return fake_slskd


def db_snapshot() -> dict[str, Any]:
    """The domain tables a failed request must leave alone (CONTRACT §6)."""
    return {
        "downloads": list(Download.objects.order_by("pk").values()),
        "events": ActivityEvent.objects.count(),
        "settings": list(Setting.objects.order_by("key").values_list("key", "value")),
    }
