"""A hearing's language: set and checked through the API, carried by its event, and spoken
by everything that hearing publishes (page, embed, feed, exports); the pages of no
hearing follow the browser's Accept-Language."""

from __future__ import annotations

import re
from typing import Any

import feedparser
import httpx
import pytest

from tests.support import LiveServer, Staff, event_count


def plain_spaces(text: str) -> str:
    """CLDR writes "2020 г." with a no-break space: read as a space."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_a_hearing_is_english_unless_told_and_takes_only_known_languages(
    server: LiveServer, editor: Staff
) -> None:
    assert editor.create_hearing("R v Default")["language"] == "en"
    created = editor.create_hearing("R v Kazakh", language="kk")
    assert created["language"] == "kk"
    public = httpx.get(f"{server.url}/api/hearings/{created['slug']}").json()
    assert public["language"] == "kk"

    before = len(httpx.get(f"{server.url}/api/hearings").json()["hearings"])
    for bad in ("fr", "RU", "", None, 1, ["ru"]):
        refused = editor.client.post("/api/hearings", json={"title": "R v Bad", "language": bad})
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["field"] == "language"
    assert len(httpx.get(f"{server.url}/api/hearings").json()["hearings"]) == before

    events = event_count(server, created["slug"])
    refused = editor.client.patch(f"/api/hearings/{created['slug']}", json={"language": "de"})
    assert refused.status_code == 422
    assert event_count(server, created["slug"]) == events


def test_a_language_change_is_a_hearing_updated_event(server: LiveServer, editor: Staff) -> None:
    slug = editor.create_hearing("R v Changes", status="live")["slug"]
    changed = editor.client.patch(f"/api/hearings/{slug}", json={"language": "ru"})
    assert changed.status_code == 200
    assert changed.json()["language"] == "ru"
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"]
    assert [(e["type"], e["data"]["language"]) for e in events] == [("hearing.updated", "ru")]


@pytest.fixture(scope="module")
def russian(editor: Staff) -> dict[str, Any]:
    """A live Russian-language hearing in Almaty with a corrected, key, pinned ruling."""
    facts = {"timezone": "Asia/Almaty", "court": "Зайсанский районный суд"}
    hearing = editor.create_hearing("Дело Ахатовой", status="live", language="ru", **facts)
    posted = editor.post(
        hearing["slug"],
        "Суд отклонил ходатайство.",
        kind="ruling",
        speaker={"role": "judge"},
        occurred_at="2020-01-22T11:05:00+06:00",
        key=True,
    )
    assert posted.status_code == 201, posted.text
    entry_id = posted.json()["entry"]["id"]
    fixed = editor.client.patch(
        f"/api/hearings/{hearing['slug']}/entries/{entry_id}",
        json={"correction": "Уточнено время.", "pinned": True},
    )
    assert fixed.status_code == 200, fixed.text
    return hearing


def test_the_reader_page_and_the_embed_speak_the_hearing_s_language(
    server: LiveServer, russian: dict[str, Any]
) -> None:
    for path in ("", "/embed"):
        page = httpx.get(
            f"{server.url}/h/{russian['slug']}{path}", headers={"Accept-Language": "kk, en"}
        ).text
        shown = [">Постановление<", ">Ключевое событие<", "Исправление:", ">Судья<", "11:05</time>"]
        assert [
            text for text in ['<html lang="ru">', ">В эфире<", *shown] if text not in page
        ] == []
        for english in (">Ruling<", ">Key event<", "Correction:", ">Live<"):
            assert english not in page


def test_the_feed_and_the_exports_speak_the_hearing_s_language(
    server: LiveServer, russian: dict[str, Any]
) -> None:
    base = f"{server.url}/h/{russian['slug']}"
    feed = feedparser.parse(httpx.get(f"{base}/feed.atom").text)
    assert feed.feed.language == "ru"
    assert feed.entries[0].title.startswith("Постановление · Судья: ")
    assert "<strong>Исправление:</strong>" in feed.entries[0].content[0].value

    api = f"{server.url}/api/hearings/{russian['slug']}"
    html = plain_spaces(httpx.get(f"{api}/export.html").text)
    assert '<html lang="ru">' in html
    assert '<h2 id="day-2020-01-22">среда, 22 января 2020 г.</h2>' in html
    assert '<span class="kind">Постановление</span>' in html
    assert '<span class="mark">Ключевое событие</span>' in html
    assert "<dt>Суд</dt>" in html
    markdown = plain_spaces(httpx.get(f"{api}/export.md").text)
    assert "## среда, 22 января 2020 г." in markdown
    assert "**11:05** · Постановление · Судья · **Ключевое событие** · **Закреплено**" in markdown
    assert "> **Исправление:** Уточнено время\\." in markdown


@pytest.mark.parametrize(
    ("header", "lang", "heading"),
    [
        (None, "en", "Hearings"),
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru", "Заседания"),
        ("de, kk;q=0.5, ru;q=0.4", "kk", "Отырыстар"),
        ("fr, de", "en", "Hearings"),
        ("ru;q=0, kk;q=0.1", "kk", "Отырыстар"),
    ],
)
def test_the_hearing_list_follows_the_browser_s_language(
    server: LiveServer, header: str | None, lang: str, heading: str
) -> None:
    headers = {"Accept-Language": header} if header else {}
    response = httpx.get(f"{server.url}/", headers=headers)
    assert response.headers["vary"] == "Accept-Language"
    assert f'<html lang="{lang}">' in response.text
    assert f"<h1>{heading}</h1>" in response.text
    # A cached page in one language is not served for another.
    again = httpx.get(
        f"{server.url}/",
        headers={**headers, "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304
    other = "kk" if lang != "kk" else "en"
    changed = httpx.get(
        f"{server.url}/",
        headers={"Accept-Language": other, "If-None-Match": response.headers["etag"]},
    )
    assert changed.status_code == 200


def test_the_reporter_app_and_the_desk_follow_the_browser_s_language(server: LiveServer) -> None:
    report = httpx.get(f"{server.url}/report", headers={"Accept-Language": "kk"}).text
    assert '<html lang="kk">' in report
    assert re.search(r">Жіберу<span", report), "the Send button"
    said = re.search(r'id="page-words">(.*?)</script>', report, re.S)
    assert said
    assert '"ruling":"Қаулы"' in said.group(1)
    assert '"judge":"Судья"' in said.group(1)
    desk = httpx.get(f"{server.url}/desk", headers={"Accept-Language": "ru"}).text
    assert '<html lang="ru">' in desk
    assert '<option value="kk">Қазақ тілі</option>' in desk
    assert '"wait.review":"На проверке"' in desk
