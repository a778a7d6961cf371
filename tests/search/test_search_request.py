"""Accepted variations of the search request, seen through the answer and `search_started`."""

from __future__ import annotations

import pytest

from activity.models import ActivityEvent
from core.models import Setting

pytestmark = pytest.mark.django_db(transaction=True)


def started() -> dict:
    return ActivityEvent.objects.get(type="search", status="search_started").details


def test_query_is_trimmed_and_defaults_are_applied(search, plex):
    response = search({"query": "  radiohead  "})

    assert response.status_code == 200
    assert (response.json()["limit"], response.json()["offset"]) == (25, 0)
    assert started() == {
        "query": "radiohead",
        "sources": ["plex", "soulseek", "spotify"],
        "type": "mixed",
    }
    assert plex.requests_to("/hubs/search")[0].arg("query") == "radiohead"


def test_query_of_512_characters_is_accepted(search, plex):
    assert search({"query": "x" * 512, "sources": ["plex"]}).status_code == 200


def test_sources_are_case_insensitive_and_de_duplicated(search, plex):
    response = search({"query": "q", "sources": ["PLEX", "Plex", " plex "]})

    assert response.status_code == 200
    assert started()["sources"] == ["plex"]


@pytest.mark.parametrize("sources", [[], None])
def test_missing_or_empty_sources_mean_all(search, plex, sources):
    search({"query": "q", "sources": sources})

    assert started()["sources"] == ["plex", "soulseek", "spotify"]


def test_limit_above_the_maximum_is_clamped_and_echoed(search, plex):
    response = search({"query": "q", "sources": ["plex"], "limit": 10**12, "offset": 7})

    assert response.status_code == 200
    assert (response.json()["limit"], response.json()["offset"]) == (100, 7)


def test_limit_cap_follows_the_setting(search, plex):
    Setting.objects.update_or_create(key="SEARCH_MAX_LIMIT", defaults={"value": "10"})

    response = search({"query": "q", "sources": ["plex"], "limit": 50})

    assert response.json()["limit"] == 10


def test_only_given_filters_are_recorded_normalised(search, plex):
    search(
        {
            "query": "q",
            "sources": ["plex"],
            "type": "album",
            "genre": "  Art Rock ",
            "year_to": 2024,
            "format_priority": ["flac", "FLAC", " alac ", ".aac", ""],
            "unknown_field": "ignored",
        }
    )

    assert started() == {
        "query": "q",
        "sources": ["plex"],
        "type": "album",
        "filters": {
            "genre": "Art Rock",
            "year_to": 2024,
            "format_priority": ["FLAC", "ALAC", "AAC"],
        },
    }


def test_null_and_blank_optional_filters_count_as_absent(search, plex):
    body = {
        "query": "q",
        "sources": ["plex"],
        "genre": " ",
        "year_from": None,
        "year_to": None,
        "min_bitrate": None,
        "format_priority": None,
    }

    assert search(body).status_code == 200
    assert "filters" not in started()


def test_equal_year_bounds_are_fine(search, plex):
    assert (
        search({"query": "q", "sources": ["plex"], "year_from": 2000, "year_to": 2000}).status_code
        == 200
    )
