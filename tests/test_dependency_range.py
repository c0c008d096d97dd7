"""uvicorn and websockets are pinned to ranges, not releases: the reader path runs on the
oldest release of each range here, and on the newest (what `scripts/test` installs) in
the rest of the suite.

The oldest releases go into `.venv-oldest/`, a virtual environment that sees
everything else from `.venv/` (through a `.pth` file) and is kept between runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.support import ROOT

RANGED = ("uvicorn", "websockets")
READER_TESTS = ["tests/test_uvicorn_contract.py", "tests/test_log_and_live.py"]


def ranges() -> dict[str, tuple[str, str]]:
    """Each ranged dependency's (lowest, excluded upper) bound, from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = {}
    for requirement in project["dependencies"]:
        match = re.fullmatch(r"([a-z0-9-]+)>=([\d.]+),<([\d.]+)", requirement)
        if match and match[1] in RANGED:
            found[match[1]] = (match[2], match[3])
    return found


def release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_uvicorn_and_websockets_are_ranges_and_the_installed_newest_is_inside() -> None:
    bounds = ranges()
    assert set(bounds) == set(RANGED), "uvicorn and websockets must be pinned as >=x,<y"
    for name, (lowest, upper) in bounds.items():
        installed = release(version(name))
        assert release(lowest) <= installed < release(upper), f"{name} {version(name)}"


def oldest_environment() -> Path:
    """A venv with the lowest release of each range, everything else from `.venv/`."""
    target = ROOT / ".venv-oldest"
    python = target / "bin" / "python"
    wanted = {name: lowest for name, (lowest, _) in ranges().items()}
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
        site = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        base = Path(sys.prefix).resolve()
        parent = subprocess.run(
            [sys.executable, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert Path(parent).resolve().is_relative_to(base)
        (Path(site) / "courtwire-base.pth").write_text(
            f"import site; site.addsitedir({parent!r})\n"
        )
    pins = [f"{name}=={lowest}" for name, lowest in wanted.items()]
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", *pins],
        check=True,
        capture_output=True,
    )
    return python


@pytest.mark.timeout(900)
def test_the_reader_path_runs_on_the_oldest_uvicorn_and_websockets_of_the_range() -> None:
    python = oldest_environment()
    versions = subprocess.run(
        [
            str(python),
            "-c",
            "import uvicorn, websockets; print(uvicorn.__version__, websockets.__version__)",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    bounds = ranges()
    lowest = [release(bounds[name][0]) for name in ("uvicorn", "websockets")]
    assert [release(v) + (0,) * (3 - len(release(v))) for v in versions] == [
        low + (0,) * (3 - len(low)) for low in lowest
    ]
    run = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            *READER_TESTS,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=800,
    )
    assert run.returncode == 0, (
        f"on uvicorn {versions[0]}, websockets {versions[1]}:\n{run.stdout[-4000:]}"
    )
