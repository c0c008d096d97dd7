"""The reporter app's modules (static/js/reporter.js and what it imports): every one is in
the service worker's list of files kept for an offline start, every file on that list
exists, and the modules import one another without cycles; the labels they show come with
the page's words (#page-words) and the limits in its fields, both the server's own."""

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
    assert 'id="report-config"' not in page, "labels come with the page's words, limits in fields"
    block = re.search(r'<script type="application/json" id="page-words">(.*?)</script>', page, re.S)
    assert block, "no #page-words in /report"
    said = json.loads(block.group(1))
    assert said["kinds"] == KIND_LABELS
    assert said["statuses"] == STATUS_LABELS
    assert set(said["roles"]) == {role.value for role in SpeakerRole}
    assert said["roles"]["judge"] == "Judge"
    assert said["roles"]["defence"] == "Defence"
    assert "limits" not in said
    # The limits are rendered once, into the fields' own limits, which the script reads.
    limits = {
        "body": MAX_BODY_CHARS,
        "edit-body": MAX_BODY_CHARS,
        "speaker-name": MAX_NAME_CHARS,
        "edit-name": MAX_NAME_CHARS,
        "edit-correction": MAX_CORRECTION_CHARS,
        "photo-alt": MAX_ALT_CHARS,
        "photo-caption": MAX_CAPTION_CHARS,
    }
    for field, limit in limits.items():
        assert re.search(rf'id="{field}"[^>]*maxlength="{limit}"', page), field
    # No script of the app reads a table of its own, or carries a label as a string.
    labels = [*KIND_LABELS.values(), *STATUS_LABELS.values(), *said["roles"].values()]
    for module in app_modules():
        text = module.read_text()
        assert "report-config" not in text, module
        copied = [label for label in labels if re.search(f"[\"'`]{label}[\"'`]", text)]
        assert not copied, f"{module} copies labels: {copied}"
