"""Download, SyncRun, AutoSyncSkippedTrack, MetadataRefreshRun (SPEC §1.3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DownloadQuerySet(models.QuerySet):
    def active(self) -> DownloadQuerySet:
        """`queued` + `running`: what the UI and `/status` count as the sync queue."""
        return self.filter(status__in=Download.ACTIVE_STATUSES)

    def list_order(self) -> DownloadQuerySet:
        return self.order_by("-priority", "-created_at", "-id")


class Download(models.Model):
    """One file requested from one Soulseek user (SPEC §1.3)."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class Source(models.TextChoices):
        API = "api"
        SOULSEEK = "soulseek"
        AUTOSYNC = "autosync"
        WATCHLIST = "watchlist"
        RETRY = "retry"

    class Pipeline(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    class Import(models.TextChoices):
        PENDING = "pending"
        IMPORTED = "imported"
        FAILED = "failed"
        SKIPPED = "skipped"

    class Artwork(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        CACHED = "cached"
        FAILED = "failed"

    class Enrichment(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        SKIPPED = "skipped"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    CANCELLABLE = (Status.QUEUED, Status.RUNNING)
    RETRYABLE = (Status.FAILED, Status.CANCELLED)

    filename = models.CharField(max_length=1024)
    username = models.CharField(max_length=255, db_index=True)
    size = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    progress = models.FloatField(default=0.0)
    priority = models.IntegerField(default=0, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.API)
    request_payload = models.JSONField(default=dict, blank=True)
    alternatives = models.JSONField(default=list, blank=True)
    slskd_transfer_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    slskd_state = models.CharField(max_length=64, null=True, blank=True)
    slskd_missing_polls = models.PositiveIntegerField(default=0)
    bytes_transferred = models.BigIntegerField(default=0)
    last_progress_at = models.DateTimeField(null=True, blank=True)
    submitting_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    retry_count = models.PositiveIntegerField(default=0)
    next_retry_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=512, null=True, blank=True)
    dead_letter = models.BooleanField(default=False)
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    sync_run = models.ForeignKey(
        "downloads.SyncRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    local_path = models.CharField(max_length=4096, null=True, blank=True)
    organized_path = models.CharField(max_length=4096, null=True, blank=True)
    pipeline_status = models.CharField(
        max_length=16, choices=Pipeline.choices, default=Pipeline.PENDING
    )
    pipeline_started_at = models.DateTimeField(null=True, blank=True)
    import_status = models.CharField(max_length=16, choices=Import.choices, default=Import.PENDING)
    metadata_status = models.CharField(
        max_length=16, choices=Enrichment.choices, default=Enrichment.PENDING
    )
    metadata_error = models.CharField(max_length=512, null=True, blank=True)
    genre = models.CharField(max_length=255, null=True, blank=True)
    composer = models.CharField(max_length=512, null=True, blank=True)
    producer = models.CharField(max_length=512, null=True, blank=True)
    isrc = models.CharField(max_length=32, null=True, blank=True)
    copyright = models.CharField(max_length=1024, null=True, blank=True)
    artwork_url = models.CharField(max_length=2048, null=True, blank=True)
    artwork_path = models.CharField(max_length=4096, null=True, blank=True)
    artwork_status = models.CharField(
        max_length=16, choices=Artwork.choices, default=Artwork.PENDING
    )
    artwork_error = models.CharField(max_length=512, null=True, blank=True)
    has_artwork = models.BooleanField(default=False)
    lyrics_status = models.CharField(
        max_length=16, choices=Enrichment.choices, default=Enrichment.PENDING
    )
    lyrics_path = models.CharField(max_length=4096, null=True, blank=True)
    lyrics_error = models.CharField(max_length=512, null=True, blank=True)
    has_lyrics = models.BooleanField(default=False)
    spotify_track_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    spotify_album_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    track_key = models.CharField(max_length=512, null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = DownloadQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "priority", "created_at"], name="download_list_idx"),
            models.Index(fields=["status", "next_retry_at"], name="download_retry_idx"),
            # The list order (`all=true` pages) without a sort of every row.
            models.Index(fields=["-priority", "-created_at", "-id"], name="download_order_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    def can_cancel(self) -> bool:
        return self.status in self.CANCELLABLE

    def can_retry(self) -> bool:
        return self.status in self.RETRYABLE

    @property
    def retry_pending(self) -> bool:
        return self.status == self.Status.FAILED and self.next_retry_at is not None


class SyncRun(models.Model):
    """One AutoSync or manual sync execution (SPEC §1.3, §5.8)."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled"
        MANUAL = "manual"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        WAITING = "waiting"
        COMPLETED = "completed"
        PARTIAL = "partial"
        FAILED = "failed"
        BLOCKED = "blocked"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING, Status.WAITING)

    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    plan = models.JSONField(default=list, blank=True)
    counters = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    missing_count = models.PositiveIntegerField(default=0)
    deadline = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Sync run {self.pk} ({self.trigger}, {self.status})"


class AutoSyncSkippedTrack(models.Model):
    """A track AutoSync failed to fetch; skipped permanently past the threshold (SPEC §1.3)."""

    class Reason(models.TextChoices):
        SEARCH = "search"
        NO_RESULTS = "no_results"
        QUALITY = "quality"
        DOWNLOAD = "download"
        IMPORT = "import"
        TIMEOUT = "timeout"

    track_key = models.CharField(max_length=512, unique=True)
    spotify_id = models.CharField(max_length=64, null=True, blank=True)
    failure_reason = models.CharField(max_length=16, choices=Reason.choices)
    failure_count = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_attempt_at"]

    def __str__(self) -> str:
        return self.track_key


class MetadataRefreshRun(models.Model):
    """The on-demand metadata refresh job's persisted progress (SPEC §2.2, §5.10)."""

    class Status(models.TextChoices):
        RUNNING = "running"
        STOPPING = "stopping"
        STOPPED = "stopped"
        COMPLETED = "completed"
        ERROR = "error"

    ACTIVE_STATUSES = (Status.RUNNING, Status.STOPPING)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    phase = models.CharField(max_length=64, default="Preparing")
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(default=0)
    matching_queue = models.PositiveIntegerField(default=0)
    stop_requested = models.BooleanField(default=False)
    error = models.TextField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Metadata refresh {self.pk} ({self.status})"
