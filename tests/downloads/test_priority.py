"""`PATCH /api/download/{id}/priority` (SPEC §2.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import WorkerJob
from tests.factories import DownloadFactory, WorkerJobFactory

pytestmark = pytest.mark.django_db


def patch(api, pk, body):
    return api.patch(f"/api/download/{pk}/priority", body, format="json")


def test_priority_is_set_on_download_payload_and_waiting_jobs(api):
    download = DownloadFactory(priority=0)
    later = timezone.now() + timedelta(minutes=5)
    queued = WorkerJobFactory(
        download=download,
        state="queued",
        payload={
            "download_id": download.pk,
            "priority": 0,
            "files": [{"filename": "a", "priority": 0}],
        },
    )
    retrying = WorkerJobFactory(download=download, state="retrying", scheduled_at=later)
    running = WorkerJobFactory(download=download, state="running", priority=0)
    done = WorkerJobFactory(download=download, state="completed", priority=0)

    response = patch(api, download.pk, {"priority": 8})

    assert response.status_code == 200
    assert response.json()["priority"] == 8
    assert response.json()["id"] == download.pk
    download.refresh_from_db()
    assert download.priority == 8
    assert download.request_payload["priority"] == 8
    queued.refresh_from_db()
    assert queued.priority == 8
    assert queued.payload["priority"] == 8
    assert queued.payload["files"] == [{"filename": "a", "priority": 8}]
    retrying.refresh_from_db()
    assert (retrying.priority, retrying.scheduled_at) == (8, later)
    assert WorkerJob.objects.get(pk=running.pk).priority == 0
    assert WorkerJob.objects.get(pk=done.pk).priority == 0


@pytest.mark.parametrize("value", [-1000, 0, 1000])
def test_bounds_are_accepted(api, value):
    download = DownloadFactory()

    assert patch(api, download.pk, {"priority": value}).status_code == 200


@pytest.mark.parametrize("value", [1001, -1001, True, False, "high", 1.5, None, 10**30])
def test_invalid_priorities_are_422(api, value):
    download = DownloadFactory(priority=1)

    response = patch(api, download.pk, {"priority": value})

    assert response.status_code == 422
    assert "priority" in response.json()["detail"]
    download.refresh_from_db()
    assert download.priority == 1


def test_missing_priority_is_422(api):
    download = DownloadFactory()

    assert patch(api, download.pk, {}).status_code == 422


@pytest.mark.parametrize("pk", ["424242", "abc"])
def test_unknown_download_is_404(api, pk):
    response = patch(api, pk, {"priority": 1})

    assert response.status_code == 404
    assert response.json() == {"detail": "Download not found"}


def test_claim_after_a_priority_change_uses_the_new_order(api):
    from downloads.submission import claim_jobs

    first = WorkerJobFactory(priority=0)
    second = WorkerJobFactory(priority=0)

    patch(api, second.download_id, {"priority": 5})

    assert [job.pk for job in claim_jobs(1)] == [second.pk]
    assert [job.pk for job in claim_jobs(1)] == [first.pk]
