"""Every route needs a session or an API key (CONTRACT §5, RELIABILITY T01–T02)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.models import ApiKey
from tests.factories import ApiKeyFactory

PUBLIC = {"spotify/callback", "accounts/login", "accounts/logout"}


def _routes(patterns=None, prefix: str = "") -> list[str]:
    """Every concrete route of the project (admin and converters filled with sample values)."""
    routes: list[str] = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                routes.append("admin/")
                continue
            routes.extend(_routes(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            sample = route.replace("<str:", "<").replace("<int:", "<").replace("<path:", "<")
            while "<" in sample:
                start, end = sample.index("<"), sample.index(">")
                sample = sample[:start] + "1" + sample[end + 1 :]
            routes.append(sample.lstrip("^").rstrip("$"))
    return sorted(set(routes))


ROUTES = [r for r in _routes() if r not in PUBLIC and r != ""]


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_requires_authentication(anon, route):
    response = anon.get("/" + route)

    if route.startswith(("ui", "admin")):
        assert response.status_code == 302
        assert "/login" in response["Location"]
    else:
        assert response.status_code in (401, 405), route
        if response["Content-Type"] == "application/json":
            assert "detail" in response.json()


def test_root_redirects_to_ui(session_client):
    response = session_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/ui/"


def test_api_key_header_authenticates(api):
    response = api.get("/status")

    assert response.status_code == 200


def test_wrong_api_key_is_401_json(anon):
    response = anon.get("/status", HTTP_X_API_KEY="nope")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid API key."}


def test_api_key_in_query_string_is_ignored(anon):
    response = anon.get("/status?api_key=test-api-key-0123456789")

    assert response.status_code == 401


def test_forwarded_headers_do_not_bypass_auth(anon):
    response = anon.get("/status", HTTP_X_FORWARDED_FOR="127.0.0.1", HTTP_X_REAL_IP="127.0.0.1")

    assert response.status_code == 401


def test_admin_created_key_is_stored_hashed_and_accepted(anon):
    raw = "admin-made-key-abcdef"
    key = ApiKeyFactory(key_hash=ApiKey.hash_key(raw), prefix=raw[:6])

    response = anon.get("/status", HTTP_X_API_KEY=raw)

    assert response.status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert raw not in key.key_hash


def test_session_writes_need_csrf(session_client):
    response = session_client.post(
        "/settings", {"key": "PLEX_LIBRARY", "value": "x"}, format="json"
    )

    assert response.status_code == 403


def test_session_reads_work(session_client):
    assert session_client.get("/status").status_code == 200


def test_unknown_host_is_400_not_500(api):
    response = api.get("/status", HTTP_HOST="evil.example")

    assert response.status_code == 400
