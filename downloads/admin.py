"""Admin for downloads and sync runs: read-only audit fields, retry/cancel/re-run actions.

State changes go through the same service functions as the API (STYLE §2), so an operator's
retry or cancel behaves exactly like the UI's, including slskd confirmation and events.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator

from core.errors import HarmonyError
from downloads.models import AutoSyncSkippedTrack, Download, MetadataRefreshRun, SyncRun

# Field groups of the change page; everything but the editable header is an audit field.
TRANSFER_FIELDS = [
    "source",
    "slskd_transfer_id",
    "slskd_state",
    "slskd_missing_polls",
    "bytes_transferred",
    "last_progress_at",
    "submitting_at",
    "submitted_at",
    "state_changed_at",
]
RETRY_FIELDS = [
    "retry_count",
    "next_retry_at",
    "last_error",
    "dead_letter",
    "retry_of",
    "superseded_by",
    "sync_run",
]
COMPLETION_FIELDS = [
    "local_path",
    "organized_path",
    "pipeline_status",
    "pipeline_started_at",
    "import_status",
    "metadata_status",
    "metadata_error",
    "artwork_status",
    "artwork_error",
    "artwork_url",
    "artwork_path",
    "has_artwork",
    "lyrics_status",
    "lyrics_error",
    "lyrics_path",
    "has_lyrics",
]
REQUEST_FIELDS = ["request_payload", "alternatives", "created_at", "updated_at"]
DOWNLOAD_AUDIT_FIELDS = [
    "status",
    "progress",
    *TRANSFER_FIELDS,
    *RETRY_FIELDS,
    *COMPLETION_FIELDS,
    *REQUEST_FIELDS,
    "completed_at",
]


def _service(name: str) -> Callable[[Any], Any]:
    """A download service function, imported when an action runs (retry lives in its own
    module, cancel in `services`)."""
    for module in ("downloads.services", "downloads.retry"):
        try:
            function = getattr(import_module(module), name, None)
        except ImportError:
            continue
        if function is not None:
            return function
    raise LookupError(f"downloads service {name} is not available")


def _reason(exc: HarmonyError) -> str:
    """The API's `detail` of a domain error as one line."""
    detail = exc.detail
    if isinstance(detail, dict):
        missing = detail.get("missing") or {}
        keys = "; ".join(f"{service}: {', '.join(k)}" for service, k in missing.items())
        return f"{detail.get('message', 'error')} ({keys})" if keys else str(detail)
    return str(detail)


def _run_each(
    request: HttpRequest, rows: QuerySet, function: Callable[[Any], Any], verb: str
) -> None:
    """Apply `function` to each selected row; one summary plus one error message per failure."""
    done = 0
    for row in rows.order_by("pk"):
        try:
            function(row.pk)
        except HarmonyError as exc:
            messages.error(
                request, f"#{row.pk} {Truncator(row.filename).chars(60)}: {_reason(exc)}"
            )
        else:
            done += 1
    if done:
        messages.success(request, f"{verb} {done} download(s).")


class DownloadForm(forms.ModelForm):
    class Meta:
        model = Download
        fields = [
            "priority",
            "genre",
            "composer",
            "producer",
            "isrc",
            "copyright",
            "spotify_track_id",
            "spotify_album_id",
            "track_key",
        ]

    def clean_priority(self) -> int:
        priority = self.cleaned_data["priority"]
        if not -1000 <= priority <= 1000:
            raise forms.ValidationError("Priority must be between -1000 and 1000.")
        return priority


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    form = DownloadForm
    list_display = [
        "id",
        "short_filename",
        "username",
        "status",
        "progress",
        "priority",
        "retry_count",
        "dead_letter",
        "source",
        "created_at",
    ]
    list_display_links = ["id", "short_filename"]
    list_filter = [
        "status",
        "source",
        "dead_letter",
        "pipeline_status",
        "import_status",
        "artwork_status",
        "metadata_status",
    ]
    search_fields = ["filename", "username", "spotify_track_id", "slskd_transfer_id"]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = DOWNLOAD_AUDIT_FIELDS
    fieldsets = [
        (None, {"fields": ["filename", "username", "size", "priority", "status", "progress"]}),
        ("Transfer", {"fields": TRANSFER_FIELDS}),
        ("Retries", {"fields": RETRY_FIELDS}),
        ("Completion", {"fields": COMPLETION_FIELDS}),
        (
            "Metadata",
            {
                "fields": [
                    "genre",
                    "composer",
                    "producer",
                    "isrc",
                    "copyright",
                    "spotify_track_id",
                    "spotify_album_id",
                    "track_key",
                ]
            },
        ),
        (
            "Request",
            {
                "classes": ["collapse"],
                "fields": REQUEST_FIELDS,
            },
        ),
        ("Done", {"fields": ["completed_at"]}),
    ]
    actions = ["retry_selected", "cancel_selected", "rerun_completion"]

    @admin.display(description="filename", ordering="filename")
    def short_filename(self, obj: Download) -> str:
        return Truncator(obj.filename).chars(70)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Downloads are created through POST /api/download (validation, jobs, events).
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Download | None = None) -> list[str]:
        fields = list(DOWNLOAD_AUDIT_FIELDS)
        if obj is not None:
            fields += ["filename", "username", "size"]
        return fields

    def save_model(self, request: HttpRequest, obj: Download, form: Any, change: bool) -> None:
        """Write only what the operator changed: workers update status and progress of the
        same row concurrently, and a full `save()` would overwrite them (T57)."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        fields = [name for name in form.changed_data if name != "priority"]
        if "priority" in form.changed_data:
            # The priority also lives in waiting worker jobs: the service keeps them in step.
            _service("set_priority")(obj.pk, obj.priority)
        if fields:
            obj.save(update_fields=[*fields, "updated_at"])

    @admin.action(description="Retry selected failed or cancelled downloads")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_each(request, queryset, _service("retry_download"), "Restarted")

    @admin.action(description="Cancel selected queued or running downloads")
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_each(request, queryset, _service("cancel_download"), "Cancelled")

    @admin.action(description="Re-run completion (organise, enrichment, import) of selected")
    def rerun_completion(self, request: HttpRequest, queryset: QuerySet) -> None:
        from core.workers.queue import enqueue, workers_disabled

        eligible = queryset.filter(status=Download.Status.COMPLETED).exclude(
            pipeline_status=Download.Pipeline.RUNNING
        )
        ids = list(eligible.values_list("pk", flat=True))
        # Pending again: the pipeline's gate admits a pending run once; enrichment steps re-run.
        Download.objects.filter(pk__in=ids).exclude(
            pipeline_status=Download.Pipeline.RUNNING
        ).update(
            pipeline_status=Download.Pipeline.PENDING,
            metadata_status=Download.Enrichment.PENDING,
            artwork_status=Download.Artwork.PENDING,
            lyrics_status=Download.Enrichment.PENDING,
            updated_at=timezone.now(),
        )
        for download_id in ids:
            enqueue("downloads.tasks.run_completion", download_id)
        skipped = queryset.count() - len(ids)
        if ids:
            note = (
                " (workers are disabled: runs when a cluster starts)" if workers_disabled() else ""
            )
            messages.success(request, f"Queued completion for {len(ids)} download(s){note}.")
        if skipped:
            messages.warning(
                request, f"Skipped {skipped} download(s): not completed or pipeline running."
            )


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["id", "trigger", "status", "missing_count", "started_at", "finished_at"]
    list_filter = ["trigger", "status"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "trigger",
        "status",
        "plan",
        "counters",
        "errors",
        "missing_count",
        "deadline",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Runs start through POST /api/sync or the scheduler (locking, events).
        return False


@admin.register(AutoSyncSkippedTrack)
class AutoSyncSkippedTrackAdmin(admin.ModelAdmin):
    list_display = [
        "track_key",
        "spotify_id",
        "failure_reason",
        "failure_count",
        "last_attempt_at",
    ]
    list_filter = ["failure_reason"]
    search_fields = ["track_key", "spotify_id"]
    readonly_fields = ["track_key", "spotify_id", "failure_reason", "last_attempt_at"]
    actions = ["forget"]

    @admin.action(description="Forget selected (AutoSync tries these tracks again)")
    def forget(self, request: HttpRequest, queryset: QuerySet) -> None:
        deleted, _ = queryset.delete()
        messages.success(request, f"Forgot {deleted} skipped track(s).")


@admin.register(MetadataRefreshRun)
class MetadataRefreshRunAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "phase", "processed", "started_at", "completed_at"]
    list_filter = ["status"]
    readonly_fields = [
        "status",
        "phase",
        "processed",
        "total",
        "cursor",
        "matching_queue",
        "stop_requested",
        "error",
        "started_at",
        "completed_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
