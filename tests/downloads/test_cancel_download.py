"""`DELETE /api/download/{id}` (SPEC §2.4, D7, RELIABILITY T29, T57)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from activity.models import ActivityEvent
from core.models import WorkerJob
from downloads.models import Download
from downloads.tasks import run_sync_cycle
from tests.downloads.support import post_download
from tests.factories import DownloadFactory, WorkerJobFactory

pytestmark = pytest.mark.django_db


def submitted(api, slskd):
    """A download that slskd has (one sync cycle after the request)."""
    download_id = post_download(api)["download_id"]
    run_sync_cycle()
    return Download.objects.get(pk=download_id)


def test_cancel_before_submission_is_local(api, slskd):
    download_id = post_download(api)["download_id"]

    response = api.delete(f"/api/download/{download_id}")

    assert response.status_code == 200
    assert response.json() == {"status": "cancelled", "download_id": download_id}
    download = Download.objects.get(pk=download_id)
    assert download.status == "cancelled"
    assert WorkerJob.objects.get(download=download).state == "cancelled"
    assert slskd.requests_to("/transfers") == []
    event = ActivityEvent.objects.get(status="download_cancelled")
    assert event.details == {
        "download_id": download_id,
        "filename": download.filename,
        "source": "api",
    }


def test_cancel_while_the_job_is_being_submitted_is_409(api):
    job = WorkerJobFactory(state="running", lease_until=timezone.now() + timedelta(seconds=60))

    response = api.delete(f"/api/download/{job.download_id}")

    assert response.status_code == 409
    assert response.json() == {"detail": "Download is being submitted; try again"}
    assert Download.objects.get(pk=job.download_id).status == "queued"


def test_cancel_of_submitted_download_asks_slskd_first(api, slskd):
    download = submitted(api, slskd)
    transfer = slskd.downloads()[0]

    response = api.delete(f"/api/download/{download.pk}")

    assert response.status_code == 200
    assert [r.path for r in slskd.requests_to("/transfers/downloads/dj_user/", "DELETE")] == [
        f"/api/v0/transfers/downloads/dj_user/{transfer.id}"
    ]
    assert transfer.state == "Completed, Cancelled"
    download.refresh_from_db()
    assert (download.status, download.next_retry_at) == ("cancelled", None)
    assert ActivityEvent.objects.filter(status="download_cancelled").count() == 1


def test_cancel_finds_the_transfer_when_its_id_is_not_known_yet(api, slskd):
    download = submitted(api, slskd)
    Download.objects.filter(pk=download.pk).update(slskd_transfer_id=None)

    response = api.delete(f"/api/download/{download.pk}")

    assert response.status_code == 200
    assert slskd.downloads()[0].state == "Completed, Cancelled"


def test_slskd_unreachable_is_502_and_changes_nothing(api, slskd):
    download = submitted(api, slskd)
    events_before = ActivityEvent.objects.count()
    slskd.set_down("/transfers")

    response = api.delete(f"/api/download/{download.pk}")

    assert response.status_code == 502
    assert response.json() == {
        "detail": "Failed to cancel download via slskd",
        "service": "soulseek",
    }
    after = Download.objects.get(pk=download.pk)
    assert (after.status, after.updated_at) == (download.status, download.updated_at)
    assert ActivityEvent.objects.count() == events_before


def test_slskd_404_counts_as_confirmed(api, slskd):
    download = submitted(api, slskd)
    slskd.transfers.clear()

    assert api.delete(f"/api/download/{download.pk}").status_code == 200
    assert Download.objects.get(pk=download.pk).status == "cancelled"


def test_submitted_download_without_credentials_is_503_without_event(api, monkeypatch):
    download = DownloadFactory(submitted_at=timezone.now(), slskd_transfer_id="x")

    response = api.delete(f"/api/download/{download.pk}")

    assert response.status_code == 503
    assert not ActivityEvent.objects.exists()
    assert Download.objects.get(pk=download.pk).status == "queued"


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
def test_cancel_of_a_finished_download_is_409(api, status):
    download = DownloadFactory(status=status)

    response = api.delete(f"/api/download/{download.pk}")

    assert response.status_code == 409
    assert response.json() == {"detail": "Download cannot be cancelled in its current state"}


@pytest.mark.parametrize("pk", ["31337", "abc", "-4"])
def test_cancel_of_unknown_download_is_404(api, pk):
    assert api.delete(f"/api/download/{pk}").status_code == 404


def test_reservation_of_a_dead_submission_is_checked_at_slskd(api, slskd):
    """Reserved but never confirmed (the cluster died): slskd may have it, so ask first."""
    download = submitted(api, slskd)
    Download.objects.filter(pk=download.pk).update(submitted_at=None, slskd_transfer_id=None)

    response = api.delete(f"/api/download/{download.pk}")

    assert response.status_code == 200
    assert slskd.downloads()[0].state == "Completed, Cancelled"
