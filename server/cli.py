"""The `courtwire` command: serve, user (add, disable, enable, password, role), token,
backup. Account changes made here are recorded in the audit trail as by `@cli`.

`serve --workers N` runs N processes on one port (uvicorn's workers: the parent binds
the socket, each worker accepts on it and makes its own app from the environment). They
share the database and, through the broker, every event and limit; without a broker
each would fan out only its own posts, so N > 1 needs one."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette

from courtwire.auth import Accounts, new_password
from courtwire.db import new_epoch
from courtwire.exceptions import CourtwireError
from courtwire.media import open_media
from courtwire.model import Role
from courtwire.settings import Settings
from courtwire.sqlite_db import migrate
from courtwire.storage import open_database

# After a network blip every reader reconnects within a second or two. Connections the
# kernel cannot queue have their SYN dropped, and the client's retry comes 1, 3, 7 s later:
# the queue must hold the storm. Linux caps it at net.core.somaxconn (4096 by default).
ACCEPT_BACKLOG = 65535
GIL_SWITCH_INTERVAL = 0.0005


def app_of_this_process(settings: Settings | None = None) -> Starlette:
    """The app of one serving process: a worker of `--workers N` makes its own."""
    from courtwire import benchstats
    from courtwire.app import create_app

    if settings is None:
        configure_logging()
        settings = Settings.from_env()
    # A write's SQLite statements run on the writer thread, and each one takes the GIL
    # back from the event loop when it is done: during a fan-out the loop holds it for
    # the whole switch interval. 5 ms (Python's default) a statement made the publish
    # ack's p99 ~100 ms at 10k readers.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    return create_app(settings, count=benchstats.install())


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    from courtwire.live import ReaderProtocol

    if workers < 1:
        raise SystemExit("courtwire: --workers is at least 1")
    if workers > 1 and not settings.broker_url:
        raise SystemExit(
            f"courtwire: --workers {workers} needs a broker: set COURTWIRE_BROKER_URL"
            " (redis://host:6379/0, or postgresql://… on PostgreSQL storage), through which"
            " every process hears every other's"
            " posts and shares the limits; without one, run a single process"
        )
    # A bucket that does not exist, refused credentials, a store out of reach: said now,
    # not at the first upload.
    open_media(settings).check()
    app: Any = "courtwire.cli:app_of_this_process"
    if workers == 1:
        app = app_of_this_process(settings)
    else:
        asyncio.run(prepare(settings))
    uvicorn.run(
        app,
        factory=workers > 1,
        workers=workers,
        host=host,
        port=port,
        http="h11",
        loop="uvloop",  # measured: lower fan-out latency and CPU than asyncio's loop
        # Reader sockets: pings, limits and compression (none) are ReaderProtocol's own.
        ws=ReaderProtocol,
        ws_max_size=64 * 1024,
        h11_max_incomplete_event_size=16 * 1024,
        limit_concurrency=settings.max_readers + 500,
        backlog=ACCEPT_BACKLOG,
        timeout_graceful_shutdown=5,
        # Proxy headers only from the proxies named in COURTWIRE_FORWARDED_ALLOW_IPS;
        # by default nobody's, so a client cannot pick the address it is throttled by.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        log_config=None,
        access_log=False,
    )


async def prepare(settings: Settings) -> None:
    """Migrations and the demo hearing, once, before several workers start (each would
    otherwise find the database empty and load the demo too)."""
    from courtwire.demo import load_if_empty
    from courtwire.store import Store

    async with open_database(settings) as db:
        # No reader is connected yet: there is nobody to publish to.
        store = Store(db, publish=lambda _: None, retire=lambda _, __: None)
        await load_if_empty(settings, store, Accounts(db))


async def add_user(settings: Settings, name: str, role: Role, password: str) -> None:
    async with open_database(settings) as db:
        await Accounts(db).add_user(name, password, role)


@asynccontextmanager
async def accounts_of(settings: Settings) -> AsyncIterator[Accounts]:
    """The accounts, for a change that may end tokens: with a broker, every server is
    told at once (without one, or while it is away, they see it within about a second)."""
    from courtwire.cluster import TOKENS
    from courtwire.hub.brokers import announce_once

    async with open_database(settings) as db:
        accounts = Accounts(db)
        ended: list[bool] = []
        accounts.ended = lambda: ended.append(True)
        yield accounts
        if ended and settings.broker_url:
            await announce_once(settings.broker_url, db.epoch, TOKENS, "")


async def change_user(
    settings: Settings, name: str, *, disabled: bool | None = None, role: Role | None = None
) -> int:
    """Disable, enable or change the role of an account; how many tokens were revoked."""
    async with accounts_of(settings) as accounts:
        return await accounts.change(None, name, disabled=disabled, role=role)


async def set_password(settings: Settings, name: str, password: str) -> int:
    """A new password; every token of the account is revoked (how many)."""
    async with accounts_of(settings) as accounts:
        return await accounts.set_password(None, name, password)


async def issue_token(settings: Settings, name: str) -> str:
    async with open_database(settings) as db:
        accounts = Accounts(db)
        actor = await accounts.user(name)
        if actor is None:
            raise SystemExit(f"No user {name!r}; add one with: courtwire user add {name}")
        return await accounts.issue_token(actor)


def backup(settings: Settings, target: Path) -> None:
    """Copy the database with SQLite's backup API (safe while serving), then give the
    copy a new epoch: a server restored from it tells readers their seqs are stale."""
    if settings.database_url:
        raise SystemExit(
            "COURTWIRE_DATABASE_URL is set: back PostgreSQL up with its own tools (pg_dump);"
            " see the README"
        )
    if target.exists():
        raise SystemExit(f"{target} exists; choose a new path")
    migrate(settings.db_path)
    source = sqlite3.connect(settings.db_path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (new_epoch(),))
        copy.commit()
    finally:
        copy.close()
        source.close()


def read_password(generated: bool) -> tuple[str, bool]:
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
        if password:
            return password, False
    if generated:
        return new_password(), True
    return getpass.getpass("Password: "), False


def user_command(settings: Settings, args: argparse.Namespace) -> None:
    name = args.name
    if args.action in ("add", "password"):
        password, generated = read_password(generated=True)
        if args.action == "add":
            asyncio.run(add_user(settings, name, Role.from_label(args.role), password))
            print(f"Added {args.role} {name}.")
        else:
            revoked = asyncio.run(set_password(settings, name, password))
            print(f"New password for {name}; {_tokens(revoked)} revoked.")
        if generated:
            print(f"Password: {password}")
    elif args.action in ("disable", "enable"):
        disabled = args.action == "disable"
        revoked = asyncio.run(change_user(settings, name, disabled=disabled))
        print(f"Disabled {name}; {_tokens(revoked)} revoked." if disabled else f"Enabled {name}.")
    elif args.action == "role":
        asyncio.run(change_user(settings, name, role=Role.from_label(args.role)))
        print(f"{name} is now {args.role}.")


def _tokens(count: int) -> str:
    return f"{count} token{'' if count == 1 else 's'}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="courtwire", description="Live courtroom coverage.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run the server")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve_cmd.add_argument(
        "--workers", type=int, default=1, help="processes on this port (N > 1 needs a broker)"
    )
    user_cmd = commands.add_parser("user", help="manage accounts")
    user_actions = user_cmd.add_subparsers(dest="action", required=True)
    add_cmd = user_actions.add_parser("add", help="create an account")
    add_cmd.add_argument("name")
    add_cmd.add_argument("--role", choices=[role.label for role in Role], default="reporter")
    for action, text in (
        ("disable", "refuse sign-in and revoke every token"),
        ("enable", "allow sign-in again (revoked tokens stay revoked)"),
        ("password", "set a new password (stdin when piped, else generated and printed)"),
    ):
        user_actions.add_parser(action, help=text).add_argument("name")
    role_cmd = user_actions.add_parser("role", help="change an account's role")
    role_cmd.add_argument("name")
    role_cmd.add_argument("role", choices=[role.label for role in Role])
    token_cmd = commands.add_parser("token", help="print a new API token for a user")
    token_cmd.add_argument("name")
    backup_cmd = commands.add_parser("backup", help="copy the database safely while serving")
    backup_cmd.add_argument("path", type=Path)
    args = parser.parse_args(argv)

    configure_logging()
    settings = Settings.from_env()
    try:
        if args.command == "serve":
            serve(settings, args.host, args.port, args.workers)
        elif args.command == "user":
            user_command(settings, args)
        elif args.command == "token":
            token = asyncio.run(issue_token(settings, args.name))
            print(f"Token for {args.name} (send as 'Authorization: Bearer <token>'):")
            print(token)
        elif args.command == "backup":
            backup(settings, args.path)
            print(f"Backed up {settings.db_path} to {args.path} (new epoch).")
    except CourtwireError as error:
        raise SystemExit(f"courtwire: {error.message}") from None


def configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("COURTWIRE_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


if __name__ == "__main__":
    main()
