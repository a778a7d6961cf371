"""AutoSync under upstream faults and big inputs (issue 7 "Bad input and failures")."""

from __future__ import annotations

import pytest

from activity.models import ActivityEvent
from downloads.autosync import cycle, reporting
from downloads.autosync.triggers import trigger_manual
from downloads.models import Download, SyncRun
from tests.fakes.slskd import slsk_file

pytestmark = pytest.mark.django_db


def test_spotify_429_mid_run_is_honoured_and_the_run_continues(world):
    tracks = [world.spotify.add_track(f"Song {i}", "Band", "Record") for i in range(3)]
    world.spotify.add_playlist("List", tracks)
    world.spotify.set_rate_limit(count=1, retry_after=1, path=r"/playlists/[^/]+/items")
    world.slskd.add_search_result(
        "song",
        "peer",
        [slsk_file(f"Band\\Record\\0{i} - Song {i}.mp3", bit_rate=320) for i in range(3)],
    )

    run = cycle.drive(trigger_manual())
    run.refresh_from_db()

    assert world.spotify.requests_to(r"/playlists/[^/]+/items", "GET")[0].fault == "rate_limit"
    assert run.counters["wanted"] == 3
    assert run.downloads.count() == 3


def test_slskd_search_failures_are_counted_as_skipped_search(world):
    track = world.spotify.add_track("Lost", "Nobody", "Nowhere")
    world.spotify.save_tracks([track])
    world.slskd.set_status500(path=r"/searches")

    run = cycle.drive(trigger_manual())
    run.refresh_from_db()

    assert run.status == SyncRun.Status.PARTIAL
    assert run.counters["skipped"] == {"search": 1}
    assert ActivityEvent.objects.filter(status="soulseek_error").count() == 1
    assert reporting.reconciles(run.counters)
    assert not Download.objects.exists()


def test_tracks_without_isrc_or_with_odd_titles_do_not_crash(world):
    odd = [
        world.spotify.add_track("", "Artist", "A"),
        world.spotify.add_track("(((", "Artist", "B"),
        world.spotify.add_track("Ünïcødé – Title / Part 2 (feat. X) [Live]", "Ärtist & Co", "C"),
        world.spotify.add_track("坂本龍一", "坂本龍一", "D"),
    ]
    world.spotify.save_tracks(odd)

    run = cycle.drive(trigger_manual())
    run.refresh_from_db()

    assert run.status in (SyncRun.Status.COMPLETED, SyncRun.Status.PARTIAL)
    assert reporting.reconciles(run.counters) or run.status == SyncRun.Status.WAITING


def test_a_playlist_of_10000_tracks_is_planned_in_one_start(world):
    tracks = world.spotify.make_tracks(10_000, artist="Huge", album="Box Set")
    world.spotify.add_playlist("Everything", tracks)
    world.plex.make_tracks(9_990, artist="Huge", album="Box Set")
    run = trigger_manual()

    cycle.step(run)
    run.refresh_from_db()

    assert run.counters["wanted"] == 10_000
    assert run.counters["in_plex"] == 9_990
    assert run.missing_count == 10
