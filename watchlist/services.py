"""Release preferences and the watchlist (SPEC §2.10, §2.11)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, NotFound
from watchlist.models import ArtistPreference, WatchlistArtist


def list_preferences() -> list[dict[str, Any]]:
    rows = ArtistPreference.objects.order_by("artist_id", "release_id")
    return [
        {"artist_id": p.artist_id, "release_id": p.release_id, "selected": p.selected} for p in rows
    ]


@transaction.atomic
def save_preferences(preferences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Upsert each pair (last duplicate wins); an empty list deletes all (SPEC §11 D30)."""
    if not preferences:
        ArtistPreference.objects.all().delete()
        return []
    latest = {(p["artist_id"], p["release_id"]): p["selected"] for p in preferences}
    for (artist_id, release_id), selected in latest.items():
        ArtistPreference.objects.update_or_create(
            artist_id=artist_id, release_id=release_id, defaults={"selected": selected}
        )
    return list_preferences()


def add_artist(spotify_artist_id: str, name: str) -> WatchlistArtist:
    """Register an artist; only releases after now count (`last_checked = now`)."""
    try:
        with transaction.atomic():
            return WatchlistArtist.objects.create(
                spotify_artist_id=spotify_artist_id, name=name, last_checked=timezone.now()
            )
    except IntegrityError:
        raise Conflict("Artist already registered") from None


def remove_artist(artist_pk: int) -> None:
    deleted, _ = WatchlistArtist.objects.filter(pk=artist_pk).delete()
    if not deleted:
        raise NotFound("Watchlist artist not found")
