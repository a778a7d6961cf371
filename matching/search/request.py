"""The `POST /api/search` request (SPEC §3.1, §11 D11) and the response shape (SPEC §3.3).

Validation answers 422 naming the field (SPEC §0.2): a blank or over-long query, an unknown
`type` or source name, years outside 1900–2099 or `year_from > year_to`, negative bitrates or
offsets, `limit < 1`, booleans where integers belong. `limit` above `SEARCH_MAX_LIMIT` is
clamped (the clamped value is echoed). Optional filters may be `null` (= not given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from core import config
from core.api.fields import StrictCharField, StrictIntegerField

SOURCES = ("spotify", "plex", "soulseek")
KINDS = ("track", "album", "artist")
TYPES = (*KINDS, "mixed")
MAX_QUERY = 512
MAX_GENRE = 100
MAX_FORMATS = 20
YEAR_MIN, YEAR_MAX = 1900, 2099
DEFAULT_LIMIT = 25
DEFAULT_MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchRequest:
    """A validated search (SPEC §3.1)."""

    query: str
    type: str = "mixed"
    sources: tuple[str, ...] = SOURCES
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    min_bitrate: int | None = None
    format_priority: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @property
    def kinds(self) -> tuple[str, ...]:
        """Candidate types asked for: one type, or all three for `mixed`."""
        return KINDS if self.type == "mixed" else (self.type,)

    @property
    def has_year_bound(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    def filters(self) -> dict[str, Any]:
        """Only the filter fields the client gave (for `search/search_started`)."""
        given = {
            "genre": self.genre,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "min_bitrate": self.min_bitrate,
            "format_priority": list(self.format_priority) or None,
        }
        return {key: value for key, value in given.items() if value is not None}


class SearchRequestSerializer(serializers.Serializer):
    """Body of `POST /api/search`; unknown keys are ignored."""

    query = StrictCharField(max_length=MAX_QUERY)
    type = serializers.ChoiceField(choices=TYPES, required=False, default="mixed")
    sources = serializers.ListField(
        child=StrictCharField(max_length=32, allow_blank=True),
        required=False,
        allow_null=True,
        allow_empty=True,
        max_length=10,
    )
    genre = StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=MAX_GENRE)
    year_from = StrictIntegerField(
        required=False, allow_null=True, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    year_to = StrictIntegerField(
        required=False, allow_null=True, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    min_bitrate = StrictIntegerField(required=False, allow_null=True, min_value=0)
    format_priority = serializers.ListField(
        child=StrictCharField(max_length=16, allow_blank=True),
        required=False,
        allow_null=True,
        allow_empty=True,
        max_length=MAX_FORMATS,
    )
    limit = StrictIntegerField(required=False, default=DEFAULT_LIMIT, min_value=1)
    offset = StrictIntegerField(required=False, default=0, min_value=0)

    def validate_sources(self, value: list[str] | None) -> tuple[str, ...]:
        """Case-insensitive, duplicates dropped; missing or empty means all (SPEC §3.1)."""
        names = list(dict.fromkeys(name.strip().lower() for name in value or []))
        unknown = [name for name in names if name not in SOURCES]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown source(s): {', '.join(unknown)}. Allowed: {', '.join(SOURCES)}."
            )
        return tuple(names) or SOURCES

    def validate_genre(self, value: str | None) -> str | None:
        return value or None

    def validate_format_priority(self, value: list[str] | None) -> tuple[str, ...]:
        """Upper-cased, de-duplicated, order kept; blanks dropped."""
        formats = (name.strip().upper().lstrip(".") for name in value or [])
        return tuple(dict.fromkeys(name for name in formats if name))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("year_from"), attrs.get("year_to")
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError({"year_from": ["Must not be after year_to."]})
        return attrs


def build_request(data: dict[str, Any]) -> SearchRequest:
    """A `SearchRequest` from validated data; `limit` clamped to `SEARCH_MAX_LIMIT`."""
    max_limit = max(1, config.get_int("SEARCH_MAX_LIMIT", DEFAULT_MAX_LIMIT))
    return SearchRequest(
        query=data["query"],
        type=data.get("type") or "mixed",
        sources=data.get("sources") or SOURCES,
        genre=data.get("genre"),
        year_from=data.get("year_from"),
        year_to=data.get("year_to"),
        min_bitrate=data.get("min_bitrate"),
        format_priority=data.get("format_priority") or (),
        limit=min(data.get("limit", DEFAULT_LIMIT), max_limit),
        offset=data.get("offset", 0),
    )


class SearchItemSerializer(serializers.Serializer):
    """One ranked candidate (SPEC §3.2 step 3, §3.3)."""

    type = serializers.ChoiceField(choices=KINDS)
    id = serializers.CharField()
    source = serializers.ChoiceField(choices=SOURCES)
    title = serializers.CharField()
    artist = serializers.CharField(allow_null=True)
    album = serializers.CharField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    genres = serializers.ListField(child=serializers.CharField())
    bitrate = serializers.IntegerField(allow_null=True)
    format = serializers.CharField(allow_null=True)
    score = serializers.FloatField()
    metadata = serializers.JSONField()


class SearchResponseSerializer(serializers.Serializer):
    """`{"ok", "total", "limit", "offset", "items"}` (SPEC §3.3)."""

    ok = serializers.BooleanField()
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    items = SearchItemSerializer(many=True)
