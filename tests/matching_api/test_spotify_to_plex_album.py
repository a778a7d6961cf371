"""`POST /matching/spotify-to-plex-album` with `persist` (SPEC §2.9, §4.5)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from matching import services
from matching.models import Match

PATH = "/matching/spotify-to-plex-album"
pytestmark = pytest.mark.django_db

ALBUM = {
    "id": "2noRn2Aes5aoNVsU6iWThc",
    "name": "Discovery",
    "artists": [{"name": "Daft Punk"}],
    "total_tracks": 3,
    "release_date": "2001-03-12",
    "tracks": {"items": [{"id": "t1", "name": "One More Time"}, {"id": "t2"}, {"id": "t3"}]},
}
DISCOVERY = {
    "ratingKey": "700",
    "title": "Discovery",
    "parentTitle": "Daft Punk",
    "leafCount": 3,
    "year": 2001,
}
HOMEWORK = {
    "ratingKey": "701",
    "title": "Homework",
    "parentTitle": "Daft Punk",
    "leafCount": 16,
    "year": 1997,
}


def test_best_album_is_answered_without_storing_by_default(post):
    response = post(PATH, {"spotify_album": ALBUM, "candidates": [HOMEWORK, DISCOVERY]})

    assert response.status_code == 200
    assert response.json() == {"best_match": DISCOVERY, "confidence": 1.0}
    assert not Match.objects.exists()


def test_persist_stores_one_match_per_album_track(post):
    response = post(PATH + "?persist=true", {"spotify_album": ALBUM, "candidates": [DISCOVERY]})

    assert response.status_code == 200
    rows = Match.objects.order_by("spotify_track_id")
    assert [r.spotify_track_id for r in rows] == ["t1", "t2", "t3"]
    assert {(r.source, r.target_id, r.context_id, r.confidence) for r in rows} == {
        ("spotify-to-plex-album", "700", ALBUM["id"], 1.0)
    }


def test_tracks_may_be_a_plain_list(post):
    album = {**ALBUM, "tracks": [{"id": "t1"}, {"id": "t1"}, {"name": "no id"}]}

    post(PATH + "?persist=1", {"spotify_album": album, "candidates": [DISCOVERY]})

    assert list(Match.objects.values_list("spotify_track_id", flat=True)) == ["t1"]


def test_persist_false_spelled_no_stores_nothing(post):
    post(PATH + "?persist=no", {"spotify_album": ALBUM, "candidates": [DISCOVERY]})

    assert not Match.objects.exists()


def test_persist_repeats_update_in_place(post):
    body = {"spotify_album": ALBUM, "candidates": [DISCOVERY]}
    post(PATH + "?persist=true", body)
    weaker = {**DISCOVERY, "leafCount": None, "year": None}

    post(PATH + "?persist=true", {"spotify_album": ALBUM, "candidates": [weaker]})

    assert Match.objects.count() == 3
    assert set(Match.objects.values_list("confidence", flat=True)) == {0.8}
    assert set(Match.objects.values_list("decision", flat=True)) == {"review"}


def test_album_below_the_threshold_is_not_stored(post):
    response = post(PATH + "?persist=true", {"spotify_album": ALBUM, "candidates": [HOMEWORK]})

    assert response.json()["confidence"] < 0.65
    assert not Match.objects.exists()


def test_persist_is_one_transaction(post, monkeypatch):
    calls = []
    real = services.upsert_match

    def failing_on_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise DatabaseError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "upsert_match", failing_on_third)

    response = post(PATH + "?persist=true", {"spotify_album": ALBUM, "candidates": [DISCOVERY]})

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "code": "INTERNAL_ERROR"}
    assert len(calls) == 3
    assert not Match.objects.exists()


@pytest.mark.parametrize("value", ["maybe", "2", "truee"])
def test_persist_must_be_a_strict_boolean(post, value):
    response = post(f"{PATH}?persist={value}", {"spotify_album": ALBUM, "candidates": []})

    assert response.status_code == 422
    assert "persist" in response.json()["detail"]
