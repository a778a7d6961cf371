"""Sessions, history, timeline, scrobble, rate (SPEC §2.7, D17: GETs except `PUT /:/rate`)."""

from __future__ import annotations

import pytest

from tests.integrations.plex.plex_helpers import only


@pytest.mark.parametrize("url", ["/plex/status/sessions", "/plex/sessions"])
def test_sessions_are_plex_json(api, plex, library, url):
    plex.add_session(library["nude"], user="alice", state="paused", view_offset=5000)

    response = api.get(url)

    assert response.status_code == 200
    session = response.json()["MediaContainer"]["Metadata"][0]
    assert (session["viewOffset"], session["Player"]["state"], session["User"]["title"]) == (
        5000,
        "paused",
        "alice",
    )
    only(plex, "/status/sessions")


@pytest.mark.parametrize("url", ["/plex/status/sessions/history/all", "/plex/history"])
def test_history_forwards_paging_parameters(api, plex, library, url):
    plex.add_history(library["nude"], viewed_at=1_700_000_100)
    plex.add_history(library["airbag"], viewed_at=1_700_000_200)

    response = api.get(url, {"sort": "viewedAt:desc", "X-Plex-Container-Size": "1"})

    assert response.status_code == 200
    container = response.json()["MediaContainer"]
    assert [m["title"] for m in container["Metadata"]] == ["Airbag"]
    assert container["totalSize"] == 2
    request = only(plex, "/status/sessions/history/all")
    assert request.query == {"sort": ["viewedAt:desc"], "X-Plex-Container-Size": ["1"]}


def test_timeline_is_derived_from_sessions(api, plex, library):
    plex.add_session(library["nude"], user="alice", player="Plexamp", view_offset=61000)
    plex.add_session(library["airbag"], user="bob", player="Web", state="paused")

    response = api.get("/plex/timeline")

    assert response.status_code == 200
    nude = library["nude"]
    assert response.json()["timeline"][0] == {
        "ratingKey": nude["ratingKey"],
        "key": nude["key"],
        "state": "playing",
        "time": 61000,
        "duration": nude["duration"],
        "player": "alice's Plexamp",
        "user": "alice",
    }
    assert len(response.json()["timeline"]) == 2


def test_timeline_filters_by_rating_key(api, plex, library):
    plex.add_session(library["nude"])
    plex.add_session(library["airbag"])

    response = api.get("/plex/timeline", {"ratingKey": library["airbag"]["ratingKey"]})

    assert [t["ratingKey"] for t in response.json()["timeline"]] == [library["airbag"]["ratingKey"]]


def test_timeline_filter_must_be_a_rating_key(api, plex, library):
    response = api.get("/plex/timeline", {"ratingKey": "../x"})

    assert response.status_code == 422
    assert "ratingKey" in response.json()["detail"]


def test_post_timeline_reports_progress_with_a_get(api, plex, library):
    rating_key = library["nude"]["ratingKey"]

    response = api.post(
        "/plex/timeline",
        {"ratingKey": rating_key, "state": "playing", "time": 1200, "duration": 240000},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    request = only(plex, "/:/timeline")
    assert request.query == {
        "ratingKey": [rating_key],
        "key": [f"/library/metadata/{rating_key}"],
        "identifier": ["com.plexapp.plugins.library"],
        "state": ["playing"],
        "time": ["1200"],
        "duration": ["240000"],
    }


def test_post_timeline_keeps_a_given_key_and_omits_missing_duration(api, plex, library):
    rating_key = library["nude"]["ratingKey"]

    api.post(
        "/plex/timeline",
        {"ratingKey": rating_key, "state": "stopped", "time": 0, "key": "/library/metadata/1"},
        format="json",
    )

    request = only(plex, "/:/timeline")
    assert request.arg("key") == "/library/metadata/1"
    assert "duration" not in request.query


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"state": "playing", "time": 0}, "ratingKey"),
        ({"ratingKey": "1", "state": "rewinding", "time": 0}, "state"),
        ({"ratingKey": "1", "state": "playing", "time": -1}, "time"),
        ({"ratingKey": "1", "state": "playing", "time": 1.5}, "time"),
        ({"ratingKey": "1", "state": "playing", "time": True}, "time"),
        ({"ratingKey": "1", "state": "playing"}, "time"),
        ({"ratingKey": "1", "state": "playing", "time": 10**30}, "time"),
        ({"ratingKey": "1", "state": "playing", "time": 0, "duration": "long"}, "duration"),
        ({"ratingKey": ["1"], "state": "playing", "time": 0}, "ratingKey"),
        ({"ratingKey": "1", "state": "playing", "time": 0, "key": "no slash"}, "key"),
    ],
)
def test_post_timeline_validates_the_body(api, plex, library, body, field):
    response = api.post("/plex/timeline", body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert plex.requests == []


@pytest.mark.parametrize(
    ("url", "action"), [("/plex/scrobble", "/:/scrobble"), ("/plex/unscrobble", "/:/unscrobble")]
)
def test_scrobble_and_unscrobble_are_gets_with_the_library_identifier(
    api, plex, library, url, action
):
    rating_key = library["nude"]["ratingKey"]

    response = api.post(url, {"key": rating_key}, format="json")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    request = only(plex, action)
    assert request.query == {"key": [rating_key], "identifier": ["com.plexapp.plugins.library"]}


def test_scrobble_marks_the_item_played(api, plex, library):
    api.post("/plex/scrobble", {"key": library["nude"]["ratingKey"]}, format="json")

    assert plex.items[library["nude"]["ratingKey"]]["viewCount"] == 1


def test_scrobble_of_an_unknown_item_is_404(api, plex, library):
    response = api.post("/plex/scrobble", {"key": "999999"}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"key": ""},
        {"key": None},
        {"key": "a/b"},
        {"key": "١٢"},
        {"key": True},
        {"key": 1.5},
        [1],
    ],
)
def test_scrobble_needs_a_rating_key(api, plex, library, body):
    response = api.post("/plex/scrobble", body, format="json")

    assert response.status_code == 422
    assert plex.requests == []


@pytest.mark.parametrize(
    ("rating", "sent"), [(8, "8"), (0, "0"), (10, "10"), (7.5, "7.5"), (None, "-1")]
)
def test_rate_is_a_put_and_null_clears(api, plex, library, rating, sent):
    rating_key = library["nude"]["ratingKey"]

    response = api.post("/plex/rate", {"key": rating_key, "rating": rating}, format="json")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    request = only(plex, "/:/rate", "PUT")
    assert request.query == {
        "key": [rating_key],
        "identifier": ["com.plexapp.plugins.library"],
        "rating": [sent],
    }


def test_rate_sets_and_clears_the_user_rating(api, plex, library):
    rating_key = library["nude"]["ratingKey"]

    api.post("/plex/rate", {"key": rating_key, "rating": 6}, format="json")
    rated = plex.items[rating_key].get("userRating")
    api.post("/plex/rate", {"key": rating_key, "rating": None}, format="json")

    assert rated == 6
    assert "userRating" not in plex.items[rating_key]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "1"}, "rating"),
        ({"key": "1", "rating": 11}, "rating"),
        ({"key": "1", "rating": -1}, "rating"),
        ({"key": "1", "rating": "5"}, "rating"),
        ({"key": "1", "rating": True}, "rating"),
        ({"rating": 5}, "key"),
    ],
)
def test_rate_validates_key_and_rating(api, plex, library, body, field):
    response = api.post("/plex/rate", body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert plex.requests == []
