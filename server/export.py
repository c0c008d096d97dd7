"""Exports of a hearing: the JSON event log, and Markdown and HTML transcripts.

Pure functions: they take the hearing's public fields and its events (or the state folded
from them by `courtwire.timeline.replay`) and return text; no I/O, no clock. The endpoints
in `courtwire.api` serve them as downloads.

Transcripts are built from the folded state, so they hold the entries as they stand:
deleted entries are absent (their events are tombstones, which the fold drops), revised
ones appear in their last form with their correction note. Entries run in court order,
oldest first, grouped by court day, with times in the hearing's time zone, kind,
speaker, and key event / pinned marks.

The HTML transcript is a standalone file: its own inline `<style>`, allowed by a hash in
its own Content-Security-Policy, and no script at all. Entry bodies are the stored
`entry.html`, which `courtwire.markup` sanitized on write; every other text is escaped.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from html import escape

from courtwire import markdown_escape as md
from courtwire.bylines import Bylines
from courtwire.events import Event, encode_json
from courtwire.figures import fallback, figure_html
from courtwire.i18n import Words, words
from courtwire.markup import render_text
from courtwire.records import Entry, PublicHearing
from courtwire.timeline import Timeline
from courtwire.times import in_zone, zone_name
from courtwire.types import JSONObject

TRANSCRIPT_STYLE = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #fff; --muted: #555; --line: #ddd;
  --key: #fff4d6; --accent: #b3001b; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececec; --bg: #121212; --muted: #b0b0b0;
  --line: #333; --key: #3a3112; --accent: #ff5c6c; } }
body { margin: 0 auto; max-width: 46rem; padding: 1rem 1rem 4rem; background: var(--bg);
  color: var(--fg); font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0; }
h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
  color: var(--muted); font-size: .9rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
article { border-bottom: 1px solid var(--line); padding: .6rem 0; overflow-wrap: anywhere; }
article.key { border-left: 4px solid var(--accent); padding-left: .6rem; }
article header { display: flex; flex-wrap: wrap; gap: .3rem .6rem; align-items: baseline;
  font-size: .85rem; color: var(--muted); }
time { font-weight: 700; color: var(--fg); font-variant-numeric: tabular-nums; }
.kind { text-transform: uppercase; letter-spacing: .04em; font-size: .75rem; }
.speaker { font-weight: 600; color: var(--fg); }
.mark { background: var(--key); color: var(--fg); padding: 0 .35rem; border-radius: .2rem;
  font-size: .75rem; }
.body p { margin: .35rem 0; }
figure { margin: .5rem 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: var(--muted); }
.correction { font-size: .9rem; border-left: 3px solid var(--muted); padding-left: .5rem;
  color: var(--muted); }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; }
@media print { article { break-inside: avoid; } }
""".strip()


def style_hash(style: str = TRANSCRIPT_STYLE) -> str:
    digest = hashlib.sha256(style.encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


def transcript_policy() -> str:
    """The HTML transcript's Content-Security-Policy: its own style, nothing runnable."""
    return (
        f"default-src 'none'; style-src '{style_hash()}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'"
    )


def file_name(slug: str, suffix: str) -> str:
    """The download name, e.g. `zaysan-border-case-transcript.md` (slugs are ASCII)."""
    return f"{slug}-{suffix}"


def event_log(hearing: PublicHearing, events: Sequence[Event]) -> str:
    """The JSON event log: `{"hearing", "last_seq", "events"}`, events in seq order as the
    events API serves them (deleted entries' events are tombstones)."""
    last_seq = events[-1].seq if events else 0
    log: JSONObject = {
        "hearing": hearing.to_json() | {"last_seq": last_seq},
        "last_seq": last_seq,
        "events": [event.to_json() for event in events],
    }
    return encode_json(log) + "\n"


def court_order(timeline: Timeline) -> list[Entry]:
    """The visible entries, oldest court time first: the order a transcript reads in."""
    return list(reversed(timeline.visible()))


def _status(hearing: PublicHearing, timeline: Timeline, said: Words) -> str:
    return said.status(str(timeline.hearing.get("status") or hearing.status))


def _marks(entry: Entry, said: Words) -> list[str]:
    marks = []
    if entry.key:
        marks.append(said.gettext("Key event"))
    if entry.pinned:
        marks.append(said.gettext("Pinned"))
    return marks


def _by_day(
    entries: Iterable[Entry], timezone: str, said: Words
) -> list[tuple[str, str, list[tuple[datetime, Entry]]]]:
    """The entries in runs of one court day: (key for the anchor, heading, entries)."""
    days: list[tuple[str, str, list[tuple[datetime, Entry]]]] = []
    for entry in entries:
        moment = in_zone(entry.occurred_at, timezone)
        key = moment.date().isoformat()
        if not days or days[-1][0] != key:
            days.append((key, said.day(entry.occurred_at, timezone), []))
        days[-1][2].append((moment, entry))
    return days


def _facts(hearing: PublicHearing, timeline: Timeline, said: Words) -> list[tuple[str, str]]:
    facts = [
        (said.gettext("Court"), hearing.court),
        (said.gettext("Case"), hearing.case_ref),
        (said.gettext("Location"), hearing.location),
        (said.gettext("Status"), _status(hearing, timeline, said)),
        (said.gettext("Court times"), zone_name(hearing.timezone)),
    ]
    return [(name, value) for name, value in facts if value]


def _markdown_text(text: str) -> str:
    """Plain text made inert in Markdown, on one line: no markup, no HTML."""
    return md.escape(text).strip()


def markdown_transcript(hearing: PublicHearing, timeline: Timeline, bylines: Bylines) -> str:
    """A Markdown transcript. Nothing users typed is copied as it was (see
    `courtwire.markdown_escape`): each entry's body is written back from its sanitized
    HTML into a block quote of its own, every line prefixed, under the entry's line
    (time, kind, speaker, marks), with its correction note last in the same quote; no
    heading, rule, entry line or HTML can start in it. Every other text (title, facts,
    speaker names, notes) is escaped as plain text."""
    timezone = hearing.timezone
    said = words(hearing.language)
    lines = [f"# {_markdown_text(hearing.title)}", ""]
    facts = _facts(hearing, timeline, said)
    lines += [f"- **{name}:** {_markdown_text(value)}" for name, value in facts]
    lines.append("")
    if hearing.description:
        lines += [*md.from_html(render_text(hearing.description)), ""]
    entries = court_order(timeline)
    if not entries:
        lines += [said.gettext("No updates were published."), ""]
    for _, day, items in _by_day(entries, timezone, said):
        lines += [f"## {day}", ""]
        for _, entry in items:
            parts = [f"**{said.clock(entry.occurred_at, timezone)}**", said.kind(entry.kind)]
            if speaker := said.speaker(entry.speaker):
                parts.append(_markdown_text(speaker))
            if byline := bylines.get(entry.author):
                parts.append(f"{said.gettext('by')} {_markdown_text(byline)}")
            parts += [f"**{mark}**" for mark in _marks(entry, said)]
            body = md.from_html(entry.html)
            if entry.photo:
                body += ["", *_markdown_photo(entry.photo)]
            if entry.correction:
                note = md.plain(entry.correction)
                body += ["", f"**{said.gettext('Correction:')}** {note[0]}", *note[1:]]
            lines += [" · ".join(parts), "", *md.quoted(body), ""]
    lines.append(f"*{_markdown_text(_footer(timeline, timezone, said))}*")
    return "\n".join(lines) + "\n"


def _markdown_photo(photo: JSONObject) -> list[str]:
    """An image line (alt text escaped; the address is ours, `/media/…`) and the caption."""
    lines = [f"![{_markdown_text(str(photo['alt']))}]({fallback(photo)['url']})"]
    if photo.get("caption"):
        lines += ["", *md.plain(str(photo["caption"]))]
    return lines


def html_transcript(
    hearing: PublicHearing,
    timeline: Timeline,
    bylines: Bylines,
    embed: Callable[[str], bytes | None] | None = None,
) -> str:
    """A standalone HTML transcript: inline style, no script, bodies from `entry.html`,
    photos embedded (`embed`: a variant's bytes by its address)."""
    timezone = hearing.timezone
    said = words(hearing.language)
    title = escape(hearing.title)
    out = [
        "<!doctype html>",
        f'<html lang="{said.language}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(transcript_policy())}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} · {escape(said.gettext('transcript'))}</title>",
        f"<style>{TRANSCRIPT_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        '<dl class="facts">',
    ]
    for name, value in _facts(hearing, timeline, said):
        out.append(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>")
    out.append("</dl>")
    if hearing.description:
        # Rendered and sanitized by courtwire.markup, as entry bodies are.
        out.append(f'<div class="description">{render_text(hearing.description)}</div>')
    out += ["</header>", "<main>"]
    entries = court_order(timeline)
    if not entries:
        out.append(f"<p>{escape(said.gettext('No updates were published.'))}</p>")
    days = _by_day(entries, timezone, said)
    if len(days) > 1:
        out.append(f'<nav aria-label="{escape(said.gettext("Days"))}"><ol class="days">')
        out += [f'<li><a href="#day-{key}">{escape(label)}</a></li>' for key, label, _ in days]
        out.append("</ol></nav>")
    for key, day, items in days:
        out += ["<section>", f'<h2 id="day-{key}">{escape(day)}</h2>']
        for moment, entry in items:
            clock = said.clock(entry.occurred_at, timezone)
            byline = bylines.get(entry.author)
            out.append(_html_entry(moment, entry, clock, said, byline, embed))
        out.append("</section>")
    zone_note = said.gettext("Times are court times (%(zone)s).") % {"zone": timezone}
    out += [
        "</main>",
        f"<footer>{escape(_footer(timeline, timezone, said))} {escape(zone_note)}</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _footer(timeline: Timeline, timezone: str, said: Words) -> str:
    """What the transcript is, and as of when (the hearing's last change, in court time)."""
    if timeline.last_at is None:
        return said.gettext("Courtwire transcript.")
    text = said.gettext("Courtwire transcript as of %(time)s.")
    return text % {"time": said.date_time(timeline.last_at, timezone)}


def _html_entry(
    moment: datetime,
    entry: Entry,
    clock: str,
    said: Words,
    byline: str | None,
    embed: Callable[[str], bytes | None] | None,
) -> str:
    classes = "entry key" if entry.key else "entry"
    header = [
        f'<time datetime="{escape(moment.isoformat(timespec="seconds"))}">{clock}</time>',
        f'<span class="kind">{escape(said.kind(entry.kind))}</span>',
    ]
    if speaker := said.speaker(entry.speaker):
        header.append(f'<span class="speaker">{escape(speaker)}</span>')
    if byline:
        header.append(f'<span class="byline">{escape(said.gettext("by"))} {escape(byline)}</span>')
    header += [f'<span class="mark">{escape(mark)}</span>' for mark in _marks(entry, said)]
    parts = [
        f'<article class="{classes}" id="entry-{escape(entry.id)}">',
        f"<header>{' '.join(header)}</header>",
        # entry.html was sanitized by courtwire.markup (nh3) when the entry was written.
        f'<div class="body">{entry.html}</div>',
    ]
    if entry.photo:
        parts.append(figure_html(entry.photo, embed=embed))
    if entry.correction:
        parts.append(
            f'<p class="correction"><strong>{escape(said.gettext("Correction:"))}</strong> '
            f"{escape(entry.correction)}</p>"
        )
    parts.append("</article>")
    return "\n".join(parts)
