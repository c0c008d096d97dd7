"""Fingerprinted static files: each file of static/ is also served under a name that holds
a digest of its content (`/static/js/reader.3f2a1b9c0d4e.js`), cached for a year as
immutable; a deploy that changes a file changes its name. The manifest is computed once,
at start, from static/.

Pages name their files through `asset()` (a template global), and the browser resolves
the imports between JavaScript modules through the import map every page carries
(`import_map()`), from each module's plain address to its fingerprinted one: a module that
imports "./labels.js" gets the fingerprinted labels.js too. The import map is an inline
script, allowed by its hash in the Content-Security-Policy (`IMPORT_MAP_HASH`).

The plain addresses (`/static/js/reader.js`) keep working, revalidated on every use
(`no-cache`): the reporter's service worker, bookmarks and old pages use them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from markupsafe import Markup
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
PLAIN = "no-cache"
DIGEST_CHARS = 12


def static_directory() -> Path:
    """The pages' files: static/ at the top of the repository, installed as the package data
    `courtwire/static` (pyproject.toml), so found wherever the package is: in the wheel, or
    in the editable install's link tree (whose files are links to static/)."""
    found = resources.files("courtwire") / "static"
    if not isinstance(found, Path) or not found.is_dir():
        raise RuntimeError(f"courtwire's static files are not a directory: {found}")
    return found


STATIC_DIR = static_directory()


def fingerprinted(path: str, content: bytes) -> str:
    """`js/reader.js` → `js/reader.<digest>.js`, the digest of its content."""
    digest = hashlib.sha256(content).hexdigest()[:DIGEST_CHARS]
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{path}.{digest}"


@dataclass(frozen=True)
class Manifest:
    names: dict[str, str]
    """Each file's fingerprinted path by its plain path (relative to static/)."""
    plain: dict[str, str]
    """The other way."""

    @classmethod
    def of(cls, directory: Path) -> Manifest:
        names = {}
        for file in sorted(directory.rglob("*")):
            if file.is_file():
                path = file.relative_to(directory).as_posix()
                names[path] = fingerprinted(path, file.read_bytes())
        return cls(names, {hashed: path for path, hashed in names.items()})


MANIFEST = Manifest.of(STATIC_DIR)


def asset(path: str) -> str:
    """The fingerprinted address of static file `path` (e.g. "css/app.css")."""
    return f"/static/{MANIFEST.names[path]}"


def _import_map_text() -> str:
    imports = {f"/static/{path}": asset(path) for path in MANIFEST.names if path.endswith(".js")}
    return json.dumps({"imports": imports}, separators=(",", ":"))


IMPORT_MAP = _import_map_text()
IMPORT_MAP_HASH = (
    "sha256-" + base64.b64encode(hashlib.sha256(IMPORT_MAP.encode()).digest()).decode()
)
"""The CSP source that allows the inline import map."""


def import_map() -> Markup:
    """The `<script type="importmap">` of every page (before any module script)."""
    return Markup(f'<script type="importmap">{IMPORT_MAP}</script>')  # noqa: S704 - JSON of paths


def plain_path(path: str) -> str:
    """A fingerprinted path's plain one; any other path as it is."""
    return MANIFEST.plain.get(path, path)


class StaticAssets(StaticFiles):
    """static/ under both names: fingerprinted (immutable) and plain (revalidated)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        plain = plain_path(path)
        response = await super().get_response(plain, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE if plain != path else PLAIN
        return response
