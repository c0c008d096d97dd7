"""Security headers on every response, pages and API alike, errors included: a strict CSP
(no inline or eval'd script), nosniff, a referrer policy, and frame-ancestors as set."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from courtwire.assets import IMPORT_MAP_HASH
from courtwire.model import Role
from tests.support import LiveServer, Staff

EMBEDDERS = "'self' https://news.example.com"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str, str]]:
    """A server whose reader pages may be embedded by one newsroom; a hearing with an entry."""
    live = LiveServer(tmp_path_factory.mktemp("headers"), frame_ancestors=EMBEDDERS)
    live.start()
    token = live.staff("ed", Role.EDITOR)
    with Staff(live, token) as editor:
        slug = editor.create_hearing("R v Headers", status="live")["slug"]
        assert editor.post(slug, "An update with a [link](https://example.com).").status_code == 201
    yield live, slug, token
    live.stop()


def policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def requests(slug: str) -> list[tuple[str, str, dict[str, object]]]:
    return [
        ("GET", "/", {}),
        ("GET", f"/h/{slug}", {}),
        ("GET", "/h/no-such-hearing", {}),
        ("GET", "/report", {}),
        ("GET", "/desk", {}),
        ("GET", "/static/css/app.css", {}),
        ("GET", "/static/js/live.js", {}),
        ("GET", "/healthz", {}),
        ("GET", "/api/openapi.json", {}),
        ("GET", "/api/hearings", {}),
        ("GET", f"/api/hearings/{slug}", {}),
        ("GET", f"/api/hearings/{slug}/entries", {}),
        ("GET", f"/api/hearings/{slug}/events?after=0", {}),
        ("GET", f"/api/hearings/{slug}/events?after=-1", {}),  # 400
        ("GET", f"/api/hearings/{slug}/export.json", {}),
        ("GET", f"/api/hearings/{slug}/export.md", {}),
        ("GET", f"/api/hearings/{slug}/export.html", {}),
        ("GET", "/api/me", {}),  # 401
        ("GET", "/api/users", {"staff": True}),
        ("POST", "/api/hearings", {"json": {"title": ""}, "staff": True}),  # 422
        ("POST", "/api/login", {"content": b"{not json"}),  # 400
        ("DELETE", "/api/hearings", {}),  # 405
        ("GET", "/no/such/page", {}),  # 404
        ("GET", f"/ws/hearings/{slug}", {}),  # a WebSocket route asked over plain HTTP
    ]


def test_every_page_and_api_response_carries_the_security_headers(
    embedded: tuple[LiveServer, str, str],
) -> None:
    server, slug, token = embedded
    seen = set()
    with httpx.Client(base_url=server.url) as client:
        for method, path, options in requests(slug):
            headers = {"Authorization": f"Bearer {token}"} if options.get("staff") else {}
            response = client.request(
                method,
                path,
                headers=headers,
                json=options.get("json"),
                content=options.get("content"),  # type: ignore[arg-type]
            )
            seen.add(response.status_code)
            where = f"{method} {path} ({response.status_code})"
            assert response.headers.get("x-content-type-options") == "nosniff", where
            assert "set-cookie" not in response.headers, where
            assert response.headers.get("referrer-policy") in (
                "no-referrer",
                "strict-origin-when-cross-origin",
                "same-origin",
                "strict-origin",
            ), where
            csp = response.headers.get("content-security-policy")
            assert csp, where
            directives = policy(csp)
            scripts = directives.get("script-src", directives.get("default-src"))
            assert scripts is not None, where
            assert "'unsafe-inline'" not in scripts, where
            assert "'unsafe-eval'" not in scripts, where
            assert "*" not in scripts, where
            assert "data:" not in scripts, where
            assert directives.get("object-src", directives.get("default-src")) == ["'none'"], where
            assert directives.get("base-uri") == ["'none'"], where
            if "attachment" in response.headers.get("content-disposition", ""):
                continue  # a download is never shown in a frame; it keeps its own policy
            assert directives.get("frame-ancestors") == EMBEDDERS.split(), where
    assert {200, 400, 401, 404, 405, 422} <= seen


def test_frame_ancestors_defaults_to_self(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/")
    assert policy(response.headers["content-security-policy"])["frame-ancestors"] == ["'self'"]


def test_reader_page_has_no_inline_script_to_allow(embedded: tuple[LiveServer, str, str]) -> None:
    """The CSP can stay strict because the page runs only files: its inline blocks are
    data (JSON-LD, and its words as JSON), which browsers do not execute, and the import
    map (JSON too), which the policy allows by its hash alone."""
    server, slug, _ = embedded
    html = httpx.get(f"{server.url}/h/{slug}").text
    for chunk in html.split("<script")[1:]:
        opening = chunk.split(">", 1)[0]
        data = ('type="application/ld+json"', 'type="application/json"', 'type="importmap"')
        assert 'src="' in opening or opening.strip().startswith(data), opening
    policy_text = httpx.get(f"{server.url}/h/{slug}").headers["content-security-policy"]
    assert policy(policy_text)["script-src"] == ["'self'", f"'{IMPORT_MAP_HASH}'"]
