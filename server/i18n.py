"""The pages' own words in a language, and dates and times written the way it writes them.

Words come from gettext catalogs, `locale/<language>/LC_MESSAGES/courtwire.po` in this
package (English is the catalogs' source language and has none). Each is compiled in
memory the first time it is used, so the wheel ships only the `.po` files and no compiled
file can be older than its source. Dates and times come from Babel (CLDR), in the
hearing's time zone.

A reader page, an embed, a feed and an export speak the hearing's `language`; the hearing
list, the reporter app and the desk speak the language the browser asks for
(`Accept-Language`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from importlib import resources
from io import BytesIO
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from courtwire.entries import Speaker, speaker_text
from courtwire.model import KIND_LABELS, ROLE_LABELS, STATUS_LABELS, Language
from courtwire.times import in_zone

DOMAIN = "courtwire"

Unit = Literal["year", "month", "week", "day", "hour", "minute"]


SOURCE = Language.EN
"""The language the messages are written in: it needs no catalog."""

DATE_LOCALES = {Language.EN: "en_GB", Language.RU: "ru", Language.KK: "kk"}
"""The CLDR locale whose calendar conventions a language's dates follow (British English:
day before month, a 24-hour clock, as courts write them)."""


def catalog_path(language: str) -> resources.abc.Traversable:
    return resources.files("courtwire") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: Language) -> NullTranslations:
    """The language's catalog as compiled gettext translations (none for the source)."""
    if language == SOURCE:
        return NullTranslations()
    with catalog_path(language).open("rb") as source:
        catalog = read_po(source, locale=language.value, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy messages are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def language_of(value: object) -> Language:
    """A stored or requested language; the source language for anything unknown."""
    try:
        return Language(str(value))
    except ValueError:
        return SOURCE


def negotiate(accept_language: str | None) -> Language:
    """The first language the browser asks for (`Accept-Language`, by quality) that the
    pages speak, else the source language."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, index, tag.split("-")[0].lower()))
    for _, _, primary in sorted(ranked):
        if primary in Language._value2member_map_:
            return Language(primary)
    return SOURCE


class Words:
    """One language's words and date formats, for pages, feeds and exports."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.translations = translations(language)
        self.locale = Locale.parse(DATE_LOCALES[language])
        self.gettext: Callable[[str], str] = self.translations.gettext
        self.ngettext: Callable[[str, str, int], str] = self.translations.ngettext

    @property
    def browser_locale(self) -> str:
        """The BCP 47 tag the browser's `Intl` formats this language's dates with."""
        return str(self.locale).replace("_", "-")

    def kind(self, kind: str) -> str:
        """An entry kind's label ("Ruling"); an unknown kind as it is."""
        return self.gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind

    def status(self, status: str) -> str:
        return self.gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status

    def role(self, role: str) -> str:
        return self.gettext(ROLE_LABELS[role]) if role in ROLE_LABELS else role.capitalize()

    def speaker(self, speaker: Speaker | None) -> str:
        return speaker_text(speaker, self.role)

    def clock(self, value: str | None, timezone: str) -> str:
        """A court time on the wall clock, e.g. 11:05."""
        return format_time(in_zone(value, timezone), "HH:mm", locale=self.locale) if value else ""

    def pattern(self, skeleton: str, clock: str | None = None) -> str:
        """The language's CLDR pattern for a date `skeleton` ("yMMMd": the month's short
        name), followed by a 24-hour `clock` ("HH:mm") the way it joins them."""
        date = str(self.locale.datetime_skeletons[skeleton].pattern)
        if clock is None:
            return date
        return (
            str(self.locale.datetime_formats["medium"]).replace("{1}", date).replace("{0}", clock)
        )

    @property
    def date_time_pattern(self) -> str:
        """A court date and time: "d MMM y, HH:mm" in English."""
        return self.pattern("yMMMd", "HH:mm")

    def date_time(self, value: str | None, timezone: str) -> str:
        """A court date and time: "22 Jan 2020, 11:05", "22 янв. 2020 г., 11:05"."""
        if not value:
            return ""
        return format_datetime(in_zone(value, timezone), self.date_time_pattern, locale=self.locale)

    def relative(self, unit: Unit, seconds: int, count: int) -> str:
        """ "`count` units ago" (negative `seconds`) or "in `count` units", with "{0}" for
        the count: the pattern a script fills in for any count of the same plural form."""
        moment = timedelta(seconds=seconds * count)
        # A threshold above any count keeps Babel from moving up to a larger unit.
        text = format_timedelta(
            moment, granularity=unit, threshold=10**6, add_direction=True, locale=self.locale
        )
        return text.replace(str(count), "{0}")

    def day(self, value: str, timezone: str) -> str:
        """A court day as a heading: "Wednesday, 22 January 2020"."""
        return format_date(in_zone(value, timezone), "full", locale=self.locale)


def language_names() -> list[tuple[str, str]]:
    """Each language by its code and its own name for itself ("Русский")."""
    names = []
    for language in Language:
        name = str(Locale.parse(language.value).get_display_name(language.value))
        names.append((language.value, name[:1].upper() + name[1:]))
    return names


@functools.cache
def words(language: object) -> Words:
    return Words(language_of(language))
