"""Lighthouse (mobile, its default: a mid-range phone on a slow 4G link, simulated) scores
the demo hearing's reader page and its embed, and a live hearing's page whose updates
carry photos, at 0.95 or more in each of its four categories: performance,
accessibility, best practices and SEO; the page with photos moves nothing as it loads
(CLS 0). `scripts/test` installs Lighthouse from npm into .venv/lighthouse; it drives
Debian's Chromium."""

from __future__ import annotations

import json
import os
import statistics
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


RUNS = 3
BAR = 0.95


def scored(url: str, directory: Path) -> tuple[dict[str, float], list[Path]]:
    """Each category's score of `url`, and the reports it comes from. The performance
    score moves with whatever else the 2 shared cores run meanwhile (the other test
    worker, say), so, as Lighthouse advises for variable machines, a first run that
    falls short of the bar is followed by more: the median of `RUNS` runs, per category."""
    runs: list[dict[str, float]] = []
    reports: list[Path] = []
    for number in range(RUNS):
        reports.append(directory / f"report-{number}.json")
        runs.append(audit(url, reports[-1]))
        print(f"Lighthouse mobile {url}, run {number + 1}: {runs[-1]}")
        if number == 0 and min(runs[0].values()) >= BAR:
            break
    return {name: statistics.median(run[name] for run in runs) for name in CATEGORIES}, reports


@pytest.mark.parametrize("path", [f"/h/{DEMO}", f"/h/{DEMO}/embed"], ids=["page", "embed"])
def test_lighthouse_mobile_scores_are_at_least_95(
    demo_server: LiveServer, path: str, tmp_path: Path
) -> None:
    assert LIGHTHOUSE.exists(), "scripts/test installs Lighthouse (npm lighthouse)"
    scores, _ = scored(f"{demo_server.url}{path}", tmp_path)
    assert {name: score for name, score in scores.items() if score < BAR} == {}


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
    scores, reports = scored(f"{demo_server.url}/h/{photo_hearing}", tmp_path)
    assert {name: score for name, score in scores.items() if score < BAR} == {}
    for report in reports:  # nothing moves in any run
        result = json.loads(report.read_text())
        shift = result["audits"]["cumulative-layout-shift"]["numericValue"]
        assert shift == 0, result["audits"]["layout-shifts"]["details"]["items"]
