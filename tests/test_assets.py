"""Fingerprinted static files: pages name them by content-hashed addresses, served as
immutable for a year; the imports between modules resolve to fingerprinted addresses too
(the import map); the plain addresses keep working, revalidated on every use."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, Request, expect

from courtwire.assets import IMMUTABLE, MANIFEST, fingerprinted
from tests.support import LiveServer, Staff

FINGERPRINTED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.[a-z]+$")


def test_a_changed_file_gets_another_name() -> None:
    first = fingerprinted("js/reader.js", b"one")
    assert re.fullmatch(r"js/reader\.[0-9a-f]{12}\.js", first)
    assert fingerprinted("js/reader.js", b"two") != first
    assert fingerprinted("js/reader.js", b"one") == first


def test_pages_name_fingerprinted_files_served_immutable_and_the_plain_ones_still_work(
    server: LiveServer, hearing: dict[str, object]
) -> None:
    page = httpx.get(f"{server.url}/h/{hearing['slug']}").text
    named = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert sorted(named) == sorted(
        f"/static/{MANIFEST.names[path]}" for path in ("favicon.svg", "css/app.css", "js/reader.js")
    )
    for address in named:
        assert FINGERPRINTED.match(address), address
        hashed = httpx.get(f"{server.url}{address}")
        assert hashed.status_code == 200
        assert hashed.headers["cache-control"] == IMMUTABLE
        plain_address = "/static/" + MANIFEST.plain[address.removeprefix("/static/")]
        plain = httpx.get(f"{server.url}{plain_address}")
        assert plain.status_code == 200
        assert plain.headers["cache-control"] == "no-cache"
        assert plain.content == hashed.content
        again = httpx.get(
            f"{server.url}{address}", headers={"If-None-Match": plain.headers["etag"]}
        )
        assert again.status_code == 304
    stale = re.sub(r"\.[0-9a-f]{12}\.", ".000000000000.", named[0])
    assert httpx.get(f"{server.url}{stale}").status_code == 404
    # The import map names every module by its fingerprinted address.
    imports = re.search(r'<script type="importmap">(.*?)</script>', page)
    assert imports is not None
    assert f'"/static/js/labels.js":"/static/{MANIFEST.names["js/labels.js"]}"' in imports[1]


def test_the_reader_page_and_the_desk_load_only_fingerprinted_files(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, object]
) -> None:
    context = browser.new_context()
    context.add_init_script(f"localStorage.setItem('courtwire.token', {editor.token!r})")
    loaded: list[str] = []

    def seen(request: Request) -> None:
        path = re.sub(r"^https?://[^/]+", "", request.url)
        if path.startswith("/static/"):
            loaded.append(path)

    context.on("request", seen)
    page = context.new_page()
    page.goto(f"{server.url}/h/{hearing['slug']}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    desk = context.new_page()
    desk.goto(f"{server.url}/desk")
    expect(desk.locator("body")).to_have_attribute("data-state", "desk")
    modules = [path for path in loaded if path.endswith(".js")]
    assert len(modules) > 10  # reader.js, live.js, labels.js, desk.js and its modules…
    assert [path for path in loaded if not FINGERPRINTED.match(path)] == []
    context.close()
