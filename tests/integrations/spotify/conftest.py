"""Fixtures that point Harmony at a `FakeSpotify` (SPEC §9.2) and store user tokens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integrations import http, spotify_auth
from tests.fakes import fixtures
from tests.fakes.spotify import FakeSpotify
from tests.integrations.spotify.support import REDIRECT_URI, StoredTokens, store_user_tokens

# The lead registers tests.fakes.fixtures as a plugin; until then this package binds it itself.
fake_spotify = fixtures.fake_spotify

_SPOTIFY_ENV = (
    "SPOTIFY_ACCESS_TOKEN",
    "SPOTIFY_TOKEN_EXPIRES_AT",
    "SPOTIFY_API_URL",
    "SPOTIFY_ACCOUNTS_URL",
    "SPOTIFY_SCOPE",
    "UPSTREAM_TIMEOUT_SEC",
)


@pytest.fixture(autouse=True)
def _fast_and_clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No backoff or Retry-After waits; no token cached from an earlier test."""
    monkeypatch.setattr(http, "BACKOFF", (0.0, 0.0, 0.0))
    monkeypatch.setattr(http.HttpClient, "sleep", staticmethod(lambda _seconds: None))
    for name in _SPOTIFY_ENV:
        monkeypatch.delenv(name, raising=False)
    spotify_auth.reset_process_state()
    yield
    spotify_auth.reset_process_state()


@pytest.fixture
def spotify(fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> FakeSpotify:
    """Harmony configured for the fake (credentials, both base URLs, 2 s timeout), no user."""
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", fake_spotify.client_id)
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", fake_spotify.client_secret)
    monkeypatch.setenv("SPOTIFY_REDIRECT_URI", REDIRECT_URI)
    monkeypatch.setenv("SPOTIFY_API_URL", fake_spotify.api_url)
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_URL", fake_spotify.url)
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "2")
    return fake_spotify


@pytest.fixture
def user(spotify: FakeSpotify, db: None) -> StoredTokens:
    """A logged-in Spotify user with a fresh access token."""
    return store_user_tokens(spotify)


@pytest.fixture
def concurrent_sqlite() -> Iterator[None]:
    """Let threads read while another thread writes, as WAL does in production.

    The test database is SQLite's shared-cache in-memory database, whose table locks answer
    "database table is locked" at once instead of honouring `busy_timeout`; uncommitted reads
    take no table lock. Other backends are left alone.
    """
    from django.db.backends.signals import connection_created

    def relax(sender, connection, **kwargs) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(relax)
    yield
    connection_created.disconnect(relax)
