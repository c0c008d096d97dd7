"""Settings, read once from COURTWIRE_* environment variables (each listed in the README)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from courtwire.exceptions import Invalid
from courtwire.times import zone

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
BROKER_SCHEMES = REDIS_SCHEMES + POSTGRESQL_SCHEMES


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a number, not {raw!r}") from None


def _timezone(name: str) -> str | None:
    """An IANA zone name, checked at start; unset or empty: None."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        zone(raw)
    except Invalid:
        raise SystemExit(f"{name} must be an IANA time zone name, got {raw!r}.") from None
    return raw


def _positive(name: str, default: float) -> float:
    value = _float(name, default)
    if not value > 0:
        raise SystemExit(f"{name} must be above 0, not {value!r}")
    return value


def _database_url() -> str:
    url = os.environ.get("COURTWIRE_DATABASE_URL", "").strip()
    if url and not url.startswith(POSTGRESQL_SCHEMES):
        raise SystemExit(f"COURTWIRE_DATABASE_URL must be a postgresql:// address, not {url!r}")
    return url


@dataclass(frozen=True)
class S3Location:
    """Where photo files go in S3-compatible object storage."""

    bucket: str
    prefix: str
    """"" or folders ending in `/`: every key starts with it."""
    endpoint: str
    """`http(s)://host[:port]` of a server other than AWS's (MinIO, Ceph, Garage...);
    "": boto3's own choice (AWS, or its `AWS_ENDPOINT_URL_S3`)."""


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("courtwire.db")
    database_url: str = ""
    """A PostgreSQL address (`postgresql://…`); when set, the database instead of the
    SQLite file at `db_path`."""
    post_limit: int = 60
    """Posts per minute per token."""
    login_limit: int = 10
    """Failed logins per account (and per address) per 15 minutes before 429."""
    reader_buffer: int = 1024 * 1024
    """Bytes queued for one reader before it counts as too slow and is closed with 1013."""
    recent_events: int = 1000
    """Events per hearing kept in memory so that resuming readers need no database read."""
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    max_body: int = 64 * 1024
    """Largest request body accepted, in bytes."""
    max_readers: int = 19000
    """Reader connections one process holds; more are refused with 1013."""
    readers_per_address: int = 1000
    """Reader connections one client address may hold open; more are refused (429)."""
    forwarded_allow_ips: str = ""
    """Addresses of the reverse proxies whose X-Forwarded-For/-Proto are believed
    (comma-separated IPs or networks); empty: nobody's, the socket's address counts."""
    frame_ancestors: str = "'self'"
    """Where the reader page may be embedded (the CSP frame-ancestors value)."""
    embed_origins: str = "'self'"
    """Where the embed (`/h/{slug}/embed`) may be framed: its CSP frame-ancestors value."""
    load_demo: bool = True
    token_days: float = 30.0
    """Days without use after which a staff token expires (fractions allowed)."""
    broker_url: str = ""
    """`redis://…`: events, notices and limits shared with every node through Redis;
    `postgresql://…` (PostgreSQL storage only): the same through the database, with
    LISTEN/NOTIFY; empty: this process alone (in-process fan-out and limits)."""
    photo_bytes: int = 20 * 1024 * 1024
    """Largest photo upload, in bytes (413 past it)."""
    photo_pixels: int = 50_000_000
    """Most pixels (width × height) a photo may have, checked before it is decoded (422)."""
    photo_workers: int = 2
    """Photos decoded at once, off the event loop."""
    photo_unattached_hours: float = 24.0
    """A photo never put on an update, or an upload in pieces left unfinished, is removed
    when it is older than this (hours, fractions allowed)."""
    media_dir: Path | None = None
    """Where photo files are stored; None: `media` beside the database file."""
    media_s3: S3Location | None = None
    """An S3-compatible bucket for photo files instead of a directory (COURTWIRE_MEDIA_URL)."""

    @property
    def media_root(self) -> Path:
        return self.media_dir or self.db_path.resolve().parent / "media"

    default_timezone: str | None = None
    """The zone of a new hearing created without one; None: the request must name it
    (a court's times are never silently written in UTC)."""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            db_path=Path(os.environ.get("COURTWIRE_DB") or "courtwire.db"),
            database_url=_database_url(),
            post_limit=_int("COURTWIRE_POST_LIMIT", 60),
            login_limit=_int("COURTWIRE_LOGIN_LIMIT", 10),
            reader_buffer=_int("COURTWIRE_READER_BUFFER", 1024 * 1024),
            recent_events=_int("COURTWIRE_RECENT_EVENTS", 1000),
            readers_per_address=_int("COURTWIRE_READERS_PER_ADDRESS", 1000),
            ping_interval=_float("COURTWIRE_PING_INTERVAL", 20.0),
            ping_timeout=_float("COURTWIRE_PING_TIMEOUT", 20.0),
            max_body=_int("COURTWIRE_MAX_BODY", 64 * 1024),
            max_readers=_int("COURTWIRE_MAX_READERS", 19000),
            frame_ancestors=os.environ.get("COURTWIRE_FRAME_ANCESTORS") or "'self'",
            embed_origins=os.environ.get("COURTWIRE_EMBED_ORIGINS") or "'self'",
            forwarded_allow_ips=os.environ.get("COURTWIRE_FORWARDED_ALLOW_IPS", "").strip(),
            load_demo=os.environ.get("COURTWIRE_DEMO", "1") not in ("0", "false", "no"),
            token_days=_positive("COURTWIRE_TOKEN_DAYS", 30.0),
            broker_url=_broker_url(_database_url()),
            photo_bytes=_int("COURTWIRE_PHOTO_BYTES", 20 * 1024 * 1024),
            photo_pixels=_int("COURTWIRE_PHOTO_PIXELS", 50_000_000),
            photo_workers=max(1, _int("COURTWIRE_PHOTO_WORKERS", 2)),
            photo_unattached_hours=_positive("COURTWIRE_PHOTO_UNATTACHED_HOURS", 24.0),
            media_dir=Path(os.environ["COURTWIRE_MEDIA_DIR"])
            if os.environ.get("COURTWIRE_MEDIA_DIR")
            else None,
            media_s3=_media_s3(),
            default_timezone=_timezone("COURTWIRE_DEFAULT_TIMEZONE"),
        )


def _broker_url(database_url: str) -> str:
    url = os.environ.get("COURTWIRE_BROKER_URL", "").strip()
    if url and not url.startswith(BROKER_SCHEMES):
        raise SystemExit(
            f"COURTWIRE_BROKER_URL must start with {', '.join(BROKER_SCHEMES)}"
            " (Redis, or PostgreSQL's LISTEN/NOTIFY), not"
            f" {url.split(':', 1)[0]!r}"
        )
    if url.startswith(POSTGRESQL_SCHEMES) and not database_url:
        raise SystemExit(
            "COURTWIRE_BROKER_URL names PostgreSQL, which is a broker only for a deployment"
            " stored on it: set COURTWIRE_DATABASE_URL too (usually to the same address),"
            " or use Redis (redis://…) with SQLite"
        )
    return url


MEDIA_URL_FORM = "s3://<bucket>[/<prefix>]"
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
"""S3's rule for a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens."""
PREFIX_PART = re.compile(r"[A-Za-z0-9_.-]+")


def _media_s3() -> S3Location | None:
    """COURTWIRE_MEDIA_URL and COURTWIRE_MEDIA_ENDPOINT, checked: a wrong one stops the
    start with the reason rather than failing every upload later."""
    url = os.environ.get("COURTWIRE_MEDIA_URL", "").strip()
    endpoint = os.environ.get("COURTWIRE_MEDIA_ENDPOINT", "").strip().rstrip("/")
    if not url:
        if endpoint:
            raise SystemExit(
                "COURTWIRE_MEDIA_ENDPOINT is set but COURTWIRE_MEDIA_URL is not:"
                f" name the bucket as {MEDIA_URL_FORM}"
            )
        return None
    if os.environ.get("COURTWIRE_MEDIA_DIR"):
        raise SystemExit(
            "COURTWIRE_MEDIA_DIR and COURTWIRE_MEDIA_URL are both set: photos are stored"
            " in one place, a directory or a bucket; unset one"
        )
    parts = urlsplit(url)
    if parts.scheme != "s3" or parts.query or parts.fragment or "@" in parts.netloc:
        raise SystemExit(f"COURTWIRE_MEDIA_URL must be {MEDIA_URL_FORM}, not {url!r}")
    if not BUCKET.fullmatch(parts.netloc) or ".." in parts.netloc:
        raise SystemExit(
            f"COURTWIRE_MEDIA_URL: {parts.netloc!r} is not a bucket name (3 to 63 lowercase"
            " letters, digits, dots and hyphens, starting and ending with a letter or digit)"
        )
    folders = [part for part in parts.path.split("/") if part]
    if any(not PREFIX_PART.fullmatch(part) or part in (".", "..") for part in folders):
        raise SystemExit(
            f"COURTWIRE_MEDIA_URL: the prefix {parts.path!r} may have only letters, digits,"
            " '_', '.' and '-' between its slashes"
        )
    if endpoint:
        where = urlsplit(endpoint)
        if where.scheme not in ("http", "https") or not where.hostname or where.path:
            raise SystemExit(
                f"COURTWIRE_MEDIA_ENDPOINT must be http(s)://host[:port], not {endpoint!r}"
            )
    prefix = "".join(f"{part}/" for part in folders)
    return S3Location(bucket=parts.netloc, prefix=prefix, endpoint=endpoint)
