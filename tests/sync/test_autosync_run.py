"""AutoSync end to end on the fakes: Spotify → Plex diff → Soulseek → downloads → report (issue 7)."""

from __future__ import annotations

import pytest

from activity.models import ActivityEvent
from downloads import tasks
from downloads.autosync import cycle, reporting, runner
from downloads.autosync.triggers import trigger_manual
from downloads.models import AutoSyncSkippedTrack, Download, SyncRun
from tests.fakes.slskd import slsk_file

pytestmark = pytest.mark.django_db


def _seed(world):
    sp = world.spotify
    a = sp.add_track("Around the World", "Daft Punk", "Homework")
    b = sp.add_track("One More Time", "Daft Punk", "Discovery")
    c = sp.add_track("Digital Love", "Daft Punk", "Discovery")
    d = sp.add_track("Teardrop", "Massive Attack", "Mezzanine")
    e = sp.add_track("Angel", "Massive Attack", "Mezzanine")
    f = sp.add_track("Windowlicker", "Aphex Twin", "Windowlicker")
    sp.add_playlist("Mix", [a, b, c, None])
    sp.add_playlist("Chill", [c, d])
    sp.save_tracks([e, f])
    world.plex.add_track("Around the World", "Daft Punk", "Homework")
    world.plex.add_track("Teardrop", "Massive Attack", "Mezzanine")
    sl = world.slskd
    sl.add_search_result(
        "one more time",
        "lowrate",
        [
            slsk_file("Music\\Daft Punk\\Discovery\\01 - One More Time.mp3", bit_rate=128),
        ],
    )
    sl.add_search_result(
        "one more time",
        "goodpeer",
        [
            slsk_file("Music\\Daft Punk\\Discovery\\01 - One More Time.mp3", bit_rate=320),
        ],
    )
    sl.add_search_result(
        "digital love",
        "flacpeer",
        [
            slsk_file(
                "Music\\Daft Punk\\2001 - Discovery [FLAC]\\03 - Digital Love.flac",
                bit_rate=None,
                size=30_000_000,
            ),
        ],
    )
    sl.add_search_result(
        "angel",
        "muddy",
        [
            slsk_file("Massive Attack\\Mezzanine\\01 - Angel.mp3", bit_rate=96),
        ],
    )
    sl.add_search_result(
        "windowlicker",
        "aphexfan",
        [
            slsk_file("Aphex Twin\\Windowlicker\\01 - Windowlicker.mp3", bit_rate=320),
        ],
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def _real_audio(world, tmp_path) -> None:
    """Real (silent) audio behind every offered file, so beets imports them for real."""
    from tests.audio import make_flac, make_mp3

    offered = {
        "Music\\Daft Punk\\Discovery\\01 - One More Time.mp3": (make_mp3, "One More Time"),
        "Music\\Daft Punk\\2001 - Discovery [FLAC]\\03 - Digital Love.flac": (
            make_flac,
            "Digital Love",
        ),
        "Aphex Twin\\Windowlicker\\01 - Windowlicker.mp3": (make_mp3, "Windowlicker"),
    }
    for index, (remote, (make, title)) in enumerate(offered.items()):
        suffix = remote.rpartition(".")[2]
        local = make(tmp_path / f"offered{index}.{suffix}", title=title)
        world.slskd.register_file_content(remote, local.read_bytes())


def _events(after_id: int = 0) -> list[str]:
    return list(
        ActivityEvent.objects.filter(id__gt=after_id, type__in=["sync", "autosync"])
        .order_by("id")
        .values_list("status", flat=True)
    )


def _drive_downloads(world, run: SyncRun) -> None:
    for _ in range(30):
        tasks.run_sync_cycle()
        world.slskd.advance()
        for pk in run.downloads.filter(
            status=Download.Status.COMPLETED, pipeline_status=Download.Pipeline.PENDING
        ).values_list("pk", flat=True):
            tasks.run_completion(pk)
        if not run.downloads.exclude(pipeline_status=Download.Pipeline.DONE).exists():
            return
    raise AssertionError("downloads did not finish")


def test_manual_sync_downloads_exactly_the_missing_tracks(world, api, tmp_path):
    tracks = _seed(world)
    _real_audio(world, tmp_path)

    response = api.post("/api/sync")
    run = SyncRun.objects.get(pk=response.json()["run_id"])
    cycle.drive(run)
    run.refresh_from_db()

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert run.status == SyncRun.Status.WAITING
    downloads = {d.spotify_track_id: d for d in run.downloads.all()}
    assert set(downloads) == {tracks["b"]["id"], tracks["c"]["id"], tracks["f"]["id"]}
    assert downloads[tracks["b"]["id"]].username == "goodpeer"  # 320 beats 128
    assert downloads[tracks["c"]["id"]].filename.endswith(".flac")
    assert downloads[tracks["f"]["id"]].priority > downloads[tracks["b"]["id"]].priority
    assert (
        AutoSyncSkippedTrack.objects.get(spotify_id=tracks["e"]["id"]).failure_reason == "quality"
    )

    _drive_downloads(world, run)
    runner.check_waiting(run)
    run.refresh_from_db()

    assert run.status == SyncRun.Status.PARTIAL  # "Angel" only exists in 96 kbps
    for download in run.downloads.all():
        assert download.status == Download.Status.COMPLETED
        assert download.import_status == Download.Import.IMPORTED
        assert download.organized_path and download.organized_path.startswith(
            str(world.slskd.downloads_dir.parent / "music")
        )
    # beets holds the three tracks; Plex was asked to rescan its music section.
    from integrations.clients.beets import BeetsClient

    listed = BeetsClient.from_config().tracks()
    assert sorted(t.rpartition(" - ")[2] for t in listed) == [
        "Digital Love",
        "One More Time",
        "Windowlicker",
    ]
    assert sum(world.plex.refresh_calls.values()) >= 1
    assert ActivityEvent.objects.filter(status="track_imported").count() == 3
    assert ActivityEvent.objects.get(status="plex_updated").details["trigger"] == "manual"
    statuses = _events()
    assert statuses[:6] == [
        "started",
        "sync_started",
        "spotify_loaded",
        "plex_checked",
        "downloads_requested",
        "download_enqueued",
    ]
    assert "soulseek_low_quality" in statuses
    assert statuses[-3:] == ["beets_imported", "sync_partial", "sync_completed"]
    loaded = ActivityEvent.objects.get(status="spotify_loaded").details
    assert loaded == {"trigger": "manual", "playlists": 2, "tracks": 6, "saved_tracks": 2}
    completed = ActivityEvent.objects.get(status="sync_completed").details
    assert completed["run_id"] == run.pk and completed["mode"] == "manual"
    assert completed["sources"] == ["spotify", "plex", "soulseek", "beets"]
    assert reporting.reconciles(completed["counters"])


def test_counters_reconcile_wanted_with_every_outcome(world):
    _seed(world)
    run = trigger_manual()
    cycle.drive(run)
    _drive_downloads(world, run)

    runner.check_waiting(run)
    run.refresh_from_db()

    c = run.counters
    assert c["wanted"] == 6
    assert c["in_plex"] == 2
    assert c["skipped"] == {"quality": 1}
    total = (
        c["in_plex"]
        + c["already_queued"]
        + c["already_downloaded"]
        + c.get("imported", 0)
        + c.get("downloaded", 0)
        + sum(c.get("failed", {}).values())
        + sum(c["skipped"].values())
    )
    assert total == c["wanted"]


def test_second_run_right_after_creates_no_new_downloads(world):
    _seed(world)
    first = trigger_manual()
    cycle.drive(first)
    runner.check_waiting(first)
    SyncRun.objects.filter(pk=first.pk).update(status=SyncRun.Status.COMPLETED)
    before = Download.objects.count()

    second = trigger_manual()
    cycle.drive(second)
    second.refresh_from_db()

    assert Download.objects.count() == before
    assert second.counters["already_queued"] == 3
    assert reporting.reconciles(second.counters) or second.status == SyncRun.Status.WAITING


def test_two_triggers_at_once_start_one_run(world, api):
    first = api.post("/api/sync")
    second = api.post("/api/sync")

    assert first.status_code == 202
    assert second.status_code == 409
    assert second.json() == {"detail": "Sync already running", "run_id": first.json()["run_id"]}
    assert SyncRun.objects.count() == 1


def test_crash_mid_plan_and_rerun_creates_no_duplicates(world, monkeypatch):
    _seed(world)
    run = trigger_manual()
    cycle.step(run)  # start: plan stored
    run.refresh_from_db()
    plan_before = list(run.plan)
    original = runner._process
    calls = {"n": 0}

    def crash_after_first(*args, **kwargs):
        original(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt  # the worker process dies mid-chunk

    monkeypatch.setattr(runner, "_process", crash_after_first)
    with pytest.raises(KeyboardInterrupt):
        runner.advance_run(run)
    monkeypatch.setattr(runner, "_process", original)
    run.refresh_from_db()
    # The download of the first entry exists but the plan still lists it.
    assert len(run.plan) == len(plan_before)
    assert Download.objects.count() == 1

    cycle.drive(run)

    ids = list(Download.objects.values_list("spotify_track_id", flat=True))
    assert len(ids) == len(set(ids)) == 3


def test_sync_is_blocked_without_credentials(api, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:1")

    response = api.post("/api/sync")

    assert response.status_code == 503
    assert response.json()["detail"]["message"] == "Sync blocked"
    missing = response.json()["detail"]["missing"]
    assert missing == {
        "spotify": ["SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"],
        "plex": ["PLEX_BASE_URL", "PLEX_TOKEN"],
    }
    assert ActivityEvent.objects.get(status="sync_blocked").details == {"missing": missing}
    assert not SyncRun.objects.exists()


def test_spotify_outage_ends_the_run_partial(world):
    from downloads.autosync import triggers

    world.spotify.set_status500()
    run = triggers._create(SyncRun.Trigger.SCHEDULED)

    cycle.drive(run)
    run.refresh_from_db()

    assert run.status == SyncRun.Status.PARTIAL
    statuses = _events()
    assert statuses == [
        "started",
        "sync_started",
        "spotify_unavailable",
        "beets_imported",
        "sync_partial",
        "sync_completed",
    ]
    completed = ActivityEvent.objects.get(status="sync_completed").details
    assert completed["counters"]["errors"] == 1


def test_plex_down_is_partial(world):
    _seed(world)
    world.plex.set_down()
    run = trigger_manual()

    cycle.drive(run)
    run.refresh_from_db()

    assert run.status == SyncRun.Status.PARTIAL
    assert "plex_unavailable" in _events()
    assert not Download.objects.exists()


def test_nothing_missing_event_order(world):
    track = world.spotify.add_track("Teardrop", "Massive Attack", "Mezzanine")
    world.spotify.save_tracks([track])
    world.plex.add_track("Teardrop", "Massive Attack", "Mezzanine")
    run = trigger_manual()

    cycle.drive(run)
    run.refresh_from_db()

    assert run.status == SyncRun.Status.COMPLETED
    assert _events() == [
        "started",
        "sync_started",
        "spotify_loaded",
        "plex_checked",
        "downloads_requested",
        "beets_imported",
        "sync_completed",
    ]


def test_release_preferences_filter_only_governed_artists(world):
    from watchlist.models import ArtistPreference

    kept = world.spotify.add_track("Kept", "Governed", "Chosen Album")
    dropped = world.spotify.add_track("Dropped", "Governed", "Other Album")
    free = world.spotify.add_track("Free", "Ungoverned", "Any")
    world.spotify.save_tracks([kept, dropped, free])
    governed_id = kept["artist_ids"][0]
    ArtistPreference.objects.create(
        artist_id=governed_id, release_id=kept["album_id"], selected=True
    )
    ArtistPreference.objects.create(
        artist_id=governed_id, release_id=dropped["album_id"], selected=False
    )
    run = trigger_manual()

    cycle.drive(run)
    run.refresh_from_db()

    assert run.counters["wanted"] == 2
    assert run.counters["filtered_by_preferences"] == 1


def test_scheduled_run_is_blocked_without_credentials(db):
    from downloads.autosync import triggers

    run = triggers.trigger_scheduled()

    assert run.status == SyncRun.Status.BLOCKED
    event = ActivityEvent.objects.get(status="autosync_blocked")
    assert event.type == "autosync"
    assert event.details["trigger"] == "scheduled"
