"""`/soulseek/user/{username}/address|browse|directory|info|status` (SPEC §2.8; T25)."""

from __future__ import annotations

import pytest

from tests.fakes.base import RecordedRequest, Response, json_response
from tests.fakes.slskd import FakeSlskd
from tests.integrations.soulseek.conftest import API_KEY

FILE = "@@abcde\\Music\\Radiohead\\In Rainbows\\04 - Weird Fishes.mp3"
DIRECTORY = "@@abcde\\Music\\Radiohead\\In Rainbows"


class PictureSlskd(FakeSlskd):
    """Sends the profile picture slskd includes when a user has one."""

    def _user_info(self, request: RecordedRequest) -> Response:
        return json_response({"description": "hi", "hasPicture": True, "picture": "AAAA" * 1000})


def test_address_of_an_online_user(api, slskd):
    slskd.add_user("user123", address="198.51.100.4", port=2240)

    response = api.get("/soulseek/user/user123/address")

    assert response.json() == {"username": "user123", "address": "198.51.100.4", "port": 2240}
    [sent] = slskd.requests_to(r"/users/user123/endpoint$", "GET")
    assert sent.header("X-API-Key") == API_KEY


def test_address_of_an_offline_user_is_404(api, slskd):
    slskd.set_user_offline("ghost")

    response = api.get("/soulseek/user/ghost/address")

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found or offline"}


@pytest.mark.parametrize(
    ("path_name", "username", "encoded"),
    [
        ("..%2Fx", "../x", "..%2Fx"),
        ("a/b", "a/b", "a%2Fb"),
        ("dj%20user", "dj user", "dj%20user"),
        ("%2525", "%25", "%2525"),
        ("x%3Fy%23z", "x?y#z", "x%3Fy%23z"),
    ],
)
def test_hostile_usernames_reach_slskd_as_one_segment(api, slskd, path_name, username, encoded):
    response = api.get(f"/soulseek/user/{path_name}/status")

    assert response.json()["username"] == username
    [sent] = slskd.requests_to(r"/status$", "GET")
    assert sent.raw_path == f"/api/v0/users/{encoded}/status"


def test_an_overlong_username_is_422(api, slskd):
    response = api.get(f"/soulseek/user/{'x' * 256}/status")

    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["username"]
    assert slskd.requests == []


def test_browse_returns_slskds_directories(api, slskd):
    slskd.add_search_result("x", "user123", [FILE])

    body = api.get("/soulseek/user/user123/browse").json()

    assert body["directoryCount"] == 1
    assert body["directories"][0]["name"] == DIRECTORY


def test_directory_posts_the_path_to_slskd(api, slskd):
    slskd.add_search_result("x", "user123", [FILE])

    response = api.get("/soulseek/user/user123/directory", {"path": DIRECTORY})

    body = response.json()
    assert (body["username"], body["path"]) == ("user123", DIRECTORY)
    assert body["directories"][0]["files"][0]["filename"] == "04 - Weird Fishes.mp3"
    [sent] = slskd.requests_to(r"/users/user123/directory$", "POST")
    assert sent.json == {"directory": DIRECTORY}


@pytest.mark.parametrize("params", [{}, {"path": ""}, {"path": "  "}])
def test_directory_without_a_path_is_422(api, slskd, params):
    response = api.get("/soulseek/user/user123/directory", params)

    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["path"]
    assert slskd.requests == []


def test_info_passes_slskds_fields(api, slskd):
    slskd.add_user("user123", description="Hello", upload_slots=3)

    body = api.get("/soulseek/user/user123/info").json()

    assert body["description"] == "Hello"
    assert body["uploadSlots"] == 3


def test_info_drops_the_picture(api, db, monkeypatch):
    with PictureSlskd() as fake:
        monkeypatch.setenv("SLSKD_URL", fake.url)

        body = api.get("/soulseek/user/user123/info").json()

    assert body == {"description": "hi", "hasPicture": True}


@pytest.mark.parametrize(
    ("presence", "online"), [("Online", True), ("Away", True), ("Offline", False)]
)
def test_status_reports_presence(api, slskd, presence, online):
    slskd.add_user("user123", presence=presence, is_privileged=True)

    response = api.get("/soulseek/user/user123/status")

    assert response.json() == {
        "username": "user123",
        "presence": presence,
        "is_privileged": True,
        "online": online,
    }
