"""A reporter attaches a photo offline; it waits on the phone, goes out when the network
is back (uploaded in pieces, resumed from the offset the server holds after a lost
answer, its progress shown), and the reader
page shows it live with its alt text and caption. Real server, real Chromium."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Browser, Page, Route, expect

from tests.photo_support import encode, noise, phone_jpeg, post_photo
from tests.support import LiveServer, Staff, serious_violations
from tests.test_reporter_app_browser import new_reporter, open_app

SEED = 1616
PIECE_BYTES = 256 * 1024
"""The app's piece size (static/js/outbox.js)."""
PROGRESS_WATCH = """() => {
  window.progressSeen = [];
  new MutationObserver(() => {
    const bar = document.querySelector("#outbox-list progress:not([hidden])");
    if (!bar) return;
    const name = document.getElementById(bar.getAttribute("aria-labelledby"));
    const last = window.progressSeen[window.progressSeen.length - 1];
    if (!last || last[0] !== bar.value) window.progressSeen.push([bar.value, name.textContent]);
  }).observe(document.querySelector("#outbox-list"), { childList: true, subtree: true });
}"""


def photos_of(server: LiveServer, slug: str) -> list[tuple[int, int]]:
    with server.connect() as db:
        rows = db.execute(
            "SELECT photos.width, photos.height FROM photos JOIN hearings"
            " ON hearings.id = photos.hearing_id WHERE hearings.slug = ?",
            (slug,),
        ).fetchall()
    return [(int(w), int(h)) for w, h in rows]


def choose(page: Page, button: str, name: str, image: bytes, kind: str = "image/jpeg") -> None:
    """The reporter picks the file `name` with the camera or gallery `button`."""
    page.set_input_files(button, files=[{"name": name, "mimeType": kind, "buffer": image}])


def test_a_photo_attached_offline_reaches_the_reader_live_once_with_its_alt_text(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    print(f"seed={SEED}")
    slug = hearing["slug"]
    reader = browser.new_page()
    reader.goto(f"{server.url}/h/{slug}")
    expect(reader.locator("#connection")).to_have_attribute("data-state", "live")

    starts: list[str] = []
    pieces: list[str] = []

    def count_start(route: Route) -> None:
        starts.append(route.request.headers["idempotency-key"])
        route.continue_()

    def lose_second_answer(route: Route) -> None:
        # The second piece reaches the server, but its answer never reaches the phone.
        pieces.append(route.request.headers["content-range"])
        if len(pieces) == 2:
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    context, page = open_app(browser, server, new_reporter(server), slug)
    page.evaluate(PROGRESS_WATCH)
    context.route("**/api/hearings/*/uploads", count_start)
    context.route("**/api/hearings/*/uploads/*", lose_second_answer)
    context.set_offline(True)
    expect(page.locator("#net-state")).to_have_attribute("data-state", "offline")

    page.fill("#body", "Supporters gather on the steps.")
    # 3200×2400 as shot, orientation 6 (on its side): larger than the app sends.
    choose(page, "#photo-gallery", "steps.jpg", phone_jpeg(SEED, (3200, 2400)))
    expect(page.locator("#photo-name")).to_contain_text("Photo attached")
    page.click("#send")
    expect(page.locator("#photo-error")).to_contain_text("Describe the photo")
    page.fill("#photo-alt", "About forty people with flags on the court steps.")
    page.fill("#photo-caption", "Outside the regional court.")
    page.click("#send")
    expect(page.locator("#photo-error")).to_contain_text("not taken inside the courtroom")
    page.check("#photo-outside")
    page.click("#send")

    waiting = page.locator("#outbox-list .item[data-state='waiting']")
    expect(waiting).to_have_count(1)
    expect(page.locator("#photo-details")).to_be_hidden()
    assert photos_of(server, slug) == []

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    figure = reader.locator("article.entry figure.photo")
    expect(figure).to_have_count(1, timeout=60000)
    image = figure.locator("img")
    expect(image).to_have_attribute("alt", "About forty people with flags on the court steps.")
    expect(image).to_have_attribute("loading", "lazy")
    expect(figure.locator("figcaption")).to_have_text("Outside the regional court.")
    image.scroll_into_view_if_needed()
    reader.wait_for_function(
        "() => document.querySelector('article.entry figure.photo img').naturalWidth > 0"
    )
    # Downscaled on the phone to 2560 px on the long edge, upright: one photo stored,
    # though its first answer was lost and it was sent again under the same key.
    assert photos_of(server, slug) == [(1920, 2560)]
    # In pieces: after the lost answer the app asked where the upload stood and went on
    # from there (the second piece was not sent again), under one key throughout.
    starts_at = [int(piece.split()[1].split("-")[0]) for piece in pieces]
    total = int(pieces[0].rsplit("/", 1)[1])
    assert starts_at == list(range(0, total, PIECE_BYTES)), pieces
    assert len(starts) >= 2
    assert set(starts) == {starts[0]}
    # A progress bar, named by its note, went up while the photo was sent.
    seen = page.evaluate("window.progressSeen")
    values = [value for value, _ in seen]
    assert values == sorted(values), seen
    assert 0 < max(values) <= 100, seen
    assert len(set(values)) > 3, seen
    assert all(label == f"Uploading the photo: {value}%" for value, label in seen), seen
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(1)
    assert serious_violations(page) == []
    assert serious_violations(reader) == []
    context.close()
    reader.close()


HELD_DECODE = """() => {
  // Decoding waits for the test's word: the photo stays "being prepared" meanwhile.
  const decode = window.createImageBitmap.bind(window);
  window.releaseDecode = null;
  const released = new Promise((resolve) => { window.releaseDecode = resolve; });
  window.createImageBitmap = async (...args) => { await released; return decode(...args); };
}"""


def test_what_is_typed_while_the_photo_is_prepared_stays_and_send_waits_for_it(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = open_app(
        browser,
        server,
        new_reporter(server),
        slug,
        prepare=lambda c: c.add_init_script(f"({HELD_DECODE})()"),
    )
    page.fill("#body", "Counsel speaks to the press.")
    choose(page, "#photo-gallery", "press.jpg", phone_jpeg(SEED, (3200, 2400)))
    expect(page.locator("#photo-name")).to_have_text("Preparing the photo…")
    expect(page.locator("#photo-alt")).to_be_focused()
    page.fill("#photo-alt", "A lawyer speaks at a bank of microphones.")
    page.fill("#photo-caption", "On the court steps.")
    page.check("#photo-outside")
    # Send before the photo is ready: refused on the phone, nothing queued, nothing lost.
    page.click("#send")
    expect(page.locator("#photo-error")).to_have_text(
        "The photo is still being prepared: send it in a moment."
    )
    expect(page.locator("#outbox-list .item")).to_have_count(0)
    expect(page.locator("#body")).to_have_value("Counsel speaks to the press.")

    page.evaluate("window.releaseDecode()")
    expect(page.locator("#photo-name")).to_contain_text("Photo attached")
    expect(page.locator("#photo-alt")).to_have_value("A lawyer speaks at a bank of microphones.")
    expect(page.locator("#photo-caption")).to_have_value("On the court steps.")
    expect(page.locator("#photo-outside")).to_be_checked()
    page.click("#send")
    # Sent in pieces and made into every variant (AVIF included) on a shared machine.
    published = page.locator("#outbox-list .item[data-state='published']")
    expect(published).to_have_count(1, timeout=60000)
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    assert [(e["body"], e["photo"]["alt"], e["photo"]["caption"]) for e in entries] == [
        (
            "Counsel speaks to the press.",
            "A lawyer speaks at a bank of microphones.",
            "On the court steps.",
        )
    ]
    assert photos_of(server, slug) == [(1920, 2560)]
    context.close()


def test_a_hearing_without_the_courtroom_confirmation_takes_a_photo_without_it(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    created = editor.create_hearing("R v Steps", status="live", photo_confirmation=False)
    assert created["photo_confirmation"] is False
    slug = created["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug)
    page.fill("#body", "The defendant arrives.")
    small = encode(noise(SEED, (400, 300)), "PNG")
    choose(page, "#photo-camera", "arrival.png", small, "image/png")
    expect(page.locator("#photo-outside-field")).to_be_hidden()
    page.fill("#photo-alt", "A car stops at the side entrance.")
    page.click("#send")
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(1)
    [entry] = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    assert entry["photo"]["alt"] == "A car stops at the side entrance."
    assert (entry["photo"]["width"], entry["photo"]["height"]) == (400, 300)
    assert photos_of(server, slug) == [(400, 300)]
    turned_on = editor.client.patch(f"/api/hearings/{slug}", json={"photo_confirmation": True})
    assert turned_on.json()["photo_confirmation"] is True
    bad = editor.client.patch(f"/api/hearings/{slug}", json={"photo_confirmation": "no"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "photo_confirmation")
    context.close()


def test_a_photo_upload_cut_off_resumes_after_a_reload_from_the_offset_the_server_holds(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    pieces: list[int] = []

    def cut_after_two(route: Route) -> None:
        # Two pieces arrive; then the network is gone for the photo, mid-upload.
        if len(pieces) < 2:
            pieces.append(int(route.request.headers["content-range"].split()[1].split("-")[0]))
            route.continue_()
        else:
            route.abort("internetdisconnected")

    context, page = open_app(browser, server, new_reporter(server), slug)
    context.route("**/api/hearings/*/uploads/*", cut_after_two)
    photo = encode(noise(SEED + 1, (2000, 1500)), "JPEG", quality=95)
    assert len(photo) > 3 * PIECE_BYTES
    page.fill("#body", "The lawyer speaks to the press.")
    choose(page, "#photo-gallery", "press.jpg", photo)
    expect(page.locator("#photo-name")).to_contain_text("Photo attached")
    page.fill("#photo-alt", "A lawyer at a bank of microphones.")
    page.check("#photo-outside")
    page.click("#send")
    waiting = page.locator("#outbox-list .item[data-state='waiting']")
    expect(waiting.locator("progress")).to_be_visible()
    expect(waiting.locator(".note")).to_contain_text("the photo will be sent again")
    held = int(waiting.locator("progress").get_attribute("value") or "0")
    assert 0 < held < 100
    assert pieces == [0, PIECE_BYTES]

    # The app is reloaded: the photo resumes from what the server holds, not from 0.
    context.unroute("**/api/hearings/*/uploads/*")
    resumed: list[int] = []
    context.route(
        "**/api/hearings/*/uploads/*",
        lambda route: (
            resumed.append(int(route.request.headers["content-range"].split()[1].split("-")[0])),
            route.continue_(),
        ),
    )
    page.reload()
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(
        1, timeout=60000
    )
    assert resumed == list(range(2 * PIECE_BYTES, len(photo), PIECE_BYTES))
    [entry] = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    assert entry["photo"]["alt"] == "A lawyer at a bank of microphones."
    assert photos_of(server, slug) == [(2000, 1500)]


def test_a_page_of_photos_moves_nothing_and_a_phone_takes_the_720_px_avif(
    browser: Browser, server: LiveServer, hearing: dict[str, Any], reporter: Staff
) -> None:
    """Width and height on every image (lazy ones too), and the connection state's
    changing words, move nothing from the first paint to the last photo scrolled to."""
    slug = hearing["slug"]
    phone_sized = []
    for number, size in enumerate([(1800, 1200), (1200, 1800), (2400, 1350)]):
        image = encode(noise(SEED + number, size), "JPEG")
        photo, _ = post_photo(reporter, slug, image, f"Outside the court, {number}.")
        assert reporter.post(slug, f"Between photos {number}.").status_code == 201
        phone_sized += [
            v["url"] for v in photo["variants"] if (v["width"], v["type"]) == (720, "image/avif")
        ]
    context = browser.new_context(
        viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True
    )
    page = context.new_page()
    page.add_init_script(
        "window.shifts = []; new PerformanceObserver((list) => window.shifts.push("
        "...list.getEntries().map((e) => e.value)))"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    images = page.locator("article.entry figure.photo img")
    expect(images).to_have_count(3)
    for index in range(3):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.photo img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    # 412 CSS px less the margins, at 1.75 device pixels a px: about 660 px wide.
    chosen = images.evaluate_all("(all) => all.map((img) => new URL(img.currentSrc).pathname)")
    assert chosen == phone_sized[::-1]  # newest first
    assert page.evaluate("window.shifts") == []
    context.close()
