"""The pages are valid HTML: the W3C Nu Html Checker (vnu.jar, which `scripts/test`
installs from npm's vnu-jar, on Debian's Java) finds no error in the hearing list, the
reader page of a hearing with every kind of entry mark, the reporter app, the desk and
an HTML transcript."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx

from tests.support import ROOT, LiveServer, Staff

VNU = Path(
    os.environ.get("COURTWIRE_VNU_JAR")
    or ROOT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def test_pages_have_no_html_errors(server: LiveServer, editor: Staff, tmp_path: Path) -> None:
    java = shutil.which("java")
    assert java, "scripts/test installs Java (default-jre-headless)"
    assert VNU.exists(), "scripts/test installs the Nu Html Checker (npm vnu-jar)"
    hearing = editor.create_hearing(
        "R v Valid & <Markup>", status="live", timezone="Asia/Almaty", description="A test."
    )
    slug = hearing["slug"]
    base = f"/api/hearings/{slug}/entries"
    assert editor.post(slug, "Court **opens**.", kind="procedural", pinned=True).is_success
    assert editor.post(
        slug, "Guilty.", kind="verdict", key=True, speaker={"role": "judge", "name": "Judge A"}
    ).is_success
    quoted = editor.post(
        slug, "Said [this](https://example.org).\n\n- one\n- two", kind="quote",
        speaker={"role": "witness", "name": "Witness B"},
    ).json()["entry"]  # fmt: skip
    revised = editor.client.patch(
        f"{base}/{quoted['id']}", json={"body": "Said `that`.", "correction": "Misquoted."}
    )
    assert revised.status_code == 200, revised.text
    # The same pages in Kazakh: a hearing in that language, a browser that asks for it.
    kazakh = editor.create_hearing("R v Kazakh", status="live", language="kk")["slug"]
    assert editor.post(kazakh, "Үкім.", kind="verdict", key=True, pinned=True).is_success
    pages = {
        "index": "/",
        "hearing": f"/h/{slug}",
        "report": "/report",
        "desk": "/desk",
        "transcript": f"/api/hearings/{slug}/export.html",
        "index-kk": "/",
        "hearing-kk": f"/h/{kazakh}",
        "report-kk": "/report",
        "desk-kk": "/desk",
        "transcript-kk": f"/api/hearings/{kazakh}/export.html",
    }
    files = []
    for name, path in pages.items():
        language = {"Accept-Language": "kk"} if name.endswith("-kk") else {}
        response = httpx.get(f"{server.url}{path}", headers=language)
        assert response.status_code == 200, (path, response.text[:300])
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(str(file))
    assert "Misquoted." in (tmp_path / "hearing.html").read_text()
    for name in pages:
        lang = "kk" if name.endswith("-kk") else "en"
        assert f'<html lang="{lang}">' in (tmp_path / f"{name}.html").read_text(), name
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)
