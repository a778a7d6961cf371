"""Every slskd-backed `/soulseek` endpoint: auth, missing credentials and upstream faults
(SPEC §2.0, §2.8; CONTRACT §6; RELIABILITY T29, T31, T33)."""

from __future__ import annotations

import time

import pytest

from integrations import http
from tests.factories import DownloadFactory
from tests.integrations.soulseek.conftest import db_snapshot

GUID = "5f0c0000-0000-4000-8000-000000000000"
ENQUEUE = {"username": "user123", "files": [{"filename": "Music\\a.mp3", "size": 1}]}

ENDPOINTS = [
    ("post", "/soulseek/search", {"query": "radiohead"}),
    ("get", f"/soulseek/download/{GUID}", None),
    ("get", f"/soulseek/download/{GUID}/queue", None),
    ("get", "/soulseek/downloads/all", None),
    ("delete", "/soulseek/downloads/completed", None),
    ("post", "/soulseek/enqueue", ENQUEUE),
    ("get", "/soulseek/uploads", None),
    ("get", "/soulseek/uploads/all", None),
    ("delete", f"/soulseek/upload/{GUID}", None),
    ("delete", "/soulseek/uploads/completed", None),
    ("get", "/soulseek/user/user123/address", None),
    ("get", "/soulseek/user/user123/browse", None),
    ("get", "/soulseek/user/user123/directory?path=Music", None),
    ("get", "/soulseek/user/user123/info", None),
    ("get", "/soulseek/user/user123/status", None),
]
ALL_URLS = [("get", "/soulseek/status", None), *ENDPOINTS]


def call(client, method: str, url: str, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


def ids(endpoint) -> str:
    return f"{endpoint[0].upper()} {endpoint[1]}"


@pytest.mark.parametrize("endpoint", ALL_URLS, ids=ids)
def test_every_soulseek_url_needs_authentication(anon, endpoint):
    response = call(anon, *endpoint)

    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_without_slskd_url_every_endpoint_is_503(api, endpoint):
    response = call(api, *endpoint)

    assert response.status_code == 503
    assert response.json() == {
        "detail": {"message": "Soulseek is not configured", "missing": {"soulseek": ["SLSKD_URL"]}}
    }


@pytest.mark.parametrize("fault", ["down", "status500", "malformed"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_a_broken_slskd_is_502_and_changes_nothing(api, slskd, endpoint, fault):
    DownloadFactory(username="user123", slskd_transfer_id=GUID)
    before = db_snapshot()
    getattr(slskd, f"set_{fault}")()

    response = call(api, *endpoint)

    assert response.status_code == 502
    assert response.json()["service"] == "soulseek"
    assert set(response.json()) == {"detail", "service"}
    assert db_snapshot() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS[::4], ids=ids)
def test_a_slow_slskd_is_502_within_the_deadline(api, slskd, endpoint, monkeypatch):
    monkeypatch.setattr(http, "BACKOFF", ())
    before = db_snapshot()
    slskd.set_slow(5)
    started = time.monotonic()

    response = call(api, *endpoint)

    assert response.status_code == 502
    assert response.json() == {"detail": "soulseek: timeout", "service": "soulseek"}
    assert time.monotonic() - started < 3
    assert db_snapshot() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS[1::3], ids=ids)
def test_a_rejected_api_key_is_502_naming_the_credentials(api, slskd, endpoint, monkeypatch):
    monkeypatch.setenv("SLSKD_API_KEY", "wrong-key")

    response = call(api, *endpoint)

    assert response.status_code == 502
    assert response.json() == {
        "detail": "soulseek rejected SLSKD_API_KEY (HTTP 401)",
        "service": "soulseek",
    }


def test_a_redirecting_slskd_is_502_and_the_key_does_not_follow(api, slskd):
    slskd.set_status500(r"/transfers/downloads$", status=302)

    response = api.get("/soulseek/downloads/all")

    assert response.status_code == 502
    assert len(slskd.requests_to(r"/transfers/downloads$")) == 1
