"""core models: settings store, persistent worker queue, leases, API keys (SPEC §1.2)."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone


class Setting(models.Model):
    """A key/value setting. `user` rows win over env vars; `system` rows belong to workers."""

    class Source(models.TextChoices):
        USER = "user"
        DEFAULT = "default"
        ENV = "env"
        SYSTEM = "system"

    key = models.CharField(max_length=255, unique=True)
    value = models.TextField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.USER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class SettingHistory(models.Model):
    """One real user change of a setting (never written for seeding or worker writes)."""

    key = models.CharField(max_length=255, db_index=True)
    old_value = models.TextField(null=True, blank=True)
    new_value = models.TextField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name_plural = "setting history"

    def __str__(self) -> str:
        return f"{self.key} @ {self.changed_at:%Y-%m-%d %H:%M:%S}"


class WorkerJob(models.Model):
    """A row of the persistent worker queue; the broker only wakes workers (SPEC §1.2)."""

    class Worker(models.TextChoices):
        SYNC = "sync"
        MATCHING = "matching"

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        RETRYING = "retrying"
        COMPLETED = "completed"
        FAILED = "failed"
        CANCELLED = "cancelled"

    CLAIMABLE = (State.QUEUED, State.RETRYING)
    WAITING = (State.QUEUED, State.RETRYING)

    worker = models.CharField(max_length=16, choices=Worker.choices)
    download = models.ForeignKey(
        "downloads.Download", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    payload = models.JSONField(default=dict, blank=True)
    priority = models.IntegerField(default=0, db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=512, null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    scheduled_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=128, null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "worker_jobs"
        ordering = ["-priority", "created_at", "id"]
        indexes = [
            models.Index(
                fields=["worker", "state", "priority", "scheduled_at"], name="worker_jobs_claim_idx"
            ),
            # Claims order by priority desc then FIFO: no sort over every waiting job.
            models.Index(
                fields=["worker", "state", "-priority", "created_at", "id"],
                name="worker_jobs_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} job {self.pk} ({self.state})"


class WorkerLease(models.Model):
    """A named, expiring lease: dispatcher, per-worker cycles, run guards (SPEC §1.2)."""

    name = models.CharField(max_length=128, unique=True)
    owner = models.CharField(max_length=128, null=True, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """An API key created in the admin; only its SHA-256 is stored (CONTRACT §5)."""

    name = models.CharField(max_length=128)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()
