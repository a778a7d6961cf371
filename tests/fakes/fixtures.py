"""Pytest fixtures that start and stop the fake upstreams (one fresh server per test).

Registered as a plugin (``pytest_plugins = ["tests.fakes.fixtures"]``). They do not touch Django
settings; point Harmony at ``fake.url`` in the fixtures that need it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from .artwork import FakeCoverArt, FakeImageHost, FakeLrclib, FakeMusicBrainz
from .base import FakeServer
from .plex import FakePlex
from .slskd import FakeSlskd
from .spotify import FakeSpotify

FakeT = TypeVar("FakeT", bound=FakeServer)


@contextmanager
def running(fake: FakeT) -> Iterator[FakeT]:
    """Serve ``fake`` for the block; afterwards fail if one of its handlers crashed.

    A crash answers 500, which Harmony may well handle "correctly"; this keeps fake bugs visible.
    """
    with fake:
        yield fake
    assert not fake.errors, f"{type(fake).__name__} crashed:\n{fake.errors[0]}"


@pytest.fixture
def fake_spotify() -> Iterator[FakeSpotify]:
    """A running ``FakeSpotify`` (accounts at ``.url``, Web API at ``.api_url``)."""
    with running(FakeSpotify()) as fake:
        yield fake


@pytest.fixture
def fake_plex() -> Iterator[FakePlex]:
    """A running ``FakePlex`` with token ``fake_plex.token``."""
    with running(FakePlex()) as fake:
        yield fake


@pytest.fixture
def fake_slskd(tmp_path: Path) -> Iterator[FakeSlskd]:
    """A running ``FakeSlskd`` writing finished files below ``fake_slskd.downloads_dir``."""
    # Same folder the suite's SLSKD_DOWNLOADS_DIR points at, so Harmony finds what slskd wrote.
    downloads = tmp_path / "slskd-downloads"
    downloads.mkdir(exist_ok=True)
    with running(FakeSlskd(downloads)) as fake:
        yield fake


@pytest.fixture
def fake_image_host() -> Iterator[FakeImageHost]:
    """A running ``FakeImageHost``."""
    with running(FakeImageHost()) as fake:
        yield fake


@pytest.fixture
def fake_musicbrainz() -> Iterator[FakeMusicBrainz]:
    """A running ``FakeMusicBrainz``."""
    with running(FakeMusicBrainz()) as fake:
        yield fake


@pytest.fixture
def fake_coverart(fake_image_host: FakeImageHost) -> Iterator[FakeCoverArt]:
    """A running ``FakeCoverArt`` whose covers default to ``fake_image_host``."""
    with running(FakeCoverArt(fake_image_host.url)) as fake:
        yield fake


@pytest.fixture
def fake_lrclib() -> Iterator[FakeLrclib]:
    """A running ``FakeLrclib``."""
    with running(FakeLrclib()) as fake:
        yield fake
