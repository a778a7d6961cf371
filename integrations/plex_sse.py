"""The `/plex/notifications` Server-Sent Events relay (SPEC §2.7).

One reader thread per stream reads Plex's `/:/eventsource/notifications` and hands complete
events to the response iterator, which re-emits them as `event: <name>` / `data: <json>` and
writes a comment keep-alive whenever nothing was sent for `KEEPALIVE_SECONDS`. Any upstream
failure (refused, 4xx/5xx, hang-up, oversized event) ends the stream with one `event: error`.

Closing the response (the WSGI server does so when the browser goes away and the next
keep-alive cannot be written) shuts the upstream socket down, which ends the reader thread;
the thread frees its slot last, so `active_streams()` counts streams that still hold resources.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import socket
import threading
from collections.abc import Iterator
from typing import Any

import requests
import urllib3

from core.errors import HarmonyError, ServiceUnavailable
from integrations.clients.plex import PlexClient

logger = logging.getLogger(__name__)

MAX_STREAMS = 4
KEEPALIVE_SECONDS = 15.0
# Plex pings its streams; an upstream silent for this long is treated as dead.
UPSTREAM_IDLE_SECONDS = 120.0
MAX_EVENT_BYTES = 1024 * 1024
QUEUE_SIZE = 256
READ_CHUNK = 16 * 1024

_slots_lock = threading.Lock()
_active = 0
_CLOSED = object()


def active_streams() -> int:
    """Streams of this process that still hold a slot (an upstream connection or its thread)."""
    with _slots_lock:
        return _active


def _take_slot() -> bool:
    global _active
    with _slots_lock:
        if _active >= MAX_STREAMS:
            return False
        _active += 1
        return True


def _free_slot() -> None:
    global _active
    with _slots_lock:
        _active = max(0, _active - 1)


def format_event(name: str, data: Any) -> bytes:
    """One SSE frame: `event: <name>` / `data: <json>`."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def open_relay(client: PlexClient) -> NotificationRelay:
    """Reserve one of the `MAX_STREAMS` slots; the 5th concurrent stream is a 503."""
    if not _take_slot():
        raise ServiceUnavailable(
            f"Too many Plex notification streams (at most {MAX_STREAMS} at once)"
        )
    return NotificationRelay(client)


class _EventParser:
    """Incremental `text/event-stream` parser (WHATWG SSE: `event`, `data`, comments)."""

    def __init__(self) -> None:
        self.buffer = b""
        self.name = ""
        self.data: list[str] = []
        self.size = 0

    def feed(self, chunk: bytes) -> Iterator[tuple[str, str]]:
        """Complete events in `chunk`; ValueError when one exceeds `MAX_EVENT_BYTES` (T32)."""
        self.buffer += chunk
        while (index := self.buffer.find(b"\n")) >= 0:
            line, self.buffer = self.buffer[:index].rstrip(b"\r"), self.buffer[index + 1 :]
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                yield event
        if self.size + len(self.buffer) > MAX_EVENT_BYTES:
            raise ValueError("event too large")

    def _line(self, line: str) -> tuple[str, str] | None:
        if not line:
            event = (self.name or "message", "\n".join(self.data)) if self.data else None
            self.name, self.data, self.size = "", [], 0
            return event
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            self.name = value
        elif field == "data":
            self.size += len(value)
            if self.size > MAX_EVENT_BYTES:
                raise ValueError("event too large")
            self.data.append(value)
        return None


class NotificationRelay:
    """The iterator a `StreamingHttpResponse` streams; `close()` is idempotent."""

    def __init__(self, client: PlexClient) -> None:
        self.client = client
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_SIZE)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.upstream: requests.Response | None = None
        self.thread: threading.Thread | None = None
        self.finished = False
        self.released = False

    def __iter__(self) -> NotificationRelay:
        return self

    def __next__(self) -> bytes:
        if self.finished:
            raise StopIteration
        if self.thread is None:
            with self.lock:
                if self.stop.is_set():
                    raise StopIteration
                self.thread = threading.Thread(
                    target=self._read, name="plex-sse-relay", daemon=True
                )
                self.thread.start()
            # A first frame at once: browsers and proxies see the stream open.
            return b": connected\n\n"
        try:
            item = self.queue.get(timeout=KEEPALIVE_SECONDS)
        except queue.Empty:
            return b": keep-alive\n\n"
        if item is _CLOSED:
            self.finished = True
            self.close()
            raise StopIteration
        return item

    def close(self) -> None:
        """Client gone or stream over: stop the reader, drop the upstream connection."""
        with self.lock:
            self.stop.set()
            upstream, started = self.upstream, self.thread is not None
            if not started and not self.released:
                # The reader never ran, so nobody else frees the slot.
                self.released = True
                _free_slot()
        if upstream is not None:
            _wake(upstream)

    # Reader thread

    def _read(self) -> None:
        try:
            self._relay()
        except HarmonyError as exc:
            self._fail(str(exc.detail))
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
            self._fail("plex: connection broken")
        except ValueError as exc:
            self._fail(f"plex: {exc}")
        except Exception:
            logger.exception("plex notification relay crashed")
            self._fail("plex notification relay failed")
        finally:
            with self.lock:
                upstream, self.upstream = self.upstream, None
            if upstream is not None:
                _hang_up(upstream)
            self.client.http.session.close()
            self._offer(_CLOSED)
            with self.lock:
                self.released = True
            _free_slot()

    def _relay(self) -> None:
        upstream = self.client.open_notifications()
        with self.lock:
            if self.stop.is_set():
                _hang_up(upstream)
                return
            self.upstream = upstream
        _set_idle_timeout(upstream)
        parser = _EventParser()
        while not self.stop.is_set():
            chunk = upstream.raw.read1(READ_CHUNK, decode_content=True)
            if not chunk:
                if not self.stop.is_set():
                    self._fail("plex closed the notification stream")
                return
            for name, data in parser.feed(chunk):
                try:
                    payload = json.loads(data) if data else {}
                except ValueError:
                    logger.warning("skipping a Plex notification %r without JSON data", name)
                    continue
                if not self._offer(format_event(name, payload)):
                    return

    def _fail(self, message: str) -> None:
        if not self.stop.is_set():
            self._offer(format_event("error", {"message": message}))

    def _offer(self, item: Any) -> bool:
        """Queue for the response; a client that stopped reading must not block us forever."""
        while True:
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                if self.stop.is_set():
                    return False


def _set_idle_timeout(upstream: requests.Response) -> None:
    """After the headers, wait for events longer than the per-call timeout."""
    sock = _socket_of(upstream)
    if sock is None:
        logger.warning("cannot reach the Plex notification socket; idle timeout unchanged")
        return
    sock.settimeout(UPSTREAM_IDLE_SECONDS)


def _socket_of(upstream: requests.Response) -> socket.socket | None:
    """The stream's socket: on the connection, or on the response when Plex closes after it.

    (`http.client` hands the socket over to the response for `Connection: close` answers.)
    """
    sock = getattr(getattr(upstream.raw, "connection", None), "sock", None)
    if sock is None:
        buffered = getattr(getattr(upstream.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(buffered, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _wake(upstream: requests.Response) -> None:
    """Wake the reader blocked in `recv` (it closes the connection itself)."""
    shutdown = getattr(upstream.raw, "shutdown", None)
    if shutdown is None:
        # urllib3 before 2.3 cannot shut a socket down from another thread: close it instead.
        _close(upstream)
        return
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        shutdown()


def _hang_up(upstream: requests.Response) -> None:
    """Shut the upstream socket down and release the connection (the peer sees it close)."""
    _wake(upstream)
    _close(upstream)


def _close(upstream: requests.Response) -> None:
    try:
        upstream.close()
    except Exception:  # closing a half-dead socket must not fail the caller
        logger.debug("closing the Plex notification stream failed", exc_info=True)
