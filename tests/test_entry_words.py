"""A correction is labelled with one word wherever a page shows an entry: the server's
first paint (_entry.html) and the one JS renderer of an entry (entryview.js), which the
reader page, the desk and the reporter app all use and which has its words from the
server's catalogs (tests/test_entry_renderer_browser.py compares the two)."""

from __future__ import annotations

from courtwire.page_words import SCRIPT_WORDS
from tests.jsmodules import JS, ROOT

SERVER = ROOT / "server"
TEMPLATES = ROOT / "server" / "templates"


def test_a_correction_is_labelled_correction_on_every_page() -> None:
    assert "Correction:" in (TEMPLATES / "_entry.html").read_text()
    assert 'phrase("correction")' in (JS / "entryview.js").read_text()
    assert SCRIPT_WORDS["correction"] == "Correction:"
    stale = [
        source.relative_to(ROOT).as_posix()
        for source in [*TEMPLATES.glob("*.html"), *JS.rglob("*.js"), *SERVER.glob("*.py")]
        if "Corrected:" in source.read_text()
    ]
    assert not stale, f"a correction labelled “Corrected:” in {stale}"
