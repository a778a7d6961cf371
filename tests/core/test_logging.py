"""Secrets never reach the log; control characters cannot forge lines (T08, T19)."""

from __future__ import annotations

import logging

import pytest

from core import logging as harmony_logging
from core.models import Setting


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(harmony_logging, "_cache", (0.0, frozenset()))


def _filtered(message: str, *args) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    harmony_logging.ScrubSecretsFilter().filter(record)
    return record.getMessage()


def test_secret_from_settings_table_is_scrubbed(db):
    Setting.objects.create(key="PLEX_TOKEN", value="plex-token-value-xyz")

    assert _filtered("GET http://plex/?X-Plex-Token=%s failed", "plex-token-value-xyz") == (
        "GET http://plex/?X-Plex-Token=•••• failed"
    )


def test_secret_from_environment_is_scrubbed(db, monkeypatch):
    monkeypatch.setenv("SLSKD_API_KEY", "env-slskd-key-123")

    assert "env-slskd-key-123" not in _filtered("key env-slskd-key-123")


def test_newlines_are_escaped(db):
    assert _filtered("file %s", "evil.mp3\nFAKE LOG LINE") == "file evil.mp3\\x0aFAKE LOG LINE"
