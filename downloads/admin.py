"""Admin for downloads and sync runs."""

from django.contrib import admin

from downloads.models import AutoSyncSkippedTrack, Download, MetadataRefreshRun, SyncRun


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ["id", "filename", "username", "status", "progress", "priority", "created_at"]
    list_filter = ["status", "source", "pipeline_status", "import_status", "artwork_status"]
    search_fields = ["filename", "username", "spotify_track_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "completed_at", "submitted_at"]
    raw_id_fields = ["retry_of", "superseded_by", "sync_run"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["id", "trigger", "status", "missing_count", "started_at", "finished_at"]
    list_filter = ["trigger", "status"]
    readonly_fields = ["created_at", "started_at", "finished_at"]


@admin.register(AutoSyncSkippedTrack)
class AutoSyncSkippedTrackAdmin(admin.ModelAdmin):
    list_display = ["track_key", "failure_reason", "failure_count", "last_attempt_at"]
    list_filter = ["failure_reason"]
    search_fields = ["track_key", "spotify_id"]
    readonly_fields = ["last_attempt_at"]


@admin.register(MetadataRefreshRun)
class MetadataRefreshRunAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "phase", "processed", "started_at", "completed_at"]
    list_filter = ["status"]
    readonly_fields = ["started_at", "completed_at"]
