"""The desk and the reporter app in the staff member's browser language (Russian and
Kazakh, as Playwright's locale sends Accept-Language), for what their scripts build: the
tabs, the People and Audit tabs, spoken announcements, the replay's event counter, a
refusal, and an API error shown by its code with the field the server named."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff
from tests.test_desk_browser import open_desk, post, signed_in
from tests.test_reporter_app_browser import new_reporter, open_app

SAID: dict[str, dict[str, str]] = {
    "ru": {
        "locale": "ru-RU",
        "tab_moderate": "Модерация",
        "tab_audit": "Журнал",
        "editor": "(редактор)",
        "pinned": "Закреплено.",
        "count": "1 обновление, 0 ключевых",
        "audit": "Страница 1, записей",
        "active": "Активна",
        "sessions": "сеанс",
        "event_of": "Событие 1 из",
        "slug_taken": "Этот адрес уже занят другим заседанием. (поле: slug)",
        "refused": "Не опубликовано: ваше обновление «The defendant is arraigned.» отклонено.",
        "closed": "Заседание завершено.",
        "edit_it": "Изменить",
        "where": "(Поле: ",
    },
    "kk": {
        "locale": "kk-KZ",
        "tab_moderate": "Модерация",
        "tab_audit": "Журнал",
        "editor": "(редактор)",
        "pinned": "Бекітілді.",
        "count": "1 жаңалық, 0 негізгі",
        "audit": "1-бет, жазбалар",
        "active": "Белсенді",
        "sessions": "сеанс",
        "event_of": "оқиғаның 1-і",
        "slug_taken": "Бұл мекенжайды басқа отырыс алған. (өріс: slug)",
        "refused": "Жарияланбады: «The defendant is arraigned.» жаңалығыңыз қабылданбады.",
        "closed": "Отырыс аяқталды.",
        "edit_it": "Өзгерту",
        "where": "(Өріс: ",
    },
}
ENGLISH = ("Pinned", "Page 1", "Active", "Event 1 of", "Not published", "refused", "(editor)")


@pytest.fixture(params=sorted(SAID))
def language_and_hearing(request: pytest.FixtureRequest, editor: Staff) -> tuple[str, str]:
    """A staff language, and a new live hearing (its slug) in English."""
    language: str = request.param
    return language, editor.create_hearing(f"R v Words {language}", status="live")["slug"]


def test_the_desk_speaks_the_browser_s_language_in_what_its_scripts_build(
    browser: Browser, server: LiveServer, editor: Staff, language_and_hearing: tuple[str, str]
) -> None:
    language, slug = language_and_hearing
    said = SAID[language]
    name = f"words-desk-{language}"
    with Staff(server, server.staff(name, Role.REPORTER)) as reporter:
        post(reporter, slug, "The court sits.")
    context = signed_in(browser, editor.token, locale=said["locale"])
    errors: list[str] = []
    try:
        page = open_desk(context, server, f"/hearings/{slug}/moderate")
        page.on("pageerror", lambda error: errors.append(str(error)))
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#tab-moderate")).to_contain_text(said["tab_moderate"])
        expect(page.locator("#tab-audit")).to_have_text(said["tab_audit"])
        expect(page.locator("#whoami")).to_contain_text(said["editor"])
        expect(page.locator("#entry-count")).to_have_text(said["count"])

        # A spoken announcement (the toast is a polite live region).
        page.locator(".mod-entry .pin").first.click()
        toast = page.locator("#toast")
        expect(toast).to_have_attribute("aria-live", "polite")
        expect(toast).to_have_text(said["pinned"])

        page.locator("#tab-audit").click()
        expect(page.locator("#audit-state")).to_contain_text(said["audit"])

        page.locator("#tab-replay").click()
        expect(page.locator("#replay-progress")).to_contain_text(said["event_of"])

        page.goto(f"{server.url}/desk#/people")
        row = page.locator(f'#user-rows tr[data-username="{name}"]')
        expect(row.locator(".state")).to_contain_text(said["active"])
        expect(row.locator(".sessions")).to_contain_text(said["sessions"])

        # A refusal by the API, in words chosen by its code, with the field it names.
        page.goto(f"{server.url}/desk#/new")
        form = page.locator("#create-form-slot form")
        form.locator("[name=title]").fill("R v Taken")
        form.locator("[name=slug]").fill(slug)
        form.locator("button[type=submit]").click()
        expect(form.locator(".error")).to_have_text(said["slug_taken"])

        shown = page.locator("body").inner_text()
        assert [word for word in ENGLISH if word in shown] == []
        assert errors == []
    finally:
        context.close()


def test_the_reporter_app_words_a_refusal_in_the_browser_s_language(
    browser: Browser, server: LiveServer, editor: Staff, language_and_hearing: tuple[str, str]
) -> None:
    language, slug = language_and_hearing
    said = SAID[language]
    context, page = open_app(browser, server, new_reporter(server), slug, locale=said["locale"])
    try:
        expect(page.locator("html")).to_have_attribute("lang", language)
        body = page.locator("#body")
        context.set_offline(True)
        body.fill("The defendant is arraigned.")
        page.click("#send")
        expect(body).to_have_value("")
        body.fill("Counsel ask for a short adjournment.")
        closed = editor.client.patch(f"/api/hearings/{slug}", json={"status": "closed"})
        assert closed.status_code == 200, closed.text
        context.set_offline(False)

        banner = page.locator("#refused-banner")
        expect(banner).to_have_attribute("role", "alert")
        expect(banner).to_contain_text(said["refused"])
        expect(banner).to_contain_text(said["closed"])
        expect(page.locator("#refused-edit")).to_have_text(said["edit_it"])
        page.click("#refused-edit")
        expect(body).to_have_value("The defendant is arraigned.")
        expect(page.locator("#refusal")).to_contain_text(said["closed"])
        shown: Any = page.locator("#refused-banner, #refusal").all_inner_texts()
        assert not any(word in text for text in shown for word in ENGLISH)
    finally:
        context.close()
