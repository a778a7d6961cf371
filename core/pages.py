"""Server-rendered pages of core: the dashboard and the settings page (SPEC §10.1, §10.4).

Every page renders its first data with the JSON API itself (the same view, user and serializer,
called in-process) into a `json_script` block; the page's ES module then polls the API.
"""

from __future__ import annotations

import copy
import logging
import os
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from core import settings_store
from core.keys import KEYS, SEEDED, is_secret, mask

logger = logging.getLogger(__name__)

# Refresh intervals of SPEC §10 in milliseconds; HARMONY_UI_POLL_MS overrides all (tests).
POLL_DEFAULTS = {"status": 10_000, "activity": 10_000, "downloads": 15_000}

# Message ids used by the pages' JavaScript (static/js/*.js, `t("…")`); translated per request
# and handed to the scripts as JSON. tests/ui/test_i18n.py keeps this list complete.
JS_MESSAGES = (
    gettext_noop("+{count} more"),
    gettext_noop("Action failed"),
    gettext_noop("Actions"),
    gettext_noop("Active downloads"),
    gettext_noop("Active only"),
    gettext_noop("Add to watchlist"),
    gettext_noop("Add {name} to the watchlist"),
    gettext_noop("Added to the watchlist: {name}"),
    gettext_noop("Album"),
    gettext_noop("Artist already on the watchlist"),
    gettext_noop("Artists could not be loaded"),
    gettext_noop("AutoSync"),
    gettext_noop("Cancel"),
    gettext_noop("Cancel failed"),
    gettext_noop("Cancel {name}"),
    gettext_noop("Cancelled"),
    gettext_noop("Close"),
    gettext_noop("Compilation"),
    gettext_noop("Completed"),
    gettext_noop("Connect with Spotify"),
    gettext_noop("Connected"),
    gettext_noop("Connected as {name}"),
    gettext_noop("Could not add the artist"),
    gettext_noop("Could not remove the artist"),
    gettext_noop("Counters"),
    gettext_noop("Details"),
    gettext_noop("Download"),
    gettext_noop("Download blocked"),
    gettext_noop("Download cancelled"),
    gettext_noop("Download not started"),
    gettext_noop("Download restarted"),
    gettext_noop("Download started: {name}"),
    gettext_noop("Downloads are currently unavailable"),
    gettext_noop("Downloads could not be loaded"),
    gettext_noop("EP"),
    gettext_noop("Elapsed"),
    gettext_noop("Enable for sync: {title}"),
    gettext_noop("Enter a whole number from -1000 to 1000."),
    gettext_noop("Enter credentials in Settings"),
    gettext_noop("Error"),
    gettext_noop("Errors ({count})"),
    gettext_noop("Event time"),
    gettext_noop("Export failed"),
    gettext_noop("Failed"),
    gettext_noop("File name"),
    gettext_noop("History unavailable"),
    gettext_noop("ID {id}"),
    gettext_noop("Invalid priority"),
    gettext_noop("Last heartbeat"),
    gettext_noop("Last seen:"),
    gettext_noop("Loading …"),
    gettext_noop("Matches"),
    gettext_noop("Matching"),
    gettext_noop("Metadata"),
    gettext_noop("Missing settings:"),
    gettext_noop("Next attempt {when}"),
    gettext_noop("No active downloads"),
    gettext_noop("No activities for these filters"),
    gettext_noop("No activities of this type"),
    gettext_noop("No activities yet"),
    gettext_noop("No artists found"),
    gettext_noop("No artists on the watchlist"),
    gettext_noop("No changes to save"),
    gettext_noop("No changes yet"),
    gettext_noop("No connection information available"),
    gettext_noop("No data"),
    gettext_noop("No downloads match the search"),
    gettext_noop("No failed downloads in the current view"),
    gettext_noop("No releases available"),
    gettext_noop("No releases found"),
    gettext_noop("No worker information available"),
    gettext_noop("Not authorised yet: connect your Spotify account."),
    gettext_noop("Not configured (missing: {keys})"),
    gettext_noop("Not reachable: {reason}"),
    gettext_noop("Not set"),
    gettext_noop("On the watchlist"),
    gettext_noop("Open settings"),
    gettext_noop("Optional: {keys}"),
    gettext_noop("Page {page}"),
    gettext_noop("Page {page} of {pages}"),
    gettext_noop("Please enter the Soulseek user."),
    gettext_noop("Please enter the file path."),
    gettext_noop("Preferences could not be loaded"),
    gettext_noop("Preferences saved"),
    gettext_noop("Previous status"),
    gettext_noop("Priority"),
    gettext_noop("Priority not updated"),
    gettext_noop("Priority of {name}"),
    gettext_noop("Priority updated"),
    gettext_noop("Progress"),
    gettext_noop("Progress of {name}"),
    gettext_noop("Queue:"),
    gettext_noop("Queue empty {when}"),
    gettext_noop("Queued"),
    gettext_noop("Reason"),
    gettext_noop("Recent failures"),
    gettext_noop("Releases could not be loaded"),
    gettext_noop("Releases of {name}"),
    gettext_noop("Remove"),
    gettext_noop("Remove {name} from the watchlist"),
    gettext_noop("Removed from the watchlist: {name}"),
    gettext_noop("Request failed (HTTP {status})."),
    gettext_noop("Restart"),
    gettext_noop("Restart failed"),
    gettext_noop("Restart {name}"),
    gettext_noop("Restarted: {ok}, failed: {failed}"),
    gettext_noop("Retries exhausted"),
    gettext_noop("Running"),
    gettext_noop("Saving failed"),
    gettext_noop("Search"),
    gettext_noop("Searches in the window: {used} of {budget}"),
    gettext_noop("Show all"),
    gettext_noop("Single"),
    gettext_noop("Size must be a whole number of bytes."),
    gettext_noop("Sources"),
    gettext_noop("Spotify connected"),
    gettext_noop("Spotify connection failed"),
    gettext_noop("Spotify is not connected. Connect your account to see followed artists."),
    gettext_noop("Spotify not connected"),
    gettext_noop("Stale"),
    gettext_noop("Status"),
    gettext_noop("Status unavailable"),
    gettext_noop("Status unavailable: {reason}"),
    gettext_noop("Stopped"),
    gettext_noop("Sync already running"),
    gettext_noop("Sync blocked"),
    gettext_noop("Sync could not be started"),
    gettext_noop("Sync started"),
    gettext_noop("Synchronization"),
    gettext_noop("The activity feed is currently unavailable"),
    gettext_noop("The activity history could not be loaded"),
    gettext_noop("The server cannot be reached."),
    gettext_noop("This field is required."),
    gettext_noop("This function is not available (HTTP 404)."),
    gettext_noop("Threshold"),
    gettext_noop("Unknown"),
    gettext_noop("Watchlist"),
    gettext_noop("Waiting: {waiting} • running: {running}"),
    gettext_noop("Watchlist could not be loaded"),
    gettext_noop("Worker"),
    gettext_noop("{count} releases"),
    gettext_noop("{name} — new ID {id}"),
    gettext_noop("{n}d ago"),
    gettext_noop("{n}h ago"),
    gettext_noop("{n}m ago"),
    gettext_noop("{n}s ago"),
    gettext_noop("{service} settings not saved"),
    gettext_noop("{service} settings saved"),
    gettext_noop("✅ {service} connection successful"),
    gettext_noop("❌ {service} connection failed"),
    gettext_noop("❌ {service} connection failed — missing values: {keys}"),
)


def ui_strings() -> dict[str, str]:
    """The JavaScript messages in the request's language (English falls back to the ids)."""
    return {message: gettext(message) for message in JS_MESSAGES}


def poll_intervals() -> dict[str, int]:
    """Polling intervals for `data-poll-*`; `HARMONY_UI_POLL_MS` (setting or env) overrides."""
    override = getattr(settings, "HARMONY_UI_POLL_MS", None) or os.environ.get("HARMONY_UI_POLL_MS")
    try:
        value = int(override) if override else 0
    except (TypeError, ValueError):
        value = 0
    if value > 0:
        return dict.fromkeys(POLL_DEFAULTS, value)
    return dict(POLL_DEFAULTS)


def api_snapshot(request: HttpRequest, path: str, **params: Any) -> Any | None:
    """The JSON body `GET path?params` answers for this user, computed in-process.

    The page's first data thus comes from the API's own view, FilterSet and serializer. Returns
    None when the endpoint does not exist (yet) or fails; the page then fetches it itself and
    shows the error state.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return None
    sub = copy.copy(request)
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    sub.method = "GET"
    sub.path = sub.path_info = path
    sub.GET = QueryDict(query)
    sub.META = {**request.META, "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}
    sub.resolver_match = match
    try:
        response = match.func(sub, *match.args, **match.kwargs)
    except Exception:
        # The first data is an optimisation: the page loads it from the API and reports errors.
        logger.exception("initial data for %s failed", path)
        return None
    if response.status_code != 200:
        return None
    return getattr(response, "data", None)


def render_page(
    request: HttpRequest, template: str, active: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    """Render a page of the base layout with the JS messages and polling intervals."""
    base = {"active": active, "ui_strings": ui_strings(), "poll": poll_intervals()}
    return render(request, template, {**base, **(context or {})})


def dashboard(request: HttpRequest) -> HttpResponse:
    """`/ui/`: worker cards, connections, manual sync, downloads widget, activity feed."""
    initial = {
        "status": api_snapshot(request, "/status"),
        "activity": api_snapshot(request, "/api/activity", limit=50),
        "downloads": api_snapshot(request, "/api/downloads", limit=6),
        "failed": api_snapshot(request, "/api/downloads", status="failed", limit=3),
    }
    return render_page(request, "core/dashboard.html", "dashboard", {"initial": initial})


# Settings page (SPEC §10.4): the keys per tab, their labels and input kinds.

_TUNABLE_LABELS = {
    "sync_worker_concurrency": gettext_lazy("Parallel sync submissions"),
    "matching_worker_batch_size": gettext_lazy("Matching batch size"),
    "autosync_min_bitrate": gettext_lazy("Minimum bitrate (kbps)"),
    "autosync_preferred_formats": gettext_lazy("Preferred formats"),
    "matching_confidence_threshold": gettext_lazy("Matching confidence threshold"),
    "scan_worker_interval_seconds": gettext_lazy("Plex scan interval (seconds)"),
    "scan_worker_incremental": gettext_lazy("Incremental Plex scan"),
    "autosync_skip_threshold": gettext_lazy("Skip a track after failures"),
    "autosync_wait_timeout_seconds": gettext_lazy("AutoSync wait time (seconds)"),
}

SETTINGS_TABS: tuple[dict[str, Any], ...] = (
    {
        "id": "spotify",
        "label": "Spotify",
        "health": "spotify",
        "fields": (
            ("SPOTIFY_CLIENT_ID", gettext_lazy("Client ID"), None),
            ("SPOTIFY_CLIENT_SECRET", gettext_lazy("Client secret"), None),
            # Placeholder: this server's own callback URL (filled in per request).
            ("SPOTIFY_REDIRECT_URI", gettext_lazy("Redirect URI"), None),
        ),
    },
    {
        "id": "plex",
        "label": "Plex",
        "health": "plex",
        "fields": (
            ("PLEX_BASE_URL", gettext_lazy("Base URL"), "http://plex.local:32400"),
            ("PLEX_TOKEN", gettext_lazy("Token"), None),
            ("PLEX_LIBRARY", gettext_lazy("Library name"), "Music"),
        ),
    },
    {
        "id": "soulseek",
        "label": "Soulseek",
        "health": "soulseek",
        "fields": (
            ("SLSKD_URL", gettext_lazy("slskd URL"), "http://localhost:5030"),
            ("SLSKD_API_KEY", gettext_lazy("API key"), None),
        ),
    },
    {
        "id": "worker",
        "label": "Worker",
        "health": None,
        "fields": tuple((key.name, _TUNABLE_LABELS[key.name], key.default) for key in SEEDED),
    },
)

_INPUT_TYPES = {"int1": "number", "int0": "number", "threshold": "number", "float01": "number"}


def _field(key: str, label: Any, placeholder: str | None, values: dict[str, Any]) -> dict[str, Any]:
    """One form control of the settings page from the effective (masked) settings."""
    spec = KEYS.get(key)
    kind = spec.kind if spec else "str"
    secret = is_secret(key)
    value = values.get(key)
    if secret and value and not str(value).startswith("••••"):
        value = mask(str(value))  # the API masks already; a page must never depend on that alone
    return {
        "key": key,
        "id": "setting-" + key.lower().replace("_", "-"),
        "label": label,
        "secret": secret,
        # A secret is never put into the page: only its mask, as placeholder (T07).
        "value": None if secret else value,
        "placeholder": (value or gettext("Not set")) if secret else placeholder,
        "kind": kind,
        "input_type": "url" if kind == "url" else _INPUT_TYPES.get(kind, "text"),
        "min": {"int1": 1, "int0": 0, "threshold": 0, "float01": 0}.get(kind),
        "step": {"threshold": "0.01", "float01": "0.01"}.get(
            kind, "1" if kind in _INPUT_TYPES else ""
        ),
    }


def settings_page(request: HttpRequest) -> HttpResponse:
    """`/ui/settings`: credentials per service, worker tunables, connection tests, history."""
    body = api_snapshot(request, "/settings") or settings_store.effective_settings()
    values = body.get("settings", {})
    hints = {"SPOTIFY_REDIRECT_URI": request.build_absolute_uri("/spotify/callback")}
    tabs = [
        {
            **tab,
            "fields": [
                _field(key, label, hints.get(key, hint), values)
                for key, label, hint in tab["fields"]
            ],
        }
        for tab in SETTINGS_TABS
    ]
    spotify_result = request.GET.get("spotify")
    context = {
        "tabs": tabs,
        "spotify_result": spotify_result if spotify_result in ("connected", "error") else None,
        "initial": {"history": (api_snapshot(request, "/settings/history") or {}).get("history")},
    }
    return render_page(request, "core/settings.html", "settings", context)
