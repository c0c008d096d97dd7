"""A hearing on other sites: the Atom feed, oEmbed and the embed's framing policy, the
reader page's schema.org data, Open Graph tags and canonical address. Each reads only
what the reader page shows: nothing deleted, withheld or queued."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import extruct
import feedparser
import httpx
import pytest

from courtwire.assets import IMPORT_MAP_HASH
from courtwire.markup import plain_text
from courtwire.model import Role
from tests.support import LiveServer, Staff, new_id
from tests.test_security_headers import policy

EMBEDDERS = "https://news.example.com https://tv.example.org"


@dataclass
class Coverage:
    server: LiveServer
    slug: str
    published: list[dict[str, Any]]
    """The public entries as the entries API serves them, newest first."""
    gone: dict[str, str]
    """Bodies that no public output may carry: deleted, withheld, queued."""


BYLINE = "Dana Reach"


@pytest.fixture(scope="module")
def coverage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coverage]:
    """A hearing with plain, Markdown, corrected, deleted, withheld and queued entries."""
    live = LiveServer(tmp_path_factory.mktemp("reach"), embed_origins=EMBEDDERS)
    live.start()
    with Staff(live, live.staff("reach-editor", Role.EDITOR)) as editor:
        slug = editor.create_hearing(
            "R v Reach", status="live", court="Zaysan District Court", description=""
        )["slug"]
        entries = f"/api/hearings/{slug}/entries"
        named = editor.client.put(
            "/api/users/reach-editor/display_name", json={"display_name": BYLINE}
        )
        assert named.status_code == 200, named.text

        def post(body: str, **fields: Any) -> str:
            entry_id = new_id()
            answer = editor.client.post(entries, json={"id": entry_id, "body": body, **fields})
            assert answer.status_code in (201, 202), answer.text
            return entry_id

        post("The court is in session.", kind="procedural", occurred_at="2020-01-22T11:00:00+06:00")
        post(
            "The judge said the **defence** may call & question the witness "
            "about the border post at length this afternoon, after the lunch break.",
            kind="quote",
            speaker={"role": "judge"},
            occurred_at="2020-01-22T11:05:00+06:00",
        )
        corrected = post("The fine is 500 tenge.", occurred_at="2020-01-22T11:10:00+06:00")
        revised = editor.client.patch(
            f"{entries}/{corrected}",
            json={"body": "The fine is 5,000 tenge.", "correction": "The amount was 5,000."},
        )
        assert revised.status_code == 200, revised.text
        deleted = post("A deleted update.", occurred_at="2020-01-22T11:15:00+06:00")
        assert editor.client.delete(f"{entries}/{deleted}").status_code == 200
        post("The witness Gulnar Sekova spoke.", occurred_at="2020-01-22T11:20:00+06:00")
        restricted = editor.client.post(
            f"/api/hearings/{slug}/restrictions", json={"term": "Gulnar Sekova", "kind": "person"}
        )
        assert restricted.status_code == 201, restricted.text
        assert len(restricted.json()["withheld"]) == 1
        editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "held"})
        post("A queued update.", occurred_at="2020-01-22T11:25:00+06:00")
        editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "open"})
        published = editor.client.get(entries).json()["entries"]
    assert len(published) == 3
    yield Coverage(
        live,
        slug,
        published,
        {"deleted": "A deleted update.", "withheld": "Sekova", "queued": "A queued update."},
    )
    live.stop()


def test_atom_feed_carries_the_published_entries_newest_first_and_nothing_else(
    coverage: Coverage,
) -> None:
    response = httpx.get(f"{coverage.server.url}/h/{coverage.slug}/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    for text in coverage.gone.values():
        assert text not in response.text
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    page = f"{coverage.server.url}/h/{coverage.slug}"
    assert feed.feed.title == "R v Reach"
    assert feed.feed.link == page
    assert [e.id for e in feed.entries] == [f"urn:uuid:{e['id']}" for e in coverage.published]
    for parsed, entry in zip(feed.entries, coverage.published, strict=True):
        assert parsed.updated == (entry["revised_at"] or entry["published_at"])
        assert parsed.published == entry["published_at"]
        assert parsed.author == BYLINE
        assert parsed.link == f"{page}#entry-{entry['id']}"
        assert plain_text(entry["html"])[:40] in parsed.title
        assert entry["html"] in parsed.content[0].value
    corrected = feed.entries[0]
    assert "The fine is 5,000 tenge." in corrected.content[0].value
    assert "The amount was 5,000." in corrected.content[0].value  # the correction, visible
    assert corrected.updated != corrected.published
    quote = feed.entries[1]
    assert quote.title.startswith("Quote · Judge: The judge said the defence may call & question")
    assert "**" not in quote.title
    assert quote.title.endswith("…")


def test_atom_feed_answers_a_conditional_get_and_404_for_an_unknown_hearing(
    coverage: Coverage,
) -> None:
    url = f"{coverage.server.url}/h/{coverage.slug}/feed.atom"
    first = httpx.get(url)
    assert first.headers["cache-control"] == "no-cache"  # a deletion leaves caches at once
    etag = first.headers["etag"]
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(f"{coverage.server.url}/h/no-such-hearing/feed.atom").status_code == 404


def test_reader_page_links_its_feed_and_its_oembed(coverage: Coverage) -> None:
    page = f"{coverage.server.url}/h/{coverage.slug}"
    head = Head.of(httpx.get(f"{page}?before=99").text)
    assert head.links["alternate application/atom+xml"] == f"{page}/feed.atom"
    query = urlencode({"url": page, "format": "json"})
    assert head.links["alternate application/json+oembed"] == (
        f"{coverage.server.url}/oembed?{query}"
    )
    assert head.links["canonical"] == page  # no query string


def test_oembed_answers_a_rich_iframe_for_a_hearing_page(coverage: Coverage) -> None:
    server, page = coverage.server, f"{coverage.server.url}/h/{coverage.slug}"
    answer = httpx.get(
        f"{server.url}/oembed", params={"url": f"{page}?x=1#entry", "format": "json"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert {key: body[key] for key in ("version", "type", "provider_name", "title")} == {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Courtwire",
        "title": "R v Reach",
    }
    assert body["provider_url"] == f"{server.url}/"
    assert (body["width"], body["height"]) == (480, 600)
    assert body["html"].startswith(f'<iframe src="{page}/embed" width="480" height="600"')
    small = httpx.get(f"{server.url}/oembed", params={"url": page, "maxwidth": "300"}).json()
    assert small["width"] == 300
    assert 'width="300"' in small["html"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"format": "xml"}, 501),
        ({"format": "yaml"}, 501),
        ({"url": "{server}/h/no-such-hearing"}, 404),
        ({"url": "https://elsewhere.example/h/{slug}"}, 404),
        ({"url": "{server}/desk"}, 404),
        ({"url": "{server}/h/{slug}/feed.atom"}, 404),
        ({}, 400),
        ({"url": "{server}/h/{slug}", "maxheight": "-1"}, 400),
    ],
)
def test_oembed_refuses_what_it_cannot_answer(
    coverage: Coverage, params: dict[str, str], status: int
) -> None:
    server = coverage.server
    if "url" not in params and params:
        params = {"url": f"{server.url}/h/{coverage.slug}"} | params
    query = {k: v.format(server=server.url, slug=coverage.slug) for k, v in params.items()}
    assert httpx.get(f"{server.url}/oembed", params=query).status_code == status


def test_embed_may_be_framed_by_the_embed_origins_and_the_page_keeps_its_own(
    coverage: Coverage,
) -> None:
    page = httpx.get(f"{coverage.server.url}/h/{coverage.slug}")
    embed = httpx.get(f"{coverage.server.url}/h/{coverage.slug}/embed")
    assert embed.status_code == 200
    framers = {
        "page": policy(page.headers["content-security-policy"])["frame-ancestors"],
        "embed": policy(embed.headers["content-security-policy"])["frame-ancestors"],
    }
    assert framers == {"page": ["'self'"], "embed": EMBEDDERS.split()}
    # The rest of the policy is the page's: no inline script in the embed either.
    assert policy(embed.headers["content-security-policy"])["script-src"] == [
        "'self'",
        f"'{IMPORT_MAP_HASH}'",  # the import map, the one inline script (courtwire.assets)
    ]
    for text in coverage.gone.values():
        assert text not in embed.text
    head = Head.of(embed.text)
    assert "robots" not in head.meta  # the canonical link names the page to index
    assert head.links["canonical"] == f"{coverage.server.url}/h/{coverage.slug}"
    assert "application/ld+json" not in embed.text
    assert f'href="{coverage.server.url}/h/{coverage.slug}"' in embed.text  # the full page


def test_reader_page_json_ld_describes_the_live_blog_entry_by_entry(coverage: Coverage) -> None:
    page = f"{coverage.server.url}/h/{coverage.slug}"
    html = httpx.get(page).text
    data = extruct.extract(html, base_url=page, syntaxes=["json-ld"])["json-ld"]
    assert len(data) == 1
    blog = data[0]
    assert blog["@type"] == "LiveBlogPosting"
    assert blog["headline"] == "R v Reach"
    assert blog["description"] == "Live coverage of R v Reach at Zaysan District Court."
    assert blog["url"] == page
    assert blog["coverageStartTime"] == coverage.published[-1]["occurred_at"]
    assert "coverageEndTime" not in blog  # still live
    updates = blog["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [f"{page}#entry-{e['id']}" for e in coverage.published]
    for update, entry in zip(updates, coverage.published, strict=True):
        assert update["@type"] == "BlogPosting"
        text = plain_text(entry["html"])
        assert update["articleBody"] == text
        assert text.startswith(update["headline"].removesuffix("…"))
        assert len(update["headline"]) <= 110
        assert update["datePublished"] == entry["published_at"]
        assert update["dateModified"] == (entry["revised_at"] or entry["published_at"])
        assert update["author"] == {"@type": "Person", "name": BYLINE}
    quote = updates[1]
    assert "**" not in quote["articleBody"]
    assert "&amp;" not in quote["articleBody"]
    assert quote["headline"].endswith("…")
    assert quote["headline"].removesuffix("…")[-1] != " "
    assert text_is_cut_at_a_word(quote["articleBody"], quote["headline"])
    for text in coverage.gone.values():
        assert text not in html


def test_json_ld_of_a_closed_hearing_says_when_coverage_ended(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing(
        "R v Ended", status="live", scheduled_start="2020-01-22T10:00:00+06:00"
    )["slug"]
    assert editor.post(slug, "Verdict given.").status_code == 201
    closed = editor.client.patch(f"/api/hearings/{slug}", json={"status": "closed"})
    assert closed.status_code == 200
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"]
    page = f"{server.url}/h/{slug}"
    blog = extruct.extract(httpx.get(page).text, base_url=page, syntaxes=["json-ld"])["json-ld"][0]
    assert blog["coverageStartTime"] == "2020-01-22T10:00:00+06:00"
    assert blog["coverageEndTime"] == events[-1]["at"]


def test_reader_page_and_hearing_list_carry_open_graph_tags_and_a_canonical_address(
    coverage: Coverage,
) -> None:
    server = coverage.server
    page = f"{server.url}/h/{coverage.slug}"
    head = Head.of(httpx.get(f"{page}?before=1").text)
    assert head.title == "R v Reach: live coverage · Courtwire"
    description = "Live coverage of R v Reach at Zaysan District Court."
    assert head.meta["description"] == description
    assert head.links["canonical"] == page
    assert {k: v for k, v in head.meta.items() if k.startswith(("og:", "twitter:"))} == {
        "og:type": "article",
        "og:site_name": "Courtwire",
        "og:title": "R v Reach",
        "og:description": description,
        "og:url": page,
        "twitter:card": "summary",
        "twitter:title": "R v Reach",
        "twitter:description": description,
    }
    index = Head.of(httpx.get(f"{server.url}/?utm_source=x").text)
    assert index.title == "Court hearings, live · Courtwire"
    assert index.links["canonical"] == f"{server.url}/"
    assert index.meta["og:url"] == f"{server.url}/"
    assert index.meta["og:type"] == "website"
    assert index.meta["description"]


def text_is_cut_at_a_word(text: str, headline: str) -> bool:
    kept = headline.removesuffix("…")
    return text.startswith(kept) and not text[len(kept)].isalnum()


class Head(HTMLParser):
    """The title, meta tags (by name or property) and links (by rel and type) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self._in_title = False

    @classmethod
    def of(cls, html: str) -> Head:
        head = cls()
        head.feed(html)
        return head

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and ("name" in found or "property" in found):
            self.meta[found.get("property") or found["name"]] = found.get("content", "")
        elif tag == "link":
            key = " ".join(filter(None, (found.get("rel"), found.get("type"))))
            self.links[key] = found.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
