"""Where photo files live: a small interface, with a directory on the server's disk
(the default) and an S3-compatible bucket (courtwire.s3_media, for several nodes) behind it.

Keys are `<photo id>/<random name>.<ext>`, made by `courtwire.photos`; a store never
interprets them beyond that.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from courtwire.exceptions import MediaUnavailable
from courtwire.settings import Settings

logger = logging.getLogger(__name__)


class MediaStore(Protocol):
    """Blocking calls: `courtwire.photos` runs them in a thread. A store that cannot be
    reached raises MediaUnavailable (503)."""

    def check(self) -> None:
        """At start: raise MediaUnavailable, saying why, if the store cannot be used."""

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, whole or not at all."""

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None."""

    def remove(self, photo_id: str) -> None:
        """Remove every file of one photo (no error if there is none)."""


def open_media(settings: Settings) -> MediaStore:
    """The store the settings name; boto3 is imported only when a bucket is."""
    if settings.media_s3 is not None:
        from courtwire.s3_media import S3Media

        return S3Media(settings.media_s3)
    return DirectoryMedia(settings.media_root)


class Outage:
    """Whether a store is failing: its first failure is logged, and its recovery, not every
    request that fails meanwhile (a page of photos asks for many files at once)."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._down = False
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def watch(self, errors: tuple[type[Exception], ...]) -> Iterator[None]:
        """Run a call of the store: `errors` become MediaUnavailable."""
        try:
            yield
        except errors as error:
            with self._lock:
                first, self._down = not self._down, True
            if first:
                logger.error("media store unreachable where=%s error=%r", self.where, error)
            raise MediaUnavailable(
                "The photo store cannot be reached; try again shortly."
            ) from error
        with self._lock:
            back, self._down = self._down, False
        if back:
            logger.warning("media store reachable again where=%s", self.where)


def split_key(key: str) -> tuple[str, str]:
    """`<photo id>/<name>`, each one plain path segment; ValueError otherwise."""
    photo_id, _, name = key.partition("/")
    if not safe(photo_id) or not safe(name):
        raise ValueError(f"not a media key: {key!r}")
    return photo_id, name


class DirectoryMedia:
    """A directory on the server's disk (COURTWIRE_MEDIA_DIR): one folder per photo."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.outage = Outage(str(root))

    def _path(self, key: str) -> Path:
        photo_id, name = split_key(key)
        return self.root / photo_id / name

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            message = f"The media directory {self.root} cannot be made: {error}"
            raise MediaUnavailable(message) from error
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise MediaUnavailable(f"The media directory {self.root} is not writable.")

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        with self.outage.watch((OSError,)):
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    def get(self, key: str) -> bytes | None:
        try:
            path = self._path(key)
        except ValueError:
            return None
        with self.outage.watch((OSError,)):
            try:
                return path.read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                return None

    def remove(self, photo_id: str) -> None:
        if safe(photo_id):
            shutil.rmtree(self.root / photo_id, ignore_errors=True)


def safe(part: str) -> bool:
    """One plain path segment: letters, digits, `-`, `_` and one inner dot at most."""
    stem = part.replace(".", "", 1)
    return bool(stem) and not part.startswith(".") and all(c.isalnum() or c in "-_" for c in stem)
