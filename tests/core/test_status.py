"""`/status`, `/api/health/*`, `/api/system/stats` (SPEC §2.1)."""

from __future__ import annotations

from datetime import timedelta

import psutil
import pytest
from django.utils import timezone

from activity.models import ActivityEvent
from core.models import Setting, WorkerJob
from core.workers import heartbeat
from tests.factories import DownloadFactory, SyncRunFactory, WorkerJobFactory


def test_status_shape_with_no_heartbeats(api):
    body = api.get("/status").json()

    assert body["status"] == "ok"
    assert body["version"] == "1.4.0"
    assert isinstance(body["uptime_seconds"], float)
    assert list(body["workers"]) == ["sync", "matching", "scan", "playlist", "autosync"]
    assert body["workers"]["scan"] == {"status": "stopped", "last_seen": None, "queue_size": "n/a"}
    assert body["workers"]["autosync"]["queue_size"] == {"scheduled": 0, "running": 0}
    assert body["connections"] == {"spotify": "fail", "plex": "fail", "soulseek": "fail"}


def test_running_worker_reports_its_heartbeat_as_stored(api):
    heartbeat.beat("sync")
    stored = Setting.objects.get(key="worker:sync:last_seen").value

    worker = api.get("/status").json()["workers"]["sync"]

    assert worker["status"] == "running"
    assert worker["last_seen"] == stored
    assert stored.endswith("+00:00")


def test_stale_worker_records_one_event_per_episode(api):
    old = (timezone.now() - timedelta(seconds=135)).isoformat()
    Setting.objects.create(key="worker:matching:last_seen", value=old, source="system")
    Setting.objects.create(key="worker:matching:status", value="running", source="system")

    first = api.get("/status").json()["workers"]["matching"]
    api.get("/status")

    assert first["status"] == "stale"
    events = ActivityEvent.objects.filter(type="worker", status="stale")
    assert events.count() == 1
    details = events.get().details
    assert details["worker"] == "matching"
    assert details["threshold_seconds"] == 60.0
    assert details["elapsed_seconds"] >= 135
    assert details["last_seen"] == old


def test_stale_again_after_a_fresh_heartbeat_records_a_new_event(api):
    old = (timezone.now() - timedelta(seconds=120)).isoformat()
    Setting.objects.create(key="worker:scan:last_seen", value=old, source="system")
    Setting.objects.create(key="worker:scan:status", value="running", source="system")
    api.get("/status")
    heartbeat.beat("scan")
    Setting.objects.filter(key="worker:scan:last_seen").update(value=old)

    api.get("/status")

    assert ActivityEvent.objects.filter(type="worker", status="stale").count() == 2


def test_stopped_worker_stays_stopped(api):
    heartbeat.beat("playlist")
    heartbeat.mark_stopped("playlist")

    assert api.get("/status").json()["workers"]["playlist"]["status"] == "stopped"


def test_stale_threshold_is_a_setting(api):
    old = (timezone.now() - timedelta(seconds=30)).isoformat()
    Setting.objects.create(key="worker:sync:last_seen", value=old, source="system")
    Setting.objects.create(key="worker:sync:status", value="running", source="system")
    Setting.objects.create(key="WORKER_STALE_SECONDS", value="10", source="user")

    assert api.get("/status").json()["workers"]["sync"]["status"] == "stale"


def test_queue_sizes(api):
    DownloadFactory(status="queued")
    DownloadFactory(status="running")
    DownloadFactory(status="completed")
    WorkerJobFactory(worker=WorkerJob.Worker.MATCHING, download=None, state="queued")
    WorkerJobFactory(worker=WorkerJob.Worker.MATCHING, download=None, state="completed")
    SyncRunFactory(status="queued")
    SyncRunFactory(status="waiting")

    workers = api.get("/status").json()["workers"]

    assert workers["sync"]["queue_size"] == 2
    assert workers["matching"]["queue_size"] == 1
    assert workers["autosync"]["queue_size"] == {"scheduled": 1, "running": 1}


def test_connections_use_effective_values(api, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://localhost:5030")
    api.post("/settings", {"key": "PLEX_BASE_URL", "value": "http://plex:32400"}, format="json")
    api.post("/settings", {"key": "PLEX_TOKEN", "value": "tok"}, format="json")

    assert api.get("/status").json()["connections"] == {
        "spotify": "fail",
        "plex": "ok",
        "soulseek": "ok",
    }


def test_health_spotify_lists_missing_keys_in_order(api, monkeypatch):
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", "id")

    body = api.get("/api/health/spotify").json()

    assert body == {
        "service": "spotify",
        "status": "fail",
        "missing": ["SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"],
        "optional_missing": [],
    }


def test_health_plex_ok_with_optional_missing(api, monkeypatch):
    monkeypatch.setenv("PLEX_BASE_URL", "http://plex:32400")
    monkeypatch.setenv("PLEX_TOKEN", "t")

    body = api.get("/api/health/plex").json()

    assert body == {
        "service": "plex",
        "status": "ok",
        "missing": [],
        "optional_missing": ["PLEX_LIBRARY"],
    }


def test_health_soulseek_accepts_legacy_host(api, monkeypatch):
    monkeypatch.setenv("SLSKD_HOST", "slskd")

    body = api.get("/api/health/soulseek").json()

    assert body["status"] == "ok"
    assert body["optional_missing"] == ["SLSKD_API_KEY"]


def test_health_of_unknown_service_is_404(api):
    assert api.get("/api/health/tidal").status_code == 404


def test_system_stats_shape(api):
    body = api.get("/api/system/stats").json()

    assert set(body) == {"cpu", "memory", "disk", "network"}
    assert set(body["cpu"]) == {"percent", "cores", "idle", "user", "system"}
    assert body["cpu"]["cores"] >= 1
    assert set(body["memory"]) == {"total", "available", "percent", "used", "free"}
    assert set(body["disk"]) == {"total", "used", "free", "percent"}
    assert set(body["network"]) == {"bytes_sent", "bytes_recv", "packets_sent", "packets_recv"}


def test_system_stats_failure_is_503(api, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("no /proc")

    monkeypatch.setattr(psutil, "virtual_memory", broken)

    response = api.get("/api/system/stats")

    assert response.status_code == 503
    assert response.json() == {"detail": "System statistics unavailable"}


@pytest.mark.parametrize("service", ["spotify", "plex", "soulseek"])
def test_health_never_contacts_the_network(api, service, monkeypatch):
    monkeypatch.setenv("PLEX_BASE_URL", "http://192.0.2.1:1")
    monkeypatch.setenv("PLEX_TOKEN", "t")

    assert api.get(f"/api/health/{service}").status_code == 200
