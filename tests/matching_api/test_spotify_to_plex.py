"""`POST /matching/spotify-to-plex` (SPEC §2.9, §4.2, §1.6)."""

from __future__ import annotations

import pytest
import time_machine

from core.models import Setting
from matching.models import Match
from tests.matching_api.conftest import EXACT_PLEX, HBFS, LIVE_PLEX, OTHER_PLEX

PATH = "/matching/spotify-to-plex"
pytestmark = pytest.mark.django_db


def test_documented_example_answers_the_candidate_with_title_only_confidence(post):
    body = {
        "spotify_track": {
            "id": "2cGxRwrMyEAp8dEbuZaVv6",
            "name": "Harder, Better, Faster, Stronger",
        },
        "candidates": [
            {"id": "123", "title": "Harder Better Faster Stronger", "album": "Discovery"}
        ],
    }

    response = post(PATH, body)

    assert response.status_code == 200
    assert response.json() == {
        "best_match": {"id": "123", "title": "Harder Better Faster Stronger", "album": "Discovery"},
        "confidence": 0.9,
    }
    match = Match.objects.get()
    assert (match.source, match.spotify_track_id, match.target_id) == (
        "spotify-to-plex",
        "2cGxRwrMyEAp8dEbuZaVv6",
        "123",
    )
    assert match.context_id == ""
    assert match.confidence == 0.9
    assert match.decision == "auto"


def test_best_candidate_is_echoed_exactly_as_sent(post):
    extra = {**EXACT_PLEX, "thumb": "/library/metadata/501/thumb", "Media": [{"bitrate": 320}]}

    response = post(PATH, {"spotify_track": HBFS, "candidates": [OTHER_PLEX, extra, LIVE_PLEX]})

    assert response.status_code == 200
    assert response.json() == {"best_match": extra, "confidence": 1.0}


def test_scores_of_the_stored_match_explain_it(post):
    post(PATH, {"spotify_track": HBFS, "candidates": [EXACT_PLEX]})

    scores = Match.objects.get().scores
    assert scores["title"] == 1.0
    assert scores["artist"] == 1.0
    assert scores["coverage"] == 1.0
    assert scores["notes"] == []


def test_confidence_is_rounded_to_four_decimals(post):
    response = post(PATH, {"spotify_track": HBFS, "candidates": [LIVE_PLEX]})

    assert response.json()["confidence"] == 0.6734


def test_no_candidates_answer_null_and_zero_and_store_nothing(post):
    response = post(PATH, {"spotify_track": HBFS, "candidates": []})

    assert response.status_code == 200
    assert response.json() == {"best_match": None, "confidence": 0.0}
    assert not Match.objects.exists()


def test_best_match_below_the_threshold_is_answered_but_not_stored(post):
    response = post(PATH, {"spotify_track": HBFS, "candidates": [OTHER_PLEX]})

    assert response.json()["best_match"] == OTHER_PLEX
    assert response.json()["confidence"] < 0.65
    assert not Match.objects.exists()


def test_threshold_setting_decides_what_is_stored(post):
    Setting.objects.update_or_create(
        key="matching_confidence_threshold", defaults={"value": "0.95"}
    )

    post(PATH, {"spotify_track": HBFS, "candidates": [LIVE_PLEX]})

    assert not Match.objects.exists()


def test_repeat_updates_the_match_instead_of_inserting(post):
    with time_machine.travel("2025-01-01T10:00:00Z", tick=False):
        post(PATH, {"spotify_track": HBFS, "candidates": [LIVE_PLEX]})
    first = Match.objects.get()
    improved = {**LIVE_PLEX, "title": "Harder Better Faster Stronger (Live)", "duration": 224000}

    with time_machine.travel("2025-01-02T10:00:00Z", tick=False):
        post(PATH, {"spotify_track": HBFS, "candidates": [improved]})

    match = Match.objects.get()
    assert match.pk == first.pk
    assert match.confidence > first.confidence
    assert match.updated_at > first.updated_at
    assert match.created_at == first.created_at
    assert match.scores["duration"] == 1.0


def test_integer_rating_key_is_stored_as_text(post):
    candidate = {**EXACT_PLEX, "ratingKey": 501}

    response = post(PATH, {"spotify_track": HBFS, "candidates": [candidate]})

    assert response.json()["best_match"] == candidate
    assert Match.objects.get().target_id == "501"


def test_candidate_without_any_id_is_answered_but_not_stored(post):
    candidate = {k: v for k, v in EXACT_PLEX.items() if k != "ratingKey"}

    response = post(PATH, {"spotify_track": HBFS, "candidates": [candidate]})

    assert response.status_code == 200
    assert response.json() == {"best_match": candidate, "confidence": 1.0}
    assert not Match.objects.exists()


def test_equal_confidences_keep_the_first_candidate(post):
    twin = {**EXACT_PLEX, "ratingKey": "999"}

    response = post(PATH, {"spotify_track": HBFS, "candidates": [EXACT_PLEX, twin]})

    assert response.json()["best_match"]["ratingKey"] == "501"


def test_no_upstream_call_is_needed_without_credentials(post):
    response = post(PATH, {"spotify_track": HBFS, "candidates": [EXACT_PLEX]})

    assert response.status_code == 200
