"""`python manage.py sync [--wait]` (CONTRACT §2, SPEC §5.8)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from downloads.models import SyncRun
from tests.factories import SyncRunFactory

pytestmark = pytest.mark.django_db


def test_blocked_sync_prints_missing_keys_and_exits_2():
    err = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("sync", stderr=err)

    assert exit_info.value.code == 2
    assert "SPOTIFY_CLIENT_ID" in err.getvalue()


def test_running_sync_exits_3(world):
    SyncRunFactory(status=SyncRun.Status.RUNNING)

    with pytest.raises(SystemExit) as exit_info:
        call_command("sync", stderr=io.StringIO())

    assert exit_info.value.code == 3


def test_sync_prints_events_until_the_run_waits(world):
    track = world.spotify.add_track("Teardrop", "Massive Attack", "Mezzanine")
    world.spotify.save_tracks([track])
    world.plex.add_track("Teardrop", "Massive Attack", "Mezzanine")
    out = io.StringIO()

    call_command("sync", stdout=out)

    text = out.getvalue()
    assert "sync/sync_started" in text
    assert "sync/sync_completed" in text
    assert text.strip().endswith(": completed")


def test_sync_wait_drives_downloads_to_the_end(world, monkeypatch):
    from tests.fakes.slskd import slsk_file

    monkeypatch.setenv("SYNC_POLL_INTERVAL_SEC", "1")
    world.slskd.auto_advance = True
    track = world.spotify.add_track("Windowlicker", "Aphex Twin", "Windowlicker")
    world.spotify.save_tracks([track])
    world.slskd.add_search_result(
        "windowlicker",
        "peer",
        [
            slsk_file("Aphex Twin\\Windowlicker\\01 - Windowlicker.mp3", bit_rate=320),
        ],
    )
    monkeypatch.setattr("time.sleep", lambda _s: world.slskd.advance())
    out = io.StringIO()

    call_command("sync", "--wait", stdout=out)

    run = SyncRun.objects.get()
    assert run.status in (SyncRun.Status.COMPLETED, SyncRun.Status.PARTIAL)
    assert run.downloads.get().status == "completed"
    assert "sync/sync_completed" in out.getvalue()
