"""A corpus of XSS payloads posted through the API, then loaded in real headless Chromium:
the reader page (server-rendered and live), the HTML export and the desk's replay. Zero
script executions: each payload sets `window.__xss` or opens a dialog if it ever runs.

The pages are loaded with the Content-Security-Policy bypassed, so that what is tested
is the rendering and sanitizing itself; the CSP is a second wall (test_security_headers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff, new_id

RUN = "window.__xss=(window.__xss||0)+1"
PAYLOADS = [
    f"<script>{RUN}</script>",
    "<script>alert('xss')</script>",
    f'<img src=x onerror="{RUN}">',
    "<img src=x onerror=alert(1)>",
    f'<svg onload="{RUN}"></svg>',
    f"<svg><script>{RUN}</script></svg>",
    f'<svg><a xlink:href="javascript:{RUN}"><text y="20">svg link</text></a></svg>',
    '<iframe src="javascript:parent.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    f'<details open ontoggle="{RUN}">x</details>',
    f'<body onload="{RUN}">',
    f'"><script>{RUN}</script>',
    f"</textarea></title></style><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    f"<<script>script>{RUN}<</script>/script>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f'<math><mtext><table><mglyph><style><img src=x onerror="{RUN}">',
    f'<!--<img src="--><img src=x onerror="{RUN}">',
    f'<a href="javascript:{RUN}">raw link</a>',
    f"[markdown link](javascript:{RUN})",
    f"[mixed case](JaVaScRiPt:{RUN})",
    f"[entity](javascript&#58;{RUN})",
    "[spaced](  javascript:alert(1)  )",
    f"[tab](java\tscript:{RUN})",
    f"<javascript:{RUN}>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vbscript](vbscript:msgbox(1))",
    f'[title](https://example.com "x onmouseover={RUN}")',
    f'[quote](https://example.com" onfocus="{RUN}" autofocus=")',
    f"![image](x onerror={RUN})",
    f'![image](x" onerror="{RUN})',
    f"`<img src=x onerror={RUN}>`",
    f"```\n<script>{RUN}</script>\n```",
    f"> <img src=x onerror={RUN}>",
    f"* <svg onload={RUN}>",
    '<object data="data:text/html,<script>parent.__xss=1</script>"></object>',
    f'<embed src="javascript:{RUN}">',
    f'<form action="javascript:{RUN}"><button autofocus>go</button></form>',
    f'<input autofocus onfocus="{RUN}">',
    f"<style>*{{background:url('javascript:{RUN}')}}</style>",
    f'<a href="https://example.com" style="position:fixed;inset:0" onmouseover="{RUN}">x</a>',
    f'<base href="javascript:{RUN}//">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f"{{{{constructor.constructor('{RUN}')()}}}}",
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
]
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class Watch:
    """Dialogs and console messages of a page, and the sentinel."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(message.text))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_nothing_ran(self) -> None:
        page = self.page
        page.mouse.move(10, 10)
        page.mouse.move(200, 300)  # hover handlers, were any left
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__xss") is None
        assert self.dialogs == []
        assert [m for m in self.console if "xss" in m.lower()] == []
        hrefs = page.eval_on_selector_all(
            "main a[href], #panel-replay a[href], body a[href]",
            "links => links.map(a => a.getAttribute('href'))",
        )
        for href in hrefs:
            scheme = href.strip().lower()
            assert scheme.startswith(SAFE_SCHEMES) or scheme.startswith(("#", "/", "?")), href
        # The page's own inline blocks are data (JSON-LD, its words as JSON, the import
        # map), never run.
        data = ":not([type='application/ld+json']):not([type='application/json'])"
        data += ":not([type='importmap'])"
        embedded = f"iframe, object, embed, script:not([src]){data}"
        assert page.eval_on_selector_all(embedded, "n => n.length") == 0


@pytest.fixture(scope="module")
def author(server: LiveServer) -> Iterator[Staff]:
    with Staff(server, server.staff("xss-editor", Role.EDITOR)) as staff:
        yield staff


@pytest.fixture(scope="module")
def poisoned(author: Staff) -> str:
    """A hearing whose every field a reporter or editor types holds a payload."""
    slug = author.create_hearing(
        "R v <script>alert(1)</script>",
        status="live",
        court=f"<img src=x onerror={RUN}>",
        description=f"</script><script>{RUN}</script>",
        location=f'" onmouseover="{RUN}',
        case_ref="<svg onload=alert(1)>",
    )["slug"]
    for n, payload in enumerate(PAYLOADS):
        speaker = {"role": "witness", "name": payload[:200]} if n % 3 == 0 else None
        response = author.client.post(
            f"/api/hearings/{slug}/entries",
            json={"id": new_id(), "body": payload, "speaker": speaker, "key": n % 5 == 0},
        )
        assert response.status_code == 201, (payload, response.text)
        if n % 4 == 0:
            entry_id = response.json()["entry"]["id"]
            revised = author.client.patch(
                f"/api/hearings/{slug}/entries/{entry_id}",
                json={"correction": payload[:1000], "pinned": n % 8 == 0},
            )
            assert revised.status_code == 200, revised.text
    return slug


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1000, "height": 900})
    yield context
    context.close()


def test_reader_page_runs_no_payload(
    context: BrowserContext, server: LiveServer, poisoned: str
) -> None:
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{server.url}/h/{poisoned}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    expect(page.locator("#entries .entry")).to_have_count(len(PAYLOADS))
    watch.assert_nothing_ran()


def test_live_updates_with_payloads_run_nothing(
    context: BrowserContext, server: LiveServer, author: Staff
) -> None:
    slug = author.create_hearing("R v Live Payloads", status="live")["slug"]
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    ids = []
    for payload in PAYLOADS:
        response = author.post(slug, payload, speaker={"role": "judge", "name": payload[:200]})
        assert response.status_code == 201
        ids.append(response.json()["entry"]["id"])
    for entry_id in ids[::5]:  # revisions and a correction arrive live too
        revised = author.client.patch(
            f"/api/hearings/{slug}/entries/{entry_id}",
            json={"correction": PAYLOADS[0], "key": True},
        )
        assert revised.status_code == 200
    patched = author.client.patch(
        f"/api/hearings/{slug}",
        json={"description": PAYLOADS[2], "court": PAYLOADS[4], "title": PAYLOADS[0]},
    )
    assert patched.status_code == 200
    if page.locator("#new-updates").is_visible():
        page.locator("#new-updates").click()
    expect(page.locator("#entries .entry")).to_have_count(len(PAYLOADS), timeout=10_000)
    watch.assert_nothing_ran()


def test_html_export_runs_no_payload(
    context: BrowserContext, server: LiveServer, poisoned: str
) -> None:
    url = f"{server.url}/api/hearings/{poisoned}/export.html"
    page = context.new_page()
    watch = Watch(page)

    def inline(route: Route) -> None:
        """Show the attachment in the page instead of downloading it."""
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k != "content-disposition"}
        route.fulfill(response=response, headers=headers)

    page.route(url, inline)
    page.goto(url)
    assert "R v" in page.content()
    watch.assert_nothing_ran()


def test_desk_replay_runs_no_payload(
    context: BrowserContext, server: LiveServer, poisoned: str, author: Staff
) -> None:
    page = context.new_page()
    page.goto(f"{server.url}/desk")
    page.evaluate("token => localStorage.setItem('courtwire.token', token)", author.token)
    watch = Watch(page)
    page.goto(f"{server.url}/desk#/hearings/{poisoned}/replay")
    page.reload()
    scrub = page.locator("#replay-scrub")
    expect(scrub).to_be_enabled(timeout=10_000)
    page.evaluate(
        """() => {
            const scrub = document.querySelector('#replay-scrub');
            scrub.value = scrub.max;
            scrub.dispatchEvent(new Event('input', {bubbles: true}));
        }"""
    )
    page.wait_for_timeout(500)
    # The moderation tab shows the same entries through the desk's own rendering.
    page.goto(f"{server.url}/desk#/hearings/{poisoned}/moderate")
    page.wait_for_timeout(1000)
    watch.assert_nothing_ran()
