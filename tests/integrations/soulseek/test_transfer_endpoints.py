"""`/soulseek/download/{id}`, `…/queue`, `/soulseek/downloads/all|completed`, `/soulseek/enqueue`
and the uploads endpoints (SPEC §2.8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from downloads.models import Download
from integrations.clients.slskd import SlskdClient
from tests.factories import DownloadFactory
from tests.integrations.soulseek.conftest import API_KEY

FILE_A = "@@abcde\\Music\\Radiohead\\In Rainbows\\04 - Weird Fishes.mp3"
FILE_B = "@@abcde\\Music\\Air\\Moon Safari\\01 - La femme d'argent.flac"
UNKNOWN_GUID = "5f0c0000-0000-4000-8000-000000000000"


def enqueue(username: str, filename: str) -> dict:
    result = SlskdClient.from_config().enqueue(username, [{"filename": filename, "size": 10}])
    return result.enqueued[0]


# GET /soulseek/download/{id}


def test_a_download_with_a_stored_transfer_id_reads_that_transfer(api, slskd):
    transfer = enqueue("dj user/1", FILE_A)
    download = DownloadFactory(
        username="dj user/1", filename=FILE_A, slskd_transfer_id=transfer["id"]
    )

    response = api.get(f"/soulseek/download/{download.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["username"], body["filename"]) == (transfer["id"], "dj user/1", FILE_A)
    assert body["state"] == "Queued, Locally"
    sent = slskd.requests_to(r"/transfers/downloads/.+/.+", "GET")[-1]
    assert sent.raw_path == f"/api/v0/transfers/downloads/dj%20user%2F1/{transfer['id']}"
    assert sent.header("X-API-Key") == API_KEY


def test_a_download_without_transfer_id_is_found_by_user_and_remote_path(api, slskd):
    transfer = enqueue("alice", FILE_A)
    download = DownloadFactory(username="alice", filename=FILE_A, submitted_at=timezone.now())

    body = api.get(f"/soulseek/download/{download.pk}").json()

    assert body["id"] == transfer["id"]
    assert slskd.requests_to(r"/transfers/downloads/alice$", "GET")
    assert Download.objects.get(pk=download.pk).slskd_transfer_id is None


def test_a_guid_is_looked_up_in_the_transfer_list(api, slskd):
    transfer = enqueue("bob", FILE_B)

    body = api.get(f"/soulseek/download/{transfer['id'].upper()}").json()

    assert (body["id"], body["username"]) == (transfer["id"], "bob")
    assert slskd.requests_to(r"/transfers/downloads$", "GET")[0].arg("includeRemoved") == "true"


@pytest.mark.parametrize("download_id", ["999", "abc", "-1", "0x10", "9" * 30])
def test_an_unknown_harmony_id_is_404_without_asking_slskd(api, slskd, download_id):
    response = api.get(f"/soulseek/download/{download_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Download not found"}
    assert slskd.requests == []


def test_an_unknown_guid_is_404(api, slskd):
    response = api.get(f"/soulseek/download/{UNKNOWN_GUID}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Download not found"}


def test_a_download_slskd_does_not_know_is_404(api, slskd):
    download = DownloadFactory(username="alice", filename=FILE_A)
    gone = DownloadFactory(username="alice", filename=FILE_A, slskd_transfer_id=UNKNOWN_GUID)

    assert api.get(f"/soulseek/download/{download.pk}").status_code == 404
    assert api.get(f"/soulseek/download/{gone.pk}").status_code == 404


# GET /soulseek/download/{id}/queue


def test_queue_position_of_a_harmony_download(api, slskd):
    slskd.set_queue_position(FILE_A, 3)
    transfer = enqueue("alice", FILE_A)
    download = DownloadFactory(username="alice", filename=FILE_A, slskd_transfer_id=transfer["id"])

    response = api.get(f"/soulseek/download/{download.pk}/queue")

    assert response.json() == {"download_id": download.pk, "position": 3}
    assert slskd.requests_to(rf"/transfers/downloads/alice/{transfer['id']}/position$", "GET")


def test_queue_position_of_a_guid_echoes_the_guid(api, slskd):
    slskd.set_queue_position(FILE_B, 8)
    transfer = enqueue("bob", FILE_B)

    response = api.get(f"/soulseek/download/{transfer['id']}/queue")

    assert response.json() == {"download_id": transfer["id"], "position": 8}


# GET /soulseek/downloads/all, DELETE /soulseek/downloads/completed


def test_all_downloads_are_flattened_with_their_usernames(api, slskd):
    first = enqueue("alice", FILE_A)
    SlskdClient.from_config().cancel_download("alice", first["id"], remove=True)
    enqueue("bob", FILE_B)

    response = api.get("/soulseek/downloads/all")

    transfers = response.json()["downloads"]
    assert sorted((t["username"], t["filename"], t["removed"]) for t in transfers) == [
        ("alice", FILE_A, True),
        ("bob", FILE_B, False),
    ]
    assert {"id", "state", "percentComplete"} <= set(transfers[0])
    assert slskd.requests_to(r"/transfers/downloads$", "GET")[0].arg("includeRemoved") == "true"


def test_clearing_completed_downloads_counts_them_first(api, slskd):
    enqueue("alice", FILE_A)
    enqueue("bob", FILE_B)
    slskd.settle()
    enqueue("carol", FILE_A)

    response = api.delete("/soulseek/downloads/completed")

    assert response.json() == {"removed": 2}
    assert slskd.requests_to(r"/transfers/downloads/all/completed$", "DELETE")
    assert [t.username for t in slskd.downloads() if not t.removed] == ["carol"]


# POST /soulseek/enqueue


def test_enqueue_sends_files_to_slskd_without_harmony_downloads(api, slskd):
    slskd.reject_enqueue(FILE_B, "Error: File not shared")
    payload = {
        "username": "dj_user",
        "files": [
            {"filename": FILE_A, "size": 9423921, "title": "Weird Fishes"},
            {"name": FILE_B, "filesize": 12},
            {"filename": FILE_A, "size": 9423921},
        ],
    }

    response = api.post("/soulseek/enqueue", payload, format="json")

    assert response.status_code == 200
    body = response.json()
    [transfer] = slskd.downloads("dj_user")
    assert body == {
        "status": "enqueued",
        "username": "dj_user",
        "enqueued": [transfer.id],
        "failed": [{"filename": FILE_B, "message": "Error: File not shared"}],
    }
    [sent] = slskd.requests_to(r"/transfers/downloads/dj_user$", "POST")
    assert sent.json == [{"filename": FILE_A, "size": 9423921}, {"filename": FILE_B, "size": 12}]
    assert sent.header("X-API-Key") == API_KEY
    assert not Download.objects.exists()


def test_enqueue_against_an_slskd_with_an_empty_answer(api, slskd):
    slskd.enqueue_body = "empty"

    body = api.post(
        "/soulseek/enqueue", {"username": "u", "files": [{"filename": FILE_A}]}, format="json"
    ).json()

    assert body == {"status": "enqueued", "username": "u", "enqueued": [], "failed": []}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"files": [{"filename": FILE_A}]}, "username"),
        ({"username": "  ", "files": [{"filename": FILE_A}]}, "username"),
        ({"username": {"a": 1}, "files": [{"filename": FILE_A}]}, "username"),
        ({"username": "u"}, "files"),
        ({"username": "u", "files": []}, "files"),
        ({"username": "u", "files": "x"}, "files"),
        ({"username": "u", "files": [{"filename": f"f{i}"} for i in range(101)]}, "files"),
        ({"username": "u", "files": ["x"]}, "files"),
        ({"username": "u", "files": [{"filename": " "}]}, "files"),
        ({"username": "u", "files": [{"size": 3}]}, "files"),
        ({"username": "u", "files": [{"filename": "f", "size": -1}]}, "files"),
        ({"username": "u", "files": [{"filename": "f", "size": True}]}, "files"),
        ({"username": "u", "files": [{"filename": "f", "size": "big"}]}, "files"),
        ({"username": "u", "priority": "high", "files": [{"filename": "f"}]}, "priority"),
    ],
)
def test_enqueue_with_invalid_body_is_422(api, slskd, payload, field):
    response = api.post("/soulseek/enqueue", payload, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert slskd.requests == []


def test_enqueue_body_that_is_not_an_object_is_422(api, slskd):
    response = api.post("/soulseek/enqueue", [1, 2], format="json")

    assert response.status_code == 422


def test_enqueue_to_an_offline_user_is_502(api, slskd):
    slskd.set_user_offline("ghost")

    response = api.post(
        "/soulseek/enqueue", {"username": "ghost", "files": [{"filename": FILE_A}]}, format="json"
    )

    assert response.status_code == 502
    assert response.json()["service"] == "soulseek"


def test_enqueue_retries_while_slskd_is_busy(api, slskd, waits):
    slskd.busy_next("enqueue", 2)

    response = api.post(
        "/soulseek/enqueue", {"username": "u", "files": [{"filename": FILE_A}]}, format="json"
    )

    assert response.status_code == 200
    assert len(response.json()["enqueued"]) == 1
    assert len(slskd.requests_to(r"/transfers/downloads/u$", "POST")) == 3
    assert len(waits) == 2


def test_enqueue_still_busy_after_the_retries_is_502(api, slskd):
    slskd.busy_next("enqueue", 5)

    response = api.post(
        "/soulseek/enqueue", {"username": "u", "files": [{"filename": FILE_A}]}, format="json"
    )

    assert response.status_code == 502
    assert slskd.downloads() == []


# Uploads


def test_uploads_lists_only_unfinished_ones(api, slskd):
    running = slskd.add_upload("leecher", FILE_A)
    slskd.add_upload("leecher", FILE_B, state="Completed, Succeeded")

    response = api.get("/soulseek/uploads")

    assert [u["id"] for u in response.json()["uploads"]] == [running.id]
    assert response.json()["uploads"][0]["username"] == "leecher"
    assert slskd.requests_to(r"/transfers/uploads$", "GET")[0].query == {}


def test_all_uploads_include_finished_and_removed_ones(api, slskd):
    slskd.add_upload("leecher", FILE_A)
    done = slskd.add_upload("other", FILE_B, state="Completed, Succeeded")
    done.removed = True

    uploads = api.get("/soulseek/uploads/all").json()["uploads"]

    assert len(uploads) == 2
    assert slskd.requests_to(r"/transfers/uploads$", "GET")[0].arg("includeRemoved") == "true"


def test_cancelling_an_upload_finds_its_user(api, slskd):
    upload = slskd.add_upload("lee cher", FILE_A)

    response = api.delete(f"/soulseek/upload/{upload.id}")

    assert response.json() == {"cancelled": upload.id}
    [sent] = slskd.requests_to(r"/transfers/uploads/.+/.+", "DELETE")
    assert sent.raw_path == f"/api/v0/transfers/uploads/lee%20cher/{upload.id}"
    assert slskd.transfers[upload.id].state == "Completed, Cancelled"


@pytest.mark.parametrize("upload_id", [UNKNOWN_GUID, "not-a-guid"])
def test_cancelling_an_unknown_upload_is_404(api, slskd, upload_id):
    response = api.delete(f"/soulseek/upload/{upload_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Upload not found"}
    assert slskd.requests_to(r"/transfers/uploads/", "DELETE") == []


def test_clearing_completed_uploads_counts_them_first(api, slskd):
    slskd.add_upload("a", FILE_A, state="Completed, Succeeded")
    slskd.add_upload("b", FILE_B, state="Completed, Errored")
    slskd.add_upload("c", FILE_B)

    response = api.delete("/soulseek/uploads/completed")

    assert response.json() == {"removed": 2}
    assert slskd.requests_to(r"/transfers/uploads/all/completed$", "DELETE")


def test_find_by_filename_respects_the_submission_time(api, slskd):
    transfer = enqueue("alice", FILE_A)
    slskd.transfers[transfer["id"]].requested_at -= timedelta(hours=1)
    download = DownloadFactory(username="alice", filename=FILE_A, submitted_at=timezone.now())

    assert api.get(f"/soulseek/download/{download.pk}").status_code == 404
