"""`GET /spotify/login` and `GET /spotify/callback` (CONTRACT §4, SPEC §2.6, §9.2)."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from core.keys import SPOTIFY_DEFAULT_SCOPE
from tests.fakes.spotify import FakeSpotify
from tests.integrations.spotify.support import (
    REDIRECT_URI,
    basic_pair,
    form,
    settings_snapshot,
    stored,
)

pytestmark = pytest.mark.django_db


def _login(client: APIClient) -> dict[str, str]:
    response = client.get("/spotify/login")
    assert response.status_code == 302, response.content
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def test_login_redirects_to_authorize_with_a_random_state(session_client, spotify: FakeSpotify):
    response = session_client.get("/spotify/login")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}" == spotify.url
    assert location.path == "/authorize"
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["client_id"] == spotify.client_id
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == REDIRECT_URI
    assert params["scope"] == SPOTIFY_DEFAULT_SCOPE
    assert len(params["state"]) >= 32
    assert session_client.session["spotify_oauth_state"]["value"] == params["state"]
    assert spotify.requests == []


def test_two_logins_get_different_states(session_client, spotify):
    first = _login(session_client)["state"]

    second = _login(session_client)["state"]

    assert first != second


def test_login_without_credentials_is_503(api):
    response = api.get("/spotify/login")

    assert response.status_code == 503
    missing = response.json()["detail"]["missing"]["spotify"]
    assert missing == ["SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"]


def test_login_needs_authentication(anon, spotify):
    assert anon.get("/spotify/login").status_code == 401


def test_callback_with_good_state_stores_tokens_and_redirects(session_client, spotify):
    state = _login(session_client)["state"]
    code = spotify.issue_auth_code(REDIRECT_URI)

    response = session_client.get("/spotify/callback", {"code": code, "state": state})

    assert response.status_code == 302
    assert response["Location"] == "/ui/settings?spotify=connected"
    (token_call,) = spotify.requests_to("^/api/token$", "POST")
    assert basic_pair(token_call) == f"{spotify.client_id}:{spotify.client_secret}"
    assert form(token_call) == {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
    }
    assert stored("SPOTIFY_ACCESS_TOKEN") in spotify.tokens
    assert stored("SPOTIFY_REFRESH_TOKEN") in spotify.refresh_tokens
    expires = stored("SPOTIFY_TOKEN_EXPIRES_AT")
    assert expires is not None and expires > timezone.now().isoformat()[:19]


def test_callback_works_without_harmony_authentication(anon, spotify):
    session = anon.session
    session["spotify_oauth_state"] = {"value": "state-from-login", "expires": time.time() + 600}
    session.save()

    response = anon.get(
        "/spotify/callback",
        {"code": spotify.issue_auth_code(REDIRECT_URI), "state": "state-from-login"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/ui/settings?spotify=connected"


def test_callback_state_is_single_use(session_client, spotify):
    state = _login(session_client)["state"]
    session_client.get("/spotify/callback", {"code": spotify.issue_auth_code(), "state": state})

    response = session_client.get(
        "/spotify/callback", {"code": spotify.issue_auth_code(), "state": state}
    )

    assert response.status_code == 400
    assert len(spotify.requests_to("^/api/token$")) == 1


@pytest.mark.parametrize("state", [None, "", "forged-state"])
def test_callback_with_bad_state_is_a_400_page(session_client, spotify, state):
    _login(session_client)
    before = settings_snapshot()
    params = {"code": spotify.issue_auth_code()}
    if state is not None:
        params["state"] = state

    response = session_client.get("/spotify/callback", params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"Spotify login failed" in response.content
    assert spotify.requests_to("^/api/token$") == []
    assert settings_snapshot() == before


def test_callback_without_any_session_is_400(anon, spotify):
    response = anon.get("/spotify/callback", {"code": "x", "state": "y"})

    assert response.status_code == 400


def test_state_expires_after_ten_minutes(session_client, spotify):
    state = _login(session_client)["state"]

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = session_client.get(
            "/spotify/callback", {"code": spotify.issue_auth_code(), "state": state}
        )

    assert response.status_code == 400


def test_callback_when_the_user_denies_redirects_with_error(session_client, spotify):
    state = _login(session_client)["state"]

    response = session_client.get("/spotify/callback", {"error": "access_denied", "state": state})

    assert response["Location"] == "/ui/settings?spotify=error"
    assert spotify.requests_to("^/api/token$") == []


def test_callback_with_a_refused_code_redirects_with_error(session_client, spotify):
    state = _login(session_client)["state"]
    before = settings_snapshot()

    response = session_client.get("/spotify/callback", {"code": "not-issued", "state": state})

    assert response["Location"] == "/ui/settings?spotify=error"
    assert settings_snapshot() == before


def test_callback_when_spotify_is_down_redirects_with_error(session_client, spotify):
    state = _login(session_client)["state"]
    spotify.set_down("^/api/token$")
    before = settings_snapshot()

    response = session_client.get("/spotify/callback", {"code": "abc", "state": state})

    assert response["Location"] == "/ui/settings?spotify=error"
    assert settings_snapshot() == before


def test_tokens_are_masked_in_the_settings_api(session_client, api, spotify):
    state = _login(session_client)["state"]
    session_client.get("/spotify/callback", {"code": spotify.issue_auth_code(), "state": state})

    settings = api.get("/settings").json()["settings"]

    assert settings["SPOTIFY_ACCESS_TOKEN"].startswith("••••")
    assert settings["SPOTIFY_REFRESH_TOKEN"].startswith("••••")
    assert stored("SPOTIFY_ACCESS_TOKEN") not in str(settings)
