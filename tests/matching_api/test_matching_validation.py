"""Bad bodies of the `/matching` endpoints: 422 naming the field, never a 500 (SPEC §2.9, T11)."""

from __future__ import annotations

import pytest

from matching.models import Match
from tests.matching_api.conftest import EXACT_PLEX, HBFS

pytestmark = pytest.mark.django_db

PLEX = "/matching/spotify-to-plex"
SOULSEEK = "/matching/spotify-to-soulseek"
ALBUM = "/matching/spotify-to-plex-album"
TRACK = {"id": "abc", "name": "Song"}
ALBUM_BODY = {"id": "alb", "name": "Album"}


def _detail(response):
    assert response.status_code == 422, response.content
    return response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"candidates": []}, "spotify_track"),
        ({"spotify_track": TRACK}, "candidates"),
        ({"spotify_track": None, "candidates": []}, "spotify_track"),
        ({"spotify_track": "abc", "candidates": []}, "spotify_track"),
        ({"spotify_track": TRACK, "candidates": {"id": "1"}}, "candidates"),
        ({"spotify_track": TRACK, "candidates": None}, "candidates"),
        ({"spotify_track": TRACK, "candidates": "x"}, "candidates"),
    ],
)
def test_missing_or_ill_typed_top_level_fields_are_422(post, body, field):
    assert field in _detail(post(PLEX, body))


@pytest.mark.parametrize(
    ("track", "field"),
    [
        ({"name": "Song"}, "id"),
        ({"id": "abc"}, "name"),
        ({"id": "", "name": "Song"}, "id"),
        ({"id": "   ", "name": "Song"}, "id"),
        ({"id": 123, "name": "Song"}, "id"),
        ({"id": "abc", "name": ["Song"]}, "name"),
        ({"id": "abc", "name": True}, "name"),
        ({"id": "x" * 65, "name": "Song"}, "id"),
        ({"id": "abc", "name": "x" * 513}, "name"),
        ({**TRACK, "duration_ms": "long"}, "duration_ms"),
        ({**TRACK, "duration_ms": True}, "duration_ms"),
        ({**TRACK, "duration_ms": -1}, "duration_ms"),
        ({**TRACK, "artists": 5}, "artists"),
        ({**TRACK, "artists": [{"name": 5}]}, "artists"),
        ({**TRACK, "album": 7}, "album"),
        ({**TRACK, "album": {"name": ["x"]}}, "album"),
    ],
)
def test_spotify_track_fields_are_checked(post, track, field):
    detail = _detail(post(PLEX, {"spotify_track": track, "candidates": [EXACT_PLEX]}))

    assert field in detail["spotify_track"]
    assert not Match.objects.exists()


@pytest.mark.parametrize(
    ("candidate", "field"),
    [
        ({"title": 5}, "title"),
        ({"title": "x" * 1025}, "title"),
        ({"ratingKey": True}, "ratingKey"),
        ({"ratingKey": ["1"]}, "ratingKey"),
        ({"id": {"x": 1}}, "id"),
        ({"grandparentTitle": 1}, "grandparentTitle"),
        ({"parentTitle": []}, "parentTitle"),
        ({"duration": "3:45"}, "duration"),
    ],
)
def test_plex_candidate_fields_are_checked_by_index(post, candidate, field):
    body = {"spotify_track": HBFS, "candidates": [EXACT_PLEX, candidate]}

    detail = _detail(post(PLEX, body))

    assert field in detail["candidates"]["1"]


def test_candidate_must_be_an_object(post):
    detail = _detail(post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX, "501"]}))

    assert "1" in detail["candidates"]


def test_more_than_1000_candidates_are_refused(post):
    body = {"spotify_track": HBFS, "candidates": [EXACT_PLEX] * 1001}

    assert "candidates" in _detail(post(PLEX, body))


def test_exactly_1000_candidates_are_fine(post):
    response = post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX] * 1000})

    assert response.status_code == 200


def test_unknown_candidate_fields_and_nulls_are_accepted_and_echoed(post):
    candidate = {**EXACT_PLEX, "parentTitle": None, "custom": {"nested": [1, 2]}}

    response = post(PLEX, {"spotify_track": {**HBFS, "album": None}, "candidates": [candidate]})

    assert response.status_code == 200
    assert response.json()["best_match"] == candidate


def test_candidate_with_missing_fields_is_scored_not_refused(post):
    response = post(PLEX, {"spotify_track": HBFS, "candidates": [{}]})

    assert response.status_code == 200
    assert response.json() == {"best_match": {}, "confidence": 0.0}


@pytest.mark.parametrize(
    ("candidate", "field"),
    [
        ({"username": "u"}, "filename"),
        ({"filename": None}, "filename"),
        ({"filename": 12}, "filename"),
        ({"filename": "x" * 1025}, "filename"),
        ({"filename": "a.mp3", "size": "big"}, "size"),
        ({"filename": "a.mp3", "bitrate": -320}, "bitrate"),
        ({"filename": "a.mp3", "length": True}, "length"),
        ({"filename": "a.mp3", "extension": 3}, "extension"),
    ],
)
def test_soulseek_files_need_a_filename_and_typed_fields(post, candidate, field):
    detail = _detail(post(SOULSEEK, {"spotify_track": HBFS, "candidates": [candidate]}))

    assert field in detail["candidates"]["0"]


@pytest.mark.parametrize(
    ("album", "field"),
    [
        ({"name": "Album"}, "id"),
        ({"id": "alb"}, "name"),
        ({"id": "x" * 129, "name": "Album"}, "id"),
        ({**ALBUM_BODY, "total_tracks": "12"}, "total_tracks"),
        ({**ALBUM_BODY, "total_tracks": True}, "total_tracks"),
        ({**ALBUM_BODY, "release_date": 2001}, "release_date"),
        ({**ALBUM_BODY, "tracks": "t1,t2"}, "tracks"),
        ({**ALBUM_BODY, "tracks": {"items": "t1"}}, "tracks"),
        ({**ALBUM_BODY, "tracks": [{"id": 5}]}, "tracks"),
        ({**ALBUM_BODY, "tracks": ["t1"]}, "tracks"),
        ({**ALBUM_BODY, "tracks": [{"id": "x" * 65}]}, "tracks"),
        ({**ALBUM_BODY, "tracks": [{"id": "t"}] * 1001}, "tracks"),
    ],
)
def test_spotify_album_fields_are_checked(post, album, field):
    detail = _detail(post(ALBUM + "?persist=true", {"spotify_album": album, "candidates": []}))

    assert field in detail["spotify_album"]


@pytest.mark.parametrize(
    ("candidate", "field"),
    [
        ({"ratingKey": 1.5}, "ratingKey"),
        ({"leafCount": "12"}, "leafCount"),
        ({"year": True}, "year"),
        ({"year": [2001]}, "year"),
        ({"originallyAvailableAt": 2001}, "originallyAvailableAt"),
    ],
)
def test_plex_album_candidates_are_checked(post, candidate, field):
    body = {"spotify_album": ALBUM_BODY, "candidates": [candidate]}

    detail = _detail(post(ALBUM, body))

    assert field in detail["candidates"]["0"]


def test_album_year_may_be_a_number_or_a_date(post):
    body = {
        "spotify_album": {**ALBUM_BODY, "release_date": "2001-03-12"},
        "candidates": [{"title": "Album", "year": 2001}, {"title": "Album", "year": "2001"}],
    }

    assert post(ALBUM, body).status_code == 200


@pytest.mark.parametrize("path", [PLEX, SOULSEEK, ALBUM])
@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_body_that_is_not_an_object_is_422(api, path, body):
    response = api.post(path, body, format="json")

    assert response.status_code == 422
    assert "detail" in response.json()


@pytest.mark.parametrize("path", [PLEX, SOULSEEK, ALBUM])
def test_unparseable_json_is_400(api, path):
    response = api.post(path, '{"spotify_track": ', content_type="application/json")

    assert response.status_code == 400


@pytest.mark.parametrize("path", [PLEX, SOULSEEK])
def test_nan_in_a_candidate_is_400_not_500(api, path):
    raw = '{"spotify_track": {"id": "a", "name": "b"}, "candidates": [{"duration": NaN}]}'

    response = api.post(path, raw, content_type="application/json")

    assert response.status_code == 400
