"""The translation catalogs are complete and current: every message marked in the code is
in the template (server/locale/courtwire.pot), and every language translates every one of
them (no empty and no fuzzy translation, the same %(name)s places); the pages' scripts
ask only for words the server sends them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from courtwire.i18n import SOURCE, catalog_path, words
from courtwire.model import Language
from courtwire.page_words import SCRIPT_WORDS, page_words
from tests.support import ROOT

TEMPLATE = ROOT / "server" / "locale" / "courtwire.pot"
TRANSLATED = [language for language in Language if language != SOURCE]
PLACE = re.compile(r"%\((\w+)\)s")


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def test_the_template_holds_exactly_the_messages_the_code_marks(tmp_path: Path) -> None:
    extracted = tmp_path / "extracted.pot"
    subprocess.run(
        [
            *(sys.executable, "-m", "babel.messages.frontend", "extract"),
            *("-F", "babel.cfg", "--no-location", "-o", str(extracted), "."),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    found, shipped = ids(read(extracted)), ids(read(TEMPLATE))
    assert found - shipped == set(), "marked but not in the template: run scripts/catalogs"
    assert shipped - found == set(), "in the template, no longer marked: run scripts/catalogs"
    assert len(found) > 200


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: Language) -> None:
    catalog = read(Path(str(catalog_path(language))), language.value)
    assert ids(catalog) == ids(read(TEMPLATE)), "run scripts/catalogs"
    untranslated, fuzzy, places = [], [], []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy.append(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACE.findall(sources[-1]))
        if any(set(PLACE.findall(text)) != wanted for text in strings if text):
            places.append(message.id)
    assert untranslated == [], f"{language}: no translation"
    assert fuzzy == [], f"{language}: fuzzy (check, then drop the flag)"
    assert places == [], f"{language}: not the same %(name)s places"
    assert list(catalog.check()) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_is_what_the_pages_say(language: Language) -> None:
    said = words(language)
    assert said.kind("ruling") != "Ruling"
    assert said.status("live") != "Live"
    assert said.role("witness") != "Witness"
    assert said.gettext("Key event") != "Key event"


def test_the_scripts_ask_only_for_words_the_server_sends() -> None:
    words_sent = page_words(words(SOURCE))
    asked: set[str] = set()
    counted: set[str] = set()
    for script in (ROOT / "static" / "js").rglob("*.js"):
        text = script.read_text()
        asked |= set(re.findall(r'\bphrase\("([\w.]+)"', text))
        counted |= set(re.findall(r'\bphraseCount\(\s*"([\w.]+)"', text))
        # A key made from a prefix and an API name: phrase(`outbox.${state}`).
        for prefix in re.findall(r"\bphrase\(`([\w.]+)\.\$\{", text):
            assert any(key.startswith(f"{prefix}.") for key in SCRIPT_WORDS), prefix
    assert asked, "no phrase(...) found: the pattern is out of date"
    assert asked - set(SCRIPT_WORDS) == set()
    assert counted - set(words_sent["counted"]) == set()
