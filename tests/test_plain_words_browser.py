"""Words people read, not the machine's: transcripts say as of when, not up to which seq;
a key event's line (and a feed entry's title) names its kind once and is cut at a word,
the same on the server and in the page's script (reader page, replay); the schema.org
headlines are plain text cut at a word; the hearing's description is Markdown rendered
as entry bodies are on the reader page and the exports, plain text in meta tags and
feeds, and checked against restrictions as rendered."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from courtwire.markup import KEY_LABEL_CHARS, key_label
from tests.support import LiveServer, Staff, new_id

SIZES = [(390, 844), (320, 640), (1280, 800)]
MARKDOWN_MARKS = re.compile(r"\*\*|__|\]\(|^#|`|\[|\]")
DESCRIPTION = (
    "Two men who fled **Xinjiang** are tried for crossing the border; see the "
    "[court's notice](https://example.org/notice?a=1&b=2).\n\nThey have asked for _asylum_."
)
DESCRIPTION_TEXT = (
    "Two men who fled Xinjiang are tried for crossing the border; see the court's notice. "
    "They have asked for asylum."
)
LONG = (
    "The judge said that the **defendants** had crossed the border at night, in winter, "
    "without papers, and that the court had heard _every_ witness the defence called "
    "before reaching its decision on the charge."
)


def post(reporter: Staff, slug: str, body: str, **fields: Any) -> str:
    entry_id = new_id()
    posted = reporter.post(slug, body, id=entry_id, **fields)
    assert posted.status_code == 201, posted.text
    return entry_id


def plain(text: str) -> str:
    return re.sub(r"[*_]", "", text)


def whole_words_of(label: str, text: str) -> None:
    """`label` is `text` itself, or its start cut after a whole word, with an ellipsis."""
    if not label.endswith("…"):
        assert label == text
        return
    head = label[:-1]
    assert text.startswith(head), (label, text)
    assert not text[len(head)].isalnum(), f"cut inside a word: {label!r}"


def key_lines(page: Page, selector: str) -> list[str]:
    lines: list[str] = page.locator(f"{selector} li a").evaluate_all(
        "links => links.map((link) => link.textContent.split(' · ').slice(1).join(' · '))"
    )
    return lines


def test_transcripts_say_as_of_when_and_never_a_seq(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    hearing = editor.create_hearing("R v Footer", status="live", timezone="Asia/Almaty")
    slug = hearing["slug"]
    empty = editor.create_hearing("R v Nothing Yet", timezone="Asia/Almaty")
    for count in range(3):
        post(reporter, slug, f"Update number {count}.")
    log = editor.client.get(f"/api/hearings/{slug}/events").json()
    last = log["events"][-1]["at"]
    markdown = editor.client.get(f"/api/hearings/{slug}/export.md").text
    html = editor.client.get(f"/api/hearings/{slug}/export.html").text
    nothing = editor.client.get(f"/api/hearings/{empty['slug']}/export.md").text
    shown = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    for text in (markdown, shown, nothing):
        assert "seq" not in text
        assert not re.search(r"#\s?\d", text)
    # The last event's moment in court time (Almaty, UTC+5 or +6), as the pages write it.
    assert last.endswith("Z") or "+" in last
    footer = re.search(r"Courtwire transcript as of ([^.]+)\.", html)
    assert footer is not None, html[-400:]
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2}", footer.group(1)), footer.group(1)
    assert "Courtwire transcript as of" in markdown
    assert "*Courtwire transcript\\.*" in nothing


def test_key_event_lines_name_the_kind_once_and_cut_at_a_word_everywhere(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    hearing = editor.create_hearing("R v Labels", status="live", timezone="Europe/London")
    slug = hearing["slug"]
    bodies = [
        ("sentence", "**Sentence: one year in prison** for each of the two men."),
        ("ruling", LONG),
        ("verdict", "Verdict — guilty on both counts."),
        ("ruling", "Rulings on costs follow after lunch."),
    ]
    for kind, body in bodies:
        post(reporter, slug, body, kind=kind, key=True)
    expected = [
        "Sentence: one year in prison for each of the two men.",
        "Ruling: The judge said that the defendants had crossed the border at night, in winter…",
        "Verdict — guilty on both counts.",
        "Ruling: Rulings on costs follow after lunch.",
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    served = key_lines(page, "#key-list")
    assert sorted(served) == sorted(expected)
    for line in served:
        assert len(line) <= KEY_LABEL_CHARS
        assert not line.startswith("Sentence: Sentence")
    whole_words_of(expected[1], "Ruling: " + plain(LONG))

    # A key event arriving live: the script draws every line of the list again.
    post(reporter, slug, "Sentence: two years, suspended.", kind="sentence", key=True)
    expect(page.locator("#key-list li")).to_have_count(5)
    drawn = key_lines(page, "#key-list")
    assert sorted(drawn) == sorted([*expected, "Sentence: two years, suspended."])

    # The script's twin of the server's function, on the same inputs, and long words.
    cases = [
        ("Sentence", "<p><strong>Sentence: one year</strong></p>"),
        ("Приговор", "<p>приговор: год</p>"),
        ("Ruling", "<p>" + "x" * 120 + "</p>"),
        ("Ruling", "<p>a<br>b</p><ul><li>c</li></ul>"),
        ("Note", ""),
        ("Note", "<p>" + "word " * 40 + "😀 end</p>"),
    ]
    scripted = page.evaluate(
        """async (cases) => {
          const { keyLabel } = await import("/static/js/entryview.js");
          return cases.map(([kind, html]) => keyLabel(kind, html));
        }""",
        cases,
    )
    assert scripted == [key_label(kind, html) for kind, html in cases]
    context.close()

    # The feed's entry titles name the kind once too.
    feed = ElementTree.fromstring(httpx.get(f"{server.url}/h/{slug}/feed.atom").content)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert "Sentence: one year in prison for each of the two men." in titles
    assert "Ruling: Rulings on costs follow after lunch." in titles
    assert not any(re.match(r"(\w+): \1\b", title or "") for title in titles), titles


def test_schema_org_headlines_are_plain_text_cut_at_a_word(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    title = "R v Okafor and others: " + "a trial of many words about many things " * 4
    hearing = editor.create_hearing(
        title.strip(), status="live", timezone="Europe/London", description=DESCRIPTION
    )
    slug = hearing["slug"]
    bodies = [LONG, "**Bold** start and a [link](https://example.org/) in _it_.", "Short."]
    for body in bodies:
        post(reporter, slug, body)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content() or "")
    headlines = [data["headline"]] + [post["headline"] for post in data["liveBlogUpdate"]]
    texts = [title.strip()] + [plain(re.sub(r"\[(\w+)\]\([^)]*\)", r"\1", b)) for b in bodies[::-1]]
    assert len(headlines) == 4
    for headline, text in zip(headlines, texts, strict=True):
        assert len(headline) <= 110, headline
        assert not MARKDOWN_MARKS.search(headline), headline
        whole_words_of(headline, text)
    assert data["headline"].endswith("…")
    assert data["description"] == DESCRIPTION_TEXT
    context.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_description_is_rendered_markdown_on_the_page_and_plain_text_elsewhere(
    browser: Browser, server: LiveServer, editor: Staff, width: int, height: int
) -> None:
    hearing = editor.create_hearing(
        f"R v Described {width}", status="live", timezone="Europe/London", description=DESCRIPTION
    )
    slug = hearing["slug"]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    description = page.locator("#hearing-description")
    expect(description.locator("strong")).to_have_text("Xinjiang")
    expect(description.locator("em")).to_have_text("asylum")
    link = description.locator("a")
    expect(link).to_have_attribute("href", "https://example.org/notice?a=1&b=2")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow ugc")
    expect(description.locator("p")).to_have_count(2)
    assert "**" not in description.inner_text()
    width_of = page.evaluate("document.documentElement.scrollWidth")
    assert width_of <= width, "the description overflows the page"
    for selector in ('meta[name="description"]', 'meta[property="og:description"]'):
        assert page.locator(selector).get_attribute("content") == DESCRIPTION_TEXT

    # Changed live: the open page shows the new text rendered, without a reload.
    changed = editor.client.patch(
        f"/api/hearings/{slug}",
        json={"description": "Now with a *new* [notice](https://example.org/2)."},
    )
    assert changed.status_code == 200, changed.text
    expect(description.locator("em")).to_have_text("new")
    expect(description.locator("a")).to_have_attribute("href", "https://example.org/2")
    expect(description).not_to_contain_text("*")
    context.close()

    feed = httpx.get(f"{server.url}/h/{slug}/feed.atom")
    subtitle = ElementTree.fromstring(feed.content).find("{http://www.w3.org/2005/Atom}subtitle")
    assert subtitle is not None
    assert subtitle.text == "Now with a new notice."
    html = editor.client.get(f"/api/hearings/{slug}/export.html").text
    assert (
        '<div class="description"><p>Now with a <em>new</em> <a href="https://example.org/2"'
        in html
    )
    markdown = editor.client.get(f"/api/hearings/{slug}/export.md").text
    assert "Now with a *new* [notice](<https://example.org/2>)\\.\n" in markdown
    embed = httpx.get(f"{server.url}/h/{slug}/embed").text
    assert "<p>Now with a <em>new</em>" in embed
    # The desk says the description takes Markdown, as it says of an update's text.
    desk = httpx.get(f"{server.url}/desk").text
    assert re.search(r'<textarea data-name="description"[^\n]* data-hint="Markdown: \*\*bold', desk)


def test_a_restricted_name_hidden_in_markdown_in_the_description_is_refused(
    server: LiveServer, editor: Staff
) -> None:
    hearing = editor.create_hearing(
        "R v Hidden", timezone="Europe/London", restricted_terms=["Alimuly"]
    )
    slug = hearing["slug"]
    for description in (
        "The witness Ali**muly** gave evidence.",
        "See [the witness](https://example.org/people/alimuly).",
        "The witness _Ali_muly gave evidence.",
    ):
        refused = editor.client.patch(f"/api/hearings/{slug}", json={"description": description})
        assert refused.status_code == 422, (description, refused.text)
        assert refused.json()["error"]["code"] == "restricted_term"
        assert refused.json()["error"]["field"] == "description"
    page = httpx.get(f"{server.url}/h/{slug}").text
    assert "muly" not in page
    assert editor.client.get(f"/api/hearings/{slug}").json()["description"] == ""
