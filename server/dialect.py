"""The few places where SQLite's SQL and PostgreSQL's differ, named once.

The modules write their SQL once, in the form both engines accept, with SQLite's `?`
placeholders; the PostgreSQL connection turns those into psycopg's `%s` (`to_pyformat`).
What cannot be written one way for both is a method here, used by name where it is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Dialect:
    name: str
    lock_suffix: str
    """Appended to the SELECT of a row the transaction goes on to change: PostgreSQL's
    `FOR UPDATE` makes a second writer (another process) wait for the commit; SQLite needs
    nothing, its BEGIN IMMEDIATE lets one writer in at a time."""

    def days_since(self, column: str) -> str:
        """Days (fractional) from the time text in `column` to now."""
        if self.name == "sqlite":
            return f"(julianday('now') - julianday({column}))"
        return f"(extract(epoch FROM now() - CAST({column} AS timestamptz)) / 86400)"

    def json_flag(self, column: str) -> str:
        """True when the JSON object in `column` has the member named by the next
        parameter set to true."""
        if self.name == "sqlite":
            return f"json_extract({column}, '$.' || ?) = 1"
        return f"(CAST({column} AS jsonb) -> ?) = 'true'::jsonb"

    def json_text(self, column: str, member: str) -> str:
        """The text of the JSON object's `member` (a fixed name) in `column`."""
        assert member.isidentifier(), member
        if self.name == "sqlite":
            return f"json_extract({column}, '$.{member}')"
        return f"(CAST({column} AS jsonb) ->> '{member}')"


SQLITE = Dialect("sqlite", lock_suffix="")
POSTGRESQL = Dialect("postgresql", lock_suffix=" FOR UPDATE")


@lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """SQLite's `?` placeholders as psycopg's `%s` (a literal `%` doubled), leaving
    quoted text alone."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)
