"""Hearing input: creation and changes checked field by field, and slugs made from titles."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from anyascii import anyascii

from courtwire.exceptions import Invalid, RestrictedTerm
from courtwire.model import EntryKind, HearingStatus, Language, Reporting, SpeakerRole
from courtwire.register import MAX_TERMS, check_term
from courtwire.times import format_time, parse_time, zone
from courtwire.types import JSONObject

TEXT_LIMITS = {
    "title": 200,
    "court": 200,
    "case_ref": 100,
    "location": 200,
    "description": 2000,
    "reporting_note": 500,
}
MAX_PUBLISH_DELAY = 600
MAX_CAST = 60
MAX_CAST_NAME = 200
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_CHARS = 80

CREATE_FIELDS = frozenset(
    {
        *TEXT_LIMITS,
        "slug",
        "timezone",
        "language",
        "status",
        "scheduled_start",
        "restricted_terms",
        "reporting",
        "publish_delay",
        "review_kinds",
        "photo_confirmation",
        "cast",
    }
)
CHANGE_FIELDS = CREATE_FIELDS
"""A slug may change too: when it names a new restriction, the same request renames it."""


def _slug_words(text: str) -> str:
    """`text` in Latin letters (anyascii: Cyrillic, Kazakh's ә ғ қ ң ө ұ ү һ і, accents),
    its words joined by hyphens; the marks for ъ and ь (and an apostrophe) join a word."""
    latin = re.sub(r"['\"]", "", anyascii(text).lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")


def slugify(title: str) -> str:
    """A hearing's address from its title: "Дело Әлімұлы" → "delo-alimuly"."""
    return _slug_words(title)[:MAX_SLUG_CHARS].rstrip("-") or "hearing"


def slug_breach(slug: str, terms: list[str]) -> RestrictedTerm | None:
    """The refusal of a slug that spells one of `terms` as `slugify` would: a name typed
    in Cyrillic must not reach an address through its transliteration, whatever the
    restriction matcher makes of the Latin spelling ("ghalym" for "Ғалым")."""
    for term in terms:
        spelled = _slug_words(term)
        found = re.search(rf"(?:^|-)({re.escape(spelled)})(?:-|$)", slug) if spelled else None
        if found is not None:
            refused = RestrictedTerm(
                "The slug spells a term under a reporting restriction "
                f"at characters {found.start(1) + 1}–{found.end(1)}; it cannot be published.",
                field="slug",
            )
            refused.term = term
            return refused
    return None


def _text(name: str, value: object) -> str:
    limit = TEXT_LIMITS[name]
    if not isinstance(value, str) or len(value) > limit:
        raise Invalid(f"Expected text of at most {limit} characters.", field=name)
    return value.strip()


def _terms(value: object) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_TERMS:
        raise Invalid(f"Expected a list of at most {MAX_TERMS} terms.", field="restricted_terms")
    terms: list[str] = []
    for term in value:
        checked = check_term(term, "restricted_terms")
        if checked not in terms:
            terms.append(checked)
    return terms


def _review_kinds(value: object) -> list[str]:
    if not isinstance(value, list):
        raise Invalid("Expected a list of entry kinds.", field="review_kinds")
    kinds: list[str] = []
    for kind in value:
        try:
            checked = EntryKind(kind).value
        except ValueError:
            choices = ", ".join(kind.value for kind in EntryKind)
            raise Invalid(f"Unknown kind; one of: {choices}.", field="review_kinds") from None
        if checked not in kinds:
            kinds.append(checked)
    return kinds


CHOICES: dict[str, type[StrEnum]] = {"status": HearingStatus, "language": Language}
"""Fields that take one of a fixed set of names."""


def _choice(name: str, value: object) -> str:
    listed = [choice.value for choice in CHOICES[name]]
    if isinstance(value, str) and value in listed:
        return value
    raise Invalid(f"Unknown {name}; one of: {', '.join(listed)}.", field=name)


def _cast(value: object) -> list[JSONObject]:
    """The people of the hearing as readers may see them, in the editor's order; a person
    listed twice is kept once."""
    if not isinstance(value, list) or len(value) > MAX_CAST:
        raise Invalid(f"Expected a list of at most {MAX_CAST} people.", field="cast")
    roles = ", ".join(role.value for role in SpeakerRole)
    cast: list[JSONObject] = []
    for index, person in enumerate(value):
        where = f"cast[{index}]"
        if not isinstance(person, dict) or set(person) != {"role", "name"}:
            raise Invalid('Each person is {"role", "name"}.', field=where)
        try:
            role = SpeakerRole(person["role"]).value
        except ValueError:
            raise Invalid(f"Unknown role; one of: {roles}.", field=f"{where}.role") from None
        name = person["name"]
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_CAST_NAME:
            raise Invalid(f"A name of 1 to {MAX_CAST_NAME} characters.", field=f"{where}.name")
        member = {"role": role, "name": " ".join(name.split())}
        if member not in cast:
            cast.append(member)
    return cast


def _field(name: str, value: Any) -> Any:
    if name in TEXT_LIMITS:
        return _text(name, value)
    if name == "timezone":
        zone(value)
        return value
    if name in CHOICES:
        return _choice(name, value)
    if name == "scheduled_start":
        return None if value is None else format_time(parse_time(value, name))
    if name == "restricted_terms":
        return _terms(value)
    if name == "reporting":
        try:
            return Reporting(value).value
        except ValueError:
            raise Invalid("reporting is open or held.", field=name) from None
    if name == "publish_delay":
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid("The delay is a whole number of seconds.", field=name)
        if not 0 <= value <= MAX_PUBLISH_DELAY:
            raise Invalid(f"The delay is 0 to {MAX_PUBLISH_DELAY} seconds.", field=name)
        return value
    if name == "review_kinds":
        return _review_kinds(value)
    if name == "photo_confirmation":
        if not isinstance(value, bool):
            raise Invalid("Expected true or false.", field=name)
        return value
    if name == "cast":
        return _cast(value)
    if name == "slug":
        if not isinstance(value, str) or not SLUG_PATTERN.match(value) or len(value) > 80:
            raise Invalid(
                "A slug is lower-case letters and digits joined by single hyphens.", field=name
            )
        return value
    raise Invalid(f"Unknown field {name!r}.", field=name, code="unknown_field")


def _object(payload: Any, allowed: frozenset[str]) -> JSONObject:
    if not isinstance(payload, dict):
        raise Invalid("Expected a JSON object.")
    for name in payload:
        if name not in allowed:
            raise Invalid(f"Field {name!r} cannot be set here.", field=name, code="unknown_field")
    return {name: _field(name, value) for name, value in payload.items()}


def parse_new_hearing(payload: Any, default_timezone: str | None = None) -> JSONObject:
    """A complete hearing to create; `slug` only when the client chose one. Without a
    `timezone`, `default_timezone` (COURTWIRE_DEFAULT_TIMEZONE) or, when there is none,
    a refusal: a court's times are never silently written in UTC."""
    fields = _object(payload, CREATE_FIELDS)
    if not fields.get("title"):
        raise Invalid("A hearing needs a title.", field="title")
    if "timezone" not in fields:
        if default_timezone is None:
            raise Invalid(
                "A hearing needs the court's time zone, an IANA name such as Europe/London.",
                field="timezone",
            )
        fields["timezone"] = default_timezone
    defaults: JSONObject = {
        "court": "",
        "case_ref": "",
        "location": "",
        "language": Language.EN.value,
        "status": HearingStatus.SCHEDULED.value,
        "scheduled_start": None,
        "description": "",
        "restricted_terms": [],
        "reporting": Reporting.OPEN.value,
        "reporting_note": "",
        "publish_delay": 0,
        "review_kinds": [],
        "photo_confirmation": True,
        "cast": [],
    }
    return defaults | fields


def parse_hearing_changes(payload: Any) -> JSONObject:
    fields = _object(payload, CHANGE_FIELDS)
    if not fields:
        raise Invalid("Nothing to change.", code="no_changes")
    if "title" in fields and not fields["title"]:
        raise Invalid("A hearing needs a title.", field="title")
    return fields
