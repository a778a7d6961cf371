"""POST /beets/import, the pipeline's `import_file`, `manage.py import` (§2.12, §5.4; T41, T51)."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import CommandError, call_command

from core.errors import ValidationFailed
from integrations.clients.beets import ImportResult, import_file
from tests.audio import make_flac, make_mp3

pytestmark = pytest.mark.django_db


def test_import_of_a_folder_adds_its_tracks_as_is_in_place(api, dirs):
    folder = dirs.downloads / "Daft Punk - Discovery"
    album = {"artist": "Daft Punk", "album": "Discovery"}
    first = make_mp3(folder / "01.mp3", title="One More Time", track=1, **album)
    second = make_flac(folder / "02.flac", title="Aerodynamic", track=2, **album)

    response = api.post("/beets/import", {"path": str(folder)}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Import completed"}
    assert [item["path"] for item in dirs.items()] == [first, second]
    assert dirs.titles() == ["Aerodynamic", "One More Time"]
    assert not any(dirs.music.iterdir())


def test_import_with_copy_puts_a_copy_under_the_music_dir(api, dirs):
    source = make_mp3(dirs.downloads / "x.mp3", title="Genesis", artist="Justice", album="Cross")

    response = api.post("/beets/import", {"path": str(source), "copy": True}, format="json")

    assert response.status_code == 200
    [item] = dirs.items()
    assert item["path"] == dirs.music / "Justice" / "Cross" / "Genesis.mp3"
    assert item["path"].is_file()
    assert source.is_file()


def test_reimport_of_the_same_file_is_a_no_op(dirs):
    track = make_mp3(dirs.downloads / "Justice" / "Genesis.mp3", title="Genesis", artist="Justice")

    first = import_file(track)
    second = import_file(track)

    assert first == ImportResult(success=True, message="Import completed")
    assert second.success is True
    assert [item["path"] for item in dirs.items()] == [track]


@pytest.mark.parametrize(
    ("target", "options", "flags"),
    [
        ("folder", {}, ["-q", "-A", "-C"]),
        ("folder", {"quiet": False, "autotag": True, "copy": True}, ["-c"]),
        ("file", {}, ["-q", "-A", "-C", "-s"]),
    ],
)
def test_import_options_become_beets_flags(api, dirs, fake_beet, target, options, flags):
    folder = dirs.downloads / "album"
    track = make_mp3(folder / "01.mp3", title="One")
    path = str(folder if target == "folder" else track)
    fake_beet.install("print('imported 1 item')")

    response = api.post("/beets/import", {"path": path, **options}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "imported 1 item"}
    [call] = fake_beet.calls()
    assert call["argv"] == ["import", *flags, "--", path]
    assert call["beetsdir"] == str(dirs.beetsdir)
    assert call["stdin"] == os.devnull
    assert call["session_leader"] is True


def test_import_path_must_exist(api, dirs):
    response = api.post("/beets/import", {"path": str(dirs.downloads / "missing")}, format="json")

    assert response.status_code == 422
    assert response.json() == {"detail": {"path": ["Path does not exist."]}}


@pytest.mark.parametrize("path", ["/etc", "/", "{downloads}/../..", "../../", "{downloads}/../x"])
def test_import_outside_the_allowed_roots_is_422(api, dirs, fake_beet, path):
    fake_beet.install()

    response = api.post(
        "/beets/import", {"path": path.format(downloads=dirs.downloads)}, format="json"
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": {"path": ["Path must be inside MUSIC_DIR or SLSKD_DOWNLOADS_DIR."]}
    }
    assert fake_beet.calls() == []


def test_import_through_a_symlink_that_leaves_the_roots_is_422(api, dirs, tmp_path, fake_beet):
    outside = tmp_path / "elsewhere"
    make_mp3(outside / "01.mp3", title="Secret")
    (dirs.downloads / "innocent").symlink_to(outside, target_is_directory=True)
    fake_beet.install()

    response = api.post("/beets/import", {"path": str(dirs.downloads / "innocent")}, format="json")

    assert response.status_code == 422
    assert fake_beet.calls() == []


def test_import_of_a_symlink_that_stays_inside_the_roots_runs_on_its_target(api, dirs, fake_beet):
    track = make_mp3(dirs.music / "kept" / "01.mp3", title="Kept")
    (dirs.downloads / "link.mp3").symlink_to(track)
    fake_beet.install()

    response = api.post("/beets/import", {"path": str(dirs.downloads / "link.mp3")}, format="json")

    assert response.status_code == 200
    assert fake_beet.calls()[0]["argv"][-2:] == ["--", str(track)]


@pytest.mark.parametrize("body", [{}, {"path": ""}, {"path": None}, {"path": "x", "copy": "maybe"}])
def test_import_body_is_validated(api, body):
    response = api.post("/beets/import", body, format="json")

    assert response.status_code == 422


def test_import_file_refuses_folders(dirs):
    make_mp3(dirs.downloads / "album" / "01.mp3", title="One")

    with pytest.raises(ValidationFailed) as caught:
        import_file(dirs.downloads / "album")

    assert caught.value.detail == {"path": ["Path must be a file."]}


def test_import_command_runs_the_endpoint_defaults_and_prints_beets_output(dirs, fake_beet):
    track = make_mp3(dirs.downloads / "01.mp3", title="One")
    fake_beet.install("print('imported 1 item')")
    out = io.StringIO()

    call_command("import", str(track), stdout=out)

    assert out.getvalue() == "imported 1 item\n"
    assert fake_beet.calls()[0]["argv"] == ["import", "-q", "-A", "-C", "-s", "--", str(track)]


def test_import_command_fails_on_a_path_outside_the_roots(db):
    with pytest.raises(CommandError, match="path: Path must be inside MUSIC_DIR"):
        call_command("import", "/etc", stdout=io.StringIO())


def test_import_command_fails_when_beets_fails(dirs, fake_beet):
    track = make_mp3(dirs.downloads / "01.mp3", title="One")
    fake_beet.install("sys.stderr.write('error: disk full\\n'); sys.exit(1)")

    with pytest.raises(CommandError, match=r"^beets: error: disk full$"):
        call_command("import", str(track), stdout=io.StringIO())
