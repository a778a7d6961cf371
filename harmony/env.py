"""Environment handling: `.env` loading and typed environment reads (CONTRACT §3)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_VALUES = {"1", "true", "yes", "on"}


def load_dotenv(path: Path) -> None:
    """Read `KEY=value` lines from `path` into os.environ without overriding real env vars."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        os.environ.setdefault(key, value)


def env_bool(name: str, default: bool = False) -> bool:
    """A boolean environment variable (`1/true/yes/on` are true)."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in TRUE_VALUES


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list of non-blank items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key(data_dir: Path) -> str:
    """`HARMONY_SECRET_KEY`, else a key generated once and kept in `data/secret_key` (mode 0600)."""
    configured = os.environ.get("HARMONY_SECRET_KEY", "").strip()
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if key_file.is_file():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    try:
        # Create with 0600 from the start so the key is never world-readable, even briefly.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # the web app and the cluster started at the same moment
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
