"""Enrichment tests: Harmony pointed at the fake Spotify, Plex, MusicBrainz, Cover Art Archive,
image host and LRCLIB; real audio files generated per test (tests/audio.py, `audio.py` here)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from downloads import artwork
from downloads.models import Download
from integrations import http, spotify_auth
from tests.factories import DownloadFactory
from tests.fakes import FakeCoverArt, FakeImageHost, FakeLrclib, FakeMusicBrainz, FakePlex
from tests.fakes.spotify import FakeSpotify

REDIRECT_URI = "http://127.0.0.1:8000/spotify/callback"

_ENV = (
    "SPOTIFY_ACCESS_TOKEN",
    "SPOTIFY_TOKEN_EXPIRES_AT",
    "SPOTIFY_API_URL",
    "SPOTIFY_ACCOUNTS_URL",
    "UPSTREAM_TIMEOUT_SEC",
    "ARTWORK_ALLOWED_HOSTS",
    "ARTWORK_TIMEOUT_SEC",
    "ARTWORK_MAX_BYTES",
    "ARTWORK_CONCURRENCY",
    "ARTWORK_FALLBACK_ENABLED",
    "ARTWORK_FALLBACK_PROVIDER",
    "ARTWORK_FALLBACK_TIMEOUT_SEC",
    "ARTWORK_FALLBACK_MAX_BYTES",
    "MUSICBRAINZ_URL",
    "COVERART_URL",
)


@pytest.fixture(autouse=True)
def _enrichment_env(monkeypatch: pytest.MonkeyPatch, settings, db) -> Iterator[None]:
    """No upstream is reachable unless a test points Harmony at a fake; lyrics off by default."""
    settings.ROOT_URLCONF = "tests.enrichment.urls"
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    # The defaults name real services: nothing may reach the internet from a test.
    monkeypatch.setenv("LYRICS_ENABLED", "false")
    monkeypatch.setenv("LRCLIB_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("MUSICBRAINZ_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("COVERART_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "3")
    monkeypatch.setattr(http, "BACKOFF", (0.0, 0.0, 0.0))
    monkeypatch.setattr(http.HttpClient, "sleep", staticmethod(lambda _seconds: None))
    monkeypatch.setattr(artwork.MUSICBRAINZ_THROTTLE, "last", None)
    spotify_auth.reset_process_state()
    yield
    spotify_auth.reset_process_state()


@pytest.fixture
def music_dir(tmp_path: Path) -> Path:
    return tmp_path / "music"


@pytest.fixture
def artwork_dir(tmp_path: Path) -> Path:
    return tmp_path / "artwork"


@pytest.fixture
def spotify(fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> FakeSpotify:
    """Spotify credentials (client-credentials flow) pointing at the fake."""
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", fake_spotify.client_id)
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", fake_spotify.client_secret)
    monkeypatch.setenv("SPOTIFY_REDIRECT_URI", REDIRECT_URI)
    monkeypatch.setenv("SPOTIFY_API_URL", fake_spotify.api_url)
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_URL", fake_spotify.url)
    return fake_spotify


@pytest.fixture
def plex(fake_plex: FakePlex, monkeypatch: pytest.MonkeyPatch) -> FakePlex:
    monkeypatch.setenv("PLEX_BASE_URL", fake_plex.url)
    monkeypatch.setenv("PLEX_TOKEN", fake_plex.token)
    return fake_plex


@pytest.fixture
def images(fake_image_host: FakeImageHost, monkeypatch: pytest.MonkeyPatch) -> FakeImageHost:
    """The fake image host, allow-listed by its exact host (127.0.0.1)."""
    monkeypatch.setenv("ARTWORK_ALLOWED_HOSTS", "*.scdn.co,127.0.0.1")
    return fake_image_host


@pytest.fixture
def musicbrainz(
    fake_musicbrainz: FakeMusicBrainz,
    fake_coverart: FakeCoverArt,
    images: FakeImageHost,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[FakeMusicBrainz, FakeCoverArt]:
    """The MusicBrainz + Cover Art Archive fallback, enabled."""
    monkeypatch.setenv("MUSICBRAINZ_URL", fake_musicbrainz.url)
    monkeypatch.setenv("COVERART_URL", fake_coverart.url)
    monkeypatch.setenv("ARTWORK_FALLBACK_ENABLED", "true")
    monkeypatch.setenv("ARTWORK_FALLBACK_PROVIDER", "musicbrainz")
    return fake_musicbrainz, fake_coverart


@pytest.fixture
def lrclib(fake_lrclib: FakeLrclib, monkeypatch: pytest.MonkeyPatch) -> FakeLrclib:
    monkeypatch.setenv("LYRICS_ENABLED", "true")
    monkeypatch.setenv("LRCLIB_URL", fake_lrclib.url)
    return fake_lrclib


@pytest.fixture
def completed(music_dir: Path) -> Callable[..., Download]:
    """A completed download whose organised file is `path` (created by the caller)."""

    def make(path: Path, *, metadata: dict[str, Any] | None = None, **fields: Any) -> Download:
        payload = {"username": "dj_user", "filename": fields.get("filename", path.name)}
        if metadata is not None:
            payload["metadata"] = metadata
        fields.setdefault("filename", f"Music\\Shared\\{path.name}")
        return DownloadFactory(
            status=Download.Status.COMPLETED,
            organized_path=str(path),
            local_path=None,
            request_payload=payload,
            pipeline_status=Download.Pipeline.RUNNING,
            **fields,
        )

    return make
