"""The one JS renderer of an entry (static/js/entryview.js) draws exactly what the server
renders (server/templates/_entry.html): same elements, attributes, classes, words (in
the hearing's language) and court time (dated on another day than today), for entries
of every kind, with and without a speaker or a speaker's name, key, pinned, corrected
with a note (and its "Show earlier versions") and revised silently, with a byline.
Compared in Chromium, on the reader page, against the server's HTML of that page, both
as the module renders the API's entries and as the live page drew the entries that
reached it over its socket."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from courtwire.model import KIND_LABELS
from tests.support import LiveServer, Staff, new_id

# Kathmandu is UTC+05:45: a court time that is not the UTC one in hours nor minutes.
ZONE = "Asia/Kathmandu"
SPEAKERS: list[dict[str, str] | None] = [
    None,
    {"role": "judge"},
    {"role": "witness", "name": "Ms <b>Amal</b> & Co"},
    {"role": "defence", "name": "Mr Daniel Reyes"},
]
BYLINE = "Aigerim <i>S.</i> & Co"
BODIES = [
    "The court is back in session.",
    "**Bold** and _italic_ with [a link](https://example.org/x?a=1&b=2).\n\n> A quote.",
    "- one\n- two\n\nA line with <script>alert(1)</script> & an ampersand.",
]

# The DOM as a comparable tree: tag, attributes (sorted), children; text with its
# whitespace collapsed (empty text dropped); the reader's relative age left out, which
# the page fills in later on both.
SHAPE = """
(root) => {
  function shape(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.replace(/\\s+/g, " ").trim();
      return text ? text : null;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const attrs = node.getAttributeNames().sort().map((name) => [name, node.getAttribute(name)]);
    const children = node.classList.contains("ago")
      ? []
      : [...node.childNodes].map(shape).filter((child) => child !== null);
    return { tag: node.localName, attrs, children };
  }
  return shape(root);
}
"""

SERVER_SHAPES = f"""
async () => {{
  const shape = {SHAPE};
  const html = await (await fetch(location.href, {{ cache: "no-store" }})).text();
  const served = new DOMParser().parseFromString(html, "text/html");
  return Object.fromEntries(
    [...served.querySelectorAll("article.entry")].map((article) => [article.id, shape(article)]),
  );
}}
"""

RENDERED_SHAPES = f"""
async ({{ entries, timezone, bylines }}) => {{
  const shape = {SHAPE};
  const {{ entryArticle }} = await import("/static/js/entryview.js");
  const out = {{}};
  for (const entry of entries) {{
    const options = {{ timezone, byline: bylines[entry.author] || "", earlier: true }};
    out[`entry-${{entry.id}}`] = shape(entryArticle(entry, options));
    if (!entry.pinned) continue;
    out[`pinned-${{entry.id}}`] = shape(entryArticle(entry, {{ ...options, prefix: "pinned" }}));
  }}
  return out;
}}
"""

LIVE_SHAPES = f"""
() => {{
  const shape = {SHAPE};
  return Object.fromEntries(
    [...document.querySelectorAll("article.entry")].map((article) => [article.id, shape(article)]),
  );
}}
"""


def post_varied(reporter: Staff, editor: Staff, slug: str) -> list[str]:
    """One entry of each kind, the variations spread over them, by a reporter with a
    display name (a byline); returns their ids."""
    me = reporter.client.get("/api/me").json()["user"]["username"]
    named = reporter.client.put(f"/api/users/{me}/display_name", json={"display_name": BYLINE})
    assert named.status_code == 200, named.text
    ids = []
    for index, kind in enumerate(KIND_LABELS):
        fields: dict[str, Any] = {"kind": kind, "key": index % 2 == 0}
        if SPEAKERS[index % len(SPEAKERS)]:
            fields["speaker"] = SPEAKERS[index % len(SPEAKERS)]
        if index == 0:
            fields["occurred_at"] = "2026-01-05T18:20:30Z"  # 00:05 the next day in Kathmandu
        entry_id = new_id()
        posted = reporter.post(slug, BODIES[index % len(BODIES)], id=entry_id, **fields)
        assert posted.status_code == 201, posted.text
        ids.append(entry_id)
        changes: dict[str, Any] = {}
        if index in (1, 4):
            changes["pinned"] = True
        if index in (2, 5, 8):
            changes |= {
                "body": f"Corrected text {index}.",
                "correction": "An earlier <i>version</i> erred.",
            }
        if index in (3, 7):
            changes["body"] = f"Silently fixed typo {index}."
        if changes:
            done = editor.client.patch(f"/api/hearings/{slug}/entries/{entry_id}", json=changes)
            assert done.status_code == 200, done.text
    return ids


def entries(editor: Staff, slug: str) -> list[dict[str, Any]]:
    response = editor.client.get(f"/api/hearings/{slug}/entries?limit=200")
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["entries"]
    return found


def assert_same(served: dict[str, Any], drawn: dict[str, Any]) -> None:
    assert sorted(drawn) == sorted(served)
    for element_id, tree in served.items():
        # Both trees in the message: a difference must explain itself in a CI log.
        assert drawn[element_id] == tree, (
            f"{element_id}\nserved: {json.dumps(tree)}\ndrawn:  {json.dumps(drawn[element_id])}"
        )


def open_reader(browser: Browser, server: LiveServer, slug: str) -> tuple[Any, Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    return context, page


@pytest.mark.parametrize("language", ["en", "kk"])
def test_the_js_renderer_draws_each_entry_as_the_server_does(
    browser: Browser, server: LiveServer, reporter: Staff, editor: Staff, language: str
) -> None:
    hearing = editor.create_hearing("R v Renderer", status="live", timezone=ZONE, language=language)
    slug = hearing["slug"]
    ids = post_varied(reporter, editor, slug)
    shown = entries(editor, slug)
    assert sorted(entry["id"] for entry in shown) == sorted(ids)
    assert any(entry.get("correction") for entry in shown)
    assert any(entry.get("revised_at") and not entry.get("correction") for entry in shown)

    context, page = open_reader(browser, server, slug)
    served = page.evaluate(SERVER_SHAPES)
    # Every entry, and a copy of each pinned one in the pinned panel.
    assert len(served) == len(KIND_LABELS) + 2
    bylines = editor.client.get(f"/api/hearings/{slug}/bylines").json()["bylines"]
    assert list(bylines.values()) == [BYLINE]
    drawn = page.evaluate(RENDERED_SHAPES, {"entries": shown, "timezone": ZONE, "bylines": bylines})
    assert_same(served, drawn)
    # The words are the server's: a kind's label, the correction's, the court time.
    first = served[f"entry-{ids[0]}"]
    header = first["children"][0]
    # (00:05 the next day in Kathmandu, a day that is not today: dated.)
    [clock] = header["children"][0]["children"][0]["children"]
    assert clock.endswith("00:05")
    assert "2026" in clock
    assert "6" in clock
    if language == "en":
        assert header["children"][2]["children"] == [KIND_LABELS["note"]]
    # Every entry is signed; each corrected one offers its earlier versions.
    assert all(page.locator(f"#entry-{i} .byline .author").text_content() == BYLINE for i in ids)
    corrected = [entry["id"] for entry in shown if entry.get("correction")]
    expect(page.locator("#entries .revisions:visible")).to_have_count(len(corrected))
    context.close()


def test_entries_drawn_live_on_the_reader_page_match_the_server_s_first_paint(
    browser: Browser, server: LiveServer, reporter: Staff, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Renderer live", status="live", timezone=ZONE)["slug"]
    context, page = open_reader(browser, server, slug)
    ids = post_varied(reporter, editor, slug)
    # Every post and change reached the page: the last change is a revision of ids[8].
    expect(page.locator(f"#entry-{ids[8]} .correction")).to_be_visible()
    expect(page.locator("#entries .entry")).to_have_count(len(KIND_LABELS))
    expect(page.locator(f"#entry-{ids[7]} .body")).to_have_text("Silently fixed typo 7.")
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("window.dispatchEvent(new Event('scroll'))")
    expect(page.locator("#pinned .entry")).to_have_count(2)
    live = page.evaluate(LIVE_SHAPES)
    served = page.evaluate(SERVER_SHAPES)
    assert_same(served, live)
    context.close()
