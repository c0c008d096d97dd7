"""Which database the settings name: PostgreSQL at COURTWIRE_DATABASE_URL, or else the
SQLite file at COURTWIRE_DB."""

from __future__ import annotations

from courtwire.db import Database
from courtwire.settings import Settings
from courtwire.sqlite_db import SQLiteDatabase


def open_database(settings: Settings) -> Database:
    """The database for `async with`; nothing is opened before that."""
    if settings.database_url:
        # Imported only here: a SQLite deployment never loads the PostgreSQL driver.
        from courtwire.postgres_db import PostgresDatabase

        return PostgresDatabase(settings.database_url)
    return SQLiteDatabase(settings.db_path)
