"""`POST /api/download` (SPEC §2.4, RELIABILITY T11, T26, T48)."""

from __future__ import annotations

import pytest

from activity.models import ActivityEvent
from core.models import WorkerJob
from downloads.models import Download

pytestmark = pytest.mark.django_db

FILE = "Music\\Daft Punk\\Discovery\\04 Harder.mp3"


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:9")


def post(api, body):
    return api.post("/api/download", body, format="json")


def test_create_persists_queued_downloads_with_jobs_and_event(api, configured):
    response = post(
        api,
        {
            "username": "dj_user",
            "files": [
                {"filename": FILE, "size": 5120000, "title": "Harder", "spotify_track_id": "2cG"},
                {"name": "Music\\Other.flac", "filesize": 10},
            ],
        },
    )

    assert response.status_code == 202
    data = response.json()
    first, second = Download.objects.order_by("id")
    assert data["status"] == "queued"
    assert data["download_id"] == first.pk
    assert [d["id"] for d in data["downloads"]] == [first.pk, second.pk]
    assert data["downloads"][0]["status"] == "queued"
    assert data["downloads"][0]["progress"] == 0.0
    assert first.request_payload == {
        "username": "dj_user",
        "filename": FILE,
        "size": 5120000,
        "priority": 0,
        "file": {"filename": FILE, "size": 5120000, "title": "Harder", "spotify_track_id": "2cG"},
        "metadata": {"title": "Harder", "spotify_track_id": "2cG"},
    }
    assert first.source == "api"
    assert first.spotify_track_id == "2cG"
    assert (second.filename, second.size) == ("Music\\Other.flac", 10)
    jobs = WorkerJob.objects.order_by("id")
    assert [(j.worker, j.state, j.download_id) for j in jobs] == [
        ("sync", "queued", first.pk),
        ("sync", "queued", second.pk),
    ]
    assert jobs[0].payload["files"] == [{"filename": FILE, "size": 5120000, "priority": 0}]
    event = ActivityEvent.objects.get(type="download", status="queued")
    assert event.details == {"download_ids": [first.pk, second.pk], "username": "dj_user"}


def test_documented_example_answers_with_full_download_json(api, configured):
    response = post(api, {"username": "dj_user", "files": [{"filename": "Daft Punk - Harder.mp3"}]})

    item = response.json()["downloads"][0]
    assert item["filename"] == "Daft Punk - Harder.mp3"
    assert item["priority"] == 0
    assert item["username"] == "dj_user"
    assert item["created_at"].endswith("Z")
    assert item["retry_count"] == 0
    assert item["dead_letter"] is False
    assert item["state_changed_at"] == item["created_at"]
    assert item["seconds_in_state"] == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"files": [{"filename": "a.mp3", "priority": 7}], "priority": 3}, 7),
        ({"files": [{"filename": "a.mp3"}], "priority": 3}, 3),
        ({"files": [{"filename": "a.mp3", "is_favorite": True}]}, 10),
        ({"files": [{"filename": "a.mp3", "spotify_like": 1}]}, 10),
        ({"files": [{"filename": "a.mp3", "source": "spotify_likes"}]}, 10),
        ({"files": [{"filename": "a.mp3"}], "source": "favorites"}, 10),
        ({"files": [{"filename": "a.mp3", "liked": False}]}, 0),
        ({"files": [{"filename": "a.mp3", "priority": -5}]}, -5),
        ({"files": [{"filename": "a.mp3", "is_favorite": True}], "priority": 2}, 2),
    ],
)
def test_priority_rules(api, configured, body, expected):
    response = post(api, {"username": "dj_user", **body})

    assert response.status_code == 202
    download = Download.objects.get()
    assert download.priority == expected
    assert download.request_payload["priority"] == expected
    assert WorkerJob.objects.get().priority == expected


@pytest.mark.parametrize("alias", ["filesize", "file_size", "size"])
def test_size_aliases(api, configured, alias):
    post(api, {"username": "u", "files": [{"filename": "a.mp3", alias: 42}]})

    assert Download.objects.get().size == 42


def test_same_file_twice_in_one_request_is_requested_once(api, configured):
    post(api, {"username": "u", "files": [{"filename": "a.mp3"}, {"filename": "a.mp3"}]})

    assert Download.objects.count() == 1


def test_without_soulseek_credentials_it_is_blocked(api):
    response = post(api, {"username": "dj_user", "files": [{"filename": FILE}]})

    assert response.status_code == 503
    assert response.json() == {
        "detail": {"message": "Download blocked", "missing": {"soulseek": ["SLSKD_URL"]}}
    }
    assert not Download.objects.exists()
    assert not WorkerJob.objects.exists()
    event = ActivityEvent.objects.get()
    assert (event.type, event.status) == ("download", "download_blocked")
    assert event.details == {"missing": {"soulseek": ["SLSKD_URL"]}, "username": "dj_user"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"files": [{"filename": "a.mp3"}]}, "username"),
        ({"username": "", "files": [{"filename": "a.mp3"}]}, "username"),
        ({"username": "   ", "files": [{"filename": "a.mp3"}]}, "username"),
        ({"username": 7, "files": [{"filename": "a.mp3"}]}, "username"),
        ({"username": "u"}, "files"),
        ({"username": "u", "files": []}, "files"),
        ({"username": "u", "files": "a.mp3"}, "files"),
        ({"username": "u", "files": [{"filename": f"{n}.mp3"} for n in range(101)]}, "files"),
        ({"username": "u", "files": ["a.mp3"]}, "files"),
        ({"username": "u", "files": [{"size": 3}]}, "files"),
        ({"username": "u", "files": [{"filename": "  "}]}, "files"),
        ({"username": "u", "files": [{"filename": 5}]}, "files"),
        ({"username": "u", "files": [{"filename": "a", "size": -1}]}, "files"),
        ({"username": "u", "files": [{"filename": "a", "size": "big"}]}, "files"),
        ({"username": "u", "files": [{"filename": "a", "size": True}]}, "files"),
        ({"username": "u", "files": [{"filename": "a", "priority": 10**12}]}, "files"),
        ({"username": "u", "files": [{"filename": "a", "priority": 1.5}]}, "files"),
        ({"username": "u", "files": [{"filename": "a"}], "priority": 1001}, "priority"),
        ({"username": "u", "files": [{"filename": "a"}], "priority": -1001}, "priority"),
        ({"username": "u", "files": [{"filename": "a"}], "priority": True}, "priority"),
        ({"username": "u", "files": [{"filename": "a"}], "priority": "high"}, "priority"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, configured, body, field):
    response = post(api, body)

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not Download.objects.exists()


def test_validation_comes_before_the_credentials_check(api):
    response = post(api, {"username": "u", "files": []})

    assert response.status_code == 422
    assert not ActivityEvent.objects.exists()


def test_body_that_is_not_an_object_is_422(api, configured):
    response = post(api, [{"filename": "a.mp3"}])

    assert response.status_code == 422


def test_sync_worker_is_nudged_after_commit(
    api, configured, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.HARMONY_DISABLE_WORKERS = False
    calls = []
    monkeypatch.setattr(
        "django_q.tasks.async_task", lambda func, *args, **kwargs: calls.append((func, args))
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(api, {"username": "u", "files": [{"filename": "a.mp3"}]})
        assert calls == []  # nothing is sent before the rows are committed
    for callback in callbacks:
        callback()

    assert calls == [("core.workers.registry.run_cycle", ("sync",))]
