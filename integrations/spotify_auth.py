"""Spotify authorisation: credentials, the OAuth authorization-code flow and the token store
(SPEC §2.6, §9.2, CONTRACT §4, RELIABILITY T36).

User tokens live in the settings table (`SPOTIFY_ACCESS_TOKEN`, `SPOTIFY_REFRESH_TOKEN`,
`SPOTIFY_TOKEN_EXPIRES_AT`, written with `write_system`). They are refreshed 60 s before expiry
and after a 401, exactly once per expiry: threads of one process queue on a lock, processes on
the `spotify:token-refresh` lease, and every waiter re-reads the store before refreshing itself.
No network call runs inside a database transaction (T56). Client-credentials tokens for the
"app" endpoints are cached in process memory only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from core import config
from core.errors import HarmonyError, MissingCredentials, UpstreamError
from core.keys import CREDENTIALS
from core.settings_store import write_system
from core.timefmt import iso_z
from core.workers import leases
from integrations.clients.spotify import SERVICE, Bearer, SpotifyClient, pooled

logger = logging.getLogger(__name__)

ACCESS, REFRESH, EXPIRES = (
    "SPOTIFY_ACCESS_TOKEN",
    "SPOTIFY_REFRESH_TOKEN",
    "SPOTIFY_TOKEN_EXPIRES_AT",
)
EARLY_REFRESH = 60.0  # seconds before expiry (SPEC §9.2)
REFRESH_LEASE = "spotify:token-refresh"
LEASE_POLL = 0.05
STATE_KEY = "spotify_oauth_state"
STATE_TTL = 600.0  # the `state` of `/spotify/login` is valid for 10 minutes
USER_LABEL = "user access token (SPOTIFY_ACCESS_TOKEN / SPOTIFY_REFRESH_TOKEN)"
APP_LABEL = "client credentials token (SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET)"
USER_AUTH_REQUIRED = "Spotify user authorisation required (open /spotify/login)"

_KEYS = ("SPOTIFY_SCOPE", "SPOTIFY_API_URL", "SPOTIFY_ACCOUNTS_URL", "UPSTREAM_TIMEOUT_SEC")

_refresh_lock = threading.Lock()
_app_lock = threading.Lock()
_app_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
# Refresh tokens Spotify answered `invalid_grant` for: never tried again by this process, even
# when the value keeps coming from an environment variable (no retry loop, T36).
_rejected: set[str] = set()


@dataclass(frozen=True)
class SpotifySettings:
    """The effective Spotify configuration, read at use time (SPEC §7.1)."""

    client_id: str
    client_secret: str
    redirect_uri: str
    scope: str
    api_url: str
    accounts_url: str
    timeout: float


def load_settings() -> SpotifySettings:
    """Effective settings (one query); missing credentials → 503 with the missing keys (§2.0)."""
    required, _optional = CREDENTIALS["spotify"]
    values = config.get_many([*required, *_KEYS])
    missing = [key for key in required if not (values[key] or "").strip()]
    if missing:
        raise MissingCredentials({"spotify": missing}, "Spotify credentials missing")
    try:
        timeout = max(1.0, float(values["UPSTREAM_TIMEOUT_SEC"] or 10))
    except ValueError:
        timeout = 10.0
    return SpotifySettings(
        client_id=values["SPOTIFY_CLIENT_ID"] or "",
        client_secret=values["SPOTIFY_CLIENT_SECRET"] or "",
        redirect_uri=values["SPOTIFY_REDIRECT_URI"] or "",
        scope=values["SPOTIFY_SCOPE"] or "",
        api_url=values["SPOTIFY_API_URL"] or "",
        accounts_url=values["SPOTIFY_ACCOUNTS_URL"] or "",
        timeout=timeout,
    )


@dataclass(frozen=True)
class TokenGrant:
    """An answer of `POST /api/token`."""

    access_token: str
    expires_in: int
    refresh_token: str | None = None


class InvalidGrant(UpstreamError):
    """Spotify refused an authorization code or refresh token (`invalid_grant`)."""

    def __init__(self) -> None:
        super().__init__(SERVICE, "Spotify refused the authorisation grant (invalid_grant)")


class SpotifyAccounts:
    """The Spotify Accounts service: `/authorize` and `POST /api/token` with Basic auth (§9.2)."""

    def __init__(self, settings: SpotifySettings) -> None:
        self.settings = settings
        self.http = pooled(settings.accounts_url)
        pair = f"{settings.client_id}:{settings.client_secret}".encode()
        self._basic = "Basic " + base64.b64encode(pair).decode("ascii")

    def authorize_url(self, state: str) -> str:
        query = {
            "client_id": self.settings.client_id,
            "response_type": "code",
            "redirect_uri": self.settings.redirect_uri,
            "scope": self.settings.scope,
            "state": state,
        }
        return f"{self.http.base_url}/authorize?{urlencode(query)}"

    def exchange_code(self, code: str) -> TokenGrant:
        redirect = self.settings.redirect_uri
        return self._token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
        )

    def refresh(self, refresh_token: str) -> TokenGrant:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def client_credentials(self) -> TokenGrant:
        return self._token({"grant_type": "client_credentials"})

    def _token(self, form: dict[str, str]) -> TokenGrant:
        response = self.http.request(
            "POST",
            "/api/token",
            data=form,
            headers={"Authorization": self._basic},
            timeout=self.settings.timeout,
            ok=(400, 401, 403),
        )
        body = response.json()
        body = body if isinstance(body, dict) else {}
        if response.status != 200:
            if body.get("error") == "invalid_grant":
                raise InvalidGrant()
            if body.get("error") == "invalid_client" or response.status in (401, 403):
                raise UpstreamError(
                    SERVICE,
                    "Spotify rejected the client credentials "
                    f"(SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET, HTTP {response.status})",
                    upstream_status=response.status,
                )
            raise UpstreamError(SERVICE, f"Spotify token request failed (HTTP {response.status})")
        token, expires = body.get("access_token"), body.get("expires_in", 3600)
        refresh = body.get("refresh_token")
        valid_expiry = isinstance(expires, int | float) and not isinstance(expires, bool)
        if not isinstance(token, str) or not token or not valid_expiry or expires <= 0:
            raise UpstreamError(SERVICE, "spotify: unexpected response from /api/token")
        return TokenGrant(token, int(expires), refresh if isinstance(refresh, str) else None)


@dataclass(frozen=True)
class UserTokens:
    """The stored user tokens, as effective settings."""

    access: str | None
    refresh: str | None
    expires_at: datetime | None

    @classmethod
    def read(cls) -> UserTokens:
        values = config.get_many([ACCESS, REFRESH, EXPIRES])
        refresh = values[REFRESH]
        if refresh and _fingerprint(refresh) in _rejected:
            return cls(None, None, None)
        try:
            expires = datetime.fromisoformat(values[EXPIRES]) if values[EXPIRES] else None
        except ValueError:
            expires = None
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return cls(values[ACCESS], refresh, expires)

    def usable(self, stale: str | None) -> bool:
        """An access token that is not the one just rejected and not about to expire."""
        if not self.access or self.access == stale:
            return False
        if self.expires_at is None:
            return True  # stored by hand without expiry: valid until a 401 says otherwise
        return self.expires_at - timedelta(seconds=EARLY_REFRESH) > timezone.now()


class SpotifyTokens:
    """Bearer tokens for `SpotifyClient`: the user token (refreshed transparently) or the
    client-credentials token (CONTRACT §4)."""

    def __init__(self, settings: SpotifySettings) -> None:
        self.settings = settings
        self.accounts = SpotifyAccounts(settings)
        self._user: UserTokens | None = None
        self._no_user = False

    @classmethod
    def from_config(cls) -> SpotifyTokens:
        return cls(load_settings())

    def bearer(self, kind: str, stale: str | None = None) -> Bearer:
        """A token for a "user" or "app" call; `stale` is a token Spotify just answered 401 to."""
        user = self.user_token(stale)
        if user is not None:
            return Bearer(user, USER_LABEL)
        if kind == "user":
            raise MissingCredentials({"spotify": [REFRESH]}, USER_AUTH_REQUIRED)
        return Bearer(self.app_token(stale), APP_LABEL)

    def user_token(self, stale: str | None = None) -> str | None:
        """The user's access token, refreshed when needed; None without user authorisation."""
        if self._user is not None and self._user.usable(stale):
            return self._user.access
        if self._no_user and stale is None:
            return None  # already looked during this client's life (one request, one cycle)
        tokens = UserTokens.read()
        if tokens.usable(stale):
            self._user = tokens
            return tokens.access
        if not tokens.refresh:
            self._no_user = True
            return None
        return self._refresh(stale)

    def _refresh(self, stale: str | None) -> str | None:
        with _refresh_lock:  # threads of this process wait here and reuse the winner's token
            tokens = self._wait_for_lease(stale)
            if tokens.usable(stale):
                self._user = tokens
                return tokens.access
            try:
                tokens = UserTokens.read()  # re-read under the lease: another process may be done
                if tokens.usable(stale):
                    self._user = tokens
                    return tokens.access
                if not tokens.refresh:
                    return None
                try:
                    grant = self.accounts.refresh(tokens.refresh)
                except InvalidGrant:
                    forget_user_tokens(tokens.refresh)
                    return None
                self._user = store_grant(grant)
                return grant.access_token
            finally:
                leases.release(REFRESH_LEASE)

    def _wait_for_lease(self, stale: str | None) -> UserTokens:
        """Take the refresh lease, or return the token another process refreshed meanwhile."""
        ttl = self.settings.timeout + 5
        deadline = time.monotonic() + ttl
        while not leases.acquire(REFRESH_LEASE, ttl):
            tokens = UserTokens.read()
            if tokens.usable(stale):
                return tokens
            if time.monotonic() > deadline:
                raise UpstreamError(SERVICE, "spotify: token refresh by another process timed out")
            time.sleep(LEASE_POLL)
        return UserTokens(None, None, None)

    def app_token(self, stale: str | None = None) -> str:
        """The client-credentials token: one per process, never persisted (SPEC §9.2)."""
        s = self.settings
        key = (s.accounts_url, s.client_id, _fingerprint(s.client_secret))
        with _app_lock:
            cached = _app_tokens.get(key)
            if cached and cached[0] != stale and cached[1] - EARLY_REFRESH > time.time():
                return cached[0]
            grant = self.accounts.client_credentials()
            _app_tokens[key] = (grant.access_token, time.time() + grant.expires_in)
            return grant.access_token


def store_grant(grant: TokenGrant) -> UserTokens:
    """Persist a token answer; a rotated refresh token replaces the old one (T36)."""
    expires = timezone.now() + timedelta(seconds=grant.expires_in)
    with transaction.atomic():
        if grant.refresh_token:
            write_system(REFRESH, grant.refresh_token)
        write_system(EXPIRES, iso_z(expires))
        write_system(ACCESS, grant.access_token)
    return UserTokens(grant.access_token, grant.refresh_token, expires)


def forget_user_tokens(refresh: str) -> None:
    """`invalid_grant`: clear the stored user tokens; the user has to log in again (T36)."""
    logger.warning("Spotify refused the stored refresh token (invalid_grant); log in again")
    _rejected.add(_fingerprint(refresh))
    with transaction.atomic():
        for key in (ACCESS, REFRESH, EXPIRES):
            write_system(key, None)


def has_user_authorisation() -> bool:
    """A user token is stored (it may still turn out to be revoked)."""
    tokens = UserTokens.read()
    return bool(tokens.refresh or tokens.access)


def reset_process_state() -> None:
    """Forget the in-memory token caches (tests, and after new credentials are stored)."""
    with _app_lock:
        _app_tokens.clear()
    _rejected.clear()


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# OAuth authorization-code flow (CONTRACT §4)


def begin_login(session: Any) -> str:
    """Remember a random `state` in the session for 10 minutes; the authorize URL to go to."""
    accounts = SpotifyAccounts(load_settings())
    state = secrets.token_urlsafe(32)
    session[STATE_KEY] = {"value": state, "expires": time.time() + STATE_TTL}
    return accounts.authorize_url(state)


def state_matches(session: Any, state: Any) -> bool:
    """Check and consume the session's `state` (single use, constant-time comparison)."""
    saved = session.pop(STATE_KEY, None)
    if not isinstance(saved, dict) or not isinstance(state, str) or not state:
        return False
    expected = saved.get("value")
    if not isinstance(expected, str) or float(saved.get("expires") or 0) < time.time():
        return False
    return hmac.compare_digest(expected.encode(), state.encode())


def complete_login(code: str) -> None:
    """Exchange the authorization code and store the user's tokens."""
    grant = SpotifyAccounts(load_settings()).exchange_code(code)
    if not grant.refresh_token:
        raise UpstreamError(SERVICE, "spotify: token answer without a refresh token")
    store_grant(grant)


def connection_status() -> dict[str, Any]:
    """`GET /spotify/status`: never raises (SPEC §2.0: the probe reports instead of 502/503)."""
    missing = config.missing_credentials("spotify")
    if missing:
        return {"status": "unconfigured", "missing": missing}
    try:
        tokens = SpotifyTokens.from_config()
        client = SpotifyClient(tokens.settings.api_url, tokens, tokens.settings.timeout)
        if has_user_authorisation():
            try:
                profile = client.me()
            except MissingCredentials:
                pass  # Spotify revoked the refresh token just now: only the app token is left
            else:
                user = {"id": profile.get("id"), "display_name": profile.get("display_name")}
                return {"status": "connected", "user": user}
        tokens.app_token()
    except HarmonyError as exc:
        return {"status": "disconnected", "error": _message(exc)}
    return {"status": "unauthenticated"}


def _message(exc: HarmonyError) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        detail = detail.get("message") or detail
    return str(detail)
