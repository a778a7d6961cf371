"""POST /beets/update, /remove, /move, /write on a real library, and their guards (T39, T40)."""

from __future__ import annotations

import pytest
from mutagen import File

from integrations.clients.beets import import_file
from tests.audio import make_mp3

pytestmark = pytest.mark.django_db

ALL_TITLES = ["Digital Love", "Genesis", "One More Time", "Robot Rock"]


def _path_of(library, title: str):
    return next(item["path"] for item in library.items() if item["title"] == title)


def test_update_rereads_tags_of_the_matching_items(api, library):
    genesis = _path_of(library, "Genesis")
    tags = File(genesis)
    tags["title"] = ["Genesis (Live)"]
    tags.save()

    response = api.post("/beets/update", {"query": "artist:Justice"}, format="json")

    assert response.status_code == 200
    assert response.json()["success"] is True
    assert "Genesis (Live)" in library.titles()


def test_update_by_path_limits_it_to_that_folder(api, library):
    for title in ("Genesis", "Robot Rock"):
        tags = File(_path_of(library, title))
        tags["title" if title == "Genesis" else "\xa9nam"] = [f"{title} (Edit)"]
        tags.save()

    response = api.post("/beets/update", {"path": str(library.music / "Justice")}, format="json")

    assert response.status_code == 200
    assert "Genesis (Edit)" in library.titles()
    assert "Robot Rock" in library.titles()


@pytest.mark.parametrize(
    "body",
    [{"query": "a", "path": "/x"}, {"path": "/etc"}, {"query": "-d"}, {"query": "'unbalanced"}],
)
def test_update_rejects_bad_input(api, library, body):
    response = api.post("/beets/update", body, format="json")

    assert response.status_code == 422


def test_remove_counts_and_keeps_the_files(api, library):
    genesis = _path_of(library, "Genesis")

    response = api.post("/beets/remove", {"query": "artist:Justice"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True, "removed": 1}
    assert library.titles() == ["Digital Love", "One More Time", "Robot Rock"]
    assert genesis.is_file()


def test_remove_with_delete_files_deletes_them(api, library):
    paths = [_path_of(library, "One More Time"), _path_of(library, "Digital Love")]
    body = {"query": "album:Discovery", "delete_files": True}

    response = api.post("/beets/remove", body, format="json")

    assert response.json() == {"success": True, "removed": 2}
    assert library.titles() == ["Genesis", "Robot Rock"]
    assert not any(path.exists() for path in paths)


def test_remove_without_matches_removes_nothing(api, library):
    response = api.post("/beets/remove", {"query": "artist:Nobody"}, format="json")

    assert response.json() == {"success": True, "removed": 0}
    assert library.titles() == ALL_TITLES


def test_remove_of_a_query_matching_the_whole_library_needs_all(api, library):
    refused = api.post("/beets/remove", {"query": "year:0"}, format="json")
    confirmed = api.post("/beets/remove", {"query": "year:0", "all": True}, format="json")

    assert refused.status_code == 422
    assert refused.json() == {
        "detail": {"query": ['The query matches the whole library; send "all": true to confirm.']}
    }
    assert confirmed.json() == {"success": True, "removed": 4}
    assert library.titles() == []


def test_remove_of_everything_with_all_true(api, library):
    response = api.post("/beets/remove", {"query": "", "all": True}, format="json")

    assert response.json() == {"success": True, "removed": 4}
    assert library.titles() == []


MATCH_ALL = ["", "   ", "*", "''", "title::.*", "artist:", "^"]


@pytest.mark.parametrize(
    ("url", "query"),
    [("/beets/remove", query) for query in MATCH_ALL]
    + [(url, query) for url in ("/beets/move", "/beets/write") for query in ("", "*", None)],
)
def test_match_all_queries_are_refused_without_all(api, fake_beet, url, query):
    fake_beet.install()
    body = {} if query is None else {"query": query}

    response = api.post(url, body, format="json")

    assert response.status_code == 422
    assert response.json() == {
        "detail": {"query": ['The query matches the whole library; send "all": true to confirm.']}
    }
    assert fake_beet.calls() == []


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (url, "-d")
        for url in ("/beets/remove", "/beets/move", "/beets/write", "/beets/update", "/beets/query")
    ]
    + [("/beets/remove", query) for query in ("artist:x -a", "--all", "'-l /tmp/other.db'", "'a")],
)
def test_option_looking_or_unparsable_queries_are_422(api, fake_beet, url, query):
    fake_beet.install()

    response = api.post(url, {"query": query, "all": True}, format="json")

    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["query"]
    assert fake_beet.calls() == []


def test_move_puts_items_imported_in_place_into_the_music_dir(api, library):
    source = make_mp3(
        library.downloads / "incoming" / "x.mp3", title="Phantom", artist="Daft Punk", track=2
    )
    import_file(source)

    response = api.post("/beets/move", {"query": "title:Phantom"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True, "moved": 1}
    moved = library.music / "Daft Punk" / "Unknown Album" / "02 - Phantom.mp3"
    assert _path_of(library, "Phantom") == moved
    assert moved.is_file()
    assert not source.exists()


def test_write_puts_library_values_into_the_file_tags(api, library):
    library.execute("UPDATE items SET title = ? WHERE title = ?", "Genesis (Remaster)", "Genesis")

    response = api.post("/beets/write", {"query": "artist:Justice"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True, "written": 1}
    assert File(_path_of(library, "Genesis (Remaster)"))["title"] == ["Genesis (Remaster)"]
