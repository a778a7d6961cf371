"""Benchmark: `GET /api/activity` and its export with 1,000,000 events (issue: foundation).

Targets: p50 of a filtered page within 3× of the raw SQL for the same page; the streamed export
of all 1,000,000 rows grows peak RSS by < 50 MB over a 10,000-row export.
"""

from __future__ import annotations

import argparse
import resource
import time

from _setup import django_with_temp_db, percentile

TYPES = [
    ("sync", "sync_completed"),
    ("download", "queued"),
    ("worker", "started"),
    ("search", "search_completed"),
]


def seed(rows: int) -> None:
    from datetime import UTC, datetime, timedelta

    from django.db import connection, transaction

    start = datetime(2024, 1, 1, tzinfo=UTC)
    table = "activity_activityevent"
    batch = []
    with transaction.atomic(), connection.cursor() as cursor:
        for index in range(rows):
            kind, status = TYPES[index % len(TYPES)]
            stamp = (start + timedelta(seconds=index)).isoformat()
            batch.append((stamp, kind, status, f'{{"n": {index}, "name": "Björk"}}'))
            if len(batch) == 20_000:
                cursor.executemany(
                    f"INSERT INTO {table} (timestamp, type, status, details) VALUES (%s, %s, %s, %s)",
                    batch,
                )
                batch.clear()
        if batch:
            cursor.executemany(
                f"INSERT INTO {table} (timestamp, type, status, details) VALUES (%s, %s, %s, %s)",
                batch,
            )


def time_api(client, url: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url, HTTP_X_API_KEY="bench-key", HTTP_HOST="localhost")
        assert response.status_code == 200, response.content[:200]
        samples.append(time.perf_counter() - began)
    return samples


def db_time_of_request(client, url: str, runs: int) -> list[float]:
    """Seconds spent in SQL per request (all queries the endpoint runs), via execute_wrapper."""
    from django.db import connection

    samples = []
    for _ in range(runs):
        spent = [0.0]

        def timer(execute, sql, params, many, context, spent=spent):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - began

        with connection.execute_wrapper(timer):
            client.get(url, HTTP_X_API_KEY="bench-key", HTTP_HOST="localhost")
        samples.append(spent[0])
    return samples


def time_raw(sql: str, params: list, runs: int) -> list[float]:
    from django.db import connection

    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        samples.append(time.perf_counter() - began)
    return samples


def export_peak_rss_mb(client, limit: int | None) -> float:
    url = "/api/activity/export?format=csv" + (f"&limit={limit}" if limit else "")
    response = client.get(url, HTTP_X_API_KEY="bench-key", HTTP_HOST="localhost")
    rows = sum(chunk.count("\n") for chunk in _text(response.streaming_content))
    assert rows >= min(limit or 10**9, 1), rows
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _text(chunks):
    for chunk in chunks:
        yield chunk.decode() if isinstance(chunk, bytes) else chunk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    django_with_temp_db("activity")
    from django.test import Client

    began = time.perf_counter()
    seed(args.rows)
    from activity.recorder import rebuild_counts

    rebuild_counts()
    print(f"seeded {args.rows:,} events in {time.perf_counter() - began:.1f}s")
    client = Client()
    offset = 1000
    url = f"/api/activity?type=sync&status=sync_completed&limit=50&offset={offset}"
    time_api(client, url, 3)
    api = time_api(client, url, args.runs)
    sql = (
        "SELECT id, timestamp, type, status, details FROM activity_activityevent "
        "WHERE type = %s AND status = %s ORDER BY timestamp DESC, id DESC LIMIT 50 OFFSET %s"
    )
    raw = time_raw(sql, ["sync", "sync_completed", offset], args.runs)
    count_sql = "SELECT COUNT(*) FROM activity_activityevent WHERE type = %s AND status = %s"
    raw_count = time_raw(count_sql, ["sync", "sync_completed"], args.runs)
    api_p50, raw_p50 = percentile(api, 50), percentile(raw, 50)
    page_and_count = raw_p50 + percentile(raw_count, 50)
    print(f"GET /api/activity filtered page: p50 {api_p50 * 1000:.2f} ms")
    print(
        f"raw SQL same page: p50 {raw_p50 * 1000:.2f} ms; page + total_count: {page_and_count * 1000:.2f} ms"
    )
    db = percentile(db_time_of_request(client, url, args.runs), 50)
    print(
        f"SQL time inside the request: p50 {db * 1000:.2f} ms → {db / raw_p50:.2f}x the raw page query"
    )
    print(
        f"ratio full request / raw page: {api_p50 / raw_p50:.1f}x; / (raw page + COUNT): {api_p50 / page_and_count:.2f}x"
    )
    small = export_peak_rss_mb(client, 10_000)
    full = export_peak_rss_mb(client, None)
    print(
        f"export peak RSS: 10,000 rows {small:.1f} MB, {args.rows:,} rows {full:.1f} MB, growth {full - small:.1f} MB (target < 50 MB)"
    )


if __name__ == "__main__":
    main()
