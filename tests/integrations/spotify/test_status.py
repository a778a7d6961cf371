"""`GET /spotify/status`: reports in its body, never 502/503 (SPEC §2.0, §2.6)."""

from __future__ import annotations

import pytest

from tests.integrations.spotify.support import api_calls, bearer, settings_snapshot

pytestmark = pytest.mark.django_db


def test_unconfigured_lists_missing_keys(api, monkeypatch):
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", "abc")

    response = api.get("/spotify/status")

    assert response.status_code == 200
    assert response.json() == {
        "status": "unconfigured",
        "missing": ["SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"],
    }


def test_connected_with_user(api, spotify, user):
    response = api.get("/spotify/status")

    assert response.status_code == 200
    assert response.json() == {
        "status": "connected",
        "user": {"id": "harmony-user", "display_name": "Harmony User"},
    }
    assert bearer(api_calls(spotify, "/me")[0]) == user.access


def test_unauthenticated_when_only_the_app_token_works(api, spotify):
    response = api.get("/spotify/status")

    assert response.json() == {"status": "unauthenticated"}
    assert spotify.token_calls == {"client_credentials": 1}
    assert api_calls(spotify, "/me") == []


def test_revoked_user_falls_back_to_unauthenticated(api, spotify, user):
    spotify.revoke_refresh_token(user.refresh)
    spotify.expire_token(user.access)

    response = api.get("/spotify/status")

    assert response.json() == {"status": "unauthenticated"}


@pytest.mark.parametrize("fault", ["down", "status500", "malformed"])
def test_disconnected_when_spotify_fails(api, spotify, fault):
    getattr(spotify, f"set_{fault}")()
    before = settings_snapshot()

    response = api.get("/spotify/status")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "disconnected"
    assert body["error"]
    assert settings_snapshot() == before


def test_disconnected_with_wrong_secret_names_the_credential(api, spotify, monkeypatch):
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", "wrong")

    body = api.get("/spotify/status").json()

    assert body["status"] == "disconnected"
    assert "SPOTIFY_CLIENT_SECRET" in body["error"]
