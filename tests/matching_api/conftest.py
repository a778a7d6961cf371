"""Shared request bodies for the `/matching` endpoint tests (SPEC §2.9)."""

from __future__ import annotations

from typing import Any

import pytest

HBFS = {
    "id": "2cGxRwrMyEAp8dEbuZaVv6",
    "name": "Harder, Better, Faster, Stronger",
    "artists": [{"name": "Daft Punk"}],
    "album": {"name": "Discovery"},
    "duration_ms": 224000,
}
EXACT_PLEX = {
    "ratingKey": "501",
    "title": "Harder Better Faster Stronger",
    "grandparentTitle": "Daft Punk",
    "parentTitle": "Discovery",
    "duration": 224000,
}
# A live version: the version rule keeps it in the review band (0.6734).
LIVE_PLEX = {
    "ratingKey": "502",
    "title": "Harder Better Faster Stronger (Live)",
    "grandparentTitle": "Daft Punk",
    "parentTitle": "Alive 2007",
}
OTHER_PLEX = {"ratingKey": "503", "title": "Stronger", "grandparentTitle": "Kanye West"}


@pytest.fixture
def post(api):
    """POST a JSON body to a `/matching` path."""

    def send(path: str, body: Any) -> Any:
        return api.post(path, body, format="json")

    return send
