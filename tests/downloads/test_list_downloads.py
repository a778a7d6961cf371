"""`GET /api/downloads` and `GET /api/download/{id}` (SPEC §1.8, §2.4, RELIABILITY T14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import DownloadFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 18, 12, 0, tzinfo=UTC)
DOWNLOAD_JSON_KEYS = {
    "id", "filename", "status", "progress", "priority", "username", "created_at", "updated_at",
    "retry_count", "next_retry_at", "last_error", "dead_letter", "slskd_state", "organized_path",
    "artwork_status", "artwork_path", "artwork_url", "has_artwork", "spotify_track_id",
    "spotify_album_id", "genre", "composer", "producer", "isrc", "copyright",
    "state_changed_at", "seconds_in_state", "alternatives_count",
    "pipeline_status", "import_status", "metadata_status", "metadata_error", "artwork_error",
    "lyrics_status", "has_lyrics", "lyrics_path", "lyrics_error",
}  # fmt: skip


def ids(response):
    return [d["id"] for d in response.json()["downloads"]]


def test_default_lists_only_the_active_queue(api):
    queued = DownloadFactory(status="queued")
    running = DownloadFactory(status="running")
    for status in ("completed", "failed", "cancelled"):
        DownloadFactory(status=status)

    response = api.get("/api/downloads")

    assert response.status_code == 200
    assert set(ids(response)) == {queued.pk, running.pk}


def test_all_true_includes_finished_downloads(api):
    for status in ("queued", "completed", "failed", "cancelled"):
        DownloadFactory(status=status)

    assert len(ids(api.get("/api/downloads?all=true"))) == 4
    assert len(ids(api.get("/api/downloads?all=YES"))) == 4
    assert len(ids(api.get("/api/downloads?all=0"))) == 1


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("failed", "failed"),
        ("FAILED", "failed"),
        ("pending", "queued"),
        ("downloading", "running"),
        ("in_progress", "running"),
        ("Cancelled", "cancelled"),
    ],
)
def test_status_filter_with_aliases_overrides_all(api, value, status):
    wanted = DownloadFactory(status=status)
    DownloadFactory(status="completed" if status != "completed" else "queued")

    response = api.get(f"/api/downloads?status={value}&all=false")

    assert ids(response) == [wanted.pk]


def test_order_is_priority_then_newest_then_id(api):
    old_high = DownloadFactory(priority=5, created_at=T0)
    new_low = DownloadFactory(priority=0, created_at=T0 + timedelta(minutes=5))
    tie_a = DownloadFactory(priority=0, created_at=T0)
    tie_b = DownloadFactory(priority=0, created_at=T0)
    negative = DownloadFactory(priority=-3, created_at=T0 + timedelta(hours=1))

    response = api.get("/api/downloads")

    assert ids(response) == [old_high.pk, new_low.pk, tie_b.pk, tie_a.pk, negative.pk]


def test_paging_with_limit_and_offset(api):
    made = [DownloadFactory(created_at=T0 + timedelta(minutes=n)) for n in range(25)]
    newest_first = [d.pk for d in reversed(made)]

    assert ids(api.get("/api/downloads")) == newest_first[:20]
    assert ids(api.get("/api/downloads?limit=10&offset=10")) == newest_first[10:20]
    assert ids(api.get("/api/downloads?limit=100&offset=20")) == newest_first[20:]
    assert ids(api.get("/api/downloads?offset=1000000")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1000000000000", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("status=bogus", "status"),
        ("status=queued%00", "status"),
        ("all=maybe", "all"),
    ],
)
def test_bad_parameters_are_422(api, query, field):
    response = api.get(f"/api/downloads?{query}")

    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_download_json_has_the_documented_keys_and_state_age(api):
    with time_machine.travel(T0, tick=False):
        download = DownloadFactory(
            status="queued",
            progress=12.345,
            alternatives=[{"username": "b", "filename": "x.mp3"}],
        )
    with time_machine.travel(T0 + timedelta(seconds=90), tick=False):
        item = api.get("/api/downloads").json()["downloads"][0]

    assert set(item) == DOWNLOAD_JSON_KEYS
    assert item["id"] == download.pk
    assert item["progress"] == 12.3
    assert item["created_at"] == "2024-03-18T12:00:00Z"
    assert item["state_changed_at"] == "2024-03-18T12:00:00Z"
    assert item["seconds_in_state"] == 90
    assert item["alternatives_count"] == 1
    assert item["artwork_status"] == "pending"
    assert item["has_artwork"] is False


def test_detail_returns_one_download(api):
    download = DownloadFactory(status="completed", progress=100.0)

    response = api.get(f"/api/download/{download.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == download.pk
    assert set(response.json()) == DOWNLOAD_JSON_KEYS


@pytest.mark.parametrize(
    "pk", ["999999", "abc", "-1", "0", "1.5", str(2**63), str(2**64), "%00", "..%2f", "١"]
)
def test_unknown_or_non_numeric_ids_are_json_404(api, pk):
    DownloadFactory()

    response = api.get(f"/api/download/{pk}")

    assert response.status_code == 404
    # "..%2f" contains a slash once decoded: no route matches, the global JSON 404 answers.
    assert response.json()["detail"] in ("Download not found", "Not found")
