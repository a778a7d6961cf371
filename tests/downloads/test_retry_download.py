"""`POST /api/download/{id}/retry` (SPEC §2.4, RELIABILITY T58)."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection

from activity.models import ActivityEvent
from core.errors import Conflict
from downloads.models import Download
from downloads.retry import retry_download
from tests.factories import DownloadFactory

FILE = "Music\\Daft Punk\\Discovery\\04 Harder.mp3"


def failed_download(**fields):
    defaults = {
        "status": "failed",
        "filename": FILE,
        "size": 100,
        "priority": 3,
        "spotify_track_id": "trk",
        "retry_count": 2,
        "next_retry_at": None,
    }
    defaults.update(fields)
    download = DownloadFactory(**defaults)
    download.request_payload = {**download.request_payload, "metadata": {"title": "Harder"}}
    download.save()
    return download


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["failed", "cancelled"])
def test_retry_creates_a_new_submitted_download(api, slskd, status):
    original = failed_download(status=status)

    response = api.post(f"/api/download/{original.pk}/retry")

    assert response.status_code == 202
    new_id = response.json()["download_id"]
    assert response.json() == {"status": "queued", "download_id": new_id}
    new = Download.objects.get(pk=new_id)
    [transfer] = slskd.downloads()
    assert (new.status, new.source, new.retry_of_id) == ("queued", "retry", original.pk)
    assert (new.filename, new.username, new.size, new.priority) == (FILE, "dj_user", 100, 3)
    assert new.slskd_transfer_id == transfer.id
    assert new.submitted_at is not None
    assert new.spotify_track_id == "trk"
    assert new.request_payload["metadata"] == {"title": "Harder"}
    original.refresh_from_db()
    assert (original.status, original.superseded_by_id, original.next_retry_at) == (
        status,
        new.pk,
        None,
    )
    event = ActivityEvent.objects.get(status="download_retried")
    assert event.details == {
        "original_download_id": original.pk,
        "retry_download_id": new.pk,
        "filename": FILE,
        "username": "dj_user",
    }


@pytest.mark.django_db
def test_retry_cancels_and_removes_the_old_transfer_first(api, slskd):
    original = failed_download(slskd_transfer_id="5f0c6a8e-0000-4000-8000-000000000001")

    api.post(f"/api/download/{original.pk}/retry")

    [cancel] = slskd.requests_to("/transfers/downloads/dj_user/5f0c6a8e", "DELETE")
    assert cancel.arg("remove") == "true"


@pytest.mark.django_db
def test_retry_clears_a_pending_automatic_retry(api, slskd):
    from django.utils import timezone

    original = failed_download(next_retry_at=timezone.now())

    api.post(f"/api/download/{original.pk}/retry")

    assert Download.objects.get(pk=original.pk).next_retry_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["queued", "running", "completed"])
def test_retry_of_an_unfinished_or_completed_download_is_409(api, slskd, status):
    download = DownloadFactory(status=status)

    response = api.post(f"/api/download/{download.pk}/retry")

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Download cannot be retried in its current state ({status})"
    }
    assert Download.objects.count() == 1
    assert slskd.requests == []


@pytest.mark.django_db
def test_retry_without_request_data_is_409(api, slskd):
    download = DownloadFactory(status="failed", request_payload={}, username="", filename="")

    response = api.post(f"/api/download/{download.pk}/retry")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Download cannot be retried: original request data missing"
    }


@pytest.mark.django_db
def test_second_retry_of_the_same_download_is_409(api, slskd):
    original = failed_download()
    first = api.post(f"/api/download/{original.pk}/retry").json()["download_id"]

    response = api.post(f"/api/download/{original.pk}/retry")

    assert response.status_code == 409
    assert response.json() == {"detail": "Download was already retried", "retry_download_id": first}


@pytest.mark.django_db
def test_slskd_down_is_502_and_creates_nothing(api, slskd):
    original = failed_download()
    slskd.set_down("/transfers")

    response = api.post(f"/api/download/{original.pk}/retry")

    assert response.status_code == 502
    assert response.json()["service"] == "soulseek"
    assert Download.objects.count() == 1
    assert Download.objects.get(pk=original.pk).superseded_by_id is None
    assert not ActivityEvent.objects.exists()


@pytest.mark.django_db
def test_file_refused_by_slskd_is_502(api, slskd):
    original = failed_download()
    slskd.reject_enqueue(FILE, "File not shared.")

    response = api.post(f"/api/download/{original.pk}/retry")

    assert response.status_code == 502
    assert Download.objects.count() == 1


@pytest.mark.django_db
def test_retry_without_credentials_is_503(api):
    original = failed_download()

    assert api.post(f"/api/download/{original.pk}/retry").status_code == 503


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["424242", "abc"])
def test_retry_of_unknown_download_is_404(api, pk):
    assert api.post(f"/api/download/{pk}/retry").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_retries_create_one_new_download(slskd):
    original = failed_download()
    outcomes: list[str] = []
    barrier = threading.Barrier(10)

    def retry() -> None:
        try:
            barrier.wait()
            while True:
                try:
                    retry_download(original.pk)
                    outcomes.append("created")
                except Conflict:
                    outcomes.append("conflict")
                except OperationalError:
                    # The in-memory test database reports "table is locked" at once where a
                    # file database would wait (busy_timeout): wait, then ask again.
                    continue
                return
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict"] * 9 + ["created"]
    assert Download.objects.filter(retry_of=original).count() == 1
    assert len([t for t in slskd.downloads() if not t.removed]) == 1
    assert ActivityEvent.objects.filter(status="download_retried").count() == 1


@pytest.mark.django_db
def test_a_retry_in_progress_elsewhere_is_409(api, slskd):
    from core.workers import leases

    original = failed_download()
    leases.acquire(f"retry:{original.pk}", 60, owner="other-request")

    response = api.post(f"/api/download/{original.pk}/retry")

    assert response.status_code == 409
    assert response.json() == {"detail": "Download retry already in progress"}
    assert slskd.requests == []
