"""`SlskdClient.enqueue`: wire format, de-duplication, 429s, batches and idempotency
(SPEC §9.1; RELIABILITY T25, T26, T30, T37, T44)."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection

from core.errors import MissingCredentials, UpstreamError, UpstreamRateLimited
from integrations.clients.slskd import NOT_ENQUEUED, NOT_IN_BATCH, SlskdClient, batch_id_for
from tests.fakes.base import RecordedRequest, Response
from tests.fakes.slskd import FakeSlskd, slsk_message
from tests.integrations.soulseek.conftest import API_KEY

FILE_A = "@@abcde\\Music\\Radiohead\\In Rainbows\\04 - Weird Fishes.mp3"
FILE_B = "@@abcde\\Music\\Radiohead\\In Rainbows\\05 - All I Need.mp3"


class OldSlskd(FakeSlskd):
    """slskd before 0.26: `POST /transfers/downloads/batches` is the per-user route → 400."""

    def _enqueue_batch(self, request: RecordedRequest) -> Response:
        return slsk_message("The files field is required.", 400)


class InFlightSlskd(FakeSlskd):
    """Records how many creates/enqueues overlap at the fake."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = 0
        self.max_in_flight = 0

    def _acquire(self, kind: str) -> bool:
        with self.lock:
            self.current += 1
            self.max_in_flight = max(self.max_in_flight, self.current)
        if super()._acquire(kind):
            return True
        with self.lock:
            self.current -= 1
        return False

    def _release(self, kind: str) -> None:
        super()._release(kind)
        with self.lock:
            self.current -= 1


def test_enqueue_posts_the_files_to_the_user_with_the_api_key(slskd):
    client = SlskdClient.from_config()

    result = client.enqueue("user123", [{"filename": FILE_A, "size": 9423921}])

    [sent] = slskd.requests_to(r"/api/v0/transfers/downloads/", "POST")
    assert sent.raw_path == "/api/v0/transfers/downloads/user123"
    assert sent.json == [{"filename": FILE_A, "size": 9423921}]
    assert sent.header("X-API-Key") == API_KEY
    assert [t["filename"] for t in result.enqueued] == [FILE_A]
    assert result.enqueued[0]["username"] == "user123"
    assert result.enqueued[0]["state"] == "Queued, Locally"
    assert result.failed == []


@pytest.mark.parametrize("username", ["../x", "a/b", "dj user%2F", "user?x=1#frag"])
def test_hostile_usernames_stay_one_encoded_path_segment(slskd, username):
    SlskdClient.from_config().enqueue(username, [{"filename": FILE_A, "size": 1}])

    [sent] = slskd.requests_to(r"/transfers/downloads/", "POST")
    encoded = sent.raw_path.removeprefix("/api/v0/transfers/downloads/")
    assert "/" not in encoded
    assert sent.params["username"] == username
    assert slskd.downloads(username)


def test_duplicate_files_in_one_request_are_sent_once(slskd):
    files = [{"filename": FILE_A, "size": 1}, {"filename": FILE_B}, {"filename": FILE_A, "size": 1}]

    result = SlskdClient.from_config().enqueue("user123", files)

    [sent] = slskd.requests_to(r"/transfers/downloads/", "POST")
    assert sent.json == [{"filename": FILE_A, "size": 1}, {"filename": FILE_B, "size": 0}]
    assert len(result.enqueued) == 2


def test_refused_files_are_listed_with_slskds_message(slskd):
    slskd.reject_enqueue(FILE_B, "Error: File not shared")

    result = SlskdClient.from_config().enqueue(
        "user123", [{"filename": FILE_A, "size": 1}, {"filename": FILE_B, "size": 2}]
    )

    assert [t["filename"] for t in result.enqueued] == [FILE_A]
    assert result.failed == [{"filename": FILE_B, "message": "Error: File not shared"}]


def test_unnamed_failures_of_the_legacy_endpoint_name_the_files_not_enqueued(slskd):
    slskd.enqueue_body = "opaque_failures"
    slskd.reject_enqueue(FILE_B)

    result = SlskdClient.from_config().enqueue(
        "user123", [{"filename": FILE_A, "size": 1}, {"filename": FILE_B, "size": 2}]
    )

    assert [t["filename"] for t in result.enqueued] == [FILE_A]
    assert result.failed == [{"filename": FILE_B, "message": NOT_ENQUEUED}]


def test_an_empty_answer_from_older_slskd_is_an_empty_result(slskd):
    slskd.enqueue_body = "empty"

    result = SlskdClient.from_config().enqueue("user123", [{"filename": FILE_A, "size": 1}])

    assert (result.enqueued, result.failed) == ([], [])
    assert len(slskd.downloads("user123")) == 1


def test_busy_slskd_is_waited_for_and_retried(slskd, waits):
    slskd.busy_next("enqueue", 2)

    result = SlskdClient.from_config().enqueue("user123", [{"filename": FILE_A, "size": 1}])

    assert len(slskd.requests_to(r"/transfers/downloads/user123", "POST")) == 3
    assert len(waits) == 2
    assert len(result.enqueued) == 1
    assert len(slskd.downloads("user123")) == 1


def test_retry_after_of_a_429_is_honoured(slskd, waits):
    slskd.set_rate_limit(count=1, retry_after=2, path=r"/transfers/downloads/", method="POST")

    SlskdClient.from_config().enqueue("user123", [{"filename": FILE_A, "size": 1}])

    assert waits == [2.0]


def test_slskd_busy_beyond_the_retry_budget_raises_rate_limited(slskd):
    slskd.busy_next("enqueue", 10)

    with pytest.raises(UpstreamRateLimited) as caught:
        SlskdClient.from_config().enqueue("user123", [{"filename": FILE_A, "size": 1}])

    assert caught.value.status_code == 502
    assert slskd.downloads("user123") == []


def test_an_enqueue_post_is_not_resent_after_a_lost_answer(slskd):
    slskd.set_down(r"/transfers/downloads/", method="POST")

    with pytest.raises(UpstreamError):
        SlskdClient.from_config().enqueue("user123", [{"filename": FILE_A, "size": 1}])

    assert len(slskd.requests_to(r"/transfers/downloads/", "POST")) == 1


def test_offline_user_is_an_upstream_error(slskd):
    slskd.set_user_offline("user123")

    with pytest.raises(UpstreamError) as caught:
        SlskdClient.from_config().enqueue("user123", [{"filename": FILE_A, "size": 1}])

    assert caught.value.status_code == 502


def test_without_url_the_client_reports_missing_credentials(db):
    with pytest.raises(MissingCredentials) as caught:
        SlskdClient.from_config()

    assert caught.value.missing == {"soulseek": ["SLSKD_URL"]}


def test_legacy_host_and_port_configure_the_client(slskd, monkeypatch):
    monkeypatch.delenv("SLSKD_URL")
    host, port = slskd.url.removeprefix("http://").split(":")
    monkeypatch.setenv("SLSKD_HOST", host)
    monkeypatch.setenv("SLSKD_PORT", port)

    assert SlskdClient.from_config().server()["isLoggedIn"] is True


# Batches with an idempotency key (slskd 0.26+)


def test_an_idempotency_key_enqueues_one_batch_with_a_derived_id(slskd):
    result = SlskdClient.from_config().enqueue(
        "user123", [{"filename": FILE_A, "size": 1}], idempotency_key="download:42"
    )

    [sent] = slskd.requests_to(r"/transfers/downloads/batches$", "POST")
    assert sent.json == {
        "id": batch_id_for("download:42"),
        "username": "user123",
        "files": [{"filename": FILE_A, "size": 1}],
    }
    assert slskd.requests_to(r"/transfers/downloads/user123", "POST") == []
    assert [t["filename"] for t in result.enqueued] == [FILE_A]


def test_resending_the_same_batch_adopts_it_instead_of_enqueueing_twice(slskd):
    client = SlskdClient.from_config()
    files = [{"filename": FILE_A, "size": 1}, {"filename": FILE_B, "size": 2}]
    slskd.reject_enqueue(FILE_B)
    first = client.enqueue("user123", files, idempotency_key="download:42")

    again = client.enqueue("user123", files, idempotency_key="download:42")

    assert len(slskd.downloads("user123")) == 1
    assert [t["id"] for t in again.enqueued] == [t["id"] for t in first.enqueued]
    assert again.failed == [{"filename": FILE_B, "message": NOT_IN_BATCH}]
    assert len(slskd.requests_to(r"/transfers/downloads/batches/", "GET")) == 1


def test_a_batch_post_without_answer_is_resent_and_found(slskd):
    slskd.set_down(r"/transfers/downloads/batches$", method="POST", count=1)

    result = SlskdClient.from_config().enqueue(
        "user123", [{"filename": FILE_A, "size": 1}], idempotency_key="download:7"
    )

    assert len(slskd.requests_to(r"/transfers/downloads/batches$", "POST")) == 2
    assert len(result.enqueued) == 1
    assert len(slskd.downloads("user123")) == 1


def test_older_slskd_without_batches_falls_back_to_per_user_enqueue(db, monkeypatch):
    with OldSlskd() as old:
        monkeypatch.setenv("SLSKD_URL", old.url)
        client = SlskdClient.from_config()

        first = client.enqueue("user123", [{"filename": FILE_A, "size": 1}], idempotency_key="k1")
        client.enqueue("user123", [{"filename": FILE_B, "size": 1}], idempotency_key="k2")

        assert len(first.enqueued) == 1
        assert len(old.requests_to(r"/transfers/downloads/batches$", "POST")) == 1
        assert len(old.requests_to(r"/transfers/downloads/user123$", "POST")) == 2


# Serialisation across processes (T30)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_and_enqueues_never_overlap_at_slskd(monkeypatch):
    with InFlightSlskd(operation_delay=0.2, search_polls_to_complete=1) as fake:
        monkeypatch.setenv("SLSKD_URL", fake.url)
        errors: list[BaseException] = []

        def run(action) -> None:
            try:
                for _ in range(20):
                    try:
                        action(SlskdClient.from_config())
                        return
                    except OperationalError:
                        # The in-memory test database (shared cache) answers "table is
                        # locked" at once where a file database waits: try again.
                        continue
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        actions = [
            lambda c: c.enqueue("alice", [{"filename": FILE_A, "size": 1}]),
            lambda c: c.enqueue("bob", [{"filename": FILE_B, "size": 1}], idempotency_key="b"),
            lambda c: c.search("radiohead", timeout=5),
        ]
        threads = [threading.Thread(target=run, args=(action,)) for action in actions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert errors == []
        assert fake.max_in_flight == 1
        assert {t.username for t in fake.downloads()} == {"alice", "bob"}
        assert len(fake.downloads()) == 2
        assert fake.requests_to(r"/searches$", "POST")
