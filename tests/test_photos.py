"""Photos through a real server and real files: uploads stripped of every metadata, refused
when they are not a photo or too big, stored once per key, and served only while the
update that carries them is public."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from courtwire.model import Role
from tests.photo_support import (
    BYTES,
    SECRET_PLACE,
    encode,
    hang_up,
    limited_server,
    media_files,
    noise,
    phone_jpeg,
    photo_rows,
    upload_headers,
    upload_photo,
    variant_statuses,
    wait_until,
)
from tests.support import LiveServer, Staff, new_id

SEED = 16


@pytest.fixture(scope="module")
def photo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of this module's own, with small photo limits."""
    with limited_server(tmp_path_factory.mktemp("photos"), SEED) as live:
        yield live


@pytest.fixture(scope="module")
def desk(photo_server: LiveServer) -> Iterator[Staff]:
    with Staff(photo_server, photo_server.staff("photo-editor", Role.EDITOR)) as staff:
        yield staff


@pytest.fixture
def phone(photo_server: LiveServer) -> Iterator[Staff]:
    with Staff(photo_server, photo_server.staff(f"phone-{new_id()[:8]}")) as staff:
        yield staff


def upload(
    staff: Staff, slug: str, data: bytes, media_type: str = "image/jpeg", key: str | None = None
) -> httpx.Response:
    return staff.client.post(
        f"/api/hearings/{slug}/photos",
        content=data,
        headers=upload_headers(staff.token, media_type, key),
    )


def post_with_photo(
    staff: Staff, slug: str, photo_id: str, alt: str = "The crowd outside.", **photo: Any
) -> httpx.Response:
    return staff.post(slug, "Outside the court.", photo={"id": photo_id, "alt": alt, **photo})


def test_a_phone_photo_is_stored_upright_in_variants_without_any_metadata(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Metadata", status="live")["slug"]
    original = phone_jpeg(SEED)
    assert original.count(SECRET_PLACE) >= 4  # EXIF maker, XMP, IPTC, comment
    answer = upload(phone, slug, original)
    assert answer.status_code == 201, answer.text
    photo = answer.json()["photo"]
    # Orientation 6 (turned on its side): 1800×1200 as shot is 1200×1800 upright.
    assert (photo["width"], photo["height"]) == (1200, 1800)
    widths = [(v["width"], v["height"], v["type"]) for v in photo["variants"]]
    assert widths == [
        (width, height, media_type)
        for width, height in ((480, 720), (720, 1080), (960, 1440), (1200, 1800))
        for media_type in ("image/avif", "image/webp", "image/jpeg")
    ]
    stored = media_files(photo_server)
    names = {v["url"].rsplit("/", 1)[1] for v in photo["variants"]}
    assert {path.name for path in stored if path.parent.name == photo["id"]} == names
    for path in stored:
        data = path.read_bytes()
        assert SECRET_PLACE not in data
        for marker in (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"8BIM"):
            assert marker not in data, (path.name, marker)
        image = Image.open(io.BytesIO(data))
        assert not set(image.info) & {"exif", "xmp", "icc_profile", "comment", "photoshop"}
        assert len(image.getexif()) == 0

    # Not public until an update carries it; then served with its type, nosniff, cached.
    url = photo["variants"][0]["url"]
    assert httpx.get(photo_server.url + url).status_code == 404
    posted = post_with_photo(phone, slug, photo["id"], caption="After the verdict.")
    assert posted.status_code == 201, posted.text
    carried = posted.json()["entry"]["photo"]
    assert carried == photo | {"alt": "The crowd outside.", "caption": "After the verdict."}
    served = httpx.get(photo_server.url + url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/avif"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (
        served.content
        == (photo_server.directory / "media" / url.removeprefix("/media/")).read_bytes()
    )
    events = httpx.get(f"{photo_server.url}/api/hearings/{slug}/events").json()["events"]
    assert events[-1]["data"]["photo"] == carried


def test_png_webp_and_heic_are_taken_by_their_content(desk: Staff, phone: Staff) -> None:
    slug = desk.create_hearing("R v Formats", status="live")["slug"]
    small = noise(SEED, (300, 200))
    for kind, media_type in (("PNG", "image/png"), ("WEBP", "image/webp"), ("HEIF", "image/heic")):
        answer = upload(phone, slug, encode(small, kind), media_type)
        assert answer.status_code == 201, (kind, answer.text)
        photo = answer.json()["photo"]
        # Narrower than the smallest width: its own width, never upscaled.
        assert [(v["width"], v["type"]) for v in photo["variants"]] == [
            (300, "image/avif"),
            (300, "image/webp"),
            (300, "image/jpeg"),
        ]
    untyped = upload(phone, slug, encode(small, "PNG"), "application/octet-stream")
    assert untyped.status_code == 201


REFUSALS = {
    "a decompression bomb": (
        lambda: encode(Image.new("1", (12_000, 12_000)), "PNG"),
        "image/png",
        422,
        "too_many_pixels",
    ),
    "over the pixel limit": (
        lambda: encode(Image.new("L", (2500, 2000)), "PNG"),
        "image/png",
        422,
        "too_many_pixels",
    ),
    "a polyglot HTML/JPEG": (
        lambda: (
            b"<!doctype html><script>alert(1)</script><!--" + encode(noise(SEED, (64, 64)), "JPEG")
        ),
        "image/jpeg",
        415,
        "unsupported_media_type",
    ),
    "an SVG": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
        415,
        "unsupported_media_type",
    ),
    "an SVG sent as a PNG": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/png",
        415,
        "unsupported_media_type",
    ),
    "a PNG sent as a JPEG": (
        lambda: encode(noise(SEED, (64, 64)), "PNG"),
        "image/jpeg",
        415,
        "unsupported_media_type",
    ),
    "a GIF": (
        lambda: encode(noise(SEED, (64, 64)), "GIF"),
        "image/gif",
        415,
        "unsupported_media_type",
    ),
    "a cut-off JPEG": (
        lambda: encode(noise(SEED, (640, 480)), "JPEG")[:3000],
        "image/jpeg",
        415,
        "unsupported_media_type",
    ),
    "an oversized file": (
        lambda: encode(noise(SEED, (1900, 1900)), "PNG") + bytes(BYTES),
        "image/png",
        413,
        "payload_too_large",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_what_is_not_a_photo_or_is_too_big_is_refused_and_nothing_is_stored(
    photo_server: LiveServer, desk: Staff, phone: Staff, case: str
) -> None:
    make, media_type, status, code = REFUSALS[case]
    slug = desk.create_hearing(f"R v Refused {case}", status="live")["slug"]
    rows, files = photo_rows(photo_server), media_files(photo_server)
    answer = upload(phone, slug, make(), media_type)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["field"] if status != 413 else "body") == (code, "body")
    assert error["message"]
    assert photo_rows(photo_server) == rows
    assert media_files(photo_server) == files


def test_an_upload_needs_a_key_and_a_reporter(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Keys", status="live")["slug"]
    data = encode(noise(SEED, (100, 100)), "JPEG")
    headers = upload_headers(phone.token)
    del headers["Idempotency-Key"]
    keyless = httpx.post(
        f"{photo_server.url}/api/hearings/{slug}/photos", content=data, headers=headers
    )
    assert (keyless.status_code, keyless.json()["error"]["field"]) == (400, "Idempotency-Key")
    anonymous = httpx.post(
        f"{photo_server.url}/api/hearings/{slug}/photos",
        content=data,
        headers={"Content-Type": "image/jpeg", "Idempotency-Key": new_id()},
    )
    assert anonymous.status_code == 401
    key = new_id()
    assert upload(phone, slug, data, key=key).status_code == 201
    other = upload(phone, slug, encode(noise(SEED + 1, (100, 100)), "JPEG"), key=key)
    assert (other.status_code, other.json()["error"]["code"]) == (409, "idempotency_conflict")


def test_a_retry_after_a_lost_answer_stores_one_photo(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Retries", status="live")["slug"]
    data = phone_jpeg(SEED + 2, (900, 600))
    key = new_id()
    rows, folders = photo_rows(photo_server), _folders(photo_server)
    path, headers = f"/api/hearings/{slug}/photos", upload_headers(phone.token, key=key)
    hang_up(
        photo_server,
        "POST",
        path,
        headers,
        data,
        len(data),
        lambda: photo_rows(photo_server) == rows + 1,
    )
    retry = upload(phone, slug, data, key=key)
    assert retry.status_code == 200, retry.text
    again = upload(phone, slug, data, key=key)
    assert again.json() == retry.json()
    assert photo_rows(photo_server) == rows + 1
    assert _folders(photo_server) == folders | {retry.json()["photo"]["id"]}

    # The same key twice at once: one photo, both answers name it.
    key = new_id()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: upload(phone, slug, data, key=key), range(2)))
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json() == answers[1].json()
    assert photo_rows(photo_server) == rows + 2
    wait_until(lambda: len(_folders(photo_server)) == len(folders) + 2)


def _folders(server: LiveServer) -> set[str]:
    return {path.parent.name for path in media_files(server)}


def _entry_with_photo(
    desk: Staff, phone: Staff, title: str, seed: int
) -> tuple[dict[str, Any], str]:
    """A photo posted on an update of a new live hearing, and the update's address."""
    slug = desk.create_hearing(title, status="live")["slug"]
    photo = upload_photo(phone, slug, seed, (640, 480))
    entry = post_with_photo(phone, slug, photo["id"]).json()["entry"]
    return photo, f"/api/hearings/{slug}/entries/{entry['id']}"


def test_a_deleted_entry_s_photo_is_gone_and_its_files_removed(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Deleted", status="live")["slug"]
    photo = upload_photo(phone, slug, SEED + 3, (640, 480))
    entry = post_with_photo(phone, slug, photo["id"]).json()["entry"]
    assert variant_statuses(photo_server, photo) == {200}
    taken = post_with_photo(phone, slug, photo["id"])
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "photo_in_use")
    assert phone.client.delete(f"/api/hearings/{slug}/entries/{entry['id']}").status_code == 200
    assert variant_statuses(photo_server, photo) == {404}
    wait_until(lambda: photo["id"] not in _folders(photo_server))
    events = httpx.get(f"{photo_server.url}/api/hearings/{slug}/events").text
    assert photo["id"] not in events


def test_a_withheld_or_queued_entry_s_photo_is_not_served(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Hidden", status="live")["slug"]
    withheld = upload_photo(phone, slug, SEED + 4, (640, 480))
    assert (
        post_with_photo(phone, slug, withheld["id"], alt="Tomas Vell outside.").status_code == 201
    )
    assert variant_statuses(photo_server, withheld) == {200}
    restricted = desk.client.post(f"/api/hearings/{slug}/restrictions", json={"term": "Tomas Vell"})
    assert restricted.json()["withheld"]
    assert variant_statuses(photo_server, withheld) == {404}
    assert withheld["id"] in _folders(photo_server)  # kept: an editor may republish it

    desk.client.patch(f"/api/hearings/{slug}", json={"reporting": "held"})
    queued = upload_photo(phone, slug, SEED + 5, (640, 480))
    waiting = post_with_photo(phone, slug, queued["id"])
    assert waiting.status_code == 202
    assert variant_statuses(photo_server, queued) == {404}
    entry_id = waiting.json()["entry"]["id"]
    released = desk.client.post(f"/api/hearings/{slug}/queue/{entry_id}/release")
    assert released.status_code == 201
    assert variant_statuses(photo_server, queued) == {200}

    # A queued post discarded by an editor is never published: its files go.
    dropped = upload_photo(phone, slug, SEED + 10, (640, 480))
    entry_id = post_with_photo(phone, slug, dropped["id"]).json()["entry"]["id"]
    assert desk.client.delete(f"/api/hearings/{slug}/queue/{entry_id}").status_code == 200
    assert variant_statuses(photo_server, dropped) == {404}
    wait_until(lambda: dropped["id"] not in _folders(photo_server))


def test_alt_text_or_a_caption_naming_a_restriction_is_refused_and_nothing_stored(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Alt", status="live", restricted_terms=["Ilse Marten"])["slug"]
    photo = upload_photo(phone, slug, SEED + 6, (640, 480))
    for fields in ({"alt": "Ilse Marten leaves."}, {"caption": "ilse  MARTEN outside"}):
        refused = post_with_photo(phone, slug, photo["id"], **fields)
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == "restricted_term"
        assert error["field"] == f"photo.{next(iter(fields))}"
        assert "Marten" not in refused.text
    assert httpx.get(f"{photo_server.url}/api/hearings/{slug}/entries").json()["entries"] == []
    assert variant_statuses(photo_server, photo) == {404}
    missing_alt = phone.post(slug, "Outside.", photo={"id": photo["id"], "alt": " "})
    assert (missing_alt.status_code, missing_alt.json()["error"]["field"]) == (422, "photo.alt")
    unknown = post_with_photo(phone, slug, "no-such-photo")
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "photo.id")
    assert post_with_photo(phone, slug, photo["id"]).status_code == 201


def test_an_editor_corrects_alt_text_and_removes_a_photo(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    photo, path = _entry_with_photo(desk, phone, "R v Revised", SEED + 7)
    changed = desk.client.patch(
        path, json={"photo": {"id": photo["id"], "alt": "Supporters sing."}}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["entry"]["photo"]["alt"] == "Supporters sing."
    assert changed.json()["entry"]["photo"]["variants"] == photo["variants"]
    removed = desk.client.patch(path, json={"photo": None})
    assert "photo" not in removed.json()["entry"]
    assert variant_statuses(photo_server, photo) == {404}
    wait_until(lambda: photo["id"] not in _folders(photo_server))


def test_media_addresses_that_are_not_a_variant_are_not_found(photo_server: LiveServer) -> None:
    for path in ("/media/x/y.jpg", "/media/../courtwire.db", "/media/%2e%2e/courtwire.db"):
        assert httpx.get(photo_server.url + path).status_code == 404


def test_media_directory_is_where_the_setting_says(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, media_dir=str(tmp_path / "elsewhere"))
    server.start()
    try:
        with Staff(server, server.staff("somewhere")) as staff:
            slug = staff.client.post("/api/hearings", json={"title": "R v Dir"})
            assert slug.status_code == 403  # a reporter creates no hearing
        with Staff(server, server.staff("desk-dir", Role.EDITOR)) as editor:
            slug = editor.create_hearing("R v Dir", status="live")["slug"]
            assert upload_photo(editor, slug, SEED + 8, (640, 480))["id"]
        assert list((tmp_path / "elsewhere").rglob("*.webp"))
        assert not (tmp_path / "media").exists()
    finally:
        server.stop()


def test_pages_feed_json_ld_and_exports_carry_the_photo(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Pages", status="live")["slug"]
    photo = upload_photo(phone, slug, SEED + 9, (640, 480))
    alt = 'Supporters sing "the anthem" <outside>.'
    posted = post_with_photo(phone, slug, photo["id"], alt=alt, caption="After the verdict & more.")
    assert posted.status_code == 201
    base = photo_server.url
    page = httpx.get(f"{base}/h/{slug}").text
    jpegs = [v for v in photo["variants"] if v["type"] == "image/jpeg"]
    webps = [v for v in photo["variants"] if v["type"] == "image/webp"]
    srcset = ", ".join(f"{v['url']} {v['width']}w" for v in jpegs)
    assert (
        f'<img src="{jpegs[-1]["url"]}" srcset="{srcset}" sizes="(min-width: 46rem) 44rem,'
        f' calc(100vw - 2rem)" width="640" height="480"'
        ' alt="Supporters sing &quot;the anthem&quot; &lt;outside&gt;." fetchpriority="high"'
        ' decoding="async">'
    ) in page
    avifs = [v for v in photo["variants"] if v["type"] == "image/avif"]
    assert (
        f'<picture><source type="image/avif" srcset="{avifs[0]["url"]} 480w'
        f', {avifs[1]["url"]} 640w" sizes="(min-width: 46rem) 44rem, calc(100vw - 2rem)">'
        f'<source type="image/webp" srcset="{webps[0]["url"]} 480w'
    ) in page
    assert "<figcaption>After the verdict &amp; more.</figcaption>" in page
    assert f'"image":{{"@type":"ImageObject","url":"{base}{jpegs[-1]["url"]}"' in page.replace(
        " ", ""
    ).replace("\\u003c", "<").replace("\\u003e", ">")
    feed = httpx.get(f"{base}/h/{slug}/feed.atom").text
    assert f"{base}{jpegs[-1]['url']}" in feed
    transcript = httpx.get(f"{base}/api/hearings/{slug}/export.html").text
    embedded = photo_server.directory / "media" / jpegs[-1]["url"].removeprefix("/media/")
    assert base64.b64encode(embedded.read_bytes()).decode() in transcript
    assert "/media/" not in transcript
    markdown = httpx.get(f"{base}/api/hearings/{slug}/export.md").text
    assert f"]({jpegs[-1]['url']})" in markdown
    assert "Supporters sing" in markdown


def test_a_patch_of_an_entry_with_a_photo_retried_after_a_lost_answer_applies_once(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    photo, path = _entry_with_photo(desk, phone, "R v Patch Retried", SEED + 11)
    slug = path.split("/")[3]
    changes = [
        {"body": "Outside, later.", "correction": "Time.", "revision": 1},
        {"photo": {"id": photo["id"], "alt": "Supporters sing.", "caption": None}, "revision": 2},
        {"photo": {"id": photo["id"], "alt": "Supporters sing.", "caption": "Late"}, "revision": 3},
        {"photo": None, "correction": "Photo removed.", "revision": 4},
    ]
    for revision, change in enumerate(changes, start=2):
        first = phone.client.patch(path, json=change)
        assert first.status_code == 200, first.text
        assert first.json()["entry"]["revision"] == revision
        last_seq = phone.client.get(f"/api/hearings/{slug}").json()["last_seq"]
        again = phone.client.patch(path, json=change)
        assert (again.status_code, again.json()) == (200, first.json()), change
        assert phone.client.get(f"/api/hearings/{slug}").json()["last_seq"] == last_seq
    # A different change from a revision already passed is still a conflict.
    stale = phone.client.patch(path, json={"photo": None, "correction": "Other.", "revision": 4})
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "revision_conflict")
    wait_until(lambda: photo["id"] not in _folders(photo_server))


def test_the_page_s_first_photo_is_fetched_at_once_and_the_others_lazily(
    photo_server: LiveServer, desk: Staff, phone: Staff
) -> None:
    slug = desk.create_hearing("R v Several", status="live")["slug"]
    photos = [upload_photo(phone, slug, SEED + 20 + number, (640, 480)) for number in range(3)]
    entries = [post_with_photo(phone, slug, photo["id"]).json()["entry"] for photo in photos]
    pin = desk.client.patch(
        f"/api/hearings/{slug}/entries/{entries[0]['id']}", json={"pinned": True}
    )
    assert pin.status_code == 200, pin.text
    page = httpx.get(f"{photo_server.url}/h/{slug}").text
    images = re.findall(r"<img [^>]*>", page)
    # The pinned one shows first (and again in its place); newest first below it.
    order = [photos[0], photos[2], photos[1], photos[0]]
    assert [re.findall(r"/media/([^/]+)/", image)[0] for image in images] == [
        photo["id"] for photo in order
    ]
    assert ['fetchpriority="high"' in image for image in images] == [True, False, False, False]
    assert ['loading="lazy"' in image for image in images] == [False, True, True, True]
