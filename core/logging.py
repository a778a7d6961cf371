"""Log hygiene: scrub configured secret values and escape control characters (T08, T19)."""

from __future__ import annotations

import logging
import os
import re
import time

from core.keys import is_secret

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CACHE_SECONDS = 10.0
_cache: tuple[float, frozenset[str]] = (0.0, frozenset())


def _secret_values() -> frozenset[str]:
    """Secret values from the environment and the settings table, cached for a few seconds."""
    global _cache
    now = time.monotonic()
    if now - _cache[0] < _CACHE_SECONDS:
        return _cache[1]
    values = {v for k, v in os.environ.items() if is_secret(k) and len(v) >= 4}
    try:
        from django.apps import apps

        if not apps.ready:  # queries during app loading are not allowed
            raise LookupError
        from core.models import Setting

        rows = Setting.objects.filter(value__isnull=False).values_list("key", "value")
        values |= {v for k, v in rows if is_secret(k) and v and len(v) >= 4}
    except Exception:  # no database yet, or a broken transaction: environment values only
        return frozenset(values)
    _cache = (now, frozenset(values))
    return _cache[1]


def scrub(text: str) -> str:
    """Replace every known secret value in `text` by `••••`."""
    for secret in _secret_values():
        if secret in text:
            text = text.replace(secret, "••••")
    return text


class ScrubSecretsFilter(logging.Filter):
    """Scrub secrets from message and traceback; escape control chars so peers can't forge lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = scrub(record.getMessage())
        record.msg = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", message)
        record.args = None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
