"""Downloads page in Chromium: filter, search, priority, cancel, retry, export, test download."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from downloads.models import Download
from tests.factories import DownloadFactory
from tests.ui.conftest import PAGE_BUDGET_BYTES

pytestmark = pytest.mark.browser

ROWS = "#downloads-body tr[data-id]"


@pytest.fixture
def seeded(transactional_db):
    """One download per status; the failed one waits for an automatic retry."""
    return {
        "queued": DownloadFactory(filename="Music\\Daft Punk\\Discovery\\01 - One More Time.mp3"),
        "running": DownloadFactory(
            status=Download.Status.RUNNING, progress=62.5, username="club_mode"
        ),
        "failed": DownloadFactory(
            status=Download.Status.FAILED,
            filename="Music\\Massive Attack\\Mezzanine\\03 - Teardrop.mp3",
            username="trip_hop",
            last_error="Transfer rejected: Too many files",
            next_retry_at=timezone.now() + timedelta(minutes=5),
        ),
        "completed": DownloadFactory(status=Download.Status.COMPLETED, progress=100.0),
        "cancelled": DownloadFactory(status=Download.Status.CANCELLED),
    }


def test_filters_search_and_toggle(browser, seeded):
    browser.open("/ui/downloads")
    rows = browser.page.locator(ROWS)
    expect(rows).to_have_count(2)
    expect(browser.page.locator("#downloads-body")).to_contain_text("62,5 %")

    browser.page.get_by_role("button", name="Alle anzeigen").click()
    expect(rows).to_have_count(5)
    expect(browser.page.get_by_role("button", name="Nur aktive")).to_have_attribute(
        "aria-pressed", "true"
    )

    browser.page.get_by_label("Suche").fill("trip_hop")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("03 - Teardrop.mp3")
    browser.page.get_by_label("Suche").fill("")

    browser.page.get_by_label("Status", exact=True).select_option("failed")
    expect(rows).to_have_count(1)
    failed = rows.first
    expect(failed).to_contain_text("Nächster Versuch in 5 Minuten")
    expect(failed.locator(".last-error")).to_have_attribute(
        "title", "Transfer rejected: Too many files"
    )
    expect(failed.get_by_role("button", name="03 - Teardrop.mp3 neu starten")).to_be_visible()
    browser.assert_clean()
    assert browser.transferred_bytes() < PAGE_BUDGET_BYTES


def test_priority_edit_saves_on_enter(browser, seeded):
    browser.open("/ui/downloads")
    field = browser.page.get_by_label("Priorität von 01 - One More Time.mp3")

    field.fill("7")
    field.press("Enter")

    browser.toast("Priorität aktualisiert")
    seeded["queued"].refresh_from_db()
    assert seeded["queued"].priority == 7
    browser.assert_clean()


def test_invalid_priority_is_rejected_in_the_browser(browser, seeded):
    browser.open("/ui/downloads")
    field = browser.page.get_by_label("Priorität von 01 - One More Time.mp3")

    field.fill("5000")
    field.press("Enter")

    browser.toast("Ungültige Priorität")
    expect(field).to_have_value("0")
    seeded["queued"].refresh_from_db()
    assert seeded["queued"].priority == 0


def test_cancel_of_a_queued_download(browser, seeded):
    browser.open("/ui/downloads")

    browser.page.get_by_role("button", name="01 - One More Time.mp3 abbrechen").click()

    browser.toast("Download abgebrochen")
    expect(browser.page.locator(ROWS)).to_have_count(1)
    seeded["queued"].refresh_from_db()
    assert seeded["queued"].status == Download.Status.CANCELLED
    browser.assert_clean()


def test_retry_creates_a_new_row(browser, seeded, fake_slskd, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", fake_slskd.url)
    browser.open("/ui/downloads")
    browser.page.get_by_label("Status", exact=True).select_option("failed")

    browser.page.get_by_role("button", name="03 - Teardrop.mp3 neu starten").click()

    toast = browser.toast("Download neu gestartet")
    retried = Download.objects.get(retry_of=seeded["failed"])
    expect(toast).to_contain_text(f"neue ID {retried.pk}")
    assert retried.status == Download.Status.QUEUED
    browser.page.get_by_label("Status", exact=True).select_option("")
    expect(browser.page.locator(f'{ROWS}[data-id="{retried.pk}"]')).to_be_visible()
    browser.screenshots("downloads")
    browser.assert_clean()


def test_retry_with_slskd_down_shows_the_reason(browser, seeded, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:9")
    browser.open("/ui/downloads")
    browser.page.get_by_label("Status", exact=True).select_option("failed")

    browser.page.get_by_role("button", name="03 - Teardrop.mp3 neu starten").click()

    browser.toast("Neustart fehlgeschlagen")
    assert not Download.objects.filter(retry_of=seeded["failed"]).exists()
    expect(browser.page.locator(ROWS)).to_have_count(1)  # the page stays usable
    browser.assert_no_script_errors()


def test_retry_all_failed_reports_counts(browser, fake_slskd, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", fake_slskd.url)
    DownloadFactory.create_batch(3, status=Download.Status.FAILED)
    browser.open("/ui/downloads")
    browser.page.get_by_label("Status", exact=True).select_option("failed")
    expect(browser.page.locator(ROWS)).to_have_count(3)

    browser.page.get_by_role("button", name="Alle fehlgeschlagenen neu starten").click()

    browser.toast("Neu gestartet: 3, fehlgeschlagen: 0")
    assert Download.objects.filter(source=Download.Source.RETRY).count() == 3


def test_export_of_the_current_filter(browser, seeded, tmp_path: Path):
    browser.open("/ui/downloads")
    browser.page.get_by_label("Status", exact=True).select_option("failed")
    expect(browser.page.locator(ROWS)).to_have_count(1)

    with browser.page.expect_download() as info:
        browser.page.get_by_role("button", name="Export JSON").click()
    download = info.value
    with browser.page.expect_download() as csv_info:
        browser.page.get_by_role("button", name="Export CSV").click()

    today = timezone.now().date().isoformat()
    assert download.suggested_filename == f"downloads_{today}.json"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    exported = json.loads(target.read_text())
    assert [row["id"] for row in exported] == [seeded["failed"].pk]
    assert csv_info.value.suggested_filename == f"downloads_{today}.csv"
    browser.assert_clean()


def test_test_download_form(browser, fake_slskd, monkeypatch):
    browser.open("/ui/downloads")
    submit = browser.page.get_by_role("button", name="Download starten")

    submit.click()
    expect(browser.page.locator("#td-username-error")).to_have_text(
        "Bitte den Soulseek-Benutzer angeben."
    )
    expect(browser.page.get_by_label("Soulseek-Benutzer")).to_have_attribute("aria-invalid", "true")

    browser.page.get_by_label("Soulseek-Benutzer").fill("x" * 300)
    browser.page.get_by_label("Dateipfad").fill("Music\\Daft Punk\\04 Harder.mp3")
    submit.click()
    browser.toast("Download nicht gestartet")
    expect(browser.page.locator("#td-username-error")).to_contain_text("255")

    browser.page.get_by_label("Soulseek-Benutzer").fill("dj_user")
    submit.click()
    blocked = browser.toast("Download blockiert")
    expect(blocked).to_contain_text("SLSKD_URL")
    assert not Download.objects.exists()

    monkeypatch.setenv("SLSKD_URL", fake_slskd.url)
    browser.page.get_by_label("Größe in Bytes (optional)").fill("5120000")
    submit.click()
    browser.toast("Download gestartet: 04 Harder.mp3")
    created = Download.objects.get()
    assert (created.username, created.size) == ("dj_user", 5120000)
    expect(browser.page.locator(f'{ROWS}[data-id="{created.pk}"]')).to_be_visible()
    browser.assert_no_script_errors()


def test_paging_and_empty_state(browser):
    DownloadFactory.create_batch(25)
    browser.open("/ui/downloads")
    rows = browser.page.locator(ROWS)
    expect(rows).to_have_count(20)

    browser.page.get_by_role("button", name="Weiter").click()
    expect(rows).to_have_count(5)
    expect(browser.page.locator("#page-info")).to_have_text("Seite 2")
    expect(browser.page.get_by_role("button", name="Weiter")).to_be_disabled()

    browser.page.get_by_label("Status", exact=True).select_option("completed")
    expect(browser.page.locator("#downloads-body")).to_contain_text("Keine Downloads aktiv")
    browser.assert_clean()


def test_cancel_with_slskd_down_keeps_the_download(browser, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:9")
    submitted = DownloadFactory(
        filename="Music\\Air\\Moon Safari\\02 - Sexy Boy.flac",
        status=Download.Status.RUNNING,
        submitted_at=timezone.now(),
        slskd_transfer_id="0c2a7b8e-5a54-4b1e-9a55-1f1d8e8f3c11",
    )
    browser.open("/ui/downloads")

    browser.page.get_by_role("button", name="02 - Sexy Boy.flac abbrechen").click()

    toast = browser.toast("Abbruch fehlgeschlagen")
    expect(toast).to_contain_text("slskd")
    submitted.refresh_from_db()
    assert submitted.status == Download.Status.RUNNING
    expect(browser.page.locator(f'{ROWS}[data-id="{submitted.pk}"]')).to_be_visible()
    browser.assert_no_script_errors()
