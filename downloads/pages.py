"""The Downloads page `/ui/downloads` (SPEC §10.2)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from core.pages import api_snapshot, render_page

PAGE_SIZE = 20


def downloads(request: HttpRequest) -> HttpResponse:
    """Test-download form and the transfer table; first page = active downloads, as the API."""
    initial = api_snapshot(request, "/api/downloads", limit=PAGE_SIZE, offset=0)
    return render_page(request, "downloads/downloads.html", "downloads", {"initial": initial})
