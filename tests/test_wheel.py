"""`pip install` of the wheel gives a server that starts: the package `courtwire` (from
server/) with its templates, migrations and static/ in it, and no module named `server`.
Built from a clean copy of the sources, installed into a fresh virtual environment, run from
a folder outside the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.backend import ON_POSTGRESQL
from tests.support import ROOT, LiveServer

SOURCES = ("pyproject.toml", "README.md", "server", "static")
PROBE = "import courtwire, importlib.util as u; print(courtwire.__file__, u.find_spec('server'))"


def pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
        capture_output=True,
        timeout=180,
    )


def build_wheel(directory: Path) -> Path:
    """The wheel of a clean copy of the sources (no build/ left over from another build)."""
    source = directory / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    pip("wheel", "--no-deps", "--wheel-dir", str(directory / "dist"), str(source))
    (wheel,) = (directory / "dist").glob("courtwire-*.whl")
    return wheel


def shipped(folder: str, prefix: str) -> set[str]:
    """What the wheel must hold of a source folder: every file, named in the package."""
    base = ROOT / folder
    return {
        f"{prefix}/{path.relative_to(base).as_posix()}"
        for path in base.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.timeout(300)
def test_the_wheel_installs_a_courtwire_package_that_serves_its_pages_and_static_files(
    tmp_path: Path,
) -> None:
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if ".dist-info/" not in name}
        entry_points = next(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.endswith(".dist-info/entry_points.txt")
        )
    assert {name.split("/")[0] for name in names} == {"courtwire"}
    assert shipped("server", "courtwire") | shipped("static", "courtwire/static") == names
    assert "courtwire = courtwire.cli:main" in entry_points

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip("--python", str(venv / "bin" / "python"), "install", str(wheel))

    run = tmp_path / "run"
    run.mkdir()
    server = LiveServer(run, command=[str(venv / "bin" / "courtwire")], demo="1")
    assert server.env["COURTWIRE_DB"] == str(run / "courtwire.db")
    server.env.pop("PYTHONPATH", None)
    server.start(timeout=60)
    try:
        pages = {
            path: httpx.get(f"{server.url}{path}", timeout=30)
            for path in ("/", "/h/zaysan-border-case", "/report", "/desk", "/report-sw.js")
        }
        # The catalogs ship as .po files and are compiled where the package is installed.
        kazakh = httpx.get(f"{server.url}/desk", headers={"Accept-Language": "kk"}, timeout=30)
        css = httpx.get(f"{server.url}/static/css/app.css", timeout=30)
        script = httpx.get(f"{server.url}/static/js/reporter/composer.js", timeout=30)
    finally:
        server.stop()

    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "zaysan-border-case" in pages["/"].text
    assert 'id="hearing-title"' in pages["/h/zaysan-border-case"].text
    assert 'id="page-words"' in pages["/report"].text
    assert "Editor desk" in pages["/desk"].text
    assert '<html lang="kk">' in kazakh.text
    assert ">Отырыстар<" in kazakh.text
    assert pages["/report-sw.js"].content == (ROOT / "static/js/report-sw.js").read_bytes()
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.content == (ROOT / "static/css/app.css").read_bytes()
    assert script.status_code == 200
    assert script.content == (ROOT / "static/js/reporter/composer.js").read_bytes()
    # Its database: the SQLite file in the folder it ran in, or the suite's PostgreSQL.
    assert (run / "courtwire.db").exists() != ON_POSTGRESQL
    found = subprocess.check_output(
        [str(venv / "bin" / "python"), "-c", PROBE], cwd=run, text=True
    ).split()
    assert Path(found[0]).is_relative_to(venv)
    assert found[1] == "None"
