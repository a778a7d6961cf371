"""Benchmark: 50 concurrent `GET /spotify/search/tracks` against a slow Spotify (issue
"Integrations" point 2; SPEC §2.6, §9.2).

Set-up: `FakeSpotify` runs in its own process with 100 ms latency on every answer, in
keep-alive mode (HTTP/1.1 without `Connection: close` — the test fake always closes) and counting
the TCP connections it accepts. Harmony runs in this process behind Django's test client (full
middleware stack, `X-API-Key` authentication) on a throw-away SQLite file (`bench/_setup.py`) and
talks real HTTP to the fake.

Phases: (1) the fake's own limit — bursts of 50 concurrent `GET /v1/search` sent straight to it;
(2) the same bursts of `GET /spotify/search/tracks` through Harmony. One Harmony search with
`limit=20` costs two upstream calls (Spotify takes at most 10 results per request since
February 2026), so the fake's limit in searches/s is its request rate divided by two. Reported:
throughput against that limit, latency percentiles, upstream and token requests, and the TCP
connections the fake accepted during Harmony's phase (one pooled session: about one per
concurrent request, not one per call).

    python bench/bench_spotify_search.py [--concurrency 50] [--rounds 4] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable

import requests
from _setup import ROOT, django_with_temp_db, percentile

sys.path.insert(0, str(ROOT))

from tests.fakes import base
from tests.fakes.base import RecordedRequest, Response, json_response, route
from tests.fakes.spotify import FakeSpotify

API_KEY = "bench-key"


def _write_keep_alive(handler, response, stopping) -> None:
    """The fake's response writer without `Connection: close` (this benchmark's process only)."""
    try:
        handler.send_response(response.status)
        headers = dict(response.headers)
        headers.setdefault("Content-Length", str(len(response.body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if response.body and handler.command != "HEAD":
            handler.wfile.write(response.body)
        handler.wfile.flush()
    except OSError:
        handler.close_connection = True


class CountingServer(base._Server):
    """Counts accepted TCP connections; a listen backlog that takes a burst of 50 connects
    (socketserver's default of 5 turns a cold burst into SYN retransmits of 1–3 s)."""

    request_queue_size = 128
    accepted = 0
    lock = threading.Lock()

    def get_request(self):
        connection = super().get_request()
        with self.lock:
            CountingServer.accepted += 1
        return connection


class KeepAliveHandler(base._Handler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY every keep-alive answer
    # would wait ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True


class BenchSpotify(FakeSpotify):
    """`FakeSpotify` on a keep-alive, connection-counting server with a stats route."""

    def start(self) -> BenchSpotify:
        self._stopping.clear()
        self._server = CountingServer(("127.0.0.1", 0), KeepAliveHandler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    @route("GET", r"/bench/stats")
    def _stats(self, request: RecordedRequest) -> Response:
        return json_response(
            {
                "accepted": CountingServer.accepted,
                "search": len(self.requests_to("^/v1/search$")),
                "tokens": sum(self.token_calls.values()),
            }
        )


def serve_fake(latency: float, pipe) -> None:
    """Child process: run the fake until the parent says stop."""
    base._write_response = _write_keep_alive
    fake = BenchSpotify().start()
    fake.make_tracks(60, prefix="Song")
    fake.set_latency(latency)
    pipe.send(
        {
            "url": fake.url,
            "api_url": fake.api_url,
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
            "token": fake.issue_token("app", expires_in=3600),
        }
    )
    pipe.recv()
    fake.stop()


def stats(url: str) -> dict:
    return requests.get(f"{url}/bench/stats", timeout=10).json()


def burst(concurrency: int, send: Callable[[int], int]) -> tuple[float, list[float], int]:
    """`concurrency` threads send one request each at the same moment (`send(slot)`)."""
    barrier = threading.Barrier(concurrency + 1)
    latencies = [0.0] * concurrency
    failures = [0]

    def run(index: int) -> None:
        barrier.wait()
        began = time.perf_counter()
        try:
            status = send(index)
        except Exception:  # counted, not raised: the other threads keep going
            status = 0
        latencies[index] = time.perf_counter() - began
        if status != 200:
            failures[0] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, failures[0]


def fake_limit(fake: dict, concurrency: int, rounds: int, page: int) -> float:
    """Requests/s the fake itself serves for bursts of `concurrency` pooled searches."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=concurrency + 8)
    session.mount("http://", adapter)
    headers = {"Authorization": f"Bearer {fake['token']}"}
    params = {"q": "song", "type": "track", "limit": page, "offset": 0}

    def send(_slot: int) -> int:
        url = f"{fake['api_url']}/search"
        return session.get(url, params=params, headers=headers, timeout=30).status_code

    walls = [burst(concurrency, send)[0] for _ in range(rounds)]
    session.close()
    warm = walls[1:] or walls  # the first burst opens the connections
    return concurrency * len(warm) / sum(warm)


def harmony_bursts(
    concurrency: int, rounds: int, limit: int
) -> tuple[list[float], list[float], int]:
    from django.db import connection
    from django.test import Client

    # One client per thread slot, like a server's worker threads: middleware is loaded once.
    clients = [Client() for _ in range(concurrency)]
    for client in clients:
        client.handler.load_middleware()
    # Warm Django itself (URL resolver, imports, translations) without touching Spotify, so the
    # first burst shows Spotify's cold path only: the app token and 50 new connections.
    warm = clients[0].get("/spotify/playlists", HTTP_X_API_KEY=API_KEY, HTTP_HOST="localhost")
    assert warm.status_code == 200, warm.content[:200]

    def send(slot: int) -> int:
        try:
            response = clients[slot].get(
                "/spotify/search/tracks",
                {"query": "song", "limit": limit},
                HTTP_X_API_KEY=API_KEY,
                HTTP_HOST="localhost",
            )
            return response.status_code
        finally:
            connection.close()

    walls, latencies, failures = [], [], 0
    for _ in range(rounds):
        wall, lat, failed = burst(concurrency, send)
        walls.append(wall)
        latencies.extend(lat)
        failures += failed
    return walls, latencies, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve_fake, args=(args.latency, child), daemon=True)
    server.start()
    fake = parent.recv()
    try:
        import os

        workdir = django_with_temp_db("spotify-search")
        os.environ.update(
            {
                "SPOTIFY_CLIENT_ID": fake["client_id"],
                "SPOTIFY_CLIENT_SECRET": fake["client_secret"],
                "SPOTIFY_REDIRECT_URI": "http://localhost/spotify/callback",
                "SPOTIFY_API_URL": fake["api_url"],
                "SPOTIFY_ACCOUNTS_URL": fake["url"],
                "UPSTREAM_TIMEOUT_SEC": "10",
            }
        )
        from core.auth import api_key_user
        from integrations.clients.spotify import SEARCH_PAGE, pooled

        api_key_user()
        per_search = math.ceil(args.limit / SEARCH_PAGE)
        page = min(args.limit, SEARCH_PAGE)
        direct_rps = fake_limit(fake, args.concurrency, args.rounds, page)
        before = stats(fake["url"])
        walls, latencies, failures = harmony_bursts(args.concurrency, args.rounds, args.limit)
        after = stats(fake["url"])
        pooled(fake["api_url"]).session.close()
        pooled(fake["url"]).session.close()
    finally:
        parent.send("stop")
        server.join(timeout=30)

    total = args.rounds * args.concurrency
    ceiling = direct_rps / per_search
    warm = walls[1:] or walls
    warm_rps = args.concurrency * len(warm) / sum(warm)
    connections = after["accepted"] - before["accepted"] - 1  # minus the stats request
    p50, p95 = percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000
    print(f"workdir                      {workdir}")
    print(f"requests                     {total} ({args.rounds} bursts of {args.concurrency})")
    print(f"failures                     {failures}")
    print(f"fake latency                 {args.latency * 1000:.0f} ms per answer")
    print(
        f"fake alone                   {direct_rps:.0f} requests/s (latency bound: "
        f"{args.concurrency / args.latency:.0f})"
    )
    print(f"upstream calls per search    {per_search} (limit={args.limit}, {page} per call)")
    print(f"fake limit for searches      {ceiling:.0f} searches/s")
    print(f"Harmony, all bursts          {total / sum(walls):.0f} searches/s")
    print(
        f"Harmony, warm bursts         {warm_rps:.0f} searches/s ({warm_rps / ceiling:.0%} of limit)"
    )
    print(f"first burst (token, connect) {walls[0] * 1000:.0f} ms")
    print(f"latency p50 / p95 / max      {p50:.0f} / {p95:.0f} / {max(latencies) * 1000:.0f} ms")
    print(f"upstream /search requests    {after['search'] - before['search']}")
    print(f"token requests               {after['tokens'] - before['tokens']}")
    print(f"TCP connections (Harmony)    {connections}")
    reused = connections <= args.concurrency + 2
    print(f"pooled connections reused    {'yes' if reused else 'NO'}")
    return 0 if failures == 0 and reused else 1


if __name__ == "__main__":
    sys.exit(main())
