"""Request and response shapes of the download endpoints (SPEC §1.8, §2.4, §2.8)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from core.api.fields import StrictCharField, StrictIntegerField
from core.timefmt import iso_z
from downloads.intake import TRANSFER_KEYS, FileRequest, clean_alternatives
from downloads.models import Download

PRIORITY_MIN, PRIORITY_MAX = -1000, 1000
MAX_FILES = 100
MAX_SIZE = 2**53
MAX_OFFSET = 10**12


class DownloadSerializer(serializers.Serializer):
    """The canonical Download JSON (SPEC §1.8) plus how long the download has been in its state
    (`state_changed_at`, `seconds_in_state`) and how many alternative sources remain.

    The declared fields document the shape (OpenAPI); `to_representation` builds the dict
    directly because list pages and exports render up to 100,000 rows.
    """

    id = serializers.IntegerField()
    filename = serializers.CharField()
    status = serializers.ChoiceField(choices=Download.Status.choices)
    progress = serializers.FloatField()
    priority = serializers.IntegerField()
    username = serializers.CharField()
    created_at = serializers.CharField()
    updated_at = serializers.CharField()
    retry_count = serializers.IntegerField()
    next_retry_at = serializers.CharField(allow_null=True)
    last_error = serializers.CharField(allow_null=True)
    dead_letter = serializers.BooleanField()
    slskd_state = serializers.CharField(allow_null=True)
    organized_path = serializers.CharField(allow_null=True)
    artwork_status = serializers.CharField()
    artwork_path = serializers.CharField(allow_null=True)
    artwork_url = serializers.CharField(allow_null=True)
    has_artwork = serializers.BooleanField()
    spotify_track_id = serializers.CharField(allow_null=True)
    spotify_album_id = serializers.CharField(allow_null=True)
    genre = serializers.CharField(allow_null=True)
    composer = serializers.CharField(allow_null=True)
    producer = serializers.CharField(allow_null=True)
    isrc = serializers.CharField(allow_null=True)
    copyright = serializers.CharField(allow_null=True)
    state_changed_at = serializers.CharField()
    seconds_in_state = serializers.IntegerField()
    alternatives_count = serializers.IntegerField()
    pipeline_status = serializers.CharField()
    import_status = serializers.CharField()
    metadata_status = serializers.CharField()
    metadata_error = serializers.CharField(allow_null=True)
    artwork_error = serializers.CharField(allow_null=True)
    lyrics_status = serializers.CharField()
    has_lyrics = serializers.BooleanField()
    lyrics_path = serializers.CharField(allow_null=True)
    lyrics_error = serializers.CharField(allow_null=True)

    def to_representation(self, instance: Download) -> dict[str, Any]:
        now = self.context.get("now") or timezone.now()
        d = instance
        return {
            "id": d.pk,
            "filename": d.filename,
            "status": d.status,
            "progress": round(float(d.progress or 0.0), 1),
            "priority": d.priority,
            "username": d.username,
            "created_at": iso_z(d.created_at),
            "updated_at": iso_z(d.updated_at),
            "retry_count": d.retry_count,
            "next_retry_at": iso_z(d.next_retry_at),
            "last_error": d.last_error,
            "dead_letter": d.dead_letter,
            "slskd_state": d.slskd_state,
            "organized_path": d.organized_path,
            "artwork_status": d.artwork_status,
            "artwork_path": d.artwork_path,
            "artwork_url": d.artwork_url,
            "has_artwork": d.has_artwork,
            "spotify_track_id": d.spotify_track_id,
            "spotify_album_id": d.spotify_album_id,
            "genre": d.genre,
            "composer": d.composer,
            "producer": d.producer,
            "isrc": d.isrc,
            "copyright": d.copyright,
            "state_changed_at": iso_z(d.state_changed_at),
            "seconds_in_state": max(0, int((now - d.state_changed_at).total_seconds())),
            "alternatives_count": len(d.alternatives or []),
            # Enrichment progress (issue 6: "the enrichment status says what failed").
            "pipeline_status": d.pipeline_status,
            "import_status": d.import_status,
            "metadata_status": d.metadata_status,
            "metadata_error": d.metadata_error,
            "artwork_error": d.artwork_error,
            "lyrics_status": d.lyrics_status,
            "has_lyrics": d.has_lyrics,
            "lyrics_path": d.lyrics_path,
            "lyrics_error": d.lyrics_error,
        }


class SoulseekDownloadSerializer(DownloadSerializer):
    """Download JSON plus `state` (same value as `status`) for `/soulseek/*` (SPEC §1.8, D2)."""

    state = serializers.ChoiceField(choices=Download.Status.choices)

    def to_representation(self, instance: Download) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["state"] = data["status"]
        return data


# The columns the Download JSON needs: list pages read only these, as plain rows (no model
# instances), which halves the cost of a 100-row page (issue 4 benchmark).
JSON_FIELDS = (
    "id", "filename", "status", "progress", "priority", "username", "created_at", "updated_at",
    "retry_count", "next_retry_at", "last_error", "dead_letter", "slskd_state", "organized_path",
    "artwork_status", "artwork_path", "artwork_url", "has_artwork", "spotify_track_id",
    "spotify_album_id", "genre", "composer", "producer", "isrc", "copyright", "state_changed_at",
    "alternatives", "pipeline_status", "import_status", "metadata_status", "metadata_error",
    "artwork_error", "lyrics_status", "has_lyrics", "lyrics_path", "lyrics_error",
)  # fmt: skip


def serialize_rows(queryset: Any, *, soulseek: bool = False) -> list[dict[str, Any]]:
    """Render a queryset page read with `.values(*JSON_FIELDS)`."""
    rows = (SimpleNamespace(pk=row["id"], **row) for row in queryset.values(*JSON_FIELDS))
    return serialize(rows, soulseek=soulseek)


def serialize(downloads: Any, *, soulseek: bool = False) -> Any:
    """Render one download or an iterable of them with one shared `now`."""
    serializer = SoulseekDownloadSerializer if soulseek else DownloadSerializer
    context = {"now": timezone.now()}
    if isinstance(downloads, Download):
        return serializer(downloads, context=context).data
    one = serializer(context=context)
    return [one.to_representation(d) for d in downloads]


_size_field = StrictIntegerField(min_value=0, max_value=MAX_SIZE, allow_null=True)
_priority_field = StrictIntegerField(
    min_value=PRIORITY_MIN, max_value=PRIORITY_MAX, allow_null=True
)


def _field_value(field: serializers.Field, value: Any) -> Any:
    return field.run_validation(value)


def parse_file(raw: Any) -> tuple[FileRequest | None, list[str]]:
    """One entry of `files`: `filename` (alias `name`), `size` (aliases `filesize`,
    `file_size`), `priority`; every other key is kept as metadata (SPEC §2.4)."""
    if not isinstance(raw, dict):
        return None, ["must be an object"]
    errors: list[str] = []
    filename = raw.get("filename") if raw.get("filename") is not None else raw.get("name")
    if not isinstance(filename, str) or not filename.strip():
        errors.append("filename: This field is required and must be a non-blank string.")
    elif len(filename) > 1024 or "\0" in filename:
        errors.append("filename: At most 1024 characters, no NUL.")
    size_raw = next(
        (raw[key] for key in ("size", "filesize", "file_size") if raw.get(key) is not None), None
    )
    size = priority = None
    try:
        size = _field_value(_size_field, size_raw)
    except serializers.ValidationError as exc:
        errors.extend(f"size: {message}" for message in exc.detail)
    try:
        priority = _field_value(_priority_field, raw.get("priority"))
    except serializers.ValidationError as exc:
        errors.extend(f"priority: {message}" for message in exc.detail)
    if errors:
        return None, errors
    metadata = {k: v for k, v in raw.items() if k not in TRANSFER_KEYS and k != "alternatives"}
    alternatives = clean_alternatives(raw.get("alternatives"))
    return FileRequest(filename, size, priority, metadata, alternatives), []


class DownloadCreateSerializer(serializers.Serializer):
    """Body of `POST /api/download` and `POST /soulseek/download` (SPEC §2.4)."""

    username = StrictCharField(max_length=255, trim_whitespace=False)
    priority = StrictIntegerField(
        min_value=PRIORITY_MIN, max_value=PRIORITY_MAX, required=False, allow_null=True
    )
    files = serializers.ListField(
        child=serializers.JSONField(), min_length=1, max_length=MAX_FILES, allow_empty=False
    )

    def validate_username(self, value: str) -> str:
        if not value.strip() or "\0" in value:
            raise serializers.ValidationError("Must be a non-blank string.")
        return value

    def validate_files(self, value: list[Any]) -> list[FileRequest]:
        files, messages = [], []
        for index, raw in enumerate(value):
            parsed, errors = parse_file(raw)
            messages.extend(f"files[{index}].{error}" for error in errors)
            if parsed is not None:
                files.append(parsed)
        if messages:
            raise serializers.ValidationError(messages)
        return _unique(files)


def _unique(files: list[FileRequest]) -> list[FileRequest]:
    """The same remote file twice in one request is requested once (RELIABILITY T26)."""
    seen: set[str] = set()
    result = []
    for file in files:
        if file.filename not in seen:
            seen.add(file.filename)
            result.append(file)
    return result


class PrioritySerializer(serializers.Serializer):
    """Body of `PATCH /api/download/{id}/priority`: an integer in −1000…1000, no booleans."""

    priority = StrictIntegerField(min_value=PRIORITY_MIN, max_value=PRIORITY_MAX)


class DownloadListQuerySerializer(serializers.Serializer):
    """Paging of `GET /api/downloads`; the filters live in `DownloadFilterSet`."""

    limit = StrictIntegerField(min_value=1, max_value=100, default=20)
    offset = StrictIntegerField(min_value=0, max_value=MAX_OFFSET, default=0)


class DownloadExportQuerySerializer(serializers.Serializer):
    """`format` of `GET /api/downloads/export`; `status`, `from`, `to` live in the FilterSet."""

    format = serializers.ChoiceField(choices=["json", "csv"], default="json")


class DownloadPageSerializer(serializers.Serializer):
    downloads = DownloadSerializer(many=True)


class DownloadCreatedSerializer(serializers.Serializer):
    status = serializers.CharField()
    download_id = serializers.IntegerField()
    downloads = DownloadSerializer(many=True)


class StatusIdSerializer(serializers.Serializer):
    status = serializers.CharField()
    download_id = serializers.IntegerField()
