"""`HttpClient`'s retry rules and its total deadline per call (SPEC §9, RELIABILITY T31).

A tiny fake upstream answers on 127.0.0.1; `HttpClient.sleep` records the waits and moves a
clock forward instead of sleeping, so a deadline sees every backoff without the test waiting.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from core.errors import UpstreamError, UpstreamRateLimited
from integrations import http
from integrations.http import HttpClient, UpstreamTimeout
from tests.fakes.base import FakeServer, RecordedRequest, Response, json_response, route
from tests.fakes.fixtures import running


class FakeEcho(FakeServer):
    """`/ping` answers `{"ok": true}`; `/flaky` fails once, then answers only after 5 s."""

    name = "echo"

    def __init__(self) -> None:
        super().__init__()
        self.flaky_calls = 0

    @route("GET", "/ping")
    @route("POST", "/ping")
    def ping(self, request: RecordedRequest) -> Response:
        return json_response({"ok": True})

    @route("GET", "/flaky", exclusive=False)
    def flaky(self, request: RecordedRequest) -> Response:
        with self.lock:
            self.flaky_calls += 1
            first = self.flaky_calls == 1
        if first:
            return json_response({"error": "boom"}, 500)
        # The wait ends early when the fake stops, so teardown never waits the full 5 s.
        self._stopping.wait(5)
        return json_response({"ok": True})


class Clock:
    """Monotonic time plus every recorded sleep: what the deadline would see for real."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += seconds


@pytest.fixture
def echo() -> Iterator[FakeEcho]:
    with running(FakeEcho()) as fake:
        yield fake


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Waits are recorded, not slept; the backoff steps are the production ones, pinned."""
    fake_clock = Clock()
    monkeypatch.setattr(http, "BACKOFF", (0.5, 1.0, 2.0))
    monkeypatch.setattr(HttpClient, "sleep", staticmethod(fake_clock.sleep))
    monkeypatch.setattr(HttpClient, "clock", staticmethod(fake_clock.now))
    return fake_clock


def client(fake: FakeEcho, *, timeout: float = 2.0, deadline: bool = True) -> HttpClient:
    return HttpClient("echo", fake.url, timeout=timeout, deadline=deadline)


def test_a_5xx_on_a_get_is_retried_within_the_deadline(echo, clock):
    echo.set_status500("/ping", count=2)

    response = client(echo, timeout=10).request("GET", "/ping")

    assert response.json() == {"ok": True}
    assert len(echo.requests_to("/ping")) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_a_5xx_on_a_get_is_never_retried_beyond_the_deadline(echo, clock):
    echo.set_status500("/ping")
    started = clock.now()

    with pytest.raises(UpstreamError) as caught:
        client(echo, timeout=2.5).request("GET", "/ping")

    # 0.5 + 1.0 fit into 2.5 s; the 2.0 step would end after the deadline, so it is never slept.
    assert clock.sleeps == [0.5, 1.0]
    assert len(echo.requests_to("/ping")) == 3
    assert caught.value.detail == "echo: HTTP 500"
    assert caught.value.upstream_status == 500
    assert clock.now() - started < 2.5


def test_without_a_deadline_a_5xx_on_a_get_gets_every_backoff_step(echo, clock):
    echo.set_status500("/ping")

    with pytest.raises(UpstreamError) as caught:
        client(echo, timeout=2, deadline=False).request("GET", "/ping")

    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert len(echo.requests_to("/ping")) == 4
    assert caught.value.detail == "echo: HTTP 500"


@pytest.mark.parametrize("deadline", [True, False], ids=["deadline", "no-deadline"])
def test_a_5xx_on_a_post_is_never_retried(echo, clock, deadline):
    echo.set_status500("/ping")

    with pytest.raises(UpstreamError) as caught:
        client(echo, timeout=10, deadline=deadline).request("POST", "/ping", json_body={})

    assert len(echo.requests_to("/ping", "POST")) == 1
    assert clock.sleeps == []
    assert caught.value.detail == "echo: HTTP 500"


@pytest.mark.parametrize("deadline", [True, False], ids=["deadline", "no-deadline"])
def test_a_timeout_is_not_retried(echo, clock, deadline):
    echo.set_slow(5, "/ping")

    with pytest.raises(UpstreamTimeout) as caught:
        client(echo, timeout=0.3, deadline=deadline).request("GET", "/ping")

    assert len(echo.requests_to("/ping")) == 1
    assert clock.sleeps == []
    assert caught.value.detail == "echo: timeout"


def test_connection_errors_are_retried_until_the_deadline_then_the_last_one_is_raised(echo, clock):
    echo.set_down("/ping")

    with pytest.raises(UpstreamError) as caught:
        client(echo, timeout=2.5).request("GET", "/ping")

    assert len(echo.requests_to("/ping")) == 3
    assert clock.sleeps == [0.5, 1.0]
    assert caught.value.detail == "echo unreachable"


def test_a_retry_after_beyond_the_deadline_is_not_waited_for(echo, clock):
    echo.set_rate_limit(count=1, retry_after=5, path="/ping")

    with pytest.raises(UpstreamRateLimited) as caught:
        client(echo, timeout=2).request("GET", "/ping")

    assert len(echo.requests_to("/ping")) == 1
    assert clock.sleeps == []
    assert caught.value.retry_after == 5.0


def test_without_a_deadline_a_retry_after_beyond_the_timeout_is_honoured(echo, clock):
    echo.set_rate_limit(count=1, retry_after=5, path="/ping")

    response = client(echo, timeout=2, deadline=False).request("GET", "/ping")

    assert response.json() == {"ok": True}
    assert clock.sleeps == [5.0]


def test_an_attempt_after_a_backoff_gets_only_the_rest_of_the_budget(echo, clock, monkeypatch):
    monkeypatch.setattr(http, "BACKOFF", (2.0,))
    started = time.monotonic()

    with pytest.raises(UpstreamTimeout):
        client(echo, timeout=3).request("GET", "/flaky")

    # The second attempt had about 1 s left of the 3 s budget, not a fresh 3 s.
    assert echo.flaky_calls == 2
    assert clock.sleeps == [2.0]
    assert time.monotonic() - started < 2.5


def test_a_budget_too_small_for_any_attempt_is_a_timeout_without_a_request(echo, clock):
    with pytest.raises(UpstreamTimeout) as caught:
        client(echo, timeout=0.01).request("GET", "/ping")

    assert echo.requests_to("/ping") == []
    assert caught.value.detail == "echo: timeout"
