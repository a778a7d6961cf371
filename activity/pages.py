"""The Activity History page `/ui/activity` (SPEC §10.5)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from activity.catalogue import ALL_STATUSES, TYPES
from core.pages import api_snapshot, render_page

PAGE_SIZE = 50


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 10**9))
    except ValueError:
        return 1


def history(request: HttpRequest) -> HttpResponse:
    """Filters `type`/`status` and the page come from the address bar, so links and reloads keep
    the view; the table is the API's page for them."""
    filters = {
        "type": request.GET.get("type", "").strip()[:128],
        "status": request.GET.get("status", "").strip()[:128],
    }
    page = _page_number(request.GET.get("page"))
    initial = api_snapshot(
        request, "/api/activity", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters
    )
    if initial is not None:
        initial = {**initial, "page": page}
        if page > 1 and not initial.get("items"):
            initial = None  # past the end: the script loads the last page instead
    context = {
        "initial": initial,
        "filters": filters,
        "types": sorted({*TYPES, *([filters["type"]] if filters["type"] else [])}),
        "statuses": sorted({*ALL_STATUSES, *([filters["status"]] if filters["status"] else [])}),
    }
    return render_page(request, "activity/history.html", "activity", context)
