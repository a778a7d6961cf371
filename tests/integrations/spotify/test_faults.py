"""Upstream faults → documented status, database unchanged (SPEC §2.0, CONTRACT §6, T29–T33)."""

from __future__ import annotations

import time

import pytest

from tests.integrations.spotify.support import api_calls, settings_snapshot, store_user_tokens

pytestmark = pytest.mark.django_db

REQUESTS = {
    "search": ("get", "/spotify/search/tracks", {"query": "x"}, "/search"),
    "saved": ("get", "/spotify/me/tracks", None, "/me/tracks"),
    "save": ("put", "/spotify/me/tracks", {"ids": ["0000000000000000000000"]}, "/me/library"),
}
FAULTS = {
    "down": lambda fake, path: fake.set_down(path),
    "500": lambda fake, path: fake.set_status500(path),
    "503": lambda fake, path: fake.set_status500(path, status=503),
    "429": lambda fake, path: fake.set_rate_limit(count=10, retry_after=1, path=path),
    "429-long": lambda fake, path: fake.set_rate_limit(count=10, retry_after=120, path=path),
    "malformed-json": lambda fake, path: fake.set_malformed("json", path),
    "malformed-html": lambda fake, path: fake.set_malformed("html", path),
}


def _send(api, method, path, body):
    return getattr(api, method)(path, body, format="json" if method != "get" else None)


CASES = [
    (name, fault)
    for name in REQUESTS
    for fault in FAULTS
    # A save answers 200 without a body that Harmony would read: only the status counts.
    if not (name == "save" and fault.startswith("malformed"))
]


@pytest.mark.parametrize(("name", "fault"), CASES)
def test_fault_is_502_and_changes_nothing(api, spotify, name, fault):
    method, path, body, upstream = REQUESTS[name]
    store_user_tokens(spotify)
    FAULTS[fault](spotify, f"^/v1{upstream}$")
    before = settings_snapshot()

    response = _send(api, method, path, body)

    assert response.status_code == 502
    assert response.json()["service"] == "spotify"
    assert set(response.json()) == {"detail", "service"}
    assert settings_snapshot() == before
    assert spotify.saved_track_ids() == []


def test_slow_upstream_is_502_within_the_deadline(api, spotify, monkeypatch):
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    store_user_tokens(spotify)
    spotify.set_slow(5, "^/v1/me$")
    before = settings_snapshot()

    started = time.monotonic()
    response = api.get("/spotify/me")
    elapsed = time.monotonic() - started

    assert response.status_code == 502
    assert response.json() == {"detail": "spotify: timeout", "service": "spotify"}
    # One attempt plus the helper's three retries for idempotent calls, 1 s each.
    assert elapsed < 4 * 1 + 2
    assert settings_snapshot() == before


def test_slow_post_is_not_retried(api, spotify, monkeypatch):
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    store_user_tokens(spotify)
    playlist = spotify.add_playlist("P", spotify.make_tracks(1))
    spotify.set_slow(5, f"^/v1/playlists/{playlist['id']}/items$", method="POST")

    started = time.monotonic()
    response = api.post(
        f"/spotify/playlists/{playlist['id']}/tracks",
        {"uris": ["spotify:track:0000000000000000000000"]},
        format="json",
    )

    assert response.status_code == 502
    assert time.monotonic() - started < 1 + 2
    assert len(api_calls(spotify, f"/playlists/{playlist['id']}/items", "POST")) == 1


def test_a_single_429_is_waited_out(api, spotify):
    spotify.set_rate_limit(count=1, retry_after=1, path="^/v1/search$")

    response = api.get("/spotify/search/tracks", {"query": "x"})

    assert response.status_code == 200
    assert len(api_calls(spotify, "/search")) == 2


def test_a_single_500_on_a_get_is_retried(api, spotify):
    spotify.set_status500("^/v1/search$", count=1)

    assert api.get("/spotify/search/tracks", {"query": "x"}).status_code == 200


def test_token_endpoint_down_is_502_for_app_endpoints(api, spotify):
    spotify.set_down("^/api/token$")

    response = api.get("/spotify/search/tracks", {"query": "x"})

    assert response.status_code == 502
    assert api_calls(spotify, "/search") == []
