"""Admin for matches, with confirm/reject actions (review band)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from matching import services
from matching.models import Match


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = [
        "spotify_track_id",
        "source",
        "target_id",
        "confidence",
        "decision",
        "updated_at",
    ]
    list_filter = ["source", "decision"]
    search_fields = ["spotify_track_id", "target_id", "context_id"]
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at", "decided_at", "decided_by", "scores"]
    actions = ["confirm", "reject"]

    def _decide(self, request: HttpRequest, queryset: QuerySet[Match], decision: str) -> int:
        """Record the verdict through the service the API uses, so both write it alike."""
        ids = queryset.values_list("pk", flat=True)
        return services.decide_matches(ids, decision, request.user.get_username())

    @admin.action(description="Confirm selected matches")
    def confirm(self, request: HttpRequest, queryset: QuerySet[Match]) -> None:
        count = self._decide(request, queryset, Match.Decision.CONFIRMED)
        messages.success(request, f"Confirmed {count} match(es).")

    @admin.action(description="Reject selected matches")
    def reject(self, request: HttpRequest, queryset: QuerySet[Match]) -> None:
        count = self._decide(request, queryset, Match.Decision.REJECTED)
        messages.success(request, f"Rejected {count} match(es).")
