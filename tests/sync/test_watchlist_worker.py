"""The watchlist worker: new releases → missing tracks → downloads (SPEC §5.9, issue 7 point 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from activity.models import ActivityEvent
from downloads.models import Download
from tests.factories import DownloadFactory, WatchlistArtistFactory
from tests.fakes.slskd import slsk_file
from watchlist.tasks import released_at, run_watchlist_cycle

pytestmark = pytest.mark.django_db

CHECKED = datetime(2024, 6, 1, tzinfo=UTC)


def _artist(world, name: str = "Röyksopp"):
    artist = world.spotify.add_artist(name)
    return WatchlistArtistFactory(
        spotify_artist_id=artist["id"], name=name, last_checked=CHECKED
    ), artist


def test_new_single_is_downloaded_and_existing_track_skipped(world):
    watched, _ = _artist(world)
    old = world.spotify.add_track("Eple", "Röyksopp", "Melody A.M.", release_date="2001-09-03")
    single = world.spotify.add_track(
        "New Single", "Röyksopp", "New Single", album_type="single", release_date="2024-09-13"
    )
    already = world.spotify.add_track("Deep Cut", "Röyksopp", "New EP", release_date="2024-10-01")
    DownloadFactory(spotify_track_id=already["id"], status=Download.Status.COMPLETED)
    world.slskd.add_search_result(
        "new single",
        "peer",
        [
            slsk_file("Röyksopp\\New Single\\01 - New Single.flac", bit_rate=None),
        ],
    )

    totals = run_watchlist_cycle()

    assert totals == {"artists": 1, "queued": 1}
    created = Download.objects.get(source=Download.Source.WATCHLIST)
    assert created.spotify_track_id == single["id"]
    assert not Download.objects.filter(spotify_track_id=old["id"]).exists()
    watched.refresh_from_db()
    assert watched.last_checked > CHECKED
    event = ActivityEvent.objects.get(type="watchlist", status="artist_checked")
    assert event.details == {
        "artist_id": watched.spotify_artist_id,
        "name": "Röyksopp",
        "new_releases": 2,
        "queued": 1,
        "skipped": 1,
        "no_match": 0,
    }


def test_spotify_error_keeps_last_checked_and_moves_on(world):
    broken, _ = _artist(world, "Broken")
    fine, _ = _artist(world, "Fine")
    broken.spotify_artist_id = "doesnotexist0000000000"
    broken.save()

    run_watchlist_cycle()

    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.last_checked == CHECKED
    assert fine.last_checked > CHECKED
    failed = ActivityEvent.objects.get(type="watchlist", status="artist_failed")
    assert failed.details["artist_id"] == "doesnotexist0000000000"


def test_no_acceptable_file_counts_no_match(world):
    _artist(world)
    world.spotify.add_track("Obscure", "Röyksopp", "Rare", release_date="2025-01-01")

    run_watchlist_cycle()

    event = ActivityEvent.objects.get(type="watchlist", status="artist_checked")
    assert event.details["no_match"] == 1
    assert not Download.objects.exists()


def test_blocked_without_credentials_once_per_day(db):
    run_watchlist_cycle()
    run_watchlist_cycle()

    assert ActivityEvent.objects.filter(type="watchlist", status="watchlist_blocked").count() == 1


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        (
            {"release_date": "2024-09-13", "release_date_precision": "day"},
            datetime(2024, 9, 13, tzinfo=UTC),
        ),
        (
            {"release_date": "2024-09", "release_date_precision": "month"},
            datetime(2024, 9, 1, tzinfo=UTC),
        ),
        ({"release_date": "2024"}, datetime(2024, 1, 1, tzinfo=UTC)),
        ({"release_date": "garbage"}, None),
    ],
)
def test_release_dates_by_precision(release, expected):
    assert released_at(release) == expected
