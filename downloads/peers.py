"""Peer reliability: rank alternative sources by how often their transfers failed lately.

No counter is stored: the failed Download rows of the last days are the record, so the
ranking needs no upkeep and forgets old failures by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from downloads.models import Download

FAILURE_WINDOW = timedelta(days=7)


def recent_failures(usernames: Iterable[str]) -> dict[str, int]:
    """Failed downloads per username updated within the last seven days (one query)."""
    names = {name for name in usernames if name}
    if not names:
        return {}
    since = timezone.now() - FAILURE_WINDOW
    rows = (
        Download.objects.filter(
            username__in=names, status=Download.Status.FAILED, updated_at__gte=since
        )
        .values("username")
        .annotate(failures=Count("id"))
    )
    return {row["username"]: row["failures"] for row in rows}


def rank_alternatives(alternatives: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alternatives ordered by (fewer recent failures of the peer, original rank).

    The sort is stable, so among equally reliable peers the caller's ranking (match
    confidence, quality) is kept.
    """
    failures = recent_failures(str(a.get("username") or "") for a in alternatives)
    indexed = list(enumerate(alternatives))
    indexed.sort(key=lambda pair: (failures.get(str(pair[1].get("username") or ""), 0), pair[0]))
    return [item for _, item in indexed]
