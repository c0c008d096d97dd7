"""Reach in a real browser: the embed inside another site's iframe updates live; a
reader whose network blocks WebSockets gets the updates over Server-Sent Events, and one
that blocks both, by polling the events API; each update shows once."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, WebSocketRoute, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff, free_port


class Newsroom:
    """Another site, at an origin of its own (a port of this machine: Chromium keeps
    pages from elsewhere out of local addresses), whose story frames the embed."""

    def __init__(self) -> None:
        self.story = b""
        newsroom = self

        class Story(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(newsroom.story)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", free_port()), Story)
        self.origin = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def newsroom() -> Iterator[Newsroom]:
    site = Newsroom()
    yield site
    site.close()


@pytest.fixture(scope="module")
def embedding(tmp_path_factory: pytest.TempPathFactory, newsroom: Newsroom) -> Iterator[LiveServer]:
    """A server whose embeds the newsroom may frame."""
    live = LiveServer(tmp_path_factory.mktemp("embedding"), embed_origins=newsroom.origin)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport={"width": 800, "height": 900})
    yield opened
    opened.close()


def test_embed_in_a_newsroom_iframe_shows_a_new_update_live(
    embedding: LiveServer, newsroom: Newsroom, context: BrowserContext
) -> None:
    with Staff(embedding, embedding.staff("embed-editor", Role.EDITOR)) as editor:
        slug = editor.create_hearing("R v Framed", status="live")["slug"]
        assert editor.post(slug, "Before the page opened.").status_code == 201
        newsroom.story = (
            f'<!doctype html><title>News</title><h1>Our story</h1><iframe src="{embedding.url}'
            f'/h/{slug}/embed" width="480" height="600" title="Live coverage"></iframe>'
        ).encode()
        page = context.new_page()
        page.goto(f"{newsroom.origin}/story")
        frame = page.frame_locator("iframe")
        expect(frame.locator("#connection")).to_have_attribute("data-state", "live")
        expect(frame.locator("#entries .entry")).to_have_count(1)
        expect(frame.locator(".full-coverage a")).to_have_attribute(
            "href", f"{embedding.url}/h/{slug}"
        )
        assert editor.post(slug, "The jury is back.").status_code == 201
        expect(frame.locator("#entries .entry")).to_have_count(2, timeout=5000)
        expect(frame.locator("#entries .entry").first).to_contain_text("The jury is back.")
        link = frame.locator("#entries .entry").first.locator("a.time")
        expect(link).to_have_attribute("href", re.compile(rf"^{embedding.url}/h/{slug}#entry-"))


def refuse_sockets(context: BrowserContext) -> None:
    def refuse(socket: WebSocketRoute) -> None:
        socket.close()

    context.route_web_socket(re.compile(".*"), refuse)


def abort(route: Route) -> None:
    route.abort()


def watch_a_post_arrive_once(page: Page, editor: Staff, slug: str) -> None:
    """Two updates posted while the page is live each show up within seconds, once."""
    for text in ("Arrived in compatibility mode.", "And a second one."):
        assert editor.post(slug, text).status_code == 201
        expect(page.locator("#entries .entry").first).to_contain_text(text, timeout=8000)
    bodies = page.locator("#entries .entry .body").all_inner_texts()
    assert [body.strip() for body in bodies] == [
        "And a second one.",
        "Arrived in compatibility mode.",
        "Before the page opened.",
    ]


@pytest.mark.parametrize("blocked", ["websocket", "websocket and sse"])
def test_reader_behind_a_proxy_that_blocks_websockets_still_gets_live_updates(
    server: LiveServer, editor: Staff, context: BrowserContext, blocked: str
) -> None:
    slug = editor.create_hearing(f"R v Proxy {blocked}", status="live")["slug"]
    assert editor.post(slug, "Before the page opened.").status_code == 201
    refuse_sockets(context)
    if "sse" in blocked:
        context.route("**/events.sse*", abort)
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    connection = page.locator("#connection")
    expect(connection).to_have_attribute("data-state", "live", timeout=15_000)
    expect(connection).to_have_text("Live (compatibility mode)")
    transport = "sse" if blocked == "websocket" else "poll"
    expect(connection).to_have_attribute("data-transport", transport)
    watch_a_post_arrive_once(page, editor, slug)
