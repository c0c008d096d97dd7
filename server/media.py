"""Where photo files live: a small interface, so that another store (S3-compatible object
storage for several nodes) can replace the directory without touching the rest.

Keys are `<photo id>/<random name>.<ext>`, made by `courtwire.photos`; a store never
interprets them beyond that.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol


class MediaStore(Protocol):
    """Blocking calls: `courtwire.photos` runs them in a thread."""

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, whole or not at all."""

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None."""

    def remove(self, photo_id: str) -> None:
        """Remove every file of one photo (no error if there is none)."""


class DirectoryMedia:
    """A directory on the server's disk (COURTWIRE_MEDIA_DIR): one folder per photo."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        photo_id, _, name = key.partition("/")
        if not _safe(photo_id) or not _safe(name):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / photo_id / name

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
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
            return self._path(key).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def remove(self, photo_id: str) -> None:
        if _safe(photo_id):
            shutil.rmtree(self.root / photo_id, ignore_errors=True)


def _safe(part: str) -> bool:
    """One plain path segment: letters, digits, `-`, `_` and one inner dot at most."""
    stem = part.replace(".", "", 1)
    return bool(stem) and not part.startswith(".") and all(c.isalnum() or c in "-_" for c in stem)
