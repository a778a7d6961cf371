"""`GET /soulseek/status` and `POST /soulseek/search` (SPEC §2.8, §9.1)."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from integrations.models import SoulseekSearch
from tests.factories import SoulseekSearchFactory
from tests.fakes.slskd import slsk_file
from tests.integrations.soulseek.conftest import API_KEY

FILE = "@@abcde\\Music\\Radiohead\\In Rainbows\\04 - Weird Fishes.mp3"


# Status


def test_status_reports_the_logged_in_server(api, slskd):
    response = api.get("/soulseek/status")

    assert response.status_code == 200
    assert response.json() == {
        "status": "connected",
        "server": {
            "state": "Connected, LoggedIn",
            "is_logged_in": True,
            "address": "vps.slsknet.org:2271",
        },
    }
    [sent] = slskd.requests_to(r"/api/v0/server$", "GET")
    assert sent.header("X-API-Key") == API_KEY


def test_status_without_configuration_is_unconfigured(api):
    response = api.get("/soulseek/status")

    assert response.status_code == 200
    assert response.json() == {"status": "unconfigured", "missing": ["SLSKD_URL"]}


def test_status_of_a_server_that_is_not_logged_in(api, slskd):
    slskd.set_server_state("Disconnected")

    body = api.get("/soulseek/status").json()

    assert body["status"] == "disconnected"
    assert body["server"]["is_logged_in"] is False
    assert "Disconnected" in body["error"]


@pytest.mark.parametrize("fault", ["down", "status500", "malformed"])
def test_status_of_a_broken_slskd_is_disconnected_not_502(api, slskd, fault):
    getattr(slskd, f"set_{fault}")()

    response = api.get("/soulseek/status")

    assert response.status_code == 200
    assert response.json()["status"] == "disconnected"
    assert response.json()["error"].startswith("soulseek")


def test_status_with_a_wrong_api_key_names_the_credentials(api, slskd, monkeypatch):
    monkeypatch.setenv("SLSKD_API_KEY", "wrong")

    body = api.get("/soulseek/status").json()

    assert body == {
        "status": "disconnected",
        "error": "soulseek rejected SLSKD_API_KEY (HTTP 401)",
    }


# Search


def test_search_runs_the_slskd_search_flow(api, slskd):
    slskd.add_search_result("radiohead", "user123", [slsk_file(FILE, 9423921)])

    response = api.post("/soulseek/search", {"query": "  Radiohead Weird Fishes "}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "Completed, TimedOut"
    assert body["is_complete"] is True
    assert [r["username"] for r in body["results"]] == ["user123"]
    assert body["results"][0]["files"][0]["filename"] == FILE
    [created] = slskd.requests_to(r"/searches$", "POST")
    assert created.json == {
        "id": body["search_id"],
        "searchText": "Radiohead Weird Fishes",
        "filterResponses": True,
        "responseLimit": 100,
        "fileLimit": 10000,
    }
    assert uuid.UUID(body["search_id"]).version == 4
    assert created.header("X-API-Key") == API_KEY
    assert slskd.requests_to(rf"/searches/{body['search_id']}$", "GET")
    assert slskd.requests_to(rf"/searches/{body['search_id']}/responses$", "GET")
    assert slskd.requests_to(rf"/searches/{body['search_id']}$", "DELETE")
    assert slskd.requests_to(r"/searches/", "PUT") == []
    row = SoulseekSearch.objects.get()
    assert (row.state, row.search_id, row.result_count) == ("done", body["search_id"], 1)
    assert (row.lane, row.requested_by) == (SoulseekSearch.Lane.MANUAL, "api")


def test_a_search_still_running_at_the_deadline_is_stopped(api, slskd, monkeypatch):
    monkeypatch.setenv("SLSKD_SEARCH_TIMEOUT_SEC", "1")
    slskd.search_polls_to_complete = 10**6
    slskd.add_search_result("daft", "peer", [slsk_file("Music\\Daft Punk\\01.mp3")])

    body = api.post("/soulseek/search", {"query": "daft punk"}, format="json").json()

    assert slskd.requests_to(rf"/searches/{body['search_id']}$", "PUT")
    assert (body["state"], body["is_complete"]) == ("Completed, Cancelled", True)
    assert [r["username"] for r in body["results"]] == ["peer"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"query": ""}, {"query": "   "}, {"query": None}, {"query": ["x"]}, {"query": "x" * 256}],
)
def test_search_without_a_usable_query_is_422(api, slskd, payload):
    response = api.post("/soulseek/search", payload, format="json")

    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["query"]
    assert slskd.requests == []
    assert not SoulseekSearch.objects.exists()


def test_search_without_configuration_is_503(api):
    response = api.post("/soulseek/search", {"query": "radiohead"}, format="json")

    assert response.status_code == 503
    assert response.json() == {
        "detail": {"message": "Soulseek is not configured", "missing": {"soulseek": ["SLSKD_URL"]}}
    }
    assert not SoulseekSearch.objects.exists()


def test_search_refused_by_slskd_is_502_and_counts_against_the_budget(api, slskd):
    slskd.set_server_state("Disconnected")

    response = api.post("/soulseek/search", {"query": "radiohead"}, format="json")

    assert response.status_code == 502
    assert response.json()["service"] == "soulseek"
    row = SoulseekSearch.objects.get()
    assert row.state == "failed"
    assert row.started_at is not None


def test_search_while_the_budget_is_spent_is_502_without_contacting_slskd(api, slskd, monkeypatch):
    monkeypatch.setenv("SLSKD_SEARCH_TIMEOUT_SEC", "1")
    monkeypatch.setenv("SOULSEEK_SEARCH_BUDGET", "1")
    SoulseekSearchFactory(state="done", started_at=timezone.now())

    response = api.post("/soulseek/search", {"query": "radiohead"}, format="json")

    assert response.status_code == 502
    assert response.json() == {
        "detail": "soulseek: search budget exhausted",
        "service": "soulseek",
    }
    assert slskd.requests == []


def test_a_busy_search_create_is_retried(api, slskd, waits):
    slskd.busy_next("search", 1)

    response = api.post("/soulseek/search", {"query": "radiohead"}, format="json")

    assert response.status_code == 200
    assert len(slskd.requests_to(r"/searches$", "POST")) == 2
    assert len(waits) == 1
