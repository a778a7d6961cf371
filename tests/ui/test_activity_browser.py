"""Activity History in Chromium: paging, server-side filters, details, refresh, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activity import catalogue as ev
from activity.recorder import record
from tests.ui.conftest import PAGE_BUDGET_BYTES

pytestmark = pytest.mark.browser

ROWS = "#activity-body tr[data-type]"


@pytest.fixture
def events(transactional_db):
    """120 events: 80 sync runs and 40 failed downloads (their details are long)."""
    sources = ["spotify", "plex", "soulseek", "beets"]
    for run in range(80):
        counters = {"tracks_synced": run % 7, "tracks_skipped": run % 3, "errors": 0}
        record(
            ev.SYNC,
            ev.SYNC_COMPLETED,
            {"trigger": "scheduled", "run_id": run, "sources": sources, "counters": counters},
        )
    for number in range(40):
        record(
            ev.DOWNLOAD,
            ev.FAILED,
            {
                "download_id": number,
                "filename": f"Music\\Artist {number}\\Album\\{number:02d} - Track.flac",
                "error": "Transfer rejected: Too many files" if number % 2 else "timeout",
            },
        )


def test_paging_through_120_events(browser, events):
    browser.open("/ui/activity")
    rows = browser.page.locator(ROWS)
    info = browser.page.locator("#page-info")
    expect(info).to_have_text("Seite 1 von 3")
    expect(rows).to_have_count(50)
    expect(browser.page.get_by_role("button", name="Zurück")).to_be_disabled()

    browser.page.get_by_role("button", name="Weiter").click()
    expect(info).to_have_text("Seite 2 von 3")
    browser.page.get_by_role("button", name="Weiter").click()
    expect(info).to_have_text("Seite 3 von 3")
    expect(rows).to_have_count(20)
    expect(browser.page.get_by_role("button", name="Weiter")).to_be_disabled()
    browser.assert_clean()
    assert browser.transferred_bytes() < PAGE_BUDGET_BYTES


def test_filters_are_server_side_and_kept_in_the_address(browser, events):
    browser.open("/ui/activity")

    browser.page.get_by_label("Typ").select_option("download")

    expect(browser.page.locator("#page-info")).to_have_text("Seite 1 von 1")
    rows = browser.page.locator(ROWS)
    expect(rows).to_have_count(40)
    expect(browser.page).to_have_url(browser.base_url + "/ui/activity?type=download")
    first = rows.first
    expect(first.locator("td").nth(1)).to_have_text("download")
    expect(first.locator("td").nth(2)).to_have_text("failed")
    first.locator("summary").click()
    expect(first.locator("pre")).to_contain_text('"download_id": 39')

    browser.page.reload()
    expect(browser.page.get_by_label("Typ")).to_have_value("download")
    expect(rows).to_have_count(40)

    browser.page.get_by_label("Status").select_option("sync_completed")
    expect(browser.page.locator("#activity-body")).to_contain_text(
        "Keine Aktivitäten für diese Filter"
    )
    browser.screenshots("activity-empty", docs=False)
    browser.assert_clean()


def test_refresh_button_reloads_without_auto_refresh(browser, events):
    browser.open("/ui/activity?type=download")
    rows = browser.page.locator(ROWS)
    expect(rows).to_have_count(40)

    record(ev.DOWNLOAD, ev.FAILED, {"download_id": 999})
    browser.page.wait_for_timeout(1000)  # several poll intervals: nothing may change by itself
    expect(rows).to_have_count(40)

    browser.page.get_by_role("button", name="Aktualisieren").click()
    expect(rows).to_have_count(41)
    expect(rows.first).to_contain_text('"download_id":999')
    browser.screenshots("activity")


def test_export_with_the_current_filters(browser, events, tmp_path: Path):
    browser.open("/ui/activity?type=download")

    with browser.page.expect_download() as info:
        browser.page.get_by_role("button", name="Export CSV").click()

    download = info.value
    assert download.suggested_filename == (
        f"activity_history_{timezone.now().date().isoformat()}.csv"
    )
    target = tmp_path / "export.csv"
    download.save_as(target)
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0] == ["id", "timestamp", "type", "status", "details"]
    assert len(rows) == 41
    assert {row[2] for row in rows[1:]} == {"download"}
    with browser.page.expect_download() as json_info:
        browser.page.get_by_role("button", name="Export JSON").click()
    assert json_info.value.suggested_filename.endswith(".json")
    browser.assert_clean()
