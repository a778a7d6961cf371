"""`GET /plex/notifications`: the Server-Sent Events relay (SPEC §2.7)."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from integrations import plex_sse
from integrations.clients.plex import client_identifier
from tests.fakes import FakePlex
from tests.fakes.base import Response, Stream, route
from tests.helpers import TEST_API_KEY, wait_until
from tests.integrations.plex.plex_helpers import FrameReader, parse_frames


@pytest.fixture(autouse=True)
def _fast_keepalive(monkeypatch):
    monkeypatch.setattr(plex_sse, "KEEPALIVE_SECONDS", 0.05)


def relay_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "plex-sse-relay"]


def all_frames(response) -> list:
    """Consume a stream that ends by itself (the test client closes it at the end)."""
    return [f for f in parse_frames(b"".join(response.streaming_content)) if f[0] != ":"]


def test_stream_headers_and_upstream_request(api, plex, library):
    response = api.get("/plex/notifications", HTTP_ACCEPT="text/event-stream")
    chunks = iter(response.streaming_content)
    first = FrameReader(chunks).next_frame()
    assert plex.wait_for_subscribers(1)
    plex.end_notifications()
    b"".join(chunks)

    assert response.status_code == 200
    assert first == (":", "connected")
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    (upstream,) = plex.requests_to("/:/eventsource/notifications")
    assert upstream.header("Accept") == "text/event-stream"
    assert upstream.header("X-Plex-Token") == plex.token
    assert upstream.header("X-Plex-Product") == "Harmony"
    assert upstream.header("X-Plex-Client-Identifier") == client_identifier()
    assert "X-Plex-Token" not in upstream.query


def test_events_are_re_emitted_and_a_hang_up_ends_with_one_error(api, plex, library):
    response = api.get("/plex/notifications")
    chunks = iter(response.streaming_content)
    reader = FrameReader(chunks)
    reader.next_frame(":")
    assert plex.wait_for_subscribers(1)

    plex.push_notification("playing", {"PlaySessionStateNotification": [{"state": "playing"}]})
    plex.push_notification("activity", {"ActivityNotification": [{"event": "ended"}]})
    first = reader.next_frame("playing")
    second = reader.next_frame("activity")
    plex.end_notifications()
    rest = [f for f in parse_frames(reader.buffer + b"".join(chunks)) if f[0] != ":"]

    assert first == ("playing", {"PlaySessionStateNotification": [{"state": "playing"}]})
    assert second == ("activity", {"ActivityNotification": [{"event": "ended"}]})
    assert rest == [("error", {"message": "plex closed the notification stream"})]
    wait_until(lambda: plex_sse.active_streams() == 0)
    wait_until(lambda: not relay_threads())


def test_keep_alive_comments_flow_while_plex_is_quiet(api, plex, library):
    response = api.get("/plex/notifications")
    chunks = iter(response.streaming_content)
    reader = FrameReader(chunks)
    reader.next_frame(":")

    assert reader.next_frame(":") == (":", "keep-alive")
    assert reader.next_frame(":") == (":", "keep-alive")
    plex.end_notifications()
    b"".join(chunks)
    wait_until(lambda: plex_sse.active_streams() == 0)


def test_unreachable_plex_gives_one_error_event_and_frees_the_slot(api, plex, library):
    plex.set_down("/:/eventsource")

    response = api.get("/plex/notifications")

    assert response.status_code == 200
    assert all_frames(response) == [("error", {"message": "plex unreachable"})]
    wait_until(lambda: plex_sse.active_streams() == 0)


def test_rejected_token_is_an_error_event_without_the_token(api, plex, library, monkeypatch):
    monkeypatch.setenv("PLEX_TOKEN", "wrong-token-123456")

    response = api.get("/plex/notifications")
    raw = b"".join(response.streaming_content)

    assert [f for f in parse_frames(raw) if f[0] != ":"] == [
        ("error", {"message": "plex rejected the credentials (HTTP 401)"})
    ]
    assert b"wrong-token-123456" not in raw


def test_plex_answering_html_is_an_error_event(api, plex, library):
    plex.set_malformed("html", "/:/eventsource")

    response = api.get("/plex/notifications")

    assert all_frames(response) == [
        ("error", {"message": "plex: notifications are not an event stream"})
    ]


def test_missing_credentials_are_503(api, db):
    response = api.get("/plex/notifications", HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 503
    assert response.json()["detail"]["missing"] == {"plex": ["PLEX_BASE_URL", "PLEX_TOKEN"]}
    assert plex_sse.active_streams() == 0


class _RawSsePlex(FakePlex):
    """Plex whose notification stream is a fixed byte string, then a hang-up."""

    raw = b""

    @route("GET", r"/:/eventsource/notifications", exclusive=False)
    def _raw_notifications(self, request):
        def stream(out: Stream) -> None:
            out.write(self.raw)

        return Response(200, headers={"Content-Type": "text/event-stream"}, stream=stream)


@pytest.fixture
def raw_plex(db, monkeypatch):
    with _RawSsePlex() as fake:
        monkeypatch.setenv("PLEX_BASE_URL", fake.url)
        monkeypatch.setenv("PLEX_TOKEN", fake.token)
        yield fake


def test_sse_fields_are_parsed_and_data_that_is_not_json_is_skipped(api, raw_plex):
    raw_plex.raw = (
        b": plex comment\r\n"
        b"event: bad\ndata: not json\n\n"
        b'event: multi\r\ndata: {"a":\r\ndata: 1}\r\n\r\n'
        b'data: {"unnamed": true}\n\n'
        b"event: ping\ndata: {}\n\n"
    )

    response = api.get("/plex/notifications")

    assert all_frames(response) == [
        ("multi", {"a": 1}),
        ("message", {"unnamed": True}),
        ("ping", {}),
        ("error", {"message": "plex closed the notification stream"}),
    ]


def test_an_oversized_event_ends_the_stream_with_an_error(api, raw_plex, monkeypatch):
    monkeypatch.setattr(plex_sse, "MAX_EVENT_BYTES", 1000)
    raw_plex.raw = b"event: huge\ndata: " + b"x" * 5000 + b"\n\n"

    response = api.get("/plex/notifications")

    assert all_frames(response) == [("error", {"message": "plex: event too large"})]
    wait_until(lambda: plex_sse.active_streams() == 0)


# Real HTTP: client disconnects and the concurrency cap need a server thread per stream.


def open_stream(url: str) -> requests.Response:
    response = requests.get(
        url + "/plex/notifications",
        headers={"X-API-Key": TEST_API_KEY, "Accept": "text/event-stream"},
        stream=True,
        timeout=5,
    )
    return response


def chunks_of(response: requests.Response):
    while True:
        chunk = response.raw.read1(4096)
        if not chunk:
            return
        yield chunk


def test_client_disconnect_closes_upstream_and_frees_the_slot(live_server, plex, library):
    stream = open_stream(live_server.url)
    reader = FrameReader(chunks_of(stream))
    reader.next_frame(":")
    assert plex.wait_for_subscribers(1)
    plex.push_notification("timeline", {"TimelineEntry": [{"state": 5}]})
    event = reader.next_frame("timeline")

    stream.close()

    assert event == ("timeline", {"TimelineEntry": [{"state": 5}]})
    wait_until(lambda: plex_sse.active_streams() == 0)
    wait_until(lambda: plex.subscriber_count == 0)
    wait_until(lambda: not relay_threads())


def test_fifth_concurrent_stream_is_503(live_server, plex, library):
    streams = [open_stream(live_server.url) for _ in range(plex_sse.MAX_STREAMS)]
    try:
        for stream in streams:
            assert stream.status_code == 200
        assert plex.wait_for_subscribers(plex_sse.MAX_STREAMS)

        fifth = requests.get(
            live_server.url + "/plex/notifications",
            headers={"X-API-Key": TEST_API_KEY},
            timeout=5,
        )

        assert fifth.status_code == 503
        assert fifth.headers["Content-Type"] == "application/json"
        assert "at most 4" in fifth.json()["detail"]
    finally:
        for stream in streams:
            stream.close()
    wait_until(lambda: plex_sse.active_streams() == 0)
    wait_until(lambda: plex.subscriber_count == 0)

    again = open_stream(live_server.url)
    assert again.status_code == 200
    again.close()
    wait_until(lambda: plex_sse.active_streams() == 0)


def test_a_quiet_plex_outlasting_the_call_timeout_is_not_an_error(api, plex, library, monkeypatch):
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    response = api.get("/plex/notifications")
    chunks = iter(response.streaming_content)
    reader = FrameReader(chunks)
    reader.next_frame(":")
    assert plex.wait_for_subscribers(1)

    # Keep-alives for longer than the 1 s per-call timeout: the upstream read must not time out.
    quiet_until = time.monotonic() + 1.5
    while time.monotonic() < quiet_until:
        assert reader.next_frame()[0] == ":"
    plex.push_notification("late", {"after": "silence"})
    late = reader.next_frame("late")
    plex.end_notifications()
    b"".join(chunks)

    assert late == ("late", {"after": "silence"})


def test_events_split_across_reads_are_reassembled():
    parser = plex_sse._EventParser()
    raw = b'event: playing\r\ndata: {"a": 1}\r\n\r\n: ping\n\nevent: x\ndata: 2\n\n'

    events = [event for i in range(len(raw)) for event in parser.feed(raw[i : i + 1])]

    assert events == [("playing", '{"a": 1}'), ("x", "2")]
