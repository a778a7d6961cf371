"""Aggregated search over Spotify, Plex and Soulseek (SPEC §3).

`request` (validation), `sources` (one per upstream), `candidates` (normalisation),
`fanout` (concurrency and time budget), `ranking` (filters, scores, order, paging),
`service` (the whole request with its events).
"""

from __future__ import annotations

from matching.search.request import SearchRequest, build_request
from matching.search.service import AllSourcesFailed, run_search

__all__ = ["AllSourcesFailed", "SearchRequest", "build_request", "run_search"]
