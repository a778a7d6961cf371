"""`GET /plex/status`: connected, disconnected, unconfigured — never 502/503 (SPEC §2.0, §2.7)."""

from __future__ import annotations

import time

from tests.integrations.plex.plex_helpers import only


def test_connected_status_has_sessions_and_library_counts(api, plex, library):
    plex.add_session(library["nude"], user="alice", player="Plexamp")

    response = api.get("/plex/status")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "connected"
    assert body["library"] == {"artists": 2, "albums": 3, "tracks": 5}
    assert body["sessions"]["MediaContainer"]["Metadata"][0]["title"] == "Nude"
    assert set(body) == {"status", "sessions", "library"}
    only(plex, "/status/sessions")
    counts = plex.requests_to("/library/sections/1/all")
    assert sorted(r.arg("type") for r in counts) == ["10", "8", "9"]
    assert {r.header("X-Plex-Container-Size") for r in counts} == {"0"}


def test_unreachable_plex_is_reported_as_disconnected(api, plex, library):
    plex.set_down()

    response = api.get("/plex/status")

    assert response.status_code == 200
    assert response.json() == {"status": "disconnected", "error": "plex unreachable"}


def test_slow_plex_is_disconnected_within_the_timeout(api, plex, library, monkeypatch):
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    plex.set_slow(5)

    started = time.monotonic()
    response = api.get("/plex/status")

    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert response.json()["status"] == "disconnected"


def test_rejected_token_is_disconnected_without_leaking_it(api, plex, library, monkeypatch):
    monkeypatch.setenv("PLEX_TOKEN", "wrong-token-abcdef")

    response = api.get("/plex/status")

    assert response.json() == {
        "status": "disconnected",
        "error": "plex rejected the credentials (HTTP 401)",
    }
    assert "wrong-token-abcdef" not in response.content.decode()


def test_unconfigured_status_lists_the_missing_keys(api, db):
    response = api.get("/plex/status")

    assert response.status_code == 200
    assert response.json() == {"status": "unconfigured", "missing": ["PLEX_BASE_URL", "PLEX_TOKEN"]}
