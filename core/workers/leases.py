"""Named, expiring leases in the database: one holder at a time, across clusters (SPEC §1.2)."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import WorkerLease

# One id per process: a cluster (or a web process driving a cycle) owns leases under it.
PROCESS_OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(name: str, ttl: float, owner: str = PROCESS_OWNER) -> bool:
    """Take or renew `name` for `ttl` seconds; False when someone else holds it unexpired."""
    now = timezone.now()
    expires = now + timedelta(seconds=ttl)
    updated = (
        WorkerLease.objects.filter(name=name)
        .filter(Q(owner=owner) | Q(expires_at__lte=now) | Q(expires_at__isnull=True))
        .update(owner=owner, acquired_at=now, expires_at=expires)
    )
    if updated:
        return True
    if WorkerLease.objects.filter(name=name).exists():
        return False
    try:
        with transaction.atomic():
            WorkerLease.objects.create(name=name, owner=owner, acquired_at=now, expires_at=expires)
    except IntegrityError:  # another process created it first
        return False
    return True


def renew(name: str, ttl: float, owner: str = PROCESS_OWNER) -> bool:
    """Extend a lease we hold; False if we lost it."""
    expires = timezone.now() + timedelta(seconds=ttl)
    return bool(WorkerLease.objects.filter(name=name, owner=owner).update(expires_at=expires))


def release(name: str, owner: str = PROCESS_OWNER) -> None:
    """Give a lease up at once (expiry in the past)."""
    WorkerLease.objects.filter(name=name, owner=owner).update(expires_at=timezone.now())


def is_held(name: str) -> bool:
    """Somebody holds `name` and it has not expired."""
    return WorkerLease.objects.filter(name=name, expires_at__gt=timezone.now()).exists()


def expired_for(name: str) -> float | None:
    """Seconds since `name` expired (None if never taken, 0 if still held)."""
    lease = WorkerLease.objects.filter(name=name).first()
    if lease is None or lease.expires_at is None:
        return None
    return max(0.0, (timezone.now() - lease.expires_at).total_seconds())


class held:
    """Context manager: run a block only if the lease can be taken; releases afterwards.

    >>> with held("cycle:sync", ttl=120) as ok:
    ...     if not ok:
    ...         return
    """

    def __init__(self, name: str, ttl: float, owner: str = PROCESS_OWNER) -> None:
        self.name, self.ttl, self.owner = name, ttl, owner
        self.acquired = False

    def __enter__(self) -> bool:
        self.acquired = acquire(self.name, self.ttl, self.owner)
        return self.acquired

    def __exit__(self, *exc: object) -> None:
        if self.acquired:
            release(self.name, self.owner)
