"""The settings API's logic: seeding, effective listing, validated updates with history (SPEC §2.11, §7)."""

from __future__ import annotations

import math
import os
import re
from typing import Any
from urllib.parse import urlparse

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.config import get_many
from core.errors import ValidationFailed
from core.keys import BOOL_VALUES, KEYS, SEEDED, WORKER_PREFIXES, is_secret, mask
from core.models import Setting, SettingHistory
from core.timefmt import iso_z

MAX_VALUE_LENGTH = 10_000
_FORMATS_RE = re.compile(r"^[a-z0-9]+(,[a-z0-9]+)*$")


def seed_defaults() -> None:
    """Give every seeded tunable a row from the environment or its default; no history (§7.2)."""
    existing = {row.key: row for row in Setting.objects.filter(key__in=[k.name for k in SEEDED])}
    for key in SEEDED:
        env_value = os.environ.get(key.env, "").strip()
        value, source = (env_value, Setting.Source.ENV) if env_value else (key.default, "default")
        row = existing.get(key.name)
        if row is None:
            Setting.objects.get_or_create(key=key.name, defaults={"value": value, "source": source})
        elif row.source != Setting.Source.USER and (row.value, row.source) != (value, source):
            Setting.objects.filter(pk=row.pk).exclude(source=Setting.Source.USER).update(
                value=value, source=source, updated_at=timezone.now()
            )


def seed_defaults_after_migrate(**_kwargs: Any) -> None:
    """post_migrate hook: `make run` migrates on every start, so seeding follows each start."""
    seed_defaults()


def _masked(key: str, value: str | None) -> str | None:
    return mask(value) if is_secret(key) else value


def effective_settings() -> dict[str, Any]:
    """The body of `GET /settings`: rows, seeded tunables and §7.1 keys, effective and masked."""
    rows = dict(Setting.objects.values_list("key", "value"))
    effective = get_many(KEYS)
    merged: dict[str, str | None] = {**rows, **effective}
    settings = {key: _masked(key, merged[key]) for key in sorted(merged)}
    latest = Setting.objects.aggregate(latest=Max("updated_at"))["latest"] or timezone.now()
    return {"settings": settings, "updated_at": iso_z(latest)}


def validate_value(key: str, value: Any) -> str | None:
    """Check one `POST /settings` value; returns its stored string form or raises 422."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise ValidationFailed({"value": ["Must be a string, number, boolean or null."]})
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValidationFailed({"value": ["Must be a finite number."]})
    else:
        text = str(value)
    if len(text) > MAX_VALUE_LENGTH:
        raise ValidationFailed({"value": [f"At most {MAX_VALUE_LENGTH} characters."]})
    spec = KEYS.get(key)
    if spec is None or not text.strip():
        return text
    error = _kind_error(spec.kind, text.strip())
    if error:
        raise ValidationFailed({"value": [f"{key}: {error}"]})
    return text.strip()


def _kind_error(kind: str, text: str) -> str | None:
    if kind in ("int1", "int0"):
        try:
            number = int(text)
        except ValueError:
            return "must be an integer"
        minimum = 1 if kind == "int1" else 0
        return None if number >= minimum else f"must be ≥ {minimum}"
    if kind in ("float01", "threshold"):
        try:
            number = float(text)
        except ValueError:
            return "must be a number"
        if not math.isfinite(number):
            return "must be a finite number"
        if kind == "float01":
            return None if 0 <= number <= 1 else "must be between 0 and 1"
        return None if 0 < number <= 1 else "must be in (0, 1]"
    if kind == "bool":
        return None if text.lower() in BOOL_VALUES else "must be true/false/1/0/yes/no"
    if kind == "formats":
        ok = _FORMATS_RE.match(text.lower().replace(" ", ""))
        return None if ok else "must be a comma list of extensions like mp3,flac"
    if kind == "url":
        parsed = urlparse(text)
        if parsed.scheme in ("http", "https") and parsed.netloc:
            return None
        return "must be an absolute http(s) URL"
    return None


@transaction.atomic
def update_setting(key: Any, value: Any) -> None:
    """Apply one `POST /settings` change: one transaction for the row and its history (T59)."""
    if not isinstance(key, str) or not key.strip():
        raise ValidationFailed({"key": ["A non-blank key is required."]})
    key = key.strip()
    if len(key) > 255:
        raise ValidationFailed({"key": ["At most 255 characters."]})
    if key.startswith(WORKER_PREFIXES):
        raise ValidationFailed({"key": ["Worker-maintained keys are read-only."]})
    spec = KEYS.get(key)
    if spec and spec.env_only:
        raise ValidationFailed({"key": [f"{key} is read from the environment only."]})
    text = validate_value(key, value)
    if is_secret(key) and text is not None and text.startswith("••••"):
        return  # the UI echoes masks back: an untouched secret stays as it is
    row = Setting.objects.select_for_update().filter(key=key).first()
    old = row.value if row else None
    if row is not None and row.source == Setting.Source.USER and old == text:
        return
    if text is None:
        if row is None:
            return
        seeded = next((k for k in SEEDED if k.name == key), None)
        if seeded is not None:
            env_value = os.environ.get(seeded.env, "").strip()
            row.value = env_value or seeded.default
            row.source = Setting.Source.ENV if env_value else Setting.Source.DEFAULT
            row.save()
        else:
            row.delete()
    elif row is None:
        Setting.objects.create(key=key, value=text, source=Setting.Source.USER)
    else:
        Setting.objects.filter(pk=row.pk).update(
            value=text, source=Setting.Source.USER, updated_at=timezone.now()
        )
    if old != text:
        SettingHistory.objects.create(key=key, old_value=old, new_value=text)


def history(limit: int = 50) -> list[dict[str, Any]]:
    """The latest real changes, secrets masked (old and new values alike, T07)."""
    rows = SettingHistory.objects.order_by("-changed_at", "-id")[:limit]
    return [
        {
            "key": row.key,
            "old_value": _masked(row.key, row.old_value),
            "new_value": _masked(row.key, row.new_value),
            "changed_at": iso_z(row.changed_at),
        }
        for row in rows
    ]


def write_system(key: str, value: Any) -> None:
    """Write a worker-owned row (`source=system`, never history, SPEC §7.3)."""
    text = None if value is None else str(value)
    updated = Setting.objects.filter(key=key).update(
        value=text, source=Setting.Source.SYSTEM, updated_at=timezone.now()
    )
    if not updated:
        Setting.objects.update_or_create(
            key=key, defaults={"value": text, "source": Setting.Source.SYSTEM}
        )


def increment_metric(key: str, by: float = 1) -> None:
    """Atomically add to a numeric metric row (SPEC §5.1)."""
    with transaction.atomic():
        row = Setting.objects.select_for_update().filter(key=key).first()
        if row is None:
            write_system(key, _number(by))
            return
        try:
            current = float(row.value or 0)
        except ValueError:
            current = 0.0
        Setting.objects.filter(pk=row.pk).update(
            value=_number(current + by), updated_at=timezone.now()
        )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
