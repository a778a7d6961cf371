"""Benchmark: one AutoSync cycle, 5,000 Spotify tracks against a 50,000-track Plex library (issue 7).

Fakes answer at once (searches too, and the search budget is opened up for the measurement);
reports seconds per cycle, upstream calls per service (the Plex library is read once, paged)
and peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, django_with_temp_db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spotify", type=int, default=5000)
    parser.add_argument("--plex", type=int, default=50_000)
    parser.add_argument("--missing", type=int, default=250)
    args = parser.parse_args()
    django_with_temp_db("autosync")
    sys.path.insert(0, str(ROOT))
    from tests.fakes.plex import FakePlex
    from tests.fakes.slskd import FakeSlskd, slsk_file
    from tests.fakes.spotify import FakeSpotify

    downloads = Path(tempfile.mkdtemp(prefix="harmony-bench-slskd-"))
    with FakeSpotify() as spotify, FakePlex() as plex, FakeSlskd(downloads) as slskd:
        _configure(spotify, plex, slskd, downloads)
        began = time.perf_counter()
        _seed(spotify, plex, slskd, args, slsk_file)
        print(f"seeded fakes in {time.perf_counter() - began:.1f}s")
        from integrations.clients import slskd as slskd_client

        slskd_client.POLL_INTERVAL = 0.01
        for fake in (spotify, plex, slskd):
            fake.clear_requests()
        from downloads.autosync import cycle
        from downloads.autosync.triggers import trigger_manual
        from downloads.models import SyncRun

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        began = time.perf_counter()
        run = cycle.drive(trigger_manual())
        elapsed = time.perf_counter() - began
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        run = SyncRun.objects.get(pk=run.pk)
        print(
            f"run {run.pk}: {run.status}, wanted {run.counters.get('wanted')}, "
            f"in Plex {run.counters.get('in_plex')}, queued {run.downloads.count()}"
        )
        if run.errors:
            print(f"run errors: {run.errors}")
        print(f"one AutoSync cycle (start + plan + searches + queueing): {elapsed:.1f}s")
        plex_pages = len(plex.requests_to(r"/library/sections/\d+/all$"))
        print(
            f"upstream calls: spotify {len(spotify.requests)}, plex {len(plex.requests)} "
            f"(library pages: {plex_pages}), slskd {len(slskd.requests)}"
        )
        print(
            f"peak RSS {rss_after:.0f} MB (grew {rss_after - rss_before:.0f} MB during the cycle)"
        )


def _configure(spotify, plex, slskd, downloads: Path) -> None:
    from core.settings_store import write_system
    from tests.integrations.spotify.support import store_user_tokens

    os.environ.update(
        {
            "SPOTIFY_CLIENT_ID": spotify.client_id,
            "SPOTIFY_CLIENT_SECRET": spotify.client_secret,
            "SPOTIFY_REDIRECT_URI": "http://localhost/spotify/callback",
            "SPOTIFY_API_URL": spotify.api_url,
            "SPOTIFY_ACCOUNTS_URL": spotify.url,
            "PLEX_BASE_URL": plex.url,
            "PLEX_TOKEN": plex.token,
            "SLSKD_URL": slskd.url,
            "SLSKD_DOWNLOADS_DIR": str(downloads),
            "SOULSEEK_SEARCH_BUDGET": "100000",
            "SOULSEEK_SEARCH_MIN_GAP_SEC": "0",
            "scan_worker_incremental": "false",
        }
    )
    write_system("worker.autosync.next_run_at", "2999-01-01T00:00:00+00:00")
    store_user_tokens(spotify)


def _seed(spotify, plex, slskd, args, slsk_file) -> None:
    plex.add_section("Music")
    tracks = []
    for index in range(args.spotify):
        artist, album = f"Artist {index // 50}", f"Album {index // 10}"
        track = spotify.add_track(f"Song number {index}", artist, album)
        tracks.append(track)
        if index >= args.missing:
            plex.add_track(f"Song number {index}", artist, album)
    for index in range(args.plex - (args.spotify - args.missing)):
        plex.add_track(f"Other {index}", f"Library Artist {index // 100}", f"Disc {index // 10}")
    for chunk in range(0, len(tracks), 100):
        spotify.add_playlist(f"Playlist {chunk}", tracks[chunk : chunk + 100])
    for index in range(args.missing):
        slskd.add_search_result(
            f"song number {index}",
            f"peer{index % 7}",
            [
                slsk_file(
                    f"Music\\Artist {index // 50}\\Album {index // 10}\\01 - Song number {index}.mp3"
                )
            ],
        )


if __name__ == "__main__":
    main()
