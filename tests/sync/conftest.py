"""A configured world for sync tests: fake Spotify (with a user), Plex and slskd (SPEC §5.8)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from integrations import http, spotify_auth
from integrations.http import HttpClient
from tests.fakes.plex import FakePlex
from tests.fakes.slskd import FakeSlskd
from tests.fakes.spotify import FakeSpotify
from tests.integrations.spotify.support import REDIRECT_URI, store_user_tokens


@dataclass
class World:
    spotify: FakeSpotify
    plex: FakePlex
    slskd: FakeSlskd


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No backoff waits, no cached Spotify tokens, quick search polling."""
    monkeypatch.setattr(http, "BACKOFF", (0.0, 0.0, 0.0))
    monkeypatch.setattr(HttpClient, "sleep", staticmethod(lambda _seconds: None))
    from integrations.clients import slskd as slskd_client

    monkeypatch.setattr(slskd_client, "POLL_INTERVAL", 0.01)
    spotify_auth.reset_process_state()
    yield
    spotify_auth.reset_process_state()


@pytest.fixture
def world(
    db, fake_spotify: FakeSpotify, fake_plex: FakePlex, fake_slskd: FakeSlskd, monkeypatch
) -> World:
    """Harmony pointed at all three fakes, with a logged-in Spotify user and a Plex section."""
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", fake_spotify.client_id)
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", fake_spotify.client_secret)
    monkeypatch.setenv("SPOTIFY_REDIRECT_URI", REDIRECT_URI)
    monkeypatch.setenv("SPOTIFY_API_URL", fake_spotify.api_url)
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_URL", fake_spotify.url)
    monkeypatch.setenv("PLEX_BASE_URL", fake_plex.url)
    monkeypatch.setenv("PLEX_TOKEN", fake_plex.token)
    monkeypatch.setenv("SLSKD_URL", fake_slskd.url)
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "3")
    monkeypatch.setenv("SLSKD_SEARCH_TIMEOUT_SEC", "3")
    monkeypatch.setenv("SOULSEEK_SEARCH_MIN_GAP_SEC", "0")
    monkeypatch.setenv("scan_worker_incremental", "false")
    store_user_tokens(fake_spotify)
    fake_plex.add_section("Music")
    return World(fake_spotify, fake_plex, fake_slskd)
