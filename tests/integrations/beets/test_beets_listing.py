"""GET /beets/albums, /tracks, /stats, /fields and POST /beets/query on a real library (§2.12)."""

from __future__ import annotations

import pytest

from tests.integrations.beets.conftest import TEMPLATE_TRACKS

pytestmark = pytest.mark.django_db

BEETS_URLS = [
    ("post", "/beets/import"),
    ("post", "/beets/update"),
    ("post", "/beets/remove"),
    ("post", "/beets/move"),
    ("post", "/beets/write"),
    ("get", "/beets/albums"),
    ("get", "/beets/tracks"),
    ("get", "/beets/stats"),
    ("get", "/beets/fields"),
    ("post", "/beets/query"),
]


@pytest.mark.parametrize(("method", "url"), BEETS_URLS)
def test_every_beets_url_needs_authentication(anon, method, url):
    response = getattr(anon, method)(url, {}, format="json")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_albums_lists_album_artist_and_album(api, library):
    response = api.get("/beets/albums")

    assert response.status_code == 200
    assert response.json() == {"albums": ["Daft Punk - Discovery"]}


def test_tracks_lists_artist_album_and_title(api, library):
    response = api.get("/beets/tracks")

    assert response.status_code == 200
    assert sorted(response.json()["tracks"]) == sorted(TEMPLATE_TRACKS)


def test_query_prints_matches_with_the_default_format(api, library):
    response = api.post("/beets/query", {"query": "artist:Justice"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"results": ["Justice - Cross - Genesis"]}


def test_query_splits_terms_and_uses_the_given_format(api, library):
    body = {"query": "'album:Human After All' artist:daft", "format": "$title [$format]"}

    response = api.post("/beets/query", body, format="json")

    assert response.json() == {"results": ["Robot Rock [AAC]"]}


def test_query_format_starting_with_a_dash_is_printed_not_parsed(api, library):
    body = {"query": "artist:Justice", "format": "--help $title"}

    response = api.post("/beets/query", body, format="json")

    assert response.json() == {"results": ["--help Genesis"]}


@pytest.mark.parametrize(
    "query",
    ["title:'x; rm -rf {music}'", "$(touch {canary}) `touch {canary}`"],
)
def test_shell_syntax_in_a_query_is_inert(api, library, tmp_path, query):
    canary = tmp_path / "canary"
    text = query.format(music=library.music, canary=canary)

    response = api.post("/beets/query", {"query": text}, format="json")

    assert response.status_code == 200
    assert response.json() == {"results": []}
    assert not canary.exists()
    assert library.titles() == ["Digital Love", "Genesis", "One More Time", "Robot Rock"]
    assert all(item["path"].is_file() for item in library.items())


def test_stats_are_parsed_from_key_value_lines(api, library):
    response = api.get("/beets/stats")

    assert response.status_code == 200
    stats = response.json()["stats"]
    assert stats["Tracks"] == "4"
    assert stats["Albums"] == "1"
    assert stats["Artists"] == "2"
    assert "Total time" in stats


def test_fields_drop_headers_and_are_unique_and_sorted(api, library):
    response = api.get("/beets/fields")

    fields = response.json()["fields"]
    assert response.status_code == 200
    assert {"album", "albumartist", "artist", "path", "title"} <= set(fields)
    assert fields == sorted(set(fields))
    assert not [name for name in fields if name.endswith(":") or " " in name]


@pytest.mark.parametrize("query", ["", "   ", "''"])
def test_query_needs_a_query(api, library, query):
    response = api.post("/beets/query", {"query": query}, format="json")

    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["query"]
