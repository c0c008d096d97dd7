"""Exports through a real server: the JSON event log and the Markdown and HTML transcripts
(server/export.py) hold what readers may see, in court order, and nothing deleted."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from courtwire.bylines import bylines_tag
from courtwire.events import Event
from courtwire.export import html_transcript, markdown_transcript, style_hash
from courtwire.exports import Exports
from courtwire.hearings import parse_new_hearing
from courtwire.model import EventType
from courtwire.records import Hearing, PublicHearing
from courtwire.timeline import replay
from tests.support import LiveServer, Staff, entry_json, new_id, run

DELETED_TEXT = "Zebra-crossing witness statement that was withdrawn"
RESTRICTED = "Anonymous Witness"


def post(staff: Staff, slug: str, body: str, occurred: str, **fields: Any) -> str:
    entry_id = new_id()
    response = staff.client.post(
        f"/api/hearings/{slug}/entries",
        json={"id": entry_id, "kind": "note", "body": body, "occurred_at": occurred, **fields},
    )
    assert response.status_code == 201, response.text
    return entry_id


@pytest.fixture
def covered(editor: Staff, reporter: Staff) -> dict[str, Any]:
    """A hearing in Almaty time with five posts, one revised with a correction, one pinned,
    one deleted; posted out of court order."""
    hearing = editor.create_hearing(
        "R v <b>Example</b> & others",
        status="live",
        timezone="Asia/Almaty",
        court="Zaysan District Court",
        restricted_terms=[RESTRICTED],
    )
    slug = hearing["slug"]
    ids = {
        "opening": post(reporter, slug, "Court opens. **Both** defendants present.",
                        "2020-01-20T10:00:00+06:00", kind="procedural"),
        "sentence": post(reporter, slug, "One year in prison for each.",
                         "2020-01-20T12:01:00+06:00", kind="sentence", key=True,
                         speaker={"role": "judge"}),
        "deleted": post(reporter, slug, DELETED_TEXT, "2020-01-20T11:00:00+06:00"),
        "quote": post(reporter, slug, "This is a victory <script>alert(1)</script>",
                      "2020-01-20T12:15:00+06:00", kind="quote",
                      speaker={"role": "defence", "name": "Lyazzat *Akhatova*"}),
        "late": post(reporter, slug, "The prosecutor asked for two years.",
                     "2020-01-20T11:30:00+06:00"),
    }  # fmt: skip
    base = f"/api/hearings/{slug}/entries"
    revised = editor.client.patch(
        f"{base}/{ids['late']}",
        json={"body": "The prosecutor asked for 18 months.", "correction": "Not two years."},
    )
    assert revised.status_code == 200, revised.text
    assert editor.client.patch(f"{base}/{ids['sentence']}", json={"pinned": True}).is_success
    assert editor.client.delete(f"{base}/{ids['deleted']}").status_code == 200
    return {"slug": slug, "ids": ids}


ORDER = [
    "Court opens",
    "The prosecutor asked for 18 months",
    "One year in prison for each",
    "This is a victory",
]


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(needle) for needle in needles]
    assert all(index >= 0 for index in found), list(zip(needles, found, strict=True))
    return found


def download(server: LiveServer, slug: str, suffix: str) -> httpx.Response:
    response = httpx.get(f"{server.url}/api/hearings/{slug}/export.{suffix}")
    assert response.status_code == 200, response.text
    return response


def test_json_export_is_the_whole_log_with_tombstones(
    server: LiveServer, covered: dict[str, Any]
) -> None:
    slug = covered["slug"]
    response = download(server, slug, "json")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == f'attachment; filename="{slug}-events.json"'
    assert DELETED_TEXT not in response.text
    assert RESTRICTED not in response.text
    exported = response.json()
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events?limit=1000").json()
    assert exported["events"] == events["events"]
    assert exported["last_seq"] == events["last_seq"] == 8
    assert [event["seq"] for event in exported["events"]] == list(range(1, 9))
    assert exported["hearing"]["slug"] == slug
    assert "restricted_terms" not in exported["hearing"]
    deleted_id = covered["ids"]["deleted"]
    about_deleted = [e for e in exported["events"] if e["data"].get("id") == deleted_id]
    assert [e["type"] for e in about_deleted] == ["entry.published", "entry.deleted"]
    assert all(e["data"] == {"id": deleted_id, "deleted": True} for e in about_deleted)


def test_markdown_transcript_in_court_order_with_marks_and_corrections(
    server: LiveServer, covered: dict[str, Any]
) -> None:
    slug = covered["slug"]
    response = download(server, slug, "md")
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{slug}-transcript.md"'
    text = response.text
    assert DELETED_TEXT not in text
    assert RESTRICTED not in text
    assert text.startswith("# R v \\<b\\>Example\\</b\\> \\& others\n")
    found = positions(text, ORDER)
    assert found == sorted(found)
    assert text.count("## Monday, 20 January 2020") == 1
    assert "- **Court times:** Almaty" in text  # its name, not its IANA id
    # Court times in the hearing's zone (UTC+6), kinds, speakers, marks.
    assert "**10:00** · Procedure\n\n> Court opens\\. **Both** defendants present\\." in text
    assert "**12:01** · Sentence · Judge · **Key event** · **Pinned**" in text
    assert "**12:15** · Quote · Lyazzat \\*Akhatova\\* \\(defence\\)" in text
    assert "**11:30** · Note\n\n> The prosecutor asked for 18 months\\.\n>\n" in text
    assert "> **Correction:** Not two years\\." in text
    assert "two years" not in text.replace("Not two years", "")
    assert len(re.findall(r"^\*\*\d\d:\d\d\*\* · ", text, re.MULTILINE)) == 4


def test_html_transcript_is_standalone_escaped_and_without_script(
    server: LiveServer, covered: dict[str, Any]
) -> None:
    slug = covered["slug"]
    response = download(server, slug, "html")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert (
        response.headers["content-disposition"] == f'attachment; filename="{slug}-transcript.html"'
    )
    policy = response.headers["content-security-policy"]
    assert f"style-src '{style_hash()}'" in policy
    assert "script-src" not in policy
    assert "default-src 'none'" in policy
    text = response.text
    assert DELETED_TEXT not in text
    assert RESTRICTED not in text
    assert "<script" not in text.lower()
    assert text.count("<style>") == 1
    assert 'rel="stylesheet"' not in text
    assert f'content="{policy}"' in text.replace("&#x27;", "'")
    assert "<title>R v &lt;b&gt;Example&lt;/b&gt; &amp; others · transcript</title>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the body's text, as text
    assert "Court opens. <strong>Both</strong> defendants present." in text  # entry.html
    found = positions(text, ORDER)
    assert found == sorted(found)
    assert text.count("<article") == 4
    assert '<time datetime="2020-01-20T12:01:00+06:00">12:01</time>' in text
    assert '<span class="mark">Key event</span> <span class="mark">Pinned</span>' in text
    assert '<span class="speaker">Lyazzat *Akhatova* (defence)</span>' in text
    assert '<p class="correction"><strong>Correction:</strong> Not two years.</p>' in text
    assert '<h2 id="day-2020-01-20">Monday, 20 January 2020</h2>' in text


def test_exports_of_an_unknown_hearing_are_404_errors(server: LiveServer) -> None:
    for suffix in ("json", "md", "html"):
        response = httpx.get(f"{server.url}/api/hearings/no-such-hearing/export.{suffix}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "hearing_not_found"


def test_transcripts_of_a_hearing_without_entries_say_so() -> None:
    hearing = public_hearing(slug="empty", title="R v Nobody", timezone="Europe/London")
    events = [
        Event(1, EventType.HEARING_UPDATED, "2024-05-01T09:00:00Z", "empty", {"status": "live"})
    ]
    timeline = replay(events)
    markdown = markdown_transcript(hearing, timeline, {})
    assert "No updates were published." in markdown
    assert "- **Status:** Live" in markdown
    html = html_transcript(hearing, timeline, {})
    assert "<p>No updates were published.</p>" in html
    assert "<article" not in html


def test_an_export_is_served_from_memory_until_the_hearing_changes(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    """The same state of a hearing gets the same bytes under the same ETag, and a 304 for
    it; a new post makes a new export, and a deleted entry is gone at once."""
    slug = editor.create_hearing("R v Cached", status="live", timezone="Europe/London")["slug"]
    kept = post(reporter, slug, "Kept text of the first update", "2024-05-01T10:00:00+01:00")
    gone = post(reporter, slug, "Gone text about to be deleted", "2024-05-01T10:05:00+01:00")
    tags = {}
    names = {"json": "events.json", "md": "transcript.md", "html": "transcript.html"}
    for suffix, name in names.items():
        first, second = download(server, slug, suffix), download(server, slug, suffix)
        tag = first.headers["etag"]
        assert tag == second.headers["etag"]
        assert tag.startswith(f'"2.{name}.')
        assert first.content == second.content
        assert "Gone text about to be deleted" in first.text
        url = f"{server.url}/api/hearings/{slug}/export.{suffix}"
        revalidated = httpx.get(url, headers={"If-None-Match": tag})
        assert revalidated.status_code == 304
        assert revalidated.content == b""
        assert revalidated.headers["etag"] == tag
        tags[suffix] = tag
    assert len(set(tags.values())) == 3
    base = f"/api/hearings/{slug}/entries"
    assert reporter.client.delete(f"{base}/{gone}").status_code == 200
    for suffix in tags:
        after = download(server, slug, suffix)
        assert after.headers["etag"] != tags[suffix]
        assert after.headers["etag"].startswith('"3.')
        assert "Gone text about to be deleted" not in after.text
        assert "Kept text of the first update" in after.text or suffix == "json"
    post(reporter, slug, "A third update, after the delete", "2024-05-01T10:10:00+01:00")
    newest = download(server, slug, "md")
    assert newest.headers["etag"].startswith('"4.')
    assert "A third update, after the delete" in newest.text
    assert kept


class CountingSource:
    """The events of one hearing, counting the reads."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.reads = 0

    async def events_after(self, hearing: Hearing, after: int, limit: int) -> list[str]:
        self.reads += 1
        await asyncio.sleep(0.01)
        return self.texts[after : after + limit]


def hearing_fields(**fields: Any) -> dict[str, Any]:
    """A new hearing's fields as stored: the defaults, these, a slug and no events yet."""
    return parse_new_hearing(fields) | {"slug": fields["slug"], "last_seq": 0}


def public_hearing(**fields: Any) -> PublicHearing:
    return PublicHearing.from_json(hearing_fields(**fields))


def cached_hearing(last_seq: int, hearing_id: int = 1) -> Hearing:
    fields = hearing_fields(slug=f"h{hearing_id}", title="R v Memory", timezone="UTC")
    return Hearing(hearing_id, fields | {"last_seq": last_seq})


def published(seq: int) -> str:
    moment = "2024-05-01T10:00:00Z"
    entry = entry_json(new_id(), f"Update {seq}", moment, author="r")
    return Event(seq, EventType.ENTRY_PUBLISHED, moment, "h1", entry).encode()


def test_exports_are_built_once_per_state_and_kept_within_bounds() -> None:
    source = CountingSource([published(seq) for seq in range(1, 6)])

    async def scenario() -> None:
        exports = Exports(source, keep=2)
        at_three = cached_hearing(3)
        together = await asyncio.gather(
            *(exports.get(at_three, "transcript.md", "e", {}) for _ in range(10))
        )
        assert exports.builds == 1
        assert source.reads == 1
        assert len({export.body for export in together}) == 1
        assert b"Update 3" in together[0].body
        assert b"Update 4" not in together[0].body  # committed after the hearing was read
        assert (await exports.get(at_three, "transcript.md", "e", {})) is together[0]
        assert exports.builds == 1
        newer = await exports.get(cached_hearing(5), "transcript.md", "e", {})
        assert exports.builds == 2
        assert b"Update 5" in newer.body
        assert newer.etag == f'"5.transcript.md.e.{bylines_tag({})}"'
        signed = await exports.get(cached_hearing(5), "transcript.md", "e", {"r": "Rita Ross"})
        assert exports.builds == 3  # another byline, another export
        assert b"by Rita Ross" in signed.body
        assert signed.etag != newer.etag
        await exports.get(cached_hearing(5), "events.json", "e", {})
        assert exports.builds == 4
        await exports.get(at_three, "transcript.md", "e", {})  # dropped: two kept at most
        assert exports.builds == 5
        small = Exports(source, keep_bytes=100)
        await small.get(at_three, "transcript.html", "e", {})
        await small.get(at_three, "transcript.html", "e", {})
        assert small.builds == 2  # larger than the cache: served, never kept

    run(scenario())


FORGERIES = (
    "<script>alert(1)</script> and <b>bold</b>\n"
    "## 22 January\n"
    "**12:00** · Verdict · Judge\n\n"
    "**12:00** · Verdict · Judge\n\n"
    "**Verdict**\n\n"
    "# Not a title\n\n"
    "Setext heading\n===\n\n"
    "<div>html block</div>\n\n"
    "---\n\n"
    "    indented code\n\n"
    "![image](https://example.org/x.png)\n\n"
    "[ref]: https://example.org\n\n"
    "Kept as written: **bold**, *em*, `code <b>`, [a link](https://example.org/a_(b))"
)


def inline_text(token: Token) -> str:
    return "".join(child.content for child in token.children or [] if child.type == "text")


def strong_texts(tokens: list[Token]) -> list[str]:
    """The text of every bold span outside block quotes."""
    found = []
    depth = 0
    for token in tokens:
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        kids = token.children or [] if depth == 0 else []
        for index, kid in enumerate(kids):
            if kid.type == "strong_open":
                found.append(kids[index + 1].content)
    return found


def test_markdown_transcript_renders_only_the_structure_the_hearing_has(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    """Rendered by a full Markdown renderer (markdown-it-py, HTML on), the transcript has
    exactly its own headings and entry lines whatever the bodies and notes say: no HTML,
    no heading, rule, image or entry line from a user, and a note stays in its quote."""
    slug = editor.create_hearing("R v Forgery", status="live", timezone="Asia/Almaty")["slug"]
    post(reporter, slug, "The judge enters.", "2020-01-21T10:00:00+06:00", kind="procedural")
    forged = post(reporter, slug, FORGERIES, "2020-01-21T11:00:00+06:00", kind="quote",
                  speaker={"role": "witness", "name": "## Eve <i>\n**Verdict**"})  # fmt: skip
    post(reporter, slug, "Guilty.", "2020-01-21T12:00:00+06:00", kind="verdict", key=True)
    note = "First line.\n## 23 January\n**12:00** · Verdict\n<img src=x onerror=alert(1)>"
    revised = editor.client.patch(
        f"/api/hearings/{slug}/entries/{forged}", json={"correction": note}
    )
    assert revised.status_code == 200, revised.text
    text = download(server, slug, "md").text
    tokens = MarkdownIt("commonmark", {"html": True}).parse(text)
    headings = [
        (token.tag, inline_text(tokens[index + 1]))
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    assert headings == [("h1", "R v Forgery"), ("h2", "Tuesday, 21 January 2020")]
    assert [t.type for t in tokens if "html" in t.type] == []
    children = [child for token in tokens for child in token.children or []]
    assert [c.type for c in children if "html" in c.type or c.type == "image"] == []
    assert not any(t.type == "hr" or t.type == "code_block" for t in tokens)
    # Entry lines: the paragraphs outside any quote, each starting with a bold time.
    depth = 0
    entry_lines = []
    for index, token in enumerate(tokens):
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if token.type == "inline" and depth == 0 and tokens[index - 1].type == "paragraph_open":
            kids = [kid for kid in token.children or [] if kid.content or kid.type != "text"]
            if (
                kids
                and kids[0].type == "strong_open"
                and re.fullmatch(r"\d\d:\d\d", kids[1].content)
            ):
                entry_lines.append(inline_text(token))
    assert entry_lines == [
        "10:00 · Procedure",
        "11:00 · Quote · ## Eve <i> **Verdict** (witness)",  # the name, as text
        "12:00 · Verdict · Key event",
    ]
    # Bold outside the bodies' quotes: the facts' names, the times and the marks only
    # (inside its quote a body keeps its own emphasis, as on the reader page).
    assert strong_texts(tokens) == [
        "Status:", "Court times:", "10:00", "11:00", "12:00", "Key event"
    ]  # fmt: skip
    # Each body and its note are one quote; the note's every line inside it.
    quotes = text.split("\n\n**")
    forged_block = next(block for block in quotes if "Setext heading" in block)
    body = forged_block.split("\n", 2)[2]
    assert all(line.startswith(">") for line in body.strip().splitlines()), body
    assert "> **Correction:** First line\\.\\\n> \\#\\# 23 January\\\n" in body
    html = MarkdownIt("commonmark", {"html": True}).render(text)
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<code>code &lt;b&gt;</code>" in html
    assert '<a href="https://example.org/a_(b)">a link</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "<img" not in html
