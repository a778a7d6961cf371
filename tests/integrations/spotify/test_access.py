"""Every `/spotify` route needs a session or API key, except the OAuth callback (CONTRACT §5, T01)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern

from integrations.api.spotify_urls import urlpatterns

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/spotify/login"),
    ("get", "/spotify/status"),
    ("get", "/spotify/search/tracks?query=x"),
    ("get", "/spotify/search/artists?query=x"),
    ("get", "/spotify/search/albums?query=x"),
    ("get", "/spotify/track/abc"),
    ("get", "/spotify/audio-features/abc"),
    ("get", "/spotify/audio-features?ids=abc"),
    ("get", "/spotify/artists/followed"),
    ("get", "/spotify/artist/abc/releases"),
    ("get", "/spotify/playlists"),
    ("get", "/spotify/playlists/abc/tracks"),
    ("post", "/spotify/playlists/abc/tracks"),
    ("delete", "/spotify/playlists/abc/tracks"),
    ("put", "/spotify/playlists/abc/reorder"),
    ("get", "/spotify/me"),
    ("get", "/spotify/me/tracks"),
    ("put", "/spotify/me/tracks"),
    ("delete", "/spotify/me/tracks"),
    ("get", "/spotify/me/top/tracks"),
    ("get", "/spotify/recommendations?seed_genres=house"),
]


def test_every_route_is_listed_here():
    listed = {path.split("?")[0] for _, path in ROUTES} | {"/spotify/callback"}
    patterns = {
        "/"
        + str(p.pattern)
        .replace("<str:track_id>", "abc")
        .replace("<str:artist_id>", "abc")
        .replace("<str:playlist_id>", "abc")
        .replace("<str:type>", "tracks")
        for p in urlpatterns
        if isinstance(p, URLPattern)
    }

    assert patterns == listed


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_route_needs_authentication(anon, spotify, method, path):
    response = getattr(anon, method)(path)

    assert response.status_code == 401
    assert "detail" in response.json()
    assert spotify.requests == []


def test_session_writes_need_the_csrf_token(session_client, spotify, user):
    response = session_client.put("/spotify/me/tracks", {"ids": ["abc"]}, format="json")

    assert response.status_code == 403
    assert spotify.requests_to("^/v1/") == []


def test_the_callback_is_reachable_without_authentication(anon, spotify):
    response = anon.get("/spotify/callback", {"state": "x", "code": "y"})

    assert response.status_code == 400  # the state check, not an authentication error
