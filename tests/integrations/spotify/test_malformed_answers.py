"""Answers of the wrong shape are a 502, never a 500 (T33), and never written anywhere."""

from __future__ import annotations

import pytest

from tests.fakes.base import RecordedRequest, Response, json_response, route
from tests.fakes.spotify import FakeSpotify
from tests.integrations.spotify.support import settings_snapshot, store_user_tokens

pytestmark = pytest.mark.django_db


class OddSpotify(FakeSpotify):
    """Answers chosen by `self.odd` for a few routes; everything else as usual."""

    odd: dict[str, object] = {}

    @route("GET", r"/v1/search")
    def _odd_search(self, request: RecordedRequest) -> Response:
        return json_response(self.odd.get("search", {}))

    @route("GET", r"/v1/me/tracks")
    def _odd_saved(self, request: RecordedRequest) -> Response:
        return json_response(self.odd.get("saved", {"items": "many"}))

    @route("GET", r"/v1/artists/(?P<id>[^/]+)/albums")
    def _odd_albums(self, request: RecordedRequest) -> Response:
        if "albums" in self.odd:
            return json_response(self.odd["albums"])
        return self._artist_albums(request)

    @route("POST", r"/api/token")
    def _odd_token(self, request: RecordedRequest) -> Response:
        if "token" in self.odd:
            return json_response(self.odd["token"])
        return self._token(request)


@pytest.fixture
def fake_spotify():
    with OddSpotify() as fake:
        fake.odd = {}
        yield fake


@pytest.mark.parametrize(
    "answer", [{}, {"tracks": None}, {"tracks": {"items": None}}, [], "text", 42]
)
def test_search_answer_of_the_wrong_shape_is_502(api, spotify, answer):
    spotify.odd["search"] = answer

    response = api.get("/spotify/search/tracks", {"query": "x"})

    assert response.status_code == 502
    assert response.json()["service"] == "spotify"


def test_paging_link_to_another_origin_is_not_followed(api, spotify):
    artist = spotify.add_artist("Air")
    album = {"id": "a1", "name": "Moon Safari", "album_type": "album", "release_date": "1998"}
    next_link = "http://evil.example/v1/artists/x/albums?offset=10"
    spotify.odd["albums"] = {"items": [album], "total": 20, "next": next_link}

    response = api.get(f"/spotify/artist/{artist['id']}/releases")

    assert response.status_code == 502
    assert len(spotify.requests_to("/albums$")) == 1


def test_paging_that_never_ends_is_cut_off(api, spotify, monkeypatch):
    from integrations.clients import spotify as client_module

    monkeypatch.setattr(client_module, "MAX_PAGES", 3)
    artist = spotify.add_artist("Air")
    loop = f"{spotify.api_url}/artists/{artist['id']}/albums?offset=0&limit=10"
    spotify.odd["albums"] = {"items": [], "total": 1, "next": loop}

    response = api.get(f"/spotify/artist/{artist['id']}/releases")

    assert response.status_code == 502
    assert len(spotify.requests_to("/albums$")) == 3


@pytest.mark.parametrize(
    "answer",
    [
        {"token_type": "Bearer"},
        {"access_token": "", "expires_in": 3600},
        {"access_token": "x", "expires_in": "soon"},
        {"access_token": "x", "expires_in": -5},
        {"access_token": "x", "expires_in": True},
    ],
)
def test_token_answer_of_the_wrong_shape_is_502_and_not_stored(api, spotify, answer):
    store_user_tokens(spotify, expires_in=-10)
    spotify.odd["token"] = answer
    before = settings_snapshot()

    response = api.get("/spotify/me")

    assert response.status_code == 502
    assert settings_snapshot() == before


def test_saved_tracks_with_items_that_are_not_a_list_is_502(api, spotify):
    store_user_tokens(spotify)

    assert api.get("/spotify/me/tracks").status_code == 502
