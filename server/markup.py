"""Entry bodies: a small Markdown subset rendered to sanitized HTML.

Rendered once, on write; the stored HTML is served as it is and never edited.
Raw HTML in a body is shown as text (markdown-it's `html` option is off), and
nh3 (Ammonia) removes anything outside the allowed tags and link schemes.
"""

from __future__ import annotations

import functools
import html
import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable(
    ["image", "heading", "lheading", "hr", "html_block", "html_inline", "reference"]
)


def render(body: str) -> str:
    """Sanitized HTML for a Markdown body."""
    html = _markdown.render(body)
    cleaned: str = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
    )
    return cleaned.strip()


@functools.lru_cache(maxsize=256)
def render_text(text: str) -> str:
    """A hearing's description (Markdown, like an entry's body) as sanitized HTML: rendered
    where the page is made, from the text as it stands; remembered, as it rarely changes."""
    return render(text)


_BREAKS = re.compile(r"<br\s*/?>|</(?:p|li|blockquote|pre)>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def plain_text(rendered: str) -> str:
    """The text a reader sees in rendered HTML, on one line: tags dropped, character
    references resolved, paragraphs and line breaks as single spaces."""
    text: str = nh3.clean(_BREAKS.sub(" ", rendered), tags=set())
    return _SPACES.sub(" ", html.unescape(text)).strip()


def cut_at_word(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else as much as fits up to the end of a
    word, with an ellipsis (a single word longer than the limit is cut inside it)."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-–—") + "…"


KEY_LABEL_CHARS = 90
"""How long a key event's line in a list of key events may be, its kind included."""


def starts_with(text: str, label: str) -> bool:
    """Whether `text` opens with the word or words `label` ("Sentence: one year" with
    "Sentence"), letter case aside: then a line need not name it again."""
    head, rest = text[: len(label)], text[len(label) : len(label) + 1]
    return head.lower() == label.lower() and not rest.isalnum()


def key_label(kind: str, rendered: str) -> str:
    """A key event's line: its kind's label, then the text as a reader sees it, cut at a
    word (`cut_at_word`, `KEY_LABEL_CHARS`). A text that already starts with the label
    ("Sentence: one year") is not given it twice. static/js/entryview.js `keyLabel` is
    its twin."""
    text = plain_text(rendered)
    if text and not starts_with(text, kind):
        text = f"{kind}: {text}"
    return cut_at_word(text or kind, KEY_LABEL_CHARS)
