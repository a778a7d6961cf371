"""Admin for the playlist cache and the Soulseek search budget (both maintained by workers)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from integrations.models import Playlist, SoulseekSearch


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "track_count", "snapshot_id", "updated_at"]
    search_fields = ["name", "owner", "id"]
    date_hierarchy = "updated_at"
    readonly_fields = ["id", "name", "owner", "snapshot_id", "track_count", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The playlist worker mirrors Spotify; rows made here would be overwritten.
        return False


@admin.register(SoulseekSearch)
class SoulseekSearchAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "query",
        "lane",
        "state",
        "result_count",
        "requested_by",
        "created_at",
        "started_at",
    ]
    list_filter = ["state", "lane", "requested_by"]
    search_fields = ["query", "search_id"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "query",
        "lane",
        "state",
        "search_id",
        "result_count",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Searches are budgeted (SPEC §3); they start through the search endpoints only.
        return False
