"""Shared fixtures: authenticated clients, isolated data directories, clean environment."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.helpers import TEST_API_KEY

# The fake upstream servers (Spotify, Plex, slskd, MusicBrainz/CAA, image host, LRCLIB).
pytest_plugins = ["tests.fakes.fixtures"]

# Variables of the developer's shell must not leak into tests (credentials, directories).
_ISOLATED_ENV = (
    "SPOTIFY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET",
    "SPOTIFY_REDIRECT_URI",
    "SPOTIFY_REFRESH_TOKEN",
    "PLEX_BASE_URL",
    "PLEX_TOKEN",
    "PLEX_LIBRARY",
    "SLSKD_URL",
    "SLSKD_HOST",
    "SLSKD_PORT",
    "SLSKD_API_KEY",
    "SPOTIFY_ACCESS_TOKEN",
    "SPOTIFY_TOKEN_EXPIRES_AT",
    "SPOTIFY_API_URL",
    "SPOTIFY_ACCOUNTS_URL",
    "UPSTREAM_TIMEOUT_SEC",
    "BEETS_COMMAND",
    "BEETS_TIMEOUT_SEC",
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path, settings) -> None:
    """Every test gets its own data directories and no credentials from the environment."""
    for name in _ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, sub in (
        ("MUSIC_DIR", "music"),
        ("SLSKD_DOWNLOADS_DIR", "slskd-downloads"),
        ("ARTWORK_DIR", "artwork"),
        ("BEETSDIR", "beets"),
    ):
        path = tmp_path / sub
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    # No test may reach the internet: the public lyrics/artwork services point at a closed port.
    monkeypatch.setenv("LYRICS_ENABLED", "false")
    for name in ("LRCLIB_URL", "MUSICBRAINZ_URL", "COVERART_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    settings.HARMONY_API_KEYS = [TEST_API_KEY]
    settings.HARMONY_DISABLE_WORKERS = True


@pytest.fixture
def api(db) -> APIClient:
    """A client authenticated by `X-API-Key` (CSRF-exempt, like the user's scripts)."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=TEST_API_KEY)
    return client


@pytest.fixture
def anon(db) -> APIClient:
    return APIClient()


@pytest.fixture
def operator(db):
    return UserFactory(username="operator")


@pytest.fixture
def session_client(operator) -> APIClient:
    """A browser-like client logged in with a session (CSRF enforced on writes)."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(operator)
    return client
