"""Harmony pointed at a running `FakePlex` (SPEC §9.3) with a small seeded music library."""

from __future__ import annotations

from typing import Any

import pytest

from integrations import http
from tests.fakes import FakePlex


@pytest.fixture
def plex(fake_plex: FakePlex, monkeypatch: pytest.MonkeyPatch, db) -> FakePlex:
    """`PLEX_BASE_URL`/`PLEX_TOKEN` point at the fake; retries do not wait."""
    monkeypatch.setenv("PLEX_BASE_URL", fake_plex.url)
    monkeypatch.setenv("PLEX_TOKEN", fake_plex.token)
    monkeypatch.setattr(http, "BACKOFF", (0.0, 0.0, 0.0))
    return fake_plex


@pytest.fixture
def library(plex: FakePlex) -> dict[str, Any]:
    """Section "Music" (key 1): 2 artists, 3 albums, 5 tracks (the SPEC §2.7 example counts)."""
    plex.add_section("Music", key="1")
    tracks = {
        "fishes": plex.add_track("Weird Fishes/Arpeggi", "Radiohead", "In Rainbows"),
        "nude": plex.add_track("Nude", "Radiohead", "In Rainbows"),
        "airbag": plex.add_track("Airbag", "Radiohead", "OK Computer"),
        "one_more_time": plex.add_track("One More Time", "Daft Punk", "Discovery"),
        "harder": plex.add_track("Harder, Better, Faster, Stronger", "Daft Punk", "Discovery"),
    }
    return tracks
