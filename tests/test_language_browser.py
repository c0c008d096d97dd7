"""The demo hearing's page read in each of its languages, in Chromium: `<html lang>`, the
page's own words, dates written the language's way, and an update that arrives live
drawn by the page's script in the same words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff
from tests.test_desk_browser import open_desk, signed_in
from tests.test_reporter_app_browser import new_reporter, open_app

DEMO = "zaysan-border-case"

WORDS = {
    "en": {
        "key_events": "Key events",
        "updates": "Updates",
        "status": "Closed",
        "ruling": "Ruling",
        "verdict": "Verdict",
        "judge": "Judge",
        "live": "Live",
        # "22 Jan 2020, 16:40"
        "date_time": r"^\d{1,2}\s[A-Z][a-z]{2}\s\d{4},\s\d\d:\d\d$",
    },
    "ru": {
        "key_events": "Ключевые события",
        "updates": "Обновления",
        "status": "Завершено",
        "ruling": "Постановление",
        "verdict": "Приговор",
        "judge": "Судья",
        "live": "В эфире",
        # "22 янв. 2020 г., 16:40"
        "date_time": r"^\d{1,2}\s[а-я]{3,4}\.?\s\d{4}\sг\.,\s\d\d:\d\d$",
    },
    "kk": {
        "key_events": "Негізгі оқиғалар",
        "updates": "Жаңалықтар",
        "status": "Аяқталды",
        "ruling": "Қаулы",
        "verdict": "Үкім",
        "judge": "Судья",
        "live": "Тікелей эфир",
        # "2020 ж. 22 қаң., 16:40"
        "date_time": r"^\d{4}\sж\.\s\d{1,2}\s[а-яәғқңөұүһі]{3,4}\.?,?\s\d\d:\d\d$",
    },
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Staff]]:
    live = LiveServer(tmp_path_factory.mktemp("demo-language"), demo="1")
    live.start()
    try:
        with Staff(live, live.staff("language-editor", Role.EDITOR)) as editor:
            yield live, editor
    finally:
        live.stop()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_demo_hearing_s_page_in_each_language(
    browser: Browser, demo: tuple[LiveServer, Staff], language: str
) -> None:
    server, editor = demo
    said = WORDS[language]
    changed = editor.client.patch(f"/api/hearings/{DEMO}", json={"language": language})
    assert changed.status_code == 200, changed.text
    # The browser asks for another language: the hearing's own wins on its page.
    context = browser.new_context(locale="en-US" if language != "en" else "ru-RU")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{server.url}/h/{DEMO}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#key-events-title")).to_have_text(said["key_events"])
        expect(page.locator("#updates-title")).to_have_text(said["updates"])
        expect(page.locator("#status")).to_have_text(said["status"])
        expect(page.locator("#last-updated")).to_have_text(re.compile(said["date_time"]))
        kinds = page.locator("#entries .entry .kind").all_text_contents()
        assert said["verdict"] in kinds
        assert len(kinds) >= 25

        # Reopened, the hearing's next update arrives live, drawn by the page's script.
        opened = editor.client.patch(f"/api/hearings/{DEMO}", json={"status": "live"})
        assert opened.status_code == 200, opened.text
        expect(page.locator("#status")).to_have_text(said["live"])
        posted = editor.post(
            DEMO,
            f"Live ruling in {language}.",
            kind="ruling",
            speaker={"role": "judge"},
            occurred_at="2020-01-24T09:07:00+06:00",
        )
        assert posted.status_code == 201, posted.text
        article = page.locator(f"#entry-{posted.json()['entry']['id']}")
        expect(article.locator(".kind")).to_have_text(said["ruling"])
        expect(article.locator(".speaker")).to_have_text(said["judge"])
        # Not from today: dated, in the page's language ("24 Jan 2020, 09:07").
        expect(article.locator("time")).to_have_text(re.compile(r"2020.*09:07$"))
        expect(page.locator("#last-updated")).to_have_text(re.compile(said["date_time"]))
        assert errors == []
    finally:
        context.close()
        closed = editor.client.patch(f"/api/hearings/{DEMO}", json={"status": "closed"})
        assert closed.status_code == 200, closed.text


def test_the_reporter_app_follows_the_browser_s_language(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    """A Russian-speaking reporter covers an English hearing: the app speaks Russian, the
    hearing's page stays English."""
    slug = editor.create_hearing("R v Language", status="live", timezone="Asia/Almaty")["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug, locale="ru-RU")
    try:
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.locator("#compose-form legend").first).to_have_text("Тип")
        page.fill("#body", "Суд удалился в совещательную комнату.")
        page.locator(".chip", has_text="Постановление").click()
        page.select_option("#speaker-role", label="Судья")
        expect(page.locator("#send")).to_contain_text("Отправить")
        page.click("#send")
        state = page.locator("#outbox-list .item .state").first
        expect(state).to_have_text("Опубликовано")  # in words: no seq number
        expect(page.locator("#outbox-list .item .kind").first).to_have_text("Постановление")
        expect(page.locator("#outbox-state")).to_have_text("Всё отправлено.")

        reader = context.new_page()
        reader.goto(f"{server.url}/h/{slug}")
        expect(reader.locator("html")).to_have_attribute("lang", "en")
        expect(reader.locator("#entries .entry .kind")).to_have_text(["Ruling"])
        expect(reader.locator("#entries .entry .speaker")).to_have_text(["Judge"])
    finally:
        context.close()


def test_the_desk_follows_the_browser_s_language_with_dates_from_cldr(
    browser: Browser, demo: tuple[LiveServer, Staff]
) -> None:
    """A Kazakh-speaking editor: the desk's words, and the replay's court time written the
    Kazakh way even though this Chromium has no Kazakh dates of its own."""
    server, editor = demo
    context = signed_in(browser, editor.token, locale="kk-KZ")
    try:
        page = open_desk(context, server, f"/hearings/{DEMO}/replay")
        expect(page.locator("html")).to_have_attribute("lang", "kk")
        expect(page.locator("#tab-replay")).to_have_text("Қайта ойнату")
        expect(page.locator("#replay-clock")).to_have_text(
            re.compile(r"^2020\sж\.\s\d{1,2}\sқаң\.,\s(дс|сс|ср|бс|жм|сб|жс),\s\d\d:\d\d:\d\d$")
        )
    finally:
        context.close()


def test_an_editor_sets_the_language_in_the_desk_and_an_open_reader_page_follows(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Switch", status="live", timezone="Asia/Almaty")["slug"]
    assert editor.post(slug, "The court sits.", kind="ruling").status_code == 201
    readers = browser.new_context()
    desk_context = signed_in(browser, editor.token)
    try:
        reader = readers.new_page()
        reader.goto(f"{server.url}/h/{slug}")
        expect(reader.locator("#connection")).to_have_attribute("data-state", "live")
        expect(reader.locator("#updates-title")).to_have_text("Updates")
        desk = open_desk(desk_context, server, f"/hearings/{slug}/details")
        form = desk.locator("#details-form")
        expect(form.get_by_label("Language of the reader page")).to_have_value("en")
        form.get_by_label("Language of the reader page").select_option(label="Русский")
        form.get_by_role("button", name="Save changes").click()
        # The open page reloads itself in the hearing's new language.
        expect(reader.locator("html")).to_have_attribute("lang", "ru")
        expect(reader.locator("#updates-title")).to_have_text("Обновления")
        expect(reader.locator("#entries .entry .kind")).to_have_text(["Постановление"])
        assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["language"] == "ru"
    finally:
        desk_context.close()
        readers.close()
