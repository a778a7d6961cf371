"""Every `/plex` endpoint under upstream faults: documented status, DB unchanged, no token leak.

SPEC §2.0 error mapping, CONTRACT §6, RELIABILITY T08, T09, T29, T31, T33.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from integrations.clients.plex import client_identifier
from tests.fakes import FakePlex
from tests.fakes.base import FakeServer, Response, route
from tests.integrations.plex.plex_helpers import db_state

TOKEN = "tok-SECRET-9f8e7d6c"

# (id, method, url, body, reads Plex JSON)
ENDPOINTS: list[tuple[str, str, str, Any, bool]] = [
    ("sections", "get", "/plex/library/sections", None, True),
    ("libraries", "get", "/plex/libraries", None, True),
    ("section-all", "get", "/plex/library/sections/1/all", None, True),
    ("section-items", "get", "/plex/library/1/items", None, True),
    ("metadata", "get", "/plex/library/metadata/{nude}", None, True),
    ("status-sessions", "get", "/plex/status/sessions", None, True),
    ("sessions", "get", "/plex/sessions", None, True),
    ("history-all", "get", "/plex/status/sessions/history/all", None, True),
    ("history", "get", "/plex/history", None, True),
    ("timeline-get", "get", "/plex/timeline", None, True),
    (
        "timeline-post",
        "post",
        "/plex/timeline",
        {"ratingKey": "{nude}", "state": "playing", "time": 5},
        False,
    ),
    ("scrobble", "post", "/plex/scrobble", {"key": "{nude}"}, False),
    ("unscrobble", "post", "/plex/unscrobble", {"key": "{nude}"}, False),
    ("playlists-get", "get", "/plex/playlists", None, True),
    ("playlists-post", "post", "/plex/playlists", {"title": "x", "item_ids": ["{nude}"]}, True),
    ("playlist-put", "put", "/plex/playlists/{pid}", {"add_item_ids": ["{nude}"]}, True),
    ("playlists-put", "put", "/plex/playlists", {"playlist_id": "{pid}", "title": "y"}, False),
    ("playlist-delete", "delete", "/plex/playlists/{pid}", None, False),
    ("playlists-delete", "delete", "/plex/playlists?playlist_id={pid}", None, False),
    ("playqueues-post", "post", "/plex/playQueues", {"item_ids": ["{nude}"]}, True),
    ("playqueue-get", "get", "/plex/playQueues/5", None, True),
    ("rate", "post", "/plex/rate", {"key": "{nude}", "rating": 5}, False),
    ("tags", "post", "/plex/tags/{nude}", {"genre": ["Rock"]}, True),
    ("devices", "get", "/plex/devices", None, True),
    ("dvr", "get", "/plex/dvr", None, True),
    ("livetv", "get", "/plex/livetv", None, True),
]
IDS = [e[0] for e in ENDPOINTS]
READING = [e for e in ENDPOINTS if e[4]]
SLOW = [
    e
    for e in ENDPOINTS
    if e[0] in {"sections", "timeline-post", "playlists-post", "rate", "tags", "playlist-delete"}
]


@pytest.fixture
def secret_plex(plex: FakePlex, library, monkeypatch) -> FakePlex:
    """A fake with a recognisable token, and the client identifier already stored."""
    plex.token = TOKEN
    monkeypatch.setenv("PLEX_TOKEN", TOKEN)
    client_identifier()
    return plex


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def call(api, fake: FakePlex, library: dict, method: str, url: str, body: Any):
    names = {"nude": library["nude"]["ratingKey"], "pid": "4242"}
    if not fake.playlists:
        names["pid"] = fake.add_playlist("Faulty")["ratingKey"]
    else:
        names["pid"] = next(iter(fake.playlists))
    kwargs = {"format": "json"} if body is not None else {}
    return getattr(api, method)(_fill(url, names), _fill(body, names), **kwargs)


def assert_bad_gateway(response, detail: str | None = None) -> None:
    assert response.status_code == 502, response.content
    body = response.json()
    assert set(body) == {"detail", "service"}
    assert body["service"] == "plex"
    if detail is not None:
        assert body["detail"] == detail
    assert TOKEN not in response.content.decode()


@pytest.mark.parametrize(("name", "method", "url", "body", "reads"), ENDPOINTS, ids=IDS)
def test_happy_path_answers_200(api, secret_plex, library, name, method, url, body, reads):
    response = call(api, secret_plex, library, method, url, body)

    expected = 404 if name == "playqueue-get" else 200
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(("name", "method", "url", "body", "reads"), ENDPOINTS, ids=IDS)
def test_unreachable_plex_is_502(api, secret_plex, library, name, method, url, body, reads):
    before = db_state()
    secret_plex.set_down()

    response = call(api, secret_plex, library, method, url, body)

    assert_bad_gateway(response, "plex unreachable")
    assert db_state() == before


@pytest.mark.parametrize(("name", "method", "url", "body", "reads"), ENDPOINTS, ids=IDS)
def test_server_error_is_502(api, secret_plex, library, name, method, url, body, reads):
    before = db_state()
    secret_plex.set_status500()

    response = call(api, secret_plex, library, method, url, body)

    assert_bad_gateway(response, "plex: HTTP 500")
    assert db_state() == before


@pytest.mark.parametrize(("name", "method", "url", "body", "reads"), ENDPOINTS, ids=IDS)
def test_rate_limit_beyond_the_budget_is_502(
    api, secret_plex, library, name, method, url, body, reads
):
    secret_plex.set_rate_limit(count=100, retry_after=0)

    response = call(api, secret_plex, library, method, url, body)

    assert_bad_gateway(response)


@pytest.mark.parametrize(("name", "method", "url", "body", "reads"), ENDPOINTS, ids=IDS)
def test_rejected_token_is_502_naming_the_credential_not_its_value(
    api, secret_plex, library, monkeypatch, name, method, url, body, reads
):
    secret_plex.token = "the-real-token"

    response = call(api, secret_plex, library, method, url, body)

    assert_bad_gateway(response, "plex rejected the credentials (HTTP 401)")


@pytest.mark.parametrize(("name", "method", "url", "body", "reads"), ENDPOINTS, ids=IDS)
def test_missing_credentials_are_503(api, db, name, method, url, body, reads):
    names = {"nude": "1", "pid": "2"}
    kwargs = {"format": "json"} if body is not None else {}

    response = getattr(api, method)(_fill(url, names), _fill(body, names), **kwargs)

    assert response.status_code == 503
    assert response.json() == {
        "detail": {
            "message": "Plex is not configured",
            "missing": {"plex": ["PLEX_BASE_URL", "PLEX_TOKEN"]},
        }
    }


@pytest.mark.parametrize("variant", ["json", "html"])
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "reads"), READING, ids=[e[0] for e in READING]
)
def test_garbage_from_plex_is_502(
    api, secret_plex, library, variant, name, method, url, body, reads
):
    before = db_state()
    secret_plex.set_malformed(variant)

    response = call(api, secret_plex, library, method, url, body)

    assert_bad_gateway(response)
    assert db_state() == before


@pytest.mark.parametrize(("name", "method", "url", "body", "reads"), SLOW, ids=[e[0] for e in SLOW])
def test_slow_plex_is_502_within_the_timeout(
    api, secret_plex, library, monkeypatch, name, method, url, body, reads
):
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    before = db_state()
    secret_plex.set_slow(4)

    started = time.monotonic()
    response = call(api, secret_plex, library, method, url, body)

    assert time.monotonic() - started < 2
    assert_bad_gateway(response, "plex: timeout")
    assert db_state() == before


class _OddPlex(FakePlex):
    """Answers `/devices` with valid JSON of the wrong shape."""

    @route("GET", r"/devices")
    def _odd_devices(self, request):
        return Response(200, b"[1, 2]", {"Content-Type": "application/json"})


def test_json_that_is_not_a_media_container_is_502(api, db, monkeypatch):
    with _OddPlex(token=TOKEN) as odd:
        monkeypatch.setenv("PLEX_BASE_URL", odd.url)
        monkeypatch.setenv("PLEX_TOKEN", TOKEN)

        response = api.get("/plex/devices")

    assert_bad_gateway(response, "plex: unexpected response from /devices")


class _Redirector(FakeServer):
    """A "Plex" that redirects every request to another host."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    @route("GET", r"/.*")
    def _redirect(self, request):
        return Response(302, headers={"Location": self.target + request.raw_path})


def test_a_redirecting_plex_is_502_and_the_token_does_not_follow(api, db, monkeypatch):
    with FakePlex(token=TOKEN) as elsewhere, _Redirector(elsewhere.url) as redirector:
        monkeypatch.setenv("PLEX_BASE_URL", redirector.url)
        monkeypatch.setenv("PLEX_TOKEN", TOKEN)

        response = api.get("/plex/library/sections")
        status = api.get("/plex/status")

        assert elsewhere.requests == []
        assert len(redirector.requests) >= 1

    assert_bad_gateway(response, "plex: unexpected redirect (HTTP 302)")
    assert status.json() == {
        "status": "disconnected",
        "error": "plex: unexpected redirect (HTTP 302)",
    }
