"""The README's curl example, run as written against a server with the demo hearing:
it publishes in a hearing of its own and leaves the demo hearing exactly as it was."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support import ROOT, LiveServer

DEMO = "zaysan-border-case"


def test_the_curl_example_publishes_in_its_own_hearing_and_leaves_the_demo_alone(
    tmp_path: Path,
) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Post an update with curl", 1)[1]
    script = re.search(r"```sh\n(.*?)```", section, re.S)
    assert script is not None
    server = LiveServer(tmp_path, demo="1")
    server.start()
    try:
        before = httpx.get(f"{server.url}/api/hearings/{DEMO}").json()
        text = script.group(1).replace("http://127.0.0.1:8000", server.url)
        text = text.replace(".venv/bin/courtwire", f"{sys.executable} -m courtwire.cli")
        env = os.environ | {
            "COURTWIRE_DB": str(server.db_path),
            "COURTWIRE_DATABASE_URL": server.database_url,
            "COURTWIRE_DEMO": "0",
        }
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", text],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        after = httpx.get(f"{server.url}/api/hearings/{DEMO}").json()
        assert after == before
        assert after["status"] == "closed"
        entries = httpx.get(f"{server.url}/api/hearings/r-v-demo/entries").json()["entries"]
        assert [(e["body"], e["speaker"]["role"]) for e in entries] == [
            ("The court is back in session.", "judge")
        ]
    finally:
        server.stop()
