"""A small threaded HTTP server that fake upstreams build on (STYLE.md §6).

Every fake runs a real ``ThreadingHTTPServer`` on ``127.0.0.1`` with a random port, records each
request it receives and can inject faults at runtime (down, slow, 5xx, 429, malformed bodies,
fixed latency), so tests exercise Harmony's real HTTP clients without patching ``requests``.
"""

from __future__ import annotations

import contextlib
import json
import re
import select
import socket
import struct
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from requests.structures import CaseInsensitiveDict

FaultKind = Literal["down", "slow", "status500", "rate_limit", "malformed"]
HandlerT = TypeVar("HandlerT", bound=Callable[..., Any])


@dataclass
class RecordedRequest:
    """One request as the fake received it; ``params`` holds the decoded route groups."""

    method: str
    path: str
    raw_path: str
    query: dict[str, list[str]]
    headers: CaseInsensitiveDict[str]
    body: bytes
    json: Any = None
    params: dict[str, str] = field(default_factory=dict)
    fault: str | None = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str | None = None) -> str | None:
        """Header value, case-insensitive."""
        return self.headers.get(name, default)


class Stream:
    """Write side of a streaming response (SSE, slow drip); knows when to give up."""

    def __init__(self, handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        self._handler = handler
        self._stopping = stopping

    def write(self, data: bytes) -> bool:
        """Send ``data`` now; False when the client is gone or the server is stopping."""
        if self._stopping.is_set():
            return False
        try:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()
        except OSError:
            return False
        return True

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False when the server stops or the client disconnected."""
        if self._stopping.wait(seconds):
            return False
        return not self.client_gone()

    def client_gone(self) -> bool:
        """True when the peer closed its end (a readable socket that yields no bytes)."""
        sock: socket.socket = self._handler.connection
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True


@dataclass
class Response:
    """What a route handler returns; ``stream`` (if set) writes the body itself."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Callable[[Stream], None] | None = None


class Abort(Exception):
    """Raised inside a handler to answer with ``response`` at once (validation errors)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON body with ``Content-Type: application/json``."""
    body = json.dumps(data).encode()
    return Response(status, body, {"Content-Type": "application/json", **(headers or {})})


def text_response(
    text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    """A text body with the given content type."""
    return Response(status, text.encode(), {"Content-Type": content_type})


def empty_response(status: int = 200) -> Response:
    """No body at all."""
    return Response(status)


def route(method: str, pattern: str, *, exclusive: bool = True) -> Callable[[HandlerT], HandlerT]:
    """Bind a handler to ``method`` and a full-match regex over the raw (encoded) path.

    Named groups are URL-decoded into ``RecordedRequest.params``. ``exclusive`` handlers run
    under the fake's lock; streaming or deliberately concurrent handlers opt out.
    """

    def decorate(fn: HandlerT) -> HandlerT:
        routes = [*getattr(fn, "_fake_routes", []), (method.upper(), pattern, exclusive)]
        fn._fake_routes = routes  # type: ignore[attr-defined]
        return fn

    return decorate


@dataclass
class Fault:
    """An injected failure; ``remaining`` counts down to removal (None: until cleared)."""

    kind: FaultKind
    path: re.Pattern[str] | None = None
    method: str | None = None
    remaining: int | None = None
    seconds: float = 0.0
    retry_after: int = 1
    variant: str = "json"
    status: int = 500

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        if self.method and self.method != method:
            return False
        return self.path is None or self.path.search(path) is not None


@dataclass
class _Route:
    method: str
    regex: re.Pattern[str]
    handler: Callable[[RecordedRequest], Response]
    exclusive: bool


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close so a stopped fake leaves no thread behind.
    daemon_threads = False
    block_on_close = True
    fake: FakeServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # Bounds how long a silent client can hold a handler thread (and stop()).
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _handle(self) -> None:
        self.server.fake._dispatch(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class FakeServer:
    """Base class: lifecycle, routing, request log and fault injection for one fake upstream."""

    name = "fake"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.errors: list[str] = []
        self.latency = 0.0
        self._faults: list[Fault] = []
        self._routes = self._collect_routes()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        """Bind a free port and serve in a daemon thread."""
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Interrupt slow/streaming handlers, stop accepting and join every thread."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Request log

    def requests_to(self, path_regex: str, method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose decoded path matches ``path_regex`` (``re.search``)."""
        pattern = re.compile(path_regex)
        with self.lock:
            return [
                r
                for r in self.requests
                if pattern.search(r.path) and (method is None or r.method == method.upper())
            ]

    def clear_requests(self) -> None:
        """Forget every recorded request."""
        with self.lock:
            self.requests.clear()

    # Faults

    def add_fault(self, fault: Fault) -> Fault:
        """Register a fault; later requests matching it fail accordingly."""
        with self.lock:
            self._faults.append(fault)
        return fault

    def set_down(
        self, path: str | None = None, *, method: str | None = None, count: int | None = None
    ) -> Fault:
        """Close connections without answering (``requests`` raises ConnectionError)."""
        return self.add_fault(Fault("down", _compile(path), _upper(method), count))

    def set_slow(
        self,
        seconds: float,
        path: str | None = None,
        *,
        method: str | None = None,
        count: int | None = None,
    ) -> Fault:
        """Delay answers by ``seconds`` (cut short by ``stop()``)."""
        return self.add_fault(Fault("slow", _compile(path), _upper(method), count, seconds=seconds))

    def set_status500(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        count: int | None = None,
        status: int = 500,
    ) -> Fault:
        """Answer with a server error (``status``, default 500)."""
        fault = Fault("status500", _compile(path), _upper(method), count, status=status)
        return self.add_fault(fault)

    def set_rate_limit(
        self,
        count: int = 1,
        retry_after: int = 1,
        path: str | None = None,
        *,
        method: str | None = None,
    ) -> Fault:
        """Answer the next ``count`` matching requests with 429 and ``Retry-After``."""
        fault = Fault("rate_limit", _compile(path), _upper(method), count, retry_after=retry_after)
        return self.add_fault(fault)

    def set_malformed(
        self,
        variant: Literal["json", "html"] = "json",
        path: str | None = None,
        *,
        method: str | None = None,
        count: int | None = None,
    ) -> Fault:
        """Answer 200 with a broken JSON body or an HTML page."""
        fault = Fault("malformed", _compile(path), _upper(method), count, variant=variant)
        return self.add_fault(fault)

    def set_latency(self, seconds: float) -> None:
        """Fixed delay before every answer (benchmarks)."""
        self.latency = seconds

    def clear_faults(self, kind: FaultKind | None = None) -> None:
        """Remove every fault, or only those of ``kind``."""
        with self.lock:
            self._faults = [f for f in self._faults if kind is not None and f.kind != kind]

    def number(self, value: Any, default: float = 0, *, kind: type = int) -> Any:
        """``kind(value)`` (``default`` for None/""), or the upstream's 400 for garbage."""
        if value is None or value == "":
            return kind(default)
        try:
            return kind(value)
        except (TypeError, ValueError) as exc:
            raise Abort(self.error_response(400, f"Invalid number: {value!r}")) from exc

    # Hooks for subclasses

    def authorize(self, request: RecordedRequest) -> Response | None:
        """Return a response to reject the request, or None to let it through."""
        return None

    def error_response(self, status: int, message: str) -> Response:
        """Error body in the upstream's own format."""
        return json_response({"error": message}, status)

    # Internals

    def _collect_routes(self) -> list[_Route]:
        routes: list[_Route] = []
        seen: set[str] = set()
        for cls in type(self).__mro__:
            for attr, value in vars(cls).items():
                if attr in seen or not hasattr(value, "_fake_routes"):
                    continue
                seen.add(attr)
                for method, pattern, exclusive in value._fake_routes:
                    handler = getattr(self, attr)
                    routes.append(_Route(method, re.compile(pattern), handler, exclusive))
        return routes

    def _take_faults(self, request: RecordedRequest) -> list[Fault]:
        # Delays and drops always apply; of the faults that answer, the oldest one wins.
        with self.lock:
            hits: list[Fault] = []
            answered = False
            for fault in self._faults:
                if not fault.matches(request.method, request.path):
                    continue
                if fault.kind in ("status500", "rate_limit", "malformed"):
                    if answered:
                        continue
                    answered = True
                hits.append(fault)
            for fault in hits:
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
            return hits

    def _dispatch(self, handler: _Handler) -> None:
        request = _read_request(handler)
        matched, path_known = None, False
        for candidate in self._routes:
            match = candidate.regex.fullmatch(request.raw_path)
            if match is None:
                continue
            path_known = True
            if candidate.method == request.method:
                matched = candidate
                request.params = {k: unquote(v) for k, v in match.groupdict().items() if v}
                break
        faults = self._take_faults(request)
        request.fault = ",".join(f.kind for f in faults) or None
        with self.lock:
            self.requests.append(request)
        if self.latency and self._stopping.wait(self.latency):
            return
        response = None
        for fault in faults:
            if fault.kind == "down" or (
                fault.kind == "slow" and self._stopping.wait(fault.seconds)
            ):
                _drop_connection(handler)
                return
            response = response or self._fault_response(fault)
        if response is None:
            response = self.authorize(request)
        if response is None:
            if matched is None:
                status = 405 if path_known else 404
                reason = "Not Found" if status == 404 else "Method Not Allowed"
                response = self.error_response(status, reason)
            else:
                response = self._call(matched, request)
        _write_response(handler, response, self._stopping)

    def _call(self, matched: _Route, request: RecordedRequest) -> Response:
        try:
            if matched.exclusive:
                with self.lock:
                    return matched.handler(request)
            return matched.handler(request)
        except Abort as exc:
            return exc.response
        except Exception:
            self.errors.append(traceback.format_exc())
            return text_response("fake crashed:\n" + traceback.format_exc(), 500)

    def _fault_response(self, fault: Fault) -> Response | None:
        if fault.kind == "status500":
            return self.error_response(fault.status, "Injected server error")
        if fault.kind == "rate_limit":
            response = self.error_response(429, "API rate limit exceeded")
            response.headers["Retry-After"] = str(fault.retry_after)
            return response
        if fault.kind == "malformed":
            if fault.variant == "html":
                page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
                return text_response(page, 200, "text/html; charset=utf-8")
            return Response(200, b'{"items": [1, 2, ', {"Content-Type": "application/json"})
        return None


def _compile(path: str | None) -> re.Pattern[str] | None:
    return re.compile(path) if path is not None else None


def _upper(method: str | None) -> str | None:
    return method.upper() if method else None


def _read_request(handler: _Handler) -> RecordedRequest:
    split = urlsplit(handler.path)
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(dict(handler.headers.items()))
    body = b""
    if headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while (size := int(handler.rfile.readline().strip() or b"0", 16)) > 0:
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
        handler.rfile.readline()
        body = b"".join(chunks)
    elif (length := int(headers.get("Content-Length") or 0)) > 0:
        body = handler.rfile.read(length)
    parsed: Any = None
    if body:
        with contextlib.suppress(ValueError):
            parsed = json.loads(body)
    return RecordedRequest(
        method=handler.command,
        path=unquote(split.path),
        raw_path=split.path,
        query=parse_qs(split.query, keep_blank_values=True),
        headers=headers,
        body=body,
        json=parsed,
    )


def _drop_connection(handler: _Handler) -> None:
    # SO_LINGER 0 turns the close into a reset: the client sees a broken connection at once.
    with contextlib.suppress(OSError):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.shutdown(socket.SHUT_RDWR)


def _write_response(handler: _Handler, response: Response, stopping: threading.Event) -> None:
    try:
        handler.send_response(response.status)
        headers = dict(response.headers)
        if response.stream is None:
            headers.setdefault("Content-Length", str(len(response.body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        if response.stream is not None:
            response.stream(Stream(handler, stopping))
        elif response.body and handler.command != "HEAD":
            handler.wfile.write(response.body)
        handler.wfile.flush()
    except OSError:
        handler.close_connection = True
