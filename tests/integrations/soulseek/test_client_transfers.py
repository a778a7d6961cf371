"""`SlskdClient` transfer reads and cancels, and payload validation (SPEC §9.1; T25, T33)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import UpstreamError, UpstreamNotFound
from integrations.clients.slskd import SlskdClient
from tests.fakes.base import RecordedRequest, Response, json_response
from tests.fakes.slskd import FakeSlskd

FILE_A = "@@abcde\\Music\\Radiohead\\In Rainbows\\04 - Weird Fishes.mp3"
FILE_B = "@@abcde\\Music\\Air\\Moon Safari\\01 - La femme d'argent.flac"


class ScriptedListing(FakeSlskd):
    """Answers `GET /transfers/downloads` with whatever the test puts in `listing`."""

    listing: object = None

    def _list(self, request: RecordedRequest) -> Response:
        return json_response(self.listing)


@pytest.fixture
def client(slskd) -> SlskdClient:
    return SlskdClient.from_config()


def enqueue(client: SlskdClient, username: str, filename: str) -> dict:
    return client.enqueue(username, [{"filename": filename, "size": 100}]).enqueued[0]


def test_list_downloads_flattens_users_and_directories(slskd, client):
    enqueue(client, "alice", FILE_A)
    enqueue(client, "bob", FILE_B)

    transfers = client.list_downloads()

    assert sorted((t["username"], t["filename"]) for t in transfers) == [
        ("alice", FILE_A),
        ("bob", FILE_B),
    ]
    assert all(isinstance(t["percentComplete"], float) for t in transfers)
    [sent] = slskd.requests_to(r"/transfers/downloads$", "GET")
    assert sent.query == {}


def test_include_removed_is_asked_for_explicitly(slskd, client):
    first = enqueue(client, "alice", FILE_A)
    client.cancel_download("alice", first["id"], remove=True)

    assert client.list_downloads() == []
    assert [t["id"] for t in client.list_downloads(include_removed=True)] == [first["id"]]
    assert slskd.requests_to(r"/transfers/downloads$", "GET")[-1].arg("includeRemoved") == "true"


def test_get_download_reads_one_transfer(slskd, client):
    transfer = enqueue(client, "dj user/x", FILE_A)

    found = client.get_download("dj user/x", transfer["id"])

    assert found["id"] == transfer["id"]
    assert found["username"] == "dj user/x"
    sent = slskd.requests_to(r"/transfers/downloads/.+/.+", "GET")[-1]
    assert sent.raw_path == f"/api/v0/transfers/downloads/dj%20user%2Fx/{transfer['id']}"


@pytest.mark.parametrize("transfer_id", ["5f0c0000-0000-4000-8000-000000000000", "not-a-guid"])
def test_get_download_of_an_unknown_transfer_is_not_found(client, transfer_id):
    with pytest.raises(UpstreamNotFound):
        client.get_download("alice", transfer_id)


def test_find_download_picks_the_newest_transfer_of_that_file(slskd, client):
    old = enqueue(client, "alice", FILE_A)
    client.cancel_download("alice", old["id"])
    new = enqueue(client, "alice", FILE_A)
    enqueue(client, "alice", FILE_B)
    slskd.transfers[old["id"]].requested_at -= timedelta(minutes=5)

    found = client.find_download("alice", FILE_A)
    recent = client.find_download("alice", FILE_A, since=datetime.now(UTC))

    assert found["id"] == new["id"]
    assert recent["id"] == new["id"]
    assert slskd.requests_to(r"/transfers/downloads/alice$", "GET")


def test_find_download_ignores_transfers_requested_long_before(slskd, client):
    transfer = enqueue(client, "alice", FILE_A)
    slskd.transfers[transfer["id"]].requested_at -= timedelta(minutes=10)

    assert client.find_download("alice", FILE_A, since=datetime.now(UTC)) is None
    assert client.find_download("nobody", FILE_A) is None


def test_cancel_sends_delete_and_accepts_404(slskd, client):
    transfer = enqueue(client, "alice", FILE_A)

    client.cancel_download("alice", transfer["id"], remove=True)
    client.cancel_download("alice", "5f0c0000-0000-4000-8000-000000000000")

    first, second = slskd.requests_to(r"/transfers/downloads/alice/", "DELETE")
    assert first.arg("remove") == "true"
    assert second.arg("remove") is None
    assert slskd.transfers[transfer["id"]].state == "Completed, Cancelled"


def test_cancel_when_slskd_fails_raises(slskd, client):
    transfer = enqueue(client, "alice", FILE_A)
    slskd.set_status500(r"/transfers/downloads/alice/", method="DELETE")

    with pytest.raises(UpstreamError):
        client.cancel_download("alice", transfer["id"])

    assert slskd.transfers[transfer["id"]].state == "Queued, Locally"


def test_queue_position_is_an_integer(slskd, client):
    slskd.set_queue_position(FILE_A, 4)
    transfer = enqueue(client, "alice", FILE_A)

    assert client.queue_position("alice", transfer["id"]) == 4


def test_a_listing_that_is_not_a_list_is_an_upstream_error(db, monkeypatch):
    with ScriptedListing() as fake:
        monkeypatch.setenv("SLSKD_URL", fake.url)
        fake.listing = {"users": []}

        with pytest.raises(UpstreamError) as caught:
            SlskdClient.from_config().list_downloads()

    assert caught.value.body() == {
        "detail": "soulseek: unexpected transfer listing",
        "service": "soulseek",
    }


def test_wrong_types_in_a_listing_are_repaired_or_dropped(db, monkeypatch):
    good = {
        "id": "5f0c0000-0000-4000-8000-000000000001",
        "filename": FILE_A,
        "size": "big",
        "state": 7,
        "percentComplete": "NaN",
        "bytesTransferred": -5,
        "placeInQueue": True,
        "requestedAt": 12,
    }
    odd_state = {**good, "id": "5f0c0000-0000-4000-8000-000000000002", "state": "Teleporting"}
    listing = [
        "junk",
        {"username": "alice", "directories": "nope"},
        {
            "username": "bob",
            "directories": [
                {"directory": "x", "files": [good, good, odd_state, {"id": 5}, None]},
                "junk",
            ],
        },
    ]
    with ScriptedListing() as fake:
        monkeypatch.setenv("SLSKD_URL", fake.url)
        fake.listing = listing

        transfers = SlskdClient.from_config().list_downloads()

    first, second = transfers
    assert first["username"] == "bob"
    assert first["state"] == "Unknown"
    assert (first["size"], first["bytesTransferred"], first["placeInQueue"]) == (None, 0, None)
    assert first["percentComplete"] == 0.0
    assert first["requestedAt"] is None
    assert second["state"] == "Teleporting"
    json.dumps(transfers)
