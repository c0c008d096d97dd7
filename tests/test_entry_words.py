"""A correction is labelled with one word wherever a page shows an entry: the server's
first paint (_entry.html), the reader page's and the reporter app's templates, and the
JS renderer of an entry (entryview.js), which has its words from the server's catalogs."""

from __future__ import annotations

from courtwire.page_words import SCRIPT_WORDS
from tests.jsmodules import JS, ROOT

SERVER = ROOT / "server"
TEMPLATES = ROOT / "server" / "templates"


def test_a_correction_is_labelled_correction_on_every_page() -> None:
    shown = [TEMPLATES / "_entry.html", TEMPLATES / "hearing.html", TEMPLATES / "report.html"]
    for source in shown:
        assert "Correction:" in source.read_text(), source.name
    assert 'phrase("correction")' in (JS / "entryview.js").read_text()
    assert SCRIPT_WORDS["correction"] == "Correction:"
    stale = [
        source.relative_to(ROOT).as_posix()
        for source in [*TEMPLATES.glob("*.html"), *JS.rglob("*.js"), *SERVER.glob("*.py")]
        if "Corrected:" in source.read_text()
    ]
    assert not stale, f"a correction labelled “Corrected:” in {stale}"
