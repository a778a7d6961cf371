"""Serializer fields shared by the API: strict booleans and integers, ISO date bounds (SPEC §0.2)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.keys import BOOL_VALUES, TRUE_VALUES
from core.timefmt import parse_bound


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanField(serializers.Field):
    """Query booleans: `true/false/1/0/yes/no` (case-insensitive); anything else is 422."""

    default_error_messages = {"invalid": "Must be one of true, false, 1, 0, yes, no."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        text = str(data).strip().lower()
        if text not in BOOL_VALUES:
            self.fail("invalid")
        return text in TRUE_VALUES

    def to_representation(self, value):
        return bool(value)


class StrictCharField(serializers.CharField):
    """A string that really is one: numbers and booleans are not silently turned into text (T11)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """An integer that refuses booleans and floats with a fraction (`true` is not 1)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("invalid")
        if isinstance(data, str) and len(data) > 20:
            self.fail("max_string_length")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DATETIME)
class DateBoundField(serializers.CharField):
    """An ISO 8601 date or datetime; naive values are UTC; a date `to` covers the whole day."""

    def __init__(self, *, end: bool = False, **kwargs):
        self.end = end
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return parse_bound(text, end=self.end)
        except ValueError:
            raise serializers.ValidationError("Must be an ISO 8601 date or datetime.") from None


def validate_range(attrs: dict) -> dict:
    """`to < from` → 422 on `to`."""
    start, end = attrs.get("from"), attrs.get("to")
    if start and end and end < start:
        raise serializers.ValidationError({"to": ["Must not be earlier than 'from'."]})
    return attrs


def query(serializer_class, request) -> dict:
    """Validate query parameters with a serializer (422 on error) and return the clean values."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
