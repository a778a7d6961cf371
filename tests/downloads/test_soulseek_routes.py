"""`POST /soulseek/download`, `GET /soulseek/downloads`, `DELETE /soulseek/download/{id}`
(SPEC §2.8, D2, D24): the same services as `/api/download*`, Soulseek-shaped answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from activity.models import ActivityEvent
from core.models import WorkerJob
from downloads.models import Download
from downloads.tasks import run_sync_cycle
from tests.factories import DownloadFactory
from tests.helpers import body

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.downloads.soulseek_urls")]

T0 = datetime(2024, 3, 18, 12, 0, tzinfo=UTC)


def test_post_queues_like_api_download_with_soulseek_shape(api, slskd):
    response = api.post(
        "/soulseek/download",
        {"username": "dj_user", "files": [{"filename": "Daft Punk - Harder.mp3", "size": 5120000}]},
        format="json",
    )

    assert response.status_code == 202
    data = response.json()
    assert data["status"] == "queued"
    [item] = data["detail"]["downloads"]
    download = Download.objects.get()
    assert item["id"] == download.pk
    assert item["state"] == item["status"] == "queued"
    assert item["progress"] == 0.0
    assert download.source == "soulseek"
    assert WorkerJob.objects.get().download == download
    assert ActivityEvent.objects.get().status == "queued"


def test_post_without_credentials_is_blocked_with_event(api):
    response = api.post(
        "/soulseek/download", {"username": "u", "files": [{"filename": "a"}]}, format="json"
    )

    assert response.status_code == 503
    assert ActivityEvent.objects.get().status == "download_blocked"


def test_post_validates_like_api_download(api, slskd):
    response = api.post("/soulseek/download", {"username": "u", "files": []}, format="json")

    assert response.status_code == 422
    assert "files" in response.json()["detail"]


def test_list_returns_every_download_newest_first_with_state(api):
    old = DownloadFactory(status="completed", created_at=T0, priority=9)
    new = DownloadFactory(status="queued", created_at=T0 + timedelta(minutes=1))
    cancelled = DownloadFactory(status="cancelled", created_at=T0 + timedelta(minutes=1))

    response = api.get("/soulseek/downloads")

    assert response.status_code == 200
    data = json.loads(body(response))
    assert [d["id"] for d in data["downloads"]] == [cancelled.pk, new.pk, old.pk]
    assert [d["state"] for d in data["downloads"]] == ["cancelled", "queued", "completed"]
    assert {"artwork_status", "has_artwork", "organized_path", "spotify_track_id"} <= set(
        data["downloads"][0]
    )


def test_list_without_downloads_is_an_empty_list(api):
    assert json.loads(body(api.get("/soulseek/downloads"))) == {"downloads": []}


def test_delete_by_id_cancels_through_the_same_service(api, slskd):
    download = DownloadFactory()

    response = api.delete(f"/soulseek/download/{download.pk}")

    assert response.status_code == 200
    assert response.json() == {"cancelled": True}
    assert Download.objects.get(pk=download.pk).status == "cancelled"
    assert ActivityEvent.objects.get().details["source"] == "api"


def test_delete_by_guid_of_a_harmony_download_cancels_it(api, slskd):
    response = api.post(
        "/api/download", {"username": "u", "files": [{"filename": "a.mp3"}]}, format="json"
    )
    run_sync_cycle()
    download = Download.objects.get(pk=response.json()["download_id"])

    result = api.delete(f"/soulseek/download/{download.slskd_transfer_id.upper()}")

    assert result.json() == {"cancelled": True}
    assert Download.objects.get(pk=download.pk).status == "cancelled"
    assert slskd.downloads()[0].state == "Completed, Cancelled"


def test_delete_by_guid_without_harmony_row_only_cancels_at_slskd(api, slskd):
    # Someone else (the slskd UI) enqueued this file; Harmony has no row for it.
    requests.post(
        f"{slskd.url}/api/v0/transfers/downloads/peer",
        json=[{"filename": "Music\\x.mp3", "size": 10}],
        timeout=5,
    )
    [transfer] = slskd.downloads()

    response = api.delete(f"/soulseek/download/{transfer.id}")

    assert response.json() == {"cancelled": True}
    assert transfer.state == "Completed, Cancelled"
    assert not ActivityEvent.objects.exists()


def test_delete_of_unknown_guid_is_404(api, slskd):
    response = api.delete("/soulseek/download/5f0c6a8e-0000-4000-8000-000000000000")

    assert response.status_code == 404


def test_delete_of_finished_download_is_409(api, slskd):
    download = DownloadFactory(status="completed")

    assert api.delete(f"/soulseek/download/{download.pk}").status_code == 409
