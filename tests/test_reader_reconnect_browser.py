"""The reader page survives the server going away: it reconnects by itself and catches
up from its last seq, with no gap, no duplicate and no reload."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff


def test_reader_page_catches_up_after_the_server_restarts_without_duplicates(
    browser: Browser, tmp_path: Path
) -> None:
    server = LiveServer(tmp_path)
    server.start()
    context = browser.new_context()
    try:
        with Staff(server, server.staff("desk", Role.EDITOR)) as editor:
            slug = editor.create_hearing("R v Reconnect", status="live")["slug"]
            assert editor.post(slug, "Before the outage.").status_code == 201
            page = context.new_page()
            page.goto(f"{server.url}/h/{slug}")
            connection = page.locator("#connection")
            expect(connection).to_have_attribute("data-state", "live")
            navigations: list[str] = []
            page.on("framenavigated", lambda frame: navigations.append(frame.url))

            server.kill()
            expect(connection).to_have_attribute("data-state", "reconnecting")
            server.start()
            # Posted while the page is still waiting to reconnect: it must catch up.
            for n in range(3):
                assert editor.post(slug, f"After the outage {n}.").status_code == 201

            entries = page.locator("#entries .entry")
            expect(entries).to_have_count(4, timeout=15_000)
            expect(connection).to_have_attribute("data-state", "live")
            assert editor.post(slug, "Live again.").status_code == 201
            expect(entries).to_have_count(5)
            texts = [text.strip() for text in entries.locator(".body").all_inner_texts()]
            assert texts == [
                "Live again.",
                "After the outage 2.",
                "After the outage 1.",
                "After the outage 0.",
                "Before the outage.",
            ]
            assert navigations == []
    finally:
        context.close()
        server.stop()
