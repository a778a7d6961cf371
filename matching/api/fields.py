"""Request fields for upstream-shaped objects (SPEC §2.9): typed where known, otherwise as sent.

Candidates are echoed back as `best_match` exactly as the client sent them, so their validation
checks the keys the engine reads and keeps every other key untouched. A known key with the
wrong type is a 422 naming it (RELIABILITY T11); `null` counts as absent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_TEXT = 1024
MAX_NUMBER = 10**15

Check = Callable[[Any], str | None]


def text(max_length: int = MAX_TEXT) -> Check:
    """A string of at most `max_length` characters."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "Must be a string."
        if len(value) > max_length:
            return f"Ensure this field has no more than {max_length} characters."
        return None

    return check


def number(value: Any) -> str | None:
    """A finite number ≥ 0 (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "Must be a number."
    if not math.isfinite(value) or value < 0 or value > MAX_NUMBER:
        return f"Must be a number between 0 and {MAX_NUMBER}."
    return None


def identifier(value: Any) -> str | None:
    """A Plex-style id: a string or a non-negative integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return None if 0 <= value <= MAX_NUMBER else "Must be a valid id."
    return text(255)(value)


def year(value: Any) -> str | None:
    """A year as integer or as date string (`2001`, `"2001-03-12"`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return None if 0 <= value <= 9999 else "Must be a year."
    return text(32)(value)


def names(value: Any) -> str | None:
    """Artist credits: `"A"`, `["A", "B"]` or `[{"name": "A"}, …]` (at most 100)."""
    if isinstance(value, str):
        return text()(value)
    if not isinstance(value, list) or len(value) > 100:
        return "Must be a string or a list of at most 100 artists."
    for item in value:
        name = item.get("name") if isinstance(item, Mapping) else item
        if name is not None and text()(name) is not None:
            return "Every artist must be a string or an object with a string `name`."
    return None


def album(value: Any) -> str | None:
    """An album name or an object with a string `name`."""
    if isinstance(value, Mapping):
        name = value.get("name")
        return None if name is None else text()(name)
    return text()(value)


@extend_schema_field(OpenApiTypes.OBJECT)
class ObjectField(serializers.Field):
    """A JSON object checked against `schema` ({key: check}); returned unchanged."""

    default_error_messages = {"not_object": "Must be a JSON object."}

    def __init__(self, schema: Mapping[str, Check], *, required_keys: tuple[str, ...] = (), **kw):
        self.schema = dict(schema)
        self.required_keys = required_keys
        super().__init__(**kw)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail("not_object")
        errors: dict[str, list[str]] = {}
        for key in self.required_keys:
            if data.get(key) is None:
                errors[key] = ["This field is required."]
        for key, check in self.schema.items():
            value = data.get(key)
            if value is not None and key not in errors:
                message = check(value)
                if message:
                    errors[key] = [message]
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class CheckedField(serializers.Field):
    """A value validated by a `check(value) -> message | None` function and returned as sent."""

    check: Callable[[Any], str | None]

    def to_internal_value(self, data: Any) -> Any:
        message = type(self).check(data)
        if message:
            raise serializers.ValidationError(message)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(CheckedField):
    """An optional number ≥ 0 (integers or floats, never booleans)."""

    check = staticmethod(number)


@extend_schema_field(OpenApiTypes.ANY)
class NamesField(CheckedField):
    """Artist credits in any of the shapes `names` accepts; returned as sent."""

    check = staticmethod(names)


@extend_schema_field(OpenApiTypes.ANY)
class AlbumField(CheckedField):
    """An album name or `{"name": …}`; returned as sent."""

    check = staticmethod(album)
