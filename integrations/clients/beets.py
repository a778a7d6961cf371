"""The beets CLI: Harmony's one subprocess helper (SPEC §2.12, §9.4, D18; RELIABILITY §1.5, §2.5).

Every run of `BEETS_COMMAND`:

* is an argument list, never a shell (T38), with `BEETSDIR` added to the parent environment,
  stdin closed and the process in its own session;
* carries user text only after `--`, and option-looking terms are refused before (T39);
* is killed with its whole process group after `BEETS_TIMEOUT_SEC` → 502 `service: beets` (T42);
* happens while this process holds the `beets` lease, so one beets process runs at a time across
  web processes and worker clusters; a queued caller waits a bounded time, then gets 409 (T43).

`remove`, `move` and `write` refuse empty or match-all queries unless the caller sends
`"all": true` (T40); imports accept only existing paths under `MUSIC_DIR` or
`SLSKD_DOWNLOADS_DIR` after resolving symlinks (T41).

The config file and default command live in `beets_config`, query parsing in `beets_query`.
Tests shrink `LOCK_WAIT_SEC` here; `BeetsClient` reads it, so it stays in this module.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, transaction

from core import config
from core.errors import Conflict, ServiceUnavailable, UpstreamError, ValidationFailed
from core.workers import leases
from integrations.clients.beets_config import (
    CONFIG_MARKER,
    default_command,
    render_config,
    write_config,
)
from integrations.clients.beets_query import MATCH_ALL_MESSAGE, is_match_all, split_query

logger = logging.getLogger(__name__)

SERVICE = "beets"
LOCK_NAME = "beets"
LOCK_WAIT_SEC = 30.0
LOCK_POLL_SEC = 0.1
KILL_GRACE_SEC = 5.0
DEFAULT_FORMAT = "$artist - $album - $title"
UNAVAILABLE = "beets is not available"

# Importers of this module use these names, including those now defined next door.
__all__ = [
    "CONFIG_MARKER",
    "DEFAULT_FORMAT",
    "LOCK_NAME",
    "MATCH_ALL_MESSAGE",
    "BeetsClient",
    "ImportResult",
    "beets",
    "default_command",
    "import_file",
    "import_path",
    "is_match_all",
    "render_config",
    "split_query",
]


@dataclass(frozen=True)
class ImportResult:
    """Answer of `POST /beets/import` and of the download pipeline's import (SPEC §2.12, §5.4)."""

    success: bool
    message: str


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


class BeetsClient:
    """Runs `beet` for one caller; `locked()` wraps a sequence of runs in the beets lease."""

    service = SERVICE

    def __init__(
        self,
        command: Sequence[str],
        beetsdir: Path,
        music_dir: Path,
        downloads_dir: Path,
        timeout: float,
        lock_wait: float | None = None,
    ) -> None:
        self.command = list(command)
        self.beetsdir = beetsdir
        self.music_dir = music_dir
        self.roots = (music_dir, downloads_dir)
        self.timeout = timeout
        self.lock_wait = LOCK_WAIT_SEC if lock_wait is None else lock_wait
        self.heartbeat: Callable[[], object] | None = None
        self._new_library = False

    @classmethod
    def from_config(cls) -> BeetsClient:
        """Read the command, `BEETSDIR`, the allowed roots and the timeout now (SPEC §7.1)."""
        raw = config.get("BEETS_COMMAND")
        try:
            command = shlex.split(raw) if raw else default_command()
        except ValueError:
            raise ServiceUnavailable(UNAVAILABLE) from None
        if not command:
            raise ServiceUnavailable(UNAVAILABLE)
        return cls(
            command,
            beetsdir=config.get_path("BEETSDIR"),
            music_dir=config.get_path("MUSIC_DIR"),
            downloads_dir=config.get_path("SLSKD_DOWNLOADS_DIR"),
            timeout=max(1, config.get_int("BEETS_TIMEOUT_SEC", 300)),
        )

    def allowed_path(
        self, raw: str | None, field: str = "path", *, must_exist: bool = True
    ) -> Path:
        """`raw` resolved (symlinks followed) and inside an allowed root, else 422 (T41)."""
        if not raw or not raw.strip():
            raise ValidationFailed({field: ["This field may not be blank."]})
        if "\x00" in raw:
            raise ValidationFailed({field: ["Path must not contain NUL characters."]})
        try:
            resolved = Path(raw).resolve()
        except (OSError, RuntimeError):
            raise ValidationFailed({field: ["Path cannot be resolved."]}) from None
        # Containment first: a path outside the roots gets the same answer whether it exists or not.
        if not any(resolved.is_relative_to(root) for root in self.roots):
            raise ValidationFailed(
                {field: ["Path must be inside MUSIC_DIR or SLSKD_DOWNLOADS_DIR."]}
            )
        if must_exist and not (resolved.is_file() or resolved.is_dir()):
            raise ValidationFailed({field: ["Path does not exist."]})
        return resolved

    @contextlib.contextmanager
    def locked(self) -> Iterator[BeetsClient]:
        """Hold the `beets` lease (T43) and make sure Harmony's beets config is in place."""
        owner = f"{leases.PROCESS_OWNER}:{uuid.uuid4().hex[:8]}"
        ttl = self.timeout + 30
        deadline = time.monotonic() + self.lock_wait
        while not self._try_acquire(ttl, owner):
            if time.monotonic() >= deadline:
                raise Conflict("Another beets command is running; try again later")
            time.sleep(LOCK_POLL_SEC)
        self.heartbeat = lambda: leases.renew(LOCK_NAME, ttl, owner)
        try:
            self.ensure_config()
            yield self
        finally:
            self.heartbeat = None
            leases.release(LOCK_NAME, owner)

    @staticmethod
    def _try_acquire(ttl: float, owner: str) -> bool:
        try:
            # A savepoint keeps a caller's surrounding transaction usable if the database is busy.
            with transaction.atomic():
                return leases.acquire(LOCK_NAME, ttl, owner)
        except DatabaseError:  # a busy database counts as a busy lease: poll again
            logger.warning("beets lease: database busy", exc_info=True)
            return False

    def ensure_config(self) -> None:
        """Write `config.yaml` if absent, or if ours and outdated; leave a foreign one alone (§9.4)."""
        if write_config(self.beetsdir, self.music_dir):
            self._new_library = not (self.beetsdir / "library.db").exists()

    def run(self, *args: str) -> str:
        """Run `beet ARGS` and return its stdout; 503 when beets is missing, 502 on failure."""
        if self._new_library:
            # beets creates and migrates a new library on first open and reports a backup per
            # migration on stdout; doing that first keeps those lines out of the real answer.
            self._new_library = False
            self.run("version")
        if self.heartbeat is not None:
            self.heartbeat()
        argv = [*self.command, *args]
        env = {**os.environ, "BEETSDIR": str(self.beetsdir), "PYTHONIOENCODING": "utf-8"}
        try:
            # An argument list and no shell: user text never meets a shell parser (T38).
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=self.beetsdir if self.beetsdir.is_dir() else None,
                start_new_session=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError:
            logger.warning("cannot start beets command %r", self.command, exc_info=True)
            raise ServiceUnavailable(UNAVAILABLE) from None
        with process:
            try:
                stdout, stderr = process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self._kill(process)
                raise UpstreamError(
                    SERVICE, f"beet {args[0]} timed out after {self.timeout:g} s"
                ) from None
            except BaseException:
                self._kill(process)
                raise
        if process.returncode != 0:
            detail = _last_line(stderr) or _last_line(stdout)
            raise UpstreamError(
                SERVICE, detail or f"beet {args[0]} exited with {process.returncode}"
            )
        return stdout

    @staticmethod
    def _kill(process: subprocess.Popen[str]) -> None:
        """Kill beets and everything it started (its own process group, T42), then reap it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=KILL_GRACE_SEC)

    def import_path(
        self, path: str, *, quiet: bool = True, autotag: bool = False, copy: bool = False
    ) -> ImportResult:
        """`beet import [-q] [-A] [-C|-c] [-s] -- PATH` for an allowed existing path."""
        target = self.allowed_path(path)
        args = ["import"]
        if quiet:
            args.append("-q")
        if not autotag:
            args.append("-A")
        args.append("-c" if copy else "-C")
        if target.is_file():
            args.append("-s")
        output = self.run(*args, "--", str(target))
        return ImportResult(success=True, message=output.strip() or "Import completed")

    def update(self, query: str | None = None, path: str | None = None) -> str:
        """`beet update [QUERY | path:PATH]`; returns beets' output or a default message."""
        if path:
            terms = [f"path:{self.allowed_path(path, must_exist=False)}"]
        else:
            terms = split_query(query)
        output = self.run("update", "--", *terms)
        return output.strip() or "Update completed"

    def ids(self, terms: Sequence[str]) -> list[str]:
        """Ids of the items `terms` match (`beet ls -f '$id'`)."""
        return _lines(self.run("ls", "-f", "$id", "--", *terms))

    def _selection(self, query: str | None, confirm_all: bool) -> tuple[list[str], int]:
        """Terms and match count for a destructive command; match-all without `all` → 422 (T40)."""
        terms = split_query(query)
        if is_match_all(terms) and not confirm_all:
            raise ValidationFailed({"query": [MATCH_ALL_MESSAGE]})
        count = len(self.ids(terms))
        if count and not confirm_all and terms and count == len(self.ids([])):
            raise ValidationFailed({"query": [MATCH_ALL_MESSAGE]})
        return terms, count

    def remove(
        self, query: str | None, *, delete_files: bool = False, confirm_all: bool = False
    ) -> int:
        """`beet remove -f [-d] QUERY` after counting the matches; returns the count."""
        terms, count = self._selection(query, confirm_all)
        if count:
            self.run("remove", "-f", *(["-d"] if delete_files else []), "--", *terms)
        return count

    def move(self, query: str | None, *, confirm_all: bool = False) -> int:
        """`beet move [QUERY]` into `MUSIC_DIR` after counting the matches; returns the count."""
        terms, count = self._selection(query, confirm_all)
        if count:
            self.run("move", "--", *terms)
        return count

    def write(self, query: str | None, *, confirm_all: bool = False) -> int:
        """`beet write [QUERY]` (database tags into files) after counting; returns the count."""
        terms, count = self._selection(query, confirm_all)
        if count:
            self.run("write", "--", *terms)
        return count

    def ls(self, terms: Sequence[str], fmt: str, *, albums: bool = False) -> list[str]:
        """`beet ls [-a] -f FORMAT -- TERMS`, one entry per line of output."""
        # optparse always takes the word after `-f` as its value, even when it starts with '-'.
        flags = ["-a"] if albums else []
        return _lines(self.run("ls", *flags, "-f", fmt, "--", *terms))

    def albums(self) -> list[str]:
        """`$albumartist - $album` of every album."""
        return self.ls([], "$albumartist - $album", albums=True)

    def tracks(self) -> list[str]:
        """`$artist - $album - $title` of every track."""
        return self.ls([], DEFAULT_FORMAT)

    def query(self, query: str | None, fmt: str = DEFAULT_FORMAT) -> list[str]:
        """Items matching a required query, printed with `fmt`."""
        terms = split_query(query)
        if not terms:
            raise ValidationFailed({"query": ["This field may not be blank."]})
        return self.ls(terms, fmt)

    def stats(self) -> dict[str, str]:
        """`beet stats` as `{key: value}` from its `Key: value` lines."""
        stats = {}
        for line in _lines(self.run("stats")):
            key, separator, value = line.partition(":")
            if separator:
                stats[key.strip()] = value.strip()
        return stats

    def fields(self) -> list[str]:
        """`beet fields` without section headers, de-duplicated and sorted."""
        names = {
            line.strip()
            for line in _lines(self.run("fields"))
            if line[:1].isspace() or not line.rstrip().endswith(":")
        }
        return sorted(names)

    def version(self) -> str:
        """The first line of `beet version` (availability probe)."""
        output = self.run("version")
        return output.splitlines()[0].strip() if output.strip() else ""


def beets() -> contextlib.AbstractContextManager[BeetsClient]:
    """A configured client holding the beets lease: `with beets() as client: client.stats()`."""
    return BeetsClient.from_config().locked()


def import_path(
    path: str, *, quiet: bool = True, autotag: bool = False, copy: bool = False
) -> ImportResult:
    """`POST /beets/import` and `manage.py import PATH` (SPEC §2.12, CONTRACT §2).

    The path is checked before queueing for the lease, so bad input answers 422 at once.
    """
    client = BeetsClient.from_config()
    client.allowed_path(path)
    with client.locked():
        return client.import_path(path, quiet=quiet, autotag=autotag, copy=copy)


def import_file(path: str | os.PathLike[str]) -> ImportResult:
    """Singleton as-is import of one organised download: `import -q -A -C -s PATH` (§5.4, D18).

    Raises ServiceUnavailable (beets missing), UpstreamError (beets failed or timed out),
    ValidationFailed (not a file under an allowed root) and Conflict (lease not obtained).
    """
    client = BeetsClient.from_config()
    if not client.allowed_path(os.fspath(path)).is_file():
        raise ValidationFailed({"path": ["Path must be a file."]})
    with client.locked():
        return client.import_path(os.fspath(path), quiet=True, autotag=False, copy=False)
