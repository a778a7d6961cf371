"""The Artists page `/ui/artists`: followed artists, release preferences, watchlist (SPEC §10.3)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from core.pages import api_snapshot, render_page


def artists(request: HttpRequest) -> HttpResponse:
    """Followed artists and releases come from Spotify in the browser (never block the page on
    an upstream); the watchlist is local and rendered with the page."""
    initial = {"watchlist": api_snapshot(request, "/watchlist")}
    return render_page(request, "watchlist/artists.html", "artists", {"initial": initial})
