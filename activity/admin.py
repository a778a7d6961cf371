"""Admin for the activity history (read-only: events are a record)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from activity.models import ActivityCount, ActivityEvent


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    list_display = ["id", "timestamp", "type", "status", "short_details"]
    list_filter = ["type", "status"]
    search_fields = ["type", "status"]
    date_hierarchy = "timestamp"
    readonly_fields = ["timestamp", "type", "status", "pretty_details"]
    fields = readonly_fields
    list_per_page = 100
    show_full_result_count = False

    @admin.display(description="details")
    def short_details(self, obj: ActivityEvent) -> str:
        text = json.dumps(obj.details or {}, ensure_ascii=False, separators=(",", ":"))
        return text if len(text) <= 100 else text[:99] + "…"

    @admin.display(description="details")
    def pretty_details(self, obj: ActivityEvent) -> str:
        text = json.dumps(obj.details or {}, ensure_ascii=False, indent=2)
        return format_html("<pre>{}</pre>", text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ActivityCount)
class ActivityCountAdmin(admin.ModelAdmin):
    list_display = ["type", "status", "count"]
    list_filter = ["type"]
    search_fields = ["type", "status"]
    readonly_fields = ["type", "status", "count"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
