"""The beets subprocess: availability, failures, timeout, config file, one at a time (T42, T43)."""

from __future__ import annotations

import threading

import psutil
import pytest
import yaml
from django.db import connection

from core.errors import ServiceUnavailable, UpstreamError
from core.workers import leases
from integrations.clients import beets as beets_module
from integrations.clients.beets import CONFIG_MARKER, LOCK_NAME, BeetsClient, import_file
from tests.audio import make_mp3
from tests.helpers import wait_until

pytestmark = pytest.mark.django_db


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_missing_beets_is_503(api, monkeypatch, tmp_path):
    monkeypatch.setenv("BEETS_COMMAND", str(tmp_path / "no-such-beet"))

    response = api.get("/beets/stats")

    assert response.status_code == 503
    assert response.json() == {"detail": "beets is not available"}


def test_missing_beets_makes_import_file_raise_service_unavailable(dirs, monkeypatch, tmp_path):
    track = make_mp3(dirs.downloads / "01.mp3", title="One")
    monkeypatch.setenv("BEETS_COMMAND", str(tmp_path / "no-such-beet"))

    with pytest.raises(ServiceUnavailable):
        import_file(track)


def test_failing_beets_is_502_with_its_last_stderr_line(api, fake_beet):
    fake_beet.install(
        "sys.stderr.write('Traceback (most recent call last):\\nerror: library is locked\\n\\n')\n"
        "sys.exit(1)\n"
    )

    response = api.get("/beets/albums")

    assert response.status_code == 502
    assert response.json() == {"detail": "error: library is locked", "service": "beets"}


def test_failing_beets_makes_import_file_raise_upstream_error(dirs, fake_beet):
    track = make_mp3(dirs.downloads / "01.mp3", title="One")
    fake_beet.install("sys.stderr.write('error: disk full\\n'); sys.exit(2)")

    with pytest.raises(UpstreamError) as caught:
        import_file(track)

    assert (caught.value.service, caught.value.detail) == ("beets", "error: disk full")


def test_hung_beets_is_killed_with_its_children_and_answers_502(api, fake_beet, monkeypatch):
    pids = fake_beet.root / "pids"
    fake_beet.install(
        f"""
        import subprocess, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open({str(pids)!r}, "w") as out:
            out.write(f"{{os.getpid()}} {{child.pid}}")
        time.sleep(60)
        """
    )
    monkeypatch.setenv("BEETS_TIMEOUT_SEC", "1")

    response = api.post("/beets/query", {"query": "artist:x"}, format="json")

    assert response.status_code == 502
    assert response.json() == {"detail": "beet version timed out after 1 s", "service": "beets"}
    parent, child = map(int, pids.read_text().split())
    wait_until(lambda: not _alive(parent) and not _alive(child))
    assert not leases.is_held(LOCK_NAME)


def test_first_use_writes_harmonys_beets_config(api, dirs, fake_beet):
    fake_beet.install("print('Tracks: 0')")

    api.get("/beets/stats")

    text = (dirs.beetsdir / "config.yaml").read_text()
    config = yaml.safe_load(text)
    assert text.startswith(CONFIG_MARKER)
    assert config["directory"] == str(dirs.music)
    assert config["library"] == str(dirs.beetsdir / "library.db")
    assert config["import"] == {
        "copy": False,
        "move": False,
        "write": False,
        "autotag": False,
        "quiet": True,
        "quiet_fallback": "asis",
        "resume": False,
        "incremental": False,
        "duplicate_action": "skip",
        "log": str(dirs.beetsdir / "import.log"),
    }
    assert config["paths"] == {
        "default": "$albumartist/$album/$track - $title",
        "singleton": "$artist/%if{$album,$album,Unknown Album}/%if{$track,$track - ,}$title",
        "comp": "Compilations/$album/$track - $title",
    }
    assert config["plugins"] == []


def test_a_config_harmony_did_not_write_is_left_alone(api, dirs, fake_beet):
    own = "directory: /srv/music\nplugins: [fetchart]\n"
    (dirs.beetsdir / "config.yaml").write_text(own)
    fake_beet.install("print('Tracks: 0')")

    response = api.get("/beets/stats")

    assert response.json() == {"stats": {"Tracks": "0"}}
    assert (dirs.beetsdir / "config.yaml").read_text() == own


def test_harmonys_config_follows_a_changed_music_dir(api, dirs, fake_beet, monkeypatch, tmp_path):
    fake_beet.install("print('Tracks: 0')")
    api.get("/beets/stats")
    moved = tmp_path / "new-music"
    monkeypatch.setenv("MUSIC_DIR", str(moved))

    api.get("/beets/stats")

    assert yaml.safe_load((dirs.beetsdir / "config.yaml").read_text())["directory"] == str(moved)
    assert moved.is_dir()


def test_a_busy_lease_answers_409_after_the_bounded_wait(api, fake_beet, monkeypatch):
    fake_beet.install("print('Tracks: 0')")
    monkeypatch.setattr(beets_module, "LOCK_WAIT_SEC", 0.2)
    leases.acquire(LOCK_NAME, ttl=60, owner="another-cluster")

    response = api.get("/beets/stats")

    assert response.status_code == 409
    assert response.json() == {"detail": "Another beets command is running; try again later"}
    assert fake_beet.calls() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_run_one_beets_process_at_a_time(dirs, fake_beet):
    running, overlaps = fake_beet.root / "running", fake_beet.root / "overlaps"
    fake_beet.install(
        f"""
        import time
        if os.path.exists({str(running)!r}):
            open({str(overlaps)!r}, "a").write("overlap\\n")
        open({str(running)!r}, "w").close()
        time.sleep(0.2)
        os.remove({str(running)!r})
        print("Tracks: 1")
        """
    )
    results: list[dict] = []

    def call() -> None:
        try:
            with BeetsClient.from_config().locked() as client:
                results.append(client.stats())
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results == [{"Tracks": "1"}] * 3
    assert not overlaps.exists()
    assert len(fake_beet.calls()) == 3
