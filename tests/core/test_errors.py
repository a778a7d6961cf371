"""Error conventions: JSON everywhere, 4xx for bad input, never a 500 (CONTRACT §6, T11–T15, T61)."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import path
from rest_framework.views import APIView

from harmony.urls import urlpatterns as project_urls


class Boom(APIView):
    def get(self, request):
        raise RuntimeError("secret internals")


urlpatterns = [path("boom", Boom.as_view()), *project_urls]


def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


def test_malformed_json_is_400(api):
    response = api.post("/settings", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_deeply_nested_json_is_400(api):
    payload = "[" * 100_000 + "]" * 100_000

    response = api.post("/settings", data=payload, content_type="application/json")

    assert response.status_code == 400


def test_nan_is_rejected(api):
    response = api.post(
        "/settings",
        data='{"key": "RETRY_JITTER_PCT", "value": NaN}',
        content_type="application/json",
    )

    assert response.status_code == 400


@pytest.mark.parametrize("charset", ["bz2_codec", "nope-charset", "latin-1"])
def test_foreign_charsets_are_400(api, charset):
    response = api.post(
        "/settings",
        data=b'{"key": "PLEX_LIBRARY", "value": "x"}',
        content_type=f"application/json; charset={charset}",
    )

    assert response.status_code == 400


def test_invalid_utf8_is_400(api):
    response = api.post("/settings", data=b'{"key": "\xff\xfe"}', content_type="application/json")

    assert response.status_code == 400


def test_form_encoded_body_is_415(api):
    response = api.post(
        "/settings", data="key=a&value=b", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415


def test_oversized_body_is_413_json(api):
    payload = json.dumps({"key": "PLEX_LIBRARY", "value": "x" * (3 * 1024 * 1024)})

    response = api.post("/settings", data=payload, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large"}


def test_trace_is_405(api):
    response = api.generic("TRACE", "/status")

    assert response.status_code == 405


@override_settings(ROOT_URLCONF=__name__)
def test_unexpected_error_is_500_without_details(api, caplog):
    response = api.get("/boom")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "code": "INTERNAL_ERROR"}
    assert "secret internals" not in response.content.decode()


def test_security_headers_on_pages_and_api(session_client):
    page = session_client.get("/ui/")
    api_response = session_client.get("/settings")

    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert api_response["Cache-Control"] == "no-store"


def test_api_speaks_english_pages_german(session_client):
    api_response = session_client.get("/api/activity?limit=0")
    page = session_client.get("/ui/")

    assert "greater than or equal" in json.dumps(api_response.json())
    assert page["Content-Language"] == "de"


def test_paths_have_no_trailing_slash_redirects(api):
    response = api.get("/status/")

    assert response.status_code == 404


def test_nul_in_a_json_string_is_400(api):
    response = api.post(
        "/settings",
        data='{"key": "PLEX_LIBRARY", "value": "a\\u0000b"}',
        content_type="application/json",
    )

    assert response.status_code == 400


def test_nul_in_a_query_parameter_is_422_naming_it(api):
    response = api.get("/api/activity?type=sync%00")

    assert response.status_code == 422
    assert "type" in response.json()["detail"]
