"""Markdown written from what users typed, so that it renders as the text it is.

The Markdown transcript is read by other people's renderers, which know all of Markdown:
headings, raw HTML, rules, images. A body as typed could forge a day heading, a verdict
line or a `<script>`. So the transcript never copies what users typed: plain texts go
through `plain` (every character Markdown could read as markup escaped, lines joined
with hard breaks), and an entry's body is written back from its sanitized HTML
(`courtwire.markup`) by `from_html`, which knows only the tags that HTML may hold and
escapes every text in it. A body therefore renders as the reader page shows it:
paragraphs, emphasis, links, lists, quotes and code, and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SPECIALS = frozenset("\\`*_{}[]()<>#+-.!|~=&")
"""ASCII punctuation that can start or end Markdown constructs; each gets a backslash."""
_SPACE = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """One line of plain text, whitespace runs collapsed, every special escaped."""
    line = _SPACE.sub(" ", text)
    return "".join("\\" + char if char in SPECIALS else char for char in line)


def plain(text: str) -> list[str]:
    """Plain text as Markdown lines: each line escaped and stripped (no indented code),
    a line break kept as a hard break, a blank line as a paragraph break."""
    lines = [escape(line).strip() for line in text.strip().splitlines()]
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        out.append(line + "\\" if line and following else line)
    return out


def quoted(lines: list[str]) -> list[str]:
    """Lines inside a block quote: every one of them prefixed."""
    return [f"> {line}" if line else ">" for line in lines]


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(node)
        if tag not in self.VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


BLOCKS = frozenset({"p", "ul", "ol", "li", "blockquote", "pre"})


def from_html(html: str) -> list[str]:
    """Sanitized entry HTML (`courtwire.markup`: p, br, strong, em, a, ul, ol, li, blockquote,
    code, pre) as Markdown lines; an unknown tag is read as its content."""
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return _blocks(tree.root.children)


def _text(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(child) for child in node.children)


def _blocks(children: list[_Node | str]) -> list[str]:
    """Block content: each block's lines, blank lines between blocks."""
    blocks: list[list[str]] = []
    loose: list[_Node | str] = []

    def flush() -> None:
        lines = _paragraph(loose)
        if lines:
            blocks.append(lines)
        loose.clear()

    for child in children:
        if isinstance(child, _Node) and child.tag in BLOCKS:
            flush()
            lines = _block(child)
            if lines:
                blocks.append(lines)
        else:
            loose.append(child)
    flush()
    out: list[str] = []
    for lines in blocks:
        if out:
            out.append("")
        out += lines
    return out


def _block(node: _Node) -> list[str]:
    if node.tag == "blockquote":
        return quoted(_blocks(node.children))
    if node.tag in ("ul", "ol"):
        out: list[str] = []
        items = [c for c in node.children if isinstance(c, _Node) and c.tag == "li"]
        for number, item in enumerate(items, start=1):
            marker = "- " if node.tag == "ul" else f"{number}. "
            lines = _blocks(item.children) or [""]
            out.append(marker + lines[0])
            out += [" " * len(marker) + line if line else "" for line in lines[1:]]
        return out
    if node.tag == "pre":
        code = _text(node).rstrip("\n")
        runs = [len(run) for run in _BACKTICKS.findall(code)]
        fence = "`" * max(3, max(runs, default=0) + 1)
        return [fence, *code.split("\n"), fence]
    if node.tag == "li":
        return _blocks(node.children)
    return _paragraph(node.children)


def _paragraph(children: list[_Node | str]) -> list[str]:
    """Inline content as lines: a `<br>` (the only newline `_inline` makes, since text
    whitespace is collapsed) becomes a hard break."""
    text = "".join(_inline(child) for child in children)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    return [line + "\\" for line in lines[:-1]] + lines[-1:]


def _inline(node: _Node | str) -> str:
    if isinstance(node, str):
        return escape(node)
    inner = "".join(_inline(child) for child in node.children)
    if node.tag == "br":
        return "\n"
    if node.tag == "strong":
        return f"**{inner}**" if inner.strip() else inner
    if node.tag == "em":
        return f"*{inner}*" if inner.strip() else inner
    if node.tag == "code":
        return _code_span(_text(node))
    if node.tag == "a":
        href = node.attrs.get("href", "")
        target = "".join("\\" + c if c in "<>\\" else c for c in _SPACE.sub("%20", href))
        return f"[{inner}](<{target}>)"
    return inner


def _code_span(code: str) -> str:
    code = _SPACE.sub(" ", code)
    runs = [len(run) for run in _BACKTICKS.findall(code)]
    ticks = "`" * (max(runs, default=0) + 1)
    pad = " " if code.startswith(("`", " ")) or code.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"
