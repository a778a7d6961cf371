"""Harmony's beets configuration and command (SPEC §7.1, §9.4).

`BEETSDIR/config.yaml` is written by Harmony behind a marker line; a file without the marker
belongs to the user and is left alone. `default_command()` finds the `beet` to run when
`BEETS_COMMAND` is not set.
"""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path

CONFIG_MARKER = "# written by Harmony"


def render_config(music_dir: Path, beetsdir: Path) -> str:
    """`BEETSDIR/config.yaml` exactly as SPEC §9.4 shows it, behind Harmony's marker line."""
    directory, library = _yaml_string(music_dir), _yaml_string(beetsdir / "library.db")
    log = _yaml_string(beetsdir / "import.log")
    singleton = "$artist/%if{$album,$album,Unknown Album}/%if{$track,$track - ,}$title"
    return (
        f"{CONFIG_MARKER}; delete this line to manage the file yourself.\n"
        f"directory: {directory}\n"
        f"library: {library}\n"
        "import: {copy: no, move: no, write: no, autotag: no, quiet: yes, quiet_fallback: asis,"
        " resume: no,\n"
        f"         incremental: no, duplicate_action: skip, log: {log}}}\n"
        'paths: {default: "$albumartist/$album/$track - $title",\n'
        f'        singleton: "{singleton}",\n'
        '        comp: "Compilations/$album/$track - $title"}\n'
        "plugins: []\n"
    )


def _yaml_string(path: Path) -> str:
    """A double-quoted YAML scalar (JSON string syntax is a subset of it)."""
    return json.dumps(str(path), ensure_ascii=False)


def write_config(beetsdir: Path, music_dir: Path) -> bool:
    """Write `config.yaml` if absent, or if ours and outdated (§9.4).

    Returns False, writing nothing, when the file is someone else's.
    """
    target = beetsdir / "config.yaml"
    text = render_config(music_dir, beetsdir)
    current = target.read_text(encoding="utf-8", errors="replace") if target.exists() else None
    if current is not None and not current.startswith(CONFIG_MARKER):
        return False
    # beets asks for confirmation when its library directory is missing; there is no terminal.
    music_dir.mkdir(parents=True, exist_ok=True)
    if current != text:
        beetsdir.mkdir(parents=True, exist_ok=True)
        # Write aside, then rename: a concurrent reader never sees half a config.
        partial = target.with_name(f".config.yaml.{uuid.uuid4().hex[:8]}")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    return True


def default_command() -> list[str]:
    """The `beet` installed next to this interpreter (the `beets` package's CLI), else on PATH."""
    sibling = Path(sys.executable).parent / "beet"
    if sibling.exists():
        return [str(sibling)]
    return [shutil.which("beet") or str(sibling)]
