"""Failing, unconfigured and slow sources of `POST /api/search` (SPEC §3.2, §3.3, D11, T16)."""

from __future__ import annotations

import time

import pytest

from activity.models import ActivityEvent

pytestmark = pytest.mark.django_db(transaction=True)


def event(status: str) -> dict:
    return ActivityEvent.objects.get(type="search", status=status).details


def test_one_source_down_answers_the_others_with_ok_false(search, spotify, plex):
    spotify.add_track("Nude", "Radiohead", "In Rainbows")
    plex.set_down("/hubs/search")

    response = search({"query": "nude", "sources": ["spotify", "plex"], "type": "track"})

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert [i["source"] for i in body["items"]] == ["spotify"]
    assert event("search_completed")["matches"] == {"plex": 0, "spotify": 1}
    assert event("search_failed") == {
        "query": "nude",
        "sources": ["plex", "spotify"],
        "errors": [{"source": "plex", "message": "plex unreachable"}],
    }


def test_upstream_server_error_is_unavailable(search, spotify, plex):
    spotify.set_status500(r"^/v1/search")

    response = search({"query": "nude", "sources": ["spotify", "plex"]})

    assert response.json()["ok"] is False
    assert event("search_failed")["errors"] == [
        {"source": "spotify", "message": "spotify: HTTP 500"}
    ]


def test_unconfigured_source_fails_as_not_configured_without_a_thread(search, plex):
    response = search({"query": "nude", "sources": ["plex", "soulseek"]})

    assert response.status_code == 200
    assert response.json()["ok"] is False
    (error,) = event("search_failed")["errors"]
    assert error["source"] == "soulseek"
    assert "not configured" in error["message"]
    assert "SLSKD_URL" in error["message"]


def test_all_sources_unconfigured_is_503_with_the_documented_body(search):
    response = search({"query": "nude"})

    assert response.status_code == 503
    assert response.json() == {
        "ok": False,
        "code": "DEPENDENCY_ERROR",
        "message": "All search sources failed",
        "errors": {
            "spotify": "not_configured",
            "plex": "not_configured",
            "soulseek": "not_configured",
        },
    }
    assert event("search_started")["sources"] == ["plex", "soulseek", "spotify"]
    assert len(event("search_failed")["errors"]) == 3
    assert not ActivityEvent.objects.filter(status="search_completed").exists()


def test_mixed_failures_are_reported_per_source_in_the_503(search, plex, monkeypatch):
    monkeypatch.setenv("SEARCH_TIMEOUT_MS", "300")
    plex.set_slow(5, "/hubs/search")

    response = search({"query": "nude", "sources": ["plex", "spotify"]})

    assert response.status_code == 503
    assert response.json()["errors"] == {"plex": "timeout", "spotify": "not_configured"}


def test_all_configured_sources_failing_is_503(search, spotify, plex, slskd):
    spotify.set_down()
    plex.set_status500()
    slskd.set_down()

    response = search({"query": "nude"})

    assert response.status_code == 503
    assert response.json() == {
        "ok": False,
        "code": "DEPENDENCY_ERROR",
        "message": "All search sources failed",
        "errors": {"spotify": "unavailable", "plex": "unavailable", "soulseek": "unavailable"},
    }


def test_slow_source_times_out_while_the_others_answer(search, spotify, plex, slskd, monkeypatch):
    monkeypatch.setenv("SEARCH_TIMEOUT_MS", "800")
    spotify.add_track("Nude", "Radiohead", "In Rainbows")
    plex.add_track("Nude", "Radiohead", "In Rainbows")
    plex.set_slow(10, "/hubs/search")

    started = time.monotonic()
    response = search({"query": "nude", "type": "track", "sources": ["spotify", "plex"]})
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert [i["source"] for i in response.json()["items"]] == ["spotify"]
    assert elapsed < 3.0
    assert event("search_failed")["errors"] == [
        {"source": "plex", "message": "plex: no answer within 800 ms"}
    ]


def test_sources_run_concurrently(search, spotify, plex):
    for fake in (spotify, plex):
        fake.set_latency(0.2)
    spotify.add_track("Nude", "Radiohead", "In Rainbows")

    started = time.monotonic()
    search({"query": "nude", "sources": ["plex"]})
    plex_alone = time.monotonic() - started
    started = time.monotonic()
    search({"query": "nude", "sources": ["spotify"]})
    spotify_alone = time.monotonic() - started
    started = time.monotonic()
    response = search({"query": "nude", "sources": ["spotify", "plex"]})
    together = time.monotonic() - started

    assert response.json()["ok"] is True
    # Sequential would take the sum; concurrent takes about the slower one.
    assert together < 0.85 * (plex_alone + spotify_alone)


def test_an_unexpected_error_in_a_source_is_unavailable_not_500(search, plex, monkeypatch):
    from matching.search import sources

    def broken(self, request, budget):
        raise KeyError("surprise")

    monkeypatch.setattr(sources.PlexSource, "fetch", broken)

    response = search({"query": "nude", "sources": ["plex"]})

    assert response.status_code == 503
    assert response.json()["errors"] == {"plex": "unavailable"}
    assert event("search_failed")["errors"] == [{"source": "plex", "message": "plex: KeyError"}]


def test_garbage_from_an_upstream_is_unavailable(search, plex, spotify):
    plex.set_malformed("html", "/hubs/search")
    spotify.add_track("Nude", "Radiohead", "In Rainbows")

    response = search({"query": "nude", "sources": ["plex", "spotify"]})

    assert response.status_code == 200
    assert response.json()["ok"] is False


def test_every_source_slow_answers_503_within_the_budget(search, spotify, plex, monkeypatch):
    monkeypatch.setenv("SEARCH_TIMEOUT_MS", "500")
    spotify.set_slow(10)
    plex.set_slow(10)

    started = time.monotonic()
    response = search({"query": "x" * 512, "sources": ["spotify", "plex"]})
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["errors"] == {"spotify": "timeout", "plex": "timeout"}
    assert elapsed < 2.5
