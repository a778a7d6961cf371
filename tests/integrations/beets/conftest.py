"""Fixtures for the beets tests: a real beets library built once, and scriptable fake `beet`s.

The real library is imported with the real `beet` CLI once per session into a template
directory (files moved under its music root, where beets stores paths relative to the root);
each test gets a copy inside its own `MUSIC_DIR`/`BEETSDIR`, so no test pays for imports it
does not exercise and no test sees another's changes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from integrations.clients.beets import default_command, render_config
from tests.audio import make_flac, make_m4a, make_mp3, make_ogg

TEMPLATE_TRACKS = [
    "Daft Punk - Discovery - One More Time",
    "Daft Punk - Discovery - Digital Love",
    "Daft Punk - Human After All - Robot Rock",
    "Justice - Cross - Genesis",
]


@dataclass(frozen=True)
class Dirs:
    """The directories `_isolated` gave this test."""

    music: Path
    downloads: Path
    beetsdir: Path

    def items(self) -> list[dict]:
        """Rows of the beets library (read with sqlite3, without starting beets)."""
        database = self.beetsdir / "library.db"
        with sqlite3.connect(database) as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute("SELECT * FROM items ORDER BY id").fetchall()
        return [dict(row) | {"path": self.absolute(row["path"])} for row in rows]

    def titles(self) -> list[str]:
        return sorted(item["title"] for item in self.items())

    def absolute(self, stored: bytes | str) -> Path:
        path = Path(os.fsdecode(stored))
        return path if path.is_absolute() else self.music / path

    def execute(self, sql: str, *params: object) -> None:
        """Change the beets library behind beets' back (to give `write` and `move` work)."""
        with sqlite3.connect(self.beetsdir / "library.db") as connection:
            connection.execute(sql, params)


@pytest.fixture(autouse=True)
def _beets_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own beets settings must not leak into the tests."""
    for name in ("BEETS_COMMAND", "BEETS_TIMEOUT_SEC"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def dirs() -> Dirs:
    return Dirs(
        music=Path(os.environ["MUSIC_DIR"]).resolve(),
        downloads=Path(os.environ["SLSKD_DOWNLOADS_DIR"]).resolve(),
        beetsdir=Path(os.environ["BEETSDIR"]).resolve(),
    )


def _beet(beetsdir: Path, *args: str) -> None:
    env = {**os.environ, "BEETSDIR": str(beetsdir)}
    subprocess.run(
        [*default_command(), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def _library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One album (MP3 + FLAC) and two singletons (M4A, Ogg Opus), imported and moved by beets."""
    root = tmp_path_factory.mktemp("beets-template")
    music, beetsdir, incoming = root / "music", root / "beets", root / "incoming"
    music.mkdir()
    beetsdir.mkdir()
    album = {"artist": "Daft Punk", "album": "Discovery"}
    make_mp3(incoming / "Discovery" / "01.mp3", title="One More Time", track=1, **album)
    make_flac(incoming / "Discovery" / "03.flac", title="Digital Love", track=3, **album)
    make_m4a(
        incoming / "Robot Rock.m4a", title="Robot Rock", artist="Daft Punk", album="Human After All"
    )
    make_ogg(incoming / "Genesis.ogg", title="Genesis", artist="Justice", album="Cross", track=1)
    (beetsdir / "config.yaml").write_text(render_config(music, beetsdir), encoding="utf-8")
    _beet(beetsdir, "import", "-q", "-A", "-C", str(incoming / "Discovery"))
    _beet(beetsdir, "import", "-q", "-A", "-C", "-s", str(incoming / "Robot Rock.m4a"))
    _beet(beetsdir, "import", "-q", "-A", "-C", "-s", str(incoming / "Genesis.ogg"))
    _beet(beetsdir, "move")
    return root


@pytest.fixture
def library(_library_template: Path, dirs: Dirs) -> Dirs:
    """This test's own copy of the template library (four tracks under `MUSIC_DIR`)."""
    shutil.copytree(_library_template / "music", dirs.music, dirs_exist_ok=True)
    shutil.copytree(_library_template / "beets", dirs.beetsdir, dirs_exist_ok=True)
    config = render_config(dirs.music, dirs.beetsdir)
    (dirs.beetsdir / "config.yaml").write_text(config, encoding="utf-8")
    return dirs


class FakeBeet:
    """A script standing in for `beet`: records every call, then runs the test's behaviour."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.log = root / "calls.jsonl"
        self.monkeypatch = monkeypatch

    def install(self, behaviour: str = "") -> Path:
        """Write the script (`behaviour`: Python run after recording); point BEETS_COMMAND at it."""
        script = self.root / "beet"
        recorder = f"""\
            #!{sys.executable}
            import json, os, sys
            with open({str(self.log)!r}, "a") as log:
                log.write(json.dumps({{
                    "argv": sys.argv[1:],
                    "beetsdir": os.environ.get("BEETSDIR"),
                    "stdin": os.path.realpath("/proc/self/fd/0"),
                    "session_leader": os.getsid(0) == os.getpid(),
                }}) + "\\n")
            """
        script.write_text(textwrap.dedent(recorder) + textwrap.dedent(behaviour))
        script.chmod(0o755)
        self.monkeypatch.setenv("BEETS_COMMAND", shlex.quote(str(script)))
        return script

    def calls(self) -> list[dict]:
        """Recorded calls, without the one-off `version` that initialises a new library."""
        if not self.log.exists():
            return []
        records = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [record for record in records if record["argv"] != ["version"]]


@pytest.fixture
def fake_beet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeBeet:
    root = tmp_path / "fake-beet"
    root.mkdir()
    return FakeBeet(root, monkeypatch)
