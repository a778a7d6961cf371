"""Every download route needs a session or an API key (CONTRACT §5, RELIABILITY T01)."""

from __future__ import annotations

import pytest

from downloads.models import Download
from tests.factories import DownloadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.downloads.soulseek_urls")]

ROUTES = [
    ("get", "/api/downloads"),
    ("get", "/api/downloads/export"),
    ("post", "/api/download"),
    ("get", "/api/download/{id}"),
    ("delete", "/api/download/{id}"),
    ("patch", "/api/download/{id}/priority"),
    ("post", "/api/download/{id}/retry"),
    ("post", "/soulseek/download"),
    ("get", "/soulseek/downloads"),
    ("delete", "/soulseek/download/{id}"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_route_requires_authentication(anon, method, path, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:9")
    download = DownloadFactory(status="failed")

    response = getattr(anon, method)(path.format(id=download.pk), {}, format="json")

    assert response.status_code == 401
    assert "detail" in response.json()
    assert Download.objects.get(pk=download.pk).status == "failed"
    assert Download.objects.count() == 1


def test_session_writes_need_the_csrf_token(session_client, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:9")

    response = session_client.post(
        "/api/download", {"username": "u", "files": [{"filename": "a"}]}, format="json"
    )

    assert response.status_code == 403
    assert not Download.objects.exists()
