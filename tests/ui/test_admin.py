"""Operator admin: every model's list and form, masked secrets, actions through the services."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import Setting, SettingHistory
from downloads.models import Download
from tests.factories import (
    ActivityEventFactory,
    ApiKeyFactory,
    ArtistPreferenceFactory,
    AutoSyncSkippedTrackFactory,
    DownloadFactory,
    MatchFactory,
    MetadataRefreshRunFactory,
    PlaylistFactory,
    SettingHistoryFactory,
    SoulseekSearchFactory,
    SyncRunFactory,
    WatchlistArtistFactory,
    WorkerJobFactory,
    WorkerLeaseFactory,
)

FACTORIES = [
    ActivityEventFactory,
    ApiKeyFactory,
    ArtistPreferenceFactory,
    AutoSyncSkippedTrackFactory,
    DownloadFactory,
    MatchFactory,
    MetadataRefreshRunFactory,
    PlaylistFactory,
    SettingHistoryFactory,
    SoulseekSearchFactory,
    SyncRunFactory,
    WatchlistArtistFactory,
    WorkerJobFactory,
    WorkerLeaseFactory,
]


def _url(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _action(client, model, action: str, rows) -> object:
    return client.post(
        _url(model, "changelist"),
        {"action": action, "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_every_model_lists_searches_and_opens(page_client, factory):
    row = factory()
    model = factory._meta.model

    listing = page_client.get(_url(model, "changelist"), {"q": "x"})
    change = page_client.get(_url(model, "change", row.pk))

    assert listing.status_code == 200
    assert change.status_code == 200


def test_every_registered_model_is_covered():
    harmony_apps = {"core", "activity", "downloads", "integrations", "matching", "watchlist"}
    registered = {m for m in admin.site._registry if m._meta.app_label in harmony_apps}
    covered = {f._meta.model for f in FACTORIES} | {Setting}

    assert registered - covered <= {m for m in registered if m.__name__ == "ActivityCount"}


def test_secret_settings_are_masked_and_never_echoed(page_client):
    secret = Setting.objects.create(key="PLEX_TOKEN", value="plex-secret-abcd", source="user")

    listing = page_client.get(_url(Setting, "changelist")).content.decode()
    form = page_client.get(_url(Setting, "change", secret.pk)).content.decode()

    assert "plex-secret-abcd" not in listing
    assert "••••abcd" in listing
    assert "plex-secret-abcd" not in form


def test_setting_change_goes_through_the_store(page_client):
    row = Setting.objects.create(key="PLEX_LIBRARY", value="Music", source="default")

    response = page_client.post(_url(Setting, "change", row.pk), {"value": "Musik"}, follow=True)

    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.value, row.source) == ("Musik", "user")
    assert SettingHistory.objects.get().new_value == "Musik"


def test_setting_change_is_validated_like_the_api(page_client):
    row = Setting.objects.create(key="PLEX_BASE_URL", value="http://plex:32400", source="user")

    response = page_client.post(_url(Setting, "change", row.pk), {"value": "ftp://plex"})

    assert response.status_code == 200
    assert "http(s) URL" in response.content.decode()
    row.refresh_from_db()
    assert row.value == "http://plex:32400"


def test_blank_secret_keeps_the_stored_value(page_client):
    row = Setting.objects.create(key="SLSKD_API_KEY", value="slskd-key-1234", source="user")

    page_client.post(_url(Setting, "change", row.pk), {"value": ""}, follow=True)

    row.refresh_from_db()
    assert row.value == "slskd-key-1234"
    assert not SettingHistory.objects.exists()


def test_cancel_action_cancels_queued_and_reports_the_rest(page_client):
    queued = DownloadFactory()
    done = DownloadFactory(status=Download.Status.COMPLETED)

    response = _action(page_client, Download, "cancel_selected", [queued, done])

    queued.refresh_from_db()
    assert queued.status == Download.Status.CANCELLED
    texts = _messages(response)
    assert "Cancelled 1 download(s)." in texts
    assert any(f"#{done.pk}" in t and "cannot be cancelled" in t for t in texts)


def test_retry_action_uses_slskd(page_client, fake_slskd, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", fake_slskd.url)
    failed = DownloadFactory(status=Download.Status.FAILED)

    response = _action(page_client, Download, "retry_selected", [failed])

    assert "Restarted 1 download(s)." in _messages(response)
    assert Download.objects.filter(retry_of=failed).count() == 1


def test_retry_action_without_soulseek_reports_missing_credentials(page_client):
    failed = DownloadFactory(status=Download.Status.FAILED)

    response = _action(page_client, Download, "retry_selected", [failed])

    assert any("SLSKD_URL" in text for text in _messages(response))
    assert not Download.objects.filter(retry_of=failed).exists()


def test_rerun_completion_resets_the_pipeline_of_completed_downloads(page_client):
    done = DownloadFactory(
        status=Download.Status.COMPLETED, pipeline_status="done", artwork_status="failed"
    )
    queued = DownloadFactory()

    response = _action(page_client, Download, "rerun_completion", [done, queued])

    done.refresh_from_db()
    assert (done.pipeline_status, done.artwork_status) == ("pending", "pending")
    texts = _messages(response)
    assert any(text.startswith("Queued completion for 1 download(s)") for text in texts)
    assert any("Skipped 1" in text for text in texts)


def test_priority_change_in_admin_uses_the_service_and_keeps_worker_fields(page_client):
    download = DownloadFactory(priority=1)
    Download.objects.filter(pk=download.pk).update(progress=40.0)  # a worker wrote meanwhile

    page_client.post(_url(Download, "change", download.pk), {"priority": "9"}, follow=True)

    download.refresh_from_db()
    assert download.priority == 9
    assert download.request_payload["priority"] == 9
    assert download.progress == 40.0


def test_downloads_cannot_be_added_by_hand(page_client):
    assert page_client.get(_url(Download, "add")).status_code == 403


def test_watchlist_check_now_explains_disabled_workers(page_client):
    artist = WatchlistArtistFactory()

    response = _action(page_client, artist.__class__, "check_now", [artist])

    assert any("disabled" in text for text in _messages(response))
