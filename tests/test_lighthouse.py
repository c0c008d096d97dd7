"""Lighthouse (mobile, its default: a mid-range phone on a slow 4G link, simulated) scores
the demo hearing's reader page and its embed at 0.95 or more in each of its four
categories: performance, accessibility, best practices and SEO. `scripts/test` installs
Lighthouse from npm into .venv/lighthouse; it drives Debian's Chromium."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT, LiveServer

LIGHTHOUSE = Path(
    os.environ.get("COURTWIRE_LIGHTHOUSE")
    or ROOT / ".venv" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
DEMO = "zaysan-border-case"


def audit(url: str, report: Path) -> dict[str, float]:
    """Each category's score (0 to 1) of a Lighthouse run on `url`, mobile."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
        ],
        env=os.environ | {"CHROME_PATH": "/usr/bin/chromium"},
        check=True,
        timeout=110,
        capture_output=True,
    )
    result = json.loads(report.read_text())
    assert result["configSettings"]["formFactor"] == "mobile"
    assert not result.get("runtimeError"), result["runtimeError"]
    return {name: result["categories"][name]["score"] for name in CATEGORIES}


@pytest.mark.parametrize("path", [f"/h/{DEMO}", f"/h/{DEMO}/embed"], ids=["page", "embed"])
def test_lighthouse_mobile_scores_are_at_least_95(
    demo_server: LiveServer, path: str, tmp_path: Path
) -> None:
    assert LIGHTHOUSE.exists(), "scripts/test installs Lighthouse (npm lighthouse)"
    scores = audit(f"{demo_server.url}{path}", tmp_path / "report.json")
    print(f"Lighthouse mobile {path}: {scores}")
    assert {name: score for name, score in scores.items() if score < 0.95} == {}
