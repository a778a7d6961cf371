"""Effective configuration: settings row → environment variable → built-in default (SPEC §7.1).

Read at use time (never cached across calls) so that a credential changed through
`POST /settings` takes effect on the next upstream call.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings as django_settings

from core.keys import CREDENTIALS, KEYS, TRUE_VALUES
from core.models import Setting


def _row_values(keys: Iterable[str]) -> dict[str, str]:
    rows = Setting.objects.filter(key__in=list(keys)).values_list("key", "value")
    return {key: value for key, value in rows if value is not None and value.strip()}


def _env_value(key: str) -> str | None:
    spec = KEYS.get(key)
    env_name = spec.env if spec else key.upper()
    value = os.environ.get(env_name)
    if value is not None and value.strip():
        return value.strip()
    return None


def get_many(keys: Iterable[str]) -> dict[str, str | None]:
    """Effective values of several keys with one query."""
    keys = list(keys)
    rows = _row_values(k for k in keys if not (KEYS.get(k) and KEYS[k].env_only))
    result: dict[str, str | None] = {}
    for key in keys:
        if key in rows:
            result[key] = rows[key]
            continue
        env = _env_value(key)
        if env is not None:
            result[key] = env
            continue
        spec = KEYS.get(key)
        result[key] = spec.default if spec else None
    if "SLSKD_URL" in result and not result["SLSKD_URL"]:
        result["SLSKD_URL"] = legacy_slskd_url()
    return result


def get(key: str) -> str | None:
    """The effective value of one key (None when unset)."""
    return get_many([key])[key]


def get_int(key: str, fallback: int = 0) -> int:
    try:
        return int(float(get(key) or fallback))
    except (TypeError, ValueError):
        spec = KEYS.get(key)
        return int(spec.default) if spec and spec.default else fallback


def get_float(key: str, fallback: float = 0.0) -> float:
    try:
        return float(get(key) or fallback)
    except (TypeError, ValueError):
        spec = KEYS.get(key)
        return float(spec.default) if spec and spec.default else fallback


def get_bool(key: str) -> bool:
    return (get(key) or "").strip().lower() in TRUE_VALUES


def get_path(key: str) -> Path:
    """A directory setting resolved against the project root (relative defaults like ./data)."""
    value = get(key) or ""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path(django_settings.BASE_DIR) / path
    return path.resolve()


def legacy_slskd_url() -> str | None:
    """`http://SLSKD_HOST:SLSKD_PORT` from the environment when `SLSKD_URL` is unset (SPEC §7.1)."""
    host = os.environ.get("SLSKD_HOST", "").strip()
    if not host:
        return None
    port = os.environ.get("SLSKD_PORT", "").strip() or "5030"
    return f"http://{host}:{port}"


def is_explicitly_set(key: str) -> bool:
    """A settings row or an environment variable sets the key (defaults do not count)."""
    return bool(_row_values([key])) or _env_value(key) is not None


def missing_credentials(service: str) -> list[str]:
    """Required keys of `service` whose effective value is blank, in table order (SPEC §2.0)."""
    required, _optional = CREDENTIALS[service]
    values = get_many(required)
    return [key for key in required if not (values.get(key) or "").strip()]


def optional_missing(service: str) -> list[str]:
    _required, optional = CREDENTIALS[service]
    return [key for key in optional if not is_explicitly_set(key)]


def missing_for(*services: str) -> dict[str, list[str]]:
    """`{service: [missing keys]}` for the services that lack something."""
    result = {}
    for service in services:
        missing = missing_credentials(service)
        if missing:
            result[service] = missing
    return result
