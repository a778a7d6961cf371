"""One factory per model (factory-boy, STYLE §6)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from activity.models import ActivityCount, ActivityEvent
from activity.recorder import bump_count
from core.models import ApiKey, Setting, SettingHistory, WorkerJob, WorkerLease
from downloads.models import AutoSyncSkippedTrack, Download, MetadataRefreshRun, SyncRun
from integrations.models import Playlist, SoulseekSearch
from matching.models import Match
from watchlist.models import ArtistPreference, WatchlistArtist


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"operator{n}")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True
    is_superuser = True


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Setting
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"custom_key_{n}")
    value = "value"
    source = Setting.Source.USER


class SettingHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SettingHistory

    key = "PLEX_LIBRARY"
    old_value = "Music"
    new_value = "Musik"


class ApiKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiKey

    name = factory.Sequence(lambda n: f"key {n}")
    key_hash = factory.Sequence(lambda n: ApiKey.hash_key(f"raw-key-{n}"))
    prefix = factory.Sequence(lambda n: f"raw-{n}"[:6])


class ActivityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityEvent

    type = "sync"
    status = "sync_completed"
    details = factory.LazyFunction(dict)
    timestamp = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        """Keep the (type, status) counters exact, as `record()` does."""
        if create:
            bump_count(obj.type, obj.status, 1)


class ActivityCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityCount
        django_get_or_create = ["type", "status"]

    type = "search"
    status = "search_failed"
    count = 0


class DownloadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Download

    filename = factory.Sequence(lambda n: f"Music\\Artist\\Album\\{n:02d} - Track {n}.mp3")
    username = "dj_user"
    size = 5_120_000
    request_payload = factory.LazyAttribute(
        lambda o: {"username": o.username, "filename": o.filename, "size": o.size, "priority": 0}
    )


class WorkerJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerJob

    worker = WorkerJob.Worker.SYNC
    download = factory.SubFactory(DownloadFactory)
    payload = factory.LazyAttribute(
        lambda o: {"download_id": o.download.pk if o.download else None}
    )


class WorkerLeaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerLease

    name = factory.Sequence(lambda n: f"lease-{n}")
    owner = "someone-else"
    acquired_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(seconds=30))


class SyncRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncRun

    trigger = SyncRun.Trigger.MANUAL


class AutoSyncSkippedTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AutoSyncSkippedTrack

    track_key = factory.Sequence(lambda n: f"spotify-track-{n}")
    failure_reason = AutoSyncSkippedTrack.Reason.NO_RESULTS
    failure_count = 1


class MetadataRefreshRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetadataRefreshRun


class PlaylistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Playlist

    id = factory.Sequence(lambda n: f"playlist{n:06d}")
    name = factory.Sequence(lambda n: f"Playlist {n}")
    owner = "me"
    snapshot_id = "snap-1"
    track_count = 3


class SoulseekSearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SoulseekSearch

    query = "Daft Punk Harder"


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    source = Match.Source.SPOTIFY_TO_PLEX
    spotify_track_id = factory.Sequence(lambda n: f"track{n}")
    target_id = factory.Sequence(lambda n: str(1000 + n))
    confidence = 0.9


class WatchlistArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchlistArtist

    spotify_artist_id = factory.Sequence(lambda n: f"artist{n:06d}")
    name = factory.Sequence(lambda n: f"Artist {n}")
    last_checked = factory.LazyFunction(timezone.now)


class ArtistPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArtistPreference

    artist_id = "artist000001"
    release_id = factory.Sequence(lambda n: f"release{n}")
    selected = True
