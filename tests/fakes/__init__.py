"""Fake upstream HTTP servers for the test suite (STYLE.md §6): real sockets, real wire formats."""

from __future__ import annotations

from .artwork import FakeCoverArt, FakeImageHost, FakeLrclib, FakeMusicBrainz, fake_jpeg, tiny_png
from .base import FakeServer, RecordedRequest
from .plex import FakePlex
from .slskd import FakeSlskd, slsk_file
from .spotify import FakeSpotify

__all__ = [
    "FakeCoverArt",
    "FakeImageHost",
    "FakeLrclib",
    "FakeMusicBrainz",
    "FakePlex",
    "FakeServer",
    "FakeSlskd",
    "FakeSpotify",
    "RecordedRequest",
    "fake_jpeg",
    "slsk_file",
    "tiny_png",
]
