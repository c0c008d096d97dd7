"""A reporter attaches a photo offline; it waits on the phone, goes out when the network
is back (its upload retried under the same key after a lost answer), and the reader
page shows it live with its alt text and caption. Real server, real Chromium."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Browser, Route, expect

from tests.photo_support import encode, noise, phone_jpeg, post_photo
from tests.support import LiveServer, Staff, serious_violations
from tests.test_reporter_app_browser import new_reporter, open_app

SEED = 1616


def photos_of(server: LiveServer, slug: str) -> list[tuple[int, int]]:
    with server.connect() as db:
        rows = db.execute(
            "SELECT photos.width, photos.height FROM photos JOIN hearings"
            " ON hearings.id = photos.hearing_id WHERE hearings.slug = ?",
            (slug,),
        ).fetchall()
    return [(int(w), int(h)) for w, h in rows]


def test_a_photo_attached_offline_reaches_the_reader_live_once_with_its_alt_text(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    print(f"seed={SEED}")
    slug = hearing["slug"]
    reader = browser.new_page()
    reader.goto(f"{server.url}/h/{slug}")
    expect(reader.locator("#connection")).to_have_attribute("data-state", "live")

    uploads: list[str] = []

    def lose_first_answer(route: Route) -> None:
        # The first upload reaches the server, but its answer never reaches the phone.
        uploads.append(route.request.headers["idempotency-key"])
        if len(uploads) == 1:
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    context, page = open_app(browser, server, new_reporter(server), slug)
    context.route("**/api/hearings/*/photos", lose_first_answer)
    context.set_offline(True)
    expect(page.locator("#net-state")).to_have_attribute("data-state", "offline")

    page.fill("#body", "Supporters gather on the steps.")
    # 3200×2400 as shot, orientation 6 (on its side): larger than the app sends.
    page.set_input_files(
        "#photo-gallery",
        files=[
            {
                "name": "steps.jpg",
                "mimeType": "image/jpeg",
                "buffer": phone_jpeg(SEED, (3200, 2400)),
            }
        ],
    )
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
    expect(figure).to_have_count(1, timeout=20000)
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
    assert len(uploads) == 2
    assert uploads[0] == uploads[1]
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(1)
    assert serious_violations(page) == []
    assert serious_violations(reader) == []
    context.close()
    reader.close()


def test_a_hearing_without_the_courtroom_confirmation_takes_a_photo_without_it(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    created = editor.create_hearing("R v Steps", status="live", photo_confirmation=False)
    assert created["photo_confirmation"] is False
    slug = created["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug)
    page.fill("#body", "The defendant arrives.")
    small = encode(noise(SEED, (400, 300)), "PNG")
    page.set_input_files(
        "#photo-camera", files=[{"name": "arrival.png", "mimeType": "image/png", "buffer": small}]
    )
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


def test_a_page_of_photos_moves_nothing_and_a_phone_takes_the_720_px_webp(
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
            v["url"] for v in photo["variants"] if (v["width"], v["type"]) == (720, "image/webp")
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
