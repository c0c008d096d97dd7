"""Exports served from memory: each built once per (hearing, last_seq, format).

A transcript of a 2,000-entry hearing took ~0.16 s of the event loop and 10-21 MB to build,
for every request of a public, unlimited URL. Here an export is built in a worker thread,
once for a hearing's state (requests for the same one while it is being built wait for
that build), and kept as bytes in a bounded cache. Its key holds the hearing's `last_seq`
and the history's epoch: every change a reader could see appends an event (a deletion, a
withholding and a redaction of history each do), so a changed hearing has a new key and
never gets an old export; nor do changed bylines (`courtwire.bylines`), which are in the
key too. The `ETag` says the same (`"<last_seq>.<format>.<epoch>.<bylines digest>"`).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from courtwire.bylines import Bylines, bylines_tag
from courtwire.events import Event
from courtwire.export import event_log, html_transcript, markdown_transcript
from courtwire.records import Hearing, PublicHearing
from courtwire.timeline import replay

KEEP = 64
"""Exports kept at most."""
KEEP_BYTES = 64 * 1024 * 1024
"""Bytes of exports kept at most (one larger than this is served but not kept)."""
PAGE = 1000


Embed = Callable[[str], bytes | None]
"""A photo variant's bytes by its `/media/…` address (the HTML transcript embeds them)."""


def _events_json(
    hearing: PublicHearing, events: list[Event], bylines: Bylines, embed: Embed
) -> str:
    return event_log(hearing, events)


def _markdown(hearing: PublicHearing, events: list[Event], bylines: Bylines, embed: Embed) -> str:
    return markdown_transcript(hearing, replay(events), bylines)


def _html(hearing: PublicHearing, events: list[Event], bylines: Bylines, embed: Embed) -> str:
    return html_transcript(hearing, replay(events), bylines, embed)


def _no_media(url: str) -> bytes | None:
    return None


BUILDERS: dict[str, Callable[[PublicHearing, list[Event], Bylines, Embed], str]] = {
    "events.json": _events_json,
    "transcript.md": _markdown,
    "transcript.html": _html,
}
"""Each format by the suffix of its file name."""


def build(
    suffix: str,
    hearing: PublicHearing,
    texts: list[str],
    bylines: Bylines,
    embed: Embed = _no_media,
) -> bytes:
    """An export as bytes, from the hearing's public fields, its encoded events and its
    bylines (run in a worker thread: `embed` may read files)."""
    events = [Event.decode(text) for text in texts]
    return BUILDERS[suffix](hearing, events, bylines, embed).encode()


class EventSource(Protocol):
    async def events_after(self, hearing: Hearing, after: int, limit: int) -> list[str]: ...


@dataclass(frozen=True)
class Export:
    body: bytes
    etag: str


def etag(hearing: Hearing, suffix: str, epoch: str, bylines: Bylines) -> str:
    """Bylines change without an event (a display name, a restriction): they count too."""
    return f'"{hearing.last_seq}.{suffix}.{epoch}.{bylines_tag(bylines)}"'


Key = tuple[int, str, int, str, str, str]


class Exports:
    """The bounded cache of built exports, least recently used dropped first."""

    def __init__(
        self,
        source: EventSource,
        keep: int = KEEP,
        keep_bytes: int = KEEP_BYTES,
        embed: Embed = _no_media,
    ):
        self.source = source
        self.embed = embed
        self.keep = keep
        self.keep_bytes = keep_bytes
        self._built: OrderedDict[Key, Export] = OrderedDict()
        self._size = 0
        self._building: dict[Key, asyncio.Task[Export]] = {}
        self.builds = 0
        """Exports built since start (the rest were served from memory)."""

    async def get(self, hearing: Hearing, suffix: str, epoch: str, bylines: Bylines) -> Export:
        """The export of `hearing` as it stands at its `last_seq`, with `bylines`."""
        key = (hearing.id, hearing.slug, hearing.last_seq, suffix, epoch, bylines_tag(bylines))
        found = self._built.get(key)
        if found is not None:
            self._built.move_to_end(key)
            return found
        task = self._building.get(key)
        if task is None:
            task = asyncio.create_task(self._build(key, hearing, suffix, epoch, bylines))
            self._building[key] = task
            task.add_done_callback(lambda _: self._building.pop(key, None))
        return await asyncio.shield(task)

    async def _build(
        self, key: Key, hearing: Hearing, suffix: str, epoch: str, bylines: Bylines
    ) -> Export:
        texts: list[str] = []
        while len(texts) < hearing.last_seq:
            page = await self.source.events_after(hearing, len(texts), PAGE)
            texts.extend(page)
            if len(page) < PAGE:
                break
        # Events committed since the hearing was read belong to a later key.
        del texts[hearing.last_seq :]
        body = await asyncio.to_thread(build, suffix, hearing.public(), texts, bylines, self.embed)
        self.builds += 1
        export = Export(body, etag(hearing, suffix, epoch, bylines))
        self._keep(key, export)
        return export

    def _keep(self, key: Key, export: Export) -> None:
        if len(export.body) > self.keep_bytes:
            return
        self._built[key] = export
        self._size += len(export.body)
        while len(self._built) > self.keep or self._size > self.keep_bytes:
            _, dropped = self._built.popitem(last=False)
            self._size -= len(dropped.body)
