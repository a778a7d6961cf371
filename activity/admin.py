"""Admin for the activity history (read-only: events are a record)."""

from django.contrib import admin

from activity.models import ActivityEvent


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    list_display = ["id", "timestamp", "type", "status"]
    list_filter = ["type", "status"]
    search_fields = ["type", "status"]
    date_hierarchy = "timestamp"
    readonly_fields = ["timestamp", "type", "status", "details"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the history is a record; counters stay exact
