"""Another peer when one fails, and peers ranked by their recent failures (issue point 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import WorkerJob
from downloads import intake, services
from downloads.failures import handle_failure
from downloads.models import Download
from downloads.peers import rank_alternatives, recent_failures
from downloads.tasks import run_sync_cycle
from tests.downloads.support import cycle_until, status_of
from tests.factories import DownloadFactory

pytestmark = pytest.mark.django_db

BAD = "Music\\Bad\\01 Song.mp3"
GOOD = "Share\\Good\\01 Song.flac"
ALTERNATIVES = [
    {"username": "peer_b", "filename": GOOD, "size": 300, "bitrate": 900, "confidence": 0.9},
    {"username": "peer_c", "filename": "c.mp3", "size": 10, "confidence": 0.8},
]


def queue_with_alternatives():
    file = intake.FileRequest(BAD, 100, None, {"title": "Song"}, list(ALTERNATIVES))
    [download] = services.create_downloads("peer_a", [file])
    return download


def fail_repeatedly(download_id, times):
    for _ in range(times):
        handle_failure(download_id, "Transfer failed")
        Download.objects.filter(pk=download_id, status="failed").update(status="queued")


def test_after_three_quick_retries_the_next_alternative_takes_over():
    download = queue_with_alternatives()

    fail_repeatedly(download.pk, 3)
    outcome = handle_failure(download.pk, "Transfer failed")

    assert outcome == "switched"
    download.refresh_from_db()
    assert (download.username, download.filename, download.size) == ("peer_b", GOOD, 300)
    assert download.status == "queued"
    assert download.retry_count == 0
    assert download.next_retry_at is None
    assert download.last_error.startswith("switched to alternative peer peer_b after 4 failed")
    assert download.request_payload["username"] == "peer_b"
    assert download.request_payload["filename"] == GOOD
    assert download.request_payload["metadata"] == {"title": "Song"}
    assert download.request_payload["previous_peers"][0]["username"] == "peer_a"
    assert download.alternatives == [ALTERNATIVES[1]]
    waiting = WorkerJob.objects.get(download=download, state="queued")
    assert waiting.payload["username"] == "peer_b"
    assert waiting.idempotency_key.startswith(f"sync:{download.pk}:1.0:")


def test_without_alternatives_left_it_backs_off_at_the_last_peer():
    download = queue_with_alternatives()
    fail_repeatedly(download.pk, 4)  # → peer_b
    fail_repeatedly(download.pk, 4)  # → peer_c
    fail_repeatedly(download.pk, 3)

    outcome = handle_failure(download.pk, "Transfer failed")

    assert outcome == "scheduled"
    download.refresh_from_db()
    assert (download.username, download.retry_count, download.status) == ("peer_c", 4, "failed")
    assert download.alternatives == []


def test_switched_download_completes_at_the_alternative(api, slskd):
    slskd.fail_with(BAD, "Completed, Rejected", "File not shared.", at="Requested")
    download = queue_with_alternatives()
    now = timezone.now()

    for step in range(40):
        with time_machine.travel(now + timedelta(seconds=31 * step), tick=False):
            run_sync_cycle()
            slskd.settle()
        if (
            status_of(download.pk) == "queued"
            and Download.objects.get(pk=download.pk).username == "peer_b"
        ):
            break
    with time_machine.travel(now + timedelta(seconds=31 * 41), tick=False):
        cycle_until(lambda: status_of(download.pk) == "completed", slskd)

    download.refresh_from_db()
    assert (download.username, download.filename) == ("peer_b", GOOD)
    users = [t.username for t in slskd.downloads()]
    assert users.count("peer_a") == 4 and users.count("peer_b") == 1


def test_recent_failures_count_failed_downloads_of_the_last_week():
    DownloadFactory(username="flaky", status="failed")
    DownloadFactory(username="flaky", status="failed")
    DownloadFactory(username="solid", status="completed")
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        DownloadFactory(username="solid", status="failed")

    assert recent_failures(["flaky", "solid", "unknown"]) == {"flaky": 2}


def test_alternatives_are_ranked_by_recent_failures_then_original_rank():
    DownloadFactory(username="flaky", status="failed")
    alternatives = [
        {"username": "flaky", "filename": "1.mp3"},
        {"username": "fresh", "filename": "2.mp3"},
        {"username": "other", "filename": "3.mp3"},
    ]

    ranked = rank_alternatives(alternatives)

    assert [a["username"] for a in ranked] == ["fresh", "other", "flaky"]


def test_the_switch_skips_a_flaky_alternative():
    DownloadFactory(username="peer_b", status="failed")
    download = queue_with_alternatives()

    fail_repeatedly(download.pk, 4)

    download.refresh_from_db()
    assert download.username == "peer_c"
    assert [a["username"] for a in download.alternatives] == ["peer_b"]


def test_alternatives_from_the_api_are_cleaned(api, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:9")
    files = [
        {
            "filename": "a.mp3",
            "alternatives": [
                {"username": "b", "filename": "b.mp3", "size": 3, "evil": "x"},
                {"username": "", "filename": "c.mp3"},
                "junk",
                {"username": "b", "filename": "b.mp3"},
            ],
        }
    ]

    api.post("/api/download", {"username": "a", "files": files}, format="json")

    download = Download.objects.get()
    assert download.alternatives == [{"username": "b", "filename": "b.mp3", "size": 3}]
    assert "alternatives" not in download.request_payload["metadata"]
