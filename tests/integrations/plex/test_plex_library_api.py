"""Library pass-through endpoints and their aliases (SPEC §2.7)."""

from __future__ import annotations

import pytest

from tests.integrations.plex.plex_helpers import only


@pytest.mark.parametrize("url", ["/plex/library/sections", "/plex/libraries"])
def test_sections_are_plex_json_unchanged(api, plex, library, url):
    response = api.get(url)

    assert response.status_code == 200
    directory = response.json()["MediaContainer"]["Directory"]
    assert [(d["key"], d["type"], d["title"]) for d in directory] == [("1", "artist", "Music")]
    assert directory[0]["Location"] == [{"id": 1, "path": "/data/music"}]
    only(plex, "/library/sections")


@pytest.mark.parametrize("url", ["/plex/library/sections/1/all", "/plex/library/1/items"])
def test_section_items_forward_query_parameters_except_the_token(api, plex, library, url):
    response = api.get(url, {"type": "10", "title": "nude", "X-Plex-Token": "from-the-client"})

    assert response.status_code == 200
    metadata = response.json()["MediaContainer"]["Metadata"]
    assert [m["title"] for m in metadata] == ["Nude"]
    request = only(plex, "/library/sections/1/all")
    assert request.query == {"type": ["10"], "title": ["nude"]}
    assert request.header("X-Plex-Token") == plex.token


def test_section_items_forward_repeated_parameters(api, plex, library):
    api.get("/plex/library/sections/1/all?type=9&sort=titleSort&sort=year")

    request = only(plex, "/library/sections/1/all")
    assert request.query == {"type": ["9"], "sort": ["titleSort", "year"]}


def test_client_headers_are_not_forwarded(api, plex, library):
    api.get("/plex/library/sections", HTTP_X_PLEX_TOKEN="client-token", HTTP_AUTHORIZATION="x")

    request = only(plex, "/library/sections")
    assert request.header("X-Plex-Token") == plex.token
    assert request.header("Authorization") is None


def test_unknown_section_is_404(api, plex, library):
    response = api.get("/plex/library/sections/99/all")

    assert response.status_code == 404
    assert response.json() == {"detail": "Section not found"}


@pytest.mark.parametrize(
    "url",
    [
        "/plex/library/sections/abc/all",
        "/plex/library/..%2f..%2fidentity/items",
        "/plex/library/metadata/-1",
        "/plex/library/metadata/1%00",
        "/plex/library/metadata/1%0A",
        "/plex/library/metadata/%D9%A1%D9%A2",
        "/plex/library/metadata/99999999999999999999999",
        "/plex/playQueues/x",
    ],
)
def test_non_numeric_ids_are_404_without_asking_plex(api, plex, library, url):
    response = api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert plex.requests == []


def test_metadata_is_plex_json(api, plex, library):
    rating_key = library["fishes"]["ratingKey"]

    response = api.get(f"/plex/library/metadata/{rating_key}")

    assert response.status_code == 200
    item = response.json()["MediaContainer"]["Metadata"][0]
    assert (item["title"], item["parentTitle"], item["grandparentTitle"]) == (
        "Weird Fishes/Arpeggi",
        "In Rainbows",
        "Radiohead",
    )
    only(plex, f"/library/metadata/{rating_key}")


def test_unknown_metadata_item_is_404(api, plex, library):
    response = api.get("/plex/library/metadata/424242")

    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}


@pytest.mark.parametrize(
    ("url", "upstream", "key"),
    [
        ("/plex/devices", "/devices", "Device"),
        ("/plex/dvr", "/livetv/dvrs", "size"),
        ("/plex/livetv", "/livetv/sessions", "size"),
    ],
)
def test_misc_endpoints_are_plex_json(api, plex, url, upstream, key):
    response = api.get(url)

    assert response.status_code == 200
    assert key in response.json()["MediaContainer"]
    only(plex, upstream)
