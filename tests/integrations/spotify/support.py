"""Helpers shared by the Spotify tests: stored tokens, settings snapshots, request inspection."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from core.models import Setting
from core.settings_store import write_system
from core.timefmt import iso_z
from tests.fakes.base import RecordedRequest
from tests.fakes.spotify import FakeSpotify

REDIRECT_URI = "http://testserver/spotify/callback"


@dataclass
class StoredTokens:
    access: str
    refresh: str


def store_user_tokens(fake: FakeSpotify, *, expires_in: float = 3600) -> StoredTokens:
    """Store tokens as the callback would; `expires_in` is what Harmony believes."""
    tokens = StoredTokens(fake.issue_token(), fake.issue_refresh_token())
    write_system("SPOTIFY_ACCESS_TOKEN", tokens.access)
    write_system("SPOTIFY_REFRESH_TOKEN", tokens.refresh)
    expires = timezone.now() + timedelta(seconds=expires_in)
    write_system("SPOTIFY_TOKEN_EXPIRES_AT", iso_z(expires))
    return tokens


def stored(key: str) -> str | None:
    return Setting.objects.filter(key=key).values_list("value", flat=True).first()


def settings_snapshot() -> dict[str, str | None]:
    """Every settings row, to prove a failed request changed nothing."""
    return dict(Setting.objects.values_list("key", "value"))


def bearer(request: RecordedRequest) -> str:
    """The token a recorded request carried."""
    return (request.header("Authorization") or "").removeprefix("Bearer ")


def basic_pair(request: RecordedRequest) -> str:
    """`client_id:client_secret` of a token request's Basic auth header."""
    header = request.header("Authorization") or ""
    assert header.startswith("Basic "), header
    return base64.b64decode(header[6:]).decode()


def form(request: RecordedRequest) -> dict[str, str]:
    """The urlencoded body of a token request."""
    from urllib.parse import parse_qs

    return {k: v[0] for k, v in parse_qs(request.body.decode()).items()}


def api_calls(fake: FakeSpotify, path: str, method: str = "GET") -> list[RecordedRequest]:
    """Requests to a Web API path (regex after `/v1`)."""
    return fake.requests_to(rf"^/v1{path}$", method)
