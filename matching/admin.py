"""Admin for matches, with confirm/reject actions (review band)."""

from django.contrib import admin
from django.utils import timezone

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
    readonly_fields = ["created_at", "updated_at", "decided_at", "decided_by", "scores"]
    actions = ["confirm", "reject"]

    @admin.action(description="Confirm selected matches")
    def confirm(self, request, queryset) -> None:
        queryset.update(
            decision=Match.Decision.CONFIRMED,
            decided_by=request.user.get_username(),
            decided_at=timezone.now(),
        )

    @admin.action(description="Reject selected matches")
    def reject(self, request, queryset) -> None:
        queryset.update(
            decision=Match.Decision.REJECTED,
            decided_by=request.user.get_username(),
            decided_at=timezone.now(),
        )
