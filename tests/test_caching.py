"""Conditional GETs on the public pages and the events API: a cheap 304 while nothing
changed, and a new answer the moment anything did, redactions included."""

from __future__ import annotations

import httpx

from tests.support import LiveServer, Staff, fill_log


def get(server: LiveServer, path: str, tag: str | None = None) -> httpx.Response:
    headers = {"If-None-Match": tag} if tag else {}
    return httpx.get(server.url + path, headers=headers)


def test_pages_and_the_log_answer_304_until_the_log_grows(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Cached", status="live")["slug"]
    kept = reporter.post(slug, "The court sits.").json()["entry"]
    dropped = reporter.post(slug, "A remark to take back.").json()["entry"]
    for path in (f"/h/{slug}", f"/api/hearings/{slug}/events?after=0", "/"):
        first = get(server, path)
        assert first.status_code == 200
        assert first.headers["cache-control"] == "no-cache"
        tag = first.headers["etag"]
        again = get(server, path, tag)
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
        assert get(server, path, f'W/{tag}, "other"').status_code == 304
    page_tag = get(server, f"/h/{slug}").headers["etag"]
    log_tag = get(server, f"/api/hearings/{slug}/events?after=0").headers["etag"]

    # A deletion (which redacts earlier events) makes every answer new at once.
    editor.client.delete(f"/api/hearings/{slug}/entries/{dropped['id']}")
    page = get(server, f"/h/{slug}", page_tag)
    log = get(server, f"/api/hearings/{slug}/events?after=0", log_tag)
    assert (page.status_code, log.status_code) == (200, 200)
    assert "take back" not in page.text
    assert "take back" not in log.text
    assert kept["body"] in page.text


def test_a_closed_hearing_page_may_be_kept_a_little_while(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Archived", status="live")["slug"]
    editor.client.patch(f"/api/hearings/{slug}", json={"status": "closed"})
    page = get(server, f"/h/{slug}")
    assert page.headers["cache-control"] == "public, max-age=300"
    assert get(server, f"/h/{slug}", page.headers["etag"]).status_code == 304


def test_pinned_and_key_events_come_from_the_whole_hearing(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Long Trial", status="live")["slug"]
    early = editor.post(
        slug, "Day one: the charges are read.", key=True, occurred_at="2020-01-06T10:00:00+06:00"
    ).json()["entry"]
    summary = editor.post(
        slug, "Summary of the trial so far.", pinned=True, occurred_at="2020-01-06T10:01:00+06:00"
    ).json()["entry"]
    fill_log(server, slug, 510)  # newer updates push both off the first page
    page = get(server, f"/h/{slug}").text
    assert f'id="pinned-{summary["id"]}"' in page
    assert "Summary of the trial so far." in page
    key = f'#entry-{early["id"]}"'
    assert key in page
    link = page[page.rindex('href="', 0, page.index(key)) + 6 : page.index(key)]
    assert link.startswith("?before=")
    older = get(server, f"/h/{slug}{link}").text
    assert f'id="entry-{early["id"]}"' in older
