"""The real `qcluster` process: dispatcher heartbeats, lifecycle events, graceful stop (SPEC §5.0–§5.1)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]
STATUS = "SELECT value FROM core_setting WHERE key='worker:sync:status'"
LAST_SEEN = "SELECT value FROM core_setting WHERE key='worker:sync:last_seen'"
EVENTS = "SELECT COUNT(*) FROM activity_activityevent WHERE type='worker' AND status='{}'"


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=10) as connection:
        return connection.execute(sql).fetchall()


def test_cluster_heartbeats_and_stops_gracefully(tmp_path):
    db = tmp_path / "cluster.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "HARMONY_DATA_DIR": str(tmp_path),
        "HARMONY_DISABLE_WORKERS": "0",
        "HARMONY_TESTING": "0",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "HARMONY_LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=120)
    log_path = tmp_path / "cluster.log"
    with log_path.open("wb") as log:
        cluster = subprocess.Popen(
            [*manage, "qcluster"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until(lambda: _query(db, STATUS) == [("running",)], timeout=30)
            wait_until(lambda: _query(db, EVENTS.format("started"))[0][0] == 7, timeout=10)
            first_beat = _query(db, LAST_SEEN)
            # Heartbeats keep coming while the cluster runs (the dispatcher lives with it).
            wait_until(lambda: _query(db, LAST_SEEN) != first_beat, timeout=10)
            schedules = "SELECT COUNT(*) FROM django_q_schedule WHERE name='harmony:watchdog'"
            assert _query(db, schedules) == [(1,)]
        finally:
            cluster.send_signal(signal.SIGTERM)
            cluster.wait(timeout=30)

    assert _query(db, STATUS) == [("stopped",)]
    assert _query(db, EVENTS.format("stopped"))[0][0] == 7, log_path.read_text()[-3000:]
