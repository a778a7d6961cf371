"""Never stuck: per-state deadlines, vanished transfers, missing files (issue point 4,
RELIABILITY T34, T35)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from downloads.models import Download
from downloads.pipeline import run_completion
from downloads.tasks import run_sync_cycle
from tests.downloads.support import cycle_until, post_download, status_of

pytestmark = pytest.mark.django_db

FILE = "Music\\A\\01 Song.mp3"


def stuck_in(api, slskd, state, start):
    slskd.stuck(FILE, state)
    with time_machine.travel(start, tick=False):
        download_id = post_download(api, filename=FILE, size=3000)["download_id"]
        run_sync_cycle()
        slskd.settle()
        run_sync_cycle()
    assert Download.objects.get(pk=download_id).slskd_state == state
    return download_id


@pytest.mark.parametrize(
    ("state", "limit", "reason"),
    [
        ("Queued, Remotely", 21600, "queued too long: Queued, Remotely for more than 21600 s"),
        ("Requested", 21600, "queued too long: Requested for more than 21600 s"),
        ("Initializing", 300, "stuck initializing for more than 300 s"),
        ("InProgress", 600, "stalled: no bytes for 600 s"),
    ],
)
def test_a_state_held_too_long_is_cancelled_and_retried(api, slskd, state, limit, reason):
    start = timezone.now()
    download_id = stuck_in(api, slskd, state, start)
    transfer = slskd.downloads()[0]

    with time_machine.travel(start + timedelta(seconds=limit - 5), tick=False):
        run_sync_cycle()
        assert status_of(download_id) in ("queued", "running")
    with time_machine.travel(start + timedelta(seconds=limit + 5), tick=False):
        run_sync_cycle()

    download = Download.objects.get(pk=download_id)
    assert (download.status, download.retry_count, download.last_error) == ("failed", 1, reason)
    assert transfer.state == "Completed, Cancelled"
    assert transfer.removed


def test_new_bytes_reset_the_stall_clock(api, slskd):
    start = timezone.now()
    slskd.progress_steps = 3
    slskd.stuck(FILE, "InProgress")
    with time_machine.travel(start, tick=False):
        download_id = post_download(api, filename=FILE, size=3000)["download_id"]
        run_sync_cycle()
    slskd.advance(4)  # Requested … first InProgress
    with time_machine.travel(start + timedelta(seconds=500), tick=False):
        run_sync_cycle()
    transfer = slskd.downloads()[0]
    transfer.bytes_transferred += 100
    with time_machine.travel(start + timedelta(seconds=1000), tick=False):
        run_sync_cycle()
    with time_machine.travel(start + timedelta(seconds=1500), tick=False):
        run_sync_cycle()
        assert status_of(download_id) == "running"
    with time_machine.travel(start + timedelta(seconds=1700), tick=False):
        run_sync_cycle()

    assert Download.objects.get(pk=download_id).last_error == "stalled: no bytes for 600 s"


def test_vanished_transfer_fails_after_three_polls_and_thirty_seconds(api, slskd):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        download_id = post_download(api, filename=FILE)["download_id"]
        run_sync_cycle()
    slskd.transfers.clear()

    for seconds in (2, 4, 6):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            run_sync_cycle()
    assert status_of(download_id) == "queued"
    assert Download.objects.get(pk=download_id).slskd_missing_polls == 3
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        run_sync_cycle()

    download = Download.objects.get(pk=download_id)
    assert (download.status, download.last_error) == ("failed", "transfer not found in slskd")


def test_a_transfer_that_reappears_resets_the_missing_count(api, slskd):
    download_id = post_download(api, filename=FILE)["download_id"]
    run_sync_cycle()
    saved = dict(slskd.transfers)
    slskd.transfers.clear()
    run_sync_cycle()
    slskd.transfers.update(saved)

    run_sync_cycle()

    assert Download.objects.get(pk=download_id).slskd_missing_polls == 0


def test_succeeded_without_a_local_file_fails_the_pipeline(api, slskd):
    slskd.no_file(FILE)
    download_id = post_download(api, filename=FILE)["download_id"]
    cycle_until(lambda: status_of(download_id) == "completed", slskd)

    assert run_completion(download_id, sleep=lambda _s: None) == "failed"

    download = Download.objects.get(pk=download_id)
    assert (download.pipeline_status, download.last_error) == (
        "failed",
        "completed file not found locally",
    )


def test_slskd_reported_failure_uses_the_transfer_exception(api, slskd):
    slskd.fail_with(FILE, "Completed, TimedOut", "Transfer timed out")
    download_id = post_download(api, filename=FILE)["download_id"]

    cycle_until(lambda: status_of(download_id) == "failed", slskd)

    assert Download.objects.get(pk=download_id).last_error == "Transfer timed out"
