"""`POST /plex/tags/{item_id}`: the given lists become the exact tag sets (SPEC §2.7, D17)."""

from __future__ import annotations

import pytest

from tests.integrations.plex.plex_helpers import only


@pytest.fixture
def album(plex, library):
    item = plex.add_album("Kid A", "Radiohead", genres=["Rock", "Electronic"])
    item["Mood"] = [{"tag": "Gloomy"}]
    return item


def test_tags_compute_additions_removals_and_lock_the_fields(api, plex, album):
    key = album["ratingKey"]

    response = api.post(
        f"/plex/tags/{key}",
        {"genre": ["Electronic", "Art Rock", "Ambient"], "mood": [], "style": ["IDM"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "status": "tags-updated",
        "id": key,
        "tags": {"genre": ["Electronic", "Art Rock", "Ambient"], "mood": [], "style": ["IDM"]},
    }
    only(plex, f"/library/metadata/{key}")
    edit = only(plex, "/library/sections/1/all", "PUT")
    assert edit.query == {
        "type": ["9"],
        "id": [key],
        "genre[0].tag.tag": ["Art Rock"],
        "genre[1].tag.tag": ["Ambient"],
        "genre[].tag.tag-": ["Rock"],
        "genre.locked": ["1"],
        "mood[].tag.tag-": ["Gloomy"],
        "mood.locked": ["1"],
        "style[0].tag.tag": ["IDM"],
        "style.locked": ["1"],
    }
    item = plex.items[key]
    assert [g["tag"] for g in item["Genre"]] == ["Electronic", "Art Rock", "Ambient"]
    assert item["Mood"] == []
    assert [s["tag"] for s in item["Style"]] == ["IDM"]


def test_removing_several_tags_is_one_comma_separated_value(api, plex, album):
    api.post(f"/plex/tags/{album['ratingKey']}", {"genre": []}, format="json")

    edit = only(plex, "/library/sections/1/all", "PUT")
    assert edit.query["genre[].tag.tag-"] == ["Rock,Electronic"]
    assert plex.items[album["ratingKey"]]["Genre"] == []


def test_track_tags_use_type_10(api, plex, library):
    key = library["nude"]["ratingKey"]

    api.post(f"/plex/tags/{key}", {"collection": ["Favourites"], "label": ["live"]}, format="json")

    edit = only(plex, "/library/sections/1/all", "PUT")
    assert edit.arg("type") == "10"
    assert edit.arg("collection[0].tag.tag") == "Favourites"
    assert edit.arg("label[0].tag.tag") == "live"


def test_duplicates_in_the_request_are_sent_once(api, plex, library):
    key = library["nude"]["ratingKey"]

    response = api.post(f"/plex/tags/{key}", {"genre": ["Jazz", "Jazz"]}, format="json")

    assert response.json()["tags"] == {"genre": ["Jazz"]}
    edit = only(plex, "/library/sections/1/all", "PUT")
    assert "genre[1].tag.tag" not in edit.query


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"genre": ["Rock"], "title": "x"}, "title"),
        ({"colour": ["red"]}, "colour"),
        ({}, "non_field_errors"),
        ({"genre": "Rock"}, "genre"),
        ({"genre": [""]}, "genre"),
        ({"genre": [{"tag": "Rock"}]}, "genre"),
        (["Rock"], "non_field_errors"),
    ],
)
def test_tags_body_is_validated(api, plex, album, body, field):
    response = api.post(f"/plex/tags/{album['ratingKey']}", body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert plex.requests == []


def test_tags_of_an_unknown_item_are_404(api, plex, library):
    response = api.post("/plex/tags/987654", {"genre": ["Rock"]}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}
    assert plex.requests_to("/all$", "PUT") == []
