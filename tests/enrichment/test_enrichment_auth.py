"""Every enrichment endpoint needs authentication (CONTRACT §5)."""

from __future__ import annotations

import pytest

from downloads.models import MetadataRefreshRun
from tests.factories import DownloadFactory

ROUTES = [
    ("post", "/api/metadata/update"),
    ("get", "/api/metadata/status"),
    ("post", "/api/metadata/stop"),
    ("get", "/soulseek/download/{id}/metadata"),
    ("post", "/soulseek/download/{id}/metadata/refresh"),
    ("get", "/soulseek/download/{id}/artwork"),
    ("post", "/soulseek/download/{id}/artwork/refresh"),
    ("get", "/soulseek/download/{id}/lyrics"),
    ("post", "/soulseek/download/{id}/lyrics/refresh"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_enrichment_endpoint_needs_authentication(anon, method: str, path: str) -> None:
    download = DownloadFactory()

    response = getattr(anon, method)(path.format(id=download.pk))

    assert response.status_code == 401
    assert "detail" in response.json()
    assert MetadataRefreshRun.objects.count() == 0
