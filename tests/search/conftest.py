"""Fixtures for `POST /api/search`: the three fakes wired in, fast polls, real threads.

The search queries its sources in worker threads, which open their own database
connections; the tests therefore run with `transaction=True` (no outer test transaction
holding SQLite's shared-cache write lock while a worker thread writes its search-budget row).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from integrations import http, spotify_auth
from integrations.clients import slskd as slskd_client
from tests.fakes.plex import FakePlex
from tests.fakes.slskd import FakeSlskd
from tests.fakes.spotify import FakeSpotify

REDIRECT_URI = "http://127.0.0.1:8000/spotify/callback"


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No backoff waits, fast slskd polls, no Spotify token cached from another test."""
    monkeypatch.setattr(http, "BACKOFF", (0.0, 0.0, 0.0))
    monkeypatch.setattr(http.HttpClient, "sleep", staticmethod(lambda _seconds: None))
    monkeypatch.setattr(slskd_client, "POLL_INTERVAL", 0.01)
    monkeypatch.setattr(slskd_client, "STOP_GRACE", 0.3)
    monkeypatch.setenv("SOULSEEK_SEARCH_MIN_GAP_SEC", "0")
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "3")
    monkeypatch.setenv("SEARCH_TIMEOUT_MS", "5000")
    spotify_auth.reset_process_state()
    yield
    spotify_auth.reset_process_state()


@pytest.fixture
def spotify(fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> FakeSpotify:
    """Harmony configured for the fake Spotify (client credentials, no user)."""
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", fake_spotify.client_id)
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", fake_spotify.client_secret)
    monkeypatch.setenv("SPOTIFY_REDIRECT_URI", REDIRECT_URI)
    monkeypatch.setenv("SPOTIFY_API_URL", fake_spotify.api_url)
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_URL", fake_spotify.url)
    return fake_spotify


@pytest.fixture
def plex(fake_plex: FakePlex, monkeypatch: pytest.MonkeyPatch) -> FakePlex:
    """Harmony configured for the fake Plex, with a "Music" section."""
    fake_plex.add_section("Music")
    monkeypatch.setenv("PLEX_BASE_URL", fake_plex.url)
    monkeypatch.setenv("PLEX_TOKEN", fake_plex.token)
    return fake_plex


@pytest.fixture
def slskd(fake_slskd: FakeSlskd, monkeypatch: pytest.MonkeyPatch) -> FakeSlskd:
    """Harmony configured for the fake slskd; searches complete at the first poll."""
    fake_slskd.search_polls_to_complete = 1
    monkeypatch.setenv("SLSKD_URL", fake_slskd.url)
    return fake_slskd


@pytest.fixture
def search(api):
    """POST a body to `/api/search`."""

    def post(body: Any) -> Any:
        return api.post("/api/search", body, format="json")

    return post
