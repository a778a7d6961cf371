"""Bad input to `POST /api/search`: 422 naming the field, never a 500 (SPEC §3.1, D11, T11, T14, T16)."""

from __future__ import annotations

import pytest

from activity.models import ActivityEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "query"),
        ({"query": ""}, "query"),
        ({"query": "   \t "}, "query"),
        ({"query": None}, "query"),
        ({"query": 42}, "query"),
        ({"query": ["radiohead"]}, "query"),
        ({"query": "x" * 513}, "query"),
        ({"query": "x" * 10_000}, "query"),
        ({"query": "q", "type": "song"}, "type"),
        ({"query": "q", "type": "Track"}, "type"),
        ({"query": "q", "type": None}, "type"),
        ({"query": "q", "sources": ["spotify", "youtube"]}, "sources"),
        ({"query": "q", "sources": "spotify"}, "sources"),
        ({"query": "q", "sources": [1]}, "sources"),
        ({"query": "q", "sources": ["x"] * 11}, "sources"),
        ({"query": "q", "genre": 5}, "genre"),
        ({"query": "q", "genre": "g" * 101}, "genre"),
        ({"query": "q", "year_from": 1899}, "year_from"),
        ({"query": "q", "year_to": 2100}, "year_to"),
        ({"query": "q", "year_from": 2000, "year_to": 1999}, "year_from"),
        ({"query": "q", "year_from": True}, "year_from"),
        ({"query": "q", "year_from": 1990.5}, "year_from"),
        ({"query": "q", "year_to": "next year"}, "year_to"),
        ({"query": "q", "min_bitrate": -1}, "min_bitrate"),
        ({"query": "q", "min_bitrate": False}, "min_bitrate"),
        ({"query": "q", "format_priority": "FLAC"}, "format_priority"),
        ({"query": "q", "format_priority": [1]}, "format_priority"),
        ({"query": "q", "format_priority": ["F" * 17]}, "format_priority"),
        ({"query": "q", "format_priority": ["FLAC"] * 21}, "format_priority"),
        ({"query": "q", "limit": 0}, "limit"),
        ({"query": "q", "limit": -5}, "limit"),
        ({"query": "q", "limit": True}, "limit"),
        ({"query": "q", "limit": "many"}, "limit"),
        ({"query": "q", "limit": None}, "limit"),
        ({"query": "q", "offset": -1}, "offset"),
        ({"query": "q", "offset": 1.5}, "offset"),
        ({"query": "q", "offset": True}, "offset"),
    ],
)
def test_bad_input_is_422_naming_the_field(search, body, field):
    response = search(body)

    assert response.status_code == 422, response.content
    assert field in response.json()["detail"]
    assert not ActivityEvent.objects.filter(type="search").exists()


@pytest.mark.parametrize("body", [[], ["query"], "radiohead", 5])
def test_body_that_is_not_an_object_is_422(search, body):
    response = search(body)

    assert response.status_code == 422


def test_unparseable_json_is_400(api):
    response = api.post("/api/search", '{"query": ', content_type="application/json")

    assert response.status_code == 400


def test_needs_authentication(anon):
    assert anon.post("/api/search", {"query": "x"}, format="json").status_code == 401


def test_search_is_post_only(api):
    assert api.get("/api/search?query=x").status_code == 405
