"""Entry bodies: a small Markdown subset rendered to sanitized HTML.

Rendered once, on write; the stored HTML is served as it is and never edited.
Raw HTML in a body is shown as text (markdown-it's `html` option is off), and
nh3 (Ammonia) removes anything outside the allowed tags and link schemes.
"""

from __future__ import annotations

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
