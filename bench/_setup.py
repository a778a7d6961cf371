"""Shared benchmark set-up: a throw-away data directory and database, then Django."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_temp_db(name: str) -> Path:
    """Point Harmony at a fresh SQLite file (unless DATABASE_URL is set), migrate, return the dir."""
    workdir = Path(tempfile.mkdtemp(prefix=f"harmony-bench-{name}-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["HARMONY_DATA_DIR"] = str(workdir)
    os.environ["HARMONY_DISABLE_WORKERS"] = "1"
    os.environ["HARMONY_API_KEYS"] = "bench-key"
    os.environ["HARMONY_LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return workdir


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]
