"""`GET /api/activity` and `/api/activity/export` (SPEC §2.5, RELIABILITY T16, T18)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from activity import catalogue as ev
from activity.models import ActivityEvent
from activity.recorder import record
from tests.factories import ActivityEventFactory
from tests.helpers import body

T0 = datetime(2025, 3, 18, 12, 0, tzinfo=UTC)


def _events():
    ActivityEventFactory(timestamp=T0, type="sync", status="sync_started", details={"a": 1})
    ActivityEventFactory(timestamp=T0 + timedelta(minutes=5), type="download", status="queued")
    ActivityEventFactory(
        timestamp=T0 + timedelta(minutes=15),
        type="sync",
        status="sync_completed",
        details={"runs": 2},
    )


def test_list_envelope_newest_first(api):
    _events()

    response = api.get("/api/activity")

    assert response.status_code == 200
    data = response.json()
    assert data["total_count"] == 3
    assert data["items"][0] == {
        "timestamp": "2025-03-18T12:15:00Z",
        "type": "sync",
        "status": "sync_completed",
        "details": {"runs": 2},
    }
    assert [i["status"] for i in data["items"]] == ["sync_completed", "queued", "sync_started"]


def test_ties_are_broken_by_id(api):
    first = ActivityEventFactory(timestamp=T0, status="sync_started")
    second = ActivityEventFactory(timestamp=T0, status="sync_completed")

    items = api.get("/api/activity").json()["items"]

    assert [i["status"] for i in items] == [second.status, first.status]


def test_filters_and_paging(api):
    _events()

    data = api.get("/api/activity?type=sync&limit=1&offset=1").json()

    assert data["total_count"] == 2
    assert [i["status"] for i in data["items"]] == ["sync_started"]
    assert api.get("/api/activity?status=queued").json()["total_count"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1000000000000", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
    ],
)
def test_bad_paging_is_422(api, query, field):
    response = api.get(f"/api/activity?{query}")

    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_record_makes_details_json_safe(db):
    event = record(ev.SYNC, ev.SYNC_STARTED, {"when": T0, "set": {"b", "a"}, "obj": object()})

    event.refresh_from_db()
    assert event.details["when"] == "2025-03-18T12:00:00Z"
    assert event.details["set"] == ["a", "b"]
    assert event.details["obj"].startswith("<object")


def test_record_never_raises(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("db gone")

    monkeypatch.setattr(ActivityEvent.objects, "create", broken)

    assert record(ev.SYNC, ev.SYNC_STARTED) is None


def test_export_json_is_a_streamed_array_attachment(api):
    _events()

    response = api.get("/api/activity/export?format=json&type=sync")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="activity_history_{day}.json"'
    )
    items = json.loads(body(response))
    assert [i["status"] for i in items] == ["sync_completed", "sync_started"]
    assert set(items[0]) == {"timestamp", "type", "status", "details"}


def test_export_csv_exact_format(api):
    event = ActivityEventFactory(
        timestamp=T0 + timedelta(minutes=15),
        type="sync",
        status="completed",
        details={"runs": 2},
    )

    response = api.get("/api/activity/export?format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    assert body(response).decode() == (
        "id,timestamp,type,status,details\n"
        f'{event.pk},2025-03-18T12:15:00Z,sync,completed,"{{""runs"":2}}"\n'
    )


def test_export_csv_keeps_non_ascii_and_neutralises_formulas(api):
    ActivityEventFactory(type="=HYPERLINK(1)", status="@SUM(1)", details={"name": "Björk"})

    rows = list(csv.reader(io.StringIO(body(api.get("/api/activity/export?format=csv")).decode())))

    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][3] == "'@SUM(1)"
    assert json.loads(rows[1][4]) == {"name": "Björk"}


def test_export_date_range_and_limit(api):
    _events()

    items = json.loads(body(api.get("/api/activity/export?from=2025-03-18T12:01:00&to=2025-03-18")))
    limited = json.loads(body(api.get("/api/activity/export?limit=1")))

    assert [i["status"] for i in items] == ["sync_completed", "queued"]
    assert len(limited) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=xml", "format"),
        ("from=yesterday", "from"),
        ("to=2025-13-45", "to"),
        ("from=2025-03-19&to=2025-03-18", "to"),
        ("limit=0", "limit"),
    ],
)
def test_export_bad_params_are_422(api, query, field):
    response = api.get(f"/api/activity/export?{query}")

    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_catalogue_names_are_unique_per_type():
    for statuses in ev.CATALOGUE.values():
        assert len(statuses) == len(set(statuses))
    assert "sync_completed" in ev.CATALOGUE[ev.SYNC]
    assert set(ev.CATALOGUE) == set(ev.TYPES)
