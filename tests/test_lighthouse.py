"""Lighthouse (mobile, its default: a mid-range phone on a slow 4G link, simulated) scores
the demo hearing's reader page and its embed, and a live hearing's page whose updates
carry photos, at 0.95 or more in each of its four categories: performance,
accessibility, best practices and SEO; the page with photos moves nothing as it loads
(CLS 0). `scripts/test` installs Lighthouse from npm into .venv/lighthouse; it drives
Debian's Chromium."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from courtwire.model import Role
from tests.photo_support import encode, noise, post_photo
from tests.support import ROOT, LiveServer, Staff

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


SEED = 95
PHOTOS = [(1800, 1200), (1200, 1800), (2400, 1350)]
"""Landscape, portrait and wide, as phones send them (each stored in 4 widths × 2 types);
random blocks, which compress worse than most photos."""


@pytest.fixture(scope="module")
def photo_hearing(demo_server: LiveServer) -> str:
    """A live hearing of the demo server whose updates carry photos, a note between each."""
    print(f"seed={SEED}")
    with (
        Staff(demo_server, demo_server.staff("lh-desk", Role.EDITOR)) as desk,
        Staff(demo_server, demo_server.staff("lh-phone")) as phone,
    ):
        slug = str(desk.create_hearing("R v Photographed", status="live")["slug"])
        for number, size in enumerate(PHOTOS):
            image = encode(noise(SEED + number, size), "JPEG", quality=90)
            post_photo(phone, slug, image, f"Outside the court, {number}.", "After the verdict.")
            assert phone.post(slug, f"Between photos {number}.").status_code == 201
    return slug


def test_lighthouse_on_a_page_with_photos_scores_95_and_nothing_moves(
    demo_server: LiveServer, photo_hearing: str, tmp_path: Path
) -> None:
    assert LIGHTHOUSE.exists(), "scripts/test installs Lighthouse (npm lighthouse)"
    report = tmp_path / "report.json"
    scores = audit(f"{demo_server.url}/h/{photo_hearing}", report)
    result = json.loads(report.read_text())
    shift = result["audits"]["cumulative-layout-shift"]["numericValue"]
    print(f"Lighthouse mobile, page with photos: {scores}, CLS {shift}")
    assert {name: score for name, score in scores.items() if score < 0.95} == {}
    assert shift == 0, result["audits"]["layout-shifts"]["details"]["items"]
