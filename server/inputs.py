"""What clients send, parsed in one place: numbers in query strings and JSON bodies.

Every route, page and the reader socket reads its query numbers through `query_int`, and
every JSON body goes through `parse_json`, so that no input reaches Python's own parsers
in a form that makes them fail with anything but our errors (`"²".isdigit()` is true and
`int("²")` raises; `json.loads` of 100,000 `[` raises `RecursionError`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from courtwire.exceptions import BadRequest, Invalid

MAX_DIGITS = 15
"""Longest whole number taken: past any seq or limit, and well inside SQLite's integers."""
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects taken in a request body; ours need 4."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
"""A JSON string (or an unterminated one, to the end), whose brackets are no nesting."""
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


def whole_number(raw: str) -> int | None:
    """`raw` as a non-negative integer, or None: ASCII digits only, at most `MAX_DIGITS`."""
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:
        return int(raw)
    return None


def query_int(
    params: Mapping[str, str], name: str, default: int, maximum: int | None = None
) -> int:
    """The query parameter `name` as a non-negative whole number, `default` when absent;
    anything else (empty, signed, decimal, non-ASCII digits, too long, over `maximum`)
    is a 400 naming the parameter."""
    raw = params.get(name)
    if raw is None:
        return default
    value = whole_number(raw)
    if value is None:
        raise BadRequest(f"{name} must be a non-negative whole number.", field=name)
    if maximum is not None and value > maximum:
        raise BadRequest(f"{name} is at most {maximum}.", field=name)
    return value


def known_fields(payload: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """`payload` if it sets no field but `allowed` (the field set its validator takes,
    which the OpenAPI document's request body is checked against); 422 `unknown_field`
    naming the first other one."""
    for name in payload:
        if name not in allowed:
            raise Invalid(f"Unknown field {name!r}.", field=name, code="unknown_field")
    return payload


def nesting_depth(body: bytes, stop_past: int | None = None) -> int:
    """How deep arrays and objects nest in JSON text `body`, without parsing it: brackets
    inside strings do not count. Counting stops once past `stop_past`."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_past is not None and deepest > stop_past:
                    break
        elif depth > 0:  # a stray closing bracket never lowers the count below zero
            depth -= 1
    return deepest


def parse_json(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """A request body as JSON; 400 `too_deep` past `max_depth` levels of nesting (checked
    before the recursive parser sees it), 400 `malformed_json` if it is no JSON."""
    if nesting_depth(body, stop_past=max_depth) > max_depth:
        raise BadRequest(f"The JSON nests deeper than {max_depth} levels.", code="too_deep")
    try:
        return json.loads(body)
    except ValueError:  # not JSON, not UTF-8, or an integer of over 4,300 digits
        raise BadRequest("The body is not valid JSON.", code="malformed_json") from None
