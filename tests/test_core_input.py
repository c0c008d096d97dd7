"""Entry and hearing input checks, and Markdown rendering: pure functions, no server."""

from __future__ import annotations

from typing import Any

import pytest

from courtwire.entries import parse_changes, parse_draft
from courtwire.exceptions import BadRequest, Invalid
from courtwire.hearings import parse_new_hearing, slugify
from courtwire.inputs import nesting_depth, query_int
from courtwire.markup import render


def draft(**fields: Any) -> dict[str, Any]:
    return {"id": "6F0C5A7E-3B8E-4C55-9A55-2E8F4CB0D1A4", "body": "x"} | fields


def test_draft_normalises_id_and_defaults() -> None:
    parsed = parse_draft(draft())
    assert parsed.id == "6f0c5a7e-3b8e-4c55-9a55-2e8f4cb0d1a4"
    assert parsed.kind == "note"
    assert parsed.key is False
    assert parsed.occurred_at is None


def test_fingerprint_is_the_same_for_the_same_content_only() -> None:
    same = parse_draft(draft(occurred_at="2020-01-20T12:00:00+06:00"))
    again = parse_draft(draft(occurred_at="2020-01-20T12:00:00+06:00"))
    other = parse_draft(draft(occurred_at="2020-01-20T12:01:00+06:00"))
    assert same.fingerprint() == again.fingerprint()
    assert same.fingerprint() != other.fingerprint()


def test_body_limit_is_in_characters_not_bytes() -> None:
    assert parse_draft(draft(body="ж" * 5000)).body == "ж" * 5000
    with pytest.raises(Invalid) as refused:
        parse_draft(draft(body="ж" * 5001))
    assert refused.value.code == "too_long"


def test_changes_keep_only_validated_fields() -> None:
    changes = parse_changes(
        {"speaker": {"role": "judge", "name": "  "}, "correction": " Fixed. ", "key": True}
    ).stored()
    assert changes == {
        "speaker": {"role": "judge", "name": None},
        "correction": "Fixed.",
        "key": True,
    }
    with pytest.raises(Invalid):
        parse_changes({"occurred_at": None})


def test_changes_are_stored_in_their_json_form_and_need_one_change() -> None:
    changes = parse_changes(
        {"kind": "ruling", "photo": {"id": "p1", "alt": " Steps "}, "revision": 2, "body": "b"}
    )
    assert changes.stored() == {
        "body": "b",
        "kind": "ruling",
        "photo": {"id": "p1", "alt": "Steps", "caption": None},
    }
    assert changes.written_against == 2
    assert parse_changes({"key": False}).written_against is None
    with pytest.raises(Invalid) as refused:
        parse_changes({"revision": 2})
    assert refused.value.code == "no_changes"
    with pytest.raises(Invalid) as refused:
        parse_changes({"photo": {"id": "p1", "alt": "Steps", "exif": "…"}})
    assert refused.value.field == "photo.exif"


def test_new_hearing_gets_defaults_and_checks_the_time_zone() -> None:
    hearing = parse_new_hearing({"title": " R v Smith ", "timezone": "Asia/Almaty"})
    assert hearing["title"] == "R v Smith"
    assert hearing["status"] == "scheduled"
    assert hearing["restricted_terms"] == []
    with pytest.raises(Invalid):
        parse_new_hearing({"title": "x", "timezone": "Nowhere/Town"})


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("R v Smith", "r-v-smith"),
        ("Zaysan: Musakhanuly & Alimuly", "zaysan-musakhanuly-alimuly"),
        ("Qaşqyr — Öskemen", "qasqyr-oskemen"),
        ("!!!", "hearing"),
        ("Дело Щукина и Цоя", "delo-shchukina-i-tsoya"),
        ("Әлімұлы, Ғалымжан, Қасым, Жаңаөзен", "alimuly-ghalymzhan-qasym-zhangaozen"),
        ("Өскемен: Ұлан Үмбетов, Һ. Ізбасар", "oskemen-ulan-umbetov-h-izbasar"),
        ("Съезд № 5 — Ёлкин", "sezd-no-5-elkin"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("**bold** and *em*", "<p><strong>bold</strong> and <em>em</em></p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        (
            "![img](https://e.com/x.png)",  # no remote images: a plain link instead
            '<p>!<a href="https://e.com/x.png" rel="noopener noreferrer nofollow ugc">img</a></p>',
        ),
        ("# Not a heading", "<p># Not a heading</p>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
    ],
)
def test_markdown_subset_renders_safely(body: str, html: str) -> None:
    assert render(body) == html


def test_links_get_safe_rel() -> None:
    assert render("[court](https://court.example/x)") == (
        '<p><a href="https://court.example/x" rel="noopener noreferrer nofollow ugc">court</a></p>'
    )


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"1", 0),
        (b"[]", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'["[[[[", "\\"[[", {"k]": "{{"}]', 2),
        (b'"unterminated [[[[', 0),
        (b"]]]][[", 2),
        (b"[" * 100_000, 100_000),
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text: bytes, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_nesting_depth_stops_past_the_limit() -> None:
    assert nesting_depth(b"[" * 100_000, stop_past=32) == 33


@pytest.mark.parametrize("raw", ["", "-1", "+1", "1.0", "²", "١٢", "1e3", " 1", "9" * 16])
def test_query_int_refuses_all_but_short_ascii_digits(raw: str) -> None:
    with pytest.raises(BadRequest) as refused:
        query_int({"after": raw}, "after", 0)
    assert refused.value.field == "after"


def test_query_int_takes_digits_defaults_and_checks_the_maximum() -> None:
    assert query_int({}, "after", 7) == 7
    assert query_int({"after": "0012"}, "after", 0) == 12
    assert query_int({"after": "9" * 15}, "after", 0) == 10**15 - 1
    with pytest.raises(BadRequest):
        query_int({"limit": "1001"}, "limit", 100, 1000)
