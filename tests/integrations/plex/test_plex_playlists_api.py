"""Playlists and play queues (SPEC §2.7, D27; POSTs are never retried, T37)."""

from __future__ import annotations

import pytest

from tests.integrations.plex.plex_helpers import only

MID = "fake-plex-machine-id"
LIB = "com.plexapp.plugins.library"


def test_list_playlists_asks_for_audio_playlists(api, plex, library):
    plex.add_playlist("Road Trip", [library["nude"], library["airbag"]])

    response = api.get("/plex/playlists")

    assert response.status_code == 200
    playlist = response.json()["MediaContainer"]["Metadata"][0]
    assert (playlist["title"], playlist["leafCount"]) == ("Road Trip", 2)
    assert only(plex, "/playlists").query == {"playlistType": ["audio"]}


def test_create_playlist_uses_the_machine_identifier_in_the_uri(api, plex, library):
    keys = [library["nude"]["ratingKey"], library["airbag"]["ratingKey"]]

    response = api.post("/plex/playlists", {"title": "Mix", "item_ids": keys}, format="json")

    assert response.status_code == 200
    created = response.json()["MediaContainer"]["Metadata"][0]
    assert (created["title"], created["leafCount"]) == ("Mix", 2)
    only(plex, "/identity")
    request = only(plex, "/playlists", "POST")
    assert request.query == {
        "type": ["audio"],
        "title": ["Mix"],
        "smart": ["0"],
        "uri": [f"server://{MID}/{LIB}/library/metadata/{','.join(keys)}"],
    }


def test_create_playlist_is_not_retried_after_a_server_error(api, plex, library):
    plex.set_status500("/playlists", method="POST")

    response = api.post(
        "/plex/playlists",
        {"title": "Mix", "item_ids": [library["nude"]["ratingKey"]]},
        format="json",
    )

    assert response.status_code == 502
    assert response.json() == {"detail": "plex: HTTP 500", "service": "plex"}
    assert len(plex.requests_to("^/playlists$", "POST")) == 1
    assert plex.playlists == {}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"item_ids": ["1"]}, "title"),
        ({"title": "", "item_ids": ["1"]}, "title"),
        ({"title": "Mix"}, "item_ids"),
        ({"title": "Mix", "item_ids": []}, "item_ids"),
        ({"title": "Mix", "item_ids": ["1/../2"]}, "item_ids"),
        ({"title": "Mix", "item_ids": "1"}, "item_ids"),
    ],
)
def test_create_playlist_validates_the_body(api, plex, library, body, field):
    response = api.post("/plex/playlists", body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert plex.requests == []


def test_update_playlist_by_path_sets_title_and_summary_and_adds_items(api, plex, library):
    playlist = plex.add_playlist("Old", [library["nude"]])
    pid = playlist["ratingKey"]
    added = library["airbag"]["ratingKey"]

    response = api.put(
        f"/plex/playlists/{pid}",
        {"title": "New", "summary": "Sunday", "add_item_ids": [added]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"status": "updated", "id": pid}
    assert only(plex, f"/playlists/{pid}", "PUT").query == {
        "title": ["New"],
        "summary": ["Sunday"],
    }
    assert only(plex, f"/playlists/{pid}/items", "PUT").query == {
        "uri": [f"server://{MID}/{LIB}/library/metadata/{added}"]
    }
    assert (plex.playlists[pid]["title"], plex.playlists[pid]["_items"]) == (
        "New",
        [library["nude"]["ratingKey"], added],
    )


def test_update_playlist_on_the_collection_path_takes_the_id_from_the_body(api, plex, library):
    pid = plex.add_playlist("Old")["ratingKey"]

    response = api.put("/plex/playlists", {"playlist_id": pid, "title": "New"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"status": "updated", "id": pid}
    assert only(plex, f"/playlists/{pid}", "PUT").query == {"title": ["New"]}
    assert plex.requests_to("/items$") == []


def test_update_playlist_on_the_collection_path_takes_the_id_from_the_query(api, plex, library):
    pid = plex.add_playlist("Old")["ratingKey"]

    response = api.put(f"/plex/playlists?playlist_id={pid}", {"summary": ""}, format="json")

    assert response.status_code == 200
    assert only(plex, f"/playlists/{pid}", "PUT").query == {"summary": [""]}


def test_adding_items_only_does_not_touch_title_or_summary(api, plex, library):
    pid = plex.add_playlist("Keep")["ratingKey"]

    api.put(
        f"/plex/playlists/{pid}", {"add_item_ids": [library["nude"]["ratingKey"]]}, format="json"
    )

    assert plex.requests_to(f"^/playlists/{pid}$", "PUT") == []
    assert plex.playlists[pid]["title"] == "Keep"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/plex/playlists/5", {}, "non_field_errors"),
        ("/plex/playlists", {"title": "x"}, "playlist_id"),
        ("/plex/playlists", {"playlist_id": "abc", "title": "x"}, "playlist_id"),
        ("/plex/playlists/5", {"add_item_ids": []}, "add_item_ids"),
        ("/plex/playlists/5", {"title": ["x"]}, "title"),
    ],
)
def test_update_playlist_validates_the_body(api, plex, library, url, body, field):
    response = api.put(url, body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert plex.requests == []


def test_update_of_an_unknown_playlist_is_404(api, plex, library):
    response = api.put("/plex/playlists/777777", {"title": "x"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Playlist not found"}


def test_delete_playlist_by_path(api, plex, library):
    pid = plex.add_playlist("Gone")["ratingKey"]

    response = api.delete(f"/plex/playlists/{pid}")

    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "id": pid}
    only(plex, f"/playlists/{pid}", "DELETE")
    assert pid not in plex.playlists


def test_delete_playlist_on_the_collection_path_takes_the_id_from_the_query(api, plex, library):
    pid = plex.add_playlist("Gone")["ratingKey"]

    response = api.delete(f"/plex/playlists?playlist_id={pid}")

    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "id": pid}
    assert pid not in plex.playlists


def test_delete_playlist_on_the_collection_path_takes_the_id_from_the_body(api, plex, library):
    pid = plex.add_playlist("Gone")["ratingKey"]

    response = api.delete("/plex/playlists", {"playlist_id": pid}, format="json")

    assert response.status_code == 200
    assert pid not in plex.playlists


def test_delete_without_a_playlist_id_is_422(api, plex, library):
    response = api.delete("/plex/playlists")

    assert response.status_code == 422
    assert "playlist_id" in response.json()["detail"]


def test_delete_of_an_unknown_playlist_is_404(api, plex, library):
    response = api.delete("/plex/playlists/777777")

    assert response.status_code == 404
    assert response.json() == {"detail": "Playlist not found"}


def test_play_queue_from_items_with_options(api, plex, library):
    keys = [library["nude"]["ratingKey"], library["airbag"]["ratingKey"]]

    response = api.post(
        "/plex/playQueues",
        {
            "item_ids": keys,
            "shuffle": False,
            "repeat": 2,
            "continuous": True,
            "start_item_id": keys[1],
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()["MediaContainer"]
    assert body["playQueueSelectedMetadataItemID"] == keys[1]
    request = only(plex, "/playQueues", "POST")
    assert request.query == {
        "type": ["audio"],
        "uri": [f"server://{MID}/{LIB}/library/metadata/{','.join(keys)}"],
        "shuffle": ["0"],
        "repeat": ["2"],
        "continuous": ["1"],
        "key": [f"/library/metadata/{keys[1]}"],
    }


def test_play_queue_from_a_playlist(api, plex, library):
    pid = plex.add_playlist("Queue me", [library["nude"], library["harder"]])["ratingKey"]

    response = api.post("/plex/playQueues", {"playlist_id": pid, "shuffle": True}, format="json")

    assert response.status_code == 200
    assert response.json()["MediaContainer"]["playQueueTotalCount"] == 2
    request = only(plex, "/playQueues", "POST")
    assert request.arg("uri") == f"server://{MID}/{LIB}/playlists/{pid}/items"
    assert request.arg("playlistID") == pid
    assert (request.arg("shuffle"), request.arg("repeat"), request.arg("continuous")) == (
        "1",
        "0",
        "0",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "item_ids"),
        ({"item_ids": ["1"], "playlist_id": "2"}, "playlist_id"),
        ({"item_ids": ["1"], "repeat": 3}, "repeat"),
        ({"item_ids": ["1"], "shuffle": "maybe"}, "shuffle"),
        ({"item_ids": ["1"], "start_item_id": "x"}, "start_item_id"),
    ],
)
def test_play_queue_validates_the_body(api, plex, library, body, field):
    response = api.post("/plex/playQueues", body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert plex.requests == []


def test_get_play_queue_is_plex_json(api, plex, library):
    created = api.post(
        "/plex/playQueues", {"item_ids": [library["nude"]["ratingKey"]]}, format="json"
    ).json()
    queue_id = created["MediaContainer"]["playQueueID"]
    plex.clear_requests()

    response = api.get(f"/plex/playQueues/{queue_id}")

    assert response.status_code == 200
    assert response.json() == created
    only(plex, f"/playQueues/{queue_id}")


def test_unknown_play_queue_is_404(api, plex, library):
    response = api.get("/plex/playQueues/123456")

    assert response.status_code == 404
    assert response.json() == {"detail": "Play queue not found"}
