"""Benchmark of bulk library presence (SPEC §4.6) against a naive per-pair loop.

    python bench/bench_matching.py [--tracks 10000] [--library 50000] [--seed 7]

Synthetic, seeded data: a library of albums by a few thousand artists, and Spotify tracks
that are exact copies, re-release/featuring/diacritic/article/typo variants, other
versions (live, other part) or absent from the library. Prints wall-clock seconds, the cost
per (Spotify track, library track) pair for both approaches and the speed-up factor.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.engine import LibraryIndex, score_track_vs_plex

# fmt: off
SYLLABLES = (
    "ka", "ri", "mo", "na", "te", "lu", "so", "vi", "da", "ne", "ro", "mi", "ta", "lo", "be", "sa",
    "ku", "ze", "fa", "po", "ni", "ga", "ha", "ye", "wu", "an", "el", "or", "in", "ur", "ex", "al",
    "om",
)
# fmt: on
VARIANTS = (
    (0.35, "same"),
    (0.10, "remaster"),
    (0.05, "featuring"),
    (0.05, "diacritic"),
    (0.05, "article"),
    (0.05, "typo"),
    (0.05, "live"),
    (0.05, "part"),
    (0.25, "absent"),
)


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).capitalize()


def phrase(rng: random.Random, low: int, high: int) -> str:
    return " ".join(word(rng) for _ in range(rng.randint(low, high)))


def make_library(rng: random.Random, size: int) -> list[dict[str, Any]]:
    """Albums of 8–14 tracks by `size // 10` artists (some with a leading "The")."""
    artists = [
        ("The " if rng.random() < 0.15 else "") + phrase(rng, 1, 2) for _ in range(size // 10)
    ]
    library: list[dict[str, Any]] = []
    while len(library) < size:
        artist, album = rng.choice(artists), phrase(rng, 1, 3)
        for number in range(rng.randint(8, 14)):
            title = phrase(rng, 1, 4) + (f", Pt. {number % 3 + 1}" if rng.random() < 0.03 else "")
            library.append(
                {
                    "ratingKey": str(len(library)),
                    "title": title,
                    "grandparentTitle": artist,
                    "parentTitle": album,
                    "duration": rng.randint(120, 420) * 1000,
                }
            )
    return library[:size]


def make_spotify(rng: random.Random, library: list[dict[str, Any]], size: int) -> list[dict]:
    kinds, weights = zip(*((kind, weight) for weight, kind in VARIANTS), strict=True)
    tracks = []
    for i in range(size):
        source = rng.choice(library)
        title, artist = source["title"], source["grandparentTitle"]
        kind = rng.choices(kinds, weights)[0]
        if kind == "remaster":
            title += " - Remastered 2011"
        elif kind == "featuring":
            title += f" (feat. {phrase(rng, 1, 2)})"
        elif kind == "diacritic":
            title = title.replace("a", "á", 1).replace("e", "é", 1)
        elif kind == "article":
            artist = artist[4:] if artist.startswith("The ") else "The " + artist
        elif kind == "typo" and len(title) > 6:
            title = title[:3] + title[4:]
        elif kind == "live":
            title += " - Live"
        elif kind == "part":
            title += ", Pt. 7"
        elif kind == "absent":
            title = phrase(rng, 1, 4)
            if rng.random() < 0.5:
                artist = phrase(rng, 1, 2)
        tracks.append(
            {
                "id": f"sp{i}",
                "name": title,
                "artists": [{"name": artist}],
                "album": {"name": source["parentTitle"]},
                "duration_ms": source["duration"] + rng.choice((0, 1500, 4000)),
            }
        )
    return tracks


def naive(spotify: list[dict], library: list[dict]) -> int:
    """Every pair scored with the public §4.2 function; returns the number found present."""
    present = 0
    for track in spotify:
        best = max(
            (
                s.confidence
                for c in library
                if (s := score_track_vs_plex(track, c)).artist and s.artist >= 0.85
            ),
            default=0.0,
        )
        present += best >= 0.85
    return present


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--library", type=int, default=50_000)
    parser.add_argument("--naive-tracks", type=int, default=500)
    parser.add_argument("--naive-library", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    library = make_library(rng, args.library)
    spotify = make_spotify(rng, library, args.tracks)

    started = time.perf_counter()
    index = LibraryIndex.build(library)
    built = time.perf_counter()
    results = index.find(spotify)
    bulk_seconds = time.perf_counter() - started
    build_seconds = built - started
    methods = {m: sum(r.method == m for r in results) for m in ("exact", "fuzzy", "none")}

    sample_library = rng.sample(library, args.naive_library)
    sample_spotify = spotify[: args.naive_tracks]
    started = time.perf_counter()
    naive_present = naive(sample_spotify, sample_library)
    naive_seconds = time.perf_counter() - started

    bulk_pairs = args.tracks * args.library
    naive_pairs = args.naive_tracks * args.naive_library
    bulk_ns = bulk_seconds / bulk_pairs * 1e9
    naive_ns = naive_seconds / naive_pairs * 1e9
    print(
        f"bulk:  {args.tracks:,} Spotify × {args.library:,} library tracks: "
        f"{bulk_seconds:.2f} s (index build {build_seconds:.2f} s), "
        f"{bulk_ns:.3f} ns per pair; results by method {methods}"
    )
    print(
        f"naive: {args.naive_tracks:,} × {args.naive_library:,} pairs in {naive_seconds:.2f} s, "
        f"{naive_ns:,.0f} ns per pair ({naive_present} present)"
    )
    print(
        f"speed-up per pair: {naive_ns / bulk_ns:,.0f}×; the naive loop would need "
        f"{naive_ns * bulk_pairs / 1e9 / 3600:.1f} h for the full {bulk_pairs:,} pairs"
    )


if __name__ == "__main__":
    main()
