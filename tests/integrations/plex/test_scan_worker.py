"""Scan worker `run_scan_cycle()` and `refresh_and_count()` (SPEC §5.6, §7.3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from activity.models import ActivityEvent
from core import config
from core.models import Setting
from core.settings_store import update_setting, write_system
from integrations.scan_worker import refresh_and_count, run_scan_cycle


def rows(*keys: str) -> dict[str, str | None]:
    return dict(Setting.objects.filter(key__in=keys).values_list("key", "value"))


COUNT_KEYS = ("plex_artist_count", "plex_album_count", "plex_track_count", "plex_last_scan")


def test_cycle_refreshes_counts_and_writes_the_metrics(plex, library):
    update_setting("scan_worker_interval_seconds", 42)
    write_system("metrics.scan.consecutive_failures", 2)

    with time_machine.travel(datetime(2025, 3, 18, 12, 15, tzinfo=UTC), tick=False):
        result = run_scan_cycle()

    assert (result.artists, result.albums, result.tracks) == (2, 3, 5)
    assert rows(*COUNT_KEYS) == {
        "plex_artist_count": "2",
        "plex_album_count": "3",
        "plex_track_count": "5",
        "plex_last_scan": "2025-03-18T12:15:00Z",
    }
    metrics = rows(
        "metrics.scan.duration_ms",
        "metrics.scan.interval",
        "metrics.scan.incremental",
        "metrics.scan.consecutive_failures",
    )
    assert int(metrics.pop("metrics.scan.duration_ms")) >= 0
    assert metrics == {
        "metrics.scan.interval": "42",
        "metrics.scan.incremental": "1",
        "metrics.scan.consecutive_failures": "0",
    }
    assert Setting.objects.get(key="plex_track_count").source == Setting.Source.SYSTEM
    assert rows("worker:scan:status") == {"worker:scan:status": "running"}


def test_incremental_refresh_is_a_get_without_force(plex, library):
    run_scan_cycle()

    assert plex.refresh_calls == {"1": 1}
    (refresh,) = plex.requests_to("/library/sections/1/refresh")
    assert refresh.method == "GET"
    assert "force" not in refresh.query


def test_counts_use_an_empty_window_per_type(plex, library):
    run_scan_cycle()

    counts = plex.requests_to("/library/sections/1/all")
    assert sorted(r.arg("type") for r in counts) == ["10", "8", "9"]
    assert {
        (r.header("X-Plex-Container-Start"), r.header("X-Plex-Container-Size")) for r in counts
    } == {("0", "0")}


def test_without_incremental_there_is_no_refresh(plex, library):
    update_setting("scan_worker_incremental", False)

    run_scan_cycle()

    assert plex.refresh_calls == {}
    assert rows("metrics.scan.incremental") == {"metrics.scan.incremental": "0"}
    assert rows("plex_track_count") == {"plex_track_count": "5"}


def test_a_refused_refresh_still_counts_with_incremental_zero(plex, library):
    plex.set_status500("/refresh$")

    result = run_scan_cycle()

    assert result is not None
    assert rows("metrics.scan.incremental", "plex_track_count") == {
        "metrics.scan.incremental": "0",
        "plex_track_count": "5",
    }


def test_counts_are_summed_over_the_target_sections_only(plex):
    plex.add_section("Music", key="1")
    plex.add_section("music", key="2")
    plex.add_section("Audiobooks", key="3")
    plex.add_track("A", "Artist A", "Album A", section="1")
    plex.add_track("B", "Artist B", "Album B", section="2")
    plex.add_track("C", "Narrator", "Book", section="3")

    result = run_scan_cycle()

    assert (result.artists, result.albums, result.tracks) == (2, 2, 2)
    assert result.sections == ["1", "2"]
    assert plex.requests_to("/library/sections/3/") == []


def test_refresh_and_count_can_force_a_refresh(plex, library):
    update_setting("scan_worker_incremental", False)

    result = refresh_and_count(refresh=True)

    assert result.refreshed is True
    assert plex.refresh_calls == {"1": 1}
    assert rows("plex_track_count") == {"plex_track_count": "5"}


def test_without_credentials_the_cycle_only_heartbeats(db):
    result = run_scan_cycle()

    assert result is None
    assert rows("worker:scan:status") == {"worker:scan:status": "running"}
    assert rows(*COUNT_KEYS, "metrics.scan.consecutive_failures") == {}
    assert ActivityEvent.objects.count() == 0


def test_failures_are_counted_and_reported_from_the_third_on(plex, library):
    plex.set_down()

    for _ in range(2):
        assert run_scan_cycle() is None
    events_after_two = ActivityEvent.objects.count()
    run_scan_cycle()
    run_scan_cycle()

    assert events_after_two == 0
    events = list(ActivityEvent.objects.order_by("id"))
    assert [(e.type, e.status) for e in events] == [("metadata", "scan_failed")] * 2
    assert [e.details for e in events] == [
        {"error": "plex unreachable", "consecutive": 3},
        {"error": "plex unreachable", "consecutive": 4},
    ]
    assert rows("metrics.scan.consecutive_failures") == {"metrics.scan.consecutive_failures": "4"}
    assert rows(*COUNT_KEYS) == {}


def test_a_successful_cycle_resets_the_failure_count(plex, library):
    plex.set_down(count=8)
    run_scan_cycle()
    run_scan_cycle()

    run_scan_cycle()

    assert rows("metrics.scan.consecutive_failures") == {"metrics.scan.consecutive_failures": "0"}
    assert ActivityEvent.objects.count() == 0


def test_a_failed_cycle_keeps_the_previous_counts(plex, library):
    run_scan_cycle()
    before = rows(*COUNT_KEYS)
    plex.add_track("New", "Radiohead", "In Rainbows")
    plex.set_status500("/library/sections/1/all")

    run_scan_cycle()

    assert rows(*COUNT_KEYS) == before
    assert rows("metrics.scan.consecutive_failures") == {"metrics.scan.consecutive_failures": "1"}


@pytest.mark.parametrize("value", ["Music", "MUSIC", " music "])
def test_plex_library_matches_case_insensitively(plex, monkeypatch, value):
    plex.add_section("Other", key="1")
    plex.add_section("Music", key="2")
    plex.add_track("A", "Artist A", "Album A", section="2")
    monkeypatch.setenv("PLEX_LIBRARY", value)

    result = run_scan_cycle()

    assert result.sections == ["2"]
    assert config.get("PLEX_LIBRARY") == value.strip()
