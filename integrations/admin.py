"""Admin for the playlist cache and the Soulseek search budget."""

from django.contrib import admin

from integrations.models import Playlist, SoulseekSearch


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "track_count", "snapshot_id", "updated_at"]
    search_fields = ["name", "owner", "id"]
    readonly_fields = ["updated_at"]


@admin.register(SoulseekSearch)
class SoulseekSearchAdmin(admin.ModelAdmin):
    list_display = ["id", "query", "lane", "state", "result_count", "created_at", "started_at"]
    list_filter = ["state", "lane", "requested_by"]
    search_fields = ["query"]
    readonly_fields = ["created_at", "started_at", "finished_at"]
