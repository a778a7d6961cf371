"""The artwork fetch against hostile and broken image servers (SPEC §8.3 step 3, T24, T27, T31,
T32): allow-list per hop, private addresses, size caps, slow bodies, non-images, pixel bombs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from downloads.artwork_fetch import AllowList, ArtworkRefused, Limits, fetch, image_info
from tests.fakes import FakeImageHost, fake_jpeg, tiny_png

LIMITS = Limits(timeout=5, max_bytes=64 * 1024)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "artwork"


def get(url: str, cache: Path, limits: Limits = LIMITS):
    return fetch(url, limits, AllowList.from_config(), cache)


def test_an_allowed_image_is_stored_in_a_temporary_file_of_the_cache(
    images: FakeImageHost, cache: Path
) -> None:
    body = fake_jpeg(640, 640, size=2000)
    url = images.add_image("/cover.jpg", body)

    fetched = get(url, cache)

    assert fetched.mime == "image/jpeg"
    assert fetched.temp.parent == cache
    assert fetched.temp.read_bytes() == body
    assert images.requests[0].header("User-Agent") == "Harmony/1.4.0 ( self-hosted )"


def test_a_host_that_is_not_allow_listed_is_never_contacted(
    fake_image_host: FakeImageHost, cache: Path
) -> None:
    url = fake_image_host.add_image("/cover.jpg")

    with pytest.raises(ArtworkRefused, match=r"host 127\.0\.0\.1 is not on the artwork allow-list"):
        get(url, cache)

    assert fake_image_host.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/_x",
        "ftp://i.scdn.co/cover.jpg",
        "http://user:secret@i.scdn.co/cover.jpg",
    ],
)
def test_other_schemes_and_credentials_in_urls_are_refused(url: str, cache: Path) -> None:
    with pytest.raises(ArtworkRefused):
        get(url, cache)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "169.254.169.254", "10.0.0.1", "192.168.1.20", "[::1]", "0.0.0.0", "2130706433"],
)
def test_private_loopback_and_link_local_addresses_are_refused_even_under_a_wildcard(
    address: str, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARTWORK_ALLOWED_HOSTS", "*")

    with pytest.raises(ArtworkRefused, match=r"non-public address|not on the artwork allow-list"):
        get(f"http://{address}:8000/admin/", cache)


def test_a_redirect_to_a_host_off_the_list_is_refused(
    fake_image_host: FakeImageHost, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "localhost" is listed, "127.0.0.1" (the same server under another name) is not.
    monkeypatch.setenv("ARTWORK_ALLOWED_HOSTS", "localhost")
    fake_image_host.add_image("/admin/secret.jpg")
    port = fake_image_host.url.rsplit(":", 1)[1]
    fake_image_host.add_redirect("/cover.jpg", f"http://127.0.0.1:{port}/admin/secret.jpg")

    with pytest.raises(ArtworkRefused, match=r"host 127\.0\.0\.1 is not on the artwork allow-list"):
        get(f"http://localhost:{port}/cover.jpg", cache)

    assert [r.path for r in fake_image_host.requests] == ["/cover.jpg"]


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "file:///etc/passwd"],
)
def test_a_redirect_into_private_ranges_is_refused(
    images: FakeImageHost, cache: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    monkeypatch.setenv("ARTWORK_ALLOWED_HOSTS", "127.0.0.1,*")
    url = images.add_redirect("/cover.jpg", target)

    with pytest.raises(ArtworkRefused):
        get(url, cache)


def test_redirects_on_allowed_hosts_are_followed_up_to_five_hops(
    images: FakeImageHost, cache: Path
) -> None:
    images.add_image("/final.png", tiny_png(8, 8), content_type="image/png")
    for hop in range(5):
        images.add_redirect(f"/hop{hop}", f"/hop{hop + 1}" if hop < 4 else "/final.png")

    fetched = get(images.url + "/hop0", cache)

    assert fetched.mime == "image/png"


def test_a_sixth_redirect_is_refused(images: FakeImageHost, cache: Path) -> None:
    for hop in range(7):
        images.add_redirect(f"/hop{hop}", f"/hop{hop + 1}")

    with pytest.raises(ArtworkRefused, match="more than 5 redirects"):
        get(images.url + "/hop0", cache)


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    images: FakeImageHost, cache: Path
) -> None:
    url = images.add_image("/big.jpg", fake_jpeg(size=1000), declared_length=10_000_000)

    with pytest.raises(ArtworkRefused, match="image larger than 65536 bytes"):
        get(url, cache)

    assert list(cache.iterdir()) == []


def test_an_undeclared_body_over_the_limit_is_cut_while_streaming(
    images: FakeImageHost, cache: Path
) -> None:
    url = images.add_image("/big.jpg", fake_jpeg(size=200_000), omit_length=True)

    with pytest.raises(ArtworkRefused, match="image larger than 65536 bytes"):
        get(url, cache)

    assert list(cache.iterdir()) == []


def test_an_endless_body_is_cut_at_the_limit(images: FakeImageHost, cache: Path) -> None:
    url = images.add_image("/endless.jpg", fake_jpeg(), endless=True, chunk_size=8192)

    with pytest.raises(ArtworkRefused, match="image larger than"):
        get(url, cache)


def test_a_dripping_server_cannot_hold_the_fetch_past_its_deadline(
    images: FakeImageHost, cache: Path
) -> None:
    url = images.add_image("/slow.jpg", fake_jpeg(size=5000), drip_delay=0.1, chunk_size=10)
    started = time.monotonic()

    with pytest.raises(ArtworkRefused, match="timed out"):
        get(url, cache, Limits(timeout=1, max_bytes=64 * 1024))

    assert time.monotonic() - started < 3
    assert list(cache.iterdir()) == []


def test_a_server_that_never_answers_times_out(images: FakeImageHost, cache: Path) -> None:
    url = images.add_image("/hang.jpg")
    images.set_slow(30, "/hang.jpg")
    started = time.monotonic()

    with pytest.raises(ArtworkRefused, match="timed out"):
        get(url, cache, Limits(timeout=1, max_bytes=64 * 1024))

    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (b"<html>login</html>", "text/html", "not an image"),
        (b"<html>login</html>", "image/jpeg", "not a PNG, JPEG or WebP image"),
        (tiny_png(10_000, 10_000), "image/png", "image too large"),
        (fake_jpeg(9000, 9000), "image/jpeg", "image too large"),
    ],
    ids=["html", "html-as-jpeg", "png-pixel-bomb", "jpeg-pixel-bomb"],
)
def test_non_images_and_pixel_bombs_are_refused(
    images: FakeImageHost, cache: Path, content: bytes, content_type: str, reason: str
) -> None:
    url = images.add_image("/x", content, content_type=content_type)

    with pytest.raises(ArtworkRefused, match=reason):
        get(url, cache)

    assert list(cache.iterdir()) == []


def test_an_upstream_error_status_is_a_refusal(images: FakeImageHost, cache: Path) -> None:
    url = images.add_image("/gone.jpg", status=404)

    with pytest.raises(ArtworkRefused, match="HTTP 404"):
        get(url, cache)


def test_image_headers_are_read_without_decoding() -> None:
    webp_vp8x = b"RIFF\0\0\0\0WEBPVP8X" + bytes(8) + (99).to_bytes(3, "little") * 2

    assert image_info(tiny_png(3, 2)) == ("image/png", 3, 2)
    assert image_info(fake_jpeg(640, 480)) == ("image/jpeg", 640, 480)
    assert image_info(webp_vp8x) == ("image/webp", 100, 100)
