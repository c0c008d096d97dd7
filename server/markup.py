"""Entry bodies: a small Markdown subset rendered to sanitized HTML.

Rendered once, on write; the stored HTML is served as it is and never edited.
Raw HTML in a body is shown as text (markdown-it's `html` option is off), and
nh3 (Ammonia) removes anything outside the allowed tags and link schemes.
"""

from __future__ import annotations

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
