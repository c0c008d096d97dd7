"""What a hearing looks like to other sites: its Atom feed, its schema.org data, oEmbed.

Pure functions of the hearing's public fields and its published entries (the same ones
the reader page shows, read by the same query): nothing deleted, withheld or queued can
be in them because it is not in their input. No I/O, no clock.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from courtwire.bylines import Bylines
from courtwire.figures import figure_html, image_object
from courtwire.i18n import Words, words
from courtwire.markup import cut_at_word, plain_text, render_text, starts_with
from courtwire.model import HearingStatus
from courtwire.records import Entry, PublicHearing
from courtwire.types import JSONObject

FEED_ENTRIES = 100
LIVE_BLOG_UPDATES = 50
HEADLINE_CHARS = 110
"""Google's limit for a headline in article structured data."""
TITLE_CHARS = 90

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: object) -> str:
    """Text (or an attribute value) for XML 1.0: escaped, with the characters XML
    cannot carry at all removed."""
    return escape(_NOT_XML.sub("", str(text)), quote=True)


def updated_at(entry: Entry) -> str:
    """When an entry last changed for readers: its last revision, else its publication."""
    return entry.revised_at or entry.published_at


def entry_title(entry: Entry, said: Words) -> str:
    """A one-line title: kind, speaker, and the start of the text as a reader sees it; the
    kind left out when the text starts with it ("Sentence: one year …")."""
    text = plain_text(entry.html)
    lead = [said.kind(entry.kind), said.speaker(entry.speaker)]
    if starts_with(text, lead[0]):
        lead = lead[1:]
    head = " · ".join(part for part in lead if part)
    cut = cut_at_word(text, TITLE_CHARS)
    return f"{head}: {cut}" if head else cut


def origin(page_url: str) -> str:
    """`scheme://host[:port]` of an address: what makes a `/media/…` address absolute."""
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}"


def entry_content(entry: Entry, said: Words, base: str = "") -> str:
    """The entry's sanitized HTML, its photo, and its correction note when it has one."""
    content = entry.html
    if entry.photo:
        content += figure_html(entry.photo, base=base)
    if entry.correction:
        label = escape(said.gettext("Correction:"))
        content += f"<p><strong>{label}</strong> {escape(entry.correction)}</p>"
    return content


def _atom_author(byline: str | None) -> list[str]:
    """An entry's own `<author>` when it has a byline (`courtwire.bylines`); without one,
    the feed's author (Courtwire) stands for it."""
    return [f"<author><name>{_x(byline)}</name></author>"] if byline else []


def author(byline: str | None) -> JSONObject:
    """schema.org `author`: the byline as a Person, or else Courtwire as the publisher."""
    if byline:
        return {"@type": "Person", "name": byline}
    return {"@type": "Organization", "name": "Courtwire"}


def atom_feed(
    hearing: PublicHearing,
    entries: list[Entry],
    bylines: Bylines,
    *,
    page_url: str,
    feed_url: str,
    updated: str,
) -> str:
    """An Atom feed (RFC 4287) of `entries`, newest first as given, at most
    `FEED_ENTRIES`. Entry ids are `urn:uuid:<entry id>`, stable across revisions;
    `updated` is the feed's own (the time of the hearing's last event)."""
    said = words(hearing.language)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{_x(said.language)}">',
        f"<id>{_x(page_url)}</id>",
        f"<title>{_x(hearing.title)}</title>",
    ]
    if hearing.description:
        lines.append(f"<subtitle>{_x(description_text(hearing))}</subtitle>")
    lines += [
        f"<updated>{_x(updated)}</updated>",
        f'<link rel="self" type="application/atom+xml" href="{_x(feed_url)}"/>',
        f'<link rel="alternate" type="text/html" href="{_x(page_url)}"/>',
        "<author><name>Courtwire</name></author>",
        "<generator>Courtwire</generator>",
    ]
    for entry in entries[:FEED_ENTRIES]:
        link = f"{page_url}#entry-{entry.id}"
        lines += [
            "<entry>",
            f"<id>urn:uuid:{_x(entry.id)}</id>",
            f"<title>{_x(entry_title(entry, said))}</title>",
            f"<updated>{_x(updated_at(entry))}</updated>",
            f"<published>{_x(entry.published_at)}</published>",
            *_atom_author(bylines.get(entry.author)),
            f'<link rel="alternate" type="text/html" href="{_x(link)}"/>',
            f'<category term="{_x(entry.kind)}"/>',
            f'<content type="html">{_x(entry_content(entry, said, origin(page_url)))}</content>',
            "</entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def live_blog_data(
    hearing: PublicHearing,
    entries: list[Entry],
    bylines: Bylines,
    *,
    page_url: str,
    closed_at: str | None,
) -> JSONObject:
    """schema.org `LiveBlogPosting`, so search engines see the coverage as live: the
    newest `LIVE_BLOG_UPDATES` entries as `BlogPosting`s, in plain text."""
    data: JSONObject = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": cut_at_word(hearing.title, HEADLINE_CHARS),
        "description": page_description(hearing),
        "url": page_url,
        "inLanguage": hearing.language.value,
    }
    start = hearing.scheduled_start or (entries[-1].occurred_at if entries else None)
    if start:
        data["coverageStartTime"] = start
    if hearing.status == HearingStatus.CLOSED and closed_at:
        data["coverageEndTime"] = closed_at
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": cut_at_word(plain_text(entry.html), HEADLINE_CHARS),
            "articleBody": plain_text(entry.html),
            "datePublished": entry.published_at,
            "dateModified": updated_at(entry),
            "author": author(bylines.get(entry.author)),
            "url": f"{page_url}#entry-{entry.id}",
        }
        | ({"image": image_object(entry.photo, origin(page_url))} if entry.photo else {})
        for entry in entries[:LIVE_BLOG_UPDATES]
    ]
    return data


def description_text(hearing: PublicHearing) -> str:
    """The hearing's description (Markdown) as plain text, as a reader reads it rendered."""
    return plain_text(render_text(hearing.description))


def page_description(hearing: PublicHearing) -> str:
    """The hearing's description as plain text, or a sentence made of its facts when it
    has none."""
    if hearing.description:
        return description_text(hearing)
    said = words(hearing.language)
    where = ", ".join(part for part in (hearing.court, hearing.location) if part)
    if where:
        text = said.gettext("Live coverage of %(title)s at %(where)s.")
        return text % {"title": hearing.title, "where": where}
    return said.gettext("Live coverage of %(title)s.") % {"title": hearing.title}


def oembed_html(embed_url: str, hearing: PublicHearing, width: int, height: int) -> str:
    """The iframe an oEmbed consumer (or the desk's snippet) puts on its page."""
    label = words(hearing.language).gettext("Live coverage: %(title)s")
    return (
        f'<iframe src="{escape(embed_url)}" width="{width}" height="{height}"'
        f' title="{escape(label % {"title": hearing.title})}" loading="lazy"'
        ' style="border:0;max-width:100%"></iframe>'
    )
