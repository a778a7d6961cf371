"""Fixtures of the downloads tests: a fake slskd Harmony is pointed at, and helpers to drive it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.http import HttpClient
from tests.fakes.slskd import FakeSlskd


@pytest.fixture(autouse=True)
def _no_client_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTTP helper's retry waits become no-ops: tests never sleep (STYLE §6)."""
    monkeypatch.setattr(HttpClient, "sleep", staticmethod(lambda _seconds: None))


@pytest.fixture(autouse=True)
def _no_beets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """beets is "not installed" unless a test opts in: imports are `skipped`."""
    monkeypatch.setenv("BEETS_COMMAND", str(tmp_path / "no-such-beet"))


@pytest.fixture(autouse=True)
def _offline_enrichment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The enrichment step behind the pipeline's hook never reaches the internet here."""
    monkeypatch.setenv("LYRICS_ENABLED", "false")
    monkeypatch.setenv("ARTWORK_FALLBACK_ENABLED", "false")
    for key in ("LRCLIB_URL", "MUSICBRAINZ_URL", "COVERART_URL", "SPOTIFY_API_URL"):
        monkeypatch.setenv(key, "http://127.0.0.1:9")


@pytest.fixture
def music_dir() -> Path:
    return Path(os.environ["MUSIC_DIR"])


@pytest.fixture
def downloads_dir() -> Path:
    return Path(os.environ["SLSKD_DOWNLOADS_DIR"])


@pytest.fixture
def slskd(monkeypatch: pytest.MonkeyPatch, downloads_dir: Path) -> Iterator[FakeSlskd]:
    """A running FakeSlskd that Harmony is configured to use (`SLSKD_URL`), writing finished
    files into Harmony's `SLSKD_DOWNLOADS_DIR`."""
    with FakeSlskd(downloads_dir) as fake:
        monkeypatch.setenv("SLSKD_URL", fake.url)
        yield fake
