"""Benchmark of the download list, the CSV export and the sync queue's dispatch rate.

    python bench/bench_downloads.py [--rows 100000] [--pages 200] [--jobs 2000] [--seed 7]

Builds a temporary SQLite database (WAL, as in production) with `--rows` Download rows, then
measures:

* `GET /api/downloads?all=true&limit=100&offset=…` at random offsets through the whole Django
  stack (auth, FilterSet, serializer, JSON renderer), against the raw SQL of the same page;
  p50/p99 in milliseconds; then again with an index on (priority, created_at, id) descending;
* `GET /api/downloads/export?format=csv` of every row: wall time, rows/s and peak RSS growth
  (RSS sampled every 5 ms while the streamed body is consumed);
* the dispatch rate of the sync queue (jobs/s) to a FakeSlskd that answers at once, for
  `sync_worker_concurrency` 1 and 4.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
API_KEY = "bench-api-key-0123456789"
STATUSES = ("queued", "running", "completed", "completed", "completed", "failed", "cancelled")


def configure(workdir: Path) -> None:
    """Point Django at a throw-away database and data directory, then set it up."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["HARMONY_DATA_DIR"] = str(workdir / "data")
    os.environ["HARMONY_DISABLE_WORKERS"] = "1"
    os.environ["HARMONY_API_KEYS"] = API_KEY
    os.environ["HARMONY_LOG_LEVEL"] = "ERROR"
    os.environ["SLSKD_DOWNLOADS_DIR"] = str(workdir / "slskd")
    os.environ["DJANGO_SETTINGS_MODULE"] = "harmony.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def fill(rows: int, rng: random.Random) -> None:
    """`rows` downloads in chunks (constant memory), spread over a year."""
    from downloads.models import Download

    start = datetime(2024, 1, 1, tzinfo=UTC)
    chunk = 5000
    for first in range(0, rows, chunk):
        batch = []
        for n in range(first, min(rows, first + chunk)):
            created = start + timedelta(seconds=rng.randrange(365 * 86400))
            filename = (
                f"@@share\\Music\\Artist {n % 997}\\Album {n % 113}\\{n % 20:02d} Track {n}.mp3"
            )
            batch.append(
                Download(
                    filename=filename,
                    username=f"peer{n % 501}",
                    size=rng.randrange(2_000_000, 12_000_000),
                    status=rng.choice(STATUSES),
                    progress=rng.choice((0.0, 37.5, 100.0)),
                    priority=rng.choice((0, 0, 0, 1, 5, 10, -1)),
                    request_payload={"username": f"peer{n % 501}", "filename": filename},
                    created_at=created,
                    state_changed_at=created,
                )
            )
        Download.objects.bulk_create(batch, batch_size=1000)


def bench_list(rows: int, pages: int, rng: random.Random) -> dict[str, float]:
    """p50/p99 of the API page vs the raw SQL of the same page."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=API_KEY)
    offsets = [rng.randrange(0, max(1, rows - 100)) for _ in range(pages)]
    client.get("/api/downloads?all=true&limit=100&offset=0")  # warm-up
    api_ms, sql_ms = [], []
    for offset in offsets:
        began = time.perf_counter()
        response = client.get(f"/api/downloads?all=true&limit=100&offset={offset}")
        api_ms.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200 and len(response.json()["downloads"]) == 100
    table = "downloads_download"
    sql = (
        f"SELECT * FROM {table} ORDER BY priority DESC, created_at DESC, id DESC "
        "LIMIT 100 OFFSET %s"
    )
    with connection.cursor() as cursor:
        for offset in offsets:
            began = time.perf_counter()
            cursor.execute(sql, [offset])
            assert len(cursor.fetchall()) == 100
            sql_ms.append((time.perf_counter() - began) * 1000)
    return {
        "api_p50_ms": statistics.median(api_ms),
        "api_p99_ms": percentile(api_ms, 0.99),
        "sql_p50_ms": statistics.median(sql_ms),
        "sql_p99_ms": percentile(sql_ms, 0.99),
    }


def add_order_index() -> None:
    """The index the report recommends for `all=true` pages: (priority, created_at, id) desc."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_download_order ON downloads_download "
            "(priority DESC, created_at DESC, id DESC)"
        )
        cursor.execute("ANALYZE")


class RssSampler(threading.Thread):
    """Peak resident set size while running, sampled every 5 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.baseline = self.process.memory_info().rss
        self.peak = self.baseline
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def stop(self) -> int:
        self.stopping.set()
        self.join()
        return self.peak - self.baseline


def bench_export(rows: int, fmt: str) -> dict[str, float]:
    from django.test import Client

    client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=API_KEY)
    sampler = RssSampler()
    sampler.start()
    began = time.perf_counter()
    response = client.get(f"/api/downloads/export?format={fmt}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - began
    growth = sampler.stop()
    if fmt == "csv":
        assert lines == rows + 1, lines
    return {
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "mb": size / 1e6,
        "rss_growth_mb": growth / 1e6,
    }


def bench_dispatch(jobs: int, concurrency: int, workdir: Path) -> dict[str, float]:
    """Submit `jobs` queued downloads to a FakeSlskd that answers at once."""
    from core.models import Setting, WorkerJob
    from downloads import intake, services
    from downloads.models import Download
    from downloads.submission import dispatch
    from integrations.clients.slskd import SlskdClient
    from tests.fakes.slskd import FakeSlskd

    Setting.objects.update_or_create(
        key="sync_worker_concurrency", defaults={"value": str(concurrency), "source": "user"}
    )
    Download.objects.filter(status="queued", submitted_at__isnull=True).update(status="cancelled")
    WorkerJob.objects.all().delete()
    files = [intake.FileRequest(f"Bench\\c{concurrency}\\{n:05d}.mp3", 1000) for n in range(jobs)]
    for first in range(0, jobs, 100):
        services.create_downloads("bench_peer", files[first : first + 100])
    downloads = workdir / f"fake-slskd-{concurrency}"
    downloads.mkdir()
    with FakeSlskd(downloads) as fake:
        os.environ["SLSKD_URL"] = fake.url
        client = SlskdClient.from_config()
        began = time.perf_counter()
        submitted = 0
        while submitted < jobs:
            stats = dispatch(client, concurrency, budget_seconds=600)
            if not stats.submitted:
                break
            submitted += stats.submitted
        seconds = time.perf_counter() - began
        accepted = len(fake.downloads())
    assert accepted == jobs, (accepted, jobs)
    return {"jobs": jobs, "seconds": seconds, "jobs_per_s": jobs / seconds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="harmony-bench-") as tmp:
        workdir = Path(tmp)
        configure(workdir)
        began = time.perf_counter()
        fill(args.rows, rng)
        print(f"filled {args.rows} downloads in {time.perf_counter() - began:.1f} s")
        report: dict[str, Any] = {"list": bench_list(args.rows, args.pages, rng)}
        add_order_index()
        report["list_with_order_index"] = bench_list(args.rows, args.pages, rng)
        report["export_csv"] = bench_export(args.rows, "csv")
        report["export_json"] = bench_export(args.rows, "json")
        for concurrency in (1, 4):
            report[f"dispatch_c{concurrency}"] = bench_dispatch(args.jobs, concurrency, workdir)
    for section, values in report.items():
        shown = ", ".join(f"{key}={value:.2f}" for key, value in values.items())
        print(f"{section}: {shown}")


if __name__ == "__main__":
    main()
