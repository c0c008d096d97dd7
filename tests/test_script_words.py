"""The pages' scripts show people no English of their own: every word they put on a page
(text, an accessible name, a tooltip, a placeholder, a toast, a dialog, a field's error)
comes from the page words (`phrase(...)`, server/page_words.py), so that it is in the
catalogs and in the page's language. A scan of static/js finds string literals in those
places; the staff's messages for the API's error codes cover every code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courtwire.exceptions import ERROR_CODES
from courtwire.page_words import ERROR_WORDS, SCRIPT_WORDS
from tests.support import ROOT

JS = ROOT / "static" / "js"

ASSIGNED = re.compile(r"\.(?:textContent|innerText|title|placeholder|alt)\s*=(?!=)")
"""A property whose text people read, set: the expression after it is shown."""

SHOWN_ARGUMENTS = {
    # A call whose arguments (by position) people read.
    "say": (0,),
    "setNotice": (1,),
    "showError": (1,),
    "confirmAction": (0, 1, 2),
    "button": (0,),
    "element": (2,),
    "alert": (0,),
    "confirm": (0,),
    "append": None,  # every argument
    "replaceChildren": None,
    "push": None,
}
CALL = re.compile(r"\b(" + "|".join(SHOWN_ARGUMENTS) + r")\(")
ATTRIBUTE = re.compile(
    r"setAttribute\(\s*\"(?:aria-label|aria-valuetext|aria-description|title|placeholder|alt)\"\s*,"
)
MESSAGE = re.compile(r"\bmessage:")
"""A field error's message (fieldError({message})) or an error's."""

LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`', re.S)
WORD = re.compile(r"[A-Za-z]{2,}")

COMPARED = re.compile(
    r"""(?:[!=]==?)\s*(?:"[^"\n]*"|'[^'\n]*')|(?:"[^"\n]*"|'[^'\n]*')\s*(?:[!=]==?)"""
)
"""A literal compared with a value (`state === "held"`) is a name, not shown."""

ALLOWED = {
    # The message of an answer that had no JSON error: the HTTP status, for the console;
    # staff read the words for its code, http_error.
    "HTTP ",
}


def _end(text: str, start: int, stops: str) -> int:
    """Where the expression from `start` ends: at one of `stops` or a closing bracket
    outside any bracket or string of its own."""
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        if char in "\"'`":
            literal = LITERAL.match(text, index)
            index = literal.end() if literal else index + 1
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return index
            depth -= 1
        elif depth == 0 and char in stops:
            return index
        index += 1
    return index


def _arguments(text: str, open_paren: int) -> list[str]:
    """The arguments of the call whose "(" is at `open_paren`."""
    found, index = [], open_paren + 1
    while True:
        end = _end(text, index, ",")
        found.append(text[index:end])
        if end >= len(text) or text[end] != ",":
            return found
        index = end + 1


def _without_calls(expression: str) -> str:
    """`expression` with every call's arguments and every template literal's `${…}`
    left out: a literal handed to a function (a phrase key, a CSS selector) is not shown
    as it is, and what a `${…}` puts in is checked where it is made."""
    expression = COMPARED.sub(" ", expression)
    out, index = [], 0
    while index < len(expression):
        char = expression[index]
        if (
            char == "("
            and index
            and (expression[index - 1].isalnum() or expression[index - 1] in "_$")
        ):
            index = _end(expression, index + 1, "") + 1
            out.append("()")
            continue
        if char == "$" and expression.startswith("${", index):
            index = _end(expression, index + 2, "") + 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group()), source, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", source)


def shown_literals(source: str) -> list[str]:
    """The string literals with words in them that `source` puts in front of people."""
    source = _strip_comments(source)
    shown: list[str] = []
    for match in ASSIGNED.finditer(source):
        shown.append(source[match.end() : _end(source, match.end(), ";\n")])
    for match in ATTRIBUTE.finditer(source):
        shown.append(source[match.end() : _end(source, match.end(), ",")])
    for match in MESSAGE.finditer(source):
        shown.append(source[match.end() : _end(source, match.end(), ",")])
    for match in CALL.finditer(source):
        arguments = _arguments(source, match.end() - 1)
        positions = SHOWN_ARGUMENTS[match.group(1)]
        shown.extend(
            argument
            for index, argument in enumerate(arguments)
            if positions is None or index in positions
        )
    found = []
    for expression in shown:
        for literal in LITERAL.findall(_without_calls(expression)):
            text = literal[1:-1]
            if WORD.search(text) and text not in ALLOWED:
                found.append(literal)
    return found


def test_the_scan_finds_literal_english_wherever_people_read_it() -> None:
    source = """
      el.textContent = "Saved.";
      box.title = ready ? phrase("x.ready") : 'Not ready';
      el.setAttribute("aria-label", `Edit ${name}`);
      say(`${count} updates`, "error");
      const b = button("Delete", "delete danger", () => go());
      parts.push("Reporting restriction: ", mark);
      fieldError({ errorEl, input, message: "The text cannot be empty." });
      element("p", "stale", "This changed.");
      confirmAction(phrase("q"), `“${text}” goes.`, phrase("go"));
    """
    assert shown_literals(source) == [
        '"Saved."',
        "'Not ready'",
        "`Edit `",
        '"The text cannot be empty."',
        "` updates`",
        '"Delete"',
        '"Reporting restriction: "',
        '"This changed."',
        "`“” goes.`",
    ]
    clean = """
      el.textContent = phrase("saved");
      el.setAttribute("aria-label", phrase("edit_of", { name }));
      say(error.message, "error");
      const b = button(phrase("desk.delete"), "delete danger", () => go());
      element("span", "you", ` ${phrase("people.you")}`);
      el.className = "status status-live";
      el.textContent = state === "held" ? phrase("held") : "";
      const input = form.querySelector("input[name=body]");
    """
    assert shown_literals(clean) == []


@pytest.mark.parametrize(
    "script", sorted(JS.rglob("*.js")), ids=lambda path: path.relative_to(JS).as_posix()
)
def test_no_script_shows_literal_english(script: Path) -> None:
    assert shown_literals(script.read_text()) == [], "use phrase(...) and page_words.py"


def test_every_error_code_has_words_for_staff() -> None:
    assert set(ERROR_WORDS) == set(ERROR_CODES) | {"network_error"}


def test_the_outbox_notes_are_page_words() -> None:
    notes = set(re.findall(r'\bnote: "([\w.]+)"', (JS / "outbox.js").read_text()))
    notes |= set(re.findall(r'"(note\.[\w.]+)"', (JS / "outbox.js").read_text()))
    assert notes, "no note found: the pattern is out of date"
    assert notes - set(SCRIPT_WORDS) == set()
