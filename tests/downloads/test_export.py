"""`GET /api/downloads/export` (SPEC §2.4, RELIABILITY T16, T18)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import DownloadFactory
from tests.helpers import body

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 18, 12, 0, tzinfo=UTC)


def make(**fields):
    with time_machine.travel(fields.pop("at", T0), tick=False):
        return DownloadFactory(**fields)


def test_csv_export_has_the_documented_header_and_quoting(api):
    download = make(
        filename="Daft Punk - Harder.mp3",
        status="completed",
        progress=100.0,
        created_at=T0,
        at=T0 + timedelta(minutes=5),
    )

    with time_machine.travel(datetime(2025, 1, 2, 9, 0, tzinfo=UTC), tick=False):
        response = api.get("/api/downloads/export?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="downloads_2025-01-02.csv"'
    assert response.streaming
    lines = body(response).decode().splitlines()
    assert lines == [
        "id,filename,status,progress,username,created_at,updated_at",
        f'{download.pk},"Daft Punk - Harder.mp3",completed,100.0,dj_user,'
        "2024-03-18T12:00:00Z,2024-03-18T12:05:00Z",
    ]


def test_json_export_is_an_array_of_download_json(api):
    first = make(status="queued", priority=1)
    second = make(status="failed", priority=5)

    response = api.get("/api/downloads/export")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(body(response))
    assert [d["id"] for d in data] == [second.pk, first.pk]
    assert "state" not in data[0]
    assert data[0]["status"] == "failed"
    assert "seconds_in_state" in data[0]


def test_export_includes_every_status_unless_filtered(api):
    for status in ("queued", "running", "completed", "failed", "cancelled"):
        make(status=status)

    everything = json.loads(body(api.get("/api/downloads/export?format=json")))
    failed = json.loads(body(api.get("/api/downloads/export?status=FAILED")))

    assert len(everything) == 5
    assert [d["status"] for d in failed] == ["failed"]


def test_export_date_bounds_are_inclusive(api):
    make(created_at=T0 - timedelta(days=1))
    inside = make(created_at=T0)
    last = make(created_at=T0 + timedelta(days=1, hours=11, minutes=59))
    make(created_at=T0 + timedelta(days=2))

    data = json.loads(body(api.get("/api/downloads/export?from=2024-03-18&to=2024-03-19")))
    exact = json.loads(
        body(api.get("/api/downloads/export?from=2024-03-18T12:00:00&to=2024-03-18T12:00:00"))
    )

    assert sorted(d["id"] for d in data) == sorted([inside.pk, last.pk])
    assert [d["id"] for d in exact] == [inside.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=xml", "format"),
        ("status=bogus", "status"),
        ("from=yesterday", "from"),
        ("to=2024-13-45", "to"),
        ("from=2024-03-19&to=2024-03-18", "to"),
    ],
)
def test_bad_export_parameters_are_422(api, query, field):
    response = api.get(f"/api/downloads/export?{query}")

    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_csv_cells_cannot_become_formulas(api):
    make(filename='=HYPERLINK("http://x","y")', username="@SUM(1)")
    make(filename="+1", username="-1", created_at=T0 - timedelta(days=1))

    rows = list(csv.reader(io.StringIO(body(api.get("/api/downloads/export?format=csv")).decode())))

    assert rows[1][1] == '\'=HYPERLINK("http://x","y")'
    assert rows[1][4] == "'@SUM(1)"
    assert (rows[2][1], rows[2][4]) == ("'+1", "'-1")


def test_empty_export(api):
    assert json.loads(body(api.get("/api/downloads/export"))) == []
    lines = body(api.get("/api/downloads/export?format=csv")).decode().splitlines()
    assert lines == ["id,filename,status,progress,username,created_at,updated_at"]
