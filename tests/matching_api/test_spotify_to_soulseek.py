"""`POST /matching/spotify-to-soulseek` (SPEC §2.9, §4.3)."""

from __future__ import annotations

import pytest

from matching.models import Match
from tests.matching_api.conftest import HBFS

PATH = "/matching/spotify-to-soulseek"
pytestmark = pytest.mark.django_db

GOOD = {
    "filename": "@@share\\Music\\Daft Punk\\Discovery\\04 - Harder, Better, Faster, Stronger.mp3",
    "username": "dj_user",
    "size": 9_000_000,
    "bitrate": 320,
    "length": 224,
    "extension": "mp3",
}
WRONG = {"filename": "Music\\Other\\Unrelated Song.mp3", "username": "someone"}


def test_best_file_is_answered_and_stored_with_its_path_as_target(post):
    response = post(PATH, {"spotify_track": HBFS, "candidates": [WRONG, GOOD]})

    assert response.status_code == 200
    assert response.json()["best_match"] == GOOD
    assert response.json()["confidence"] == 1.0
    match = Match.objects.get()
    assert match.source == "spotify-to-soulseek"
    assert match.target_id == GOOD["filename"]
    assert match.decision == "auto"
    assert match.scores["quality"] == 1.0


def test_slskd_spelling_bit_rate_is_accepted(post):
    candidate = {**GOOD, "bitRate": 128}
    del candidate["bitrate"]

    response = post(PATH, {"spotify_track": HBFS, "candidates": [candidate]})

    assert response.status_code == 200
    assert Match.objects.get().scores["quality"] == 0.5


def test_poor_file_is_answered_but_not_stored(post):
    response = post(PATH, {"spotify_track": HBFS, "candidates": [WRONG]})

    assert response.json()["best_match"] == WRONG
    assert response.json()["confidence"] < 0.65
    assert not Match.objects.exists()


def test_empty_candidates_answer_null(post):
    response = post(PATH, {"spotify_track": HBFS, "candidates": []})

    assert response.json() == {"best_match": None, "confidence": 0.0}
