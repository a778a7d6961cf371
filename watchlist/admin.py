"""Admin for the watchlist and release preferences, with "check now" for operators."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from watchlist.models import ArtistPreference, WatchlistArtist


@admin.register(WatchlistArtist)
class WatchlistArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "spotify_artist_id", "last_checked", "last_error", "created_at"]
    search_fields = ["name", "spotify_artist_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["last_checked", "last_error", "created_at"]
    actions = ["check_now"]

    @admin.action(description="Check selected artists for new releases now")
    def check_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Wake the watchlist worker. `last_checked` is left alone on purpose: it marks which
        releases count as new, so moving it would hide releases (SPEC §2.10)."""
        from core.workers.queue import nudge, workers_disabled

        count = queryset.count()
        if workers_disabled():
            messages.warning(
                request,
                "Background workers are disabled (HARMONY_DISABLE_WORKERS): nothing queued.",
            )
            return
        nudge("watchlist")
        messages.success(
            request, f"Watchlist check queued; it covers the {count} selected artist(s)."
        )


@admin.register(ArtistPreference)
class ArtistPreferenceAdmin(admin.ModelAdmin):
    list_display = ["artist_id", "release_id", "selected", "updated_at"]
    list_filter = ["selected"]
    search_fields = ["artist_id", "release_id"]
    readonly_fields = ["updated_at"]
    actions = ["enable", "disable"]

    @admin.action(description="Enable selected releases for sync")
    def enable(self, request: HttpRequest, queryset: QuerySet) -> None:
        messages.success(request, f"Enabled {queryset.update(selected=True)} release(s).")

    @admin.action(description="Disable selected releases for sync")
    def disable(self, request: HttpRequest, queryset: QuerySet) -> None:
        messages.success(request, f"Disabled {queryset.update(selected=False)} release(s).")
