"""Transparent refresh, rotation, `invalid_grant`, refresh storms, client credentials
(SPEC §9.2, CONTRACT §4, RELIABILITY T36)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.models import WorkerLease
from core.settings_store import write_system
from core.timefmt import iso_z
from integrations import spotify_auth
from tests.fakes.spotify import FakeSpotify
from tests.helpers import wait_until
from tests.integrations.spotify.support import (
    api_calls,
    basic_pair,
    bearer,
    form,
    settings_snapshot,
    store_user_tokens,
    stored,
)

pytestmark = pytest.mark.django_db


def test_fresh_token_is_used_without_refresh(api, spotify, user):
    response = api.get("/spotify/me")

    assert response.status_code == 200
    assert bearer(api_calls(spotify, "/me")[0]) == user.access
    assert spotify.token_calls["refresh_token"] == 0


def test_token_is_refreshed_60_seconds_before_expiry(api, spotify: FakeSpotify):
    old = store_user_tokens(spotify, expires_in=50)

    response = api.get("/spotify/me")

    assert response.status_code == 200
    (token_call,) = spotify.requests_to("^/api/token$", "POST")
    assert basic_pair(token_call) == f"{spotify.client_id}:{spotify.client_secret}"
    assert form(token_call) == {"grant_type": "refresh_token", "refresh_token": old.refresh}
    new_access = stored("SPOTIFY_ACCESS_TOKEN")
    assert new_access != old.access
    assert bearer(api_calls(spotify, "/me")[0]) == new_access
    assert stored("SPOTIFY_REFRESH_TOKEN") == old.refresh  # kept: no new one was returned
    assert stored("SPOTIFY_TOKEN_EXPIRES_AT") > iso_z(timezone.now() + timedelta(minutes=59))


def test_a_401_triggers_one_refresh_and_one_retry(api, spotify, user):
    spotify.expire_token(user.access)

    response = api.get("/spotify/me")

    assert response.status_code == 200
    calls = api_calls(spotify, "/me")
    assert [bearer(c) for c in calls] == [user.access, stored("SPOTIFY_ACCESS_TOKEN")]
    assert spotify.token_calls["refresh_token"] == 1


def test_a_second_401_after_refresh_is_502_naming_the_user_token(api, spotify, user):
    spotify.set_status500("^/v1/me$", status=401)

    response = api.get("/spotify/me")

    assert response.status_code == 502
    assert response.json()["service"] == "spotify"
    assert "user access token" in response.json()["detail"]
    assert len(api_calls(spotify, "/me")) == 2
    assert spotify.token_calls["refresh_token"] == 1


def test_rotated_refresh_token_is_stored(api, spotify, user):
    spotify.rotate_refresh_tokens = True
    spotify.expire_token(user.access)

    api.get("/spotify/me")

    new_refresh = stored("SPOTIFY_REFRESH_TOKEN")
    assert new_refresh != user.refresh
    assert new_refresh in spotify.refresh_tokens
    assert user.refresh not in spotify.refresh_tokens


def test_refresh_token_alone_is_enough(api, spotify, db):
    write_system("SPOTIFY_REFRESH_TOKEN", spotify.issue_refresh_token())

    response = api.get("/spotify/me")

    assert response.status_code == 200
    assert spotify.token_calls["refresh_token"] == 1


def test_refresh_token_from_the_environment_works(api, spotify, monkeypatch):
    monkeypatch.setenv("SPOTIFY_REFRESH_TOKEN", spotify.issue_refresh_token())

    assert api.get("/spotify/me").status_code == 200


def test_invalid_grant_clears_user_tokens_without_retry_loop(api, spotify, user):
    spotify.revoke_refresh_token(user.refresh)
    spotify.expire_token(user.access)

    first = api.get("/spotify/me")
    second = api.get("/spotify/me")

    for response in (first, second):
        assert response.status_code == 503
        detail = response.json()["detail"]
        assert detail["missing"] == {"spotify": ["SPOTIFY_REFRESH_TOKEN"]}
        assert detail["message"] == "Spotify user authorisation required (open /spotify/login)"
    assert spotify.token_calls["refresh_token"] == 1
    assert stored("SPOTIFY_ACCESS_TOKEN") is None
    assert stored("SPOTIFY_REFRESH_TOKEN") is None
    assert stored("SPOTIFY_TOKEN_EXPIRES_AT") is None


def test_invalid_grant_of_an_environment_token_is_not_retried(api, spotify, monkeypatch):
    monkeypatch.setenv("SPOTIFY_REFRESH_TOKEN", "AQBrevoked")

    responses = [api.get("/spotify/me") for _ in range(3)]

    assert [r.status_code for r in responses] == [503, 503, 503]
    assert spotify.token_calls["refresh_token"] == 1


def test_app_endpoint_falls_back_to_client_credentials_after_invalid_grant(api, spotify, user):
    spotify.add_track("Harder, Better, Faster, Stronger", "Daft Punk", "Discovery")
    spotify.revoke_refresh_token(user.refresh)
    spotify.expire_token(user.access)

    response = api.get("/spotify/search/tracks", {"query": "harder"})

    assert response.status_code == 200
    assert spotify.token_calls["client_credentials"] == 1
    assert spotify.tokens[bearer(api_calls(spotify, "/search")[-1])].kind == "app"


def test_app_endpoints_use_the_user_token_when_there_is_one(api, spotify, user):
    api.get("/spotify/search/tracks", {"query": "anything"})

    assert bearer(api_calls(spotify, "/search")[0]) == user.access
    assert spotify.token_calls["client_credentials"] == 0


def test_client_credentials_token_is_cached_and_never_stored(api, spotify):
    for _ in range(3):
        assert api.get("/spotify/search/tracks", {"query": "x"}).status_code == 200

    assert spotify.token_calls == {"client_credentials": 1}
    (token_call,) = spotify.requests_to("^/api/token$")
    assert basic_pair(token_call) == f"{spotify.client_id}:{spotify.client_secret}"
    assert form(token_call) == {"grant_type": "client_credentials"}
    app_token = bearer(api_calls(spotify, "/search")[0])
    assert app_token not in settings_snapshot().values()


def test_expired_client_credentials_token_is_fetched_again_on_401(api, spotify):
    api.get("/spotify/search/tracks", {"query": "x"})
    spotify.expire_all_tokens()

    response = api.get("/spotify/search/tracks", {"query": "x"})

    assert response.status_code == 200
    assert spotify.token_calls == {"client_credentials": 2}


def test_wrong_client_secret_is_502_naming_the_credential(api, spotify, monkeypatch):
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", "wrong")

    response = api.get("/spotify/search/tracks", {"query": "x"})

    assert response.status_code == 502
    assert "SPOTIFY_CLIENT_SECRET" in response.json()["detail"]


def test_failed_refresh_leaves_stored_tokens_unchanged(api, spotify):
    store_user_tokens(spotify, expires_in=10)
    spotify.set_status500("^/api/token$")
    before = settings_snapshot()

    response = api.get("/spotify/me")

    assert response.status_code == 502
    assert settings_snapshot() == before


def _in_threads(count: int, work) -> list:
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # reported through the results list
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_ten_threads_with_an_expired_token_refresh_exactly_once(api, spotify, concurrent_sqlite):
    store_user_tokens(spotify, expires_in=-5)
    spotify.set_latency(0.05)  # keeps the refresh in flight while the others arrive

    results = _in_threads(10, lambda: spotify_auth.SpotifyTokens.from_config().user_token())

    assert spotify.token_calls["refresh_token"] == 1
    assert len(set(results)) == 1
    assert results[0] == stored("SPOTIFY_ACCESS_TOKEN")


@pytest.mark.django_db(transaction=True)
def test_ten_requests_hit_by_401_at_once_refresh_exactly_once(spotify, concurrent_sqlite):
    from rest_framework.test import APIClient

    from core.auth import api_key_user
    from tests.helpers import TEST_API_KEY

    api_key_user()  # created once up front, not by ten racing first requests
    tokens = store_user_tokens(spotify)
    spotify.expire_token(tokens.access)

    def call() -> int:
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=TEST_API_KEY)
        return client.get("/spotify/me").status_code

    results = _in_threads(10, call)

    assert results == [200] * 10
    assert spotify.token_calls["refresh_token"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_refresh_running_in_another_process_is_awaited_and_reused(spotify, concurrent_sqlite):
    old = store_user_tokens(spotify, expires_in=-5)
    now = timezone.now()
    WorkerLease.objects.create(
        name=spotify_auth.REFRESH_LEASE,
        owner="other-host:4242:abcd",
        acquired_at=now,
        expires_at=now + timedelta(seconds=30),
    )
    result: list = []
    waiter = threading.Thread(
        target=lambda: (
            result.append(spotify_auth.SpotifyTokens.from_config().user_token()),
            connection.close(),
        )
    )
    waiter.start()

    # The other process finishes its refresh: new token stored, lease released.
    new_access = spotify.issue_token()
    write_system("SPOTIFY_ACCESS_TOKEN", new_access)
    write_system("SPOTIFY_TOKEN_EXPIRES_AT", iso_z(timezone.now() + timedelta(hours=1)))
    WorkerLease.objects.filter(name=spotify_auth.REFRESH_LEASE).update(expires_at=timezone.now())
    waiter.join(timeout=10)

    assert wait_until(lambda: result) == [new_access]
    assert new_access != old.access
    assert spotify.token_calls["refresh_token"] == 0
