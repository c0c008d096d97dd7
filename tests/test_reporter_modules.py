"""The reporter app's modules (static/js/reporter.js and what it imports): every one is in
the service worker's list of files kept for an offline start, every file on that list
exists, and the modules import one another without cycles; the words and limits the
page gives them (#report-config) are the server's own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from courtwire.entries import (
    MAX_ALT_CHARS,
    MAX_BODY_CHARS,
    MAX_CAPTION_CHARS,
    MAX_CORRECTION_CHARS,
    MAX_NAME_CHARS,
)
from courtwire.model import KIND_LABELS, STATUS_LABELS, SpeakerRole
from tests.jsmodules import JS, ROOT, assert_no_cycles, module_graph
from tests.support import LiveServer


def app_modules() -> dict[Path, set[Path]]:
    """reporter.js and every module it imports, directly or not, with what each imports."""
    return module_graph(JS / "reporter.js")


def shell() -> list[str]:
    """The paths the service worker caches (SHELL in report-sw.js)."""
    block = re.search(r"const SHELL = \[(.*?)\];", (JS / "report-sw.js").read_text(), re.S)
    assert block, "report-sw.js has no SHELL list"
    return re.findall(r'"([^"]+)"', block.group(1))


def test_the_service_worker_keeps_every_module_the_reporter_app_imports() -> None:
    graph = app_modules()
    assert JS / "reporter" / "state.js" in graph  # the parser follows the imports
    paths = {"/" + module.relative_to(ROOT).as_posix() for module in graph}
    missing = sorted(paths - set(shell()))
    assert not missing, f"imported by the reporter app, not cached by report-sw.js: {missing}"


def test_every_file_the_service_worker_keeps_exists() -> None:
    stale = [
        path
        for path in shell()
        if path.startswith("/static/") and not (ROOT / path.lstrip("/")).is_file()
    ]
    assert not stale, f"in report-sw.js's SHELL, not in static/: {stale}"


def test_the_reporter_app_modules_import_one_another_without_cycles() -> None:
    assert_no_cycles(app_modules())


def test_the_report_page_gives_the_app_the_server_s_labels_and_limits(server: LiveServer) -> None:
    page = httpx.get(f"{server.url}/report").text
    block = re.search(
        r'<script type="application/json" id="report-config">(.*?)</script>', page, re.S
    )
    assert block, "no #report-config in /report"
    config = json.loads(block.group(1))
    assert config["kinds"] == KIND_LABELS
    assert config["statuses"] == STATUS_LABELS
    assert set(config["roles"]) == {role.value for role in SpeakerRole}
    assert config["roles"]["judge"] == "Judge"
    assert config["roles"]["defence"] == "Defence"
    assert config["limits"] == {
        "body": MAX_BODY_CHARS,
        "name": MAX_NAME_CHARS,
        "correction": MAX_CORRECTION_CHARS,
        "photo_alt": MAX_ALT_CHARS,
        "photo_caption": MAX_CAPTION_CHARS,
    }
    # The fields' own limits are the same numbers.
    assert page.count(f'maxlength="{MAX_BODY_CHARS}"') == 2  # the composer and the edit dialog
    assert page.count(f'maxlength="{MAX_NAME_CHARS}"') == 2
    assert page.count(f'maxlength="{MAX_ALT_CHARS}"') == 3  # correction, alt text, caption
    assert MAX_ALT_CHARS == MAX_CAPTION_CHARS == MAX_CORRECTION_CHARS
