"""`/settings` and `/settings/history` (SPEC §2.11, §7; RELIABILITY T07, T59)."""

from __future__ import annotations

import pytest

from core.models import Setting, SettingHistory
from core.settings_store import seed_defaults


def test_defaults_are_seeded_without_history(db):
    seed_defaults()
    seed_defaults()

    row = Setting.objects.get(key="sync_worker_concurrency")
    assert (row.value, row.source) == ("1", "default")
    assert not SettingHistory.objects.exists()


def test_seeded_rows_follow_the_environment(db, monkeypatch):
    seed_defaults()
    monkeypatch.setenv("AUTOSYNC_MIN_BITRATE", "256")

    seed_defaults()

    row = Setting.objects.get(key="autosync_min_bitrate")
    assert (row.value, row.source) == ("256", "env")


def test_user_rows_are_never_reseeded(api, monkeypatch):
    api.post("/settings", {"key": "autosync_min_bitrate", "value": 320}, format="json")
    monkeypatch.setenv("AUTOSYNC_MIN_BITRATE", "128")

    seed_defaults()

    assert Setting.objects.get(key="autosync_min_bitrate").value == "320"


def test_get_settings_returns_effective_values_with_defaults(api):
    response = api.get("/settings")

    assert response.status_code == 200
    settings = response.json()["settings"]
    assert settings["sync_worker_concurrency"] == "1"
    assert settings["autosync_preferred_formats"] == "mp3,flac"
    assert settings["PLEX_LIBRARY"] == "Music"
    assert settings["SLSKD_URL"] is None
    assert response.json()["updated_at"].endswith("Z")


def test_settings_row_wins_over_environment(api, monkeypatch):
    monkeypatch.setenv("PLEX_LIBRARY", "FromEnv")
    assert api.get("/settings").json()["settings"]["PLEX_LIBRARY"] == "FromEnv"

    api.post("/settings", {"key": "PLEX_LIBRARY", "value": "FromTable"}, format="json")

    assert api.get("/settings").json()["settings"]["PLEX_LIBRARY"] == "FromTable"


def test_post_setting_records_history_once(api):
    first = api.post("/settings", {"key": "PLEX_LIBRARY", "value": "Musik"}, format="json")
    api.post("/settings", {"key": "PLEX_LIBRARY", "value": "Musik"}, format="json")

    assert first.status_code == 200
    assert first.json()["settings"]["PLEX_LIBRARY"] == "Musik"
    history = api.get("/settings/history").json()["history"]
    assert len(history) == 1
    assert history[0]["key"] == "PLEX_LIBRARY"
    assert history[0]["old_value"] is None
    assert history[0]["new_value"] == "Musik"
    assert history[0]["changed_at"].endswith("Z")


def test_numbers_and_booleans_are_stored_as_strings(api):
    api.post("/settings", {"key": "scan_worker_incremental", "value": False}, format="json")
    api.post("/settings", {"key": "RETRY_MAX_ATTEMPTS", "value": 4}, format="json")

    settings = api.get("/settings").json()["settings"]
    assert settings["scan_worker_incremental"] == "false"
    assert settings["RETRY_MAX_ATTEMPTS"] == "4"


def test_secrets_are_masked_in_settings_and_history(api):
    api.post("/settings", {"key": "PLEX_TOKEN", "value": "supersecret1a2b"}, format="json")
    api.post("/settings", {"key": "PLEX_TOKEN", "value": "othersecret9z8y"}, format="json")

    settings = api.get("/settings").content.decode()
    history = api.get("/settings/history").json()["history"]
    assert "supersecret" not in settings and "othersecret" not in settings
    assert api.get("/settings").json()["settings"]["PLEX_TOKEN"] == "••••9z8y"
    assert history[0]["old_value"] == "••••1a2b"
    assert history[0]["new_value"] == "••••9z8y"


def test_masked_echo_of_a_secret_keeps_the_value(api):
    api.post("/settings", {"key": "SLSKD_API_KEY", "value": "slskd-key-1234"}, format="json")

    api.post("/settings", {"key": "SLSKD_API_KEY", "value": "••••1234"}, format="json")

    assert Setting.objects.get(key="SLSKD_API_KEY").value == "slskd-key-1234"
    assert SettingHistory.objects.filter(key="SLSKD_API_KEY").count() == 1


def test_null_removes_the_override(api, monkeypatch):
    monkeypatch.setenv("PLEX_LIBRARY", "EnvLib")
    api.post("/settings", {"key": "PLEX_LIBRARY", "value": "Tab"}, format="json")

    api.post("/settings", {"key": "PLEX_LIBRARY", "value": None}, format="json")

    assert api.get("/settings").json()["settings"]["PLEX_LIBRARY"] == "EnvLib"
    assert SettingHistory.objects.filter(key="PLEX_LIBRARY").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "metrics.sync.jobs_completed", "value": "1"}, "key"),
        ({"key": "worker:sync:status", "value": "running"}, "key"),
        ({"key": "sync_worker_concurrency", "value": "zero"}, "value"),
        ({"key": "sync_worker_concurrency", "value": 0}, "value"),
        ({"key": "RETRY_JITTER_PCT", "value": "1.5"}, "value"),
        ({"key": "matching_confidence_threshold", "value": "0"}, "value"),
        ({"key": "scan_worker_incremental", "value": "maybe"}, "value"),
        ({"key": "autosync_preferred_formats", "value": "mp3;flac"}, "value"),
        ({"key": "PLEX_BASE_URL", "value": "file:///etc/passwd"}, "value"),
        ({"key": "SLSKD_URL", "value": "gopher://x"}, "value"),
        ({"key": "PLEX_LIBRARY", "value": {"a": 1}}, "value"),
        ({"key": "PLEX_LIBRARY", "value": ["a"]}, "value"),
        ({"key": "", "value": "x"}, "key"),
        ({"key": "x" * 256, "value": "x"}, "key"),
        ({"value": "x"}, "key"),
        ({"key": 5, "value": "x"}, "key"),
        ({"key": "free_text", "value": "x" * 10_001}, "value"),
        ({"key": "SLSKD_HOST", "value": "h"}, "key"),
    ],
)
def test_invalid_settings_are_422_naming_the_field(api, body, field):
    response = api.post("/settings", body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not SettingHistory.objects.exists()


def test_non_object_body_is_422(api):
    response = api.post("/settings", ["key"], format="json")

    assert response.status_code == 422


def test_history_keeps_the_latest_50(api):
    for index in range(55):
        api.post("/settings", {"key": "PLEX_LIBRARY", "value": f"lib{index}"}, format="json")

    history = api.get("/settings/history").json()["history"]

    assert len(history) == 50
    assert history[0]["new_value"] == "lib54"


def test_worker_rows_are_listed(api):
    Setting.objects.create(key="metrics.sync.jobs_completed", value="3", source="system")

    settings = api.get("/settings").json()["settings"]

    assert settings["metrics.sync.jobs_completed"] == "3"
