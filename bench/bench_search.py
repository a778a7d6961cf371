"""Benchmark of `POST /api/search` fan-out (SPEC §3.2): sources must run concurrently.

    python bench/bench_search.py [--runs 5] [--spotify-ms 300] [--plex-ms 600] [--soulseek-ms 900]

Starts the fake Spotify, Plex and slskd servers of the test suite, seeds each with hits for
the query, and calibrates each fake so that one search of that source alone takes about the
given time (the per-request latency is the target divided by the number of upstream requests
the source makes per search). Then it times `/api/search` for each source alone and for all
three together (medians of `--runs` runs) and checks that the combined search takes at most
1.2× the slowest single source. Exit code 1 when it does not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from typing import Any

from _setup import django_with_temp_db

QUERY = "bench song"
BOUND = 1.2
SOURCES = ("spotify", "plex", "soulseek")


def seed(spotify: Any, plex: Any, slskd: Any) -> None:
    """Enough hits for normalisation and ranking to cost something: ~40 Spotify, 60 Plex and
    60 Soulseek candidates."""
    from tests.fakes.slskd import slsk_file

    for n in range(20):
        spotify.add_track(f"Bench Song {n}", f"Bench Artist {n % 5}", f"Bench Album {n % 4}")
    plex.add_section("Music")
    for n in range(60):
        plex.add_track(f"Bench Song {n}", f"Bench Artist {n % 5}", f"Bench Album {n % 6}")
    for user in range(3):
        files = [
            slsk_file(
                f"Music\\Bench Artist {user}\\2019 - Bench Album\\{n:02d} - Bench Song {n}.mp3"
            )
            for n in range(20)
        ]
        slskd.add_search_result("bench", f"peer{user}", files)


def configure(spotify: Any, plex: Any, slskd: Any) -> None:
    """Point Harmony at the fakes; no Soulseek search budget pauses between runs."""
    os.environ.update(
        {
            "SPOTIFY_CLIENT_ID": spotify.client_id,
            "SPOTIFY_CLIENT_SECRET": spotify.client_secret,
            "SPOTIFY_REDIRECT_URI": "http://127.0.0.1:8000/spotify/callback",
            "SPOTIFY_API_URL": spotify.api_url,
            "SPOTIFY_ACCOUNTS_URL": spotify.url,
            "PLEX_BASE_URL": plex.url,
            "PLEX_TOKEN": plex.token,
            "SLSKD_URL": slskd.url,
            "SOULSEEK_SEARCH_MIN_GAP_SEC": "0",
            "SOULSEEK_SEARCH_BUDGET": "100000",
        }
    )


def timed_search(client: Any, sources: tuple[str, ...]) -> float:
    body = {"query": QUERY, "sources": list(sources), "limit": 100}
    began = time.perf_counter()
    response = client.post("/api/search", body, content_type="application/json")
    elapsed = time.perf_counter() - began
    data = response.json()
    if response.status_code != 200 or not data.get("ok") or not data.get("items"):
        raise SystemExit(f"search over {sources} failed: {response.status_code} {data}")
    return elapsed


def calibrate(client: Any, fakes: dict[str, Any], targets: dict[str, float]) -> dict[str, int]:
    """Set each fake's per-request latency from the requests one search of it makes."""
    counts = {}
    for name, fake in fakes.items():
        fake.set_latency(0)
        fake.clear_requests()
        timed_search(client, (name,))
        counts[name] = len(fake.requests)
        fake.set_latency(targets[name] / counts[name])
    return counts


def median_ms(client: Any, sources: tuple[str, ...], runs: int) -> float:
    return statistics.median(timed_search(client, sources) for _ in range(runs)) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spotify-ms", type=float, default=300)
    parser.add_argument("--plex-ms", type=float, default=600)
    parser.add_argument("--soulseek-ms", type=float, default=900)
    args = parser.parse_args()
    workdir = django_with_temp_db("search")
    from django.test import Client

    from tests.fakes import FakePlex, FakeSlskd, FakeSpotify

    targets = {
        "spotify": args.spotify_ms / 1000,
        "plex": args.plex_ms / 1000,
        "soulseek": args.soulseek_ms / 1000,
    }
    with (
        FakeSpotify() as spotify,
        FakePlex() as plex,
        FakeSlskd(search_polls_to_complete=1) as slskd,
    ):
        fakes = {"spotify": spotify, "plex": plex, "soulseek": slskd}
        seed(spotify, plex, slskd)
        configure(spotify, plex, slskd)
        client = Client(HTTP_X_API_KEY="bench-key", HTTP_HOST="localhost")
        timed_search(client, SOURCES)  # warm-up: Spotify app token, Plex client id
        counts = calibrate(client, fakes, targets)
        alone = {name: median_ms(client, (name,), args.runs) for name in SOURCES}
        together = median_ms(client, SOURCES, args.runs)
    shutil.rmtree(workdir, ignore_errors=True)

    for name in SOURCES:
        print(
            f"{name:9} alone: {alone[name]:7.1f} ms  (target {targets[name] * 1000:.0f} ms, "
            f"{counts[name]} upstream requests per search)"
        )
    slowest = max(alone.values())
    ratio = together / slowest
    print(f"all three together: {together:7.1f} ms")
    print(f"sequential would be: {sum(alone.values()):7.1f} ms")
    print(
        f"together / slowest single source: {ratio:.2f}x (bound {BOUND}x); "
        f"vs the nominal slowest {max(targets.values()) * 1000:.0f} ms: "
        f"{together / (max(targets.values()) * 1000):.2f}x"
    )
    if ratio > BOUND:
        print("FAIL: the sources do not run concurrently enough")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
